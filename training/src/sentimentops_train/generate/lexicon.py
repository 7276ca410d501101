"""Sentiment vocabulary: curated seed lists, widened with WordNet synonyms.

The seeds decide polarity; WordNet only adds synonyms of a seed's most frequent sense(s), and a
synonym is kept only when it is an ordinary dictionary word, not on the block list and not also
reachable from a seed of the other polarity. That keeps labels correct by construction while the
vocabulary grows well beyond what a template writer would think of.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from . import wordnet
from .resources import dictionary_words

Polarity = Literal["negative", "positive"]
POSITIVE: Polarity = "positive"
NEGATIVE: Polarity = "negative"


def flip(polarity: Polarity) -> Polarity:
    return NEGATIVE if polarity == POSITIVE else POSITIVE


# Extreme adjectives: they take "absolutely"/"utterly" and read badly with "very".
STRONG_SEEDS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: (
        "excellent", "wonderful", "superb", "fantastic", "outstanding", "brilliant", "terrific",
        "marvelous", "magnificent", "exceptional", "amazing", "awesome", "phenomenal", "stellar",
        "splendid", "perfect", "flawless", "remarkable", "exquisite", "sublime", "fabulous",
        "incredible", "stunning", "extraordinary", "spectacular", "glorious", "first-rate",
        "top-notch", "impeccable", "masterful", "breathtaking", "unforgettable", "dazzling",
        "sensational", "tremendous", "wondrous", "divine", "stupendous", "world-class",
    ),
    NEGATIVE: (
        "terrible", "awful", "horrible", "dreadful", "atrocious", "abysmal", "appalling",
        "horrendous", "dismal", "pathetic", "lousy", "rotten", "woeful", "execrable", "unbearable",
        "insufferable", "inexcusable", "disastrous", "pitiful", "miserable", "ghastly",
        "abominable", "deplorable", "laughable", "shambolic", "hideous", "godawful", "wretched",
        "unacceptable", "disgraceful", "shameful", "unforgivable", "catastrophic", "dire",
    ),
}

# Strong words too colourful for a kettle's setup ("breathtaking assembly"): kept for films
# and meals, left out where a domain asks for plain words.
VIVID = frozenset((
    "sublime", "divine", "glorious", "breathtaking", "dazzling", "wondrous", "magnificent",
    "exquisite", "unforgettable", "spectacular", "stupendous", "masterful", "masterly", "virtuoso",
    "eye-popping", "awe-inspiring", "sensational", "stunning", "striking", "astonishing",
    "insufferable", "execrable", "ghastly", "hideous", "wretched", "shambolic", "unforgivable",
    "catastrophic", "odious", "preposterous", "dismaying", "godawful", "inexcusable", "woeful",
))

# Gradable adjectives that judge anything (a film, a kettle, a waiter). Words that only fit one
# kind of thing ("gripping", "sturdy", "cozy") live with their domain or aspect instead.
MILD_SEEDS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: (
        "good", "great", "nice", "solid", "decent", "enjoyable", "pleasant", "lovely",
        "satisfying", "worthwhile", "admirable", "impressive", "delightful", "commendable",
        "first-class", "praiseworthy", "cool", "top-quality", "high-quality",
        "likeable", "pleasing", "appealing",
    ),
    NEGATIVE: (
        "bad", "poor", "mediocre", "disappointing", "weak", "subpar", "underwhelming",
        "lackluster", "unimpressive", "unsatisfying", "frustrating", "annoying", "irritating",
        "inferior", "second-rate", "so-so", "meh", "lame", "unacceptable", "regrettable",
        "unpleasant", "low-quality",
    ),
}

# Verdict nouns that fit any item: "a gem", "a letdown". Domains add their own ("a page-turner"
# would be a book's; "a lemon" is a product's).
NOUN_SEEDS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: (
        "gem", "winner", "delight", "joy", "treat", "keeper", "find", "success", "hit",
        "revelation", "marvel", "standout", "pleasure", "triumph", "home run",
    ),
    NEGATIVE: (
        "disaster", "mess", "letdown", "disappointment", "dud", "failure", "joke", "nightmare",
        "embarrassment", "fiasco", "shambles", "catastrophe", "miss", "write-off", "train wreck",
        "headache", "waste",
    ),
}

# Adverbs that scale an adjective up or down. Kept apart from polarity so that "somewhat dull"
# stays negative and "fairly good" stays positive.
STRONG_INTENSIFIERS = (
    "absolutely", "utterly", "truly", "simply", "completely", "totally", "downright", "positively",
    "genuinely", "thoroughly", "just",
)
# Some boosters only sound right one way round: "remarkably good" but not "remarkably bland".
MILD_INTENSIFIERS_BY_POLARITY: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: (
        "very", "really", "incredibly", "extremely", "so", "seriously", "unbelievably",
        "ridiculously", "insanely", "super", "remarkably", "hugely", "exceptionally",
        "wonderfully", "amazingly", "genuinely",
    ),
    NEGATIVE: (
        "very", "really", "incredibly", "extremely", "so", "seriously", "unbelievably",
        "ridiculously", "insanely", "super", "awfully", "terribly", "painfully", "woefully",
        "horribly", "deeply", "utterly",
    ),
}
MILD_INTENSIFIERS = tuple(dict.fromkeys(
    MILD_INTENSIFIERS_BY_POLARITY[POSITIVE] + MILD_INTENSIFIERS_BY_POLARITY[NEGATIVE]))
DOWNTONERS = (
    "somewhat", "fairly", "rather", "slightly", "a bit", "a little", "kind of", "sort of", "mildly",
    "moderately", "pretty", "quite", "a touch", "reasonably",
)
# WordNet synonyms that are technically right but wrong in a review, or not for polite company.
BLOCKLIST = frozenset((
    "howling", "rattling", "bully", "corking", "cracking", "slap-up", "fantabulous", "grand",
    "hot", "keen", "neat", "naughty", "ill", "pretty", "rubber", "severe", "tough", "hard",
    "negative", "sorry", "stinking", "stinky", "icky", "crappy", "shitty", "lamentable", "corked",
    "corky", "dread", "dreaded", "direful", "fearful", "fearsome", "frightening", "frightful",
    "wicked", "big", "full", "ace", "bad", "fabled", "legendary", "heavenly", "godlike", "fat",
    "lordly", "olympian", "majestic", "regal", "royal", "imperial", "awing", "awesome",
    "tremendous", "dire", "grievous", "heavy", "intense", "outrageous", "monstrous", "extreme",
    "cruel", "brutal", "beastly", "brilliant", "bright", "unspeakable", "distressing", "sick",
    "sickening", "nauseating", "nauseous", "vile", "queasy", "unhealthy", "wild", "tall",
    "hefty", "dim", "dumb", "stupid", "idiotic", "moronic", "retarded", "crazy", "insane",
    "lunatic", "mad", "cretinous", "imbecilic", "sweet", "cute", "hollow", "sad", "blue",
    "gay", "queer", "black", "white", "dark", "fair", "light", "ripe", "raw", "green", "cool",
    "uncool", "sensational", "lurid", "tawdry", "gaudy", "garish", "flash", "flashy",
    "meretricious", "loud", "pitiable", "piteous", "misfortunate", "hapless", "poor",
    "bunk", "hokum", "rot", "tripe", "twaddle", "baloney", "hogwash", "bullshit", "shit",
    "crap", "balls", "cock", "bull", "horseshit", "bosh", "tosh", "drool", "guff", "humbug",
    "wretched", "sorry", "scummy", "scurvy", "lousy", "damn", "damned", "goddamn", "bloody",
    "ugly", "unsound", "unfit", "incompetent", "unskilled", "inept", "uncomfortable",
    "knockout", "smasher", "stunner", "beauty", "dish", "looker", "mantrap", "peach", "lulu",
    "sweetheart", "bird", "chick", "doll", "honey", "dear", "cheesecake", "beefcake", "hunk",
    "bomb", "turkey", "dog", "washout", "fizzle", "bust", "abortion", "clunker", "flunk",
    # Reviewed output of the expansion: off-sense, ambiguous in some genre ("horrifying" praises
    # a horror film), or aspect-specific ("inexpensive" praises a price, "delicious" only food).
    "antic", "leading", "star", "singular", "crack", "enormous", "colossal", "prodigious",
    "foremost", "unbelievable", "horrifying", "gruesome", "macabre", "inglorious", "ruinous",
    "delicious", "cagey", "hardy", "comfortable", "everyday", "routine", "nettlesome",
    "pestering", "ungainly", "inexpensive", "level", "plane", "ill-mannered", "bad-mannered",
    "rasping", "disclosure", "homer", "tragedy", "gag", "jest", "girl", "write-down", "worry",
    "resplendent", "a-one", "okay", "breakthrough", "victory", "virtuoso", "high-grade",
    "galling",
))


def _clean(lemma: str) -> str | None:
    """An ordinary dictionary word (or hyphenated pair of them), else None."""
    word = lemma.lower().replace("_", " ")
    if " " in word or not 3 <= len(word) <= 15 or word in BLOCKLIST:
        return None
    parts = word.split("-")
    known = dictionary_words()
    if not all(part.isalpha() and part.isascii() and part in known for part in parts):
        return None
    return word


def _synonyms(seed: str, pos: str, max_senses: int) -> list[str]:
    found: list[str] = []
    for syn in wordnet.senses(seed, pos)[:max_senses]:
        for lemma in syn.lemmas:
            word = _clean(lemma)
            # Single-word synonyms must be common (seen in WordNet's tagged corpus); this drops
            # archaic and technical senses ("marvellous" stays, "fantabulous" goes).
            if word is None or word == seed or not ("-" in word or wordnet.is_common(word, pos)):
                continue
            # Keep a synonym only when this meaning is its own most frequent one: "star" is a
            # synonym of "outstanding" but mostly means something else, so it goes.
            if wordnet.first_sense(word, pos) == syn.offset:
                found.append(word)
    return found


def expand(seeds: dict[Polarity, tuple[str, ...]], pos: str, max_senses: int) -> dict[Polarity, tuple[str, ...]]:
    """Seeds plus their WordNet synonyms, with words reachable from both polarities dropped."""
    grown: dict[Polarity, list[str]] = {}
    for polarity, words in seeds.items():
        grown[polarity] = [w for seed in words for w in _synonyms(seed, pos, max_senses)]
    out: dict[Polarity, tuple[str, ...]] = {}
    for polarity, words in seeds.items():
        other = set(seeds[flip(polarity)]) | set(grown[flip(polarity)])
        extra = [w for w in grown[polarity] if w not in other and w not in words]
        # dict.fromkeys keeps first-seen order and drops repeats: deterministic, unlike a set.
        out[polarity] = tuple(dict.fromkeys((*words, *extra)))
    return out


@dataclass(frozen=True)
class Lexicon:
    strong: dict[Polarity, tuple[str, ...]]
    mild: dict[Polarity, tuple[str, ...]]
    nouns: dict[Polarity, tuple[str, ...]]

    def adjectives(self, polarity: Polarity) -> tuple[str, ...]:
        return self.strong[polarity] + self.mild[polarity]

    def sentiment_words(self) -> frozenset[str]:
        """Every word that carries polarity: style noise (typos) never touches these."""
        words: set[str] = set()
        for table in (self.strong, self.mild, self.nouns):
            for entries in table.values():
                for entry in entries:
                    words.update(entry.replace("-", " ").split())
        return frozenset(words)


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    strong = expand(STRONG_SEEDS, "a", max_senses=1)
    mild = expand(MILD_SEEDS, "a", max_senses=1)
    # A word grown from a strong seed and a mild seed of the same polarity stays strong only.
    mild = {p: tuple(w for w in words if w not in strong[p] or w in MILD_SEEDS[p]) for p, words in mild.items()}
    nouns = expand(NOUN_SEEDS, "n", max_senses=1)
    return Lexicon(strong=strong, mild=mild, nouns=nouns)
