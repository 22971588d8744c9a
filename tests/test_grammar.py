"""The recogniser accepts exactly what the world allows: every generated sentence, and no sentence that breaks
one of the rules the generator respects (one negative case per rule)."""

from __future__ import annotations

import random

import pytest

from helpers import corpus
from helpers.grammar import fact_errors, is_grammatical, parses


def test_every_generated_sentence_is_grammatical_and_true_to_the_world():
    for split in corpus.SPLITS:
        for p in corpus.load_pairs(split):
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
        "The black small cat slept.",  # English puts the colour last
        "The small big cat slept.",  # one adjective and one colour at most
        "The future big city slept.",
        "The dog did not barked.",  # negation takes the base form
        "The dog not barked.",
        "The dogs does not bark.",  # does / do agree with the subject
        "The dog do not bark.",
        "Does the cats sleep?",  # so do they in questions
        "Did the cat slept?",
        "The dog barked?",  # a question starts with did / does / do
        "Did the cat sleep.",
        "The mouse that the cat slept ran away.",  # an object relative needs a transitive verb
        "",
    ],
)
def test_broken_sentences_are_rejected(sentence):
    assert is_grammatical(sentence) is False
    assert fact_errors(sentence) == ["not grammatical"]


@pytest.mark.parametrize(
    "sentence, error",
    [
        ("The future dog slept.", "a dog cannot be future"),  # which adjective fits which noun
        ("The quick ball rolled.", None),  # not a verb of the world: no parse
        ("The quick girl slept.", "a girl cannot be quick"),
        ("The young table fell.", None),
        ("The red cat slept.", "a cat cannot be red"),
        ("The dog went to the cake.", "one cannot go to the cake"),  # where go may go
        ("The dog went to a river.", "one cannot go to a river"),  # dans une rivière is not in the world
        ("The cat barked.", "a cat cannot bark"),  # who barks
        ("The cat did not bark.", "a cat cannot bark"),
        ("The horse sang.", "a horse cannot sing"),  # who sings
        ("The ball chased the dog.", "a ball cannot chase"),  # what a verb takes as subject
        ("The dog ate the ball.", "one cannot eat a ball"),  # and as object
        ("The ball that the dog ate rolled.", None),
        ("The mouse that the cat ate ran away.", "one cannot eat a mouse"),  # also in an object relative
        ("The cat sat on the city.", "one cannot sit on a city"),  # where one sits
        ("The cat played with the park.", "one cannot play with a park"),
        ("In the cake, the dog slept.", "the story cannot be in a cake"),
        ("Did the cat bark?", "a cat cannot bark"),
    ],
)
def test_every_rule_of_the_world_has_a_negative_case(sentence, error):
    assert is_grammatical(sentence) is False
    if error is None:
        assert fact_errors(sentence) == ["not grammatical"]
    else:
        assert parses(sentence)
        assert fact_errors(sentence) == [error]


def test_the_new_constructions_are_accepted():
    for s in ["The dog did not bark.", "The dogs do not bark.", "The dog does not bark.",
              "Did the cat sleep?", "Does the cat sleep?", "Do the cats sleep?",
              "The mouse that the cat chased ran away.",
              "The dog found the balls that the girl liked.", "The small black cat slept.",
              "The quick brown fox jumps over the lazy dog.", "The dog went to a park.", "The dog went to the river.",
              "Did the cat that chased the mouse run away?", "The cat did not eat an apple."]:
        assert is_grammatical(s), s


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


def test_course_sentences_and_fixed_phrases_are_accepted():
    for s in ["How are you?", "Thank you.", "The quick brown fox jumps over the lazy dog.",
              "I am going to the store because I need some groceries.", "In a future city, the robots sang happily."]:
        assert is_grammatical(s), s


def test_facts_catch_what_the_world_does_not_allow():
    assert fact_errors("The ball chased the dog.") == ["a ball cannot chase"]
    assert fact_errors("The cat barked.") == ["a cat cannot bark"]
    assert fact_errors("The dog ate the ball.") == ["one cannot eat a ball"]
    assert fact_errors("The dog barked.") == []
    assert fact_errors("Dog the barked.") == ["not grammatical"]
    assert fact_errors("The ball chased the cat and the cat barked.") == ["a ball cannot chase", "a cat cannot bark"]


def test_token_lists_work_and_bad_types_are_refused():
    assert is_grammatical(["the", "dog", "barked", "."])
    with pytest.raises(ValueError, match="sentence"):
        is_grammatical(42)


def test_main_verb_slot_after_the_subjects_relative_clause():
    from helpers.grammar import VerbSlot, main_verb_slot, starts_main_verb

    assert main_verb_slot("The dog that barked loudly ran away.") == VerbSlot(5, 3, "dog", False, True)
    assert main_verb_slot("The cat that chased the mouse ran away.") == VerbSlot(6, 4, "cat", False, False)
    assert main_verb_slot("The mouse that the cat chased ran away.") == VerbSlot(6, 4, "mouse", False, True)
    assert main_verb_slot("The cats sit on the mat.") == VerbSlot(2, 0, "cats", True, False)
    assert main_verb_slot("The cats sits on the mat.") is None  # not grammatical
    assert main_verb_slot("Did the cat sleep?") is None and main_verb_slot("How are you?") is None
    assert starts_main_verb("ran", "dog", False) and starts_main_verb("sit", "cats", True)
    assert not starts_main_verb("sits", "cats", True) and not starts_main_verb("sit", "cat", False)
    assert not starts_main_verb("barked", "cat", False)  # only dogs bark
    assert starts_main_verb("did", "cat", False) and starts_main_verb("do", "cats", True)
    assert not starts_main_verb("the", "dog", False) and not starts_main_verb(".", "dog", False)
    with pytest.raises(ValueError, match="noun"):
        starts_main_verb("ran", "unicorn", False)
