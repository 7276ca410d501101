"""The unlabelled text that masked-LM pretraining (and the tokenizer beside it) reads."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from ..config import SourceConfig
from ..errors import DataError
from .normalise import normalise_text
from .source import read_source, source_name


@dataclass(frozen=True)
class Corpus:
    texts: list[str]
    description: dict[str, Any]  # per source: rows read, kept, left out; the texts' sha256


def read_corpus(
    sources: Sequence[SourceConfig],
    seed: int,
    train_texts: Sequence[str],
    held_out_texts: Collection[str],
) -> Corpus:
    """The train split's texts, then each source's normalised texts, leaving out empty ones,
    repeats, and any text of the validation or test split (`held_out_texts`, normalised as
    ingestion left them): a model pretrained on an evaluation text would be scored on a text it
    has seen, which is the leakage that validation's leakage check refuses for labelled rows."""
    held_out = set(held_out_texts)
    seen = set(train_texts)
    texts = list(train_texts)
    described = []
    for number, source in enumerate(sources):
        data = read_source(source, seed)
        kept = held_back = repeated = 0
        for row in data.rows:
            text = normalise_text(row.text) if row.text is not None else ""
            if not text:
                continue
            if text in held_out:
                held_back += 1
            elif text in seen:
                repeated += 1
            else:
                seen.add(text)
                texts.append(text)
                kept += 1
        if not kept:
            raise DataError(f"pretrain.sources[{number}] ({source_name(source)}): no text to use")
        described.append(
            {
                **data.description,
                "rows_read": len(data.rows),
                "texts_kept": kept,
                "left_out_in_validation_or_test": held_back,
                "left_out_repeated": repeated,
            }
        )
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8") + b"\n")
    return Corpus(
        texts=texts,
        description={
            "train_split_texts": len(train_texts),
            "sources": described,
            "texts": len(texts),
            "words": sum(len(text.split()) for text in texts),
            "sha256": digest.hexdigest(),
        },
    )
