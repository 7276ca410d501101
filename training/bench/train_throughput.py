"""`make bench-train`: the training job's throughput against a bare training loop, on the same
batches, at sequence lengths 256 and 512, for a distilbert-base-size model.

For each length, two fresh processes:
- the job: `python -m sentimentops_train train` (the CLI, as a GPU Job runs it) on
  training/bench/train-bench.yaml; its summary's samples/s counts the training steps only
  (evaluation and checkpoint saving are left out);
- the bare loop: the same model, seed, tokenizer and batches (train.make_train_batches, epoch 1),
  put on the device up front, then forward under the same autocast, fp32 loss, backward and an
  AdamW step, with nothing else: no host-side padding or copies, gradient clipping, LR
  schedule, loss bookkeeping or logging.
Both time every step from the first, so one-time costs weigh the same on each side. The texts
are long synthetic reviews (written to .cache/bench/train/), so every batch is exactly the
sequence length. Prints device, precision, samples/s of both and job / bare, and writes them to
.cache/bench/train/result-<time>.json.

    .cache/venv/bin/python training/bench/train_throughput.py [--device auto|cpu|cuda]
        [--precision auto|fp32|fp16|bf16] [--batch-size N] [--steps N] [--lengths 256,512]

Defaults: on a GPU, batch 32 and 30 steps per length (precision auto: bf16, or fp16 where the
GPU has no bf16); on CPU, fp32, batch 2 and 3 steps: about three minutes on 2 cores, where
a distilbert-base step takes seconds and other processes' load shows in the figures.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "training" / "bench" / "train-bench.yaml"
WORK = ROOT / ".cache" / "bench" / "train"
WORDLIST = Path("/usr/share/dict/american-english")
WORDS_PER_TEXT = 700  # > 512 tokens once tokenized: every text is truncated to the length
VALIDATION_PER_LABEL, TEST_PER_LABEL = 2, 1  # small: evaluation is not what is measured
POSITIVE = ["great", "excellent", "wonderful", "loved", "superb", "brilliant"]
NEGATIVE = ["awful", "terrible", "boring", "hated", "dreadful", "poor"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    parser.add_argument("--precision", choices=("auto", "fp32", "fp16", "bf16"), default="auto")
    parser.add_argument("--batch-size", type=int, help="default: 32 on a GPU, 2 on CPU")
    parser.add_argument("--steps", type=int, help="per length; default: 30 on a GPU, 3 on CPU")
    parser.add_argument("--lengths", default="256,512", help="sequence lengths, comma-separated")
    parser.add_argument("--bare-length", type=int, help=argparse.SUPPRESS)  # the bare-loop child
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.bare_length:
        print(json.dumps(bare_loop(args.bare_length, args.batch_size, args.device, args.precision)))
        return 0
    import torch

    if args.device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("error: --device cuda, but torch sees no CUDA device")
    device = "cuda" if args.device == "auto" and torch.cuda.is_available() else args.device
    device = "cpu" if device == "auto" else device
    on_gpu = device == "cuda"
    batch = args.batch_size or (32 if on_gpu else 2)
    steps = args.steps or (30 if on_gpu else 3)
    lengths = [int(item) for item in args.lengths.split(",")]
    env = {**os.environ, **({} if on_gpu else {"CUDA_VISIBLE_DEVICES": ""})}

    per_label = math.ceil(steps * batch / 2)
    write_reviews(WORK / "reviews.jsonl", per_label + VALIDATION_PER_LABEL + TEST_PER_LABEL)
    sets = [arg for value in settings(per_label, batch, args.precision) for arg in ("--set", value)]
    log(f"{steps} steps of {batch} per length on {device}; data and tokenizer in {WORK}")
    cli(["ingest", *sets], env)
    cli(["tokenizer", *sets], env)

    rows = []
    for length in lengths:
        log(f"sequence {length}: the job (python -m sentimentops_train train)")
        job = cli(["train", *sets, "--set", f"data.max_length={length}"], env)
        log(f"sequence {length}: the bare loop")
        bare = bare_child(length, batch, device, args.precision, env)
        rows.append(
            {
                "sequence_length": length,
                "job_samples_per_s": job["samples_per_s"],
                "bare_samples_per_s": bare["samples_per_s"],
                "job_over_bare": round(job["samples_per_s"] / bare["samples_per_s"], 3),
                "samples": bare["samples"],
                "precision": job["precision"],
                "parameters": job["parameters"],
                "threads": bare["threads"],
            }
        )
    report = {
        "device": device_name(device),
        "precision": rows[0]["precision"],
        "batch_size": batch,
        "steps": math.ceil(2 * per_label / batch),
        # Position embeddings grow with the length: the longest run's count is the model's.
        "parameters": rows[-1]["parameters"],
        "threads": rows[0]["threads"],
        "results": rows,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    path = WORK / f"result-{time.strftime('%Y%m%dT%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2) + "\n")
    for line in table(report):
        print(line)
    print(f"written to {path.relative_to(ROOT)}")
    return 0


def settings(per_label: int, batch: int, precision: str) -> list[str]:
    """The config overrides of this run: its files, its batch and precision, and split
    fractions that leave exactly `per_label` train rows of each label (ingest rounds each
    share half up)."""
    total = per_label + VALIDATION_PER_LABEL + TEST_PER_LABEL
    return [
        f"output_dir={WORK / 'run'}",
        f"data.source.path={WORK / 'reviews.jsonl'}",
        f"data.split.validation={VALIDATION_PER_LABEL / total!r}",
        f"data.split.test={TEST_PER_LABEL / total!r}",
        f"train.batch_size={batch}",
        f"train.precision={precision}",
    ]


def write_reviews(path: Path, per_label: int) -> None:
    """Long reviews of dictionary words with a few sentiment words, labels alternating."""
    if not WORDLIST.is_file():
        raise SystemExit(f"error: {WORDLIST} is missing (Debian's wamerican; `make venv`)")
    words = [w for w in WORDLIST.read_text(encoding="utf-8").split() if w.isascii() and w.isalpha()]
    rng = random.Random(5)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for index in range(2 * per_label):
            label = index % 2
            text = rng.choices(words, k=WORDS_PER_TEXT)
            for _ in range(5):
                text.insert(rng.randrange(len(text)), rng.choice(POSITIVE if label else NEGATIVE))
            row = {"id": f"bench-{index}", "text": " ".join(text), "label": label}
            out.write(json.dumps(row) + "\n")


def cli(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    """One job command; its `--json` summary (its log streams to our stderr)."""
    command = [sys.executable, "-m", "sentimentops_train", *args, "--config", str(CONFIG)]
    done = subprocess.run(
        [*command, "--json"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"error: {' '.join(args[:1])} failed (exit {done.returncode})")
    return json.loads(done.stdout)


def bare_child(length: int, batch: int, device: str, precision: str, env: dict[str, str]) -> Any:
    command = [
        sys.executable, __file__, "--bare-length", str(length), "--batch-size", str(batch),
        "--device", device, "--precision", precision,
    ]  # fmt: skip
    done = subprocess.run(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise SystemExit(f"error: the bare loop at sequence {length} failed")
    return json.loads(done.stdout)


def bare_loop(length: int, batch: int, device: str, precision: str) -> dict[str, Any]:
    """The minimum a training step does, on the job's batches for `length`."""
    import torch
    import torch.nn.functional as F

    from sentimentops_train.commands._layout import RunLayout, split_texts_labels
    from sentimentops_train.commands.train import model_spec
    from sentimentops_train.config import load_config
    from sentimentops_train.evaluate import to_label_ids
    from sentimentops_train.model import build_model, encode_texts, pad_batch
    from sentimentops_train.tokenizer import load_tokenizer
    from sentimentops_train.train import (
        configure_threads,
        make_train_batches,
        seed_everything,
        select_precision,
    )

    # The run's files, batch and precision; the split is already made.
    config = load_config(CONFIG, settings(1, batch, precision))
    layout = RunLayout.of(config)
    dev = torch.device(device)
    threads = configure_threads() if dev.type == "cpu" else None
    tokenizer = load_tokenizer(layout.tokenizer_dir, length)
    texts, labels = split_texts_labels(layout.dataset, "train")
    encoded = encode_texts(tokenizer, texts, length)
    if any(len(ids) != length for ids in encoded):
        raise SystemExit(f"error: some texts are shorter than {length} tokens")
    targets = torch.from_numpy(to_label_ids(labels))
    batches = make_train_batches([len(ids) for ids in encoded], batch, config.seed, 1)
    on_device = []
    for rows in batches:
        input_ids, mask = pad_batch([encoded[i] for i in rows], tokenizer.pad_token_id)
        on_device.append(
            (
                torch.from_numpy(input_ids).to(dev),
                torch.from_numpy(mask).to(dev),
                targets[rows].to(dev),
            )
        )

    seed_everything(config.seed)
    model = build_model(model_spec(config), len(tokenizer), tokenizer.pad_token_id, length).to(dev)
    plan = select_precision(
        precision, dev.type, dev.type == "cuda" and torch.cuda.is_bf16_supported()
    )
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.train.learning_rate)
    scaler = torch.amp.GradScaler(dev.type, enabled=plan.grad_scaler)
    model.train()
    synchronize(dev)
    started = time.monotonic()
    for input_ids, mask, target in on_device:
        with torch.autocast(
            dev.type, dtype=plan.autocast_dtype, enabled=plan.autocast_dtype is not None
        ):
            logits = model(input_ids=input_ids, attention_mask=mask).logits
        loss = F.cross_entropy(logits.float(), target)
        optimizer.zero_grad(set_to_none=True)
        scaler.scale(loss).backward()
        scaler.step(optimizer)
        scaler.update()
    synchronize(dev)
    elapsed = time.monotonic() - started
    samples = sum(len(rows) for rows in batches)
    return {
        "samples": samples,
        "samples_per_s": round(samples / elapsed, 3),
        "precision": plan.name,
        "threads": threads,
    }


def synchronize(device: Any) -> None:
    import torch

    if device.type == "cuda":
        torch.cuda.synchronize(device)


def device_name(device: str) -> str:
    import torch

    if device == "cuda":
        return f"cuda ({torch.cuda.get_device_name(0)})"
    return "cpu"


def table(report: dict[str, Any]) -> list[str]:
    threads = f", {report['threads']} threads" if report["threads"] else ""
    lines = [
        f"bench-train: {report['device']}{threads}, {report['precision']}, "
        f"{report['parameters']:,} parameters (distilbert-base size), "
        f"batch {report['batch_size']}, {report['steps']} steps per length",
        f"{'sequence':>8}  {'job samples/s':>14}  {'bare loop samples/s':>20}  {'job / bare':>10}",
    ]
    for row in report["results"]:
        lines.append(
            f"{row['sequence_length']:>8}  {row['job_samples_per_s']:>14.3f}  "
            f"{row['bare_samples_per_s']:>20.3f}  {row['job_over_bare']:>10.3f}"
        )
    return lines


def log(message: str) -> None:
    print(f"bench-train: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
