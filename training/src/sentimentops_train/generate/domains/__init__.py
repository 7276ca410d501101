"""Review domains. Movies come first; products and restaurants exist so that a later step can
shift the domain mix and watch drift detection react."""

from __future__ import annotations

from .base import Aspect, Domain, NounPhrase
from .movies import MOVIES
from .products import PRODUCTS
from .restaurants import RESTAURANTS

DOMAINS: dict[str, Domain] = {d.name: d for d in (MOVIES, PRODUCTS, RESTAURANTS)}


def get_domain(name: str) -> Domain:
    try:
        return DOMAINS[name]
    except KeyError:
        raise ValueError(f"unknown domain {name!r}; known: {', '.join(DOMAINS)}") from None


__all__ = ["DOMAINS", "Aspect", "Domain", "NounPhrase", "get_domain"]
