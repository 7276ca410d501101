"""Export the best checkpoint as a served-ready model directory (ONNX, card, reference profile).

Writes `<output_dir>/model` (or `--out`): model.onnx, model.int8.onnx (`export.quantize_int8`),
tokenizer.json, reference-profile.json (the validation split) and model-card.json (the metrics
of `evaluate`, the dataset's hash and counts, the training parameters, parity, the sha256 of
every file). Parity is checked on the test split. Needs `train` and `evaluate` of the current
checkpoint; a directory already there is replaced whole, and only by a complete one.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .. import console, tracking
from ..config import Config
from ..errors import ExportError, ModelError
from ._layout import (
    CARD_FILE,
    RunLayout,
    add_dataset_argument,
    check_replaceable,
    dataset_summary,
    read_json,
    require_checkpoint,
    require_dataset,
    require_tokenizer,
    run_first,
    split_texts_labels,
)

# The metrics sets the card carries, as `evaluate` wrote them.
CARD_METRICS = ("validation", "test", "handwritten")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_dataset_argument(parser)
    add_out_argument(parser)


def add_out_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="model directory (default: <output_dir>/model); replaced if it is one",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    # Tracked in the checkpoint's own MLflow run, if it had one.
    run_id = tracking.recorded_run_id(RunLayout.of(config).train_result)
    with tracking.session(
        config, command="export", config_path=args.config, resume_run_id=run_id, new_run=False
    ):
        summary = execute(config, dataset=args.dataset, out=args.out)
    if args.json:
        console.print_summary("export", summary)
    return 0


def execute(
    config: Config,
    *,
    dataset: Path | None = None,
    out: Path | None = None,
    log: Callable[[str], None] = console.log,
) -> dict[str, Any]:
    """Builds the model directory; returns the summary (files, sizes, parity)."""
    from ..evaluate import to_label_ids
    from ..export import ExportSpec, export_model

    layout = RunLayout.of(config, dataset)
    target = Path(out) if out is not None else layout.model_dir
    manifest = require_dataset(layout)
    tokenizer_info = require_tokenizer(layout, manifest)
    record = require_checkpoint(layout, manifest)
    if record["tokenizer_sha256"] != tokenizer_info["sha256"]:
        raise ModelError(
            f"{layout.tokenizer_json} is not the tokenizer the checkpoint was trained with; "
            + run_first("train")
        )
    metrics = read_json(layout.metrics, f"metrics of the checkpoint; {run_first('evaluate')}")
    evaluated = metrics.get("evaluated", {})
    if evaluated.get("kind") != "checkpoint" or evaluated.get("run_id") != record["run_id"]:
        raise ModelError(
            f"{layout.metrics} does not describe the current best checkpoint "
            f"(training run {record['run_id'][:12]}); {run_first('evaluate')}"
        )
    check_replaceable(target, CARD_FILE, ExportError)

    val_texts, val_labels = split_texts_labels(layout.dataset, "validation")
    test_texts, _ = split_texts_labels(layout.dataset, "test")
    spec = ExportSpec(
        opset=config.export.opset,
        quantize_int8=config.export.quantize_int8,
        parity_tolerance=config.export.parity_tolerance,
        seed=config.seed,
    )
    log(f"exporting {layout.best_checkpoint} to {target}")
    result = export_model(
        layout.best_checkpoint,
        layout.tokenizer_json,
        target,
        spec,
        max_length=int(record["train"]["max_length"]),
        validation_texts=val_texts,
        validation_labels=to_label_ids(val_labels).tolist(),
        parity_texts=test_texts,
        metrics={name: metrics[name] for name in CARD_METRICS},
        dataset=dataset_lineage(manifest),
        training_params=training_params(record, tokenizer_info),
        overwrite=True,
        log=log,
    )
    summary = summary_of(result.model_dir, result.card)
    _track(result.model_dir, summary)
    return {**summary, "dataset": dataset_summary(layout, manifest)}


def _track(model_dir: Path, summary: Mapping[str, Any]) -> None:
    """The card, profile and tokenizer to the MLflow run; the ONNX files stay in the artifact
    store, named with their sha256 in the card."""
    from ..serving import PROFILE_FILE, TOKENIZER_FILE
    from ..tracking.values import export_metrics

    tracker = tracking.current()
    tracker.log_metrics(export_metrics(summary["parity"]))
    for name in (CARD_FILE, PROFILE_FILE, TOKENIZER_FILE):
        tracker.log_artifact(model_dir / name, "model")


def dataset_lineage(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """What the card says about the data: its identity, counts and origin."""
    return {
        "content_sha256": manifest["content_sha256"],
        "rows": manifest["rows"],
        "splits": {
            name: {"rows": split["rows"], "labels": split["labels"]}
            for name, split in manifest["splits"].items()
        },
        "source": manifest["source"],
        "seed": manifest["seed"],
        "normaliser_version": manifest["normaliser_version"],
    }


def training_params(record: Mapping[str, Any], tokenizer_info: Mapping[str, Any]) -> dict[str, Any]:
    """What the card says about training: the specs that ran and how the run went."""
    result = record["result"]
    return {
        "run_id": record["run_id"],
        "mlflow_run_id": record.get("mlflow_run_id"),
        "model": record["model"],
        "pretrained": record.get("pretrained"),
        "train": record["train"],
        "tokenizer": {
            key: tokenizer_info[key]
            for key in ("kind", "pretrained", "source", "trained_on", "settings", "sha256")
            if key in tokenizer_info
        },
        "best_epoch": result["best_epoch"],
        "best_step": result["best_step"],
        "stopped_early": result["stopped_early"],
        "steps_run": result["steps_run"],
        "history": result["history"],
        "device": result["device"],
        "precision": result["precision"],
        "threads": result["threads"],
        "elapsed_s": result["elapsed_s"],
        "notes": result["notes"],
    }


def summary_of(model_dir: Path, card: Mapping[str, Any]) -> dict[str, Any]:
    files = {name: entry["bytes"] for name, entry in card["files"].items()}
    files[CARD_FILE] = (model_dir / CARD_FILE).stat().st_size
    parity = card["parity"]
    return {
        "model_dir": str(model_dir),
        "files": files,
        "total_bytes": sum(files.values()),
        "exporter": card["onnx"]["exporter"],
        "parity": {
            "fp32_max_abs_logit_delta": parity["fp32"]["max_abs_logit_delta"],
            "fp32_passed": parity["fp32"]["passed"],
            "int8_label_agreement": parity.get("int8", {}).get("label_agreement"),
        },
    }
