"""DVC metadata: the folder hash as DVC 3 computes it (a golden value made with dvc-data, and
dvc-data itself when it is importable), the .dvc file, objects pushed in DVC's remote layout, and
`dvc pull` from that remote when DVC is installed (it is not a dependency: skipped otherwise)."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sentimentops_train.versioning import FileStore, write_dvc_file
from sentimentops_train.versioning.dvc import configure_remote, dir_md5

from dataset_helpers import good_splits, write_rows

# Computed with dvc-data 3.18 (dvc_data.hashfile.build) for the folder golden_folder() makes.
GOLDEN = "90b17329a45ec058ec8e6b2acbc3c945.dir"


def quiet(message: str) -> None:
    pass


def golden_folder(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_bytes(b"hello\r\n")  # DVC 3 hashes bytes as they are (no dos2unix)
    (root / "sub" / "b.txt").write_bytes(b"x")
    (root / "manifest.json").write_bytes(b'{"k": 1}\n')
    return root


def test_folder_hash_matches_dvc(tmp_path: Path) -> None:
    md5, entries = dir_md5(golden_folder(tmp_path / "g"))
    assert md5 == GOLDEN
    assert [entry["relpath"] for entry in entries] == ["a.txt", "manifest.json", "sub/b.txt"]


@pytest.mark.skipif(importlib.util.find_spec("dvc_data") is None, reason="dvc-data not installed")
def test_folder_hash_matches_dvc_data_itself(tmp_path: Path) -> None:
    from dvc_data.hashfile.build import build
    from dvc_data.hashfile.db.local import LocalHashFileDB
    from dvc_objects.fs.local import LocalFileSystem

    dataset = write_rows(tmp_path / "ds", good_splits())
    fs = LocalFileSystem()
    _, meta, tree = build(LocalHashFileDB(fs, str(tmp_path / "cache")), str(dataset), fs, "md5")
    md5, entries = dir_md5(dataset)
    assert tree.hash_info.value == md5 and meta.nfiles == len(entries) == 4


def test_dvc_file_gitignore_and_remote_objects(tmp_path: Path) -> None:
    folder = write_rows(tmp_path / "data" / "base", good_splits())
    remote = FileStore(tmp_path / "remote")
    result = write_dvc_file(
        folder,
        tmp_path / "data" / "base.dvc",
        remote=remote,
        remote_url=str(tmp_path / "remote"),
        repo_root=tmp_path,
        log=quiet,
    )
    md5, entries = dir_md5(folder)
    size = sum(p.stat().st_size for p in folder.iterdir())
    assert (tmp_path / "data" / "base.dvc").read_text() == (
        f"outs:\n- md5: {md5}\n  size: {size}\n  nfiles: 4\n  hash: md5\n  path: base\n"
    )
    assert (tmp_path / "data" / ".gitignore").read_text() == "/base\n"
    # DVC 3's remote layout: files/md5/<2>/<30>, the listing as <md5>.dir.
    listing = remote.read_bytes(f"files/md5/{md5[:2]}/{md5[2:]}")
    assert json.loads(listing) == entries
    for entry in entries:
        stored = remote.read_bytes(f"files/md5/{entry['md5'][:2]}/{entry['md5'][2:]}")
        assert stored == (folder / entry["relpath"]).read_bytes()
    assert result["pushed"] == 5 and result["md5"] == md5
    config = (tmp_path / ".dvc" / "config").read_text()
    remote_section = f"['remote \"storage\"']\n    url = {tmp_path / 'remote'}\n"
    assert config == "[core]\n    remote = storage\n" + remote_section
    assert (tmp_path / ".dvc" / ".gitignore").read_text() == "/config.local\n/tmp\n/cache\n"

    # Again: nothing to push, the .gitignore entry not repeated, the config left alone.
    again = write_dvc_file(
        folder,
        tmp_path / "data" / "base.dvc",
        remote=remote,
        remote_url="gs://other/dvc",
        repo_root=tmp_path,
        log=quiet,
    )
    assert again["pushed"] == 0
    assert (tmp_path / "data" / ".gitignore").read_text() == "/base\n"
    assert (tmp_path / ".dvc" / "config").read_text() == config


def test_an_existing_dvc_config_is_not_edited(tmp_path: Path) -> None:
    (tmp_path / ".dvc").mkdir()
    (tmp_path / ".dvc" / "config").write_text("[core]\n    autostage = true\n")
    messages: list[str] = []
    configure_remote(tmp_path, "gs://bucket/dvc", log=messages.append)
    assert (tmp_path / ".dvc" / "config").read_text() == "[core]\n    autostage = true\n"
    assert messages == [
        f"{tmp_path / '.dvc' / 'config'} exists: add the remote with "
        "`dvc remote add -d storage gs://bucket/dvc`"
    ]


def _dvc_installed() -> bool:
    return importlib.util.find_spec("dvc") is not None and shutil.which("git") is not None


@pytest.mark.skipif(not _dvc_installed(), reason="DVC (and git) not installed: not a dependency")
def test_dvc_pull_fetches_the_dataset_from_the_remote(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    folder = write_rows(repo / "data" / "base", good_splits())
    write_dvc_file(
        folder,
        repo / "data" / "base.dvc",
        remote=FileStore(tmp_path / "remote"),
        remote_url=str(tmp_path / "remote"),
        repo_root=repo,
        log=quiet,
    )
    expected = {p.name: p.read_bytes() for p in folder.iterdir()}
    shutil.rmtree(folder)
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run(["git", "init", "-q", "."], cwd=repo, check=True, env=env)
    pulled = subprocess.run(
        [sys.executable, "-m", "dvc", "pull"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert pulled.returncode == 0, pulled.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == expected
