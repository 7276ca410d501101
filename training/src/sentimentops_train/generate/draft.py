"""A review being written: its random source, domain slots, tense and the features used.

Every choice goes through `Draft.rng`, a `random.Random` seeded from the review's own seed
string, so a review depends only on (seed, index, attempt) and never on set ordering or hash
randomisation.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from .domains import Aspect, Domain
from .lexicon import Polarity

T = TypeVar("T")

_TENSE = re.compile(r"\[([^\[\]|]*)\|([^\[\]|]*)\]")
_SLOT = re.compile(r"\{(\w+)\}")
_VOWEL_SOUND = re.compile(
    r"^(?:[ai]|e(?!u)|o(?!ne|nce)|u(?!ni[qfvtocsl]|se|sa|su|ti|r[aeiou])|hour|honest|8|11|18)", re.IGNORECASE
)


def article(word: str) -> str:
    """"a" or "an" by the sound of the next word (close enough for review English)."""
    return "an" if _VOWEL_SOUND.match(word) else "a"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


_SENTENCE_STARTERS = frozenset(
    "It The We My This They Our A An There Their Its Most Parking For Everything".split()
)


def decapitalise(text: str) -> str:
    """Lower-case a sentence's first word when it follows an opener ("So, it came ..."); names
    and "I" keep their capital."""
    first, _, rest = text.partition(" ")
    return (first[:1].lower() + first[1:] + (" " + rest if rest else "")) if first in _SENTENCE_STARTERS else text


class Draft:
    def __init__(self, rng: random.Random, domain: Domain, label: Polarity) -> None:
        self.rng = rng
        self.domain = domain
        self.label = label
        self.slots, self.aspects = domain.make_slots(rng)
        self.tense = "past" if rng.random() < domain.past_tense_rate else "present"
        self.features: set[str] = set()
        self.aspects_used: list[str] = []
        self.sentences: list[str] = []
        self._used: set[str] = set()

    # -- random helpers -------------------------------------------------------------------
    def pick(self, options: Sequence[T]) -> T:
        return options[self.rng.randrange(len(options))]

    def pick_fresh(self, options: Sequence[str]) -> str:
        """A phrase not used yet in this review, where one is left ("The one saving grace:"
        twice in a review reads like a machine)."""
        fresh = [o for o in options if o not in self._used]
        choice = self.pick(fresh or list(options))
        self._used.add(choice)
        return choice

    def chance(self, probability: float) -> bool:
        return self.rng.random() < probability

    def note(self, *features: str) -> None:
        self.features.update(features)

    # -- grammar ----------------------------------------------------------------------------
    def be(self, plural: bool = False) -> str:
        if self.tense == "past":
            return "were" if plural else "was"
        return "are" if plural else "is"

    def be_not(self, plural: bool = False) -> str:
        return self.be(plural) + "n't"

    def it(self) -> str:
        """How the review refers to the thing reviewed: mostly "it", sometimes by name."""
        roll = self.rng.random()
        if roll < 0.72:
            return "it"
        if roll < 0.9:
            return f"this {self.slot('noun')}"
        return self.slot("name_ref") if "name_ref" in self.slots else self.slot("name")

    def slot(self, name: str) -> str:
        if name == "it":
            return self.it()
        if name.startswith("a_"):  # {a_noun} -> "an espresso machine"
            value = self.fill(self.slot(name[2:]))
            return f"{article(value)} {value}"
        value = self.slots[name]
        return value if isinstance(value, str) else self.pick(value)

    def fill(self, template: str) -> str:
        """Resolve [past|present] and {slot} markup; slot values may hold markup themselves."""
        text = _TENSE.sub(lambda m: m.group(1) if self.tense == "past" else m.group(2), template)
        for _ in range(4):
            if "{" not in text:
                break
            text = _SLOT.sub(self._slot_match, text)
        return text

    def _slot_match(self, match: re.Match[str]) -> str:
        name = match.group(1)
        value = self.slot(name.lower())
        return capitalise(value) if name[0].isupper() else value

    def use_aspect(self, exclude: Sequence[str] = (), where: Callable[[Aspect], bool] | None = None) -> Aspect:
        """An aspect not used yet in this review where possible: real reviews rarely praise
        and damn the same thing twice."""
        allowed = [a for a in self.aspects if where is None or where(a)] or list(self.aspects)
        fresh = [a for a in allowed if a.name not in self.aspects_used and a.name not in exclude]
        chosen = self.pick(fresh or allowed)
        self.aspects_used.append(chosen.name)
        return chosen

    # -- output -----------------------------------------------------------------------------
    def add(self, clause: str, end: str = ".") -> None:
        clause = clause.strip()
        if clause[-1:] in ".!?":
            end = ""
        self.sentences.append(capitalise(clause) + end)

    def text(self) -> str:
        return " ".join(self.sentences)
