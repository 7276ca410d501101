"""Masked-language-model pretraining of the encoder, before it is fine-tuned to classify.

A model built from scratch learns only what the labelled set shows it; pretraining on unlabelled
reviews first teaches it how words are used. A pretrained checkpoint (distilbert-base-uncased)
can be taught the same way on the domain's text before fine-tuning: domain-adaptive pretraining
(Gururangan et al. 2020). Either way it is BERT's recipe (Devlin et al. 2019, section 3.1): 15%
of the tokens are picked, 80% of those become [MASK], 10% a random token, 10% stay, and the
model predicts the originals.

Written here rather than with transformers' Trainer and DataCollatorForLanguageModeling: the
fine-tuning loop (train.py) is our own for length-bucketed batches, seeds and progress lines, and
this loop shares them. It also scores only the picked positions, so the vocabulary projection
(12,000 x dim per token, the largest matrix of a small model) runs on 15% of the tokens.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from transformers import DistilBertForMaskedLM

from .errors import DataError, ModelError
from .model import ModelSpec, check_pretrained_fits, quiet_hf_progress, scratch_config
from .train import (
    adamw,
    configure_threads,
    format_duration,
    linear_schedule,
    make_train_batches,
    seed_everything,
    select_precision,
)

Log = Callable[[str], None]
# Chunks shorter than this many word pieces (a text's tail) teach little: dropped.
MIN_CHUNK_TOKENS = 8
MIN_CHUNKS = 20  # a tenth of them (up to PretrainSpec.held_out) is held out to measure the loss


@dataclass(frozen=True)
class PretrainSpec:
    steps: int = 4000
    batch_size: int = 64
    learning_rate: float = 1e-3
    weight_decay: float = 0.01
    warmup_steps: int = 300
    mask_rate: float = 0.15
    max_length: int = 128
    seed: int = 42
    precision: str = "auto"
    max_grad_norm: float = 1.0
    # Chunks held out to measure the masked-LM loss on text the model has not trained on (at
    # most a tenth of them).
    held_out: int = 1000
    evaluations: int = 4  # held-out measurements over the run, the last one at the end
    log_interval_s: float = 10.0


@dataclass
class PretrainResult:
    steps: int
    chunks: int
    held_out_chunks: int
    tokens_seen: int
    history: list[dict[str, Any]]  # step, train loss, held-out loss and accuracy
    device: str
    precision: str
    threads: int | None
    elapsed_s: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def build_mlm_model(
    spec: ModelSpec, vocab_size: int, pad_token_id: int, max_length: int
) -> DistilBertForMaskedLM:
    """A DistilBERT with its masked-LM head: from `spec.pretrained` (a local folder) when set,
    else randomly initialised in the shape of model.build_model's classifier. The classifier
    later loads its encoder (and makes a fresh head)."""
    if spec.pretrained:
        with quiet_hf_progress():
            model = DistilBertForMaskedLM.from_pretrained(spec.pretrained)
        check_pretrained_fits(model.config, vocab_size, max_length, spec.pretrained)
        return model
    return DistilBertForMaskedLM(scratch_config(spec, vocab_size, pad_token_id, max_length))


def make_chunks(
    token_ids: Iterable[Sequence[int]], max_length: int, cls_id: int, sep_id: int
) -> list[list[int]]:
    """Each text's word pieces (no special tokens) cut into pieces of max_length - 2, each
    wrapped in [CLS] ... [SEP] as the classifier will see its inputs. A long review becomes
    several chunks instead of being truncated: all of its text is used."""
    width = max_length - 2
    if width < MIN_CHUNK_TOKENS:
        raise DataError(f"max_length {max_length} is too short to pretrain on")
    chunks = []
    for ids in token_ids:
        for start in range(0, len(ids), width):
            piece = list(ids[start : start + width])
            if len(piece) >= MIN_CHUNK_TOKENS:
                chunks.append([cls_id, *piece, sep_id])
    return chunks


def mask_tokens(
    ids: torch.Tensor,
    attention: torch.Tensor,
    rate: float,
    vocab_size: int,
    special_ids: torch.Tensor,
    mask_id: int,
    generator: torch.Generator,
) -> tuple[torch.Tensor, torch.Tensor]:
    """BERT's corruption of a padded batch: returns (inputs, picked), where `picked` marks the
    positions whose original token is the target. Special tokens ([PAD], [CLS], [SEP]...) are
    never picked; a random replacement is any token of the vocabulary, as in BERT."""
    candidates = attention.bool() & ~torch.isin(ids, special_ids)
    draw = torch.rand(ids.shape, generator=generator)
    picked = candidates & (draw < rate)
    if not picked.any():  # a batch of tiny chunks can draw nothing: pick one token per row
        first = candidates.float().argmax(dim=1)
        picked[torch.arange(len(ids)), first] = candidates[torch.arange(len(ids)), first]
    how = torch.rand(ids.shape, generator=generator)
    inputs = ids.clone()
    inputs[picked & (how < 0.8)] = mask_id
    random_slots = picked & (how >= 0.8) & (how < 0.9)
    inputs[random_slots] = torch.randint(
        0, vocab_size, (int(random_slots.sum()),), generator=generator
    )
    return inputs, picked


def masked_lm_logits(
    model: DistilBertForMaskedLM,
    inputs: torch.Tensor,
    attention: torch.Tensor,
    picked: torch.Tensor,
) -> torch.Tensor:
    """The vocabulary logits at the picked positions only (DistilBertForMaskedLM.forward
    projects every position, about 6x the work at a 15% mask rate)."""
    hidden = model.distilbert(input_ids=inputs, attention_mask=attention)[0][picked]
    hidden = model.vocab_layer_norm(model.activation(model.vocab_transform(hidden)))
    return model.vocab_projector(hidden)


def pretrain_mlm(
    model: DistilBertForMaskedLM,
    chunks: Sequence[Sequence[int]],
    spec: PretrainSpec,
    *,
    mask_id: int,
    pad_id: int,
    special_ids: Sequence[int],
    log: Log = print,
    device: str | None = None,
) -> PretrainResult:
    """Trains `model` in place for spec.steps batches over `chunks` (token ids with [CLS] and
    [SEP]), padded with `pad_id`, looping over them as often as the steps need."""
    if len(chunks) < MIN_CHUNKS:
        raise DataError(
            f"{len(chunks)} chunks of text: too few to pretrain on (at least {MIN_CHUNKS})"
        )
    seed_everything(spec.seed)
    dev = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
    threads = configure_threads() if dev.type == "cpu" else None
    plan = select_precision(
        spec.precision, dev.type, dev.type == "cuda" and torch.cuda.is_bf16_supported()
    )
    model.to(dev)
    vocab_size = model.config.vocab_size

    order = np.random.default_rng([spec.seed, 1]).permutation(len(chunks))
    held_out_count = min(spec.held_out, len(chunks) // 10)
    held_out = [chunks[i] for i in order[:held_out_count]]
    training = [chunks[i] for i in order[held_out_count:]]
    lengths = [len(c) for c in training]
    optimizer = adamw(model, spec.learning_rate, spec.weight_decay)
    scheduler = linear_schedule(optimizer, spec.warmup_steps, spec.steps)
    scaler = torch.amp.GradScaler(dev.type, enabled=plan.grad_scaler)
    generator = torch.Generator().manual_seed(spec.seed)
    # The held-out masks are drawn once, so every measurement scores the same positions.
    specials = torch.tensor(sorted(set(special_ids)), dtype=torch.long)
    held_out_batches = _held_out_batches(held_out, spec, vocab_size, specials, mask_id, pad_id)
    checkpoints = {round(spec.steps * (k + 1) / spec.evaluations) for k in range(spec.evaluations)}
    log(
        f"pretraining on {dev.type} ({plan.name}{f', {threads} threads' if threads else ''}): "
        f"{len(training)} chunks of up to {spec.max_length} tokens ({len(held_out)} held out), "
        f"{spec.steps} steps of {spec.batch_size}, {spec.mask_rate:.0%} of tokens masked"
    )

    history: list[dict[str, Any]] = []
    model.train()
    started = last_log = time.monotonic()
    step = epoch = tokens = 0
    running: float | None = None
    while step < spec.steps:
        for batch in make_train_batches(lengths, spec.batch_size, spec.seed, epoch):
            if step >= spec.steps:
                break
            ids, attention = _pad([training[i] for i in batch], pad_id)
            inputs, picked = mask_tokens(
                ids, attention, spec.mask_rate, vocab_size, specials, mask_id, generator
            )
            targets = ids[picked].to(dev)
            with torch.autocast(
                dev.type,
                plan.autocast_dtype or torch.float32,
                enabled=plan.autocast_dtype is not None,
            ):
                logits = masked_lm_logits(model, inputs.to(dev), attention.to(dev), picked.to(dev))
            loss = F.cross_entropy(logits.float(), targets)
            if not torch.isfinite(loss):
                raise ModelError(f"pretraining diverged at step {step + 1} (loss {loss.item()})")
            scaler.scale(loss).backward()
            scaler.unscale_(optimizer)
            torch.nn.utils.clip_grad_norm_(model.parameters(), spec.max_grad_norm)
            scaler.step(optimizer)
            scaler.update()
            optimizer.zero_grad(set_to_none=True)
            scheduler.step()
            step += 1
            tokens += int(attention.sum())
            value = loss.item()
            running = value if running is None else 0.98 * running + 0.02 * value
            now = time.monotonic()
            if now - last_log >= spec.log_interval_s:
                last_log = now
                elapsed = now - started
                eta = elapsed / step * (spec.steps - step)
                log(
                    f"pretrain step {step}/{spec.steps} loss {running:.3f} "
                    f"{tokens / elapsed:,.0f} tokens/s, ETA {format_duration(eta)}"
                )
            if step in checkpoints:
                measured = _held_out_loss(model, held_out_batches, dev, plan.autocast_dtype)
                entry = {"step": step, "epoch": epoch, "train_loss": round(running, 4), **measured}
                history.append(entry)
                log(
                    f"pretrain step {step}: held-out masked-LM loss {measured['held_out_loss']:.3f}"
                    f", accuracy {measured['held_out_accuracy']:.1%}"
                )
                model.train()
        epoch += 1
    return PretrainResult(
        steps=step,
        chunks=len(training),
        held_out_chunks=len(held_out),
        tokens_seen=tokens,
        history=history,
        device=dev.type,
        precision=plan.name,
        threads=threads,
        elapsed_s=round(time.monotonic() - started, 3),
    )


def _pad(chunks: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    width = max(len(c) for c in chunks)
    ids = torch.full((len(chunks), width), pad_id, dtype=torch.long)
    attention = torch.zeros(len(chunks), width, dtype=torch.long)
    for row, chunk in enumerate(chunks):
        ids[row, : len(chunk)] = torch.tensor(chunk, dtype=torch.long)
        attention[row, : len(chunk)] = 1
    return ids, attention


def _held_out_batches(
    held_out: Sequence[Sequence[int]],
    spec: PretrainSpec,
    vocab_size: int,
    special_ids: torch.Tensor,
    mask_id: int,
    pad_id: int,
) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
    generator = torch.Generator().manual_seed(spec.seed + 1)
    ordered = sorted(held_out, key=len)
    batches = []
    for start in range(0, len(ordered), spec.batch_size):
        ids, attention = _pad(ordered[start : start + spec.batch_size], pad_id)
        inputs, picked = mask_tokens(
            ids, attention, spec.mask_rate, vocab_size, special_ids, mask_id, generator
        )
        batches.append((inputs, attention, ids.masked_fill(~picked, -100)))
    return batches


@torch.no_grad()
def _held_out_loss(
    model: DistilBertForMaskedLM,
    batches: Sequence[tuple[torch.Tensor, torch.Tensor, torch.Tensor]],
    dev: torch.device,
    autocast_dtype: torch.dtype | None,
) -> dict[str, float]:
    model.eval()
    total = correct = 0
    loss_sum = 0.0
    for inputs, attention, targets in batches:
        picked = targets != -100
        with torch.autocast(
            dev.type, autocast_dtype or torch.float32, enabled=autocast_dtype is not None
        ):
            logits = masked_lm_logits(model, inputs.to(dev), attention.to(dev), picked.to(dev))
        gold = targets[picked].to(dev)
        loss_sum += float(F.cross_entropy(logits.float(), gold, reduction="sum"))
        correct += int((logits.argmax(dim=-1) == gold).sum())
        total += int(gold.numel())
    mean = loss_sum / max(1, total)
    return {
        "held_out_loss": round(mean, 4),
        "held_out_perplexity": round(math.exp(min(mean, 50.0)), 2),
        "held_out_accuracy": round(correct / max(1, total), 4),
        "held_out_targets": total,
    }
