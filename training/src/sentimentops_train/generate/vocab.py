"""Neutral topical vocabulary: people's names, titles, brands, dishes.

These words carry no sentiment; they are there so that a model learns to ignore them. They come
from the word list (names: capitalised entries that are not ordinary English words) and from
WordNet's concrete-noun files (titles, brands) and food hierarchy (dishes), filtered against the
sentiment lexicon so that a title like "The Disaster" never blurs a label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from . import wordnet
from .lexicon import lexicon
from .resources import dictionary_lines, dictionary_words

# First names are curated: the word list mixes them with places and brands, and nothing in it
# tells them apart.
FIRST_NAMES = (
    "Aaron Abigail Adam Adrian Aisha Alan Albert Alejandro Alex Alice Alicia Amanda Amelia Amir "
    "Ana Andre Andrea Andrew Angela Anna Anthony Antonio Arjun Ava Barbara Ben Benjamin Beth Bianca "
    "Brandon Brian Bruno Caleb Camila Carl Carla Carlos Caroline Catherine Charles Charlotte Chen "
    "Chloe Chris Christina Claire Clara Colin Connor Craig Daniel Daniela David Deborah Dennis Diana "
    "Diego Dominic Dylan Edward Elena Eli Elijah Elizabeth Ella Emily Emma Eric Erin Ethan Eva Evan "
    "Fatima Felix Fernando Fiona Frank Gabriel Gemma George Grace Greg Hannah Harry Hassan Helen "
    "Henry Hugo Ian Imani Isaac Isabel Ivan Jack Jacob Jade James Jamal Jane Jason Javier Jenna "
    "Jennifer Jeremy Jessica Joan John Jonah Jordan Jorge Jose Joseph Joshua Julia Julian Kai Karen "
    "Kate Keisha Kenji Kevin Kim Kofi Laura Layla Leah Leo Liam Lily Linda Lisa Logan Lucas Lucy "
    "Luis Luke Maria Marcus Mark Martin Maya Megan Mei Mia Michael Miguel Mohammed Molly Nadia "
    "Naomi Nathan Nicole Nina Noah Nora Oliver Olivia Omar Oscar Owen Pablo Patrick Paul Paula "
    "Peter Priya Rachel Rafael Rahul Ravi Rebecca Ricardo Robert Rosa Ruby Ryan Sam Samuel Sana "
    "Sara Sarah Scott Sean Simon Sofia Sophie Stephen Steven Susan Tara Teresa Thomas Tim Tom "
    "Tyler Valerie Victor Victoria Vincent Wei Will William Yara Yuki Zach Zoe"
).split()

# Names in the word list that should never appear as a cast member or a chef.
SENSITIVE_NAMES = frozenset(
    "ceausescu pinochet milosevic karadzic mladic duvalier somoza bundy dahmer manson oswald "
    "eichmann himmler goebbels mengele amin bokassa noriega saddam osama laden qaddafi gaddafi "
    "khomeini trujillo batista franco tojo heydrich oxycontin viagra prozac valium xanax "
    "smirnoff bacardi walmart pfizer tylenol advil cialis vicodin percocet ritalin kleenex "
    "jesus christ allah mohammad buddha satan lucifer jehovah yahweh".split()
)
# Concrete nouns that are fine words but odd or grim in a film title or a brand.
TITLE_BLOCKLIST = frozenset(
    "gibbet slum sewer corpse coffin toilet urine feces vomit virus flea louse tick leech "
    "maggot cockroach roach rat bullet gun rifle pistol bomb grenade noose gallows whip "
    "chick tit ass cock pussy dick bitch boob bust".split()
)
# Common surnames of many origins; the word list adds several hundred more.
CURATED_SURNAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson "
    "Baker Hall Rivera Campbell Mitchell Carter Roberts Patel Kim Chen Wang Singh Khan Ali Okafor "
    "Mensah Rossi Bianchi Schmidt Fischer Novak Kowalski Ivanova Sato Tanaka Suzuki Park Choi "
    "Silva Santos Costa Oliveira Murphy Kelly Walsh Byrne Dubois Lefebvre Moreau Jansen Larsen "
    "Nielsen Haddad Cohen Levy Ahmed Hassan Gupta Sharma Reddy Nair Tran Pham Yamamoto Ortiz "
    "Castillo Morales Reyes Gomez Diaz Cruz Ramos Ruiz Alvarez Mendoza Herrera Medina Vargas"
).split()
# A capitalised word-list entry reads as a surname when it ends like one; without this filter
# the list's first names, places and brands ("Tina", "Nikon") turn up as surnames.
_SURNAME_ENDING = re.compile(
    r"(son|sen|man|mann|ton|ley|ford|well|wood|field|worth|ham|ett|ard|kins|ski|sky|ez|stein"
    r"|berg|ridge|land|ington|stone|ner|ler|ter|der|ker|cox|rick|ock|dale|more|ney|ell|ings)$"
)


@lru_cache(maxsize=1)
def surnames() -> tuple[str, ...]:
    """Curated surnames, then capitalised word-list entries that are not ordinary words and end
    like a surname ("Pennington", "Dillard")."""
    lower = dictionary_words()
    first = set(FIRST_NAMES)
    out = list(CURATED_SURNAMES)
    taken = set(out)
    for word in dictionary_lines():
        key = word.lower()
        if not (word.isascii() and word.isalpha() and word[0].isupper() and word[1:].islower()):
            continue
        if not 4 <= len(word) <= 10 or key in lower or key in SENSITIVE_NAMES or word in first:
            continue
        if word in taken or not _SURNAME_ENDING.search(key):
            continue
        if any(wordnet.has_lemma(key, pos) for pos in "narv"):  # famous people, places, things
            continue
        out.append(word)
    return tuple(out)


@lru_cache(maxsize=1)
def concrete_nouns() -> tuple[str, ...]:
    """Common concrete nouns (animals, artefacts, food, places, objects, plants) whose main
    sense is concrete: the raw material for titles and brand names."""
    sentiment = lexicon().sentiment_words()
    known = dictionary_words()
    found: dict[str, None] = {}
    # noun.animal, noun.artifact, noun.food, noun.location, noun.object, noun.plant
    for offset, lemma in wordnet.lemmas_by_lexfile("n", (5, 6, 13, 15, 17, 20)):
        if not (lemma.isalpha() and lemma.islower() and 4 <= len(lemma) <= 9 and lemma in known):
            continue
        if lemma in sentiment or lemma in TITLE_BLOCKLIST or not wordnet.is_common(lemma, "n"):
            continue
        if wordnet.first_sense(lemma, "n") == offset:
            found[lemma] = None
    return tuple(sorted(found))


# Curated dishes first (a restaurant review names what people actually order), then WordNet's.
CURATED_DISHES = (
    "burger", "cheeseburger", "fish tacos", "pad thai", "green curry", "ramen", "pho", "lasagna",
    "risotto", "carbonara", "margherita pizza", "fried chicken", "brisket", "pulled pork",
    "steak frites", "ribeye", "salmon", "sea bass", "lamb chops", "pork belly", "dumplings",
    "bibimbap", "falafel", "shawarma", "butter chicken", "tikka masala", "biryani", "paella",
    "gnocchi", "mac and cheese", "clam chowder", "lobster roll", "crab cakes", "fish and chips",
    "eggs benedict", "pancakes", "french toast", "avocado toast", "burrito", "enchiladas",
    "nachos", "poke bowl", "sushi platter", "tempura", "spring rolls", "chicken wings",
    "caesar salad", "tomato soup", "grilled cheese", "club sandwich", "pot roast", "meatloaf",
    "chili", "gumbo", "jambalaya", "ravioli", "pesto pasta", "chicken parm", "calamari",
    "bruschetta", "mussels", "oysters", "short ribs", "tacos al pastor", "quesadilla", "hummus",
    "kebab platter", "veggie burger", "tofu stir-fry", "dim sum", "udon", "katsu curry",
)
DESSERTS = (
    "cheesecake", "tiramisu", "chocolate cake", "creme brulee", "apple pie", "key lime pie",
    "panna cotta", "brownie sundae", "carrot cake", "lemon tart", "gelato", "churros",
    "bread pudding", "chocolate mousse", "pecan pie", "banana split", "cannoli", "baklava",
    "sticky toffee pudding", "mochi", "flan", "peach cobbler",
)
_ODD_DISHES = frozenset((
    "bomber", "sub", "wedge", "crisp", "chip", "special", "patty", "hash", "side dish",
    "snack food", "barley water", "stock cube", "julienne", "poi", "fondu", "won ton",
    "pheasant under glass", "mock turtle soup", "green turtle soup", "turtle soup", "firm omelet",
    "fluffy omelet", "codfish ball", "fish loaf", "fish ball", "pepper pot", "pizza pie",
    "Philadelphia pepper pot", "potato skin", "open sandwich", "frog legs", "buffalo wing",
    "chicken mousse", "tartar steak", "slaw", "soup", "stew", "sandwich", "salad", "pudding",
    "liquor", "dip", "mold", "head cheese", "western", "Western", "kedgeree", "pilaf",
))


# A multi-word WordNet dish is kept only when it ends in a word that names a dish: this keeps
# "lentil soup" and drops oddities like "cannibal mound".
_DISH_HEADS = frozenset((
    "soup", "salad", "sandwich", "pie", "stew", "cake", "chowder", "pizza", "roll", "curry",
    "rice", "steak", "chicken", "eggs", "egg", "omelet", "omelette", "pudding", "sauce", "taco",
    "loaf", "chili", "broth", "casserole", "pasta", "wing", "ribs", "spareribs", "dog",
    "burger", "fondue", "goulash", "kabob", "kebab", "meatballs", "noodles", "potatoes",
    "beans", "stroganoff", "wellington", "parmigiana", "scampi",
))


@lru_cache(maxsize=1)
def dishes() -> tuple[str, ...]:
    known = dictionary_words()
    found: dict[str, None] = dict.fromkeys(CURATED_DISHES)
    root = wordnet.senses("dish", "n")[1]  # "a particular item of prepared food"
    for syn in wordnet.hyponym_closure(root):
        for lemma in syn.lemmas:
            name = lemma.replace("_", " ")
            words = name.lower().replace("-", " ").split()
            if name in _ODD_DISHES or len(words) > 3:
                continue
            if len(words) > 1 and words[-1] not in _DISH_HEADS:
                continue
            if len(words) == 1 and not wordnet.is_common(words[0], "n"):
                continue
            if all(w.isalpha() and (w in known or w[:1].isupper()) for w in name.replace("-", " ").split()):
                found[name] = None
    return tuple(found)


@dataclass(frozen=True)
class NeutralVocab:
    first_names: tuple[str, ...]
    surnames: tuple[str, ...]
    nouns: tuple[str, ...]
    dishes: tuple[str, ...]
    desserts: tuple[str, ...]


@lru_cache(maxsize=1)
def neutral_vocab() -> NeutralVocab:
    return NeutralVocab(tuple(FIRST_NAMES), surnames(), concrete_nouns(), dishes(), DESSERTS)
