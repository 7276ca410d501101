"""Read labelled text, normalise it, split it, and write Parquet splits + a manifest."""

import argparse
from pathlib import Path

from .. import console
from ..config import Config
from ..ingest import dataset_dir, ingest, load_manifest


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="dataset folder (default: <output_dir>/dataset); replaced if it is one",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    out = ingest(config, args.out or dataset_dir(config))
    if args.json:
        manifest = load_manifest(out)
        console.print_summary(
            "ingest",
            {
                "dataset": str(out),
                "content_sha256": manifest["content_sha256"],
                "rows": manifest["rows"],
                "splits": {
                    name: {"rows": split["rows"], "labels": split["labels"]}
                    for name, split in manifest["splits"].items()
                },
                "dropped": manifest["dropped"],
                "duplicate_texts": manifest["duplicate_texts"],
            },
        )
    return 0
