"""The classifier's labels, in logit order: index 0 is `negative`, index 1 is `positive`.

Serving reports `probabilities: {"negative": p0, "positive": p1}` (DESIGN.md), so every part of
the job (ingestion, training, evaluation, export) takes the order from here.
"""

from typing import Final

LABELS: Final[tuple[str, str]] = ("negative", "positive")
LABEL_TO_ID: Final[dict[str, int]] = {label: index for index, label in enumerate(LABELS)}
ID_TO_LABEL: Final[dict[int, str]] = dict(enumerate(LABELS))
