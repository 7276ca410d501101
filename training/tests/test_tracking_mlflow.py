"""The job against a real MLflow server: `mlflow server` started here on a free loopback port,
with a SQLite backend and a temporary artifact folder (served through the server, as in the
cluster), then the CLI run as a user runs it with MLFLOW_TRACKING_URI pointing at it, and the
run read back through MlflowClient.

Integration tests (`-m integration` selects them, `-m "not integration"` leaves them out); `make
test-python` runs them with the rest. About a minute on 2 cores, most of it the server's start.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sentimentops_train.__main__ import main

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "training" / "configs" / "tiny.yaml"
THREADS_ENV = "SENTIMENTOPS_TORCH_THREADS"  # = train.THREADS_ENV, without importing torch here
EPOCHS = 2
# configs/tiny.yaml made smaller; patience 0 so that both epochs run and are evaluated.
SMALL = [
    "data.source.count=400",
    "model.dim=16",
    "model.hidden_dim=32",
    f"train.epochs={EPOCHS}",
    "train.patience=0",
    "export.quantize_int8=false",
]
SERVER_START_S = 180


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_healthy(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"mlflow server exited {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"mlflow server not healthy after {SERVER_START_S}s:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def mlflow_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("mlflow")
    port = free_port()
    log = root / "server.log"
    command = [
        sys.executable, "-m", "mlflow", "server",
        "--backend-store-uri", f"sqlite:///{root / 'mlflow.db'}",
        "--artifacts-destination", str(root / "artifacts"),
        "--host", "127.0.0.1",
        "--port", str(port),
        "--workers", "1",
    ]  # fmt: skip
    with log.open("wb") as output:
        # Its own process group: the server's workers are stopped with it.
        server = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server, log)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=5)  # its graceful stop waits for idle connections: no need
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@pytest.fixture(scope="module")
def client(mlflow_url: str) -> Any:
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=mlflow_url)


def cli(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sentimentops_train", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )


def sets(output_dir: Path) -> list[str]:
    return [arg for item in [*SMALL, f"output_dir={output_dir}"] for arg in ("--set", item)]


@pytest.fixture(scope="module")
def tracked(mlflow_url: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """`all --json` on the tiny config, tracked; its summary, output folder and environment."""
    work = tmp_path_factory.mktemp("tracked")
    out = work / "run"
    env = {
        **os.environ,
        "MLFLOW_TRACKING_URI": mlflow_url,
        "MLFLOW_EXPERIMENT_NAME": "sentimentops-test",
        THREADS_ENV: "1",
    }
    done = cli(["all", "--config", str(TINY), "--json", *sets(out)], env, REPO)
    assert done.returncode == 0, done.stderr[-4000:]
    # stdout is the JSON summary alone: MLflow's own "View run" lines went to stderr.
    summary = json.loads(done.stdout)
    return {"summary": summary, "out": out, "env": env, "stderr": done.stderr}


def test_all_logs_one_finished_run_with_the_config_as_params(tracked, client):
    run_id = tracked["summary"]["train"]["mlflow_run_id"]
    assert run_id
    run = client.get_run(run_id)
    assert run.info.status == "FINISHED"
    assert run.info.run_name == "tiny"
    experiment = client.get_experiment(run.info.experiment_id)
    assert experiment.name == "sentimentops-test"
    params = run.data.params
    assert params["train.epochs"] == str(EPOCHS)
    assert params["model.dim"] == "16"
    assert params["data.source.kind"] == "generated"
    assert params["output_dir"] == str(tracked["out"])
    tags = run.data.tags
    assert tags["sentimentops.command"] == "all"
    assert tags["sentimentops.config"] == str(TINY)
    assert len(tags["mlflow.source.git.commit"]) == 40  # this checkout's commit


def test_each_epochs_evaluation_is_a_point_in_the_metric_history(tracked, client):
    run_id = tracked["summary"]["train"]["mlflow_run_id"]
    record = json.loads((tracked["out"] / "checkpoints" / "train-result.json").read_text())
    history = record["result"]["history"]
    assert [entry["epoch"] for entry in history] == list(range(1, EPOCHS + 1))
    for name in ("val_macro_f1", "val_accuracy", "val_loss", "train_loss", "epoch"):
        points = sorted(client.get_metric_history(run_id, name), key=lambda m: m.step)
        assert [m.step for m in points] == [entry["step"] for entry in history], name
        assert [m.value for m in points] == pytest.approx([entry[name] for entry in history]), name
    final = client.get_run(run_id).data.metrics
    headline = tracked["summary"]["metrics"]
    for name in ("test", "handwritten", "validation"):
        assert final[f"{name}_accuracy"] == pytest.approx(headline[name]["accuracy"])
        assert final[f"{name}_macro_f1"] == pytest.approx(headline[name]["macro_f1"])
    assert final["best_epoch"] == tracked["summary"]["train"]["best_epoch"]
    assert final["train_samples_per_s"] > 0
    assert "onnx_fp32_max_abs_logit_delta" in final


def test_the_dataset_is_the_runs_input_with_its_content_hash_as_digest(tracked, client):
    run = client.get_run(tracked["summary"]["train"]["mlflow_run_id"])
    content = tracked["summary"]["dataset"]["content_sha256"]
    (dataset_input,) = run.inputs.dataset_inputs
    dataset = dataset_input.dataset
    assert dataset.digest == content[:36]  # MLflow's longest digest
    assert json.loads(dataset.profile)["content_sha256"] == content
    assert dataset.name == "generated:movies"
    assert json.loads(dataset.source)["uri"] == (tracked["out"] / "dataset").resolve().as_uri()
    assert {tag.key: tag.value for tag in dataset_input.tags} == {"mlflow.data.context": "training"}
    assert run.data.tags["sentimentops.dataset.content_sha256"] == content


def test_artifacts_hold_the_config_records_and_the_model_card(tracked, client, tmp_path: Path):
    run_id = tracked["summary"]["train"]["mlflow_run_id"]

    def walk(folder: str | None = None) -> list[str]:
        paths = []
        for item in client.list_artifacts(run_id, folder):
            paths.extend(walk(item.path) if item.is_dir else [item.path])
        return paths

    assert sorted(walk()) == [
        "config.json",
        "evaluation/metrics.json",
        "model/model-card.json",
        "model/reference-profile.json",
        "model/tokenizer.json",
        "training/train-result.json",
    ]
    card_path = client.download_artifacts(run_id, "model/model-card.json", str(tmp_path))
    card = json.loads(Path(card_path).read_text())
    # The registry links the model version to this run through the card.
    assert card["training"]["mlflow_run_id"] == run_id
    local = json.loads((tracked["out"] / "model" / "model-card.json").read_text())
    assert card["files"] == local["files"]


def test_no_registered_model_is_created(tracked, client):
    assert client.search_registered_models() == []


def test_a_standalone_evaluate_adds_to_the_checkpoints_run(tracked, client):
    run_id = tracked["summary"]["train"]["mlflow_run_id"]
    done = cli(
        ["evaluate", "--config", str(TINY), "--json", *sets(tracked["out"])],
        tracked["env"],
        REPO,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert len(client.get_metric_history(run_id, "test_accuracy")) == 2
    assert client.get_run(run_id).info.status == "FINISHED"
    runs = client.search_runs([client.get_run(run_id).info.experiment_id])
    assert [run.info.run_id for run in runs] == [run_id]  # no second run


def test_a_failed_step_leaves_its_run_failed(mlflow_url, client, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", mlflow_url)
    monkeypatch.setenv("MLFLOW_EXPERIMENT_NAME", "sentimentops-test-failure")
    # `train` without an ingested dataset: the run starts, then the step fails.
    code = main(["train", "--config", str(TINY), "--set", f"output_dir={tmp_path / 'run'}"])
    assert code == 1
    assert "not an ingested dataset" in capsys.readouterr().err
    experiment = client.get_experiment_by_name("sentimentops-test-failure")
    (run,) = client.search_runs([experiment.experiment_id])
    assert run.info.status == "FAILED"


def test_an_unreachable_server_is_a_clear_error(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    code = main(["train", "--config", str(TINY), "--set", f"output_dir={tmp_path / 'run'}"])
    assert code == 1
    err = capsys.readouterr().err
    assert "error: MLflow at http://127.0.0.1:" in err and "cannot start a run" in err
