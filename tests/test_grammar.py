"""The recogniser accepts every sentence of the world and rejects broken ones."""

from __future__ import annotations

import random

import pytest

from helpers import corpus
from helpers.grammar import fact_errors, is_grammatical


def test_every_generated_sentence_is_grammatical_and_true_to_the_world():
    for split in corpus.SPLITS:
        for p in corpus.load_pairs(split):
            assert is_grammatical(p.en), " ".join(p.en)
    for p in corpus.load_pairs("valid"):
        assert fact_errors(p.en) == [], " ".join(p.en)


@pytest.mark.parametrize(
    "sentence",
    [
        "The cats sits on the mat.",  # number agreement
        "The cat sit on the mat.",
        "A cats slept.",  # article and number
        "An cat slept.",
        "A apple is red.",
        "The cat sat.",  # sat needs a place
        "The dog chased.",  # chased needs an object
        "The dog chased the ball the.",
        "Dog the chased ball the.",
        "The dog chased the ball",  # no full stop
        "The zebra chased the ball.",  # not a word of the world
        "",
    ],
)
def test_broken_sentences_are_rejected(sentence):
    assert is_grammatical(sentence) is False


def test_shuffled_sentences_are_almost_always_rejected():
    rng = random.Random(0)
    pairs = corpus.load_pairs("test")[:300]
    accepted = 0
    for p in pairs:
        words = p.en[:-1]
        rng.shuffle(words)
        if words != p.en[:-1]:
            accepted += is_grammatical(words + ["."])
    assert accepted <= 3


def test_seed_sentences_and_fixed_phrases_are_accepted():
    for s in ["How are you?", "Thank you.", "The quick brown fox jumps over the lazy dog.",
              "I am going to the store because I need some groceries.", "In a future city, the robots sang happily."]:
        assert is_grammatical(s), s


def test_facts_catch_what_the_world_does_not_allow():
    assert fact_errors("The ball chased the dog.") == ["a ball cannot chase"]
    assert fact_errors("The cat barked.") == ["a cat cannot bark"]
    assert fact_errors("The dog ate the ball.") == ["one cannot eat a ball"]
    assert fact_errors("The dog barked.") == []
    assert fact_errors("Dog the barked.") == ["not grammatical"]


def test_token_lists_work_and_bad_types_are_refused():
    assert is_grammatical(["the", "dog", "barked", "."])
    with pytest.raises(ValueError, match="sentence"):
        is_grammatical(42)
