"""What the pipeline commands share: where a run's outputs live, the checks that a step's inputs
exist and belong together, and atomic replacement of a step's output.

A run lives under the config's `output_dir` (`--set output_dir=RUNDIR`):

    dataset/                 ingest      train/validation/test.parquet + manifest.json
                                         (or any dataset folder, given as `--dataset DIR`)
    tokenizer/               tokenizer   tokenizer.json (+ tokenizer-info.json; a pretrained
                                         tokenizer also keeps its save_pretrained files)
    checkpoints/             train       best/, last/ (save_pretrained) + train-result.json
    metrics.json             evaluate    of the best checkpoint
    metrics-onnx[-int8].json evaluate --model-dir
    model/                   export      the served-ready model directory

Each step reads what the previous ones wrote and records what it was made from (dataset hash,
tokenizer sha256, training run id), so a step never runs silently on stale inputs: after a new
`ingest`, `train` refuses the old tokenizer, `export` refuses the old checkpoint, and so on, each
with the command to run. Each step replaces its own output whole: written beside it, renamed into
place when complete.

Light imports only: the CLI imports every command module to list them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..config import Config
from ..errors import DataError, ModelError, TrainingError

TOKENIZER_JSON = "tokenizer.json"
TOKENIZER_INFO = "tokenizer-info.json"
TRAIN_RESULT = "train-result.json"
PRETRAIN_RESULT = "pretrain-result.json"
CARD_FILE = "model-card.json"  # = serving.CARD_FILE, without importing onnxruntime here

CLI = "python -m sentimentops_train"


@dataclass(frozen=True)
class RunLayout:
    """The paths of one run, from its config; the dataset may live elsewhere (`--dataset`)."""

    root: Path
    dataset: Path

    @classmethod
    def of(cls, config: Config, dataset: Path | None = None) -> RunLayout:
        root = Path(config.output_dir)
        return cls(root, Path(dataset) if dataset is not None else root / "dataset")

    @property
    def tokenizer_dir(self) -> Path:
        return self.root / "tokenizer"

    @property
    def tokenizer_json(self) -> Path:
        return self.tokenizer_dir / TOKENIZER_JSON

    @property
    def pretrained(self) -> Path:
        return self.root / "pretrained"  # the masked-LM encoder that `train` starts from

    @property
    def checkpoints(self) -> Path:
        return self.root / "checkpoints"

    @property
    def best_checkpoint(self) -> Path:
        return self.checkpoints / "best"  # train.train's name

    @property
    def train_result(self) -> Path:
        return self.checkpoints / TRAIN_RESULT

    @property
    def metrics(self) -> Path:
        return self.root / "metrics.json"

    def onnx_metrics(self, int8: bool) -> Path:
        return self.root / ("metrics-onnx-int8.json" if int8 else "metrics-onnx.json")

    @property
    def model_dir(self) -> Path:
        return self.root / "model"

    @property
    def generated(self) -> Path:
        return self.root / "generated.jsonl"


def run_first(step: str) -> str:
    return f"run `{CLI} {step} --config ...` first"


def add_dataset_argument(parser: argparse.ArgumentParser) -> None:
    """`--dataset DIR`, the option every step that reads the dataset shares."""
    parser.add_argument(
        "--dataset",
        type=Path,
        metavar="DIR",
        help="dataset folder to read (default: <output_dir>/dataset)",
    )


def dataset_summary(layout: RunLayout, manifest: dict[str, Any]) -> dict[str, Any]:
    """What a step's `--json` summary says about the dataset it read."""
    return {"path": str(layout.dataset), "content_sha256": manifest["content_sha256"]}


# --- inputs -----------------------------------------------------------------------------------


def require_dataset(layout: RunLayout) -> dict[str, Any]:
    """The dataset's manifest; DataError naming `ingest` when there is none."""
    from ..ingest import load_manifest  # pyarrow: only once a step runs

    return load_manifest(layout.dataset)


def require_tokenizer(layout: RunLayout, manifest: dict[str, Any]) -> dict[str, Any]:
    """tokenizer-info.json of the run's tokenizer, checked against the current dataset."""
    if not layout.tokenizer_json.is_file():
        raise ModelError(f"{layout.tokenizer_json}: no tokenizer yet; {run_first('tokenizer')}")
    what = f"record of the tokenizer step; {run_first('tokenizer')}"
    info = read_json(layout.tokenizer_dir / TOKENIZER_INFO, what)
    trained_on = info.get("dataset_sha256")
    if trained_on is not None and trained_on != manifest["content_sha256"]:
        raise ModelError(
            f"{layout.tokenizer_dir}: trained on dataset {trained_on[:12]}, but the dataset is now "
            f"{manifest['content_sha256'][:12]}; {run_first('tokenizer')}"
        )
    return info


def require_checkpoint(layout: RunLayout, manifest: dict[str, Any]) -> dict[str, Any]:
    """train-result.json of the run's checkpoints, checked against the current dataset."""
    result = read_json(layout.train_result, f"trained checkpoint; {run_first('train')}")
    best = layout.best_checkpoint
    if not (best / "config.json").is_file():
        raise ModelError(f"{best}: the best checkpoint is missing; {run_first('train')}")
    if result["dataset_sha256"] != manifest["content_sha256"]:
        raise ModelError(
            f"{layout.checkpoints}: trained on dataset {result['dataset_sha256'][:12]}, but the "
            f"dataset is now {manifest['content_sha256'][:12]}; {run_first('train')}"
        )
    return result


def require_pretrained(layout: RunLayout, tokenizer_sha256: str) -> dict[str, Any]:
    """pretrain-result.json of the run's pretrained encoder, checked against its tokenizer: an
    encoder's embeddings are rows of one vocabulary, meaningless under another."""
    what = f"record of the pretrain step; {run_first('pretrain')}"
    record = read_json(layout.pretrained / PRETRAIN_RESULT, what)
    if record.get("tokenizer_sha256") != tokenizer_sha256:
        pretrained_with = str(record.get("tokenizer_sha256"))[:12]
        raise ModelError(
            f"{layout.pretrained}: pretrained with tokenizer {pretrained_with}, but the run's "
            f"tokenizer is now {tokenizer_sha256[:12]}; {run_first('pretrain')}"
        )
    return record


def read_json(path: Path, what: str) -> dict[str, Any]:
    """A JSON object from `path`; a missing file is a ModelError saying `no <what>`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: no {what}") from None
    except (OSError, ValueError) as error:
        raise ModelError(f"{path}: unreadable ({error})") from None
    if not isinstance(data, dict):
        raise ModelError(f"{path}: not a JSON object")
    return data


def split_texts_labels(dataset: Path, split: str) -> tuple[list[str], list[str]]:
    from ..ingest import load_split

    table = load_split(dataset, split)
    return table.column("text").to_pylist(), table.column("label").to_pylist()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- atomic output ----------------------------------------------------------------------------


def write_json_atomic(path: Path, data: Any) -> None:
    """`path` holds the new JSON or (after any failure) what it held before, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        make_readable(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def make_readable(path: Path) -> None:
    """The mode a plain `open()` would give (mkstemp's files are private to their owner)."""
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(0o666 & ~umask)


def staging_dir(target: Path) -> Path:
    """A new hidden folder beside `target` (same file system: the final rename is atomic)."""
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.with_name(f".{target.name}.tmp-{uuid.uuid4().hex[:12]}")
    staging.mkdir()
    return staging


def check_replaceable(target: Path, marker: str, error: type[TrainingError] = DataError) -> None:
    """Refuses to replace anything but an earlier output of the same step (one that holds
    `marker`), so a mistyped `--out` cannot delete a folder of other files."""
    if target.is_file() or target.is_symlink():
        raise error(f"{target}: exists and is not a folder this step wrote; not replacing it")
    if target.is_dir() and any(target.iterdir()) and not (target / marker).exists():
        raise error(f"{target}: a folder that holds no {marker}; not replacing it")


def publish_dir(staging: Path, target: Path) -> None:
    """Renames the complete `staging` folder to `target`, replacing an earlier one."""
    target = target.absolute()
    if not target.exists():
        staging.rename(target)
        return
    # A directory rename cannot replace a non-empty one: move the old one aside first.
    previous = target.with_name(f".{target.name}.old-{uuid.uuid4().hex[:12]}")
    target.rename(previous)
    try:
        staging.rename(target)
    except BaseException:
        previous.rename(target)
        raise
    shutil.rmtree(previous, ignore_errors=True)


def build_dir(target: Path, marker: str, fill: Callable[[Path], Any]) -> Any:
    """`fill(staging)` writes the folder's content; on success it replaces `target` whole, on
    any failure nothing changes at `target`. Returns what `fill` returned."""
    check_replaceable(target, marker)
    staging = staging_dir(target)
    try:
        result = fill(staging)
        publish_dir(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return result


# --- reporting --------------------------------------------------------------------------------


def duration(seconds: float) -> str:
    seconds = int(round(seconds))
    minutes, secs = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours}h{minutes:02d}m{secs:02d}s"
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


def megabytes(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.0f} kB"
