"""Train the DistilBERT classifier on the dataset; best and last checkpoints go to checkpoints/.

Needs the ingested dataset and the run's tokenizer. Builds the model the config describes
(`model.*`; from `model.pretrained` weights when set: a local folder, or a Hugging Face hub id
whose snapshot comes from the hub or its cache; with a `pretrain` section, from the encoder
the pretrain step wrote instead), trains it with `train.*` (early stopping on
validation macro-F1), and writes `<output_dir>/checkpoints/{best,last}` plus `train-result.json`
(history, best epoch, what it was trained on, the MLflow run). The checkpoints folder is
replaced whole when training has finished; an interrupted run leaves the previous one. With
MLFLOW_TRACKING_URI set, a standalone `train` is a new MLflow run (see tracking/).
"""

from __future__ import annotations

import argparse
import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import console, tracking
from ..config import Config
from ..errors import ModelError
from ._layout import (
    TRAIN_RESULT,
    RunLayout,
    add_dataset_argument,
    check_replaceable,
    dataset_summary,
    now,
    publish_dir,
    require_dataset,
    require_pretrained,
    require_tokenizer,
    split_texts_labels,
    staging_dir,
    write_json_atomic,
)

if TYPE_CHECKING:
    from ..model import ModelSpec
    from ..train import TrainSpec


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_dataset_argument(parser)  # the rest is in the config's model and train sections


def run(args: argparse.Namespace, config: Config) -> int:
    with tracking.session(config, command="train", config_path=args.config):
        summary = execute(config, dataset=args.dataset)
    if args.json:
        console.print_summary("train", summary)
    return 0


def model_spec(config: Config) -> ModelSpec:
    from ..model import ModelSpec

    m = config.model
    return ModelSpec(
        pretrained=m.pretrained,
        dim=m.dim,
        n_layers=m.n_layers,
        n_heads=m.n_heads,
        hidden_dim=m.hidden_dim,
        dropout=m.dropout,
    )


def train_spec(config: Config) -> TrainSpec:
    from ..train import TrainSpec

    t = config.train
    return TrainSpec(
        epochs=t.epochs,
        batch_size=t.batch_size,
        learning_rate=t.learning_rate,
        weight_decay=t.weight_decay,
        warmup_ratio=t.warmup_ratio,
        patience=t.patience,
        precision=t.precision,
        eval_every_steps=t.eval_every_steps,
        max_length=config.data.max_length,
        seed=config.seed,
    )


def execute(
    config: Config, *, dataset: Path | None = None, log: Callable[[str], None] = console.log
) -> dict[str, Any]:
    """Trains on `dataset` (default: the run's) into `<output_dir>/checkpoints`; returns the
    summary."""
    from ..hub import HubUnavailable, resolve_pretrained
    from ..model import build_model, count_parameters
    from ..tokenizer import load_tokenizer
    from ..tracking.values import history_metrics, training_metrics
    from ..train import seed_everything, train

    layout = RunLayout.of(config, dataset)
    manifest = require_dataset(layout)
    tokenizer_info = require_tokenizer(layout, manifest)
    check_replaceable(layout.checkpoints, TRAIN_RESULT)
    mspec, tspec = model_spec(config), train_spec(config)

    tokenizer = load_tokenizer(layout.tokenizer_dir, tspec.max_length)
    train_texts, train_labels = split_texts_labels(layout.dataset, "train")
    val_texts, val_labels = split_texts_labels(layout.dataset, "validation")

    start_from = mspec
    lineage: dict[str, Any] | None = None
    if config.pretrain is not None:  # the encoder the pretrain step made (from model.pretrained)
        record = require_pretrained(layout, tokenizer_info["sha256"])
        start_from = replace(mspec, pretrained=str(layout.pretrained))
        lineage = masked_lm_lineage(layout, record)
    elif mspec.pretrained:
        try:
            pretrained = resolve_pretrained(mspec.pretrained)
        except HubUnavailable as error:
            raise ModelError(f"model.pretrained: {error}") from None
        start_from = replace(mspec, pretrained=pretrained.path)
        # The weights it started from: a hub id's exact revision, or the folder given.
        lineage = pretrained.lineage(mspec.pretrained)
    seed_everything(config.seed)  # before building: the initial weights come from it
    try:
        model = build_model(
            start_from,
            len(tokenizer),
            tokenizer.pad_token_id,
            tspec.max_length,
        )
    except OSError as error:  # a folder without usable weights
        raise ModelError(
            f"model.pretrained {mspec.pretrained!r}: cannot load it ({error})"
        ) from None
    parameters = count_parameters(model)
    shape = (
        f"from {start_from.pretrained}"
        if start_from.pretrained
        else f"(dim {mspec.dim}, {mspec.n_layers} layers, {mspec.n_heads} heads), random init"
    )
    log(f"model: {type(model).__name__}, {parameters:,} parameters {shape}")
    tracker = tracking.current()
    tracker.log_dataset(manifest, layout.dataset)

    bias = None
    if config.train.debias is not None:
        from ..debias import bias_log_probs
        from ..evaluate import to_label_ids

        d = config.train.debias
        bias = bias_log_probs(
            train_texts, to_label_ids(train_labels), min_count=d.min_count, skew=d.skew
        )
        info = bias.summary()
        log(
            f"debias: {info['shortcut_words']} shortcut words in "
            f"{info['share_with_a_shortcut']:.1%} of the training texts (bias-only model right on "
            f"{info['bias_accuracy_on_those']:.1%} of those); most skewed: "
            f"{', '.join(info['most_skewed'][:8])}"
        )

    # train() writes <out_dir>/checkpoints; out_dir is a staging folder beside the run's
    # checkpoints, moved into place only once training has finished.
    staging = staging_dir(layout.checkpoints)
    try:
        result = train(
            model,
            tokenizer,
            train_texts,
            train_labels,
            val_texts,
            val_labels,
            tspec,
            staging,
            log=log,
            on_evaluation=lambda entry: tracker.log_metrics(
                history_metrics(entry), step=entry["step"]
            ),
            bias_log_probs=bias.log_probs if bias else None,
        )
        record = {
            "run_id": uuid.uuid4().hex,
            "created_at": now(),
            "dataset_sha256": manifest["content_sha256"],
            "tokenizer_sha256": tokenizer_info["sha256"],
            "model": asdict(mspec),
            "pretrained": lineage,
            "mlflow_run_id": tracker.run_id,
            "train": asdict(tspec),
            "parameters": parameters,
            "debias": bias.summary() if bias else None,
            "result": {
                **result.to_dict(),
                # Names inside the checkpoints folder: the staging paths are gone after the move.
                "best_dir": result.best_dir.name,
                "last_dir": result.last_dir.name,
            },
        }
        write_json_atomic(staging / "checkpoints" / TRAIN_RESULT, record)
        publish_dir(staging / "checkpoints", layout.checkpoints)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    tracker.log_metrics(training_metrics(record["result"]), step=result.steps_run)
    tracker.log_artifact(layout.train_result, "training")
    log(f"checkpoints in {layout.checkpoints} (best: epoch {result.best_epoch})")
    return {**summary_of(record, layout), "dataset": dataset_summary(layout, manifest)}


def masked_lm_lineage(layout: RunLayout, record: dict[str, Any]) -> dict[str, Any]:
    """What the card says of an encoder pretrained by this run's `pretrain` step."""
    history = record["result"]["history"]
    return {
        "kind": "masked-lm",
        "path": str(layout.pretrained),
        "started_from": record.get("started_from"),  # null: from scratch
        "corpus": record["corpus"],
        "steps": record["result"]["steps"],
        "tokens_seen": record["result"]["tokens_seen"],
        "held_out": history[-1] if history else None,
        "elapsed_s": record["result"]["elapsed_s"],
    }


def summary_of(record: dict[str, Any], layout: RunLayout) -> dict[str, Any]:
    result = record["result"]
    best = result["best_metrics"]
    return {
        "checkpoint": str(layout.best_checkpoint),
        "run_id": record["run_id"],
        "mlflow_run_id": record.get("mlflow_run_id"),
        "parameters": record["parameters"],
        "best_epoch": result["best_epoch"],
        "best_step": result["best_step"],
        "stopped_early": result["stopped_early"],
        "validation": {"accuracy": best["accuracy"], "macro_f1": best["macro_f1"]},
        "device": result["device"],
        "precision": result["precision"],
        "steps": result["steps_run"],
        "samples_per_s": result.get("samples_per_s"),
        "elapsed_s": result["elapsed_s"],
    }
