"""End to end through `ingest()`: Parquet splits, the manifest, its hash, atomic replacement."""

import json
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sentimentops_train.errors import DataError
from sentimentops_train.ingest import SPLITS, dataset_dir, ingest, load_manifest, load_split
from sentimentops_train.ingest import write as write_module

from ingest_helpers import files_config, reviews, write_csv, write_imdb, write_jsonl


def _quiet(message: str) -> None:
    pass


def _ingest(source: Path, out: Path, **overrides: object) -> Path:
    return ingest(files_config(source, out.parent, **overrides), out, log=_quiet)


def test_writes_three_parquet_splits_and_a_manifest(tmp_path: Path) -> None:
    rows = [
        *reviews(40),
        ("   <br />  ", "positive"),
        ("", "negative"),
        (reviews(1)[0][0], "negative"),
    ]
    source = write_csv(tmp_path / "reviews.csv", ["text", "label"], rows)
    out = _ingest(source, tmp_path / "dataset")
    assert sorted(p.name for p in out.iterdir()) == [
        "manifest.json",
        "test.parquet",
        "train.parquet",
        "validation.parquet",
    ]
    manifest = load_manifest(out)
    assert manifest["rows"] == 41
    assert manifest["dropped"] == {"empty_text": 2}  # left out, and counted
    assert manifest["duplicate_texts"] == 1  # kept, and counted
    assert manifest["source"]["rows_read"] == 43 and manifest["source"]["format"] == "csv"
    assert manifest["seed"] == 7 and manifest["normaliser_version"] == "1"
    assert manifest["created_at"].endswith("Z")
    for name in SPLITS:
        table = load_split(out, name)
        assert table.column_names == ["id", "text", "label", "source"]
        entry = manifest["splits"][name]
        assert entry["rows"] == table.num_rows
        labels = table.column("label").to_pylist()
        assert entry["labels"] == {
            "negative": labels.count("negative"),
            "positive": labels.count("positive"),
        }
    assert sum(manifest["splits"][n]["rows"] for n in SPLITS) == 41


def test_default_folder_is_under_output_dir(tmp_path: Path) -> None:
    config = files_config(
        write_csv(tmp_path / "r.csv", ["text", "label"], reviews(20)), tmp_path / "run"
    )
    assert ingest(config, log=_quiet) == dataset_dir(config) == tmp_path / "run" / "dataset"


def test_hash_is_stable_and_follows_the_content(tmp_path: Path) -> None:
    rows = reviews(30)
    source = write_csv(tmp_path / "r.csv", ["text", "label"], rows)
    first = load_manifest(_ingest(source, tmp_path / "a"))
    second = load_manifest(_ingest(source, tmp_path / "b"))
    assert first["content_sha256"] == second["content_sha256"]
    assert first["splits"] == second["splits"]

    rows[3] = (rows[3][0] + " Really.", rows[3][1])  # one text changes
    write_csv(source, ["text", "label"], rows)
    changed = load_manifest(_ingest(source, tmp_path / "c"))
    assert changed["content_sha256"] != first["content_sha256"]

    reseeded = load_manifest(
        _ingest(write_csv(source, ["text", "label"], reviews(30)), tmp_path / "d", seed=8)
    )
    assert reseeded["content_sha256"] != first["content_sha256"]


def test_hash_ignores_what_normalisation_removes(tmp_path: Path) -> None:
    plain = write_csv(tmp_path / "r.csv", ["text", "label"], reviews(20))
    noisy_rows = [(f"  {text}<br />", label) for text, label in reviews(20)]
    (tmp_path / "noisy").mkdir()
    noisy = write_csv(tmp_path / "noisy" / "r.csv", ["text", "label"], noisy_rows)
    assert (
        load_manifest(_ingest(plain, tmp_path / "a"))["content_sha256"]
        == load_manifest(_ingest(noisy, tmp_path / "b"))["content_sha256"]
    )


def test_imdb_keeps_its_test_split(tmp_path: Path) -> None:
    root = write_imdb(tmp_path / "aclImdb", per_folder=10)
    out = _ingest(root, tmp_path / "dataset", **{"data.split.validation": 0.2})
    manifest = load_manifest(out)
    assert manifest["splits"]["test"]["labels"] == {"negative": 10, "positive": 10}
    assert manifest["splits"]["validation"]["labels"] == {"negative": 2, "positive": 2}
    assert manifest["splits"]["train"]["rows"] == 16
    assert manifest["split"]["test"] == "as given by the source"
    test_ids = load_split(out, "test").column("id").to_pylist()
    assert all(i.startswith("test/") for i in test_ids)
    texts = load_split(out, "train").column("text").to_pylist()
    assert all("<br" not in t and "\n" in t for t in texts)


def test_extra_sources_join_the_main_one(tmp_path: Path) -> None:
    main = write_csv(
        tmp_path / "reviews.csv",
        ["id", "text", "label"],
        [(i, text, label) for i, (text, label) in enumerate(reviews(20))],
    )
    # The same ids as the main file's, and one text of 13 words that max_words leaves out.
    extra = write_jsonl(
        tmp_path / "more.jsonl",
        [
            *(
                {"id": i, "text": f"Another film, take {i}, was {label[:3]}.", "label": label}
                for i, (_, label) in enumerate(reviews(20))
            ),
            {"id": 99, "text": " ".join(["long"] * 13) + ".", "label": "positive"},
        ],
    )
    extras = [{"kind": "files", "path": str(extra), "max_words": 12}]
    out = _ingest(main, tmp_path / "dataset", **{"data.extra_sources": extras})
    manifest = load_manifest(out)
    assert manifest["rows"] == 40
    assert manifest["source"]["rows_read"] == 20
    (described,) = manifest["source"]["extra_sources"]
    assert described["format"] == "jsonl" and described["rows_read"] == 20
    assert described["max_words"] == 12 and described["left_out_over_max_words"] == 1
    ids = [i for name in SPLITS for i in load_split(out, name).column("id").to_pylist()]
    assert sorted(ids) == sorted([str(i) for i in range(20)] + [f"extra1:{i}" for i in range(20)])
    sources = {s for name in SPLITS for s in load_split(out, name).column("source").to_pylist()}
    assert sources == {"reviews.csv", "more.jsonl"}


def test_an_extra_source_is_split_even_beside_a_fixed_test_split(tmp_path: Path) -> None:
    root = write_imdb(tmp_path / "aclImdb", per_folder=10)
    extra = write_csv(tmp_path / "more.csv", ["text", "label"], reviews(20))
    out = _ingest(
        root,
        tmp_path / "dataset",
        **{
            "data.split.validation": 0.2,
            "data.extra_sources": [{"kind": "files", "path": str(extra)}],
        },
    )
    test_ids = load_split(out, "test").column("id").to_pylist()
    assert len(test_ids) == 20 and all(i.startswith("test/") for i in test_ids)
    train_and_validation = [
        i
        for name in ("train", "validation")
        for i in load_split(out, name).column("id").to_pylist()
    ]
    assert sum(i.startswith("extra1:") for i in train_and_validation) == 20


def test_an_empty_extra_source_is_refused(tmp_path: Path) -> None:
    main = write_csv(tmp_path / "reviews.csv", ["text", "label"], reviews(20))
    extra = write_csv(tmp_path / "more.csv", ["text", "label"], [("one two three", "positive")])
    extras = [{"kind": "files", "path": str(extra), "max_words": 2}]
    with pytest.raises(DataError, match=r"data.extra_sources\[0\] \(.*more.csv\): no rows"):
        _ingest(main, tmp_path / "dataset", **{"data.extra_sources": extras})
    assert not (tmp_path / "dataset").exists()


def test_an_earlier_dataset_is_replaced(tmp_path: Path) -> None:
    out = tmp_path / "dataset"
    _ingest(write_csv(tmp_path / "a.csv", ["text", "label"], reviews(20)), out)
    _ingest(write_csv(tmp_path / "b.csv", ["text", "label"], reviews(30)), out)
    assert load_manifest(out)["rows"] == 30
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_folder_that_is_not_a_dataset_is_not_replaced(tmp_path: Path) -> None:
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(DataError, match=re.escape("holds no manifest.json; not replacing it")):
        _ingest(write_csv(tmp_path / "a.csv", ["text", "label"], reviews(20)), out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_a_failed_write_leaves_nothing_and_keeps_the_previous_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = write_csv(tmp_path / "a.csv", ["text", "label"], reviews(20))
    out = _ingest(source, tmp_path / "dataset")
    before = load_manifest(out)
    calls: list[Path] = []
    real_write = pq.write_table

    def failing_write(table: object, path: Path) -> None:  # the second split's file fails
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_write(table, path)

    monkeypatch.setattr(write_module.pq, "write_table", failing_write)
    with pytest.raises(OSError, match="No space left"):
        _ingest(write_csv(source, ["text", "label"], reviews(30)), out)
    assert load_manifest(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv", "dataset"]

    calls.clear()
    with pytest.raises(OSError, match="No space left"):
        _ingest(source, tmp_path / "fresh")
    assert not (tmp_path / "fresh").exists()


def test_load_split_refuses_what_is_not_a_finished_dataset(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=re.escape("not an ingested dataset (no manifest.json)")):
        load_split(tmp_path, "train")
    out = _ingest(write_csv(tmp_path / "a.csv", ["text", "label"], reviews(20)), tmp_path / "d")
    with pytest.raises(DataError, match="unknown split 'dev'"):
        load_split(out, "dev")
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    manifest["splits"]["train"]["rows"] += 1
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(DataError, match="rows, the manifest says"):
        load_split(out, "train")
