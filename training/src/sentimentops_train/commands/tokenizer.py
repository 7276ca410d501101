"""Train the WordPiece tokenizer on the train split + word list (or save the pretrained one).

`tokenizer.kind: train` trains an uncased WordPiece tokenizer on the ingested train split (and,
with a `pretrain` section, the pretraining text: see pretrain.py) plus every word of
`tokenizer.wordlist`; `tokenizer.kind: pretrained` loads `tokenizer.pretrained` (a
local folder, or a Hugging Face hub id whose snapshot comes from the hub or its cache) and saves
it. Either way the result is
`<output_dir>/tokenizer/tokenizer.json`, the file the model directory ships, replaced whole on a
rerun. Its unknown-token and truncation rates on the validation split are reported.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import console
from ..config import Config, config_to_dict
from ..errors import ConfigError, DataError, ModelError
from ._layout import (
    TOKENIZER_INFO,
    TOKENIZER_JSON,
    RunLayout,
    add_dataset_argument,
    build_dir,
    dataset_summary,
    make_readable,
    now,
    require_dataset,
    sha256_of,
    split_texts_labels,
    write_json_atomic,
)
from .pretrain import pretraining_corpus


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_dataset_argument(parser)  # it writes <output_dir>/tokenizer


def run(args: argparse.Namespace, config: Config) -> int:
    summary = execute(config, dataset=args.dataset)
    if args.json:
        console.print_summary("tokenizer", summary)
    return 0


def execute(
    config: Config, *, dataset: Path | None = None, log: Callable[[str], None] = console.log
) -> dict[str, Any]:
    """Builds `<output_dir>/tokenizer` from `dataset` (default: the run's); returns the summary."""
    from ..tokenizer import load_tokenizer, tokenizer_stats

    layout = RunLayout.of(config, dataset)
    manifest = require_dataset(layout)
    settings = config.tokenizer
    max_length = config.data.max_length

    def fill(staging: Path) -> dict[str, Any]:
        if settings.kind == "train":
            info = _train(config, layout, staging, log)
            info["dataset_sha256"] = manifest["content_sha256"]
        else:
            info = _pretrained(settings.pretrained or "", settings.vocab_size, staging, log)
            info["dataset_sha256"] = None  # not made from the data
        info["settings"] = config_to_dict(config)["tokenizer"]
        info["sha256"] = sha256_of(staging / TOKENIZER_JSON)
        info["created_at"] = now()
        write_json_atomic(staging / TOKENIZER_INFO, info)
        return info

    info = build_dir(layout.tokenizer_dir, TOKENIZER_JSON, fill)
    tokenizer = load_tokenizer(layout.tokenizer_dir, max_length)
    texts, _ = split_texts_labels(layout.dataset, "validation")
    stats = tokenizer_stats(tokenizer, texts, max_length).to_dict()
    log(
        f"wrote {layout.tokenizer_json} ({len(tokenizer)} tokens); on the validation split: "
        f"unknown tokens {stats['unknown_token_rate']:.2%}, truncated at {max_length} tokens "
        f"{stats['truncation_rate']:.1%}, median length {stats['length_percentiles'].get('p50')}"
    )
    return {
        "tokenizer": str(layout.tokenizer_json),
        "kind": info["kind"],
        "vocab_size": len(tokenizer),
        "sha256": info["sha256"],
        "dataset_sha256": info["dataset_sha256"],
        "dataset": dataset_summary(layout, manifest),
        "validation": stats,
    }


def _train(
    config: Config, layout: RunLayout, staging: Path, log: Callable[[str], None]
) -> dict[str, Any]:
    from ..tokenizer import train_wordpiece

    vocab_size, wordlist = config.tokenizer.vocab_size, config.tokenizer.wordlist

    words: Path | None = None
    if wordlist is not None:
        words = Path(wordlist)
        if not words.is_file():
            raise DataError(
                f"tokenizer.wordlist: {words} not found (Debian's wamerican provides "
                "/usr/share/dict/american-english; `make venv` installs it), or set "
                "tokenizer.wordlist=null to train on the text alone"
            )
    # With a pretrain section, the pretraining text too: the encoder learns the words it has
    # tokens for, and a review word that the labelled set lacks still gets one.
    corpus = pretraining_corpus(config, layout)
    texts = corpus.texts
    described = f" + {words}" if words else " (no word list)"
    log(f"training a WordPiece tokenizer of {vocab_size} tokens on {len(texts)} texts{described}")
    try:
        train_wordpiece(texts, vocab_size, words, staging / TOKENIZER_JSON)
    except ValueError as error:
        raise ConfigError(f"tokenizer.vocab_size: {error}") from None
    make_readable(staging / TOKENIZER_JSON)  # written through mkstemp: owner-only
    return {
        "kind": "train",
        "trained_on": {
            "split": "train",
            "texts": len(texts),
            "pretraining_sources": corpus.description["sources"],
            "corpus_sha256": corpus.description["sha256"],
            "wordlist": str(words) if words else None,
            "wordlist_sha256": sha256_of(words) if words else None,
        },
    }


def _pretrained(
    name: str, vocab_size: int, staging: Path, log: Callable[[str], None]
) -> dict[str, Any]:
    from ..hub import HubUnavailable, resolve_pretrained
    from ..tokenizer import load_tokenizer

    log(f"loading the pretrained tokenizer {name}")
    try:
        found = resolve_pretrained(name)
    except HubUnavailable as error:
        raise ModelError(f"tokenizer.pretrained: {error}") from None
    try:
        tokenizer = load_tokenizer(found.path)
    except (OSError, ValueError) as error:
        raise ModelError(f"tokenizer.pretrained {name!r}: cannot load it ({error})") from None
    tokenizer.save_pretrained(str(staging))  # tokenizer.json + the files transformers reloads
    if not (staging / TOKENIZER_JSON).is_file():
        raise ModelError(f"tokenizer.pretrained {name!r}: saving it wrote no {TOKENIZER_JSON}")
    if len(tokenizer) != vocab_size:
        log(
            f"note: {name} has {len(tokenizer)} tokens; tokenizer.vocab_size ({vocab_size}) "
            "only applies to a trained tokenizer"
        )
    # The exact revision of a hub id, or the folder given.
    return {"kind": "pretrained", "pretrained": name, "source": found.lineage(name)}
