"""Fine-tuning loop: seeded, length-bucketed, mixed precision on GPU, early stopping on macro-F1.

Owns the training run only: it takes a built model and tokenizer, trains on the train split,
selects on the validation split, and leaves `checkpoints/best` and `checkpoints/last` under
`out_dir` (Hugging Face `save_pretrained` layout). Test and hand-written evaluation and the
export happen afterwards, on the best checkpoint.
"""

from __future__ import annotations

import json
import math
import os
import random
import shutil
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .arrays import THREADS_ENV, pad_batch, softmax
from .errors import ConfigError, DataError, ModelError
from .evaluate import classification_metrics, to_label_ids
from .model import encode_texts, predict_logits, quiet_hf_progress

PRECISIONS = ("auto", "fp32", "fp16", "bf16")
# Batches are formed inside shuffled pools of this many batches, sorted by length: most of
# the padding saving of a global sort, while batches still differ from epoch to epoch.
BUCKET_POOL_BATCHES = 50

Log = Callable[[str], None]
# Called with each history entry (epoch, step, losses, validation metrics) as it is made.
OnEvaluation = Callable[[dict[str, Any]], None]


@dataclass(frozen=True)
class TrainSpec:
    epochs: int = 3
    batch_size: int = 32
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    # Evaluations (each epoch end, plus every eval_every_steps) without a better validation
    # macro-F1 before training stops; 0 disables early stopping.
    patience: int = 2
    precision: str = "auto"
    eval_every_steps: int | None = None  # None: evaluate at epoch ends only
    max_length: int = 256
    seed: int = 42
    max_grad_norm: float = 1.0
    log_interval_s: float = 10.0
    eval_batch_size: int = 64


@dataclass(frozen=True)
class AmpPlan:
    """How the forward pass runs: `autocast_dtype` None means plain fp32."""

    name: str
    autocast_dtype: torch.dtype | None
    grad_scaler: bool
    note: str | None = None


def select_precision(requested: str, device_type: str, bf16_supported: bool) -> AmpPlan:
    """Resolve the configured precision for a device.

    CPU always trains in fp32: CPU autocast is slower than fp32 for these models on most
    hosts and fp16 has no CPU kernels worth using. On CUDA, "auto" picks bf16 where the GPU
    supports it (same exponent range as fp32, so no loss scaling) and fp16 with a GradScaler
    otherwise (fp16 gradients underflow without it).
    """
    if requested not in PRECISIONS:
        raise ConfigError(f"train.precision must be one of {PRECISIONS}, got {requested!r}")
    fp32 = AmpPlan("fp32", None, False)
    fp16 = AmpPlan("fp16", torch.float16, True)
    bf16 = AmpPlan("bf16", torch.bfloat16, False)
    if device_type != "cuda":
        if requested in ("fp16", "bf16"):
            return AmpPlan(
                "fp32", None, False, f"{requested} requested on {device_type}; training in fp32"
            )
        return fp32
    if requested == "fp32":
        return fp32
    if requested == "fp16":
        return fp16
    if bf16_supported:
        return bf16
    if requested == "bf16":
        return AmpPlan(
            "fp16", torch.float16, True, "bf16 requested but unsupported by this GPU; using fp16"
        )
    return fp16


def configure_threads(env: Mapping[str, str] = os.environ) -> int:
    """Set torch's intra-op threads from SENTIMENTOPS_TORCH_THREADS, else the CPUs we may use.

    os.cpu_count() reports the whole node in a container; the affinity mask is what this
    process is allowed to run on, so oversubscription is avoided by default.
    """
    raw = env.get(THREADS_ENV)
    if raw:
        try:
            threads = int(raw)
        except ValueError:
            raise ConfigError(f"{THREADS_ENV} must be a positive integer, got {raw!r}") from None
        if threads < 1:
            raise ConfigError(f"{THREADS_ENV} must be a positive integer, got {raw!r}")
    else:
        available = (
            len(os.sched_getaffinity(0))
            if hasattr(os, "sched_getaffinity")
            else os.cpu_count() or 1
        )
        threads = max(1, min(torch.get_num_threads(), available))
    torch.set_num_threads(threads)
    return threads


def seed_everything(seed: int) -> None:
    """Seed python, numpy and torch (CPU and CUDA); call before building the model too."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    # cuDNN autotuning picks kernels by timing, which makes runs differ; transformers barely
    # use cuDNN, so determinism costs nothing here.
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True


def make_train_batches(
    lengths: Sequence[int], batch_size: int, seed: int, epoch: int
) -> list[list[int]]:
    """Index batches for one epoch.

    A seeded shuffle, sorted by length within pools, then the batch order shuffled.

    Depends only on (lengths, batch_size, seed, epoch), so a rerun sees the same batches.
    """
    rng = np.random.default_rng([seed, epoch])
    order = rng.permutation(len(lengths))
    pool = batch_size * BUCKET_POOL_BATCHES
    batches: list[list[int]] = []
    for start in range(0, len(order), pool):
        chunk = sorted(order[start : start + pool].tolist(), key=lambda i: lengths[i])
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    return [batches[i] for i in rng.permutation(len(batches))]


def adamw(model: torch.nn.Module, learning_rate: float, weight_decay: float) -> torch.optim.AdamW:
    # No weight decay on biases and LayerNorm weights: decaying them only hurts (BERT recipe).
    decay, no_decay = [], []
    seen: set[int] = set()  # a tied weight (a masked-LM head's projection) is listed once
    for module in model.modules():
        for name, param in module.named_parameters(recurse=False):
            if not param.requires_grad or id(param) in seen:
                continue
            seen.add(id(param))
            if isinstance(module, torch.nn.LayerNorm) or name == "bias":
                no_decay.append(param)
            else:
                decay.append(param)
    groups = [
        {"params": decay, "weight_decay": weight_decay},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=learning_rate)


def linear_schedule(
    optimizer: torch.optim.Optimizer, warmup: int, total: int
) -> torch.optim.lr_scheduler.LambdaLR:
    # Written out rather than imported from transformers: its location moved between majors.
    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        return max(0.0, (total - step) / max(1, total - warmup))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


@dataclass
class TrainResult:
    best_epoch: int
    best_step: int
    best_metrics: dict[str, Any]
    history: list[dict[str, Any]]
    stopped_early: bool
    best_dir: Path
    last_dir: Path
    device: str
    precision: str
    threads: int | None
    total_steps: int
    steps_run: int
    elapsed_s: float
    # Throughput of the training steps alone (evaluation and checkpointing left out): what
    # `make bench-train` compares with a bare loop.
    train_samples: int = 0
    samples_per_s: float = 0.0
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["best_dir"], out["last_dir"] = str(self.best_dir), str(self.last_dir)
        return out


def format_duration(seconds: float) -> str:
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    return (
        f"{hours}h{rest // 60:02d}m{rest % 60:02d}s" if hours else f"{rest // 60}m{rest % 60:02d}s"
    )


def _save_checkpoint(model: Any, tokenizer: Any, target: Path, state: dict[str, Any]) -> None:
    # Written beside the target then swapped in, so a crash mid-save never leaves a
    # checkpoint directory that looks complete but is not.
    tmp = target.with_name(target.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    with quiet_hf_progress():
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
    (tmp / "training_state.json").write_text(json.dumps(state, indent=2) + "\n")
    shutil.rmtree(target, ignore_errors=True)
    tmp.rename(target)


def _validate(
    model: Any,
    encoded: list[list[int]],
    labels: np.ndarray,
    pad_id: int,
    spec: TrainSpec,
    plan: AmpPlan,
) -> dict[str, Any]:
    logits = predict_logits(model, encoded, pad_id, spec.eval_batch_size, plan.autocast_dtype)
    loss = float(F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(labels)).item())
    return {"loss": loss, **classification_metrics(labels, softmax(logits))}


def training_loss(
    logits: torch.Tensor,
    targets: torch.Tensor,
    bias_log_probs: torch.Tensor | None = None,
) -> torch.Tensor:
    """Cross-entropy; with a bias-only model's log-probabilities, of the product of experts
    softmax(log_softmax(logits) + bias): its gradient on the logits is the combined prediction's
    error, small wherever the bias already gives the right label."""
    # fp32 whatever the forward ran in: half-precision log-softmax loses digits.
    logits = logits.float()
    if bias_log_probs is not None:
        logits = F.log_softmax(logits, dim=-1) + bias_log_probs
    return F.cross_entropy(logits, targets)


def train(
    model: Any,
    tokenizer: Any,
    train_texts: Sequence[str],
    train_labels: Sequence[int | str],
    val_texts: Sequence[str],
    val_labels: Sequence[int | str],
    spec: TrainSpec,
    out_dir: Path,
    log: Log = print,
    device: str | None = None,
    on_evaluation: OnEvaluation | None = None,
    bias_log_probs: np.ndarray | None = None,
) -> TrainResult:
    """Train `model` in place.

    On return it holds the best validation weights (also saved in checkpoints/best).
    `on_evaluation` sees each history entry as it is made (experiment tracking logs it live).
    `bias_log_probs` ([n_train, 2], a bias-only model's log-probabilities: debias.py) turns the
    loss into a product of experts; validation and everything after it see the model alone.
    """
    if tokenizer.pad_token_id is None:
        raise ModelError("the tokenizer has no pad token; dynamic padding needs one")
    y_train, y_val = to_label_ids(train_labels), to_label_ids(val_labels)
    if len(train_texts) != len(y_train) or len(val_texts) != len(y_val):
        raise DataError("texts and labels differ in length")
    if not len(train_texts) or not len(val_texts):
        raise DataError("training needs non-empty train and validation splits")
    if bias_log_probs is not None and np.shape(bias_log_probs) != (len(y_train), 2):
        raise DataError(
            f"bias_log_probs: expected shape ({len(y_train)}, 2), got {np.shape(bias_log_probs)}"
        )

    seed_everything(spec.seed)
    dev = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    threads = configure_threads() if dev.type == "cpu" else None
    plan = select_precision(
        spec.precision, dev.type, dev.type == "cuda" and torch.cuda.is_bf16_supported()
    )
    notes = [plan.note] if plan.note else []
    for note in notes:
        log(f"note: {note}")
    model.to(dev)
    bias = None if bias_log_probs is None else torch.as_tensor(bias_log_probs, dtype=torch.float32)

    pad_id = int(tokenizer.pad_token_id)
    train_enc = encode_texts(tokenizer, train_texts, spec.max_length)
    val_enc = encode_texts(tokenizer, val_texts, spec.max_length)
    lengths = [len(e) for e in train_enc]
    steps_per_epoch = math.ceil(len(train_enc) / spec.batch_size)
    total_steps = steps_per_epoch * spec.epochs
    optimizer = adamw(model, spec.learning_rate, spec.weight_decay)
    scheduler = linear_schedule(optimizer, math.ceil(spec.warmup_ratio * total_steps), total_steps)
    # Disabled (a pass-through) unless fp16: one code path for every precision.
    scaler = torch.amp.GradScaler(dev.type, enabled=plan.grad_scaler)

    checkpoints = Path(out_dir) / "checkpoints"
    checkpoints.mkdir(parents=True, exist_ok=True)
    best_dir, last_dir = checkpoints / "best", checkpoints / "last"
    log(
        f"training on {dev.type} ({plan.name}{f', {threads} threads' if threads else ''}): "
        f"{len(train_enc)} train / {len(val_enc)} validation texts, {spec.epochs} epochs x "
        f"{steps_per_epoch} steps of {spec.batch_size}"
    )

    history: list[dict[str, Any]] = []
    best: dict[str, Any] | None = None
    best_state: dict[str, torch.Tensor] | None = None
    best_epoch = best_step = 0
    since_best = 0
    stopped_early = False
    step = 0
    started = time.monotonic()
    paused = 0.0  # evaluation and checkpointing time, left out of steps/s and the ETA
    last_log = -math.inf
    samples = 0

    def settled_clock() -> float:
        # CUDA runs behind the host: wait for the queued steps, or their time would be
        # counted as evaluation time and the steps/s overstated.
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        return time.monotonic()

    # Summed on the device and read at evaluation: a per-step .item() would make the GPU
    # wait for the host every step.
    loss_sum, loss_count = torch.zeros((), device=dev), 0

    def evaluate_now(epoch: int) -> bool:
        """Validate, keep the best; True when patience has run out."""
        nonlocal best, best_state, best_epoch, best_step, since_best, loss_sum, loss_count, paused
        tick = settled_clock()
        metrics = _validate(model, val_enc, y_val, pad_id, spec, plan)
        model.train()
        improved = best is None or metrics["macro_f1"] > best["macro_f1"]
        entry = {
            "epoch": epoch,
            "step": step,
            "train_loss": float(loss_sum.item()) / loss_count if loss_count else None,
            "val_loss": metrics["loss"],
            "val_accuracy": metrics["accuracy"],
            "val_macro_f1": metrics["macro_f1"],
            "lr": scheduler.get_last_lr()[0],
            "elapsed_s": round(time.monotonic() - started, 3),
            "best": improved,
        }
        history.append(entry)
        if on_evaluation is not None:
            on_evaluation(dict(entry))
        loss_sum, loss_count = torch.zeros((), device=dev), 0
        log(
            f"eval epoch {epoch} step {step}: val_loss {metrics['loss']:.4f} "
            f"accuracy {metrics['accuracy']:.4f} macro_f1 {metrics['macro_f1']:.4f}"
            + (" (best)" if improved else f" (best {best['macro_f1']:.4f} at epoch {best_epoch})")
        )
        if improved:
            best, best_epoch, best_step, since_best = metrics, epoch, step, 0
            best_state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
            _save_checkpoint(
                model, tokenizer, best_dir, {"epoch": epoch, "step": step, "metrics": metrics}
            )
        else:
            since_best += 1
        paused += time.monotonic() - tick
        return spec.patience > 0 and since_best >= spec.patience

    model.train()
    for epoch in range(1, spec.epochs + 1):
        batches = make_train_batches(lengths, spec.batch_size, spec.seed, epoch)
        for i, batch in enumerate(batches, 1):
            input_ids, attention_mask = pad_batch([train_enc[j] for j in batch], pad_id)
            input_ids_t = torch.from_numpy(input_ids).to(dev, non_blocking=True)
            mask_t = torch.from_numpy(attention_mask).to(dev, non_blocking=True)
            targets = torch.from_numpy(y_train[batch]).to(dev, non_blocking=True)
            with torch.autocast(
                dev.type, dtype=plan.autocast_dtype, enabled=plan.autocast_dtype is not None
            ):
                logits = model(input_ids=input_ids_t, attention_mask=mask_t).logits
            batch_bias = None if bias is None else bias[batch].to(dev, non_blocking=True)
            loss = training_loss(logits, targets, batch_bias)
            optimizer.zero_grad(set_to_none=True)
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)  # clip the true gradients, not the scaled ones
            torch.nn.utils.clip_grad_norm_(model.parameters(), spec.max_grad_norm)
            scaler.step(optimizer)
            scaler.update()
            scheduler.step()
            step += 1
            samples += len(batch)
            loss_sum, loss_count = loss_sum + loss.detach(), loss_count + 1

            now = time.monotonic()
            if i == 1 or i == len(batches) or now - last_log >= spec.log_interval_s:
                last_log = now
                loss_value = float(loss.item())
                busy = now - started - paused
                rate = step / busy if busy > 0 else 0.0
                eta = (total_steps - step) / rate if rate > 0 else 0.0
                log(
                    f"epoch {epoch}/{spec.epochs} step {i}/{len(batches)} "
                    f"(total {step}/{total_steps}) "
                    f"loss {loss_value:.4f} lr {scheduler.get_last_lr()[0]:.2e} "
                    f"{rate:.2f} steps/s eta {format_duration(eta)}"
                )
            at_epoch_end = i == len(batches)
            if at_epoch_end or (spec.eval_every_steps and step % spec.eval_every_steps == 0):
                if evaluate_now(epoch):
                    stopped_early = True
                    break
        tick = settled_clock()
        _save_checkpoint(model, tokenizer, last_dir, {"epoch": epoch, "step": step})
        paused += time.monotonic() - tick
        if stopped_early:
            log(
                f"early stop at epoch {epoch} step {step}: "
                f"no better macro_f1 in {spec.patience} evaluations"
            )
            break

    assert best is not None and best_state is not None  # every epoch ends with an evaluation
    model.load_state_dict(best_state)
    elapsed = time.monotonic() - started
    busy = elapsed - paused
    log(
        f"best macro_f1 {best['macro_f1']:.4f} at epoch {best_epoch} step {best_step}; "
        f"{format_duration(elapsed)}"
    )
    return TrainResult(
        best_epoch=best_epoch,
        best_step=best_step,
        best_metrics=best,
        history=history,
        stopped_early=stopped_early,
        best_dir=best_dir,
        last_dir=last_dir,
        device=dev.type,
        precision=plan.name,
        threads=threads,
        total_steps=total_steps,
        steps_run=step,
        elapsed_s=round(elapsed, 3),
        train_samples=samples,
        samples_per_s=round(samples / busy, 3) if busy > 0 else 0.0,
        notes=notes,
    )
