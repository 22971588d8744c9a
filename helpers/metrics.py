"""Scores the course reports: perplexity, exact match, token accuracy, chrF and BLEU (sacrebleu), attention
alignment and accuracy by length.

Letters used in shapes: T_tgt = target (French) length, T_src = source (English) length.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def perplexity(total_nll: float, n_tokens: int) -> float:
    """exp(mean negative log-likelihood per token): the course's one perplexity for every language model.

    ``total_nll`` is the sum of -ln P(token | what came before) over ``n_tokens`` scored tokens (for the
    tiny world: every word of each sentence and its end, ``</s>``). A perplexity of k means the model is as
    unsure as if it chose among k equally likely words; 1 is certainty.
    """
    if isinstance(n_tokens, bool) or not isinstance(n_tokens, int) or n_tokens < 1:
        raise ValueError(f"n_tokens: got {n_tokens!r}; expected a whole number ≥ 1 of scored tokens")
    if not isinstance(total_nll, int | float) or isinstance(total_nll, bool) or math.isnan(total_nll) \
            or total_nll < 0:
        raise ValueError(f"total_nll: got {total_nll!r}; expected a summed negative log-likelihood ≥ 0 (in nats)")
    return math.exp(total_nll / n_tokens)


def _check_pairs(preds: Sequence, refs: Sequence) -> None:
    if len(refs) == 0:
        raise ValueError("refs: got an empty list; expected at least one reference")
    if len(preds) != len(refs):
        raise ValueError(f"preds: got {len(preds)} predictions for {len(refs)} references; "
                         "expected one prediction per reference")
    for name, seqs in (("preds", preds), ("refs", refs)):
        for i, s in enumerate(seqs):
            if isinstance(s, str):
                raise ValueError(f"{name}: item {i} is the string {s[:30]!r}; expected a list of tokens")


def exact_match(preds: Sequence[Sequence[str]], refs: Sequence[Sequence[str]]) -> float:
    """Fraction of predictions identical to their reference, token for token."""
    _check_pairs(preds, refs)
    return sum(list(p) == list(r) for p, r in zip(preds, refs, strict=True)) / len(refs)


def token_accuracy(preds: Sequence[Sequence[str]], refs: Sequence[Sequence[str]]) -> float:
    """Fraction of reference positions where the prediction has the same token.

    Positions are compared one by one over the reference's length: a prediction that stops early is wrong
    at every missing position; extra predicted tokens past the reference's end are not counted.
    """
    _check_pairs(preds, refs)
    total = sum(len(r) for r in refs)
    if total == 0:
        raise ValueError("refs: every reference is empty; expected at least one reference token")
    # zip stops at the shorter: missing predicted tokens add nothing to `correct`, extra ones are ignored
    pairs = zip(preds, refs, strict=True)
    correct = sum(p_tok == r_tok for p, r in pairs for p_tok, r_tok in zip(p, r, strict=False))
    return correct / total


def _sacrebleu():
    try:
        import sacrebleu
    except ImportError as err:  # pragma: no cover - requirements.txt installs it
        raise ImportError("chrF and BLEU come from sacrebleu: pip install 'sacrebleu>=2.3'") from err
    return sacrebleu


def chrf(preds: Sequence[Sequence[str]], refs: Sequence[Sequence[str]]) -> float:
    """Corpus chrF (sacrebleu's defaults: character 6-grams, β = 2), 0–100, of token lists.

    Tokens are joined with spaces; chrF ignores whitespace, so a sentence with one word dropped or changed
    keeps most of its score, unlike exact match.
    """
    _check_pairs(preds, refs)
    sb = _sacrebleu()
    return float(sb.corpus_chrf([" ".join(p) for p in preds], [[" ".join(r) for r in refs]]).score)


def sentence_chrf(pred: Sequence[str], ref: Sequence[str]) -> float:
    """chrF (0–100) of one predicted token list against its reference."""
    _check_pairs([pred], [ref])
    sb = _sacrebleu()
    return float(sb.sentence_chrf(" ".join(pred), [" ".join(ref)]).score)


def bleu(preds: Sequence[Sequence[str]], refs: Sequence[Sequence[str]]) -> float:
    """Corpus BLEU (sacrebleu, up to 4-grams, brevity penalty), 0–100, over the tokens as given.

    The tiny world's tokens are already split (``l'``, ``,``, ``.`` are tokens), so sacrebleu's own
    tokenizer is switched off (``tokenize="none"``).
    """
    _check_pairs(preds, refs)
    sb = _sacrebleu()
    return float(sb.corpus_bleu([" ".join(p) for p in preds], [[" ".join(r) for r in refs]],
                                tokenize="none").score)


def alignment_accuracy(
    attn_rows: Sequence[object], alignments: Sequence[Sequence[tuple[int, int]]]
) -> float:
    """Fraction of aligned target words whose strongest attention falls on one of their true source words.

    ``attn_rows[n]`` is sentence n's attention, shape (T_tgt, T_src); ``alignments[n]`` its true
    (target index, source index) pairs. Target words without any aligned source word are skipped.
    """
    if len(attn_rows) != len(alignments):
        raise ValueError(f"alignments: got {len(alignments)} alignments for {len(attn_rows)} attention "
                         "matrices; expected one per sentence")
    correct = total = 0
    for n, (attn, pairs) in enumerate(zip(attn_rows, alignments, strict=True)):
        a = attn.detach().cpu().numpy() if hasattr(attn, "detach") else np.asarray(attn)
        if a.ndim != 2:
            raise ValueError(f"attn_rows: item {n} has shape {a.shape}; expected (T_tgt, T_src)")
        T_tgt, T_src = a.shape
        gold: dict[int, set[int]] = {}
        for t, s in pairs:
            if not (0 <= t < T_tgt and 0 <= s < T_src):
                raise ValueError(f"alignments: sentence {n} has pair ({t}, {s}) outside its attention of "
                                 f"shape ({T_tgt}, {T_src}); expected 0 <= tgt < {T_tgt}, 0 <= src < {T_src}")
            gold.setdefault(t, set()).add(s)
        for t, sources in gold.items():
            correct += int(np.argmax(a[t])) in sources
            total += 1
    if total == 0:
        raise ValueError("alignments: got no (tgt, src) pairs at all; expected at least one aligned word")
    return correct / total


def bucket_labels(edges: Sequence[int]) -> list[str]:
    """Labels of the length buckets that ``edges`` start: [3, 9, 40] → ["3–8", "9–39", "40+"]."""
    if len(edges) == 0:
        raise ValueError("edges: got an empty list; expected bucket start lengths, e.g. [3, 9, 15, 40]")
    if any(b <= a for a, b in zip(edges[:-1], edges[1:], strict=True)):
        raise ValueError(f"edges: got {list(edges)}; expected strictly increasing lengths")
    labels = [f"{a}–{b - 1}" if b - 1 > a else f"{a}" for a, b in zip(edges[:-1], edges[1:], strict=True)]
    return labels + [f"{edges[-1]}+"]


def accuracy_by_bucket(
    values: Sequence[float | bool], lengths: Sequence[int], edges: Sequence[int]
) -> dict[str, float]:
    """Mean of ``values`` within each length bucket; empty buckets are left out.

    ``edges`` are the first length of each bucket: edges [3, 9, 15, 40] make buckets "3–8", "9–14",
    "15–39" and "40+".
    """
    labels = bucket_labels(edges)
    if len(values) != len(lengths):
        raise ValueError(f"lengths: got {len(lengths)} lengths for {len(values)} values; expected one each")
    if len(values) == 0:
        raise ValueError("values: got an empty list; expected at least one value")
    sums = [0.0] * len(labels)
    counts = [0] * len(labels)
    for v, n in zip(values, lengths, strict=True):
        if n < edges[0]:
            raise ValueError(f"lengths: got length {n} below the first edge {edges[0]}; "
                             f"expected lengths >= {edges[0]} (or a smaller first edge)")
        b = int(np.searchsorted(edges, n, side="right")) - 1
        sums[b] += float(v)
        counts[b] += 1
    return {lab: s / c for lab, s, c in zip(labels, sums, counts, strict=True) if c > 0}
