"""Config loading: the shipped configs, validation that lists every problem, `--set` overrides."""

import re
from pathlib import Path

import pytest
import yaml

from sentimentops_train.config import (
    Config,
    apply_overrides,
    config_from_dict,
    config_to_dict,
    load_config,
    parse_override,
)
from sentimentops_train.errors import ConfigError

from ingest_helpers import BASE_CONFIG, make_config

CONFIGS = Path(__file__).resolve().parents[1] / "configs"


@pytest.mark.parametrize("name", ["tiny", "demo", "distilbert-base"])
def test_shipped_configs_are_valid(name: str) -> None:
    config = load_config(CONFIGS / f"{name}.yaml")
    assert isinstance(config, Config)
    assert config.export.opset >= 17


def test_shipped_configs_have_the_agreed_shape() -> None:
    tiny, demo, base = (
        load_config(CONFIGS / f"{n}.yaml") for n in ("tiny", "demo", "distilbert-base")
    )
    assert (
        tiny.data.source.kind == "generated" and tiny.model.dim == 32 and tiny.data.max_length == 64
    )
    assert demo.output_dir == ".cache/runs/demo"
    assert set(demo.data.source.domains) == {"movies", "products", "restaurants"}
    assert (demo.model.dim, demo.model.n_layers, demo.model.n_heads, demo.model.hidden_dim) == (
        128,
        3,
        4,
        512,
    )
    assert demo.tokenizer.vocab_size == 12000 and demo.data.max_length == 128
    assert base.data.source.kind == "hub" and base.data.source.name == "stanfordnlp/imdb"
    assert base.data.source.subset == "plain_text"
    assert base.tokenizer.pretrained == base.model.pretrained == "distilbert-base-uncased"
    assert (base.model.dim, base.model.n_layers, base.model.n_heads, base.model.hidden_dim) == (
        768,
        6,
        12,
        3072,
    )
    assert (base.data.max_length, base.train.epochs, base.train.learning_rate) == (512, 3, 5e-5)


def test_every_problem_is_listed_in_one_error() -> None:
    raw = apply_overrides(
        BASE_CONFIG,
        [
            ("seed", -1),
            ("data.source.fromat", "csv"),
            ("data.split.validation", 0.7),
            ("data.split.test", 0.5),
            ("model.dim", 31),
            ("train.precision", "fp8"),
            ("train.epochs", "two"),
        ],
    )
    del raw["export"]
    with pytest.raises(ConfigError) as caught:
        config_from_dict(raw, "test.yaml")
    message = str(caught.value)
    assert message.startswith("test.yaml: 7 problems")
    for expected in [
        "seed: must be >= 0",
        "data.source.fromat: unknown key (did you mean 'format'?)",
        "data.split.validation + test: must be below 1",
        "model.dim: must be a multiple of n_heads (2) (got 31)",
        "train.precision: must be one of 'auto', 'fp32', 'fp16', 'bf16' (got 'fp8')",
        "train.epochs: must be an integer (got 'two')",
        "export: missing",
    ]:
        assert expected in message


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("train.epochs", True, "train.epochs: must be an integer"),  # a bool is not an int
        ("train.learning_rate", 0, "train.learning_rate: must be > 0"),
        ("export.opset", 16, "export.opset: must be >= 17"),
        ("export.quantize_int8", "yes", "export.quantize_int8: must be true or false"),
        ("data.max_length", 1024, "data.max_length: must be >= 8 and <= 512"),
        ("data.source.kind", "file", "data.source.kind: must be one of 'files', 'generated'"),
        ("data.source.path", None, "data.source.path: required when kind is 'files'"),
        ("data.source.domains", [], "data.source.path"),  # irrelevant for files; path still judged
        (
            "tokenizer.kind",
            "pretrained",
            "tokenizer.pretrained: required when kind is 'pretrained'",
        ),
        ("output_dir", "  ", "output_dir: must be a non-empty string"),
        ("data.extra_sources", {"kind": "files"}, "data.extra_sources: must be a list of mappings"),
        (
            "data.extra_sources",
            [{"kind": "files", "path": "a.csv"}, {"kind": "files"}],
            "data.extra_sources[1].path: required when kind is 'files'",
        ),
        ("data.extra_sources", ["a.csv"], "data.extra_sources[0]: must be a mapping"),
        ("data.source.max_words", 0, "data.source.max_words: must be >= 1"),
        ("model", [1, 2], "model: must be a mapping"),
    ],
)
def test_bad_values_are_named(key: str, value: object, expected: str) -> None:
    raw = apply_overrides(BASE_CONFIG, [(key, value)])
    if key == "data.source.domains":
        raw = apply_overrides(raw, [("data.source.path", None)])
    with pytest.raises(ConfigError, match=re.escape(expected)):
        config_from_dict(raw)


def test_generated_source_needs_a_count() -> None:
    with pytest.raises(
        ConfigError, match=re.escape("data.source.count: required when kind is 'generated'")
    ):
        make_config(**{"data.source.kind": "generated"})


def test_optional_keys_take_their_defaults() -> None:
    config = make_config()
    assert config.data.source.format == "auto"
    assert (config.data.source.text_column, config.data.source.label_column) == ("text", "label")
    assert config.model.pretrained is None and config.train.eval_every_steps is None


def test_overrides_parse_values_as_yaml() -> None:
    assert parse_override("train.epochs=3") == ("train.epochs", 3)
    assert parse_override("model.pretrained=null") == ("model.pretrained", None)
    assert parse_override("data.source.domains=[movies, products]") == (
        "data.source.domains",
        ["movies", "products"],
    )
    assert parse_override("output_dir=runs/a=b") == ("output_dir", "runs/a=b")


@pytest.mark.parametrize("text", ["epochs", "=3", "train..epochs=3", "train.epochs 3"])
def test_malformed_overrides_are_refused(text: str) -> None:
    with pytest.raises(ConfigError, match=re.escape("expected key.path=value")):
        parse_override(text)


def test_load_config_applies_overrides_before_validation(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(BASE_CONFIG), encoding="utf-8")
    config = load_config(
        path, ["train.learning_rate=5e-5", "seed=99", "model.pretrained=some/model"]
    )
    assert config.train.learning_rate == 5e-5  # YAML reads `5e-5` as a string; accepted as a number
    assert config.seed == 99 and config.model.pretrained == "some/model"
    with pytest.raises(
        ConfigError,
        match=re.escape("with --set overrides: 1 problem\n  - train.epoch: unknown key"),
    ):
        load_config(path, ["train.epoch=3"])
    with pytest.raises(
        ConfigError, match=re.escape("--set seed.x: seed is an integer, not a mapping")
    ):
        load_config(path, ["seed.x=1"])


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "the config is empty"),
        ("- a\n- b\n", "must be a mapping of keys, not a list"),
        ("seed: [unclosed\n", "not valid YAML"),
    ],
)
def test_unusable_files_are_named(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=expected):
        load_config(path)


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=re.escape("nope.yaml: cannot read the config")):
        load_config(tmp_path / "nope.yaml")


def test_config_round_trips_through_plain_data() -> None:
    config = make_config(
        **{
            "data.source.domains": ["movies", "products"],
            "data.extra_sources": [{"kind": "files", "path": "more.csv", "max_words": 150}],
        }
    )
    plain = config_to_dict(config)
    assert plain["data"]["source"]["domains"] == ["movies", "products"]
    assert plain["data"]["extra_sources"][0]["path"] == "more.csv"
    assert config.data.extra_sources[0].max_words == 150
    assert config_from_dict(plain) == config
