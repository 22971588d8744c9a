"""Byte-pair encoding (BPE) by hand: learn subword merges from word counts, then split any word with them.

Training starts from single characters and repeatedly merges the most frequent adjacent pair of symbols into
a new symbol, until the vocabulary has ``vocab_size`` entries. Ties go to the pair whose two symbols have the
smallest ids (characters sorted by code point come first, then merged symbols in the order they were made):
the same rule as the ``tokenizers`` library's ``BpeTrainer``, so both learn the same merges from the same text.

Encoding a word starts from its characters and applies the learned merges, lowest rank (earliest learned)
first, until none applies. A character never seen in training becomes ``[UNK]``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

UNK = "[UNK]"


@dataclass
class BPE:
    """A trained BPE tokenizer: ``vocab`` (specials, the alphabet, then merged symbols) and ``merges`` in order."""

    vocab: list[str]
    merges: list[tuple[str, str]] = field(default_factory=list)
    unk: str = UNK

    def __post_init__(self) -> None:
        self.stoi = {s: i for i, s in enumerate(self.vocab)}
        self.ranks = {pair: r for r, pair in enumerate(self.merges)}

    def encode_word(self, word: str) -> list[str]:
        """One word (no spaces) → its subword pieces."""
        symbols = [c if c in self.stoi else self.unk for c in word]
        while len(symbols) > 1:
            pairs = [(self.ranks.get(p, len(self.ranks)), i)
                     for i, p in enumerate(zip(symbols, symbols[1:], strict=False))]
            rank, _ = min(pairs)
            if rank == len(self.ranks):
                break  # no learned merge applies any more
            symbols = merge_symbols(symbols, self.merges[rank])
        return symbols

    def encode(self, text: str) -> list[str]:
        """Text → pieces, word by word (words are split on whitespace)."""
        if not isinstance(text, str):
            raise ValueError(f"text: got {type(text).__name__}; expected a string")
        return [piece for w in text.split() for piece in self.encode_word(w)]

    def encode_ids(self, text: str) -> list[int]:
        """Text → the pieces' ids in ``vocab``."""
        return [self.stoi[p] for p in self.encode(text)]


def word_counts(texts: Iterable[str]) -> Counter:
    """How often each whitespace-separated word occurs in ``texts``."""
    counts: Counter = Counter()
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise ValueError(f"texts: item {i} is a {type(t).__name__}; expected strings")
        counts.update(t.split())
    return counts


def merge_symbols(symbols: Sequence[str], pair: tuple[str, str]) -> list[str]:
    """Replace every non-overlapping occurrence of ``pair`` in ``symbols`` (left to right) by one joined symbol."""
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def pair_counts(splits: dict[str, list[str]], counts: Counter) -> Counter:
    """How often each adjacent pair of symbols occurs, each word weighted by its count."""
    pairs: Counter = Counter()
    for w, symbols in splits.items():
        for pair in zip(symbols, symbols[1:], strict=False):
            pairs[pair] += counts[w]
    return pairs


def train_bpe(texts: Iterable[str], vocab_size: int, specials: Sequence[str] = (UNK,)) -> BPE:
    """Learn BPE merges from ``texts`` until the vocabulary holds ``vocab_size`` symbols (or no pair is left)."""
    if isinstance(vocab_size, bool) or not isinstance(vocab_size, int) or vocab_size < 1:
        raise ValueError(f"vocab_size: got {vocab_size!r}; expected an int >= 1")
    counts = word_counts(texts)
    if not counts:
        raise ValueError("texts: got no words; expected at least one non-empty text")
    alphabet = sorted({c for w in counts for c in w})  # by code point, as the tokenizers library does
    vocab = list(specials) + [c for c in alphabet if c not in specials]
    stoi = {s: i for i, s in enumerate(vocab)}
    splits = {w: list(w) for w in counts}  # every word starts as its characters
    merges: list[tuple[str, str]] = []
    while len(vocab) < vocab_size:
        pairs = pair_counts(splits, counts)
        if not pairs:
            break  # every word is one symbol already
        # most frequent pair; ties → the pair with the smallest (id of left, id of right)
        best = min(pairs, key=lambda p: (-pairs[p], stoi[p[0]], stoi[p[1]]))
        merges.append(best)
        new = best[0] + best[1]
        if new not in stoi:  # two different merges can spell the same symbol: it keeps its first id
            stoi[new] = len(vocab)
            vocab.append(new)
        splits = {w: merge_symbols(s, best) for w, s in splits.items()}
    return BPE(vocab, merges, specials[0] if specials else UNK)


def merge_table(texts: Iterable[str], bpe: BPE, n: int = 10) -> list[dict]:
    """The first ``n`` merges with the pair's count at the moment it was merged: [{rank, left, right, count}]."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n: got {n!r}; expected an int >= 1")
    counts = word_counts(texts)
    splits = {w: list(w) for w in counts}
    rows = []
    for rank, pair in enumerate(bpe.merges[:n]):
        rows.append({"rank": rank + 1, "left": pair[0], "right": pair[1],
                     "count": pair_counts(splits, counts)[pair]})
        splits = {w: merge_symbols(s, pair) for w, s in splits.items()}
    return rows


def train_with_tokenizers(texts: Sequence[str], vocab_size: int, specials: Sequence[str] = (UNK,)):
    """The same BPE trained by the ``tokenizers`` library (whitespace pre-tokenizer, no normaliser)."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    if isinstance(vocab_size, bool) or not isinstance(vocab_size, int) or vocab_size < 1:
        raise ValueError(f"vocab_size: got {vocab_size!r}; expected an int >= 1")
    tok = Tokenizer(models.BPE(unk_token=specials[0] if specials else None))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(specials), show_progress=False)
    tok.train_from_iterator(list(texts), trainer=trainer)
    return tok


def library_merges(tok) -> list[tuple[str, str]]:
    """The merges of a ``tokenizers`` BPE model, in order, as (left, right) pairs."""
    import json

    merges = json.loads(tok.to_str())["model"]["merges"]
    return [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in merges]


# ------------------------------------------------------------------------------------------ exercise checker
def check_merge(fn) -> object:
    """Exercise: ``fn(symbols, pair)`` replaces each non-overlapping occurrence of ``pair`` by one symbol."""
    from .exercises import equal, run_checks

    return run_checks("Exercise: one BPE merge", [
        equal("merging ('t', 'h') in t-h-e", lambda: fn(list("the"), ("t", "h")), ["th", "e"],
              hints="a merge joins the two symbols of the pair into one symbol wherever they stand side by side"),
        equal("a pair that occurs twice is merged twice", lambda: fn(list("chatchat"), ("a", "t")),
              ["c", "h", "at", "c", "h", "at"], hints="walk along the list; after a merge, jump over both symbols"),
        equal("overlaps: a-a-a with ('a', 'a') → ['aa', 'a']", lambda: fn(list("aaa"), ("a", "a")), ["aa", "a"],
              hints="left to right, and a symbol that was just merged cannot be merged again"),
        equal("a pair that is absent changes nothing", lambda: fn(["le", "s"], ("e", "s")), ["le", "s"],
              hints="compare whole symbols, not characters inside them"),
    ], todo="write the merge and `return` the new list of symbols")


def check_one_language(en_bpe: object, ratio_guess: object, unk_guess: object, en_texts: Sequence[str],
                       fr_test: Sequence[str], joint: BPE, vocab_size: int = 150) -> object:
    """Exercise (experiment): a BPE trained on English only, used on French test sentences.

    ``en_bpe`` must equal ``train_bpe(en_texts, vocab_size)``; the two guesses (the length ratio against the
    ``joint`` BPE, and whether any piece is ``[UNK]``) are compared with what that tokenizer measures.
    """
    from .exercises import Check, run_checks

    def stub(x: object) -> bool:
        return x is Ellipsis or x is None

    reference: dict[str, object] = {}

    def measured() -> tuple[float, float, float]:
        if "ratio" not in reference:
            ref = train_bpe(en_texts, vocab_size)
            en_len = sum(len(ref.encode(t)) for t in fr_test) / len(fr_test)
            joint_len = sum(len(joint.encode(t)) for t in fr_test) / len(fr_test)
            unk = sum(UNK in ref.encode(t) for t in fr_test) / len(fr_test)
            reference.update(bpe=ref, ratio=en_len / joint_len, en_len=en_len, joint_len=joint_len, unk=unk)
        return reference["ratio"], reference["en_len"], reference["unk"]

    def test_bpe() -> tuple[bool, str]:
        if stub(en_bpe):
            raise NotImplementedError
        if not isinstance(en_bpe, BPE):
            return False, f"got {type(en_bpe).__name__}; expected the BPE that train_bpe returns"
        if len(en_bpe.vocab) != vocab_size:
            return False, f"got a vocabulary of {len(en_bpe.vocab)} symbols; expected {vocab_size}"
        french_only = sorted(set("".join(fr_test)) - set("".join(en_texts)) - {" "})
        seen = [ch for ch in french_only if ch in en_bpe.vocab]
        if seen:
            return False, f"your BPE has the symbols {seen}, which occur only in French: it saw French text"
        measured()
        if en_bpe.merges != reference["bpe"].merges:
            ref_merges = reference["bpe"].merges
            first = next((i for i, (a, b) in enumerate(zip(en_bpe.merges, ref_merges, strict=False)) if a != b),
                         min(len(en_bpe.merges), len(ref_merges)))
            got = en_bpe.merges[first] if first < len(en_bpe.merges) else "missing"
            want = ref_merges[first] if first < len(ref_merges) else "missing"
            return False, f"merge {first + 1} is {got}; trained on the English training sentences it is {want}"
        return True, ""

    def test_ratio() -> bool:
        if stub(ratio_guess):
            raise NotImplementedError
        if isinstance(ratio_guess, bool) or not isinstance(ratio_guess, int | float) or ratio_guess <= 0:
            return False, f"got {ratio_guess!r}; expected a positive number (1.0 means: no longer)"
        return True

    def test_unk() -> bool:
        if stub(unk_guess):
            raise NotImplementedError
        if not isinstance(unk_guess, bool):
            return False, f"got {unk_guess!r}; expected True or False"
        return True

    result = run_checks("Exercise: a tokenizer that has seen one language", [
        Check(f"en_bpe is a BPE of {vocab_size} symbols trained on the English training sentences only", test_bpe,
              hints=("a tokenizer learns its symbols only from the sentences it is given: give it English alone",
                     "the English side of a pair is `p.en`, a list of words; train_bpe wants one string per sentence")),
        Check("you predicted the length ratio (French test sentences, English-only BPE ÷ joint BPE)", test_ratio),
        Check(f"you predicted whether any French piece is {UNK}", test_unk),
    ], todo="write your two predictions first, then train `en_bpe` on the English training sentences only")
    if result:  # the measurement, beside the learner's predictions
        ratio, en_len, unk = measured()
        print(f"measured: {en_len:.1f} pieces per French test sentence with the English-only BPE, "
              f"{reference['joint_len']:.1f} with the joint one: {ratio:.2f}× longer (you guessed {ratio_guess}); "
              f"{unk:.0%} of the French test sentences contain {UNK} (you guessed {unk_guess})")
    return result


__all__ = ["UNK", "BPE", "word_counts", "merge_symbols", "pair_counts", "train_bpe", "merge_table",
           "train_with_tokenizers", "library_merges", "check_merge",
           "check_one_language"]
