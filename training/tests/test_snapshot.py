"""Dataset snapshots and new versions: content addressing, idempotence, checkout, combining a
base with inbox files and feedback, and the `snapshot` command, on a file:// store in tmp_path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sentimentops_train.__main__ import main
from sentimentops_train.errors import DataError, StoreError
from sentimentops_train.ingest import SPLITS, load_manifest, load_split
from sentimentops_train.ingest.records import RawRow
from sentimentops_train.versioning import (
    FileStore,
    NewFile,
    checkout,
    combine,
    put_snapshot,
    read_record,
    resolve,
)
from sentimentops_train.versioning.combine import place

from dataset_helpers import columns_of, good_splits, replace_split, write_rows
from ingest_helpers import write_csv, write_jsonl, write_parquet

TINY = Path(__file__).resolve().parents[1] / "configs" / "tiny.yaml"


def quiet(message: str) -> None:
    pass


def texts(dataset: Path, split: str) -> list[str]:
    return load_split(dataset, split).column("text").to_pylist()


def new_file(rows: list[tuple[str, Any]], name: str = "new.csv", kind: str = "inbox") -> NewFile:
    raw = [
        RawRow(id=f"{kind}/abc/{name}:{i}", text=t, label=lab, where=f"{name} row {i}", source=name)
        for i, (t, lab) in enumerate(rows, 1)
    ]
    return NewFile(Path(name), kind, "abc" * 21 + "a", raw)


# --- snapshots --------------------------------------------------------------------------------


def test_the_hash_is_the_content_and_storing_twice_writes_nothing(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    first = write_rows(tmp_path / "a", good_splits())
    record, written = put_snapshot(store, first, log=quiet)
    assert written and record["sha256"] == load_manifest(first)["content_sha256"]
    assert record["parents"] == [] and record["rows"] == {"train": 20, "validation": 6, "test": 6}
    assert record["labels"]["train"] == {"negative": 10, "positive": 10}
    assert set(record["files"]) == {
        "train.parquet",
        "validation.parquet",
        "test.parquet",
        "manifest.json",
    }
    folder = tmp_path / "store" / "datasets" / "sha256" / record["sha256"]
    assert sorted(p.name for p in folder.iterdir()) == sorted([*record["files"], "snapshot.json"])
    stamp = (folder / "snapshot.json").stat().st_mtime_ns

    # The same rows written again (another time, other Parquet bytes maybe): the same snapshot.
    again = write_rows(tmp_path / "b", good_splits())
    same, written = put_snapshot(store, again, log=quiet)
    assert not written and same == record
    assert (folder / "snapshot.json").stat().st_mtime_ns == stamp
    assert read_record(store, record["sha256"]) == record

    changed = good_splits()
    changed["test"][0] = ("test-0", "A different text.", "negative")
    other, written = put_snapshot(store, write_rows(tmp_path / "c", changed), log=quiet)
    assert written and other["sha256"] != record["sha256"]


def test_a_dataset_edited_after_ingest_is_refused(tmp_path: Path) -> None:
    dataset = write_rows(tmp_path / "ds", good_splits())
    rows = good_splits()["train"]
    rows[0] = ("train-0", "Edited by hand.", "negative")
    replace_split(dataset, "train", columns_of(rows))
    with pytest.raises(DataError, match="changed after it was written"):
        put_snapshot(FileStore(tmp_path / "store"), dataset, log=quiet)
    assert not (tmp_path / "store").exists()


def test_resolve_and_checkout(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    dataset = write_rows(tmp_path / "ds", good_splits())
    record, _ = put_snapshot(store, dataset, log=quiet)
    sha = record["sha256"]
    assert resolve(store, sha[:8]) == resolve(store, f"sha256:{sha.upper()}") == sha
    with pytest.raises(StoreError, match="no snapshot"):
        resolve(store, "0" * 12)
    with pytest.raises(StoreError, match="not a snapshot hash"):
        resolve(store, "abc")

    out = tmp_path / "out"
    assert checkout(store, sha[:12], out)["sha256"] == sha
    assert sorted(p.name for p in out.iterdir()) == sorted(record["files"])
    assert texts(out, "train") == texts(dataset, "train")

    # A damaged stored file is found, and the folder at `out` stays as it was.
    stored = tmp_path / "store" / "datasets" / "sha256" / sha / "test.parquet"
    stored.write_bytes(stored.read_bytes()[:-10])
    with pytest.raises(StoreError, match="test.parquet: its sha256 does not match"):
        checkout(store, sha, out)
    assert texts(out, "test") == texts(dataset, "test")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


# --- combining --------------------------------------------------------------------------------


def test_combine_keeps_the_base_and_adds_only_new_rows(tmp_path: Path) -> None:
    base = write_rows(tmp_path / "base", good_splits())
    base_train = good_splits()["train"]
    batch = new_file(
        [
            ("A fresh and lovely review.", "positive"),
            (base_train[0][1], "negative"),  # already in the base, same label
            (base_train[1][1], "negative"),  # already in the base, other label: a conflict
            ("A fresh and lovely review.", "pos"),  # repeated within the new rows
            ("  <br/> ", "negative"),  # empty once normalised
            ("Dull, long and <b>loud</b>.", 0),
        ]
    )
    result = combine(base, [batch], seed=7, validation=0.2, test=0.2)
    assert result.base_sha256 == load_manifest(base)["content_sha256"]
    assert sum(result.added.values()) == 2 and result.changed
    assert result.skipped == {"duplicate_of_base": 2, "duplicate_within_new": 1, "empty_text": 1}
    assert result.conflicts == ["inbox/abc/new.csv:3"]
    for split, rows in good_splits().items():
        assert [r.id for r in result.splits[split][: len(rows)]] == [r[0] for r in rows]
    added = [r for rows in result.splits.values() for r in rows if r.id.startswith("inbox/")]
    assert {r.text for r in added} == {"A fresh and lovely review.", "Dull, long and loud."}
    assert {r.source for r in added} == {"new.csv"}
    manifest = result.manifest
    assert manifest["source"]["kind"] == "combined"
    assert manifest["source"]["base"]["sha256"] == result.base_sha256
    assert manifest["rows"] == 34 and manifest["duplicate_texts"] == 0


def test_new_rows_are_placed_by_their_text_alone() -> None:
    placed = [place(f"text {i}", seed=7, validation=0.1, test=0.1) for i in range(2000)]
    assert placed == [place(f"text {i}", seed=7, validation=0.1, test=0.1) for i in range(2000)]
    share = {split: placed.count(split) / len(placed) for split in SPLITS}
    assert 0.77 < share["train"] < 0.83 and 0.07 < share["test"] < 0.13
    assert placed != [place(f"text {i}", seed=8, validation=0.1, test=0.1) for i in range(2000)]


def test_combine_refuses_a_base_from_another_normaliser(tmp_path: Path) -> None:
    base = write_rows(tmp_path / "base", good_splits())
    manifest = json.loads((base / "manifest.json").read_text())
    manifest["normaliser_version"] = "0"
    (base / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(DataError, match="normalised by version 0"):
        combine(base, [], seed=7, validation=0.2, test=0.2)


# --- the command ------------------------------------------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, Any, str]:
    sets = [
        f"output_dir={root / 'run'}",
        f"versioning.store=file://{root / 'store'}",
        f"versioning.inbox={root / 'inbox'}",
    ]
    capsys.readouterr()
    status = main(
        [
            "snapshot",
            "--config",
            str(TINY),
            *[a for s in sets for a in ("--set", s)],
            *args,
            "--json",
        ]
    )
    out, err = capsys.readouterr()
    return status, json.loads(out), err


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_rows(tmp_path / "run" / "dataset", good_splits())
    (tmp_path / "inbox").mkdir()
    return tmp_path


def test_snapshot_command_stores_the_run_dataset(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    status, summary, err = cli(capsys, root)
    assert status == 0 and summary["stored"] is True and summary["parents"] == []
    sha = load_manifest(root / "run" / "dataset")["content_sha256"]
    assert summary["snapshot"] == sha
    assert summary["uri"] == f"file://{root / 'store'}/datasets/sha256/{sha}"
    status, summary, err = cli(capsys, root)
    assert status == 0 and summary["stored"] is False and "already in" in err


def test_new_version_from_inbox_and_feedback(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    inbox = root / "inbox"
    write_csv(
        inbox / "a.csv", ["text", "label"], [["A sparkling comedy.", "pos"], ["Flat.", "neg"]]
    )
    write_parquet(inbox / "b.parquet", {"text": ["Gripping to the end."], "label": [1]})
    (inbox / "README.md").write_text("drop labelled files here")
    feedback = write_jsonl(
        root / "feedback.jsonl",
        [
            {
                "id": "fb-1",
                "predictionId": "p-9",
                "text": "Would not watch again.",
                "label": "negative",
            },
            {"id": "fb-2", "text": good_splits()["train"][2][1], "label": "negative"},
        ],
    )
    base_sha = load_manifest(root / "run" / "dataset")["content_sha256"]
    status, summary, err = cli(capsys, root, "--inbox", "--feedback", str(feedback))
    assert status == 0, err
    assert summary["base"] == base_sha and summary["parents"] == [base_sha]
    assert sum(summary["added"].values()) == 4 and summary["skipped"]["duplicate_of_base"] == 1
    new_sha = summary["snapshot"]
    dataset = root / "run" / "dataset"
    assert load_manifest(dataset)["content_sha256"] == new_sha != base_sha
    assert sum(summary["rows"].values()) == 36
    ids = {i for split in SPLITS for i in load_split(dataset, split).column("id").to_pylist()}
    assert any(i.startswith("feedback/") and i.endswith("/fb-1") for i in ids)
    # Both versions are in the store, the new one naming its parent; the inbox is processed.
    store = FileStore(root / "store")
    assert read_record(store, new_sha)["parents"] == [base_sha]
    assert read_record(store, base_sha)["parents"] == []
    assert sorted(p.name for p in (root / "inbox").iterdir()) == ["README.md", "processed"]
    assert sorted(p.name for p in (root / "inbox" / "processed").iterdir()) == [
        "a.csv",
        "b.parquet",
    ]
    assert feedback.exists()  # an export is the caller's, not moved

    # Nothing new: the same snapshot, nothing written; a same-named file is kept apart.
    write_csv(inbox / "a.csv", ["text", "label"], [["A sparkling comedy.", "pos"]])
    status, summary, err = cli(capsys, root, "--inbox", "--feedback", str(feedback))
    assert status == 0 and summary["snapshot"] == new_sha and summary["stored"] is False
    assert "no new rows" in err
    assert sorted(p.name for p in (inbox / "processed").iterdir()) == [
        "a.1.csv",
        "a.csv",
        "b.parquet",
    ]


def test_inbox_files_stay_when_the_new_version_is_not_stored(
    capsys: pytest.CaptureFixture[str], root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_csv(root / "inbox" / "a.csv", ["text", "label"], [["Bright and warm.", "positive"]])
    before = load_manifest(root / "run" / "dataset")["content_sha256"]
    from sentimentops_train.versioning import store as store_module

    calls = []
    original = store_module.FileStore.put_folder

    def fail_second(self: Any, *args: Any, **kwargs: Any) -> bool:
        calls.append(args[0])
        if len(calls) == 2:  # the base is stored; the new version is not
            raise OSError(28, "No space left on device")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(store_module.FileStore, "put_folder", fail_second)
    with pytest.raises(OSError):
        main(
            [
                "snapshot",
                "--config",
                str(TINY),
                "--set",
                f"output_dir={root / 'run'}",
                "--set",
                f"versioning.store={root / 'store'}",
                "--inbox",
                str(root / "inbox"),
            ]
        )
    assert (root / "inbox" / "a.csv").exists() and not (root / "inbox" / "processed").exists()
    assert load_manifest(root / "run" / "dataset")["content_sha256"] == before


def test_bad_rows_in_the_inbox_stop_before_anything_is_written(
    capsys: pytest.CaptureFixture[str], root: Path
) -> None:
    write_csv(root / "inbox" / "a.csv", ["text", "label"], [["Fine.", "positive"], ["Meh.", "meh"]])
    status, failure, err = cli(capsys, root, "--inbox")
    assert status == 1 and failure["error"]["type"] == "DataError"
    assert "unknown label" in err and "a.csv row 2" in err
    assert (root / "inbox" / "a.csv").exists() and not (root / "store").exists()


def test_checkout_and_a_base_from_the_store(capsys: pytest.CaptureFixture[str], root: Path) -> None:
    status, stored, _ = cli(capsys, root)
    sha = stored["snapshot"]
    out = root / "elsewhere"
    status, summary, err = cli(capsys, root, "--checkout", sha[:8], "--out", str(out))
    assert status == 0 and summary["dataset"] == str(out)
    assert load_manifest(out)["content_sha256"] == sha

    write_jsonl(root / "fb.jsonl", [{"text": "Loved every minute.", "label": "positive"}])
    new_out = root / "v2"
    status, summary, err = cli(
        capsys,
        root,
        "--base",
        sha[:10],
        "--feedback",
        str(root / "fb.jsonl"),
        "--out",
        str(new_out),
    )
    assert status == 0 and summary["parents"] == [sha] and summary["dataset"] == str(new_out)
    assert sum(load_manifest(new_out)["splits"][s]["rows"] for s in SPLITS) == 33


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--checkout", "abcdef12", "--inbox"], "--checkout writes a stored snapshot"),
        (["--base", "abcdef12"], "--base names the base of a new version"),
        (["--out", "x"], "--out is where a new version or a checkout goes"),
        (["--checkout", "abcdef12"], "no snapshot abcdef12"),
        (["--feedback", "absent.jsonl"], "absent.jsonl: no such feedback file"),
    ],
)
def test_snapshot_usage_problems(
    capsys: pytest.CaptureFixture[str], root: Path, args: list[str], message: str
) -> None:
    status, failure, err = cli(capsys, root, *args)
    assert status == 1 and message in err and "Traceback" not in err
