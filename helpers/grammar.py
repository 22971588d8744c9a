"""The recogniser: is an English sentence grammatical in the tiny world, and does it respect the world's facts?

A small recursive-descent parser over the same word tables the generator uses (``lexicon``). It checks word
order, number agreement (the cat sits / the cats sit), articles (a cat, an apple; no "a cats") and the verb's
frame (sat needs a place, chased needs an object). ``is_grammatical`` asks only that; ``fact_errors`` also
checks who can do what (balls do not chase, only dogs bark), which is how lesson 07 catches a hallucination.
"""

from __future__ import annotations

from collections.abc import Iterator

from .lexicon import (
    ADJ_BY_EN,
    ADVERBS,
    CONJUNCTIONS,
    FIXED_PHRASES,
    GOODS,
    NOUN_BY_EN,
    PERSONS,
    VERB_SUBJECT_NOUNS,
    VERBS,
    Noun,
    Verb,
)

# A parse step yields (next position, facts): facts are (subject noun, verb, object noun or None) triples.
Facts = tuple[tuple[Noun, Verb, "Noun | None"], ...]
_FIXED = {tuple(en.split()) for en, _, _ in FIXED_PHRASES}
_SIT_PREPS, _PLACE_PREPS = ("on", "under", "near", "behind"), ("in", "near", "behind", "with")


def _tokens(sentence: str | list[str]) -> list[str]:
    from .tinyworld import tokenize

    if isinstance(sentence, str):
        return tokenize(sentence)
    if isinstance(sentence, (list, tuple)) and all(isinstance(t, str) for t in sentence):
        return [t.lower() for t in sentence]
    raise ValueError(f"sentence: got {type(sentence).__name__}; expected a string or a list of tokens")


def _np(t: list[str], i: int, relative: bool) -> Iterator[tuple[int, Noun, bool, Facts]]:
    """(the|a|an) (pre-adjective) (post-adjective) noun (that VP): yields (end, noun, plural, facts)."""
    if i >= len(t) or t[i] not in ("the", "a", "an"):
        return
    det, j = t[i], i + 1
    if j < len(t) and t[j] in ADJ_BY_EN and ADJ_BY_EN[t[j]].before:
        j += 1
    if j < len(t) and t[j] in ADJ_BY_EN and not ADJ_BY_EN[t[j]].before:
        j += 1
    if j >= len(t) or t[j] not in NOUN_BY_EN:
        return
    noun, plural = NOUN_BY_EN[t[j]], t[j] == NOUN_BY_EN[t[j]].en_pl
    if det in ("a", "an") and (plural or (det == "an") != (t[i + 1][0] in "aeiou")):
        return  # a cats, an cat, a apple
    yield j + 1, noun, plural, ()
    if relative and j + 1 < len(t) and t[j + 1] == "that":
        for k, facts in _vp(t, j + 2, noun, plural, objects_relative=False):
            yield k, noun, plural, facts


def _verb_forms(verb: Verb, plural: bool) -> tuple[str, ...]:
    return (verb.en_past, verb.en_base if plural else verb.en_3sg)


def _vp(t: list[str], i: int, subj: Noun, plural: bool, objects_relative: bool = True) -> Iterator[tuple[int, Facts]]:
    """A verb agreeing with its subject, its object or place, then an optional adverb."""
    for verb in VERBS:
        for form in _verb_forms(verb, plural):
            words = form.split()
            if t[i:i + len(words)] != words:
                continue
            j = i + len(words)
            for k, obj, facts in _complements(t, j, verb, objects_relative):
                fact = ((subj, verb, obj),) + facts
                yield k, fact
                if k < len(t) and t[k] in ADVERBS:
                    yield k + 1, fact


def _complements(t: list[str], j: int, verb: Verb, objects_relative: bool):
    if verb.frame in ("transitive", "over"):
        for k, noun, _, facts in _np(t, j, relative=objects_relative):
            yield k, noun, facts
    elif verb.frame == "sit":
        yield from _pp(t, j, _SIT_PREPS)
    elif verb.frame == "go":
        if j < len(t) and t[j] == "to":
            for k, noun, _, _ in _np(t, j + 1, relative=False):
                yield k, noun, ()
    else:
        yield j, None, ()
        yield from _pp(t, j, _PLACE_PREPS)


def _pp(t: list[str], j: int, preps: tuple[str, ...]):
    if j < len(t) and t[j] in preps:
        for k, _noun, _, _ in _np(t, j + 1, relative=False):
            yield k, None, ()


def _clause(t: list[str], i: int) -> Iterator[tuple[int, Facts]]:
    for j, noun, plural, rel_facts in _np(t, i, relative=True):
        for k, facts in _vp(t, j, noun, plural):
            yield k, rel_facts + facts


def _first_person(t: list[str]) -> bool:
    """i am going to the store (because i need some groceries) ."""
    for who, p in PERSONS.items():
        head = [who] + p["be_going"] + ["to"]
        if t[:len(head)] != head:
            continue
        for j, noun, _, _ in _np(t, len(head), relative=False):
            rest = t[j:]
            if noun.kind == "place" and t[len(head)] == "the" and (
                rest == ["."] or (len(rest) == 6 and rest[0] == "because" and rest[1] in PERSONS
                                  and rest[2:4] == ["need", "some"] and rest[4] in GOODS and rest[5] == ".")):
                return True
    return False


def _analyses(t: list[str]) -> Iterator[Facts]:
    """Every way the tokens parse as a whole sentence, each with its facts."""
    if not t or t[-1] != ".":
        return
    body, start = t[:-1], 0
    if body[:1] == ["in"]:  # In a future city, ...
        ends = [j for j, _, _, _ in _np(body, 1, relative=False) if j < len(body) and body[j] == ","]
        if not ends:
            return
        start = ends[0] + 1

    def clauses(i: int) -> Iterator[Facts]:
        for j, facts in _clause(body, i):
            if j == len(body):
                yield facts
            elif body[j] in CONJUNCTIONS:
                for more in clauses(j + 1):
                    yield facts + more

    yield from clauses(start)


def is_grammatical(sentence: str | list[str]) -> bool:
    """True if the sentence is English the world's grammar can produce (facts are not checked)."""
    t = _tokens(sentence)
    if not t:
        return False
    if tuple(t) in _FIXED or _first_person(t):
        return True
    return next(_analyses(t), None) is not None


def fact_errors(sentence: str | list[str]) -> list[str]:
    """What a grammatical sentence says that the world does not allow (e.g. "a ball cannot chase");
    ["not grammatical"] if it does not parse; [] if it is a true-to-the-world sentence."""
    t = _tokens(sentence)
    if not is_grammatical(t):
        return ["not grammatical"]
    if tuple(t) in _FIXED or _first_person(t):
        return []
    best: list[str] | None = None
    for facts in _analyses(t):
        errors = []
        for subj, verb, obj in facts:
            allowed = VERB_SUBJECT_NOUNS.get(verb.en_past)
            if subj.kind not in verb.subjects or (allowed and subj.en not in allowed):
                errors.append(f"a {subj.en} cannot {verb.en_base}")
            if obj is not None and verb.objects and obj.kind not in verb.objects:
                errors.append(f"one cannot {verb.en_base} a {obj.en}")
        if best is None or len(errors) < len(best):
            best = errors
    return best or []
