"""The artifact store: one interface, two implementations chosen by the URI's scheme.

    open_store("file:///srv/artifacts") or open_store(".cache/artifacts")  -> FileStore
    open_store("gs://bucket/prefix")                                        -> GcsStore

Keys are relative POSIX paths (`datasets/sha256/<hash>/train.parquet`). A folder of objects is
published with `put_folder`, whose marker object is written last: a reader that finds the marker
finds every file, and a writer that finds it has nothing to do (content-addressed keys make the
write idempotent).
"""

from __future__ import annotations

import os
import shutil
import uuid
from abc import ABC, abstractmethod
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from ..errors import StoreError


class ArtifactStore(ABC):
    """Objects under one root URI."""

    uri: str

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def read_bytes(self, key: str) -> bytes:
        """The object's content; StoreError when there is none."""

    @abstractmethod
    def download(self, key: str, dest: Path) -> None:
        """Copies the object to the local file `dest` (its folder exists)."""

    @abstractmethod
    def put_file(self, key: str, source: Path) -> None:
        """Stores one object whole (a reader never sees a part of it)."""

    @abstractmethod
    def put_folder(
        self, prefix: str, files: Mapping[str, Path], marker: str, marker_data: bytes
    ) -> bool:
        """Stores `files` (name -> local path) under `prefix`, then `marker` with `marker_data`.
        False, and nothing written, when the marker is already there."""

    @abstractmethod
    def list(self, prefix: str) -> list[str]:
        """Names of the objects and sub-folders directly under `prefix`, sorted."""

    def url(self, key: str) -> str:
        return f"{self.uri.rstrip('/')}/{key}"


def open_store(uri: str) -> ArtifactStore:
    """The store for `uri`: gs://bucket[/prefix], file://path, or a plain local path."""
    if uri.startswith("gs://"):
        from .gcs import GcsStore  # google-cloud-storage: only when a gs:// store is used

        return GcsStore(uri)
    if uri.startswith("file://"):
        return FileStore(Path(uri.removeprefix("file://")))
    if "://" in uri:
        raise StoreError(f"{uri}: unknown store scheme (use a path, file://... or gs://...)")
    return FileStore(Path(uri))


def check_key(key: str) -> str:
    """Refuses keys that would leave the store's root (`..`, absolute) or name nothing."""
    path = PurePosixPath(key)
    if not key or path.is_absolute() or ".." in path.parts or "\\" in key:
        raise StoreError(f"{key!r}: not a valid object key")
    return str(path)


class FileStore(ArtifactStore):
    """A folder on the local disk. Objects are written beside their place and renamed into it;
    a folder is staged whole and renamed into place, so it appears complete or not at all."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.uri = f"file://{root}"

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def read_bytes(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise StoreError(f"{self.url(key)}: no such object") from None
        except OSError as error:
            raise StoreError(f"{self.url(key)}: unreadable ({error.strerror or error})") from None

    def download(self, key: str, dest: Path) -> None:
        source = self._path(key)
        if not source.is_file():
            raise StoreError(f"{self.url(key)}: no such object")
        shutil.copyfile(source, dest)

    def put_file(self, key: str, source: Path) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex[:12]}")
        try:
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def put_folder(
        self, prefix: str, files: Mapping[str, Path], marker: str, marker_data: bytes
    ) -> bool:
        target = self._path(prefix)
        if (target / marker).is_file():
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex[:12]}")
        staging.mkdir()
        try:
            for name, source in files.items():
                shutil.copyfile(source, staging / check_key(name))
            (staging / marker).write_bytes(marker_data)
            if target.exists():
                # Not complete (no marker): left by a writer that is not this store. Set aside.
                target.rename(target.with_name(f".{target.name}.partial-{uuid.uuid4().hex[:12]}"))
            try:
                staging.rename(target)
            except OSError:
                if (target / marker).is_file():  # another writer published the same content
                    shutil.rmtree(staging, ignore_errors=True)
                    return False
                raise
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return True

    def list(self, prefix: str) -> list[str]:
        folder = self._path(prefix) if prefix else self.root
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
