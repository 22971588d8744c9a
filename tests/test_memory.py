"""The long-lag memory task: committed files, encoding, and bad input."""

from __future__ import annotations

import random

import pytest
import torch

from helpers import memory


def test_committed_files_match_the_generator():
    gen = memory.generate(0)
    assert memory.load("train") == gen["train"]
    assert memory.load("test") == gen["test"]
    assert len(gen["test"]) == len(memory.TEST_LAGS) * memory.N_TEST_PER_LAG


def test_an_example_is_key_noise_query():
    seq, key = memory.make_example(random.Random(1), lag=5)
    assert len(seq) == 7 and seq[0] == key and seq[-1] == "?"
    assert key in memory.KEYS and all(c in memory.NOISE for c in seq[1:-1])


def test_encode_right_aligns_every_sequence_on_the_query():
    rows = [("a12?", "a"), ("b1234567?", "b")]
    ids, keys, lags = memory.encode(rows)
    assert ids.shape == (2, 9)
    q = memory.VOCAB.index("?")
    assert torch.all(ids[:, -1] == q)
    assert keys.tolist() == [memory.VOCAB.index("a"), memory.VOCAB.index("b")]
    assert lags.tolist() == [2, 7]
    assert ids[0, -4].item() == memory.VOCAB.index("a")


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="lag"):
        memory.make_example(random.Random(0), -1)
    with pytest.raises(ValueError, match="split"):
        memory.load("valid")
    with pytest.raises(ValueError, match="rows"):
        memory.encode([])
