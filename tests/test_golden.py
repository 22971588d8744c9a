"""The golden set: hand-checked pairs the generator must reproduce exactly, covering every construction and
every word whose French depends on its context; and the full list of elided and contracted forms."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from helpers import corpus
from helpers.lexicon import CONTEXT_WORDS
from helpers.tinyworld import constructions

GOLDEN = Path(__file__).parent / "fixtures" / "golden.tsv"


def golden_rows() -> list[tuple[str, list[str], list[str], list[tuple[int, int]]]]:
    rows = []
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        tag, en, fr, al = line.split("\t")
        rows.append((tag, en.split(), fr.split(), sorted(tuple(map(int, x.split("-"))) for x in al.split())))
    return rows


@pytest.fixture(scope="module")
def world():
    return {" ".join(p.en): p for s in corpus.SPLITS for p in corpus.load_pairs(s)}


def test_the_golden_set_is_large_enough_and_has_no_duplicates():
    rows = golden_rows()
    assert len(rows) >= 80
    assert len({" ".join(en) for _, en, _, _ in rows}) == len(rows)


def test_the_generator_produces_exactly_the_golden_translations_and_alignments(world):
    for tag, en, fr, align in golden_rows():
        key = " ".join(en)
        assert key in world, f"{tag}: {key!r} is not in the data"
        assert world[key].fr == fr, f"{tag}: {key!r} → {' '.join(world[key].fr)!r}, golden {' '.join(fr)!r}"
        assert sorted(world[key].align) == align, f"{tag}: {key!r} has other alignment links"


def test_the_golden_set_covers_every_construction():
    shown = {t for _, en, fr, _ in golden_rows() for t in constructions(corpus.Pair(en, fr))}
    assert set(corpus.CONSTRUCTION_EXAMPLES) <= shown


# Each context-dependent word, and French that shows each of its translations.
CONTEXT_FORMS = {
    "brown": [" renard roux ", " renards roux ", " chat brun ", " souris brunes ", " chevaux bruns ", " tapis marron ",
              " tables marron "],
    "future": [" ville du futur ", " maisons du futur "],
    "to (after go)": [" allé au ", " allés à la ", " allé à l' ", " aux ", " dans un ", " dans une "],
    "a / an": [" pas poursuivi de ", " pas trouvé d' "],
    "not": [" n' a pas ", " ne joue pas ", " ne s' est pas ", " ne se sont pas "],
    "did / does / do": ["est-ce que", "est-ce qu'", " a dormi ", " joue "],
    "that": [" qui ", " que ", " qu' "],
}


def test_the_golden_set_covers_every_translation_of_every_context_word():
    assert set(CONTEXT_FORMS) == set(CONTEXT_WORDS)
    french = [" " + " ".join(fr) + " " for _, _, fr, _ in golden_rows()]
    for w, forms in CONTEXT_FORMS.items():
        for form in forms:
            assert any(form in f for f in french), f"{w}: no golden pair shows {form!r}"


# Every elided word the generator writes, with every word it is elided before; then every contraction.
ELIDED = {
    "l'": {"arbre", "hôtel", "oiseau", "école"},  # h muet: l'hôtel; but le hibou (h aspiré), le yaourt (y)
    "d'": {"aide", "arbre", "eau", "hôtel", "oiseau", "un", "une"},  # d'eau, n'a pas trouvé d'arbre, près d'un parc
    "qu'": {"un", "une"},
    "j'": {"ai"},
    "s'": {"assoient", "assoit", "enfuient", "enfuit", "est"},
    "n'": {"a", "aboie", "aboient", "aime", "aiment", "attrape", "attrapent", "est", "ont"},
}
CONTRACTED = {"au": ("à", "le"), "aux": ("à", "les"), "du": ("de", "le"), "des": ("de", "les")}


def test_every_elided_and_contracted_form_is_listed_and_nothing_else_occurs():
    elided, contracted = defaultdict(set), set()
    for s in corpus.SPLITS:
        for p in corpus.load_pairs(s):
            for a, b in zip(p.fr, p.fr[1:], strict=False):
                if a.endswith("'"):
                    elided[a].add(b)
                if a in CONTRACTED:
                    contracted.add(a)
                assert (a, b) not in set(CONTRACTED.values()), p.fr  # à le, de les: contraction must apply
                if a in ("le", "la", "de", "que", "je", "se", "ne"):
                    assert b[0] not in "aeiouéèêàâîôû" and (b[0] != "h" or b.startswith("hibou")), p.fr
    assert dict(elided) == ELIDED
    assert contracted == set(CONTRACTED)
    text = {" ".join(p.fr) for s in corpus.SPLITS for p in corpus.load_pairs(s)}
    for kept in ("le hibou", "le yaourt", "de yaourt"):  # no elision before an aspirated h or a y
        assert any(kept in t for t in text), kept
