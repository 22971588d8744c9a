import random

import pytest
import torch

from helpers import context
from helpers.finetune import build_vocab

FILLERS = ["the cat sat on the mat .".split(), "the dog barked .".split(), "a bird sang happily .".split()]


def test_chunks_cover_the_input_with_overlap():
    toks = list(range(10))
    assert context.chunks(toks, 4) == [(0, [0, 1, 2, 3]), (4, [4, 5, 6, 7]), (8, [8, 9])]
    assert [s for s, _ in context.chunks(toks, 4, 2)] == [0, 2, 4, 6]
    assert context.chunks(toks, 4, 2)[-1] == (6, [6, 7, 8, 9])
    assert context.chunks(toks[:3], 8, 2) == [(0, [0, 1, 2])]
    for n in range(1, 30):  # every 6-token span lies whole in some chunk when overlap >= 5
        t = list(range(n))
        for i in range(max(0, n - 5)):
            assert any(c[:1] and set(t[i:i + 6]) <= set(c) for _, c in context.chunks(t, 8, 5))


@pytest.mark.parametrize("size,overlap,arg", [(0, 0, "size"), (4, 4, "overlap"), (4, -1, "overlap"),
                                               (2.5, 0, "size"), (4, True, "overlap")])
def test_chunks_bad_arguments(size, overlap, arg):
    with pytest.raises(ValueError, match=arg):
        context.chunks([1, 2, 3], size, overlap)


def test_truncate_and_retrieve():
    assert context.truncate(list("abcdef"), 3) == list("abc")
    with pytest.raises(ValueError, match="window"):
        context.truncate([1], 0)
    pieces = [["the", "cat"], ["x", "chased", "y"], ["chased", "the", "ball"]]
    assert context.retrieve(pieces, context.QUESTION) == [2]
    assert context.retrieve(pieces, context.QUESTION, k=2) == [2, 1]
    assert context.retrieve([["a"], ["b"]], ["z"]) == [0]  # ties: earliest
    with pytest.raises(ValueError, match="k"):
        context.retrieve(pieces, ["x"], k=0)


def test_documents_and_needles():
    doc = context.make_document(FILLERS + [["the", "ball", "."]], 40, "fox", 10, random.Random(0))
    assert len(doc) >= 40 and doc.count("ball") == 1
    i = doc.index("fox")
    assert doc[i - 1:i + 5] == context.needle("fox") and i - 1 >= 10
    assert context.answer_position(doc[i - 1:i + 5]) == 2  # after the <s> slot
    assert context.answer_position(doc[i - 1:i + 4]) == 0  # cut needle: no answer
    assert "ball" not in context.make_document(FILLERS, 30, None, 0, random.Random(0))
    with pytest.raises(ValueError, match="answer"):
        context.needle("ball")
    with pytest.raises(ValueError, match="fillers"):
        context.make_document([["the", "ball"]], 10, "fox", 0, random.Random(0))


def test_reader_window_and_strategies():
    torch.manual_seed(0)
    vocab = build_vocab(FILLERS + [context.needle(a) for a in context.ANSWERS])
    reader = context.Reader(vocab, window=12, d_model=16, n_layers=1)
    with pytest.raises(ValueError, match="windows"):
        reader.read([["the"] * 13])
    losses = context.train_reader(reader, FILLERS, steps=3, batch_size=4)
    assert len(losses) == 3
    doc = context.make_document(FILLERS, 40, "fox", 30, random.Random(0))

    def oracle(windows):  # a perfect reader: answers when the whole needle is in its window
        out = []
        for w in windows:
            assert len(w) <= 12
            i = context.answer_position(w)
            out.append((w[i - 1], 1.0) if i else (None, 0.0))
        return out

    assert context.answer_with(oracle, doc, 12, "truncate") == (None, 1)
    answer, n_read = context.answer_with(oracle, doc, 12, "chunks", overlap=6)
    assert answer == "fox" and n_read == len(context.chunks(doc, 12, 6))
    assert context.answer_with(oracle, doc, 12, "retrieve", overlap=6) == ("fox", 1)
    with pytest.raises(ValueError, match="strategy"):
        context.answer_with(oracle, doc, 12, "skim")


def test_check_chunks(capsys):
    assert context.check_chunks(context.chunks).passed

    def no_stop(tokens, size, overlap):  # runs one chunk too far
        return [(s, list(tokens[s:s + size])) for s in range(0, len(tokens), size - overlap)]

    def no_overlap(tokens, size, overlap):
        return context.chunks(tokens, size, 0)

    assert not context.check_chunks(no_stop).passed
    assert not context.check_chunks(no_overlap).passed

    def stub(tokens, size, overlap):
        raise NotImplementedError

    assert not context.check_chunks(stub).passed
    assert "not written yet" in capsys.readouterr().out
