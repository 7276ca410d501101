"""The `generated` source: reviews from the seeded review generator.

The generator (`sentimentops_train.generate`) is its own change; until it is in the package this
source fails with a clear message. What this module expects of it:

    sentimentops_train.generate.generate_reviews(count: int, domains: Sequence[str], seed: int)
        -> Iterable[review]

where each review has `text`, `label` ("negative"/"positive") and `domain`, as attributes or as
mapping keys. Generated rows then go through the same normalisation, checks and split as files.
An unknown domain or a missing word resource (WordNet, the word list) is a DataError.
"""

import importlib
import importlib.util
from collections.abc import Callable, Iterable
from typing import Any

from ..config import SourceConfig
from ..errors import DataError
from .records import RawRow, SourceData

GENERATOR_MODULE = "sentimentops_train.generate"
GENERATOR_FUNCTION = "generate_reviews"


def read_generated(source: SourceConfig, seed: int) -> SourceData:
    generate = _generator()
    count = source.count or 0
    try:
        reviews = generate(count=count, domains=list(source.domains), seed=seed)
    except (ValueError, RuntimeError) as error:
        # An unknown domain (ValueError) or a missing word resource (the generator's
        # MissingResourceError, a RuntimeError): the user's to fix, so no traceback.
        raise DataError(f"data.source (generated): {error}") from None
    rows = []
    for index, review in enumerate(reviews):
        domain = str(_get(review, "domain"))
        rows.append(
            RawRow(
                id=f"generated:{index}",
                text=_get(review, "text"),
                label=_get(review, "label"),
                where=f"generated review {index}",
                source=f"generated/{domain}",
            )
        )
    description = {
        "kind": "generated",
        "count": count,
        "domains": list(source.domains),
        "seed": seed,
    }
    return SourceData(rows=rows, description=description)


def _generator() -> Callable[..., Iterable[Any]]:
    module = None
    if importlib.util.find_spec(GENERATOR_MODULE) is not None:
        module = importlib.import_module(GENERATOR_MODULE)
    function = getattr(module, GENERATOR_FUNCTION, None)
    if function is None:
        raise DataError(
            "data.source.kind 'generated' is not available yet: it arrives with the review "
            f"generator ({GENERATOR_MODULE}.{GENERATOR_FUNCTION}); use kind 'files' meanwhile"
        )
    return function


def _get(review: Any, key: str) -> Any:
    return review[key] if isinstance(review, dict) else getattr(review, key)
