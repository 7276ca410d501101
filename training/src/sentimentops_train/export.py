"""Export: the best checkpoint becomes a served-ready model directory, or nothing at all.

The directory (DESIGN.md, "Model artifacts") holds:
  model.onnx              fp32; inputs input_ids, attention_mask (int64, [batch, sequence]);
                          output logits (float32, [batch, 2])
  model.int8.onnx         dynamic int8 quantisation of model.onnx (optional)
  tokenizer.json          the tokenizer file the model was trained with, byte for byte
  reference-profile.json  drift's reference, computed on the validation split with model.onnx
  model-card.json         labels, max_length, metrics, lineage, versions, parity, and the
                          sha256 of every other file

Everything is written into a sibling temp directory and renamed into place only after the
parity check passed and the card is written, so a failed export never leaves a directory
that looks like a model. Every text is encoded with `tokenizers.Tokenizer` loaded from the
copied tokenizer.json, the way serving encodes, so parity and the profile measure the
artifact that is served rather than the Python tokenizer object.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import os
import platform
import shutil
import subprocess
import time
import uuid
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx.external_data_helper import uses_external_data
from tokenizers import Tokenizer
from transformers import AutoTokenizer, DistilBertForSequenceClassification

from .errors import ExportError
from .labels import LABELS
from .model import count_parameters, length_sorted_batches, pad_batch, quiet_hf_progress, softmax
from .train import THREADS_ENV

MODEL_FILE = "model.onnx"
INT8_FILE = "model.int8.onnx"
TOKENIZER_FILE = "tokenizer.json"
CARD_FILE = "model-card.json"
PROFILE_FILE = "reference-profile.json"
INPUT_NAMES = ("input_ids", "attention_mask")
OUTPUT_NAME = "logits"
MODEL_NAME = "sentiment"

# Fixed histogram edges, so PSI compares the same bins in every profile and every window.
SCORE_EDGES = [round(i / 20, 2) for i in range(21)]
TOKEN_LENGTH_EDGES = [0, 8, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512, 1024, 4096]
UNKNOWN_RATE_EDGES = [0.0, 0.001, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
QUANTILES = (0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99)

Log = Callable[[str], None]


@dataclass(frozen=True)
class ExportSpec:
    opset: int = 17
    quantize_int8: bool = True
    parity_tolerance: float = 1e-3  # max |PyTorch logit - ONNX Runtime logit| for fp32
    parity_samples: int = 128  # held-out texts, picked to spread over token lengths
    profile_samples: int = 2000  # raw values kept per numeric feature in the profile
    seed: int = 42  # which validation rows the profile samples


@dataclass
class ExportResult:
    model_dir: Path
    card: dict[str, Any]


# ----------------------------------------------------------------------------- tokenizer


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


def _check_tokenizer_matches_checkpoint(
    checkpoint_dir: Path, serving: ServingTokenizer, texts: Sequence[str], max_length: int
) -> None:
    # The checkpoint carries the tokenizer training used (train.py saves it). If the file to
    # be shipped encodes differently, the served model would read other ids than it learnt.
    if not (checkpoint_dir / TOKENIZER_FILE).is_file():
        return
    trained = AutoTokenizer.from_pretrained(checkpoint_dir)
    expected = trained(list(texts), truncation=True, max_length=max_length)["input_ids"]
    if [list(e) for e in expected] != serving.encode(texts):
        raise ExportError(
            f"{TOKENIZER_FILE} does not encode like the tokenizer saved in {checkpoint_dir}"
        )


# ----------------------------------------------------------------------------- ONNX


class _LogitsOnly(torch.nn.Module):
    """Positional (input_ids, attention_mask) -> logits: the exact served signature."""

    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.model(input_ids=input_ids, attention_mask=attention_mask).logits


def _example_inputs(pad_token_id: int, max_length: int) -> tuple[torch.Tensor, torch.Tensor]:
    # Two rows, the second padded: transformers may skip the attention mask when it is all
    # ones, and a tracer would bake that shortcut in; a padded example keeps the mask path.
    length = min(max_length, 16)
    input_ids = torch.full((2, length), 5, dtype=torch.int64)
    attention_mask = torch.ones((2, length), dtype=torch.int64)
    input_ids[1, length // 2 :] = pad_token_id
    attention_mask[1, length // 2 :] = 0
    return input_ids, attention_mask


def _export_onnx(
    model: torch.nn.Module, path: Path, opset: int, max_length: int, pad_token_id: int, log: Log
) -> str:
    """Write model.onnx; returns the exporter used ("torchscript" or "dynamo").

    TorchScript first: with torch 2.15 / transformers 5.24 it exports DistilBERT (eager
    attention) in well under a second into a single self-contained file of plain ONNX ops,
    with parity ~1e-8. It is deprecated since torch 2.9, so when it is gone or fails the
    dynamo exporter is used (also exact here, but ~20x slower and dependent on onnxscript).
    Either result must then pass the checker, the signature check and the parity check.
    """
    wrapped = _LogitsOnly(model).eval()
    example = _example_inputs(pad_token_id, max_length)
    common = dict(input_names=list(INPUT_NAMES), output_names=[OUTPUT_NAME], opset_version=opset)
    failure: Exception | None = None
    with warnings.catch_warnings():
        # Tracer and deprecation warnings are about paths this model does not take; the
        # parity check is what decides whether the graph is right.
        warnings.simplefilter("ignore")
        try:
            kwargs: dict[str, Any] = dict(
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "sequence"},
                    "attention_mask": {0: "batch", 1: "sequence"},
                    OUTPUT_NAME: {0: "batch"},
                },
                do_constant_folding=True,
                **common,
            )
            if "dynamo" in inspect.signature(torch.onnx.export).parameters:
                kwargs["dynamo"] = False
            torch.onnx.export(wrapped, example, str(path), **kwargs)
            wrapped.eval()  # guard: the exporter restores the prior training mode, recursively
            return "torchscript"
        except Exception as err:  # noqa: BLE001 - any failure means: try the other exporter
            failure = err
            log(f"TorchScript ONNX exporter failed ({type(err).__name__}: {err}); trying dynamo")
        try:
            from torch.export import Dim

            batch, sequence = Dim("batch"), Dim("sequence", max=max_length)
            torch.onnx.export(
                wrapped,
                example,
                str(path),
                dynamo=True,
                external_data=False,  # serving loads one self-contained file
                verbose=False,
                dynamic_shapes={
                    "input_ids": {0: batch, 1: sequence},
                    "attention_mask": {0: batch, 1: sequence},
                },
                **common,
            )
            wrapped.eval()
            return "dynamo"
        except Exception as err:
            raise ExportError(
                f"ONNX export failed with both exporters: torchscript: {failure}; dynamo: {err}"
            ) from err


def _check_onnx(path: Path) -> None:
    try:
        onnx.checker.check_model(str(path), full_check=True)
    except Exception as err:
        raise ExportError(f"{path.name} fails onnx.checker: {err}") from err
    proto = onnx.load(str(path), load_external_data=False)
    if any(uses_external_data(t) for t in proto.graph.initializer):
        raise ExportError(
            f"{path.name} keeps weights in an external file; serving loads a single file"
        )
    graph = proto.graph

    def signature(values: Any) -> list[tuple[str, int, list[str | int]]]:
        return [
            (
                v.name,
                v.type.tensor_type.elem_type,
                [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim],
            )
            for v in values
        ]

    inputs, outputs = signature(graph.input), signature(graph.output)
    int64, float32 = onnx.TensorProto.INT64, onnx.TensorProto.FLOAT
    expected_in = [(name, int64) for name in INPUT_NAMES]
    if [(n, t) for n, t, _ in inputs] != expected_in or any(
        isinstance(d, int) for _, _, dims in inputs for d in dims
    ):
        raise ExportError(
            f"{path.name} inputs are {inputs}; expected dynamic int64 {list(INPUT_NAMES)}"
        )
    if [(n, t) for n, t, _ in outputs] != [(OUTPUT_NAME, float32)] or outputs[0][2][1:] != [
        len(LABELS)
    ]:
        raise ExportError(
            f"{path.name} outputs are {outputs}; "
            f"expected float32 {OUTPUT_NAME} [batch, {len(LABELS)}]"
        )


class _DropPreprocessHint(logging.Filter):
    # quantize_dynamic logs a hint to run quant_pre_process on the root logger; its symbolic
    # shape inference does not complete on transformer graphs, so the hint is only noise.
    def filter(self, record: logging.LogRecord) -> bool:
        return "pre-processing before quantization" not in record.getMessage()


def _quantize(
    source: Path, target: Path, selection: Sequence[Sequence[int]], pad_id: int
) -> dict[str, Any]:
    """Dynamic int8 quantisation of `source` into `target`, per-tensor or per-channel.

    Dynamic: int8 weights, activations quantised at run time, no calibration data. Per-channel
    scales help when the output channels of a weight differ a lot in range (typical after
    fine-tuning) and can lose slightly where they do not (random or small models), so both are
    built and the one closer to the fp32 model on `selection` (validation texts: fidelity to
    fp32, no labels involved) is kept.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    reference = _session_logits(_session(source), selection, pad_id)
    root = logging.getLogger()
    hint_filter = _DropPreprocessHint()
    root.addFilter(hint_filter)
    candidates: dict[bool, tuple[Path, float]] = {}
    try:
        for per_channel in (False, True):
            path = target.with_name(
                f"{target.stem}.{'per-channel' if per_channel else 'per-tensor'}.tmp"
            )
            quantize_dynamic(source, path, weight_type=QuantType.QInt8, per_channel=per_channel)
            delta = float(
                np.abs(_session_logits(_session(path), selection, pad_id) - reference).mean()
            )
            candidates[per_channel] = (path, delta)
    finally:
        root.removeFilter(hint_filter)
    per_channel = candidates[True][1] < candidates[False][1]
    candidates[per_channel][0].rename(target)
    candidates[not per_channel][0].unlink()
    return {
        "file": target.name,
        "method": "onnxruntime.quantization.quantize_dynamic",
        "weight_type": "QInt8",
        "per_channel": per_channel,
        "selection": {
            "texts": len(selection),
            "split": "validation",
            "mean_abs_logit_delta_vs_fp32": {
                "per_tensor": candidates[False][1],
                "per_channel": candidates[True][1],
            },
        },
    }


def _session(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    # Same knob as torch's threads, so a loaded CI machine can pin both to one.
    threads = os.environ.get(THREADS_ENV)
    if threads and threads.isdigit():
        options.intra_op_num_threads = int(threads)
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _run(
    session: ort.InferenceSession, input_ids: np.ndarray, attention_mask: np.ndarray
) -> np.ndarray:
    return session.run([OUTPUT_NAME], {"input_ids": input_ids, "attention_mask": attention_mask})[0]


def _session_logits(
    session: ort.InferenceSession,
    encoded: Sequence[Sequence[int]],
    pad_id: int,
    batch_size: int = 64,
) -> np.ndarray:
    logits = np.zeros((len(encoded), len(LABELS)), dtype=np.float32)
    for batch in length_sorted_batches([len(e) for e in encoded], batch_size):
        logits[batch] = _run(session, *pad_batch([encoded[i] for i in batch], pad_id))
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
    session = _session(model_dir / file)
    pad_id = int(card["tokenizer"]["pad_token_id"])

    def predict(texts: Sequence[str]) -> np.ndarray:
        return softmax(_session_logits(session, tokenizer.encode(texts), pad_id))

    return predict


# ----------------------------------------------------------------------------- parity


def _varied_by_length(encoded: Sequence[Sequence[int]], n: int) -> list[int]:
    """Up to n indices spread evenly over the token-length order (shortest and longest included)."""
    order = sorted(range(len(encoded)), key=lambda i: (len(encoded[i]), i))
    if len(order) <= n:
        return order
    return [order[round(k * (len(order) - 1) / (n - 1))] for k in range(n)] if n > 1 else order[:1]


def _parity(
    model: torch.nn.Module,
    fp32: ort.InferenceSession,
    int8: ort.InferenceSession | None,
    encoded: Sequence[Sequence[int]],
    pad_id: int,
    tolerance: float,
) -> dict[str, Any]:
    """PyTorch (eval) vs ONNX Runtime on the same padded batches and on single texts.

    Batches of 8 keep the held-out order (mixed lengths, so most rows carry padding); the
    8 texts of most varied length also run alone (batch 1, no padding, other shapes).
    """
    rows = list(range(len(encoded)))
    runs = [(rows[i : i + 8], False) for i in range(0, len(rows), 8)]
    runs += [([i], True) for i in _varied_by_length(encoded, 8)]
    deltas_fp32, deltas_int8, agree, total = [], [], 0, 0
    batched_ort = np.zeros((len(rows), len(LABELS)), dtype=np.float32)
    single_ort: dict[int, np.ndarray] = {}
    with torch.no_grad():
        for batch, alone in runs:
            input_ids, attention_mask = pad_batch([encoded[i] for i in batch], pad_id)
            reference = model(
                input_ids=torch.from_numpy(input_ids),
                attention_mask=torch.from_numpy(attention_mask),
            ).logits.numpy()
            got = _run(fp32, input_ids, attention_mask)
            deltas_fp32.append(float(np.abs(reference - got).max()))
            if alone:
                single_ort[batch[0]] = got[0]
            else:
                batched_ort[batch] = got
            if int8 is not None:
                quantised = _run(int8, input_ids, attention_mask)
                deltas_int8.append(float(np.abs(reference - quantised).max()))
                agree += int((reference.argmax(axis=1) == quantised.argmax(axis=1)).sum())
                total += len(batch)
    max_fp32 = max(deltas_fp32)
    result: dict[str, Any] = {
        "texts": len(rows),
        "batched_runs": sum(1 for _, alone in runs if not alone),
        "single_runs": len(single_ort),
        "max_token_length": max(len(e) for e in encoded),
        "min_token_length": min(len(e) for e in encoded),
        "fp32": {
            "max_abs_logit_delta": max_fp32,
            "tolerance": tolerance,
            "passed": max_fp32 <= tolerance,
        },
        # Same text alone vs padded in a batch, both in ONNX Runtime: padding must not leak.
        "padding_max_abs_logit_delta": float(
            max(np.abs(single_ort[i] - batched_ort[i]).max() for i in single_ort)
        ),
    }
    if int8 is not None:
        result["int8"] = {
            "max_abs_logit_delta": max(deltas_int8),
            "label_agreement": agree / total,
            "compared": total,
        }
    return result


# ----------------------------------------------------------------------------- reference profile


def _numeric_feature(
    values: np.ndarray, edges: Sequence[float], sample_rows: np.ndarray, digits: int | None
) -> dict[str, Any]:
    clipped = np.clip(values, edges[0], edges[-1])  # out-of-range values count in the end bins
    counts, _ = np.histogram(clipped, bins=np.asarray(edges, dtype=np.float64))
    sample = values[sample_rows]
    return {
        "summary": {
            "mean": float(values.mean()),
            "std": float(values.std()),
            "min": float(values.min()),
            "max": float(values.max()),
            "quantiles": {
                f"p{round(q * 100):02d}": float(np.quantile(values, q)) for q in QUANTILES
            },
        },
        "histogram": {"edges": list(edges), "counts": counts.tolist()},
        "sample": [int(v) for v in sample]
        if digits is None
        else [round(float(v), digits) for v in sample],
    }


def build_reference_profile(
    session: ort.InferenceSession,
    tokenizer: ServingTokenizer,
    texts: Sequence[str],
    max_length: int,
    pad_id: int,
    sample_size: int,
    seed: int,
    labels: Sequence[int] | None = None,
) -> dict[str, Any]:
    """Drift's reference: what the served model sees and says on the validation split.

    Per text (n = all validation texts):
      score               softmax(model.onnx logits)[positive], in [0, 1]
      predicted_label     argmax of the logits (ties -> negative)
      token_length        tokens of the full encoding of tokenizer.json, special tokens
                          included, BEFORE truncation (so it can exceed max_length)
      unknown_token_rate  unknown-token ids / non-special tokens of that full encoding
                          (0 for a text with no non-special tokens)
      truncated           token_length > max_length
    Stored:
      features.<score|token_length|unknown_token_rate>:
        summary    mean, std, min, max and quantiles p01..p99 over all n
        histogram  counts over all n in fixed `edges` (bins [e_i, e_i+1), the last one
                   closed; values outside the edges are counted in the first/last bin)
        sample     the values of the same `sample.size` rows for every feature (drawn
                   uniformly without replacement with `sample.seed`, in row order), for KS
      predicted_label / true_label: counts and shares per label name
      truncation_rate: share of texts with truncated == true
    """
    encoded = tokenizer.encode(texts)
    probs = softmax(_session_logits(session, encoded, pad_id))
    predicted = probs.argmax(axis=1)
    lengths, unknown = tokenizer.lengths_and_unknown_rates(texts)
    n = len(texts)
    rng = np.random.default_rng(seed)
    sample_rows = np.sort(rng.choice(n, size=min(n, sample_size), replace=False))

    def label_shares(ids: np.ndarray) -> dict[str, Any]:
        counts = {name: int((ids == i).sum()) for i, name in enumerate(LABELS)}
        return {"counts": counts, "shares": {name: c / n for name, c in counts.items()}}

    profile: dict[str, Any] = {
        "schema_version": 1,
        "split": "validation",
        "model_file": MODEL_FILE,
        "n": n,
        "max_length": max_length,
        "labels": list(LABELS),
        "definitions": {
            "score": "softmax(logits)[positive] of model.onnx",
            "predicted_label": "argmax(logits), ties -> negative",
            "token_length": (
                "token count of the full tokenizer.json encoding with special tokens, "
                "before truncation"
            ),
            "unknown_token_rate": (
                "unknown-token ids / non-special tokens of the full encoding; 0 when there are none"
            ),
            "truncated": "token_length > max_length",
            "histogram": (
                "bins [e_i, e_i+1), last bin closed; "
                "values outside the edges counted in the end bins"
            ),
            "sample": (
                "values of the same rows for every feature, "
                "uniform without replacement, in row order"
            ),
        },
        "sample": {"size": int(len(sample_rows)), "seed": seed},
        "features": {
            "score": _numeric_feature(probs[:, 1], SCORE_EDGES, sample_rows, 6),
            "token_length": _numeric_feature(lengths, TOKEN_LENGTH_EDGES, sample_rows, None),
            "unknown_token_rate": _numeric_feature(unknown, UNKNOWN_RATE_EDGES, sample_rows, 6),
        },
        "predicted_label": label_shares(predicted),
        "truncation_rate": float((lengths > max_length).mean()),
    }
    if labels is not None:
        profile["true_label"] = label_shares(np.asarray(labels))
    return profile


# ----------------------------------------------------------------------------- card


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def code_commit(env: Mapping[str, str] = os.environ) -> tuple[str, bool | None]:
    """(commit, dirty): GIT_COMMIT when set (images have no .git), else git, else 'unknown'."""
    if env.get("GIT_COMMIT"):
        return env["GIT_COMMIT"], None
    here = Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout
        return commit, bool(status.strip())
    except (OSError, subprocess.SubprocessError):
        return "unknown", None


def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for dist in (
        "torch",
        "transformers",
        "tokenizers",
        "onnx",
        "onnxruntime",
        "numpy",
        "sentimentops-train",
    ):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            out[dist] = "unknown"
    return out


def _write_json(path: Path, data: Any, compact: bool = False) -> None:
    text = json.dumps(data, separators=(",", ":")) if compact else json.dumps(data, indent=2)
    path.write_text(text + "\n", encoding="utf-8")


# ----------------------------------------------------------------------------- entry point


def export_model(
    checkpoint_dir: Path,
    tokenizer_json: Path,
    model_dir: Path,
    spec: ExportSpec,
    *,
    max_length: int,
    validation_texts: Sequence[str],
    parity_texts: Sequence[str],
    metrics: Mapping[str, Any],
    dataset: Mapping[str, Any],
    training_params: Mapping[str, Any],
    validation_labels: Sequence[int] | None = None,
    overwrite: bool = False,
    log: Log = print,
) -> ExportResult:
    """Build `model_dir` from a `save_pretrained` checkpoint.

    Raises ExportError, and leaves nothing behind, on any failure.

    `parity_texts` must be held out (the test split); `validation_texts` feed the reference
    profile. `metrics`, `dataset` (manifest hash and counts) and `training_params` go into the
    card as given.
    """
    checkpoint_dir, tokenizer_json, model_dir = (
        Path(checkpoint_dir),
        Path(tokenizer_json),
        Path(model_dir),
    )
    if not (checkpoint_dir / "config.json").is_file():
        raise ExportError(f"{checkpoint_dir}: not a model checkpoint (no config.json)")
    if not tokenizer_json.is_file():
        raise ExportError(f"{tokenizer_json}: tokenizer file not found")
    if not parity_texts or not validation_texts:
        raise ExportError("export needs held-out parity texts and validation texts")
    if spec.opset < 17:
        raise ExportError(f"export.opset must be at least 17, got {spec.opset}")
    if model_dir.exists() and not overwrite:
        raise ExportError(f"{model_dir} already exists")

    model_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = model_dir.parent / f".{model_dir.name}.tmp-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        card = _build(
            checkpoint_dir,
            tokenizer_json,
            tmp,
            spec,
            max_length,
            validation_texts,
            validation_labels,
            parity_texts,
            metrics,
            dataset,
            training_params,
            log,
        )
        _swap_into_place(tmp, model_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log(f"model directory ready: {model_dir}")
    return ExportResult(model_dir=model_dir, card=card)


def _swap_into_place(tmp: Path, model_dir: Path) -> None:
    # rename() is atomic on one filesystem; an existing directory is moved aside first
    # because a directory cannot be renamed over a non-empty one.
    if not model_dir.exists():
        tmp.rename(model_dir)
        return
    old = model_dir.parent / f".{model_dir.name}.old-{uuid.uuid4().hex[:8]}"
    model_dir.rename(old)
    try:
        tmp.rename(model_dir)
    except BaseException:
        old.rename(model_dir)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _build(
    checkpoint_dir: Path,
    tokenizer_json: Path,
    out: Path,
    spec: ExportSpec,
    max_length: int,
    validation_texts: Sequence[str],
    validation_labels: Sequence[int] | None,
    parity_texts: Sequence[str],
    metrics: Mapping[str, Any],
    dataset: Mapping[str, Any],
    training_params: Mapping[str, Any],
    log: Log,
) -> dict[str, Any]:
    started = time.monotonic()
    # Eager attention: plain MatMul/Softmax ops that every exporter handles and that ONNX
    # Runtime's transformer fusions recognise at serving time.
    with quiet_hf_progress():
        model = DistilBertForSequenceClassification.from_pretrained(
            checkpoint_dir, attn_implementation="eager"
        )
    model.float().eval()  # parity is against fp32, whatever dtype the checkpoint was saved in
    config = model.config
    if config.pad_token_id is None:
        raise ExportError(f"{checkpoint_dir}: the model config has no pad_token_id")
    pad_id = int(config.pad_token_id)
    if max_length > config.max_position_embeddings:
        raise ExportError(
            f"max_length {max_length} exceeds the model's "
            f"{config.max_position_embeddings} positions"
        )

    shutil.copyfile(tokenizer_json, out / TOKENIZER_FILE)
    tokenizer = ServingTokenizer(out / TOKENIZER_FILE, max_length)
    parity_encoded = tokenizer.encode(parity_texts)
    parity_rows = _varied_by_length(parity_encoded, spec.parity_samples)
    _check_tokenizer_matches_checkpoint(
        checkpoint_dir, tokenizer, [parity_texts[i] for i in parity_rows], max_length
    )

    exporter = _export_onnx(model, out / MODEL_FILE, spec.opset, max_length, pad_id, log)
    _check_onnx(out / MODEL_FILE)
    log(
        f"exported {MODEL_FILE} (opset {spec.opset}, {exporter} exporter) "
        f"in {time.monotonic() - started:.1f}s"
    )
    int8_info = None
    if spec.quantize_int8:
        validation_encoded = tokenizer.encode(validation_texts)
        selection = [
            validation_encoded[i]
            for i in _varied_by_length(validation_encoded, spec.parity_samples)
        ]
        int8_info = _quantize(out / MODEL_FILE, out / INT8_FILE, selection, pad_id)
    fp32_session = _session(out / MODEL_FILE)
    int8_session = _session(out / INT8_FILE) if int8_info else None

    # Parity rows in held-out order (not length order), so the batches mix lengths.
    parity = _parity(
        model,
        fp32_session,
        int8_session,
        [parity_encoded[i] for i in sorted(parity_rows)],
        pad_id,
        spec.parity_tolerance,
    )
    line = f"parity on {parity['texts']} held-out texts: fp32 max |delta logit| "
    line += f"{parity['fp32']['max_abs_logit_delta']:.2e}"
    if "int8" in parity:
        line += f"; int8 agreement {parity['int8']['label_agreement']:.4f}, "
        line += f"max |delta| {parity['int8']['max_abs_logit_delta']:.3f}"
    log(line)
    if not parity["fp32"]["passed"]:
        raise ExportError(
            f"ONNX parity failed: max |delta logit| {parity['fp32']['max_abs_logit_delta']:.3e} "
            f"> tolerance {spec.parity_tolerance:.1e}"
        )

    profile = build_reference_profile(
        fp32_session,
        tokenizer,
        validation_texts,
        max_length,
        pad_id,
        spec.profile_samples,
        spec.seed,
        None if validation_labels is None else list(validation_labels),
    )
    _write_json(out / PROFILE_FILE, profile, compact=True)  # thousands of sampled values

    commit, dirty = code_commit()
    files = sorted(p for p in out.iterdir() if p.is_file() and p.name != CARD_FILE)
    card = {
        "schema_version": 1,
        "name": MODEL_NAME,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "labels": list(LABELS),
        "max_length": max_length,
        "inputs": [
            {"name": name, "dtype": "int64", "shape": ["batch", "sequence"]} for name in INPUT_NAMES
        ],
        "outputs": [{"name": OUTPUT_NAME, "dtype": "float32", "shape": ["batch", len(LABELS)]}],
        "tokenizer": {
            "file": TOKENIZER_FILE,
            "vocab_size": tokenizer.vocab_size,
            "pad_token_id": pad_id,
            "unk_token_id": tokenizer.unk_token_id,
            "truncation": "to max_length tokens including special tokens",
            "padding": "right, with pad_token_id; attention_mask 0 on padding",
        },
        "architecture": {
            "class": type(model).__name__,
            "dim": config.dim,
            "n_layers": config.n_layers,
            "n_heads": config.n_heads,
            "hidden_dim": config.hidden_dim,
            "vocab_size": config.vocab_size,
            "max_position_embeddings": config.max_position_embeddings,
            "parameters": count_parameters(model),
        },
        "onnx": {"file": MODEL_FILE, "opset": spec.opset, "exporter": exporter, "int8": int8_info},
        "metrics": dict(metrics),
        "dataset": dict(dataset),
        "code_commit": commit,
        "code_dirty": dirty,
        "training": dict(training_params),
        "versions": _versions(),
        "parity": parity,
        "reference_profile": PROFILE_FILE,
        "files": {p.name: {"sha256": sha256_file(p), "bytes": p.stat().st_size} for p in files},
    }
    _write_json(out / CARD_FILE, card)
    return card
