"""Dataset snapshots: an ingested dataset stored content-addressed in an artifact store.

    <store>/datasets/sha256/<hash>/train.parquet, validation.parquet, test.parquet,
                                   manifest.json, snapshot.json (the record, written last)

The hash is the manifest's content_sha256 (sha256 over every row's split, id, text, label and
source; see ingest/manifest.py), recomputed from the Parquet rows before anything is stored, so a
snapshot's name is its content: the same rows give the same hash on any machine, whatever the
Parquet bytes or the time, and storing them again writes nothing. It is the hash that lineage
(the model card's dataset.content_sha256, the registry) refers to. `snapshot.json` adds the
parent snapshot(s), the sources, row and label counts and each file's sha256, which a checkout
verifies.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import __version__, console
from ..commands._layout import build_dir, now, sha256_of
from ..errors import DataError, StoreError
from ..ingest import SPLITS, content_sha256, load_manifest, load_split
from ..ingest.records import Record
from ..ingest.write import MANIFEST
from .store import ArtifactStore

PREFIX = "datasets/sha256"
RECORD = "snapshot.json"
FORMAT = "sentimentops-snapshot/1"
FILES = (*(f"{name}.parquet" for name in SPLITS), MANIFEST)
_HEX = re.compile(r"^[0-9a-f]{8,64}$")
MIN_PREFIX = 8  # hex digits a shortened hash needs


def snapshot_key(sha256: str) -> str:
    return f"{PREFIX}/{sha256}"


def dataset_sha256(dataset: Path) -> str:
    """The dataset's content hash, computed from its rows and checked against its manifest: a
    dataset edited after ingest must not be stored under the name of what it was."""
    manifest = load_manifest(dataset)
    splits = {
        name: [
            Record(id=row["id"], text=row["text"], label=row["label"], source=row["source"])
            for row in load_split(dataset, name).to_pylist()
        ]
        for name in SPLITS
    }
    actual = content_sha256(splits)
    if actual != manifest.get("content_sha256"):
        raise DataError(
            f"{dataset}: its rows hash to {actual[:12]}, but the manifest says "
            f"{str(manifest.get('content_sha256'))[:12]}; the dataset was changed after it was "
            "written (ingest it again)"
        )
    return actual


def parents_of(manifest: dict[str, Any]) -> list[str]:
    """The snapshots a dataset was made from: a combined dataset names its base."""
    source = manifest.get("source", {})
    if source.get("kind") == "combined":
        return [source["base"]["sha256"]]
    return []


def put_snapshot(
    store: ArtifactStore, dataset: Path, *, log: Callable[[str], None] = console.log
) -> tuple[dict[str, Any], bool]:
    """Stores `dataset` under its content hash; (its record, whether anything was written).
    Storing a dataset that is already there writes nothing and returns the stored record."""
    sha = dataset_sha256(dataset)
    key = snapshot_key(sha)
    if store.exists(f"{key}/{RECORD}"):
        log(f"snapshot {sha[:12]} is already in {store.uri}")
        return read_record(store, sha), False
    manifest = load_manifest(dataset)
    files = {name: dataset / name for name in FILES}
    record = {
        "format": FORMAT,
        "sha256": sha,
        "hash_method": manifest.get("content_hash_method"),
        "parents": parents_of(manifest),
        "sources": manifest.get("source", {}),
        "rows": {name: manifest["splits"][name]["rows"] for name in SPLITS},
        "labels": {name: manifest["splits"][name]["labels"] for name in SPLITS},
        "normaliser_version": manifest.get("normaliser_version"),
        "files": {
            name: {"sha256": sha256_of(path), "bytes": path.stat().st_size}
            for name, path in files.items()
        },
        "created_at": now(),
        "created_by": f"sentimentops-train {__version__}",
    }
    data = (json.dumps(record, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    written = store.put_folder(key, files, RECORD, data)
    if not written:  # another writer stored the same content first: theirs is the record
        return read_record(store, sha), False
    log(f"stored snapshot {sha[:12]} in {store.url(key)}")
    return record, True


def resolve(store: ArtifactStore, ref: str) -> str:
    """The full hash of a stored snapshot from its hash or a unique prefix (8+ hex digits)."""
    ref = ref.strip().lower().removeprefix("sha256:")
    if not _HEX.match(ref):
        raise StoreError(f"{ref!r}: not a snapshot hash (at least {MIN_PREFIX} hex digits)")
    if len(ref) == 64:
        candidates = [ref] if store.exists(f"{snapshot_key(ref)}/{RECORD}") else []
    else:
        candidates = [
            name
            for name in store.list(PREFIX)
            if name.startswith(ref) and store.exists(f"{snapshot_key(name)}/{RECORD}")
        ]
    if not candidates:
        raise StoreError(f"no snapshot {ref} in {store.url(PREFIX)}")
    if len(candidates) > 1:
        raise StoreError(f"{ref} names {len(candidates)} snapshots; give more of the hash")
    return candidates[0]


def read_record(store: ArtifactStore, sha256: str) -> dict[str, Any]:
    key = f"{snapshot_key(sha256)}/{RECORD}"
    try:
        record = json.loads(store.read_bytes(key))
    except ValueError as error:
        raise StoreError(f"{store.url(key)}: not a snapshot record ({error})") from None
    if not isinstance(record, dict) or record.get("sha256") != sha256:
        raise StoreError(f"{store.url(key)}: not the record of snapshot {sha256[:12]}")
    return record


def checkout(store: ArtifactStore, ref: str, out: Path) -> dict[str, Any]:
    """Writes the snapshot `ref` as a dataset folder at `out` (replaced whole, and only once
    every file matches the sha256 in the record); returns the record."""
    sha = resolve(store, ref)
    record = read_record(store, sha)

    def fill(staging: Path) -> None:
        for name, expected in record["files"].items():
            target = staging / name
            store.download(f"{snapshot_key(sha)}/{name}", target)
            if sha256_of(target) != expected["sha256"]:
                raise StoreError(
                    f"{store.url(snapshot_key(sha))}/{name}: its sha256 does not match the "
                    f"snapshot record; the stored snapshot is damaged"
                )

    build_dir(out, MANIFEST, fill)
    return record
