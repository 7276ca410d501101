"""The hand-written evaluation set is frozen: these tests lock its bytes and its shape.

The set is a held-out sanity check of natural language for every model. Nothing is
trained, tuned, checkpoint-selected or thresholded on it (see
training/data/handwritten/README.md). Only the standard library is used here.
"""

import hashlib
import json
import re
from collections import Counter
from pathlib import Path

SET_PATH = Path(__file__).resolve().parent.parent / "data" / "handwritten" / "reviews.jsonl"

# Locked when the set was written, before any model was trained on anything.
LOCKED_SHA256 = "034f7034e749c40d775986fc4ed96be6547527d08bb92649079d6a7a6b5697e6"

KEYS = {"id", "domain", "label", "text"}
DOMAINS = {"movies", "products", "restaurants", "other"}
LABELS = {"positive", "negative"}
ID_RE = re.compile(r"^hw-\d{3}$")


def _lines():
    raw = SET_PATH.read_bytes()
    assert raw.endswith(b"\n"), "reviews.jsonl must end with a newline"
    return raw.decode("utf-8").split("\n")[:-1]


def _rows():
    rows = []
    for n, line in enumerate(_lines(), 1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise AssertionError(f"line {n} is not valid JSON: {e}") from None
        assert isinstance(obj, dict), f"line {n} is not a JSON object"
        rows.append(obj)
    return rows


def test_file_exists():
    assert SET_PATH.is_file(), f"missing hand-written set at {SET_PATH}"


def test_sha256_is_locked():
    digest = hashlib.sha256(SET_PATH.read_bytes()).hexdigest()
    assert digest == LOCKED_SHA256, (
        f"{SET_PATH.name} changed (sha256 {digest}, locked {LOCKED_SHA256}). "
        "The hand-written set must not change: it is a frozen held-out set that "
        "results are compared on. If it truly must change, that is a new set: "
        "add it under a new name with its own README and locked hash, and leave "
        "this one as it is."
    )


def test_every_line_is_an_object_with_exactly_the_keys():
    for n, line in enumerate(_lines(), 1):
        assert line.strip(), f"line {n} is blank"
        obj = json.loads(line)
        assert isinstance(obj, dict), f"line {n} is not a JSON object"
        assert set(obj) == KEYS, f"line {n} has keys {sorted(obj)}, expected {sorted(KEYS)}"
        for k in KEYS:
            assert isinstance(obj[k], str), f"line {n}: {k!r} is not a string"


def test_at_least_100_rows():
    assert len(_rows()) >= 100


def test_ids_unique_and_well_formed():
    ids = [r["id"] for r in _rows()]
    bad = [i for i in ids if not ID_RE.match(i)]
    assert not bad, f"malformed ids: {bad}"
    dup = [i for i, c in Counter(ids).items() if c > 1]
    assert not dup, f"duplicate ids: {dup}"


def test_labels_valid_and_exactly_balanced():
    labels = Counter(r["label"] for r in _rows())
    assert set(labels) == LABELS, f"labels: {dict(labels)}"
    assert labels["positive"] == labels["negative"], f"unbalanced: {dict(labels)}"


def test_domains_valid():
    domains = Counter(r["domain"] for r in _rows())
    unknown = set(domains) - DOMAINS
    assert not unknown, f"unknown domains: {sorted(unknown)}"


def test_texts_non_empty_and_unique():
    texts = [r["text"] for r in _rows()]
    empty = [i for i, t in enumerate(texts, 1) if not t.strip()]
    assert not empty, f"empty texts on lines {empty}"
    norm = Counter(" ".join(t.lower().split()) for t in texts)
    dup = [t for t, c in norm.items() if c > 1]
    assert not dup, f"duplicate texts: {dup}"
