"""Product-of-experts training against shortcut words (debias.py): the bias-only model, the loss,
and what they do to a tiny model that could learn a shortcut."""

from __future__ import annotations

import random

import numpy as np
import pytest
import torch

from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
from transformers import PreTrainedTokenizerFast

from toy_data import FILLER, NEGATIVE, POSITIVE, synthetic

from sentimentops_train.arrays import softmax
from sentimentops_train.debias import bias_log_probs, sentiment_words, shortcut_words
from sentimentops_train.errors import DataError
from sentimentops_train.model import ModelSpec, build_model, encode_texts, predict_logits
from sentimentops_train.train import (
    THREADS_ENV,
    TrainSpec,
    seed_everything,
    train,
    training_loss,
)

MAX_LENGTH = 32


@pytest.fixture(autouse=True)
def one_thread(monkeypatch):
    monkeypatch.setenv(THREADS_ENV, "1")


def with_shortcuts(n: int, seed: int) -> tuple[list[str], list[int]]:
    """Toy reviews whose sentiment takes reading: one sentiment word, negated ("not awful") in a
    third of them. Half of each label's texts also carry a word of no sentiment that gives the
    label away, as a generator's fixed phrases do: "zebra" in positive texts, "walrus" in
    negative ones. It is the easier cue, so plain training leans on it."""
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = i % 2
        negated = rng.random() < 1 / 3
        words = rng.choices(FILLER, k=rng.randint(3, 10))
        cue = rng.choice(POSITIVE if label != negated else NEGATIVE)
        words.insert(rng.randint(0, len(words)), f"not {cue}" if negated else cue)
        if rng.random() < 0.5:
            words.insert(rng.randint(0, len(words)), "zebra" if label else "walrus")
        texts.append(" ".join(words))
        labels.append(label)
    return texts, labels


def word_tokenizer(texts: list[str]) -> PreTrainedTokenizerFast:
    """One token per word of the toy texts, in sorted order: the same ids in every run (a trained
    WordPiece orders ties differently from process to process, and the trained model with it)."""
    words = sorted({w for t in texts for w in t.split()})
    vocab = {w: i for i, w in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *words])}
    tok = Tokenizer(models.WordPiece(vocab=vocab, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=tok, unk_token="[UNK]", pad_token="[PAD]", cls_token="[CLS]",
        sep_token="[SEP]", mask_token="[MASK]",
    )


def test_shortcut_words_are_frequent_skewed_and_outside_the_lexicons():
    texts = ["these are excellent"] * 30 + ["awful stuff"] * 30 + ["rare zebra excellent"] * 3
    found = shortcut_words(
        texts, [True] * 30 + [False] * 30 + [True] * 3, min_count=5, skew=0.9,
        exclude=sentiment_words(),
    )
    words = [s.word for s in found]
    assert "these" in words and "are" in words and "stuff" in words
    assert "excellent" not in words and "awful" not in words  # sentiment: never a shortcut
    assert "zebra" not in words  # too rare
    these = next(s for s in found if s.word == "these")
    assert (these.texts, these.positive_share) == (30, 1.0)


def test_the_lexicons_keep_negations_intensifiers_and_contrast():
    words = sentiment_words()
    for word in ("not", "never", "but", "very", "extremely", "excellent", "hated", "bad"):
        assert word in words
    for word in ("these", "zebra", "tomorrow"):
        assert word not in words


def test_bias_model_explains_the_shortcut_and_nothing_else():
    texts, labels = with_shortcuts(400, 1)
    bias = bias_log_probs(texts, np.array(labels), min_count=5, skew=0.9)
    assert set(bias.words) == {"zebra", "walrus"}
    probs = np.exp(bias.log_probs)
    has_zebra = np.array(["zebra" in t for t in texts])
    has_walrus = np.array(["walrus" in t for t in texts])
    assert probs[has_zebra, 1].min() > 0.8 and probs[has_walrus, 0].min() > 0.8
    # Without a shortcut the bias-only model knows nothing: about the prior, whatever the
    # sentiment words say (it cannot see them).
    neither = ~(has_zebra | has_walrus)
    assert np.abs(probs[neither, 1] - 0.5).max() < 0.25
    assert bias.accuracy_on_those == 1.0
    assert bias.texts_with_a_shortcut == int((has_zebra | has_walrus).sum())


def test_no_shortcut_gives_a_uniform_expert():
    texts, labels = synthetic(200, 3)
    bias = bias_log_probs(texts, np.array(labels), min_count=5, skew=0.9)
    assert bias.words == ()
    np.testing.assert_allclose(np.exp(bias.log_probs), 0.5)


def _train(texts, labels, val, tokenizer, tmp_path, bias=None):
    seed_everything(1)
    spec = ModelSpec(dim=32, n_layers=1, n_heads=2, hidden_dim=64, dropout=0.0)
    model = build_model(spec, len(tokenizer), tokenizer.pad_token_id, MAX_LENGTH)
    train(
        model, tokenizer, texts, labels, val[0], val[1],
        # 3e-3 leaves the debiased model on its first plateau for some initial weights.
        TrainSpec(epochs=10, batch_size=16, learning_rate=1e-3, patience=0, max_length=MAX_LENGTH,
                  seed=7, log_interval_s=0.0),
        tmp_path, log=lambda _: None, bias_log_probs=bias,
    )
    return model


def test_product_of_experts_leaves_the_shortcut_unlearned(tmp_path):
    texts, labels = with_shortcuts(480, 1)
    # Validation (model selection) has the shortcut too, as a generated validation split does.
    val = with_shortcuts(160, 2)
    tokenizer = word_tokenizer(texts)
    bias = bias_log_probs(texts, np.array(labels), min_count=5, skew=0.9).log_probs
    plain = _train(texts, labels, val, tokenizer, tmp_path / "plain")
    debiased = _train(texts, labels, val, tokenizer, tmp_path / "poe", bias)

    def positive(model, probe):
        encoded = encode_texts(tokenizer, probe, MAX_LENGTH)
        return softmax(predict_logits(model, encoded, tokenizer.pad_token_id))[:, 1]

    def log_odds(p):
        return float(np.abs(np.log(p / (1 - p))).mean())

    shortcut_only = ["the movie zebra", "the plot walrus", "zebra", "walrus it was"]
    plain_odds = log_odds(positive(plain, shortcut_only))
    poe_odds = log_odds(positive(debiased, shortcut_only))
    # Plain training reads the shortcut alone as strong sentiment (odds of 20:1 and more); the
    # debiased model much less: 0.57 of that with these initial weights (0.46 and 0.78 with
    # seeds 2 and 0).
    assert plain_odds > 3.0
    assert poe_odds < 0.8 * plain_odds
    # Both still read the sentiment (negation included) where there is no shortcut.
    texts, labels = with_shortcuts(200, 3)
    clean = [" ".join(w for w in t.split() if w not in ("zebra", "walrus")) for t in texts]
    for model in (plain, debiased):
        assert ((positive(model, clean) >= 0.5) == np.array(labels, bool)).mean() > 0.75


def test_bias_of_the_wrong_shape_is_refused(tmp_path):
    texts, labels = synthetic(40, 1)
    tokenizer = word_tokenizer(texts)
    with pytest.raises(DataError, match="bias_log_probs"):
        _train(texts, labels, (texts, labels), tokenizer, tmp_path, np.zeros((3, 2), np.float32))


def test_the_product_of_experts_gradient_shrinks_where_the_bias_is_right():
    logits = torch.zeros((3, 2), requires_grad=True)
    targets = torch.tensor([1, 1, 1])
    # Confident and right; uniform (knows nothing); confident and wrong.
    bias = torch.log(torch.tensor([[0.02, 0.98], [0.5, 0.5], [0.98, 0.02]]))
    training_loss(logits, targets, bias).backward()
    poe = logits.grad.abs().sum(dim=1)
    logits.grad = None
    training_loss(logits, targets).backward()
    plain = logits.grad.abs().sum(dim=1)
    assert poe[0] < plain[0] / 10  # explained by the shortcut: almost nothing left to learn
    assert poe[1] == pytest.approx(plain[1].item())  # a uniform expert is plain cross-entropy
    assert poe[2] > plain[2]  # the shortcut points the wrong way: learn this one most
