"""The hub path: IMDB from `stanfordnlp/imdb`, weights and tokenizer from
`distilbert-base-uncased`, run offline against a hub cache laid out by hand (hub_cache.py).

The end-to-end test runs the CLI as a user does, in a subprocess whose only link to the "hub" is
HF_HUB_CACHE + HF_HUB_OFFLINE=1: the code is the online path's, with the files already cached.
The error cases run in this process against the same cache, with huggingface_hub's settings
patched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from hub_cache import (
    DATASET_ID,
    DATASET_REVISION,
    MODEL_ID,
    MODEL_REVISION,
    build_hub_cache,
)

from sentimentops_train.__main__ import main
from sentimentops_train.hub import HubRef, HubUnavailable, parse_ref, resolve_pretrained

THREADS_ENV = "SENTIMENTOPS_TORCH_THREADS"  # = train.THREADS_ENV, without importing torch here

HUB_CONFIG = {
    "seed": 3,
    "data": {
        "source": {"kind": "hub", "name": DATASET_ID, "subset": "plain_text"},
        "split": {"validation": 0.2, "test": 0.1},
        "max_length": 64,
    },
    "tokenizer": {"kind": "pretrained", "vocab_size": 30522, "pretrained": MODEL_ID},
    "model": {
        "pretrained": MODEL_ID,
        "dim": 768,  # ignored: the checkpoint defines the architecture
        "n_layers": 6,
        "n_heads": 12,
        "hidden_dim": 3072,
        "dropout": 0.1,
    },
    "train": {
        "epochs": 1,
        "batch_size": 16,
        "learning_rate": 0.001,
        "weight_decay": 0.0,
        "warmup_ratio": 0.0,
        "patience": 1,
        "precision": "fp32",
    },
    "export": {"opset": 17, "quantize_int8": False, "parity_tolerance": 0.001},
}


def write_config(folder: Path, output_dir: Path) -> Path:
    path = folder / "hub.yaml"
    path.write_text(yaml.safe_dump({**HUB_CONFIG, "output_dir": str(output_dir)}))
    return path


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory):
    return build_hub_cache(tmp_path_factory.mktemp("hub"))


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, cache):
    """huggingface_hub in this process reads the hand-made cache, offline."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(cache.root))
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    return cache


def test_parse_ref():
    assert parse_ref("distilbert-base-uncased") == HubRef("distilbert-base-uncased", None)
    assert parse_ref("stanfordnlp/imdb@main") == HubRef("stanfordnlp/imdb", "main")
    assert str(parse_ref(f"a/b@{MODEL_REVISION}")) == f"a/b@{MODEL_REVISION}"
    for bad in ("", "a/b/c", "has space", "/abs/missing/path"):
        with pytest.raises(ValueError):
            parse_ref(bad)


def test_a_local_folder_is_used_as_it_is(tmp_path: Path, offline):
    found = resolve_pretrained(str(tmp_path))
    assert found.path == str(tmp_path) and found.snapshot is None
    assert found.lineage(str(tmp_path)) == {"path": str(tmp_path)}


def test_a_hub_id_resolves_to_its_cached_snapshot(offline):
    found = resolve_pretrained(MODEL_ID)
    assert Path(found.path) == offline.model_snapshot
    assert found.lineage(MODEL_ID) == {
        "hub": MODEL_ID,
        "repo_type": "model",
        "revision": MODEL_REVISION,
    }
    pinned = resolve_pretrained(f"{MODEL_ID}@{MODEL_REVISION}")
    assert Path(pinned.path) == offline.model_snapshot


def test_what_is_not_cached_fails_offline_naming_the_cache(offline):
    with pytest.raises(HubUnavailable, match="HF_HUB_OFFLINE is set and it is not in the cache"):
        resolve_pretrained("someone/not-cached")
    with pytest.raises(HubUnavailable, match="not-a-branch"):
        resolve_pretrained(f"{MODEL_ID}@not-a-branch")


def test_ingest_of_an_uncached_dataset_is_a_data_error(tmp_path: Path, offline, capsys):
    config = write_config(tmp_path, tmp_path / "run")
    code = main(["ingest", "--config", str(config), "--set", "data.source.name=someone/missing"])
    assert code == 1
    err = capsys.readouterr().err
    assert "error: data.source.name: dataset someone/missing from the Hugging Face hub" in err
    assert "Traceback" not in err


def test_a_subset_without_parquet_files_says_which_key_to_set(tmp_path: Path, offline, capsys):
    config = write_config(tmp_path, tmp_path / "run")
    code = main(["ingest", "--config", str(config), "--set", "data.source.subset=default"])
    assert code == 1
    assert "set data.source.subset to the folder of its Parquet files" in capsys.readouterr().err


def test_the_whole_job_runs_from_the_hub_cache_offline(tmp_path: Path, cache):
    """ingest -> validate -> tokenizer -> train -> evaluate -> export, all from the cache."""
    out = tmp_path / "run"
    config = write_config(tmp_path, out)
    env = {
        **os.environ,
        "HF_HUB_CACHE": str(cache.root),
        "HF_HUB_OFFLINE": "1",
        THREADS_ENV: "1",
    }
    env.pop("MLFLOW_TRACKING_URI", None)
    done = subprocess.run(
        [sys.executable, "-m", "sentimentops_train", "all", "--config", str(config), "--json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    summary = json.loads(done.stdout)
    assert summary["ok"] is True

    manifest = json.loads((out / "dataset" / "manifest.json").read_text())
    assert manifest["source"]["kind"] == "hub"
    assert manifest["source"]["name"] == DATASET_ID
    assert manifest["source"]["revision"] == DATASET_REVISION
    assert manifest["source"]["files"] == [
        "plain_text/train-00000-of-00001.parquet",
        "plain_text/test-00000-of-00001.parquet",
    ]
    # imdb's own test split is the test set; validation comes out of train.
    assert manifest["splits"]["test"]["rows"] == cache.rows["test"]
    train_rows = manifest["splits"]["train"]["rows"] + manifest["splits"]["validation"]["rows"]
    assert train_rows == cache.rows["train"]

    card = json.loads((out / "model" / "model-card.json").read_text())
    hub_model = {"hub": MODEL_ID, "repo_type": "model", "revision": MODEL_REVISION}
    assert card["training"]["pretrained"] == hub_model
    assert card["training"]["tokenizer"]["source"] == hub_model
    assert card["training"]["mlflow_run_id"] is None  # MLFLOW_TRACKING_URI unset
    assert card["architecture"]["dim"] == 32  # the cached checkpoint's, not the config's 768
    # The pretrained tokenizer's own special-token ids, as distilbert-base-uncased has them.
    assert card["tokenizer"]["pad_token_id"] == 0
    assert card["tokenizer"]["unk_token_id"] == 100
    assert card["dataset"]["content_sha256"] == manifest["content_sha256"]
