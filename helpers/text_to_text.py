"""One model, many tasks: task-prefixed text-to-text pairs from the tiny world and an encoder–decoder for them.

Every task is "text in, text out", told apart by a prefix on the input (the idea of T5):

    translate : the black cat sat on the mat .            →  le chat noir s' est assis sur le tapis .
    summarise : the black cat sat on the mat .            →  the cat sat on the mat .
    question : who sat on the mat ? context : the black cat sat on the mat .   →  the black cat

The answers are exact: a summary drops the adjectives and adverbs, a question asks for the subject of a
one-clause sentence. Letters used in shapes: B = batch, S = source length, T = target length, C = d_model,
V = vocabulary size.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .data import Vocab, pad_batch
from .lexicon import ADJ_BY_EN, ADVERBS, LIVING, NOUN_BY_EN, VERBS
from .tinyworld import Pair

TASKS = ("translate", "summarise", "question")
VERB_STARTS = {form.split()[0] for v in VERBS for form in (v.en_past, v.en_3sg)} | {"did", "does", "do"}
NOT_SIMPLE = {"that", ",", "?", "and", "but", "because", "while", "i", "you", "how", "future"}


def subject_end(en: Sequence[str]) -> int | None:
    """Index of the subject's noun in a one-clause sentence "the|a adjective* noun verb … .", else None."""
    if len(en) < 3 or en[0] not in ("the", "a") or en[-1] != "." or NOT_SIMPLE & set(en):
        return None
    k = 1
    while k < len(en) and en[k] in ADJ_BY_EN:
        k += 1
    if k + 1 < len(en) and en[k] in NOUN_BY_EN and en[k + 1] in VERB_STARTS:
        return k
    return None


def summarise(en: Sequence[str]) -> list[str]:
    """The sentence without its modifiers: adjectives and adverbs dropped."""
    return [t for t in en if t not in ADJ_BY_EN and t not in ADVERBS]


def question(en: Sequence[str]) -> tuple[list[str], list[str]]:
    """(question, answer) about the subject: "the black cat sat ." → ("who sat ?", "the black cat")."""
    k = subject_end(en)
    if k is None:
        raise ValueError(f"en: got {' '.join(en)!r}; expected a one-clause sentence 'the|a adj* noun verb … .'")
    wh = "who" if NOUN_BY_EN[en[k]].kind in LIVING else "what"
    return [wh, *en[k + 1:-1], "?"], list(en[: k + 1])


def make_examples(pairs: Sequence[Pair], task: str) -> list[tuple[list[str], list[str]]]:
    """(source, target) token lists for ``task`` from the one-clause sentences among ``pairs``."""
    if task not in TASKS:
        raise ValueError(f"task: got {task!r}; expected one of {TASKS}")
    out = []
    for p in pairs:
        if subject_end(p.en) is None:
            continue
        if task == "translate":
            out.append((["translate", ":", *p.en], list(p.fr)))
        elif task == "summarise":
            out.append((["summarise", ":", *p.en], summarise(p.en)))
        else:
            q, a = question(p.en)
            out.append((["question", ":", *q, "context", ":", *p.en], a))
    return out


class TextToText(nn.Module):
    """A small encoder–decoder Transformer (``nn.Transformer``) over one shared vocabulary, like T5."""

    def __init__(self, vocab_size: int, d_model: int = 64, n_heads: int = 4, n_layers: int = 1,
                 d_ff: int = 128, max_len: int = 64):
        super().__init__()
        for name, value in (("vocab_size", vocab_size), ("d_model", d_model), ("n_heads", n_heads),
                            ("n_layers", n_layers), ("d_ff", d_ff), ("max_len", max_len)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: got {value!r}; expected an int >= 1")
        if d_model % n_heads:
            raise ValueError(f"d_model: got {d_model}, not divisible by n_heads={n_heads}")
        self.d_model, self.max_len = d_model, max_len
        self.emb = nn.Embedding(vocab_size, d_model)  # one vocabulary, shared by encoder and decoder
        self.pos = nn.Embedding(max_len, d_model)
        with warnings.catch_warnings():  # "enable_nested_tensor … norm_first": a speed note, not a problem
            warnings.simplefilter("ignore", UserWarning)
            self.core = nn.Transformer(d_model, n_heads, n_layers, n_layers, d_ff, dropout=0.0, batch_first=True,
                                       norm_first=True)
        self.head = nn.Linear(d_model, vocab_size)
        for emb in (self.emb, self.pos):
            nn.init.normal_(emb.weight, std=0.02)

    def embed(self, ids: torch.Tensor) -> torch.Tensor:
        if ids.shape[1] > self.max_len:
            raise ValueError(f"ids: got {ids.shape[1]} positions; expected at most max_len={self.max_len}")
        pos = torch.arange(ids.shape[1], device=ids.device)
        return self.emb(ids) + self.pos(pos)[None]  # (B, L, C)

    def forward(self, src: torch.Tensor, src_real: torch.Tensor, tgt_in: torch.Tensor) -> torch.Tensor:
        """src (B, S) with its real-token mask, tgt_in (B, T) (starts with <s>) → logits (B, T, V)."""
        T = tgt_in.shape[1]
        causal = torch.ones(T, T, dtype=torch.bool, device=src.device).triu(1)  # True = blocked (PyTorch's way)
        h = self.core(self.embed(src), self.embed(tgt_in), tgt_mask=causal, src_key_padding_mask=~src_real,
                      memory_key_padding_mask=~src_real)  # (B, T, C)
        return self.head(h)  # (B, T, V)

    def n_params(self) -> int:
        return sum(p.numel() for p in self.parameters())


def encode_examples(examples: Sequence[tuple[list[str], list[str]]], vocab: Vocab):
    """Padded (src, src_real, tgt_in, tgt_out, tgt_real) tensors for a batch of examples."""
    src, src_real, _ = pad_batch([vocab.encode(s) for s, _ in examples], vocab.pad_id)
    tgt, tgt_real, _ = pad_batch([vocab.encode(t, add_bos=True, add_eos=True) for _, t in examples], vocab.pad_id)
    return src, src_real, tgt[:, :-1], tgt[:, 1:], tgt_real[:, 1:]


def train(model: TextToText, examples: Sequence[tuple[list[str], list[str]]], vocab: Vocab, steps: int,
          batch_size: int = 64, lr: float = 3e-3, seed: int = 0) -> dict:
    """AdamW + one-cycle schedule on random batches of ``examples``; returns {"loss": [...], "seconds": s}."""
    if not examples:
        raise ValueError("examples: got an empty list; expected (source, target) pairs")
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps: got {steps!r}; expected an int >= 1")
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.1)
    history, start = {"loss": []}, time.perf_counter()
    model.train()
    for _ in range(steps):
        idx = torch.randint(len(examples), (batch_size,), generator=gen).tolist()
        src, src_real, tgt_in, tgt_out, tgt_real = encode_examples([examples[i] for i in idx], vocab)
        logits = model(src, src_real, tgt_in)
        loss = F.cross_entropy(logits[tgt_real], tgt_out[tgt_real])  # real target tokens only
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        history["loss"].append(loss.item())
    model.eval()
    history["seconds"] = time.perf_counter() - start
    return history


@torch.no_grad()
def greedy(model: TextToText, sources: Sequence[list[str]], vocab: Vocab, max_new: int = 30) -> list[list[str]]:
    """Greedy decoding of a batch of sources; each output stops at its </s>."""
    model.eval()
    src, src_real, _ = pad_batch([vocab.encode(s) for s in sources], vocab.pad_id)
    memory = model.core.encoder(model.embed(src), src_key_padding_mask=~src_real)  # (B, S, C): once
    ys = torch.full((len(sources), 1), vocab.bos_id, dtype=torch.long)
    for _ in range(max_new):
        T = ys.shape[1]
        causal = torch.ones(T, T, dtype=torch.bool).triu(1)
        h = model.core.decoder(model.embed(ys), memory, tgt_mask=causal, memory_key_padding_mask=~src_real)
        nxt = model.head(h[:, -1]).argmax(-1, keepdim=True)  # (B, 1)
        ys = torch.cat([ys, nxt], dim=1)
        if bool((ys == vocab.eos_id).any(1).all()):
            break
    return [vocab.decode(row[1:].tolist()[: (row[1:] == vocab.eos_id).nonzero()[0].item()]
                         if (row[1:] == vocab.eos_id).any() else row[1:].tolist()) for row in ys]


def exact_match(model: TextToText, examples: Sequence[tuple[list[str], list[str]]], vocab: Vocab) -> float:
    """Share of examples whose greedy output equals the target exactly."""
    if not examples:
        raise ValueError("examples: got an empty list; expected (source, target) pairs")
    outputs = greedy(model, [s for s, _ in examples], vocab, max_new=max(len(t) for _, t in examples) + 2)
    return sum(o == t for o, (_, t) in zip(outputs, examples, strict=True)) / len(examples)


__all__ = ["TASKS", "subject_end", "summarise", "question", "make_examples", "TextToText", "encode_examples",
           "train", "greedy", "exact_match"]
