"""The `hub` source: a labelled dataset from the Hugging Face hub, e.g. `stanfordnlp/imdb`.

The hub serves such datasets as Parquet files, `<subset>/<split>-NNNNN-of-NNNNN.parquet`
(stanfordnlp/imdb: `plain_text/train-00000-of-00001.parquet`; a dataset with a single subset
uses the folder `data/`). Only the `train` and `test` files are fetched (imdb's 50,000
unlabelled `unsupervised` reviews are not), through hub.snapshot, and each file is read by the
same Parquet reader as a local file. The dataset's own test split is kept as the test set, as
for the aclImdb folder, so results compare with published ones; validation is taken from train.
"""

from dataclasses import replace

from ..config import SourceConfig
from ..errors import DataError
from ..hub import HubUnavailable, parse_ref, snapshot
from .parquet_file import read_parquet
from .records import RawRow, SourceData

DEFAULT_SUBSET = "data"  # the hub's folder for a dataset with one subset
HUB_SPLITS = ("train", "test")


def read_hub(source: SourceConfig) -> SourceData:
    assert source.name is not None  # the config's validation requires it for the hub
    subset = source.subset or DEFAULT_SUBSET
    try:
        ref = parse_ref(source.name)
        found = snapshot(ref, "dataset", [f"{subset}/{split}-*.parquet" for split in HUB_SPLITS])
    except (ValueError, HubUnavailable) as error:
        raise DataError(f"data.source.name: {error}") from None
    files = {
        split: sorted((found.path / subset).glob(f"{split}-*.parquet")) for split in HUB_SPLITS
    }
    if not files["train"]:
        raise DataError(
            f"data.source: {found.repo_id} (revision {found.revision[:12]}) has no "
            f"{subset}/train-*.parquet; set data.source.subset to the folder of its Parquet files"
        )
    rows: list[RawRow] = []
    for split, paths in files.items():
        for path in paths:
            rows.extend(replace(row, split=split) for row in read_parquet(path, source))
    description = {
        "kind": "hub",
        "name": found.repo_id,
        "revision": found.revision,
        "subset": subset,
        "files": [f"{subset}/{path.name}" for paths in files.values() for path in paths],
        "text_column": source.text_column,
        "label_column": source.label_column,
    }
    return SourceData(rows=rows, description=description, has_test_split=bool(files["test"]))
