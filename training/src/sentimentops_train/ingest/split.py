"""Deterministic, label-stratified train/validation/test split.

A row's place is decided by sha256(seed, row id), not by a random generator's stream: the same
seed gives the same split on any machine and any numpy version, whatever order the rows were
read in, and a row whose text is corrected stays in its split.
"""

import hashlib
from collections.abc import Sequence

from ..errors import DataError
from ..labels import LABELS
from .records import Record

SPLITS = ("train", "validation", "test")


def split_records(
    records: Sequence[Record],
    *,
    validation: float,
    test: float,
    seed: int,
    fixed_test: bool = False,
) -> dict[str, list[Record]]:
    """Splits per label so each part keeps the data's label balance.

    With `fixed_test`, the rows whose source split is "test" are the test set as given, and
    `validation` is taken as a fraction of the other rows; `test` is then unused.
    Each part keeps the input order of its rows.
    """
    position = {id(record): index for index, record in enumerate(records)}
    chosen: dict[str, list[Record]] = {name: [] for name in SPLITS}
    pool = list(records)
    if fixed_test:
        chosen["test"] = [r for r in records if r.split == "test"]
        pool = [r for r in records if r.split != "test"]
        test = 0.0
    for label in LABELS:
        rows = sorted((r for r in pool if r.label == label), key=lambda r: _rank(seed, r.id))
        n_test = _share(len(rows), test)
        n_validation = _share(len(rows), validation)
        if len(rows) - n_test - n_validation < 1:
            raise DataError(
                f"only {len(rows)} {label} rows: too few to fill train, validation and test"
            )
        chosen["test"] += rows[:n_test]
        chosen["validation"] += rows[n_test : n_test + n_validation]
        chosen["train"] += rows[n_test + n_validation :]
    return {name: sorted(rows, key=lambda r: position[id(r)]) for name, rows in chosen.items()}


def _share(count: int, fraction: float) -> int:
    """Rows for a fraction: rounded half up, and at least one when the fraction is not 0."""
    if fraction <= 0 or count == 0:
        return 0
    return max(1, int(count * fraction + 0.5))


def _rank(seed: int, row_id: str) -> bytes:
    return hashlib.sha256(f"{seed}\0{row_id}".encode()).digest()
