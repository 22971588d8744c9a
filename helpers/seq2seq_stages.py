"""``seq2seq.train_model`` cut into stages, so a notebook can spread one training run over several cells.

Lesson 04 trains its two models in two cells each (no code cell may run over 20 s): ``StagedTraining(...).run(n)``
trains the next n steps of the same run, with the same batches, schedule, Adam and clipping as one
``train_model(..., decay=True)`` call (tests/test_attention.py checks the two give equal weights).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import torch
from torch import nn

from . import seq2seq as s2s
from .data import Vocab
from .tinyworld import Pair


class StagedTraining:
    """``seq2seq.train_model`` cut into stages: ``run(n)`` trains the next n of ``steps`` steps.

    The same batches, learning-rate schedule (linear decay from ``lr`` to ``lr / 20``), Adam and clipping as one
    ``train_model(..., decay=True)`` call, so a notebook can spread one training run over several cells.
    """

    def __init__(self, model: nn.Module, pairs: Sequence[Pair], src_vocab: Vocab, tgt_vocab: Vocab, steps: int,
                 batch_size: int = 64, lr: float = 3e-3, clip: float = 1.0, seed: int = 0):
        if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
            raise ValueError(f"steps: got {steps!r}; expected an int >= 1")
        if not isinstance(lr, int | float) or isinstance(lr, bool) or lr <= 0:
            raise ValueError(f"lr: got {lr!r}; expected a number > 0")
        if len(pairs) == 0:
            raise ValueError("pairs: got an empty list; expected training pairs")
        self.model, self.steps, self.lr, self.clip, self.done, self.seconds = model, steps, lr, clip, 0, 0.0
        self.losses: list[float] = []
        self._s2s, self._vocabs = s2s, (src_vocab, tgt_vocab)
        self._gen = torch.Generator().manual_seed(seed)
        self._lengths = [len(p.en) for p in pairs]
        self._encoded = [s2s.encode_pair(p, src_vocab, tgt_vocab) for p in pairs]
        self._batch_size = batch_size
        self._opt = torch.optim.Adam(model.parameters(), lr=lr)
        self._batches = self._forever()

    def _forever(self):
        device = next(self.model.parameters()).device
        src_pad, tgt_pad = self._vocabs[0].pad_id, self._vocabs[1].pad_id
        while True:
            for idx in self._s2s.length_batches(self._lengths, self._batch_size, self._gen):
                b = self._s2s._pad_encoded([self._encoded[i] for i in idx], src_pad, tgt_pad)
                yield b.to(device)

    def run(self, n: int) -> float:
        """Train the next ``n`` steps (at most the steps left); returns the seconds they took."""
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= self.steps - self.done:
            raise ValueError(f"n: got {n!r}; expected an int in [1, {self.steps - self.done}] (the steps left)")
        start = time.perf_counter()
        self.model.train()
        for _ in range(n):
            b = next(self._batches)
            self._opt.param_groups[0]["lr"] = self.lr * (1 - 0.95 * self.done / self.steps)
            self.done += 1
            logits, _ = self.model(b.src, b.src_mask, b.tgt_in)
            loss = self._s2s.masked_cross_entropy(logits, b.tgt_out, b.tgt_mask)
            self._opt.zero_grad()
            loss.backward()
            if self.clip is not None:
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.clip)
            self._opt.step()
            self.losses.append(float(loss.detach()))
        self.model.eval()
        took = time.perf_counter() - start
        self.seconds += took
        return took
