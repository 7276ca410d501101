"""The tokenizer: a trained WordPiece tokenizer for the demo and tests, the pretrained model's own
tokenizer in production, and the statistics the reference profile records.

The trained tokenizer is BERT-style and uncased, like distilbert-base-uncased's, so the same
serving code handles both. It is saved as a Hugging Face `tokenizer.json` that
`tokenizers.Tokenizer.from_file` (and the Node bindings serving uses) load unchanged. Padding and
truncation are deliberately not saved in it: serving decides those per request.
"""

from __future__ import annotations

import os
import string
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors, trainers

# The order fixes the ids: [PAD]=0 so that zero-padded batches need no lookup.
SPECIAL_TOKENS: tuple[str, ...] = ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]")
SPECIAL_TOKEN_IDS: dict[str, int] = {token: i for i, token in enumerate(SPECIAL_TOKENS)}
# Every letter and digit, so that any ASCII word can be spelled out in pieces instead of
# collapsing to [UNK]; punctuation is split off by the pre-tokenizer and only needs itself.
_WORD_CHARS = string.ascii_lowercase + string.digits
INITIAL_ALPHABET: list[str] = sorted(set(_WORD_CHARS + string.punctuation))
DEFAULT_MAX_LENGTH = 512  # DistilBERT's position limit


def train_wordpiece(texts: Iterable[str], vocab_size: int, wordlist: Path | None, out_path: Path) -> Path:
    """Train an uncased WordPiece tokenizer on `texts` plus every word of `wordlist` (one per
    line), and save it as `out_path` (a tokenizer.json). Returns `out_path`.

    The word list is what lets words that never occur in the training text still split into
    sensible pieces; the ## forms of every letter and digit guarantee they never become [UNK].
    """
    if vocab_size <= len(SPECIAL_TOKENS) + len(INITIAL_ALPHABET) + len(_WORD_CHARS):
        raise ValueError(f"vocab_size {vocab_size} leaves no room beyond the alphabet")
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]", continuing_subword_prefix="##"))
    tokenizer.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=True, strip_accents=True, lowercase=True
    )
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.decoder = decoders.WordPiece(prefix="##")
    trainer = trainers.WordPieceTrainer(
        vocab_size=vocab_size,
        special_tokens=list(SPECIAL_TOKENS),
        initial_alphabet=INITIAL_ALPHABET,
        continuing_subword_prefix="##",
        show_progress=False,
    )
    tokenizer.train_from_iterator(_corpus(texts, wordlist), trainer=trainer)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", SPECIAL_TOKEN_IDS["[CLS]"]), ("[SEP]", SPECIAL_TOKEN_IDS["[SEP]"])],
    )
    for token, expected in SPECIAL_TOKEN_IDS.items():
        actual = tokenizer.token_to_id(token)
        if actual != expected:  # the trainer's contract; checked because serving relies on it
            raise RuntimeError(f"special token {token} got id {actual}, expected {expected}")
    _write_atomically(Path(out_path), tokenizer.to_str(pretty=True))
    return Path(out_path)


def _corpus(texts: Iterable[str], wordlist: Path | None) -> Iterator[str]:
    yield from texts
    if wordlist is not None:
        with open(wordlist, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                word = line.strip()
                if word:
                    yield word
    # One word holding every letter and digit after its first character, so each gets its
    # "##" continuation form even if the corpus is tiny.
    yield "x" + _WORD_CHARS


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load_tokenizer(spec: str | Path, max_length: int | None = None) -> Any:
    """A transformers fast tokenizer from a tokenizer.json file, a directory (a model directory
    holding tokenizer.json, or a save_pretrained directory), or a hub id such as
    "distilbert-base-uncased" (the production path; needs the hub or its cache)."""
    from transformers import AutoTokenizer, PreTrainedTokenizerFast  # heavy: import on use

    path = Path(spec)
    kwargs: dict[str, Any] = {"model_max_length": max_length} if max_length else {}
    if path.is_dir() and not (path / "tokenizer_config.json").exists() and (path / "tokenizer.json").exists():
        path = path / "tokenizer.json"  # a model directory: tokenizer.json beside model.onnx
    if path.is_file():
        tokenizer = PreTrainedTokenizerFast(
            tokenizer_file=str(path),
            unk_token="[UNK]",
            pad_token="[PAD]",
            cls_token="[CLS]",
            sep_token="[SEP]",
            mask_token="[MASK]",
            **kwargs,
        )
    else:
        tokenizer = AutoTokenizer.from_pretrained(str(spec), use_fast=True, **kwargs)
    if not getattr(tokenizer, "is_fast", False):
        raise ValueError(f"{spec}: no fast tokenizer (serving needs a tokenizer.json)")
    return tokenizer


@dataclass(frozen=True)
class TokenizerStats:
    texts: int
    tokens: int  # word-piece tokens, special tokens excluded
    unknown_tokens: int
    unknown_token_rate: float  # unknown tokens / tokens
    texts_with_unknown_rate: float  # texts with at least one unknown token / texts
    max_length: int
    truncation_rate: float  # texts longer than max_length (special tokens included) / texts
    length_mean: float
    length_percentiles: dict[str, int]  # p0 (min), p50, p90, p95, p99, p100 (max)
    length_histogram: dict[str, int]  # "lo-hi" bucket -> texts, fixed edges for comparability
    lengths: tuple[int, ...] = field(repr=False)  # per text, for KS tests against live traffic

    def to_dict(self, with_lengths: bool = False) -> dict[str, Any]:
        data = asdict(self)
        if not with_lengths:
            data.pop("lengths")
        return data


# Powers of two: a stable bucketing that reads well in a report and suits PSI.
HISTOGRAM_EDGES = (0, 8, 16, 32, 64, 128, 256, 512, 1024)


def tokenizer_stats(tokenizer: Any, texts: Iterable[str], max_length: int | None = None) -> TokenizerStats:
    """Unknown-token rate, truncation rate at `max_length` and the token-length distribution of
    `texts`, with special tokens counted in lengths (that is what truncation sees). Accepts a
    transformers fast tokenizer or a raw `tokenizers.Tokenizer`."""
    raw: Tokenizer = getattr(tokenizer, "backend_tokenizer", tokenizer)
    limit = max_length or _model_max_length(tokenizer)
    # A copy without truncation or padding: the point is to see the lengths before either.
    measuring = Tokenizer.from_str(raw.to_str())
    measuring.no_truncation()
    measuring.no_padding()
    unk_id = _unk_id(tokenizer, measuring)
    batch = list(texts)
    encodings = measuring.encode_batch(batch) if batch else []
    lengths = tuple(len(e.ids) for e in encodings)
    tokens = unknown = with_unknown = 0
    for encoding in encodings:
        pieces = [i for i, special in zip(encoding.ids, encoding.special_tokens_mask) if not special]
        count = sum(1 for i in pieces if i == unk_id)
        tokens += len(pieces)
        unknown += count
        with_unknown += count > 0
    n = len(lengths)
    return TokenizerStats(
        texts=n,
        tokens=tokens,
        unknown_tokens=unknown,
        unknown_token_rate=unknown / tokens if tokens else 0.0,
        texts_with_unknown_rate=with_unknown / n if n else 0.0,
        max_length=limit,
        truncation_rate=sum(1 for x in lengths if x > limit) / n if n else 0.0,
        length_mean=sum(lengths) / n if n else 0.0,
        length_percentiles=_percentiles(lengths),
        length_histogram=_histogram(lengths),
        lengths=lengths,
    )


def _model_max_length(tokenizer: Any) -> int:
    value = getattr(tokenizer, "model_max_length", None)
    # transformers uses a huge sentinel (1e30) when no limit is known.
    return int(value) if isinstance(value, int) and 0 < value < 1_000_000 else DEFAULT_MAX_LENGTH


def _unk_id(tokenizer: Any, raw: Tokenizer) -> int | None:
    unk = getattr(tokenizer, "unk_token_id", None)
    if isinstance(unk, int):
        return unk
    model_unk = getattr(raw.model, "unk_token", None)
    return raw.token_to_id(model_unk) if model_unk else raw.token_to_id("[UNK]")


def _percentiles(lengths: tuple[int, ...]) -> dict[str, int]:
    if not lengths:
        return {}
    ordered = sorted(lengths)
    last = len(ordered) - 1
    # Nearest rank: integer lengths stay integers and the result needs no numpy.
    return {f"p{p}": ordered[min(last, round(p / 100 * last))] for p in (0, 50, 90, 95, 99, 100)}


def _histogram(lengths: tuple[int, ...]) -> dict[str, int]:
    buckets = {f"{lo}-{hi - 1}": 0 for lo, hi in zip(HISTOGRAM_EDGES, HISTOGRAM_EDGES[1:])}
    buckets[f"{HISTOGRAM_EDGES[-1]}+"] = 0
    for length in lengths:
        for lo, hi in zip(HISTOGRAM_EDGES, HISTOGRAM_EDGES[1:]):
            if lo <= length < hi:
                buckets[f"{lo}-{hi - 1}"] += 1
                break
        else:
            buckets[f"{HISTOGRAM_EDGES[-1]}+"] += 1
    return buckets
