"""Data validation: expectations a dataset must meet before a model is trained on it.

    validate_dataset(dataset, config.validation) -> dict   # the report; report["success"]
    describe(report) -> list[str]                           # a few lines for people

The report follows the shape of a Great Expectations validation result (`success`,
`statistics`, `results[]`, `meta`), so tools and people who know that format can read it.
"""

from .report import FORMAT, describe, failed_names
from .suite import validate_dataset

__all__ = ["FORMAT", "describe", "failed_names", "validate_dataset"]
