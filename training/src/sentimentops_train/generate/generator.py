"""generate_reviews: the public entry point, and run_generate, the CLI seam writing JSONL."""

from __future__ import annotations

import json
import os
import random
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import phrases
from .domains import DOMAINS, get_domain
from .draft import Draft
from .lexicon import NEGATIVE, POSITIVE, Polarity, flip
from .style import apply_style, numerals
from .templates import DEFAULT_WEIGHTS, STRUCTURES

DEFAULT_DOMAINS = ("movies", "products", "restaurants")
# Pros/cons lists are a shopping-site habit; elsewhere they are rare.
_DOMAIN_STRUCTURE_SCALE = {"products": {"pros_cons": 3.0}, "movies": {"pros_cons": 0.3}}
_MAX_ATTEMPTS = 25


@dataclass(frozen=True)
class Review:
    text: str
    label: Polarity
    domain: str
    structure: str  # which template family wrote it
    features: tuple[str, ...]  # phenomena used, sorted: "negation", "contrast", "short", ...
    aspects: tuple[str, ...]  # aspects mentioned, in order

    def record(self) -> dict[str, str]:
        """The row the training pipeline ingests."""
        return {"text": self.text, "label": self.label, "domain": self.domain}


def generate_reviews(
    count: int,
    seed: int,
    domains: Sequence[str] = DEFAULT_DOMAINS,
    *,
    domain_weights: Mapping[str, float] | None = None,
    structure_weights: Mapping[str, float] | None = None,
    unique: bool = True,
) -> list[Review]:
    """`count` reviews with known labels, deterministic for `seed`: exactly half of each label
    when count is even (one extra of either label when it is odd).

    Domains rotate in shuffled blocks, so each appears count/len(domains) times (+-1), unless
    `domain_weights` asks for a skewed mix (domain shift). Each review draws from its own
    `random.Random(f"{seed}:{index}:{attempt}")`: output depends only on the arguments, and the
    first n reviews of a larger run equal a run of n.
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, got {count}")
    names = tuple(domains)
    if not names:
        raise ValueError("at least one domain is needed")
    for name in names:
        get_domain(name)
    weights = _structure_weights(structure_weights)
    seen: set[str] = set()
    reviews: list[Review] = []
    for index in range(count):
        label = _label(seed, index)
        domain = _domain(seed, index, names, domain_weights)
        review = _write(seed, index, label, domain, weights, seen if unique else None)
        seen.add(_key(review.text))
        reviews.append(review)
    return reviews


def run_generate(count: int, seed: int, domains: Sequence[str], out_path: Path | str, *,
                 domain_weights: Mapping[str, float] | None = None) -> Path:
    """Write `count` reviews as JSONL ({"text", "label", "domain"} per line). The file appears
    only when complete: it is written beside the target and renamed into place."""
    out = Path(out_path)
    reviews = generate_reviews(count, seed, domains, domain_weights=domain_weights)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for review in reviews:
                handle.write(json.dumps(review.record(), ensure_ascii=False) + "\n")
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return out


def _label(seed: int, index: int) -> Polarity:
    # Labels come in pairs (one of each, order by coin), so any prefix is balanced to within one.
    first = POSITIVE if random.Random(f"{seed}:label:{index // 2}").random() < 0.5 else NEGATIVE
    return first if index % 2 == 0 else flip(first)


def _domain(seed: int, index: int, names: tuple[str, ...], weights: Mapping[str, float] | None) -> str:
    if weights:
        rng = random.Random(f"{seed}:domain:{index}")
        return rng.choices(names, weights=[float(weights.get(n, 0.0)) for n in names])[0]
    block = list(names)
    random.Random(f"{seed}:domains:{index // len(names)}").shuffle(block)
    return block[index % len(names)]


def _structure_weights(overrides: Mapping[str, float] | None) -> dict[str, float]:
    weights = dict(DEFAULT_WEIGHTS)
    for name, value in (overrides or {}).items():
        if name not in STRUCTURES:
            raise ValueError(f"unknown structure {name!r}; known: {', '.join(STRUCTURES)}")
        weights[name] = float(value)
    return weights


def _write(seed: int, index: int, label: Polarity, domain: str, weights: dict[str, float],
           seen: set[str] | None) -> Review:
    names = list(weights)
    scale = _DOMAIN_STRUCTURE_SCALE.get(domain, {})
    domain_weights = [weights[n] * scale.get(n, 1.0) for n in names]
    review: Review | None = None
    for attempt in range(_MAX_ATTEMPTS):
        rng = random.Random(f"{seed}:{index}:{attempt}")
        # Short reviews repeat easily ("Loved it."); after a few clashes, write a longer one.
        pool = [w if (n != "short" or attempt < 5) else 0.0 for n, w in zip(names, domain_weights)]
        structure = rng.choices(names, weights=pool)[0]
        draft = Draft(rng, DOMAINS[domain], label)
        STRUCTURES[structure](draft)
        # Their own random streams: the rest of each review is the same with or without them.
        extra = random.Random(f"{seed}:{index}:{attempt}:extra")
        _maybe_sign_off(draft, extra, structure)
        text = apply_style(draft, draft.text())
        if extra.random() < NUMERALS_RATE:
            text = numerals(text)
        # Length features describe the text as written, whatever the structure meant it to be.
        words = len(text.split())
        draft.features.discard("short")
        draft.features.discard("long_form")
        if words <= 6:
            draft.note("short")
        if words >= 70:
            draft.note("long")
        review = Review(text, label, domain, structure, tuple(sorted(draft.features)), tuple(draft.aspects_used))
        if seen is None or _key(text) not in seen:
            return review
    assert review is not None
    return review  # a duplicate after every attempt: rare enough to keep rather than fail


# How often a review ends with a stock line ("Would buy again.").
SIGN_OFF_RATE = 0.15
# How often a review's quantities are typed in digits ("we waited 20 minutes").
NUMERALS_RATE = 0.5


def _maybe_sign_off(draft: Draft, rng: random.Random, structure: str) -> None:
    # A short review is its own sign-off, and a casual one is a single lowercase line already.
    if structure == "short" or "casual" in draft.features or rng.random() >= SIGN_OFF_RATE:
        return
    draft.note("sign_off")
    draft.add(rng.choice(phrases.sign_offs(draft.domain.name, draft.label)))


def _key(text: str) -> str:
    return " ".join(text.lower().split())
