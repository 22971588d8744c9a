"""One definition of next-word accuracy and one perplexity for every language model: lessons 00 and 01 print the
same bigram accuracy, and helpers.ngram scores exactly the tokens helpers.rnn_lm scores (every word and </s>)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from helpers import ngram
from helpers.data import Vocab
from helpers.metrics import perplexity
from helpers.rnn_lm import LMConfig, next_word_accuracy, sentence_nll, train_lm

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _printed(name: str) -> str:
    book = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return "".join("".join(o.get("text", "")) for c in book["cells"] if c["cell_type"] == "code"
                   for o in c.get("outputs", []))


def test_lessons_00_and_01_print_the_same_bigram_accuracy_and_perplexity():
    l00, l01 = _printed("00_welcome.ipynb"), _printed("01_rnn.ipynb")
    acc00 = re.search(r"held-out next-word accuracy of the bigram model: (\d\.\d{3})", l00).group(1)
    acc01 = re.search(r"bigram accuracy, the same number as in lesson 00: (\d\.\d{3})", l01).group(1)
    assert acc00 == acc01
    ppl00 = re.search(r"held-out perplexity: bigram (\d+\.\d\d), trigram (\d+\.\d\d)", l00).groups()
    ppl01 = (re.search(r"bigram counts +NLL [\d.]+ nats per token +perplexity (\d+\.\d\d)", l01).group(1),
             re.search(r"trigram counts +NLL [\d.]+ nats per token +perplexity (\d+\.\d\d)", l01).group(1))
    assert ppl00 == ppl01


def test_counts_and_the_recurrent_model_score_the_same_tokens():
    sents = [s.split() for s in ("the cat sat on the mat .", "the dog ran away .", "a cat ran .")]
    vocab = Vocab.build(sents)
    model, _ = train_lm("rnn", LMConfig(embed=4, hidden=6, steps=2, batch_size=2), vocab, sents, progress=False)
    asked = []
    ngram.next_word_accuracy(lambda words: asked.append(list(words)) or ".", sents)
    _, n_rnn = sentence_nll(model, vocab, sents)
    _, n_counts = ngram.sentence_nll(ngram.count_ngrams(sents, order=2), sents)
    assert len(asked) == n_rnn == n_counts == sum(len(s) + 1 for s in sents)  # every word and </s>
    assert 0 <= next_word_accuracy(model, vocab, sents) <= 1 and perplexity(0.0, n_rnn) == 1.0
