"""Self-attention, piece by piece: scaled dot-product attention, multi-head attention, positions and masks.

Letters used in shapes: B = batch, T = query length, S = key/value length, C = model width (embed_dim),
nh = number of heads, hs = head size (C // nh), d = the size of one query/key vector.

Masks here are *allowed* masks, as in ``F.scaled_dot_product_attention``: a bool tensor that is True where a
query may look at a key. ``padding_mask`` and ``causal_mask`` build them; ``nn.MultiheadAttention`` wants the
opposite (True = blocked), so pass it ``~mask``.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn


def scaled_dot_product_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor | None = None, scale: bool = True
) -> tuple[torch.Tensor, torch.Tensor]:
    """softmax(q kᵀ / √d) v. q: (..., T, d), k: (..., S, d), v: (..., S, dv); mask (..., T, S) True = allowed.

    Returns the output (..., T, dv) and the weights (..., T, S). ``scale=False`` drops the 1/√d.
    """
    if q.dim() < 2 or k.dim() < 2 or v.dim() < 2:
        raise ValueError(f"q, k, v: got shapes {tuple(q.shape)}, {tuple(k.shape)}, {tuple(v.shape)}; "
                         "expected at least 2-D (..., length, size)")
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"k: got last dimension {k.shape[-1]} but q has {q.shape[-1]}; "
                         "expected queries and keys of the same size d")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"v: got {v.shape[-2]} positions but k has {k.shape[-2]}; expected one value per key")
    d = q.shape[-1]
    scores = q @ k.transpose(-2, -1)  # (..., T, d) @ (..., d, S) → (..., T, S)
    if scale:
        scores = scores / math.sqrt(d)
    if mask is not None:
        if mask.dtype != torch.bool:
            raise ValueError(f"mask: got dtype {mask.dtype}; expected a bool tensor (True = allowed)")
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)  # (..., T, S), each row sums to 1
    return weights @ v, weights  # (..., T, S) @ (..., S, dv) → (..., T, dv)


def causal_mask(T: int, device: torch.device | str | None = None) -> torch.Tensor:
    """(T, T) bool, True on and below the diagonal: position t may look at positions 0..t only."""
    if isinstance(T, bool) or not isinstance(T, int) or T < 1:
        raise ValueError(f"T: got {T!r}; expected an int >= 1")
    return torch.ones(T, T, dtype=torch.bool, device=device).tril()


def padding_mask(key_padding_mask: torch.Tensor, T: int | None = None) -> torch.Tensor:
    """(B, S) real-token mask (True = real, as pad_batch returns) → (B, 1, T, S) allowed mask for all heads."""
    if key_padding_mask.dim() != 2 or key_padding_mask.dtype != torch.bool:
        raise ValueError(f"key_padding_mask: got shape {tuple(key_padding_mask.shape)} and dtype "
                         f"{key_padding_mask.dtype}; expected a (B, S) bool tensor, True where a token is real")
    B, S = key_padding_mask.shape
    T = S if T is None else T
    return key_padding_mask[:, None, None, :].expand(B, 1, T, S)  # (B, 1, T, S)


def sinusoidal_positions(max_len: int, d_model: int) -> torch.Tensor:
    """Vaswani et al.'s encodings, (max_len, d_model): PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(…)."""
    if isinstance(max_len, bool) or not isinstance(max_len, int) or max_len < 1:
        raise ValueError(f"max_len: got {max_len!r}; expected an int >= 1")
    if isinstance(d_model, bool) or not isinstance(d_model, int) or d_model < 2 or d_model % 2:
        raise ValueError(f"d_model: got {d_model!r}; expected an even int >= 2")
    pos = torch.arange(max_len, dtype=torch.float32)[:, None]  # (max_len, 1)
    freq = torch.exp(-math.log(10000.0) * torch.arange(0, d_model, 2, dtype=torch.float32) / d_model)  # (d/2,)
    pe = torch.zeros(max_len, d_model)
    pe[:, 0::2] = torch.sin(pos * freq)  # (max_len, d/2)
    pe[:, 1::2] = torch.cos(pos * freq)
    return pe


class MultiHeadAttention(nn.Module):
    """nh heads of scaled dot-product attention side by side, laid out like ``nn.MultiheadAttention``.

    ``in_proj_weight`` (3C, C) stacks W_q, W_k, W_v; ``out_proj`` mixes the heads back to C. Batch first.
    """

    def __init__(self, embed_dim: int, num_heads: int, bias: bool = True):
        super().__init__()
        if isinstance(embed_dim, bool) or not isinstance(embed_dim, int) or embed_dim < 1:
            raise ValueError(f"embed_dim: got {embed_dim!r}; expected an int >= 1")
        if isinstance(num_heads, bool) or not isinstance(num_heads, int) or num_heads < 1:
            raise ValueError(f"num_heads: got {num_heads!r}; expected an int >= 1")
        if embed_dim % num_heads:
            raise ValueError(f"embed_dim: got {embed_dim}, not divisible by num_heads={num_heads}; "
                             "expected each head to get embed_dim // num_heads channels")
        self.embed_dim, self.num_heads, self.head_dim = embed_dim, num_heads, embed_dim // num_heads
        self.in_proj_weight = nn.Parameter(torch.empty(3 * embed_dim, embed_dim))
        self.in_proj_bias = nn.Parameter(torch.zeros(3 * embed_dim)) if bias else None
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        nn.init.xavier_uniform_(self.in_proj_weight)

    def forward(
        self, query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, mask: torch.Tensor | None = None
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """query (B, T, C), key/value (B, S, C), mask broadcastable to (B, nh, T, S) → (B, T, C), (B, nh, T, S)."""
        if query.dim() != 3 or query.shape[-1] != self.embed_dim:
            raise ValueError(f"query: got shape {tuple(query.shape)}; expected (B, T, {self.embed_dim})")
        if key.shape != value.shape or key.dim() != 3 or key.shape[-1] != self.embed_dim:
            raise ValueError(f"key/value: got shapes {tuple(key.shape)} and {tuple(value.shape)}; "
                             f"expected both (B, S, {self.embed_dim})")
        B, T, C = query.shape
        S, nh, hs = key.shape[1], self.num_heads, self.head_dim
        w_q, w_k, w_v = self.in_proj_weight.chunk(3)  # each (C, C)
        b_q, b_k, b_v = self.in_proj_bias.chunk(3) if self.in_proj_bias is not None else (None, None, None)
        q = F.linear(query, w_q, b_q).view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
        k = F.linear(key, w_k, b_k).view(B, S, nh, hs).transpose(1, 2)    # (B, nh, S, hs)
        v = F.linear(value, w_v, b_v).view(B, S, nh, hs).transpose(1, 2)  # (B, nh, S, hs)
        out, weights = scaled_dot_product_attention(q, k, v, mask)        # (B, nh, T, hs), (B, nh, T, S)
        out = out.transpose(1, 2).reshape(B, T, C)                         # heads side by side: (B, T, C)
        return self.out_proj(out), weights


def copy_to_torch(mha: MultiHeadAttention) -> nn.MultiheadAttention:
    """A batch-first ``nn.MultiheadAttention`` holding the same weights as ``mha``."""
    ref = nn.MultiheadAttention(mha.embed_dim, mha.num_heads, bias=mha.in_proj_bias is not None,
                                batch_first=True)
    with torch.no_grad():
        ref.in_proj_weight.copy_(mha.in_proj_weight)
        ref.out_proj.weight.copy_(mha.out_proj.weight)
        if mha.in_proj_bias is not None:
            ref.in_proj_bias.copy_(mha.in_proj_bias)
            ref.out_proj.bias.copy_(mha.out_proj.bias)
    return ref


def attention_entropy(weights: torch.Tensor) -> torch.Tensor:
    """Entropy (nats) of each attention row, (..., T, S) → (...,  T): 0 = one-hot, log S = uniform."""
    return -(weights * torch.log(weights.clamp_min(1e-12))).sum(-1)


# ------------------------------------------------------------------------------------------ exercise checkers
def check_causal_mask(fn) -> object:
    """Exercise: ``fn(T)`` returns the (T, T) bool mask, True where position t may look (keys 0..t)."""
    from .exercises import Check, equal, run_checks

    return run_checks("Exercise: the causal mask", [
        equal("T = 4 gives the lower triangle", lambda: fn(4), causal_mask(4),
              hints=("row t is the query, column s the key: True where s ≤ t, so the pattern is a triangle; which "
                     "one, and does it include the diagonal?",
                     "torch has functions that keep one triangle of a matrix (and the diagonal); or compare two "
                     "aranges, one as a row and one as a column")),
        Check("it is a bool tensor (True = may attend)",
              lambda: (fn(3).dtype == torch.bool, f"got dtype {fn(3).dtype}"),
              hints="a mask is True/False, not 1.0/0.0: ask for the bool dtype, or build it from a comparison"),
        equal("T = 1 lets the only token see itself", lambda: fn(1), causal_mask(1),
              hints="the diagonal must be True: a token may always look at itself"),
        Check("masked attention equals F.scaled_dot_product_attention(is_causal=True)", lambda: _causal_ok(fn),
              hints="True on and below the diagonal; False above it (the future)"),
    ], todo="write `my_causal_mask(T)` and `return` the (T, T) bool mask")


def _causal_ok(fn) -> bool:
    g = torch.Generator().manual_seed(0)
    q, k, v = (torch.randn(2, 6, 5, generator=g) for _ in range(3))
    out, _ = scaled_dot_product_attention(q, k, v, fn(6))
    return bool(torch.allclose(out, F.scaled_dot_product_attention(q, k, v, is_causal=True), atol=1e-5))


def check_attention(fn) -> object:
    """Exercise: ``fn(q, k, v)`` returns softmax(q kᵀ / √d) v for q (..., T, d), k (..., S, d), v (..., S, dv)."""
    from .exercises import equal, run_checks

    g = torch.Generator().manual_seed(1)
    q, k, v = torch.randn(2, 3, 7, generator=g), torch.randn(2, 5, 7, generator=g), torch.randn(2, 5, 4, generator=g)
    q4, k4, v4 = (torch.randn(2, 3, 4, 5, generator=g) for _ in range(3))
    return run_checks("Exercise: scaled dot-product attention", [
        equal("output shape (B, T, dv) = (2, 3, 4)", lambda: tuple(fn(q, k, v).shape), (2, 3, 4),
              hints=("one score per (query, key) pair gives (…, T, S); the weights then mix the values into "
                     "(…, T, dv)",
                     "a batched matrix product of q with k's last two axes swapped")),
        equal("equals F.scaled_dot_product_attention", lambda: fn(q, k, v),
              F.scaled_dot_product_attention(q, k, v),
              hints=("scaled: the scores are divided by something that grows with the width d before the softmax",
                     "divide by the square root of q's last size; softmax over the keys, the last axis")),
        equal("works with heads too: (B, nh, T, d) inputs", lambda: fn(q4, k4, v4),
              F.scaled_dot_product_attention(q4, k4, v4),
              hints=("with heads, k is 4-D: swap only its last two axes, leave batch and heads alone",
                     ".T reverses all axes; transpose takes the two axes to swap, counted from the end")),
    ], todo="write `my_attention(q, k, v)` and `return` the output (…, T, dv)")


def alibi_bias(T: int, n_heads: int) -> torch.Tensor:
    """ALiBi (Press et al. 2022): bias[h, t, s] = −m_h · |t − s| with slopes m_h = 2^(−8h / n_heads), h = 1 … nh.

    Added to the scores before the softmax, it makes far keys less likely, more steeply in some heads than in
    others, and so lets attention see order without positional vectors. Returns (nh, T, T).
    """
    for name, value in (("T", T), ("n_heads", n_heads)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}: got {value!r}; expected a whole number ≥ 1")
    slopes = torch.tensor([2.0 ** (-8 * h / n_heads) for h in range(1, n_heads + 1)])  # (nh,)
    pos = torch.arange(T)
    distance = (pos[:, None] - pos[None, :]).abs().float()  # (T, T)
    return -slopes[:, None, None] * distance  # (nh, T, T)


def shuffle_changes_output(bias: torch.Tensor | None, seed: int = 0) -> float:
    """How far shuffling 6 words moves the (shuffled-back) outputs of one attention layer with this score bias.

    0 means order-blind: without a bias (or positions), a shuffle only shuffles the outputs (section 4).
    """
    g = torch.Generator().manual_seed(seed)
    nh, T, hs = 4, 6, 8
    x = torch.randn(1, nh, T, hs, generator=g)  # (B, nh, T, hs): the same vectors as q, k and v
    perm = torch.tensor([4, 2, 1, 0, 3, 5])

    def attend(z: torch.Tensor) -> torch.Tensor:
        scores = z @ z.transpose(-2, -1) / math.sqrt(hs)  # (B, nh, T, T)
        if bias is not None:
            scores = scores + bias  # (nh, T, T) broadcasts over the batch
        return torch.softmax(scores, -1) @ z  # (B, nh, T, hs)

    return float((attend(x[:, :, perm]) - attend(x)[:, :, perm]).abs().max())


def check_alibi(fn) -> object:
    """Exercise: ``fn(T, n_heads)`` builds ALiBi's distance bias (nh, T, T); with it, attention sees order."""
    from .exercises import Check, NotWritten, equal, run_checks

    def sees_order() -> tuple[bool, str]:
        got = fn(6, 4)
        if got is None or got is Ellipsis:
            raise NotWritten("your function returns nothing yet")
        moved = shuffle_changes_output(got)
        return moved > 1e-3, f"shuffling moved the outputs by {moved:.2g}: attention is still order-blind"

    return run_checks("Exercise: ALiBi, order without positional vectors", [
        equal("T = 5, 4 heads: shape (4, 5, 5) and the right values", lambda: fn(5, 4), alibi_bias(5, 4),
              hints=("each head subtracts its own slope times the distance between query t and key s; the slopes "
                     "halve from one head to the next when there are 8 heads",
                     "a (T, T) matrix of |t − s| from two aranges (one as a column), times a (nh, 1, 1) tensor of "
                     "slopes, negated")),
        equal("T = 3, 2 heads: the slopes follow n_heads", lambda: fn(3, 2), alibi_bias(3, 2),
              hints="the exponent is −8·h / n_heads with h counted from 1, not from 0"),
        Check("added to the scores, it makes attention see order (shuffled words no longer give shuffled "
              "outputs)", sees_order, hints="the bias must depend on the distance between the two positions"),
    ], todo="write `my_alibi(T, n_heads)` and `return` the (n_heads, T, T) bias")


POSITIONS_CHOICES = ("about the same: the decoder can work out the order",
                     "lower, but far from zero: the words alone carry much of the meaning",
                     "near zero: without order there is no translation")


def check_positions_experiment(prediction: object, use_positions: object, measure, with_positions: float) -> object:
    """Experiment: train the lesson's translator once more with its positional vectors set to zero.

    ``measure(use_positions)`` → held-out exact match of one run of the lesson's recipe (random seed 0) with
    (True) or without (False) sinusoidal positions; ``with_positions`` is that run's score from the lesson.
    """
    from .exercises import check_experiment, short

    if not callable(measure):
        raise ValueError(f"measure: got {type(measure).__name__}; expected a function of use_positions")
    if not 0 < with_positions <= 1:
        raise ValueError(f"with_positions: got {with_positions!r}; expected an exact match in (0, 1]")

    def run() -> float:
        if not isinstance(use_positions, bool):
            raise ValueError(f"use_positions: got {short(use_positions)}; expected True or False")
        return measure(use_positions)

    def verdict(value: float) -> str:
        kept = value / with_positions
        return POSITIONS_CHOICES[2] if kept < 0.25 else POSITIONS_CHOICES[0] if kept > 0.85 else POSITIONS_CHOICES[1]

    return check_experiment(
        f"Exercise: a Transformer without positions (experiment; with them, random seed 0 scored {with_positions:.2f})",
        prediction, POSITIONS_CHOICES, use_positions, False, "set use_positions to False", run, (0.1, 0.29),
        verdict, what="the held-out exact match without positions",
        reference=lambda _: f"with positions: {with_positions:.2f}")
