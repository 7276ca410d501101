"""Where the CLI's output goes: log and progress lines to stderr, the `--json` summary to stdout.

Keeping stdout for one machine-readable summary lets a caller (the trainer-controller) parse it
while the human-readable log streams past on stderr.
"""

import json
import sys
import time
from collections.abc import Mapping
from typing import Any


def log(message: str) -> None:
    """One timestamped progress line on stderr."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def print_summary(command: str, summary: Mapping[str, Any]) -> None:
    """The command's result as one JSON object on stdout (`ok` tells success from failure)."""
    document = {"command": command, "ok": True, **summary}
    print(json.dumps(document, ensure_ascii=False, default=str), flush=True)


def print_failure(command: str, error: BaseException) -> None:
    """A failed command's `--json` result: the error's class and message."""
    document = {
        "command": command,
        "ok": False,
        "error": {"type": type(error).__name__, "message": str(error)},
    }
    print(json.dumps(document, ensure_ascii=False), flush=True)
