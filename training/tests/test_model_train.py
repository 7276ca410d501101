"""Model building and the training loop, on a tiny model and a tiny separable synthetic set.

The tokenizer is a WordPiece trained inline on the test texts (not the package's tokenizer
module), so these tests depend only on the `tokenizers` library.
"""

from __future__ import annotations

import json
import random

import numpy as np
import pytest
import torch
from transformers import DistilBertForSequenceClassification, PreTrainedTokenizerFast

from toy_data import synthetic as _synthetic
from toy_data import tiny_tokenizer

from sentimentops_train.errors import ConfigError, ModelError
from sentimentops_train.evaluate import evaluate
from sentimentops_train.model import ModelSpec, build_model, encode_texts, pad_batch
from sentimentops_train.train import (
    THREADS_ENV,
    TrainSpec,
    configure_threads,
    make_train_batches,
    seed_everything,
    select_precision,
    train,
)

MAX_LENGTH = 32
TINY = ModelSpec(dim=32, n_layers=1, n_heads=2, hidden_dim=64, dropout=0.0)






def synthetic(n: int, seed: int) -> tuple[list[str], list[int]]:
    return _synthetic(n, seed, min_words=3, max_sentiment_words=2)


@pytest.fixture(autouse=True)
def one_thread(monkeypatch):
    # Tiny models run fastest on one thread, and a second thread that waits on a busy core
    # (parallel test runs) makes them ten times slower.
    monkeypatch.setenv(THREADS_ENV, "1")


@pytest.fixture(scope="module")
def data() -> dict[str, tuple[list[str], list[int]]]:
    return {"train": synthetic(240, 1), "validation": synthetic(80, 2)}


@pytest.fixture(scope="module")
def tokenizer(data) -> PreTrainedTokenizerFast:
    return tiny_tokenizer(data["train"][0])


def tiny_model(
    tokenizer: PreTrainedTokenizerFast, seed: int = 0
) -> DistilBertForSequenceClassification:
    seed_everything(seed)
    return build_model(TINY, len(tokenizer), tokenizer.pad_token_id, MAX_LENGTH)


def fast_spec(**overrides) -> TrainSpec:
    base = dict(
        epochs=6,
        batch_size=16,
        learning_rate=3e-3,
        weight_decay=0.01,
        warmup_ratio=0.1,
        patience=3,
        max_length=MAX_LENGTH,
        seed=7,
        log_interval_s=0.0,
    )
    return TrainSpec(**{**base, **overrides})


def test_build_model_from_config_has_the_requested_shape(tokenizer):
    model = tiny_model(tokenizer)
    cfg = model.config
    assert (cfg.dim, cfg.n_layers, cfg.n_heads, cfg.hidden_dim) == (32, 1, 2, 64)
    assert cfg.vocab_size == len(tokenizer) and cfg.pad_token_id == tokenizer.pad_token_id
    assert cfg.max_position_embeddings == MAX_LENGTH and cfg.num_labels == 2
    assert cfg.id2label == {0: "negative", 1: "positive"}


def test_build_model_from_a_local_pretrained_directory(tokenizer, tmp_path):
    saved = tiny_model(tokenizer)
    saved.save_pretrained(tmp_path / "pretrained")
    loaded = build_model(
        ModelSpec(pretrained=str(tmp_path / "pretrained")),
        len(tokenizer),
        tokenizer.pad_token_id,
        MAX_LENGTH,
    )
    assert loaded.config.id2label == {0: "negative", 1: "positive"}
    for (name, a), (_, b) in zip(
        saved.state_dict().items(), loaded.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), name
    with pytest.raises(ModelError, match="larger than the embeddings"):
        build_model(ModelSpec(pretrained=str(tmp_path / "pretrained")), 10_000, 0, MAX_LENGTH)
    with pytest.raises(ModelError, match="max_position_embeddings"):
        build_model(ModelSpec(pretrained=str(tmp_path / "pretrained")), len(tokenizer), 0, 512)


def test_build_model_rejects_dim_not_divisible_by_heads():
    with pytest.raises(ModelError, match="divisible"):
        build_model(ModelSpec(dim=30, n_layers=1, n_heads=4, hidden_dim=64), 100, 0, 16)


def test_encoding_truncates_and_pads_dynamically(tokenizer):
    encoded = encode_texts(tokenizer, ["great", " ".join(["movie"] * 100)], MAX_LENGTH)
    assert len(encoded[0]) == 3 and len(encoded[1]) == MAX_LENGTH  # [CLS] great [SEP]
    ids, mask = pad_batch(encoded[:1] + [encoded[0] + [5]], tokenizer.pad_token_id)
    assert ids.shape == (2, 4) and ids.dtype.name == "int64"
    assert mask.tolist() == [[1, 1, 1, 0], [1, 1, 1, 1]] and ids[0, 3] == tokenizer.pad_token_id


def test_train_batches_are_deterministic_bucketed_and_cover_every_row():
    lengths = [random.Random(3).randint(3, 60) for _ in range(500)]
    first = make_train_batches(lengths, 8, seed=1, epoch=1)
    assert first == make_train_batches(lengths, 8, seed=1, epoch=1)
    assert first != make_train_batches(lengths, 8, seed=1, epoch=2)
    assert sorted(i for b in first for i in b) == list(range(500))
    # Within a batch lengths are close (sorted pools), unlike a plain shuffle.
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in first) / len(
        first
    )
    assert spread < 5


def test_precision_selection():
    assert select_precision("auto", "cpu", False).name == "fp32"
    plan = select_precision("bf16", "cpu", False)
    assert plan.name == "fp32" and plan.autocast_dtype is None and "cpu" in plan.note
    bf16 = select_precision("auto", "cuda", True)
    assert (bf16.name, bf16.autocast_dtype, bf16.grad_scaler) == ("bf16", torch.bfloat16, False)
    fp16 = select_precision("auto", "cuda", False)
    assert (fp16.name, fp16.autocast_dtype, fp16.grad_scaler) == ("fp16", torch.float16, True)
    assert select_precision("fp16", "cuda", True).grad_scaler
    assert select_precision("bf16", "cuda", False).name == "fp16"
    assert select_precision("fp32", "cuda", True).autocast_dtype is None
    with pytest.raises(ConfigError):
        select_precision("int8", "cuda", True)


def test_threads_come_from_the_environment():
    before = torch.get_num_threads()
    try:
        assert configure_threads({THREADS_ENV: "1"}) == 1 and torch.get_num_threads() == 1
        assert configure_threads({}) >= 1
        with pytest.raises(ConfigError):
            configure_threads({THREADS_ENV: "zero"})
    finally:
        torch.set_num_threads(before)


def test_tiny_model_learns_the_separable_set_and_checkpoints(data, tokenizer, tmp_path):
    lines: list[str] = []
    model = tiny_model(tokenizer)
    result = train(
        model,
        tokenizer,
        *data["train"],
        *data["validation"],
        fast_spec(eval_every_steps=10),
        tmp_path,
        lines.append,
    )

    assert (
        result.best_metrics["accuracy"] >= 0.95
        and result.device == "cpu"
        and result.precision == "fp32"
    )
    assert any(
        h["step"] % 10 == 0 and h["step"] % 15 != 0 for h in result.history
    )  # mid-epoch evals
    assert max(h["val_macro_f1"] for h in result.history) == result.best_metrics["macro_f1"]
    assert any(
        line.startswith("epoch 1/6 step 1/15") and "steps/s" in line and "eta" in line
        for line in lines
    )
    assert any(line.startswith("eval epoch") for line in lines)

    for name in ("best", "last"):
        assert (tmp_path / "checkpoints" / name / "config.json").is_file()
        assert (tmp_path / "checkpoints" / name / "tokenizer.json").is_file()
    state = json.loads((tmp_path / "checkpoints/best/training_state.json").read_text())
    assert (state["epoch"], state["step"]) == (result.best_epoch, result.best_step)

    # The returned model holds the best weights, and so does the checkpoint.
    best = DistilBertForSequenceClassification.from_pretrained(tmp_path / "checkpoints" / "best")
    for (name, a), (_, b) in zip(
        model.state_dict().items(), best.state_dict().items(), strict=True
    ):
        assert torch.equal(a, b), name
    report = evaluate(
        *data["validation"], model=model, tokenizer=tokenizer, max_length=MAX_LENGTH, baseline=False
    )
    assert report["model"]["accuracy"] == pytest.approx(result.best_metrics["accuracy"])


def test_training_is_reproducible_with_a_seed(data, tokenizer, tmp_path):
    spec = fast_spec(epochs=2)
    runs = []
    for run in ("a", "b"):
        result = train(
            tiny_model(tokenizer),
            tokenizer,
            *data["train"],
            *data["validation"],
            spec,
            tmp_path / run,
            lambda _: None,
        )
        runs.append([(h["train_loss"], h["val_loss"]) for h in result.history])
    assert runs[0] == runs[1]


def test_early_stopping_with_patience(data, tokenizer, tmp_path):
    # A learning rate of ~0 leaves the model unchanged: no evaluation after the first is
    # better, so patience 2 stops after epoch 3 of 20.
    result = train(
        tiny_model(tokenizer),
        tokenizer,
        *data["train"],
        *data["validation"],
        fast_spec(epochs=20, patience=2, learning_rate=1e-12),
        tmp_path,
        lambda _: None,
    )
    assert result.stopped_early and result.best_epoch == 1
    assert [h["epoch"] for h in result.history] == [1, 2, 3]
    assert result.steps_run == 3 * 15 < result.total_steps
    assert (tmp_path / "checkpoints/last/config.json").is_file()


def test_each_evaluation_is_handed_out_as_made_and_throughput_is_measured(
    data, tokenizer, tmp_path
):
    seen: list[dict] = []
    result = train(
        tiny_model(tokenizer),
        tokenizer,
        *data["train"],
        *data["validation"],
        fast_spec(epochs=2, patience=0),
        tmp_path,
        lambda _: None,
        on_evaluation=seen.append,  # experiment tracking logs these live
    )
    assert seen == result.history and [e["epoch"] for e in seen] == [1, 2]
    assert result.train_samples == 2 * len(data["train"][0])
    assert result.samples_per_s > 0


@pytest.mark.parametrize("plan", [("bf16", torch.bfloat16, False), ("fp16", torch.float16, True)])
def test_mixed_precision_code_path_runs(data, tokenizer, tmp_path, monkeypatch, plan):
    # No GPU here: force the CUDA plans onto CPU autocast (and a CPU GradScaler for fp16) so
    # the autocast / scale / unscale / clip / step path is exercised end to end.
    from sentimentops_train import train as train_module

    monkeypatch.setattr(train_module, "select_precision", lambda *_: train_module.AmpPlan(*plan))
    result = train(
        tiny_model(tokenizer),
        tokenizer,
        *data["train"],
        *data["validation"],
        fast_spec(epochs=2),
        tmp_path,
        lambda _: None,
    )
    assert result.precision == plan[0]
    assert all(np.isfinite(h["train_loss"]) and np.isfinite(h["val_loss"]) for h in result.history)
    best = DistilBertForSequenceClassification.from_pretrained(tmp_path / "checkpoints" / "best")
    assert all(p.dtype == torch.float32 for p in best.parameters())  # fp32 master weights
