"""Task-prefixed pairs from the tiny world: exact answers, deterministic; the encoder–decoder learns."""

from __future__ import annotations

import pytest
import torch

from helpers import text_to_text as tt
from helpers.corpus import load_pairs
from helpers.data import Vocab
from helpers.tinyworld import Pair


def test_summaries_by_hand():
    assert tt.summarise("the happy dogs barked loudly .".split()) == "the dogs barked .".split()
    assert tt.summarise("the quick brown fox jumps over the lazy dog .".split()) == \
        "the fox jumps over the dog .".split()


def test_questions_by_hand():
    assert tt.question("the happy dogs barked .".split()) == ("who barked ?".split(), "the happy dogs".split())
    assert tt.question("the cat sat on the mat .".split()) == ("who sat on the mat ?".split(), "the cat".split())
    q, a = tt.question("the quick brown fox jumps over the lazy dog .".split())
    assert q == "who jumps over the lazy dog ?".split() and a == "the quick brown fox".split()


def test_only_one_clause_sentences():
    assert tt.subject_end("the dog that barked loudly ran away .".split()) is None
    assert tt.subject_end("how are you ?".split()) is None
    assert tt.subject_end("the small black cat slept .".split()) == 3
    with pytest.raises(ValueError, match="en"):
        tt.question("the dog that barked ran away .".split())


def test_examples_are_exact_and_deterministic():
    pairs = load_pairs("valid")
    for task in tt.TASKS:
        a, b = tt.make_examples(pairs, task), tt.make_examples(pairs, task)
        assert a == b and len(a) > 100
    first = next(p for p in pairs if tt.subject_end(p.en) is not None)
    src, tgt = tt.make_examples([first], "translate")[0]
    assert src[:2] == ["translate", ":"] and tgt == first.fr
    src, tgt = tt.make_examples([first], "question")[0]
    assert src[0] == "question" and src[src.index("context") + 2:] == first.en
    assert src[2 + len(src[2:src.index("context")]) - 1] == "?"


def test_bad_task():
    with pytest.raises(ValueError, match="task"):
        tt.make_examples([Pair(["the"], ["le"])], "poem")


def test_model_learns_a_task_and_decodes():
    pairs = load_pairs("valid")
    ex = tt.make_examples(pairs, "summarise")
    vocab = Vocab.build([s for s, _ in ex] + [t for _, t in ex])
    torch.manual_seed(0)
    m = tt.TextToText(len(vocab), d_model=32, n_heads=2, n_layers=1, d_ff=64)
    hist = tt.train(m, ex, vocab, steps=150, batch_size=32, lr=5e-3)
    assert hist["loss"][-1] < hist["loss"][0] / 3 and hist["seconds"] > 0
    assert tt.exact_match(m, ex[:50], vocab) > 0.3
    out = tt.greedy(m, [s for s, _ in ex[:3]], vocab)
    assert len(out) == 3 and all(isinstance(o, list) for o in out)


def test_model_errors():
    with pytest.raises(ValueError, match="d_model"):
        tt.TextToText(10, d_model=30, n_heads=4)
    with pytest.raises(ValueError, match="vocab_size"):
        tt.TextToText(0)
    vocab = Vocab.build([["a"]])
    with pytest.raises(ValueError, match="steps"):
        tt.train(tt.TextToText(len(vocab), d_model=8, n_heads=2), [(["a"], ["a"])], vocab, steps=0)
    with pytest.raises(ValueError, match="examples"):
        tt.train(tt.TextToText(len(vocab), d_model=8, n_heads=2), [], vocab, steps=1)
    with pytest.raises(ValueError, match="ids"):
        m = tt.TextToText(len(vocab), d_model=8, n_heads=2, max_len=3)
        m.embed(torch.zeros(1, 4, dtype=torch.long))
