"""GPT-2 in the course's own code: the same TransformerLM, with GPT-2's options, reading GPT-2's weights.

GPT-2 is the course's GPT with three choices: learned positions (ours already), GELU's tanh approximation, and
an LM head that reuses the token embedding (tied, no bias). Its checkpoint names and stores the same numbers
differently: ``transformers`` keeps each projection as a ``Conv1D`` whose weight is (in, out), where
``nn.Linear`` keeps (out, in), so every projection is transposed on the way in.

Real weights need the internet; ``hub_reachable`` says quickly whether it is there, so a notebook can skip.
"""

from __future__ import annotations

import os
import socket

import torch

from .transformer import TransformerConfig, TransformerLM

# our name ← GPT-2's name (per block); True where GPT-2 stores the transpose of what nn.Linear wants
BLOCK_NAMES = {
    "ln1.weight": ("ln_1.weight", False), "ln1.bias": ("ln_1.bias", False),
    "attn.qkv.weight": ("attn.c_attn.weight", True), "attn.qkv.bias": ("attn.c_attn.bias", False),
    "attn.proj.weight": ("attn.c_proj.weight", True), "attn.proj.bias": ("attn.c_proj.bias", False),
    "ln2.weight": ("ln_2.weight", False), "ln2.bias": ("ln_2.bias", False),
    "mlp.0.weight": ("mlp.c_fc.weight", True), "mlp.0.bias": ("mlp.c_fc.bias", False),
    "mlp.2.weight": ("mlp.c_proj.weight", True), "mlp.2.bias": ("mlp.c_proj.bias", False),
}
TOP_NAMES = {"tok_emb.weight": "transformer.wte.weight", "pos_emb.weight": "transformer.wpe.weight",
             "ln_f.weight": "transformer.ln_f.weight", "ln_f.bias": "transformer.ln_f.bias"}


def config_from_gpt2(hf_config) -> TransformerConfig:
    """A ``TransformerConfig`` with the sizes of a ``transformers.GPT2Config`` and GPT-2's options."""
    for name in ("n_embd", "n_head", "n_layer", "n_positions", "vocab_size"):
        if not hasattr(hf_config, name):
            raise ValueError(f"hf_config: has no {name!r}; expected a transformers GPT2Config")
    if abs(hf_config.layer_norm_epsilon - 1e-5) > 1e-12:
        raise ValueError(f"hf_config: layer_norm_epsilon is {hf_config.layer_norm_epsilon}; expected 1e-5 "
                         "(the LayerNorm default our model uses)")
    if hf_config.activation_function not in ("gelu_new", "gelu_pytorch_tanh"):
        raise ValueError(f"hf_config: activation_function is {hf_config.activation_function!r}; "
                         "expected GPT-2's tanh GELU ('gelu_new')")
    return TransformerConfig(
        vocab_size=hf_config.vocab_size, d_model=hf_config.n_embd, n_heads=hf_config.n_head,
        n_layers=hf_config.n_layer, d_ff=hf_config.n_inner or 4 * hf_config.n_embd,
        max_len=hf_config.n_positions, dropout=0.0, causal=True, activation="gelu_tanh", tie_embeddings=True)


def convert_state_dict(hf_state: dict[str, torch.Tensor], n_layers: int) -> dict[str, torch.Tensor]:
    """GPT-2's state dict (``GPT2LMHeadModel.state_dict()``) → our TransformerLM's names and layouts."""
    out = {}
    for ours, theirs in TOP_NAMES.items():
        if theirs not in hf_state:
            raise ValueError(f"hf_state: no {theirs!r}; expected a GPT2LMHeadModel state dict")
        out[ours] = hf_state[theirs]
    for i in range(n_layers):
        for ours, (theirs, transpose) in BLOCK_NAMES.items():
            key = f"transformer.h.{i}.{theirs}"
            if key not in hf_state:
                raise ValueError(f"hf_state: no {key!r}; expected {n_layers} blocks")
            w = hf_state[key]
            out[f"blocks.{i}.{ours}"] = w.t() if transpose else w  # Conv1D (in, out) → Linear (out, in)
    out["head.weight"] = out["tok_emb.weight"]  # tied
    return out


def from_gpt2(hf_model) -> TransformerLM:
    """Our TransformerLM holding a copy of a ``transformers.GPT2LMHeadModel``'s weights."""
    model = TransformerLM(config_from_gpt2(hf_model.config))
    state = convert_state_dict(hf_model.state_dict(), model.cfg.n_layers)
    model.load_state_dict({k: v.detach().clone() for k, v in state.items()}, strict=True)
    return model.eval()


def hub_reachable(host: str = "huggingface.co", timeout: float = 2.0) -> bool:
    """True if the model hub answers a TCP connection within ``timeout`` seconds (and offline mode is off)."""
    if os.environ.get("HF_HUB_OFFLINE", "0") not in ("", "0") or os.environ.get("TRANSFORMERS_OFFLINE"):
        return False
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


__all__ = ["BLOCK_NAMES", "TOP_NAMES", "config_from_gpt2", "convert_state_dict", "from_gpt2", "hub_reachable"]
