"""helpers/sampling.py: top-k, temperature, generation, BERT's masking and the exercise checkers."""

import pytest
import torch

from helpers.sampling import (
    IGNORE,
    check_mask_tokens,
    check_top_k,
    generate,
    mask_tokens,
    next_token_probs,
    top_k_filter,
    top_p_filter,
)
from helpers.transformer import TransformerConfig, TransformerLM


def test_top_k_filter_keeps_k_largest():
    logits = torch.tensor([[1.0, 5.0, 3.0, 2.0], [0.0, -1.0, 4.0, 1.0]])
    out = top_k_filter(logits, 2)
    assert torch.isinf(out).sum() == 4
    assert out[0, 1] == 5.0 and out[0, 2] == 3.0 and out[1, 2] == 4.0 and out[1, 3] == 1.0
    assert torch.equal(top_k_filter(logits, None), logits)
    assert torch.equal(top_k_filter(logits, 10), logits)


def test_temperature_sharpens_and_flattens():
    logits = torch.tensor([2.0, 1.0, 0.0])
    cold, hot = next_token_probs(logits, 0.5), next_token_probs(logits, 2.0)
    assert cold[0] > next_token_probs(logits, 1.0)[0] > hot[0]
    torch.testing.assert_close(cold.sum(), torch.tensor(1.0))
    p = next_token_probs(logits, 1.0, top_k=1)
    assert p.tolist() == [1.0, 0.0, 0.0]


def test_generate_shapes_and_eos():
    torch.manual_seed(0)
    model = TransformerLM(TransformerConfig(vocab_size=11, d_model=8, n_heads=2, max_len=12))
    prompt = torch.tensor([[1, 2], [1, 3], [1, 4]])
    out = generate(model, prompt, max_new=5, generator=torch.Generator().manual_seed(0))
    assert out.shape == (3, 7) and torch.equal(out[:, :2], prompt)
    out = generate(model, prompt, max_new=50, eos_id=0, top_k=3, generator=torch.Generator().manual_seed(0))
    assert out.shape[1] <= 52
    for row in out.tolist():  # after the first eos, only eos
        if 0 in row[2:]:
            first = row.index(0, 2)
            assert all(t == 0 for t in row[first:])


def test_mask_tokens_recipe():
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(10, 60, (300, 100), generator=g)
    can = torch.ones_like(ids, dtype=torch.bool)
    can[:, :10] = False
    out, targets = mask_tokens(ids, can, mask_id=3, low=5, high=60, generator=g)
    picked = targets != IGNORE
    assert not picked[:, :10].any()
    assert 0.13 < picked[:, 10:].float().mean() < 0.17
    assert torch.equal(targets[picked], ids[picked])
    assert torch.equal(out[~picked], ids[~picked])
    masked = (out[picked] == 3).float().mean()
    kept = (out[picked] == ids[picked]).float().mean()
    assert 0.77 < masked < 0.83 and 0.08 < kept < 0.13 and 0.07 < 1 - masked - kept < 0.13


def test_bad_inputs_raise_value_error():
    with pytest.raises(ValueError, match="k"):
        top_k_filter(torch.zeros(3), 0)
    with pytest.raises(ValueError, match="temperature"):
        next_token_probs(torch.zeros(3), 0.0)
    with pytest.raises(ValueError, match="can_mask"):
        mask_tokens(torch.zeros(2, 3, dtype=torch.long), torch.ones(2, 2, dtype=torch.bool), 1, 2, 5)
    with pytest.raises(ValueError, match="p"):
        mask_tokens(torch.zeros(2, 3, dtype=torch.long), torch.ones(2, 3, dtype=torch.bool), 1, 2, 5, p=0.0)
    with pytest.raises(ValueError, match="low/high"):
        mask_tokens(torch.zeros(2, 3, dtype=torch.long), torch.ones(2, 3, dtype=torch.bool), 1, 5, 5)
    model = TransformerLM(TransformerConfig(vocab_size=5, d_model=4, n_heads=1))
    with pytest.raises(ValueError, match="prompt"):
        generate(model, torch.zeros(3, dtype=torch.long), 2)
    with pytest.raises(ValueError, match="max_new"):
        generate(model, torch.zeros(1, 2, dtype=torch.long), -1)


def _stub(*args):
    raise NotImplementedError


def test_check_top_k(capsys):
    def right(logits, k):
        v, _ = logits.topk(k, dim=-1)
        return logits.masked_fill(logits < v[..., -1:], float("-inf"))

    assert check_top_k(right)
    assert not check_top_k(lambda logits, k: logits.masked_fill(logits < logits.topk(k, -1).values[..., -1:], 0.0))
    assert not check_top_k(lambda logits, k: logits)  # no filtering
    assert not check_top_k(lambda logits, k: logits.masked_fill(logits <= logits.topk(k, -1).values[..., -1:],
                                                                 float("-inf")))  # off by one
    assert not check_top_k(_stub)
    assert "not written yet" in capsys.readouterr().out


def test_check_mask_tokens(capsys):
    def right(ids, mask_id, low, high):
        can = torch.ones_like(ids, dtype=torch.bool)
        return mask_tokens(ids, can, mask_id, low, high)

    def all_masked(ids, mask_id, low, high):  # forgets the 10% random and 10% kept
        picked = torch.rand(ids.shape) < 0.15
        out = ids.clone()
        out[picked] = mask_id
        return out, torch.where(picked, ids, torch.full_like(ids, -100))

    def too_many(ids, mask_id, low, high):
        can = torch.ones_like(ids, dtype=torch.bool)
        return mask_tokens(ids, can, mask_id, low, high, p=0.5)

    def targets_everywhere(ids, mask_id, low, high):
        out, _ = right(ids, mask_id, low, high)
        return out, ids.clone()

    assert check_mask_tokens(right)
    assert not check_mask_tokens(all_masked)
    assert not check_mask_tokens(too_many)
    assert not check_mask_tokens(targets_everywhere)
    assert not check_mask_tokens(_stub)
    assert "not written yet" in capsys.readouterr().out


def test_top_p_keeps_the_smallest_nucleus():
    probs = torch.tensor([[0.5, 0.3, 0.15, 0.05], [0.05, 0.9, 0.03, 0.02]])
    logits = probs.log()
    kept = torch.isfinite(top_p_filter(logits, 0.8))
    assert kept.tolist() == [[True, True, False, False], [False, True, False, False]]
    assert torch.isfinite(top_p_filter(logits, 0.81))[0].tolist() == [True, True, True, False]
    assert torch.equal(top_p_filter(logits, None), logits)
    assert torch.isfinite(top_p_filter(logits, 1.0)).all()
    torch.testing.assert_close(next_token_probs(logits[0], top_p=0.8), torch.tensor([0.625, 0.375, 0.0, 0.0]))
    for bad in (0.0, 1.5, True, "0.9"):
        with pytest.raises(ValueError, match="p: got"):
            top_p_filter(logits, bad)


def test_generate_with_top_p_one_is_greedy_like_top_k_one():
    torch.manual_seed(0)
    model = TransformerLM(TransformerConfig(vocab_size=11, d_model=8, n_heads=2, max_len=12))
    prompt = torch.tensor([[1, 2], [1, 3]])
    a = generate(model, prompt, max_new=6, top_k=1, generator=torch.Generator().manual_seed(0))
    b = generate(model, prompt, max_new=6, top_p=1e-6, generator=torch.Generator().manual_seed(1))
    assert torch.equal(a, b)
