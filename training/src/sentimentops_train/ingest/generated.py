"""The `generated` source: reviews from the seeded review generator.

Generated rows go through the same normalisation, checks and split as rows read from files. The
output depends on the seed and on the word resources (WordNet, the word list), so both are
recorded in the manifest's source description.
"""

from ..config import SourceConfig
from ..errors import DataError
from ..generate import generate_reviews, resources_fingerprint
from .records import RawRow, SourceData


def read_generated(source: SourceConfig, seed: int) -> SourceData:
    count = source.count or 0
    try:
        reviews = generate_reviews(count=count, domains=list(source.domains), seed=seed)
        fingerprint = resources_fingerprint()
    except (ValueError, RuntimeError) as error:
        # An unknown domain (ValueError) or a missing word resource (the generator's
        # MissingResourceError, a RuntimeError): the user's to fix, so no traceback.
        raise DataError(f"data.source (generated): {error}") from None
    rows = [
        RawRow(
            id=f"generated:{index}",
            text=review.text,
            label=review.label,
            where=f"generated review {index}",
            source=f"generated/{review.domain}",
        )
        for index, review in enumerate(reviews)
    ]
    description = {
        "kind": "generated",
        "count": count,
        "domains": list(source.domains),
        "seed": seed,
        "resources": fingerprint,
    }
    return SourceData(rows=rows, description=description)
