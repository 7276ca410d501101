"""The split: deterministic per seed, stratified by label, keeping a source's own test set."""

from collections import Counter

import pytest

from sentimentops_train.errors import DataError
from sentimentops_train.ingest.records import Record
from sentimentops_train.ingest.split import split_records


def _records(negative: int, positive: int) -> list[Record]:
    labels = ["negative"] * negative + ["positive"] * positive
    return [
        Record(id=f"r{i}", text=f"text {i}", label=label, source="t")
        for i, label in enumerate(labels)
    ]


def _ids(splits: dict[str, list[Record]]) -> dict[str, list[str]]:
    return {name: [r.id for r in rows] for name, rows in splits.items()}


def test_same_seed_same_split() -> None:
    records = _records(100, 100)
    first = split_records(records, validation=0.1, test=0.2, seed=1)
    again = split_records(list(records), validation=0.1, test=0.2, seed=1)
    assert _ids(first) == _ids(again)


def test_different_seed_different_split() -> None:
    records = _records(100, 100)
    one = split_records(records, validation=0.1, test=0.2, seed=1)
    two = split_records(records, validation=0.1, test=0.2, seed=2)
    assert set(_ids(one)["test"]) != set(_ids(two)["test"])


def test_split_does_not_depend_on_input_order() -> None:
    records = _records(50, 50)
    forward = split_records(records, validation=0.2, test=0.2, seed=3)
    backward = split_records(records[::-1], validation=0.2, test=0.2, seed=3)
    for name in forward:
        assert set(_ids(forward)[name]) == set(_ids(backward)[name])


def test_every_row_lands_in_exactly_one_split_in_input_order() -> None:
    records = _records(37, 64)
    splits = split_records(records, validation=0.15, test=0.15, seed=9)
    ids = [i for rows in _ids(splits).values() for i in rows]
    assert sorted(ids) == sorted(r.id for r in records)
    order = {r.id: n for n, r in enumerate(records)}
    for rows in _ids(splits).values():
        assert rows == sorted(rows, key=order.__getitem__)


def test_stratified_by_label() -> None:
    splits = split_records(_records(300, 100), validation=0.1, test=0.2, seed=5)
    counts = {name: Counter(r.label for r in rows) for name, rows in splits.items()}
    assert counts["test"] == {"negative": 60, "positive": 20}
    assert counts["validation"] == {"negative": 30, "positive": 10}
    assert counts["train"] == {"negative": 210, "positive": 70}


def test_a_fixed_test_split_is_kept_and_validation_comes_from_train() -> None:
    records = [
        Record(
            id=r.id, text=r.text, label=r.label, source="t", split="test" if i % 4 == 0 else "train"
        )
        for i, r in enumerate(_records(40, 40))
    ]
    splits = split_records(records, validation=0.2, test=0.5, seed=1, fixed_test=True)
    assert [r.id for r in splits["test"]] == [r.id for r in records if r.split == "test"]
    assert len(splits["validation"]) == 12  # a fifth of the 60 train rows; `test` is unused
    assert all(r.split == "train" for r in splits["validation"] + splits["train"])


def test_small_fractions_still_get_a_row_per_label() -> None:
    splits = split_records(_records(5, 5), validation=0.01, test=0.01, seed=0)
    assert Counter(r.label for r in splits["validation"]) == {"negative": 1, "positive": 1}


def test_too_few_rows_for_three_splits() -> None:
    with pytest.raises(
        DataError, match="only 2 negative rows: too few to fill train, validation and test"
    ):
        split_records(_records(2, 10), validation=0.1, test=0.1, seed=0)
