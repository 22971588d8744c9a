"""The words of the tiny world: English forms, French forms, gender, number and what each word may do.

Everything the generator (``tinyworld``) writes and the recogniser (``grammar``) accepts comes from the
tables here, so the two cannot drift apart. Some English words have more than one French translation and the
noun decides which: those are listed in ``CONTEXT_WORDS`` (and in the datasheet).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Noun:
    en: str  # singular English
    en_pl: str  # plural English
    fr: str  # singular French
    fr_pl: str  # plural French
    gender: str  # "m" or "f"
    kind: str  # "animal", "person", "thing", "place", "food"


@dataclass(frozen=True)
class Adjective:
    en: str
    fr: tuple[str, str, str, str]  # masculine sg, feminine sg, masculine pl, feminine pl
    before: bool  # True: stays before the noun in French (le petit chien); False: goes after (le chat noir)
    kinds: tuple[str, ...]  # noun kinds it describes in the world
    colour: bool = False  # English puts a colour last ("the small black cat"); French puts it next to the noun
    nouns: tuple[str, ...] = ()  # if set: only these nouns (English singular) take it
    by_noun: dict[str, tuple[str, str, str, str]] = field(default_factory=dict)  # noun (or kind) → other forms

    def forms_for(self, noun: Noun) -> tuple[str, str, str, str]:
        """The French forms for this noun: a fox's brown is roux, a book's is marron."""
        return self.by_noun.get(noun.en, self.by_noun.get(noun.kind, self.fr))

    def fits(self, noun: Noun) -> bool:
        return noun.kind in self.kinds and (not self.nouns or noun.en in self.nouns)


@dataclass(frozen=True)
class Verb:
    en_past: str  # "chased", "ran away"
    en_3sg: str  # "chases"
    en_base: str  # "chase"
    fr_pp: str  # past participle "poursuivi"
    fr_3sg: str  # "poursuit"
    fr_3pl: str  # "poursuivent"
    frame: str  # "transitive", "intransitive", "over", "sit", "away", "go"
    subjects: tuple[str, ...]  # noun kinds that can do it
    objects: tuple[str, ...] = ()  # noun kinds it takes as object (transitive and "over" verbs)


NOUNS = [
    Noun("cat", "cats", "chat", "chats", "m", "animal"),
    Noun("dog", "dogs", "chien", "chiens", "m", "animal"),
    Noun("mouse", "mice", "souris", "souris", "f", "animal"),
    Noun("bird", "birds", "oiseau", "oiseaux", "m", "animal"),
    Noun("fox", "foxes", "renard", "renards", "m", "animal"),
    Noun("horse", "horses", "cheval", "chevaux", "m", "animal"),
    Noun("owl", "owls", "hibou", "hiboux", "m", "animal"),  # h aspiré: le hibou, du hibou
    Noun("girl", "girls", "fille", "filles", "f", "person"),
    Noun("boy", "boys", "garçon", "garçons", "m", "person"),
    Noun("robot", "robots", "robot", "robots", "m", "person"),
    Noun("ball", "balls", "balle", "balles", "f", "thing"),
    Noun("mat", "mats", "tapis", "tapis", "m", "thing"),
    Noun("book", "books", "livre", "livres", "m", "thing"),
    Noun("tree", "trees", "arbre", "arbres", "m", "thing"),
    Noun("table", "tables", "table", "tables", "f", "thing"),
    Noun("apple", "apples", "pomme", "pommes", "f", "food"),
    Noun("cake", "cakes", "gâteau", "gâteaux", "m", "food"),
    Noun("yogurt", "yogurts", "yaourt", "yaourts", "m", "food"),  # no elision before y: le yaourt
    Noun("store", "stores", "magasin", "magasins", "m", "place"),
    Noun("house", "houses", "maison", "maisons", "f", "place"),
    Noun("garden", "gardens", "jardin", "jardins", "m", "place"),
    Noun("park", "parks", "parc", "parcs", "m", "place"),
    Noun("school", "schools", "école", "écoles", "f", "place"),
    Noun("city", "cities", "ville", "villes", "f", "place"),
    Noun("river", "rivers", "rivière", "rivières", "f", "place"),
    Noun("hotel", "hotels", "hôtel", "hôtels", "m", "place"),  # h muet: l'hôtel, à l'hôtel
]

LIVING = ("animal", "person")
ANY = ("animal", "person", "thing", "food", "place")

ADJECTIVES = [
    # stay before the noun in French
    Adjective("small", ("petit", "petite", "petits", "petites"), True, ANY),
    Adjective("big", ("grand", "grande", "grands", "grandes"), True, ANY),
    Adjective("young", ("jeune", "jeune", "jeunes", "jeunes"), True, LIVING),
    Adjective("pretty", ("joli", "jolie", "jolis", "jolies"), True, ANY),
    # go after the noun in French
    Adjective("quick", ("rapide", "rapide", "rapides", "rapides"), False, ("animal",)),  # le renard rapide
    Adjective("lazy", ("paresseux", "paresseuse", "paresseux", "paresseuses"), False, LIVING),
    Adjective("happy", ("heureux", "heureuse", "heureux", "heureuses"), False, LIVING),
    Adjective("black", ("noir", "noire", "noirs", "noires"), False, ("animal", "thing"), colour=True),
    Adjective("white", ("blanc", "blanche", "blancs", "blanches"), False, ("animal", "thing", "place"), colour=True),
    # brown: a fox is roux, other animals brun, things marron (which never agrees)
    Adjective("brown", ("brun", "brune", "bruns", "brunes"), False, ("animal", "thing"), colour=True,
              by_noun={"fox": ("roux", "rousse", "roux", "rousses"),
                       "thing": ("marron", "marron", "marron", "marron")}),
    Adjective("red", ("rouge", "rouge", "rouges", "rouges"), False, ("thing", "food"), colour=True),
    Adjective("green", ("vert", "verte", "verts", "vertes"), False, ("thing", "food", "place"), colour=True),
]

# "future" with a place is a phrase after the noun, not an adjective: the future city → la ville du futur.
FUTURE = "future"
FUTURE_FR = ["du", "futur"]
FUTURE_NOUNS = ("city", "school", "house")

VERBS = [
    # an animal running after another: poursuivre (a poursuivi), not chasser (which is hunting)
    Verb("chased", "chases", "chase", "poursuivi", "poursuit", "poursuivent", "transitive", ("animal", "person"),
         ("animal", "thing")),
    Verb("saw", "sees", "see", "vu", "voit", "voient", "transitive", LIVING, ANY),
    Verb("ate", "eats", "eat", "mangé", "mange", "mangent", "transitive", LIVING, ("food",)),
    Verb("liked", "likes", "like", "aimé", "aime", "aiment", "transitive", LIVING, ANY),
    Verb("found", "finds", "find", "trouvé", "trouve", "trouvent", "transitive", LIVING, ("animal", "thing", "food")),
    Verb("caught", "catches", "catch", "attrapé", "attrape", "attrapent", "transitive", LIVING,
         ("animal", "thing")),
    Verb("followed", "follows", "follow", "suivi", "suit", "suivent", "transitive", LIVING, LIVING),
    Verb("barked", "barks", "bark", "aboyé", "aboie", "aboient", "intransitive", ("animal",)),
    Verb("slept", "sleeps", "sleep", "dormi", "dort", "dorment", "intransitive", LIVING),
    Verb("sang", "sings", "sing", "chanté", "chante", "chantent", "intransitive", ("animal", "person")),
    Verb("played", "plays", "play", "joué", "joue", "jouent", "intransitive", LIVING),
    Verb("ran away", "runs away", "run away", "enfui", "enfuit", "enfuient", "away", LIVING),
    Verb("sat", "sits", "sit", "assis", "assoit", "assoient", "sit", LIVING),
    Verb("jumped over", "jumps over", "jump over", "sauté", "saute", "sautent", "over", ("animal", "person"),
         ("animal", "thing")),
    Verb("went", "goes", "go", "allé", "va", "vont", "go", LIVING),
]

# Which animals bark, which sing: the world's facts that the generator respects.
VERB_SUBJECT_NOUNS = {"barked": ("dog",), "sang": ("bird", "girl", "boy", "robot")}

# The auxiliary "do" of negations and questions: past, 3rd singular, plural.
DO = {"past": ("did", "did"), "present": ("does", "do")}

ADVERBS = {
    "loudly": "bruyamment",
    "quickly": "rapidement",
    "quietly": "tranquillement",
    "happily": "joyeusement",
    "slowly": "lentement",
}

# Locative prepositions: English → French. "near" takes "de" (près du parc, près de la rivière).
PREPOSITIONS = {
    "on": ["sur"],
    "in": ["dans"],
    "under": ["sous"],
    "near": ["près", "de"],
    "behind": ["derrière"],
    "with": ["avec"],
}
# Where one sits (on a mat, behind a house) and where one does the rest (slept in the garden, played with the
# ball): preposition → the noun kinds it takes in the world.
SIT_PREP_KINDS = {"on": ("thing",), "under": ("thing",), "near": ("thing", "place"), "behind": ("thing", "place")}
PLACE_PREP_KINDS = {"in": ("place", "thing"), "near": ("place", "thing"), "behind": ("place", "thing"),
                    "with": ("thing",)}

# "go to": à + the definite article (au parc, à la maison, à l'école, aux magasins), but "dans" + an indefinite
# one (dans un parc). Only places one can go into take the indefinite: "went to a river" is not in the world.
GO_TO = {"definite": ["à"], "indefinite": ["dans"]}
GO_INDEFINITE = ("store", "house", "garden", "park", "school", "city", "hotel")

CONJUNCTIONS = {"and": ["et"], "but": ["mais"], "because": ["parce", "que"], "while": ["pendant", "que"]}

# What "I need some ..." can take, with its French (no article after "besoin de").
GOODS = {"groceries": "provisions", "bread": "pain", "milk": "lait", "water": "eau", "apples": "pommes",
         "help": "aide"}

# Fixed phrases: English tokens, French tokens and the word alignment as (French index, English index).
FIXED_PHRASES = [
    ("how are you ?", "comment ça va ?", [(0, 0), (1, 2), (2, 1), (3, 3)]),
    ("good morning .", "bonjour .", [(0, 0), (0, 1), (1, 2)]),
    ("good night .", "bonne nuit .", [(0, 0), (1, 1), (2, 2)]),
    ("thank you .", "merci .", [(0, 0), (0, 1), (1, 2)]),
    ("see you tomorrow .", "à demain .", [(0, 0), (0, 1), (1, 2), (2, 3)]),
    ("i am fine .", "je vais bien .", [(0, 0), (1, 1), (2, 2), (3, 3)]),
    ("see you later .", "à plus tard .", [(0, 0), (0, 1), (1, 2), (2, 2), (3, 3)]),
]

# Subjects of the first-person sentences ("I am going to the store because I need some groceries.").
PERSONS = {
    "i": {"be_going": ["am", "going"], "need": "need", "fr": "je", "go": "vais", "have": "ai"},
    "we": {"be_going": ["are", "going"], "need": "need", "fr": "nous", "go": "allons", "have": "avons"},
}

# Words whose French depends on the noun (or the construction) they stand with; the datasheet lists them.
CONTEXT_WORDS = {
    "brown": "roux with a fox (le renard roux), brun with other animals, marron (invariable) with things",
    "future": "du futur after a place (la ville du futur)",
    "to (after go)": "à + definite article (au parc, à l'école), dans + indefinite (dans un parc)",
    "a / an": "un/une, but de (d') after a negated verb (n'a pas mangé de pomme)",
    "not": "ne (n') … pas around the finite verb (n'a pas aboyé)",
    "did / does / do": "the tense of the French verb; est-ce que in a question",
    "that": "qui for a subject (le chat qui dort), que (qu') for an object (la souris que le chat a poursuivie)",
}

# French elision: before a vowel or a mute h, never before y or an aspirated h.
VOWELS = tuple("aeiouéèêàâîôû")
H_ASPIRE = ("hibou", "hiboux")

NOUN_BY_EN = {n.en: n for n in NOUNS} | {n.en_pl: n for n in NOUNS}
ADJ_BY_EN = {a.en: a for a in ADJECTIVES}


def starts_with_vowel(word: str) -> bool:
    """Whether French elides before ``word``: a vowel or a mute h (l'hôtel), not y (le yaourt) nor h aspiré."""
    return word[:1] in VOWELS or (word[:1] == "h" and word not in H_ASPIRE)
