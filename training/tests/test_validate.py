"""The `validate` step: one test per expectation with data made to break it, a passing dataset,
the report on disk and the CLI's exit status, and `all` stopping before training."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sentimentops_train.__main__ import main
from sentimentops_train.config import ValidationConfig
from sentimentops_train.errors import DataError
from sentimentops_train.validate import validate_dataset

from dataset_helpers import balanced_rows, columns_of, good_splits, replace_split, write_rows

TINY = Path(__file__).resolve().parents[1] / "configs" / "tiny.yaml"
DEFAULTS = ValidationConfig()


def failed(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(expectation, split or 'dataset') of every failed result."""
    return [
        (r["expectation"], r["kwargs"].get("split", "dataset"))
        for r in report["results"]
        if not r["success"]
    ]


def result(
    report: dict[str, Any], expectation: str, split: str = "dataset", column: str | None = None
) -> dict[str, Any]:
    (found,) = [
        r
        for r in report["results"]
        if r["expectation"] == expectation
        and r["kwargs"].get("split", "dataset") == split
        and column in (None, r["kwargs"].get("column"))
    ]
    return found


def test_a_good_dataset_meets_every_expectation(tmp_path: Path) -> None:
    report = validate_dataset(write_rows(tmp_path / "ds", good_splits()), DEFAULTS)
    assert report["success"] is True and failed(report) == []
    stats = report["statistics"]
    assert stats["evaluated_expectations"] == len(report["results"]) == 33
    assert stats["successful_expectations"] == 33 and stats["success_percent"] == 100.0
    for entry in report["results"]:
        assert set(entry) == {"expectation", "kwargs", "success", "observed_value", "details"}
    assert report["meta"]["rows"] == {"train": 20, "validation": 6, "test": 6}
    assert report["meta"]["bounds"]["max_leakage_rate"] == 0.0
    assert len(report["meta"]["content_sha256"]) == 64
    json.dumps(report)  # plain JSON all the way down


def test_schema_wrong_type_and_extra_column(tmp_path: Path) -> None:
    dataset = write_rows(tmp_path / "ds", good_splits())
    columns = columns_of(balanced_rows("train", 20))
    columns["label"] = [i % 2 for i in range(20)]  # 0/1 instead of negative/positive
    columns["extra"] = ["x"] * 20
    replace_split(dataset, "train", columns)
    report = validate_dataset(dataset, DEFAULTS)
    schema = result(report, "expect_table_columns_to_match_schema", "train")
    assert schema["success"] is False
    assert schema["details"] == {
        "missing": [],
        "unexpected": ["extra"],
        "not_string": {"label": "int64"},
    }
    # Expectations on the unusable column fail and say why, instead of crashing.
    in_set = result(report, "expect_column_values_to_be_in_set", "train")
    assert in_set["success"] is False and "no string column 'label'" in in_set["details"]["error"]
    assert ("expect_table_columns_to_match_schema", "validation") not in failed(report)


def test_row_count_must_match_the_manifest(tmp_path: Path) -> None:
    dataset = write_rows(tmp_path / "ds", good_splits())
    replace_split(dataset, "test", columns_of(balanced_rows("test", 5)))
    report = validate_dataset(dataset, DEFAULTS)
    assert failed(report) == [("expect_table_row_count_to_equal", "test")]
    assert result(report, "expect_table_row_count_to_equal", "test")["observed_value"] == 5


def test_null_text(tmp_path: Path) -> None:
    dataset = write_rows(tmp_path / "ds", good_splits())
    columns = columns_of(balanced_rows("train", 20))
    columns["text"][3] = None
    replace_split(dataset, "train", columns)
    report = validate_dataset(dataset, DEFAULTS)
    assert failed(report) == [("expect_column_values_to_not_be_null", "train")]
    entry = result(report, "expect_column_values_to_not_be_null", "train", "text")
    assert entry["observed_value"] == 1
    assert entry["details"]["partial_unexpected_ids"] == ["train-3"]


def test_empty_text(tmp_path: Path) -> None:
    splits = good_splits()
    splits["validation"][2] = ("validation-2", " \n ", "negative")
    report = validate_dataset(write_rows(tmp_path / "ds", splits), DEFAULTS)
    assert ("expect_column_values_to_not_be_empty", "validation") in failed(report)
    entry = result(report, "expect_column_values_to_not_be_empty", "validation")
    assert entry["details"]["partial_unexpected_ids"] == ["validation-2"]


def test_label_outside_the_set(tmp_path: Path) -> None:
    splits = good_splits()
    splits["train"][0] = ("train-0", "Neither here nor there.", "neutral")
    report = validate_dataset(write_rows(tmp_path / "ds", splits), DEFAULTS)
    assert failed(report) == [("expect_column_values_to_be_in_set", "train")]
    entry = result(report, "expect_column_values_to_be_in_set", "train")
    assert entry["details"]["unexpected_values"] == {"neutral": 1}
    assert entry["observed_value"] == ["negative", "neutral", "positive"]


def test_a_split_without_one_label(tmp_path: Path) -> None:
    splits = good_splits()
    splits["test"] = [row for row in balanced_rows("test", 12) if row[2] == "positive"]
    report = validate_dataset(write_rows(tmp_path / "ds", splits), DEFAULTS)
    assert ("expect_column_distinct_values_to_contain_set", "test") in failed(report)
    entry = result(report, "expect_column_distinct_values_to_contain_set", "test")
    assert entry["details"]["missing"] == ["negative"]


def test_label_balance_out_of_bounds(tmp_path: Path) -> None:
    splits = good_splits()
    extra = [(f"more-{i}", f"Another fine film, take {i}.", "positive") for i in range(30)]
    splits["train"] = splits["train"] + extra  # 40 positive of 50
    report = validate_dataset(write_rows(tmp_path / "ds", splits), DEFAULTS)
    assert failed(report) == [("expect_column_label_shares_to_be_between", "train")]
    entry = result(report, "expect_column_label_shares_to_be_between", "train")
    assert entry["observed_value"] == {"negative": 0.2, "positive": 0.8}
    assert entry["details"]["outside"] == {"negative": 0.2, "positive": 0.8}
    loose = ValidationConfig(min_label_share=0.1, max_label_share=0.9)
    assert validate_dataset(tmp_path / "ds", loose)["success"] is True


def test_text_length_bounds(tmp_path: Path) -> None:
    splits = good_splits()
    splits["train"][0] = ("train-0", "x", "negative")
    splits["train"][1] = ("train-1", "so good " * 10, "positive")
    report = validate_dataset(
        write_rows(tmp_path / "ds", splits), ValidationConfig(min_text_chars=2, max_text_chars=60)
    )
    assert failed(report) == [("expect_column_value_lengths_to_be_between", "train")]
    entry = result(report, "expect_column_value_lengths_to_be_between", "train")
    assert entry["observed_value"] == {"min": 1, "max": 80}
    assert entry["details"]["partial_unexpected_ids"] == ["train-0", "train-1"]


def test_ids_unique_across_splits(tmp_path: Path) -> None:
    splits = good_splits()
    splits["test"][0] = ("train-0", "A brand new text for the test.", "negative")
    report = validate_dataset(write_rows(tmp_path / "ds", splits), DEFAULTS)
    assert failed(report) == [("expect_column_values_to_be_unique", "dataset")]
    entry = result(report, "expect_column_values_to_be_unique")
    assert entry["details"]["partial_unexpected_ids"] == ["train-0"]


def test_duplicate_rate(tmp_path: Path) -> None:
    splits = good_splits()
    splits["train"] = [
        (row_id, splits["train"][0][1] if i % 2 == 0 else text, label)
        for i, (row_id, text, label) in enumerate(splits["train"])
    ]  # train-0's text in every even row: 9 duplicates of 32 rows
    report = validate_dataset(write_rows(tmp_path / "ds", splits), DEFAULTS)
    assert failed(report) == [("expect_duplicate_text_rate_to_be_at_most", "dataset")]
    entry = result(report, "expect_duplicate_text_rate_to_be_at_most")
    assert entry["details"]["duplicates"] == 9 and entry["observed_value"] == round(9 / 32, 6)
    assert validate_dataset(tmp_path / "ds", ValidationConfig(max_duplicate_rate=0.3))["success"]


def test_leakage_between_train_and_evaluation_splits(tmp_path: Path) -> None:
    splits = good_splits()
    splits["test"][0] = ("test-0", splits["train"][0][1], "negative")
    splits["validation"][1] = ("validation-1", splits["train"][1][1], "positive")
    splits["test"][1] = ("test-1", splits["validation"][3][1], "positive")
    # The shared texts are also duplicates (3 of 32 rows): allowed here, to see leakage alone.
    bounds = ValidationConfig(max_duplicate_rate=0.1)
    report = validate_dataset(write_rows(tmp_path / "ds", splits), bounds)
    assert failed(report) == [("expect_no_text_shared_between_splits", "dataset")]
    entry = result(report, "expect_no_text_shared_between_splits")
    assert entry["details"]["by_pair"] == {
        "train/validation": 1,
        "train/test": 1,
        "validation/test": 1,
    }
    assert entry["details"]["leaked_rows"] == 3 and entry["observed_value"] == 0.25
    assert sorted(entry["details"]["partial_unexpected_ids"]) == [
        "test-0",
        "test-1",
        "validation-1",
    ]
    loose = ValidationConfig(max_duplicate_rate=0.1, max_leakage_rate=0.25)
    assert validate_dataset(tmp_path / "ds", loose)["success"]


def test_not_a_dataset_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="not an ingested dataset"):
        validate_dataset(tmp_path, DEFAULTS)
    dataset = write_rows(tmp_path / "ds", good_splits())
    (dataset / "test.parquet").unlink()
    with pytest.raises(DataError, match="test.parquet: missing"):
        validate_dataset(dataset, DEFAULTS)


# --- the command ------------------------------------------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    capsys.readouterr()
    status = main([*args, "--json"])
    out, err = capsys.readouterr()
    return status, json.loads(out), err


def test_validate_command_writes_the_report_and_exits_1_on_failure(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    splits = good_splits()
    splits["test"][0] = ("test-0", splits["train"][0][1], "negative")
    write_rows(tmp_path / "run" / "dataset", splits)
    args = ["validate", "--config", str(TINY), "--set", f"output_dir={tmp_path / 'run'}"]
    report_path = tmp_path / "run" / "validation" / "report.json"

    status, failure, err = cli(capsys, *args)
    assert status == 1 and failure["ok"] is False
    assert failure["error"]["type"] == "DataValidationError"
    message = failure["error"]["message"]
    assert "1 of 33 expectations failed" in message and f"report: {report_path}" in message
    assert "expect_no_text_shared_between_splits on dataset" in message
    assert "failed expect_no_text_shared_between_splits" in err and "Traceback" not in err
    report = json.loads(report_path.read_text(encoding="utf-8"))
    assert report["success"] is False
    assert [p.name for p in report_path.parent.iterdir()] == ["report.json"]  # no temp files

    status, summary, err = cli(capsys, *args, "--set", "validation.max_leakage_rate=0.2")
    assert status == 0 and summary["success"] is True and summary["report"] == str(report_path)
    assert summary["statistics"]["successful_expectations"] == 33
    assert json.loads(report_path.read_text(encoding="utf-8"))["success"] is True

    other = tmp_path / "elsewhere.json"
    status, summary, _ = cli(
        capsys,
        *args,
        "--dataset",
        str(tmp_path / "run" / "dataset"),
        "--report",
        str(other),
        "--set",
        "validation.max_leakage_rate=0.2",
    )
    assert status == 0 and json.loads(other.read_text(encoding="utf-8"))["success"] is True


def test_all_stops_at_validate_when_the_data_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    run_dir = tmp_path / "run"
    sets = [f"output_dir={run_dir}", "data.source.count=200", "validation.max_text_chars=40"]
    args = ["all", "--config", str(TINY), *[a for s in sets for a in ("--set", s)]]
    status, failure, err = cli(capsys, *args)
    assert status == 1 and failure["error"]["type"] == "DataValidationError"
    assert failure["error"]["message"].startswith("validate: ")
    assert "expect_column_value_lengths_to_be_between" in failure["error"]["message"]
    assert "== step 2/6: validate" in err and "step 3/6" not in err
    assert sorted(p.name for p in run_dir.iterdir()) == ["dataset", "validation"]
    assert json.loads((run_dir / "validation" / "report.json").read_text())["success"] is False
