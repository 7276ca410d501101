"""The review generator: deterministic, balanced, varied, and labelled by construction."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from sentimentops_train.generate import DOMAINS, generate_reviews, run_generate
from sentimentops_train.generate import clauses, resources, templates
from sentimentops_train.generate.draft import Draft
from sentimentops_train.generate.lexicon import NEGATIVE, POSITIVE, flip, lexicon

SRC = Path(__file__).resolve().parent.parent / "src"
NEGATOR = re.compile(r"\b(?:not|never|no|nothing|none)\b|n't\b", re.IGNORECASE)


@pytest.fixture(scope="module")
def corpus():
    return generate_reviews(5000, seed=7)


def _digest(reviews) -> str:
    rows = [[r.text, r.label, r.domain, r.structure, list(r.features)] for r in reviews]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


# -- determinism ----------------------------------------------------------------------------------
def test_same_seed_gives_identical_reviews():
    assert generate_reviews(400, seed=11) == generate_reviews(400, seed=11)


def test_different_seeds_give_different_reviews():
    a = {r.text for r in generate_reviews(200, seed=1)}
    b = {r.text for r in generate_reviews(200, seed=2)}
    assert len(a & b) < 20  # a few stock short reviews ("Skip it.") may coincide


def test_a_prefix_of_a_larger_run_equals_a_smaller_run():
    assert generate_reviews(300, seed=5)[:120] == generate_reviews(120, seed=5)


def test_output_does_not_depend_on_hash_randomisation():
    code = (
        "import hashlib, json\n"
        "from sentimentops_train.generate import generate_reviews\n"
        "rows = [[r.text, r.label, r.domain, r.structure, list(r.features)]"
        " for r in generate_reviews(300, seed=3)]\n"
        "print(hashlib.sha256(json.dumps(rows).encode()).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(SRC)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == _digest(generate_reviews(300, seed=3))


# -- balance and coverage -------------------------------------------------------------------------
def test_labels_are_balanced():
    even = Counter(r.label for r in generate_reviews(1000, seed=4))
    assert even[POSITIVE] == even[NEGATIVE] == 500
    odd = Counter(r.label for r in generate_reviews(999, seed=4))
    assert abs(odd[POSITIVE] - odd[NEGATIVE]) == 1


def test_every_domain_is_present_in_equal_shares(corpus):
    counts = Counter(r.domain for r in corpus)
    assert set(counts) == {"movies", "products", "restaurants"}
    assert max(counts.values()) - min(counts.values()) <= 1
    # Labels are balanced within each domain too, or domain would leak the label.
    for domain in counts:
        labels = Counter(r.label for r in corpus if r.domain == domain)
        assert abs(labels[POSITIVE] - labels[NEGATIVE]) < 0.1 * counts[domain]


def test_domain_weights_shift_the_mix():
    reviews = generate_reviews(1000, seed=9, domain_weights={"movies": 0.8, "products": 0.2})
    counts = Counter(r.domain for r in reviews)
    assert "restaurants" not in counts
    assert 720 < counts["movies"] < 880


def test_a_single_domain_can_be_asked_for():
    assert {r.domain for r in generate_reviews(50, seed=1, domains=("movies",))} == {"movies"}


def test_each_domain_covers_many_aspects(corpus):
    used = {name: Counter() for name in DOMAINS}
    for review in corpus:
        used[review.domain].update(review.aspects)
    expected = {
        "movies": {"acting", "plot", "pacing", "score", "cinematography", "dialogue", "ending",
                   "characters", "effects"},
        "products": {"battery", "build quality", "price", "shipping", "customer service"},
        "restaurants": {"food", "service", "ambience", "price", "wait"},
    }
    for domain, aspects in expected.items():
        assert aspects <= set(used[domain]), f"{domain}: {aspects - set(used[domain])}"
        assert len(used[domain]) >= 10


# -- phenomena ------------------------------------------------------------------------------------
def test_phenomena_actually_occur(corpus):
    n = len(corpus)
    features = Counter(f for r in corpus for f in r.features)
    at_least = {
        "negation": 0.15, "negation_flip": 0.1, "contrast": 0.15, "concession": 0.04,
        "intensifier": 0.1, "downtoner": 0.05, "hedge": 0.05, "rhetorical_question": 0.03,
        "comparison": 0.05, "mixed_aspects": 0.1, "anecdote": 0.1, "rating": 0.05,
        "expectation": 0.03, "short": 0.05, "long": 0.04, "casual": 0.08, "lowercase": 0.04,
        "typo": 0.03, "exclamation": 0.05, "pros_cons": 0.02,
    }
    for feature, share in at_least.items():
        assert features[feature] >= share * n, f"{feature}: {features[feature]} of {n}"
    # The features are not just claimed: the text shows them.
    negated = sum(bool(NEGATOR.search(r.text)) for r in corpus if "negation" in r.features)
    assert negated >= 0.95 * features["negation"]
    contrasted = sum(
        bool(re.search(r"\b(but|however|yet|still|although|though|while|despite|even so|that said|"
                       r"even if|unfortunately|thankfully|on the other hand|sure|granted|yes|okay)\b",
                       r.text, re.I))
        for r in corpus if "contrast" in r.features
    )
    assert contrasted >= 0.95 * features["contrast"]


def test_short_and_long_texts(corpus):
    lengths = [len(r.text.split()) for r in corpus]
    assert sum(1 for x in lengths if 2 <= x <= 6) >= 0.05 * len(corpus)
    assert sum(1 for x in lengths if x >= 100) >= 0.01 * len(corpus)
    assert max(lengths) <= 210


def test_vocabulary_is_broad(corpus):
    words = {w for r in corpus for w in re.findall(r"[a-z]+(?:['-][a-z]+)*", r.text.lower())}
    assert len(words) > 3000
    # The WordNet-widened lexicon is used, not just its seeds.
    assert len(words & lexicon().sentiment_words()) > 150


def test_texts_are_unique_and_clean(corpus):
    texts = [r.text for r in corpus]
    assert len(set(texts)) == len(texts)
    for text in texts:
        assert text == text.strip() and "  " not in text
        assert "{" not in text and "[" not in text and "|" not in text, text


# -- labels by construction -----------------------------------------------------------------------
def _draft(seed: str, domain: str, label):
    return Draft(random.Random(seed), DOMAINS[domain], label)


def _polar_words(domain: str, polarity) -> set[str]:
    lex = lexicon()
    words = set(lex.strong[polarity]) | set(lex.mild[polarity]) | set(DOMAINS[domain].item_adjectives[polarity])
    for asp in DOMAINS[domain].aspects:
        words.update(asp.adjectives[polarity])
    return words


@pytest.mark.parametrize("label", [POSITIVE, NEGATIVE])
@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_negation_flips_the_negated_word(domain, label):
    """"not bad at all" is positive: a negated aspect clause for label L negates a word of the
    opposite polarity, never one of L's own."""
    opposite = _polar_words(domain, flip(label))
    own = _polar_words(domain, label) - opposite
    for i in range(60):
        d = _draft(f"negation:{domain}:{label}:{i}", domain, label)
        clause = clauses.negated_aspect(d, d.use_aspect(), label)
        assert NEGATOR.search(clause), clause
        tail = clause.split("n't ", 1)[-1].split(" never ", 1)[-1]
        assert any(w in tail for w in opposite), clause
        assert not any(re.search(rf"\b{re.escape(w)}\b", tail) for w in own if len(w) > 3), clause


def _spy_on_clauses(monkeypatch) -> list[tuple[str, str]]:
    """Record (polarity, text) of every clause the templates ask for."""
    calls: list[tuple[str, str]] = []
    for name in ("aspect_clause", "overall_clause"):
        real = getattr(clauses, name)

        def spy(d, *args, _real=real, **kwargs):
            text = _real(d, *args, **kwargs)
            polarity = next(a for a in (*args, *kwargs.values()) if a in (POSITIVE, NEGATIVE))
            calls.append((polarity, text))
            return text

        monkeypatch.setattr(clauses, name, spy)
    return calls


@pytest.mark.parametrize("label", [POSITIVE, NEGATIVE])
@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_contrast_is_decided_by_the_final_clause(monkeypatch, domain, label):
    """"The acting was wonderful, but the plot made no sense and I left bored." is negative:
    in "A, but B" and "Although A, B", A has the opposite polarity and comes first."""
    calls = _spy_on_clauses(monkeypatch)
    for i in range(40):
        calls.clear()
        d = _draft(f"contrast:{domain}:{label}:{i}", domain, label)
        templates.contrast(d)
        text = d.text().lower()
        # Only clauses that made it into the text (a verdict may be drawn again until it fits).
        against = [t for p, t in calls if p != label and t.lower() in text]
        deciding = [t for p, t in calls if p == label and t.lower() in text]
        assert len(against) == 1 and deciding, (calls, text)
        first_for = min(text.index(t.lower()) for t in deciding)
        assert text.index(against[0].lower()) < first_for, text
        # ... and a contrast marker sits between the two.
        between = text[text.index(against[0].lower()) + len(against[0]):first_for]
        assert re.search(r"but|however|yet|still|said|so,|unfortunately|thankfully|, ", between), text


@pytest.mark.parametrize("label", [POSITIVE, NEGATIVE])
def test_concession_keeps_the_main_clause_deciding(monkeypatch, label):
    """"I loved it, although the pacing dragged" is positive: the main clause carries the label."""
    calls = _spy_on_clauses(monkeypatch)
    checked = 0
    for i in range(80):
        calls.clear()
        d = _draft(f"concession:{label}:{i}", "products", label)
        templates.concession(d)
        first = d.sentences[0].lower()
        calls[:] = [(p, t) for p, t in calls if t.lower() in first]
        against = [t for p, t in calls if p != label]
        if not against:  # the "despite the flimsy case, ..." form names the concession as a noun
            assert first.startswith("despite the ")
            continue
        main = next(t for p, t in calls if p == label).lower()
        assert first.index(main) < first.index(against[0].lower()), first
        assert re.search(r"although|though|even if|despite", first), first
        checked += 1
    assert checked > 30


def test_seeded_examples_read_as_labelled():
    """Specific seeded reviews, read and checked by a person when this test was written; if a
    phrase bank changes, re-read the new texts before updating them."""
    reviews = generate_reviews(200, seed=2024)
    expected = {
        # contrast: the clause after "but" decides
        30: ("positive", "The motor was fairly loud, but honestly, assembly was top-notch, which more than makes up for it."),
        # concession: the main clause decides, "despite" does not
        17: ("negative", "Despite the immaculate cinematography, I didn't like a single thing about it. The directing wasn't exactly bold!"),
        29: ("negative", "Despite the friendly host, this brunch spot was a pale imitation of most places in town."),
        42: ("positive", "Despite the flimsy period detail, you will not regret it."),
        # implicit sentiment: events, idioms, sarcasm, "worth it though"
        0: ("positive", "its a bit cramped, still worth it for the ramen!!!"),
        8: ("negative", "By the end I had completely given up caring about any of them. Never again."),
        48: ("negative", "Perfect, the app crashes whenever I open the settings. Thanks for that. Never going back."),
        87: ("negative", "i've had more fun waiting at the dentist... can't wait to do that again. i'd give it 1 star ??"),
        # praise of one aspect, overruled by an implicit negative verdict
        57: ("negative", "The first act was pleasant. My daughter was snorng within half an hour. I'd give it 0/10."),
        63: ("negative", "A few coworkers asked me twice if it was nearly done! Just what I needed."),
        # negation flips the negated word
        1: ("negative", "the heroine wasn't particularly great. the twist at the end was pitiful. i hated every minute of it. 2/5 from me."),
        38: ("positive", "Not underwhelming at all."),
        53: ("positive", "Not bad at all!"),
    }
    for index, (label, text) in expected.items():
        assert (reviews[index].label, reviews[index].text) == (label, text)


# -- the CLI seam ---------------------------------------------------------------------------------
def test_run_generate_writes_jsonl(tmp_path):
    out = run_generate(120, 3, ("movies", "restaurants"), tmp_path / "data" / "reviews.jsonl")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 120
    rows = [json.loads(line) for line in lines]
    assert all(set(row) == {"text", "label", "domain"} for row in rows)
    assert {row["domain"] for row in rows} == {"movies", "restaurants"}
    assert [p.name for p in out.parent.iterdir()] == ["reviews.jsonl"]  # no temp file left
    assert rows == [r.record() for r in generate_reviews(120, 3, ("movies", "restaurants"))]


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="unknown domain 'books'"):
        generate_reviews(10, seed=1, domains=("movies", "books"))
    with pytest.raises(ValueError, match="count"):
        generate_reviews(-1, seed=1)
    with pytest.raises(ValueError, match="at least one domain"):
        generate_reviews(10, seed=1, domains=())


def test_missing_word_resources_name_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv(resources.WORDNET_ENV, str(tmp_path))
    with pytest.raises(resources.MissingResourceError, match="wordnet-base"):
        resources.wordnet_dir()
    monkeypatch.setenv(resources.WORDLIST_ENV, str(tmp_path / "words"))
    with pytest.raises(resources.MissingResourceError, match="wamerican"):
        resources.wordlist_path()


# -- implicit sentiment ---------------------------------------------------------------------------
def test_implicit_phenomena_occur(corpus):
    n = len(corpus)
    features = Counter(f for r in corpus for f in r.features)
    for feature, share in {"implicit": 0.06, "idiom": 0.05, "sarcasm": 0.01, "worth_it": 0.01}.items():
        assert features[feature] >= share * n, f"{feature}: {features[feature]} of {n}"
    by_domain = Counter(r.domain for r in corpus if "implicit" in r.features)
    assert set(by_domain) == set(DOMAINS)


def test_sarcasm_only_in_negative_reviews_and_after_a_bad_fact(corpus):
    from sentimentops_train.generate import implicit
    sarcastic = [r for r in corpus if "sarcasm" in r.features]
    assert sarcastic and all(r.label == NEGATIVE for r in sarcastic)

    def norm(text: str) -> str:
        return re.sub(r"[^a-z0-9 ]", "", text.lower())

    # The text after the last slot of each bad event: enough to recognise it (a typo may hide one).
    tails = {norm(e.split("}")[-1])[-12:] for dom in implicit.EVENTS.values() for e in dom[NEGATIVE]}
    with_fact = 0
    for r in sarcastic:
        text = norm(r.text)
        assert any(norm(tag)[-10:] in text for tag in implicit.SARCASM), r.text
        with_fact += any(t in text for t in tails)
    assert with_fact >= 0.9 * len(sarcastic)


def test_worth_it_endings_are_positive(corpus):
    worth = [r for r in corpus if "worth_it" in r.features]
    assert worth and all(r.label == POSITIVE for r in worth)
    assert all(re.search(r"\bworth\b|made up for", r.text, re.I) for r in worth)


@pytest.mark.parametrize("label", [POSITIVE, NEGATIVE])
def test_implicit_reviews_use_only_their_labels_banks(monkeypatch, label):
    """Every event and idiom in an implicit review comes from the bank of the review's label."""
    from sentimentops_train.generate import implicit
    seen: list[tuple[str, str]] = []
    real_events, real_idioms = implicit.events, implicit.idioms
    monkeypatch.setattr(implicit, "events", lambda dom, pol: (seen.append(("event", pol)), real_events(dom, pol))[1])
    monkeypatch.setattr(implicit, "idioms", lambda dom, pol: (seen.append(("idiom", pol)), real_idioms(dom, pol))[1])
    for i in range(120):
        domain = list(DOMAINS)[i % len(DOMAINS)]
        d = _draft(f"implicit:{i}", domain, label)
        templates.implicit(d)
        assert d.text()
    assert seen and all(pol == label for _, pol in seen)


def test_implicit_banks_do_not_overlap_across_labels():
    from sentimentops_train.generate import implicit
    for dom, banks in implicit.EVENTS.items():
        assert not set(banks[POSITIVE]) & set(banks[NEGATIVE]), dom
        assert len(banks[POSITIVE]) >= 15 and len(banks[NEGATIVE]) >= 15
    assert not set(implicit.IDIOMS[POSITIVE]) & set(implicit.IDIOMS[NEGATIVE])
