"""Review structures: how clauses are arranged into a whole review.

Each structure writes into a Draft whose label is already fixed. The deciding part (the verdict,
the clause after "but", the main clause of "although") always carries the label; other parts may
carry the opposite polarity, but only where a reader would still agree with the label.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import absence as ab
from . import clauses as c
from . import implicit as imp
from . import phrases
from .domains import Aspect
from .draft import Draft, capitalise, decapitalise
from .lexicon import (MILD_INTENSIFIERS_BY_POLARITY, NEGATIVE, POSITIVE, STRONG_INTENSIFIERS,
                      Polarity, flip, lexicon)

Structure = Callable[[Draft], None]

# Introduce a minor point against the label without weakening it.
MINOR: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: ("My only complaint is that ", "The only downside: ", "If I had to nitpick, ",
               "One small gripe: ", "Minor issue: ", "The one thing I'd change: ",
               "Not everything is perfect - "),
    NEGATIVE: ("The only good thing [was|is] that ", "To be fair, ", "The one saving grace: ",
               "I'll give it this: ", "In fairness, ", "Credit where it's due: "),
}
# The same words frame both labels ("skeptical" is not praise, "excited" is not a complaint): a
# frame that only ever opened one label's reviews would be learned as a sentiment word.
EXPECTATIONS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: ("I had high hopes for this {noun}, and ", "I went in with low expectations, but ",
               "I expected to hate it, but ", "After all the hype I was worried, but ",
               "I didn't expect much, but ", "I was skeptical at first, but ",
               "I was so excited about this one, and ", "Everyone raved about it, and they were right: ",
               "I really wanted to like it, and luckily ", "After all the hype, I'm glad to say "),
    NEGATIVE: ("I had high hopes for this {noun}, but ", "Everyone raved about it, but ",
               "I really wanted to like it, but ", "I went in with low expectations, and even so ",
               "After all the hype, ", "I was so excited about this one, but ",
               "I was skeptical at first, and rightly so: ", "I was worried it would disappoint, and ",
               "I expected to hate it, and sure enough ", "I didn't expect much, and still "),
}
# Frames that introduce a point on the label's own side; with MINOR they put "complaint",
# "gripe", "credit" and "fairness" into both labels' reviews.
EMPHASIS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: ("Credit where it's due: ", "In fairness, ", "I'll give it this: ", "To be fair, ",
               "No complaint about this: ", "Not a single gripe here: "),
    NEGATIVE: ("My biggest complaint is that ", "The main downside: ", "Another issue: ",
               "My main gripe: ", "The real problem is that ", "Not a minor issue either: ",
               "Another change for the worse: "),
}


def _ends(clause: str) -> str:
    return clause if clause[-1:] in ".!?" else clause + "."


def short(d: Draft) -> None:
    """Two to six words: "Loved it.", "Total waste of money.", "Great food, friendly staff."""
    for _ in range(12):
        text = _short_text(d)
        if 2 <= len(text.split()) <= 6:
            break
    d.note("short")
    d.add(text)


def _short_text(d: Draft) -> str:
    label = d.label
    roll = d.rng.random()
    if roll < 0.3:
        return d.fill(d.pick(d.domain.shorts[label]))
    if roll < 0.45:
        word, strong = c.adjective(d, label)
        booster = d.pick(STRONG_INTENSIFIERS if strong else MILD_INTENSIFIERS_BY_POLARITY[label])
        d.note("intensifier")
        return f"{capitalise(booster)} {word}{d.pick(('.', '!', '.'))}"
    if roll < 0.6:
        word, _ = c.adjective(d, label)
        noun = d.slot("noun")
        if d.chance(0.3):
            second, _ = c.adjective(d, label)
            return f"{capitalise(word)}, {second} {noun}."
        return f"{capitalise(word)} {noun}{d.pick(('.', '!'))}"
    if roll < 0.75:
        first = d.use_aspect(where=c.has_fragment)
        second = d.use_aspect(exclude=(first.name,), where=c.has_fragment)
        return capitalise(f"{c.aspect_fragment(d, first, label)}, {c.aspect_fragment(d, second, label)}.")
    if roll < 0.87:
        rating = c.rating(d, label)
        tail = d.pick(lexicon().mild[label])
        return f"{_ends(rating)} {capitalise(tail)}." if d.chance(0.5) else rating
    d.note("negation", "negation_flip")
    if label == POSITIVE:
        word = d.pick(lexicon().mild[NEGATIVE])
        return d.pick((f"Not {word} at all.", f"Not {word} in the slightest.", "Not bad at all!",
                       f"Never {word}.", "No complaints here.", "Can't fault it."))
    word = d.pick(lexicon().mild[POSITIVE])
    return d.pick((f"Not {word}.", f"Not {word} at all.", "Not worth it.", f"Not very {word}.",
                   f"Not {word}, not even close.", "Not for me."))


def simple(d: Draft) -> None:
    """One to three sentences that all agree with the label."""
    label = d.label
    if d.chance(0.15):
        d.add(c.anecdote(d, "neutral"))
    for _ in range(d.rng.randint(0, 2)):
        d.add(c.maybe_hedge(d, c.aspect_clause(d, d.use_aspect(), label)), _end(d))
    if not d.sentences or d.chance(0.75):
        d.add(c.maybe_hedge(d, c.overall_clause(d, label)), _end(d))
    if d.chance(0.12):
        _maybe_rating(d, label)


def _maybe_rating(d: Draft, label: Polarity) -> None:
    if "star" not in d.text() and "/10" not in d.text():
        d.add(c.rating(d, label))


def _end(d: Draft) -> str:
    return "!" if d.chance(0.12) else "."


def _deciding(d: Draft, label: Polarity) -> str:
    """The clause that decides a contrast: an aspect plus a consequence that lifts it to the
    whole review, or a verdict on the whole."""
    if d.chance(0.55):
        clause = c.aspect_clause(d, d.use_aspect(), label, "firm")
        return c.with_consequence(clause, c.consequence(d, label))
    return c.clause_with_subject(d, label, "firm")


def _opposing_aspect(d: Draft) -> Aspect:
    """An aspect for a clause that pulls against the label."""
    return d.use_aspect(where=lambda a: a.can_oppose)


def _conceded(d: Draft, label: Polarity) -> str:
    return c.aspect_clause(d, _opposing_aspect(d), flip(label), "soft")


def contrast(d: Draft) -> None:
    """"A, but B": the final clause decides. "The acting was wonderful, but the plot made no
    sense and I left bored." is negative."""
    label = d.label
    d.note("contrast")
    if d.chance(0.3):
        d.add(c.anecdote(d, "neutral") if d.chance(0.5) else d.fill(d.pick(d.domain.descriptions)))
    conceded = _conceded(d, label)
    deciding = _deciding(d, label)
    if d.chance(0.62):
        options = [b for b in phrases.BUT if phrases.BUT_ONLY.get(b, label) == label]
        fair = "to be fair, " if d.chance(0.1) else ""
        d.add(f"{fair}{conceded}{d.pick(options)}{deciding}")
    else:
        opener = d.pick(phrases.ALTHOUGH)
        joiner = ", but " if opener in ("Sure, ", "Granted, ", "Yes, ", "Okay, ") else ", "
        d.add(f"{opener}{conceded}{joiner}{deciding}")
    if d.chance(0.25):
        d.add(c.overall_clause(d, label, "firm"), _end(d))
    if d.chance(0.15):
        _maybe_rating(d, label)


def concession(d: Draft) -> None:
    """"B, although A": the main clause decides, the concession does not."""
    label = d.label
    d.note("contrast", "concession")
    if d.chance(0.3):
        # "Despite the slow service, ..." is answered by a verdict on the whole, not one aspect.
        conceded = c.aspect_with_the(d, d.use_aspect(where=lambda a: c.has_fragment(a) and a.can_oppose), flip(label))
        d.add(f"despite {conceded}, {c.clause_with_subject(d, label, 'firm')}")
    else:
        d.add(f"{_deciding(d, label)}{d.pick(phrases.THOUGH)}{_conceded(d, label)}")
    if d.chance(0.3):
        d.add(c.aspect_clause(d, d.use_aspect(), label), _end(d))
    if d.chance(0.15):
        _maybe_rating(d, label)


def mixed(d: Draft) -> None:
    """Several aspects pulling both ways, then an explicit verdict that decides."""
    label = d.label
    d.note("mixed_aspects")
    count = d.rng.randint(2, 4)
    against = d.rng.randint(1, max(1, count // 2))
    polarities = [flip(label)] * against + [label] * (count - against)
    d.rng.shuffle(polarities)
    previous: Polarity | None = None
    joined = False
    for polarity in polarities:
        asp = d.use_aspect() if polarity == label else _opposing_aspect(d)
        clause = c.aspect_clause(d, asp, polarity, "soft" if polarity != label else "any")
        # Join at most one pair into one sentence: "A, but B; on the other hand, C" reads badly.
        if previous is not None and not joined and d.chance(0.45):
            joiner = " and " if polarity == previous else d.pick((", but ", ", while ", "; on the other hand, "))
            d.sentences[-1] = d.sentences[-1][:-1] + joiner + clause + "."
            joined = True
            if polarity != previous:
                d.note("contrast")
        else:
            d.add(clause)
        previous = polarity
    verdict = c.overall_clause(d, label, "firm")
    d.add(f"{d.pick(phrases.OVERALL + phrases.OVERALL_AFTER_MIXED)}{verdict}", _end(d))
    if d.chance(0.2):
        _maybe_rating(d, label)


def pros_cons(d: Draft) -> None:
    """"Pros: ... Cons: ..." as product reviewers write them, closed by a verdict."""
    label = d.label
    d.note("mixed_aspects", "pros_cons")
    many, few = d.rng.randint(2, 3), d.rng.randint(1, 2)
    good, bad = (many, few) if label == POSITIVE else (few, many)
    heads = d.pick((("Pros", "Cons"), ("The good", "The bad"), ("Good", "Bad"), ("Likes", "Dislikes")))
    pros = ", ".join(c.aspect_fragment(d, d.use_aspect(where=c.has_fragment), POSITIVE) for _ in range(good))
    cons = ", ".join(c.aspect_fragment(d, d.use_aspect(where=c.has_fragment), NEGATIVE) for _ in range(bad))
    d.add(f"{heads[0]}: {pros}")
    d.add(f"{heads[1]}: {cons}")
    d.add(f"{d.pick(('Verdict: ', 'Overall: ', 'Bottom line: ', ''))}{c.overall_clause(d, label, 'firm')}")


def expectation(d: Draft) -> None:
    """Expectations set up and then met or broken: "I expected to hate it, but ..."."""
    label = d.label
    d.note("expectation")
    frame = d.fill(d.pick(EXPECTATIONS[label]))
    if "but" in frame:
        d.note("contrast")
    if frame.endswith("and ") and label == POSITIVE:
        rest = d.pick(("it delivered", "it did not disappoint", "it lived up to every bit of it"))
        if "not" in rest:
            d.note("negation")
    else:
        rest = c.clause_with_subject(d, label, "firm")
    d.add(frame + rest)
    for _ in range(d.rng.randint(0, 2)):
        d.add(c.aspect_clause(d, d.use_aspect(), label), _end(d))
    if d.chance(0.2):
        _maybe_rating(d, label)


def long(d: Draft) -> None:
    """A few hundred characters to ~200 words: setting, several aspects (a minority against the
    label, flagged as minor), maybe a comparison or a question, and a verdict at the end."""
    label = d.label
    opener = d.pick(phrases.OPENERS) if d.chance(0.1) else ""
    if d.chance(0.55):
        d.add(opener + decapitalise(c.anecdote(d, "neutral")))
        opener = ""
    for description in d.rng.sample(d.domain.descriptions, d.rng.choice((0, 1, 1, 2, 3))):
        d.add(opener + decapitalise(d.fill(description)))
        opener = ""
    if d.chance(0.2):
        frame = d.fill(d.pick(EXPECTATIONS[label]))
        d.note("expectation")
        d.add(opener + frame + c.clause_with_subject(d, label, "firm"))
        opener = ""
    # Each body sentence gets its own aspect; a product with few aspects gets a shorter review.
    body = min(d.rng.randint(3, 9), len(d.aspects) - len(d.aspects_used))
    against = d.rng.choice((0, 0, 1, 1, 2)) if body > 3 else d.rng.choice((0, 1))
    against = min(against, (body - 1) // 2)  # the label's side always has the majority
    kinds = ["against"] * against + ["with"] * (body - against)
    d.rng.shuffle(kinds)
    for kind in kinds:
        if kind == "against":
            d.note("mixed_aspects")
            clause = c.aspect_clause(d, _opposing_aspect(d), flip(label), "soft")
            d.add(d.fill(d.pick_fresh(MINOR[label])) + clause)
        else:
            clause = c.maybe_hedge(d, c.aspect_clause(d, d.use_aspect(), label))
            if d.chance(0.3) and len(d.aspects_used) < len(d.aspects):  # "..., and the score gave me chills"
                clause += d.pick((", and ", " and ", ", plus ", "; ")) + c.aspect_clause(d, d.use_aspect(), label)
            elif d.chance(0.2):
                clause = d.fill(d.pick_fresh(EMPHASIS[label])) + clause
            d.add(opener + clause, _end(d))
        opener = ""
    extras: list[Callable[[], str]] = []
    if d.chance(0.4):
        extras.append(lambda: c.anecdote(d, label))
    if d.chance(0.3):
        extras.append(lambda: c.comparison(d, label))
    if d.chance(0.2):
        extras.append(lambda: c.question(d, label))
    d.rng.shuffle(extras)
    for extra in extras:
        d.add(extra())
    verdict = c.overall_clause(d, label, "firm")
    if d.chance(0.2) and verdict.startswith(("I ", "it ", "this ")):
        verdict = c.with_consequence(verdict, c.consequence(d, label))
    summaries = phrases.OVERALL + (phrases.OVERALL_AFTER_MIXED if against else ())
    d.add((d.pick(summaries) if d.chance(0.5) else "") + verdict, _end(d))
    if d.chance(0.25):
        _maybe_rating(d, label)
    _trim(d, MAX_WORDS)
    d.note("long_form")


MAX_WORDS = 200


def _trim(d: Draft, limit: int) -> None:
    """Drop sentences from the middle (never the opening or the verdict) until the review fits:
    the verdict at the end is what carries the label."""
    while sum(len(s.split()) for s in d.sentences) > limit and len(d.sentences) > 3:
        del d.sentences[len(d.sentences) // 2]


def comparison_led(d: Draft) -> None:
    label = d.label
    d.add(c.comparison(d, label), _end(d))
    if d.chance(0.7):
        d.add(c.aspect_clause(d, d.use_aspect(), label))
    if d.chance(0.5):
        d.add(c.overall_clause(d, label), _end(d))


def question_led(d: Draft) -> None:
    label = d.label
    if d.chance(0.5):
        d.add(c.question(d, label))
        d.add(c.aspect_clause(d, d.use_aspect(), label), _end(d))
    else:
        d.add(c.aspect_clause(d, d.use_aspect(), label))
        d.add(c.question(d, label))
    if d.chance(0.6):
        d.add(c.overall_clause(d, label, "firm"), _end(d))


def anecdote_led(d: Draft) -> None:
    label = d.label
    if d.chance(0.6):
        d.add(c.anecdote(d, "neutral"))
    d.add(c.anecdote(d, label))
    if d.chance(0.5):
        d.add(c.aspect_clause(d, d.use_aspect(), label), _end(d))
    d.add(c.overall_clause(d, label), _end(d))


def _implicit_event(d: Draft, label: Polarity) -> str:
    d.note("implicit")
    return d.fill(d.pick_fresh(imp.events(d.domain.name, label)))


def _opposing_event(d: Draft, label: Polarity) -> str:
    """Something that happened and pulls against `label`, for a verdict to overrule: every
    event occurs in reviews of both labels, so that one is not read as the verdict itself."""
    d.note("opposing_event")
    return d.fill(d.pick_fresh(imp.events(d.domain.name, flip(label))))


def _idiom(d: Draft, label: Polarity) -> str:
    d.note("idiom")
    return d.fill(d.pick_fresh(imp.idioms(d.domain.name, label)))


def implicit(d: Draft) -> None:
    """Sentiment carried by events, facts and fixed expressions rather than adjectives: "the
    stitching came apart on the first wash. never again", surface praise after a fact ("What a
    bargain.": sarcasm after a bad one, meant after a good one), "worth it for X though" after a
    complaint, and praise of one aspect overruled by an implicit negative verdict. Labels are
    fixed by construction: the final part always carries the label, and surface praise takes
    its label from the fact before it."""
    label = d.label
    roll = d.rng.random()
    if roll < 0.2:
        # A fact, then surface praise: sarcasm after a bad fact, meant after a good one.
        d.note("sarcasm" if label == NEGATIVE else "surface_praise")
        event = _implicit_event(d, label)
        if d.chance(0.4):  # "Oh great, the app crashes ..." / "Oh wow, it lasts a week ..."
            event = d.pick(imp.SURFACE_OPENERS) + event
        d.add(event, d.pick((".", ".", "...", "!")))
        d.add(d.pick(imp.SARCASM if label == NEGATIVE else imp.SINCERE))
        if d.chance(0.3):
            d.add(_idiom(d, label), _end(d))
    elif label == POSITIVE and roll < 0.35:
        d.note("worth_it", "contrast")
        frame = d.pick(imp.WORTH_FRAMES).format(x=d.pick(imp.WORTH_TARGETS[d.domain.name]))
        if d.chance(0.5):  # "it's a bit cramped, still worth it for the ramen"
            setup = d.pick(imp.NEGATIVE_SETUPS[d.domain.name])
            joiner = ", " if frame.startswith(("but ", "still")) else d.pick((", ", ". ", " - "))
            if joiner == ". ":
                frame = capitalise(frame)
            d.add(setup + joiner + frame, _end(d))
        else:  # "We waited an hour for a table. Worth it for the ramen though."
            d.add(_opposing_event(d, label), _end(d))
            d.add(capitalise(frame), _end(d))
    elif roll < 0.45:
        # Praise (or a complaint) about one aspect, or a good (bad) thing that happened,
        # overruled by an implicit verdict.
        d.note("mixed_aspects")
        opposing_event = d.chance(0.4)
        if opposing_event:
            d.add(_opposing_event(d, label), _end(d))
        else:
            d.add(c.aspect_clause(d, _opposing_aspect(d), flip(label), "soft"), _end(d))
        verdict = _implicit_event(d, label) if d.chance(0.6) else _idiom(d, label)
        # A complaint then praise needs the "but", and so does one event overruling another.
        if label == POSITIVE or opposing_event or d.chance(0.4):
            d.note("contrast")
            verdict = d.pick(("But ", "Still, ", "That said, ", "Shame, because ", "Problem is, ")
                             if label == NEGATIVE else ("But ", "Still, ", "That said, ", "Even so, ")) + verdict
            if verdict.startswith(("Shame", "Problem")):
                d.features.discard("contrast")
        d.add(verdict, _end(d))
    elif roll < 0.68:
        # Just an idiom, maybe around an event.
        if d.chance(0.5):
            d.add(_implicit_event(d, label), _end(d))
        d.add(_idiom(d, label), d.pick((".", "!", ".")))
    else:
        for _ in range(d.rng.randint(1, 3)):
            d.add(_implicit_event(d, label), _end(d))
        if d.chance(0.4):
            d.add(_idiom(d, label), _end(d))
    if d.chance(0.1):
        _maybe_rating(d, label)
    if d.chance(0.3):
        _internet_style(d, label)


def _internet_style(d: Draft, label: Polarity) -> None:
    """lowercase, "ngl"/"tbh" tags, "??": how people post from a phone."""
    d.note("casual")
    text = d.text()
    if d.chance(0.5):
        text = d.pick(imp.CASUAL_PREFIXES) + text[:1].lower() + text[1:]
    if d.chance(0.5):
        suffixes = [s for s in imp.CASUAL_SUFFIXES if label == NEGATIVE or s.strip() not in ("smh", "🙃")]
        text = text.rstrip(".") + d.pick(suffixes)
    if d.chance(0.6):
        text = text.lower()
        d.note("lowercase")
    d.sentences = [text]


def _absence_clause(d: Draft, label: Polarity) -> str:
    """One "no X, no Y" / "nothing ..." / "still no X after a year" clause expressing `label`."""
    roll = d.rng.random()
    if roll < 0.25:
        return d.fill(d.pick_fresh(ab.nothing(d.domain.name, label)))
    first, second = d.rng.sample(ab.missing(d.domain.name, label), 2)
    # "Still no rattles after two years" is said of things that wear out, not of a film or a meal.
    lasting = ab.LASTING if d.domain.name == "products" else ab.FRAMES
    frame = d.pick((lasting if label == POSITIVE else ab.HOPED) if roll < 0.4 else ab.FRAMES)
    return d.fill(frame.replace("{x}", first).replace("{y}", second))


def absence(d: Draft) -> None:
    """Praise by the problems that never came ("No rattles, no wobble. Two years in and not one
    problem.") and complaint by the goods that never came ("No flavour, no atmosphere, not even
    an apology."): each made of the other label's words, so the negation has to be read."""
    label = d.label
    d.note("absence")
    if d.chance(0.35):
        d.add(c.anecdote(d, "neutral") if d.chance(0.6) else d.fill(d.pick(d.domain.descriptions)))
    clause = _absence_clause(d, label)
    if d.chance(0.35):  # "No rattles, no wobble, and the battery lasts all week."
        joiner = d.pick((", and ", ". And ", ", plus ", ". ") if label == POSITIVE else (", and ", ". ", "; "))
        clause += joiner + c.aspect_clause(d, d.use_aspect(), label)
    d.add(clause, d.pick((".", ".", "!")) if label == POSITIVE else ".")
    if d.chance(0.4):
        d.add(_absence_clause(d, label), ".")
    tail = d.rng.random()
    if tail < 0.3:
        d.add(_implicit_event(d, label), _end(d))
    elif tail < 0.5:
        d.add(_idiom(d, label), _end(d))
    elif tail < 0.75:
        d.add(c.overall_clause(d, label), _end(d))
    if d.chance(0.1):
        _maybe_rating(d, label)
    if d.chance(0.15):
        _internet_style(d, label)
    if _NEGATOR.search(d.text()):  # "zero X", "free of X", "without any X" carry no negator word
        d.note("negation")


_NEGATOR = re.compile(r"\b(?:not|never|no|nothing|none)\b|n't\b", re.IGNORECASE)


STRUCTURES: dict[str, Structure] = {
    "short": short,
    "simple": simple,
    "contrast": contrast,
    "concession": concession,
    "mixed": mixed,
    "pros_cons": pros_cons,
    "expectation": expectation,
    "long": long,
    "comparison": comparison_led,
    "question": question_led,
    "anecdote": anecdote_led,
    "implicit": implicit,
    "absence": absence,
}
DEFAULT_WEIGHTS: dict[str, float] = {
    "short": 0.12, "simple": 0.13, "contrast": 0.14, "concession": 0.08, "mixed": 0.11,
    "pros_cons": 0.04, "expectation": 0.06, "long": 0.2, "comparison": 0.04, "question": 0.03,
    "anecdote": 0.05, "implicit": 0.2, "absence": 0.08,
}
