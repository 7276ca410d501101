"""The trained WordPiece tokenizer: what serving loads, and what the reference profile measures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tokenizers import Tokenizer

from sentimentops_train.generate import generate_reviews
from sentimentops_train.generate.resources import wordlist_path
from sentimentops_train.tokenizer import (SPECIAL_TOKEN_IDS, load_tokenizer, tokenizer_stats,
                                          train_wordpiece)

VOCAB_SIZE = 4000


@pytest.fixture(scope="module")
def training_texts() -> list[str]:
    return [r.text for r in generate_reviews(2000, seed=21)]


@pytest.fixture(scope="module")
def trained(tmp_path_factory, training_texts) -> Path:
    out = tmp_path_factory.mktemp("tok") / "tokenizer.json"
    assert train_wordpiece(iter(training_texts), VOCAB_SIZE, wordlist_path(), out) == out
    return out


@pytest.fixture(scope="module")
def raw(trained) -> Tokenizer:
    return Tokenizer.from_file(str(trained))


@pytest.fixture(scope="module")
def fast(trained):
    return load_tokenizer(trained)


@pytest.fixture(scope="module")
def held_out() -> list[str]:
    return [r.text for r in generate_reviews(500, seed=22)]


def test_round_trip_through_the_file(trained, raw, tmp_path, held_out):
    again = tmp_path / "again.json"
    raw.save(str(again))
    assert json.loads(again.read_text()) == json.loads(trained.read_text())
    reloaded = Tokenizer.from_file(str(again))
    for text in held_out[:100]:
        assert reloaded.encode(text).ids == raw.encode(text).ids


def test_special_tokens_and_template(raw):
    for token, expected in SPECIAL_TOKEN_IDS.items():
        assert raw.token_to_id(token) == expected
    assert SPECIAL_TOKEN_IDS == {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "[MASK]": 4}
    encoding = raw.encode("Not bad at all!")
    assert encoding.tokens[0] == "[CLS]" and encoding.tokens[-1] == "[SEP]"
    assert encoding.tokens[1:-1] == ["not", "bad", "at", "all", "!"]
    assert raw.get_vocab_size() <= VOCAB_SIZE


def test_uncased_accent_stripping_and_no_baked_in_padding(trained, raw):
    assert raw.encode("CAFÉ Déjà Vu").tokens == raw.encode("cafe deja vu").tokens
    config = json.loads(trained.read_text())
    assert config["padding"] is None and config["truncation"] is None  # serving sets them
    assert config["model"]["type"] == "WordPiece" and config["model"]["unk_token"] == "[UNK]"
    assert config["normalizer"]["type"] == "BertNormalizer"
    assert config["pre_tokenizer"]["type"] == "BertPreTokenizer"


def test_unknown_token_rate_on_generated_text_is_below_one_percent(raw, held_out):
    stats = tokenizer_stats(raw, held_out, max_length=256)
    assert stats.tokens > 10_000
    assert stats.unknown_token_rate < 0.01


def test_words_from_the_word_list_missing_from_training_text_are_not_unknown(raw, training_texts):
    seen = {w for text in training_texts for w in re.findall(r"[a-z]+", text.lower())}
    unseen = [w for w in wordlist_path().read_text(encoding="utf-8").split()
              if w.isascii() and w.isalpha() and w.islower() and w not in seen]
    sample = unseen[::max(1, len(unseen) // 500)]
    assert len(sample) >= 400
    unk = SPECIAL_TOKEN_IDS["[UNK]"]
    for word in sample:
        assert unk not in raw.encode(word).ids, word
    # Made-up words and odd spellings still split into pieces.
    for word in ("flibbertigibbetlike", "zzzqx", "sooooo", "gr8", "b4"):
        assert unk not in raw.encode(word).ids, word


def test_transformers_fast_tokenizer_gives_identical_ids(raw, fast, held_out):
    for text in held_out[:200]:
        assert fast(text)["input_ids"] == raw.encode(text).ids
    batch = fast(held_out[:4], padding=True)
    longest = max(len(ids) for ids in batch["input_ids"])
    assert all(len(ids) == longest for ids in batch["input_ids"])
    assert fast.pad_token_id == 0 and fast.unk_token_id == 1
    assert fast.cls_token_id == 2 and fast.sep_token_id == 3 and fast.mask_token_id == 4


def test_load_tokenizer_from_a_save_pretrained_directory(fast, raw, tmp_path, held_out):
    # The production path is AutoTokenizer.from_pretrained(hub id); offline, a local directory
    # written by save_pretrained exercises the same branch.
    fast.save_pretrained(tmp_path / "pretrained")
    loaded = load_tokenizer(tmp_path / "pretrained")
    for text in held_out[:50]:
        assert loaded(text)["input_ids"] == raw.encode(text).ids


def test_load_tokenizer_from_a_model_directory(trained, raw, tmp_path, held_out):
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "tokenizer.json").write_bytes(trained.read_bytes())
    loaded = load_tokenizer(model_dir, max_length=128)
    assert loaded.model_max_length == 128
    assert loaded(held_out[0])["input_ids"] == raw.encode(held_out[0]).ids


def test_tokenizer_stats(fast, raw, held_out):
    stats = tokenizer_stats(fast, held_out, max_length=32)
    assert stats.texts == len(held_out) == len(stats.lengths)
    assert 0 < stats.truncation_rate < 1
    assert stats.truncation_rate == sum(n > 32 for n in stats.lengths) / len(held_out)
    p = stats.length_percentiles
    assert p["p0"] <= p["p50"] <= p["p90"] <= p["p95"] <= p["p99"] <= p["p100"] == max(stats.lengths)
    assert p["p0"] >= 3  # [CLS] + at least one piece + [SEP]
    assert sum(stats.length_histogram.values()) == len(held_out)
    assert tokenizer_stats(raw, held_out, max_length=4096).truncation_rate == 0
    assert "lengths" not in stats.to_dict() and len(stats.to_dict(with_lengths=True)["lengths"]) == 500
    # The fast tokenizer's own truncation settings do not hide long texts from the statistics.
    assert tokenizer_stats(fast, ["word " * 600]).lengths[0] > 512
    empty = tokenizer_stats(raw, [])
    assert empty.texts == 0 and empty.unknown_token_rate == 0 and empty.truncation_rate == 0


def test_unknown_tokens_are_counted(raw):
    stats = tokenizer_stats(raw, ["good 😀 film", "fine"])
    assert stats.unknown_tokens == 1 and stats.texts_with_unknown_rate == 0.5


def test_train_without_a_word_list(tmp_path, training_texts):
    out = train_wordpiece(training_texts[:300], 500, None, tmp_path / "small.json")
    small = Tokenizer.from_file(str(out))
    assert small.token_to_id("[MASK]") == 4
    assert SPECIAL_TOKEN_IDS["[UNK]"] not in small.encode("quixotic").ids


def test_too_small_a_vocabulary_is_refused(tmp_path):
    with pytest.raises(ValueError, match="vocab_size"):
        train_wordpiece(["a b c"], 50, None, tmp_path / "t.json")
