"""Slot values shared by every domain: people, times, durations, names."""

from __future__ import annotations

import random

from ..vocab import neutral_vocab

COMPANIONS = (
    "my wife", "my husband", "my partner", "my sister", "my brother", "my best friend",
    "my roommate", "the kids", "my parents", "my girlfriend", "my boyfriend", "a few coworkers",
    "my in-laws", "my dad", "my mom", "my grandmother", "my teenage son", "my daughter",
    "an old friend", "my neighbor", "my book club", "a couple of friends", "my fiancee", "my uncle",
)
WHENS = (
    "last weekend", "on Friday night", "on a rainy Sunday", "last Tuesday", "over the holidays",
    "on Christmas Eve", "a few days ago", "last night", "on my birthday", "during a long weekend",
    "on a whim", "last month", "on a weeknight", "after work", "on Saturday afternoon",
    "on a snowy evening", "during spring break", "on our anniversary",
)
DURATIONS = (
    "two weeks", "a month", "three months", "six weeks", "a year", "a few days", "two months",
    "about a week", "half a year", "ten days", "eight months", "almost two years",
)
# "It broke after {short_time}" is only a complaint if the time is short; "still works after
# {long_time}" is only praise if it is long.
SHORT_TIMES = ("two weeks", "a month", "ten days", "a few days", "three weeks", "one week", "six weeks")
LONG_TIMES = ("a year", "two years", "eighteen months", "three years", "a full year", "two winters")
MINUTES = ("ten", "fifteen", "twenty", "thirty", "forty", "forty-five", "fifty", "ninety")
NUMBERS = ("two", "three", "four", "five", "six")


def person_name(rng: random.Random) -> str:
    vocab = neutral_vocab()
    return f"{rng.choice(vocab.first_names)} {rng.choice(vocab.surnames)}"


def capitalised_noun(rng: random.Random) -> str:
    return rng.choice(neutral_vocab().nouns).capitalize()


def common_slots(rng: random.Random) -> dict[str, str | tuple[str, ...]]:
    """One companion and one occasion per review (a review does not change who was there);
    durations and numbers vary per use."""
    friend = rng.choice(neutral_vocab().first_names)
    companion = rng.choice(COMPANIONS + (f"my friend {friend}",))
    return {
        "companion": companion,
        "when": rng.choice(WHENS),
        "duration": DURATIONS,
        "short_time": SHORT_TIMES,
        "long_time": LONG_TIMES,
        "minutes": MINUTES,
        "number": NUMBERS,
        "friend": friend,
    }
