"""Experiment tracking without a server: what is logged under which name, and that nothing is
tracked (or even imported) when MLFLOW_TRACKING_URI is unset. test_tracking_mlflow.py runs the
job against a real MLflow server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest_helpers import make_config

from sentimentops_train import tracking
from sentimentops_train.config import config_to_dict
from sentimentops_train.tracking.base import NULL_TRACKER
from sentimentops_train.tracking.mlflow_run import DIGEST_LENGTH, dataset_name, dataset_profile
from sentimentops_train.tracking.values import (
    evaluation_metrics,
    export_metrics,
    flatten_params,
    history_metrics,
    training_metrics,
)


def test_params_are_the_config_flattened_and_spelt_as_set_takes_them():
    source = {"kind": "generated", "domains": ("movies", "books"), "path": None}
    params = flatten_params(
        {"seed": 7, "data": {"source": source}, "export": {"quantize_int8": True}}
    )
    assert params == {
        "seed": "7",
        "data.source.kind": "generated",
        "data.source.domains": '["movies", "books"]',
        "data.source.path": "null",
        "export.quantize_int8": "true",
    }


def test_every_config_key_becomes_one_param():
    params = flatten_params(config_to_dict(make_config()))
    assert params["train.epochs"] == "1" and params["data.split.validation"] == "0.2"
    assert all(isinstance(value, str) for value in params.values())


def test_an_evaluation_during_training_gives_loss_accuracy_f1_lr_and_epoch():
    entry = {
        "epoch": 2,
        "step": 40,
        "train_loss": None,  # no step since the last evaluation: left out
        "val_loss": 0.5,
        "val_accuracy": 0.75,
        "val_macro_f1": 0.7,
        "lr": 1e-4,
        "elapsed_s": 3.0,
        "best": True,
    }
    assert history_metrics(entry) == {
        "train_loss": None,
        "val_loss": 0.5,
        "val_accuracy": 0.75,
        "val_macro_f1": 0.7,
        "lr": 1e-4,
        "epoch": 2.0,
    }


def test_final_metrics_name_the_set_and_keep_numbers_only():
    model = {"accuracy": 0.9, "macro_f1": 0.8, "roc_auc": None, "ece": 0.05, "n": 10}
    document = {
        "validation": {"model": model},
        "test": {"model": model},
        "handwritten": {"model": model, "lexicon_baseline": {"accuracy": 0.6, "macro_f1": 0.5}},
    }
    metrics = evaluation_metrics(document)
    assert metrics["test_accuracy"] == 0.9 and metrics["handwritten_macro_f1"] == 0.8
    assert metrics["validation_roc_auc"] is None  # one-class set: no ROC-AUC, not logged
    assert metrics["handwritten_lexicon_accuracy"] == 0.6
    trained = training_metrics({"best_metrics": {"macro_f1": 0.8}, "stopped_early": True})
    assert trained["stopped_early"] == 1.0 and trained["best_val_macro_f1"] == 0.8
    assert export_metrics({"fp32_max_abs_logit_delta": float("nan")}) == {
        "onnx_fp32_max_abs_logit_delta": None,
        "onnx_int8_label_agreement": None,
    }


def test_the_dataset_is_named_by_its_origin_and_profiled_with_its_hashes(tmp_path: Path):
    manifest = {
        "content_sha256": "ab" * 32,
        "rows": 3,
        "splits": {"train": {"rows": 3, "labels": {}, "content_sha256": "cd" * 32, "file": "x"}},
        "source": {"kind": "hub", "name": "stanfordnlp/imdb", "revision": "r", "files": ["a"]},
        "normaliser_version": "1",
    }
    assert dataset_name(manifest["source"]) == "stanfordnlp/imdb"
    assert dataset_name({"kind": "generated", "domains": ["movies", "books"]}) == (
        "generated:movies+books"
    )
    assert dataset_name({"kind": "files", "path": "/data/reviews.csv"}) == "reviews.csv"
    profile = dataset_profile(manifest)
    assert profile["content_sha256"] == "ab" * 32  # whole; the digest is its first 36 digits
    assert profile["splits"]["train"] == {"rows": 3, "labels": {}, "content_sha256": "cd" * 32}
    assert profile["source"] == {"kind": "hub", "name": "stanfordnlp/imdb", "revision": "r"}
    assert DIGEST_LENGTH == 36


def test_without_a_tracking_uri_a_session_tracks_nothing():
    config = make_config()
    with tracking.session(config, command="train", env={}) as tracker:
        assert tracker is NULL_TRACKER and tracking.current() is NULL_TRACKER
        tracker.log_metrics({"x": 1.0}, step=1)  # no-ops
        assert tracker.run_id is None


def test_evaluate_or_export_of_an_untracked_checkpoint_starts_no_run():
    # The URI points nowhere: reaching for it would fail the test.
    env = {tracking.TRACKING_URI_ENV: "http://127.0.0.1:9"}
    with tracking.session(make_config(), command="export", new_run=False, env=env) as tracker:
        assert tracker is NULL_TRACKER


def test_the_checkpoints_run_id_is_read_from_its_training_record(tmp_path: Path):
    record = tmp_path / "train-result.json"
    assert tracking.recorded_run_id(record) is None  # no checkpoint yet
    record.write_text(json.dumps({"mlflow_run_id": None}))
    assert tracking.recorded_run_id(record) is None
    record.write_text(json.dumps({"mlflow_run_id": "abc"}))
    assert tracking.recorded_run_id(record) == "abc"


def test_the_untracked_job_does_not_import_mlflow():
    # Every command module, and a session with its logging calls, as an untracked job makes them.
    code = (
        "import sys\n"
        "from sentimentops_train import tracking\n"
        "from sentimentops_train.commands import discover\n"
        "from sentimentops_train.config import load_config\n"
        "discover()\n"
        "with tracking.session(load_config(sys.argv[1]), command='all'):\n"
        "    tracking.current().log_metrics({'x': 1.0})\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'mlflow'], 'mlflow imported'\n"
    )
    tiny = Path(__file__).resolve().parents[1] / "configs" / "tiny.yaml"
    done = subprocess.run(
        [sys.executable, "-c", code, str(tiny)],
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]


@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_tracking_uri_is_unset(value: str):
    assert not tracking.enabled({tracking.TRACKING_URI_ENV: value})
