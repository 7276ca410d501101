"""The CLI as a user runs it: a subprocess of this interpreter (the project's venv)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sentimentops_train.config import apply_overrides

from ingest_helpers import BASE_CONFIG, reviews, write_csv, write_parquet


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sentimentops_train", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write_config(directory: Path, source: str) -> Path:
    path = directory / "config.yaml"
    raw = apply_overrides(BASE_CONFIG, [("data.source.path", source), ("output_dir", "run")])
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_ingest_with_json_summary(tmp_path: Path) -> None:
    write_csv(tmp_path / "reviews.csv", ["text", "label"], reviews(40))
    write_config(tmp_path, "reviews.csv")
    result = cli("ingest", "--config", "config.yaml", "--set", "seed=11", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)  # stdout holds the summary and nothing else
    manifest = json.loads(
        (tmp_path / "run" / "dataset" / "manifest.json").read_text(encoding="utf-8")
    )
    assert summary["command"] == "ingest" and summary["ok"] is True
    assert summary["dataset"] == "run/dataset"
    assert summary["content_sha256"] == manifest["content_sha256"]
    assert summary["splits"]["train"]["rows"] == manifest["splits"]["train"]["rows"]
    assert manifest["seed"] == 11
    assert "wrote run/dataset" in result.stderr  # progress goes to stderr


def test_ingest_into_a_chosen_folder_without_json(tmp_path: Path) -> None:
    write_csv(tmp_path / "reviews.csv", ["text", "label"], reviews(40))
    write_config(tmp_path, "reviews.csv")
    result = cli("ingest", "--config", "config.yaml", "--out", "elsewhere", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert (tmp_path / "elsewhere" / "manifest.json").is_file()


BAD_INPUTS = {
    "missing column": (
        lambda d: write_csv(d / "in.csv", ["review", "label"], [["a", "1"]]),
        "in.csv: no column 'text'",
    ),
    "unknown label": (
        lambda d: write_csv(d / "in.csv", ["text", "label"], [["a", "1"], ["b", "meh"]]),
        "in.csv row 2: 'meh'",
    ),
    "empty file": (lambda d: (d / "in.csv").write_bytes(b""), "in.csv: the file is empty"),
    "corrupt parquet": (
        lambda d: (d / "in.parquet").write_bytes(b"PAR1 garbage"),
        "in.parquet: not a readable Parquet file",
    ),
    "nonexistent path": (lambda d: None, "in.csv: no such file or folder"),
}


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_exits_1_with_the_problem_named_and_no_output(tmp_path: Path, name: str) -> None:
    make, expected = BAD_INPUTS[name]
    make(tmp_path)
    write_config(tmp_path, "in.parquet" if "parquet" in name else "in.csv")
    result = cli("ingest", "--config", "config.yaml", "--json", cwd=tmp_path)
    assert result.returncode == 1
    assert "error: " in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr
    failure = json.loads(result.stdout)
    assert failure["ok"] is False and failure["error"]["type"] == "DataError"
    assert not (tmp_path / "run").exists()


def test_parquet_input_through_the_cli(tmp_path: Path) -> None:
    write_parquet(
        tmp_path / "in.parquet",
        {
            "text": [t for t, _ in reviews(30)],
            "label": [1 if label == "positive" else 0 for _, label in reviews(30)],
        },
    )
    write_config(tmp_path, "in.parquet")
    result = cli("ingest", "--config", "config.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_config_errors_exit_1_listing_every_problem(tmp_path: Path) -> None:
    write_config(tmp_path, "in.csv")
    result = cli(
        "ingest",
        "--config",
        "config.yaml",
        "--set",
        "train.epochs=0",
        "--set",
        "model.colour=red",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "config.yaml with --set overrides: 2 problems" in result.stderr
    assert "train.epochs: must be >= 1 (got 0)" in result.stderr
    assert "model.colour: unknown key" in result.stderr
    assert "Traceback" not in result.stderr
    missing = cli("ingest", "--config", "absent.yaml", cwd=tmp_path)
    assert (
        missing.returncode == 1 and "error: absent.yaml: cannot read the config" in missing.stderr
    )


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["no-such-command", "--config", "c.yaml"],
        ["ingest"],
        ["ingest", "--config", "c.yaml", "--set", "novalue"],
        ["ingest", "--config", "c.yaml", "--bogus"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = cli(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert "usage:" in result.stderr and "Traceback" not in result.stderr


def test_help_lists_the_registered_commands(tmp_path: Path) -> None:
    result = cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "ingest" in result.stdout
