"""The tiny world: a seeded generator of English→French sentence pairs with their word alignments.

Every phrase is built in both languages at once, so each French word knows which English words it
translates. French word order, agreement, elision (l'oiseau) and contraction (au magasin) are applied as
the pair is built; alignments follow the words through every change.

A pair is a ``Pair(en, fr, align)``: lower-case token lists and a sorted list of (French index, English
index) links.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

from .lexicon import (
    ADJECTIVES,
    ADVERBS,
    CONJUNCTIONS,
    FIXED_PHRASES,
    GOODS,
    LIVING,
    NOUN_BY_EN,
    NOUNS,
    PERSONS,
    PREPOSITIONS,
    VERB_SUBJECT_NOUNS,
    VERBS,
    Adjective,
    Noun,
    Verb,
    starts_with_vowel,
)


@dataclass
class Pair:
    en: list[str]
    fr: list[str]
    align: list[tuple[int, int]] = field(default_factory=list)  # (French index, English index)


def word(en: str | list[str], fr: str | list[str]) -> Pair:
    """A unit whose French words all translate all its English words (e.g. "chased" → "a chassé")."""
    en_t = en.split() if isinstance(en, str) else list(en)
    fr_t = fr.split() if isinstance(fr, str) else list(fr)
    return Pair(en_t, fr_t, [(j, i) for j in range(len(fr_t)) for i in range(len(en_t))])


def join(parts: list[Pair], fr_order: list[int] | None = None) -> Pair:
    """Concatenate parts in English order; French takes them in ``fr_order`` (default: the same order)."""
    order = list(range(len(parts))) if fr_order is None else fr_order
    en_start, n = [], 0
    for p in parts:
        en_start.append(n)
        n += len(p.en)
    out = Pair([t for p in parts for t in p.en], [], [])
    for k in order:
        p = parts[k]
        base = len(out.fr)
        out.fr += p.fr
        out.align += [(base + j, en_start[k] + i) for j, i in p.align]
    return out


# ---------------------------------------------------------------------------------------------- French
_ELIDE = {"le": "l'", "la": "l'", "de": "d'", "que": "qu'", "je": "j'", "se": "s'"}
_CONTRACT = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}


def finish_french(p: Pair) -> Pair:
    """Apply elision, then contraction, moving the alignment links with the words."""
    fr, links = list(p.fr), [{i for j, i in p.align if j == k} for k in range(len(p.fr))]
    for k in range(len(fr) - 1):  # l'oiseau, d'eau, qu'un, j'ai, s'est
        if fr[k] in _ELIDE and starts_with_vowel(fr[k + 1]):
            fr[k] = _ELIDE[fr[k]]
    k = 0
    while k < len(fr) - 1:  # au magasin, du parc, aux écoles, des arbres
        if (fr[k], fr[k + 1]) in _CONTRACT:
            fr[k : k + 2] = [_CONTRACT[(fr[k], fr[k + 1])]]
            links[k : k + 2] = [links[k] | links[k + 1]]
        k += 1
    align = sorted((j, i) for j, s in enumerate(links) for i in s)
    return Pair(list(p.en), fr, align)


def article(definite: bool, gender: str, plural: bool) -> str:
    if plural:
        return "les" if definite else "des"
    if definite:
        return "le" if gender == "m" else "la"
    return "un" if gender == "m" else "une"


def agree(forms: tuple[str, str, str, str], gender: str, plural: bool) -> str:
    return forms[(2 if plural else 0) + (gender == "f")]


def participle(pp: str, gender: str, plural: bool) -> str:
    """Agreement of a past participle after être: enfui, enfuie, enfuis, enfuies."""
    if pp.endswith("s"):  # assis: the plural adds nothing
        return pp + ("e" if gender == "f" else "") + ("s" if plural and gender == "f" else "")
    return pp + ("e" if gender == "f" else "") + ("s" if plural else "")


# ------------------------------------------------------------------------------------------ noun phrases
@dataclass
class NP:
    pair: Pair
    noun: Noun
    plural: bool


def noun_phrase(noun: Noun, plural: bool = False, definite: bool = True, pre: Adjective | None = None,
                post: Adjective | None = None, relative: Pair | None = None) -> NP:
    """(det) (pre-adjective) (post-adjective) noun (that VP) → det (pre) noun (post) (qui VP)."""
    g = noun.gender
    first = (pre or post or noun).en
    en_det = "the" if definite else ("an" if first[0] in "aeiou" else "a")  # an apple
    det = word(en_det, article(definite, g, plural))
    parts, fr_order = [det], [0]
    if pre:
        parts.append(word(pre.en, agree(pre.fr, g, plural)))
        fr_order.append(len(parts) - 1)
    i_post = None
    if post:
        parts.append(word(post.en, agree(post.fr, g, plural)))
        i_post = len(parts) - 1
    parts.append(word(noun.en_pl if plural else noun.en, noun.fr_pl if plural else noun.fr))
    fr_order.append(len(parts) - 1)
    if i_post is not None:
        fr_order.append(i_post)  # the black cat → le chat noir: the alignment crosses
    if relative:
        parts += [word("that", "qui"), relative]
        fr_order += [len(parts) - 2, len(parts) - 1]
    return NP(join(parts, fr_order), noun, plural)


def verb_phrase(verb: Verb, subj: NP, tense: str, obj: NP | None = None, place: Pair | None = None,
                adverb: str | None = None) -> Pair:
    """The verb in the subject's person, with its object or place, then an optional adverb."""
    g, pl, past = subj.noun.gender, subj.plural, tense == "past"
    en_v = verb.en_past if past else (verb.en_base if pl else verb.en_3sg)
    fr_finite = verb.fr_3pl if pl else verb.fr_3sg
    if verb.frame in ("away", "sit"):  # reflexive with être: s'est enfui, se sont assises
        fr_v = ["se", "sont" if pl else "est", participle(verb.fr_pp, g, pl)] if past else ["se", fr_finite]
    elif verb.frame == "go":  # être: est allée
        fr_v = ["sont" if pl else "est", participle(verb.fr_pp, g, pl)] if past else [fr_finite]
    else:  # avoir: a chassé, ont chassé
        fr_v = ["ont" if pl else "a", verb.fr_pp] if past else [fr_finite]
    if verb.frame == "over":  # jumps over → saute par-dessus
        parts = [word(en_v.split()[0], fr_v), word("over", "par-dessus")]
    else:
        parts = [word(en_v, fr_v)]
    if obj is not None:
        parts.append(obj.pair)
    if verb.frame == "go":
        parts.append(word("to", "à"))
    if place is not None:
        parts.append(place)
    if adverb:
        parts.append(word(adverb, ADVERBS[adverb]))
    return join(parts)


def prep_phrase(prep: str, np_: NP) -> Pair:
    return join([word(prep, PREPOSITIONS[prep]), np_.pair])


# ----------------------------------------------------------------------------------------- the generator
class Generator:
    """Random sentences of the world; ``rng`` decides everything, so a seed fixes the data set."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def choice(self, items):
        return items[self.rng.randrange(len(items))]

    def noun(self, kinds: tuple[str, ...], only: tuple[str, ...] | None = None) -> Noun:
        pool = [n for n in NOUNS if n.kind in kinds and (only is None or n.en in only)]
        return self.choice(pool)

    def np(self, kinds: tuple[str, ...], only=None, relative_p: float = 0.0, allow_indefinite: bool = True) -> NP:
        r = self.rng
        noun = self.noun(kinds, only)
        plural = r.random() < 0.25
        definite = plural or not allow_indefinite or r.random() < 0.8
        pres = [a for a in ADJECTIVES if a.before and noun.kind in a.kinds]
        posts = [a for a in ADJECTIVES if not a.before and noun.kind in a.kinds and a.en != "future"]
        pre = self.choice(pres) if r.random() < 0.2 else None
        post = self.choice(posts) if r.random() < 0.3 else None
        if noun.en == "fox":  # the world's foxes are mostly quick and brown
            pre = ADJ_QUICK if r.random() < 0.5 else pre
            post = ADJ_BROWN if r.random() < 0.75 else post
        if noun.en == "city" and r.random() < 0.4:
            post = ADJ_FUTURE
        rel = None
        if noun.kind in LIVING and r.random() < relative_p:
            probe = NP(Pair([], []), noun, plural)
            rel = self.vp(probe, self.tense(), depth=1)
        return noun_phrase(noun, plural, definite, pre, post, rel)

    def tense(self) -> str:
        return "past" if self.rng.random() < 0.7 else "present"

    def vp(self, subj: NP, tense: str, depth: int = 0) -> Pair:
        r = self.rng
        verbs = [v for v in VERBS if subj.noun.kind in v.subjects
                 and subj.noun.en in VERB_SUBJECT_NOUNS.get(v.en_past, (subj.noun.en,))]
        verb = self.choice(verbs)
        adverb = self.choice(sorted(ADVERBS)) if r.random() < 0.3 else None
        obj = place = None
        if verb.frame in ("transitive", "over"):
            obj = self.np(verb.objects, relative_p=0.1 if depth == 0 else 0.0)
        elif verb.frame == "sit":
            prep = self.choice(["on", "under", "near", "behind"])
            place = prep_phrase(prep, self.np(("thing",) if prep in ("on", "under") else ("thing", "place")))
        elif verb.frame == "go":
            place = self.np(("place",)).pair
        elif r.random() < 0.35:  # slept in the garden
            prep = self.choice(["in", "near", "behind", "with"])
            place = prep_phrase(prep, self.np(("thing",) if prep == "with" else ("place", "thing")))
        return verb_phrase(verb, subj, tense, obj, place, adverb)

    def clause(self) -> Pair:
        subj = self.np(("animal", "person"), relative_p=0.25)
        return join([subj.pair, self.vp(subj, self.tense())])

    def first_person(self) -> Pair:
        """I am going to the store (because I need some groceries)."""
        r = self.rng
        who = self.choice(sorted(PERSONS))
        p = PERSONS[who]
        parts = [word(who, p["fr"]), word(p["be_going"], p["go"]), word("to", "à"),
                 self.np(("place",), allow_indefinite=False).pair]
        if r.random() < 0.6:
            goods = self.choice(sorted(GOODS))
            parts += [word("because", ["parce", "que"]), word(who, p["fr"]), word("need", [p["have"], "besoin"]),
                      word("some", "de"), word(goods, GOODS[goods])]
        return join(parts)

    def sentence(self, n_clauses: int = 1) -> Pair:
        r = self.rng
        if n_clauses == 1 and r.random() < 0.04:
            en, fr, al = self.choice(FIXED_PHRASES)
            return Pair(en.split(), fr.split(), sorted(al))
        if n_clauses == 1 and r.random() < 0.07:
            return finish_french(join([self.first_person(), word(".", ".")]))
        parts = []
        if r.random() < 0.1:  # In a future city, ...
            if r.random() < 0.4:
                place = noun_phrase(NOUN_BY_EN["city"], definite=False, post=ADJ_FUTURE)
            else:
                place = self.np(("place",))
            parts += [prep_phrase("in", place), word(",", ",")]
        parts.append(self.clause())
        for _ in range(n_clauses - 1):
            conj = self.choice(sorted(CONJUNCTIONS))
            parts += [word(conj, CONJUNCTIONS[conj]), self.clause()]
        parts.append(word(".", "."))
        return finish_french(join(parts))


ADJ_QUICK = next(a for a in ADJECTIVES if a.en == "quick")
ADJ_BROWN = next(a for a in ADJECTIVES if a.en == "brown")
ADJ_FUTURE = next(a for a in ADJECTIVES if a.en == "future")


def _n(en: str, **kw) -> NP:
    noun = NOUN_BY_EN[en]
    return noun_phrase(noun, plural=noun.en_pl == en, **kw)


def _verb(en_past: str) -> Verb:
    return next(v for v in VERBS if v.en_past == en_past)


def seed_examples() -> list[Pair]:
    """Every example sentence of the seed text, built with the same phrase rules as the rest of the world."""
    adj = {a.en: a for a in ADJECTIVES}
    cat, dog = _n("cat"), _n("dog")
    out = []
    # The cat sat on the mat.
    out.append(join([cat.pair, verb_phrase(_verb("sat"), cat, "past", place=prep_phrase("on", _n("mat")))]))
    # The dog that barked loudly ran away.
    barked = verb_phrase(_verb("barked"), dog, "past", adverb="loudly")
    dog_that = _n("dog", relative=barked)
    out.append(join([dog_that.pair, verb_phrase(_verb("ran away"), dog_that, "past")]))
    # How are you? → Comment ça va ?
    en, fr, al = FIXED_PHRASES[0]
    out.append(Pair(en.split(), fr.split(), sorted(al)))
    # I am going to the store because I need some groceries.
    p = PERSONS["i"]
    out.append(join([word("i", "je"), word(p["be_going"], p["go"]), word("to", "à"), _n("store").pair,
                     word("because", ["parce", "que"]), word("i", "je"), word("need", ["ai", "besoin"]),
                     word("some", "de"), word("groceries", GOODS["groceries"])]))
    # The cat that chased the mouse ran away.
    chased = verb_phrase(_verb("chased"), cat, "past", obj=_n("mouse"))
    cat_that = _n("cat", relative=chased)
    out.append(join([cat_that.pair, verb_phrase(_verb("ran away"), cat_that, "past")]))
    # The dog chased the ball.
    out.append(join([dog.pair, verb_phrase(_verb("chased"), dog, "past", obj=_n("ball"))]))
    # The quick brown fox jumps over the lazy dog.
    fox = _n("fox", pre=adj["quick"], post=adj["brown"])
    out.append(join([fox.pair, verb_phrase(_verb("jumped over"), fox, "present", obj=_n("dog", post=adj["lazy"]))]))
    # In a future city, the robots sang happily.
    city = noun_phrase(NOUN_BY_EN["city"], definite=False, post=adj["future"])
    robots = _n("robots")
    out.append(join([prep_phrase("in", city), word(",", ","), robots.pair,
                     verb_phrase(_verb("sang"), robots, "past", adverb="happily")]))
    return [finish_french(join([p, word(".", ".")])) if p.en[-1] not in ".?" else p for p in out]


# ------------------------------------------------------------------------------------------ text forms
def detokenize(tokens: list[str], lang: str = "en") -> str:
    """Tokens → a written sentence: capitalised, "I" upper-case, French spacing before ? and elided words joined."""
    if not isinstance(tokens, (list, tuple)):
        raise ValueError(f"tokens: got {type(tokens).__name__}; expected a list of tokens")
    out = ""
    for k, t in enumerate(tokens):
        if lang == "en" and t == "i":
            t = "I"
        if k == 0:
            out = t[:1].upper() + t[1:]
        elif t in (".", ",") or (t == "?" and lang == "en") or out.endswith("'"):
            out += t
        else:
            out += " " + t
    return out


def tokenize(text: str) -> list[str]:
    """A written English (or French) sentence → the world's lower-case tokens ("l'oiseau" → "l'", "oiseau")."""
    if not isinstance(text, str):
        raise ValueError(f"text: got {type(text).__name__}; expected a string")
    return _TOKEN.findall(text.lower().replace("’", "'"))


_LETTERS = "a-zàâçéèêëîïôûùüÿœ"
_TOKEN = re.compile(rf"[{_LETTERS}]+'|[{_LETTERS}-]+|[.,?!]")
