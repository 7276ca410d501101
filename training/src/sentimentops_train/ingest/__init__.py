"""Ingestion: labelled text from files (or the review generator) to a versioned dataset.

A dataset is a folder with `train.parquet`, `validation.parquet`, `test.parquet` (columns id,
text, label, source; label is `negative` or `positive`) and `manifest.json` (content hash, row and
label counts per split, source, seed, normaliser version). The rest of the job uses:

    ingest(config, out=None) -> Path           # build it (default folder: dataset_dir(config))
    load_split(dataset, "train") -> pa.Table   # read one split
    load_manifest(dataset) -> dict             # its manifest (content_sha256 is its identity)
    split_sha256("test", records) -> str       # one split's identity (the manifest's, per split)
"""

from .dataset import dataset_dir, load_manifest, load_split
from .labels import parse_label
from .manifest import content_sha256, split_sha256
from .normalise import NORMALISER_VERSION, normalise_text
from .pipeline import ingest
from .split import SPLITS

__all__ = [
    "NORMALISER_VERSION",
    "SPLITS",
    "content_sha256",
    "dataset_dir",
    "ingest",
    "load_manifest",
    "load_split",
    "normalise_text",
    "parse_label",
    "split_sha256",
]
