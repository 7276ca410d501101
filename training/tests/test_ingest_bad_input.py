"""Bad input fails with an error that names the problem, and leaves no dataset behind."""

from collections.abc import Callable
from pathlib import Path

import pytest

from sentimentops_train.errors import DataError
from sentimentops_train.ingest import ingest

from ingest_helpers import files_config, reviews, write_csv, write_jsonl, write_parquet

# name -> (writes the bad input into a folder and returns its path, expected message pattern)
Case = tuple[Callable[[Path], Path], str]


def _csv(
    rows: list[list[object]], header: tuple[str, ...] = ("text", "label")
) -> Callable[[Path], Path]:
    return lambda d: write_csv(d / "reviews.csv", header, rows)


def _bytes(name: str, content: bytes) -> Callable[[Path], Path]:
    def make(d: Path) -> Path:
        (d / name).write_bytes(content)
        return d / name

    return make


def _truncated_parquet(d: Path) -> Path:
    path = write_parquet(
        d / "reviews.parquet",
        {"text": [t for t, _ in reviews(50)], "label": [label for _, label in reviews(50)]},
    )
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return path


GOOD = [[text, label] for text, label in reviews(20)]

CASES: dict[str, Case] = {
    "missing label column": (
        _csv([["fine", "1"]], ("text", "sentiment")),
        r"reviews.csv: no column 'label' \(columns: 'text', 'sentiment'\); "
        r"choose with data.source.label_column",
    ),
    "missing text column": (_csv([["fine", "1"]], ("review", "label")), r"no column 'text'"),
    "missing jsonl field": (
        lambda d: write_jsonl(d / "r.jsonl", [{"text": "a", "label": 1}, {"text": "b"}]),
        r"r.jsonl line 2: no 'label' field \(fields: 'text'\)",
    ),
    "missing parquet column": (
        lambda d: write_parquet(d / "r.parquet", {"review": ["a"], "label": [1]}),
        r"r.parquet: no column 'text'",
    ),
    "unknown label": (
        _csv([*GOOD, ["odd", "meh"], ["odder", "2"]]),
        r"unknown label \(expected 0/1, neg/pos or negative/positive\) at "
        r"reviews.csv row 21: 'meh'; reviews.csv row 22: '2'",
    ),
    "unknown parquet label": (
        lambda d: write_parquet(d / "r.parquet", {"text": ["a", "b"], "label": [1, 5]}),
        r"r.parquet row 2: 5",
    ),
    "many unknown labels": (_csv([[f"t{i}", "x"] for i in range(8)]), r"row 5: 'x' \(and 3 more\)"),
    "empty csv": (_bytes("reviews.csv", b""), r"reviews.csv: the file is empty"),
    "empty jsonl": (_bytes("r.jsonl", b""), r"r.jsonl: the file is empty"),
    "empty parquet": (_bytes("r.parquet", b""), r"r.parquet: the file is empty"),
    "header only": (_csv([]), r"reviews.csv \(auto\): no rows"),
    "blank jsonl": (_bytes("r.jsonl", b"\n  \n"), r"r.jsonl \(auto\): no rows"),
    "only empty texts": (
        _csv([["<br />", "1"], [" ", "0"]]),
        r"no row has any text: all 2 are empty",
    ),
    "corrupt parquet": (
        _bytes("r.parquet", b"PAR1 this is not parquet PAR1"),
        r"r.parquet: not a readable Parquet file",
    ),
    "truncated parquet": (_truncated_parquet, r"reviews.parquet: not a readable Parquet file"),
    "parquet text not strings": (
        lambda d: write_parquet(d / "r.parquet", {"text": [1], "label": [1]}),
        r"column 'text' holds int64, not strings",
    ),
    "nonexistent path": (lambda d: d / "nowhere.csv", r"nowhere.csv: no such file or folder"),
    "unknown extension": (
        _bytes("r.txt", b"text,label\n"),
        r"cannot tell the format from the extension",
    ),
    "ragged csv": (
        _csv([*GOOD[:2], ["a", "1", "extra"]]),
        r"reviews.csv row 3: 3 fields, the header has 2",
    ),
    "not utf-8": (
        _bytes("reviews.csv", b"text,label\ncaf\xe9,1\n"),
        r"reviews.csv: not UTF-8 text",
    ),
    "bad json": (
        _bytes("r.jsonl", b'{"text": "a", "label": 1}\n{"text": \n'),
        r"r.jsonl line 2: not valid JSON",
    ),
    "json not an object": (
        _bytes("r.jsonl", b'["a", 1]\n'),
        r"r.jsonl line 1: expected a JSON object",
    ),
    "json text not a string": (
        lambda d: write_jsonl(d / "r.jsonl", [{"text": 5, "label": 1}]),
        r"r.jsonl line 1: the text is int 5, not a string",
    ),
    "one label only": (
        _csv([[f"good {i}", "1"] for i in range(10)]),
        r"no negative rows; a classifier needs both",
    ),
    "repeated id": (
        _csv([["1", "a", "1"], ["1", "b", "0"]], ("id", "text", "label")),
        r"reviews.csv row 2: id '1' repeats the one at reviews.csv row 1",
    ),
    "too few rows": (
        _csv([["a", "1"], ["b", "0"], ["c", "1"], ["d", "0"]]),
        r"too few to fill train, validation and test",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_named_and_nothing_is_written(tmp_path: Path, name: str) -> None:
    make, expected = CASES[name]
    (tmp_path / "in").mkdir()
    source = make(tmp_path / "in")
    out_root = tmp_path / "run"
    with pytest.raises(DataError, match=expected):
        ingest(files_config(source, out_root), log=lambda _: None)
    assert not out_root.exists()  # not even the parent: input is checked before writing starts
