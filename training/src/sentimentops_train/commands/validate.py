"""Check the dataset against its expectations and write a JSON report; exit 1 if any fails.

Expectations: schema, row counts, no null or empty text, the label set, label balance, text
length, unique ids, the duplicate rate and train/validation/test leakage, with bounds from the
config's `validation:` section. The report (Great Expectations' result shape) goes to
`<output_dir>/validation/report.json`, replaced whole; a failing dataset still gets its report,
and the error names it, so the pipeline stops before training on bad data.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import console
from ..config import Config
from ..errors import DataValidationError
from ._layout import RunLayout, write_json_atomic


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dataset",
        type=Path,
        metavar="DIR",
        help="dataset folder to validate (default: <output_dir>/dataset)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        metavar="PATH",
        help="where the JSON report goes (default: <output_dir>/validation/report.json)",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    summary = execute(config, dataset=args.dataset, report=args.report)
    if args.json:
        console.print_summary("validate", summary)
    return 0


def report_path(config: Config) -> Path:
    return RunLayout.of(config).root / "validation" / "report.json"


def execute(
    config: Config,
    *,
    dataset: Path | None = None,
    report: Path | None = None,
    log: Callable[[str], None] = console.log,
) -> dict[str, Any]:
    """Validates, writes the report, logs its summary; DataValidationError when it failed."""
    from ..validate import describe, failed_names, validate_dataset  # pyarrow: once it runs

    dataset = dataset or RunLayout.of(config).dataset
    report = report or report_path(config)
    result = validate_dataset(dataset, config.validation)
    write_json_atomic(report, result)
    lines = describe(result)
    for line in lines:
        log(line)
    stats = result["statistics"]
    if not result["success"]:
        raise DataValidationError(
            f"{dataset}: {stats['unsuccessful_expectations']} of "
            f"{stats['evaluated_expectations']} expectations failed ({failed_names(result)}); "
            f"report: {report}"
        )
    log(f"wrote {report}")
    return {
        "report": str(report),
        "dataset": str(dataset),
        "content_sha256": result["meta"]["content_sha256"],
        "success": True,
        "statistics": stats,
    }
