"""The tiny-world data set on disk: deterministic splits, the files in data/, their datasheet, and loading.

``python -m helpers.corpus`` regenerates every file in data/ from the seed; a test does the same in a temporary
folder and compares byte for byte.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

from . import memory
from .tinyworld import Generator, Pair, seed_examples

SEED = 0
SIZES = {"train": 10_000, "valid": 1_000, "test": 1_000, "test_long": 300}
SPLITS = tuple(SIZES) + ("examples",)
CLAUSE_MIX = {1: 0.65, 2: 0.30, 3: 0.05}  # clauses per sentence in train/valid/test
LONG_CLAUSES, LONG_MIN_TOKENS = (3, 5), 25  # the long-sentence test bucket


def data_root() -> Path:
    """The repository's data/ folder (next to helpers/)."""
    return Path(__file__).resolve().parent.parent / "data"


def _clauses(rng: random.Random) -> int:
    x, acc = rng.random(), 0.0
    for n, p in CLAUSE_MIX.items():
        acc += p
        if x < acc:
            return n
    return max(CLAUSE_MIX)


def generate_world(seed: int = SEED, sizes: dict[str, int] | None = None) -> dict[str, list[Pair]]:
    """All splits. No English sentence appears in two splits; the seed's examples are pinned to train."""
    sizes = dict(SIZES if sizes is None else sizes)
    for name, n in sizes.items():
        if name not in SIZES:
            raise ValueError(f"sizes: got split {name!r}; expected one of {sorted(SIZES)}")
        if not isinstance(n, int) or n < 0:
            raise ValueError(f"sizes[{name!r}]: got {n!r}; expected a whole number ≥ 0")
    gen = Generator(random.Random(seed))
    examples = seed_examples()
    seen = {" ".join(p.en) for p in examples}
    pool: list[Pair] = []
    n_pool = sizes["train"] + sizes["valid"] + sizes["test"] - len(examples)
    while len(pool) < n_pool:
        p = gen.sentence(_clauses(gen.rng))
        key = " ".join(p.en)
        if key not in seen:
            seen.add(key)
            pool.append(p)
    long: list[Pair] = []
    while len(long) < sizes["test_long"]:
        p = gen.sentence(gen.rng.randint(*LONG_CLAUSES))
        key = " ".join(p.en)
        if len(p.en) >= LONG_MIN_TOKENS and key not in seen:
            seen.add(key)
            long.append(p)
    n_test, n_valid = sizes["test"], sizes["valid"]
    return {
        "train": examples + pool[n_test + n_valid:],
        "valid": pool[n_test:n_test + n_valid],
        "test": pool[:n_test],
        "test_long": long,
        "examples": examples,
    }


def format_pair(p: Pair) -> str:
    return "\t".join([" ".join(p.en), " ".join(p.fr), " ".join(f"{j}-{i}" for j, i in p.align)])


def parse_pair(line: str) -> Pair:
    en, fr, al = line.rstrip("\n").split("\t")
    align = [tuple(int(x) for x in link.split("-")) for link in al.split()]
    return Pair(en.split(), fr.split(), align)  # type: ignore[arg-type]


def length_histogram(pairs: list[Pair], width: int = 5) -> dict[str, int]:
    """English lengths in bins of ``width`` tokens: {"0–4": n, "5–9": n, …}."""
    if width <= 0:
        raise ValueError(f"width: got {width}; expected a bin width > 0")
    counts = Counter(len(p.en) // width for p in pairs)
    return {f"{b * width}–{b * width + width - 1}": counts[b] for b in range(min(counts), max(counts) + 1)}


def datasheet(world: dict[str, list[Pair]], seed: int = SEED) -> str:
    """The datasheet in data/DATASHEET.md, computed from the splits themselves."""
    all_pairs = [p for s in ("train", "valid", "test", "test_long") for p in world[s]]
    en_vocab = sorted({t for p in all_pairs for t in p.en})
    fr_vocab = sorted({t for p in all_pairs for t in p.fr})
    lines = [
        "# Datasheet: the tiny world",
        "",
        "**What it is.** English→French sentence pairs from a small generated world, each with its word",
        "alignment, plus a long-lag memory task. The course trains every model on it, so every experiment runs in",
        "seconds on a laptop CPU and every claim can be measured against a known truth.",
        "",
        f"**How it was made.** `python -m helpers.corpus` (seed {seed}) runs the grammar in `helpers/tinyworld.py`",
        "over the words in `helpers/lexicon.py`. Each phrase is built in both languages at once, so every French",
        "word knows which English words it translates. French agreement (gender, number, past participles after",
        "être), adjectives that move (the black cat → le chat noir) or stay (the small dog → le petit chien),",
        "elision (l'oiseau, j'ai, qu'un) and contraction (au magasin, du parc) are applied as pairs are built.",
        "The seed text's example sentences are pinned to the training split. `tests/test_corpus.py` regenerates",
        "every file and compares it byte for byte with what is committed.",
        "",
        "**Files.** `tinyworld/<split>.tsv`: one pair a line, three tab-separated fields: English tokens, French",
        "tokens, and the alignment as `f-e` links (French index, English index, from 0). `memory/<split>.tsv`:",
        "a sequence of one-character tokens (`key`, noise, `?`) and the key to recall.",
        "",
        "| split | pairs | English tokens: min / mean / max |",
        "|---|---|---|",
    ]
    for s in SPLITS:
        n = [len(p.en) for p in world[s]]
        lines.append(f"| {s} | {len(n)} | {min(n)} / {sum(n) / len(n):.1f} / {max(n)} |")
    lines += [
        "",
        "No English sentence appears in more than one of train, valid, test and test_long. Clauses per sentence",
        f"in train/valid/test: {', '.join(f'{k}: {v:.0%}' for k, v in CLAUSE_MIX.items())}; test_long has",
        f"{LONG_CLAUSES[0]}–{LONG_CLAUSES[1]} clauses and at least {LONG_MIN_TOKENS} English tokens.",
        "",
        f"**Vocabulary.** English: {len(en_vocab)} token types; French: {len(fr_vocab)} token types "
        "(punctuation included, lower case).",
        "",
        "**English length histogram (all splits, tokens including punctuation).**",
        "",
        "```",
    ]
    hist = length_histogram(all_pairs)
    top = max(hist.values())
    lines += [f"{k:>7} {v:6d} {'█' * max(1 if v else 0, round(40 * v / top))}" for k, v in hist.items()]
    mem = memory.generate(seed)
    lines += [
        "```",
        "",
        f"**Memory task.** train: {len(mem['train'])} sequences with lags {memory.TRAIN_LAGS[0]}–"
        f"{memory.TRAIN_LAGS[1]} drawn uniformly; test: {memory.N_TEST_PER_LAG} per lag for lags "
        f"{', '.join(map(str, memory.TEST_LAGS))}. {len(memory.KEYS)} keys, so chance is "
        f"{1 / len(memory.KEYS):.1%}.",
        "",
        "**Licence.** The data set is released under CC0 1.0 (public domain dedication); the code that makes it",
        "is under the repository's MIT licence.",
        "",
    ]
    return "\n".join(lines)


def write_all(data_dir: str | Path | None = None, seed: int = SEED) -> list[Path]:
    """Write every data file and the datasheet; returns the paths written."""
    root = Path(data_dir) if data_dir is not None else data_root()
    world = generate_world(seed)
    (root / "tinyworld").mkdir(parents=True, exist_ok=True)
    paths = []
    for split in SPLITS:
        path = root / "tinyworld" / f"{split}.tsv"
        path.write_text("".join(format_pair(p) + "\n" for p in world[split]), encoding="utf-8")
        paths.append(path)
    paths += memory.write(root / "memory", seed)
    sheet = root / "DATASHEET.md"
    sheet.write_text(datasheet(world, seed), encoding="utf-8")
    return paths + [sheet]


def load_pairs(split: str, data_dir: str | Path | None = None) -> list[Pair]:
    """Read one split of the tiny world from data/tinyworld."""
    if split not in SPLITS:
        raise ValueError(f"split: got {split!r}; expected one of {', '.join(SPLITS)}")
    root = Path(data_dir) if data_dir is not None else data_root()
    text = (root / "tinyworld" / f"{split}.tsv").read_text(encoding="utf-8")
    return [parse_pair(line) for line in text.splitlines()]


if __name__ == "__main__":
    for path in write_all(sys.argv[1] if len(sys.argv) > 1 else None):
        print(path)
