"""The tiny world: a seeded generator of English→French sentence pairs with their word alignments.

Every phrase is built in both languages at once, so each French word knows which English words it
translates. French word order, agreement, elision (l'oiseau, n'a) and contraction (au magasin) are applied as
the pair is built; alignments follow the words through every change. One English word may become French
words on both sides of another ("did not bark" → "n'a pas aboyé": *not* is *ne … pas* around *a*).

A pair is a ``Pair(en, fr, align)``: lower-case token lists and a sorted list of (French index, English
index) links.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .lexicon import (
    ADJ_BY_EN,
    ADJECTIVES,
    ADVERBS,
    CONJUNCTIONS,
    DO,
    FIXED_PHRASES,
    FUTURE,
    FUTURE_FR,
    FUTURE_NOUNS,
    GO_INDEFINITE,
    GO_TO,
    GOODS,
    LIVING,
    NOUN_BY_EN,
    NOUNS,
    PERSONS,
    PLACE_PREP_KINDS,
    PREPOSITIONS,
    SIT_PREP_KINDS,
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
    """A unit whose French words all translate all its English words (e.g. "chased" → "a poursuivi")."""
    en_t = en.split() if isinstance(en, str) else list(en)
    fr_t = fr.split() if isinstance(fr, str) else list(fr)
    return Pair(en_t, fr_t, [(j, i) for j in range(len(fr_t)) for i in range(len(en_t))])


def assemble(en: Sequence[tuple[str, Pair | str | list[str]]], fr: Sequence) -> Pair:
    """Build a pair from named English pieces and a French order that may split them.

    ``en`` is a list of (name, piece) in English order: a piece is a ``Pair`` (a phrase with its own French)
    or English words (a string or list) whose French is given in ``fr``. ``fr`` is the French order: a name
    puts that Pair's French there, with its links; (French words, name or tuple of names) puts new French
    words there, each aligned to every English word of the named pieces. So "did not bark" → "n'a pas aboyé"
    is ``fr=[("ne", "not"), ("a", "did"), ("pas", "not"), ("aboyé", "bark")]``.
    """
    start, pieces, out = {}, {}, Pair([], [], [])
    for name, piece in en:
        if name in start:
            raise ValueError(f"en: the name {name!r} is used twice; expected distinct names")
        tokens = piece.en if isinstance(piece, Pair) else (piece.split() if isinstance(piece, str) else list(piece))
        start[name], pieces[name] = (len(out.en), len(tokens)), piece
        out.en += tokens
    for item in fr:
        if isinstance(item, str):
            piece = pieces[item]
            if not isinstance(piece, Pair):
                raise ValueError(f"fr: {item!r} names English words without French; give (french, {item!r})")
            base = len(out.fr)
            out.fr += piece.fr
            out.align += [(base + j, start[item][0] + i) for j, i in piece.align]
        else:
            words, names = item
            words = words.split() if isinstance(words, str) else list(words)
            names = (names,) if isinstance(names, str) else tuple(names)
            for w in words:
                out.align += [(len(out.fr), s + i) for name in names for s, n in [start[name]] for i in range(n)]
                out.fr.append(w)
    out.align.sort()
    return out


def join(parts: list[Pair], fr_order: list[int] | None = None) -> Pair:
    """Concatenate parts in English order; French takes them in ``fr_order`` (default: the same order)."""
    order = list(range(len(parts))) if fr_order is None else fr_order
    return assemble([(str(k), p) for k, p in enumerate(parts)], [str(k) for k in order])


# ---------------------------------------------------------------------------------------------- French
ELIDE = {"le": "l'", "la": "l'", "de": "d'", "que": "qu'", "je": "j'", "se": "s'", "ne": "n'"}
CONTRACT = {("à", "le"): "au", ("à", "les"): "aux", ("de", "le"): "du", ("de", "les"): "des"}


def finish_french(p: Pair) -> Pair:
    """Apply elision, then contraction, moving the alignment links with the words."""
    fr, links = list(p.fr), [{i for j, i in p.align if j == k} for k in range(len(p.fr))]
    for k in range(len(fr) - 1):  # l'oiseau, d'eau, qu'un, j'ai, s'est, n'a; but le hibou, le yaourt
        if fr[k] in ELIDE and starts_with_vowel(fr[k + 1]):
            fr[k] = ELIDE[fr[k]]
    k = 0
    while k < len(fr) - 1:  # au magasin, du parc, aux écoles, des arbres (à l'hôtel stays: elided first)
        if (fr[k], fr[k + 1]) in CONTRACT:
            fr[k : k + 2] = [CONTRACT[(fr[k], fr[k + 1])]]
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
    """Past-participle agreement (after être, or after avoir with an object placed before it):
    enfui, enfuie, enfuis, enfuies; poursuivie; assis, assise, assis, assises."""
    if pp.endswith("s"):  # assis: the plural adds nothing
        return pp + ("e" if gender == "f" else "") + ("s" if plural and gender == "f" else "")
    return pp + ("e" if gender == "f" else "") + ("s" if plural else "")


# ------------------------------------------------------------------------------------------ noun phrases
@dataclass
class NP:
    pair: Pair
    noun: Noun
    plural: bool
    definite: bool = True


def english_order(adjectives: Sequence[Adjective]) -> list[Adjective]:
    """English puts opinion/size/age before colour: the small black cat, the quick brown fox."""
    return sorted(adjectives, key=lambda a: a.colour)


def noun_phrase(noun: Noun, plural: bool = False, definite: bool = True, adjectives: Sequence[Adjective] = (),
                future: bool = False, relative: Pair | None = None, negated: bool = False) -> NP:
    """det (adjectives) noun (that …) → det (adjectives before) noun (colour) (adjectives after) (du futur) (…).

    ``negated``: the object of a negated verb takes *de* instead of *un/une/des* (n'a pas mangé de pomme).
    ``relative``: a Pair that starts with "that" (built by ``subject_relative`` or ``object_relative``).
    """
    g, adjs = noun.gender, english_order(adjectives)
    if len(adjs) > 2 or (len(adjs) == 2 and not (adjs[1].colour and not adjs[0].colour)):
        raise ValueError(f"adjectives: got {[a.en for a in adjs]}; expected at most one colour and one other")
    if future and adjs:
        raise ValueError("future: a future place takes no other adjective in the world")
    en_noun = noun.en_pl if plural else noun.en
    first = FUTURE if future else (adjs[0].en if adjs else en_noun)
    en_det = "the" if definite else ("an" if first[0] in "aeiou" else "a")  # an apple, an owl, a yogurt
    fr_det = "de" if negated and not definite else article(definite, g, plural)
    en = [("det", [en_det])] + [(f"a{k}", [a.en]) for k, a in enumerate(adjs)]
    en += [("future", [FUTURE])] if future else []
    en += [("noun", [en_noun])]
    fr: list = [(fr_det, "det")]
    fr += [(agree(a.fr, g, plural), f"a{k}") for k, a in enumerate(adjs) if a.before]
    fr += [(noun.fr_pl if plural else noun.fr, "noun")]
    fr += [(agree(a.forms_for(noun), g, plural), f"a{k}") for k, a in enumerate(adjs) if not a.before and a.colour]
    fr += [(agree(a.forms_for(noun), g, plural), f"a{k}") for k, a in enumerate(adjs)
           if not a.before and not a.colour]
    fr += [(FUTURE_FR, "future")] if future else []
    if relative is not None:
        en.append(("rel", relative))
        fr.append("rel")
    return NP(assemble(en, fr), noun, plural, definite)


def prep_phrase(prep: str, np_: NP) -> Pair:
    return join([word(prep, PREPOSITIONS[prep]), np_.pair])


# ------------------------------------------------------------------------------------------ verb phrases
def french_verb(verb: Verb, subj: NP, tense: str, agree_with: NP | None = None) -> list[tuple[str, str]]:
    """The French verb as (word, role) pieces: role "se" (reflexive pronoun), "aux" (être/avoir), "pp"
    (past participle) or "fin" (a finite lexical verb). ``agree_with``: an object placed before the verb
    (la souris que le chat a poursuivie)."""
    g, pl = subj.noun.gender, subj.plural
    if tense == "present":
        return ([("se", "se")] if verb.frame in ("away", "sit") else []) + [(verb.fr_3pl if pl else verb.fr_3sg, "fin")]
    if verb.frame in ("away", "sit"):  # reflexive with être: s'est enfui, se sont assises
        return [("se", "se"), ("sont" if pl else "est", "aux"), (participle(verb.fr_pp, g, pl), "pp")]
    if verb.frame == "go":  # être: est allée
        return [("sont" if pl else "est", "aux"), (participle(verb.fr_pp, g, pl), "pp")]
    pp = verb.fr_pp if agree_with is None else participle(verb.fr_pp, agree_with.noun.gender, agree_with.plural)
    return [("ont" if pl else "a", "aux"), (pp, "pp")]


def english_verb(verb: Verb, plural: bool, tense: str, form: str = "plain") -> list[str]:
    """The English verb words without "over": "chased" / "chases" / "chase" (after did/does/do)."""
    if form != "plain":
        words = verb.en_base
    elif tense == "past":
        words = verb.en_past
    else:
        words = verb.en_base if plural else verb.en_3sg
    words = words.split()
    return words[:-1] if verb.frame == "over" else words


def do_form(plural: bool, tense: str) -> str:
    return DO[tense][1 if plural else 0]


def clause(subj: NP, verb: Verb, tense: str, obj: NP | None = None, place: Pair | None = None,
           adverb: str | None = None, form: str = "plain") -> Pair:
    """Subject, verb and what follows. ``form``: "plain" (the dog barked), "negated" (the dog did not bark →
    le chien n'a pas aboyé) or "question" (did the dog bark ? → est-ce que le chien a aboyé ?)."""
    if form not in ("plain", "negated", "question"):
        raise ValueError(f"form: got {form!r}; expected 'plain', 'negated' or 'question'")
    pieces = french_verb(verb, subj, tense)
    en_v = english_verb(verb, subj.plural, tense, form)
    en: list = [("do", [do_form(subj.plural, tense)])] if form == "question" else []
    en.append(("subj", subj.pair))
    if form == "negated":
        en += [("do", [do_form(subj.plural, tense)]), ("not", ["not"])]
    en.append(("v", en_v))
    fr: list = [("est-ce que", "do")] if form == "question" else []
    fr.append("subj")
    finite = next(k for k, (_, role) in enumerate(pieces) if role in ("aux", "fin"))
    for k, (w, role) in enumerate(pieces):
        if form == "negated" and k == 0:
            fr.append(("ne", "not"))
        if form == "plain":
            names = "v"
        elif role == "aux":
            names = "do"
        elif role == "fin" and form == "negated":
            names = ("v", "do")
        else:
            names = "v"
        fr.append((w, names))
        if form == "negated" and k == finite:
            fr.append(("pas", "not"))
    if verb.frame == "over":  # jumps over → saute par-dessus
        en.append(("over", ["over"]))
        fr.append(("par-dessus", "over"))
    if obj is not None:
        en.append(("obj", obj.pair))
        fr.append("obj")
    if place is not None:
        en.append(("place", place))
        fr.append("place")
    if adverb:
        en.append(("adv", [adverb]))
        fr.append((ADVERBS[adverb], "adv"))
    return assemble(en, fr)


def go_target(np_: NP) -> Pair:
    """to + place: à + a definite article (au parc, à l'école), dans + an indefinite one (dans un parc)."""
    fr = GO_TO["definite" if np_.definite else "indefinite"]
    return join([word("to", fr), np_.pair])


def subject_relative(body: Pair) -> Pair:
    """that + verb phrase → qui + verb phrase (le chien qui a aboyé)."""
    return join([word("that", "qui"), body])


def object_relative(head_noun: Noun, head_plural: bool, subj: NP, verb: Verb, tense: str) -> Pair:
    """that + subject + transitive verb → que + subject + verb; a past participle agrees with the head
    (la souris que le chat a poursuivie, les balles que le chien a trouvées)."""
    head = NP(Pair([], []), head_noun, head_plural)
    pieces = french_verb(verb, subj, tense, agree_with=head)
    en = [("that", ["that"]), ("subj", subj.pair), ("v", english_verb(verb, subj.plural, tense))]
    return assemble(en, [("que", "that"), "subj"] + [(w, "v") for w, _ in pieces])


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

    def adjectives(self, noun: Noun) -> tuple[list[Adjective], bool]:
        """Up to one adjective and one colour that fit the noun; a city, school or house may be "future"."""
        r = self.rng
        if noun.en in FUTURE_NOUNS and r.random() < 0.12:
            return [], True
        others = [a for a in ADJECTIVES if not a.colour and a.fits(noun)]
        colours = [a for a in ADJECTIVES if a.colour and a.fits(noun)]
        adjs = []
        if noun.en == "fox":  # the world's foxes are mostly quick and brown
            if r.random() < 0.5:
                adjs.append(ADJ_BY_EN["quick"])
            if r.random() < 0.75:
                adjs.append(ADJ_BY_EN["brown"])
            return adjs, False
        if others and r.random() < 0.25:
            adjs.append(self.choice(others))
        if colours and r.random() < 0.25:
            adjs.append(self.choice(colours))
        return adjs, False

    def np(self, kinds: tuple[str, ...], only=None, relative_p: float = 0.0, allow_indefinite: bool = True,
           negated: bool = False, plain: bool = False) -> NP:
        r = self.rng
        noun = self.noun(kinds, only)
        plural = r.random() < 0.25
        definite = plural or not allow_indefinite or r.random() < 0.8
        adjs, future = ([], False) if plain else self.adjectives(noun)
        rel = None
        if r.random() < relative_p:
            rel = self.relative(noun, plural)
        return noun_phrase(noun, plural, definite, adjs, future, rel, negated)

    def relative(self, noun: Noun, plural: bool) -> Pair | None:
        """"that barked loudly" (subject relative) or "that the cat chased" (object relative)."""
        r = self.rng
        takes_object = [v for v in VERBS if v.frame == "transitive" and noun.kind in v.objects]
        if takes_object and (noun.kind not in LIVING or r.random() < 0.4):
            verb = self.choice(takes_object)
            subj = self.np(verb.subjects, plain=True)
            return object_relative(noun, plural, subj, verb, self.tense())
        if noun.kind not in LIVING:
            return None
        probe = NP(Pair([], []), noun, plural)
        return subject_relative(self.predicate(probe, self.tense(), depth=1))

    def tense(self) -> str:
        return "past" if self.rng.random() < 0.7 else "present"

    def verbs_for(self, subj: Noun) -> list[Verb]:
        return [v for v in VERBS
                if subj.kind in v.subjects and subj.en in VERB_SUBJECT_NOUNS.get(v.en_past, (subj.en,))]

    def predicate(self, subj: NP, tense: str, depth: int = 0, form: str = "plain") -> Pair:
        """The verb and its complements for ``subj``; the returned Pair includes the subject unless
        ``subj.pair`` is empty (inside a subject relative)."""
        r = self.rng
        verb = self.choice(self.verbs_for(subj.noun))
        adverb = self.choice(sorted(ADVERBS)) if r.random() < 0.3 else None
        obj = place = None
        if verb.frame == "transitive":
            obj = self.np(verb.objects, relative_p=0.12 if depth == 0 else 0.0, negated=form == "negated")
        elif verb.frame == "over":
            obj = self.np(verb.objects, relative_p=0.12 if depth == 0 else 0.0)
        elif verb.frame == "sit":
            prep = self.choice(sorted(SIT_PREP_KINDS))
            place = prep_phrase(prep, self.np(SIT_PREP_KINDS[prep]))
        elif verb.frame == "go":
            target = self.np(("place",))
            if not target.definite and target.noun.en not in GO_INDEFINITE:  # "went to a river": not in the world
                target = noun_phrase(target.noun, target.plural, True)
            place = go_target(target)
        elif r.random() < 0.35:  # slept in the garden
            prep = self.choice(sorted(PLACE_PREP_KINDS))
            place = prep_phrase(prep, self.np(PLACE_PREP_KINDS[prep]))
        return clause(subj, verb, tense, obj, place, adverb, form)

    def main_clause(self, form: str | None = None) -> Pair:
        subj = self.np(LIVING, relative_p=0.25)
        if form is None:
            form = "negated" if self.rng.random() < 0.12 else "plain"
        return self.predicate(subj, self.tense(), form=form)

    def first_person(self) -> Pair:
        """I am going to the store (because I need some groceries)."""
        r = self.rng
        who = self.choice(sorted(PERSONS))
        p = PERSONS[who]
        parts = [word(who, p["fr"]), word(p["be_going"], p["go"]),
                 go_target(self.np(("place",), allow_indefinite=False))]
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
        if n_clauses == 1 and r.random() < 0.09:  # did the cat sleep ? → est-ce que le chat a dormi ?
            return finish_french(join([self.main_clause("question"), word("?", "?")]))
        parts = []
        if r.random() < 0.1:  # In a future city, ...
            place = self.np(("place",))
            parts += [prep_phrase("in", place), word(",", ",")]
        parts.append(self.main_clause())
        for _ in range(n_clauses - 1):
            conj = self.choice(sorted(CONJUNCTIONS))
            parts += [word(conj, CONJUNCTIONS[conj]), self.main_clause()]
        parts.append(word(".", "."))
        return finish_french(join(parts))


# ------------------------------------------------------------------------------ the course's examples
def _n(en: str, **kw) -> NP:
    noun = NOUN_BY_EN[en]
    return noun_phrase(noun, plural=noun.en_pl == en, **kw)


def _verb(en_past: str) -> Verb:
    return next(v for v in VERBS if v.en_past == en_past)


def course_examples() -> list[Pair]:
    """The example sentences the lessons quote, built with the same phrase rules as the rest of the world."""
    cat, dog = _n("cat"), _n("dog")
    out = []
    # The cat sat on the mat.
    out.append(clause(cat, _verb("sat"), "past", place=prep_phrase("on", _n("mat"))))
    # The dog that barked loudly ran away.
    barked = clause(NP(Pair([], []), dog.noun, False), _verb("barked"), "past", adverb="loudly")
    dog_that = _n("dog", relative=subject_relative(barked))
    out.append(clause(dog_that, _verb("ran away"), "past"))
    # How are you? → Comment ça va ?
    en, fr, al = FIXED_PHRASES[0]
    out.append(Pair(en.split(), fr.split(), sorted(al)))
    # I am going to the store because I need some groceries.
    p = PERSONS["i"]
    out.append(join([word("i", "je"), word(p["be_going"], p["go"]), go_target(_n("store")),
                     word("because", ["parce", "que"]), word("i", "je"), word("need", ["ai", "besoin"]),
                     word("some", "de"), word("groceries", GOODS["groceries"])]))
    # The cat that chased the mouse ran away.
    chased = clause(NP(Pair([], []), cat.noun, False), _verb("chased"), "past", obj=_n("mouse"))
    cat_that = _n("cat", relative=subject_relative(chased))
    out.append(clause(cat_that, _verb("ran away"), "past"))
    # The dog chased the ball.
    out.append(clause(dog, _verb("chased"), "past", obj=_n("ball")))
    # The quick brown fox jumps over the lazy dog.
    fox = _n("fox", adjectives=[ADJ_BY_EN["quick"], ADJ_BY_EN["brown"]])
    out.append(clause(fox, _verb("jumped over"), "present", obj=_n("dog", adjectives=[ADJ_BY_EN["lazy"]])))
    # In a future city, the robots sang happily.
    city = _n("city", definite=False, future=True)
    robots = _n("robots")
    out.append(join([prep_phrase("in", city), word(",", ","), clause(robots, _verb("sang"), "past", adverb="happily")]))
    return [finish_french(join([p, word(".", ".")])) if p.en[-1] not in ".?" else p for p in out]


# ------------------------------------------------------------------------------------- constructions
def constructions(p: Pair) -> list[str]:
    """The constructions a pair shows, by name (the datasheet counts them; the golden set covers each)."""
    en, fr, tags = p.en, p.fr, []
    if en and en[0] in ("did", "does", "do") and en[-1] == "?":
        tags.append("yes/no question")
    if "not" in en:
        tags.append("negation")
    after = ("parce", "pendant", "est-ce")  # parce que, pendant que, est-ce que are not relatives
    if any(w in ("que", "qu'") and prev not in after for w, prev in zip(fr, [""] + fr[:-1], strict=True)):
        tags.append("object relative")
    if "qui" in fr:
        tags.append("subject relative")
    if any(t in NOUN_BY_EN and NOUN_BY_EN[t].en_pl == t for t in en):
        tags.append("plural")
    if any(a in ADJ_BY_EN and b in ADJ_BY_EN for a, b in zip(en, en[1:], strict=False)):
        tags.append("two adjectives")
    if FUTURE in en:
        tags.append("du futur")
    if any(t in CONJUNCTIONS for t in en):
        tags.append("two or more clauses")
    return tags


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
