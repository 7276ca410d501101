"""Writes a dataset so that it is either complete or absent.

Everything is written into a hidden temporary sibling of the destination and renamed into place
at the end; a failure (or a kill) never leaves a folder at the destination that looks like a
finished dataset. The manifest is the last file written.
"""

import json
import shutil
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import DataError
from .records import Record
from .split import SPLITS

MANIFEST = "manifest.json"
SCHEMA = pa.schema(
    [("id", pa.string()), ("text", pa.string()), ("label", pa.string()), ("source", pa.string())]
)


def write_dataset(
    out: Path, splits: Mapping[str, Sequence[Record]], manifest: Mapping[str, Any]
) -> Path:
    """Writes `<out>/{train,validation,test}.parquet` and `<out>/manifest.json`, replacing a
    dataset already at `out`; returns `out`."""
    _check_replaceable(out)
    target = out.absolute()  # `.` or `..` have no name to put a sibling beside
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = _sibling(target, "tmp")
    staging.mkdir()  # not mkdtemp: its 0700 mode would stay on the published folder
    try:
        for name in SPLITS:
            pq.write_table(_table(splits[name]), staging / f"{name}.parquet")
        text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
        (staging / MANIFEST).write_text(text, encoding="utf-8")
        _publish(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return out


def _sibling(out: Path, role: str) -> Path:
    """A hidden, unique name beside `out`: same file system, so renames are atomic."""
    return out.with_name(f".{out.name}.{role}-{uuid.uuid4().hex[:12]}")


def _table(rows: Sequence[Record]) -> pa.Table:
    columns = {
        "id": [r.id for r in rows],
        "text": [r.text for r in rows],
        "label": [r.label for r in rows],
        "source": [r.source for r in rows],
    }
    return pa.table(columns, schema=SCHEMA)


def _check_replaceable(out: Path) -> None:
    """Refuses to replace anything but an earlier dataset (a mistyped `--out .` must not delete
    a folder of other files)."""
    if out.is_file() or out.is_symlink():
        raise DataError(f"{out}: exists and is not a dataset folder; not replacing it")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise DataError(f"{out}: a folder that holds no {MANIFEST}; not replacing it")


def _publish(staging: Path, out: Path) -> None:
    if not out.exists():
        staging.rename(out)
        return
    # Move the old dataset aside first: a directory rename cannot replace a non-empty one.
    previous = _sibling(out, "old")
    out.rename(previous)
    try:
        staging.rename(out)
    except BaseException:
        previous.rename(out)
        raise
    shutil.rmtree(previous, ignore_errors=True)
