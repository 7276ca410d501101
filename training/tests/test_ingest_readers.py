"""Each input format reads into the same rows: CSV, TSV, JSONL, Parquet, the aclImdb layout."""

from pathlib import Path

import pytest

from sentimentops_train.errors import DataError
from sentimentops_train.ingest.source import read_source

from ingest_helpers import files_config, write_csv, write_imdb, write_jsonl, write_parquet


def _read(path: Path, **overrides: object):
    config = files_config(path, path.parent / "run", **overrides)
    return read_source(config.data.source, seed=config.seed)


def test_csv(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "r.csv",
        ["rating", "text", "label"],
        [[9, 'Good,\n quoted "film"', "pos"], [1, "Bad", "0"]],
    )
    data = _read(path)
    assert [(r.id, r.text, r.label, r.source) for r in data.rows] == [
        ("r.csv:1", 'Good,\n quoted "film"', "pos", "r.csv"),
        ("r.csv:2", "Bad", "0", "r.csv"),
    ]
    assert data.rows[1].where == "r.csv row 2"
    assert data.description["format"] == "csv" and not data.has_test_split


def test_csv_with_a_bom_and_an_id_column(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("\ufeffid,text,label\nabc,Fine,1\n,Other,0\n", encoding="utf-8")
    assert [r.id for r in _read(path).rows] == ["abc", "r.csv:2"]


def test_tsv(tmp_path: Path) -> None:
    path = tmp_path / "r.tsv"
    path.write_text("text\tlabel\nGood, really\tpositive\n", encoding="utf-8")
    assert [(r.text, r.label) for r in _read(path).rows] == [("Good, really", "positive")]


def test_other_column_names(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "r.csv", ["review", "sentiment"], [["Nice", "positive"]])
    rows = _read(
        path, **{"data.source.text_column": "review", "data.source.label_column": "sentiment"}
    ).rows
    assert [(r.text, r.label) for r in rows] == [("Nice", "positive")]


def test_jsonl(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "r.jsonl",
        [{"text": "Nice", "label": 1, "id": 5}, {"text": None, "label": "neg"}],
    )
    path.write_text(path.read_text() + "\n   \n", encoding="utf-8")  # trailing blank lines
    rows = _read(path).rows
    assert [(r.id, r.text, r.label, r.where) for r in rows] == [
        ("5", "Nice", 1, "r.jsonl line 1"),
        ("r.jsonl:2", None, "neg", "r.jsonl line 2"),
    ]


def test_parquet(tmp_path: Path) -> None:
    path = write_parquet(
        tmp_path / "r.parquet",
        {"text": ["Nice", "Awful", None], "label": [1, 0, 1], "extra": [1, 2, 3]},
    )
    rows = _read(path).rows
    assert [(r.id, r.text, r.label) for r in rows] == [
        ("r.parquet:1", "Nice", 1),
        ("r.parquet:2", "Awful", 0),
        ("r.parquet:3", None, 1),
    ]
    assert _read(path).description["format"] == "parquet"


def test_format_given_explicitly_overrides_the_extension(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "r.data", [{"text": "Nice", "label": 1}])
    assert len(_read(path, **{"data.source.format": "jsonl"}).rows) == 1
    with pytest.raises(DataError, match="cannot tell the format from the extension"):
        _read(path)


def test_imdb_layout(tmp_path: Path) -> None:
    root = write_imdb(tmp_path / "aclImdb", per_folder=3)
    data = _read(root)
    assert data.has_test_split
    assert data.description["format"] == "imdb"
    assert len(data.rows) == 12  # unsup and the .feat file are ignored
    first = data.rows[0]
    assert (first.id, first.label, first.split, first.source) == (
        "train/neg/0_2",
        "neg",
        "train",
        "aclImdb",
    )
    assert first.where == "aclImdb/train/neg/0_2.txt"
    assert {r.split for r in data.rows} == {"train", "test"}
    assert sum(r.label == "pos" and r.split == "test" for r in data.rows) == 3


def test_imdb_without_a_test_folder(tmp_path: Path) -> None:
    data = _read(write_imdb(tmp_path / "aclImdb", with_test=False))
    assert not data.has_test_split and {r.split for r in data.rows} == {"train"}


def test_imdb_missing_a_label_folder(tmp_path: Path) -> None:
    root = write_imdb(tmp_path / "aclImdb")
    for file in (root / "test" / "neg").iterdir():
        file.unlink()
    (root / "test" / "neg").rmdir()
    with pytest.raises(DataError, match=r"aclImdb/test/neg: missing"):
        _read(root)


def test_a_folder_that_is_not_imdb(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    with pytest.raises(DataError, match="not an aclImdb layout"):
        _read(tmp_path / "data")
