"""The course's GPT with GPT-2's options loads transformers' GPT2LMHeadModel weights and gives the same logits."""

from __future__ import annotations

import pytest
import torch

from helpers import gpt2
from helpers.transformer import TransformerConfig, TransformerLM, param_count_formula

transformers = pytest.importorskip("transformers")


def small_gpt2(**kw):
    torch.manual_seed(0)
    # every size differs, so a transposed weight cannot hide: 2 layers, 3 heads, width 24, MLP 40, vocab 53, 17 places
    cfg = dict(n_layer=2, n_head=3, n_embd=24, n_inner=40, vocab_size=53, n_positions=17, bos_token_id=0,
               eos_token_id=0) | kw
    return transformers.GPT2LMHeadModel(transformers.GPT2Config(**cfg)).eval()


def test_logits_equal_transformers_gpt2():
    theirs = small_gpt2()
    ours = gpt2.from_gpt2(theirs)
    ids = torch.randint(0, 53, (3, 11))
    with torch.no_grad():
        torch.testing.assert_close(ours(ids), theirs(ids).logits)
    assert ours.n_params() == sum(p.numel() for p in theirs.parameters())
    assert ours.head.weight is ours.tok_emb.weight and ours.head.bias is None
    assert param_count_formula(ours.cfg) == ours.n_params()


def test_default_mlp_width_and_full_length():
    theirs = small_gpt2(n_inner=None, n_layer=1)
    ours = gpt2.from_gpt2(theirs)
    assert ours.cfg.d_ff == 96 and ours.cfg.activation == "gelu_tanh" and ours.cfg.tie_embeddings
    ids = torch.randint(0, 53, (2, 17))
    with torch.no_grad():
        torch.testing.assert_close(ours(ids), theirs(ids).logits)


def test_errors():
    with pytest.raises(ValueError, match="hf_config"):
        gpt2.config_from_gpt2(object())
    with pytest.raises(ValueError, match="hf_config"):
        gpt2.config_from_gpt2(transformers.GPT2Config(activation_function="relu"))
    with pytest.raises(ValueError, match="hf_state"):
        gpt2.convert_state_dict({}, 1)
    state = small_gpt2().state_dict()
    with pytest.raises(ValueError, match="hf_state"):
        gpt2.convert_state_dict(state, 3)  # only 2 blocks there
    with pytest.raises(ValueError, match="activation"):
        TransformerConfig(vocab_size=5, activation="relu")
    with pytest.raises(ValueError, match="tie_embeddings"):
        TransformerConfig(vocab_size=5, tie_embeddings="yes")


def test_hub_reachable_respects_offline_mode(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert gpt2.hub_reachable() is False


def test_default_transformer_is_unchanged():
    cfg = TransformerConfig(vocab_size=11, d_model=8, n_heads=2, n_layers=1, d_ff=12, max_len=5)
    m = TransformerLM(cfg)
    assert m.head.bias is not None and m.head.weight is not m.tok_emb.weight
    assert param_count_formula(cfg) == m.n_params()
