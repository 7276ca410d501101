"""Everyday review moves that the clause grammar does not make: a rating that names the point it
lost ("9/10, only because the middle drags a little"), problems that did not happen ("no dead pixels, no
rattle"), "don't let the cover fool you", a habit broken ("I never write reviews, but ..."),
superlatives ("one of the most tedious films I've sat through"), a listing that lied, a
tradesperson's visit told as a list of facts, sarcasm with scare quotes, and the one-line
recommendations people sign off with ("Counting the days till we go back.", "Skip this one.").

Frames are shared by both labels wherever English allows ("No ___, no ___." praises or damns by
its nouns; "One of the most ___ films I've seen" by its adjective), so the model has to read the
words that carry the sentiment rather than the shape of the sentence. Subjects that the older
banks only ever used one way (a plumber only ever overcharged) appear with both labels here.

The banks live in everyday_phrases.py, keyed by the polarity they express; `everyday` arranges the
moves so that the part that decides always carries the label, as the other structures do
(templates.py).
"""

from __future__ import annotations

from collections.abc import Callable

from . import clauses as c
from . import implicit as imp
from .draft import Draft, capitalise
from .everyday_phrases import (ABSENT, ABSENT_FRAMES, BAD_NP, CLOSERS, COMPARATIVES, DOMAIN_CLOSERS,
                               DOMAIN_EXCLAMATIONS, EXCLAMATIONS, FOOL_FRAMES, GOOD_NP, GRIPES, HABITS,
                               HIGH_RATING_FRAMES, HIGH_SCORES, HYPE, INVERTED, LISTINGS, LOW_RATING_FRAMES,
                               LOW_SCORES, MAKE_UP, MEDIA, NOT_WORTH_FRAMES, OTHER_KINDS, PLAIN_BAD, PLAIN_GOOD, PLUSES, PROMISE,
                               PROMISE_FRAMES, QUESTIONS, SARCASTIC_LEADS, SARCASTIC_TAILS, SCARE_QUOTED, SEEN,
                               SERVICE_FACTS, SERVICE_SUBJECTS, SERVICE_SUMMARIES, SUPERLATIVE_FRAMES,
                               SUPERLATIVES, SURFACES, UPGRADE_LEADS)
from .lexicon import NEGATIVE, POSITIVE, Polarity, flip


def plural(noun: str) -> str:
    """Close enough for genres and OTHER_KINDS: "comedy" -> "comedies", "series" -> "series"."""
    if noun.endswith("s"):
        return noun
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    if noun.endswith(("ch", "sh", "x")):
        return noun + "es"
    return noun + "s"


def closer(d: Draft, label: Polarity) -> str:
    d.note("recommendation")
    bank = CLOSERS[label] + DOMAIN_CLOSERS[d.domain.name][label]
    return d.fill(d.pick_fresh(bank))


def rating_with_reason(d: Draft, label: Polarity) -> str:
    d.note("rating")
    name = d.domain.name
    if d.chance(0.25):  # "One star. The zipper broke the second time I used it."
        d.note("implicit")
        score = d.pick(HIGH_SCORES if label == POSITIVE else LOW_SCORES)
        return d.fill(f"{capitalise(score)}. {capitalise(d.pick(imp.events(name, label)))}.")
    if label == POSITIVE:
        frame = d.pick(HIGH_RATING_FRAMES)
        gripe = d.pick(GRIPES[name])
        return d.fill(frame.replace("{v}", d.pick(HIGH_SCORES)).replace("{gripe}", gripe))
    frame = d.pick(LOW_RATING_FRAMES)
    plus = d.pick(PLUSES[name])
    return d.fill(frame.replace("{v}", d.pick(LOW_SCORES)).replace("{plus_np}", plus)
                  .replace("{plus}", f"{plus} {d.pick(('was decent', 'was fine', 'was nice'))}"))


def absence(d: Draft, label: Polarity) -> str:
    name = d.domain.name
    x, y, z = d.rng.sample(ABSENT[name][label], 3)
    plain = PLAIN_GOOD if label == POSITIVE else PLAIN_BAD
    frame = d.pick(ABSENT_FRAMES[label])
    text = (frame.replace("{x}", x).replace("{y}", y).replace("{z}", z)
            .replace("{good}", d.pick(plain[name])).replace("{bad}", d.pick(plain[name])))
    if "No " in text or "no " in text or "Not " in text:  # "Zero plot holes." has no negator
        d.note("negation")
    return d.fill(capitalise(text))


def fool(d: Draft, label: Polarity) -> str:
    if d.chance(0.35):
        return d.pick(HYPE[label])
    surface = d.pick(SURFACES[d.domain.name][label])
    verdict = c.clause_with_subject(d, label, "firm")
    frame = d.pick(FOOL_FRAMES[label])
    return (frame.replace("{s}", surface).replace("{S}", capitalise(surface))
            .replace("{verdict}", verdict).replace("{Verdict}", capitalise(verdict)))


def habit(d: Draft, label: Polarity) -> str:
    d.note("expectation")
    return d.fill(d.pick(HABITS[d.domain.name][label]))


def superlative(d: Draft, label: Polarity) -> str:
    d.note("superlative")
    name = d.domain.name
    if d.chance(0.6):
        noun, verbs = d.fill(d.slot("noun")), SEEN[name]
    else:
        noun, verbs = d.pick(OTHER_KINDS[name])
    frame = d.pick(SUPERLATIVE_FRAMES[label])
    text = (frame.replace("{adj}", d.pick(SUPERLATIVES[label])).replace("{nouns}", plural(noun))
            .replace("{noun}", noun).replace("{seen}", d.pick(verbs)))
    return d.fill(text)


def listing(d: Draft, label: Polarity) -> str:
    d.note("expectation")
    return d.fill(d.pick(LISTINGS[d.domain.name][label]))


def service_visit(d: Draft, label: Polarity) -> str:
    """"The plumber arrived on time, explained everything and charged what he quoted." Facts only,
    all on the label's side, then a short summary."""
    d.note("implicit")
    facts = d.rng.sample(SERVICE_FACTS[label], d.rng.randint(2, 4))
    listed = ", ".join(facts[:-1]) + f" and {facts[-1]}"
    subject = capitalise(d.pick(SERVICE_SUBJECTS))
    return f"{subject} {listed}. {d.pick(SERVICE_SUMMARIES[label])}"


def make_up(d: Draft, label: Polarity) -> str:
    name = d.domain.name
    gripe, plus = d.pick(GRIPES[name]), d.pick(PLUSES[name])
    text = (d.pick(MAKE_UP[label]).replace("{gripe_cap}", capitalise(gripe)).replace("{gripe}", gripe)
            .replace("{plus_cap}", capitalise(plus)).replace("{plus_np}", plus)
            .replace("{good}", d.pick(GOOD_NP[name])).replace("{bad}", d.pick(BAD_NP[name])))
    if ", but " in text or text.startswith("Sure, "):  # "X aside, Y ruined it" overrules without a connector
        d.note("contrast")
    return d.fill(text)


def exclamation(d: Draft, label: Polarity) -> str:
    d.note("short")
    return d.pick(EXCLAMATIONS[label] + DOMAIN_EXCLAMATIONS[d.domain.name][label])


def inverted(d: Draft, label: Polarity) -> str:
    d.note("implicit")
    return d.fill(d.pick(INVERTED[d.domain.name][label]))


def upgrade(d: Draft, label: Polarity) -> str:
    d.note("comparison")
    first, second = d.rng.sample(COMPARATIVES[d.domain.name][label], 2)
    fragments = capitalise(f"{first}, {second}")
    if d.chance(0.5):
        return fragments + "."
    return d.fill(f"{d.pick(UPGRADE_LEADS[label])}. {fragments}.")


def promise(d: Draft, label: Polarity) -> str:
    """"It's a shame, because the cast is so talented." then the verdict; or worries proved wrong."""
    d.note("expectation")
    reason = d.fill(d.pick(PROMISE[d.domain.name][flip(label)]))  # hope before a letdown, worry before praise
    verdict = c.clause_with_subject(d, label, "firm")
    frame = d.pick(PROMISE_FRAMES[label])
    return frame.replace("{reason}", reason).replace("{verdict}", verdict).replace("{Verdict}", capitalise(verdict))


def question(d: Draft, label: Polarity) -> str:
    d.note("rhetorical_question")
    return d.pick(QUESTIONS[label])


def pile(d: Draft, label: Polarity) -> str:
    """Adjectives in a row, maybe ending on a fact: "Loud, slow, and it burns the toast."."""
    d.note("short")
    words: list[str] = []
    for _ in range(12):
        word, _strong = c.adjective(d, label, d.use_aspect())
        if " " not in word and word not in words:
            words.append(word)
        if len(words) == 3:
            break
    if d.chance(0.5):
        event = d.fill(d.pick(imp.events(d.domain.name, label)))
        return f"{capitalise(words[0])}, {words[1]}, and {event}."
    return f"{capitalise(words[0])}, {words[1]} and {words[2]}."


def media(d: Draft, label: Polarity) -> str:
    d.note("implicit")
    first, second = d.rng.sample(MEDIA[label], 2)
    return f"{first}. {second}." if d.chance(0.6) else f"{first}."


def worth(d: Draft, label: Polarity) -> str:
    """Complaints, then whether the best part was worth them: "It's pricey and the wait was long,
    but the ramen made it all worth it." / "..., and not even the ramen makes it worth it."."""
    d.note("worth_it" if label == POSITIVE else "implicit")
    name = d.domain.name
    complaints = d.rng.sample(imp.NEGATIVE_SETUPS[name], d.rng.choice((1, 2)))
    setup = " and ".join(complaints)
    target = d.pick(imp.WORTH_TARGETS[name])
    if label == POSITIVE:
        return capitalise(f"{setup}, {d.pick(imp.WORTH_FRAMES).format(x=target)}.")
    return capitalise(f"{setup}, {d.pick(NOT_WORTH_FRAMES).format(x=target)}.")


def scare_quotes(d: Draft) -> str:
    """Negative only: sarcasm is unmistakable only after a bad fact."""
    d.note("sarcasm")
    fact = d.fill(d.pick(SCARE_QUOTED[d.domain.name]))
    return f"{d.pick(SARCASTIC_LEADS)}{fact}. {d.pick(SARCASTIC_TAILS)}"


Move = Callable[[Draft, Polarity], str]
MOVES: tuple[tuple[Move, float], ...] = (
    (rating_with_reason, 0.12), (absence, 0.12), (fool, 0.1), (habit, 0.1), (superlative, 0.12),
    (listing, 0.1), (service_visit, 0.08), (make_up, 0.1), (exclamation, 0.06), (inverted, 0.12),
    (upgrade, 0.08), (promise, 0.08), (question, 0.04), (pile, 0.06),
    (media, 0.1), (worth, 0.08),
)
# Tradespeople and hotel staff are reviewed beside restaurants, books and games beside films.
_DOMAIN_ONLY = {service_visit: "restaurants", media: "movies"}


def everyday(d: Draft) -> None:
    """One or two everyday moves that carry the label, maybe after neutral context or a soft point
    against the label, usually signed off with a recommendation line."""
    label = d.label
    d.note("everyday")
    if d.chance(0.2):
        d.add(c.anecdote(d, "neutral") if d.chance(0.5) else d.fill(d.pick(d.domain.descriptions)))
    if label == NEGATIVE and d.chance(0.12):
        d.add(scare_quotes(d))
    else:
        if d.chance(0.15):
            # A fair point against the label first; the move after it decides.
            d.note("mixed_aspects")
            d.add(c.aspect_clause(d, d.use_aspect(where=lambda a: a.can_oppose), flip(label), "soft"))
        allowed = [(m, w) for m, w in MOVES if _DOMAIN_ONLY.get(m, d.domain.name) == d.domain.name]
        first = d.rng.choices([m for m, _ in allowed], weights=[w for _, w in allowed])[0]
        d.add(first(d, label))
        if d.chance(0.35):
            rest = [(m, w) for m, w in allowed if m is not first]
            second = d.rng.choices([m for m, _ in rest], weights=[w for _, w in rest])[0]
            d.add(second(d, label))
        if d.chance(0.25):
            d.add(c.aspect_clause(d, d.use_aspect(), label, "firm"))
    if d.chance(0.55):
        d.add(closer(d, label))
