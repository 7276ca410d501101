"""Write generated reviews with known labels as JSONL (text, label, domain per line).

The seeded review generator (`sentimentops_train.generate`): the same count, seed and domains
give the same file on every machine with the same word resources. Defaults come from the
config (`data.source.count`, `seed`, `data.source.domains`); the file, `<output_dir>/
generated.jsonl` unless `--out`, is replaced only when complete. `ingest` reads it with
`data.source.kind: files` (or generates in memory with `kind: generated`).
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .. import console
from ..config import Config
from ..errors import ConfigError, DataError
from ._layout import RunLayout, make_readable, sha256_of


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--count", type=_positive, metavar="N", help="reviews (default: data.source.count)"
    )
    parser.add_argument("--seed", type=int, metavar="N", help="seed (default: the config's seed)")
    parser.add_argument(
        "--domains",
        type=_domains,
        metavar="A,B",
        help="comma-separated domains, e.g. movies,products,restaurants "
        "(default: data.source.domains)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="JSONL file (default: <output_dir>/generated.jsonl); replaced",
    )


def run(args: argparse.Namespace, config: Config) -> int:
    summary = execute(config, count=args.count, seed=args.seed, domains=args.domains, out=args.out)
    if args.json:
        console.print_summary("generate", summary)
    return 0


def execute(
    config: Config,
    *,
    count: int | None = None,
    seed: int | None = None,
    domains: list[str] | None = None,
    out: Path | None = None,
    log: Callable[[str], None] = console.log,
) -> dict[str, Any]:
    """Writes the JSONL; returns the summary (path, sha256, counts per label and domain)."""
    from ..generate import DOMAINS, MissingResourceError, run_generate

    count = count if count is not None else config.data.source.count
    if count is None:
        raise ConfigError("generate: pass --count (the config has no data.source.count)")
    seed = config.seed if seed is None else seed
    domains = list(domains or config.data.source.domains)
    unknown = [d for d in domains if d not in DOMAINS]
    if unknown:
        raise ConfigError(
            f"generate: unknown domain {', '.join(map(repr, unknown))}; "
            f"known: {', '.join(DOMAINS)}"
        )
    out = Path(out) if out is not None else RunLayout.of(config).generated
    if out.is_dir():
        raise DataError(f"{out}: is a folder; --out names the JSONL file to write")
    log(f"generating {count} reviews (seed {seed}; {', '.join(domains)})")
    try:
        run_generate(count, seed, domains, out)
    except MissingResourceError as error:
        raise DataError(str(error)) from None
    make_readable(out)  # written through mkstemp: owner-only
    labels: Counter[str] = Counter()
    by_domain: Counter[str] = Counter()
    with out.open(encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            labels[row["label"]] += 1
            by_domain[row["domain"]] += 1
    log(f"wrote {out} ({count} reviews: {dict(labels)})")
    return {
        "out": str(out),
        "count": count,
        "seed": seed,
        "domains": domains,
        "labels": dict(sorted(labels.items())),
        "by_domain": dict(sorted(by_domain.items())),
        "sha256": sha256_of(out),
    }


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _domains(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError("name at least one domain")
    return names
