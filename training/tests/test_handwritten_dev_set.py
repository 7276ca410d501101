"""Integrity checks for the hand-written DEVELOPMENT set (training/data/handwritten-dev/).

Unlike the locked test set (training/data/handwritten/), this set may be used to tune the
training-data generator and hyperparameters. These checks keep it well formed, balanced and
disjoint from the locked set. Only the standard library is used here.
"""

import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
DEV_PATH = DATA_DIR / "handwritten-dev" / "reviews.jsonl"
LOCKED_PATH = DATA_DIR / "handwritten" / "reviews.jsonl"

KEYS = {"id", "domain", "label", "text"}
LABELS = {"positive", "negative"}
DOMAINS = {"movies", "products", "restaurants", "other"}
ID_RE = re.compile(r"^dev-\d{3}$")


def _load(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            assert isinstance(row, dict), f"line {number} is not a JSON object"
            rows.append(row)
    return rows


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"[^\w\s]", "", text)
    return " ".join(text.split())


def _rows() -> list[dict]:
    return _load(DEV_PATH)


def test_file_exists():
    assert DEV_PATH.is_file()


def test_every_row_has_exactly_the_keys():
    for row in _rows():
        assert set(row) == KEYS, row.get("id")
        assert all(isinstance(row[key], str) for key in KEYS), row.get("id")


def test_at_least_200_rows():
    assert len(_rows()) >= 200


def test_ids_unique_and_well_formed():
    ids = [row["id"] for row in _rows()]
    assert all(ID_RE.match(i) for i in ids), [i for i in ids if not ID_RE.match(i)]
    assert len(ids) == len(set(ids))


def test_labels_valid_and_exactly_balanced():
    counts = Counter(row["label"] for row in _rows())
    assert set(counts) == LABELS
    assert counts["positive"] == counts["negative"]


def test_domains_valid():
    domains = {row["domain"] for row in _rows()}
    assert domains <= DOMAINS, domains - DOMAINS


def test_texts_non_empty_and_unique():
    texts = [_normalise(row["text"]) for row in _rows()]
    assert all(texts), "empty text"
    duplicates = [t for t, n in Counter(texts).items() if n > 1]
    assert not duplicates, duplicates


def test_no_text_shared_with_locked_test_set():
    assert LOCKED_PATH.is_file(), "locked test set missing"
    locked = {_normalise(row["text"]) for row in _load(LOCKED_PATH)}
    shared = [row["id"] for row in _rows() if _normalise(row["text"]) in locked]
    assert not shared, f"dev rows identical to locked test texts: {shared}"
