"""Evaluate on validation, test and hand-written sets, beside the VADER lexicon baseline.

Scores the best checkpoint (PyTorch) or, with `--model-dir`, an exported model directory through
ONNX Runtime, encoded as serving encodes (`--int8`: its model.int8.onnx). Writes every metric
(accuracy, macro-F1, per-class precision/recall, ROC-AUC, confusion matrix, ECE; the lexicon
baseline's on the same texts) to `<output_dir>/metrics.json` (a model directory's to
`metrics-onnx.json` / `metrics-onnx-int8.json`, so the checkpoint's, which export puts in the
card, stay), and prints a compact table on stderr.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .. import console, tracking
from ..config import Config
from ..errors import ModelError
from ._layout import (
    CARD_FILE,
    RunLayout,
    add_dataset_argument,
    dataset_summary,
    now,
    read_json,
    require_checkpoint,
    require_dataset,
    sha256_of,
    split_texts_labels,
    write_json_atomic,
)

SETS = ("validation", "test", "handwritten")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_dataset_argument(parser)
    parser.add_argument(
        "--model-dir",
        type=Path,
        metavar="DIR",
        help="evaluate this exported model directory (ONNX) instead of the best checkpoint",
    )
    parser.add_argument(
        "--int8",
        action="store_true",
        help="with --model-dir: evaluate model.int8.onnx instead of model.onnx",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="metrics file (default: <output_dir>/metrics.json, or with --model-dir "
        "<output_dir>/metrics-onnx[-int8].json); replaced",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    if args.int8 and args.model_dir is None:
        raise ModelError("--int8 needs --model-dir (a checkpoint has no int8 version)")
    # A checkpoint's metrics go to its own MLflow run, if it had one; an exported model
    # directory's (ONNX, perhaps of another run) are not tracked.
    layout = RunLayout.of(config)
    run_id = None if args.model_dir else tracking.recorded_run_id(layout.train_result)
    with tracking.session(
        config, command="evaluate", config_path=args.config, resume_run_id=run_id, new_run=False
    ):
        summary = execute(
            config, dataset=args.dataset, model_dir=args.model_dir, int8=args.int8, out=args.out
        )
    if args.json:
        console.print_summary("evaluate", summary)
    return 0


def execute(
    config: Config,
    *,
    dataset: Path | None = None,
    model_dir: Path | None = None,
    int8: bool = False,
    out: Path | None = None,
    log: Callable[[str], None] = console.log,
) -> dict[str, Any]:
    """Writes the metrics file; returns the summary (headline numbers + where the file is)."""
    from ..evaluate import evaluate, evaluate_handwritten

    layout = RunLayout.of(config, dataset)
    manifest = require_dataset(layout)
    if model_dir is None:
        scorer, evaluated = _checkpoint_scorer(layout, manifest, log)
        out = out or layout.metrics
    else:
        scorer, evaluated = onnx_scorer(Path(model_dir), int8, manifest["content_sha256"], log)
        out = out or layout.onnx_metrics(int8)

    reports: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for name in SETS:
        tick = time.monotonic()
        if name == "handwritten":
            reports[name] = evaluate_handwritten(**scorer)
        else:
            texts, labels = split_texts_labels(layout.dataset, name)
            reports[name] = evaluate(texts, labels, **scorer)
        timings[name] = round(time.monotonic() - tick, 3)
        model = reports[name]["model"]
        log(
            f"{name}: {model['n']} texts, accuracy {model['accuracy']:.4f}, "
            f"macro-F1 {model['macro_f1']:.4f} ({timings[name]:.1f}s)"
        )

    document = {
        "schema_version": 1,
        "created_at": now(),
        "evaluated": evaluated,
        "dataset": {"content_sha256": manifest["content_sha256"], "path": str(layout.dataset)},
        **reports,
        "timings_s": timings,
    }
    write_json_atomic(out, document)
    if model_dir is None:
        from ..tracking.values import evaluation_metrics

        tracking.current().log_metrics(evaluation_metrics(document))
        tracking.current().log_artifact(out, "evaluation")
    for line in table(reports):
        log(line)
    log(f"wrote {out}")
    return {
        "metrics": str(out),
        "evaluated": evaluated,
        "dataset": dataset_summary(layout, manifest),
        "headline": headline(reports),
    }


def _checkpoint_scorer(
    layout: RunLayout, manifest: Mapping[str, Any], log: Callable[[str], None]
) -> tuple[dict[str, Any], dict[str, Any]]:
    import torch
    from transformers import DistilBertForSequenceClassification

    from ..model import quiet_hf_progress
    from ..tokenizer import load_tokenizer
    from ..train import configure_threads

    record = require_checkpoint(layout, manifest)
    best = layout.best_checkpoint
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cpu":
        configure_threads()
    with quiet_hf_progress():
        model = DistilBertForSequenceClassification.from_pretrained(best).to(device).eval()
    tokenizer = load_tokenizer(best)  # the tokenizer training saved beside the weights
    max_length = int(record["train"]["max_length"])
    log(f"evaluating the best checkpoint {best} (epoch {record['result']['best_epoch']}, {device})")
    evaluated = {
        "kind": "checkpoint",
        "path": str(best),
        "run_id": record["run_id"],
        "best_epoch": record["result"]["best_epoch"],
        "max_length": max_length,
    }
    return {"model": model, "tokenizer": tokenizer, "max_length": max_length}, evaluated


def onnx_scorer(
    model_dir: Path, int8: bool, dataset_sha256: str | None, log: Callable[[str], None]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`evaluate`'s keyword arguments for an exported model directory (its ONNX file checked
    against the card), and what to record about it. `dataset_sha256`: the data it is about to
    be scored on (None: not a dataset split), noted when the model was trained on other data."""
    from ..serving import INT8_FILE, MODEL_FILE, onnx_predict_fn

    card = read_json(model_dir / CARD_FILE, "model card: not a model directory")
    file = INT8_FILE if int8 else MODEL_FILE
    expected = card.get("files", {}).get(file)
    if expected is None:
        raise ModelError(f"{model_dir}: the card lists no {file}")
    actual = sha256_of(model_dir / file) if (model_dir / file).is_file() else None
    if actual != expected["sha256"]:
        raise ModelError(
            f"{model_dir / file}: "
            + ("missing" if actual is None else "sha256 does not match the card")
        )
    trained_on = card.get("dataset", {}).get("content_sha256")
    if dataset_sha256 is not None and trained_on != dataset_sha256:
        # Legitimate (a model scored on other data: domain shift), but never silent: its
        # validation and test numbers are not held-out ones for that model's own data.
        log(
            f"note: {model_dir} was trained on dataset {str(trained_on)[:12]}; "
            f"evaluating it on dataset {dataset_sha256[:12]}"
        )
    log(f"evaluating {model_dir / file} with ONNX Runtime, encoded as served")
    evaluated = {
        "kind": "onnx",
        "path": str(model_dir),
        "file": file,
        "sha256": actual,
        "max_length": card["max_length"],
        "trained_on_dataset_sha256": trained_on,
    }
    return {"predict_fn": onnx_predict_fn(model_dir, file=file)}, evaluated


def headline(reports: Mapping[str, Any]) -> dict[str, Any]:
    """Accuracy and macro-F1 per set, and the lexicon baseline's on the hand-written set."""
    out: dict[str, Any] = {
        name: {
            "accuracy": reports[name]["model"]["accuracy"],
            "macro_f1": reports[name]["model"]["macro_f1"],
        }
        for name in SETS
    }
    baseline = reports["handwritten"]["lexicon_baseline"]
    out["handwritten_lexicon_baseline"] = {
        "accuracy": baseline["accuracy"],
        "macro_f1": baseline["macro_f1"],
    }
    return out


def table(reports: Mapping[str, Any]) -> list[str]:
    """Model and lexicon baseline side by side, one row per set."""

    def number(value: float | None, digits: int = 4) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    lines = [
        f"{'set':<12} {'n':>6}  {'accuracy':>8} {'macro-F1':>8} {'ROC-AUC':>8} {'ECE':>6}"
        f"  | lexicon: {'accuracy':>8} {'macro-F1':>8}",
    ]
    for name in SETS:
        model, base = reports[name]["model"], reports[name]["lexicon_baseline"]
        lines.append(
            f"{name:<12} {model['n']:>6}  {number(model['accuracy']):>8} "
            f"{number(model['macro_f1']):>8} {number(model['roc_auc']):>8} "
            f"{number(model['ece'], 3):>6}  |          {number(base['accuracy']):>8} "
            f"{number(base['macro_f1']):>8}"
        )
    return lines
