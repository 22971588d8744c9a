"""The count-based auto-complete (helpers.ngram) and lesson 00's exercise checkers."""

import math
import random
from collections import Counter

import pytest

from helpers import ngram
from helpers.corpus import load_pairs

TOY = [s.split() for s in ["the cat sat on the mat .", "the cat sat on the book .", "the dog sat on the mat ."]]


def test_counts_by_hand():
    m = ngram.count_ngrams(TOY, order=2)
    assert m.counts[("the",)] == Counter({"cat": 2, "mat": 2, "book": 1, "dog": 1})
    assert m.counts[(ngram.BOS,)] == Counter({"the": 3})
    assert m.counts[()]["the"] == 6  # the unigram counts are kept for backoff
    assert ngram.n_stored_counts(m) == sum(len(c) for c in m.counts.values())


def test_trigram_context_and_probabilities():
    m = ngram.count_ngrams(TOY, order=3)
    assert ngram.context_of(m, "the cat sat on the") == ("on", "the")
    assert ngram.context_of(m, "the") == (ngram.BOS, "the")
    probs = ngram.next_word_probs(m, "the cat sat on the")
    assert probs == [("mat", pytest.approx(2 / 3)), ("book", pytest.approx(1 / 3))]
    assert sum(p for _, p in ngram.next_word_probs(m, "the")) == pytest.approx(1.0)
    assert len(ngram.next_word_probs(m, "the", top_k=1)) == 1


def test_ties_are_alphabetical_and_backoff_reaches_unigram():
    m = ngram.count_ngrams([["b", "."], ["a", "."]], order=2)
    assert ngram.predict_next(m, []) == "a"  # after <s>: a and b once each → alphabetical
    used, counts = ngram.next_word_counts(m, ["zebra"])  # unseen word → back off to no context
    assert used == () and counts["."] == 2


def test_greedy_complete_stops_at_full_stop_and_at_limit():
    m = ngram.count_ngrams(TOY, order=3)
    assert ngram.greedy_complete(m, "the dog") == "the dog sat on the mat .".split()
    loop = ngram.count_ngrams([["a", "a", "a", "a", "a", "a", "."]], order=2)
    assert ngram.greedy_complete(loop, "a", max_new_tokens=4) == ["a"] * 5
    assert ngram.greedy_complete(m, "the cat .") == ["the", "cat", "."]


def test_accuracy_and_context_seen_share():
    m = ngram.count_ngrams(TOY, order=2)
    # <s> → "the" is right; after "the", cat and mat tie at 2 and "cat" comes first alphabetically: wrong for "dog"
    # every word and then </s> is scored: after "cat" the toy text says "sat", not the end
    assert ngram.next_word_accuracy(lambda w: ngram.predict_next(m, w), [["the", "cat"]]) == pytest.approx(2 / 3)
    assert ngram.next_word_accuracy(lambda w: ngram.predict_next(m, w), [["the", "dog"]]) == pytest.approx(1 / 3)
    assert ngram.next_word_accuracy(lambda w: ngram.predict_next(m, w), [["the", "cat", "sat", "on", "the", "mat", "."]]
                                    ) == pytest.approx(7 / 8)  # "the" → cat (right), mat (wrong); "." → </s>
    always_dot = ngram.next_word_accuracy(lambda w: ".", TOY)
    assert always_dot == pytest.approx(3 / 24)
    assert ngram.context_seen_share(m, [["the", "zebra", "cat"]]) == pytest.approx(3 / 4)


def test_on_the_tiny_world_counts_beat_unigrams_and_longer_contexts_go_unseen():
    train = [p.en for p in load_pairs("train")][:3000]
    valid = [p.en for p in load_pairs("valid")][:200]
    uni, tri, five = (ngram.count_ngrams(train, order=n) for n in (1, 3, 5))
    acc = {n: ngram.next_word_accuracy(lambda w, m=m: ngram.predict_next(m, w), valid)
           for n, m in ((1, uni), (3, tri))}
    assert acc[3] > acc[1] + 0.1
    assert ngram.context_seen_share(five, valid) < ngram.context_seen_share(tri, valid)
    assert ngram.n_stored_counts(uni) < ngram.n_stored_counts(tri) < ngram.n_stored_counts(five)


def test_lower_order_equals_counting_anew():
    five = ngram.count_ngrams(TOY + [["a", "dog", "ran", "away", "."]], order=5)
    for n in range(1, 6):
        assert ngram.lower_order(five, n) == ngram.count_ngrams(TOY + [["a", "dog", "ran", "away", "."]], order=n)
    for bad in (0, 6, 2.0):
        with pytest.raises(ValueError, match="order"):
            ngram.lower_order(five, bad)


@pytest.mark.parametrize("order", [0, -1, 2.5, True, "3"])
def test_bad_order(order):
    with pytest.raises(ValueError, match="order"):
        ngram.count_ngrams(TOY, order=order)


def test_bad_sentences_and_prompts():
    with pytest.raises(ValueError, match="sentences"):
        ngram.count_ngrams([], order=2)
    with pytest.raises(ValueError, match="sentences"):
        ngram.count_ngrams([[], []], order=2)
    with pytest.raises(ValueError, match="sentences"):
        ngram.count_ngrams([[1, 2]], order=2)
    m = ngram.count_ngrams(TOY, order=2)
    with pytest.raises(ValueError, match="prompt"):
        ngram.next_word_probs(m, 42)
    with pytest.raises(ValueError, match="top_k"):
        ngram.next_word_probs(m, "the", top_k=0)
    with pytest.raises(ValueError, match="max_new_tokens"):
        ngram.greedy_complete(m, "the", max_new_tokens=-1)
    with pytest.raises(ValueError, match="sentences"):
        ngram.next_word_accuracy(lambda w: ".", [[]])
    with pytest.raises(ValueError, match="sentences"):
        ngram.context_seen_share(m, [])


def test_gru_lm_and_bad_sizes():
    V, E, H = 11, 3, 5
    assert ngram.n_parameters(ngram.gru_lm(V, E, H)) == V * E + 3 * (E * H + H * H + 2 * H) + H * V + V
    for kw in ({"vocab_size": 0}, {"embed_dim": -2}, {"hidden_dim": 1.5}):
        args = {"vocab_size": V, "embed_dim": E, "hidden_dim": H} | kw
        with pytest.raises(ValueError, match=next(iter(kw))):
            ngram.gru_lm(**args)


def test_plot_next_words_and_its_explorer():
    import ipywidgets as widgets
    from matplotlib.figure import Figure

    from helpers.widgets import explorer

    models = {n: ngram.count_ngrams(TOY, order=n) for n in (1, 2, 3)}
    fig = ngram.plot_next_words(models[3], "the cat sat on the")
    assert isinstance(fig, Figure)
    assert "The cat sat on the mat." in fig.axes[0].get_title()
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == ["mat", "book"]
    ex = explorer(lambda prompt, order: ngram.plot_next_words(models[order], prompt),
                  {"prompt": widgets.Text(value="the dog"), "order": widgets.IntSlider(value=2, min=1, max=3)})
    for prompt in ["", "The Zebra!!", "?", "   ", "l'oiseau", "THE CAT"]:
        ex.controls["prompt"].value = prompt
        assert ex.last_error is None, prompt
    ex.controls["order"].value = 1
    assert ex.last_error is None and ex.n_draws == 8
    with pytest.raises(ValueError, match="top_k"):
        ngram.plot_next_words(models[2], "the", top_k=0)


# ------------------------------------------------------------------------------------------------ checkers
def probs_solution(counts, word):
    following = counts.get(word, {})
    total = sum(following.values())
    return {w: c / total for w, c in following.items()}


def gru_solution(V, E, H):
    return V * E + 3 * (E * H + H * H + H + H) + H * V + V


def stub(*args):
    raise NotImplementedError


def test_check_next_word_probs(capsys):
    assert ngram.check_next_word_probs(probs_solution).passed
    assert "All 4 checks passed." in capsys.readouterr().out
    wrong = [
        lambda c, w: dict(c.get(w, {})),                                   # counts, not probabilities
        lambda c, w: {c[w].most_common(1)[0][0]: 1.0},                     # only the most likely word
        lambda c, w: {k: v / sum(c[w].values()) for k, v in c[w].items()},  # KeyError on an unseen word
        lambda c, w: {k: v / len(c.get(w, {})) for k, v in c.get(w, {}).items()},  # divides by the wrong total
        lambda c, w: [(k, v) for k, v in c.get(w, {}).items()],            # not a dict
    ]
    for fn in wrong:
        assert not ngram.check_next_word_probs(fn).passed
    result = ngram.check_next_word_probs(stub)  # an untouched stub does not raise
    assert not result.passed and "not written yet" in str(result)


def test_check_gru_parameters():
    assert ngram.check_gru_parameters(gru_solution).passed
    wrong = [
        lambda V, E, H: V * E + 3 * (E * H + H * H + H) + H * V + V,       # one bias vector per gate
        lambda V, E, H: V * E + 4 * (E * H + H * H + 2 * H) + H * V + V,   # LSTM's four gates
        lambda V, E, H: V * E + 3 * (E * H + H * H + 2 * H) + H * V,       # no output bias
        lambda V, E, H: None,                                             # forgot to return
    ]
    for fn in wrong:
        assert not ngram.check_gru_parameters(fn).passed
    assert not ngram.check_gru_parameters(stub).passed


def test_data_size_experiment_measures_both_orders_on_the_first_n_sentences():
    train = TOY * 20
    full = (3.0, 2.5)
    for bad in ((1.0,), (0.0, 2.0)):
        with pytest.raises(ValueError, match="full"):
            ngram.check_data_size_experiment("they tie", 4, train, TOY, full=bad)
    with pytest.raises(ValueError, match="wanted"):
        ngram.check_data_size_experiment("they tie", 4, train, TOY, full=full, wanted=10_000)
    stub = ngram.check_data_size_experiment(..., ..., train, TOY, full=full, wanted=4)
    assert not stub.passed and not stub.written and "hint" not in str(stub)
    wrong = ngram.check_data_size_experiment("they tie", 2.5, train, TOY, full=full, wanted=4)
    assert not wrong.passed and "n_train" in str(wrong)


def test_end_of_sentence_is_counted_and_scored_like_a_word():
    m = ngram.count_ngrams(TOY, order=2)
    assert m.counts[(".",)] == Counter({ngram.EOS: 3})
    assert ngram.scored_tokens(["a", "."]) == ["a", ".", ngram.EOS]
    tri = ngram.count_ngrams(TOY, order=3)
    assert ngram.greedy_complete(tri, "the dog") == "the dog sat on the mat .".split()  # no </s> in the text


def test_interpolated_probabilities_sum_to_one_and_are_never_zero():
    m = ngram.count_ngrams(TOY, order=3)
    words = sorted(m.counts[()]) + ["zebra"]  # the vocabulary (</s> included) and one unseen word
    for prompt in (["the", "cat", "sat", "on", "the"], ["the"], ["zebra", "zebra"], []):
        probs = [ngram.interpolated_prob(m, prompt, w) for w in words]
        assert sum(probs) == pytest.approx(1.0) and min(probs) > 0
    # weight 0.8 on the trigram "on the" → mat 2/3, the rest from shorter contexts
    assert ngram.interpolated_prob(m, "the cat sat on the".split(), "mat") > 0.8 * 2 / 3
    with pytest.raises(ValueError, match="weight"):
        ngram.interpolated_prob(m, [], "the", weight=1.0)


def test_sentence_nll_counts_every_word_and_the_end():
    m = ngram.count_ngrams(TOY, order=2)
    total, n = ngram.sentence_nll(m, [["the", "cat"], ["the", "zebra", "."]])
    assert n == 3 + 4
    by_hand = -sum(math.log(ngram.interpolated_prob(m, s[:i], w)) for s in
                   (["the", "cat", ngram.EOS], ["the", "zebra", ".", ngram.EOS]) for i, w in enumerate(s))
    assert total == pytest.approx(by_hand)
    with pytest.raises(ValueError, match="sentences"):
        ngram.sentence_nll(m, [])


def test_sample_sentence_is_seeded_and_cold_sampling_is_greedy():
    m = ngram.count_ngrams(TOY, order=3)
    one = ngram.sample_sentence(m, "the", random.Random(1))
    assert one == ngram.sample_sentence(m, "the", random.Random(1)) and one[-1] == "."
    cold = ngram.sample_sentence(m, "the dog", random.Random(0), temperature=0.01)
    assert cold == ngram.greedy_complete(m, "the dog")
    seen = {tuple(ngram.sample_sentence(m, "the", random.Random(s))) for s in range(30)}
    assert len(seen) > 1  # at temperature 1 the book and the mat both appear
    with pytest.raises(ValueError, match="temperature"):
        ngram.sample_sentence(m, "the", random.Random(0), temperature=0)
    with pytest.raises(ValueError, match="rng"):
        ngram.sample_sentence(m, "the", 0)
