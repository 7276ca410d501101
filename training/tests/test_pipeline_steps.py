"""The pipeline as a controller runs it: one CLI call per step, each given the dataset folder
(`--dataset`) and the run folder (`--set output_dir=`), and `evaluate-model` scoring the candidate
and the champion (the bundled models/sentiment-demo) on the same rows.

Steps run in this process through `main()` on tiny generated data (configs/tiny.yaml made tiny
with `--set`); the whole module takes well under a minute on one CPU thread.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from sentimentops_train.__main__ import main
from sentimentops_train.versioning.store import FileStore

from dataset_helpers import columns_of, replace_split

REPO = Path(__file__).resolve().parents[2]
TINY = REPO / "training" / "configs" / "tiny.yaml"
CHAMPION = REPO / "models" / "sentiment-demo"
THREADS_ENV = "SENTIMENTOPS_TORCH_THREADS"  # = train.THREADS_ENV, without importing torch here
SMALL = (
    "data.source.count=300",
    "tokenizer.wordlist=null",
    "tokenizer.vocab_size=400",
    "data.max_length=32",
    "model.dim=16",
    "model.hidden_dim=32",
    "model.n_layers=1",
    "model.n_heads=2",
    "train.epochs=1",
    "train.batch_size=16",
)


def config_args(run_dir: Path, *overrides: str) -> list[str]:
    settings = (f"output_dir={run_dir}", *SMALL, *overrides)
    return ["--config", str(TINY), *[arg for item in settings for arg in ("--set", item)]]


def cli(command: str, args: list[str]) -> tuple[int, dict[str, Any], str]:
    """(exit status, the --json document, stderr) of one in-process run of the CLI."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([command, *args, "--json"])
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, out.getvalue()  # stdout holds the summary and nothing else
    return status, json.loads(lines[0]), err.getvalue()


def ok(command: str, args: list[str]) -> dict[str, Any]:
    status, summary, err = cli(command, args)
    assert status == 0 and summary["ok"] is True, err
    assert summary["command"] == command
    return summary


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Two datasets outside the run folder (`base`, and `other`: another seed), and one run made
    step by step on `base`; each step's --json summary, keyed by command."""
    root = tmp_path_factory.mktemp("pipeline")
    run_dir = root / "run"
    mp = pytest.MonkeyPatch()
    mp.setenv(THREADS_ENV, "1")
    found: dict[str, Any] = {"root": root, "run": run_dir}
    try:
        for name, seed in (("base", 13), ("other", 99)):
            args = [*config_args(run_dir, f"seed={seed}"), "--out", str(root / name)]
            found[f"ingest.{name}"] = ok("ingest", args)
        dataset = ["--dataset", str(root / "base")]
        found["validate"] = ok(
            "validate", [*config_args(run_dir), *dataset, "--report", str(run_dir / "v.json")]
        )
        for command in ("tokenizer", "train", "evaluate", "export"):
            found[command] = ok(command, [*config_args(run_dir), *dataset])
    finally:
        mp.undo()
    return found


def evaluate_model(run_dir: Path, *args: str) -> dict[str, Any]:
    return ok("evaluate-model", [*config_args(run_dir), *args])


# --- every step on an explicit dataset folder and run folder -----------------------------------


def test_steps_read_the_given_dataset_and_write_the_run_folder(pipeline: dict[str, Any]) -> None:
    root, run_dir = pipeline["root"], pipeline["run"]
    base = pipeline["ingest.base"]
    assert base["dataset"] == str(root / "base")
    assert pipeline["ingest.other"]["content_sha256"] != base["content_sha256"]
    assert pipeline["validate"]["content_sha256"] == base["content_sha256"]
    assert pipeline["validate"]["report"] == str(run_dir / "v.json")
    expected = {"path": str(root / "base"), "content_sha256": base["content_sha256"]}
    for command in ("tokenizer", "train", "evaluate", "export"):
        assert pipeline[command]["dataset"] == expected, command
    assert pipeline["tokenizer"]["tokenizer"] == str(run_dir / "tokenizer" / "tokenizer.json")
    assert pipeline["train"]["checkpoint"] == str(run_dir / "checkpoints" / "best")
    assert pipeline["evaluate"]["metrics"] == str(run_dir / "metrics.json")
    assert pipeline["export"]["model_dir"] == str(run_dir / "model")
    card = json.loads((run_dir / "model" / "model-card.json").read_text(encoding="utf-8"))
    assert card["dataset"]["content_sha256"] == base["content_sha256"]
    metrics = json.loads((run_dir / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["dataset"] == expected
    # Nothing was read from, or written to, the run folder's default dataset place.
    assert not (run_dir / "dataset").exists()


def test_a_step_given_another_dataset_refuses_the_outputs_of_this_one(
    pipeline: dict[str, Any],
) -> None:
    other = ["--dataset", str(pipeline["root"] / "other")]
    for command, message in (
        ("train", "tokenizer: trained on dataset"),
        ("evaluate", "checkpoints: trained on dataset"),
        ("export", "tokenizer: trained on dataset"),
    ):
        status, failure, err = cli(command, [*config_args(pipeline["run"]), *other])
        assert status == 1 and failure["ok"] is False, command
        assert message in err, command


def test_a_missing_dataset_folder_is_named(pipeline: dict[str, Any], tmp_path: Path) -> None:
    for command in ("validate", "tokenizer", "train", "evaluate", "export", "evaluate-model"):
        args = [*config_args(tmp_path / "run"), "--dataset", str(tmp_path / "absent")]
        if command == "evaluate-model":
            args += ["--model-dir", str(CHAMPION)]
        status, failure, err = cli(command, args)
        assert status == 1 and failure["error"]["type"] == "DataError", command
        assert "absent" in err and "Traceback" not in err, command
    assert not (tmp_path / "run").exists()


# --- evaluate-model: candidate and champion on the same rows ------------------------------------


def test_candidate_and_champion_are_scored_on_the_same_rows(pipeline: dict[str, Any]) -> None:
    root, run_dir = pipeline["root"], pipeline["run"]
    base = pipeline["ingest.base"]
    manifest = json.loads((root / "base" / "manifest.json").read_text(encoding="utf-8"))
    on_base = ("--dataset", str(root / "base"))
    candidate = evaluate_model(run_dir, "--model-dir", str(run_dir / "model"), *on_base)
    champion = evaluate_model(run_dir, "--model-dir", str(CHAMPION), *on_base, "--split", "test")
    for summary in (candidate, champion):
        assert summary["split"] == "test"
        assert summary["dataset"] == {
            "path": str(root / "base"),
            "content_sha256": base["content_sha256"],
        }
        assert summary["test_set"] == {
            "name": f"test@{base['content_sha256'][:12]}",
            "rows": base["splits"]["test"]["rows"],
            "sha256": manifest["splits"]["test"]["content_sha256"],
        }
        assert summary["metrics"]["n"] == base["splits"]["test"]["rows"]
        assert summary["evaluated"]["kind"] == "onnx"
        assert summary["evaluated"]["file"] == "model.onnx"
    assert champion["model_dir"] == str(CHAMPION)
    assert candidate["test_set"] == champion["test_set"]
    # The same shape as the card's metrics.<set>.model, so the two compare key by key.
    card = json.loads((CHAMPION / "model-card.json").read_text(encoding="utf-8"))
    assert set(champion["metrics"]) == set(card["metrics"]["test"]["model"])
    # The candidate scored as served equals what `evaluate --model-dir` wrote for it.
    status, _, err = cli(
        "evaluate", [*config_args(run_dir), *on_base, "--model-dir", str(run_dir / "model")]
    )
    assert status == 0, err
    onnx = json.loads((run_dir / "metrics-onnx.json").read_text(encoding="utf-8"))
    assert onnx["test"]["model"] == candidate["metrics"]


def test_the_rows_hash_follows_the_rows_not_the_folder(
    pipeline: dict[str, Any], tmp_path: Path
) -> None:
    root, run_dir = pipeline["root"], pipeline["run"]
    model = ("--model-dir", str(CHAMPION))
    first = evaluate_model(run_dir, *model, "--dataset", str(root / "base"))["test_set"]
    again = evaluate_model(run_dir, *model, "--dataset", str(root / "base"))["test_set"]
    copy = tmp_path / "copy"
    shutil.copytree(root / "base", copy)
    copied = evaluate_model(run_dir, *model, "--dataset", str(copy))["test_set"]
    assert first == again == copied
    validation = evaluate_model(
        run_dir, *model, "--dataset", str(root / "base"), "--split", "validation"
    )["test_set"]
    other = evaluate_model(run_dir, *model, "--dataset", str(root / "other"))["test_set"]
    hashes = {first["sha256"], validation["sha256"], other["sha256"]}
    assert len(hashes) == 3
    assert validation["name"].startswith("validation@") and other["name"] != first["name"]


def test_a_split_changed_after_it_was_written_is_refused(
    pipeline: dict[str, Any], tmp_path: Path
) -> None:
    dataset = tmp_path / "edited"
    shutil.copytree(pipeline["root"] / "base", dataset)
    rows = pipeline["ingest.base"]["splits"]["test"]["rows"]
    edited = [(f"x{i}", "An edited review.", "positive") for i in range(rows)]
    replace_split(dataset, "test", columns_of(edited))
    args = ["--model-dir", str(CHAMPION), "--dataset", str(dataset)]
    status, failure, err = cli("evaluate-model", [*config_args(pipeline["run"]), *args])
    assert status == 1 and failure["error"]["type"] == "DataError"
    assert "the test split's rows hash to" in err and "the manifest says" in err


def test_the_handwritten_set_int8_and_a_report_file(
    pipeline: dict[str, Any], tmp_path: Path
) -> None:
    card = json.loads((CHAMPION / "model-card.json").read_text(encoding="utf-8"))
    out = tmp_path / "champion-handwritten.json"
    summary = evaluate_model(
        pipeline["run"], "--model-dir", str(CHAMPION), "--handwritten", "--int8", "--out", str(out)
    )
    sha256 = card["metrics"]["handwritten"]["sha256"]
    assert summary["split"] == "handwritten" and summary["dataset"] is None
    assert summary["test_set"] == {
        "name": f"handwritten@{sha256[:12]}",
        "file": "reviews.jsonl",
        "rows": card["metrics"]["handwritten"]["model"]["n"],
        "sha256": sha256,
    }
    assert summary["evaluated"]["file"] == "model.int8.onnx"
    assert set(summary["by_domain"]) == set(card["metrics"]["handwritten"]["by_domain"])
    written = json.loads(out.read_text(encoding="utf-8"))
    assert summary["report"] == str(out)
    assert written["test_set"] == summary["test_set"] and written["metrics"] == summary["metrics"]


def test_added_and_base_rows_of_a_new_version_are_scored_apart(
    pipeline: dict[str, Any], tmp_path: Path
) -> None:
    root, run_dir = pipeline["root"], pipeline["run"]
    feedback = tmp_path / "feedback.jsonl"
    rows = [{"text": f"the kettle number {i} is {w}", "label": label}
            for i in range(60) for w, label in (("superb", "positive"), ("awful", "negative"))]
    feedback.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    store = f"versioning.store={tmp_path / 'store'}"
    version = ok(
        "snapshot",
        [*config_args(run_dir, store), "--dataset", str(root / "base"), "--feedback",
         str(feedback), "--out", str(tmp_path / "v2")],
    )
    assert version["added"]["test"] > 0
    on = ["--model-dir", str(run_dir / "model"), "--dataset", str(tmp_path / "v2")]
    scored = {rows: evaluate_model(run_dir, *on, "--rows", rows) for rows in ("all", "added", "base")}
    prefix = version["snapshot"][:12]
    assert scored["added"]["test_set"]["name"] == f"test.added@{prefix}"
    assert scored["base"]["test_set"]["name"] == f"test.base@{prefix}"
    assert scored["added"]["test_set"]["rows"] == version["added"]["test"]
    # The base's rows of the new version are the base's test split, row for row.
    base_test = evaluate_model(run_dir, "--model-dir", str(run_dir / "model"), "--dataset",
                               str(root / "base"))["test_set"]
    assert scored["base"]["test_set"]["rows"] == base_test["rows"]
    assert scored["added"]["test_set"]["rows"] + base_test["rows"] == (
        scored["all"]["test_set"]["rows"]
    )
    assert len({s["test_set"]["sha256"] for s in scored.values()}) == 3
    # Only a version made from a base and new rows has added rows to choose.
    status, _, err = cli("evaluate-model", [*config_args(run_dir), "--model-dir",
                                            str(run_dir / "model"), "--dataset",
                                            str(root / "base"), "--rows", "added"])
    assert status == 1 and "needs a dataset version made by snapshot" in err


def test_evaluate_model_bad_input(pipeline: dict[str, Any], tmp_path: Path) -> None:
    run_args = config_args(pipeline["run"])
    both = ["--model-dir", str(CHAMPION), "--handwritten", "--split", "test"]
    status, _, err = cli("evaluate-model", [*run_args, *both])
    assert status == 1 and "--handwritten scores the hand-written set" in err
    status, _, err = cli(
        "evaluate-model", [*run_args, "--model-dir", str(CHAMPION), "--handwritten", "--rows", "added"]
    )
    assert status == 1 and "--rows chooses rows of a dataset split" in err
    base = ["--dataset", str(pipeline["root"] / "base")]
    status, _, err = cli("evaluate-model", [*run_args, "--model-dir", str(tmp_path), *base])
    assert status == 1 and "no model card: not a model directory" in err
    with pytest.raises(SystemExit) as usage:  # --model-dir is required: a usage error
        with contextlib.redirect_stderr(io.StringIO()):
            main(["evaluate-model", *run_args])
    assert usage.value.code == 2


def test_help_lists_evaluate_model_after_evaluate(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.index("    evaluate ") < out.index("    evaluate-model") < out.index("    export")


# --- evaluate-model on a model directory named by URI, as the registry records it --------------


class _BucketStore(FileStore):
    """A gs:// store over a local folder: GcsStore's contract (read_bytes, download, url) with
    a gs:// url, so the fetch path runs without Cloud Storage."""

    def __init__(self, uri: str, root: Path) -> None:
        super().__init__(root)
        self.uri = uri


def test_a_champion_named_by_uri_is_scored_like_a_folder(
    pipeline: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = ["--dataset", str(pipeline["root"] / "base")]
    by_path = evaluate_model(pipeline["run"], "--model-dir", str(CHAMPION), *base)
    by_file_uri = evaluate_model(pipeline["run"], "--model-dir", CHAMPION.as_uri(), *base)
    assert by_file_uri["metrics"] == by_path["metrics"]
    assert by_file_uri["model_dir"] == CHAMPION.as_uri()

    bucket = tmp_path / "bucket"
    shutil.copytree(CHAMPION, bucket)
    opened: list[str] = []

    def open_bucket(uri: str) -> FileStore:
        opened.append(uri)
        return _BucketStore(uri, bucket)

    monkeypatch.setattr("sentimentops_train.model_location.open_store", open_bucket)
    uri = "gs://artifacts/models/sentiment/1"
    fetched = evaluate_model(pipeline["run"], "--model-dir", uri, *base)
    assert opened == [uri]
    assert fetched["metrics"] == by_path["metrics"] and fetched["model_dir"] == uri
    assert not Path(fetched["evaluated"]["path"]).exists()  # the temporary copy is gone

    # A file that does not match the card is refused before anything is scored.
    args = [*config_args(pipeline["run"]), "--model-dir", uri, *base]
    (bucket / "tokenizer.json").write_text("{}", encoding="utf-8")
    status, failure, err = cli("evaluate-model", args)
    assert status == 1 and failure["error"]["type"] == "ModelError"
    assert f"{uri}/tokenizer.json: does not match its sha256 in the card" in err
    (bucket / "model-card.json").write_text("[]", encoding="utf-8")
    status, _, err = cli("evaluate-model", args)
    assert status == 1 and f"{uri}/model-card.json: not a model card" in err


def test_a_model_uri_of_an_unknown_scheme_is_refused(pipeline: dict[str, Any]) -> None:
    args = [*config_args(pipeline["run"]), "--model-dir", "s3://bucket/model", "--handwritten"]
    status, failure, err = cli("evaluate-model", args)
    assert status == 1 and failure["error"]["type"] == "StoreError"
    assert "s3://bucket/model: unknown store scheme" in err
