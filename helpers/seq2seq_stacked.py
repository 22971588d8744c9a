"""K encoder–decoders without attention trained at once, as one stacked computation (lesson 03's sweeps).

Every weight of ``helpers.seq2seq.Seq2Seq`` (attention None) gets a first axis K; the bidirectional encoder GRU and
the decoder GRU are written out with batched matmuls (``x @ W.mT`` per model), padded source positions handled
with masks so that the result equals the packed ``nn.GRU``. Training is ``train_model``'s, model by model: the same
batches (its ``seed`` fixes their order), Adam (``finetune.adamw_step`` without weight decay) with one learning rate
per model falling linearly to lr / 20, gradient clipping by each model's own global norm, and one teacher-forcing
probability per model (one coin per decoder step per model, from that model's own random seed).

Letters in shapes: K = models, B = batch, S = source length, T = target length, E = embedding size, H = hidden
size (H/2 each way in the encoder), V = target vocabulary size.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F

from .data import Vocab
from .env import set_seed
from .finetune import adamw_step, clip_per_model
from .seq2seq import Seq2Seq, Seq2SeqConfig, _pad_encoded, encode_pair, length_batches
from .tinyworld import Pair

NAMES = ("encoder.embed.weight",
         "encoder.gru.weight_ih_l0", "encoder.gru.weight_hh_l0", "encoder.gru.bias_ih_l0", "encoder.gru.bias_hh_l0",
         "encoder.gru.weight_ih_l0_reverse", "encoder.gru.weight_hh_l0_reverse",
         "encoder.gru.bias_ih_l0_reverse", "encoder.gru.bias_hh_l0_reverse",
         "decoder.embed.weight",
         "decoder.gru.weight_ih_l0", "decoder.gru.weight_hh_l0", "decoder.gru.bias_ih_l0", "decoder.gru.bias_hh_l0",
         "decoder.combine.weight", "decoder.combine.bias", "decoder.out.weight", "decoder.out.bias")


def stack_models(models: Sequence[Seq2Seq]) -> dict[str, torch.Tensor]:
    """The weights of ``models`` (no attention, one config) stacked on a first axis K: name → (K, ...), trainable."""
    if len(models) == 0:
        raise ValueError("models: got none; expected at least one Seq2Seq")
    if any(m.cfg.attention is not None for m in models):
        raise ValueError("models: got a model with attention; expected attention=None (a fixed context vector)")
    if any(m.cfg != models[0].cfg for m in models):
        raise ValueError("models: got different configs; expected models of one Seq2SeqConfig")
    states = [m.state_dict() for m in models]
    return {n: torch.stack([s[n].detach() for s in states]).clone().requires_grad_(True) for n in NAMES}


def unstack(params: dict[str, torch.Tensor], cfg: Seq2SeqConfig) -> list[Seq2Seq]:
    """Ordinary ``Seq2Seq`` modules (eval mode) holding each model's slice of the stacked ``params``."""
    if set(params) != set(NAMES):
        raise ValueError(f"params: got keys {sorted(params)[:3]}…; expected the names of stack_models")
    K = params[NAMES[0]].shape[0]
    device = params[NAMES[0]].device
    out = []
    for k in range(K):
        m = Seq2Seq(cfg).to(device)
        m.load_state_dict({n: params[n][k].detach().clone() for n in NAMES})
        out.append(m.eval())
    return out


def _gru_step(gi: torch.Tensor, h: torch.Tensor, w_hh: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """One GRU step for K models: gi = W_ih x + b_ih (K, B, 3h), h (K, B, h) → new h (PyTorch's gate order r, z, n)."""
    gh = torch.baddbmm(b_hh[:, None, :], h, w_hh.mT)  # (K, B, 3h)
    i_r, i_z, i_n = gi.chunk(3, -1)
    h_r, h_z, h_n = gh.chunk(3, -1)
    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return n + z * (h - n)  # = (1 - z) n + z h


def _embed(weight: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
    """(K, V, E) and ids (B, L) or (K, B, L) → (K, B, L, E).

    One ``F.embedding`` over the K tables laid end to end: its backward adds up repeated ids in a fixed order,
    so a run repeats exactly (advanced indexing's backward did not, on 2 CPU threads).
    """
    K, V, E = weight.shape
    offsets = torch.arange(K, device=ids.device).view(-1, 1, 1) * V  # model k's rows start at k V
    return F.embedding(ids.expand(K, -1, -1) + offsets, weight.reshape(K * V, E))


def encode(p: dict[str, torch.Tensor], src: torch.Tensor, src_mask: torch.Tensor) -> torch.Tensor:
    """The context vectors (K, B, H): the forward GRU's state after the last real word beside the backward's first."""
    x = _embed(p["encoder.embed.weight"], src)  # (K, B, S, E)
    K, B, S, _ = x.shape
    gis = []
    for sfx in ("", "_reverse"):  # every step's input part, both directions
        gis.append(torch.baddbmm(p["encoder.gru.bias_ih_l0" + sfx][:, None, :], x.reshape(K, B * S, -1),
                                 p["encoder.gru.weight_ih_l0" + sfx].mT).view(K, B, S, -1))
    # both directions in one loop, as 2K models: step j reads word j forwards and word S-1-j backwards
    gi = torch.cat([gis[0], gis[1].flip(2)])  # (2K, B, S, 3h)
    m = src_mask.to(x.dtype)[None, :, :, None]  # (1, B, S, 1)
    m = torch.cat([m.expand(K, -1, -1, -1), m.flip(2).expand(K, -1, -1, -1)])  # (2K, B, S, 1)
    w_hh = torch.cat([p["encoder.gru.weight_hh_l0"], p["encoder.gru.weight_hh_l0_reverse"]])
    b_hh = torch.cat([p["encoder.gru.bias_hh_l0"], p["encoder.gru.bias_hh_l0_reverse"]])
    h = x.new_zeros(2 * K, B, w_hh.shape[-1])
    for gi_t, m_t in zip(gi.unbind(2), m.unbind(2), strict=True):  # one backward for all slices, not one per step
        h = h + m_t * (_gru_step(gi_t, h, w_hh, b_hh) - h)  # a padded position keeps the state: the forward GRU
    return torch.cat([h[:K], h[K:]], -1)  # stops at the last word, the backward one starts there


def _readout(p: dict[str, torch.Tensor], s: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
    """Decoder states s (K, B, T, H) and context (K, B, H) → logits (K, B, T, V)."""
    K, B, T, H = s.shape
    sc = torch.cat([s, context[:, :, None, :].expand_as(s)], -1).reshape(K, B * T, 2 * H)
    u = torch.tanh(torch.baddbmm(p["decoder.combine.bias"][:, None, :], sc, p["decoder.combine.weight"].mT))
    return torch.baddbmm(p["decoder.out.bias"][:, None, :], u, p["decoder.out.weight"].mT).view(K, B, T, -1)


def forward(p: dict[str, torch.Tensor], src: torch.Tensor, src_mask: torch.Tensor, tgt_in: torch.Tensor,
            coins: torch.Tensor | None = None) -> torch.Tensor:
    """Logits (K, B, T, V) of every model for one batch.

    ``coins`` (K, T) bool says, per model and decoder step t > 0, whether the step reads the true previous word
    (True) or the model's own previous guess (False); None reads the true prefix throughout (teacher forcing 1.0).
    """
    context = encode(p, src, src_mask)  # (K, B, H): also the decoder's first state
    K, T = context.shape[0], tgt_in.shape[1]
    w_ih, b_ih = p["decoder.gru.weight_ih_l0"], p["decoder.gru.bias_ih_l0"]
    w_hh, b_hh = p["decoder.gru.weight_hh_l0"], p["decoder.gru.bias_hh_l0"]
    emb = p["decoder.embed.weight"]
    if coins is None:  # the whole true prefix: input parts at once, then the recurrence
        x = _embed(emb, tgt_in)  # (K, B, T, E)
        gi = torch.baddbmm(b_ih[:, None, :], x.reshape(K, -1, x.shape[-1]), w_ih.mT).view(K, tgt_in.shape[0], T, -1)
        h, states = context, []
        for gi_t in gi.unbind(2):
            h = _gru_step(gi_t, h, w_hh, b_hh)
            states.append(h)
        return _readout(p, torch.stack(states, 2), context)
    if coins.shape != (K, T) or coins.dtype != torch.bool:
        raise ValueError(f"coins: got {tuple(coins.shape)} {coins.dtype}; expected ({K}, {T}) bool")
    h, states = context, []
    y = tgt_in[:, :1].expand(K, -1, -1)  # (K, B, 1): <s>
    for t in range(T):
        if t > 0:
            if bool(coins[:, t].all()):
                y = tgt_in[None, :, t:t + 1].expand(K, -1, -1)
            else:
                with torch.no_grad():  # each model's own previous word: argmax, no gradient through it
                    guess = _readout(p, h.detach()[:, :, None], context.detach()).argmax(-1)  # (K, B, 1)
                y = torch.where(coins[:, t, None, None], tgt_in[None, :, t:t + 1], guess)
        gi = torch.baddbmm(b_ih[:, None, :], _embed(emb, y)[:, :, 0], w_ih.mT)  # (K, B, 3H)
        h = _gru_step(gi, h, w_hh, b_hh)
        states.append(h)
    return _readout(p, torch.stack(states, 2), context)  # the scores of every step at once (for the loss)


def masked_losses(logits: torch.Tensor, tgt_out: torch.Tensor, tgt_mask: torch.Tensor) -> torch.Tensor:
    """Each model's mean cross-entropy over the real target tokens: logits (K, B, T, V) → (K,)."""
    K, B, T, V = logits.shape
    ce = F.cross_entropy(logits.reshape(-1, V), tgt_out.expand(K, B, T).reshape(-1), reduction="none").view(K, B, T)
    return (ce * tgt_mask).sum((1, 2)) / tgt_mask.sum()


def train_stacked(cfg: Seq2SeqConfig, seeds: Sequence[int], lrs: Sequence[float],
                  teacher_forcing: Sequence[float], pairs: Sequence[Pair], src_vocab: Vocab, tgt_vocab: Vocab,
                  steps: int, batch_size: int = 64, clip: float = 1.0, seed: int = 0,
                  eval_fn: Callable[[Seq2Seq], dict[str, float]] | None = None, eval_every: int | None = None
                  ) -> tuple[list[Seq2Seq], list[dict[str, list]]]:
    """Train K = len(seeds) models at once, model k as ``train_model`` would with ``lr=lrs[k]`` and
    ``teacher_forcing=teacher_forcing[k]``, starting from the weights ``Seq2Seq(cfg)`` gets after
    ``set_seed(seeds[k])``.

    All models see the batches of ``train_model(..., seed=seed)``; ``seeds[k]`` sets model k's initial weights and
    its teacher-forcing coins. ``eval_fn(model)`` runs on each model every ``eval_every`` steps and after the last.
    Returns the trained models (ordinary ``Seq2Seq``, eval mode) and one history per model (``step``,
    ``train_loss``, ``grad_norm``, ``seconds`` — shared wall-clock of the whole stack — and ``eval_step`` plus
    the keys of ``eval_fn``).
    """
    K = len(seeds)
    if K == 0:
        raise ValueError("seeds: got none; expected one random seed per model")
    if len(lrs) != K or any(not isinstance(r, int | float) or isinstance(r, bool) or r <= 0 for r in lrs):
        raise ValueError(f"lrs: got {list(lrs)!r}; expected {K} learning rates > 0, one per seed")
    if len(teacher_forcing) != K or any(not 0.0 <= float(tf) <= 1.0 for tf in teacher_forcing):
        raise ValueError(f"teacher_forcing: got {list(teacher_forcing)!r}; expected {K} probabilities in [0, 1]")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps: got {steps!r}; expected an int >= 1")
    if not isinstance(clip, int | float) or isinstance(clip, bool) or clip <= 0:
        raise ValueError(f"clip: got {clip!r}; expected a number > 0")
    if eval_every is not None and (isinstance(eval_every, bool) or not isinstance(eval_every, int) or eval_every < 1):
        raise ValueError(f"eval_every: got {eval_every!r}; expected None or an int >= 1")
    if cfg.attention is not None:
        raise ValueError(f"cfg: got attention={cfg.attention!r}; expected None (a fixed context vector)")
    inits = []
    for s in seeds:
        set_seed(s)
        inits.append(Seq2Seq(cfg))
    p = stack_models(inits)
    names = list(NAMES)
    params = [p[n] for n in names]
    lr0 = torch.tensor([float(r) for r in lrs])
    tf = torch.tensor([float(x) for x in teacher_forcing])
    coin_gens = [torch.Generator().manual_seed(s) for s in seeds]
    all_forced = bool((tf == 1.0).all())
    pad_rows = {"encoder.embed.weight": src_vocab.pad_id, "decoder.embed.weight": tgt_vocab.pad_id}

    gen = torch.Generator().manual_seed(seed)  # train_model's batches, in its order
    lengths = [len(q.en) for q in pairs]
    encoded = [encode_pair(q, src_vocab, tgt_vocab) for q in pairs]
    hist: list[dict[str, list]] = [{"step": [], "train_loss": [], "grad_norm": [], "seconds": []} for _ in seeds]
    if eval_fn is not None:
        for h in hist:
            h["eval_step"] = []

    def evaluate(step: int) -> None:
        for h, m in zip(hist, unstack(p, cfg), strict=True):
            with torch.no_grad():
                scores = eval_fn(m)
            h["eval_step"].append(step)
            for key, value in scores.items():
                h.setdefault(key, []).append(float(value))

    state: dict = {}
    start, step = time.perf_counter(), 0
    while step < steps:
        for idx in length_batches(lengths, batch_size, gen):
            b = _pad_encoded([encoded[i] for i in idx], src_vocab.pad_id, tgt_vocab.pad_id)
            T = b.tgt_in.shape[1]
            coins = None
            if not all_forced:  # one coin per decoder step per model; always True where the probability is 1
                draws = torch.stack([torch.rand(T, generator=g) for g in coin_gens])  # (K, T)
                coins = draws < tf[:, None]
            losses = masked_losses(forward(p, b.src, b.src_mask, b.tgt_in, coins), b.tgt_out, b.tgt_mask)  # (K,)
            grads = torch.autograd.grad(losses.sum(), params)
            grads = [g.clone() for g in grads]
            for i, n in enumerate(names):  # like nn.Embedding(padding_idx=…): the <pad> row never learns
                if n in pad_rows:
                    grads[i][:, pad_rows[n]] = 0
            grads, norms = clip_per_model(grads, clip)  # as clip_grad_norm_ on each model alone
            adamw_step(params, grads, state, lr0 * (1 - 0.95 * step / steps), weight_decay=0.0)
            step += 1
            now = time.perf_counter() - start
            for k, h in enumerate(hist):
                h["step"].append(step)
                h["train_loss"].append(float(losses[k].detach()))
                h["grad_norm"].append(float(norms[k]))
                h["seconds"].append(now)
            if eval_fn is not None and eval_every is not None and (step % eval_every == 0 or step == steps):
                evaluate(step)
            if step >= steps:
                break
    if eval_fn is not None and (not hist[0]["eval_step"] or hist[0]["eval_step"][-1] != step):
        evaluate(step)
    return unstack(p, cfg), hist
