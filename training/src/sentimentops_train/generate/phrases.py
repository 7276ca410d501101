"""Phrase banks shared by every domain. Domain-specific banks live in domains/."""

from __future__ import annotations

from .domains.base import lines
from .lexicon import NEGATIVE, POSITIVE, Polarity

GENERIC_VERDICTS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: lines("""
        I [loved|love] it
        I [enjoyed|enjoy] every minute of it
        I [was|am] really impressed
        it [exceeded|exceeds] all my expectations
        it [blew|blows] me away
        I [was|am] pleasantly surprised
        I couldn't be happier
        it [was|is] worth it
        highly recommended
        I'd recommend it to anyone
        it [was|is] an absolute delight
        it [was|is] a joy from start to finish
        I [was|am] very happy with it
        it [put|puts] a smile on my face
        it [was|is] better than I ever expected
        it [won|has won] me over completely
        it [was|is] exactly what I wanted
        I'm so glad I gave it a chance
    """),
    NEGATIVE: lines("""
        I [hated|hate] it
        it [was|is] a huge letdown
        I [was|am] bitterly disappointed
        I expected so much more
        avoid
        it [fell|falls] flat
        what a waste
        I [regretted|regret] it
        it [was|is] a mess from start to finish
        it [was|is] a total disappointment
        it [left|leaves] a bad taste in my mouth
        I [was|am] really unhappy with it
        it [was|is] nowhere near as good as people say
        it [was|is] a complete failure
        I wish I'd never bothered
        it [was|is] worse than I ever imagined
        I [hated|hate] every minute of it
        I regretted every minute
    """),
}

# Negation that flips a word's polarity: the label is the polarity of the whole phrase.
NEGATED_VERDICTS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: lines("""
        I [wasn't|am not] disappointed in the slightest
        I [had|have] no complaints whatsoever
        I [couldn't find|can't find] a single thing to complain about
        it never [let|lets] me down
        it [didn't|doesn't] disappoint
        nothing about it [disappointed|disappoints] me
        I [couldn't have asked|couldn't ask] for more
        it [couldn't have been|couldn't be] better
        I have nothing bad to say about it
        I can't say a bad word about it
        I can't recommend it enough
        you won't regret it
        I don't regret it for a second
        it [wasn't|isn't] perfect, but it [was|is] close enough to make me very happy
        I have never been happier with {a_noun}
        I've never come across a better {noun}
        I honestly can't fault it
        not once have I wished I'd chosen something else
    """),
    NEGATIVE: lines("""
        it [wasn't|isn't] worth it
        it [wasn't|isn't] worth the money
        I [didn't|don't] enjoy it at all
        I can't recommend it
        I wouldn't recommend it to anyone
        it [didn't|doesn't] live up to the hype
        nothing about it [worked|works]
        it [wasn't|isn't] what I hoped for
        it never [came|comes] close to what was promised
        I [wasn't|am not] impressed
        I [wasn't|am not] impressed in the slightest
        I [didn't|don't] like a single thing about it
        it [didn't|doesn't] work for me at all
        I [couldn't|can't] find anything to like
        it [couldn't have been|couldn't be] worse
        I have never been so disappointed
        I've never come across a worse {noun}
        no one should pay for this
        it [wasn't|isn't] good enough, not even close
        I won't make that mistake again
    """),
}

EXPERIENCE_VERBS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: ("thoroughly enjoyed", "really liked", "absolutely loved", "adored", "loved", "enjoyed"),
    NEGATIVE: ("really disliked", "could not stand", "hated", "truly hated", "did not like", "regretted"),
}
ASPECT_LIKES: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: ("I [loved|love]", "I really [liked|like]", "I [adored|adore]", "I [was|am] blown away by",
               "I [was|am] impressed by", "I [enjoyed|enjoy]", "I [appreciated|appreciate]"),
    NEGATIVE: ("I [hated|hate]", "I [couldn't stand|can't stand]", "I [was|am] let down by",
               "I [didn't care for|don't care for]", "I [was|am] annoyed by", "I [disliked|dislike]"),
}
HIGHLIGHTS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: ("the highlight", "the best part", "the real star", "a big plus", "a standout",
               "the high point"),
    NEGATIVE: ("the weakest link", "the biggest problem", "a real letdown", "the worst part",
               "a big minus", "a dealbreaker"),
}
NOUN_INTENSIFIERS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: ("real", "absolute", "genuine", "total", "true"),
    NEGATIVE: ("complete", "total", "absolute", "real", "utter", "colossal"),
}

COMPARISONS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: lines("""
        {it} [was|is] {much} better than {ref}
        {it} [blew|blows] {ref} out of the water
        {ref} can't even come close
        {it} [was|is] every bit as good as {ref}
        {it} [was|is] miles ahead of {ref}
        {ref} can't compete with it
        {it} [was|is] a huge step up from {ref}
        I liked it even more than {ref}
        {it} [put|puts] {ref} to shame
        {it} [beat|beats] {ref} by a mile
        {it} [made|makes] {ref} look amateurish
        {ref} [was|is] {much} worse than this
        I've had worse for twice the price, and this [was|is] a real step up
        I'd take it over {ref} any day
        forget {ref}, get this instead
        {ref} [was|is] a pale imitation of it
        I [was|am] happier with it than I ever was with {ref}
        people compare it to {ref}, but {it} [was|is] {much} better
    """),
    NEGATIVE: lines("""
        {it} [was|is] {much} worse than {ref}
        {it} [wasn't|isn't] half as good as {ref}
        {it} [was|is] a big step down from {ref}
        I'd take {ref} over this any day
        stick with {ref} instead
        {it} [didn't|doesn't] hold a candle to {ref}
        {it} [made|makes] {ref} look like a masterpiece
        {it} [wasn't|isn't] a patch on {ref}
        even {low_ref} would have been better than this
        {it} [was|is] worse than {low_ref}
        people say it's better than {ref}, but it [wasn't|isn't] even close
        I [was|am] happier with {ref}, and that's saying something
        {ref} [was|is] a masterpiece next to this
        {it} [was|is] a pale imitation of {ref}
    """),
}
MUCH = ("much", "far", "way", "miles", "a lot", "so much", "leagues")

RATINGS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: ("10/10", "9/10", "8/10", "9.5/10", "five stars", "5 stars", "5/5", "4.5/5",
               "4 out of 5", "four stars", "nine out of ten", "8.5/10", "4/5", "ten out of ten",
               "full marks", "a solid 9/10"),
    NEGATIVE: ("1/10", "2/10", "3/10", "0/10", "one star", "1 star", "1/5", "2/5", "two stars",
               "zero stars", "half a star", "2 out of 10", "a generous 3/10", "one out of five",
               "1.5/10", "a very generous two stars"),
}
RATING_FRAMES: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: ("{v}.", "I'd give it {v}.", "Rating: {v}.", "{v} from me.", "My score: {v}.",
               "{v}, easily.", "{v}!", "{v}, no question.", "Easy {v}."),
    NEGATIVE: ("{v}.", "I'd give it {v}.", "Rating: {v}.", "{v} from me.", "My score: {v}.",
               "{v}, and that's generous.", "{v} at best.", "{v}, if that."),
}

QUESTIONS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: ("What's not to love?", "What more could you ask for?", "Need I say more?",
               "Where has this been all my life?", "Why did I wait so long?"),
    NEGATIVE: ("What were they thinking?", "Is this some kind of joke?", "Who is this even for?",
               "Why did I waste my time?", "How did this get such good reviews?",
               "Am I the only one who noticed?"),
}

# "A, but B": B decides. Connectors that start a new sentence carry their own capital.
BUT = (", but ", ". But ", ". However, ", ", yet ", "; still, ", ". That said, ", ". Even so, ",
       ". Still, ", ", but honestly, ", " - but ", ", but in the end ", ". Unfortunately, ",
       ". Thankfully, ")
# Connectors that only fit one direction: "Unfortunately" introduces bad news.
BUT_ONLY: dict[str, Polarity] = {". Unfortunately, ": NEGATIVE, ". Thankfully, ": POSITIVE}
# "Although A, B": the subordinate clause A concedes, the main clause B decides.
ALTHOUGH = ("Although ", "While ", "Even though ", "Sure, ", "Granted, ", "Yes, ", "Okay, ")
# "B, though A": main clause first, concession after.
THOUGH = (", although ", ", though ", ", even if ", ", even though ", ", despite the fact that ")
# Summing up. The first set fits anywhere; the second implies that something pulled the other way.
OVERALL = ("Overall, ", "All in all, ", "In the end, ", "All things considered, ",
           "At the end of the day, ", "Bottom line: ", "In short, ", "To sum up, ",
           "Taken as a whole, ", "In a word, ")
OVERALL_AFTER_MIXED = ("On balance, ", "Still, ", "That said, ", "But overall, ", "Even so, ",
                       "Despite all that, ", "Weighing it all up, ")
OPENERS = ("So, ", "Well, ", "Okay, so ", "Let me start by saying ", "I'll keep this short: ",
           "Right, ", "Where do I start? ", "First things first: ")

COMMA_HEDGES = ("honestly", "in my opinion", "if I'm honest", "for what it's worth",
                "personally", "frankly", "to be honest", "in my humble opinion", "imo",
                "truthfully", "admittedly", "if you ask me")
BARE_HEDGES = ("I think", "I'd say", "I guess", "I feel like", "I suppose", "I have to say",
               "I must admit", "I'd argue", "it seems to me")
SUFFIX_HEDGES = (", I think", ", honestly", ", if I'm honest", ", I guess",
                 ", in my opinion", ", I'd say")

# The stock lines people end reviews with ("Would buy again.", "Save your money."): frequent in
# real reviews, so a review of any structure may end with one (generator.SIGN_OFF_RATE). Each
# label's bank uses the other's words too ("again", "would", "worth", "recommend"), so the phrase
# decides, not a word of it.
SIGN_OFFS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: lines("""
        Would recommend.
        Would definitely recommend.
        Highly recommend.
        Can't recommend it enough.
        Loved it.
        Really enjoyed it.
        Enjoy!
        So much fun.
        Great fun.
        Worth every penny.
        Worth it.
        Money well spent.
        No regrets.
        Five stars.
        Two thumbs up.
        Would do it again.
        Glad I took the chance.
        Pleasantly surprised.
        Exceeded my expectations.
        Nothing to complain about.
        No complaints here.
        Never disappoints.
    """),
    NEGATIVE: lines("""
        Wouldn't recommend.
        Would not recommend.
        Not recommended.
        Can't recommend it.
        Hated it.
        Didn't enjoy it at all.
        Save your money.
        Waste of money.
        Not worth it.
        Not worth the money.
        Total waste.
        Never again.
        Avoid.
        Stay away.
        Don't bother.
        One star.
        Two thumbs down.
        Very disappointed.
        Regret it.
        Nothing to like.
        Disappointing from start to finish.
    """),
}
DOMAIN_SIGN_OFFS: dict[str, dict[Polarity, tuple[str, ...]]] = {
    "movies": {
        POSITIVE: lines("""
            Go see it.
            A must-see.
            Would watch again.
            Already want to watch it again.
            Turn your brain off and enjoy.
            See it on the big screen.
        """),
        NEGATIVE: lines("""
            Skip it.
            Wait for the streaming release, or don't.
            Would not watch again.
            Two hours I'll never get back.
            Walked out.
            Not worth the ticket.
        """),
    },
    "products": {
        POSITIVE: lines("""
            Buy it.
            Would buy again.
            Happy customer.
            Ordering a second one.
            Does exactly what it says.
            Works great.
            Would buy it again in a heartbeat.
            Best purchase this year.
        """),
        NEGATIVE: lines("""
            Do not buy.
            Would not buy again.
            Unhappy customer.
            Returned it.
            Sent it back.
            Asked for a refund.
            Broke within a week.
            Worst purchase this year.
        """),
    },
    "restaurants": {
        POSITIVE: lines("""
            We'll be back.
            Will be back.
            Can't wait to go again.
            Book ahead.
            Our new go-to.
            Go hungry.
            Would eat here again.
            Already planning our next visit.
        """),
        NEGATIVE: lines("""
            We won't be back.
            Won't be going again.
            Complaint filed.
            Eat elsewhere.
            Left hungry.
            Would not eat here again.
            Never going back.
            Not worth the bill.
        """),
    },
}


def sign_offs(domain: str, polarity: Polarity) -> tuple[str, ...]:
    return SIGN_OFFS[polarity] + DOMAIN_SIGN_OFFS[domain][polarity]
