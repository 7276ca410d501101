"""Parquet files, read with pyarrow."""

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..config import SourceConfig
from ..errors import DataError
from .columns import ID_COLUMN, require_columns, row_id, text_or_none
from .records import RawRow


def read_parquet(path: Path, source: SourceConfig) -> list[RawRow]:
    """Rows of a Parquet file; only the text, label (and id) columns are read."""
    try:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        require_columns(path, names, source)
        wanted = [source.text_column, source.label_column]
        wanted += [ID_COLUMN] if ID_COLUMN in names and ID_COLUMN not in wanted else []
        table = parquet.read(columns=wanted)
    except (pa.ArrowException, OSError) as error:
        raise DataError(f"{path}: not a readable Parquet file ({error})") from None
    text_type = table.schema.field(source.text_column).type
    if not (
        pa.types.is_string(text_type)
        or pa.types.is_large_string(text_type)
        or pa.types.is_null(text_type)
    ):
        raise DataError(f"{path}: column {source.text_column!r} holds {text_type}, not strings")
    texts = table.column(source.text_column).to_pylist()
    labels = table.column(source.label_column).to_pylist()
    ids = table.column(ID_COLUMN).to_pylist() if ID_COLUMN in table.column_names else None
    rows = []
    for index, (text, label) in enumerate(zip(texts, labels, strict=True)):
        number = index + 1
        where = f"{path.name} row {number}"
        rows.append(
            RawRow(
                id=row_id(path, number, ids[index] if ids is not None else None),
                text=text_or_none(path, where, text),
                label=label,
                where=where,
                source=path.name,
            )
        )
    return rows
