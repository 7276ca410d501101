"""Model directories named by location: a path, a file:// URI, or gs://bucket/prefix.

The registry records where each version's model directory is: file:// where the platform runs on
one machine or shares a volume, gs:// for the artifacts bucket in a cluster (the bootstrapped
champion, for one). `evaluate-model` scores the champion wherever it is, so a gs:// directory is
fetched first, as inference fetches one before loading it.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse
from urllib.request import url2pathname

from .commands._layout import CARD_FILE, sha256_of
from .errors import ModelError
from .versioning.store import open_store


@contextmanager
def local_model_dir(location: str) -> Iterator[Path]:
    """A local folder holding the model directory at `location`.

    A path or a file:// URI is the folder itself. Anything else goes through the artifact store
    (gs://; an unknown scheme is refused): the card and every file it lists are downloaded into a
    temporary folder, removed afterwards, and each file must match the card's sha256 and size.
    """
    if "://" not in location:
        yield Path(location)
        return
    if location.startswith("file://"):
        yield Path(url2pathname(urlparse(location).path))
        return
    store = open_store(location)
    card_bytes = store.read_bytes(CARD_FILE)
    try:
        files = json.loads(card_bytes)["files"]
        entries = {name: (entry["sha256"], int(entry["bytes"])) for name, entry in files.items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ModelError(
            f"{store.url(CARD_FILE)}: not a model card (no files with sha256)"
        ) from None
    with tempfile.TemporaryDirectory(prefix="sentimentops-model-") as folder:
        local = Path(folder)
        for name, (sha256, size) in entries.items():
            if PurePosixPath(name).name != name or name in ("", ".", "..", CARD_FILE):
                raise ModelError(f"{store.url(CARD_FILE)}: lists {name!r}, not a file name")
            store.download(name, local / name)
            if (local / name).stat().st_size != size or sha256_of(local / name) != sha256:
                raise ModelError(f"{store.url(name)}: does not match its sha256 in the card")
        (local / CARD_FILE).write_bytes(card_bytes)
        yield local
