"""Masked-LM pretraining: the masking, the chunking, the loop, the corpus and the `pretrain` step
between `tokenizer` and `train`. Real tokenizers and real (tiny) DistilBERTs; about 30 s."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import torch

from sentimentops_train.config import SourceConfig, load_config
from sentimentops_train.errors import ConfigError, DataError
from sentimentops_train.ingest.corpus import read_corpus
from sentimentops_train.model import ModelSpec, build_model
from sentimentops_train.train import adamw
from sentimentops_train.pretrain import (
    PretrainSpec,
    build_mlm_model,
    make_chunks,
    mask_tokens,
    pretrain_mlm,
)

from ingest_helpers import write_jsonl
from test_commands import TINY, cli, files_args, synthetic_reviews

SPECIAL_IDS, MASK_ID, VOCAB = [0, 1, 2, 3, 4], 4, 200
TINY_MODEL = ModelSpec(dim=32, n_layers=1, n_heads=2, hidden_dim=64, dropout=0.0)


def test_make_chunks_cuts_long_texts_and_wraps_each_piece() -> None:
    chunks = make_chunks([list(range(10, 40)), list(range(50, 55))], 12, cls_id=2, sep_id=3)
    # 30 pieces -> 10 + 10 + 10; the 5-piece text is under the 8-piece minimum and dropped.
    assert [len(c) for c in chunks] == [12, 12, 12]
    assert all(c[0] == 2 and c[-1] == 3 for c in chunks)
    assert [t for c in chunks for t in c[1:-1]] == list(range(10, 40))
    with pytest.raises(DataError, match="too short"):
        make_chunks([[10] * 20], 9, 2, 3)


def test_mask_tokens_picks_only_real_tokens_at_the_rate() -> None:
    generator = torch.Generator().manual_seed(0)
    ids = torch.randint(5, VOCAB, (64, 100), generator=generator)
    ids[:, 0], ids[:, 79] = 2, 3  # [CLS] ... [SEP], then padding
    ids[:, 80:] = 0
    attention = (ids != 0).long()
    specials = torch.tensor(SPECIAL_IDS)
    inputs, picked = mask_tokens(ids, attention, 0.15, VOCAB, specials, MASK_ID, generator)
    assert not picked[:, 80:].any() and not picked[:, 0].any() and not picked[:, 79].any()
    share = picked.sum().item() / (64 * 78)
    assert 0.13 < share < 0.17
    # Of the picked: about 80% [MASK], 10% a random real token, 10% unchanged.
    masked = (inputs[picked] == MASK_ID).float().mean().item()
    unchanged = (inputs[picked] == ids[picked]).float().mean().item()
    assert 0.75 < masked < 0.85 and 0.05 < unchanged < 0.16
    assert ((inputs[picked] >= 0) & (inputs[picked] < VOCAB)).all()
    # Positions not picked are untouched.
    assert torch.equal(inputs[~picked], ids[~picked])


def test_pretraining_learns_a_pattern_and_the_classifier_starts_from_it(tmp_path: Path) -> None:
    # Each text draws its words from one of five groups: a masked word is one of its neighbours'
    # group, which a model that learns anything from context comes to predict.
    generator = torch.Generator().manual_seed(1)
    rows = [
        (10 + 10 * (n % 5) + torch.randint(0, 10, (30,), generator=generator)).tolist()
        for n in range(400)
    ]
    chunks = make_chunks(rows, 32, cls_id=2, sep_id=3)
    torch.manual_seed(0)
    model = build_mlm_model(TINY_MODEL, 60, 0, 32)
    spec = PretrainSpec(
        steps=120,
        batch_size=16,
        learning_rate=1e-2,
        warmup_steps=10,
        max_length=32,
        evaluations=3,
        held_out=40,
        log_interval_s=0,
    )
    lines: list[str] = []
    result = pretrain_mlm(
        model,
        chunks,
        spec,
        mask_id=MASK_ID,
        pad_id=0,
        special_ids=SPECIAL_IDS,
        log=lines.append,
        device="cpu",
    )
    assert result.steps == 120 and result.held_out_chunks == 40
    assert [entry["step"] for entry in result.history] == [40, 80, 120]
    first, last = result.history[0], result.history[-1]
    # Uniform over 55 words is a loss of 4.0; knowing the group, 2.3.
    assert last["held_out_loss"] < min(2.6, first["held_out_loss"]), result.history
    assert any("ETA" in line for line in lines)

    # The masked-LM head's projection is the word embeddings (tied): optimised once, not twice.
    optimizer = adamw(model, 1e-3, 0.01)
    listed = [p for group in optimizer.param_groups for p in group["params"]]
    assert len(listed) == len(list(model.parameters())) == len({id(p) for p in listed})

    model.save_pretrained(tmp_path / "mlm")
    classifier = build_model(ModelSpec(pretrained=str(tmp_path / "mlm")), 60, 0, 32)
    for name, weights in model.distilbert.state_dict().items():
        assert torch.equal(classifier.distilbert.state_dict()[name], weights), name


def test_too_little_text_is_refused() -> None:
    model = build_mlm_model(TINY_MODEL, 60, 0, 32)
    with pytest.raises(DataError, match="too few to pretrain"):
        pretrain_mlm(
            model,
            [[2, 10, 11, 12, 13, 14, 15, 16, 17, 3]] * 5,
            PretrainSpec(steps=1),
            mask_id=MASK_ID,
            pad_id=0,
            special_ids=SPECIAL_IDS,
            device="cpu",
        )


def test_corpus_leaves_out_evaluation_texts_and_repeats(tmp_path: Path) -> None:
    write_jsonl(
        tmp_path / "more.jsonl",
        [
            {"text": "A new text.", "label": "positive"},
            {"text": "An evaluation  text.", "label": "negative"},  # normalised: one space
            {"text": "A train text.", "label": "negative"},
            {"text": "A new text.", "label": "positive"},
        ],
    )
    source = SourceConfig(kind="files", path=str(tmp_path / "more.jsonl"))
    corpus = read_corpus([source], 1, ["A train text."], {"An evaluation text."})
    assert corpus.texts == ["A train text.", "A new text."]
    (described,) = corpus.description["sources"]
    assert described["texts_kept"] == 1 and described["left_out_in_validation_or_test"] == 1
    assert described["left_out_repeated"] == 2
    same = read_corpus([source], 1, ["A train text."], {"An evaluation text."})
    assert same.description["sha256"] == corpus.description["sha256"]

    write_jsonl(tmp_path / "held.jsonl", [{"text": "An evaluation text.", "label": "negative"}])
    held = SourceConfig(kind="files", path=str(tmp_path / "held.jsonl"))
    with pytest.raises(DataError, match=r"pretrain.sources\[0\] .*held.jsonl.*: no text"):
        read_corpus([held], 1, [], {"An evaluation text."})


def test_config_pretrain_section() -> None:
    with pytest.raises(ConfigError, match="pretrain.steps: missing"):
        load_config(TINY, ["pretrain.batch_size=8"])
    with pytest.raises(ConfigError, match="pretrain.mask_rate: must be > 0 and < 1"):
        load_config(TINY, ["pretrain.steps=10", "pretrain.mask_rate=1"])
    assert load_config(TINY).pretrain is None
    config = load_config(TINY, ["pretrain.steps=10"])
    assert config.pretrain is not None and config.pretrain.sources == ()


# --- the pretrain step, between tokenizer and train ----------------------------------------------


def pretrain_args(root: Path, *extra: str) -> list[str]:
    return files_args(
        root,
        "pretrain.steps=8",
        "pretrain.batch_size=8",
        "pretrain.warmup_steps=2",
        f"pretrain.sources=[{{kind: files, path: {root / 'unlabelled.jsonl'}}}]",
        *extra,
    )


def train_rows(root: Path) -> int:
    manifest = json.loads((root / "run" / "dataset" / "manifest.json").read_text())
    return int(manifest["splits"]["train"]["rows"])


@pytest.fixture
def pretrained_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> dict[str, Any]:
    monkeypatch.setenv("SENTIMENTOPS_TORCH_THREADS", "1")
    write_jsonl(tmp_path / "reviews.jsonl", synthetic_reviews(240, 1))
    status, _, err = cli(capsys, "ingest", files_args(tmp_path))
    assert status == 0, err
    validation = tmp_path / "run" / "dataset" / "validation.parquet"
    import pyarrow.parquet as pq

    evaluation_text = pq.read_table(validation).column("text")[0].as_py()
    extra = [
        {"text": row["text"] + " an unlabelled tail", "label": row["label"]}
        for row in synthetic_reviews(200, 2)
    ]
    write_jsonl(
        tmp_path / "unlabelled.jsonl", [*extra, {"text": evaluation_text, "label": "positive"}]
    )
    status, tokenizer, err = cli(capsys, "tokenizer", pretrain_args(tmp_path))
    assert status == 0, err
    return {"root": tmp_path, "tokenizer": tokenizer}


def test_pretrain_then_train_starts_from_the_encoder(
    pretrained_run: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    root = pretrained_run["root"]
    status, summary, err = cli(capsys, "pretrain", pretrain_args(root))
    assert status == 0, err
    assert summary["steps"] == 8 and summary["held_out"]["step"] == 8
    (source,) = summary["corpus"]["sources"]
    # The validation text is left out of the pretraining text.
    assert source["texts_kept"] == 200 and source["left_out_in_validation_or_test"] == 1
    assert summary["corpus"]["train_split_texts"] == train_rows(root)
    assert summary["corpus"]["texts"] == train_rows(root) + 200
    record = json.loads((root / "run" / "pretrained" / "pretrain-result.json").read_text())
    assert record["tokenizer_sha256"] == pretrained_run["tokenizer"]["sha256"]
    assert (root / "run" / "pretrained" / "model.safetensors").is_file()

    status, trained, err = cli(capsys, "train", pretrain_args(root))
    assert status == 0, err
    assert f"from {root / 'run' / 'pretrained'}" in err
    result = json.loads((root / "run" / "checkpoints" / "train-result.json").read_text())
    assert result["pretrained"]["kind"] == "masked-lm"
    assert result["pretrained"]["corpus"]["sha256"] == record["corpus"]["sha256"]

    # A tokenizer made again differently: the encoder's vocabulary is no longer the run's.
    status, _, err = cli(capsys, "tokenizer", pretrain_args(root, "tokenizer.vocab_size=320"))
    assert status == 0, err
    status, failure, err = cli(capsys, "train", pretrain_args(root, "tokenizer.vocab_size=320"))
    assert status == 1 and failure["error"]["type"] == "ModelError"
    assert "pretrained with tokenizer" in failure["error"]["message"]
    assert "pretrain --config" in failure["error"]["message"]


def test_train_with_a_pretrain_section_needs_the_pretrain_step(
    pretrained_run: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    status, failure, _ = cli(capsys, "train", pretrain_args(pretrained_run["root"]))
    assert status == 1 and failure["error"]["type"] == "ModelError"
    assert "no record of the pretrain step" in failure["error"]["message"]
    assert "pretrain --config" in failure["error"]["message"]


def test_the_tokenizer_is_trained_on_the_pretraining_text_too(
    pretrained_run: dict[str, Any],
) -> None:
    info = json.loads(
        (pretrained_run["root"] / "run" / "tokenizer" / "tokenizer-info.json").read_text()
    )
    trained_on = info["trained_on"]
    assert trained_on["texts"] == train_rows(pretrained_run["root"]) + 200
    (source,) = trained_on["pretraining_sources"]
    assert source["texts_kept"] == 200


def test_domain_adaptive_pretraining_of_a_pretrained_checkpoint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """model.pretrained with a pretrain section: the checkpoint (here a folder standing for
    distilbert-base-uncased, with a masked-LM head and its own tokenizer) goes on learning on
    the domain's text, and the classifier is fine-tuned from the result."""
    from sentimentops_train.tokenizer import load_tokenizer, train_wordpiece

    monkeypatch.setenv("SENTIMENTOPS_TORCH_THREADS", "1")
    rows = synthetic_reviews(240, 1)
    write_jsonl(tmp_path / "reviews.jsonl", rows)
    write_jsonl(tmp_path / "unlabelled.jsonl", synthetic_reviews(200, 2))
    checkpoint = tmp_path / "checkpoint"
    train_wordpiece([r["text"] for r in rows], 300, None, checkpoint / "tokenizer.json")
    tokenizer = load_tokenizer(checkpoint / "tokenizer.json")
    tokenizer.save_pretrained(str(checkpoint))
    torch.manual_seed(0)
    original = build_mlm_model(TINY_MODEL, len(tokenizer), tokenizer.pad_token_id, 64)
    original.save_pretrained(checkpoint)
    args = pretrain_args(
        tmp_path,
        f"model.pretrained={checkpoint}",
        "tokenizer.kind=pretrained",
        f"tokenizer.pretrained={checkpoint}",
    )
    for command in ("ingest", "tokenizer", "pretrain", "train"):
        status, _, err = cli(capsys, command, args)
        assert status == 0, f"{command}: {err}"

    record = json.loads((tmp_path / "run" / "pretrained" / "pretrain-result.json").read_text())
    assert record["started_from"] == {"path": str(checkpoint)}
    adapted = build_mlm_model(
        ModelSpec(pretrained=str(tmp_path / "run" / "pretrained")), len(tokenizer), 0, 64
    )
    before = original.distilbert.embeddings.word_embeddings.weight
    after = adapted.distilbert.embeddings.word_embeddings.weight
    assert before.shape == after.shape and not torch.equal(before, after)  # it went on learning
    result = json.loads((tmp_path / "run" / "checkpoints" / "train-result.json").read_text())
    assert result["pretrained"]["kind"] == "masked-lm"
    assert result["pretrained"]["started_from"] == {"path": str(checkpoint)}
