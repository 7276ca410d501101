"""One expectation's outcome, in the shape of a Great Expectations result entry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

SHOWN_IDS = 10  # ids of failing rows listed in a result (the rest are counted)


@dataclass(frozen=True)
class Result:
    """`kwargs` say what was expected (column, split, bounds); `observed_value` what was found;
    `details` counts and example row ids (never the texts: a report may travel further than
    the data)."""

    expectation: str
    kwargs: Mapping[str, Any]
    success: bool
    observed_value: Any
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "expectation": self.expectation,
            "kwargs": dict(self.kwargs),
            "success": self.success,
            "observed_value": self.observed_value,
            "details": dict(self.details),
        }


def unusable(expectation: str, kwargs: Mapping[str, Any], column: str) -> Result:
    """A failed result for an expectation whose column is missing or not text: the schema
    result says what is wrong; this one only says why it could not run."""
    return Result(
        expectation,
        kwargs,
        False,
        None,
        {"error": f"no string column {column!r} (see expect_table_columns_to_match_schema)"},
    )


def unexpected(table: pa.Table, mask: pa.ChunkedArray | pa.Array) -> dict[str, Any]:
    """GE's unexpected_count / unexpected_percent, plus the ids of the first failing rows."""
    mask = pc.fill_null(mask, False)
    count = int(pc.sum(mask).as_py() or 0)
    rows = table.num_rows
    return {
        "unexpected_count": count,
        "unexpected_percent": round(100 * count / rows, 4) if rows else 0.0,
        "partial_unexpected_ids": row_ids(table, mask)[:SHOWN_IDS],
    }


def row_ids(table: pa.Table, mask: pa.ChunkedArray | pa.Array) -> list[str]:
    """The ids of the rows `mask` selects; `row N` (from 1) where the id column is unusable."""
    mask = pc.fill_null(mask, False)
    if "id" in table.column_names and is_text(table.column("id").type):
        return [str(value) for value in table.column("id").filter(mask).to_pylist()]
    flags = mask.to_pylist()
    return [f"row {index + 1}" for index, flag in enumerate(flags) if flag]


def is_text(data_type: pa.DataType) -> bool:
    return pa.types.is_string(data_type) or pa.types.is_large_string(data_type)


def text_column(table: pa.Table, name: str) -> pa.ChunkedArray | None:
    """The column when it exists and holds strings; None otherwise."""
    if name not in table.column_names or not is_text(table.schema.field(name).type):
        return None
    return table.column(name)
