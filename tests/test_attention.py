"""helpers/self_attention.py: equal to F.scaled_dot_product_attention and nn.MultiheadAttention, masks, positions."""

import math

import pytest
import torch
import torch.nn.functional as F

from helpers.self_attention import (
    MultiHeadAttention,
    attention_entropy,
    causal_mask,
    copy_to_torch,
    padding_mask,
    scaled_dot_product_attention,
    sinusoidal_positions,
)


def test_sdpa_equals_torch_odd_sizes():
    torch.manual_seed(0)
    q, k, v = torch.randn(2, 3, 5, 7), torch.randn(2, 3, 6, 7), torch.randn(2, 3, 6, 4)
    out, w = scaled_dot_product_attention(q, k, v)
    assert out.shape == (2, 3, 5, 4) and w.shape == (2, 3, 5, 6)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v))
    torch.testing.assert_close(w.sum(-1), torch.ones(2, 3, 5))


def test_sdpa_with_masks_equals_torch():
    torch.manual_seed(0)
    q, k, v = torch.randn(2, 5, 3), torch.randn(2, 5, 3), torch.randn(2, 5, 4)
    out, w = scaled_dot_product_attention(q, k, v, causal_mask(5))
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, is_causal=True))
    assert torch.all(w[:, torch.ones(5, 5, dtype=torch.bool).triu(1)] == 0)
    real = torch.tensor([[True] * 5, [True, True, True, False, False]])
    m = padding_mask(real)[:, 0]  # (B, T, S)
    out, w = scaled_dot_product_attention(q, k, v, m)
    torch.testing.assert_close(out, F.scaled_dot_product_attention(q, k, v, attn_mask=m))
    assert torch.all(w[1, :, 3:] == 0)


def test_sdpa_unscaled_is_plain_dot_product():
    q, k, v = torch.randn(4, 9), torch.randn(6, 9), torch.randn(6, 2)
    _, w = scaled_dot_product_attention(q, k, v, scale=False)
    torch.testing.assert_close(w, torch.softmax(q @ k.T, -1))
    out, _ = scaled_dot_product_attention(q * math.sqrt(9), k, v, scale=True)
    torch.testing.assert_close(out, scaled_dot_product_attention(q, k, v, scale=False)[0])


def test_multihead_equals_nn_multiheadattention_cross_attention():
    torch.manual_seed(0)
    mha = MultiHeadAttention(embed_dim=15, num_heads=5)
    ref = copy_to_torch(mha)
    q, kv = torch.randn(2, 4, 15), torch.randn(2, 7, 15)
    out, w = mha(q, kv, kv)
    ref_out, ref_w = ref(q, kv, kv, average_attn_weights=False)
    assert out.shape == (2, 4, 15) and w.shape == (2, 5, 4, 7)
    torch.testing.assert_close(out, ref_out, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(w, ref_w, atol=1e-5, rtol=1e-4)


def test_multihead_with_masks_equals_torch():
    torch.manual_seed(1)
    mha = MultiHeadAttention(embed_dim=12, num_heads=3)
    ref = copy_to_torch(mha)
    x = torch.randn(3, 6, 12)
    real = torch.tensor([[True] * 6, [True] * 4 + [False] * 2, [True] * 2 + [False] * 4])
    mask = causal_mask(6)[None, None] & padding_mask(real)  # (B, 1, T, T)
    out, w = mha(x, x, x, mask)
    ref_out, ref_w = ref(x, x, x, key_padding_mask=~real, attn_mask=~causal_mask(6), average_attn_weights=False)
    torch.testing.assert_close(out, ref_out, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(w, ref_w, atol=1e-5, rtol=1e-4)


def test_self_attention_without_positions_is_permutation_equivariant():
    torch.manual_seed(0)
    mha = MultiHeadAttention(10, 2)
    x = torch.randn(1, 7, 10)
    perm = torch.randperm(7)
    out, _ = mha(x, x, x)
    out_p, _ = mha(x[:, perm], x[:, perm], x[:, perm])
    torch.testing.assert_close(out_p, out[:, perm], atol=1e-5, rtol=1e-4)


def test_sinusoidal_positions_formula():
    pe = sinusoidal_positions(50, 16)
    assert pe.shape == (50, 16)
    p, i = 7, 3
    assert pe[p, 2 * i].item() == pytest.approx(math.sin(p / 10000 ** (2 * i / 16)), abs=1e-5)
    assert pe[p, 2 * i + 1].item() == pytest.approx(math.cos(p / 10000 ** (2 * i / 16)), abs=1e-5)
    torch.testing.assert_close(pe[0, 1::2], torch.ones(8))


def test_entropy_bounds():
    uniform = torch.full((2, 8), 1 / 8)
    onehot = torch.eye(8)[:2]
    torch.testing.assert_close(attention_entropy(uniform), torch.full((2,), math.log(8)))
    torch.testing.assert_close(attention_entropy(onehot), torch.zeros(2))


def test_bad_inputs_raise_value_error_naming_the_argument():
    with pytest.raises(ValueError, match="k"):
        scaled_dot_product_attention(torch.randn(2, 3), torch.randn(2, 4), torch.randn(2, 4))
    with pytest.raises(ValueError, match="v"):
        scaled_dot_product_attention(torch.randn(2, 3), torch.randn(4, 3), torch.randn(5, 3))
    with pytest.raises(ValueError, match="mask"):
        scaled_dot_product_attention(torch.randn(2, 3), torch.randn(4, 3), torch.randn(4, 3), torch.ones(2, 4))
    with pytest.raises(ValueError, match="T"):
        causal_mask(0)
    with pytest.raises(ValueError, match="key_padding_mask"):
        padding_mask(torch.ones(2, 3))
    with pytest.raises(ValueError, match="d_model"):
        sinusoidal_positions(10, 7)
    with pytest.raises(ValueError, match="max_len"):
        sinusoidal_positions(0, 8)
    with pytest.raises(ValueError, match="embed_dim"):
        MultiHeadAttention(10, 3)
    with pytest.raises(ValueError, match="num_heads"):
        MultiHeadAttention(10, 0)
    with pytest.raises(ValueError, match="query"):
        MultiHeadAttention(10, 2)(torch.randn(2, 3, 9), torch.randn(2, 3, 10), torch.randn(2, 3, 10))


def _stub(*args):
    raise NotImplementedError


def test_check_causal_mask_passes_solution_fails_wrong_answers(capsys):
    from helpers.self_attention import check_causal_mask

    assert check_causal_mask(lambda T: torch.ones(T, T, dtype=torch.bool).tril())
    assert not check_causal_mask(lambda T: torch.ones(T, T, dtype=torch.bool).triu())  # the future, not the past
    assert not check_causal_mask(lambda T: torch.ones(T, T, dtype=torch.bool).tril(-1))  # no diagonal
    assert not check_causal_mask(lambda T: torch.ones(T, T).tril())  # floats, not bools
    assert not check_causal_mask(lambda T: None)
    assert not check_causal_mask(_stub)  # untouched stub: no exception
    assert "not written yet" in capsys.readouterr().out


def test_check_attention_passes_solution_fails_wrong_answers(capsys):
    from helpers.self_attention import check_attention

    assert check_attention(lambda q, k, v: torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1]), -1) @ v)
    assert not check_attention(lambda q, k, v: torch.softmax(q @ k.transpose(-2, -1), -1) @ v)  # no scaling
    assert not check_attention(lambda q, k, v: torch.softmax(q @ k.transpose(-2, -1) / q.shape[-1], -1) @ v)
    assert not check_attention(lambda q, k, v: torch.softmax(q @ k.transpose(-2, -1) / 2, 1) @ v)  # wrong axis
    assert not check_attention(lambda q, k, v: q)
    assert not check_attention(_stub)
    assert "not written yet" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------ lesson 04's tools
def _tiny_world():
    from helpers import seq2seq as s2s
    from helpers.corpus import load_pairs

    pairs = load_pairs("train")[:200]
    return pairs, *s2s.build_vocabs(pairs)


def test_staged_training_in_two_stages_equals_one_train_model_call():
    from helpers import seq2seq as s2s
    from helpers.seq2seq_stages import StagedTraining

    pairs, sv, tv = _tiny_world()

    def fresh():
        torch.manual_seed(0)
        return s2s.Seq2Seq(s2s.Seq2SeqConfig(len(sv), len(tv), 8, 12, attention="dot", pad_id=sv.pad_id))

    one, staged = fresh(), fresh()
    s2s.train_model(one, pairs, sv, tv, steps=7, batch_size=16, lr=1e-2, clip=1.0, seed=3)
    run = StagedTraining(staged, pairs, sv, tv, steps=7, batch_size=16, lr=1e-2, clip=1.0, seed=3)
    run.run(3)
    run.run(4)
    assert run.done == 7 and len(run.losses) == 7
    for a, b in zip(one.parameters(), staged.parameters(), strict=True):
        torch.testing.assert_close(a, b)
    with pytest.raises(ValueError, match="n"):
        run.run(1)  # no steps left
    with pytest.raises(ValueError, match="steps"):
        StagedTraining(staged, pairs, sv, tv, steps=0)


def test_diagonal_and_uniform_baselines():
    from helpers import seq2seq_attention as sa

    d = sa.diagonal_attention(3, 5)
    assert d.argmax(1).tolist() == [0, 2, 4] and torch.equal(d.sum(1), torch.ones(3))
    assert sa.diagonal_attention(1, 4).argmax(1).tolist() == [0]
    torch.testing.assert_close(sa.uniform_attention(2, 4), torch.full((2, 4), 0.25))
    with pytest.raises(ValueError, match="n_src"):
        sa.diagonal_attention(3, 0)
    with pytest.raises(ValueError, match="n_tgt"):
        sa.uniform_attention(True, 3)


def test_agreement_items_and_accuracy():
    from helpers import seq2seq_attention as sa
    from helpers.tinyworld import Pair

    pairs = [Pair("the cat that ran away slept .".split(), "le chat qui s' est enfui a dormi .".split()),
             Pair("the mice that the cat saw slept .".split(), "les souris que le chat a vues a dormi .".split()),
             Pair("the cat that saw the mouse slept .".split(), "le chat qui a vu la souris a dormi .".split()),
             Pair("the cat slept because the dog ran away .".split(),
                  "le chat a dormi parce que le chien s' est enfui .".split())]
    items = sa.agreement_items(pairs)
    assert [(i.index, i.pronoun, i.head_en, i.form) for i in items] == [(0, "qui", 1, "enfui"), (1, "que", 1, "vues")]
    assert items[0].participle_fr == 5
    preds = [pairs[0].fr, "les souris que le chat a vu a dormi .".split(), [], []]
    assert sa.agreement_accuracy(preds, items) == 0.5
    assert sa.participle_stem("enfuies") == "enfui" and sa.participle_stem("chat") is None
    with pytest.raises(ValueError, match="items"):
        sa.agreement_accuracy(preds, [])
    with pytest.raises(ValueError, match="preds"):
        sa.agreement_accuracy(preds[:1], items)
    with pytest.raises(ValueError, match="word"):
        sa.participle_stem(3)


def test_time_scores_reports_milliseconds_per_score():
    from helpers import seq2seq_attention as sa

    ms = sa.time_scores({"dot": sa.DotAttention(), "general": sa.GeneralAttention(8, 8)}, B=2, T=3, S=4, H=8,
                        repeats=2)
    assert set(ms) == {"dot", "general"} and all(v > 0 for v in ms.values())
    with pytest.raises(ValueError, match="repeats"):
        sa.time_scores({"dot": sa.DotAttention()}, repeats=0)
    with pytest.raises(ValueError, match="modules"):
        sa.time_scores({"x": torch.nn.Linear(2, 2)}, repeats=1)
