"""Where pretrained weights, tokenizers and hub datasets come from: the one place that talks to the
Hugging Face hub.

A name such as `distilbert-base-uncased` or `stanfordnlp/imdb` (optionally `@<revision>`: a
branch, tag or commit) is turned into a local snapshot folder through `huggingface_hub`'s cache,
and everything after that reads local files, exactly as for a folder given by path. So the hub
path and the offline path share all their code but this module; with `HF_HUB_OFFLINE=1` the
snapshot comes from the cache (`HF_HUB_CACHE`, default `~/.cache/huggingface/hub`) alone, which
is also how the tests run it, on a cache folder they lay out themselves.

Each resolution also says which commit it got, so the dataset manifest and the model card record
the exact revision rather than a name whose content moves.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

RepoType = Literal["model", "dataset"]

# What from_pretrained reads for a DistilBERT classifier and its tokenizer; the weights in the
# safetensors format when the repository has them (one file to download, not both formats).
MODEL_FILES = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
)
SAFETENSORS_WEIGHTS = ("model.safetensors", "model.safetensors.index.json", "model-*.safetensors")
PICKLE_WEIGHTS = ("pytorch_model.bin", "pytorch_model.bin.index.json", "pytorch_model-*.bin")

# `owner/name` or a bare legacy name, then an optional `@revision`.
_REF = re.compile(r"^(?P<repo>[A-Za-z0-9][\w.-]*(?:/[\w.-]+)?)(?:@(?P<revision>[\w./-]+))?$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


class HubUnavailable(Exception):
    """The files could not be had: not on the hub, not reachable, or (offline) not cached.

    Callers turn it into their own TrainingError (DataError for datasets, ModelError for models)
    with the config key that named the files.
    """


@dataclass(frozen=True)
class HubRef:
    repo_id: str
    revision: str | None = None  # None: the default branch

    def __str__(self) -> str:
        return f"{self.repo_id}@{self.revision}" if self.revision else self.repo_id


@dataclass(frozen=True)
class Snapshot:
    """Local files of one repository at one commit."""

    path: Path
    repo_id: str
    repo_type: RepoType
    revision: str  # the commit sha the snapshot holds

    def lineage(self) -> dict[str, Any]:
        return {"hub": self.repo_id, "repo_type": self.repo_type, "revision": self.revision}


def parse_ref(text: str) -> HubRef:
    """`owner/name[@revision]`; ValueError for anything that cannot be a hub repository id."""
    match = _REF.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is neither an existing local path nor a hub id (owner/name)")
    return HubRef(match["repo"], match["revision"])


def is_local(spec: str | Path) -> bool:
    """A spec that names an existing file or folder is read from there, never from the hub."""
    return Path(spec).exists()


def snapshot(ref: HubRef, repo_type: RepoType, allow_patterns: Sequence[str]) -> Snapshot:
    """The files of `ref` that match `allow_patterns`, downloaded into (or, offline, found in) the
    hub cache. Raises HubUnavailable with huggingface_hub's reason."""
    from huggingface_hub import snapshot_download  # a transformers dependency; import on use
    from huggingface_hub.utils import HfHubHTTPError

    try:
        folder = snapshot_download(
            ref.repo_id,
            repo_type=repo_type,
            revision=ref.revision,
            allow_patterns=list(allow_patterns),
        )
    except (HfHubHTTPError, OSError, ValueError) as error:
        raise HubUnavailable(_reason(ref, repo_type, error)) from None
    path = Path(folder)
    # The cache keeps each snapshot in snapshots/<commit sha>/.
    revision = path.name if _COMMIT.match(path.name) else (ref.revision or "unknown")
    return Snapshot(path=path, repo_id=ref.repo_id, repo_type=repo_type, revision=revision)


def pretrained_snapshot(ref: HubRef) -> Snapshot:
    """A model repository's config, tokenizer files and weights (safetensors when it has them,
    else the PyTorch pickle)."""
    found = snapshot(ref, "model", MODEL_FILES + SAFETENSORS_WEIGHTS)
    if not any(found.path.glob("*.safetensors")):
        found = snapshot(ref, "model", MODEL_FILES + PICKLE_WEIGHTS)
    return found


@dataclass(frozen=True)
class Pretrained:
    """Where from_pretrained reads: a local folder, and what it is (None: given by path)."""

    path: str
    snapshot: Snapshot | None

    def lineage(self, spec: str) -> dict[str, Any]:
        if self.snapshot is None:
            return {"path": spec}
        return self.snapshot.lineage()


def resolve_pretrained(spec: str) -> Pretrained:
    """A local path as it is; a hub id as the local snapshot of its files."""
    if is_local(spec):
        return Pretrained(path=spec, snapshot=None)
    try:
        ref = parse_ref(spec)
    except ValueError as error:
        raise HubUnavailable(str(error)) from None
    found = pretrained_snapshot(ref)
    return Pretrained(path=str(found.path), snapshot=found)


def _reason(ref: HubRef, repo_type: RepoType, error: Exception) -> str:
    from huggingface_hub import constants

    kind = "dataset" if repo_type == "dataset" else "model"
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    where = (
        f"HF_HUB_OFFLINE is set and it is not in the cache {constants.HF_HUB_CACHE}"
        if constants.HF_HUB_OFFLINE
        else f"not downloadable, and not in the cache {constants.HF_HUB_CACHE}"
    )
    return f"{kind} {ref} from the Hugging Face hub: {where} ({type(error).__name__}: {first})"
