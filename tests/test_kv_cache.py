"""The key/value cache changes the speed, not the result: same tokens, logits equal to a full forward pass."""

from __future__ import annotations

import pytest
import torch

from helpers import kv_cache
from helpers.transformer import TransformerConfig, TransformerLM


def model(**kw) -> TransformerLM:
    torch.manual_seed(0)
    cfg = dict(vocab_size=37, d_model=24, n_heads=3, n_layers=2, d_ff=40, max_len=30) | kw
    return TransformerLM(TransformerConfig(**cfg)).eval()


def test_cached_logits_equal_the_full_forward_pass():
    m = model()
    ids = torch.randint(0, 37, (2, 13))
    with torch.no_grad():
        full = m(ids)
    a, cache = kv_cache.forward_cached(m, ids[:, :5])
    b, cache = kv_cache.forward_cached(m, ids[:, 5:6], cache)
    c, cache = kv_cache.forward_cached(m, ids[:, 6:], cache)
    torch.testing.assert_close(torch.cat([a, b, c], dim=1), full)
    assert len(cache) == 2 and cache[0][0].shape == (2, 3, 13, 8)  # (B, nh, S, hs) per layer


@pytest.mark.parametrize("kw", [{}, {"activation": "gelu_tanh", "tie_embeddings": True}])
def test_greedy_generation_gives_the_same_tokens(kw):
    m = model(**kw)
    prompt = torch.randint(0, 37, (3, 4))
    with_cache, t1 = kv_cache.generate(m, prompt, 20, use_cache=True)
    without, t2 = kv_cache.generate(m, prompt, 20, use_cache=False)
    assert torch.equal(with_cache, without) and with_cache.shape == (3, 24)
    assert len(t1) == len(t2) == 20


def test_sampling_gives_the_same_tokens_with_the_same_generator():
    m = model()
    prompt = torch.randint(0, 37, (2, 3))
    a, _ = kv_cache.generate(m, prompt, 15, True, temperature=1.0, generator=torch.Generator().manual_seed(1))
    b, _ = kv_cache.generate(m, prompt, 15, False, temperature=1.0, generator=torch.Generator().manual_seed(1))
    assert torch.equal(a, b)


def test_update_cache():
    k, v = torch.randn(2, 3, 4, 5), torch.randn(2, 3, 4, 5)
    assert kv_cache.update_cache(None, k, v) == (k, v)
    k2, v2 = kv_cache.update_cache((k, v), k[:, :, :1], v[:, :, :1])
    assert k2.shape == (2, 3, 5, 5) and torch.equal(v2[:, :, -1], v[:, :, 0])


def test_errors():
    m = model()
    with pytest.raises(ValueError, match="max_new"):
        kv_cache.generate(m, torch.zeros(1, 5, dtype=torch.long), 26)
    with pytest.raises(ValueError, match="prompt"):
        kv_cache.generate(m, torch.zeros(5, dtype=torch.long), 2)
    with pytest.raises(ValueError, match="max_new"):
        kv_cache.generate(m, torch.zeros(1, 2, dtype=torch.long), -1)
    with pytest.raises(ValueError, match="ids"):
        kv_cache.forward_cached(m, torch.zeros(1, 31, dtype=torch.long))
    with pytest.raises(ValueError, match="ids"):
        kv_cache.forward_cached(m, torch.zeros(1, 3))
    with pytest.raises(ValueError, match="model"):
        kv_cache.forward_cached(model(causal=False), torch.zeros(1, 3, dtype=torch.long))


def test_check_update_cache(capsys):
    def stub(past, k, v):
        raise NotImplementedError

    assert not kv_cache.check_update_cache(stub)
    out = capsys.readouterr().out
    assert "not written yet" in out and "hint" not in out

    def wrong(past, k, v):  # glues the wrong axis
        return (k, v) if past is None else (torch.cat([past[0], k], -1), torch.cat([past[1], v], -1))

    assert not kv_cache.check_update_cache(wrong)
    assert kv_cache.check_update_cache(kv_cache.update_cache)
