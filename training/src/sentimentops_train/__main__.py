"""The training job's CLI.

    python -m sentimentops_train <command> --config training/configs/<name>.yaml \
        [--set key.path=value ...] [--json] [command options]

Exit status: 0 done; 1 an expected failure (bad config or data...), printed as `error: <message>`
on stderr without a traceback; 2 a usage error; 130 interrupted. Log lines go to stderr; with
`--json`, stdout carries one JSON object that summarises the result (or the error).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import __version__, console
from .commands import Command, discover
from .config import load_config, parse_override
from .errors import ConfigError, TrainingError


def main(argv: Sequence[str] | None = None) -> int:
    commands = discover()
    parser = build_parser(commands)
    args = parser.parse_args(argv)
    command = next(c for c in commands if c.name == args.command)
    try:
        config = load_config(args.config, args.overrides)
        return command.run(args, config)
    except TrainingError as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        if args.json:
            console.print_failure(command.name, error)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def build_parser(commands: Sequence[Command]) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config",
        required=True,
        metavar="PATH",
        help="YAML config, e.g. training/configs/tiny.yaml",
    )
    common.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        type=_override,
        metavar="KEY.PATH=VALUE",
        help="override one config value (repeatable), e.g. train.epochs=2",
    )
    common.add_argument(
        "--json", action="store_true", help="print a JSON summary of the result on stdout"
    )

    parser = argparse.ArgumentParser(
        prog="python -m sentimentops_train",
        description="SentimentOps training job: data in, served-ready model directory out.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="<command>")
    for command in commands:
        sub = subparsers.add_parser(
            command.name, parents=[common], help=command.help, description=command.help
        )
        command.add_arguments(sub)
    return parser


def _override(text: str) -> str:
    """Rejects a malformed `--set` as a usage error (exit 2); the value is parsed later."""
    try:
        parse_override(text)
    except ConfigError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


if __name__ == "__main__":
    sys.exit(main())
