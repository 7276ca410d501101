"""The original aclImdb release: `<root>/{train,test}/{pos,neg}/<id>_<rating>.txt`.

`train/unsup` (unlabelled) and the bag-of-words files are ignored. The release's own test split
is kept as the test set, so results compare with published ones.
"""

from pathlib import Path

from ..errors import DataError
from .records import RawRow, SourceData

LAYOUT = "<root>/{train,test}/{pos,neg}/<id>_<rating>.txt"


def looks_like_imdb(path: Path) -> bool:
    return (path / "train" / "pos").is_dir() or (path / "train" / "neg").is_dir()


def read_imdb(root: Path) -> SourceData:
    if not looks_like_imdb(root):
        raise DataError(f"{root}: not an aclImdb folder (expected {LAYOUT})")
    rows: list[RawRow] = []
    splits = [split for split in ("train", "test") if (root / split).is_dir()]
    for split in splits:
        for folder in ("neg", "pos"):
            rows.extend(_read_folder(root, split, folder))
    if not rows:
        raise DataError(f"{root}: no reviews found (expected {LAYOUT})")
    has_test = any(row.split == "test" for row in rows)
    description = {"kind": "files", "format": "imdb", "path": str(root), "splits": splits}
    return SourceData(rows=rows, description=description, has_test_split=has_test)


def _read_folder(root: Path, split: str, folder: str) -> list[RawRow]:
    directory = root / split / folder
    if not directory.is_dir():
        raise DataError(f"{directory}: missing (an aclImdb folder has {LAYOUT})")
    rows = []
    for file in sorted(directory.glob("*.txt")):  # sorted: the same rows in the same order
        where = f"{root.name}/{split}/{folder}/{file.name}"
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            raise DataError(f"{where}: not UTF-8 text (bad byte at offset {error.start})") from None
        rows.append(
            RawRow(
                id=f"{split}/{folder}/{file.stem}",
                text=text,
                label=folder,
                where=where,
                source=root.name,
                split=split,
            )
        )
    return rows
