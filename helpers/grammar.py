"""The recogniser: is an English sentence one the tiny world can say?

A small recursive-descent parser over the same word tables the generator uses (``lexicon``). It checks word
order (the small black cat, not the black small cat), number agreement (the cat sits / the cats sit; does /
do), articles (a cat, an apple; no "a cats"), the verb's frame (sat needs a place, chased needs an object),
negation (did not bark), yes/no questions (did the cat sleep ?) and relative clauses (the cat that barked, the
mouse that the cat chased). Then it checks the world's facts: which adjective fits which noun (no future
dogs), where one may go (not to a cake), who barks and sings, what each verb takes as subject and object.

``parses`` asks only for the structure. ``fact_errors`` lists what a sentence says that the world does not
allow ("a ball cannot chase"), or ["not grammatical"] when it does not parse. ``is_grammatical`` is true when
the sentence parses and breaks no rule: exactly the sentences the generator can write.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .lexicon import (
    ADJ_BY_EN,
    ADVERBS,
    CONJUNCTIONS,
    DO,
    FIXED_PHRASES,
    FUTURE,
    FUTURE_NOUNS,
    GO_INDEFINITE,
    GOODS,
    NOUN_BY_EN,
    PERSONS,
    PLACE_PREP_KINDS,
    SIT_PREP_KINDS,
    VERB_SUBJECT_NOUNS,
    VERBS,
    Noun,
    Verb,
)

# Parse steps yield (next position, errors): errors are the world's rules the words break, as sentences.
Errors = tuple[str, ...]
_FIXED = {tuple(en.split()) for en, _, _ in FIXED_PHRASES}


def _tokens(sentence: str | list[str]) -> list[str]:
    from .tinyworld import tokenize

    if isinstance(sentence, str):
        return tokenize(sentence)
    if isinstance(sentence, (list, tuple)) and all(isinstance(t, str) for t in sentence):
        return [t.lower() for t in sentence]
    raise ValueError(f"sentence: got {type(sentence).__name__}; expected a string or a list of tokens")


def _a(noun: Noun) -> str:
    return ("an " if noun.en[0] in "aeiou" else "a ") + noun.en


def _subject_errors(subj: Noun, verb: Verb) -> Errors:
    allowed = VERB_SUBJECT_NOUNS.get(verb.en_past)
    if subj.kind not in verb.subjects or (allowed and subj.en not in allowed):
        return (f"{_a(subj)} cannot {verb.en_base}",)
    return ()


def _np(t: list[str], i: int, relative: bool) -> Iterator[tuple[int, Noun, bool, bool, Errors]]:
    """det (adjective) (colour) noun (that …), or det future noun: yields (end, noun, plural, definite, errors)."""
    if i >= len(t) or t[i] not in ("the", "a", "an"):
        return
    det, j = t[i], i + 1
    adjs = []
    if j < len(t) and t[j] == FUTURE:
        adjs, j = [FUTURE], j + 1
    else:
        if j < len(t) and t[j] in ADJ_BY_EN and not ADJ_BY_EN[t[j]].colour:
            adjs.append(t[j])
            j += 1
        if j < len(t) and t[j] in ADJ_BY_EN and ADJ_BY_EN[t[j]].colour:
            adjs.append(t[j])
            j += 1
    if j >= len(t) or t[j] not in NOUN_BY_EN:
        return
    noun, plural = NOUN_BY_EN[t[j]], t[j] == NOUN_BY_EN[t[j]].en_pl
    if det in ("a", "an") and (plural or (det == "an") != (t[i + 1][0] in "aeiou")):
        return  # a cats, an cat, a apple
    errors: Errors = ()
    for a in adjs:
        if (a == FUTURE and noun.en not in FUTURE_NOUNS) or (a != FUTURE and not ADJ_BY_EN[a].fits(noun)):
            errors += (f"{_a(noun)} cannot be {a}",)
    definite = det == "the"
    yield j + 1, noun, plural, definite, errors
    if relative and j + 1 < len(t) and t[j + 1] == "that":
        for k, rel_errors in _vp(t, j + 2, noun, plural, "plain", objects_relative=False):
            yield k, noun, plural, definite, errors + rel_errors
        for k, rel_errors in _object_relative(t, j + 2, noun):
            yield k, noun, plural, definite, errors + rel_errors


def _object_relative(t: list[str], i: int, head: Noun) -> Iterator[tuple[int, Errors]]:
    """(the mouse) that the cat chased: a plain noun phrase and a transitive verb whose object is the head."""
    for j, subj, plural, _, errors in _np(t, i, relative=False):
        for verb in VERBS:
            if verb.frame != "transitive":
                continue
            for form in (verb.en_past, verb.en_base if plural else verb.en_3sg):
                if t[j:j + 1] == [form]:
                    obj_errors = () if head.kind in verb.objects else (f"one cannot {verb.en_base} {_a(head)}",)
                    yield j + 1, errors + _subject_errors(subj, verb) + obj_errors


def _vp(t: list[str], i: int, subj: Noun, plural: bool, form: str, objects_relative: bool = True
        ) -> Iterator[tuple[int, Errors]]:
    """The verb (agreeing with the subject), what it takes, then an optional adverb. ``form``: "plain",
    "negated" (did/does/do not + base form) or "question" (base form: the did/does/do came first)."""
    if form == "negated":
        past, present = DO["past"][0], DO["present"][1 if plural else 0]
        if t[i:i + 1] not in ([past], [present]) or t[i + 1:i + 2] != ["not"]:
            return
        i += 2
    for verb in VERBS:
        forms = (verb.en_past, verb.en_base if plural else verb.en_3sg) if form == "plain" else (verb.en_base,)
        for f in forms:
            words = f.split()
            if t[i:i + len(words)] != words:
                continue
            for k, errors in _complements(t, i + len(words), verb, objects_relative):
                errors = _subject_errors(subj, verb) + errors
                yield k, errors
                if k < len(t) and t[k] in ADVERBS:
                    yield k + 1, errors


def _complements(t: list[str], j: int, verb: Verb, objects_relative: bool) -> Iterator[tuple[int, Errors]]:
    if verb.frame in ("transitive", "over"):
        for k, obj, _, _, errors in _np(t, j, relative=objects_relative):
            bad = () if obj.kind in verb.objects else (f"one cannot {verb.en_base} {_a(obj)}",)
            yield k, errors + bad
    elif verb.frame == "sit":
        yield from _pp(t, j, SIT_PREP_KINDS, "sit")
    elif verb.frame == "go":
        if j < len(t) and t[j] == "to":
            for k, noun, _, definite, errors in _np(t, j + 1, relative=False):
                if noun.kind != "place" or (not definite and noun.en not in GO_INDEFINITE):
                    errors += (f"one cannot go to {'the ' + noun.en if definite else _a(noun)}",)
                yield k, errors
    else:
        yield j, ()
        yield from _pp(t, j, PLACE_PREP_KINDS, verb.en_base)


def _pp(t: list[str], j: int, kinds: dict[str, tuple[str, ...]], what: str) -> Iterator[tuple[int, Errors]]:
    if j < len(t) and t[j] in kinds:
        for k, noun, _, _, errors in _np(t, j + 1, relative=False):
            bad = () if noun.kind in kinds[t[j]] else (f"one cannot {what} {t[j]} {_a(noun)}",)
            yield k, errors + bad


def _clause(t: list[str], i: int) -> Iterator[tuple[int, Errors]]:
    for j, noun, plural, _, np_errors in _np(t, i, relative=True):
        for form in ("plain", "negated"):
            for k, errors in _vp(t, j, noun, plural, form):
                yield k, np_errors + errors


def _first_person(t: list[str]) -> bool:
    """i am going to the store (because i need some groceries) ."""
    for who, p in PERSONS.items():
        head = [who] + p["be_going"] + ["to"]
        if t[:len(head)] != head:
            continue
        for j, noun, _, definite, errors in _np(t, len(head), relative=False):
            rest = t[j:]
            if noun.kind == "place" and definite and not errors and (
                rest == ["."] or (len(rest) == 6 and rest[0] == "because" and rest[1] in PERSONS
                                  and rest[2:4] == ["need", "some"] and rest[4] in GOODS and rest[5] == ".")):
                return True
    return False


def _analyses(t: list[str]) -> Iterator[Errors]:
    """Every way the tokens parse as a whole sentence, each with the rules it breaks."""
    if len(t) < 2:
        return
    if t[-1] == "?" and t[0] in (DO["past"] + DO["present"]):  # did the cat sleep ?
        for j, noun, plural, _, errors in _np(t, 1, relative=True):
            if t[0] in DO["present"] and t[0] != DO["present"][1 if plural else 0]:
                continue  # does the cats, do the cat
            for k, vp_errors in _vp(t, j, noun, plural, "question"):
                if k == len(t) - 1:
                    yield errors + vp_errors
        return
    if t[-1] != ".":
        return
    body, starts = t[:-1], [(0, ())]
    if body[:1] == ["in"]:  # In a future city, ...
        starts = []
        for j, noun, _, _, errors in _np(body, 1, relative=False):
            if j < len(body) and body[j] == ",":
                bad = () if noun.kind == "place" else (f"the story cannot be in {_a(noun)}",)
                starts.append((j + 1, errors + bad))

    def clauses(i: int) -> Iterator[Errors]:
        for j, errors in _clause(body, i):
            if j == len(body):
                yield errors
            elif body[j] in CONJUNCTIONS:
                for more in clauses(j + 1):
                    yield errors + more

    for start, errors in starts:
        for more in clauses(start):
            yield errors + more


def parses(sentence: str | list[str]) -> bool:
    """True if the sentence has the structure of a sentence of the world (facts are not checked)."""
    t = _tokens(sentence)
    return bool(t) and (tuple(t) in _FIXED or _first_person(t) or next(_analyses(t), None) is not None)


def fact_errors(sentence: str | list[str]) -> list[str]:
    """The world's rules a sentence breaks (e.g. ["a ball cannot chase"]); ["not grammatical"] if it does not
    parse; [] if the world could say it. With several parses, the one that breaks the fewest rules counts."""
    t = _tokens(sentence)
    if not t:
        return ["not grammatical"]
    if tuple(t) in _FIXED or _first_person(t):
        return []
    best: Errors | None = None
    for errors in _analyses(t):
        if best is None or len(errors) < len(best):
            best = errors
            if not best:
                break
    if best is None:
        return ["not grammatical"]
    return list(dict.fromkeys(best))


def is_grammatical(sentence: str | list[str]) -> bool:
    """True if the tiny world can say this sentence: it parses and breaks none of the world's rules."""
    return fact_errors(sentence) == []


# ------------------------------------------------------------------- the main verb after a subject's clause
@dataclass(frozen=True)
class VerbSlot:
    """Where a sentence's main verb starts, after its subject and that subject's relative clause (if any)."""

    index: int  # position of the main verb's first word: the words before it are the prompt
    clause_length: int  # words of the relative clause ("that barked loudly": 3); 0 for a plain subject
    noun: str  # the subject's noun as written ("dog", "cats")
    plural: bool
    closed: bool  # the clause cannot go on here, so the next word must begin the main verb


def main_verb_slot(sentence: str | list[str]) -> VerbSlot | None:
    """For a grammatical sentence that opens with its subject ("the dog that barked loudly ran away ."), where
    the main verb starts, how long the subject's relative clause is and whether that clause is closed (the
    next word must begin the main verb); None for other sentences."""
    t = _tokens(sentence)
    if not is_grammatical(t) or t[-1] != ".":
        return None
    body = t[:-1]
    for end, noun, plural, _, errors in _np(body, 0, relative=True):
        if errors:
            continue
        for form in ("plain", "negated"):
            for k, vp_errors in _vp(body, end, noun, plural, form):
                if not vp_errors and (k == len(body) or body[k] in CONJUNCTIONS):
                    head = body.index(noun.en_pl if plural else noun.en)  # the subject's noun
                    length = end - head - 1
                    # an object relative (that the cat chased) or a clause that ended on its adverb (that
                    # barked loudly) takes no more words; after "that barked" an adverb or a place could follow
                    closed = length > 0 and (body[head + 2] in ("the", "a", "an") or body[end - 1] in ADVERBS)
                    return VerbSlot(end, length, body[head], plural, closed)
    return None


def starts_main_verb(word: str, noun: str, plural: bool) -> bool:
    """True if ``word`` can begin the predicate of the subject ``noun``: a verb form that agrees in number (cat
    sits, cats sit; ran for both) and that the noun may do (only dogs bark), or did/does/do of a negation."""
    if noun not in NOUN_BY_EN:
        raise ValueError(f"noun: got {noun!r}; expected a noun of the world, e.g. 'dog' or 'cats'")
    subj = NOUN_BY_EN[noun]
    if word in (DO["past"][0], DO["present"][1 if plural else 0]):
        return True
    return any(word == form.split()[0] and not _subject_errors(subj, verb)
               for verb in VERBS for form in (verb.en_past, verb.en_base if plural else verb.en_3sg))
