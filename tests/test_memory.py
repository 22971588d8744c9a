"""The long-lag memory task: committed files, encoding, and bad input."""

from __future__ import annotations

import random

import pytest
import torch

from helpers import memory_task


def test_committed_files_match_the_generator():
    gen = memory_task.generate(0)
    assert memory_task.load("train") == gen["train"]
    assert memory_task.load("test") == gen["test"]
    assert len(gen["test"]) == len(memory_task.TEST_LAGS) * memory_task.N_TEST_PER_LAG


def test_an_example_is_key_noise_query():
    seq, key = memory_task.make_example(random.Random(1), lag=5)
    assert len(seq) == 7 and seq[0] == key and seq[-1] == "?"
    assert key in memory_task.KEYS and all(c in memory_task.NOISE for c in seq[1:-1])


def test_encode_right_aligns_every_sequence_on_the_query():
    rows = [("a12?", "a"), ("b1234567?", "b")]
    ids, keys, lags = memory_task.encode(rows)
    assert ids.shape == (2, 9)
    q = memory_task.VOCAB.index("?")
    assert torch.all(ids[:, -1] == q)
    assert keys.tolist() == [memory_task.VOCAB.index("a"), memory_task.VOCAB.index("b")]
    assert lags.tolist() == [2, 7]
    assert ids[0, -4].item() == memory_task.VOCAB.index("a")


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="lag"):
        memory_task.make_example(random.Random(0), -1)
    with pytest.raises(ValueError, match="split"):
        memory_task.load("valid")
    with pytest.raises(ValueError, match="rows"):
        memory_task.encode([])
