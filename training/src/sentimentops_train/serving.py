"""The model directory as serving reads it: file names, the served signature, tokenizer.json
encoding the way serving encodes, and ONNX Runtime sessions.

Export (parity, int8 selection), the reference profile and the evaluation of an exported
directory all go through these, so each measures the artifact that is served rather than the
Python tokenizer object or the PyTorch model.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

from .arrays import THREADS_ENV, length_sorted_batches, pad_batch, softmax
from .labels import LABELS

MODEL_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
CARD_FILE = "model-card.json"
PROFILE_FILE = "reference-profile.json"
INPUT_NAMES = ("input_ids", "attention_mask")
OUTPUT_NAME = "logits"
MODEL_NAME = "sentiment"


class ServingTokenizer:
    """tokenizer.json as serving uses it: special tokens added, truncated to max_length."""

    def __init__(self, path: Path, max_length: int):
        self._full = Tokenizer.from_file(str(path))
        # The file may carry its own padding/truncation settings; serving pads per batch and
        # truncates to the card's max_length, so both are set explicitly here.
        self._full.no_padding()
        self._full.no_truncation()
        self._truncating = Tokenizer.from_file(str(path))
        self._truncating.no_padding()
        self._truncating.enable_truncation(max_length)
        unk = getattr(self._full.model, "unk_token", None)
        self.unk_token_id: int | None = self._full.token_to_id(unk) if unk else None
        self.vocab_size = self._full.get_vocab_size(with_added_tokens=True)

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in self._truncating.encode_batch(list(texts))]

    def lengths_and_unknown_rates(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Full (untruncated) token counts with special tokens, and [UNK] / non-special tokens."""
        lengths, rates = [], []
        for enc in self._full.encode_batch(list(texts)):
            content = [
                i
                for i, special in zip(enc.ids, enc.special_tokens_mask, strict=True)
                if not special
            ]
            unknown = (
                sum(1 for i in content if i == self.unk_token_id)
                if self.unk_token_id is not None
                else 0
            )
            lengths.append(len(enc.ids))
            rates.append(unknown / len(content) if content else 0.0)
        return np.asarray(lengths, dtype=np.int64), np.asarray(rates, dtype=np.float64)


def open_session(path: Path) -> ort.InferenceSession:
    """A CPU ONNX Runtime session; SENTIMENTOPS_TORCH_THREADS also caps its intra-op threads."""
    options = ort.SessionOptions()
    # Same knob as torch's threads, so a loaded CI machine can pin both to one.
    threads = os.environ.get(THREADS_ENV)
    if threads and threads.isdigit():
        options.intra_op_num_threads = int(threads)
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def run_logits(
    session: ort.InferenceSession, input_ids: np.ndarray, attention_mask: np.ndarray
) -> np.ndarray:
    """One padded batch through the served signature: (input_ids, attention_mask) -> logits."""
    return session.run([OUTPUT_NAME], {"input_ids": input_ids, "attention_mask": attention_mask})[0]


def session_logits(
    session: ort.InferenceSession,
    encoded: Sequence[Sequence[int]],
    pad_id: int,
    batch_size: int = 64,
) -> np.ndarray:
    """float32 logits (n, 2) in input order, from length-sorted padded batches."""
    logits = np.zeros((len(encoded), len(LABELS)), dtype=np.float32)
    for batch in length_sorted_batches([len(e) for e in encoded], batch_size):
        logits[batch] = run_logits(session, *pad_batch([encoded[i] for i in batch], pad_id))
    return logits


def onnx_predict_fn(
    model_dir: Path, max_length: int | None = None, file: str = MODEL_FILE
) -> Callable[[Sequence[str]], np.ndarray]:
    """texts -> probabilities (n, 2) from an exported model directory, encoded as served.

    For `evaluate(predict_fn=...)` on the artifact itself (fp32 or, with file=INT8_FILE, int8).
    max_length defaults to the card's.
    """
    model_dir = Path(model_dir)
    card = json.loads((model_dir / CARD_FILE).read_text(encoding="utf-8"))
    tokenizer = ServingTokenizer(model_dir / TOKENIZER_FILE, max_length or card["max_length"])
    session = open_session(model_dir / file)
    pad_id = int(card["tokenizer"]["pad_token_id"])

    def predict(texts: Sequence[str]) -> np.ndarray:
        return softmax(session_logits(session, tokenizer.encode(texts), pad_id))

    return predict
