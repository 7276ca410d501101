"""Test helpers: a valid config to build on, and writers for ingestion input files.

Every input file is made by the tests in tmp_path; nothing is downloaded.
"""

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sentimentops_train.config import Config, apply_overrides, config_from_dict

BASE_CONFIG: dict[str, Any] = {
    "seed": 7,
    "output_dir": "run",
    "data": {
        "source": {"kind": "files", "path": "reviews.csv"},
        "split": {"validation": 0.2, "test": 0.2},
        "max_length": 64,
    },
    "tokenizer": {"kind": "train", "vocab_size": 1000},
    "model": {"dim": 32, "n_layers": 1, "n_heads": 2, "hidden_dim": 64, "dropout": 0.1},
    "train": {
        "epochs": 1,
        "batch_size": 8,
        "learning_rate": 0.001,
        "weight_decay": 0.0,
        "warmup_ratio": 0.0,
        "patience": 1,
        "precision": "fp32",
    },
    "export": {"opset": 17, "quantize_int8": False, "parity_tolerance": 0.001},
}


def make_config(**overrides: Any) -> Config:
    """BASE_CONFIG with `key.path=value` overrides, e.g. make_config(**{"data.source.path": p})."""
    return config_from_dict(apply_overrides(BASE_CONFIG, list(overrides.items())))


def files_config(path: Path, out_root: Path, **overrides: Any) -> Config:
    return make_config(**{"data.source.path": str(path), "output_dir": str(out_root), **overrides})


def reviews(count: int) -> list[tuple[str, str]]:
    """`count` distinct (text, label) pairs, alternating negative/positive."""
    return [
        (
            f"Review number {i} was {'great' if i % 2 else 'awful'}.",
            "positive" if i % 2 else "negative",
        )
        for i in range(count)
    ]


def write_csv(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_jsonl(path: Path, items: Sequence[Any]) -> Path:
    path.write_text("".join(json.dumps(item) + "\n" for item in items), encoding="utf-8")
    return path


def write_parquet(path: Path, columns: dict[str, list[Any]]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


def write_imdb(root: Path, per_folder: int = 6, with_test: bool = True) -> Path:
    """The aclImdb layout: <root>/{train,test}/{pos,neg}/<id>_<rating>.txt, plus unsup noise."""
    for split in ("train", "test") if with_test else ("train",):
        for folder, rating, word in (("pos", 9, "wonderful"), ("neg", 2, "dreadful")):
            directory = root / split / folder
            directory.mkdir(parents=True)
            for i in range(per_folder):
                text = f"A {word} {split} film number {i}.<br /><br />Would watch again? {folder}"
                (directory / f"{i}_{rating}.txt").write_text(text, encoding="utf-8")
    unsup = root / "train" / "unsup"
    unsup.mkdir()
    (unsup / "0_0.txt").write_text("unlabelled, must be ignored", encoding="utf-8")
    (root / "train" / "labeledBow.feat").write_text("0:1\n", encoding="utf-8")
    return root
