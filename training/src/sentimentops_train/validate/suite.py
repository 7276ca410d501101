"""Reads an ingested dataset and runs every expectation over it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..config import ValidationConfig
from ..errors import DataError
from ..ingest import SPLITS, load_manifest
from ..labels import LABELS
from . import expectations as expect
from .report import build_report
from .result import Result


def validate_dataset(dataset: str | Path, bounds: ValidationConfig) -> dict[str, Any]:
    """The validation report of the dataset folder `dataset` (its `success` says whether every
    expectation was met). A folder that is not a dataset, or a split that cannot be read, is a
    DataError: there is nothing to validate."""
    dataset = Path(dataset)
    manifest = load_manifest(dataset)
    splits = {name: _read(dataset, name) for name in SPLITS}
    results = run_expectations(splits, manifest, bounds)
    meta = {
        "dataset": str(dataset),
        "content_sha256": manifest.get("content_sha256"),
        "rows": {name: table.num_rows for name, table in splits.items()},
        "bounds": {
            "min_label_share": bounds.min_label_share,
            "max_label_share": bounds.max_label_share,
            "min_text_chars": bounds.min_text_chars,
            "max_text_chars": bounds.max_text_chars,
            "max_duplicate_rate": bounds.max_duplicate_rate,
            "max_leakage_rate": bounds.max_leakage_rate,
        },
    }
    return build_report(results, meta)


def run_expectations(
    splits: dict[str, pa.Table], manifest: dict[str, Any], bounds: ValidationConfig
) -> list[Result]:
    results: list[Result] = []
    for name, table in splits.items():
        expected_rows = manifest.get("splits", {}).get(name, {}).get("rows")
        results += [
            expect.table_schema(name, table),
            *([expect.row_count(name, table, expected_rows)] if expected_rows is not None else []),
            *(expect.not_null(name, table, column) for column in ("id", "text", "label")),
            expect.text_not_empty(name, table),
            expect.labels_in_set(name, table, LABELS),
            expect.labels_present(name, table, LABELS),
            expect.label_shares(
                name, table, LABELS, bounds.min_label_share, bounds.max_label_share
            ),
            expect.text_lengths(name, table, bounds.min_text_chars, bounds.max_text_chars),
        ]
    results += [
        expect.unique_ids(splits),
        expect.duplicate_rate(splits, bounds.max_duplicate_rate),
        expect.no_leakage(splits, bounds.max_leakage_rate),
    ]
    return results


def _read(dataset: Path, name: str) -> pa.Table:
    path = dataset / f"{name}.parquet"
    try:
        return pq.read_table(path)
    except FileNotFoundError:
        raise DataError(f"{path}: missing; the dataset is incomplete") from None
    except (pa.ArrowException, OSError) as error:
        raise DataError(f"{path}: cannot read the {name} split ({error})") from None
