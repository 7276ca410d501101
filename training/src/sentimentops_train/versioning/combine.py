"""A new dataset version: a base dataset plus new labelled rows (inbox files, feedback exports).

New rows go through ingest's readers, checks and normaliser, so they are stored exactly as an
ingested row would be. A new row whose normalised text is already in the base (or earlier among
the new rows) is left out: the base's row, label and split stand, and a label that disagrees is
counted as a conflict for someone to look at. Base rows keep their split. A new row's split is
decided by sha256(seed, text), one row at a time, so it does not depend on what else arrived with
it, and equal texts can never land in two splits (no leakage from new data).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import SourceConfig
from ..errors import DataError
from ..ingest import NORMALISER_VERSION, SPLITS, load_manifest, load_split, normalise_text
from ..ingest.manifest import build_manifest
from ..ingest.pipeline import prepare_records
from ..ingest.records import RawRow, Record
from ..ingest.source import detect_format, read_source
from .snapshot import dataset_sha256

PROCESSED = "processed"  # inbox sub-folder that processed files are moved to
_SHOWN = 5


@dataclass(frozen=True)
class NewFile:
    """One file of new labelled rows, as read."""

    path: Path
    kind: str  # "inbox" or "feedback": the first part of its rows' ids and source
    sha256: str
    rows: list[RawRow]


@dataclass
class Combined:
    splits: dict[str, list[Record]]
    manifest: dict[str, Any]
    base_sha256: str
    added: dict[str, int]  # new rows per split
    skipped: dict[str, int]
    conflicts: list[str] = field(default_factory=list)  # ids of new rows whose label disagreed

    @property
    def changed(self) -> bool:
        return sum(self.added.values()) > 0


def inbox_files(inbox: Path) -> list[Path]:
    """The inbox's data files (CSV/TSV, JSONL, Parquet), by name; sub-folders (processed/) and
    hidden files (a copy still being written) are not read."""
    if not inbox.is_dir():
        raise DataError(f"{inbox}: no such inbox folder (versioning.inbox)")
    return sorted(
        path
        for path in inbox.iterdir()
        if path.is_file() and not path.name.startswith(".") and _readable(path)
    )


def _readable(path: Path) -> bool:
    try:
        detect_format(path)
    except DataError:
        return False  # a README or a note beside the data: not data
    return True


def read_new_file(path: Path, kind: str, columns: SourceConfig) -> NewFile:
    """Rows of one file, read as `ingest` reads a file source (the format from the extension,
    the text and label columns of `columns`), with ids `<kind>/<file sha256[:12]>/<row id>`:
    unique however many files share a name, and the same for the same file. An empty file (an
    export of no feedback) has no rows."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataError(f"{path}: cannot read ({error.strerror or error})") from None
    digest = hashlib.sha256(data).hexdigest()
    if not data:
        return NewFile(path, kind, digest, [])
    source = SourceConfig(
        kind="files",
        path=str(path),
        text_column=columns.text_column,
        label_column=columns.label_column,
    )
    rows = [
        RawRow(
            id=f"{kind}/{digest[:12]}/{row.id}",
            text=row.text,
            label=row.label,
            where=f"{kind} {row.where}",
            source=f"{kind}/{path.name}",
        )
        for row in read_source(source, seed=0).rows
    ]
    return NewFile(path, kind, digest, rows)


def combine(
    base: Path, new_files: Sequence[NewFile], *, seed: int, validation: float, test: float
) -> Combined:
    """The base dataset's rows, each in its split, then the new rows that are new."""
    base_manifest = load_manifest(base)
    if base_manifest.get("normaliser_version") != NORMALISER_VERSION:
        raise DataError(
            f"{base}: normalised by version {base_manifest.get('normaliser_version')}, this code "
            f"normalises by version {NORMALISER_VERSION}; ingest the base again first"
        )
    base_sha = dataset_sha256(base)
    splits = {name: _records(base, name) for name in SPLITS}
    labels = {r.text: r.label for rows in splits.values() for r in rows}
    ids = {r.id for rows in splits.values() for r in rows}

    raw = [row for new in new_files for row in new.rows]
    if any(row.text and normalise_text(row.text) for row in raw):
        records, empty = prepare_records(raw)  # unknown labels, repeated ids: DataError
    else:
        records, empty = [], len(raw)
    added = dict.fromkeys(SPLITS, 0)
    skipped = {"duplicate_of_base": 0, "duplicate_within_new": 0, "empty_text": empty}
    conflicts: list[str] = []
    in_base = set(labels)
    for record in records:
        if record.text in labels:
            skipped["duplicate_of_base" if record.text in in_base else "duplicate_within_new"] += 1
            if labels[record.text] != record.label:
                conflicts.append(record.id)
            continue
        if record.id in ids:
            raise DataError(f"{record.id}: a new row's id is already in the base dataset")
        split = place(record.text, seed=seed, validation=validation, test=test)
        splits[split].append(record)
        labels[record.text] = record.label
        ids.add(record.id)
        added[split] += 1

    texts = [r.text for rows in splits.values() for r in rows]
    manifest = build_manifest(
        splits,
        source={
            "kind": "combined",
            "base": {"sha256": base_sha, "rows": base_manifest["rows"]},
            "added": [
                {
                    "kind": new.kind,
                    "file": new.path.name,
                    "sha256": new.sha256,
                    "rows": len(new.rows),
                }
                for new in new_files
            ],
            "rows_read": len(raw),
        },
        split_settings={
            "validation": validation,
            "test": test,
            "method": "base rows keep their split; a new row's split by sha256(seed, text)",
        },
        seed=seed,
        dropped_empty=base_manifest.get("dropped", {}).get("empty_text", 0) + empty,
        duplicate_texts=len(texts) - len(set(texts)),
    )
    return Combined(splits, manifest, base_sha, added, skipped, conflicts)


def place(text: str, *, seed: int, validation: float, test: float) -> str:
    """A new row's split: the row's own hash as a number in [0, 1) against the fractions."""
    digest = hashlib.sha256(f"{seed}\0{text}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    if point < test:
        return "test"
    return "validation" if point < test + validation else "train"


def _records(dataset: Path, split: str) -> list[Record]:
    return [
        Record(id=row["id"], text=row["text"], label=row["label"], source=row["source"])
        for row in load_split(dataset, split).to_pylist()
    ]


def conflict_summary(conflicts: Sequence[str]) -> str:
    shown = ", ".join(conflicts[:_SHOWN])
    more = f" (and {len(conflicts) - _SHOWN} more)" if len(conflicts) > _SHOWN else ""
    return f"{shown}{more}"
