"""Typed training configuration: one YAML file plus `--set key.path=value` overrides.

Validation walks the dataclasses below and collects every problem (unknown or missing keys, wrong
types, values out of range, inconsistent combinations) into a single ConfigError, so a broken
config is fixed in one round trip instead of one error at a time.

Relative paths in a config (`output_dir`, `data.source.path`, `tokenizer.wordlist`) are relative
to the working directory of the CLI: the repository root for the `make` targets.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import math
import operator
import re
import types
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, dataclass, field
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import yaml

from .errors import ConfigError

SourceKind = Literal["files", "generated", "hub"]
SourceFormat = Literal["auto", "imdb", "csv", "jsonl", "parquet"]
TokenizerKind = Literal["train", "pretrained"]
Precision = Literal["auto", "fp32", "fp16", "bf16"]


def _bounded(default: Any = MISSING, **bounds: float) -> Any:
    """A dataclass field whose numeric value must satisfy `ge`/`gt`/`le`/`lt` bounds."""
    return field(default=default, metadata={"bounds": bounds})


@dataclass(frozen=True)
class SourceConfig:
    """Where the labelled text comes from."""

    kind: SourceKind
    path: str | None = None  # files: one CSV/JSONL/Parquet file, or an aclImdb root folder
    format: SourceFormat = "auto"  # auto: from the file extension, or the folder layout
    text_column: str = "text"
    label_column: str = "label"
    domains: tuple[str, ...] = ("movies",)  # generated: the review domains to draw from
    count: int | None = _bounded(None, ge=1)  # generated: how many reviews
    name: str | None = None  # hub: the dataset's id, e.g. stanfordnlp/imdb (@revision optional)
    subset: str | None = None  # hub: the folder of its Parquet files (imdb: plain_text)
    # Rows whose text has more words than this are left out (and counted in the manifest): keeps
    # training on a CPU short where a source has a long tail of long texts. null: all rows.
    max_words: int | None = _bounded(None, ge=1)

    def check(self) -> list[str]:
        problems = []
        if self.kind == "files" and self.path is None:
            problems.append("path: required when kind is 'files'")
        if self.kind == "hub" and self.name is None:
            problems.append("name: required when kind is 'hub'")
        if self.kind == "generated" and self.count is None:
            problems.append("count: required when kind is 'generated'")
        if self.kind == "generated" and not self.domains:
            problems.append("domains: name at least one domain")
        return problems


@dataclass(frozen=True)
class SplitConfig:
    """Fractions of the data held out. With a source that has its own test split (aclImdb),
    `test` is not used and `validation` is the fraction of the source's train part."""

    validation: float = _bounded(gt=0, lt=1)
    test: float = _bounded(gt=0, lt=1)

    def check(self) -> list[str]:
        if self.validation + self.test < 1:
            return []
        return [f"validation + test: must be below 1 (got {self.validation:g} + {self.test:g})"]


@dataclass(frozen=True)
class DataConfig:
    source: SourceConfig
    split: SplitConfig
    max_length: int = _bounded(ge=8, le=512)  # tokens; DistilBERT has 512 position embeddings
    # More sources whose rows join `source`'s (ids prefixed `extra<N>:`, N from 1). The test split
    # is `source`'s own where it has one (aclImdb); otherwise every row is split alike.
    extra_sources: tuple[SourceConfig, ...] = ()


@dataclass(frozen=True)
class TokenizerConfig:
    kind: TokenizerKind  # train: WordPiece trained here; pretrained: the model's own tokenizer
    vocab_size: int = _bounded(ge=100, le=1_000_000)
    pretrained: str | None = None  # pretrained: a Hugging Face name or a local folder
    wordlist: str | None = None  # train: extra English words (one a line) beside the train text

    def check(self) -> list[str]:
        if self.kind == "pretrained" and self.pretrained is None:
            return ["pretrained: required when kind is 'pretrained'"]
        return []


@dataclass(frozen=True)
class ModelConfig:
    dim: int = _bounded(ge=8)
    n_layers: int = _bounded(ge=1, le=48)
    n_heads: int = _bounded(ge=1)
    hidden_dim: int = _bounded(ge=8)
    dropout: float = _bounded(ge=0, lt=1)
    pretrained: str | None = None  # weights to start from; null: randomly initialised

    def check(self) -> list[str]:
        if self.dim % self.n_heads:
            return [f"dim: must be a multiple of n_heads ({self.n_heads}) (got {self.dim})"]
        return []


@dataclass(frozen=True)
class DebiasConfig:
    """Product-of-experts training against words that give a label away without carrying
    sentiment (debias.py): those in >= min_count training texts, >= skew of them one label."""

    min_count: int = _bounded(25, ge=1)
    skew: float = _bounded(0.9, gt=0.5, le=1)


@dataclass(frozen=True)
class TrainConfig:
    epochs: int = _bounded(ge=1)
    batch_size: int = _bounded(ge=1)
    learning_rate: float = _bounded(gt=0, le=1)
    weight_decay: float = _bounded(ge=0)
    warmup_ratio: float = _bounded(ge=0, lt=1)
    patience: int = _bounded(ge=0)  # evaluations without a better validation macro-F1; 0: off
    precision: Precision = "auto"  # auto: bf16/fp16 autocast on a GPU that has it, fp32 on CPU
    eval_every_steps: int | None = _bounded(None, ge=1)  # null: evaluate once per epoch
    debias: DebiasConfig | None = None  # null: plain cross-entropy


@dataclass(frozen=True)
class PretrainConfig:
    """Masked-LM pretraining before fine-tuning (pretrain.py), on the train split's text plus
    `sources` (their labels, if any, are not used; rows whose text is in the validation or test
    split are left out)."""

    steps: int = _bounded(ge=1)
    sources: tuple[SourceConfig, ...] = ()
    batch_size: int = _bounded(64, ge=1)
    learning_rate: float = _bounded(1.0e-3, gt=0, le=1)
    weight_decay: float = _bounded(0.01, ge=0)
    warmup_steps: int = _bounded(300, ge=0)
    mask_rate: float = _bounded(0.15, gt=0, lt=1)


@dataclass(frozen=True)
class ExportConfig:
    opset: int = _bounded(ge=17)
    quantize_int8: bool
    parity_tolerance: float = _bounded(gt=0)  # max |PyTorch logit - ONNX logit| allowed (fp32)


@dataclass(frozen=True)
class ValidationConfig:
    """Bounds of the `validate` step's expectations. Every key has a default, so a config without
    a `validation:` section still validates its data."""

    min_label_share: float = _bounded(0.3, gt=0, lt=1)  # of each label, in every split
    max_label_share: float = _bounded(0.7, gt=0, le=1)
    min_text_chars: int = _bounded(2, ge=1)  # of every normalised text
    max_text_chars: int = _bounded(20_000, ge=1)
    max_duplicate_rate: float = _bounded(0.05, ge=0, le=1)  # rows repeating an earlier text
    # Validation/test rows whose exact text is also in another split (train first): 0 = none.
    max_leakage_rate: float = _bounded(0.0, ge=0, le=1)

    def check(self) -> list[str]:
        problems = []
        if self.min_label_share >= self.max_label_share:
            problems.append(
                f"min_label_share: must be below max_label_share ({self.max_label_share:g}) "
                f"(got {self.min_label_share:g})"
            )
        if self.min_text_chars > self.max_text_chars:
            problems.append(
                f"min_text_chars: must be at most max_text_chars ({self.max_text_chars}) "
                f"(got {self.min_text_chars})"
            )
        return problems


_STORE_SCHEMES = ("file://", "gs://")


@dataclass(frozen=True)
class VersioningConfig:
    """Where dataset snapshots are stored and where new labelled data arrives."""

    # file:///abs/path, gs://bucket/prefix, or a plain (relative) path, which means file://.
    store: str = ".cache/artifacts"
    inbox: str = ".cache/inbox"  # new labelled CSV/JSONL/Parquet files; moved to processed/
    # A DVC remote (gs://... or a local path) that `snapshot --dvc` pushes the dataset's objects
    # to and names in .dvc/config; null: only the .dvc file is written.
    dvc_remote: str | None = None

    def check(self) -> list[str]:
        problems = []
        for key, uri in (("store", self.store), ("dvc_remote", self.dvc_remote)):
            if uri and "://" in uri and not uri.startswith(_STORE_SCHEMES):
                problems.append(
                    f"{key}: must be a path, file://... or gs://bucket/prefix (got {uri!r})"
                )
        return problems


@dataclass(frozen=True)
class Config:
    seed: int = _bounded(ge=0, lt=2**32)
    output_dir: str  # run artifacts; the ingested dataset goes to <output_dir>/dataset
    data: DataConfig
    tokenizer: TokenizerConfig
    model: ModelConfig
    train: TrainConfig
    export: ExportConfig
    validation: ValidationConfig = field(default_factory=ValidationConfig)
    versioning: VersioningConfig = field(default_factory=VersioningConfig)
    # Masked-LM pretraining before fine-tuning: of a from-scratch encoder, or of model.pretrained
    # on the domain's text. null: fine-tune model.pretrained (or random weights) directly.
    pretrain: PretrainConfig | None = None


def load_config(path: str | Path, overrides: Sequence[str] = ()) -> Config:
    """Reads a YAML config, applies `key.path=value` overrides, and validates the result."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the config: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not a UTF-8 text file") from None
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML: {error}") from None
    if raw is None:
        raise ConfigError(f"{path}: the config is empty")
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the config must be a mapping of keys, not {_kind(raw)}")
    raw = apply_overrides(raw, [parse_override(item) for item in overrides])
    origin = f"{path} with --set overrides" if overrides else str(path)
    return config_from_dict(raw, origin)


def config_from_dict(raw: Mapping[str, Any], origin: str = "config") -> Config:
    """Validates a plain mapping (as YAML gives it) into a Config; every problem in one error."""
    problems: list[str] = []
    config = _build(Config, raw, "", problems)
    if problems:
        count = f"{len(problems)} problem" + ("s" if len(problems) > 1 else "")
        raise ConfigError(f"{origin}: {count}\n" + "\n".join(f"  - {p}" for p in problems))
    return config


def config_to_dict(config: Config) -> dict[str, Any]:
    """The config as JSON/YAML-ready plain data (tuples become lists)."""
    return _plain(dataclasses.asdict(config))


_KEY_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def parse_override(text: str) -> tuple[str, Any]:
    """Parses `key.path=value`; the value is read as YAML (`3`, `0.1`, `null`, `[a, b]`)."""
    key, sep, value = text.partition("=")
    key = key.strip()
    if not sep or not _KEY_PATH.match(key):
        raise ConfigError(f"--set {text!r}: expected key.path=value, e.g. train.epochs=2")
    try:
        parsed = yaml.safe_load(value) if value.strip() else ""
    except yaml.YAMLError:
        parsed = value  # not YAML: a plain string, which validation then judges
    return key, parsed


def apply_overrides(raw: Mapping[str, Any], overrides: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """A copy of `raw` with each dotted key set; missing intermediate mappings are created."""
    result: dict[str, Any] = copy.deepcopy(dict(raw))
    for key, value in overrides:
        parts = key.split(".")
        node: Any = result
        for depth, part in enumerate(parts[:-1]):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                parent = ".".join(parts[: depth + 1])
                raise ConfigError(f"--set {key}: {parent} is {_kind(child)}, not a mapping")
            node = child
        node[parts[-1]] = value
    return result


# --- validation -----------------------------------------------------------------------------

_INVALID = object()  # a value that failed validation (its problem is already recorded)


def _build(cls: type, raw: Any, where: str, problems: list[str]) -> Any:
    if not isinstance(raw, Mapping):
        problems.append(f"{where or 'config'}: must be a mapping, not {_kind(raw)}")
        return _INVALID
    before = len(problems)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    hints = get_type_hints(cls)
    for key in raw:
        if key not in fields:
            problems.append(f"{_join(where, str(key))}: unknown key{_suggest(str(key), fields)}")
    values: dict[str, Any] = {}
    for name, spec in fields.items():
        path = _join(where, name)
        if name not in raw:
            if spec.default is MISSING and spec.default_factory is MISSING:
                problems.append(f"{path}: missing")
            continue
        value = _convert(raw[name], hints[name], path, problems)
        if value is not _INVALID and _within_bounds(value, spec, path, problems):
            values[name] = value
    if len(problems) > before:
        return _INVALID
    instance = cls(**values)
    # Rules across the keys of one section, once each key is valid on its own.
    check = getattr(instance, "check", None)
    problems.extend(_join(where, problem) for problem in (check() if check else []))
    return instance if len(problems) == before else _INVALID


def _convert(value: Any, hint: Any, path: str, problems: list[str]) -> Any:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        options = [arg for arg in get_args(hint) if arg is not type(None)]
        if value is None:
            return None
        (hint,) = options  # the schema only has `X | None`
        return _convert(value, hint, path, problems)
    if origin is Literal:
        choices = get_args(hint)
        if isinstance(value, str) and value in choices:
            return value
        expected = ", ".join(repr(c) for c in choices)
        problems.append(f"{path}: must be one of {expected} (got {value!r})")
        return _INVALID
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, path, problems)
    if origin is tuple:
        (item_hint, _) = get_args(hint)  # the schema only has `tuple[X, ...]`
        if dataclasses.is_dataclass(item_hint):
            if not isinstance(value, list | tuple):
                problems.append(f"{path}: must be a list of mappings (got {_kind(value)})")
                return _INVALID
            items = [
                _build(item_hint, item, f"{path}[{i}]", problems) for i, item in enumerate(value)
            ]
            return _INVALID if any(item is _INVALID for item in items) else tuple(items)
        if isinstance(value, list | tuple) and all(_nonempty_str(item) for item in value):
            return tuple(value)
        problems.append(f"{path}: must be a list of non-empty strings (got {value!r})")
        return _INVALID
    checker = _SCALARS[hint]
    converted = checker(value)
    if converted is _INVALID:
        problems.append(f"{path}: must be {_SCALAR_NAMES[hint]} (got {value!r})")
    return converted


def _as_int(value: Any) -> Any:
    return value if isinstance(value, int) and not isinstance(value, bool) else _INVALID


_FLOAT_TEXT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _as_float(value: Any) -> Any:
    # YAML 1.1 reads `5e-5` (no dot) as a string: accept such numbers written that way.
    if isinstance(value, str) and _FLOAT_TEXT.match(value.strip()):
        value = float(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return _INVALID


def _as_bool(value: Any) -> Any:
    return value if isinstance(value, bool) else _INVALID


def _as_str(value: Any) -> Any:
    return value if _nonempty_str(value) else _INVALID


_SCALARS = {int: _as_int, float: _as_float, bool: _as_bool, str: _as_str}
_SCALAR_NAMES = {
    int: "an integer",
    float: "a number",
    bool: "true or false",
    str: "a non-empty string",
}


_BOUNDS = {
    "ge": (operator.ge, ">="),
    "gt": (operator.gt, ">"),
    "le": (operator.le, "<="),
    "lt": (operator.lt, "<"),
}


def _within_bounds(
    value: Any, spec: dataclasses.Field[Any], path: str, problems: list[str]
) -> bool:
    bounds: dict[str, float] = spec.metadata.get("bounds", {})
    if value is None or all(_BOUNDS[name][0](value, bound) for name, bound in bounds.items()):
        return True
    wanted = " and ".join(f"{_BOUNDS[name][1]} {bound}" for name, bound in bounds.items())
    problems.append(f"{path}: must be {wanted} (got {value!r})")
    return False


# --- helpers --------------------------------------------------------------------------------


def _join(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def _suggest(key: str, known: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    if close:
        return f" (did you mean {close[0]!r}?)"
    return f" (expected one of: {', '.join(known)})"


def _nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), f"a {type(value).__name__}")


_KINDS = {
    dict: "a mapping",
    list: "a list",
    str: "a string",
    int: "an integer",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
