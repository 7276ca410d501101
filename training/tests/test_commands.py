"""The pipeline commands: generate, tokenizer, train, evaluate, export and all.

`all` runs end to end as a user runs it (a subprocess of the venv's Python) on configs/tiny.yaml
made tiny with `--set` (a few hundred generated reviews, dim 16, one layer, one epoch). The single
steps run in this process through `main()` on a JSONL fixture written here, which keeps the
module well under a minute. Nothing is trained on the hand-written set: it is only evaluated.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sentimentops_train.__main__ import main

from ingest_helpers import write_jsonl

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "training" / "configs" / "tiny.yaml"
THREADS_ENV = "SENTIMENTOPS_TORCH_THREADS"  # = train.THREADS_ENV, without importing torch here
MODEL_FILES = {
    "model.onnx",
    "model.int8.onnx",
    "tokenizer.json",
    "model-card.json",
    "reference-profile.json",
}
# Small enough for a few seconds per step on one CPU thread.
SMALL = [
    "model.dim=16",
    "model.hidden_dim=32",
    "model.n_layers=1",
    "model.n_heads=2",
    "train.epochs=1",
    "train.batch_size=16",
]

POSITIVE = ["great", "excellent", "wonderful", "loved", "superb", "brilliant"]
NEGATIVE = ["awful", "terrible", "boring", "hated", "dreadful", "poor"]
FILLER = ["the", "movie", "plot", "acting", "was", "film", "really", "quite", "story", "cast"]


def sets(*overrides: str) -> list[str]:
    return [arg for item in overrides for arg in ("--set", item)]


def assert_model_dir(model_dir: Path) -> dict[str, Any]:
    """The five files, and every sha256 and size in the card matching the file."""
    assert {p.name for p in model_dir.iterdir()} == MODEL_FILES
    card = json.loads((model_dir / "model-card.json").read_text(encoding="utf-8"))
    assert set(card["files"]) == MODEL_FILES - {"model-card.json"}
    for name, entry in card["files"].items():
        data = (model_dir / name).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}, name
    return card


def leftovers(directory: Path) -> list[str]:
    """Hidden staging or swap folders a step left behind (there must be none)."""
    return sorted(p.name for p in directory.rglob(".*") if p.name != ".gitignore")


# --- all, end to end --------------------------------------------------------------------------


def test_all_end_to_end_on_the_tiny_config(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    command = [sys.executable, "-m", "sentimentops_train", "all", "--config", str(TINY)]
    command += sets(f"output_dir={run_dir}", "data.source.count=300", *SMALL)
    result = subprocess.run(
        [*command, "--json"],
        cwd=tmp_path,
        env={**os.environ, THREADS_ENV: "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)  # stdout holds the summary and nothing else
    assert summary["command"] == "all" and summary["ok"] is True

    model_dir = run_dir / "model"
    card = assert_model_dir(model_dir)
    manifest = json.loads((run_dir / "dataset" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["source"]["kind"] == "generated" and manifest["rows"] == 300
    assert card["dataset"]["content_sha256"] == manifest["content_sha256"]
    assert card["architecture"]["dim"] == 16 and card["architecture"]["n_layers"] == 1
    assert card["max_length"] == 64 and card["parity"]["fp32"]["passed"]
    assert set(card["metrics"]) == {"validation", "test", "handwritten"}
    assert card["metrics"]["handwritten"]["model"]["n"] >= 100
    assert "lexicon_baseline" in card["metrics"]["handwritten"]
    assert card["training"]["best_epoch"] == 1 and card["training"]["train"]["epochs"] == 1

    # The summary: data hash, best epoch, accuracy and macro-F1 of each set, the baseline,
    # parity, sizes, wall time.
    assert summary["dataset"]["content_sha256"] == manifest["content_sha256"]
    assert summary["train"]["best_epoch"] == 1
    for name in ("validation", "test", "handwritten", "handwritten_lexicon_baseline"):
        assert set(summary["metrics"][name]) == {"accuracy", "macro_f1"}, name
    assert summary["metrics"]["handwritten"]["accuracy"] == pytest.approx(
        card["metrics"]["handwritten"]["model"]["accuracy"]
    )
    assert summary["export"]["parity"]["fp32_passed"] is True
    assert summary["export"]["files"] == {p.name: p.stat().st_size for p in model_dir.iterdir()}
    steps = ("ingest", "validate", "tokenizer", "train", "evaluate", "export")
    assert set(summary["timings_s"]) == {*steps, "total"}
    for number, step in enumerate(steps, 1):
        assert f"== step {number}/6: {step}" in result.stderr and f"== {step} done" in result.stderr
    report = json.loads((run_dir / "validation" / "report.json").read_text(encoding="utf-8"))
    assert report["success"] is True
    assert report["meta"]["content_sha256"] == manifest["content_sha256"]
    assert summary["validation"]["statistics"]["unsuccessful_expectations"] == 0
    assert "summary" in result.stderr and "lexicon baseline" in result.stderr
    assert (run_dir / "metrics.json").is_file() and leftovers(run_dir) == []


# --- the steps one by one, on a JSONL fixture ---------------------------------------------------


def synthetic_reviews(n: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        positive = i % 2 == 1
        words = rng.choices(FILLER, k=rng.randint(2, 12))
        words.insert(rng.randint(0, len(words)), rng.choice(POSITIVE if positive else NEGATIVE))
        rows.append({"text": " ".join(words), "label": "positive" if positive else "negative"})
    return rows


def files_args(root: Path, *extra: str) -> list[str]:
    """A tiny.yaml run on <root>/reviews.jsonl into <root>/run, without the word list."""
    return [
        "--config",
        str(TINY),
        *sets(
            f"output_dir={root / 'run'}",
            "data.source.kind=files",
            f"data.source.path={root / 'reviews.jsonl'}",
            "data.source.count=null",
            "data.max_length=32",
            "tokenizer.wordlist=null",
            "tokenizer.vocab_size=300",
            *SMALL,
            *extra,
        ),
    ]


def cli(
    capsys: pytest.CaptureFixture[str], command: str, args: list[str]
) -> tuple[int, Any, str]:
    """(exit status, the --json document, stderr) of one in-process run of the CLI."""
    capsys.readouterr()
    status = main([command, *args, "--json"])
    out, err = capsys.readouterr()
    return status, json.loads(out), err


@pytest.fixture(scope="module")
def steps(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run made step by step; each step's --json summary, keyed by command."""
    root = tmp_path_factory.mktemp("steps")
    write_jsonl(root / "reviews.jsonl", synthetic_reviews(240, 1))
    mp = pytest.MonkeyPatch()
    mp.setenv(THREADS_ENV, "1")
    capture = _Capture()
    summaries: dict[str, Any] = {"root": root}
    try:
        for command in ("ingest", "tokenizer", "train", "evaluate", "export"):
            status, summaries[command], summaries[f"{command}.log"] = capture.run(
                command, files_args(root)
            )
            assert status == 0, summaries[f"{command}.log"]
    finally:
        mp.undo()
    return summaries


class _Capture:
    """capsys for a module-scoped fixture (capsys itself is function-scoped)."""

    def run(self, command: str, args: list[str]) -> tuple[int, Any, str]:
        import contextlib
        import io

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = main([command, *args, "--json"])
        return status, json.loads(out.getvalue()), err.getvalue()


def test_each_step_writes_its_output(steps: dict[str, Any]) -> None:
    run_dir = steps["root"] / "run"
    assert steps["tokenizer"]["kind"] == "train" and steps["tokenizer"]["vocab_size"] <= 300
    assert (run_dir / "tokenizer" / "tokenizer.json").is_file()
    assert steps["tokenizer"]["dataset_sha256"] == steps["ingest"]["content_sha256"]

    trained = steps["train"]
    assert trained["best_epoch"] == 1 and trained["steps"] > 0
    assert (run_dir / "checkpoints" / "best" / "config.json").is_file()
    assert (run_dir / "checkpoints" / "last" / "config.json").is_file()
    record = json.loads((run_dir / "checkpoints" / "train-result.json").read_text())
    assert record["run_id"] == trained["run_id"]
    assert record["dataset_sha256"] == steps["ingest"]["content_sha256"]
    assert record["model"]["dim"] == 16 and record["train"]["max_length"] == 32

    metrics = json.loads((run_dir / "metrics.json").read_text())
    assert metrics["evaluated"] == steps["evaluate"]["evaluated"]
    assert metrics["evaluated"]["kind"] == "checkpoint"
    assert metrics["evaluated"]["run_id"] == trained["run_id"]
    for name in ("validation", "test", "handwritten"):
        assert {"model", "lexicon_baseline"} <= set(metrics[name]), name
        headline = steps["evaluate"]["headline"][name]
        assert metrics[name]["model"]["accuracy"] == headline["accuracy"]
    assert metrics["handwritten"]["model"]["n"] >= 100
    assert "set " in steps["evaluate.log"] and "lexicon:" in steps["evaluate.log"]  # the table

    card = assert_model_dir(run_dir / "model")
    assert card["metrics"]["test"] == metrics["test"]
    assert card["training"]["run_id"] == trained["run_id"]
    assert card["dataset"]["content_sha256"] == steps["ingest"]["content_sha256"]
    assert steps["export"]["model_dir"] == str(run_dir / "model")
    assert leftovers(run_dir) == []


def test_rerunning_export_replaces_the_model_directory_whole(
    steps: dict[str, Any], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(THREADS_ENV, "1")
    root = steps["root"]
    model_dir = root / "run" / "model"
    (model_dir / "stale.txt").write_text("from an older export")
    status, summary, _ = cli(capsys, "export", files_args(root))
    assert status == 0 and summary["model_dir"] == str(model_dir)
    assert_model_dir(model_dir)  # the stray file is gone: a new directory, not a merge
    assert leftovers(root / "run") == []


def test_export_to_another_folder_and_refusal_of_a_foreign_one(
    steps: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = steps["root"]
    status, summary, _ = cli(capsys, "export", [*files_args(root), "--out", str(tmp_path / "m")])
    assert status == 0 and summary["model_dir"] == str(tmp_path / "m")
    assert_model_dir(tmp_path / "m")

    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine")
    status, failure, err = cli(capsys, "export", [*files_args(root), "--out", str(foreign)])
    assert status == 1 and failure["error"]["type"] == "ExportError"
    assert "holds no model-card.json; not replacing it" in err
    assert [p.name for p in foreign.iterdir()] == ["notes.txt"]


def test_evaluate_an_exported_model_directory(
    steps: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    root = steps["root"]
    run_dir = root / "run"
    before = (run_dir / "metrics.json").read_bytes()
    for int8, name in ((False, "metrics-onnx.json"), (True, "metrics-onnx-int8.json")):
        args = [*files_args(root), "--model-dir", str(run_dir / "model")]
        status, summary, _ = cli(capsys, "evaluate", args + (["--int8"] if int8 else []))
        assert status == 0
        metrics = json.loads((run_dir / name).read_text())
        assert metrics["evaluated"]["kind"] == "onnx"
        assert metrics["evaluated"]["file"] == ("model.int8.onnx" if int8 else "model.onnx")
        assert metrics["handwritten"]["model"]["n"] >= 100
    # fp32 ONNX scores like the checkpoint (parity), and the checkpoint's metrics stay.
    checkpoint = json.loads(before)
    onnx = json.loads((run_dir / "metrics-onnx.json").read_text())
    for name in ("validation", "test", "handwritten"):
        assert onnx[name]["model"]["accuracy"] == checkpoint[name]["model"]["accuracy"]
    assert (run_dir / "metrics.json").read_bytes() == before


def test_a_changed_dataset_makes_later_steps_refuse_stale_outputs(
    steps: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copytree(steps["root"], tmp_path, dirs_exist_ok=True)
    reseeded = files_args(tmp_path, "seed=99")  # another split: another dataset hash
    assert cli(capsys, "ingest", reseeded)[0] == 0
    for command, message in (
        ("train", "tokenizer: trained on dataset"),
        ("evaluate", "checkpoints: trained on dataset"),
        ("export", "tokenizer: trained on dataset"),
    ):
        status, failure, err = cli(capsys, command, reseeded)
        assert status == 1 and failure["ok"] is False, command
        assert message in err and "first" in err and "Traceback" not in err, command


def test_export_refuses_metrics_of_another_training_run(
    steps: dict[str, Any], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shutil.copytree(steps["root"], tmp_path, dirs_exist_ok=True)
    record_path = tmp_path / "run" / "checkpoints" / "train-result.json"
    record = json.loads(record_path.read_text())
    record["run_id"] = "0" * 32  # as if `train` ran again after `evaluate`
    record_path.write_text(json.dumps(record))
    status, failure, err = cli(capsys, "export", files_args(tmp_path))
    assert status == 1 and failure["error"]["type"] == "ModelError"
    assert "does not describe the current best checkpoint" in err and "run `" in err


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["tokenizer", "train", "evaluate", "export"])
def test_without_a_dataset_each_step_exits_1_naming_ingest(
    command: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, failure, err = cli(capsys, command, files_args(tmp_path))
    assert status == 1
    assert failure == {
        "command": command,
        "ok": False,
        "error": {"type": "DataError", "message": failure["error"]["message"]},
    }
    assert "not an ingested dataset (no manifest.json)" in err and "ingest --config" in err
    assert "Traceback" not in err
    assert not (tmp_path / "run").exists()


def test_all_with_missing_input_stops_at_ingest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, failure, err = cli(capsys, "all", files_args(tmp_path))
    assert status == 1 and failure["error"]["type"] == "DataError"
    assert failure["error"]["message"].startswith("ingest: ")
    assert "reviews.jsonl: no such file or folder" in err
    assert "step 2/6" not in err and not (tmp_path / "run").exists()


@pytest.fixture(scope="module")
def ingested_only(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ingested")
    write_jsonl(root / "reviews.jsonl", synthetic_reviews(60, 2))
    status, _, err = _Capture().run("ingest", files_args(root))
    assert status == 0, err
    return root


@pytest.mark.parametrize(
    ("command", "missing"),
    [
        ("train", "no tokenizer yet; run `python -m sentimentops_train tokenizer"),
        ("evaluate", "no trained checkpoint; run `python -m sentimentops_train train"),
        ("export", "no tokenizer yet; run `python -m sentimentops_train tokenizer"),
    ],
)
def test_a_missing_earlier_step_is_named(
    ingested_only: Path,
    capsys: pytest.CaptureFixture[str],
    command: str,
    missing: str,
) -> None:
    status, failure, err = cli(capsys, command, files_args(ingested_only))
    assert status == 1 and failure["error"]["type"] == "ModelError"
    assert missing in err and "Traceback" not in err
    assert sorted(p.name for p in (ingested_only / "run").iterdir()) == ["dataset"]


def test_tokenizer_with_a_missing_word_list(
    ingested_only: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = files_args(ingested_only, f"tokenizer.wordlist={tmp_path / 'absent.txt'}")
    status, failure, err = cli(capsys, "tokenizer", args)
    assert status == 1 and failure["error"]["type"] == "DataError"
    assert "absent.txt not found" in err
    assert not (ingested_only / "run" / "tokenizer").exists()


def test_evaluate_a_folder_that_is_not_a_model_directory(
    ingested_only: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = [*files_args(ingested_only), "--model-dir", str(tmp_path)]
    status, failure, err = cli(capsys, "evaluate", args)
    assert status == 1 and "no model card: not a model directory" in err
    status, failure, err = cli(capsys, "evaluate", [*files_args(ingested_only), "--int8"])
    assert status == 1 and "--int8 needs --model-dir" in err


# --- generate -----------------------------------------------------------------------------------


def test_generate_writes_jsonl_that_ingest_reads(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "gen" / "reviews.jsonl"
    args = ["--config", str(TINY), "--count", "40", "--seed", "5", "--domains", "movies,products"]
    status, summary, _ = cli(capsys, "generate", [*args, "--out", str(out)])
    assert status == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 40 and {tuple(sorted(r)) for r in rows} == {("domain", "label", "text")}
    assert summary["labels"] == {"negative": 20, "positive": 20}
    assert summary["by_domain"] == {"movies": 20, "products": 20}
    assert summary["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    again = tmp_path / "again.jsonl"
    assert cli(capsys, "generate", [*args, "--out", str(again)])[0] == 0
    assert again.read_bytes() == out.read_bytes()  # same seed, same file

    ingest_args = [
        "--config",
        str(TINY),
        *sets(
            "data.source.kind=files",
            f"data.source.path={out}",
            "data.source.count=null",
            f"output_dir={tmp_path / 'run'}",
        ),
    ]
    status, ingested, _ = cli(capsys, "ingest", ingest_args)
    assert status == 0 and ingested["rows"] == 40


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--domains", "movies,cars"], "unknown domain 'cars'"),
        (
            sets("data.source.kind=files", "data.source.path=x", "data.source.count=null"),
            "pass --count",
        ),
    ],
)
def test_generate_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, extra: list[str], message: str
) -> None:
    out = tmp_path / "g.jsonl"
    status, failure, err = cli(
        capsys, "generate", ["--config", str(TINY), "--out", str(out), *extra]
    )
    assert status == 1 and failure["error"]["type"] == "ConfigError"
    assert message in err and not out.exists()


def test_help_lists_the_pipeline_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    order = ("generate", "ingest", "validate", "snapshot", "tokenizer", "pretrain", "train")
    order += ("evaluate", "export", "all")
    positions = [out.index(f"    {name}") for name in order]
    assert positions == sorted(positions)
