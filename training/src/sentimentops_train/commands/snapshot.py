"""Store the dataset as a content-addressed snapshot; with --inbox/--feedback, make a new version.

    snapshot                          the run's dataset -> <store>/datasets/sha256/<hash>/
    snapshot --inbox [DIR] [--feedback FILE ...] [--base HASH]
                                      base + new labelled rows -> a new snapshot (its parent: the
                                      base), written to the run's dataset folder for the steps
                                      after; processed inbox files move to DIR/processed/
    snapshot --checkout HASH          a stored snapshot -> the run's dataset folder
    ... --dvc PATH                    also PATH.dvc (+ a copy at PATH) for `dvc pull`

The store is `versioning.store` (a path, file://... or gs://bucket/prefix); the hash is the
dataset's content sha256, the one the model card and the registry's lineage name.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import console
from ..config import Config
from ..errors import DataError
from ._layout import RunLayout, build_dir

if TYPE_CHECKING:
    from ..versioning import ArtifactStore

_CONFIGURED = "<versioning.inbox>"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dataset",
        type=Path,
        metavar="DIR",
        help="dataset folder to store, or the base to add to (default: <output_dir>/dataset)",
    )
    parser.add_argument(
        "--base",
        metavar="HASH",
        help="a stored snapshot (hash, or its first 8+ digits) as the base instead of --dataset",
    )
    parser.add_argument(
        "--inbox",
        nargs="?",
        const=_CONFIGURED,
        type=str,
        metavar="DIR",
        help="add the new labelled CSV/JSONL/Parquet files of DIR (default: versioning.inbox)",
    )
    parser.add_argument(
        "--feedback",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="add a JSONL export of captured feedback ({text, label, ...}); repeatable",
    )
    parser.add_argument(
        "--checkout",
        metavar="HASH",
        help="write a stored snapshot to --out instead of storing one",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where a new version or a checkout is written (default: <output_dir>/dataset)",
    )
    parser.add_argument(
        "--dvc",
        type=Path,
        metavar="PATH",
        help="also copy the snapshot to PATH and write PATH.dvc (objects: versioning.dvc_remote)",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    combining = args.inbox is not None or bool(args.feedback)
    if args.checkout and (combining or args.base):
        raise DataError("--checkout writes a stored snapshot: no --base, --inbox or --feedback")
    if args.base and not combining:
        raise DataError("--base names the base of a new version: add --inbox or --feedback")
    if args.out and not (combining or args.checkout):
        raise DataError(
            "--out is where a new version or a checkout goes: add --inbox, --feedback or --checkout"
        )
    inbox = None
    if args.inbox is not None:
        inbox = Path(config.versioning.inbox if args.inbox == _CONFIGURED else args.inbox)
    summary = execute(
        config,
        dataset=args.dataset,
        base=args.base,
        inbox=inbox,
        feedback=args.feedback,
        checkout_ref=args.checkout,
        out=args.out,
        dvc=args.dvc,
    )
    if args.json:
        console.print_summary("snapshot", summary)
    return 0


def execute(
    config: Config,
    *,
    dataset: Path | None = None,
    base: str | None = None,
    inbox: Path | None = None,
    feedback: list[Path] | None = None,
    checkout_ref: str | None = None,
    out: Path | None = None,
    dvc: Path | None = None,
    log: Callable[[str], None] = console.log,
) -> dict[str, Any]:
    from ..versioning import checkout, open_store, put_snapshot, snapshot_key  # pyarrow

    layout = RunLayout.of(config)
    store = open_store(config.versioning.store)
    summary: dict[str, Any]
    if checkout_ref:
        target = out or layout.dataset
        record = checkout(store, checkout_ref, target)
        log(f"checked out snapshot {record['sha256'][:12]} to {target}")
        summary = {"dataset": str(target), "stored": False}
    elif inbox is not None or feedback:
        summary = _new_version(config, store, dataset, base, inbox, feedback or [], out, log)
        record = summary.pop("record")
        target = Path(summary["dataset"])
    else:
        target = dataset or layout.dataset
        record, stored = put_snapshot(store, target, log=log)
        summary = {"dataset": str(target), "stored": stored}
    summary = {
        "snapshot": record["sha256"],
        "uri": store.url(snapshot_key(record["sha256"])),
        "parents": record["parents"],
        "rows": record["rows"],
        **summary,
    }
    if dvc is not None:
        summary["dvc"] = _write_dvc(config, target, dvc, log)
    return summary


def _new_version(
    config: Config,
    store: ArtifactStore,
    dataset: Path | None,
    base_ref: str | None,
    inbox: Path | None,
    feedback: list[Path],
    out: Path | None,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Base + new rows -> stored snapshot -> `out`; then the inbox files move to processed/."""
    from ..ingest.write import MANIFEST, write_dataset
    from ..versioning import checkout, combine, inbox_files, put_snapshot, read_new_file
    from ..versioning.combine import conflict_summary

    layout = RunLayout.of(config)
    target = out or layout.dataset
    inbox_paths = inbox_files(inbox) if inbox is not None else []
    for path in feedback:
        if not path.is_file():
            raise DataError(f"{path}: no such feedback file")
    columns = config.data.source
    new_files = [read_new_file(path, "inbox", columns) for path in inbox_paths]
    new_files += [read_new_file(path, "feedback", columns) for path in feedback]
    log(
        f"read {sum(len(f.rows) for f in new_files)} new rows from {len(new_files)} file(s)"
        + (f" in {inbox}" if inbox is not None else "")
    )
    with tempfile.TemporaryDirectory(prefix="sentimentops-snapshot-") as scratch:
        if base_ref:
            base = Path(scratch) / "base"
            checkout(store, base_ref, base)
        else:
            base = dataset or layout.dataset
        split = config.data.split
        combined = combine(  # every new row checked before anything is stored
            base, new_files, seed=config.seed, validation=split.validation, test=split.test
        )
        base_record, _ = put_snapshot(store, base, log=log)  # the parent must be in the store
        skipped = combined.skipped
        log(
            f"{sum(combined.added.values())} rows are new "
            f"({', '.join(f'{n} {k}' for k, n in combined.added.items())}); left out: "
            f"{skipped['duplicate_of_base']} already in the base, "
            f"{skipped['duplicate_within_new']} repeated, {skipped['empty_text']} empty"
        )
        if combined.conflicts:
            log(
                f"{len(combined.conflicts)} new row(s) disagree with the label the base has for "
                f"the same text (the base's label is kept): {conflict_summary(combined.conflicts)}"
            )
        if combined.changed:
            staged = write_dataset(Path(scratch) / "new", combined.splits, combined.manifest)
            record, stored = put_snapshot(store, staged, log=log)
            build_dir(target, MANIFEST, lambda folder: _copy_files(staged, folder))
            parent = base_record["sha256"][:12]
            log(f"wrote {target} (snapshot {record['sha256'][:12]}, parent {parent})")
        else:
            log(f"no new rows: the dataset stays snapshot {base_record['sha256'][:12]}")
            record, stored = base_record, False
            if target.absolute() != base.absolute():
                build_dir(target, MANIFEST, lambda folder: _copy_files(base, folder))
    moved = _move_processed(inbox, inbox_paths) if inbox is not None else []
    return {
        "record": record,
        "dataset": str(target),
        "stored": stored,
        "base": base_record["sha256"],
        "added": combined.added,
        "skipped": combined.skipped,
        "label_conflicts": len(combined.conflicts),
        "moved": moved,
    }


def _copy_files(source: Path, folder: Path) -> None:
    for path in sorted(source.iterdir()):
        shutil.copyfile(path, folder / path.name)


def _move_processed(inbox: Path, paths: list[Path]) -> list[str]:
    """Moves the files that are now in a stored snapshot to `<inbox>/processed/`; a name that is
    already there gets a number, so nothing processed earlier is overwritten."""
    from ..versioning import PROCESSED

    done = inbox / PROCESSED
    done.mkdir(exist_ok=True)
    moved = []
    for path in paths:
        target = done / path.name
        number = 1
        while target.exists():
            target = done / f"{path.stem}.{number}{path.suffix}"
            number += 1
        os.replace(path, target)
        moved.append(str(target))
    return moved


def _write_dvc(
    config: Config, dataset: Path, dvc: Path, log: Callable[[str], None]
) -> dict[str, Any]:
    """A copy of the dataset at `dvc` (unless it is that folder) and `dvc`.dvc beside it."""
    from ..ingest.write import MANIFEST
    from ..versioning import open_store, write_dvc_file

    folder = dvc.with_suffix("") if dvc.suffix == ".dvc" else dvc
    if folder.absolute() != dataset.absolute():
        build_dir(folder, MANIFEST, lambda staging: _copy_files(dataset, staging))
    remote_url = config.versioning.dvc_remote
    remote = open_store(remote_url) if remote_url else None
    return write_dvc_file(
        folder,
        folder.with_name(folder.name + ".dvc"),
        remote=remote,
        remote_url=remote_url,
        log=log,
    )
