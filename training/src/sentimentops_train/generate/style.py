"""Surface style: the way people actually type. Applied after a review is written, and never to
the words that carry its polarity, so noise cannot change a label.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .domains import DOMAINS
from .draft import Draft
from .lexicon import DOWNTONERS, MILD_INTENSIFIERS, STRONG_INTENSIFIERS, lexicon

# Words a typo must never touch: negators, contrast markers, and every sentiment-bearing word.
_STRUCTURAL = frozenset("""
    not no never nothing none nobody nowhere neither nor without hardly barely cannot can't
    but however although though yet still despite while even only overall worth waste
    love loved hate hated enjoy enjoyed recommend recommended regret regretted avoid
    best worst better worse disappoint disappointed disappointing impressed complaint complaints
    again back stars star out of
""".split())
_CONTRACTIONS = {
    "wasn't": "was not", "weren't": "were not", "isn't": "is not", "aren't": "are not",
    "didn't": "did not", "doesn't": "does not", "don't": "do not", "couldn't": "could not",
    "wouldn't": "would not", "won't": "will not", "can't": "cannot", "hadn't": "had not",
    "hasn't": "has not", "haven't": "have not", "shouldn't": "should not",
}
_CONTRACTION_RE = re.compile(r"\b(" + "|".join(re.escape(k) for k in _CONTRACTIONS) + r")", re.IGNORECASE)
_WORD_RE = re.compile(r"[A-Za-z]{5,}")
_CASUAL_TAGS = ("tbh", "lol", "ngl", "fr", "smh", "honestly")


@lru_cache(maxsize=1)
def protected_words() -> frozenset[str]:
    words = set(_STRUCTURAL) | set(lexicon().sentiment_words())
    for domain in DOMAINS.values():
        for asp in domain.aspects:
            for entries in asp.adjectives.values():
                for entry in entries:
                    words.update(entry.replace("-", " ").split())
    for adverb in (*STRONG_INTENSIFIERS, *MILD_INTENSIFIERS, *DOWNTONERS):
        words.update(adverb.split())
    return frozenset(words)


def _expand(match: re.Match[str]) -> str:
    full = _CONTRACTIONS[match.group(1).lower()]
    return full[:1].upper() + full[1:] if match.group(1)[0].isupper() else full


def _typo(d: Draft, word: str) -> str:
    i = d.rng.randrange(1, len(word) - 2)
    op = d.rng.randrange(3)
    if op == 0:  # swapped neighbours: "teh"
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == 1:  # dropped letter
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]  # doubled letter


def add_typos(d: Draft, text: str, count: int) -> str:
    protected = protected_words()
    candidates = [m for m in _WORD_RE.finditer(text) if m.group(0).lower() not in protected]
    if not candidates:
        return text
    chosen = sorted(d.rng.sample(candidates, min(count, len(candidates))), key=lambda m: m.start(), reverse=True)
    for match in chosen:
        text = text[:match.start()] + _typo(d, match.group(0)) + text[match.end():]
    d.note("typo")
    return text


def apply_style(d: Draft, text: str) -> str:
    """Decide once per review how it is typed: formal, plain, or casual."""
    if d.chance(0.3):
        text = _CONTRACTION_RE.sub(_expand, text)
    if d.chance(0.16):
        text = casual(d, text)
    elif d.chance(0.1) and text.endswith("."):
        text = text[:-1] + "!"
        d.note("exclamation")
    if d.chance(0.06) and "lowercase" not in d.features:
        # Emphasis in capitals ("SO good") on a booster, never on the sentiment word itself.
        emphasised = re.sub(r"\b(so|really|very|absolutely|never)\b(?! (?:I|we|i)\b)", lambda m: m.group(1).upper(), text, count=1)
        if emphasised != text:
            text = emphasised
            d.note("caps_emphasis")
    if d.chance(0.08):
        text = add_typos(d, text, d.rng.randint(1, 2))
    return text


_NUMBER_WORDS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "fifteen": "15", "eighteen": "18",
    "twenty": "20", "thirty": "30", "forty-five": "45", "forty": "40", "fifty": "50", "sixty": "60",
    "ninety": "90",
}
# Longest first, so that "forty-five" is not read as "forty" and "-five". "one" is left alone:
# "one of the best", "no one" are not numbers.
_NUMBER_RE = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def numerals(text: str) -> str:
    """Quantities in digits, as most people type them ("waited 20 minutes", "3 weeks later").
    Ratings are often written in digits anyway ("2/10"); without this the digits of every other
    quantity would only ever appear in ratings, and a model would read "20 minutes" as a score."""
    return _NUMBER_RE.sub(lambda m: _NUMBER_WORDS[m.group(1).lower()], text)


def casual(d: Draft, text: str) -> str:
    d.note("casual")
    if d.chance(0.6):
        text = text.lower()
        d.note("lowercase")
    if d.chance(0.4):
        text = text.replace("'", "")  # "didnt", "its": phones drop apostrophes
    if d.chance(0.3):
        text = text.replace(". ", "... ", 1)
    if d.chance(0.35):
        text = text.rstrip(".") + d.pick(("!!", "!!!", "!"))
        d.note("exclamation")
    if d.chance(0.2):
        text = text.rstrip() + " " + d.pick(_CASUAL_TAGS)
    if d.chance(0.15):
        text = re.sub(r"\bso\b", d.pick(("sooo", "soooo", "soo")), text, count=1)
    if d.chance(0.3):
        text = text.rstrip(".")
    return text.strip()
