"""JSON Lines files: one JSON object per line."""

import json
from pathlib import Path

from ..config import SourceConfig
from ..errors import DataError
from .columns import ID_COLUMN, row_id, text_or_none
from .records import RawRow


def read_jsonl(path: Path, source: SourceConfig) -> list[RawRow]:
    """Rows of a UTF-8 JSONL file; blank lines are skipped; `line N` counts from 1."""
    rows: list[RawRow] = []
    try:
        with path.open(encoding="utf-8-sig") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{path.name} line {number}"
                rows.append(_row(path, number, where, _object(where, line), source))
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not UTF-8 text (bad byte at offset {error.start})") from None
    return rows


def _object(where: str, line: str) -> dict[str, object]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as error:
        raise DataError(f"{where}: not valid JSON ({error.msg})") from None
    if not isinstance(value, dict):
        raise DataError(f"{where}: expected a JSON object, found {type(value).__name__}")
    return value


def _row(
    path: Path, number: int, where: str, item: dict[str, object], source: SourceConfig
) -> RawRow:
    for key, name in (("text_column", source.text_column), ("label_column", source.label_column)):
        if name not in item:
            fields = ", ".join(repr(k) for k in item) or "none"
            raise DataError(
                f"{where}: no {name!r} field (fields: {fields}); choose with data.source.{key}"
            )
    return RawRow(
        id=row_id(path, number, item.get(ID_COLUMN)),
        text=text_or_none(path, where, item[source.text_column]),
        label=item[source.label_column],
        where=where,
        source=path.name,
    )
