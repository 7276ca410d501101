"""The gs:// artifact store, on google-cloud-storage (an optional extra: `pip install
'sentimentops-train[gcs]'`), imported only when a gs:// store is opened.

Credentials come from the environment as Google's libraries find them: Workload Identity on GKE,
GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth application-default login` elsewhere. Cloud
Storage has no rename, so a folder is published by uploading its files and then its marker,
created only if absent (`if_generation_match=0`): readers go by the marker, and the record in it
lists each file's sha256, which readers check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from ..errors import StoreError
from .store import ArtifactStore, check_key

T = TypeVar("T")
EXTRA = "pip install 'sentimentops-train[gcs]'"


class GcsStore(ArtifactStore):
    """Objects under gs://bucket/prefix. `bucket` is a google.cloud.storage Bucket, or (in tests)
    an object with the same methods; without one, a client is made from the environment."""

    def __init__(self, uri: str, bucket: Any | None = None) -> None:
        name, _, prefix = uri.removeprefix("gs://").partition("/")
        if not name:
            raise StoreError(f"{uri}: no bucket name (expected gs://bucket/prefix)")
        self.uri = f"gs://{name}" + (f"/{prefix.strip('/')}" if prefix.strip("/") else "")
        self._prefix = prefix.strip("/")
        self._bucket = bucket if bucket is not None else _bucket(name)

    def _name(self, key: str) -> str:
        key = check_key(key)
        return f"{self._prefix}/{key}" if self._prefix else key

    def _call(self, key: str, action: Callable[[], T]) -> T:
        """Runs a client call; Google's errors become StoreErrors that name the object."""
        try:
            return action()
        except Exception as error:
            if not _is_google(error):
                raise
            raise self._store_error(key, error) from None

    def _store_error(self, key: str, error: Exception) -> StoreError:
        return StoreError(f"{self.url(key)}: {type(error).__name__}: {error}")

    def exists(self, key: str) -> bool:
        return bool(self._call(key, self._bucket.blob(self._name(key)).exists))

    def read_bytes(self, key: str) -> bytes:
        if not self.exists(key):
            raise StoreError(f"{self.url(key)}: no such object")
        return self._call(key, self._bucket.blob(self._name(key)).download_as_bytes)

    def download(self, key: str, dest: Path) -> None:
        if not self.exists(key):
            raise StoreError(f"{self.url(key)}: no such object")
        blob = self._bucket.blob(self._name(key))
        self._call(key, lambda: blob.download_to_filename(str(dest)))

    def put_file(self, key: str, source: Path) -> None:
        blob = self._bucket.blob(self._name(key))
        self._call(key, lambda: blob.upload_from_filename(str(source)))

    def put_folder(
        self, prefix: str, files: Mapping[str, Path], marker: str, marker_data: bytes
    ) -> bool:
        marker_key = f"{prefix}/{marker}"
        if self.exists(marker_key):
            return False
        for name, source in files.items():
            self.put_file(f"{prefix}/{name}", source)
        blob = self._bucket.blob(self._name(marker_key))
        try:
            blob.upload_from_string(
                marker_data, content_type="application/json", if_generation_match=0
            )
        except Exception as error:
            if getattr(error, "code", None) == 412:  # PreconditionFailed: another writer won
                return False
            if not _is_google(error):
                raise
            raise self._store_error(marker_key, error) from None
        return True

    def list(self, prefix: str) -> list[str]:
        folder = (
            f"{self._name(prefix)}/" if prefix else (f"{self._prefix}/" if self._prefix else "")
        )

        def names() -> list[str]:
            listing = self._bucket.list_blobs(prefix=folder, delimiter="/")
            found = [blob.name[len(folder) :] for blob in listing]  # consumes the pages...
            found += [sub[len(folder) :].rstrip("/") for sub in listing.prefixes]  # ...then these
            return sorted(name for name in found if name)

        return self._call(prefix or ".", names)


def _is_google(error: Exception) -> bool:
    return type(error).__module__.startswith("google.")


def _bucket(name: str) -> Any:
    try:
        from google.cloud import storage
    except ImportError:
        raise StoreError(
            f"gs://{name}: a gs:// store needs google-cloud-storage ({EXTRA})"
        ) from None
    try:
        client = storage.Client()
    except Exception as error:  # google.auth's DefaultCredentialsError, a missing project...
        raise StoreError(
            f"gs://{name}: no usable Google Cloud credentials ({error}); on GKE use Workload "
            "Identity, elsewhere GOOGLE_APPLICATION_CREDENTIALS or "
            "`gcloud auth application-default login`"
        ) from None
    return client.bucket(name)
