"""Products: online shopping reviews. Aspects depend on the product type (a toaster has no
battery), so each type carries tags and each tagged aspect applies only where its tag is."""

from __future__ import annotations

import random

from ..lexicon import NEGATIVE, POSITIVE
from .base import Aspect, Domain, SlotValue, aspect, lines, words
from .common import capitalised_noun, common_slots

ASPECTS = (
    aspect(
        "battery",
        "the battery; battery life; the battery life; the charge",
        "long-lasting, excellent, impressive, outstanding, superb, reliable, incredible",
        "short-lived, poor, pathetic, weak, disappointing, unreliable, abysmal",
        """
        [lasted|lasts] all day
        [lasted|lasts] nearly a week on a single charge
        [held|holds] up even with heavy use
        [charged|charges] fully in under an hour
        """,
        """
        [died|dies] by lunchtime
        [drained|drains] overnight
        [barely lasted|barely lasts] two hours
        [stopped|stops] holding a charge after a month
        [took|takes] forever to charge
        """,
        tags=("battery",),
        subjects="the battery; the charge",
    ),
    aspect(
        "build quality",
        "the build quality; the build; the construction; the materials*; the finish; the casing",
        "solid, sturdy, robust, premium, rock-solid, well-made, durable, tough, excellent",
        "flimsy, cheap, shoddy, plasticky, fragile, rickety, creaky, poor, cheap-feeling",
        """
        [felt|feels] like it will last for years
        [survived|survives] a few drops without a scratch
        [felt|feels] far more expensive than it [was|is]
        """,
        """
        [cracked|cracks] within a week
        [felt|feels] like it would snap in half
        [started|starts] falling apart almost immediately
        [rattled|rattles] every time I [moved|move] it
        [felt|feels] like a cheap toy
        """,
        subjects="the casing; the frame; the build",
    ),
    aspect(
        "price",
        "the price; the price tag; the cost",
        "reasonable, fair, unbeatable, competitive, affordable, excellent, great, very fair, "
        "hard to beat",
        "steep, outrageous, ridiculous, absurd, excessive, inflated, way too high, "
        "hard to justify, insane",
        """
        [was|is] more than fair for what you get
        [beat|beats] everything else in its class
        [was|is] lower than anything comparable
        """,
        """
        [was|is] way too high for what you get
        [was|is] twice what it should be
        [was|is] hard to justify for this quality
        [didn't|doesn't] match the quality at all
        """,
        generic=False,
        subjects="the price",
    ),
    aspect(
        "shipping",
        "shipping; the delivery; the shipping; delivery",
        "fast, quick, speedy, prompt, lightning-fast, faster than promised",
        "slow, painfully slow, late, delayed, a nightmare",
        """
        arrived a day early
        showed up in two days
        came well packed and right on time
        """,
        """
        took nearly three weeks to arrive
        arrived damaged
        arrived in a crushed box
        showed up a week late
        """,
        generic=False,
        subjects="the package; my order",
    ),
    aspect(
        "customer service",
        "customer service; the support team; the seller; support; the warranty process; "
        "the help desk",
        "helpful, responsive, friendly, quick, excellent, professional, patient, outstanding",
        "useless, unhelpful, rude, slow, nonexistent, dismissive, clueless, terrible",
        """
        sorted out my problem in one email
        replaced it with no questions asked
        got back to me within the hour
        went above and beyond
        """,
        """
        never answered my emails
        kept me on hold for an hour
        refused to honor the warranty
        blamed me for their own defect
        sent me the same useless reply three times
        """,
        subjects="customer service; the seller; the support team",
    ),
    aspect(
        "setup",
        "setup; the setup; the instructions*; the manual; assembly",
        "easy, simple, straightforward, painless, effortless, quick, clear",
        "confusing, fiddly, frustrating, baffling, painful, useless, endless",
        """
        took about five minutes
        [was|is] a breeze
        """,
        """
        took me an entire afternoon
        [was|is] a total headache
        """,
        subjects="setup; the setup; assembly",
    ),
    aspect(
        "app",
        "the app; the controls*; the interface; the companion app",
        "intuitive, simple, user-friendly, polished, clear, reliable",
        "confusing, clunky, buggy, counterintuitive, baffling, useless",
        """
        [made|makes] everything obvious
        [worked|works] flawlessly from day one
        """,
        """
        [crashed|crashes] every other time I [opened|open] it
        [made|makes] no sense at all
        """,
        tags=("connect",),
        subjects="the app; the interface",
    ),
    aspect(
        "design",
        "the design; the look; the color; the styling; the shape",
        "sleek, elegant, gorgeous, stylish, minimalist, beautiful, clean, attractive",
        "ugly, dated, tacky, clunky, garish, bulky, awkward, cheap-looking",
        """
        [looked|looks] great on my desk
        [got|gets] compliments from everyone
        """,
        """
        [looked|looks] nothing like the photos
        [was|is] bulkier than the pictures suggested
        """,
    ),
    aspect(
        "durability",
        "the {ptype}",
        "durable, tough, long-lasting, indestructible, reliable",
        "fragile, unreliable, short-lived, flimsy, delicate",
        """
        still [worked|works] perfectly after {long_time}
        [held|holds] up to daily use
        [survived|survives] everything I [threw|throw] at it
        """,
        """
        broke after {short_time}
        stopped working after {short_time}
        fell apart within {short_time}
        died just after the warranty ran out
        """,
        subjects="the {ptype}; it",
        personal=False,
        can_oppose=False,
    ),
    aspect(
        "sound",
        "the sound; the sound quality; the audio; the bass; the speakers*",
        "crisp, rich, clear, balanced, punchy, full, warm, detailed, excellent",
        "tinny, muddy, distorted, muffled, harsh, thin, flat, awful",
        """
        [blew|blows] me away
        [filled|fills] the whole room
        """,
        """
        [crackled|crackles] at any volume
        [sounded|sounds] like a phone from 2005
        """,
        tags=("sound",),
    ),
    aspect(
        "comfort",
        "comfort; the fit; the padding; the cushioning; the feel",
        "comfortable, comfy, snug, soft, supportive, cozy, perfect, excellent",
        "uncomfortable, stiff, itchy, tight, scratchy, painful, awkward, terrible",
        """
        [was|is] perfect right out of the box
        [felt|feels] like nothing at all
        [made|makes] long days easy
        """,
        """
        [gave|gives] me blisters
        [started|starts] hurting after twenty minutes
        [dug|digs] into me constantly
        """,
        generic=False,
        tags=("comfort",),
        subjects="the padding; the cushioning; the fit",
    ),
    aspect(
        "noise",
        "the noise level; the noise; the motor",
        "quiet, whisper-quiet, silent, unobtrusive",
        "loud, deafening, noisy, whiny, unbearable",
        """
        [was|is] quieter than my fridge
        never [woke|wakes] anyone up
        """,
        """
        [sounded|sounds] like a jet engine
        [woke|wakes] up the whole house
        """,
        generic=False,
        tags=("noise",),
        subjects="the motor; it",
    ),
    aspect(
        "performance",
        "the performance; the power; the speed; performance",
        "powerful, fast, snappy, responsive, strong, impressive, excellent",
        "weak, sluggish, underpowered, laggy, slow, feeble, disappointing",
        """
        [handled|handles] everything I [threw|throw] at it
        [blew|blows] my old one out of the water
        """,
        """
        [struggled|struggles] with the simplest jobs
        [overheated|overheats] after ten minutes
        """,
        tags=("power",),
        subjects="it; the {ptype}",
    ),
    aspect(
        "screen",
        "the screen; the display",
        "bright, sharp, crisp, vivid, gorgeous, beautiful",
        "dim, washed-out, grainy, dull, blurry, terrible",
        """
        [looked|looks] amazing even in sunlight
        """,
        """
        [was|is] impossible to read outdoors
        [developed|develops] dead pixels within a week
        """,
        tags=("screen",),
    ),
    aspect(
        "connectivity",
        "the connection; the bluetooth; the wifi; pairing; the app connection",
        "stable, rock-solid, instant, seamless, reliable, flawless",
        "spotty, unreliable, flaky, patchy, painful, useless",
        """
        never [dropped|drops] once
        [worked|works] the first time, every time
        """,
        """
        [dropped|drops] constantly
        [kept|keeps] disconnecting
        [failed|fails] every other day
        """,
        tags=("connect",),
        subjects="the connection; the bluetooth; the wifi",
    ),
    aspect(
        "fit",
        "the fit; the sizing; the cut",
        "perfect, spot-on, true to size, flattering, great",
        "way off, baggy, tight, unflattering, awful",
        """
        [was|is] exactly as described
        """,
        """
        [was|is] two sizes smaller than the chart
        """,
        tags=("fit",),
    ),
)

PRODUCT_TYPES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("pair of headphones", ("battery", "sound", "comfort", "connect"), ("my commute", "the gym")),
    ("pair of earbuds", ("battery", "sound", "comfort", "connect"), ("running", "phone calls")),
    ("bluetooth speaker", ("battery", "sound", "connect"), ("the patio", "beach trips")),
    ("laptop", ("battery", "screen", "power", "noise"), ("work", "school", "photo editing")),
    ("tablet", ("battery", "screen", "power"), ("reading", "video calls")),
    ("phone", ("battery", "screen", "power", "connect"), ("everything", "work calls")),
    ("smartwatch", ("battery", "screen", "comfort", "connect"), ("tracking runs", "sleep")),
    ("fitness tracker", ("battery", "comfort", "connect"), ("counting steps", "my workouts")),
    ("e-reader", ("battery", "screen"), ("reading in bed", "travel")),
    ("blender", ("noise", "power"), ("smoothies", "soups")),
    ("vacuum cleaner", ("noise", "power", "battery"), ("pet hair", "the stairs")),
    ("robot vacuum", ("noise", "power", "battery", "connect"), ("daily cleaning", "pet hair")),
    ("coffee maker", ("noise",), ("my morning coffee", "the office")),
    ("espresso machine", ("noise", "power"), ("lattes", "my morning coffee")),
    ("air fryer", ("noise", "power"), ("weeknight dinners", "frozen snacks")),
    ("microwave", ("noise", "power"), ("leftovers", "quick lunches")),
    ("electric kettle", ("noise",), ("tea", "instant noodles")),
    ("toaster", (), ("bagels", "breakfast")),
    ("hair dryer", ("noise", "power"), ("thick hair", "travel")),
    ("electric toothbrush", ("battery", "noise"), ("daily use", "travel")),
    ("desk lamp", (), ("late-night reading", "my home office")),
    ("office chair", ("comfort",), ("long workdays", "gaming")),
    ("mattress", ("comfort",), ("the guest room", "my bad back")),
    ("backpack", ("comfort",), ("hiking", "my daily commute")),
    ("suitcase", (), ("a two-week trip", "business travel")),
    ("pair of running shoes", ("comfort", "fit"), ("marathon training", "daily runs")),
    ("pair of hiking boots", ("comfort", "fit"), ("muddy trails", "a week in the mountains")),
    ("winter jacket", ("comfort", "fit"), ("walking the dog", "a ski trip")),
    ("keyboard", ("connect",), ("coding", "gaming")),
    ("wireless mouse", ("battery", "connect", "comfort"), ("my laptop", "photo editing")),
    ("monitor", ("screen",), ("my home office", "gaming")),
    ("webcam", ("connect",), ("video calls", "streaming")),
    ("wifi router", ("connect",), ("a three-bedroom house", "working from home")),
    ("power bank", ("battery",), ("camping", "long flights")),
    ("cordless drill", ("battery", "power"), ("a deck project", "putting up shelves")),
    ("frying pan", (), ("eggs", "searing steaks")),
    ("set of kitchen knives", (), ("everyday cooking", "meal prep")),
    ("tent", (), ("a weekend camping trip", "festivals")),
    ("water bottle", (), ("the gym", "hiking")),
    ("yoga mat", ("comfort",), ("morning stretches", "hot yoga")),
    ("stroller", ("comfort",), ("city walks", "travel")),
    ("printer", ("connect", "noise"), ("school projects", "my home office")),
    ("camera", ("battery", "screen"), ("a family vacation", "street photography")),
    ("space heater", ("noise", "power"), ("a drafty bedroom", "the garage")),
    ("humidifier", ("noise",), ("the nursery", "dry winters")),
    ("standing desk", ("noise",), ("my home office", "long workdays")),
    ("electric scooter", ("battery", "power"), ("commuting", "short errands")),
    ("sewing machine", ("noise", "power"), ("quilting", "simple repairs")),
    ("lawn mower", ("noise", "power"), ("a small yard", "weekend chores")),
    ("smart thermostat", ("connect", "screen"), ("saving on heating", "a two-story house")),
    ("gaming console", ("noise", "power"), ("family game nights", "online games")),
)
SERIES = ("Pro", "Max", "Air", "Lite", "Plus", "Ultra", "Mini", "Go", "One", "X", "S", "Neo")
COLORS = ("black", "white", "gray", "navy", "red", "green", "silver", "blue", "beige", "pink")


def model_name(rng: random.Random) -> str:
    brand = capitalised_noun(rng)
    form = rng.randrange(4)
    if form == 0:
        return f"{brand} {rng.choice(SERIES)}"
    if form == 1:
        return f"{brand} {rng.choice('ABCKMRSTVXZ')}{rng.randrange(1, 10) * 100 + rng.choice((0, 0, 50))}"
    if form == 2:
        return f"{brand} {rng.choice(SERIES)} {rng.randrange(2, 12)}"
    return f"{brand}{rng.choice(('Tech', 'Labs', 'Home', 'Audio', 'Works', ''))} {rng.choice(SERIES)}"


def make_slots(rng: random.Random) -> tuple[dict[str, SlotValue], tuple[Aspect, ...]]:
    slots = common_slots(rng)
    ptype, tags, uses = rng.choice(PRODUCT_TYPES)
    name, other = model_name(rng), model_name(rng)
    slots.update({
        "ptype": ptype,
        "noun": ptype,
        "name": name,
        "name_ref": f"the {name}",
        "brand": name.split()[0],
        "color": rng.choice(COLORS),
        "use": uses,
        "ref": ("my old one", "the previous model", f"the {other}", "the one I had before",
                "models twice the price", f"my last {ptype}", "anything else I've tried"),
        "low_ref": ("the cheaper knockoffs", "the dollar-store version", "a no-name brand",
                    "a free giveaway"),
    })
    # Aspects without tags fit every product; tagged aspects only fit matching types.
    fitting = tuple(a for a in ASPECTS if not a.tags or set(a.tags) & set(tags))
    return slots, fitting


PRODUCTS = Domain(
    name="products",
    item_nouns=("product",),
    aspects=ASPECTS,
    verdicts={
        POSITIVE: lines("""
            it [was|is] worth every penny
            I'd buy it again without hesitation
            I've already ordered a second one for {companion}
            it's the best purchase I've made all year
            it [did|does] exactly what it says on the box
            I [was|am] thrilled with it
            I use it every single day
            it [was|is] money well spent
            I [wished|wish] I'd bought one years ago
            it [made|makes] my life so much easier
            it [paid|pays] for itself within a month
            it [exceeded|exceeds] every expectation I had
            I'm recommending it to everyone I know
        """),
        NEGATIVE: lines("""
            save your money
            I [returned|am returning] it
            I [regretted|regret] buying it
            I'd give it zero stars if I could
            it went straight back in the box
            do not buy this
            it [was|is] going in the trash
            it [was|is] a complete waste of money
            I want a refund
            it [stopped|stops] working when I needed it most
            it [was|is] the worst purchase I've made in years
            I [felt|feel] completely ripped off
            it [caused|causes] more problems than it [solved|solves]
            I wouldn't wish it on anyone
        """),
    },
    shorts={
        POSITIVE: lines("""
            Worth every penny.
            Works like a charm.
            Love this {ptype}!
            Best purchase this year.
            Would buy again.
            Exactly as described.
            Five stars, no complaints.
            Does the job perfectly.
            Great value for money.
            Highly recommended!
            Arrived fast, works great.
            Exceeded my expectations.
            No regrets at all.
            Couldn't be happier.
        """),
        NEGATIVE: lines("""
            Total waste of money.
            Broke within a week.
            Do not buy.
            Returned it immediately.
            Cheap junk.
            Stopped working after {short_time}.
            Not worth the price.
            Would not buy again.
            Complete rip-off.
            Arrived broken.
            Doesn't work as advertised.
            Save your money.
            One star. Avoid.
            Never again.
        """),
    },
    consequences={
        POSITIVE: lines("""
            and that makes it worth every penny
            which more than makes up for it
            so I'm keeping it
            and I'd buy it again tomorrow
            and I use it every day now
        """),
        NEGATIVE: lines("""
            so it's going back
            which makes it useless to me
            and that's a dealbreaker
            so I can't recommend it
            and I regret buying it
            which ruins the whole thing
        """),
    },
    questions={
        POSITIVE: lines("""
            How did I live without this?
            Why didn't I buy one sooner?
            What more could you want at this price?
            Who knew {a_ptype} could make me this happy?
        """),
        NEGATIVE: lines("""
            Did anyone test this before shipping it?
            How is this allowed to be sold?
            Why did I ignore the bad reviews?
            Who designed this, and did they ever use one?
            What exactly am I paying for?
        """),
    },
    anecdotes={
        "neutral": lines("""
            I bought this {when} to replace my old {ptype}.
            I ordered the {color} one {duration} ago.
            My old {ptype} finally died, so I picked this up.
            I got this as a gift for {companion}.
            I mostly use it for {use}.
            I did a lot of research before choosing this one.
            I've had it for {duration} now.
            I bought it on sale {when}.
            {Companion} recommended this brand.
        """),
        "positive": lines("""
            I've used it every day since it arrived.
            {Companion} liked it so much we ordered another.
            I've already recommended it to {number} friends.
            I was up and running in minutes.
            It's been through a lot and still looks new.
        """),
        "negative": lines("""
            I returned it after {number} days.
            It stopped working properly after a week.
            I had to contact support {number} times.
            {Companion} laughed when I unboxed it.
            It broke the first time I used it for {use}.
            The replacement had the exact same problem.
        """),
    },
    descriptions=lines("""
        I mostly use it for {use}.
        It replaced {a_ptype} I'd had for years.
        It comes with a short manual and not much else.
        I've had it for {duration} now.
        It came in plain brown packaging.
        It's the {name}, the {color} version.
        I use it a few times a week, mainly for {use}.
        For context, I bought it for {use}.
    """),
    item_adjectives={
        POSITIVE: words("""
            handy, sturdy, reliable, useful, practical, well-made, durable, convenient, versatile,
            well-designed, dependable, efficient, ingenious, sleek, compact, lightweight,
            intuitive, solidly built, premium, excellent
        """),
        NEGATIVE: words("""
            flimsy, cheap, useless, unreliable, defective, faulty, fragile, clunky, poorly made,
            overpriced, junky, badly designed, finicky, pointless, shoddy, rickety, impractical,
            dangerous, worthless
        """),
    },
    verdict_nouns={
        POSITIVE: words("bargain, steal, lifesaver, game changer, workhorse, must-have, godsend"),
        NEGATIVE: words("lemon, rip-off, waste of money, piece of junk, paperweight, scam"),
    },
    past_tense_rate=0.35,
    vivid=False,
    make_slots=make_slots,
)
