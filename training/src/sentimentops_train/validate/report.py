"""The validation report: Great Expectations' result shape, and its summary for people."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from .. import __version__
from .result import Result

FORMAT = "sentimentops-validation/1"


def build_report(results: Sequence[Result], meta: Mapping[str, Any]) -> dict[str, Any]:
    passed = sum(result.success for result in results)
    total = len(results)
    return {
        "format": FORMAT,
        "success": passed == total,
        "statistics": {
            "evaluated_expectations": total,
            "successful_expectations": passed,
            "unsuccessful_expectations": total - passed,
            "success_percent": round(100 * passed / total, 2) if total else 100.0,
        },
        "results": [result.to_dict() for result in results],
        "meta": {
            **meta,
            "validated_by": f"sentimentops-train {__version__}",
            "validated_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        },
    }


def failures(report: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [result for result in report["results"] if not result["success"]]


def describe(report: Mapping[str, Any]) -> list[str]:
    """One line for the outcome, then one per failed expectation: what, where, what was seen."""
    stats = report["statistics"]
    lines = [
        f"validation: {stats['successful_expectations']}/{stats['evaluated_expectations']} "
        f"expectations met" + ("" if report["success"] else " - FAILED")
    ]
    for result in failures(report):
        kwargs = result["kwargs"]
        where = ", ".join(f"{key}={kwargs[key]}" for key in ("split", "column") if key in kwargs)
        details = result["details"]
        seen = details.get("error") or f"observed {_compact(result['observed_value'])}"
        if details.get("unexpected_count"):
            seen += f", {details['unexpected_count']} rows"
        bounds = {
            key: value
            for key, value in kwargs.items()
            if key not in ("split", "column", "columns", "value_set", "splits", "scope")
        }
        expected = f" (expected {_compact(bounds)})" if bounds else ""
        lines.append(f"  failed {result['expectation']} [{where}]: {seen}{expected}")
    return lines


def failed_names(report: Mapping[str, Any]) -> str:
    """The failed expectations, each once, with the splits it failed in: for an error message."""
    where: dict[str, list[str]] = {}
    for result in failures(report):
        where.setdefault(result["expectation"], []).append(result["kwargs"].get("split", "dataset"))
    return "; ".join(f"{name} on {', '.join(splits)}" for name, splits in where.items())


def _compact(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "..."
