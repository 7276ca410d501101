"""`ingest`: source rows -> checked, normalised records -> split -> Parquet + manifest."""

from collections.abc import Callable, Sequence
from pathlib import Path

from .. import console
from ..config import Config, SourceConfig
from ..errors import DataError
from ..labels import LABELS
from .dataset import dataset_dir
from .hub_dataset import DEFAULT_SUBSET
from .labels import EXPECTED, parse_label
from .manifest import build_manifest
from .normalise import normalise_text
from .records import RawRow, Record
from .source import read_sources
from .split import SPLITS, split_records
from .write import write_dataset

_SHOWN_ERRORS = 5  # label errors listed in one message; the rest are counted


def ingest(
    config: Config, out: str | Path | None = None, *, log: Callable[[str], None] = console.log
) -> Path:
    """Builds the dataset that `config.data` describes into `out` (default: dataset_dir(config))
    and returns its path. Every input problem is raised as DataError before anything is written.
    """
    out = Path(out) if out is not None else dataset_dir(config)
    log(f"reading {_describe(config)}")
    data = read_sources(config.data, seed=config.seed)
    if not data.rows:
        raise DataError(f"{_describe(config)}: no rows")
    records, dropped_empty = prepare_records(data.rows)
    if dropped_empty:
        rows = "row" if dropped_empty == 1 else "rows"
        log(f"left out {dropped_empty} {rows} whose text is empty after normalisation")
    for label in LABELS:
        if not any(r.label == label for r in records):
            raise DataError(f"{_describe(config)}: no {label} rows; a classifier needs both labels")
    split = config.data.split
    fixed_test = data.has_test_split
    splits = split_records(
        records,
        validation=split.validation,
        test=split.test,
        seed=config.seed,
        fixed_test=fixed_test,
    )
    split_settings = {
        "validation": split.validation,
        "test": "as given by the source" if fixed_test else split.test,
        "method": "stratified by label; rows ranked by sha256(seed, id)",
    }
    duplicates = len(records) - len({r.text for r in records})
    manifest = build_manifest(
        splits,
        source={"rows_read": len(data.rows), **data.description},  # extras: each its own
        split_settings=split_settings,
        seed=config.seed,
        dropped_empty=dropped_empty,
        duplicate_texts=duplicates,
    )
    write_dataset(out, splits, manifest)
    counts = ", ".join(f"{name} {len(splits[name])}" for name in SPLITS)
    log(f"wrote {out} ({counts}; content sha256 {manifest['content_sha256'][:12]})")
    return out


def prepare_records(rows: Sequence[RawRow]) -> tuple[list[Record], int]:
    """Normalised records and the number of rows left out for an empty text.

    Fails on unknown labels (listing the first few, with where they are) and on repeated ids.
    """
    records: list[Record] = []
    bad_labels: list[str] = []
    seen: dict[str, str] = {}
    dropped_empty = 0
    for row in rows:
        if row.id in seen:
            raise DataError(f"{row.where}: id {row.id!r} repeats the one at {seen[row.id]}")
        seen[row.id] = row.where
        label = parse_label(row.label)
        if label is None:
            bad_labels.append(f"{row.where}: {row.label!r}")
            continue
        text = normalise_text(row.text) if row.text is not None else ""
        if not text:
            dropped_empty += 1
            continue
        records.append(
            Record(id=row.id, text=text, label=label, source=row.source, split=row.split)
        )
    if bad_labels:
        shown = "; ".join(bad_labels[:_SHOWN_ERRORS])
        more = len(bad_labels) - _SHOWN_ERRORS
        extra = f" (and {more} more)" if more > 0 else ""
        raise DataError(f"unknown label (expected {EXPECTED}) at {shown}{extra}")
    if not records:
        raise DataError(f"no row has any text: all {len(rows)} are empty after normalisation")
    return records, dropped_empty


def _describe(config: Config) -> str:
    return " + ".join(
        _describe_source(source) for source in (config.data.source, *config.data.extra_sources)
    )


def _describe_source(source: SourceConfig) -> str:
    if source.kind == "generated":
        text = f"{source.count} generated reviews ({', '.join(source.domains)})"
    elif source.kind == "hub":
        text = f"{source.name} from the Hugging Face hub ({source.subset or DEFAULT_SUBSET})"
    else:
        text = f"{source.path} ({source.format})"
    return text if source.max_words is None else f"{text}, up to {source.max_words} words"
