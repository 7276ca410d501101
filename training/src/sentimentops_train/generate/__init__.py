"""Seeded generator of English reviews with known labels.

`generate_reviews(count, seed, domains)` returns Review objects; `run_generate(...)` writes the
JSONL the ingestion step reads. Labels are correct by construction: the label picks the polarity
of the clause that decides the review, and every other clause is arranged around it (see
templates.py). Vocabulary comes from curated seed lists widened with WordNet (Debian
`wordnet-base`) and the American English word list (Debian `wamerican`).
"""

from .domains import DOMAINS
from .generator import DEFAULT_DOMAINS, Review, generate_reviews, run_generate
from .resources import MissingResourceError, resources_fingerprint

__all__ = [
    "DEFAULT_DOMAINS",
    "DOMAINS",
    "MissingResourceError",
    "Review",
    "generate_reviews",
    "resources_fingerprint",
    "run_generate",
]
