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
        30: ("positive", "The motor was fairly loud, but honestly, assembly was top-notch, which more than makes up for it!"),
        33: ("negative", "The climax is pretty enjoyable. Still, it is one of the worst films I've seen in years."),
        35: ("negative", "The look is commendable - but I have never been so disappointed."),
        # concession: the main clause decides, "despite" does not
        42: ("positive", "Despite the flimsy periiod deatil, you will not regret it."),
        77: ("negative", "Despite the believable lead performance, this was a dull mystery. I found the sets dismal."),
        89: ("negative", "Despite the fair check, it was nowhere near as good as people say."),
        # implicit sentiment: events, idioms, sarcasm, "worth it though"
        3: ("negative", "Half the audience walked out before the end. I'll never get that evening back."),
        61: ("negative", "Fantastic, the colour washed out after two washes. Money well spent, clearly."),
        79: ("positive", "i nearly gave up early on, but honestly the boss fights alone was worth it."),
        95: ("negative", "We gave up waiting and left before the mains arrived. They lost our booking and offered nothing but a shrug! They rushed us out to give the table away. Not worth the hype."),
        # praise of one aspect, overruled by an implicit verdict
        86: ("positive", "The fight choreography was low-quality. That said, the whole theatre clapped at the end."),
        94: ("positive", "The lighting was a little bad. Still, glad I took the chance."),
        # negation flips the negated word
        38: ("positive", "Not underwhelming at all."),
        53: ("positive", "Not bad at all!"),
        92: ("negative", "Not first-class, not even close."),
        # everyday moves: ratings with reasons, absences, scare quotes, "not even X saves it"
        0: ("positive", "Was our first time here. Lower prices, fresher fish. Probably the most impressive place I've tried in a long time. Bravo."),
        5: ("positive", "We sat on the patio. The chairs are not the comfiest. Honestly, the cooking made up for all of it. Shorter waits, friendlier staff. My new favourite spot."),
        57: ("negative", "its about forty minutes too long, and the final fight isnt good enough to make up for it. lol"),
        112: ("positive", "Delightful, stellar and soft. No plastic smell, no ads, no fading. Solid from day one. Shipping is lightning-fast. Worth every penny."),
        117: ("negative", "congratulations on 'fresh' bread that was rock hard. five stars for imagination. very disappointed."),
        129: ("negative", "One out of five. The one star is for the packaging. I want my money back."),
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
    from sentimentops_train.generate import everyday_phrases, implicit
    sarcastic = [r for r in corpus if "sarcasm" in r.features]
    assert sarcastic and all(r.label == NEGATIVE for r in sarcastic)

    def norm(text: str) -> str:
        return re.sub(r"[^a-z0-9 ]", "", text.lower())

    # The text after the last slot of each bad fact: enough to recognise it (a typo may hide one).
    # Implicit reviews pair a bad event with a sarcastic tag; everyday ones a scare-quoted claim
    # ("a 'waterproof' watch that died in the rain") with a sarcastic tail.
    events = {norm(e.split("}")[-1])[-12:] for dom in implicit.EVENTS.values() for e in dom[NEGATIVE]}
    quoted = {norm(e.split("}")[-1])[-12:] for bank in everyday_phrases.SCARE_QUOTED.values() for e in bank}
    pairs = {"implicit": (implicit.SARCASM, events), "everyday": (everyday_phrases.SARCASTIC_TAILS, quoted)}
    with_fact = 0
    for r in sarcastic:
        text = norm(r.text)
        tags, facts = pairs[r.structure]
        # A typo (style noise) may hit the tag too; the review records when it added one.
        assert "typo" in r.features or any(norm(tag)[-10:] in text for tag in tags), r.text
        with_fact += any(f in text for f in facts)
    assert with_fact >= 0.9 * len(sarcastic)
    assert {r.structure for r in sarcastic} == set(pairs)


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


# -- everyday moves -------------------------------------------------------------------------------
def _polar_banks(module):
    """Every {POSITIVE: ..., NEGATIVE: ...} bank in the module, per-domain ones included."""
    for name, value in vars(module).items():
        if not name.isupper() or not isinstance(value, dict):
            continue
        tables = value.values() if set(value) <= set(DOMAINS) else [value]
        for table in tables:
            if isinstance(table, dict) and set(table) == {POSITIVE, NEGATIVE}:
                yield name, table


def test_everyday_fillers_do_not_overlap_across_labels():
    """Frames may be shared ("No {x}, no {y}."); what fills them belongs to one label only."""
    from sentimentops_train.generate import everyday_phrases
    shared_frames = {"SUPERLATIVE_FRAMES", "ABSENT_FRAMES", "FOOL_FRAMES"}
    checked = 0
    for name, table in _polar_banks(everyday_phrases):
        if name not in shared_frames:
            assert not set(table[POSITIVE]) & set(table[NEGATIVE]), name
            checked += 1
    assert checked >= 20


@pytest.mark.parametrize("label", [POSITIVE, NEGATIVE])
def test_everyday_reviews_sign_off_with_their_labels_lines(label):
    """A sign-off, exclamation or summary sentence in an everyday review is never one of the
    other label's."""
    from sentimentops_train.generate import everyday, everyday_phrases as ep
    other = flip(label)
    foreign = set(ep.CLOSERS[other]) | set(ep.EXCLAMATIONS[other]) | set(ep.HYPE[other]) | set(ep.SERVICE_SUMMARIES[other])
    for banks in (ep.DOMAIN_CLOSERS, ep.DOMAIN_EXCLAMATIONS):
        foreign |= {line for table in banks.values() for line in table[other]}
    own = set(ep.CLOSERS[label]) | set(ep.EXCLAMATIONS[label])
    signed = 0
    for i in range(300):
        domain = list(DOMAINS)[i % len(DOMAINS)]
        d = _draft(f"everyday:{i}", domain, label)
        everyday.everyday(d)
        assert not set(d.sentences) & foreign, d.text()
        signed += bool(set(d.sentences) & own)
    assert signed >= 50
