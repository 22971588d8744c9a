"""The tiny-world data set on disk: deterministic splits, the files in data/, their datasheet, and loading.

``python -m helpers.corpus`` regenerates every file in data/ from the seed; a test does the same in a temporary
folder and compares byte for byte.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path

from . import memory_task
from .env import data_root
from .lexicon import CONTEXT_WORDS
from .tinyworld import Generator, Pair, constructions, course_examples

__all__ = ["data_root", "generate_world", "load_pairs", "write_all", "datasheet", "BUCKETS", "bucket_of"]

SEED = 0
SIZES = {"train": 10_000, "valid": 1_000, "test": 1_000, "test_long": 300}
SPLITS = tuple(SIZES) + ("examples",)
CLAUSE_MIX = {1: 0.65, 2: 0.30, 3: 0.05}  # clauses per sentence in train/valid/test
MAX_TOKENS = 44  # no sentence of train/valid/test is longer: longer ones are tested only as extrapolation
# The length buckets every lesson reports (English tokens, punctuation included), and the least number of
# training pairs in each: sentences of 3–5 clauses top train up where the clause mix alone leaves it short.
BUCKETS = {"3–7": (3, 7), "8–12": (8, 12), "13–17": (13, 17), "18–24": (18, 24), "25–34": (25, 34),
           "35–44": (35, 44), "45–55 (extrapolation)": (45, 55)}
EDGES = [lo for lo, _ in BUCKETS.values()]  # for metrics.accuracy_by_bucket: [3, 8, 13, 18, 25, 35, 45]
TRAIN_MIN_PER_BUCKET = 250
TOPUP_CLAUSES = (3, 5)
# test_long: pairs of these buckets, 100 each; the last is longer than any training sentence.
LONG_BUCKETS = ("25–34", "35–44", "45–55 (extrapolation)")
LONG_PER_BUCKET = 100
LONG_MIN_TOKENS = 25


def bucket_of(n_tokens: int) -> str | None:
    """The name of the length bucket an English length falls in (None below 3 or above 55)."""
    return next((name for name, (lo, hi) in BUCKETS.items() if lo <= n_tokens <= hi), None)


def _clauses(rng: random.Random) -> int:
    x, acc = rng.random(), 0.0
    for n, p in CLAUSE_MIX.items():
        acc += p
        if x < acc:
            return n
    return max(CLAUSE_MIX)


def generate_world(seed: int = SEED, sizes: dict[str, int] | None = None) -> dict[str, list[Pair]]:
    """All splits. No English sentence appears in two splits; the course's examples are pinned to train.

    train, valid and test are drawn from one pool of sentences of at most ``MAX_TOKENS`` tokens; train is then
    topped up with longer sentences until each bucket up to 35–44 holds ``TRAIN_MIN_PER_BUCKET`` pairs (so
    the lessons' long-sentence results measure what a model learned, not extrapolation); as many pool pairs
    of the fullest bucket leave train, so it keeps its size. test_long holds
    ``LONG_PER_BUCKET`` pairs in each of ``LONG_BUCKETS``; its last bucket is longer than any training pair.
    """
    sizes = dict(SIZES if sizes is None else sizes)
    for name, n in sizes.items():
        if name not in SIZES:
            raise ValueError(f"sizes: got split {name!r}; expected one of {sorted(SIZES)}")
        if not isinstance(n, int) or n < 0:
            raise ValueError(f"sizes[{name!r}]: got {n!r}; expected a whole number ≥ 0")
    sizes = {**SIZES, **sizes}
    gen = Generator(random.Random(seed))
    examples = course_examples()
    seen = {" ".join(p.en) for p in examples}

    def draw(n_clauses: int) -> Pair | None:
        p = gen.sentence(n_clauses)
        key = " ".join(p.en)
        if key in seen:
            return None
        seen.add(key)
        return p

    pool: list[Pair] = []
    n_pool = sizes["train"] + sizes["valid"] + sizes["test"] - len(examples)
    while len(pool) < n_pool:
        p = draw(_clauses(gen.rng))
        if p is not None and len(p.en) <= MAX_TOKENS:
            pool.append(p)
    n_test, n_valid = sizes["test"], sizes["valid"]
    train = examples + pool[n_test + n_valid:]
    if sizes["train"] == SIZES["train"]:  # the top-up belongs to the full-size world only
        have = Counter(bucket_of(len(p.en)) for p in train)
        need = {b: TRAIN_MIN_PER_BUCKET - have[b] for b in list(BUCKETS)[:-1] if have[b] < TRAIN_MIN_PER_BUCKET}
        while need:
            p = gen.sentence(gen.rng.randint(*TOPUP_CLAUSES))
            b = bucket_of(len(p.en))
            if b in need and " ".join(p.en) not in seen:
                seen.add(" ".join(p.en))
                train.append(p)
                need[b] -= 1
                if not need[b]:
                    del need[b]
        # keep train at its size: the top-up replaces pool pairs of the fullest bucket, latest first
        extra, fullest = len(train) - sizes["train"], max(BUCKETS, key=lambda b: have[b])
        drop = [k for k in range(len(train) - 1, len(examples) - 1, -1) if bucket_of(len(train[k].en)) == fullest]
        for k in sorted(drop[:max(extra, 0)], reverse=True):
            del train[k]
    long: list[Pair] = []
    want = {b: round(sizes["test_long"] * LONG_PER_BUCKET / SIZES["test_long"]) for b in LONG_BUCKETS}
    want[LONG_BUCKETS[-1]] += sizes["test_long"] - sum(want.values())
    while len(long) < sizes["test_long"]:
        p = gen.sentence(gen.rng.randint(3, 6))
        b = bucket_of(len(p.en))
        if want.get(b, 0) > 0 and " ".join(p.en) not in seen:
            seen.add(" ".join(p.en))
            long.append(p)
            want[b] -= 1
    return {
        "train": train,
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


def bucket_counts(pairs: list[Pair]) -> dict[str, int]:
    """How many pairs fall in each of ``BUCKETS`` (by English length)."""
    counts = Counter(bucket_of(len(p.en)) for p in pairs)
    return {b: counts[b] for b in BUCKETS}


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
        "être and after a preceding object), adjectives that move (the black cat → le chat noir) or stay (the",
        "small dog → le petit chien), elision (l'oiseau, l'hôtel, n'a, qu'un; but le hibou, le yaourt) and",
        "contraction (au magasin, du parc, aux écoles) are applied as pairs are built. The example sentences the",
        "lessons quote are pinned to the training split. `tests/test_corpus.py` regenerates every file and",
        "compares it byte for byte with what is committed; `tests/fixtures/golden.tsv` holds hand-checked pairs",
        "that the generator must reproduce exactly.",
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
        f"in train/valid/test: {', '.join(f'{k}: {v:.0%}' for k, v in CLAUSE_MIX.items())}, at most {MAX_TOKENS}",
        f"tokens; train is topped up with sentences of {TOPUP_CLAUSES[0]}–{TOPUP_CLAUSES[1]} clauses so that every",
        f"bucket up to 35–44 holds at least {TRAIN_MIN_PER_BUCKET} training pairs. test_long holds",
        f"{LONG_PER_BUCKET} pairs in each of {', '.join(LONG_BUCKETS)}.",
        "",
        "**Pairs per length bucket** (English tokens, punctuation included). The 45–55 bucket is longer than",
        "every training sentence: a result there measures length extrapolation, and the lessons say so.",
        "",
        "| split | " + " | ".join(BUCKETS) + " |",
        "|---|" + "---:|" * len(BUCKETS),
    ]
    for s in ("train", "valid", "test", "test_long"):
        lines.append(f"| {s} | " + " | ".join(str(v) for v in bucket_counts(world[s]).values()) + " |")
    tags = Counter(t for s in ("train", "valid", "test", "test_long") for p in world[s] for t in constructions(p))
    lines += [
        "",
        "**Constructions** (pairs of all four splits that show each; a pair may show several).",
        "",
        "| construction | example | pairs |",
        "|---|---|---:|",
    ]
    for tag, example in CONSTRUCTION_EXAMPLES.items():
        lines.append(f"| {tag} | {example} | {tags[tag]} |")
    lines += [
        "",
        "**Words whose French depends on their context.** The same English word has more than one translation,",
        "and the noun or the construction decides which:",
        "",
    ]
    lines += [f"- *{w}*: {how}" for w, how in CONTEXT_WORDS.items()]
    lines += [
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
    mem = memory_task.generate(seed)
    lines += [
        "```",
        "",
        f"**Memory task.** train: {len(mem['train'])} sequences with lags {memory_task.TRAIN_LAGS[0]}–"
        f"{memory_task.TRAIN_LAGS[1]} drawn uniformly; test: {memory_task.N_TEST_PER_LAG} per lag for lags "
        f"{', '.join(map(str, memory_task.TEST_LAGS))}. {len(memory_task.KEYS)} keys, so chance is "
        f"{1 / len(memory_task.KEYS):.1%}.",
        "",
        "**Licence.** The data set is released under CC0 1.0 (public domain dedication); the code that makes it",
        "is under the repository's MIT licence.",
        "",
    ]
    return "\n".join(lines)


CONSTRUCTION_EXAMPLES = {
    "negation": "the dog did not bark → le chien n'a pas aboyé",
    "yes/no question": "did the cat sleep ? → est-ce que le chat a dormi ?",
    "object relative": "the mouse that the cat chased → la souris que le chat a poursuivie",
    "subject relative": "the dog that barked → le chien qui a aboyé",
    "plural": "the girls sat → les filles se sont assises",
    "two adjectives": "the small black cat → le petit chat noir",
    "du futur": "a future city → une ville du futur",
    "two or more clauses": "… because … → … parce que …",
}


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
    paths += memory_task.write(root / "memory", seed)
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
