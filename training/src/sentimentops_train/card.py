"""The model card (`model-card.json`): what the model is, how it was made, and the sha256 of every
other file in its directory (serving refuses a file whose hash does not match).

Also the lineage pieces it records: file hashes, the code commit, and the package versions.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from .labels import LABELS
from .model import count_parameters
from .serving import (
    CARD_FILE,
    INPUT_NAMES,
    MODEL_FILE,
    MODEL_NAME,
    OUTPUT_NAME,
    PROFILE_FILE,
    TOKENIZER_FILE,
    ServingTokenizer,
)

# The distributions whose versions the card records.
VERSIONED_DISTRIBUTIONS = (
    "torch",
    "transformers",
    "tokenizers",
    "onnx",
    "onnxruntime",
    "numpy",
    "sentimentops-train",
)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def code_commit(env: Mapping[str, str] = os.environ) -> tuple[str, bool | None]:
    """(commit, dirty): GIT_COMMIT when set (images have no .git), else git, else 'unknown'."""
    if env.get("GIT_COMMIT"):
        return env["GIT_COMMIT"], None
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
        return commit, bool(status.strip())
    except (OSError, subprocess.SubprocessError):
        return "unknown", None


def package_versions() -> dict[str, str]:
    """Python's version and those of VERSIONED_DISTRIBUTIONS ('unknown' where not installed)."""
    out = {"python": platform.python_version()}
    for dist in VERSIONED_DISTRIBUTIONS:
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "unknown"
    return out


def write_json(path: Path, data: Any, compact: bool = False) -> None:
    text = json.dumps(data, separators=(",", ":")) if compact else json.dumps(data, indent=2)
    path.write_text(text + "\n", encoding="utf-8")


def build_card(
    model_dir: Path,
    *,
    model: Any,
    tokenizer: ServingTokenizer,
    pad_id: int,
    max_length: int,
    onnx_info: Mapping[str, Any],
    parity: Mapping[str, Any],
    metrics: Mapping[str, Any],
    dataset: Mapping[str, Any],
    training_params: Mapping[str, Any],
) -> dict[str, Any]:
    """The card of the (otherwise complete) directory `model_dir`, which must not hold a card yet:
    every file in it is hashed. `model` is the exported DistilBertForSequenceClassification;
    `onnx_info` holds opset, exporter and the int8 details. Returns the card without writing it.
    """
    config = model.config
    commit, dirty = code_commit()
    files = sorted(p for p in model_dir.iterdir() if p.is_file() and p.name != CARD_FILE)
    return {
        "schema_version": 1,
        "name": MODEL_NAME,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "labels": list(LABELS),
        "max_length": max_length,
        "inputs": [
            {"name": name, "dtype": "int64", "shape": ["batch", "sequence"]} for name in INPUT_NAMES
        ],
        "outputs": [{"name": OUTPUT_NAME, "dtype": "float32", "shape": ["batch", len(LABELS)]}],
        "tokenizer": {
            "file": TOKENIZER_FILE,
            "vocab_size": tokenizer.vocab_size,
            "pad_token_id": pad_id,
            "unk_token_id": tokenizer.unk_token_id,
            "truncation": "to max_length tokens including special tokens",
            "padding": "right, with pad_token_id; attention_mask 0 on padding",
        },
        "architecture": {
            "class": type(model).__name__,
            "dim": config.dim,
            "n_layers": config.n_layers,
            "n_heads": config.n_heads,
            "hidden_dim": config.hidden_dim,
            "vocab_size": config.vocab_size,
            "max_position_embeddings": config.max_position_embeddings,
            "parameters": count_parameters(model),
        },
        "onnx": {"file": MODEL_FILE, **onnx_info},
        "metrics": dict(metrics),
        "dataset": dict(dataset),
        "code_commit": commit,
        "code_dirty": dirty,
        "training": dict(training_params),
        "versions": package_versions(),
        "parity": dict(parity),
        "reference_profile": PROFILE_FILE,
        "files": {p.name: {"sha256": sha256_file(p), "bytes": p.stat().st_size} for p in files},
    }
