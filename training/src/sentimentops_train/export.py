"""Export: the best checkpoint becomes a served-ready model directory, or nothing at all.

The directory (DESIGN.md, "Model artifacts") holds:
  model.onnx              fp32; inputs input_ids, attention_mask (int64, [batch, sequence]);
                          output logits (float32, [batch, 2])
  model.int8.onnx         dynamic int8 quantisation of model.onnx (optional)
  tokenizer.json          the tokenizer file the model was trained with, byte for byte
  reference-profile.json  drift's reference, computed on the validation split with model.onnx
                          (profile.py)
  model-card.json         labels, max_length, metrics, lineage, versions, parity, and the
                          sha256 of every other file (card.py)

This module owns the ONNX export, the int8 quantisation, the PyTorch-vs-ONNX parity check and
the assembly of the directory. Everything is written into a sibling temp directory and renamed
into place only after the parity check passed and the card is written, so a failed export never
leaves a directory that looks like a model. Every text is encoded with `tokenizers.Tokenizer`
loaded from the copied tokenizer.json, the way serving encodes (serving.py), so parity and the
profile measure the artifact that is served rather than the Python tokenizer object.
"""

from __future__ import annotations

import inspect
import logging
import shutil
import time
import uuid
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx.external_data_helper import uses_external_data
from transformers import AutoTokenizer, DistilBertForSequenceClassification

from .card import build_card, code_commit, sha256_file, write_json
from .errors import ExportError
from .labels import LABELS
from .model import pad_batch, quiet_hf_progress
from .profile import build_reference_profile
from .serving import (
    CARD_FILE,
    INPUT_NAMES,
    INT8_FILE,
    MODEL_FILE,
    MODEL_NAME,
    OUTPUT_NAME,
    PROFILE_FILE,
    TOKENIZER_FILE,
    ServingTokenizer,
    onnx_predict_fn,
    open_session,
    run_logits,
    session_logits,
)

# Importable from here as before the split into serving.py, profile.py and card.py.
__all__ = [
    "CARD_FILE",
    "INPUT_NAMES",
    "INT8_FILE",
    "MODEL_FILE",
    "MODEL_NAME",
    "OUTPUT_NAME",
    "PROFILE_FILE",
    "TOKENIZER_FILE",
    "ExportResult",
    "ExportSpec",
    "ServingTokenizer",
    "build_reference_profile",
    "code_commit",
    "export_model",
    "onnx_predict_fn",
    "sha256_file",
]

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

    reference = session_logits(open_session(source), selection, pad_id)
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
                np.abs(session_logits(open_session(path), selection, pad_id) - reference).mean()
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
            got = run_logits(fp32, input_ids, attention_mask)
            deltas_fp32.append(float(np.abs(reference - got).max()))
            if alone:
                single_ort[batch[0]] = got[0]
            else:
                batched_ort[batch] = got
            if int8 is not None:
                quantised = run_logits(int8, input_ids, attention_mask)
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
    fp32_session = open_session(out / MODEL_FILE)
    int8_session = open_session(out / INT8_FILE) if int8_info else None

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
    write_json(out / PROFILE_FILE, profile, compact=True)  # thousands of sampled values

    card = build_card(
        out,
        model=model,
        tokenizer=tokenizer,
        pad_id=pad_id,
        max_length=max_length,
        onnx_info={"opset": spec.opset, "exporter": exporter, "int8": int8_info},
        parity=parity,
        metrics=metrics,
        dataset=dataset,
        training_params=training_params,
    )
    write_json(out / CARD_FILE, card)
    return card
