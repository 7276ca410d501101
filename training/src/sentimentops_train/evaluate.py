"""Evaluation: classification metrics, calibration, and a lexicon baseline beside the model.

Every split (validation, test, hand-written) is scored the same way by `evaluate`, which
returns the model's metrics and, in the same run, the VADER lexicon baseline's metrics on
the same texts. The hand-written set is only ever read here, after a model is final
(training/data/handwritten/README.md: nothing is trained or tuned on it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
    roc_auc_score,
)

from .errors import DataError
from .labels import LABEL_TO_ID, LABELS

# training/src/sentimentops_train/evaluate.py -> training/data/handwritten/reviews.jsonl
HANDWRITTEN_PATH = Path(__file__).resolve().parents[2] / "data" / "handwritten" / "reviews.jsonl"

ECE_BINS = 15

# texts -> probabilities (n, 2), columns in label-id order (negative, positive).
PredictFn = Callable[[Sequence[str]], np.ndarray]


def expected_calibration_error(
    labels: np.ndarray, probs: np.ndarray, n_bins: int = ECE_BINS
) -> float:
    """Expected calibration error of the predicted class's confidence.

    confidence_i = max_k probs[i, k], predicted_i = argmax_k probs[i, k] (ties -> lower id).
    The interval [0, 1] is cut into `n_bins` equal-width bins; bin m (1..M) holds the samples
    with confidence in ((m-1)/M, m/M] (a confidence of exactly 0 goes into the first bin).
        ECE = sum_m (|B_m| / n) * |accuracy(B_m) - mean confidence(B_m)|
    where accuracy(B_m) is the share of samples in B_m whose prediction equals the label.
    Empty bins contribute nothing. This is the definition of Guo et al. (2017).
    """
    labels = np.asarray(labels)
    probs = np.asarray(probs, dtype=np.float64)
    if len(labels) == 0:
        return 0.0
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == labels).astype(np.float64)
    bins = np.clip(np.ceil(confidence * n_bins).astype(int) - 1, 0, n_bins - 1)
    ece = 0.0
    for m in range(n_bins):
        in_bin = bins == m
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(ece)


def classification_metrics(
    labels: Sequence[int], probs: np.ndarray, predictions: Sequence[int] | None = None
) -> dict[str, Any]:
    """Metrics of one scorer on one set.

    `probs` (n, 2) give ROC-AUC (positive column) and ECE; `predictions` default to their
    argmax and can be passed when a scorer's decision rule is not the argmax (the lexicon).
    `roc_auc` is None when only one class is present (it is undefined there).
    """
    y = np.asarray(labels, dtype=np.int64)
    probs = np.asarray(probs, dtype=np.float64)
    if probs.shape != (len(y), len(LABELS)):
        raise ValueError(f"probs must have shape ({len(y)}, {len(LABELS)}), got {probs.shape}")
    pred = probs.argmax(axis=1) if predictions is None else np.asarray(predictions, dtype=np.int64)
    ids = list(range(len(LABELS)))
    precision, recall, f1, support = precision_recall_fscore_support(
        y, pred, labels=ids, zero_division=0
    )
    return {
        "n": int(len(y)),
        "accuracy": float(accuracy_score(y, pred)) if len(y) else 0.0,
        "macro_f1": float(f1_score(y, pred, labels=ids, average="macro", zero_division=0)),
        "per_class": {
            LABELS[i]: {
                "precision": float(precision[i]),
                "recall": float(recall[i]),
                "f1": float(f1[i]),
                "support": int(support[i]),
            }
            for i in ids
        },
        "roc_auc": float(roc_auc_score(y, probs[:, 1])) if len(set(y.tolist())) == 2 else None,
        # Rows are true labels, columns predicted labels, both in `labels` order.
        "confusion_matrix": {
            "labels": list(LABELS),
            "matrix": confusion_matrix(y, pred, labels=ids).tolist(),
        },
        "ece": expected_calibration_error(y, probs),
        "ece_bins": ECE_BINS,
    }


@lru_cache(maxsize=1)
def _vader() -> Any:
    # Imported lazily: only evaluation needs it, and building the analyzer reads its lexicon.
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def lexicon_baseline(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """VADER's scores as (probs (n, 2), predictions).

    Decision rule: compound >= 0 -> positive, else negative. A text with no sentiment words
    has compound 0 and counts as positive, the usual VADER reading for a binary task (it has
    no neutral class here). probs[:, 1] = (compound + 1) / 2 is a monotone rescaling used for
    ROC-AUC and ECE; it is not a calibrated probability, so the baseline's ECE mostly says so.
    """
    analyzer = _vader()
    compound = np.array([analyzer.polarity_scores(t)["compound"] for t in texts], dtype=np.float64)
    positive = (compound + 1.0) / 2.0
    probs = np.stack([1.0 - positive, positive], axis=1) if len(texts) else np.zeros((0, 2))
    return probs, (compound >= 0).astype(np.int64)


def to_label_ids(labels: Sequence[int | str]) -> np.ndarray:
    """Label ids from ids or names ("negative"/"positive"); anything else is an error."""
    out = []
    for value in labels:
        if isinstance(value, str):
            if value not in LABEL_TO_ID:
                raise DataError(f"unknown label {value!r}; expected one of {list(LABELS)}")
            out.append(LABEL_TO_ID[value])
        elif int(value) in (0, 1):
            out.append(int(value))
        else:
            raise DataError(f"unknown label {value!r}; expected 0/1 or {list(LABELS)}")
    return np.asarray(out, dtype=np.int64)


def _model_probs(
    texts: list[str],
    predict_fn: PredictFn | None,
    model: Any,
    tokenizer: Any,
    max_length: int | None,
    batch_size: int,
) -> np.ndarray:
    if predict_fn is not None:
        return np.asarray(predict_fn(texts), dtype=np.float64)
    if model is None or tokenizer is None or max_length is None:
        raise ValueError("evaluation needs predict_fn, or model + tokenizer + max_length")
    # Imported here: scoring through a predict_fn (an ONNX session, say) needs no torch.
    from .model import predict_proba

    return predict_proba(model, tokenizer, texts, max_length, batch_size)


def _report(
    y: np.ndarray, probs: np.ndarray, baseline: tuple[np.ndarray, np.ndarray] | None
) -> dict[str, Any]:
    report: dict[str, Any] = {"model": classification_metrics(y, probs)}
    if baseline is not None:
        report["lexicon_baseline"] = {
            "name": "vaderSentiment",
            "rule": "compound >= 0 -> positive",
            **classification_metrics(y, baseline[0], baseline[1]),
        }
    return report


def evaluate(
    texts: Sequence[str],
    labels: Sequence[int | str],
    *,
    predict_fn: PredictFn | None = None,
    model: Any = None,
    tokenizer: Any = None,
    max_length: int | None = None,
    batch_size: int = 64,
    baseline: bool = True,
) -> dict[str, Any]:
    """{"model": metrics, "lexicon_baseline": metrics} for one set of labelled texts.

    Score with `predict_fn`, or with `model` + `tokenizer` + `max_length`. The baseline runs
    on the same texts in the same call unless `baseline=False`.
    """
    texts = list(texts)
    y = to_label_ids(labels)
    if len(texts) != len(y):
        raise DataError(f"{len(texts)} texts but {len(y)} labels")
    probs = _model_probs(texts, predict_fn, model, tokenizer, max_length, batch_size)
    return _report(y, probs, lexicon_baseline(texts) if baseline else None)


def read_handwritten(path: Path = HANDWRITTEN_PATH) -> list[dict[str, str]]:
    """The hand-written rows (id, domain, label, text); a missing key or bad line is an error."""
    rows = []
    if not path.is_file():
        raise DataError(f"{path}: the hand-written set is missing")
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as err:
                raise DataError(f"{path}:{n}: not valid JSON ({err})") from None
            missing = {"id", "domain", "label", "text"} - set(row)
            if missing:
                raise DataError(f"{path}:{n}: missing {sorted(missing)}")
            rows.append(row)
    if not rows:
        raise DataError(f"{path}: no reviews")
    return rows


def evaluate_handwritten(
    *,
    predict_fn: PredictFn | None = None,
    model: Any = None,
    tokenizer: Any = None,
    max_length: int | None = None,
    batch_size: int = 64,
    path: Path = HANDWRITTEN_PATH,
) -> dict[str, Any]:
    """`evaluate` on the hand-written set, plus the file's sha256 and accuracy per domain."""
    rows = read_handwritten(path)
    texts = [r["text"] for r in rows]
    y = to_label_ids([r["label"] for r in rows])
    probs = _model_probs(texts, predict_fn, model, tokenizer, max_length, batch_size)
    base_probs, base_pred = lexicon_baseline(texts)
    report = _report(y, probs, (base_probs, base_pred))
    model_correct = probs.argmax(axis=1) == y
    base_correct = base_pred == y
    domains = np.array([r["domain"] for r in rows])
    report["by_domain"] = {
        d: {
            "n": int((domains == d).sum()),
            "model_accuracy": float(model_correct[domains == d].mean()),
            "lexicon_baseline_accuracy": float(base_correct[domains == d].mean()),
        }
        for d in sorted(set(domains.tolist()))
    }
    report["file"] = path.name  # the sha256 identifies it; absolute paths differ per machine
    report["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return report
