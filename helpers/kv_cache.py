"""The key/value cache: generate with the course's GPT without recomputing the past at every step.

At step t a causal model needs the keys and values of positions 0..t in every layer. Those of 0..t-1 do not
change (position i only ever looks left), so we keep them and compute q, k, v for the new token only: one
token through the network per step instead of the whole sequence.

Letters used in shapes: B = batch, T = new positions in this call, S = positions cached so far (plus T after
the update), C = d_model, nh = n_heads, hs = head size, V = vocab_size.
"""

from __future__ import annotations

import time

import torch

from .sampling import next_token_probs
from .self_attention import scaled_dot_product_attention
from .transformer import MultiHeadSelfAttention, TransformerLM

Cache = list[tuple[torch.Tensor, torch.Tensor]]  # per layer: keys (B, nh, S, hs), values (B, nh, S, hs)


def update_cache(past: tuple[torch.Tensor, torch.Tensor] | None, k: torch.Tensor, v: torch.Tensor
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Append this call's keys and values (B, nh, T, hs) to the layer's cache along the position axis."""
    if past is None:
        return k, v
    return torch.cat([past[0], k], dim=2), torch.cat([past[1], v], dim=2)  # (B, nh, S + T, hs)


def attend_cached(attn: MultiHeadSelfAttention, x: torch.Tensor, past: tuple[torch.Tensor, torch.Tensor] | None
                  ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
    """Causal self-attention of T new positions x (B, T, C) over the cached ones and themselves."""
    B, T, C = x.shape
    nh, hs = attn.n_heads, attn.head_size
    q, k, v = attn.qkv(x).split(C, dim=-1)  # each (B, T, C): only the new positions are computed
    q = q.view(B, T, nh, hs).transpose(1, 2)  # (B, nh, T, hs)
    k = k.view(B, T, nh, hs).transpose(1, 2)
    v = v.view(B, T, nh, hs).transpose(1, 2)
    k, v = update_cache(past, k, v)  # (B, nh, S, hs), S = past + T
    S = k.shape[2]
    mask = torch.ones(T, S, dtype=torch.bool, device=x.device).tril(S - T)  # new position i sees 0 .. S - T + i
    out, _ = scaled_dot_product_attention(q, k, v, mask)  # (B, nh, T, hs)
    return attn.proj(out.transpose(1, 2).reshape(B, T, C)), (k, v)


@torch.no_grad()
def forward_cached(model: TransformerLM, ids: torch.Tensor, cache: Cache | None = None) -> tuple[torch.Tensor, Cache]:
    """Logits (B, T, V) of the T new tokens ``ids`` that follow the cached positions, and the updated cache."""
    if not isinstance(model, TransformerLM) or not model.cfg.causal:
        raise ValueError("model: expected a causal TransformerLM (GPT-style); a cache needs left-to-right attention")
    if ids.dim() != 2 or ids.dtype != torch.long:
        raise ValueError(f"ids: got shape {tuple(ids.shape)} and dtype {ids.dtype}; expected a (B, T) LongTensor")
    start = 0 if not cache else cache[0][0].shape[2]
    if start + ids.shape[1] > model.cfg.max_len:
        raise ValueError(f"ids: {start} cached + {ids.shape[1]} new positions exceed max_len={model.cfg.max_len}")
    pos = torch.arange(start, start + ids.shape[1], device=ids.device)  # (T,): positions continue the cache
    x = model.tok_emb(ids) + model.pos_emb(pos)[None]  # (B, T, C)
    new_cache: Cache = []
    for i, block in enumerate(model.blocks):
        a, kv = attend_cached(block.attn, block.ln1(x), cache[i] if cache else None)
        x = x + a
        x = x + block.mlp(block.ln2(x))
        new_cache.append(kv)
    return model.head(model.ln_f(x)), new_cache


@torch.no_grad()
def generate(model: TransformerLM, prompt: torch.Tensor, max_new: int, use_cache: bool = True,
             temperature: float | None = None, top_k: int | None = None,
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, list[float]]:
    """``max_new`` tokens after ``prompt`` (B, T); greedy when ``temperature`` is None.

    Returns the ids (B, T + max_new) and the seconds each step took. With ``use_cache=False`` every step runs
    the whole sequence through the model; with ``use_cache=True`` only the newest token.
    """
    if prompt.dim() != 2 or prompt.dtype != torch.long:
        raise ValueError(f"prompt: got shape {tuple(prompt.shape)} and dtype {prompt.dtype}; expected (B, T) long")
    if isinstance(max_new, bool) or not isinstance(max_new, int) or max_new < 0:
        raise ValueError(f"max_new: got {max_new!r}; expected an int >= 0")
    if prompt.shape[1] + max_new > model.cfg.max_len:
        raise ValueError(f"max_new: prompt of {prompt.shape[1]} + {max_new} new tokens exceed "
                         f"max_len={model.cfg.max_len}")
    model.eval()
    ids, cache, seconds = prompt, None, []
    nxt_in = prompt  # what the next forward pass must read
    for _ in range(max_new):
        t0 = time.perf_counter()
        if use_cache:
            logits, cache = forward_cached(model, nxt_in, cache)  # only the new positions
        else:
            logits = model(ids)  # the whole sequence, again
        last = logits[:, -1]  # (B, V)
        if temperature is None:
            nxt = last.argmax(-1, keepdim=True)  # (B, 1)
        else:
            nxt = torch.multinomial(next_token_probs(last, temperature, top_k), 1, generator=generator)
        ids = torch.cat([ids, nxt], dim=1)
        nxt_in = nxt
        seconds.append(time.perf_counter() - t0)
    return ids, seconds


# ------------------------------------------------------------------------------------------ exercise checker
def check_update_cache(fn) -> object:
    """Exercise: ``fn(past, k, v)`` appends the new keys/values to the cache along the position axis."""
    from .exercises import Check, NotWritten, equal, run_checks

    g = torch.Generator().manual_seed(0)
    k1, v1 = torch.randn(2, 3, 4, 5, generator=g), torch.randn(2, 3, 4, 5, generator=g)
    k2, v2 = torch.randn(2, 3, 1, 5, generator=g), torch.randn(2, 3, 1, 5, generator=g)

    def first():
        got = fn(None, k1, v1)
        if got is None or got is Ellipsis:
            raise NotWritten("your function returns nothing yet: `return` the cache (keys, values)")
        return isinstance(got, tuple) and len(got) == 2 and got[0] is k1 and got[1] is v1, \
            "with an empty cache (past=None) return (k, v) as they are"

    return run_checks("Exercise: the cache update", [
        Check("an empty cache becomes this step's (k, v)", first),
        equal("keys: 4 cached + 1 new → (2, 3, 5, 5)", lambda: fn((k1, v1), k2, v2)[0], torch.cat([k1, k2], 2),
              hints="positions are the third axis of (B, nh, S, hs); the new ones go after the old ones"),
        equal("values are appended the same way", lambda: fn((k1, v1), k2, v2)[1], torch.cat([v1, v2], 2),
              hints="do to the values exactly what you did to the keys"),
    ], todo="write the cache update and `return` (keys, values)")


__all__ = ["Cache", "update_cache", "attend_cached", "forward_cached", "generate", "check_update_cache"]
