"""The shape of a review domain: what is reviewed, its aspects, and its own phrase banks.

Phrase templates use two small markups, resolved by `Context.fill`:
  [past|present]  the verb form for the review's tense ("[kept|keeps] me guessing");
  {slot}          a value from the review's context ({actor}, {dish}); {Slot} capitalises it.
Predicates are written for a singular subject; plural noun phrases only take adjectives.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..lexicon import NEGATIVE, POSITIVE, Polarity

SlotValue = str | tuple[str, ...]


def lines(block: str) -> tuple[str, ...]:
    """One phrase per line: keeps long phrase banks readable in the source."""
    return tuple(line.strip() for line in block.strip().splitlines() if line.strip())


def words(block: str) -> tuple[str, ...]:
    """Comma-separated entries (adjectives may contain spaces: "true to size")."""
    return tuple(w.strip() for w in block.split(",") if w.strip())


@dataclass(frozen=True)
class NounPhrase:
    text: str  # with its determiner: "the plot", "our server", "{actor}'s performance"
    plural: bool = False

    @property
    def bare(self) -> str:
        """Without the determiner, for terse fragments: "great acting, a gripping plot"."""
        for det in ("the ", "our ", "my ", "their "):
            if self.text.startswith(det):
                return self.text[len(det):]
        return self.text


def nouns(spec: str) -> tuple[NounPhrase, ...]:
    """"the acting; the performances*" -> noun phrases; a trailing * marks a plural."""
    out = []
    for item in spec.split(";"):
        item = item.strip()
        if item:
            out.append(NounPhrase(item.rstrip("*"), item.endswith("*")))
    return tuple(out)


@dataclass(frozen=True)
class Aspect:
    name: str
    nouns: tuple[NounPhrase, ...]
    adjectives: Mapping[Polarity, tuple[str, ...]]
    predicates: Mapping[Polarity, tuple[str, ...]]
    # Whether the general evaluative lexicon fits ("the plot was superb" does, "the wait was
    # superb" does not): aspects like price and wait only use their own words.
    generic: bool = True
    # For products: the aspect applies only to product types carrying one of these tags.
    tags: tuple[str, ...] = ()
    # Noun phrases that can be the subject of the predicates ("{actor} phoned it in", never
    # "the acting phoned it in"); by default every singular noun phrase.
    subjects: tuple[NounPhrase, ...] = ()
    # Whether "I loved the ___" / "the ___ was the highlight" fit: not for a wait or a restroom.
    personal: bool = True
    # Whether the aspect may pull against the review's label. A product that broke cannot be a
    # "minor gripe" in a five-star review, nor can "still works after a year" soften a one-star.
    can_oppose: bool = True

    def predicate_subjects(self) -> tuple[NounPhrase, ...]:
        return self.subjects or tuple(n for n in self.nouns if not n.plural)


def aspect(name: str, noun_spec: str, pos: str, neg: str, pos_vp: str = "", neg_vp: str = "",
           generic: bool = True, tags: tuple[str, ...] = (), subjects: str = "",
           personal: bool = True, can_oppose: bool = True) -> Aspect:
    return Aspect(
        name=name,
        nouns=nouns(noun_spec),
        adjectives={POSITIVE: words(pos), NEGATIVE: words(neg)},
        predicates={POSITIVE: lines(pos_vp), NEGATIVE: lines(neg_vp)},
        generic=generic,
        tags=tags,
        subjects=nouns(subjects),
        personal=personal,
        can_oppose=can_oppose,
    )


@dataclass(frozen=True)
class Domain:
    name: str
    item_nouns: tuple[str, ...]  # "this ___": movie, film, flick
    aspects: tuple[Aspect, ...]
    verdicts: Mapping[Polarity, tuple[str, ...]]  # whole-review judgements, as clauses
    shorts: Mapping[Polarity, tuple[str, ...]]  # complete short reviews
    consequences: Mapping[Polarity, tuple[str, ...]]  # "and I left bored": ends a deciding clause
    questions: Mapping[Polarity, tuple[str, ...]]  # rhetorical questions
    anecdotes: Mapping[str, tuple[str, ...]]  # "neutral", "positive", "negative"
    descriptions: tuple[str, ...]  # sentences with no sentiment at all
    # Adjectives and verdict nouns for the item as a whole: "a gripping film", "a lemon".
    item_adjectives: Mapping[Polarity, tuple[str, ...]]
    verdict_nouns: Mapping[Polarity, tuple[str, ...]]
    past_tense_rate: float
    # Per-review slots ({title}, {actor}, {dish}...); returns the aspects that apply to this item.
    make_slots: Callable[[random.Random], tuple[dict[str, SlotValue], tuple[Aspect, ...]]]
    # Whether the lexicon's most colourful words (lexicon.VIVID) suit this domain's aspects.
    vivid: bool = True
