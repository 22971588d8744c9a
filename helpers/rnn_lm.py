"""A word-level recurrent language model of tiny-world English: read a sentence, predict each next word.

Letters used in shapes: B = batch, T = time steps (words), E = embedding size, H = hidden size, V = vocabulary.

Lesson 01 trains it with an RNN cell, lesson 02 with LSTM and GRU cells, all with the same ``LMConfig``.
Every sentence is wrapped in ``<s> … </s>``; the model reads ``<s> w1 … wn`` and is scored on ``w1 … wn </s>``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F
from torch import nn

from .corpus import load_pairs
from .data import Vocab, batches, pad_batch
from .rnn_cells import MODULES, Unrolled, unroll, weights_of
from .training import train


@dataclass
class LMConfig:
    """Sizes and training recipe of the language model."""

    embed: int = 32  # E
    hidden: int = 64  # H
    batch_size: int = 64
    steps: int = 300  # next-word accuracy levels off after about 200
    lr: float = 0.01
    clip: float = 1.0
    seed: int = 0


class RecurrentLM(nn.Module):
    """Embedding → one recurrent layer → a linear layer that scores every word of the vocabulary."""

    def __init__(self, cell: str, vocab_size: int, embed: int, hidden: int):
        super().__init__()
        if cell not in MODULES:
            raise ValueError(f"cell: got {cell!r}; expected one of {', '.join(MODULES)}")
        self.cell = cell
        self.embed = nn.Embedding(vocab_size, embed)
        self.rnn = MODULES[cell](embed, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab_size)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """ids (B, T) → next-word logits (B, T, V)."""
        out, _ = self.rnn(self.embed(ids))  # (B, T, H)
        return self.out(out)  # (B, T, V)


def sentences(split: str) -> list[list[str]]:
    """The English side of one tiny-world split, as token lists."""
    return [pair.en for pair in load_pairs(split)]


def _encode(vocab: Vocab, sents: list[list[str]]) -> list[list[int]]:
    return [vocab.encode(s, add_bos=True, add_eos=True) for s in sents]


def lm_loss(model: RecurrentLM, ids: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Mean cross-entropy of each next word; ids (B, T) padded with ``pad_id``."""
    logits = model(ids[:, :-1])  # (B, T-1, V)
    target = ids[:, 1:]  # (B, T-1)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), ignore_index=pad_id)


def train_lm(
    cell: str, config: LMConfig, vocab: Vocab, train_sents: list[list[str]], progress: bool = True
) -> tuple[RecurrentLM, dict[str, list]]:
    """Train a ``cell`` language model on ``train_sents``; return it and its training history."""
    with torch.random.fork_rng():  # starting weights depend only on config.seed
        torch.manual_seed(config.seed)
        model = RecurrentLM(cell, len(vocab), config.embed, config.hidden)
    encoded = _encode(vocab, train_sents)
    gen = torch.Generator().manual_seed(config.seed)

    def batches_fn():
        for idx in batches(len(encoded), config.batch_size, shuffle=True, generator=gen):
            yield pad_batch([encoded[i] for i in idx], vocab.pad_id)[0]  # (B, T)

    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    history = train(model, lambda m, ids: lm_loss(m, ids, vocab.pad_id), batches_fn, optimizer,
                    steps=config.steps, clip=config.clip, progress=progress, desc=f"{cell.upper()} language model")
    return model, history


def next_word_accuracy(model: RecurrentLM, vocab: Vocab, sents: list[list[str]]) -> float:
    """Share of next words (``</s>`` included) that the model ranks first."""
    ids, mask, _ = pad_batch(_encode(vocab, sents), vocab.pad_id)  # (N, T)
    model.eval()
    with torch.no_grad():
        pred = model(ids[:, :-1]).argmax(-1)  # (N, T-1)
    hit = (pred == ids[:, 1:])[mask[:, 1:]]  # real next words only
    return float(hit.float().mean())


def sentence_nll(model: RecurrentLM, vocab: Vocab, sents: list[list[str]]) -> tuple[float, int]:
    """(summed negative log-likelihood in nats, number of scored tokens) over every word and ``</s>`` of
    ``sents``: pass it to ``metrics.perplexity``. The same tokens ``next_word_accuracy`` scores."""
    if len(sents) == 0:
        raise ValueError("sents: got no sentences; expected at least one")
    ids, mask, _ = pad_batch(_encode(vocab, sents), vocab.pad_id)  # (N, T)
    model.eval()
    with torch.no_grad():
        logits = model(ids[:, :-1])  # (N, T-1, V)
        nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1), reduction="none")
    real = mask[:, 1:].reshape(-1)  # real next words only
    return float(nll[real].sum()), int(real.sum())


def sample(model: RecurrentLM, vocab: Vocab, n: int, temperature: float = 1.0, max_new: int = 30,
           seed: int = 0) -> list[list[str]]:
    """``n`` sentences written by the model from ``<s>``, each word drawn at ``temperature``
    (``helpers.sampling.generate``), cut at ``</s>``."""
    from .sampling import generate

    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n: got {n!r}; expected a whole number ≥ 1 of sentences")
    prompt = torch.full((n, 1), vocab.bos_id, dtype=torch.long)  # (n, 1): every sentence starts at <s>
    ids = generate(model, prompt, max_new, temperature=temperature, eos_id=vocab.eos_id,
                   generator=torch.Generator().manual_seed(seed))  # (n, 1 + steps)
    return [vocab.decode(row.tolist()) for row in ids]


def top_k_next(model: RecurrentLM, vocab: Vocab, prefix: list[str], k: int = 5) -> tuple[list[str], list[float]]:
    """The ``k`` most likely next words after ``<s> prefix`` and their probabilities."""
    if isinstance(prefix, str):
        raise ValueError(f"prefix: got the string {prefix[:30]!r}; expected a list of words (e.g. text.split())")
    ids = torch.tensor([vocab.encode(prefix, add_bos=True)])  # (1, T)
    model.eval()
    with torch.no_grad():
        probs = model(ids)[0, -1].softmax(-1)  # (V,)
    top = probs.topk(k)
    return [vocab.itos[i] for i in top.indices.tolist()], top.values.tolist()


def states_over(model: RecurrentLM, vocab: Vocab, words: list[str]) -> Unrolled:
    """Hidden states, cell states and gates (1, T, H) over ``words``, run by hand on the model's own weights.

    The model reads ``<s>`` first, as in training; the states returned are those after each of ``words``.
    """
    if isinstance(words, str):
        raise ValueError(f"words: got the string {words[:30]!r}; expected a list of words (e.g. text.split())")
    ids = torch.tensor([vocab.encode(words, add_bos=True)])  # (1, 1 + T)
    with torch.no_grad():
        run = unroll(model.cell, model.embed(ids), weights_of(model.rnn))
    return Unrolled(cell=run.cell, h=run.h[:, 1:], c=None if run.c is None else run.c[:, 1:],
                    gates={name: g[:, 1:] for name, g in run.gates.items()})


HIDDEN_CHOICES = ("still better than the trigram counts", "between the trigram and the bigram counts",
                  "worse than the bigram counts")


def check_hidden_size_experiment(prediction: object, small_hidden: object, cfg: LMConfig, vocab: Vocab,
                                 train_sents: list[list[str]], held_out: list[list[str]], ppl: dict[str, float],
                                 wanted: int = 4) -> object:
    """Experiment: train the lesson's RNN language model with a hidden state of ``wanted`` numbers.

    The measurement trains ``cfg`` with ``hidden = small_hidden`` (same steps, data and seed) and returns its
    perplexity on ``held_out``; ``ppl`` is the lesson's table, with "RNN", "bigram counts" and "trigram counts".
    """
    from .exercises import check_experiment, short
    from .metrics import perplexity

    missing = {"RNN", "bigram counts", "trigram counts"} - set(ppl)
    if missing:
        raise ValueError(f"ppl: got keys {sorted(ppl)}; expected 'RNN', 'bigram counts' and 'trigram counts'")
    bigram, trigram = ppl["bigram counts"], ppl["trigram counts"]

    def measure() -> float:
        if isinstance(small_hidden, bool) or not isinstance(small_hidden, int) or not 1 <= small_hidden <= 512:
            raise ValueError(f"small_hidden: got {short(small_hidden)}; expected a whole number from 1 to 512")
        model, _ = train_lm("rnn", replace(cfg, hidden=small_hidden), vocab, train_sents, progress=False)
        return perplexity(*sentence_nll(model, vocab, held_out))

    def verdict(value: float) -> str:
        return HIDDEN_CHOICES[0] if value < trigram else HIDDEN_CHOICES[1] if value < bigram else HIDDEN_CHOICES[2]

    return check_experiment(
        f"Exercise: an RNN language model with a hidden state of {wanted} numbers (experiment; "
        f"H = {cfg.hidden}: perplexity {ppl['RNN']:.2f}; trigram counts {trigram:.2f}, bigram counts {bigram:.2f})",
        prediction, HIDDEN_CHOICES, small_hidden, wanted, f"set small_hidden to {wanted}", measure, (12.0, 17.0),
        verdict, what=f"the held-out perplexity at H = {wanted}",
        reference=lambda _: f"H = {cfg.hidden} gave {ppl['RNN']:.2f}")
