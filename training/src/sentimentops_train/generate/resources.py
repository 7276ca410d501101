"""Where the generator's word resources live on disk.

The generator draws its broad vocabulary from two Debian packages: `wordnet-base` (WordNet 3.0
data files) and `wamerican` (the American English word list). Both are fixed, versioned data, so
the same seed gives the same reviews on every machine that has them. The paths can be overridden
by environment variables for machines that keep the files elsewhere.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

WORDNET_ENV = "SENTIMENTOPS_WORDNET_DIR"
WORDLIST_ENV = "SENTIMENTOPS_WORDLIST"
DEFAULT_WORDNET_DIR = Path("/usr/share/wordnet")
DEFAULT_WORDLIST = Path("/usr/share/dict/american-english")


class MissingResourceError(RuntimeError):
    """A word resource the generator needs is not installed."""


def wordnet_dir() -> Path:
    path = Path(os.environ.get(WORDNET_ENV, DEFAULT_WORDNET_DIR))
    if not (path / "data.adj").is_file():
        raise MissingResourceError(
            f"WordNet data files not found in {path} (install the Debian package 'wordnet-base', "
            f"or point {WORDNET_ENV} at a folder holding data.adj, index.adj, ...)"
        )
    return path


def wordlist_path() -> Path:
    path = Path(os.environ.get(WORDLIST_ENV, DEFAULT_WORDLIST))
    if not path.is_file():
        raise MissingResourceError(
            f"English word list not found at {path} (install the Debian package 'wamerican', "
            f"or point {WORDLIST_ENV} at a file with one word per line)"
        )
    return path


@lru_cache(maxsize=1)
def dictionary_lines() -> tuple[str, ...]:
    """The word list as it is on disk, in file order (already sorted, so deterministic)."""
    text = wordlist_path().read_text(encoding="utf-8", errors="replace")
    return tuple(line.strip() for line in text.splitlines() if line.strip())


@lru_cache(maxsize=1)
def dictionary_words() -> frozenset[str]:
    """Ordinary (all lower-case) words of the word list, for membership tests only: never
    iterated, so set order cannot leak into the output."""
    return frozenset(word for word in dictionary_lines() if word.islower() and "'" not in word)


def resources_fingerprint() -> str:
    """A short hash of the resource files: the generator's output depends on them, so lineage
    records it beside the seed."""
    digest = hashlib.sha256()
    for path in (wordlist_path(), wordnet_dir() / "data.adj", wordnet_dir() / "data.noun",
                 wordnet_dir() / "data.adv", wordnet_dir() / "index.noun"):
        digest.update(path.name.encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]
