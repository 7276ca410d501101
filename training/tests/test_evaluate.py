"""Evaluation: metrics against hand-computed values, the lexicon baseline, the hand-written set."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from sentimentops_train.errors import DataError
from sentimentops_train.evaluate import (
    HANDWRITTEN_PATH,
    classification_metrics,
    evaluate,
    evaluate_handwritten,
    expected_calibration_error,
    lexicon_baseline,
)

# Eight fixed predictions. P(positive) avoids multiples of 1/15 so no confidence sits on an
# ECE bin edge. Predictions: [1, 1, 0, 1, 0, 0, 1, 0] -> TP 3, FN 1, FP 1, TN 3.
LABELS = [1, 1, 1, 1, 0, 0, 0, 0]
P_POSITIVE = np.array([0.91, 0.83, 0.27, 0.62, 0.18, 0.05, 0.71, 0.44])
PROBS = np.stack([1 - P_POSITIVE, P_POSITIVE], axis=1)


def test_metrics_match_hand_computed_values():
    m = classification_metrics(LABELS, PROBS)
    assert m["n"] == 8
    assert m["accuracy"] == pytest.approx(6 / 8)
    assert m["macro_f1"] == pytest.approx(0.75)
    for name in ("negative", "positive"):
        assert m["per_class"][name] == pytest.approx(
            {"precision": 0.75, "recall": 0.75, "f1": 0.75, "support": 4}
        )
    assert m["confusion_matrix"] == {"labels": ["negative", "positive"], "matrix": [[3, 1], [1, 3]]}
    # Positive/negative pairs ranked correctly: 4 + 4 + 2 + 3 of 16.
    assert m["roc_auc"] == pytest.approx(13 / 16)
    assert m["ece"] == pytest.approx(0.34375) and m["ece_bins"] == 15


def test_ece_by_hand():
    # Confidences .91 .83 .73 .62 .82 .95 .71 .56, correct 1 1 0 1 1 1 0 1. Bins of width 1/15:
    # {.91}: |1-.91|; {.83,.82}: |1-.825|; {.73,.71}: |0-.72|; {.62}: .38; {.95}: .05; {.56}: .44
    expected = (0.09 + 2 * 0.175 + 2 * 0.72 + 0.38 + 0.05 + 0.44) / 8
    assert expected_calibration_error(np.array(LABELS), PROBS) == pytest.approx(expected)
    assert expected_calibration_error(np.array([1, 0]), np.array([[0.0, 1.0], [1.0, 0.0]])) == 0.0
    # Always 70% sure and right 70% of the time: calibrated.
    labels = np.array([1] * 7 + [0] * 3)
    assert expected_calibration_error(labels, np.tile([0.3, 0.7], (10, 1))) == pytest.approx(0.0)


def test_per_class_precision_and_recall_differ_and_zero_division_is_zero():
    m = classification_metrics([0, 0, 0, 1], np.tile([0.2, 0.8], (4, 1)))
    assert m["per_class"]["positive"] == pytest.approx(
        {"precision": 0.25, "recall": 1.0, "f1": 0.4, "support": 1}
    )
    assert m["per_class"]["negative"] == pytest.approx(
        {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 3}
    )
    assert m["macro_f1"] == pytest.approx(0.2)
    assert m["confusion_matrix"]["matrix"] == [[0, 3], [0, 1]]


def test_roc_auc_is_none_with_one_class():
    assert classification_metrics([1, 1], np.array([[0.4, 0.6], [0.1, 0.9]]))["roc_auc"] is None


def test_explicit_predictions_override_argmax():
    m = classification_metrics([1, 0], np.array([[0.5, 0.5], [0.9, 0.1]]), predictions=[1, 0])
    assert m["accuracy"] == 1.0


def test_lexicon_baseline_rule():
    probs, predictions = lexicon_baseline(
        [
            "I love it, a wonderful and great film",
            "Terrible, awful and boring.",
            "The chair is brown.",
        ]
    )
    assert predictions.tolist() == [1, 0, 1]  # no sentiment words: compound 0 -> positive
    assert probs[2].tolist() == [0.5, 0.5]
    assert probs[0, 1] > 0.5 > probs[1, 1]


def test_evaluate_reports_model_and_baseline_on_the_same_texts():
    texts = ["great great great", "awful awful", "great", "awful"]
    report = evaluate(
        texts, ["positive", "negative", 1, 0], predict_fn=lambda t: np.tile([0.1, 0.9], (len(t), 1))
    )
    assert report["model"]["accuracy"] == 0.5 and report["model"]["n"] == 4
    assert report["lexicon_baseline"]["accuracy"] == 1.0
    assert report["lexicon_baseline"]["rule"] == "compound >= 0 -> positive"
    assert "lexicon_baseline" not in evaluate(
        texts, [1, 0, 1, 0], predict_fn=lambda t: PROBS[: len(t)], baseline=False
    )
    with pytest.raises(DataError, match="unknown label"):
        evaluate(texts, [1, 0, 1, "neutral"], predict_fn=lambda t: PROBS[: len(t)])
    with pytest.raises(ValueError, match="predict_fn, or model"):
        evaluate(texts, [1, 0, 1, 0])


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_handwritten_report_has_domains_and_the_file_hash(tmp_path):
    rows = [
        {
            "id": "hw-001",
            "domain": "movies",
            "label": "positive",
            "text": "A wonderful, moving film.",
        },
        {"id": "hw-002", "domain": "movies", "label": "negative", "text": "Dull and far too long."},
        {
            "id": "hw-003",
            "domain": "products",
            "label": "negative",
            "text": "Broke after a day. Awful.",
        },
        {
            "id": "hw-004",
            "domain": "products",
            "label": "positive",
            "text": "Works great, love it.",
        },
    ]
    path = write_jsonl(tmp_path / "reviews.jsonl", rows)
    always_positive = lambda texts: np.tile([0.2, 0.8], (len(texts), 1))  # noqa: E731
    report = evaluate_handwritten(predict_fn=always_positive, path=path)
    assert report["model"]["accuracy"] == 0.5 and report["model"]["n"] == 4
    assert report["by_domain"] == {
        "movies": {"n": 2, "model_accuracy": 0.5, "lexicon_baseline_accuracy": 1.0},
        "products": {"n": 2, "model_accuracy": 0.5, "lexicon_baseline_accuracy": 1.0},
    }
    assert (
        report["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        and report["file"] == "reviews.jsonl"
    )
    assert "lexicon_baseline" in report


def test_handwritten_reader_names_bad_input(tmp_path):
    with pytest.raises(DataError, match="missing"):
        evaluate_handwritten(predict_fn=lambda t: PROBS[: len(t)], path=tmp_path / "absent.jsonl")
    bad = write_jsonl(
        tmp_path / "bad.jsonl", [{"id": "hw-001", "domain": "movies", "text": "no label"}]
    )
    with pytest.raises(DataError, match=r"bad.jsonl:1: missing \['label'\]"):
        evaluate_handwritten(predict_fn=lambda t: PROBS[: len(t)], path=bad)


@pytest.mark.skipif(not HANDWRITTEN_PATH.is_file(), reason="hand-written set not written yet")
def test_the_committed_handwritten_set_is_read_whole():
    report = evaluate_handwritten(predict_fn=lambda texts: np.tile([0.5, 0.5], (len(texts), 1)))
    assert report["model"]["n"] >= 100
    assert report["sha256"] == hashlib.sha256(HANDWRITTEN_PATH.read_bytes()).hexdigest()
    assert 0.5 <= report["lexicon_baseline"]["accuracy"] <= 1.0
