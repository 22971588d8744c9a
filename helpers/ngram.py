"""A count-based auto-complete (an n-gram language model): predict the next word from what followed the same
few words in the training text.

    model = count_ngrams(sentences, order=3)       # every context of 0, 1, 2 words → next-word counts
    next_word_probs(model, "the cat sat on the")   # [("tree", 0.12), ("book", 0.11), …], most likely first
    greedy_complete(model, "the cat")              # keep taking the most likely word until "." or "?"

A context the training text never showed is shortened from the left ("backoff") until one was seen, so the model
always answers. Every sentence is scored on its words and then ``</s>``, the end of the sentence: the one
definition of next-word accuracy (``next_word_accuracy``) and of the tokens a perplexity averages over
(``sentence_nll``), the same as ``helpers.rnn_lm`` uses for the neural language models. Lesson 00 builds the
same counts inline first; this module is what later lessons reuse. The exercise checkers of lesson 00 sit at
the end (next-word probabilities from a bigram table, and the parameter
count of the small GRU language model the course compares the counts with).
"""

from __future__ import annotations

import math
import random
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from matplotlib.figure import Figure
from torch import nn

from .exercises import Check, NotWritten, Result, check_experiment, equal, run_checks, short
from .metrics import perplexity

BOS = "<s>"  # pads the start of a sentence, so the first word also has a context
EOS = "</s>"  # the end of a sentence: counted and predicted like a word
STOP = (".", "?", "!")


def scored_tokens(sentence: Sequence[str]) -> list[str]:
    """The tokens a model is scored on for one sentence: its words, then ``</s>`` (the course's one definition)."""
    return list(sentence) + [EOS]


@dataclass
class NGramModel:
    """``counts[context]`` is a Counter of the words that followed ``context`` (a tuple of 0 … order-1 words)."""

    order: int
    counts: dict[tuple[str, ...], Counter]


def _tokens(text: str | Sequence[str], name: str) -> list[str]:
    if isinstance(text, str):
        from .tinyworld import tokenize

        return tokenize(text)
    if isinstance(text, Sequence) and all(isinstance(t, str) for t in text):
        return [t.lower() for t in text]
    raise ValueError(f"{name}: got {type(text).__name__}; expected a string or a list of word tokens")


def count_ngrams(sentences: Iterable[Sequence[str]], order: int = 3) -> NGramModel:
    """Count, for every context of up to ``order - 1`` words, which word came next in ``sentences``."""
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        raise ValueError(f"order: got {order!r}; expected a whole number ≥ 1 (1 = unigram, 2 = bigram, …)")
    pairs: Counter = Counter()  # (context, next word) → count
    n_sentences = 0
    for s in sentences:
        tokens = _tokens(s, "sentences")
        n_sentences += 1
        if not tokens:
            continue  # an empty sentence has no words to count
        padded = [BOS] * (order - 1) + scored_tokens(tokens)
        pairs.update((tuple(padded[i - k:i]), padded[i])  # contexts of k = 0, 1, …, order-1 words before i
                     for i in range(order - 1, len(padded)) for k in range(order))
    counts: dict[tuple[str, ...], Counter] = {}
    for (ctx, word), c in pairs.items():
        counts.setdefault(ctx, Counter())[word] = c
    if not counts:
        raise ValueError(f"sentences: got {n_sentences} sentences and no words; expected at least one "
                         "non-empty tokenised sentence")
    return NGramModel(order, counts)


def lower_order(model: NGramModel, order: int) -> NGramModel:
    """The same counts seen by a model of a lower ``order``: only the contexts shorter than ``order`` words.

    Counting once at order 5 therefore gives the unigram … 4-gram models too (equal to counting each anew).
    """
    if isinstance(order, bool) or not isinstance(order, int) or not 1 <= order <= model.order:
        raise ValueError(f"order: got {order!r}; expected a whole number from 1 to the model's order {model.order}")
    return NGramModel(order, {ctx: c for ctx, c in model.counts.items() if len(ctx) < order})


def context_of(model: NGramModel, prompt: str | Sequence[str]) -> tuple[str, ...]:
    """The last ``order - 1`` words of ``prompt``, padded on the left with ``<s>``."""
    tokens = _tokens(prompt, "prompt")
    n = model.order - 1
    return tuple(([BOS] * n + tokens)[len(tokens):]) if n else ()


def next_word_counts(model: NGramModel, prompt: str | Sequence[str]) -> tuple[tuple[str, ...], Counter]:
    """(the context actually used, its next-word counts): the longest context of the prompt that was seen."""
    ctx = context_of(model, prompt)
    while ctx not in model.counts:
        ctx = ctx[1:]  # back off: forget the oldest word
    return ctx, model.counts[ctx]


def ranked(counts: Counter) -> list[tuple[str, int]]:
    """Words by count, largest first; ties in alphabetical order, so every machine ranks alike."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def next_word_probs(
    model: NGramModel, prompt: str | Sequence[str], top_k: int | None = None
) -> list[tuple[str, float]]:
    """[(word, probability), …] for the word after ``prompt``, most likely first (all words, or ``top_k``)."""
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"top_k: got {top_k!r}; expected None or a whole number ≥ 1")
    _, counts = next_word_counts(model, prompt)
    total = sum(counts.values())
    return [(w, c / total) for w, c in ranked(counts)[:top_k]]


def predict_next(model: NGramModel, prompt: str | Sequence[str]) -> str:
    """The single most likely next word."""
    counts = next_word_counts(model, prompt)[1]
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]  # the first of ``ranked``, without sorting


def greedy_complete(model: NGramModel, prompt: str | Sequence[str], max_new_tokens: int = 20) -> list[str]:
    """The prompt's tokens followed by the most likely word, again and again, until a full stop (or the limit)."""
    if isinstance(max_new_tokens, bool) or not isinstance(max_new_tokens, int) or max_new_tokens < 0:
        raise ValueError(f"max_new_tokens: got {max_new_tokens!r}; expected a whole number ≥ 0")
    tokens = _tokens(prompt, "prompt")
    for _ in range(max_new_tokens):
        if tokens and tokens[-1] in STOP:
            break
        nxt = predict_next(model, tokens)
        if nxt == EOS:
            break
        tokens.append(nxt)
    return tokens


def n_stored_counts(model: NGramModel) -> int:
    """How many numbers the model keeps: one count per (context, next word) pair seen in training."""
    return sum(len(c) for c in model.counts.values())


def next_word_accuracy(predict: Callable[[list[str]], str | None], sentences: Iterable[Sequence[str]]) -> float:
    """Share of positions in ``sentences`` where ``predict(words so far)`` is the word that really came next.

    The positions are every word of each sentence and then its end, ``</s>`` (``scored_tokens``): a sentence of
    n words gives n + 1 predictions, as in ``helpers.rnn_lm.next_word_accuracy``.
    """
    right = total = 0
    for s in sentences:
        tokens = scored_tokens(_tokens(s, "sentences")) if s else []  # an empty sentence scores nothing
        for i in range(len(tokens)):
            right += predict(tokens[:i]) == tokens[i]
            total += 1
    if total == 0:
        raise ValueError("sentences: got no words; expected at least one non-empty sentence")
    return right / total


def context_seen_share(model: NGramModel, sentences: Iterable[Sequence[str]]) -> float:
    """Share of positions in ``sentences`` whose full ``order - 1``-word context occurs in the training counts."""
    seen = total = 0
    for s in sentences:
        tokens = scored_tokens(_tokens(s, "sentences")) if s else []  # an empty sentence scores nothing
        for i in range(len(tokens)):
            seen += context_of(model, tokens[:i]) in model.counts
            total += 1
    if total == 0:
        raise ValueError("sentences: got no words; expected at least one non-empty sentence")
    return seen / total


def interpolated_prob(model: NGramModel, prompt: Sequence[str], word: str, weight: float = 0.8) -> float:
    """P(word | prompt) with interpolation, never zero: the longest context's counts get ``weight``, the rest of
    the probability goes to the next shorter context, and so on down to no context; the unigram's remainder is
    shared equally by the training vocabulary (``</s>`` included) and one slot for any word never seen."""
    if not isinstance(weight, int | float) or isinstance(weight, bool) or not 0 < weight < 1:
        raise ValueError(f"weight: got {weight!r}; expected a number strictly between 0 and 1")
    ctx = context_of(model, prompt)
    unigram = model.counts[()]
    p = 1 / (len(unigram) + 1)  # no context at all: uniform over the vocabulary and one unknown word
    for k in range(0, len(ctx) + 1):  # contexts of 0, 1, … order-1 words, shortest first
        counts = model.counts.get(ctx[len(ctx) - k:])
        if counts is None:
            break  # a longer context was not seen either
        p = weight * counts[word] / sum(counts.values()) + (1 - weight) * p
    return p


def sentence_nll(model: NGramModel, sentences: Iterable[Sequence[str]], weight: float = 0.8
                 ) -> tuple[float, int]:
    """(summed negative log-likelihood in nats, number of scored tokens) of ``sentences`` under the
    interpolated model: every word and ``</s>`` (``scored_tokens``). ``metrics.perplexity`` turns it into one
    number."""
    total, n = 0.0, 0
    for s in sentences:
        tokens = scored_tokens(_tokens(s, "sentences")) if s else []
        for i, word in enumerate(tokens):
            total -= math.log(interpolated_prob(model, tokens[:i], word, weight))
            n += 1
    if n == 0:
        raise ValueError("sentences: got no sentences; expected at least one")
    return total, n


def sample_sentence(model: NGramModel, prompt: str | Sequence[str], rng: random.Random, temperature: float = 1.0,
                    max_new_tokens: int = 20) -> list[str]:
    """The prompt followed by words drawn from the model's next-word probabilities (each raised to the power
    1 / ``temperature`` and renormalised), until a full stop, ``</s>`` or the limit."""
    if not isinstance(temperature, int | float) or isinstance(temperature, bool) or temperature <= 0:
        raise ValueError(f"temperature: got {temperature!r}; expected a number > 0")
    if not isinstance(rng, random.Random):
        raise ValueError(f"rng: got {type(rng).__name__}; expected a random.Random (e.g. random.Random(0))")
    tokens = _tokens(prompt, "prompt")
    for _ in range(max_new_tokens):
        if tokens and tokens[-1] in STOP:
            break
        words, counts = zip(*ranked(next_word_counts(model, tokens)[1]), strict=True)
        top = max(counts)
        weights = [(c / top) ** (1 / temperature) for c in counts]
        nxt = rng.choices(words, weights=weights)[0]
        if nxt == EOS:
            break
        tokens.append(nxt)
    return tokens


def plot_next_words(model: NGramModel, prompt: str | Sequence[str], top_k: int = 8) -> Figure:
    """Bar chart of the ``top_k`` next-word probabilities after ``prompt``, titled with the greedy continuation
    and the context the model actually used (lesson 00's explorer draws this)."""
    from .plots import bar_top_k
    from .tinyworld import detokenize

    words, probs = zip(*next_word_probs(model, prompt, top_k=top_k), strict=True)
    used, _ = next_word_counts(model, prompt)
    continuation = textwrap.fill(detokenize(greedy_complete(model, prompt)), width=52)
    return bar_top_k(list(words), list(probs), highlight=words[0],
                     title=f"{continuation}\n(order {model.order}; context used: {' '.join(used) or 'none'})")


# ---------------------------------------------------------------------------------------- exercise checkers
_TOY = ["the cat sat on the mat .", "the cat sat on the book .", "the dog sat on the mat .", "a dog ran away ."]


def toy_bigram_counts() -> dict[str, Counter]:
    """The bigram table of four toy sentences: word → Counter of the words that followed it."""
    table: dict[str, Counter] = {}
    for s in _TOY:
        t = s.split()
        for a, b in zip(t[:-1], t[1:], strict=True):
            table.setdefault(a, Counter())[b] += 1
    return table


def _probs_ok(fn: Callable, word: str) -> tuple[bool, str]:
    table = toy_bigram_counts()
    got = fn(table, word)
    if got is None or got is Ellipsis:
        raise NotWritten("your function returns nothing yet: build the dict and `return` it")
    if not isinstance(got, dict):
        return False, f"got {short(got)}; expected a dict of word → probability"
    want = {w: c / sum(table[word].values()) for w, c in table[word].items()}
    if set(got) != set(want):
        return False, f"got the words {sorted(got)}; expected {sorted(want)}"
    bad = [w for w in want if not isinstance(got[w], int | float) or abs(got[w] - want[w]) > 1e-9]
    if bad:
        return False, f"got {bad[0]!r}: {short(got[bad[0]])}; expected {want[bad[0]]:.3f}"
    return True, ""


def check_next_word_probs(fn: Callable[[dict[str, Counter], str], dict[str, float]]) -> Result:
    """Exercise: ``fn(bigram_counts, word)`` → {next word: probability} from a table of counts."""
    table = toy_bigram_counts()
    total = sum(table["the"].values())
    after_the = ", ".join(f"{w} {c}/{total}" for w, c in ranked(table["the"]))
    return run_checks("Exercise 1: next-word probabilities from bigram counts", [
        Check(f'after "the" in four toy sentences: {after_the}',
              lambda: _probs_ok(fn, "the"),
              hints=("a probability is a count's share of its row: how often did each word follow, out of all the "
                     "times `word` was followed by anything?",
                     "the row is counts[word]; sum(row.values()) is its total")),
        Check('after "sat": "on" with probability 1', lambda: _probs_ok(fn, "sat"),
              hints="a word that was always followed by the same word gets probability 1"),
        Check("the probabilities sum to 1", lambda: abs(sum(fn(table, "the").values()) - 1) < 1e-9,
              hints=("probabilities, not counts: every value is a share of the row's total",)),
        equal('an unseen word ("zebra") gets an empty dict', lambda: fn(table, "zebra"), {},
              hints=("a word the table never saw has no row: return an empty dict for it, not an error",
                     "a dict's .get takes a default for a missing key")),
    ], todo="write `next_word_probs_from_counts`: turn the counts in `word`'s row into probabilities")


def gru_lm(vocab_size: int, embed_dim: int, hidden_dim: int) -> nn.Module:
    """A small neural language model of the course: embedding → GRU → linear layer back to the vocabulary."""
    for name, v in (("vocab_size", vocab_size), ("embed_dim", embed_dim), ("hidden_dim", hidden_dim)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise ValueError(f"{name}: got {v!r}; expected a whole number ≥ 1")
    return nn.ModuleDict({"embed": nn.Embedding(vocab_size, embed_dim),
                          "gru": nn.GRU(embed_dim, hidden_dim, batch_first=True),
                          "out": nn.Linear(hidden_dim, vocab_size)})


def n_parameters(model: nn.Module) -> int:
    """How many numbers training would learn: the sizes of all the model's parameter tensors, added up."""
    return sum(p.numel() for p in model.parameters())


def check_gru_parameters(fn: Callable[[int, int, int], int]) -> Result:
    """Exercise: ``fn(vocab_size, embed_dim, hidden_dim)`` → the parameter count of ``gru_lm`` by formula."""
    sizes = [(150, 32, 64), (10, 3, 5), (1000, 16, 8)]
    want = {s: n_parameters(gru_lm(*s)) for s in sizes}
    return run_checks("Exercise 2: count a GRU language model's parameters", [
        equal(f"vocab {v}, embedding {e}, hidden {h}: {want[(v, e, h)]:,} parameters",
              lambda v=v, e=e, h=h: fn(v, e, h), want[(v, e, h)],
              hints=("add up the three layers: one E-vector per word, the GRU, and a layer from H back to V "
                     "with a bias per word",
                     "a GRU is three RNN-sized blocks (reset gate, update gate, candidate), each with an input "
                     "weight, a recurrent weight and, in PyTorch, two bias vectors"))
        for v, e, h in sizes
    ], todo="write `gru_lm_parameters(V, E, H)` as a formula and `return` it")


DATA_CHOICES = ("the trigram still wins", "they tie", "the bigram wins")


def check_data_size_experiment(prediction: object, n_train: object, train: Sequence[Sequence[str]],
                               held_out: Sequence[Sequence[str]], full: tuple[float, float],
                               wanted: int = 1000) -> Result:
    """Experiment: with only the first ``wanted`` training sentences, does the trigram still beat the bigram?

    The measurement counts a bigram and a trigram model on ``train[:n_train]`` and returns the trigram's held-out
    perplexity divided by the bigram's, on ``held_out`` (above 1: the bigram wins). ``full`` is the lesson's
    (bigram, trigram) held-out perplexity with every training sentence, printed beside the measurement.
    """
    if len(full) != 2 or not all(isinstance(v, int | float) and v > 0 for v in full):
        raise ValueError(f"full: got {full!r}; expected (bigram perplexity, trigram perplexity), both > 0")
    if not 0 < wanted <= len(train):
        raise ValueError(f"wanted: got {wanted!r}; expected a number of sentences from 1 to len(train) = {len(train)}")

    def measure() -> float:
        if isinstance(n_train, bool) or not isinstance(n_train, int) or not 0 < n_train <= len(train):
            raise ValueError(f"n_train: got {short(n_train)}; expected a whole number from 1 to {len(train)}")
        ppl = {n: perplexity(*sentence_nll(count_ngrams(train[:n_train], order=n), held_out)) for n in (2, 3)}
        return ppl[3] / ppl[2]

    def verdict(ratio: float) -> str:
        return DATA_CHOICES[0] if ratio < 0.97 else DATA_CHOICES[2] if ratio > 1.03 else DATA_CHOICES[1]

    return check_experiment(
        f"Exercise 3: less data, less context (experiment). Bigram against trigram on {wanted:,} training sentences "
        f"(with all {len(train):,}: held-out perplexity {full[0]:.2f} against {full[1]:.2f})",
        prediction, DATA_CHOICES, n_train, wanted, f"set n_train to {wanted}", measure, (1.0, 1.15), verdict,
        what="the trigram's held-out perplexity divided by the bigram's",
        reference=lambda _: f"with all {len(train):,} sentences: {full[1] / full[0]:.2f}")
