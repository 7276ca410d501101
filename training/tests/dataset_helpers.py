"""Test helpers: small ingested datasets written straight from rows, to validate, snapshot and
combine; and a way to replace one split's file to break the dataset on purpose."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sentimentops_train.ingest.manifest import build_manifest
from sentimentops_train.ingest.records import Record
from sentimentops_train.ingest.write import write_dataset

Row = tuple[str, str, str]  # id, text, label


def balanced_rows(split: str, count: int) -> list[Row]:
    """`count` distinct rows of one split, alternating negative/positive."""
    return [
        (
            f"{split}-{i}",
            f"The {split} review number {i} was {'great' if i % 2 else 'awful'}.",
            "positive" if i % 2 else "negative",
        )
        for i in range(count)
    ]


def good_splits() -> dict[str, list[Row]]:
    return {
        "train": balanced_rows("train", 20),
        "validation": balanced_rows("validation", 6),
        "test": balanced_rows("test", 6),
    }


def write_rows(out: Path, splits: Mapping[str, Sequence[Row]], **source: Any) -> Path:
    """A dataset folder as `ingest` writes it (Parquet splits + manifest) holding these rows."""
    records = {
        name: [Record(id=i, text=t, label=lab, source="test") for i, t, lab in rows]
        for name, rows in splits.items()
    }
    manifest = build_manifest(
        records,
        source=source or {"kind": "files", "path": "test"},
        split_settings={"validation": 0.2, "test": 0.2},
        seed=7,
        dropped_empty=0,
        duplicate_texts=0,
    )
    return write_dataset(out, records, manifest)


def replace_split(dataset: Path, split: str, columns: dict[str, list[Any]]) -> None:
    """Overwrites one split's Parquet file (the manifest is left as it was)."""
    pq.write_table(pa.table(columns), dataset / f"{split}.parquet")


def columns_of(rows: Sequence[Row]) -> dict[str, list[Any]]:
    return {
        "id": [r[0] for r in rows],
        "text": [r[1] for r in rows],
        "label": [r[2] for r in rows],
        "source": ["test"] * len(rows),
    }
