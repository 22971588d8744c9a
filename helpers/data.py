"""Vocabularies, encoding and padded batches with masks.

Letters used in shapes: B = batch size, T = the longest sequence in the batch (time steps).

A batch of sentences of different lengths becomes one (B, T) tensor of ids padded with ``pad_id``, a
(B, T) boolean mask that is True where a real token sits, and the (B,) true lengths:

    >>> ids, mask, lengths = pad_batch([[5, 6, 7], [8]], pad_id=0)
    >>> ids.tolist(), mask.tolist(), lengths.tolist()
    ([[5, 6, 7], [8, 0, 0]], [[True, True, True], [True, False, False]], [3, 1])

Empty sequences are refused: a row of pure padding has no real token, so ``pack_padded_sequence`` rejects it
and a masked softmax over it returns NaN. Add ``<s>``/``</s>`` or drop the item instead.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

import torch

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<s>", "</s>"
DEFAULT_SPECIALS = (PAD, UNK, BOS, EOS)


class Vocab:
    """A token ↔ id table: specials first, then tokens by frequency (high to low), ties alphabetical."""

    def __init__(self, itos: Sequence[str], specials: Sequence[str] = DEFAULT_SPECIALS):
        itos, specials = list(itos), list(specials)
        if len(set(itos)) != len(itos):
            dupes = sorted(t for t, n in Counter(itos).items() if n > 1)
            raise ValueError(f"itos: got duplicate tokens {dupes[:5]}; expected each token once")
        if itos[: len(specials)] != specials:
            raise ValueError(f"itos: got first tokens {itos[: len(specials)]}; "
                             f"expected the specials {specials}")
        self.itos: list[str] = itos
        self.specials: list[str] = specials
        self.stoi: dict[str, int] = {tok: i for i, tok in enumerate(itos)}

    @classmethod
    def build(
        cls,
        sentences: Iterable[list[str]],
        specials: Sequence[str] = DEFAULT_SPECIALS,
        min_freq: int = 1,
    ) -> Vocab:
        """Count tokens in ``sentences`` and keep those seen at least ``min_freq`` times."""
        if isinstance(min_freq, bool) or not isinstance(min_freq, int) or min_freq < 1:
            raise ValueError(f"min_freq: got {min_freq!r}; expected an int >= 1")
        specials = list(specials)
        if len(set(specials)) != len(specials):
            raise ValueError(f"specials: got {specials}; expected each special token once")
        counts: Counter[str] = Counter()
        for i, sentence in enumerate(sentences):
            if isinstance(sentence, str):
                raise ValueError(
                    f"sentences: item {i} is the string {sentence[:30]!r}; expected a list of tokens "
                    "(split each sentence first, e.g. sentence.split())"
                )
            counts.update(sentence)
        kept = [t for t, n in counts.items() if n >= min_freq and t not in specials]
        kept.sort(key=lambda t: (-counts[t], t))
        return cls(specials + kept, specials)

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token: object) -> bool:
        return token in self.stoi

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Vocab) and (self.itos, self.specials) == (other.itos, other.specials)

    def __repr__(self) -> str:
        return f"Vocab({len(self)} tokens: {self.itos[:8]}{' …' if len(self) > 8 else ''})"

    @property
    def pad_id(self) -> int | None:
        return self.stoi.get(PAD) if PAD in self.specials else None

    @property
    def unk_id(self) -> int | None:
        return self.stoi.get(UNK) if UNK in self.specials else None

    @property
    def bos_id(self) -> int | None:
        return self.stoi.get(BOS) if BOS in self.specials else None

    @property
    def eos_id(self) -> int | None:
        return self.stoi.get(EOS) if EOS in self.specials else None

    def encode(self, tokens: Sequence[str], add_bos: bool = False, add_eos: bool = False) -> list[int]:
        """Token list → id list; unknown tokens become ``<unk>``."""
        if isinstance(tokens, str):
            raise ValueError(
                f"tokens: got the string {tokens[:30]!r}; expected a list of tokens (e.g. sentence.split())"
            )
        ids = []
        if add_bos:
            ids.append(self._special_id(self.bos_id, BOS, "add_bos"))
        for tok in tokens:
            if tok in self.stoi:
                ids.append(self.stoi[tok])
            elif self.unk_id is not None:
                ids.append(self.unk_id)
            else:
                raise ValueError(f"tokens: got {tok!r}, not in the vocabulary; expected known tokens "
                                 f"(this vocab has no {UNK} to stand for unknown ones)")
        if add_eos:
            ids.append(self._special_id(self.eos_id, EOS, "add_eos"))
        return ids

    def decode(self, ids: Iterable[int] | torch.Tensor, strip_specials: bool = True) -> list[str]:
        """Id list → token list; when stripping, stop at ``</s>`` and drop ``<pad>`` and ``<s>``."""
        if isinstance(ids, torch.Tensor):
            if ids.dim() != 1:
                raise ValueError(f"ids: got a tensor of shape {tuple(ids.shape)}; expected 1-D (T,)")
            ids = ids.tolist()
        tokens = []
        for i in ids:
            i = int(i)
            if not 0 <= i < len(self):
                raise ValueError(f"ids: got id {i}; expected 0 <= id < {len(self)} (the vocabulary size)")
            if strip_specials:
                if i == self.eos_id:
                    break
                if i in (self.pad_id, self.bos_id):
                    continue
            tokens.append(self.itos[i])
        return tokens

    def to_json(self) -> str:
        """The vocabulary as a JSON string; ``Vocab.from_json`` reads it back."""
        return json.dumps({"specials": self.specials, "itos": self.itos}, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Vocab:
        """Read a vocabulary written by ``to_json``."""
        try:
            data = json.loads(text)
            return cls(data["itos"], data["specials"])
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise ValueError(f"text: got {str(text)[:40]!r}; "
                             f"expected JSON written by Vocab.to_json ({err})") from err

    def _special_id(self, idx: int | None, name: str, arg: str) -> int:
        if idx is None:
            raise ValueError(f"{arg}: got True but this vocab has no {name}; expected a vocab built with it")
        return idx


def pad_batch(
    seqs: Sequence[Sequence[int]], pad_id: int, max_len: int | None = None
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Pad id lists to a (B, T) LongTensor; also return the (B, T) real-token mask and (B,) lengths."""
    if len(seqs) == 0:
        raise ValueError("seqs: got an empty list; expected at least one sequence")
    if isinstance(pad_id, bool) or not isinstance(pad_id, int):
        raise ValueError(f"pad_id: got {pad_id!r}; expected an int (e.g. vocab.pad_id)")
    lengths = [len(s) for s in seqs]
    for i, n in enumerate(lengths):
        if n == 0:
            raise ValueError(f"seqs: sequence {i} is empty; expected at least one token in every sequence "
                             "(an all-padding row breaks pack_padded_sequence and masked softmax)")
    if max_len is None:
        max_len = max(lengths)
    elif isinstance(max_len, bool) or not isinstance(max_len, int) or max_len < 1:
        raise ValueError(f"max_len: got {max_len!r}; expected None or an int >= 1")
    elif max(lengths) > max_len:
        raise ValueError(f"max_len: got {max_len} but sequence {lengths.index(max(lengths))} has "
                         f"{max(lengths)} tokens; expected max_len >= the longest sequence")
    B, T = len(seqs), max_len
    ids = torch.full((B, T), pad_id, dtype=torch.long)  # (B, T)
    for b, s in enumerate(seqs):
        ids[b, : len(s)] = torch.as_tensor(list(s), dtype=torch.long)
    lengths_t = torch.tensor(lengths, dtype=torch.long)  # (B,)
    mask = torch.arange(T)[None, :] < lengths_t[:, None]  # (1, T) < (B, 1) → (B, T)
    return ids, mask, lengths_t


def batches(
    n_items: int,
    batch_size: int,
    shuffle: bool = False,
    generator: torch.Generator | None = None,
    sort_within: Sequence[int] | None = None,
    drop_last: bool = False,
) -> Iterator[list[int]]:
    """Yield lists of item indices, ``batch_size`` at a time (the last may be smaller unless ``drop_last``).

    ``shuffle`` draws a fresh order from ``generator`` (pass a seeded ``torch.Generator`` to repeat it);
    ``sort_within`` takes one length per item and orders each batch longest first, as
    ``pack_padded_sequence`` expects.
    """
    if isinstance(n_items, bool) or not isinstance(n_items, int) or n_items < 1:
        raise ValueError(f"n_items: got {n_items!r}; expected an int >= 1")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size: got {batch_size!r}; expected an int >= 1")
    if sort_within is not None and len(sort_within) != n_items:
        raise ValueError(f"sort_within: got {len(sort_within)} lengths for n_items={n_items}; "
                         "expected one length per item")
    if shuffle:
        order = torch.randperm(n_items, generator=generator).tolist()
    else:
        order = list(range(n_items))
    for start in range(0, n_items, batch_size):
        batch = order[start : start + batch_size]
        if drop_last and len(batch) < batch_size:
            return
        if sort_within is not None:
            batch.sort(key=lambda i: -sort_within[i])  # stable: equal lengths keep their order
        yield batch
