import math

import numpy as np
import pytest
import torch

from helpers import metrics
from helpers.metrics import accuracy_by_bucket, alignment_accuracy, bucket_labels, exact_match, token_accuracy

PREDS = [["le", "chat"], ["la", "souris", "noire"], ["le"]]
REFS = [["le", "chat"], ["la", "souris", "blanche"], ["le", "chien"]]


def test_exact_match_and_token_accuracy():
    assert exact_match(PREDS, REFS) == pytest.approx(1 / 3)
    # 2 + 2 + 1 right out of 2 + 3 + 2 reference tokens; the missing "chien" counts wrong
    assert token_accuracy(PREDS, REFS) == pytest.approx(5 / 7)
    assert token_accuracy([["a", "b", "extra"]], [["a", "b"]]) == 1.0


@pytest.mark.parametrize("fn", [exact_match, token_accuracy])
@pytest.mark.parametrize(
    "preds, refs, match",
    [
        ([["a"]], [], "refs: got an empty list"),
        ([["a"]], [["a"], ["b"]], "preds: got 1 predictions for 2 references"),
        (["a b"], [["a", "b"]], "preds: item 0 is the string"),
    ],
)
def test_sequence_metrics_bad_input(fn, preds, refs, match):
    with pytest.raises(ValueError, match=match):
        fn(preds, refs)


def test_token_accuracy_all_empty_refs():
    with pytest.raises(ValueError, match="refs: every reference is empty"):
        token_accuracy([[]], [[]])


def test_alignment_accuracy_counts_aligned_targets_only():
    # "le chat noir" ← "the black cat": noir(2) ↔ black(1), chat(1) ↔ cat(2) cross
    attn = torch.tensor([[0.8, 0.1, 0.1], [0.1, 0.2, 0.7], [0.1, 0.3, 0.6]])
    gold = [(0, 0), (1, 2), (2, 1)]
    assert alignment_accuracy([attn], [gold]) == pytest.approx(2 / 3)
    # a target aligned to two sources is right if attention peaks on either; unaligned rows are skipped
    assert alignment_accuracy([np.asarray(attn)], [[(2, 1), (2, 2)]]) == 1.0


@pytest.mark.parametrize(
    "rows, aligns, match",
    [
        ([np.eye(2)], [], "alignments: got 0 alignments for 1"),
        ([np.eye(2)], [[(0, 5)]], r"alignments: sentence 0 has pair \(0, 5\)"),
        ([np.ones(3)], [[(0, 0)]], "attn_rows: item 0 has shape"),
        ([np.eye(2)], [[]], "alignments: got no"),
    ],
)
def test_alignment_accuracy_bad_input(rows, aligns, match):
    with pytest.raises(ValueError, match=match):
        alignment_accuracy(rows, aligns)


def test_accuracy_by_bucket_labels_and_means():
    assert bucket_labels([3, 9, 15, 40]) == ["3–8", "9–14", "15–39", "40+"]
    acc = accuracy_by_bucket([1, 0, True, 1.0, 0.0], [3, 8, 10, 45, 60], [3, 9, 15, 40])
    assert acc == {"3–8": 0.5, "9–14": 1.0, "40+": 0.5}  # the empty bucket 15–39 is left out


@pytest.mark.parametrize(
    "values, lengths, edges, match",
    [
        ([1], [3], [], "edges: got an empty list"),
        ([1], [3], [3, 3], "edges: got"),
        ([1, 0], [3], [3], "lengths: got 1 lengths for 2 values"),
        ([], [], [3], "values: got an empty list"),
        ([1], [2], [3, 9], "lengths: got length 2 below the first edge 3"),
    ],
)
def test_accuracy_by_bucket_bad_input(values, lengths, edges, match):
    with pytest.raises(ValueError, match=match):
        accuracy_by_bucket(values, lengths, edges)


def test_perplexity_is_exp_of_the_mean_nll():
    from helpers.metrics import perplexity

    assert perplexity(0.0, 5) == 1.0
    assert perplexity(10 * math.log(4), 10) == pytest.approx(4.0)  # as unsure as 4 equal choices
    for bad_n in (0, -1, 2.5, True):
        with pytest.raises(ValueError, match="n_tokens"):
            perplexity(1.0, bad_n)
    for bad_nll in (-1.0, float("nan"), "3"):
        with pytest.raises(ValueError, match="total_nll"):
            perplexity(bad_nll, 3)


def test_chrf_and_bleu_come_from_sacrebleu():
    ref = [["le", "chat", "dort", "."], ["je", "vais", "au", "parc", "."]]
    assert metrics.chrf(ref, ref) == pytest.approx(100.0)
    assert metrics.bleu(ref, ref) == pytest.approx(100.0)
    one_dropped = [["le", "chat", "dort", "."], ["je", "vais", "au", "."]]
    assert 50 < metrics.chrf(one_dropped, ref) < 100  # survives one dropped word
    assert metrics.exact_match(one_dropped, ref) == 0.5
    assert metrics.sentence_chrf(["le", "chien", "dort", "."], ["le", "chat", "dort", "."]) < 100
    assert metrics.sentence_chrf(["x"], ["le", "chat"]) < metrics.sentence_chrf(["le", "chien"], ["le", "chat"])


@pytest.mark.parametrize("fn", ["chrf", "bleu"])
def test_chrf_and_bleu_bad_input(fn):
    with pytest.raises(ValueError, match="preds"):
        getattr(metrics, fn)([["a"]], [["a"], ["b"]])
    with pytest.raises(ValueError, match="refs"):
        getattr(metrics, fn)([["a"]], ["a b"])
