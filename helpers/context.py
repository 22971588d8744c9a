"""Context length: a reader with a short window, chunking with overlap, and a simple retrieval step.

Letters used in shapes: B = batch, W = the reader's window (tokens it can take at once), C = d_model.

The task: a *document* of tiny-world sentences hides one *needle* sentence, "the fox chased the ball .";
the question is "who chased the ball ?". A reader sees at most W tokens. Given the first W tokens of a long
document it misses any needle that lies beyond them; run on overlapping chunks it finds it wherever it is;
with retrieval it reads only the chunk that shares most words with the question.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .data import BOS, Vocab, pad_batch
from .lexicon import NOUNS
from .transformer import TransformerConfig, TransformerLM

ANSWERS = tuple(n.en for n in NOUNS if n.kind in ("animal", "person"))  # who can chase
QUESTION = ["who", "chased", "the", "ball", "?"]


def _positive_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}: got {value!r}; expected an int >= 1")
    return value


def needle(answer: str) -> list[str]:
    """The sentence that holds the answer: ["the", answer, "chased", "the", "ball", "."]."""
    if answer not in ANSWERS:
        raise ValueError(f"answer: got {answer!r}; expected one of {', '.join(ANSWERS)}")
    return ["the", answer, "chased", "the", "ball", "."]


def make_document(fillers: Sequence[Sequence[str]], n_tokens: int, answer: str | None, position: int,
                  rng: random.Random) -> list[str]:
    """Filler sentences (none mentions a ball) until ``n_tokens``, with the needle starting near token
    ``position`` (at the sentence boundary closest to it); ``answer=None`` leaves the needle out."""
    _positive_int(n_tokens, "n_tokens")
    pool = fillers if _clean(fillers) else [s for s in fillers if "ball" not in s and "balls" not in s]
    if not pool:
        raise ValueError("fillers: got no sentence without 'ball'; expected some filler sentences")
    doc: list[str] = []
    placed = answer is None
    while len(doc) < n_tokens or not placed:
        if not placed and len(doc) >= position:
            doc += needle(answer)
            placed = True
        else:
            doc += list(rng.choice(pool))
    return doc


_CLEAN: set[int] = set()


def _clean(fillers: Sequence[Sequence[str]]) -> bool:
    """True if no filler mentions a ball (remembered per list, so training does not re-scan it each time)."""
    if id(fillers) not in _CLEAN and not any("ball" in s or "balls" in s for s in fillers):
        _CLEAN.add(id(fillers))
    return id(fillers) in _CLEAN


def truncate(tokens: Sequence[str], window: int) -> list[str]:
    """What a model with a ``window``-token context sees of a long input: the first ``window`` tokens."""
    _positive_int(window, "window")
    return list(tokens[:window])


def chunks(tokens: Sequence[str], size: int, overlap: int = 0) -> list[tuple[int, list[str]]]:
    """(start, chunk) pairs of ``size`` tokens, each starting ``size - overlap`` after the last; the last
    chunk reaches the end of ``tokens``."""
    _positive_int(size, "size")
    if isinstance(overlap, bool) or not isinstance(overlap, int) or not 0 <= overlap < size:
        raise ValueError(f"overlap: got {overlap!r}; expected an int with 0 <= overlap < size={size}")
    if isinstance(tokens, str):
        raise ValueError(f"tokens: got the string {tokens[:30]!r}; expected a list of tokens")
    stride = size - overlap
    out = []
    start = 0
    while True:
        out.append((start, list(tokens[start:start + size])))
        if start + size >= len(tokens):
            return out
        start += stride


def retrieve(pieces: Sequence[Sequence[str]], query: Sequence[str], k: int = 1) -> list[int]:
    """Indices of the ``k`` pieces sharing the most distinct words with ``query`` (ties: earliest first)."""
    _positive_int(k, "k")
    words = set(query) - {"the", "a", "an", "?", ".", ","}
    scores = [len(words & set(p)) for p in pieces]
    return sorted(range(len(pieces)), key=lambda i: (-scores[i], i))[:k]


# ------------------------------------------------------------------------------------------ the reader
class Reader(nn.Module):
    """Points at the answer in its window, or at slot 0 (a ``<s>`` put in front) when there is none.

    A BERT-style encoder of ``max_len = window + 1`` positions: it cannot take a longer input.
    """

    def __init__(self, vocab: Vocab, window: int, d_model: int = 32, n_layers: int = 2):
        super().__init__()
        self.vocab, self.window = vocab, _positive_int(window, "window")
        cfg = TransformerConfig(vocab_size=len(vocab), d_model=d_model, n_heads=4, n_layers=n_layers,
                                d_ff=2 * d_model, max_len=window + 1, causal=False)
        self.encoder = TransformerLM(cfg)
        self.score = nn.Linear(d_model, 1)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """ids (B, 1 + W') → pointer logits (B, 1 + W'), padding at -inf."""
        h = self.encoder.encode(ids, mask)  # (B, T, C)
        return self.score(h).squeeze(-1).masked_fill(~mask, float("-inf"))  # (B, T)

    def batch(self, windows: Sequence[Sequence[str]]) -> tuple[torch.Tensor, torch.Tensor]:
        for i, w in enumerate(windows):
            if len(w) > self.window:
                raise ValueError(f"windows: item {i} has {len(w)} tokens; this reader's window is {self.window}")
        ids, mask, _ = pad_batch([self.vocab.encode([BOS] + list(w)) for w in windows], self.vocab.pad_id)
        return ids, mask

    @torch.no_grad()
    def read(self, windows: Sequence[Sequence[str]]) -> list[tuple[str | None, float]]:
        """For each window: (answer or None, probability the reader gives its best answer)."""
        self.eval()
        ids, mask = self.batch(windows)
        probs = torch.softmax(self(ids, mask), -1)  # (B, T)
        probs[:, 0] = 0.0  # the best real answer, whatever the none slot says
        p, pos = probs.max(-1)
        out = []
        for w, pb, i in zip(windows, p.tolist(), pos.tolist(), strict=True):
            out.append((w[i - 1] if pb > 0.5 else None, pb))
        return out


def answer_position(window: Sequence[str]) -> int:
    """Where the answer sits in ``[<s>] + window`` (0: no whole needle in the window)."""
    for i in range(len(window) - 5):
        if window[i] == "the" and window[i + 1] in ANSWERS and window[i + 2:i + 6] == ["chased", "the", "ball", "."]:
            return i + 2
    return 0


def train_reader(reader: Reader, fillers: Sequence[Sequence[str]], steps: int = 300, batch_size: int = 64,
                 lr: float = 3e-3, seed: int = 0) -> list[float]:
    """Train on random windows, half with a whole needle somewhere inside; returns the loss of every step."""
    rng = random.Random(seed)
    fillers = [s for s in fillers if "ball" not in s and "balls" not in s]
    opt = torch.optim.AdamW(reader.parameters(), lr=lr)
    W, losses = reader.window, []
    reader.train()
    for _ in range(_positive_int(steps, "steps")):
        windows = []
        for _ in range(batch_size):
            answer = rng.choice(ANSWERS) if rng.random() < 0.5 else None
            doc = make_document(fillers, 2 * W, answer, rng.randrange(W), rng)
            start = rng.randrange(len(doc) - W + 1)
            windows.append(doc[start:start + W])
        ids, mask = reader.batch(windows)
        target = torch.tensor([answer_position(w) for w in windows])
        loss = F.cross_entropy(reader(ids, mask), target)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    reader.eval()
    return losses


def answer_with(read: Callable[[list[list[str]]], list[tuple[str | None, float]]], doc: Sequence[str],
                window: int, strategy: str, overlap: int = 0) -> tuple[str | None, int]:
    """Answer the question about ``doc`` with a reader of ``window`` tokens; returns (answer, windows read).

    ``strategy``: "truncate" (read the first window only), "chunks" (read every chunk, keep the most
    confident answer) or "retrieve" (read only the chunk that shares most words with the question).
    """
    if strategy == "truncate":
        pieces = [truncate(doc, window)]
    elif strategy in ("chunks", "retrieve"):
        pieces = [c for _, c in chunks(doc, window, overlap)]
        if strategy == "retrieve":
            pieces = [pieces[retrieve(pieces, QUESTION, k=1)[0]]]
    else:
        raise ValueError(f"strategy: got {strategy!r}; expected 'truncate', 'chunks' or 'retrieve'")
    found = [(p, a) for a, p in read(pieces) if a is not None]
    return (max(found)[1] if found else None), len(pieces)


def check_chunks(fn) -> object:
    """Exercise: chunking with overlap, compared with ``chunks``."""
    from .exercises import equal, run_checks

    toks = [f"w{i}" for i in range(10)]
    return run_checks("Exercise 1: chunks with overlap", [
        equal("no overlap: 10 tokens in chunks of 4", lambda: fn(toks, 4, 0), chunks(toks, 4, 0),
              hints=("a window of `size` tokens slides along the list; each start is the previous start plus a "
                     "step that is shorter than `size` when chunks overlap",
                     "the step is size - overlap; each pair is (start, the slice of `size` tokens from start)")),
        equal("overlap 2: each chunk repeats the last 2 tokens", lambda: fn(toks, 4, 2), chunks(toks, 4, 2),
              hints="consecutive chunks share `overlap` tokens, so a chunk starts before the previous one ends"),
        equal("stop once a chunk reaches the end", lambda: fn(toks, 5, 1), chunks(toks, 5, 1),
              hints="stop as soon as a chunk reaches the last token: no empty or repeated tail chunk"),
        equal("a short input is one chunk", lambda: fn(toks[:3], 8, 2), chunks(toks[:3], 8, 2),
              hints="even when the input is shorter than size, return one chunk"),
    ], todo="write `my_chunks` and `return` the list of (start, chunk) pairs")
