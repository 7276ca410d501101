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
        # contrast: the clause after "but" decides (and a stock sign-off ends it)
        30: ("positive", "The motor was fairly loud, but honestly, assembly was top-notch, which more than makes up for it. Worth every penny."),
        # concession: the main clause decides, "despite" does not
        17: ("negative", "Despite the immaculate cinematography, I didn't like a single thing about it. The directing wasn't exactly bold!"),
        29: ("negative", "Despite the friendly host, this brunch spot was a pale imitation of most places in town."),
        42: ("positive", "Despite the flimsy period detail, you will not regret it."),
        # implicit sentiment: events, idioms, surface praise (sarcasm after a bad fact, meant
        # after a good one), "worth it though"
        48: ("negative", "Perfect, the app crashes whenever I open the settings. Five stars for creativity, I guess. Never going back."),
        63: ("negative", "A few coworkers asked me twice if it was nearly done! Such fun."),
        123: ("positive", "imo the staff at the hotel knew our names by the second morning. what a treat! honestly"),
        158: ("positive", "It drags in the middle - totally worth it for the boss fights though! tbh"),
        # a thing that went the other way, overruled by the verdict after it
        117: ("negative", "the staff at the hotel knew our names by the second morning. that said, my wife was sick all night afterwards."),
        # absence: praise by the problems that never came, complaint by the goods that never came
        0: ("positive", "It was our first time here. Not a trace of stale bread, and I loved the vegetarian options. It never let me down."),
        87: ("negative", "I finally got around to watching it during a long weekend. No surprises, no suspense. It is pretty poor."),
        # negation flips the negated word
        1: ("negative", "the heroine wasn't particularly great. the twist at the end was pitiful. i hated every minute of it. 2/5 from me. wouldn't recommend."),
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
    for feature, share in {"implicit": 0.06, "idiom": 0.05, "sarcasm": 0.01, "surface_praise": 0.01,
                           "worth_it": 0.01}.items():
        assert features[feature] >= share * n, f"{feature}: {features[feature]} of {n}"
    by_domain = Counter(r.domain for r in corpus if "implicit" in r.features)
    assert set(by_domain) == set(DOMAINS)


@pytest.mark.parametrize(("feature", "label", "tags"), [
    ("sarcasm", NEGATIVE, "SARCASM"), ("surface_praise", POSITIVE, "SINCERE"),
])
def test_surface_praise_follows_a_fact_of_its_label(corpus, feature, label, tags):
    """"What a treat." after a bad fact is sarcasm, after a good one it is meant: both occur, so
    the exclamation is not a label by itself, and the fact before it always agrees with the label."""
    from sentimentops_train.generate import implicit
    found = [r for r in corpus if feature in r.features]
    assert found and all(r.label == label for r in found)

    def norm(text: str) -> str:
        return re.sub(r"[^a-z0-9 ]", "", text.lower())

    # The text after the last slot of each event: enough to recognise it (a typo may hide one).
    tails = {norm(e.split("}")[-1])[-12:] for dom in implicit.EVENTS.values() for e in dom[label]}
    # A typo (style noise) may hide either: nine in ten must show both.
    with_fact = with_tag = 0
    for r in found:
        text = norm(r.text)
        with_tag += any(norm(tag)[-10:] in text for tag in getattr(implicit, tags))
        with_fact += any(t in text for t in tails)
    assert with_tag >= 0.9 * len(found) and with_fact >= 0.9 * len(found)
    # The shared exclamations appear after both kinds of fact.
    shared = {norm(tag) for tag in implicit.SURFACE_PRAISE}
    assert any(any(tag in norm(r.text) for tag in shared) for r in found)


def test_worth_it_endings_are_positive(corpus):
    worth = [r for r in corpus if "worth_it" in r.features]
    assert worth and all(r.label == POSITIVE for r in worth)
    assert all(re.search(r"\bworth\b|made up for", r.text, re.I) for r in worth)


@pytest.mark.parametrize("label", [POSITIVE, NEGATIVE])
def test_implicit_reviews_use_their_labels_banks_and_overrule_any_other(monkeypatch, label):
    """Every idiom in an implicit review comes from the bank of the review's label, and so does
    every event but at most one: a thing that went the other way ("We waited an hour."), which
    a verdict of the review's label then overrules, after it."""
    from sentimentops_train.generate import implicit
    seen: list[tuple[str, str]] = []
    real_events, real_idioms = implicit.events, implicit.idioms
    monkeypatch.setattr(implicit, "events", lambda dom, pol: (seen.append(("event", pol)), real_events(dom, pol))[1])
    monkeypatch.setattr(implicit, "idioms", lambda dom, pol: (seen.append(("idiom", pol)), real_idioms(dom, pol))[1])
    opposed = 0
    for i in range(200):
        seen.clear()
        domain = list(DOMAINS)[i % len(DOMAINS)]
        d = _draft(f"implicit:{i}", domain, label)
        templates.implicit(d)
        assert d.text()
        other = [kind for kind, pol in seen if pol != label]
        if "opposing_event" in d.features:
            opposed += 1
            assert other == ["event"] and seen[0] == ("event", flip(label)), d.text()
            # The overruling verdict comes after it, in a sentence of its own.
            assert re.search(r"[.!?]+\s+\S", d.text()), d.text()
        else:
            assert not other, d.text()
    assert opposed >= 10


def test_implicit_banks_do_not_overlap_across_labels():
    from sentimentops_train.generate import implicit
    for dom, banks in implicit.EVENTS.items():
        assert not set(banks[POSITIVE]) & set(banks[NEGATIVE]), dom
        assert len(banks[POSITIVE]) >= 15 and len(banks[NEGATIVE]) >= 15
    assert not set(implicit.IDIOMS[POSITIVE]) & set(implicit.IDIOMS[NEGATIVE])


# -- sign-offs, digits, absence ---------------------------------------------------------------------
def test_sign_offs_end_reviews_of_their_label_and_share_words_across_labels(corpus):
    from sentimentops_train.generate import phrases
    from sentimentops_train.generate.generator import SIGN_OFF_RATE
    from sentimentops_train.generate.style import numerals
    signed = [r for r in corpus if "sign_off" in r.features]
    eligible = [r for r in corpus if r.structure != "short" and "casual" not in r.features]
    assert abs(len(signed) / len(eligible) - SIGN_OFF_RATE) < 0.03
    def norm(text: str) -> str:  # style may change case, contractions, apostrophes, the end
        text = text.lower().replace("'", "").replace("cannot", "cant").replace("will not", "wont")
        text = re.sub(r"\b(\w+) not\b", r"\1nt", text)  # "would not" / "wouldn't" / "wouldnt"
        return " ".join(re.findall(r"[a-z0-9]+", text))

    for r in (r for r in signed if "typo" not in r.features):
        tail = norm(r.text)[-60:]
        assert any(norm(s) in tail or norm(numerals(s)) in tail
                   for s in phrases.sign_offs(r.domain, r.label)), r.text
    for domain in DOMAINS:
        assert not set(phrases.sign_offs(domain, POSITIVE)) & set(phrases.sign_offs(domain, NEGATIVE))
    # The words of the stock lines occur in both labels' lines: the phrase decides, not a word.
    def words(polarity):
        return {w for s in phrases.SIGN_OFFS[polarity] for w in re.findall(r"[a-z']+", s.lower())}
    assert {"would", "recommend", "worth", "again", "money"} <= words(POSITIVE) & words(NEGATIVE)


def test_quantities_are_typed_in_digits_as_well_as_words(corpus):
    from sentimentops_train.generate.style import numerals
    assert numerals("We waited twenty minutes; Forty-five minutes later, two weeks on, one of the best.") == (
        "We waited 20 minutes; 45 minutes later, 2 weeks on, one of the best.")
    assert numerals("a tenner, often, seventy") == "a tenner, often, seventy"  # whole words only
    # Digits are no longer a rating's alone: "20 minutes" occurs in reviews of both labels.
    with_digits = [r for r in corpus if re.search(r"\b20 minutes\b", r.text)]
    assert {r.label for r in with_digits} == {POSITIVE, NEGATIVE}
    two = [r for r in corpus if re.search(r"\b2\b(?!/)", r.text)]
    assert 0.2 < sum(r.label == POSITIVE for r in two) / len(two) < 0.8


def test_absence_praises_missing_problems_and_complains_of_missing_goods(corpus):
    from sentimentops_train.generate import absence
    found = [r for r in corpus if r.structure == "absence"]
    assert len(found) >= 0.04 * len(corpus)
    assert {r.label for r in found} == {POSITIVE, NEGATIVE}
    for r in found:
        text = r.text.lower()
        # A positive review names a problem it did not have only; a negative one a good it missed.
        own = absence.missing(r.domain, r.label)
        other = [x for x in absence.missing(r.domain, flip(r.label)) if x not in own]
        nothing_own = absence.nothing(r.domain, r.label)
        assert any(x in text for x in own) or any(n.lower() in text for n in nothing_own) or "typo" in r.features, r.text
        for x in own:  # "no plot holes" must not read as the missing good "plot"
            text = text.replace(x, "")
        assert not any(re.search(rf"\b(?:no|zero|any|of) {re.escape(x)}\b", text) for x in other), r.text
