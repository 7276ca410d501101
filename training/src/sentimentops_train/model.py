"""The classifier and how text reaches it.

Owns building a `DistilBertForSequenceClassification` (from a config of any size, or from
pretrained weights), turning texts into padded tensors, and batched inference. Training,
evaluation and export all feed the model through `encode_texts` / `pad_batch` so that the
three agree on truncation and padding, which is what serving reproduces from
`tokenizer.json` + `max_length`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from transformers import DistilBertConfig, DistilBertForSequenceClassification
from transformers.utils import logging as hf_logging

from .arrays import length_sorted_batches, pad_batch, softmax
from .errors import ModelError
from .labels import ID_TO_LABEL, LABEL_TO_ID, LABELS


@dataclass(frozen=True)
class ModelSpec:
    """Architecture, or where to load pretrained weights from.

    `pretrained` is a hub id (production: `distilbert-base-uncased`) or a local directory;
    when set, the size fields are ignored because the checkpoint defines the architecture.
    """

    pretrained: str | None = None
    dim: int = 768
    n_layers: int = 6
    n_heads: int = 12
    hidden_dim: int = 3072
    dropout: float = 0.1


def build_model(
    spec: ModelSpec, vocab_size: int, pad_token_id: int, max_length: int
) -> DistilBertForSequenceClassification:
    """A 2-label DistilBERT classifier; seed torch before calling for reproducible init."""
    if spec.pretrained:
        with quiet_hf_progress():
            model = DistilBertForSequenceClassification.from_pretrained(
                spec.pretrained, num_labels=len(LABELS), id2label=ID_TO_LABEL, label2id=LABEL_TO_ID
            )
        check_pretrained_fits(model.config, vocab_size, max_length, spec.pretrained)
        return model
    return DistilBertForSequenceClassification(
        scratch_config(spec, vocab_size, pad_token_id, max_length)
    )


def scratch_config(
    spec: ModelSpec, vocab_size: int, pad_token_id: int, max_length: int
) -> DistilBertConfig:
    """The config of a from-scratch DistilBERT of `spec`'s shape: the classifier's, and the
    masked-LM model's that pretrain.py trains first (the classifier then loads its encoder)."""
    if spec.dim % spec.n_heads != 0:
        raise ModelError(
            f"model.dim ({spec.dim}) must be divisible by model.n_heads ({spec.n_heads})"
        )
    return DistilBertConfig(
        vocab_size=vocab_size,
        # Positions beyond max_length are never used (inputs are truncated to it), so a
        # from-scratch model only pays for the positions it can see.
        max_position_embeddings=max_length,
        sinusoidal_pos_embds=False,
        n_layers=spec.n_layers,
        n_heads=spec.n_heads,
        dim=spec.dim,
        hidden_dim=spec.hidden_dim,
        dropout=spec.dropout,
        attention_dropout=spec.dropout,
        seq_classif_dropout=spec.dropout,
        pad_token_id=pad_token_id,
        num_labels=len(LABELS),
        id2label=ID_TO_LABEL,
        label2id=LABEL_TO_ID,
    )


def check_pretrained_fits(config: Any, vocab_size: int, max_length: int, source: str) -> None:
    # A tokenizer that is not the checkpoint's own would index past the embedding table
    # (a crash on GPU, silent garbage elsewhere); fail here with the reason instead.
    if vocab_size > config.vocab_size:
        raise ModelError(
            f"tokenizer vocabulary ({vocab_size}) is larger than the embeddings of {source} "
            f"({config.vocab_size}); use the checkpoint's own tokenizer"
        )
    if max_length > config.max_position_embeddings:
        raise ModelError(
            f"data.max_length ({max_length}) exceeds {source}'s max_position_embeddings "
            f"({config.max_position_embeddings})"
        )


@contextmanager
def quiet_hf_progress() -> Iterator[None]:
    """No tqdm bars from save/from_pretrained: noise between the job's own progress lines."""
    enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            hf_logging.enable_progress_bar()


def count_parameters(model: torch.nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def encode_texts(tokenizer: Any, texts: Sequence[str], max_length: int) -> list[list[int]]:
    """Token ids per text, with special tokens, truncated to max_length, unpadded.

    Padding is left to `pad_batch` so each batch pads only to its own longest text.
    """
    encoded = tokenizer(
        list(texts),
        truncation=True,
        max_length=max_length,
        padding=False,
        add_special_tokens=True,
        return_attention_mask=False,
        return_token_type_ids=False,
    )
    return [list(ids) for ids in encoded["input_ids"]]


@torch.no_grad()
def predict_logits(
    model: DistilBertForSequenceClassification,
    encoded: Sequence[Sequence[int]],
    pad_token_id: int,
    batch_size: int = 64,
    autocast_dtype: torch.dtype | None = None,
) -> np.ndarray:
    """float32 logits (n, 2) in input order; puts the model in eval mode and leaves it there."""
    model.eval()
    device = next(model.parameters()).device
    logits = np.zeros((len(encoded), len(LABELS)), dtype=np.float32)
    for batch in length_sorted_batches([len(e) for e in encoded], batch_size):
        input_ids, attention_mask = pad_batch([encoded[i] for i in batch], pad_token_id)
        with torch.autocast(device.type, dtype=autocast_dtype, enabled=autocast_dtype is not None):
            out = model(
                input_ids=torch.from_numpy(input_ids).to(device),
                attention_mask=torch.from_numpy(attention_mask).to(device),
            ).logits
        logits[batch] = out.float().cpu().numpy()
    return logits


def predict_proba(
    model: DistilBertForSequenceClassification,
    tokenizer: Any,
    texts: Sequence[str],
    max_length: int,
    batch_size: int = 64,
) -> np.ndarray:
    """Class probabilities (n, 2), columns in label-id order."""
    encoded = encode_texts(tokenizer, texts, max_length)
    return softmax(predict_logits(model, encoded, tokenizer.pad_token_id, batch_size))
