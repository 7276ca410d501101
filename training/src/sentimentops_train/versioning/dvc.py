"""DVC metadata for a dataset folder, computed as DVC 3 computes it, without DVC installed.

    <name>.dvc           outs: md5 of the folder's `.dir` listing, size, nfiles, hash, path
    <remote>/files/md5/<2>/<30>        each file, under its md5 (DVC 3's remote layout)
    <remote>/files/md5/<2>/<30>.dir    the listing: JSON [{"md5": ..., "relpath": ...}] by path

The listing is `json.dumps(entries, sort_keys=True)` with the default separators (DVC's
`Tree.as_bytes`), and the folder's hash is the md5 of those bytes plus `.dir`. `hash: md5` marks
DVC 3 hashing (plain md5 of the bytes; DVC 2 rewrote CRLF first). When a remote is configured,
the objects are pushed to it in that layout, so `dvc pull <name>.dvc` works on a clone with only
Git and DVC: the training job needs neither DVC nor its cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import console
from ..commands._layout import make_readable
from .store import ArtifactStore

REMOTE_PREFIX = "files/md5"
REMOTE_NAME = "storage"  # the name `.dvc/config` gives a remote this job configures
# What `dvc init` puts in .dvc/.gitignore: local state that is not for Git.
DVC_GITIGNORE = "/config.local\n/tmp\n/cache\n"


def md5_of(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def listing(folder: Path) -> list[dict[str, str]]:
    """DVC's `.dir` entries for every file under `folder`, sorted by relative path."""
    entries = [
        {"md5": md5_of(path), "relpath": path.relative_to(folder).as_posix()}
        for path in folder.rglob("*")
        if path.is_file()
    ]
    return sorted(entries, key=lambda entry: entry["relpath"])


def listing_bytes(entries: list[dict[str, str]]) -> bytes:
    return json.dumps(entries, sort_keys=True).encode("utf-8")


def dir_md5(folder: Path) -> tuple[str, list[dict[str, str]]]:
    """The folder's DVC hash (`<md5>.dir`) and its listing."""
    entries = listing(folder)
    return hashlib.md5(listing_bytes(entries), usedforsecurity=False).hexdigest() + ".dir", entries


def dvc_file_text(folder: Path, md5: str, entries: list[dict[str, str]], dvc_file: Path) -> str:
    """A `.dvc` file as `dvc add` writes it (DVC 3); `path` is relative to the file's folder."""
    size = sum((folder / entry["relpath"]).stat().st_size for entry in entries)
    path = Path(_relative(folder, dvc_file.parent)).as_posix()
    return (
        "outs:\n"
        f"- md5: {md5}\n"
        f"  size: {size}\n"
        f"  nfiles: {len(entries)}\n"
        "  hash: md5\n"
        f"  path: {path}\n"
    )


def write_dvc_file(
    folder: Path,
    dvc_file: Path,
    *,
    remote: ArtifactStore | None = None,
    remote_url: str | None = None,
    repo_root: Path | None = None,
    log: Callable[[str], None] = console.log,
) -> dict[str, Any]:
    """Writes `dvc_file` for `folder`; with a remote, pushes the objects there first and names it
    in `<repo_root>/.dvc/config` (created only when there is none, else left alone)."""
    md5, entries = dir_md5(folder)
    text = dvc_file_text(folder, md5, entries, dvc_file)
    pushed = 0
    if remote is not None:
        pushed = push_objects(remote, folder, md5, entries)
        log(f"pushed {pushed} new DVC object(s) to {remote.uri}")
    _write_text(dvc_file, text)
    _ignore_in_git(dvc_file.parent, Path(_relative(folder, dvc_file.parent)))
    result: dict[str, Any] = {"dvc_file": str(dvc_file), "md5": md5, "nfiles": len(entries)}
    if remote is not None and remote_url:
        result["remote"] = remote_url
        result["dvc_config"] = configure_remote(repo_root or Path.cwd(), remote_url, log=log)
    result["pushed"] = pushed
    log(f"wrote {dvc_file} (md5 {md5})")
    return result


def push_objects(
    remote: ArtifactStore, folder: Path, md5: str, entries: list[dict[str, str]]
) -> int:
    """Each file, then the listing (last: DVC reads a folder through it); skips objects the
    remote already has (their key is their content). Returns how many were uploaded."""
    uploaded = 0
    for entry in entries:
        key = _object_key(entry["md5"])
        if not remote.exists(key):
            remote.put_file(key, folder / entry["relpath"])
            uploaded += 1
    key = _object_key(md5)
    if not remote.exists(key):
        staged = folder.parent / f".{md5}.tmp"
        staged.write_bytes(listing_bytes(entries))
        try:
            remote.put_file(key, staged)
        finally:
            staged.unlink(missing_ok=True)
        uploaded += 1
    return uploaded


def configure_remote(repo_root: Path, url: str, *, log: Callable[[str], None] = console.log) -> str:
    """`.dvc/config` naming `url` as the default remote, as `dvc remote add -d` would write it.
    An existing config is not edited (it may hold other remotes and settings): the log says
    which command adds the remote to it instead."""
    config_path = repo_root / ".dvc" / "config"
    if config_path.exists():
        if url not in config_path.read_text(encoding="utf-8"):
            log(
                f"{config_path} exists: add the remote with `dvc remote add -d {REMOTE_NAME} {url}`"
            )
        return str(config_path)
    text = f"[core]\n    remote = {REMOTE_NAME}\n['remote \"{REMOTE_NAME}\"']\n    url = {url}\n"
    gitignore = config_path.parent / ".gitignore"
    if not gitignore.exists():
        _write_text(gitignore, DVC_GITIGNORE)
    _write_text(config_path, text)
    log(f"wrote {config_path} (default remote {url})")
    return str(config_path)


def _object_key(md5: str) -> str:
    return f"{REMOTE_PREFIX}/{md5[:2]}/{md5[2:]}"


def _relative(path: Path, start: Path) -> str:
    return os.path.relpath(path.absolute(), start.absolute())


def _ignore_in_git(folder: Path, tracked: Path) -> None:
    """Adds `/<tracked>` to `<folder>/.gitignore`, as `dvc add` does: Git keeps the .dvc file,
    DVC the data."""
    if len(tracked.parts) != 1 or tracked.name in ("..", "."):
        return  # outside this folder: its own folder's .gitignore is the user's to decide
    entry = f"/{tracked.name}"
    gitignore = folder / ".gitignore"
    existing = gitignore.read_text(encoding="utf-8") if gitignore.exists() else ""
    if entry in existing.splitlines():
        return
    separator = "" if not existing or existing.endswith("\n") else "\n"
    _write_text(gitignore, f"{existing}{separator}{entry}\n")


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    make_readable(tmp)
    tmp.replace(path)
