"""BPE by hand equals the tokenizers library's BPE trained on the same text: merges, vocabulary, encodings."""

from __future__ import annotations

import pytest

from helpers import bpe
from helpers.corpus import load_pairs

TEXTS = ["the cat sat on the mat .", "the cats sat .", "le chat noir", "les chats", "the the cat"] * 3


def test_merge_symbols_by_hand():
    assert bpe.merge_symbols(list("the"), ("t", "h")) == ["th", "e"]
    assert bpe.merge_symbols(list("aaa"), ("a", "a")) == ["aa", "a"]
    assert bpe.merge_symbols(list("chatchat"), ("a", "t")) == ["c", "h", "at", "c", "h", "at"]
    assert bpe.merge_symbols(["le", "s"], ("e", "s")) == ["le", "s"]


def test_first_merge_is_the_most_frequent_pair():
    # counted by hand, per copy of TEXTS: "t h" in 5 "the"s; "a t" in sat, mat, cat, cats, sat, chat, chats, cat = 8.
    # Three copies: 15 against 24, so "a" + "t" is merged first.
    ours = bpe.train_bpe(TEXTS, 40)
    assert ours.merges[0] == ("a", "t")
    assert bpe.pair_counts({"cat": list("cat")}, {"cat": 3})[("a", "t")] == 3


@pytest.mark.parametrize("vocab_size", [30, 45, 80])
def test_equal_to_tokenizers_on_a_small_text(vocab_size):
    ours = bpe.train_bpe(TEXTS, vocab_size)
    lib = bpe.train_with_tokenizers(TEXTS, vocab_size)
    assert ours.merges == bpe.library_merges(lib)
    assert ours.vocab == sorted(lib.get_vocab(), key=lib.get_vocab().get)
    for t in TEXTS + ["the chat sat on les mats", "zzz cat"]:
        assert ours.encode(t) == lib.encode(t).tokens
        assert ours.encode_ids(t) == lib.encode(t).ids


def test_equal_to_tokenizers_on_the_tiny_world():
    pairs = load_pairs("valid")
    texts = [" ".join(p.en) for p in pairs] + [" ".join(p.fr) for p in pairs]
    ours = bpe.train_bpe(texts, 200)
    lib = bpe.train_with_tokenizers(texts, 200)
    assert len(ours.merges) > 100 and ours.merges == bpe.library_merges(lib)
    assert all(ours.encode(t) == lib.encode(t).tokens for t in texts[:300])


def test_unknown_character_and_unseen_word():
    ours = bpe.train_bpe(TEXTS, 60)
    assert ours.encode("cat") == ["cat"]
    assert ours.encode("catz") == ["cat", "[UNK]"]  # z never seen
    assert "".join(ours.encode("chats")) == "chats"


def test_vocab_size_stops_early_when_every_word_is_one_symbol():
    ours = bpe.train_bpe(["ab ab"], 100)
    assert ours.vocab == ["[UNK]", "a", "b", "ab"] and ours.merges == [("a", "b")]


def test_merge_table_counts():
    ours = bpe.train_bpe(TEXTS, 40)
    rows = bpe.merge_table(TEXTS, ours, n=2)
    assert rows[0] == {"rank": 1, "left": "a", "right": "t", "count": 24}


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "10"])
def test_bad_vocab_size(bad):
    with pytest.raises(ValueError, match="vocab_size"):
        bpe.train_bpe(TEXTS, bad)


def test_bad_texts():
    with pytest.raises(ValueError, match="texts"):
        bpe.train_bpe([], 10)
    with pytest.raises(ValueError, match="texts"):
        bpe.train_bpe(["ok", 3], 10)
    with pytest.raises(ValueError, match="text"):
        bpe.train_bpe(TEXTS, 30).encode(["not", "a", "string"])
    with pytest.raises(ValueError, match="n"):
        bpe.merge_table(TEXTS, bpe.train_bpe(TEXTS, 30), n=0)


def solution(symbols, pair):
    out, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
            out.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            out.append(symbols[i])
            i += 1
    return out


def test_check_merge(capsys):
    def stub(symbols, pair):
        raise NotImplementedError

    assert not bpe.check_merge(stub)
    out = capsys.readouterr().out
    assert "not written yet" in out and "hint" not in out  # no hint for an untouched stub

    def wrong(symbols, pair):  # advances by one after a merge
        out, i = [], 0
        while i < len(symbols):
            if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == pair:
                out.append(symbols[i] + symbols[i + 1])
            else:
                out.append(symbols[i])
            i += 1
        return out

    assert not bpe.check_merge(wrong)
    assert bpe.check_merge(solution)


def test_check_one_language(capsys):
    pairs = load_pairs("valid")[:300]
    en = [" ".join(p.en) for p in pairs]
    fr_test = [" ".join(p.fr) for p in load_pairs("test")[:40]]
    joint = bpe.train_bpe(en + [" ".join(p.fr) for p in pairs], 80)
    # the untouched stub: told what to do, no hint
    assert not bpe.check_one_language(..., ..., ..., en, fr_test, joint, vocab_size=80)
    out = capsys.readouterr().out
    assert "not written yet" in out and "hint" not in out
    # wrong: trained on both languages (it knows French-only symbols); the guesses are not graded
    assert not bpe.check_one_language(joint, 1.0, False, en, fr_test, joint, vocab_size=80)
    out = capsys.readouterr().out
    assert "only in French" in out and "train_bpe(" not in out.split("hint:")[0].split("❌")[-1]
    # wrong size
    assert not bpe.check_one_language(bpe.train_bpe(en, 60), 1.0, False, en, fr_test, joint, vocab_size=80)
    assert "expected 80" in capsys.readouterr().out
    # the solution passes and the report gives the measured ratio and [UNK] share
    assert bpe.check_one_language(bpe.train_bpe(en, 80), 1.5, True, en, fr_test, joint, vocab_size=80)
    out = capsys.readouterr().out
    assert "× longer" in out and "contain [UNK]" in out
