"""Reading a dataset that `ingest` wrote: what training and evaluation call."""

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..config import Config
from ..errors import DataError
from .split import SPLITS
from .write import MANIFEST


def dataset_dir(config: Config) -> Path:
    """Where `ingest` writes, and training reads, the run's dataset by default."""
    return Path(config.output_dir) / "dataset"


def load_manifest(dataset: str | Path) -> dict[str, Any]:
    """The dataset's manifest; a folder without one is not a (finished) dataset."""
    path = Path(dataset) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataError(
            f"{dataset}: not an ingested dataset (no {MANIFEST}); "
            "run `python -m sentimentops_train ingest --config ...` first"
        ) from None
    except (OSError, ValueError) as error:
        raise DataError(f"{path}: unreadable ({error})") from None
    if not isinstance(manifest, dict) or "splits" not in manifest:
        raise DataError(f"{path}: not a dataset manifest")
    return manifest


def load_split(dataset: str | Path, name: str) -> pa.Table:
    """One split (`train`, `validation` or `test`) as a table with columns id, text, label
    (`negative`/`positive`), source; its row count is checked against the manifest."""
    if name not in SPLITS:
        raise DataError(f"unknown split {name!r} (expected one of: {', '.join(SPLITS)})")
    manifest = load_manifest(dataset)
    path = Path(dataset) / f"{name}.parquet"
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as error:
        raise DataError(f"{path}: cannot read the {name} split ({error})") from None
    expected = manifest["splits"][name]["rows"]
    if table.num_rows != expected:
        raise DataError(f"{path}: {table.num_rows} rows, the manifest says {expected}")
    return table
