"""Phrase building, French finishing rules, and the text forms of sentences."""

from __future__ import annotations

import pytest

from helpers import corpus
from helpers.lexicon import NOUN_BY_EN
from helpers.tinyworld import Pair, detokenize, finish_french, join, noun_phrase, participle, tokenize, word


def test_join_reorders_french_and_keeps_links():
    p = join([word("black", "noir"), word("cat", "chat")], fr_order=[1, 0])
    assert p.en == ["black", "cat"] and p.fr == ["chat", "noir"]
    assert sorted(p.align) == [(0, 1), (1, 0)]


def test_elision_and_contraction_move_the_links():
    p = finish_french(join([word("to", "à"), word("the", "le"), word("store", "magasin")]))
    assert p.fr == ["au", "magasin"]
    assert sorted(p.align) == [(0, 0), (0, 1), (1, 2)]
    bird = noun_phrase(NOUN_BY_EN["bird"])
    assert finish_french(bird.pair).fr == ["l'", "oiseau"]


def test_participles_agree():
    forms = [participle("enfui", g, pl) for g in "mf" for pl in (False, True)]
    assert forms == ["enfui", "enfuis", "enfuie", "enfuies"]
    assert [participle("assis", g, pl) for g in "mf" for pl in (False, True)] == ["assis", "assis", "assise", "assises"]


def test_text_round_trip_over_the_data():
    for p in corpus.load_pairs("valid"):
        assert tokenize(detokenize(p.en)) == p.en
        assert tokenize(detokenize(p.fr, "fr")) == p.fr


def test_detokenize_writes_each_language_its_way():
    assert detokenize(["how", "are", "you", "?"]) == "How are you?"
    assert detokenize(["comment", "ça", "va", "?"], "fr") == "Comment ça va ?"
    assert detokenize(["i", "am", "fine", "."]) == "I am fine."
    assert detokenize(["j'", "ai", "besoin", "d'", "eau", "."], "fr") == "J'ai besoin d'eau."


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="tokens"):
        detokenize("the cat")
    with pytest.raises(ValueError, match="text"):
        tokenize(["the"])
    assert isinstance(Pair([], []), Pair)
