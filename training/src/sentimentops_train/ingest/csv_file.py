"""CSV (and tab-separated .tsv) files with a header row."""

import csv
from pathlib import Path

from ..config import SourceConfig
from ..errors import DataError
from .columns import ID_COLUMN, require_columns, row_id
from .records import RawRow

# Reviews can be long; the csv module's default field limit (128 KiB) is not a data rule.
csv.field_size_limit(1 << 30)


def read_csv(path: Path, source: SourceConfig) -> list[RawRow]:
    """Rows of a UTF-8 CSV file; `row N` in messages counts data rows from 1, after the header."""
    delimiter = "\t" if path.suffix.lower() == ".tsv" else ","
    rows: list[RawRow] = []
    number = 0
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle, delimiter=delimiter)
            header = next(reader, None)
            if header is None:
                raise DataError(f"{path}: the file is empty")
            require_columns(path, header, source)
            text_at = header.index(source.text_column)
            label_at = header.index(source.label_column)
            id_at = header.index(ID_COLUMN) if ID_COLUMN in header else None
            for number, fields in enumerate(reader, start=1):
                if not fields:
                    continue  # a blank line
                where = f"{path.name} row {number}"
                if len(fields) != len(header):
                    raise DataError(f"{where}: {len(fields)} fields, the header has {len(header)}")
                rows.append(
                    RawRow(
                        id=row_id(path, number, fields[id_at] if id_at is not None else None),
                        text=fields[text_at],
                        label=fields[label_at],
                        where=where,
                        source=path.name,
                    )
                )
    except UnicodeDecodeError as error:
        raise DataError(f"{path}: not UTF-8 text (bad byte at offset {error.start})") from None
    except csv.Error as error:
        raise DataError(f"{path.name} row {number + 1}: malformed CSV ({error})") from None
    return rows
