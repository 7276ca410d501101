"""Picks the reader for `data.source` (and each of `data.extra_sources`) and returns the raw rows
they yield."""

import dataclasses
from collections.abc import Callable
from pathlib import Path

from ..config import DataConfig, SourceConfig
from ..errors import DataError
from .csv_file import read_csv
from .generated import read_generated
from .hub_dataset import read_hub
from .imdb_folder import LAYOUT, looks_like_imdb, read_imdb
from .jsonl_file import read_jsonl
from .parquet_file import read_parquet
from .records import RawRow, SourceData

_READERS: dict[str, Callable[[Path, SourceConfig], list[RawRow]]] = {
    "csv": read_csv,
    "jsonl": read_jsonl,
    "parquet": read_parquet,
}
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def read_sources(data: DataConfig, seed: int) -> SourceData:
    """The rows of `data.source` and then of each extra source, whose ids are prefixed
    `extra<N>:` so that two files with the same ids do not collide. The test split fixed by
    the main source (aclImdb's) stays the only one: an extra source's rows are split like the
    rest."""
    main = read_source(data.source, seed)
    if not data.extra_sources:
        return main
    rows = list(main.rows)
    extras = []
    for number, source in enumerate(data.extra_sources, start=1):
        extra = read_source(source, seed)
        if not extra.rows:
            raise DataError(f"data.extra_sources[{number - 1}] ({source_name(source)}): no rows")
        rows += [
            dataclasses.replace(row, id=f"extra{number}:{row.id}", split=None) for row in extra.rows
        ]
        extras.append({**extra.description, "rows_read": len(extra.rows)})
    description = {**main.description, "rows_read": len(main.rows), "extra_sources": extras}
    return SourceData(rows=rows, description=description, has_test_split=main.has_test_split)


def read_source(source: SourceConfig, seed: int) -> SourceData:
    """The rows of one configured source, unchanged but for `max_words`: checks and
    normalisation come after."""
    data = _read(source, seed)
    if source.max_words is None:
        return data
    kept = [row for row in data.rows if len((row.text or "").split()) <= source.max_words]
    description = {
        **data.description,
        "max_words": source.max_words,
        "left_out_over_max_words": len(data.rows) - len(kept),
    }
    return SourceData(rows=kept, description=description, has_test_split=data.has_test_split)


def source_name(source: SourceConfig) -> str:
    return source.path or source.name or source.kind


def _read(source: SourceConfig, seed: int) -> SourceData:
    if source.kind == "generated":
        return read_generated(source, seed)
    if source.kind == "hub":
        return read_hub(source)
    assert source.path is not None  # the config's validation requires it for files
    path = Path(source.path)
    if not path.exists():
        raise DataError(f"{path}: no such file or folder (data.source.path)")
    data_format = detect_format(path) if source.format == "auto" else source.format
    try:
        if data_format == "imdb":
            if not path.is_dir():
                raise DataError(f"{path}: the imdb format is a folder ({LAYOUT}), not a file")
            return read_imdb(path)
        if path.is_dir():
            raise DataError(f"{path}: a folder; the {data_format} format reads one file")
        if path.stat().st_size == 0:
            raise DataError(f"{path}: the file is empty")
        rows = _READERS[data_format](path, source)
    except OSError as error:
        raise DataError(
            f"{error.filename or path}: cannot read ({error.strerror or error})"
        ) from None
    description = {
        "kind": "files",
        "format": data_format,
        "path": str(path),
        "text_column": source.text_column,
        "label_column": source.label_column,
    }
    return SourceData(rows=rows, description=description)


def detect_format(path: Path) -> str:
    """`imdb` for an aclImdb folder, else the format its file extension names."""
    if path.is_dir():
        if looks_like_imdb(path):
            return "imdb"
        raise DataError(f"{path}: a folder that is not an aclImdb layout ({LAYOUT})")
    data_format = _EXTENSIONS.get(path.suffix.lower())
    if data_format is None:
        known = ", ".join(sorted(_EXTENSIONS))
        raise DataError(
            f"{path}: cannot tell the format from the extension (known: {known}); "
            "set data.source.format to csv, jsonl, parquet or imdb"
        )
    return data_format
