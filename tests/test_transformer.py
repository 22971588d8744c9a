"""helpers/transformer.py: equal to PyTorch's attention on copied weights, masks, shapes and bad configs."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from helpers.data import pad_batch
from helpers.transformer import (
    Block,
    MultiHeadSelfAttention,
    TransformerConfig,
    TransformerLM,
    param_count_formula,
)

B, T, C, NH = 3, 7, 15, 5  # every dimension a different size; head size 3


def _mhsa_and_torch(d_model=C, n_heads=NH):
    torch.manual_seed(0)
    mine = MultiHeadSelfAttention(d_model, n_heads)
    ref = nn.MultiheadAttention(d_model, n_heads, batch_first=True)
    with torch.no_grad():
        ref.in_proj_weight.copy_(mine.qkv.weight)
        ref.in_proj_bias.copy_(mine.qkv.bias)
        ref.out_proj.weight.copy_(mine.proj.weight)
        ref.out_proj.bias.copy_(mine.proj.bias)
    return mine, ref


def test_mhsa_equals_nn_multiheadattention():
    mine, ref = _mhsa_and_torch()
    x = torch.randn(B, T, C)
    out, w = mine(x)
    ref_out, ref_w = ref(x, x, x, need_weights=True, average_attn_weights=False)
    assert out.shape == (B, T, C) and w.shape == (B, NH, T, T)
    torch.testing.assert_close(out, ref_out, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(w, ref_w, atol=1e-5, rtol=1e-4)


def test_mhsa_equals_torch_with_causal_and_padding_masks():
    mine, ref = _mhsa_and_torch()
    x = torch.randn(B, T, C)
    _, real, _ = pad_batch([[1] * 7, [1] * 4, [1] * 2], pad_id=0)  # (B, T) True = real
    out, w = mine(x, key_padding_mask=real, causal=True)
    blocked = torch.ones(T, T, dtype=torch.bool).triu(1)  # nn.MultiheadAttention: True = blocked
    ref_out, ref_w = ref(x, x, x, key_padding_mask=~real, attn_mask=blocked, average_attn_weights=False)
    torch.testing.assert_close(out, ref_out, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(w, ref_w, atol=1e-5, rtol=1e-4)


def test_mhsa_heads_equal_f_scaled_dot_product_attention():
    mine, _ = _mhsa_and_torch()
    x = torch.randn(B, T, C)
    out, w = mine(x, causal=True)
    q, k, v = mine.qkv(x).split(C, dim=-1)
    q, k, v = (t.view(B, T, NH, C // NH).transpose(1, 2) for t in (q, k, v))
    ref = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, nh, T, hs)
    ref = mine.proj(ref.transpose(1, 2).reshape(B, T, C))
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-4)


def test_causal_mask_blocks_the_future():
    mine, _ = _mhsa_and_torch()
    x = torch.randn(B, T, C)
    _, w = mine(x, causal=True)
    upper = torch.ones(T, T, dtype=torch.bool).triu(1)
    assert torch.all(w[..., upper] == 0)
    torch.testing.assert_close(w.sum(-1), torch.ones(B, NH, T))
    # changing a later token leaves earlier outputs unchanged
    x2 = x.clone()
    x2[:, -1] += 5.0
    out1, _ = mine(x, causal=True)
    out2, _ = mine(x2, causal=True)
    torch.testing.assert_close(out1[:, :-1], out2[:, :-1])


def test_padding_mask_gives_padding_no_weight_and_no_influence():
    mine, _ = _mhsa_and_torch()
    x = torch.randn(2, T, C)
    real = torch.tensor([[True] * T, [True] * 4 + [False] * (T - 4)])
    out, w = mine(x, key_padding_mask=real)
    assert torch.all(w[1, :, :, 4:] == 0)
    x2 = x.clone()
    x2[1, 4:] = torch.randn(T - 4, C)  # change only the padding
    out2, _ = mine(x2, key_padding_mask=real)
    torch.testing.assert_close(out[1, :4], out2[1, :4])


def test_lm_shapes_attn_and_param_count():
    cfg = TransformerConfig(vocab_size=23, d_model=30, n_heads=5, n_layers=3, d_ff=41, max_len=11)
    model = TransformerLM(cfg)
    ids = torch.randint(0, 23, (B, 9))
    assert model(ids).shape == (B, 9, 23)
    assert model.encode(ids).shape == (B, 9, 30)
    assert len(model.attn) == 3 and all(a.shape == (B, 5, 9, 9) for a in model.attn)
    assert model.n_params() == param_count_formula(cfg) == sum(p.numel() for p in model.parameters())


def test_lm_causal_vs_bidirectional():
    torch.manual_seed(0)
    ids = torch.randint(0, 20, (2, 8))
    ids2 = ids.clone()
    ids2[:, -1] = (ids2[:, -1] + 1) % 20
    gpt = TransformerLM(TransformerConfig(vocab_size=20, d_model=12, n_heads=3, max_len=8, causal=True)).eval()
    bert = TransformerLM(TransformerConfig(vocab_size=20, d_model=12, n_heads=3, max_len=8, causal=False)).eval()
    torch.testing.assert_close(gpt(ids)[:, :-1], gpt(ids2)[:, :-1])  # GPT cannot see the future
    assert not torch.allclose(bert(ids)[:, :-1], bert(ids2)[:, :-1])  # BERT sees both sides
    bert(ids)
    assert all(bool((a[..., 0, 1:] > 0).all()) for a in bert.attn)


def test_lm_padding_does_not_change_real_positions():
    torch.manual_seed(0)
    model = TransformerLM(TransformerConfig(vocab_size=20, d_model=12, n_heads=3, max_len=10, causal=False)).eval()
    ids, real, _ = pad_batch([[4, 5, 6, 7, 8], [9, 10, 11]], pad_id=0)
    logits = model(ids, key_padding_mask=real)
    alone = model(torch.tensor([[9, 10, 11]]))
    torch.testing.assert_close(logits[1, :3], alone[0], atol=1e-5, rtol=1e-4)


def test_block_is_pre_layernorm_residual():
    torch.manual_seed(0)
    cfg = TransformerConfig(vocab_size=5, d_model=10, n_heads=2, d_ff=13)
    block = Block(cfg)
    x = torch.randn(B, T, 10)
    out, w = block(x, causal=True)
    a, _ = block.attn(block.ln1(x), None, True)
    h = x + a
    torch.testing.assert_close(out, h + block.mlp(block.ln2(h)))
    assert w.shape == (B, 2, T, T)


@pytest.mark.parametrize("kwargs, name", [
    (dict(d_model=10, n_heads=4), "d_model"),
    (dict(vocab_size=0), "vocab_size"),
    (dict(n_layers=0), "n_layers"),
    (dict(d_ff=-1), "d_ff"),
    (dict(max_len=2.5), "max_len"),
    (dict(dropout=1.0), "dropout"),
    (dict(causal="yes"), "causal"),
])
def test_bad_config_raises_value_error_naming_the_argument(kwargs, name):
    args = dict(vocab_size=10) | kwargs
    with pytest.raises(ValueError, match=name):
        TransformerConfig(**args)


def test_bad_inputs_raise_value_error():
    model = TransformerLM(TransformerConfig(vocab_size=10, d_model=8, n_heads=2, max_len=5))
    with pytest.raises(ValueError, match="ids"):
        model(torch.zeros(2, 6, dtype=torch.long))  # longer than max_len
    with pytest.raises(ValueError, match="ids"):
        model(torch.zeros(6, dtype=torch.long))  # not (B, T)
    with pytest.raises(ValueError, match="key_padding_mask"):
        model(torch.zeros(2, 4, dtype=torch.long), key_padding_mask=torch.ones(2, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match="key_padding_mask"):
        model(torch.zeros(2, 4, dtype=torch.long), key_padding_mask=torch.ones(2, 4))
    with pytest.raises(ValueError, match="d_model"):
        MultiHeadSelfAttention(10, 3)
    with pytest.raises(ValueError, match="cfg"):
        TransformerLM(dict(vocab_size=10))
