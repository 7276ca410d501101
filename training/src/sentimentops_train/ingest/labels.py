"""Label spellings accepted in input data, mapped to the canonical `negative`/`positive`."""

from typing import Any

from ..labels import LABELS

_SPELLINGS = {
    "0": "negative",
    "neg": "negative",
    "negative": "negative",
    "1": "positive",
    "pos": "positive",
    "positive": "positive",
}
EXPECTED = "0/1, neg/pos or negative/positive"


def parse_label(value: Any) -> str | None:
    """The canonical label for `value`, or None when it is not a known spelling.

    Booleans are refused on purpose: whether True means positive is a guess about the data.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return LABELS[value] if value in (0, 1) else None
    if isinstance(value, str):
        return _SPELLINGS.get(value.strip().lower())
    return None
