"""The long-lag memory task: remember the first symbol of a sequence across a gap of noise.

A sequence is ``key, noise × lag, ?`` and the answer is the key: ``c 4 1 7 7 0 ?`` → ``c``. Nothing between the
key and the question helps, so a model answers above chance (1 in 8) only if its memory spans the lag. Lessons
01 and 02 train recurrent cells on it and plot accuracy against the lag.
"""

from __future__ import annotations

import random
from pathlib import Path

import torch

from .env import data_root

KEYS = list("abcdefgh")  # what must be remembered: chance is 1/8
NOISE = list("01234567")  # what fills the gap
QUERY = "?"
VOCAB = KEYS + NOISE + [QUERY]  # token id = position in this list
TRAIN_LAGS = (1, 60)  # the training file mixes every lag in this range
TEST_LAGS = (1, 2, 5, 10, 20, 30, 40, 50, 60)
N_TRAIN, N_TEST_PER_LAG = 4000, 200


def make_example(rng: random.Random, lag: int) -> tuple[str, str]:
    """One sequence as a string of one-character tokens, and its answer."""
    if lag < 0:
        raise ValueError(f"lag: got {lag}; expected a number of noise tokens ≥ 0")
    key = rng.choice(KEYS)
    return key + "".join(rng.choice(NOISE) for _ in range(lag)) + QUERY, key


def generate(seed: int = 0) -> dict[str, list[tuple[str, str]]]:
    """The committed task: a training file with mixed lags and a test file with a fixed count per lag."""
    rng = random.Random(seed)
    train = [make_example(rng, rng.randint(*TRAIN_LAGS)) for _ in range(N_TRAIN)]
    test = [make_example(rng, lag) for lag in TEST_LAGS for _ in range(N_TEST_PER_LAG)]
    return {"train": train, "test": test}


def write(directory: str | Path, seed: int = 0) -> list[Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for split, rows in generate(seed).items():
        path = directory / f"{split}.tsv"
        path.write_text("".join(f"{seq}\t{key}\n" for seq, key in rows), encoding="utf-8")
        paths.append(path)
    return paths


def load(split: str, data_dir: str | Path | None = None) -> list[tuple[str, str]]:
    """Read ``train`` or ``test`` from data/memory."""
    if split not in ("train", "test"):
        raise ValueError(f"split: got {split!r}; expected 'train' or 'test'")
    path = Path(data_dir) if data_dir is not None else data_root() / "memory"
    lines = (path / f"{split}.tsv").read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("\t")) for line in lines]  # type: ignore[misc]


def encode(rows: list[tuple[str, str]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Rows → token ids (B, T), key ids (B,) and lags (B,).

    Shorter sequences are padded on the left with the noise token "0", so every sequence ends with "?" at the
    last position and a model answers from its final state; noise before the key changes nothing.
    """
    if not rows:
        raise ValueError("rows: got an empty list; expected at least one (sequence, key) row")
    stoi = {t: i for i, t in enumerate(VOCAB)}
    T = max(len(seq) for seq, _ in rows)
    pad = stoi[NOISE[0]]
    ids = torch.full((len(rows), T), pad, dtype=torch.long)
    for b, (seq, _) in enumerate(rows):
        ids[b, T - len(seq):] = torch.tensor([stoi[c] for c in seq])
    keys = torch.tensor([stoi[k] for _, k in rows])
    lags = torch.tensor([len(seq) - 2 for seq, _ in rows])
    return ids, keys, lags
