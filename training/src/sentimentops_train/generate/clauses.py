"""Clauses with a known polarity. A clause is lower-case-first and unpunctuated; templates
join clauses into sentences. Every function takes the polarity it must express, so the label of
a review is decided by construction, never inferred from the text afterwards.

`strength` keeps a contrast honest: the clause that decides is never softened ("firm") and the
clause it overrules is never boosted ("soft"), so "the acting was superb, but the plot was a
bit thin" (which a reader might call positive) is never produced as a negative review.
"""

from __future__ import annotations

from typing import Literal

from . import phrases
from .domains import Aspect, NounPhrase
from .draft import Draft, article
from .lexicon import (DOWNTONERS, MILD_INTENSIFIERS_BY_POLARITY, POSITIVE, STRONG_INTENSIFIERS,
                      VIVID, Polarity, flip, lexicon)

# Aspect words that read naturally softened ("a bit bland", "fairly quick"). Others are extreme
# or absolute ("interminable", "compelling"), and "slightly interminable" is not English.
GRADABLE = frozenset("""
    bland slow greasy dry salty cold predictable long loud noisy cramped small dated clunky stiff
    tight dim muddy thin tinny weak rushed uneven sluggish confusing fiddly bulky steep syrupy
    sugary soggy overcooked undercooked stale flat generic forgettable corny awkward cheesy
    pricey expensive plasticky flimsy fragile uncomfortable busy messy rough harsh muffled
    lukewarm chewy underwhelming tedious boring dull silly contrived convoluted derivative
    clever funny charming pleasant tasty fresh friendly quiet comfortable comfy fast quick
    reasonable fair generous cozy sweet snappy brisk tight crisp sharp bright clear smooth
    attentive prompt warm relaxed lively fun entertaining likeable relatable believable natural
    convincing solid sturdy simple easy intuitive sleek stylish elegant compact light affordable
    moving touching witty smart tender hearty filling big ample creative interesting varied clean
    tidy supportive soft responsive reliable
""".split())

Strength = Literal["any", "firm", "soft"]

# How a clause that can be hedged or follow "but" starts: with a subject, not an imperative
# ("book a table now") or a fragment ("highly recommended").
_SUBJECT_STARTS = ("it", "i ", "i'", "this", "the ", "there", "my ", "our ", "we", "they", "even ",
                   "nothing", "that", "you", "everything", "every", "no one")


# -- adjectives ---------------------------------------------------------------------------------
def adjective(d: Draft, polarity: Polarity, asp: Aspect | None = None, mild_only: bool = False,
              own_rate: float = 0.55) -> tuple[str, bool]:
    """(adjective, is_strong). Aspect words read most naturally; the general lexicon (with its
    WordNet synonyms) gives breadth where it fits the aspect."""
    lex = lexicon()
    own = asp.adjectives[polarity] if asp else ()
    use_own = bool(own) and (asp is not None and (not asp.generic or d.chance(own_rate)))
    if use_own:
        word = d.pick(own)
        return word, word in lex.strong[polarity]
    if mild_only or d.chance(0.6):
        return d.pick(lex.mild[polarity]), False
    strong = lex.strong[polarity]
    if asp is not None and not d.domain.vivid:
        strong = tuple(w for w in strong if w not in VIVID)
    return d.pick(strong), True


def degree(d: Draft, word: str, strong: bool, polarity: Polarity, strength: Strength = "any") -> str:
    """Scale an adjective: "absolutely superb", "really dull", "a bit bland"."""
    if " " in word or "-" in word or word == "meh":  # "true to size", "so-so": not gradable
        return word
    roll = d.rng.random()
    if strength != "soft" and roll < 0.28:
        d.note("intensifier")
        if strong:
            return f"{d.pick(STRONG_INTENSIFIERS)} {word}"
        # Never "ridiculously ridiculous".
        boosters = [b for b in MILD_INTENSIFIERS_BY_POLARITY[polarity] if b[:5] != word[:5]]
        booster = d.pick(boosters)
        # "really, really good": people repeat boosters; keep it rare.
        return f"{booster}, {booster} {word}" if booster == "really" and d.chance(0.15) else f"{booster} {word}"
    softenable = word in GRADABLE or word in lexicon().mild[polarity]
    if not strong and softenable and strength != "firm" and roll < 0.42:
        down = d.pick([w for w in DOWNTONERS if polarity == POSITIVE or w != "reasonably"])
        d.note("downtoner")
        return f"{down} {word}"
    return word


def adjective_phrase(d: Draft, polarity: Polarity, asp: Aspect | None = None, strength: Strength = "any") -> str:
    word, strong = adjective(d, polarity, asp, mild_only=strength == "soft")
    if strength == "soft" and strong:  # an overruled clause must not shout: "appalling" is too loud
        word, strong = adjective(d, polarity, None, mild_only=True)
    return degree(d, word, strong, polarity, strength)


# -- aspects ------------------------------------------------------------------------------------
def noun_phrase(d: Draft, asp: Aspect, predicate: bool = False) -> NounPhrase:
    options = asp.predicate_subjects() if predicate else asp.nouns
    return d.pick(options)


def aspect_clause(d: Draft, asp: Aspect, polarity: Polarity, strength: Strength = "any") -> str:
    """A judgement of one aspect: "the plot [was] gripping", "the battery died by lunchtime"."""
    roll = d.rng.random()
    vps = asp.predicates[polarity]
    if roll < 0.25 and vps and asp.predicate_subjects():
        np = noun_phrase(d, asp, predicate=True)
        return d.fill(f"{np.text} {d.pick(vps)}")
    # "The pacing wasn't sluggish" is mild praise: fine in passing, too weak to decide a review.
    if roll < 0.36 and not (strength == "firm" and polarity == POSITIVE):
        return negated_aspect(d, asp, polarity)
    np = d.pick(asp.nouns)
    # "I dislike the kettle" judges the whole item, and "I loved the wait" is not English:
    # first-person and highlight forms only fit personal aspects.
    personal = asp.personal and np.text not in ("it", "the {ptype}")
    if roll < 0.45 and personal:
        return d.fill(f"{d.pick(phrases.ASPECT_LIKES[polarity])} {np.text}")
    if roll < 0.5 and personal:
        return d.fill(f"{np.text} {d.be(np.plural)} {d.pick(phrases.HIGHLIGHTS[polarity])}")
    if roll < 0.56:
        found = "found" if d.tense == "past" else "find"
        return d.fill(f"I {found} {np.text} {adjective_phrase(d, polarity, asp, strength)}")
    return d.fill(f"{np.text} {d.be(np.plural)} {adjective_phrase(d, polarity, asp, strength)}")


def negated_aspect(d: Draft, asp: Aspect, polarity: Polarity) -> str:
    """Negation that flips polarity: "the pacing wasn't sluggish at all" is positive,
    "the acting wasn't particularly convincing" is negative."""
    np = d.pick(asp.nouns)
    # The aspect's own words: "the pacing wasn't sluggish" reads better than "wasn't subpar".
    word = _negatable(d, flip(polarity), asp)
    d.note("negation", "negation_flip")
    if polarity == POSITIVE:
        # A bare "not bland" is faint praise at best; "at all" and friends make it a verdict.
        tail = d.pick((" at all", " in the slightest", " one bit", " at all - quite the opposite",
                       " at all, far from it"))
        if d.chance(0.25):
            return d.fill(f"{np.text} {d.be(np.plural)} never {word}")
        return d.fill(f"{np.text} {d.be_not(np.plural)} {word}{tail}")
    pre = d.pick(("", "very ", "particularly ", "remotely ", "at all ", "exactly ", "all that ",
                  "even slightly ", "in any way "))
    return d.fill(f"{np.text} {d.be_not(np.plural)} {pre}{word}")


# Lukewarm words flip to nothing when negated: "not so-so" says nothing.
_NOT_NEGATABLE = frozenset(("so-so", "meh", "okay", "fine", "decent", "acceptable", "fair"))


def _negatable(d: Draft, polarity: Polarity, asp: Aspect | None) -> str:
    for _ in range(12):
        word, _strong = adjective(d, polarity, asp, mild_only=True, own_rate=0.85)
        # Single words only: "wasn't more than fair" is not how anyone negates.
        if word not in _NOT_NEGATABLE and " " not in word:
            return word
    return "good" if polarity == POSITIVE else "bad"


def has_fragment(asp: Aspect) -> bool:
    """Whether the aspect has a terse "gripping plot" form (a durability verdict does not)."""
    return any(not n.bare.startswith(("{", "everything", "it")) and "'" not in n.text for n in asp.nouns)


def clause_with_subject(d: Draft, polarity: Polarity, strength: Strength = "any") -> str:
    """An overall verdict that can follow "but" or "although": not an imperative or a fragment
    ("but book a table now" and "but highly recommended" are not English)."""
    clause = overall_clause(d, polarity, strength)
    for _ in range(10):
        if clause.lower().startswith(_SUBJECT_STARTS):
            return clause
        clause = overall_clause(d, polarity, strength)
    return d.fill(f"{{it}} {d.be()} {item_adjective_phrase(d, polarity, strength)}")


def aspect_fragment(d: Draft, asp: Aspect, polarity: Polarity) -> str:
    """A verbless judgement for terse styles and lists: "gripping plot", "helpful support"."""
    plain = [n for n in asp.nouns
             if not n.bare.startswith(("{", "everything", "it")) and "'" not in n.text]
    singles = [w for w in asp.adjectives[polarity] if " " not in w]
    if not plain or not singles:
        np = d.pick(asp.nouns)
        return d.fill(f"{np.text} {d.be(np.plural)} {d.pick(asp.adjectives[polarity])}")
    np = d.pick(plain)
    if not asp.generic or d.chance(0.7):
        word, strong = d.pick(singles), False
    else:
        word, strong = adjective(d, polarity, None)
    word = degree(d, word, strong, polarity, "firm") if d.chance(0.3) else word
    return d.fill(f"{word} {np.bare}")


def aspect_with_the(d: Draft, asp: Aspect, polarity: Polarity) -> str:
    """"the sluggish pacing", for "despite ..." concessions."""
    plain = [n for n in asp.nouns if n.text.startswith("the ") and "'" not in n.text]
    np = d.pick(plain) if plain else NounPhrase(f"the {asp.name}")
    singles = [w for w in asp.adjectives[polarity] if " " not in w] or [adjective(d, polarity)[0]]
    return d.fill(f"the {d.pick(singles)} {np.bare}")


# -- the whole thing ----------------------------------------------------------------------------
def overall_clause(d: Draft, polarity: Polarity, strength: Strength = "any") -> str:
    """A verdict on the whole item."""
    lex = lexicon()
    roll = d.rng.random()
    be = d.be()
    if roll < 0.17:
        return d.fill(f"{{it}} {be} {item_adjective_phrase(d, polarity, strength)}")
    if roll < 0.29:
        adj = item_adjective_phrase(d, polarity, "firm")
        noun = d.slot("noun")
        # "it", not "this film": "this film was a gripping film" repeats itself.
        return d.fill(f"{d.pick(('it', 'it', 'this'))} {be} {article(adj)} {adj} {noun}")
    if roll < 0.38:
        intens = d.pick(phrases.NOUN_INTENSIFIERS[polarity])
        own = d.domain.verdict_nouns[polarity]
        noun = d.pick(own) if d.chance(0.5) else d.pick(lex.nouns[polarity])
        phrase = f"{intens} {noun}" if d.chance(0.6) else noun
        return d.fill(f"{{it}} {be} {article(phrase)} {phrase}")
    if roll < 0.6:
        return d.fill(d.pick(d.domain.verdicts[polarity]))
    if roll < 0.76:
        return d.fill(d.pick(phrases.GENERIC_VERDICTS[polarity]))
    if roll < 0.9:
        return negated_overall(d, polarity, strength)
    if roll < 0.95:
        return comparison(d, polarity)
    verb = d.pick(phrases.EXPERIENCE_VERBS[polarity])
    return f"I {verb} it"


def item_adjective_phrase(d: Draft, polarity: Polarity, strength: Strength) -> str:
    """An adjective for the item as a whole: the domain's ("gripping", "flimsy") or the
    general lexicon's ("superb", "mediocre")."""
    if d.chance(0.5):
        word = d.pick(d.domain.item_adjectives[polarity])
        return degree(d, word, word in lexicon().strong[polarity], polarity, strength)
    return adjective_phrase(d, polarity, None, strength)


def negated_overall(d: Draft, polarity: Polarity, strength: Strength = "any") -> str:
    d.note("negation", "negation_flip")
    # A deciding positive verdict uses the emphatic phrases ("I can't say a bad word about it"),
    # never the faint "it wasn't bad".
    if d.chance(0.65) or (strength == "firm" and polarity == POSITIVE):
        return d.fill(d.pick(phrases.NEGATED_VERDICTS[polarity]))
    word = _negatable(d, flip(polarity), None)
    if polarity == POSITIVE:
        return d.fill(f"{{it}} {d.be_not()} {word} {d.pick(('at all', 'in the slightest', 'by any stretch'))}")
    pre = d.pick(("", "very ", "particularly ", "at all ", "remotely ", "all that "))
    return d.fill(f"{{it}} {d.be_not()} {pre}{word}")


def comparison(d: Draft, polarity: Polarity) -> str:
    d.note("comparison")
    template = d.pick(phrases.COMPARISONS[polarity])
    return d.fill(template.replace("{much}", d.pick(phrases.MUCH)))


def rating(d: Draft, polarity: Polarity) -> str:
    d.note("rating")
    value = d.pick(phrases.RATINGS[polarity])
    return d.pick(phrases.RATING_FRAMES[polarity]).replace("{v}", value)


def question(d: Draft, polarity: Polarity) -> str:
    d.note("rhetorical_question")
    bank = d.domain.questions[polarity] if d.chance(0.6) else phrases.QUESTIONS[polarity]
    return d.fill(d.pick(bank))


def anecdote(d: Draft, kind: str) -> str:
    d.note("anecdote")
    return d.fill(d.pick(d.domain.anecdotes[kind]))


def consequence(d: Draft, polarity: Polarity) -> str:
    return d.fill(d.pick(d.domain.consequences[polarity]))


def with_consequence(clause: str, tail: str) -> str:
    """"the plot made no sense" + "and I left bored"; "which ..." and "so ..." take a comma."""
    return f"{clause}, {tail}" if tail.startswith(("which", "so ")) else f"{clause} {tail}"


def hedge(d: Draft, clause: str) -> str:
    """"honestly, the plot ..." / "I think the plot ..." / "the plot ..., I think"."""
    d.note("hedge")
    roll = d.rng.random()
    # "I think highly recommended" is not English: bare hedges need a clause with a subject.
    if not clause.lower().startswith(_SUBJECT_STARTS):
        roll = 0.0
    if roll < 0.45:
        return f"{d.pick(phrases.COMMA_HEDGES)}, {clause}"
    if roll < 0.8:
        return f"{d.pick(phrases.BARE_HEDGES)} {clause}"
    return f"{clause}{d.pick(phrases.SUFFIX_HEDGES)}"


def maybe_hedge(d: Draft, clause: str, probability: float = 0.15) -> str:
    return hedge(d, clause) if d.chance(probability) else clause

