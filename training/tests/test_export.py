"""ONNX export: signature, dynamic axes, parity, int8, card, reference profile, atomicity.

A tiny DistilBERT is trained for a few seconds on a separable synthetic set with a WordPiece
tokenizer trained inline (the `tokenizers` library), then exported once per module.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

from toy_data import synthetic, tiny_tokenizer

from sentimentops_train.errors import ExportError
from sentimentops_train.evaluate import evaluate
from sentimentops_train.export import ExportSpec, export_model, onnx_predict_fn
from sentimentops_train.model import ModelSpec, build_model
from sentimentops_train.train import THREADS_ENV, TrainSpec, seed_everything, train

MAX_LENGTH = 48
EXPECTED_FILES = {
    "model.onnx",
    "model.int8.onnx",
    "tokenizer.json",
    "model-card.json",
    "reference-profile.json",
}






@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> dict:
    mp = pytest.MonkeyPatch()
    mp.setenv(THREADS_ENV, "1")  # tiny models: one thread is fastest and immune to a busy machine
    root = tmp_path_factory.mktemp("export")
    train_set, val_set = synthetic(200, 1), synthetic(60, 2)
    tokenizer = tiny_tokenizer(train_set[0], root / "tokenizer.json")
    seed_everything(3)
    model = build_model(
        ModelSpec(dim=32, n_layers=1, n_heads=2, hidden_dim=64, dropout=0.0),
        len(tokenizer),
        tokenizer.pad_token_id,
        MAX_LENGTH,
    )
    spec = TrainSpec(
        epochs=4,
        batch_size=16,
        learning_rate=3e-3,
        patience=0,
        max_length=MAX_LENGTH,
        seed=3,
        log_interval_s=60,
    )
    result = train(model, tokenizer, *train_set, *val_set, spec, root / "run", lambda _: None)
    # Held-out texts from 2 to far beyond max_length tokens (truncated), plus characters the
    # vocabulary has never seen, so parity covers padding, truncation and unknown tokens.
    test_texts, _ = synthetic(40, 3)
    test_texts += [" ".join(["movie"] * 80) + " great", "ok", "zébra ünknown wörds 😀 great"]
    validation = val_set[0] + [" ".join(["plot"] * 70), "ÿ€ß awful"]
    yield {
        "root": root,
        "tokenizer_json": root / "tokenizer.json",
        "checkpoint": result.best_dir,
        "test_texts": test_texts,
        "validation": (validation, val_set[1] + [0, 0]),
        "metrics": {"validation": {"model": result.best_metrics}},
        "dataset": {"content_hash": "sha256:abc", "counts": {"train": 200, "validation": 62}},
        "training": {"epochs": 4, "batch_size": 16},
    }
    mp.undo()


def run_export(trained: dict, model_dir: Path, **spec_overrides) -> dict:
    spec = ExportSpec(
        **{
            "opset": 17,
            "quantize_int8": True,
            "parity_tolerance": 1e-3,
            "profile_samples": 50,
            **spec_overrides,
        }
    )
    return export_model(
        trained["checkpoint"],
        trained["tokenizer_json"],
        model_dir,
        spec,
        max_length=MAX_LENGTH,
        validation_texts=trained["validation"][0],
        validation_labels=trained["validation"][1],
        parity_texts=trained["test_texts"],
        metrics=trained["metrics"],
        dataset=trained["dataset"],
        training_params=trained["training"],
        log=lambda _: None,
    ).card


@pytest.fixture(scope="module")
def exported(trained) -> Path:
    model_dir = trained["root"] / "models" / "sentiment-1"
    run_export(trained, model_dir)
    return model_dir


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith("."))


def test_model_directory_has_exactly_the_artifacts(exported, trained):
    assert {p.name for p in exported.iterdir()} == EXPECTED_FILES
    assert (exported / "tokenizer.json").read_bytes() == trained["tokenizer_json"].read_bytes()
    assert leftovers(exported.parent) == []


@pytest.mark.parametrize("file", ["model.onnx", "model.int8.onnx"])
def test_onnx_signature_and_dynamic_axes(exported, file):
    graph = onnx.load(str(exported / file)).graph
    dims = lambda v: [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]  # noqa: E731
    assert [(i.name, i.type.tensor_type.elem_type, dims(i)) for i in graph.input] == [
        ("input_ids", onnx.TensorProto.INT64, ["batch", "sequence"]),
        ("attention_mask", onnx.TensorProto.INT64, ["batch", "sequence"]),
    ]
    assert [o.name for o in graph.output] == ["logits"]
    assert dims(graph.output[0])[1] == 2 and isinstance(dims(graph.output[0])[0], str)
    session = ort.InferenceSession(str(exported / file), providers=["CPUExecutionProvider"])
    for batch, length in [(1, 5), (3, 40), (1, 40), (3, 5)]:
        ids = np.random.default_rng(0).integers(5, 100, size=(batch, length), dtype=np.int64)
        mask = np.ones_like(ids)
        mask[-1, length // 2 :] = 0 if batch > 1 else 1
        (logits,) = session.run(None, {"input_ids": ids, "attention_mask": mask})
        assert logits.shape == (batch, 2) and logits.dtype == np.float32


def test_opset_is_at_least_17(exported):
    model = onnx.load(str(exported / "model.onnx"))
    assert max(o.version for o in model.opset_import if o.domain in ("", "ai.onnx")) >= 17


def test_parity_and_int8_agreement_are_recorded(exported):
    card = json.loads((exported / "model-card.json").read_text())
    parity = card["parity"]
    assert parity["fp32"]["passed"] and parity["fp32"]["max_abs_logit_delta"] < 1e-3
    assert parity["max_token_length"] == MAX_LENGTH and parity["min_token_length"] <= 4
    assert parity["single_runs"] == 8 and parity["padding_max_abs_logit_delta"] < 1e-4
    assert (
        0.9 <= parity["int8"]["label_agreement"] <= 1.0
        and parity["int8"]["compared"] > parity["texts"]
    )
    int8 = card["onnx"]["int8"]
    assert int8["weight_type"] == "QInt8" and isinstance(int8["per_channel"], bool)
    assert set(int8["selection"]["mean_abs_logit_delta_vs_fp32"]) == {"per_tensor", "per_channel"}


def test_card_describes_the_model_and_hashes_every_file(exported, trained):
    card = json.loads((exported / "model-card.json").read_text())
    assert card["name"] == "sentiment" and card["labels"] == ["negative", "positive"]
    assert card["max_length"] == MAX_LENGTH and card["onnx"]["opset"] == 17
    assert card["onnx"]["exporter"] in ("torchscript", "dynamo")
    assert set(card["files"]) == EXPECTED_FILES - {"model-card.json"}
    for name, entry in card["files"].items():
        data = (exported / name).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}, name
    assert card["metrics"] == trained["metrics"] and card["dataset"] == trained["dataset"]
    assert card["training"] == trained["training"]
    assert {"torch", "transformers", "onnx", "onnxruntime"} <= set(card["versions"])
    assert card["code_commit"] and card["tokenizer"]["pad_token_id"] == 0
    assert datetime.fromisoformat(card["created_at"].replace("Z", "+00:00")).tzinfo is not None


def test_reference_profile_describes_the_validation_split(exported, trained):
    profile = json.loads((exported / "reference-profile.json").read_text())
    texts, labels = trained["validation"]
    n = len(texts)
    assert (
        profile["split"] == "validation" and profile["n"] == n and profile["sample"]["size"] == 50
    )
    for name, feature in profile["features"].items():
        assert sum(feature["histogram"]["counts"]) == n, name
        assert len(feature["histogram"]["counts"]) == len(feature["histogram"]["edges"]) - 1
        assert len(feature["sample"]) == 50
        assert (
            feature["summary"]["min"]
            <= feature["summary"]["quantiles"]["p50"]
            <= feature["summary"]["max"]
        )
    assert (
        0 <= profile["features"]["score"]["summary"]["min"]
        and profile["features"]["score"]["summary"]["max"] <= 1
    )
    assert sum(profile["predicted_label"]["shares"].values()) == pytest.approx(1.0)
    assert profile["true_label"]["counts"] == {
        "negative": labels.count(0),
        "positive": labels.count(1),
    }
    assert profile["truncation_rate"] == pytest.approx(1 / n)  # the 70-word text only
    assert (
        profile["features"]["token_length"]["summary"]["max"] == 72
    )  # [CLS] + 70 + [SEP], before truncation
    assert profile["features"]["unknown_token_rate"]["summary"]["max"] > 0  # the unseen characters


def test_failed_parity_leaves_no_directory(trained):
    model_dir = trained["root"] / "failing" / "sentiment-2"
    with pytest.raises(ExportError, match="parity failed"):
        run_export(trained, model_dir, parity_tolerance=-1.0, quantize_int8=False)
    assert not model_dir.exists() and leftovers(model_dir.parent) == []


def test_tokenizer_that_is_not_the_trained_one_is_refused(trained, tmp_path):
    other = dict(trained, tokenizer_json=tmp_path / "other.json")
    tiny_tokenizer(["completely different words here"] * 3, other["tokenizer_json"])
    with pytest.raises(ExportError, match="does not encode like"):
        run_export(other, tmp_path / "model")
    assert not (tmp_path / "model").exists() and leftovers(tmp_path) == []


def test_existing_directory_is_kept_unless_overwrite(trained, tmp_path):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "stale.txt").write_text("old")
    with pytest.raises(ExportError, match="already exists"):
        run_export(trained, model_dir)
    assert (model_dir / "stale.txt").exists()
    spec = ExportSpec(quantize_int8=False, profile_samples=10)
    export_model(
        trained["checkpoint"],
        trained["tokenizer_json"],
        model_dir,
        spec,
        max_length=MAX_LENGTH,
        validation_texts=trained["validation"][0],
        parity_texts=trained["test_texts"][:5],
        metrics={},
        dataset={},
        training_params={},
        overwrite=True,
        log=lambda _: None,
    )
    assert {p.name for p in model_dir.iterdir()} == EXPECTED_FILES - {"model.int8.onnx"}
    assert leftovers(tmp_path) == []


def test_not_a_checkpoint_is_an_error(trained, tmp_path):
    with pytest.raises(ExportError, match="no config.json"):
        export_model(
            tmp_path,
            trained["tokenizer_json"],
            tmp_path / "model",
            ExportSpec(),
            max_length=MAX_LENGTH,
            validation_texts=["a"],
            parity_texts=["a"],
            metrics={},
            dataset={},
            training_params={},
        )


def test_exported_model_can_be_evaluated_as_served(exported, trained):
    texts, labels = trained["validation"]
    fp32 = evaluate(texts, labels, predict_fn=onnx_predict_fn(exported), baseline=False)
    int8 = evaluate(texts, labels, predict_fn=onnx_predict_fn(exported, file="model.int8.onnx"))
    assert fp32["model"]["n"] == len(texts) and int8["model"]["n"] == len(texts)
    # The profile was computed with the same session and encoding: the counts must agree.
    profile = json.loads((exported / "reference-profile.json").read_text())
    predicted = profile["predicted_label"]["counts"]["positive"]
    cm = fp32["model"]["confusion_matrix"]["matrix"]
    assert cm[0][1] + cm[1][1] == predicted
