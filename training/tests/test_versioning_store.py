"""The artifact store: file:// on real folders, gs:// against a fake bucket at the class boundary
(no network here; the fake has the google-cloud-storage Bucket/Blob methods the store calls)."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pytest

from sentimentops_train.errors import StoreError
from sentimentops_train.versioning import FileStore, checkout, open_store, put_snapshot
from sentimentops_train.versioning.gcs import GcsStore
from sentimentops_train.versioning.store import check_key

from dataset_helpers import good_splits, write_rows


def quiet(message: str) -> None:
    pass


# --- file:// ----------------------------------------------------------------------------------


def test_open_store_by_scheme(tmp_path: Path) -> None:
    assert isinstance(open_store(str(tmp_path)), FileStore)
    store = open_store(f"file://{tmp_path}")
    assert isinstance(store, FileStore) and store.root == tmp_path
    assert store.url("a/b") == f"file://{tmp_path}/a/b"
    with pytest.raises(StoreError, match="unknown store scheme"):
        open_store("s3://bucket/x")


def _has_gcs_client() -> bool:
    try:
        return importlib.util.find_spec("google.cloud.storage") is not None
    except ModuleNotFoundError:
        return False


@pytest.mark.skipif(_has_gcs_client(), reason="google-cloud-storage is installed here")
def test_gs_without_the_client_library_names_the_extra() -> None:
    with pytest.raises(StoreError, match=r"pip install 'sentimentops-train\[gcs\]'"):
        open_store("gs://bucket/prefix")


@pytest.mark.parametrize("key", ["", "/abs", "a/../../x", "..", "a\\b"])
def test_keys_cannot_leave_the_store(key: str) -> None:
    with pytest.raises(StoreError, match="not a valid object key"):
        check_key(key)


def test_file_store_objects(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    source = tmp_path / "f.bin"
    source.write_bytes(b"data")
    assert not store.exists("x/f.bin") and store.list("x") == []
    store.put_file("x/f.bin", source)
    assert store.exists("x/f.bin") and store.read_bytes("x/f.bin") == b"data"
    store.download("x/f.bin", tmp_path / "copy")
    assert (tmp_path / "copy").read_bytes() == b"data"
    assert store.list("x") == ["f.bin"] and store.list("") == ["x"]
    with pytest.raises(StoreError, match="no such object"):
        store.read_bytes("x/absent")
    assert [p.name for p in (tmp_path / "store" / "x").iterdir()] == ["f.bin"]  # no temp file


def test_file_store_folder_is_published_whole_and_once(tmp_path: Path) -> None:
    store = FileStore(tmp_path / "store")
    files = {}
    for name in ("a", "b"):
        files[name] = tmp_path / name
        files[name].write_text(name)
    assert store.put_folder("set/1", files, "done.json", b"{}") is True
    assert store.list("set/1") == ["a", "b", "done.json"]
    files["a"].write_text("changed")
    assert store.put_folder("set/1", files, "done.json", b"{}") is False  # already there
    assert store.read_bytes("set/1/a") == b"a"
    assert [p.name for p in (tmp_path / "store" / "set").iterdir()] == ["1"]  # nothing staged


def test_file_store_folder_failure_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FileStore(tmp_path / "store")
    files = {name: tmp_path / name for name in ("a", "b")}
    for path in files.values():
        path.write_text("x")
    copies = []
    copy = shutil.copyfile

    def failing_copy(source: Path, target: Path) -> None:
        copies.append(source)
        if len(copies) == 2:
            raise OSError(28, "No space left on device")
        copy(source, target)

    monkeypatch.setattr("sentimentops_train.versioning.store.shutil.copyfile", failing_copy)
    with pytest.raises(OSError, match="No space left"):
        store.put_folder("set/1", files, "done.json", b"{}")
    assert list((tmp_path / "store" / "set").iterdir()) == []  # no folder, no staging left


# --- gs:// against a fake bucket --------------------------------------------------------------


class FakeNotFound(Exception):
    """Stands in for google.api_core.exceptions.NotFound (same module prefix, same `code`)."""

    code = 404


FakeNotFound.__module__ = "google.api_core.exceptions"


class FakePreconditionFailed(Exception):
    code = 412


FakePreconditionFailed.__module__ = "google.api_core.exceptions"


class FakeBlob:
    def __init__(self, bucket: FakeBucket, name: str) -> None:
        self.bucket, self.name = bucket, name

    def exists(self) -> bool:
        return self.name in self.bucket.objects

    def download_as_bytes(self) -> bytes:
        if self.name not in self.bucket.objects:
            raise FakeNotFound(self.name)
        return self.bucket.objects[self.name]

    def download_to_filename(self, filename: str) -> None:
        Path(filename).write_bytes(self.download_as_bytes())

    def upload_from_filename(self, filename: str) -> None:
        self.bucket.write(self.name, Path(filename).read_bytes())

    def upload_from_string(
        self, data: bytes, content_type: str | None = None, if_generation_match: int | None = None
    ) -> None:
        if if_generation_match == 0 and self.name in self.bucket.objects:
            raise FakePreconditionFailed(self.name)
        self.bucket.write(self.name, data)


class FakeListing:
    def __init__(self, blobs: list[FakeBlob], prefixes: set[str]) -> None:
        self._blobs, self.prefixes = blobs, prefixes

    def __iter__(self) -> Any:
        return iter(self._blobs)


class FakeBucket:
    """The Bucket methods GcsStore calls, over a dict; `log` records each upload in order."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}
        self.log: list[str] = []

    def write(self, name: str, data: bytes) -> None:
        self.objects[name] = data
        self.log.append(name)

    def blob(self, name: str) -> FakeBlob:
        return FakeBlob(self, name)

    def list_blobs(self, prefix: str, delimiter: str) -> FakeListing:
        blobs, prefixes = [], set()
        for name in sorted(self.objects):
            if not name.startswith(prefix):
                continue
            rest = name[len(prefix) :]
            if delimiter in rest:
                prefixes.add(prefix + rest.split(delimiter)[0] + delimiter)
            else:
                blobs.append(FakeBlob(self, name))
        return FakeListing(blobs, prefixes)


def test_gcs_store_with_a_fake_bucket(tmp_path: Path) -> None:
    bucket = FakeBucket()
    store = GcsStore("gs://bkt/some/prefix/", bucket=bucket)
    assert store.uri == "gs://bkt/some/prefix"
    files = {}
    for name in ("a", "b"):
        files[name] = tmp_path / name
        files[name].write_text(name)
    assert store.put_folder("set/1", files, "done.json", b"{}") is True
    # The marker is written last, under the prefix.
    assert bucket.log == [f"some/prefix/set/1/{name}" for name in ("a", "b", "done.json")]
    assert store.put_folder("set/1", files, "done.json", b"{}") is False and len(bucket.log) == 3
    assert store.list("set") == ["1"] and store.list("set/1") == ["a", "b", "done.json"]
    assert store.read_bytes("set/1/a") == b"a" and store.exists("set/1/b")
    store.download("set/1/b", tmp_path / "copy")
    assert (tmp_path / "copy").read_text() == "b"
    with pytest.raises(StoreError, match="gs://bkt/some/prefix/set/absent: no such object"):
        store.read_bytes("set/absent")


def test_gcs_store_errors_with_a_fake_bucket(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bucket = FakeBucket()
    store = GcsStore("gs://bkt", bucket=bucket)
    source = tmp_path / "f"
    source.write_text("x")

    def refuse(blob: FakeBlob, filename: str) -> None:
        raise FakeNotFound("bucket bkt does not exist")

    with monkeypatch.context() as patch:
        patch.setattr(FakeBlob, "upload_from_filename", refuse)
        with pytest.raises(StoreError, match="gs://bkt/k: FakeNotFound: bucket bkt does not"):
            store.put_file("k", source)
    # Another writer's marker appears between the check and the write: theirs stands.
    bucket.objects["set/done.json"] = b"theirs"
    monkeypatch.setattr(FakeBlob, "exists", lambda blob: False)
    assert store.put_folder("set", {"f": source}, "done.json", b"ours") is False
    assert bucket.objects["set/done.json"] == b"theirs"


def test_snapshot_round_trip_through_a_fake_bucket(tmp_path: Path) -> None:
    store = GcsStore("gs://bkt/artifacts", bucket=FakeBucket())
    dataset = write_rows(tmp_path / "ds", good_splits())
    record, written = put_snapshot(store, dataset, log=quiet)
    assert written and store.exists(f"datasets/sha256/{record['sha256']}/snapshot.json")
    checked_out = checkout(store, record["sha256"][:10], tmp_path / "out")
    assert checked_out["sha256"] == record["sha256"]
    for name in ("train.parquet", "validation.parquet", "test.parquet", "manifest.json"):
        assert (tmp_path / "out" / name).read_bytes() == (dataset / name).read_bytes()
