"""The tracker interface the pipeline steps log to, and its no-op form.

The steps call these methods whether or not a run is tracked; this class is what they get when
nothing is (MLFLOW_TRACKING_URI unset), so the untracked job pays nothing and imports no mlflow.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


class Tracker:
    """Does nothing; MlflowTracker overrides every method."""

    @property
    def run_id(self) -> str | None:
        """The tracked run's id; None when nothing is tracked."""
        return None

    def log_metrics(
        self, metrics: Mapping[str, float | int | None], step: int | None = None
    ) -> None:
        """Numbers at a training step (None: no step); None values are left out."""

    def log_dataset(self, manifest: Mapping[str, Any], dataset_dir: Path) -> None:
        """The ingested dataset as the run's training input, identified by its content hash."""

    def log_artifact(self, path: Path, folder: str | None = None) -> None:
        """A copy of a local file under `folder` in the run's artifacts."""

    def log_dict(self, data: Mapping[str, Any], name: str) -> None:
        """`data` as a JSON artifact called `name`."""

    def set_tags(self, tags: Mapping[str, str]) -> None:
        """Tags on the run."""


NULL_TRACKER = Tracker()
