"""Attention for a recurrent encoder–decoder: the decoder state looks back at every encoder state.

Letters used in shapes: B = batch, T = decoder steps (queries), S = source positions (keys),
Hq = decoder state size, Hk = encoder state size, A = the additive score's hidden size.

Every score function here turns a decoder state s_t and the encoder states h_1 … h_S into weights α_t
that sum to 1 over the real (unpadded) source positions, and a context vector c_t = Σ_i α_{t,i} h_i:

* additive (Bahdanau et al. 2014):  e_{t,i} = vᵀ tanh(W₁ h_i + W₂ s_t)
* dot      (Luong et al. 2015):     e_{t,i} = s_tᵀ h_i              (needs Hq = Hk)
* general  (Luong et al. 2015):     e_{t,i} = s_tᵀ W h_i

``mask`` is a (B, S) bool tensor, True where a source token is real (as ``data.pad_batch`` returns);
padded positions get weight exactly 0.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import nn

from .exercises import Check, Result, equal, run_checks

SCORES = ("additive", "dot", "general")


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """Softmax over the last axis of (B, T, S) scores, with padded keys (mask False) given weight 0."""
    if mask is not None:
        if mask.dtype != torch.bool or mask.dim() != 2:
            raise ValueError(f"mask: got shape {tuple(mask.shape)} and dtype {mask.dtype}; "
                             "expected a (B, S) bool tensor, True where a source token is real")
        if scores.dim() != 3 or mask.shape != (scores.shape[0], scores.shape[2]):
            raise ValueError(f"mask: got shape {tuple(mask.shape)} for scores of shape {tuple(scores.shape)}; "
                             "expected (B, S) matching scores (B, T, S)")
        scores = scores.masked_fill(~mask[:, None, :], float("-inf"))  # (B, 1, S) broadcast over T
    return torch.softmax(scores, dim=-1)


def _check(query: torch.Tensor, keys: torch.Tensor) -> None:
    if query.dim() != 3 or keys.dim() != 3 or query.shape[0] != keys.shape[0]:
        raise ValueError(f"query/keys: got shapes {tuple(query.shape)} and {tuple(keys.shape)}; "
                         "expected (B, T, Hq) and (B, S, Hk) with the same B")


class AdditiveAttention(nn.Module):
    """Bahdanau's score e = vᵀ tanh(W₁h + W₂s); returns the context (B, T, Hk) and the weights α (B, T, S)."""

    def __init__(self, key_size: int, query_size: int, attn_size: int):
        super().__init__()
        for name, value in (("key_size", key_size), ("query_size", query_size), ("attn_size", attn_size)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: got {value!r}; expected an int >= 1")
        self.W1 = nn.Linear(key_size, attn_size, bias=False)   # applied to each encoder state h_i
        self.W2 = nn.Linear(query_size, attn_size, bias=True)  # applied to the decoder state s_t
        self.v = nn.Linear(attn_size, 1, bias=False)

    def scores(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        _check(query, keys)
        k = self.W1(keys)[:, None, :, :]   # (B, 1, S, A)
        q = self.W2(query)[:, :, None, :]  # (B, T, 1, A)
        return self.v(torch.tanh(k + q)).squeeze(-1)  # (B, T, S, A) → (B, T, S)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor | None = None):
        alpha = masked_softmax(self.scores(query, keys), mask)  # (B, T, S)
        return alpha @ keys, alpha  # (B, T, S) @ (B, S, Hk) → (B, T, Hk)


class DotAttention(nn.Module):
    """Luong's dot score e = sᵀh (no parameters; query and key sizes must match)."""

    def scores(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        _check(query, keys)
        if query.shape[-1] != keys.shape[-1]:
            raise ValueError(f"keys: got size {keys.shape[-1]} but the query has {query.shape[-1]}; "
                             "expected equal sizes for the dot score (use 'general' otherwise)")
        return query @ keys.transpose(1, 2)  # (B, T, H) @ (B, H, S) → (B, T, S)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor | None = None):
        alpha = masked_softmax(self.scores(query, keys), mask)
        return alpha @ keys, alpha


class GeneralAttention(nn.Module):
    """Luong's general score e = sᵀ W h, with one learned matrix W (Hq × Hk)."""

    def __init__(self, key_size: int, query_size: int):
        super().__init__()
        for name, value in (("key_size", key_size), ("query_size", query_size)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name}: got {value!r}; expected an int >= 1")
        self.W = nn.Linear(key_size, query_size, bias=False)  # W h_i: (B, S, Hk) → (B, S, Hq)

    def scores(self, query: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        _check(query, keys)
        return query @ self.W(keys).transpose(1, 2)  # (B, T, Hq) @ (B, Hq, S) → (B, T, S)

    def forward(self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor | None = None):
        alpha = masked_softmax(self.scores(query, keys), mask)
        return alpha @ keys, alpha


def make_attention(score: str, key_size: int, query_size: int, attn_size: int | None = None) -> nn.Module:
    """The attention module for ``score`` in ("additive", "dot", "general")."""
    if score == "additive":
        return AdditiveAttention(key_size, query_size, attn_size or query_size)
    if score == "dot":
        if key_size != query_size:
            raise ValueError(f"key_size: got {key_size} and query_size {query_size}; "
                             "expected equal sizes for the dot score")
        return DotAttention()
    if score == "general":
        return GeneralAttention(key_size, query_size)
    raise ValueError(f"score: got {score!r}; expected one of {', '.join(SCORES)}")


# ------------------------------------------------------------------------------------------ exercises
def check_dot_score(fn) -> Result:
    """Exercise: ``fn(s, h)`` with s (B, T, H) and h (B, S, H) → the dot scores e (B, T, S)."""
    g = torch.Generator().manual_seed(1)
    s, h = torch.randn(2, 3, 4, generator=g), torch.randn(2, 5, 4, generator=g)
    return run_checks("Exercise: Luong's dot score", [
        equal("shape (B, T, S) = (2, 3, 5) and the right values", lambda: fn(s, h), DotAttention().scores(s, h),
              hints=("every decoder state against every encoder state: one batched matrix product, "
                     "(B, T, H) times something of shape (B, H, S)",
                     "swap the last two axes of h (transpose) and use @")),
        equal("e[0, 1, 2] equals s[0, 1] · h[0, 2]", lambda: float(fn(s, h)[0, 1, 2]), float(s[0, 1] @ h[0, 2]),
              hints="each score is one decoder state times one encoder state"),
    ], todo="write `dot_score` and `return` the scores (B, T, S)")


def check_masked_softmax(fn) -> Result:
    """Exercise: ``fn(scores, mask)`` → softmax over the source axis with padded positions at weight 0."""
    g = torch.Generator().manual_seed(2)
    scores = torch.randn(2, 3, 4, generator=g)  # (B, T, S)
    mask = torch.tensor([[True, True, True, True], [True, True, False, False]])
    return run_checks("Exercise: masking padded positions", [
        equal("matches the masked softmax", lambda: fn(scores, mask), masked_softmax(scores, mask),
              hints=("a padded word must get weight exactly 0 after the softmax: what score has exp(score) = 0?",
                     "fill the padded scores with minus infinity (masked_fill); the mask is (B, S), so give it an "
                     "axis for T to broadcast over; softmax over the last axis")),
        Check("padded positions get weight exactly 0", lambda: bool((fn(scores, mask)[1, :, 2:] == 0).all()),
              hints="a score of 0 still gets weight: exp(0) = 1"),
        Check("each row sums to 1", lambda: bool(torch.allclose(fn(scores, mask).sum(-1), torch.ones(2, 3))),
              hints="the weights are shared out over the source positions, the last axis"),
    ], todo="write `masked_softmax` and `return` the weights (B, T, S)")

class UniformAttention(nn.Module):
    """Attention jammed open: every real source word gets the same weight, whatever the decoder asks."""

    def forward(self, query: torch.Tensor, keys: torch.Tensor, mask: torch.Tensor | None = None):
        scores = torch.zeros(query.shape[0], query.shape[1], keys.shape[1], device=query.device)  # (B, T, S)
        alpha = masked_softmax(scores, mask)  # (B, T, S): 1 / (number of real words) on each real word
        return alpha @ keys, alpha  # c (B, T, H): the mean of the encoder states


@torch.no_grad()
def _exact_match(model: nn.Module, pairs, src_vocab, tgt_vocab, batch_size: int = 250) -> float:
    """Greedy translations of ``pairs`` (shortest first, as ``seq2seq.translate``): the share exactly right."""
    from .data import pad_batch
    from .metrics import exact_match

    model.eval()
    device = next(model.parameters()).device
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i].en))
    preds: list = [None] * len(pairs)
    for start in range(0, len(order), batch_size):
        idx = order[start:start + batch_size]
        src, mask, lengths = pad_batch([src_vocab.encode(pairs[i].en) for i in idx], src_vocab.pad_id)
        ids, _ = model.greedy(src.to(device), mask.to(device), tgt_vocab.bos_id, tgt_vocab.eos_id,
                              2 * int(lengths.max()) + 10)
        for row, i in enumerate(idx):
            preds[i] = tgt_vocab.decode(ids[row])
    return exact_match(preds, [p.fr for p in pairs])


ATTENTION_CHOICES = ("about the same", "down by about half", "down to nearly nothing")


def check_uniform_attention_experiment(prediction: object, test_attention: object, model: nn.Module, pairs,
                                       src_vocab, tgt_vocab) -> Result:
    """Experiment: the trained attention model translates ``pairs`` with its attention jammed uniform."""
    from .exercises import check_experiment

    if getattr(getattr(model, "decoder", None), "attention", None) is None:
        raise ValueError("model: got a model without attention; expected lesson 04's attention model")
    learned: list[float] = []

    def baseline() -> float:
        if not learned:
            learned.append(_exact_match(model, pairs, src_vocab, tgt_vocab))
        return learned[0]

    def measure() -> float:
        saved = model.decoder.attention
        model.decoder.attention = UniformAttention() if test_attention == "uniform" else saved
        try:
            return _exact_match(model, pairs, src_vocab, tgt_vocab)
        finally:
            model.decoder.attention = saved

    def verdict(em: float) -> str:
        if em >= 0.8 * baseline():
            return ATTENTION_CHOICES[0]
        return ATTENTION_CHOICES[2] if em <= 0.2 * baseline() else ATTENTION_CHOICES[1]

    return check_experiment(
        f"Experiment: attention jammed uniform at test time ({len(pairs)} test sentences)",
        prediction, ATTENTION_CHOICES, test_attention, "uniform", 'set test_attention to "uniform"',
        measure, (0.0, 0.1), verdict, what="the exact match with uniform attention",
        reference=lambda em: f"with the learned attention: {baseline():.0%}",
    )


# ------------------------------------------------------------------------------------------ lesson 04's tools
def diagonal_attention(n_tgt: int, n_src: int) -> torch.Tensor:
    """A baseline α (n_tgt, n_src) with no model: French word t looks at English word round(t·(S−1)/(T−1))."""
    for name, value in (("n_tgt", n_tgt), ("n_src", n_src)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}: got {value!r}; expected an int >= 1")
    alpha = torch.zeros(n_tgt, n_src)
    for t in range(n_tgt):
        alpha[t, round(t * (n_src - 1) / max(n_tgt - 1, 1))] = 1.0
    return alpha


def uniform_attention(n_tgt: int, n_src: int) -> torch.Tensor:
    """A baseline α (n_tgt, n_src): every English word the same weight (its argmax is the first word)."""
    for name, value in (("n_tgt", n_tgt), ("n_src", n_src)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name}: got {value!r}; expected an int >= 1")
    return torch.full((n_tgt, n_src), 1.0 / n_src)


PARTICIPLES = ("aimé", "suivi", "vu", "attrapé", "poursuivi", "trouvé", "mangé", "allé", "enfui")
BE_PARTICIPLES = ("allé", "enfui")  # with être: they agree with the subject


def participle_stem(word: str) -> str | None:
    """The masculine singular participle that ``word`` is a form of (``enfuie`` → ``enfui``), else None."""
    if not isinstance(word, str):
        raise ValueError(f"word: got {type(word).__name__}; expected a string")
    for stem in PARTICIPLES:
        if word in (stem, stem + "e", stem + "s", stem + "es"):
            return stem
    return None


@dataclass
class AgreementItem:
    """One test pair whose relative clause has a participle that agrees with the clause's head noun."""

    index: int          # the pair's index in the list given to ``agreement_items``
    pronoun: str        # "qui" (être participle agrees with its subject, the head) or "que" (the head is its object)
    head_en: int        # English index of the head noun (the word before "that")
    participle_fr: int  # French index of the participle in the reference
    form: str           # the reference's participle form, e.g. "enfuie"


def _relative(fr: Sequence[str]) -> list[int]:
    return [j for j, w in enumerate(fr) if w in ("qui", "que") and not (j and fr[j - 1] == "parce")]


def agreement_items(pairs) -> list[AgreementItem]:
    """Pairs with one relative clause ("that" in English, one qui/que in French) whose participle agrees.

    qui + être participle (``le chat qui s' est enfui``) agrees with the head as its subject; que + avoir
    participle (``les renards que le renard a suivis``) agrees with the head as its object. Pairs with more
    than one relative clause are left out, so the head is the English word right before "that".
    """
    items = []
    for n, p in enumerate(pairs):
        if not hasattr(p, "en") or not hasattr(p, "fr"):
            raise ValueError(f"pairs: item {n} is {type(p).__name__}; expected tinyworld Pairs")
        rel = _relative(p.fr)
        if p.en.count("that") != 1 or len(rel) != 1 or p.en.index("that") == 0:
            continue
        j0 = rel[0]
        part = next((j for j in range(j0 + 1, len(p.fr)) if participle_stem(p.fr[j])), None)
        if part is None:
            continue
        stem = participle_stem(p.fr[part])
        if (p.fr[j0] == "qui" and stem in BE_PARTICIPLES) or (p.fr[j0] == "que" and stem not in BE_PARTICIPLES):
            items.append(AgreementItem(n, p.fr[j0], p.en.index("that") - 1, part, p.fr[part]))
    return items


def output_participle(pred: Sequence[str]) -> str | None:
    """The first participle form after the first relative pronoun of a translation, or None."""
    rel = _relative(list(pred))
    if not rel:
        return None
    return next((w for w in pred[rel[0] + 1:] if participle_stem(w)), None)


def agreement_accuracy(preds: Sequence[Sequence[str]], items: Sequence[AgreementItem]) -> float:
    """Share of ``items`` whose translation (``preds[item.index]``) writes the reference's participle form."""
    if len(items) == 0:
        raise ValueError("items: got no agreement items; expected at least one")
    hits = 0
    for item in items:
        if not 0 <= item.index < len(preds):
            raise ValueError(f"preds: got {len(preds)} translations; item needs index {item.index}")
        hits += output_participle(preds[item.index]) == item.form
    return hits / len(items)


def time_scores(modules: dict[str, nn.Module], B: int = 64, T: int = 16, S: int = 15, H: int = 128,
                repeats: int = 50) -> dict[str, float]:
    """Milliseconds per call of each module's ``scores`` alone, forward + backward, on fixed random tensors.

    The modules take turns call by call (a burst of load elsewhere on the machine hits them all alike) and each
    gets the median of its ``repeats`` calls, after a few warm-up calls.
    """
    if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
        raise ValueError(f"repeats: got {repeats!r}; expected an int >= 1")
    for name, mod in modules.items():
        if not hasattr(mod, "scores"):
            raise ValueError(f"modules: {name!r} has no scores method; expected attention modules")
    g = torch.Generator().manual_seed(0)
    q = torch.randn(B, T, H, generator=g, requires_grad=True)
    k = torch.randn(B, S, H, generator=g, requires_grad=True)
    times: dict[str, list[float]] = {name: [] for name in modules}
    for r in range(repeats + 5):  # the first 5 rounds warm up
        for name, mod in modules.items():
            start = time.perf_counter()
            mod.scores(q, k).sum().backward()
            if r >= 5:
                times[name].append(1000 * (time.perf_counter() - start))
    return {name: float(torch.tensor(t).median()) for name, t in times.items()}
