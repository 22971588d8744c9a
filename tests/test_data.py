import pytest
import torch

from helpers.data import Vocab, batches, pad_batch

SENTS = [["the", "cat", "sat"], ["the", "dog", "sat"], ["a", "cat"]]


def test_vocab_order_specials_then_frequency_then_alphabetical():
    v = Vocab.build(SENTS)
    assert v.itos == ["<pad>", "<unk>", "<s>", "</s>", "cat", "sat", "the", "a", "dog"]
    assert (v.pad_id, v.unk_id, v.bos_id, v.eos_id) == (0, 1, 2, 3)
    assert len(v) == 9 and v.stoi["dog"] == 8 and "cat" in v


def test_vocab_min_freq_and_missing_specials():
    v = Vocab.build(SENTS, specials=("<pad>",), min_freq=2)
    assert v.itos == ["<pad>", "cat", "sat", "the"]
    assert v.unk_id is None and v.bos_id is None and v.eos_id is None


def test_encode_decode_round_trip():
    v = Vocab.build(SENTS)
    ids = v.encode(["the", "cat", "flew"], add_bos=True, add_eos=True)
    assert ids == [v.bos_id, v.stoi["the"], v.stoi["cat"], v.unk_id, v.eos_id]
    assert v.decode(ids) == ["the", "cat", "<unk>"]
    assert v.decode(ids + [v.pad_id, v.stoi["dog"]]) == ["the", "cat", "<unk>"]  # stops at </s>
    assert v.decode(ids, strip_specials=False) == ["<s>", "the", "cat", "<unk>", "</s>"]
    assert v.decode(torch.tensor(ids)) == ["the", "cat", "<unk>"]


def test_json_round_trip():
    v = Vocab.build(SENTS + [["ça", "va"]])
    assert Vocab.from_json(v.to_json()) == v


def test_encode_unknown_without_unk_raises():
    v = Vocab.build(SENTS, specials=("<pad>",))
    with pytest.raises(ValueError, match="tokens: got 'flew'"):
        v.encode(["flew"])
    with pytest.raises(ValueError, match="add_bos"):
        v.encode(["cat"], add_bos=True)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda v: v.encode("the cat"), "tokens: got the string"),
        (lambda v: v.decode([99]), "ids: got id 99"),
        (lambda v: v.decode(torch.zeros(2, 2, dtype=torch.long)), "ids: got a tensor of shape"),
        (lambda v: Vocab.from_json("{not json"), "text: got"),
        (lambda v: Vocab.build(SENTS, min_freq=0), "min_freq: got 0"),
        (lambda v: Vocab.build(["the cat"]), "sentences: item 0 is the string"),
        (lambda v: Vocab.build(SENTS, specials=("<pad>", "<pad>")), "specials: got"),
        (lambda v: Vocab(["a", "a"], specials=()), "itos: got duplicate"),
    ],
)
def test_vocab_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call(Vocab.build(SENTS))


def test_pad_batch_shapes_mask_lengths():
    ids, mask, lengths = pad_batch([[5, 6, 7], [8]], pad_id=0)
    assert ids.dtype == torch.long and mask.dtype == torch.bool and lengths.dtype == torch.long
    assert ids.tolist() == [[5, 6, 7], [8, 0, 0]]
    assert mask.tolist() == [[True, True, True], [True, False, False]]
    assert lengths.tolist() == [3, 1]
    ids, mask, _ = pad_batch([[5, 6]], pad_id=1, max_len=4)
    assert ids.tolist() == [[5, 6, 1, 1]] and mask.sum().item() == 2


@pytest.mark.parametrize(
    "seqs, kwargs, match",
    [
        ([], {}, "seqs: got an empty list"),
        ([[1], []], {}, "seqs: sequence 1 is empty"),
        ([[1, 2, 3]], {"max_len": 2}, "max_len: got 2"),
        ([[1]], {"max_len": 0}, "max_len: got 0"),
        ([[1]], {"pad_id": None}, "pad_id: got None"),
    ],
)
def test_pad_batch_bad_input(seqs, kwargs, match):
    kwargs = {"pad_id": 0, **kwargs}
    with pytest.raises(ValueError, match=match):
        pad_batch(seqs, **kwargs)


def test_batches_cover_every_index_once():
    out = list(batches(10, 4))
    assert out == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert list(batches(10, 4, drop_last=True)) == [[0, 1, 2, 3], [4, 5, 6, 7]]


def test_batches_shuffle_is_repeatable_with_a_generator():
    a = list(batches(20, 6, shuffle=True, generator=torch.Generator().manual_seed(1)))
    b = list(batches(20, 6, shuffle=True, generator=torch.Generator().manual_seed(1)))
    assert a == b and sorted(i for batch in a for i in batch) == list(range(20))
    assert [i for batch in a for i in batch] != list(range(20))


def test_batches_sort_within_longest_first():
    lengths = [1, 5, 3, 2]
    (batch,) = batches(4, 4, sort_within=lengths)
    assert [lengths[i] for i in batch] == [5, 3, 2, 1]


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((0, 2), {}, "n_items: got 0"),
        ((5, 0), {}, "batch_size: got 0"),
        ((5, -1), {}, "batch_size: got -1"),
        ((5, 2), {"sort_within": [1, 2]}, "sort_within: got 2 lengths"),
    ],
)
def test_batches_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        list(batches(*args, **kwargs))
