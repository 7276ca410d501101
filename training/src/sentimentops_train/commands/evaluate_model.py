"""Evaluate an exported model directory (ONNX, as served) on one split or the hand-written set.

    evaluate-model --model-dir DIR|URI [--dataset DIR] [--split test|validation|train]
                   [--rows all|added|base] [--int8]
    evaluate-model --model-dir DIR|URI --handwritten [--int8]

The model directory is a path, a file:// URI or gs://bucket/prefix (fetched into a temporary
folder first, each file checked against the card), as the registry records it.

For comparing models on the same rows: a candidate and the champion are each scored with this
command on the same set, and `test_set.sha256` in the `--json` summary names the rows they were
scored on (the same sha256: the same rows, in the same order). For a split it is the split's
content hash, recomputed from its Parquet rows and checked against the manifest's
`splits.<split>.content_sha256`: sha256 over one UTF-8 line per row, the JSON array
[split, id, text, label, source] (no spaces, non-ASCII kept) and a newline, rows in file order
(ingest/manifest.py), so it does not depend on the Parquet bytes. For the hand-written set it is
the sha256 of its file, as the model card has it. `metrics` has the shape of the card's
`metrics.<set>.model`. Any model directory can be scored: one trained on other data is noted,
not refused. Nothing in the run folder changes; `--out` also writes the summary to a file.

`--rows added` scores only the split's rows that a new dataset version added to its base (the
files its manifest's `source.added` lists, snapshot --feedback/--inbox), `--rows base` only the
base's rows: where a retraining should improve (the new data, often a new domain) and where it
must hold (what the champion already did). The test set is then `<split>.<rows>@<hash>`, its
sha256 the same line hash over those rows alone.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import console
from ..config import Config
from ..errors import DataError
from ..model_location import local_model_dir
from ._layout import (
    RunLayout,
    add_dataset_argument,
    dataset_summary,
    now,
    require_dataset,
    write_json_atomic,
)
from .evaluate import onnx_scorer

SPLITS = ("train", "validation", "test")  # = ingest.SPLITS, without importing pyarrow here
DEFAULT_SPLIT = "test"
ROWS = ("all", "added", "base")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model-dir",
        required=True,
        metavar="DIR|URI",
        help="the exported model directory to score (model-card.json, model.onnx, ...): a path, "
        "file://... or gs://bucket/prefix",
    )
    add_dataset_argument(parser)
    parser.add_argument(
        "--split",
        choices=SPLITS,
        metavar="NAME",
        help=f"the dataset split to score on: {', '.join(SPLITS)} (default: {DEFAULT_SPLIT})",
    )
    parser.add_argument(
        "--rows",
        choices=ROWS,
        default="all",
        help="all rows of the split, or only those the dataset version added to its base "
        "(added), or only the base's (base); default: all",
    )
    parser.add_argument(
        "--handwritten",
        action="store_true",
        help="score on the hand-written set instead of a dataset split",
    )
    parser.add_argument(
        "--int8",
        action="store_true",
        help="evaluate model.int8.onnx instead of model.onnx",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="also write the summary (JSON) to this file; replaced",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    if args.handwritten and (args.split or args.dataset):
        raise DataError("--handwritten scores the hand-written set: no --split or --dataset")
    if args.handwritten and args.rows != "all":
        raise DataError("--rows chooses rows of a dataset split: not with --handwritten")
    summary = execute(
        config,
        model_dir=args.model_dir,
        dataset=args.dataset,
        split=None if args.handwritten else args.split or DEFAULT_SPLIT,
        int8=args.int8,
        out=args.out,
        rows=args.rows,
    )
    if args.json:
        console.print_summary("evaluate-model", summary)
    return 0


def execute(
    config: Config,
    *,
    model_dir: str | Path,
    dataset: Path | None = None,
    split: str | None = DEFAULT_SPLIT,
    int8: bool = False,
    out: Path | None = None,
    rows: str = "all",
    log: Callable[[str], None] = console.log,
) -> dict[str, Any]:
    """Scores `model_dir` (a path or a URI: model_location) on `split` of `dataset` (default: the
    run's), or on the hand-written set when `split` is None; returns the summary (and writes it
    to `out`, if given)."""
    with local_model_dir(str(model_dir)) as local:
        summary = _score(config, local, dataset, split, int8, rows, log)
    summary["model_dir"] = str(model_dir)
    if out is not None:
        write_json_atomic(out, {"command": "evaluate-model", "created_at": now(), **summary})
        log(f"wrote {out}")
        summary["report"] = str(out)
    return summary


def _score(
    config: Config,
    model_dir: Path,
    dataset: Path | None,
    split: str | None,
    int8: bool,
    rows: str,
    log: Callable[[str], None],
) -> dict[str, Any]:
    from ..evaluate import evaluate, evaluate_handwritten

    tick = time.monotonic()
    if split is None:
        scorer, evaluated = onnx_scorer(model_dir, int8, None, log)
        report = evaluate_handwritten(**scorer)
        test_set = {
            "name": f"handwritten@{report['sha256'][:12]}",
            "file": report["file"],
            "rows": report["model"]["n"],
            "sha256": report["sha256"],
        }
        where: dict[str, Any] = {"dataset": None, "split": "handwritten"}
    else:
        layout = RunLayout.of(config, dataset)
        manifest = require_dataset(layout)
        texts, labels, sha256 = _split_rows(layout.dataset, split, manifest, rows)
        scorer, evaluated = onnx_scorer(model_dir, int8, manifest["content_sha256"], log)
        report = evaluate(texts, labels, baseline=False, **scorer)  # the same for every model
        name = split if rows == "all" else f"{split}.{rows}"
        test_set = {
            "name": f"{name}@{manifest['content_sha256'][:12]}",
            "rows": len(texts),
            "sha256": sha256,
        }
        where = {"dataset": dataset_summary(layout, manifest), "split": split, "rows": rows}
    metrics = report["model"]
    elapsed = round(time.monotonic() - tick, 3)
    log(
        f"{test_set['name']}: {metrics['n']} texts, accuracy {metrics['accuracy']:.4f}, "
        f"macro-F1 {metrics['macro_f1']:.4f} ({elapsed:.1f}s; rows sha256 {test_set['sha256']})"
    )
    summary: dict[str, Any] = {
        "model_dir": str(model_dir),
        "evaluated": evaluated,
        **where,
        "test_set": test_set,
        "metrics": metrics,
    }
    if "by_domain" in report:
        summary["by_domain"] = report["by_domain"]
    summary["elapsed_s"] = elapsed
    return summary


def _split_rows(
    dataset: Path, split: str, manifest: dict[str, Any], subset: str = "all"
) -> tuple[list[str], list[str], str]:
    """(texts, labels, content sha256) of one split, or of its added or base rows; the split's
    rows are checked against the manifest first: a split file changed after it was written must
    not pass for the one named."""
    from ..ingest import load_split, split_sha256
    from ..ingest.records import Record

    rows = load_split(dataset, split).to_pylist()
    if not rows:
        raise DataError(f"{dataset}: the {split} split has no rows to evaluate on")
    records = [
        Record(id=row["id"], text=row["text"], label=row["label"], source=row["source"])
        for row in rows
    ]
    sha256 = split_sha256(split, records)
    recorded = manifest["splits"][split].get("content_sha256")
    if recorded is not None and recorded != sha256:
        raise DataError(
            f"{dataset}: the {split} split's rows hash to {sha256[:12]}, but the manifest says "
            f"{recorded[:12]}; the dataset was changed after it was written"
        )
    if subset != "all":
        added = _added_prefixes(dataset, manifest)
        records = [r for r in records if r.id.startswith(added) == (subset == "added")]
        if not records:
            raise DataError(f"{dataset}: the {split} split has no {subset} rows to evaluate on")
        sha256 = split_sha256(split, records)
    return [r.text for r in records], [r.label for r in records], sha256


def _added_prefixes(dataset: Path, manifest: dict[str, Any]) -> tuple[str, ...]:
    """The id prefixes of the rows a new version added (versioning/combine.py names them
    `<kind>/<file sha256[:12]>/<row id>`), from the manifest's list of added files."""
    source = manifest.get("source") or {}
    if source.get("kind") != "combined":
        raise DataError(
            f"{dataset}: --rows added/base needs a dataset version made by snapshot "
            "--feedback/--inbox (its manifest names a base and the files added to it)"
        )
    return tuple(f"{a['kind']}/{a['sha256'][:12]}/" for a in source.get("added", []))
