"""The two shapes a row takes on its way through ingestion."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RawRow:
    """A row as a reader found it, before normalisation and label checks."""

    id: str  # unique within the source: an `id` column's value, or the row's place in it
    text: str | None  # None: an empty/null cell
    label: Any  # as stored (0/1, "pos", "Negative"...); labels.parse_label decides
    where: str  # for error messages: "reviews.csv row 7", "aclImdb/train/pos/12_8.txt"
    source: str  # provenance, written to the dataset's `source` column
    split: str | None = None  # "train"/"test" when the source fixes it (aclImdb)


@dataclass(frozen=True, slots=True)
class Record:
    """A row ready to be written: normalised text, canonical label."""

    id: str
    text: str
    label: str  # "negative" | "positive"
    source: str
    split: str | None = None


@dataclass(frozen=True)
class SourceData:
    """Everything a source yielded, and what the manifest says about it."""

    rows: list[RawRow]
    description: dict[str, Any]
    has_test_split: bool = False  # True: rows with split="test" are the test set, as given
