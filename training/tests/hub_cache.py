"""A Hugging Face hub cache laid out by hand, as `huggingface_hub` leaves it after downloading
`distilbert-base-uncased` and `stanfordnlp/imdb`:

    models--distilbert-base-uncased/refs/main                       -> <commit>
    models--distilbert-base-uncased/snapshots/<commit>/config.json, model.safetensors,
        tokenizer.json, tokenizer_config.json, vocab.txt, ...
    datasets--stanfordnlp--imdb/refs/main                           -> <commit>
    datasets--stanfordnlp--imdb/snapshots/<commit>/plain_text/{train,test,unsupervised}-00000-of-00001.parquet

The model is a randomly initialised DistilBERT of a few thousand parameters with the real one's
layout (a masked-LM checkpoint, special tokens at ids 0 and 100-103), and the dataset has the
real one's columns (`text`, `label` 0/1; `unsupervised` rows labelled -1), so the job runs its
hub path offline (HF_HUB_OFFLINE=1, HF_HUB_CACHE=<this folder>) exactly as it would online.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import torch
from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
from transformers import DistilBertConfig, DistilBertForMaskedLM

from toy_data import FILLER, NEGATIVE, POSITIVE, synthetic

MODEL_ID = "distilbert-base-uncased"
DATASET_ID = "stanfordnlp/imdb"
MODEL_REVISION = "0123456789abcdef0123456789abcdef01234567"
DATASET_REVISION = "fedcba9876543210fedcba9876543210fedcba98"
MAX_POSITIONS = 128


@dataclass(frozen=True)
class HubCache:
    root: Path
    model_snapshot: Path
    dataset_snapshot: Path
    rows: dict[str, int]  # split -> rows written


def _snapshot(root: Path, folder: str, revision: str) -> Path:
    repo = root / folder
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text(revision)
    snapshot = repo / "snapshots" / revision
    snapshot.mkdir(parents=True)
    return snapshot


def _vocabulary() -> list[str]:
    # distilbert-base-uncased's special-token ids: [PAD]=0, [UNK]=100, [CLS]=101, [SEP]=102,
    # [MASK]=103, with [unusedN] between.
    specials = (
        ["[PAD]"] + [f"[unused{i}]" for i in range(99)] + ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    )
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    words = sorted(set(FILLER + POSITIVE + NEGATIVE))
    return specials + list(".,!?'") + letters + [f"##{c}" for c in letters] + words


def _tokenizer(tokens: list[str]) -> Tokenizer:
    """A tokenizer.json built as the real one is: uncased BERT normaliser and WordPiece."""
    ids = {token: index for index, token in enumerate(tokens)}
    tokenizer = Tokenizer(models.WordPiece(ids, unk_token="[UNK]", max_input_chars_per_word=100))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True, strip_accents=None)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", ids["[CLS]"]), ("[SEP]", ids["[SEP]"])],
    )
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    tokenizer.add_special_tokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    return tokenizer


def build_hub_cache(root: Path, *, train: int = 120, test: int = 40) -> HubCache:
    root.mkdir(parents=True, exist_ok=True)
    model_snapshot = _snapshot(root, f"models--{MODEL_ID}", MODEL_REVISION)
    tokens = _vocabulary()
    (model_snapshot / "vocab.txt").write_text("\n".join(tokens) + "\n", encoding="utf-8")
    _tokenizer(tokens).save(str(model_snapshot / "tokenizer.json"))
    (model_snapshot / "tokenizer_config.json").write_text(
        json.dumps({"do_lower_case": True, "model_max_length": 512})  # the real one's
    )
    torch.manual_seed(0)
    config = DistilBertConfig(
        vocab_size=len(tokens),
        max_position_embeddings=MAX_POSITIONS,
        dim=32,
        n_layers=1,
        n_heads=2,
        hidden_dim=64,
        pad_token_id=0,
    )
    DistilBertForMaskedLM(config).save_pretrained(str(model_snapshot))

    dataset_snapshot = _snapshot(
        root, "datasets--" + DATASET_ID.replace("/", "--"), DATASET_REVISION
    )
    data = dataset_snapshot / "plain_text"
    data.mkdir()
    rows = {"train": train, "test": test, "unsupervised": 10}
    for seed, (split, count) in enumerate(rows.items()):
        texts, labels = synthetic(count, seed, min_words=3)
        if split == "unsupervised":
            labels = [-1] * count  # as in imdb: unlabelled; the job must not read them
        table = pa.table({"text": pa.array(texts), "label": pa.array(labels, pa.int64())})
        pq.write_table(table, data / f"{split}-00000-of-00001.parquet")
    return HubCache(root, model_snapshot, dataset_snapshot, rows)
