"""A small Transformer language model: one class, two personalities (GPT-style causal, BERT-style bidirectional).

Letters used in shapes: B = batch, T = sequence length, C = d_model, nh = n_heads, hs = head size (C // nh),
V = vocab_size.

``key_padding_mask`` is a (B, T) bool tensor, True where the token is real (the mask ``data.pad_batch``
returns). Attention weights of the last forward are kept, per layer, in ``model.attn`` (detached).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .self_attention import scaled_dot_product_attention


@dataclass
class TransformerConfig:
    vocab_size: int
    d_model: int = 64
    n_heads: int = 4
    n_layers: int = 2
    d_ff: int = 128
    max_len: int = 64
    dropout: float = 0.0
    causal: bool = True  # True: GPT-style decoder-only; False: BERT-style encoder-only
    activation: str = "gelu"  # "gelu" (exact) or "gelu_tanh" (GPT-2's tanh approximation)
    tie_embeddings: bool = False  # True: the LM head reuses the token embedding and has no bias (GPT-2)

    def __post_init__(self) -> None:
        for name in ("vocab_size", "d_model", "n_heads", "n_layers", "d_ff", "max_len"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: got {value!r}; expected an int >= 1")
        if self.d_model % self.n_heads:
            raise ValueError(f"d_model: got {self.d_model}, not divisible by n_heads={self.n_heads}; "
                             "expected each head to get d_model // n_heads channels")
        if not isinstance(self.dropout, int | float) or isinstance(self.dropout, bool) \
                or not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout: got {self.dropout!r}; expected a number in [0, 1)")
        if not isinstance(self.causal, bool):
            raise ValueError(f"causal: got {self.causal!r}; expected True (GPT-style) or False (BERT-style)")
        if self.activation not in ("gelu", "gelu_tanh"):
            raise ValueError(f"activation: got {self.activation!r}; expected 'gelu' or 'gelu_tanh'")
        if not isinstance(self.tie_embeddings, bool):
            raise ValueError(f"tie_embeddings: got {self.tie_embeddings!r}; expected True or False")


class MultiHeadSelfAttention(nn.Module):
    """Self-attention with nh heads; one (C → 3C) projection makes q, k, v (same layout as nn.MultiheadAttention)."""

    def __init__(self, d_model: int, n_heads: int, dropout: float = 0.0):
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"d_model: got {d_model}, not divisible by n_heads={n_heads}")
        self.n_heads, self.head_size = n_heads, d_model // n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)  # rows: W_q, W_k, W_v
        self.proj = nn.Linear(d_model, d_model)
        self.drop = nn.Dropout(dropout)

    def forward(
        self, x: torch.Tensor, key_padding_mask: torch.Tensor | None = None, causal: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T, C) → out (B, T, C), weights (B, nh, T, T)."""
        if x.dim() != 3 or x.shape[-1] != self.n_heads * self.head_size:
            raise ValueError(f"x: got shape {tuple(x.shape)}; expected (B, T, {self.n_heads * self.head_size})")
        B, T, C = x.shape
        nh, hs = self.n_heads, self.head_size
        q, k, v = self.qkv(x).split(C, dim=-1)  # each (B, T, C)
        q = q.view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = k.view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        mask = None  # (B or 1, 1, T, T), True = may attend
        if causal:
            mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()[None, None]
        if key_padding_mask is not None:
            if key_padding_mask.shape != (B, T) or key_padding_mask.dtype != torch.bool:
                raise ValueError(f"key_padding_mask: got shape {tuple(key_padding_mask.shape)} and dtype "
                                 f"{key_padding_mask.dtype}; expected a ({B}, {T}) bool tensor, True = real token")
            pad = key_padding_mask[:, None, None, :]  # (B, 1, 1, T): keys that are real
            mask = pad if mask is None else mask & pad
        out, weights = scaled_dot_product_attention(q, k, v, mask)  # (B, nh, T, hs), (B, nh, T, T)
        out = self.drop(out).transpose(1, 2).reshape(B, T, C)  # heads side by side: (B, T, C)
        return self.proj(out), weights


class Block(nn.Module):
    """Pre-LayerNorm Transformer block: x + attn(ln(x)), then x + mlp(ln(x))."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = MultiHeadSelfAttention(cfg.d_model, cfg.n_heads, cfg.dropout)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.mlp = nn.Sequential(
            nn.Linear(cfg.d_model, cfg.d_ff), nn.GELU(approximate="tanh" if cfg.activation == "gelu_tanh" else "none"),
            nn.Linear(cfg.d_ff, cfg.d_model), nn.Dropout(cfg.dropout)
        )

    def forward(
        self, x: torch.Tensor, key_padding_mask: torch.Tensor | None = None, causal: bool = False
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, T, C) → (B, T, C), attention weights (B, nh, T, T)."""
        a, weights = self.attn(self.ln1(x), key_padding_mask, causal)
        x = x + a
        x = x + self.mlp(self.ln2(x))
        return x, weights


class TransformerLM(nn.Module):
    """Token + learned position embeddings → n_layers blocks → final LayerNorm → LM head over the vocabulary."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        if not isinstance(cfg, TransformerConfig):
            raise ValueError(f"cfg: got {type(cfg).__name__}; expected a TransformerConfig")
        self.cfg = cfg
        self.tok_emb = nn.Embedding(cfg.vocab_size, cfg.d_model)
        self.pos_emb = nn.Embedding(cfg.max_len, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList([Block(cfg) for _ in range(cfg.n_layers)])
        self.ln_f = nn.LayerNorm(cfg.d_model)
        self.head = nn.Linear(cfg.d_model, cfg.vocab_size, bias=not cfg.tie_embeddings)
        self.attn: list[torch.Tensor] = []
        self.apply(self._init)
        if cfg.tie_embeddings:
            self.head.weight = self.tok_emb.weight  # one (V, C) matrix reads tokens in and writes them out

    @staticmethod
    def _init(m: nn.Module) -> None:
        if isinstance(m, nn.Linear | nn.Embedding):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def encode(self, ids: torch.Tensor, key_padding_mask: torch.Tensor | None = None) -> torch.Tensor:
        """ids (B, T) → hidden states (B, T, C) after the final LayerNorm."""
        if ids.dim() != 2 or ids.dtype != torch.long:
            raise ValueError(f"ids: got shape {tuple(ids.shape)} and dtype {ids.dtype}; "
                             "expected a (B, T) LongTensor of token ids")
        B, T = ids.shape
        if T > self.cfg.max_len:
            raise ValueError(f"ids: got {T} positions; expected at most max_len={self.cfg.max_len}")
        pos = torch.arange(T, device=ids.device)  # (T,)
        x = self.drop(self.tok_emb(ids) + self.pos_emb(pos)[None])  # (B, T, C)
        self.attn = []
        for block in self.blocks:
            x, weights = block(x, key_padding_mask, self.cfg.causal)
            self.attn.append(weights.detach())  # (B, nh, T, T)
        return self.ln_f(x)

    def forward(self, ids: torch.Tensor, key_padding_mask: torch.Tensor | None = None) -> torch.Tensor:
        """ids (B, T) → logits (B, T, V)."""
        return self.head(self.encode(ids, key_padding_mask))

    def n_params(self) -> int:
        """Number of trainable parameters."""
        return sum(p.numel() for p in self.parameters() if p.requires_grad)


def param_count_formula(cfg: TransformerConfig) -> int:
    """The parameter count of ``TransformerLM(cfg)`` computed from its sizes (for checking by hand)."""
    V, C, F, L, P = cfg.vocab_size, cfg.d_model, cfg.d_ff, cfg.n_layers, cfg.max_len
    per_block = 2 * 2 * C + (3 * C * C + 3 * C) + (C * C + C) + (C * F + F) + (F * C + C)
    head = 0 if cfg.tie_embeddings else C * V + V
    return V * C + P * C + L * per_block + 2 * C + head


__all__ = ["TransformerConfig", "MultiHeadSelfAttention", "Block", "TransformerLM", "param_count_formula"]
