"""What the table readers (CSV, JSONL, Parquet) share: column checks and row ids."""

from collections.abc import Sequence
from pathlib import Path

from ..config import SourceConfig
from ..errors import DataError

# An input column with this name gives each row its id (kept, e.g. to trace a row back to a
# feedback record); without it, a row's id is its file name and row number.
ID_COLUMN = "id"


def require_columns(path: Path, available: Sequence[str], source: SourceConfig) -> None:
    """Fails naming every missing column, the columns there are, and the key that picks them."""
    wanted = {"text_column": source.text_column, "label_column": source.label_column}
    missing = [(key, name) for key, name in wanted.items() if name not in available]
    if missing:
        names = ", ".join(repr(name) for _, name in missing)
        keys = " / ".join(f"data.source.{key}" for key, _ in missing)
        there = ", ".join(repr(name) for name in available) or "none"
        raise DataError(f"{path}: no column {names} (columns: {there}); choose with {keys}")


def row_id(path: Path, number: int, value: object | None) -> str:
    """The row's id: its `id` value when the input has one, else `<file name>:<row number>`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return f"{path.name}:{number}"
    return str(value).strip()


def text_or_none(path: Path, where: str, value: object) -> str | None:
    """A text cell as a string; None for an empty cell; numbers etc. are refused, not guessed."""
    if value is None or isinstance(value, str):
        return value
    raise DataError(f"{where}: the text is {type(value).__name__} {value!r}, not a string")
