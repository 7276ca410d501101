"""The expectations, one small function each, over the splits of an ingested dataset.

Per split (kwargs name it): the schema, the row count the manifest gives, no null id/text/label,
no empty text, labels from the label set and every label present, each label's share within
bounds, text lengths within bounds. Across the dataset: unique ids, the duplicate-text rate, and
leakage (a validation or test text that an earlier split already holds).

Why not Great Expectations itself: it is a large framework (a data context, stores, data docs and
dozens of dependencies) for what is here ten checks over three Parquet files; pyarrow.compute,
already a dependency, does them in a few lines each, and the report keeps GE's result shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from .result import SHOWN_IDS, Result, is_text, row_ids, text_column, unexpected, unusable

# The columns `ingest` writes, in its order; large_string is accepted for string.
COLUMNS = ("id", "text", "label", "source")
Splits = Mapping[str, pa.Table]


def table_schema(split: str, table: pa.Table) -> Result:
    observed = {f.name: str(f.type) for f in table.schema}
    missing = [name for name in COLUMNS if name not in observed]
    extra = [name for name in observed if name not in COLUMNS]
    wrong = {
        name: kind
        for name, kind in observed.items()
        if name in COLUMNS and not is_text(table.schema.field(name).type)
    }
    success = not (missing or extra or wrong) and list(observed) == list(COLUMNS)
    details = {"missing": missing, "unexpected": extra, "not_string": wrong}
    kwargs = {"split": split, "columns": {name: "string" for name in COLUMNS}, "ordered": True}
    return Result("expect_table_columns_to_match_schema", kwargs, success, observed, details)


def row_count(split: str, table: pa.Table, expected: int) -> Result:
    kwargs = {"split": split, "value": expected, "from": "manifest.json"}
    success = table.num_rows == expected
    return Result("expect_table_row_count_to_equal", kwargs, success, table.num_rows)


def not_null(split: str, table: pa.Table, column: str) -> Result:
    name = "expect_column_values_to_not_be_null"
    kwargs = {"split": split, "column": column}
    if column not in table.column_names:
        return unusable(name, kwargs, column)
    values = table.column(column)
    details = unexpected(table, pc.is_null(values))
    return Result(name, kwargs, values.null_count == 0, values.null_count, details)


def text_not_empty(split: str, table: pa.Table) -> Result:
    """Whitespace-only counts as empty: there is nothing in it to learn from."""
    name = "expect_column_values_to_not_be_empty"
    kwargs = {"split": split, "column": "text", "whitespace_is_empty": True}
    texts = text_column(table, "text")
    if texts is None:
        return unusable(name, kwargs, "text")
    details = unexpected(table, pc.equal(pc.utf8_trim_whitespace(texts), ""))
    count = details["unexpected_count"]
    return Result(name, kwargs, count == 0, count, details)


def labels_in_set(split: str, table: pa.Table, labels: Sequence[str]) -> Result:
    name = "expect_column_values_to_be_in_set"
    kwargs = {"split": split, "column": "label", "value_set": list(labels)}
    values = text_column(table, "label")
    if values is None:
        return unusable(name, kwargs, "label")
    outside = pc.and_(pc.invert(pc.is_in(values, value_set=pa.array(labels))), pc.is_valid(values))
    details = unexpected(table, outside)
    counts = _counts(values.filter(pc.fill_null(outside, False)))
    details["unexpected_values"] = dict(sorted(counts.items())[:SHOWN_IDS])
    observed = sorted(value for value in _counts(values) if value is not None)
    return Result(name, kwargs, details["unexpected_count"] == 0, observed, details)


def labels_present(split: str, table: pa.Table, labels: Sequence[str]) -> Result:
    """A split without one of the labels cannot train or measure a classifier of both."""
    name = "expect_column_distinct_values_to_contain_set"
    kwargs = {"split": split, "column": "label", "value_set": list(labels)}
    values = text_column(table, "label")
    if values is None:
        return unusable(name, kwargs, "label")
    present = {value for value in _counts(values) if value is not None}
    missing = [label for label in labels if label not in present]
    return Result(name, kwargs, not missing, sorted(present), {"missing": missing})


def label_shares(
    split: str, table: pa.Table, labels: Sequence[str], low: float, high: float
) -> Result:
    name = "expect_column_label_shares_to_be_between"
    kwargs = {"split": split, "column": "label", "min_share": low, "max_share": high}
    values = text_column(table, "label")
    if values is None:
        return unusable(name, kwargs, "label")
    counts = _counts(values)
    rows = table.num_rows
    shares = {label: round(counts.get(label, 0) / rows, 6) if rows else 0.0 for label in labels}
    outside = {label: share for label, share in shares.items() if not low <= share <= high}
    details = {"counts": {label: counts.get(label, 0) for label in labels}, "outside": outside}
    return Result(name, kwargs, rows > 0 and not outside, shares, details)


def text_lengths(split: str, table: pa.Table, low: int, high: int) -> Result:
    """Lengths in characters (code points) of the normalised text; nulls are not_null's."""
    name = "expect_column_value_lengths_to_be_between"
    kwargs = {"split": split, "column": "text", "min_value": low, "max_value": high}
    texts = text_column(table, "text")
    if texts is None:
        return unusable(name, kwargs, "text")
    lengths = pc.utf8_length(texts)
    details = unexpected(table, pc.or_(pc.less(lengths, low), pc.greater(lengths, high)))
    extremes = pc.min_max(lengths).as_py() if table.num_rows else {"min": None, "max": None}
    observed = {"min": extremes["min"], "max": extremes["max"]}
    return Result(name, kwargs, details["unexpected_count"] == 0, observed, details)


def unique_ids(splits: Splits) -> Result:
    """Ids trace a row back to its source (a feedback record, a file row): they must be unique
    across the whole dataset."""
    name = "expect_column_values_to_be_unique"
    kwargs = {"column": "id", "scope": "dataset"}
    if any(text_column(table, "id") is None for table in splits.values()):
        return unusable(name, kwargs, "id")
    seen: set[str] = set()
    repeated: list[str] = []
    for table in splits.values():
        for value in table.column("id").to_pylist():
            if value in seen:
                repeated.append(value)
            seen.add(value)
    details = {"partial_unexpected_ids": repeated[:SHOWN_IDS]}
    return Result(name, kwargs, not repeated, len(repeated), details)


def duplicate_rate(splits: Splits, high: float) -> Result:
    """A row whose exact normalised text an earlier row already has is a duplicate; a few are
    normal in real data, many mean a broken export or a source read twice."""
    name = "expect_duplicate_text_rate_to_be_at_most"
    kwargs = {"column": "text", "scope": "dataset", "max_value": high}
    if any(text_column(table, "text") is None for table in splits.values()):
        return unusable(name, kwargs, "text")
    seen: set[str] = set()
    rows = duplicates = 0
    examples: list[str] = []
    for table in splits.values():
        ids = row_ids(table, pa.array([True] * table.num_rows, pa.bool_()))
        for row_id, text in zip(ids, table.column("text").to_pylist(), strict=True):
            rows += 1
            if text is None:
                continue
            if text in seen:
                duplicates += 1
                if len(examples) < SHOWN_IDS:
                    examples.append(row_id)
            seen.add(text)
    rate = duplicates / rows if rows else 0.0
    details = {"duplicates": duplicates, "rows": rows, "partial_unexpected_ids": examples}
    return Result(name, kwargs, rate <= high, round(rate, 6), details)


def no_leakage(splits: Splits, high: float) -> Result:
    """An evaluation row whose exact text is in training (or, for test, in validation) measures
    memory, not generalisation. The rate is over the validation and test rows."""
    name = "expect_no_text_shared_between_splits"
    kwargs = {"column": "text", "splits": list(splits), "max_rate": high}
    if any(text_column(table, "text") is None for table in splits.values()):
        return unusable(name, kwargs, "text")
    names = list(splits)
    texts = {split: set(splits[split].column("text").to_pylist()) - {None} for split in names}
    pairs: dict[str, int] = {}
    leaked = evaluated = 0
    examples: list[str] = []
    for index, split in enumerate(names[1:], start=1):
        table = splits[split]
        earlier = names[:index]
        ids = row_ids(table, pa.array([True] * table.num_rows, pa.bool_()))
        evaluated += table.num_rows
        for row_id, text in zip(ids, table.column("text").to_pylist(), strict=True):
            holders = [other for other in earlier if text is not None and text in texts[other]]
            for other in holders:
                pairs[f"{other}/{split}"] = pairs.get(f"{other}/{split}", 0) + 1
            if holders:
                leaked += 1
                if len(examples) < SHOWN_IDS:
                    examples.append(row_id)
    rate = leaked / evaluated if evaluated else 0.0
    details: dict[str, Any] = {
        "leaked_rows": leaked,
        "evaluation_rows": evaluated,
        "by_pair": pairs,
        "partial_unexpected_ids": examples,
    }
    return Result(name, kwargs, rate <= high, round(rate, 6), details)


def _counts(values: pa.ChunkedArray) -> dict[Any, int]:
    counted = pc.value_counts(values).to_pylist()
    return {item["values"]: item["counts"] for item in counted}
