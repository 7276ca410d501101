"""Dataset versioning: content-addressed snapshots in an artifact store, new versions made from a
base plus new labelled data, and DVC metadata so `dvc pull` can fetch a version.

    open_store(uri) -> ArtifactStore                   # file:// (or a path) / gs://
    put_snapshot(store, dataset) -> (record, written)  # stored under its content sha256
    checkout(store, ref, out) -> record                # a stored snapshot as a dataset folder
    combine(base, new_files, ...) -> Combined          # base rows + the new rows that are new
    write_dvc_file(folder, path.dvc, remote=...)       # DVC 3 metadata (+ objects on a remote)
"""

from .combine import PROCESSED, Combined, NewFile, combine, inbox_files, read_new_file
from .dvc import write_dvc_file
from .snapshot import checkout, put_snapshot, read_record, resolve, snapshot_key
from .store import ArtifactStore, FileStore, open_store

__all__ = [
    "PROCESSED",
    "ArtifactStore",
    "Combined",
    "FileStore",
    "NewFile",
    "checkout",
    "combine",
    "inbox_files",
    "open_store",
    "put_snapshot",
    "read_new_file",
    "read_record",
    "resolve",
    "snapshot_key",
    "write_dvc_file",
]
