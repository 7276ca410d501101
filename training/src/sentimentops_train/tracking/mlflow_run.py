"""The MLflow adapter: one tracked run, through `MlflowClient` against MLFLOW_TRACKING_URI.

Only tracking calls are made (experiments, runs, params, metrics, tags, inputs, artifacts):
never the model registry, which the registry service owns. Every call goes through `_call`,
which turns MLflow's failures into TrackingError (exit 1, `error: ...`) and sends what MLflow
prints on stdout (its "View run" links) to stderr, where the job's log is: stdout carries the
`--json` summary alone.

Imported only when tracking is on: mlflow is an optional dependency (`[tracking]`).
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ..errors import TrackingError
from .base import Tracker

# MLflow stores a dataset digest in 36 characters; the full content sha256 goes in the
# dataset's profile and in the run's tag `sentimentops.dataset.content_sha256`.
DIGEST_LENGTH = 36
DATASET_TAG = "sentimentops.dataset.content_sha256"
# Longest param value MLflow accepts (its MAX_PARAM_VAL_LENGTH).
MAX_PARAM_LENGTH = 6000


class MlflowTracker(Tracker):
    def __init__(self, client: Any, uri: str, run_id: str):
        self._client = client
        self._uri = uri
        self._run_id = run_id

    @classmethod
    def start(
        cls,
        uri: str,
        *,
        experiment: str,
        run_name: str | None,
        params: Mapping[str, str],
        tags: Mapping[str, str],
    ) -> MlflowTracker:
        """A new run in `experiment` (created when missing), with its params and tags."""
        client = _client(uri)
        with _call(uri, f"start a run in experiment {experiment!r}"):
            found = client.get_experiment_by_name(experiment)
            experiment_id = found.experiment_id if found else _create_experiment(client, experiment)
            run = client.create_run(experiment_id, run_name=run_name, tags=dict(tags))
        tracker = cls(client, uri, run.info.run_id)
        tracker._log_params(params)
        return tracker

    @classmethod
    def resume(cls, uri: str, run_id: str) -> MlflowTracker:
        """An existing run (a standalone evaluate/export adds to its checkpoint's run)."""
        client = _client(uri)
        with _call(uri, f"resume run {run_id}"):
            client.update_run(run_id, status="RUNNING")
        return cls(client, uri, run_id)

    def end(self, status: str) -> None:
        """FINISHED, FAILED or KILLED."""
        with _call(self._uri, f"end run {self._run_id}"):
            self._client.set_terminated(self._run_id, status=status)

    @property
    def run_id(self) -> str:
        return self._run_id

    def log_metrics(
        self, metrics: Mapping[str, float | int | None], step: int | None = None
    ) -> None:
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        batch = [
            Metric(key, float(value), now, step or 0)
            for key, value in metrics.items()
            if value is not None
        ]
        if batch:
            with _call(self._uri, "log metrics"):
                self._client.log_batch(self._run_id, metrics=batch)

    def log_dataset(self, manifest: Mapping[str, Any], dataset_dir: Path) -> None:
        from mlflow.entities import Dataset, DatasetInput, InputTag

        content = str(manifest["content_sha256"])
        dataset = Dataset(
            name=dataset_name(manifest.get("source") or {}),
            digest=content[:DIGEST_LENGTH],
            source_type="local",
            source=json.dumps({"uri": Path(dataset_dir).resolve().as_uri()}),
            schema=None,
            profile=json.dumps(dataset_profile(manifest)),
        )
        with _call(self._uri, "log the dataset input"):
            self._client.log_inputs(
                self._run_id,
                datasets=[
                    DatasetInput(dataset, tags=[InputTag("mlflow.data.context", "training")])
                ],
            )
        self.set_tags({DATASET_TAG: content})

    def log_artifact(self, path: Path, folder: str | None = None) -> None:
        with _call(self._uri, f"upload {Path(path).name}"):
            self._client.log_artifact(self._run_id, str(path), folder)

    def log_dict(self, data: Mapping[str, Any], name: str) -> None:
        with _call(self._uri, f"upload {name}"):
            self._client.log_dict(self._run_id, dict(data), name)

    def set_tags(self, tags: Mapping[str, str]) -> None:
        from mlflow.entities import RunTag

        with _call(self._uri, "set tags"):
            self._client.log_batch(
                self._run_id, tags=[RunTag(key, str(value)) for key, value in tags.items()]
            )

    def _log_params(self, params: Mapping[str, str]) -> None:
        from mlflow.entities import Param

        batch = [Param(key, value[:MAX_PARAM_LENGTH]) for key, value in params.items()]
        # log_batch takes at most 100 params per request.
        for start in range(0, len(batch), 100):
            with _call(self._uri, "log params"):
                self._client.log_batch(self._run_id, params=batch[start : start + 100])


def dataset_name(source: Mapping[str, Any]) -> str:
    """A readable name for where the data came from (its identity is the digest)."""
    kind = source.get("kind")
    if kind == "hub":
        return str(source.get("name"))
    if kind == "generated":
        return "generated:" + "+".join(source.get("domains") or [])
    return Path(str(source.get("path", "dataset"))).name


def dataset_profile(manifest: Mapping[str, Any]) -> dict[str, Any]:
    """What MLflow shows about the dataset: sizes, each split's hash, and its origin."""
    return {
        "content_sha256": manifest["content_sha256"],
        "rows": manifest.get("rows"),
        "splits": {
            name: {key: split.get(key) for key in ("rows", "labels", "content_sha256")}
            for name, split in (manifest.get("splits") or {}).items()
        },
        "source": {
            key: value
            for key, value in (manifest.get("source") or {}).items()
            if key in ("kind", "name", "revision", "subset", "path", "format", "domains", "count")
        },
        "normaliser_version": manifest.get("normaliser_version"),
    }


def _client(uri: str) -> Any:
    try:
        from mlflow import MlflowClient
    except ImportError:
        raise TrackingError(
            f"MLFLOW_TRACKING_URI is set ({uri}) but the mlflow client is not installed: "
            "pip install 'sentimentops-train[tracking]', or unset MLFLOW_TRACKING_URI"
        ) from None
    return MlflowClient(tracking_uri=uri)


def _create_experiment(client: Any, name: str) -> str:
    from mlflow.exceptions import MlflowException

    try:
        return str(client.create_experiment(name))
    except MlflowException:
        # Another job created it since we looked: use that one.
        found = client.get_experiment_by_name(name)
        if found is None:
            raise
        return str(found.experiment_id)


@contextlib.contextmanager
def _call(uri: str, what: str) -> Iterator[None]:
    from mlflow.exceptions import MlflowException

    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    except (MlflowException, OSError) as error:  # requests' connection errors are OSErrors
        lines = str(error).strip().splitlines()
        reason = lines[0] if lines else type(error).__name__
        raise TrackingError(f"MLflow at {uri}: cannot {what}: {reason}") from None
