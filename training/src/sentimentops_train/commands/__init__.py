"""The CLI's commands, one module each, registered by being in this folder.

A command is a module `sentimentops_train.commands.<name>` (no leading underscore) that defines

    add_arguments(parser: argparse.ArgumentParser) -> None   # options of its own
    run(args: argparse.Namespace, config: Config) -> int      # the exit status

and whose docstring's first line is its `--help` text. The CLI gives every command `--config`,
`--set` and `--json`, loads the config, and passes it to `run`. Nothing else needs editing to add
a command, so each one is written (and reviewed) on its own. A command imports heavy
dependencies (torch, transformers) inside `run`, so that `--help` and the light commands start
fast.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import Config

# The order `--help` lists them in: the pipeline's order. Unlisted commands follow, by name.
ORDER = (
    "generate",
    "ingest",
    "validate",
    "snapshot",
    "tokenizer",
    "pretrain",
    "train",
    "evaluate",
    "evaluate-model",
    "export",
    "all",
)


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace, Config], int]


def discover() -> list[Command]:
    """Every command module in this package, in ORDER."""
    commands = []
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for attribute in ("add_arguments", "run"):
            if not callable(getattr(module, attribute, None)):
                raise TypeError(f"command module {module.__name__} has no {attribute}()")
        summary = (module.__doc__ or "").strip().splitlines()
        commands.append(
            Command(
                info.name.replace("_", "-"),
                summary[0] if summary else "",
                module.add_arguments,
                module.run,
            )
        )
    rank = {name: index for index, name in enumerate(ORDER)}
    return sorted(commands, key=lambda c: (rank.get(c.name, len(ORDER)), c.name))
