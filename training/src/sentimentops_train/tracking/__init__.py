"""Experiment tracking: the job logs its run to MLflow when MLFLOW_TRACKING_URI is set, and does
nothing at all (mlflow is not even imported) when it is not.

A tracked run holds
- params: the config, flattened to dotted keys (`train.epochs`, `data.source.kind`, ...);
- metrics per evaluation during training, at the global training step: `train_loss`,
  `val_loss`, `val_accuracy`, `val_macro_f1`, `lr`, `epoch`; then `best_*`, throughput, and the
  final `validation_*`, `test_*` and `handwritten_*` accuracy / macro-F1 / ROC-AUC / ECE, the
  lexicon baseline and the ONNX parity;
- the ingested dataset as its input, digest = the manifest's content sha256 (the first 36 hex
  digits: MLflow's limit; the whole hash is in the dataset's profile and a run tag);
- artifacts: config.json, training/train-result.json, evaluation/metrics.json and, from the
  exported model directory, model-card.json, reference-profile.json and tokenizer.json (the ONNX
  files stay in the artifact store: the card holds their sha256s);
- tags: the code commit (`mlflow.source.git.commit`), the config and the command.
It never creates registered models: the registry service owns those and links this run by its id,
which the train summary (`mlflow_run_id`) and the model card (`training.mlflow_run_id`) carry.

The CLI opens a `session()` around a command and the steps log to `current()`. `all` is one run;
a standalone `train` starts a new one; a standalone `evaluate` or `export` adds to the run of
the checkpoint it works on (recorded in train-result.json), when that run was tracked. The
experiment is MLFLOW_EXPERIMENT_NAME, default `sentimentops`; the rest of MLflow's client
settings (credentials, retries) are its own environment variables.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from ..config import Config, config_to_dict
from .base import NULL_TRACKER, Tracker

TRACKING_URI_ENV = "MLFLOW_TRACKING_URI"
EXPERIMENT_ENV = "MLFLOW_EXPERIMENT_NAME"
DEFAULT_EXPERIMENT = "sentimentops"

_ACTIVE: ContextVar[Tracker | None] = ContextVar("sentimentops_tracker", default=None)

__all__ = ["Tracker", "current", "enabled", "session"]


def current() -> Tracker:
    """The open session's tracker; a no-op one outside a session or when tracking is off."""
    return _ACTIVE.get() or NULL_TRACKER


def enabled(env: Mapping[str, str] = os.environ) -> bool:
    return bool(env.get(TRACKING_URI_ENV, "").strip())


@contextmanager
def session(
    config: Config,
    *,
    command: str,
    config_path: str | Path | None = None,
    resume_run_id: str | None = None,
    new_run: bool = True,
    env: Mapping[str, str] = os.environ,
) -> Iterator[Tracker]:
    """Tracks what runs inside: resumes `resume_run_id`, else starts a run if `new_run`, else
    tracks nothing. The run ends FINISHED, FAILED (an exception) or KILLED (Ctrl-C); inside an
    open session, the same run goes on."""
    active = _ACTIVE.get()
    if active is not None or not enabled(env) or not (resume_run_id or new_run):
        yield active or NULL_TRACKER
        return
    from .mlflow_run import MlflowTracker  # mlflow: only when tracking is on

    uri = env[TRACKING_URI_ENV].strip()
    if resume_run_id:
        tracker = MlflowTracker.resume(uri, resume_run_id)
    else:
        tracker = MlflowTracker.start(
            uri,
            experiment=env.get(EXPERIMENT_ENV) or DEFAULT_EXPERIMENT,
            run_name=Path(config_path).stem if config_path else None,
            params=_params(config),
            tags=_tags(config, command, config_path),
        )
        tracker.log_dict(config_to_dict(config), "config.json")
    token = _ACTIVE.set(tracker)
    status = "FAILED"
    try:
        yield tracker
        status = "FINISHED"
    except KeyboardInterrupt:
        status = "KILLED"
        raise
    finally:
        _ACTIVE.reset(token)
        _end(tracker, status)


def recorded_run_id(train_result: Path) -> str | None:
    """The MLflow run that trained a checkpoint, from its train-result.json (None: untracked,
    or no checkpoint yet; the command then reports the missing checkpoint itself)."""
    try:
        record = json.loads(Path(train_result).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    run_id = record.get("mlflow_run_id") if isinstance(record, dict) else None
    return run_id if isinstance(run_id, str) and run_id else None


def _end(tracker: Tracker, status: str) -> None:
    from ..errors import TrackingError
    from .mlflow_run import MlflowTracker

    assert isinstance(tracker, MlflowTracker)
    try:
        tracker.end(status)
    except TrackingError:
        if status == "FINISHED":
            raise
        # The job's own failure is the error to report, not the bookkeeping after it.


def _params(config: Config) -> dict[str, str]:
    from .values import flatten_params

    return flatten_params(config_to_dict(config))


def _tags(config: Config, command: str, config_path: str | Path | None) -> dict[str, str]:
    from ..card import code_commit  # torch: imported by every tracked step anyway

    commit, dirty = code_commit()
    tags = {
        "mlflow.source.type": "JOB",
        "mlflow.source.name": f"python -m sentimentops_train {command}",
        "sentimentops.command": command,
        "sentimentops.output_dir": str(config.output_dir),
    }
    if config_path is not None:
        tags["sentimentops.config"] = str(config_path)
    if commit != "unknown":
        tags["mlflow.source.git.commit"] = commit
    if dirty is not None:
        tags["sentimentops.code_dirty"] = str(dirty).lower()
    return tags
