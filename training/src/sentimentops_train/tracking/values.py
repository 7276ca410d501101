"""What a run records, in MLflow's terms: the config as flat string params, and the job's
results (an evaluation during training, the final evaluation, the export's parity) as metrics.

Kept free of mlflow so that the names are unit-tested without a server and stay the same
whatever the backend.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

# The evaluation sets `evaluate` writes and the scalar metrics of each that the run gets.
EVALUATED_SETS = ("validation", "test", "handwritten")
SET_METRICS = ("accuracy", "macro_f1", "roc_auc", "ece")
# An entry of the training history (train.TrainResult.history) -> metric name.
HISTORY_METRICS = {
    "train_loss": "train_loss",
    "val_loss": "val_loss",
    "val_accuracy": "val_accuracy",
    "val_macro_f1": "val_macro_f1",
    "lr": "lr",
    "epoch": "epoch",
}


def flatten_params(data: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    """Nested config -> {"train.epochs": "3", ...}, each value spelt as `--set` would take it
    (null, true, [movies, products]), so a param can be pasted back into a command line."""
    out: dict[str, str] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            out.update(flatten_params(value, f"{name}."))
        else:
            out[name] = _spell(value)
    return out


def _spell(value: Any) -> str:
    if value is None or isinstance(value, bool | list | tuple):
        return json.dumps(list(value) if isinstance(value, tuple) else value)
    return str(value)


def history_metrics(entry: Mapping[str, Any]) -> dict[str, float | None]:
    """One evaluation during training (logged at its global step)."""
    return {name: _number(entry.get(key)) for key, name in HISTORY_METRICS.items()}


def evaluation_metrics(document: Mapping[str, Any]) -> dict[str, float | None]:
    """metrics.json of `evaluate` -> `test_accuracy`, `handwritten_macro_f1`, ... and the lexicon
    baseline's on the hand-written set (`handwritten_lexicon_accuracy`)."""
    out: dict[str, float | None] = {}
    for name in EVALUATED_SETS:
        report = document.get(name) or {}
        for metric in SET_METRICS:
            out[f"{name}_{metric}"] = _number((report.get("model") or {}).get(metric))
    baseline = (document.get("handwritten") or {}).get("lexicon_baseline") or {}
    for metric in ("accuracy", "macro_f1"):
        out[f"handwritten_lexicon_{metric}"] = _number(baseline.get(metric))
    return out


def training_metrics(result: Mapping[str, Any]) -> dict[str, float | None]:
    """How training went as a whole (train.TrainResult.to_dict())."""
    best = result.get("best_metrics") or {}
    return {
        "best_epoch": _number(result.get("best_epoch")),
        "best_step": _number(result.get("best_step")),
        "best_val_macro_f1": _number(best.get("macro_f1")),
        "best_val_accuracy": _number(best.get("accuracy")),
        "steps_run": _number(result.get("steps_run")),
        "stopped_early": _number(result.get("stopped_early")),
        "train_samples_per_s": _number(result.get("samples_per_s")),
        "train_elapsed_s": _number(result.get("elapsed_s")),
    }


def export_metrics(parity: Mapping[str, Any]) -> dict[str, float | None]:
    """The export's ONNX-vs-PyTorch parity (commands.export.summary_of()["parity"])."""
    return {
        "onnx_fp32_max_abs_logit_delta": _number(parity.get("fp32_max_abs_logit_delta")),
        "onnx_int8_label_agreement": _number(parity.get("int8_label_agreement")),
    }


def _number(value: Any) -> float | None:
    """A finite float, or None (left out) for anything else: MLflow stores numbers only."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    return None
