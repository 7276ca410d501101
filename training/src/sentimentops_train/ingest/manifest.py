"""The dataset manifest: what the dataset is (content hash), what is in it, where it came from."""

import hashlib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from .. import __version__
from ..labels import LABELS
from .normalise import NORMALISER_VERSION
from .records import Record
from .split import SPLITS

MANIFEST_FORMAT = "sentimentops-dataset/1"
HASH_METHOD = (
    "sha256 over one line per row, UTF-8: the JSON array [split, id, text, label, source] "
    "(no spaces, non-ASCII kept) and a newline; splits in the order train, validation, test, "
    "rows in file order"
)


def content_sha256(splits: Mapping[str, Sequence[Record]]) -> str:
    """The dataset's identity: it changes with any text, label, id, source or split assignment,
    and with nothing else (not the Parquet encoding, not the time it was made)."""
    digest = hashlib.sha256()
    for name in SPLITS:
        for record in splits[name]:
            digest.update(_canonical_line(name, record))
    return digest.hexdigest()


def split_sha256(name: str, records: Sequence[Record]) -> str:
    """One split's identity (the manifest's `splits.<name>.content_sha256`): the hash method's
    lines of this split alone, rows in file order. Equal for the same rows of the same split in
    any dataset, whatever the Parquet bytes."""
    return hashlib.sha256(b"".join(_canonical_line(name, record) for record in records)).hexdigest()


def build_manifest(
    splits: Mapping[str, Sequence[Record]],
    *,
    source: Mapping[str, Any],
    split_settings: Mapping[str, Any],
    seed: int,
    dropped_empty: int,
    duplicate_texts: int,
) -> dict[str, Any]:
    return {
        "format": MANIFEST_FORMAT,
        "content_sha256": content_sha256(splits),
        "content_hash_method": HASH_METHOD,
        "rows": sum(len(rows) for rows in splits.values()),
        "labels": list(LABELS),
        "splits": {name: _split_summary(name, splits[name]) for name in SPLITS},
        "source": dict(source),
        "split": dict(split_settings),
        "seed": seed,
        # Empty texts cannot be learnt from and are left out; duplicates are kept (and counted)
        # for the data-validation step to judge.
        "dropped": {"empty_text": dropped_empty},
        "duplicate_texts": duplicate_texts,
        "normaliser_version": NORMALISER_VERSION,
        "created_by": f"sentimentops-train {__version__}",
        "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


def _split_summary(name: str, rows: Sequence[Record]) -> dict[str, Any]:
    counts = Counter(record.label for record in rows)
    return {
        "file": f"{name}.parquet",
        "rows": len(rows),
        "labels": {label: counts.get(label, 0) for label in LABELS},
        "content_sha256": split_sha256(name, rows),
    }


def _canonical_line(split: str, record: Record) -> bytes:
    fields = [split, record.id, record.text, record.label, record.source]
    return (json.dumps(fields, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
