"""Pretrain the encoder as a masked language model on unlabelled text (the `pretrain` section).

Needs the ingested dataset and the run's tokenizer (a trained one is trained on the same text).
Reads the train split's text plus `pretrain.sources` (labels unused; texts of the validation and
test splits left out), cuts it into chunks of `data.max_length` tokens, and trains a DistilBERT
for `pretrain.steps` batches with BERT's masking: from `model.pretrained` when set (a hub id such
as distilbert-base-uncased, or a folder: domain-adaptive pretraining), else from scratch in the
`model.*` shape. The
result, `<output_dir>/pretrained` (a Hugging Face folder, plus `pretrain-result.json`: the
corpus, its sha256, held-out masked-LM loss and accuracy over the run), is what `train` then
fine-tunes, replaced whole when pretraining has finished.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import console
from ..config import Config
from ..errors import ConfigError, ModelError
from ._layout import (
    PRETRAIN_RESULT,
    RunLayout,
    add_dataset_argument,
    build_dir,
    dataset_summary,
    now,
    require_dataset,
    require_tokenizer,
    split_texts_labels,
    write_json_atomic,
)
from .train import model_spec

if TYPE_CHECKING:
    from ..ingest.corpus import Corpus


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_dataset_argument(parser)  # the rest is in the config's pretrain and model sections


def run(args: argparse.Namespace, config: Config) -> int:
    summary = execute(config, dataset=args.dataset)
    if args.json:
        console.print_summary("pretrain", summary)
    return 0


def pretraining_corpus(config: Config, layout: RunLayout) -> Corpus:
    """The text `pretrain` reads and the tokenizer is trained on: the train split's, then
    `pretrain.sources`' (none without a pretrain section)."""
    from ..ingest.corpus import read_corpus

    train_texts, _ = split_texts_labels(layout.dataset, "train")
    held_out = [
        text
        for split in ("validation", "test")
        for text in split_texts_labels(layout.dataset, split)[0]
    ]
    sources = config.pretrain.sources if config.pretrain else ()
    return read_corpus(sources, config.seed, train_texts, held_out)


def execute(
    config: Config, *, dataset: Path | None = None, log: Callable[[str], None] = console.log
) -> dict[str, Any]:
    """Pretrains into `<output_dir>/pretrained`; returns the summary."""
    from tokenizers import Tokenizer

    from ..hub import HubUnavailable, resolve_pretrained
    from ..model import count_parameters, quiet_hf_progress
    from ..pretrain import PretrainSpec, build_mlm_model, make_chunks, pretrain_mlm
    from ..tokenizer import load_tokenizer
    from ..train import seed_everything

    settings = config.pretrain
    if settings is None:
        raise ConfigError("pretrain: the config has no pretrain section")
    layout = RunLayout.of(config, dataset)
    manifest = require_dataset(layout)
    tokenizer_info = require_tokenizer(layout, manifest)
    max_length = config.data.max_length
    tokenizer = load_tokenizer(layout.tokenizer_dir, max_length)

    corpus = pretraining_corpus(config, layout)
    described = corpus.description
    log(
        f"pretraining text: {described['texts']:,} texts, {described['words']:,} words "
        f"({described['train_split_texts']:,} from the train split)"
    )
    # A copy of the backend tokenizer without truncation: a long review becomes several chunks.
    raw = Tokenizer.from_str(tokenizer.backend_tokenizer.to_str())
    raw.no_truncation()
    raw.no_padding()
    encodings = raw.encode_batch(corpus.texts, add_special_tokens=False)
    chunks = make_chunks(
        (e.ids for e in encodings), max_length, tokenizer.cls_token_id, tokenizer.sep_token_id
    )
    spec = PretrainSpec(
        steps=settings.steps,
        batch_size=settings.batch_size,
        learning_rate=settings.learning_rate,
        weight_decay=settings.weight_decay,
        warmup_steps=min(settings.warmup_steps, settings.steps - 1),
        mask_rate=settings.mask_rate,
        max_length=max_length,
        seed=config.seed,
        precision=config.train.precision,
    )
    mspec = model_spec(config)
    started_from = None
    if mspec.pretrained:  # domain-adaptive: the checkpoint goes on learning on this text
        try:
            found = resolve_pretrained(mspec.pretrained)
        except HubUnavailable as error:
            raise ModelError(f"model.pretrained: {error}") from None
        started_from = found.lineage(mspec.pretrained)
        mspec = replace(mspec, pretrained=str(found.path))
    seed_everything(config.seed)  # before building: the initial weights come from it
    try:
        model = build_mlm_model(mspec, len(tokenizer), tokenizer.pad_token_id, max_length)
    except OSError as error:  # a folder without usable weights
        raise ModelError(
            f"model.pretrained {config.model.pretrained!r}: cannot load it ({error})"
        ) from None
    parameters = count_parameters(model)
    origin = f"from {config.model.pretrained}" if started_from else "random init"
    log(f"model: {type(model).__name__}, {parameters:,} parameters, {origin}")
    result = pretrain_mlm(
        model,
        chunks,
        spec,
        mask_id=tokenizer.mask_token_id,
        pad_id=tokenizer.pad_token_id,
        special_ids=tokenizer.all_special_ids,
        log=log,
    )

    record = {
        "created_at": now(),
        "dataset_sha256": manifest["content_sha256"],
        "tokenizer_sha256": tokenizer_info["sha256"],
        "corpus": described,
        "model": asdict(model_spec(config)),
        # The weights it went on from: a hub id's exact revision, or the folder given.
        "started_from": started_from,
        "parameters": parameters,
        "pretrain": asdict(spec),
        "result": result.to_dict(),
    }

    def fill(staging: Path) -> None:
        with quiet_hf_progress():
            model.save_pretrained(staging)
        write_json_atomic(staging / PRETRAIN_RESULT, record)

    build_dir(layout.pretrained, PRETRAIN_RESULT, fill)
    last = result.history[-1] if result.history else {}
    log(
        f"pretrained encoder in {layout.pretrained}: held-out masked-LM loss "
        f"{last.get('held_out_loss')}, accuracy {last.get('held_out_accuracy')}"
    )
    return {
        "pretrained": str(layout.pretrained),
        "steps": result.steps,
        "tokens_seen": result.tokens_seen,
        "corpus": described,
        "held_out": last,
        "elapsed_s": result.elapsed_s,
        "dataset": dataset_summary(layout, manifest),
    }
