"""Which words give a generated review's label away without meaning anything: a data audit of the
review generator, the first thing to read when the demo model does well on its own test split
and badly on hand-written reviews.

A model trained from scratch learns whatever separates the labels. When a word that carries no
sentiment ("these", "instead", "people", "since") occurs in one label's reviews only, because it
sits in one label's fixed phrases ("Credit where it's due", "went for pizza instead"), the model
learns it as a sentiment cue and misreads real reviews that use it ("These headphones are
excellent."). This prints, for a generated corpus of the demo's size and mix, every word in at
least --min-count reviews whose reviews are at least --skew of one label, split into the
generator's sentiment lexicon (adjectives and nouns: expected) and everything else, with the share
of reviews that contain at least one of the latter. Read that list: some of it carries sentiment
the lexicon does not hold (verbs such as "hated", words such as "refund"); function words and
topic words ("these", "instead", "sequel", "view") are the shortcuts to remove from the phrase
banks, by using them in both labels' phrases.

    .cache/venv/bin/python training/bench/shortcut_audit.py [--count 30000] [--seed 42]
        [--min-count 25] [--skew 0.9] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter

from sentimentops_train.generate.generator import DEFAULT_DOMAINS, generate_reviews
from sentimentops_train.generate.lexicon import POSITIVE, lexicon

WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def audit(count: int, seed: int, min_count: int, skew: float) -> dict[str, object]:
    reviews = generate_reviews(count, seed, DEFAULT_DOMAINS)
    words_of = [set(WORD.findall(r.text.lower())) for r in reviews]
    positive: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for review, words in zip(reviews, words_of):
        total.update(words)
        if review.label == POSITIVE:
            positive.update(words)
    sentiment = {w for phrase in lexicon().sentiment_words() for w in WORD.findall(phrase.lower())}
    skewed = []
    for word, n in total.items():
        share = positive[word] / n
        if n >= min_count and max(share, 1 - share) >= skew:
            skewed.append({"word": word, "reviews": n, "positive_share": round(share, 3),
                           "in_lexicon": word in sentiment})
    skewed.sort(key=lambda s: (-abs(s["positive_share"] - 0.5), -s["reviews"]))
    shortcuts = {s["word"] for s in skewed if not s["in_lexicon"]}
    with_shortcut = sum(bool(words & shortcuts) for words in words_of)
    return {
        "reviews": count,
        "seed": seed,
        "min_count": min_count,
        "skew": skew,
        "words_counted": sum(1 for n in total.values() if n >= min_count),
        "skewed_in_lexicon": sum(1 for s in skewed if s["in_lexicon"]),
        "shortcuts": [s for s in skewed if not s["in_lexicon"]],
        "reviews_with_a_shortcut": round(with_shortcut / max(1, count), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=30000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--min-count", type=int, default=25)
    parser.add_argument("--skew", type=float, default=0.9)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = audit(args.count, args.seed, args.min_count, args.skew)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    shortcuts = result["shortcuts"]
    print(f"{result['reviews']} generated reviews (seed {result['seed']}); "
          f"{result['words_counted']} words in >= {result['min_count']} reviews")
    print(f"skewed >= {result['skew']:.0%} to one label: {result['skewed_in_lexicon']} sentiment-lexicon "
          f"words (expected), {len(shortcuts)} others (read them: function and topic words are shortcuts)")
    print(f"reviews containing at least one of the others: {result['reviews_with_a_shortcut']:.1%}\n")
    print("positive share  reviews  word")
    for s in shortcuts:
        print(f"{s['positive_share']:>14.2f}  {s['reviews']:>7}  {s['word']}")


if __name__ == "__main__":
    main()
