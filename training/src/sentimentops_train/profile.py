"""The reference profile: what the served model sees and says on the validation split.

Written into the model directory as `reference-profile.json`; drift compares windows of live
predictions against it (PSI over the fixed histograms, KS over the samples).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import onnxruntime as ort

from .labels import LABELS
from .arrays import softmax
from .serving import MODEL_FILE, ServingTokenizer, session_logits

# Fixed histogram edges, so PSI compares the same bins in every profile and every window.
SCORE_EDGES = [round(i / 20, 2) for i in range(21)]
TOKEN_LENGTH_EDGES = [0, 8, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 1024, 4096]
UNKNOWN_RATE_EDGES = [0.0, 0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
QUANTILES = (0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)


def _numeric_feature(
    values: np.ndarray, edges: Sequence[float], sample_rows: np.ndarray, digits: int | None
) -> dict[str, Any]:
    clipped = np.clip(values, edges[0], edges[-1])  # out-of-range values count in the end bins
    counts, _ = np.histogram(clipped, bins=np.asarray(edges, dtype=np.float64))
    sample = values[sample_rows]
    return {
        "summary": {
            "mean": float(values.mean()),
            "std": float(values.std()),
            "min": float(values.min()),
            "max": float(values.max()),
            "quantiles": {
                f"p{round(q * 100):02d}": float(np.quantile(values, q)) for q in QUANTILES
            },
        },
        "histogram": {"edges": list(edges), "counts": counts.tolist()},
        "sample": [int(v) for v in sample]
        if digits is None
        else [round(float(v), digits) for v in sample],
    }


def build_reference_profile(
    session: ort.InferenceSession,
    tokenizer: ServingTokenizer,
    texts: Sequence[str],
    max_length: int,
    pad_id: int,
    sample_size: int,
    seed: int,
    labels: Sequence[int] | None = None,
) -> dict[str, Any]:
    """Drift's reference: what the served model sees and says on the validation split.

    Per text (n = all validation texts):
      score               softmax(model.onnx logits)[positive], in [0, 1]
      predicted_label     argmax of the logits (ties -> negative)
      token_length        tokens of the full encoding of tokenizer.json, special tokens
                          included, BEFORE truncation (so it can exceed max_length)
      unknown_token_rate  unknown-token ids / non-special tokens of that full encoding
                          (0 for a text with no non-special tokens)
      truncated           token_length > max_length
    Stored:
      features.<score|token_length|unknown_token_rate>:
        summary    mean, std, min, max and quantiles p01..p99 over all n
        histogram  counts over all n in fixed `edges` (bins [e_i, e_i+1), the last one
                   closed; values outside the edges are counted in the first/last bin)
        sample     the values of the same `sample.size` rows for every feature (drawn
                   uniformly without replacement with `sample.seed`, in row order), for KS
      predicted_label / true_label: counts and shares per label name
      truncation_rate: share of texts with truncated == true
    """
    encoded = tokenizer.encode(texts)
    probs = softmax(session_logits(session, encoded, pad_id))
    predicted = probs.argmax(axis=1)
    lengths, unknown = tokenizer.lengths_and_unknown_rates(texts)
    n = len(texts)
    rng = np.random.default_rng(seed)
    sample_rows = np.sort(rng.choice(n, size=min(n, sample_size), replace=False))

    def label_shares(ids: np.ndarray) -> dict[str, Any]:
        counts = {name: int((ids == i).sum()) for i, name in enumerate(LABELS)}
        return {"counts": counts, "shares": {name: c / n for name, c in counts.items()}}

    profile: dict[str, Any] = {
        "schema_version": 1,
        "split": "validation",
        "model_file": MODEL_FILE,
        "n": n,
        "max_length": max_length,
        "labels": list(LABELS),
        "definitions": {
            "score": "softmax(logits)[positive] of model.onnx",
            "predicted_label": "argmax(logits), ties -> negative",
            "token_length": (
                "token count of the full tokenizer.json encoding with special tokens, "
                "before truncation"
            ),
            "unknown_token_rate": (
                "unknown-token ids / non-special tokens of the full encoding; 0 when there are none"
            ),
            "truncated": "token_length > max_length",
            "histogram": (
                "bins [e_i, e_i+1), last bin closed; "
                "values outside the edges counted in the end bins"
            ),
            "sample": (
                "values of the same rows for every feature, "
                "uniform without replacement, in row order"
            ),
        },
        "sample": {"size": int(len(sample_rows)), "seed": seed},
        "features": {
            "score": _numeric_feature(probs[:, 1], SCORE_EDGES, sample_rows, 6),
            "token_length": _numeric_feature(lengths, TOKEN_LENGTH_EDGES, sample_rows, None),
            "unknown_token_rate": _numeric_feature(unknown, UNKNOWN_RATE_EDGES, sample_rows, 6),
        },
        "predicted_label": label_shares(predicted),
        "truncation_rate": float((lengths > max_length).mean()),
    }
    if labels is not None:
        profile["true_label"] = label_shares(np.asarray(labels))
    return profile
