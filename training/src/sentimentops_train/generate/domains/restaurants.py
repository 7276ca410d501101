"""Restaurants: a night out, told in the past tense more often than not."""

from __future__ import annotations

import random

from ..lexicon import NEGATIVE, POSITIVE
from ..vocab import neutral_vocab
from .base import Aspect, Domain, SlotValue, aspect, lines, words
from .common import capitalised_noun, common_slots

ASPECTS = (
    aspect(
        "food",
        "the food; the {dish}; the {dish}; the main course; my entree; the appetizers*; "
        "everything we ordered; the {dish2}",
        "delicious, tasty, flavorful, scrumptious, mouthwatering, perfectly seasoned, fresh, "
        "authentic, hearty, delectable, succulent, tender, outstanding, incredible, excellent",
        "bland, tasteless, greasy, soggy, overcooked, undercooked, stale, cold, lukewarm, "
        "oversalted, rubbery, inedible, dry, burnt, flavorless, mediocre, disappointing",
        """
        [was|is] cooked to perfection
        [melted|melts] in your mouth
        [was|is] packed with flavor
        [tasted|tastes] like something my grandmother would make
        [was|is] worth the trip on its own
        [was|is] the best I've had in years
        """,
        """
        [tasted|tastes] like it came out of a microwave
        arrived stone cold
        [was|is] swimming in grease
        [had|has] no flavor whatsoever
        [was|is] drowning in sauce
        [tasted|tastes] like it had been sitting out for hours
        """,
        subjects="the food; the {dish}; the {dish2}; my entree",
    ),
    aspect(
        "service",
        "the service; our server; the staff; our waiter; our waitress; the bartender; "
        "the host; the manager",
        "attentive, friendly, warm, prompt, professional, gracious, welcoming, efficient, "
        "knowledgeable, charming, wonderful, excellent",
        "rude, slow, inattentive, dismissive, sloppy, clueless, surly, careless, "
        "unprofessional, cold, terrible, awful",
        """
        [made|makes] us feel right at home
        [went|goes] out of their way to help
        [remembered|remembers] our order without writing anything down
        [checked|checks] on us at just the right moments
        [knew|knows] the menu inside out
        """,
        """
        [forgot|forgets] half our order
        [ignored|ignores] us for twenty minutes
        [rolled|rolls] their eyes when we asked a question
        [got|gets] our order wrong twice
        never [came|comes] back to refill our drinks
        [rushed|rushes] us out the door
        """,
        subjects="our server; our waiter; our waitress; the bartender; the host; the manager",
    ),
    aspect(
        "ambience",
        "the ambience; the atmosphere; the decor; the vibe; the room; the patio; the lighting",
        "cozy, charming, relaxed, romantic, lively, inviting, stylish, intimate, warm, lovely",
        "noisy, cramped, dingy, sterile, loud, drab, tacky, chaotic, stuffy, gloomy",
        """
        [was|is] perfect for a date night
        [made|makes] you want to linger
        [felt|feels] like a little trip to Europe
        """,
        """
        [was|is] so loud we had to shout
        [felt|feels] like a hospital cafeteria
        [smelled|smells] like old fryer oil
        """,
        subjects="the atmosphere; the room; the dining room",
    ),
    aspect(
        "price",
        "the prices*; the bill; the price; the check",
        "reasonable, fair, affordable, very fair, a bargain, more than fair",
        "steep, outrageous, ridiculous, inflated, absurd, excessive, eye-watering",
        """
        [came|comes] to less than we expected
        [was|is] a pleasant surprise
        """,
        """
        [came|comes] to over a hundred dollars for two
        [was|is] a nasty shock
        [was|is] hard to swallow for what we got
        """,
        generic=False,
        subjects="the bill; the check",
    ),
    aspect(
        "wait",
        "the wait; the wait for a table; the wait for our food; the line",
        "short, minimal, reasonable, brief, barely noticeable",
        "endless, long, ridiculous, unbearable, absurd, interminable",
        """
        [was|is] only ten minutes
        [was|is] totally worth it
        [moved|moves] quickly
        """,
        """
        [was|is] over an hour even with a reservation
        [stretched|stretches] to forty-five minutes
        [was|is] not worth it at all
        """,
        generic=False,
        personal=False,
    ),
    aspect(
        "portions",
        "the portions*; the portion sizes*; the serving",
        "generous, huge, hearty, ample, big, perfect",
        "tiny, stingy, skimpy, small, meager, laughable",
        """
        [was|is] enough for two meals
        """,
        """
        [was|is] gone in three bites
        """,
        generic=False,
        subjects="the serving",
    ),
    aspect(
        "drinks",
        "the drinks*; the cocktails*; the wine list; the coffee; the beer selection",
        "excellent, creative, strong, well-made, inventive, superb, delicious",
        "watered-down, weak, overpriced, warm, sugary, forgettable, disappointing",
        """
        [was|is] the best part of the night
        """,
        """
        [tasted|tastes] like it came from a gas station
        """,
        subjects="the coffee; the wine list",
    ),
    aspect(
        "dessert",
        "the dessert; the {dessert}; dessert",
        "decadent, heavenly, divine, rich, perfect, delicious, wonderful",
        "stale, dry, cloying, sickly-sweet, bland, disappointing, frozen",
        """
        [was|is] worth saving room for
        [stole|steals] the show
        """,
        """
        [tasted|tastes] store-bought
        [was|is] still frozen in the middle
        """,
    ),
    aspect(
        "cleanliness",
        "the bathroom; the tables*; the dining room; the restrooms*; the open kitchen",
        "spotless, clean, immaculate, tidy, sparkling",
        "filthy, dirty, sticky, grimy, gross, disgusting",
        """
        [was|is] cleaner than my own kitchen
        """,
        """
        [hadn't|hasn't] been cleaned in days
        """,
        generic=False,
        personal=False,
    ),
    aspect(
        "menu",
        "the menu; the selection; the vegetarian options*; the specials*",
        "creative, varied, interesting, thoughtful, extensive, inventive",
        "limited, boring, confusing, uninspired, tired, overwhelming",
        """
        [had|has] something for everyone
        """,
        """
        [hadn't|hasn't] changed in ten years
        """,
    ),
)

CUISINES = (
    "Thai", "Italian", "Mexican", "Japanese", "Indian", "Korean", "Vietnamese", "Greek",
    "Lebanese", "Ethiopian", "French", "Spanish", "Chinese", "Peruvian", "Turkish", "Southern",
    "seafood", "barbecue", "vegetarian", "Cajun", "American",
)
PLACE_KINDS = (
    "restaurant", "place", "spot", "bistro", "cafe", "brunch spot", "gastropub", "wine bar",
    "tavern", "food truck", "kitchen",
)
# Kinds of place that only go with one cuisine: no "Ethiopian sushi bar".
CUISINE_KINDS = {
    "Japanese": ("sushi bar", "ramen shop", "noodle bar"),
    "Italian": ("pizzeria", "trattoria"),
    "Mexican": ("taqueria", "taco truck"),
    "American": ("diner", "burger joint", "steakhouse"),
    "barbecue": ("smokehouse", "barbecue joint"),
    "seafood": ("oyster bar", "fish shack"),
    "Vietnamese": ("pho shop",),
    "Southern": ("diner",),
}
NAME_SUFFIXES = ("Kitchen", "Grill", "Diner", "Bistro", "Cafe", "Tavern", "House", "Table", "Bar")
OCCASIONS = (
    "a birthday dinner", "our anniversary", "a work lunch", "date night", "brunch",
    "a family dinner", "a quick lunch", "a friend's farewell dinner", "Sunday lunch",
    "a late dinner after a show",
)


def restaurant_name(rng: random.Random) -> str:
    vocab = neutral_vocab()
    form = rng.randrange(5)
    if form == 0:
        return f"{rng.choice(vocab.surnames)}'s"
    if form == 1:
        return f"The {capitalised_noun(rng)} {rng.choice(NAME_SUFFIXES)}"
    if form == 2:
        return f"{capitalised_noun(rng)} & {capitalised_noun(rng)}"
    if form == 3:
        return f"{rng.choice(vocab.first_names)}'s {rng.choice(NAME_SUFFIXES)}"
    return f"Cafe {capitalised_noun(rng)}"


def make_slots(rng: random.Random) -> tuple[dict[str, SlotValue], tuple[Aspect, ...]]:
    vocab = neutral_vocab()
    slots = common_slots(rng)
    name = restaurant_name(rng)
    cuisine = rng.choice(CUISINES)
    kind = rng.choice(PLACE_KINDS + CUISINE_KINDS.get(cuisine, ()) * 3)
    dish, dish2, dish3 = rng.sample(vocab.dishes, 3)
    slots.update({
        "name": name,
        "cuisine": cuisine,
        "kind": kind,
        "noun": (kind, "place", "restaurant", kind),
        "dish": dish,
        "dish2": dish2,
        "dish3": dish3,
        "dessert": rng.choice(vocab.desserts),
        "occasion": rng.choice(OCCASIONS),
        "ref": ("the place down the street", f"{restaurant_name(rng)} across town",
                "most places in town", "the old location",
                f"every other {cuisine} place we've tried"),
        "low_ref": ("what I make at home", "the chain restaurants nearby", "airport food",
                    "a school cafeteria"),
    })
    return slots, ASPECTS


RESTAURANTS = Domain(
    name="restaurants",
    item_nouns=("restaurant", "place"),
    aspects=ASPECTS,
    verdicts={
        POSITIVE: lines("""
            we'll definitely be back
            I can't wait to go back
            it's our new favorite spot
            it's easily the best {cuisine} place in town
            it [was|is] worth every penny
            book a table now
            we're already planning our next visit
            I'd send anyone there
            it [was|is] one of the best meals I've had all year
            I [left|leave] full and happy
            it [was|is] worth the drive
            it [made|makes] for a perfect evening
            I'd eat there every week if I could
            it [lived|lives] up to every bit of the hype
        """),
        NEGATIVE: lines("""
            we won't be back
            never again
            save yourself the trouble
            there are much better options nearby
            I'd give it zero stars if I could
            it [was|is] the worst meal I've had in years
            we [left|leave] hungry and annoyed
            it [was|is] a waste of a night out
            I [regretted|regret] every bite
            it [ruined|ruins] what should have been a nice evening
            I'd rather eat cereal at home
            it [was|is] not worth the money or the time
            it [was|is] a huge disappointment from start to finish
        """),
    },
    shorts={
        POSITIVE: lines("""
            Best {dish} in town!
            Great food, friendly staff.
            Will be back!
            Amazing meal, amazing service.
            Loved every bite.
            Our new favorite spot.
            Hidden gem.
            Worth the wait.
            Absolutely delicious.
            Ten out of ten.
            No complaints whatsoever.
            Can't wait to return.
        """),
        NEGATIVE: lines("""
            Food was cold.
            Never coming back.
            Rude staff, bland food.
            Worst service ever.
            Overpriced and underwhelming.
            Don't waste your money.
            Food poisoning. Avoid.
            Waited an hour. Terrible.
            Not worth the hype.
            Dirty tables, slow service.
            Avoid this place.
            Not good at all.
        """),
    },
    consequences={
        POSITIVE: lines("""
            and that made the whole evening
            which more than made up for it
            so we'll be back soon
            and we left very happy
            and that's what really matters
            and that's a steal at these prices
        """),
        NEGATIVE: lines("""
            and that ruined the evening
            so we won't be back
            which spoiled the whole meal
            and we left disappointed
            and that's unforgivable at these prices
        """),
    },
    questions={
        POSITIVE: lines("""
            Why haven't we been coming here for years?
            What more could you ask for?
            Where else can you get {dish} this good?
            Where did they find these people? Every one of them was lovely.
        """),
        NEGATIVE: lines("""
            Does the chef even taste the food?
            Who trained these people?
            How is this place still open?
            Why did we bother?
            What happened to this place?
        """),
    },
    anecdotes={
        "neutral": lines("""
            We came here for {occasion}.
            {Companion} and I stopped by {when}.
            We had a reservation for seven.
            It was our first time here.
            {Companion} had been wanting to try it for ages.
            We sat on the patio.
            We were a group of {number}.
            I came here {when} with {companion}.
            We walked in without a reservation {when}.
        """),
        "positive": lines("""
            We've already been back {number} times.
            {Companion} still talks about the {dish}.
            We stayed until they closed.
            The chef came out to say hello.
            They brought us a free dessert for {occasion}.
        """),
        "negative": lines("""
            We waited {minutes} minutes for a table we had booked.
            {Companion} sent the {dish} back twice.
            We left before dessert.
            Nobody apologized for anything.
            I was sick the next day.
            We had to ask three times for the check.
        """),
    },
    descriptions=lines("""
        We ordered the {dish} and the {dish2}.
        I had the {dish2}; {companion} went for the {dish3}.
        It's a small {cuisine} {kind} near the station.
        They were fairly busy for a weeknight.
        The menu is mostly {cuisine} with a few specials.
        We shared the {dish3} to start.
        It's {a_cuisine} {kind} in an old brick building.
        Parking is on the street.
        They take reservations, but walk-ins are welcome.
    """),
    item_adjectives={
        POSITIVE: words("""
            cozy, charming, delicious, welcoming, friendly, lovely, reliable, authentic, inviting,
            fantastic, special, memorable, affordable, outstanding, delightful
        """),
        NEGATIVE: words("""
            overpriced, dirty, bland, rude, chaotic, greasy, overrated, disappointing, dingy,
            noisy, unwelcoming, filthy, forgettable, mediocre
        """),
    },
    verdict_nouns={
        POSITIVE: words("hidden gem, find, institution, treat, neighborhood favorite, must-visit"),
        NEGATIVE: words("rip-off, tourist trap, waste of money, letdown, health hazard"),
    },
    past_tense_rate=0.85,
    make_slots=make_slots,
)
