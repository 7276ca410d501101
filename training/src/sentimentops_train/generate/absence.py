"""Sentiment carried by what is missing: "No rattles, no wobble, and the colours are
accurate." is praise made of complaint words, and "No flavour, no atmosphere, no apology." is a
complaint made of praise words. Without these, a model learns that "rattles", "wobble" or "leaks"
mean negative and that "flavour" means positive, and it misreads the many real reviews that list
the problems they did not have.

PROBLEMS are the faults a reviewer would complain of; GOODS are what a reviewer would want. A
review praises by the absence of PROBLEMS and complains by the absence of GOODS, so labels stay
decided by construction. Each bank is plural-or-mass nouns, so "no X" and "zero X" both read.
"""

from __future__ import annotations

from .domains.base import lines
from .lexicon import NEGATIVE, POSITIVE, Polarity

PROBLEMS: dict[str, tuple[str, ...]] = {
    "movies": lines("""
        filler
        plot holes
        cheap jump scares
        dead stretches
        wasted scenes
        clumsy exposition
        cringe dialogue
        lectures
        loose ends
        shaky camera work
        padding
        forced romance
        ropey effects
        boring subplots
        wooden performances
    """),
    "products": lines("""
        wobble
        rattles
        lag
        plastic smell
        fading
        leaks
        scratches
        dropouts
        hidden fees
        crashes
        overheating
        squeaks
        loose threads
        flicker
        static
        battery drain
        rust
        cracks
        missing parts
        setup headaches
    """),
    "restaurants": lines("""
        long waits
        attitude
        grease
        hidden charges
        soggy chips
        rushed service
        cold plates
        upselling
        mistakes on the bill
        sticky tables
        overcooked pasta
        mix-ups with the order
        stale bread
        fuss
        noise from the kitchen
    """),
}
GOODS: dict[str, tuple[str, ...]] = {
    "movies": lines("""
        tension
        laughs
        chemistry
        plot
        payoff
        likeable characters
        stakes
        surprises
        heart
        momentum
        memorable lines
        suspense
        ideas
    """),
    "products": lines("""
        instructions
        warranty support
        spare parts
        refund
        padding
        bass
        grip
        battery life
        quality control
        customer service
        sturdiness
        value
    """),
    "restaurants": lines("""
        flavour
        atmosphere
        apology
        seasoning
        refills
        welcome
        vegetables worth mentioning
        warmth from the staff
        value
        care in the cooking
        attention
        fresh bread
    """),
}
# "Nothing ..." clauses, by the polarity they express.
NOTHING: dict[str, dict[Polarity, tuple[str, ...]]] = {
    "movies": {
        POSITIVE: ("nothing felt wasted", "not one scene felt like filler", "nothing drags",
                   "not a minute too long", "nothing rang false", "I never once looked at the clock"),
        NEGATIVE: ("nothing happens for the first hour", "nothing about it stuck with me",
                   "not one character worth caring about", "nothing landed", "not a single scene I'd rewatch",
                   "not one joke made me smile"),
    },
    "products": {
        POSITIVE: ("nothing rattles", "nothing came loose", "nothing missing from the box",
                   "not a single scratch", "not one problem", "nothing has worn out",
                   "not once has it let me down"),
        NEGATIVE: ("nothing works the way the listing claims", "nothing fits properly",
                   "not one feature works as described", "nothing about it feels solid",
                   "not a single part I'd trust", "nothing in the box matched the photos"),
    },
    "restaurants": {
        POSITIVE: ("nothing was cold", "nothing was overcooked", "nothing missing from the order",
                   "not one dish we'd skip", "nothing took too long", "not a single mistake all night"),
        NEGATIVE: ("nothing tasted of anything", "nothing came out hot", "not one dish worth ordering again",
                   "nothing was cooked properly", "not a single thing we'd order again", "nothing on the menu appealed"),
    },
}
# How an absence is said: "{x}" is one bank entry, "{y}" a second.
FRAMES: tuple[str, ...] = (
    "no {x}, no {y}",
    "no {x} and no {y}",
    "zero {x}",
    "not a trace of {x}",
    "no {x} whatsoever",
    "no {x} at all",
    "no {x}, no {y}, nothing",
    "without any {x}",
    "free of {x}",
)
# Said of PROBLEMS only: the time shows the absence has lasted, so it is praise.
LASTING: tuple[str, ...] = (
    "{long_time} in and still no {x}",
    "no {x} yet after {long_time}",
    "{long_time} later and not a hint of {x}",
    "still no {x} after {long_time}",
)
# Said of GOODS only: "not even X" complains of what was hoped for.
HOPED: tuple[str, ...] = (
    "not even any {x}",
    "not much in the way of {x} either",
    "no sign of {x}",
    "barely any {x}",
)


def missing(domain: str, polarity: Polarity) -> tuple[str, ...]:
    """What a review of `polarity` says was missing: problems when praising, goods when not."""
    return PROBLEMS[domain] if polarity == POSITIVE else GOODS[domain]


def nothing(domain: str, polarity: Polarity) -> tuple[str, ...]:
    return NOTHING[domain][polarity]


__all__ = ["PROBLEMS", "GOODS", "NOTHING", "FRAMES", "LASTING", "HOPED", "missing", "nothing"]
