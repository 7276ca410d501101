"""Training against a dataset's known shortcuts: a bias-only model and a product of experts.

A model trained from scratch learns whatever separates the labels. In generated reviews, words that
carry no sentiment ("these", "instead", "tomorrow") can sit in one label's fixed phrases only, and
the model then reads them as sentiment and misreads real reviews that use them
(`training/bench/shortcut_audit.py` lists them). Removing each one from the generator's phrase
banks is the first remedy; this is the second, for what is left.

`shortcut_words` finds the words of a training split that are frequent, skewed to one label and in
no sentiment lexicon (the generator's, VADER's, VADER's negations and intensifiers).
`bias_log_probs` fits a logistic regression on those words alone (the bias-only model) and returns
its log-probabilities for each training text. Training adds them to the main model's log-probabilities before the loss
(a product of experts: Clark, Yatskar and Zettlemoyer 2019, "Don't Take the Easy Way Out"; He,
Zha and Wang 2019). Where the shortcut already explains a label the combined prediction is right
and the main model gets little gradient; it learns what the shortcut cannot explain. The main
model alone is evaluated, exported and served.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

# Words that build sentiment rather than carry it; the model has to learn them whatever their
# counts say. VADER's negations and intensifiers are added to these.
COMPOSITIONAL = frozenset(
    ("but", "though", "although", "however", "yet", "still", "no", "not", "too", "only")
)


def words_of(text: str) -> set[str]:
    return set(WORD.findall(text.lower()))


@lru_cache(maxsize=1)
def sentiment_words() -> frozenset[str]:
    """Words that carry or turn sentiment: never counted as shortcuts."""
    # Imported here: the generator reads WordNet, VADER its lexicon; only debiasing needs them.
    from vaderSentiment.vaderSentiment import BOOSTER_DICT, NEGATE, SentimentIntensityAnalyzer

    from .generate.lexicon import lexicon

    generator = {w for phrase in lexicon().sentiment_words() for w in WORD.findall(phrase.lower())}
    vader = set(SentimentIntensityAnalyzer().lexicon)
    return frozenset(generator | vader | set(NEGATE) | set(BOOSTER_DICT) | COMPOSITIONAL)


@dataclass(frozen=True)
class Shortcut:
    word: str
    texts: int  # how many texts contain it
    positive_share: float


def shortcut_words(
    texts: Sequence[str],
    positive: Sequence[bool],
    *,
    min_count: int,
    skew: float,
    exclude: Iterable[str] = (),
) -> list[Shortcut]:
    """Words in at least `min_count` texts, at least `skew` of them one label, not in `exclude`;
    most skewed first."""
    excluded = frozenset(exclude)
    total: Counter[str] = Counter()
    pos: Counter[str] = Counter()
    for text, is_positive in zip(texts, positive, strict=True):
        words = words_of(text)
        total.update(words)
        if is_positive:
            pos.update(words)
    found = []
    for word, n in total.items():
        share = pos[word] / n
        if n >= min_count and max(share, 1 - share) >= skew and word not in excluded:
            found.append(Shortcut(word, n, round(share, 3)))
    found.sort(key=lambda s: (-abs(s.positive_share - 0.5), -s.texts, s.word))
    return found


@dataclass(frozen=True)
class BiasModel:
    words: tuple[str, ...]
    log_probs: np.ndarray  # [n, 2] float32, label order of labels.LABELS
    texts_with_a_shortcut: int
    accuracy_on_those: float  # the bias-only model's accuracy where it has a word to go on

    def summary(self) -> dict[str, object]:
        n = len(self.log_probs)
        return {
            "shortcut_words": len(self.words),
            "texts_with_a_shortcut": self.texts_with_a_shortcut,
            "share_with_a_shortcut": round(self.texts_with_a_shortcut / max(1, n), 4),
            "bias_accuracy_on_those": round(self.accuracy_on_those, 4),
            "most_skewed": list(self.words[:20]),
        }


def bias_log_probs(
    texts: Sequence[str], label_ids: np.ndarray, *, min_count: int, skew: float
) -> BiasModel:
    """The bias-only model's log-probabilities for each of `texts` (its training texts)."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    y = np.asarray(label_ids)
    found = shortcut_words(
        texts, (y == 1).tolist(), min_count=min_count, skew=skew, exclude=sentiment_words()
    )
    words = tuple(s.word for s in found)
    if not words or len(set(y.tolist())) < 2:
        # Nothing to explain away: a uniform expert leaves the loss as plain cross-entropy.
        return BiasModel(words, np.full((len(texts), 2), np.log(0.5), np.float32), 0, 0.0)
    vectorizer = CountVectorizer(
        vocabulary=words, binary=True, lowercase=True, token_pattern=WORD.pattern
    )
    features = vectorizer.transform(texts)
    # L2 keeps a word seen with one label only at a finite weight (the data separate perfectly).
    classifier = LogisticRegression(C=1.0, max_iter=1000).fit(features, y)
    log_probs = classifier.predict_log_proba(features).astype(np.float32)
    has = np.asarray(features.sum(axis=1)).ravel() > 0
    hits = int(has.sum())
    accuracy = float((log_probs[has].argmax(axis=1) == y[has]).mean()) if hits else 0.0
    return BiasModel(words, log_probs, hits, accuracy)
