"""Run the whole job: ingest -> validate -> tokenizer -> [pretrain] -> train -> evaluate -> export.

Each step is the command of the same name, run in this process in that order (pretrain only
when the config has a `pretrain` section), and each one
replaces its own output; a failing step stops the run (exit 1) with its name in the error, and
the steps after it do not run: a dataset that fails validation is never trained on. The summary
at the end (stderr; with `--json`, one object on stdout) gives the data hash, the validation
report, the best epoch, validation/test/hand-written accuracy and macro-F1, the lexicon
baseline on the hand-written set, parity, file sizes and wall time. With MLFLOW_TRACKING_URI
set, the whole job is one MLflow run (see tracking/).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import console, tracking
from ..config import Config
from ..errors import TrainingError
from . import evaluate, export, pretrain, tokenizer, train, validate
from ._layout import RunLayout, duration, megabytes

STEPS = ("ingest", "validate", "tokenizer", "pretrain", "train", "evaluate", "export")


def steps_for(config: Config) -> tuple[str, ...]:
    """The steps a config runs: pretrain only where it has a pretrain section."""
    return tuple(step for step in STEPS if step != "pretrain" or config.pretrain is not None)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    export.add_out_argument(parser)  # the same --out: `all` ends with the export step


def run(args: argparse.Namespace, config: Config) -> int:
    with tracking.session(config, command="all", config_path=args.config):
        summary = execute(config, out=args.out)
    if args.json:
        console.print_summary("all", summary)
    return 0


def execute(
    config: Config, *, out: Path | None = None, log: Callable[[str], None] = console.log
) -> dict[str, Any]:
    """Runs every step; returns the summary."""
    from ..ingest import ingest, load_manifest

    layout = RunLayout.of(config)
    actions: dict[str, Callable[[], Any]] = {
        "ingest": lambda: load_manifest(ingest(config, layout.dataset, log=log)),
        "validate": lambda: validate.execute(config, log=log),
        "tokenizer": lambda: tokenizer.execute(config, log=log),
        "pretrain": lambda: pretrain.execute(config, log=log),
        "train": lambda: train.execute(config, log=log),
        "evaluate": lambda: evaluate.execute(config, log=log),
        "export": lambda: export.execute(config, out=out, log=log),
    }
    results: dict[str, Any] = {}
    timings: dict[str, float] = {}
    started = time.monotonic()
    steps = steps_for(config)
    for number, step in enumerate(steps, 1):
        log(f"== step {number}/{len(steps)}: {step}")
        tick = time.monotonic()
        try:
            results[step] = actions[step]()
        except TrainingError as error:
            # Same class (exit 1, the same `--json` error type), the step named first.
            raise type(error)(f"{step}: {error}") from error
        timings[step] = round(time.monotonic() - tick, 3)
        log(f"== {step} done in {duration(timings[step])}")
    timings["total"] = round(time.monotonic() - started, 3)

    summary = summarise(layout, results, timings)
    for line in describe(summary):
        log(line)
    return summary


def summarise(
    layout: RunLayout, results: dict[str, Any], timings: dict[str, float]
) -> dict[str, Any]:
    manifest = results["ingest"]
    trained, evaluated, exported = results["train"], results["evaluate"], results["export"]
    return {
        "output_dir": str(layout.root),
        "dataset": {
            "path": str(layout.dataset),
            "content_sha256": manifest["content_sha256"],
            "rows": {name: split["rows"] for name, split in manifest["splits"].items()},
        },
        "validation": {
            "report": results["validate"]["report"],
            "statistics": results["validate"]["statistics"],
        },
        "tokenizer": {
            "path": results["tokenizer"]["tokenizer"],
            "vocab_size": results["tokenizer"]["vocab_size"],
            "validation_unknown_token_rate": results["tokenizer"]["validation"][
                "unknown_token_rate"
            ],
        },
        "pretrain": _pretrain_summary(results.get("pretrain")),
        "train": trained,
        "metrics": {"path": evaluated["metrics"], **evaluated["headline"]},
        "export": exported,
        "timings_s": timings,
    }


def _pretrain_summary(result: dict[str, Any] | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {key: result[key] for key in ("pretrained", "steps", "tokens_seen", "held_out")} | {
        "corpus_texts": result["corpus"]["texts"],
        "corpus_words": result["corpus"]["words"],
    }


def describe(summary: dict[str, Any]) -> list[str]:
    """The summary as a few lines for people."""
    data, trained, metrics, exported = (
        summary["dataset"],
        summary["train"],
        summary["metrics"],
        summary["export"],
    )
    rows = data["rows"]
    parity = exported["parity"]
    int8 = parity["int8_label_agreement"]
    timings = summary["timings_s"]

    def pair(name: str) -> str:
        return f"{metrics[name]['accuracy']:.4f} / {metrics[name]['macro_f1']:.4f}"

    files = ", ".join(f"{name} {megabytes(size)}" for name, size in exported["files"].items())
    steps = ", ".join(f"{step} {duration(timings[step])}" for step in STEPS if step in timings)
    pretrained = summary["pretrain"]
    return [
        "summary",
        f"  data         sha256 {data['content_sha256']} "
        f"({rows['train']} train / {rows['validation']} validation / {rows['test']} test)",
        f"  validation   {summary['validation']['statistics']['successful_expectations']} "
        f"expectations met ({summary['validation']['report']})",
        *(
            [
                f"  pretraining  {pretrained['steps']} masked-LM steps on "
                f"{pretrained['corpus_words']:,} words, held-out loss "
                f"{pretrained['held_out']['held_out_loss']:.3f} (accuracy "
                f"{pretrained['held_out']['held_out_accuracy']:.1%})"
            ]
            if pretrained
            else []
        ),
        f"  training     best epoch {trained['best_epoch']} (step {trained['best_step']}"
        f"{', stopped early' if trained['stopped_early'] else ''}), "
        f"{trained['parameters']:,} parameters, {trained['device']} {trained['precision']}",
        "  accuracy / macro-F1",
        f"    validation   {pair('validation')}",
        f"    test         {pair('test')}",
        f"    hand-written {pair('handwritten')}"
        f"   (lexicon baseline {pair('handwritten_lexicon_baseline')})",
        f"  parity       fp32 max |delta logit| {parity['fp32_max_abs_logit_delta']:.2e}"
        + (f"; int8 label agreement {int8:.4f}" if int8 is not None else "; no int8"),
        f"  model        {exported['model_dir']} ({megabytes(exported['total_bytes'])}: {files})",
        f"  wall time    {duration(timings['total'])} ({steps})",
    ]
