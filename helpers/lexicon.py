"""The words of the tiny world: English forms, French forms, gender, number and what each word may do.

Everything the generator (``tinyworld``) writes and the recogniser (``grammar``) accepts comes from the
tables here, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass


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
    before: bool  # True: stays before the noun in French (le petit chien); False: moves after (le chat noir)
    kinds: tuple[str, ...]  # noun kinds it describes in the world


@dataclass(frozen=True)
class Verb:
    en_past: str  # "chased", "ran away"
    en_3sg: str  # "chases"
    en_base: str  # "chase"
    fr_pp: str  # past participle "chassé"
    fr_3sg: str  # "chasse"
    fr_3pl: str  # "chassent"
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
    Noun("store", "stores", "magasin", "magasins", "m", "place"),
    Noun("house", "houses", "maison", "maisons", "f", "place"),
    Noun("garden", "gardens", "jardin", "jardins", "m", "place"),
    Noun("park", "parks", "parc", "parcs", "m", "place"),
    Noun("school", "schools", "école", "écoles", "f", "place"),
    Noun("city", "cities", "ville", "villes", "f", "place"),
    Noun("river", "rivers", "rivière", "rivières", "f", "place"),
]

LIVING = ("animal", "person")
ANY = ("animal", "person", "thing", "food", "place")

ADJECTIVES = [
    # stay before the noun
    Adjective("small", ("petit", "petite", "petits", "petites"), True, ANY),
    Adjective("big", ("grand", "grande", "grands", "grandes"), True, ANY),
    Adjective("young", ("jeune", "jeune", "jeunes", "jeunes"), True, LIVING),
    Adjective("pretty", ("joli", "jolie", "jolis", "jolies"), True, ANY),
    Adjective("quick", ("rapide", "rapide", "rapides", "rapides"), True, ("animal",)),
    # move after the noun
    Adjective("black", ("noir", "noire", "noirs", "noires"), False, ("animal", "thing")),
    Adjective("white", ("blanc", "blanche", "blancs", "blanches"), False, ("animal", "thing", "place")),
    Adjective("brown", ("brun", "brune", "bruns", "brunes"), False, ("animal", "thing")),
    Adjective("red", ("rouge", "rouge", "rouges", "rouges"), False, ("thing", "food")),
    Adjective("green", ("vert", "verte", "verts", "vertes"), False, ("thing", "food", "place")),
    Adjective("lazy", ("paresseux", "paresseuse", "paresseux", "paresseuses"), False, LIVING),
    Adjective("happy", ("heureux", "heureuse", "heureux", "heureuses"), False, LIVING),
    Adjective("future", ("futur", "future", "futurs", "futures"), False, ("place",)),
]

VERBS = [
    Verb("chased", "chases", "chase", "chassé", "chasse", "chassent", "transitive", ("animal", "person"),
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

VOWELS = tuple("aeiouyéèêàâîôûh")

NOUN_BY_EN = {n.en: n for n in NOUNS} | {n.en_pl: n for n in NOUNS}
ADJ_BY_EN = {a.en: a for a in ADJECTIVES}


def starts_with_vowel(word: str) -> bool:
    """French elision applies before a vowel (and a mute h, which the world does not use)."""
    return word[:1] in VOWELS
