"""Batching and probability helpers on NumPy arrays, shared by training (PyTorch) and serving
(ONNX Runtime). Kept apart from `model` so that scoring an exported model never imports torch or
transformers: an `evaluate-model` job then starts in about a second instead of ten.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Threads for torch and ONNX Runtime in a job (default: what the library picks).
THREADS_ENV = "SENTIMENTOPS_TORCH_THREADS"


def pad_batch(
    sequences: Sequence[Sequence[int]], pad_token_id: int
) -> tuple[np.ndarray, np.ndarray]:
    """(input_ids, attention_mask) as int64 arrays padded on the right to the longest row."""
    width = max(1, max(len(s) for s in sequences))
    input_ids = np.full((len(sequences), width), pad_token_id, dtype=np.int64)
    attention_mask = np.zeros((len(sequences), width), dtype=np.int64)
    for row, ids in enumerate(sequences):
        input_ids[row, : len(ids)] = ids
        attention_mask[row, : len(ids)] = 1
    return input_ids, attention_mask


def length_sorted_batches(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Index batches of similar length (longest first), so inference pads as little as possible."""
    order = sorted(range(len(lengths)), key=lambda i: (-lengths[i], i))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=1, keepdims=True)
