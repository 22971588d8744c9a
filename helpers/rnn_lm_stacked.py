"""Many recurrent language models of one cell trained at once, as one stacked computation.

Letters used in shapes: K = models, B = batch, T = time steps, E = embedding size, H = hidden size,
V = vocabulary, G = weight blocks of the cell (1 RNN, 4 LSTM, 3 GRU).

``train_lm_stacked`` trains K copies of ``rnn_lm.RecurrentLM`` (one cell type, each with its own learning rate
and random seed) as if ``rnn_lm.train_lm`` had trained each alone: the same starting weights and batch order for
its seed, Adam at its own rate, its gradient clipped by its own norm. The weights are stacked on a first axis K
(embedding (K, V, E), W_ih (K, G·H, E), ...) and each step runs with batched matrix products, so one Python loop
drives all K models: a learning-rate sweep with several seeds costs about one run's overhead.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

import torch
import torch.nn.functional as F

from .data import Vocab, batches, pad_batch
from .finetune import adamw_step, clip_per_model
from .rnn_cells import CELLS
from .rnn_lm import LMConfig, RecurrentLM, _encode

_NAMES = ("embed", "W_ih", "W_hh", "b_ih", "b_hh", "out_w", "out_b")


def _weights(model: RecurrentLM) -> list[torch.Tensor]:
    rnn = model.rnn
    return [model.embed.weight, rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0, rnn.bias_hh_l0,
            model.out.weight, model.out.bias]


def stacked_lm_loss(cell: str, w: Sequence[torch.Tensor], ids: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Each model's ``lm_loss`` (K,): model k reads its own padded sentences ids[k] (K, B, T), rows longest first.

    ``w`` holds the stacked weights in the order embed (K, V, E), W_ih (K, G·H, E), W_hh (K, G·H, H),
    b_ih (K, G·H), b_hh (K, G·H), out_w (K, V, H), out_b (K, V): PyTorch's layout with K in front. With the
    rows longest first, the rows still reading at step t are the first ones, so each step runs only those (as
    ``pack_padded_sequence`` does): the padding, most of a batch here, costs nothing.
    """
    if cell not in CELLS:
        raise ValueError(f"cell: got {cell!r}; expected one of {', '.join(CELLS)}")
    if ids.dim() != 3:
        raise ValueError(f"ids: got shape {tuple(ids.shape)}; expected (K, B, T)")
    emb, W_ih, W_hh, b_ih, b_hh, out_w, out_b = w
    K, B, T = ids.shape
    H, V = W_hh.shape[2], emb.shape[1]
    target = ids[:, :, 1:]  # (K, B, T-1)
    real = target != pad_id  # (K, B, T-1)
    if (real[:, 1:] & ~real[:, :-1]).any():
        raise ValueError("ids: got rows that are not longest first; expected each model's rows sorted by length")
    active = [n for n in real.sum(1).amax(0).tolist() if n > 0]  # rows still reading at each step, the most
    # over the K models; packed, step after step, as pack_padded_sequence does: position (row b, step t) at b·(T-1) + t
    pos = torch.tensor([b * (T - 1) + t for t, n in enumerate(active) for b in range(n)])  # (N,)
    words = ids[:, :, :-1].reshape(K, -1)[:, pos]  # (K, N): what each model reads, packed
    x = F.embedding(words + V * torch.arange(K)[:, None], emb.reshape(K * V, -1))  # (K, N, E): model k's own
    # embedding of its own words (its rows sit at k·V … k·V + V − 1 of the flattened table)
    a = torch.baddbmm(b_ih[:, None], x, W_ih.mT).split(active, dim=1)  # the input's share of every step at
    # once, then cut step by step: T-1 × (K, n_t, G·H)
    W_hh_t = W_hh.mT.contiguous()  # (K, H, G·H), laid out once for the T products below
    h = x.new_zeros(K, B, H)
    c = x.new_zeros(K, B, H)
    hs = []
    for n, at in zip(active, a, strict=True):
        h, c = h[:, :n], c[:, :n]  # only the rows still reading
        b = torch.baddbmm(b_hh[:, None], h, W_hh_t)  # (K, n, G·H): the memory's share
        if cell == "rnn":
            h = torch.tanh(at + b)
        elif cell == "lstm":
            zi, zf, zg, zo = (at + b).chunk(4, dim=-1)  # 4 × (K, n, H)
            c = torch.sigmoid(zf) * c + torch.sigmoid(zi) * torch.tanh(zg)
            h = torch.sigmoid(zo) * torch.tanh(c)
        else:
            ar, az, an = at.chunk(3, dim=-1)
            br, bz, bn = b.chunk(3, dim=-1)
            r, z = torch.sigmoid(ar + br), torch.sigmoid(az + bz)
            h = (1 - z) * torch.tanh(an + r * bn) + z * h
        hs.append(h)
    out = torch.cat(hs, dim=1)  # (K, N, H): every position read, packed
    logits = torch.baddbmm(out_b[:, None], out, out_w.mT)  # (K, N, V)
    goal = target.reshape(K, -1)[:, pos]  # (K, N): the next words, packed the same way
    nll = F.cross_entropy(logits.reshape(-1, V), goal.reshape(-1), ignore_index=pad_id, reduction="none")
    return nll.view(K, -1).sum(1) / (goal != pad_id).sum(1)  # (K,): each model's mean over its real next words


def _batch_stream(encoded: list[list[int]], batch_size: int, seed: int) -> Iterator[list[list[int]]]:
    gen = torch.Generator().manual_seed(seed)  # train_lm's batch order for this seed, epoch after epoch
    while True:
        for idx in batches(len(encoded), batch_size, shuffle=True, generator=gen):
            yield [encoded[i] for i in idx]


def train_lm_stacked(cell: str, lrs: Sequence[float], seeds: Sequence[int], config: LMConfig, vocab: Vocab,
                     train_sents: list[list[str]]) -> tuple[list[RecurrentLM], dict[str, object]]:
    """Train K = len(lrs) ``cell`` language models at once: model k at learning rate lrs[k] from seed seeds[k].

    Model k equals ``train_lm(cell, replace(config, lr=lrs[k], seed=seeds[k]), vocab, train_sents)`` (tested):
    its starting weights, its batches, Adam at its rate and clipping by its own gradient norm. ``config.lr`` and
    ``config.seed`` are not used. Returns the K trained ``RecurrentLM`` modules (in eval mode) and a history:
    "train_loss" (steps, K) and "seconds", the wall-clock of the whole run.
    """
    if cell not in CELLS:
        raise ValueError(f"cell: got {cell!r}; expected one of {', '.join(CELLS)}")
    if len(lrs) == 0 or any(isinstance(r, bool) or not isinstance(r, int | float) or not r > 0 for r in lrs):
        raise ValueError(f"lrs: got {list(lrs)!r}; expected one or more learning rates > 0")
    if len(seeds) != len(lrs) or any(isinstance(s, bool) or not isinstance(s, int) for s in seeds):
        raise ValueError(f"seeds: got {list(seeds)!r}; expected one whole number per learning rate "
                         f"({len(lrs)} of them)")
    if len(train_sents) == 0:
        raise ValueError("train_sents: got no sentences; expected at least one")
    K = len(lrs)
    models = []
    for seed in seeds:
        with torch.random.fork_rng():  # the starting weights train_lm gives this seed
            torch.manual_seed(seed)
            models.append(RecurrentLM(cell, len(vocab), config.embed, config.hidden))
    w = [torch.stack([_weights(m)[i].detach() for m in models]).requires_grad_() for i in range(len(_NAMES))]
    encoded = _encode(vocab, train_sents)
    streams = [_batch_stream(encoded, config.batch_size, seed) for seed in seeds]
    lr = torch.tensor([float(r) for r in lrs])  # (K,)
    state: dict = {}
    losses = []
    start = time.perf_counter()
    for _ in range(config.steps):
        rows = [sorted(next(s), key=len, reverse=True) for s in streams]  # K batches, each longest first
        ids = pad_batch([seq for batch in rows for seq in batch], vocab.pad_id)[0].view(K, len(rows[0]), -1)
        loss = stacked_lm_loss(cell, w, ids, vocab.pad_id)  # (K,)
        grads = torch.autograd.grad(loss.sum(), w)  # model k's loss reaches only model k's weights
        if config.clip is not None:
            grads, _ = clip_per_model(grads, config.clip)  # as clip_grad_norm_ on each model alone
        adamw_step(w, grads, state, lr, weight_decay=0.0)  # Adam: AdamW without weight decay
        losses.append(loss.detach())
    seconds = time.perf_counter() - start
    with torch.no_grad():
        for k, m in enumerate(models):
            for p, stacked in zip(_weights(m), w, strict=True):
                p.copy_(stacked[k])
            m.eval()
    return models, {"train_loss": torch.stack(losses) if losses else torch.empty(0, K), "seconds": seconds}


def sweep_configs(lrs: Sequence[float], seeds: Sequence[int]) -> tuple[list[float], list[int]]:
    """Every (learning rate, seed) pair, as the two parallel lists ``train_lm_stacked`` takes."""
    if len(lrs) == 0 or len(seeds) == 0:
        raise ValueError(f"lrs/seeds: got {len(lrs)} rates and {len(seeds)} seeds; expected at least one of each")
    pairs = [(lr, s) for lr in lrs for s in seeds]
    return [p[0] for p in pairs], [p[1] for p in pairs]


__all__ = ["stacked_lm_loss", "sweep_configs", "train_lm_stacked"]
