"""Which words give a generated review's label away without meaning anything: a data audit of the
review generator, the first thing to read when the demo model does well on its own test split
and badly on hand-written reviews.

A model trained from scratch learns whatever separates the labels. When a word that carries no
sentiment ("these", "instead", "people", "since") occurs in one label's reviews only, because it
sits in one label's fixed phrases ("Credit where it's due", "went for pizza instead"), the model
learns it as a sentiment cue and misreads real reviews that use it ("These headphones are
excellent."). This prints, for a generated corpus of the demo's size and mix, every word in at
least --min-count reviews whose reviews are at least --skew of one label, split into the sentiment
lexicons (the generator's and VADER's, with negations and intensifiers: expected) and everything
else, with the share of reviews that contain at least one of the latter. Read that list: some of
it carries sentiment no lexicon holds (words such as "refund"); function words and topic words
("these", "instead", "sequel", "view") are the shortcuts to remove from the phrase banks, by using
them in both labels' phrases. What is left, training can discount: the demo's `train.debias`
(sentimentops_train/debias.py) finds shortcuts the same way, in its own training split.

    .cache/venv/bin/python training/bench/shortcut_audit.py [--count 30000] [--seed 42]
        [--min-count 25] [--skew 0.9] [--json]
"""

from __future__ import annotations

import argparse
import json

from sentimentops_train.debias import sentiment_words, shortcut_words, words_of
from sentimentops_train.generate.generator import DEFAULT_DOMAINS, generate_reviews
from sentimentops_train.generate.lexicon import POSITIVE


def audit(count: int, seed: int, min_count: int, skew: float) -> dict[str, object]:
    reviews = generate_reviews(count, seed, DEFAULT_DOMAINS)
    texts = [r.text for r in reviews]
    skewed = shortcut_words(
        texts, [r.label == POSITIVE for r in reviews], min_count=min_count, skew=skew
    )
    sentiment = sentiment_words()
    shortcuts = {s.word for s in skewed if s.word not in sentiment}
    with_shortcut = sum(bool(words_of(text) & shortcuts) for text in texts)
    return {
        "reviews": count,
        "seed": seed,
        "min_count": min_count,
        "skew": skew,
        "skewed_in_lexicon": sum(1 for s in skewed if s.word in sentiment),
        "shortcuts": [
            {"word": s.word, "reviews": s.texts, "positive_share": s.positive_share}
            for s in skewed
            if s.word in shortcuts
        ],
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
    print(f"{result['reviews']} generated reviews (seed {result['seed']}); words in >= "
          f"{result['min_count']} reviews, skewed >= {result['skew']:.0%} to one label: "
          f"{result['skewed_in_lexicon']} in a sentiment lexicon (expected), {len(shortcuts)} others "
          "(read them: function and topic words are shortcuts)")
    print(f"reviews containing at least one of the others: {result['reviews_with_a_shortcut']:.1%}\n")
    print("positive share  reviews  word")
    for s in shortcuts:
        print(f"{s['positive_share']:>14.2f}  {s['reviews']:>7}  {s['word']}")


if __name__ == "__main__":
    main()
