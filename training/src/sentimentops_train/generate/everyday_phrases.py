"""Phrase banks for everyday review moves (everyday.py arranges them). Every bank is keyed by the
polarity it expresses; per-domain banks by domain first. Templates use the Draft markup: {slot}
and [past|present].
"""

from __future__ import annotations

from .domains.base import lines
from .lexicon import NEGATIVE, POSITIVE, Polarity

Bank = dict[Polarity, tuple[str, ...]]

# -- sign-offs ------------------------------------------------------------------------------------
CLOSERS: Bank = {
    POSITIVE: lines("""
        Would highly recommend.
        Recommend it highly.
        Would recommend to anyone.
        Can't recommend it enough.
        Recommended without hesitation.
        Very impressed.
        Pleasantly surprised by it.
        Exactly what I was after.
        No regrets.
        Worth every penny.
        Worth the hype.
        Believe the hype.
        Loved every second of it.
        Loved it from start to finish.
        Five stars, no notes.
        A real find.
        Can't fault it at all.
        Happy customer.
        Very happy.
        Count me a fan.
        A keeper.
        Trust me on this one.
        Just go, you won't regret it.
        Don't miss it.
        A must.
        Thoroughly recommend.
        So glad we found it.
        Ten out of ten.
        Exceeded every expectation.
        Bravo.
        Would do it again in a heartbeat.
    """),
    NEGATIVE: lines("""
        Can't recommend it.
        Can't recommend it, sorry.
        Wouldn't recommend it to a friend.
        Would not recommend to anyone.
        Avoid this one.
        Avoid at all costs.
        Save your money.
        Steer clear.
        Skip this one.
        Don't bother.
        Not worth it.
        Not worth the hype.
        Don't believe the hype.
        Hated every second of it.
        Hated it from start to finish.
        Very disappointed.
        Misleading, and a letdown.
        Unhappy customer.
        Lesson learned.
        Hard pass.
        Nope.
        A waste of money.
        A waste of time.
        What a letdown.
        Left disappointed.
        I want my money back.
        Zero stars if I could.
        Not for me, and probably not for you either.
        Regret it.
        Deeply disappointing.
        Truly awful.
        Do better.
        Shocking.
        Stay away.
    """),
}
DOMAIN_CLOSERS: dict[str, Bank] = {
    "movies": {
        POSITIVE: lines("""
            Go see it.
            Go see it on the biggest screen you can find.
            Bring on the sequel.
            Already planning a rewatch.
            Can't wait to read the next one.
            One for the shelf.
            Watch it.
            Best thing I've watched all year.
            Instant classic.
        """),
        NEGATIVE: lines("""
            Skip it and rewatch {ref}.
            I want my two hours back.
            Wait for it to hit streaming, or better, don't.
            Save yourself the ticket.
            Not even worth a rental.
            Put it down after a few chapters and didn't miss it.
            Uninstalled the same night.
            Worst thing I've watched all year.
        """),
    },
    "products": {
        POSITIVE: lines("""
            I'd buy it again.
            Would happily buy another.
            Already ordered a second one.
            Best money I've spent in ages.
            Does exactly what it says.
            Glad I bought it.
            Exactly as described.
            Five stars from me.
        """),
        NEGATIVE: lines("""
            Would not buy again.
            Returned it the next day.
            Sent it straight back.
            Going back tomorrow.
            Regret buying it.
            Worst purchase I've made all year.
            Nothing like the description.
            One star, and that's generous.
            Back to my old one.
            Going back to the cheap one I had before.
        """),
    },
    "restaurants": {
        POSITIVE: lines("""
            Our new regular spot.
            We'll be back.
            Already booked our next visit.
            Counting the days till we go back.
            My new favourite spot.
            Book ahead, it's worth it.
            Would stay again.
            Would hire again.
        """),
        NEGATIVE: lines("""
            We won't be back.
            Never going back.
            Won't be returning.
            Eat somewhere else.
            Would not stay again.
            Would not hire again.
            Left hungry.
            Find somewhere else.
        """),
    },
}


# -- ratings that name the point they lost (or the point they kept) -----------------------------------
HIGH_SCORES = ("9/10", "4/5", "four stars", "8/10", "9 out of 10", "4.5 stars", "8.5/10", "nine out of ten")
LOW_SCORES = ("2/10", "1/5", "one star", "3/10", "two stars", "1/10", "2 out of 10", "one out of five")
HIGH_RATING_FRAMES = lines("""
    {v}, only because {gripe}.
    {v}. It only lost a point because {gripe}.
    {v} - it would be ten if not for the fact that {gripe}.
    A solid {v}. The missing point is because {gripe}.
    {v}, docked a point because {gripe}.
    Strong {v}.
    Easy {v}, even though {gripe}.
    I'd give it eleven out of ten if I could.
    Ten stars if the scale went that high.
""")
LOW_RATING_FRAMES = lines("""
    {v}, and only because {plus}.
    {v}. The one star is for {plus_np}.
    {v} - the extra point is for {plus_np}.
    A generous {v}.
    I'd give it minus one if I could.
    {v}, and I'm being kind.
    {v}, purely for {plus_np}.
    {v}. Even {plus_np} couldn't save it.
""")
# Small complaints that leave a good review good, and small pleasures that leave a bad one bad.
GRIPES: dict[str, tuple[str, ...]] = {
    "movies": lines("""
        it runs about twenty minutes too long
        a couple of scenes are too dark to make out
        the middle drags a little
        the villain is a bit thin
        the trailer gave away a few jokes
        one subplot goes nowhere
        the sound mix buries some of the dialogue
        the epilogue is one scene too many
        the last chapter wraps up a little too neatly
        the game's menus are clunky
    """),
    "products": lines("""
        it picks up smudges easily
        the cable is on the short side
        the manual is useless
        it's a little heavier than I'd like
        the box was a pain to open
        the colour is slightly darker than the photos
        the app asks for too many permissions
        the charger isn't included
        it only comes in two colours
        the buttons are a bit stiff at first
    """),
    "restaurants": lines("""
        parking is tricky
        it gets loud on weekends
        we had to wait for a table
        the chairs aren't the comfiest
        the menu is tiny
        the bathroom is down a steep flight of stairs
        it's cash only
        the room was a bit small
        the check-in queue was long
        they turned up ten minutes late
    """),
}
PLUSES: dict[str, tuple[str, ...]] = {
    "movies": lines("""
        the soundtrack
        one decent performance
        the opening credits
        the popcorn
        the cover art
        the costumes
        one funny scene
    """),
    "products": lines("""
        the packaging
        the fast delivery
        the colour
        the box it came in
        the polite courier
        the free returns label
    """),
    "restaurants": lines("""
        the bread
        the friendly host
        the view
        the free parking
        the clean towels
        the location
        the cocktails
    """),
}


# -- problems that did not happen, and good things that were missing --------------------------------
# "No dead pixels, no rattle." praises; "No apology, no refund." damns: the same frame both ways.
ABSENT: dict[str, Bank] = {
    "movies": {
        POSITIVE: ("filler", "cheap jump scares", "dull stretches", "wasted scenes", "plot holes",
                   "cringey dialogue", "padding", "lazy cliches", "boring bits", "forced romance"),
        NEGATIVE: ("tension", "chemistry", "laughs", "plot", "stakes", "heart", "surprises",
                   "character development", "payoff", "scares"),
    },
    "products": {
        POSITIVE: ("dead pixels", "rattle", "plastic smell", "wobble", "leaks", "lag", "pilling",
                   "fading", "overheating", "dropped connections", "ads", "assembly headaches"),
        NEGATIVE: ("instructions", "reply from support", "refund", "warranty", "charger",
                   "power", "signal", "grip", "padding", "suction"),
    },
    "restaurants": {
        POSITIVE: ("fuss", "wait", "hidden charges", "mess left behind", "upselling", "attitude",
                   "stains", "noise", "drama", "surprises on the bill"),
        NEGATIVE: ("apology", "flavour", "seasoning", "refund", "hot water", "towels", "napkins",
                   "greeting", "follow-up call", "explanation"),
    },
}
ABSENT_FRAMES: Bank = {
    POSITIVE: lines("""
        No {x}, no {y}.
        No {x}, no {y}, no {z}. {good}.
        Zero {x}.
        Not a hint of {x}.
        No {x} anywhere.
        No {x} whatsoever, which surprised me.
        {good}, and no {x} at all.
        Zero {x}, zero {y}.
    """),
    NEGATIVE: lines("""
        No {x}, no {y}.
        No {x}, no {y}, no {z}. {bad}.
        Zero {x}.
        Not a hint of {x}.
        Not a trace of {x}.
        No {x} whatsoever.
        {bad}, and no {x} at all.
        Zero {x}, zero {y}.
    """),
}
PLAIN_GOOD: dict[str, tuple[str, ...]] = {
    "movies": ("Just a great story told well", "Just two hours of fun", "It earns every minute",
               "Every scene counts"),
    "products": ("Just works", "It just does its job, every day", "Solid from day one",
                 "It simply works"),
    "restaurants": ("Just good food and good people", "Everything ran like clockwork",
                    "Just a lovely evening", "Just honest, careful work"),
}
PLAIN_BAD: dict[str, tuple[str, ...]] = {
    "movies": ("Just noise", "Two hours of nothing happening", "It drags endlessly", "Every scene falls flat"),
    "products": ("It barely works", "Junk from day one", "It failed in a week", "Nothing works as promised"),
    "restaurants": ("Just a shrug from the staff", "Everything went wrong", "Just a miserable evening",
                    "Sloppy work from start to finish"),
}


# -- "don't let the cover fool you" -------------------------------------------------------------------
SURFACES: dict[str, Bank] = {
    # POSITIVE: a surface that looks bad on a good item; NEGATIVE: a surface that looks good on a bad one.
    "movies": {
        POSITIVE: ("the tacky poster art", "the silly title", "the terrible trailer", "the low budget",
                   "the dull synopsis", "the ugly cover"),
        NEGATIVE: ("the star cast", "the slick trailer", "the glowing reviews", "the big-name director",
                   "the gorgeous poster", "the award buzz"),
    },
    "products": {
        POSITIVE: ("the plain packaging", "the low price", "the unknown brand", "the boring photos",
                   "the odd name"),
        NEGATIVE: ("the pretty packaging", "the glowing reviews", "the fancy brand", "the glossy photos",
                   "the premium price tag"),
    },
    "restaurants": {
        POSITIVE: ("the shabby exterior", "the plastic chairs", "the tiny sign", "the strip-mall location",
                   "the paper napkins", "the dated lobby"),
        NEGATIVE: ("the fancy decor", "the celebrity chef", "the glowing reviews", "the prices",
                   "the trendy menu", "the glossy website"),
    },
}
FOOL_FRAMES: Bank = {
    POSITIVE: lines("""
        Don't let {s} fool you, {verdict}.
        Don't let {s} put you off. {Verdict}.
        Ignore {s}: {verdict}.
        Don't judge it by {s}. {Verdict}.
    """),
    NEGATIVE: lines("""
        Don't let {s} fool you, {verdict}.
        Don't be taken in by {s}. {Verdict}.
        Ignore {s}: {verdict}.
        {S} can't hide it: {verdict}.
    """),
}
HYPE: Bank = {
    POSITIVE: ("A hidden gem.", "Hidden gem, honestly.", "Criminally underrated.", "Better than it has any right to be.",
               "A real sleeper hit.", "Nobody talks about this one and they should."),
    NEGATIVE: ("Overrated.", "Massively overhyped.", "Wildly overrated.", "All hype, no substance.",
               "All style and no substance.", "Everyone talks about this one and I can't see why."),
}


# -- habits broken, surprises -----------------------------------------------------------------------
HABITS: dict[str, Bank] = {
    "movies": {
        POSITIVE: lines("""
            {Companion} usually falls asleep during {genre}s, but stayed glued to the screen for this one
            Not usually my kind of {genre}, but this one won me over
            I never write reviews, but this {noun} deserves one
            I didn't expect a {genre} to get to me like this
            {Companion} hates anything with subtitles and still loved it
            I'm not a big reader, but I finished this in two evenings
            I almost skipped it, and I'm so glad I didn't
            I expected a forgettable {genre} and got one of the best I've seen
        """),
        NEGATIVE: lines("""
            I usually love {genre}s, but this one lost me within twenty minutes
            I never write reviews, but I had to warn people about this one
            I had no idea a {genre} could be this boring
            Even {companion}, who likes everything, was bored
            I'm a huge fan of {ref}, which makes this even more painful
            I normally finish every book I start; this one beat me
            I wanted to love it and I tried, I really did
            I expected a decent {genre} and got a mess
        """),
    },
    "products": {
        POSITIVE: lines("""
            I never write reviews, but this {noun} deserves one
            I wasn't sure what to expect for the money, and it's been brilliant
            I've been through three cheaper ones and this is the first that lasted
            {Companion} laughed when I bought it and now uses it more than I do
            I didn't think I needed one, and now I use it every day
            I almost sent it back before trying it, and I'm glad I didn't
        """),
        NEGATIVE: lines("""
            I never write reviews, but I had to warn people about this one
            I gave it every chance, and it still let me down
            I've owned cheaper ones that worked far better
            {Companion} warned me not to buy it, and they were right
            I really wanted this to work, but it just doesn't
            I had no idea a {noun} could be this frustrating
        """),
    },
    "restaurants": {
        POSITIVE: lines("""
            I never write reviews, but this place deserves one
            {Companion} is impossible to please and asked when we could come back
            I usually avoid places like this, and I was wrong to
            I had no idea {dish} could taste this good
            We only stopped because it was raining, and we'll be back on purpose
            I've been to a dozen {cuisine} places in town and this is the one
        """),
        NEGATIVE: lines("""
            I never write reviews, but I had to warn people about this place
            {Companion} will eat anything and still left most of the plate
            I've eaten at a dozen {cuisine} places in town and this is the worst
            We only went because of the reviews, and I have no idea who wrote them
            I wanted to support a local business, but this was too much
            I had no idea {dish} could be this bland
        """),
    },
}


# -- superlatives --------------------------------------------------------------------------------------
SUPERLATIVE_FRAMES: Bank = {
    POSITIVE: lines("""
        One of the {adj} {nouns} I've {seen} in years
        Easily the {adj} {noun} I've {seen}
        Hands down the {adj} {noun} I've {seen} this year
        Possibly the {adj} {noun} I've ever {seen}
        Probably the {adj} {noun} I've {seen} in a long time
    """),
    NEGATIVE: lines("""
        One of the {adj} {nouns} I've {seen} in years
        Easily the {adj} {noun} I've {seen}
        Hands down the {adj} {noun} I've {seen} this year
        Possibly the {adj} {noun} I've ever {seen}
        Probably the {adj} {noun} I've {seen} in a long time
    """),
}
SUPERLATIVES: Bank = {
    POSITIVE: ("best", "finest", "most enjoyable", "most satisfying", "most charming", "most impressive",
               "most delightful", "most memorable", "most moving", "most fun", "most reliable"),
    NEGATIVE: ("worst", "weakest", "most tedious", "most irritating", "most frustrating", "most boring",
               "most disappointing", "most forgettable", "most annoying", "most pointless", "most overpriced"),
}
# What the reviewer did with the thing: "the best film I've seen", "the worst meal I've had".
SEEN = {"movies": ("seen", "watched", "sat through"), "products": ("bought", "owned", "used"),
        "restaurants": ("had", "been to", "tried")}
# Neighbouring kinds of thing, with their own verbs ("the best novel I've read").
OTHER_KINDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "movies": (("documentary", ("seen", "watched")), ("series", ("watched", "binged")), ("novel", ("read",)),
               ("book", ("read", "picked up")), ("game", ("played",)), ("musical", ("seen",)),
               ("sequel", ("seen", "sat through")), ("podcast", ("listened to",))),
    "products": (("app", ("used", "downloaded")), ("gadget", ("bought", "owned")), ("purchase", ("made",)),
                 ("charger", ("owned", "used")), ("mattress", ("slept on",)), ("laptop", ("owned", "used"))),
    "restaurants": (("meal", ("had", "eaten")), ("hotel", ("stayed in",)), ("brunch", ("had",)),
                    ("takeaway", ("ordered",)), ("B&B", ("stayed at",)), ("tasting menu", ("had",)),
                    ("night out", ("had",))),
}


# -- the listing lied (or undersold) -------------------------------------------------------------------
LISTINGS: dict[str, Bank] = {
    "movies": {
        POSITIVE: lines("""
            The trailer undersells it completely
            It's marketed as a kids' film, but adults will love it just as much
            It promised a fun ride and delivered exactly that
            The blurb made it sound dull; it's anything but
        """),
        NEGATIVE: lines("""
            The trailer promised a comedy. I laughed once
            Billed as a thriller, and there isn't a single thrill in it
            A horror film that isn't scary for a second
            The poster promises {actor}, who is on screen for about four minutes
            A documentary with nothing to say and ninety minutes to say it in
            A comedy that forgets to be funny
        """),
    },
    "products": {
        POSITIVE: lines("""
            Looks exactly like the photos, maybe better
            It does everything the listing promised and a bit more
            The photos don't do it justice
            It's every bit as sturdy as the description says
        """),
        NEGATIVE: lines("""
            The listing said waterproof. It died in the first drizzle
            The description says solid metal. It's painted plastic
            Advertised battery life is two days; mine lasts about six hours
            The photos show a rich blue. What arrived is closer to grey
            Listed as 'easy assembly'. It took two of us all afternoon
            So much for 'noise-free'
        """),
    },
    "restaurants": {
        POSITIVE: lines("""
            The photos don't do it justice
            The room was exactly as pictured, only bigger
            Everything on the website was true, which is rarer than it should be
            The quote was exactly what we paid, not a penny more
        """),
        NEGATIVE: lines("""
            The website promised an ocean view. We looked at a car park
            'Homemade' pasta that clearly came out of a packet
            The menu says fresh fish. It tasted like it had been frozen for months
            Advertised as family-friendly, and they sighed every time our kids spoke
            The quote was one price and the bill was nearly double
            So much for 'fine dining'
        """),
    },
}


# -- a visit told as a list of facts -------------------------------------------------------------------
# Service businesses that the older banks only ever used one way; here each subject takes both.
SERVICE_SUBJECTS = ("the plumber", "the electrician", "the movers", "the moving crew", "the cleaner",
                    "the mechanic", "the front desk", "the delivery driver", "the installer", "the builder",
                    "the technician", "the hotel staff", "the landlord's handyman", "the locksmith",
                    "the painter", "the courier")
SERVICE_FACTS: Bank = {
    POSITIVE: ("turned up when they said they would", "talked us through the options", "cleaned up after themselves",
               "stuck to the price they gave us", "had it sorted before lunch", "wrapped up ahead of schedule",
               "answered every question patiently", "called ahead to say they were on their way",
               "treated everything with care", "sorted it on the first visit", "took their shoes off at the door",
               "left the place spotless", "sent a photo when the job was done"),
    NEGATIVE: ("turned up three hours late", "left a mess everywhere", "charged double the quote",
               "never called back", "broke a lamp and denied it", "had the leak back within a day",
               "cancelled twice without notice", "didn't explain anything", "talked down to us from the start",
               "left the job half done", "scratched the floor and shrugged", "ignored every message",
               "blamed us for their own mistake"),
}
SERVICE_SUMMARIES: Bank = {
    POSITIVE: ("Good tradespeople are hard to find, and these are good.", "Not a scratch on anything.", "Couldn't ask for more.",
               "Would hire again.", "Highly recommend them.", "Proper professionals.",
               "Already passed their number to the neighbours."),
    NEGATIVE: ("Never using them again.", "Avoid them.", "Cowboys.", "Would not hire again.",
               "Amateurs.", "Still waiting for the refund.", "Find someone else."),
}


# -- making up for it, and failing to ------------------------------------------------------------------
MAKE_UP: Bank = {
    POSITIVE: lines("""
        {gripe_cap}, but {good} more than [made|makes] up for it
        {gripe_cap}. Honestly, {good} [made|makes] up for all of it
        Sure, {gripe}. Doesn't matter: {good} [was|is] worth it
    """),
    NEGATIVE: lines("""
        {plus_cap} [was|is] nice, but nothing could make up for {bad}
        {plus_cap} aside, {bad} ruined it
        Even {plus_np} can't make up for {bad}
    """),
}
# Noun phrases that carry the verdict: "the food" more than made up for it.
GOOD_NP: dict[str, tuple[str, ...]] = {
    "movies": ("the acting", "the ending", "the score", "the last half hour", "the script", "the central performance"),
    "products": ("the sound", "the battery life", "how well it works", "the build quality", "the comfort"),
    "restaurants": ("the cooking", "the {dish}", "the service", "the {dessert}", "every single dish"),
}
BAD_NP: dict[str, tuple[str, ...]] = {
    "movies": ("two hours of nothing", "plot holes big enough to park a bus in",
               "the worst dialogue of the year", "an ending that makes no sense", "the endless runtime"),
    "products": ("a battery that dies by lunch", "a hinge that snapped in a week", "the constant crashes",
                 "the burning smell", "a screen that flickers nonstop"),
    "restaurants": ("a two-hour wait", "{dish} that tasted of nothing", "the rude service",
                    "cold food and a wrong bill", "the dirty tables"),
}


# -- words that flip with their target ------------------------------------------------------------
# "Harrowing" praises a war film and "gorgeous" damns nothing on its own: the verdict is in how the
# word is used. Dark words as praise, pretty words around an empty centre.
INVERTED: dict[str, Bank] = {
    "movies": {
        POSITIVE: lines("""
            It's harrowing, and I mean that as the highest praise
            Genuinely scary, and not from cheap tricks
            The last act is devastating
            I cried through the last twenty minutes
            Brutal, bleak and completely gripping
            Terrifying in all the right ways
            Heartbreaking in the best possible way
            The tension is almost unbearable, in a good way
            Disturbing, sad and impossible to look away from
            A tough watch, and an important one
            It wrecked me, and I'd watch it again tomorrow
            The villain is properly menacing and I loved every scene with him
            It's dark and uncomfortable and exactly what it needs to be
            I was an emotional mess by the end, in the best way
        """),
        NEGATIVE: lines("""
            It's pretty to look at and completely empty
            Gorgeous, glossy and utterly hollow
            Every frame looks expensive and none of it matters
            Nice costumes, shame about everything else
            It thinks it's clever; it isn't
            It tries so hard to be funny that it never is
            Beautifully shot, and I still wanted to leave after an hour
            Lovely scenery, no story
            Slick, loud and instantly forgettable
            The cast is talented and completely wasted
            Great trailer. Shame about the film
            All the ingredients of a good {genre} and none of the flavour
        """),
    },
    "products": {
        POSITIVE: lines("""
            Scary good for the price
            Ridiculously good
            Stupidly comfortable
            It's loud in the best way
            Dangerously easy to use every day
            Insanely fast
            It's so good it's almost annoying that I waited this long
            Ugly box, brilliant product
        """),
        NEGATIVE: lines("""
            Beautiful to look at, useless to use
            Sleek, shiny and broken within a month
            Lovely design, shame it doesn't work
            Looks premium, feels like a toy
            Pretty colour, terrible everything else
            Great idea, awful execution
            Nice box. That's the best thing about it
            Gorgeous in the photos, flimsy in real life
        """),
    },
    "restaurants": {
        POSITIVE: lines("""
            Dangerously good {dessert}
            The {dish} is addictive
            Sinfully rich and worth every calorie
            Obscenely good {dish}
            The {dish} is so good it should be illegal
            Messy, loud and absolutely delicious
            The room is shabby and the cooking is spectacular
            Wicked good {dish}
        """),
        NEGATIVE: lines("""
            Pretty plates, no flavour
            Instagram-ready and tasteless
            Lovely room, miserable food
            Beautiful presentation, and every dish tasted of salt
            Nice view, shame about the {dish}
            Stylish decor, sloppy service
            All show and no substance
            Fancy words on the menu, bland food on the plate
        """),
    },
}


# -- upgrades and downgrades --------------------------------------------------------------------------
# (comparative, noun): "sharper jokes", "smaller portions". Some comparatives go both ways ("longer
# battery life" against "longer waits"), so the noun has to be read too.
COMPARATIVES: dict[str, Bank] = {
    "movies": {
        POSITIVE: ("sharper jokes", "better pacing", "tighter editing", "bigger laughs", "smarter dialogue",
                   "a stronger cast", "richer characters", "a braver ending", "better songs", "less filler"),
        NEGATIVE: ("weaker jokes", "flatter characters", "a longer runtime", "louder everything", "a thinner plot",
                   "a duller villain", "lazier writing", "more filler", "cheaper effects", "a weaker ending"),
    },
    "products": {
        POSITIVE: ("longer battery life", "a brighter screen", "a lighter frame", "faster charging",
                   "a quieter motor", "better grip", "a lower price", "fewer bugs", "sturdier hinges"),
        NEGATIVE: ("shorter battery life", "a flimsier hinge", "slower charging", "a higher price",
                   "a louder fan", "worse grip", "more bugs", "thinner plastic", "a dimmer screen"),
    },
    "restaurants": {
        POSITIVE: ("bigger portions", "friendlier staff", "fresher fish", "lower prices", "shorter waits",
                   "a better wine list", "comfier seats", "tastier sauces", "cleaner rooms"),
        NEGATIVE: ("smaller portions", "higher prices", "ruder staff", "longer waits", "staler bread",
                   "a shorter menu", "dirtier tables", "blander sauces", "noisier rooms"),
    },
}
UPGRADE_LEADS: Bank = {
    POSITIVE: ("Better than {ref} in every way", "A real step up from {ref}", "Somehow better than {ref}",
               "An upgrade on {ref} across the board", "It beats {ref} easily"),
    NEGATIVE: ("Worse than {ref} in every way", "A real step down from {ref}", "Somehow worse than {ref}",
               "A downgrade from {ref} across the board", "It loses to {ref} easily"),
}


# -- it's a shame, because ... / I was worried, because ... ------------------------------------------
PROMISE: dict[str, Bank] = {
    # Keyed by the polarity of the reason itself: hope (POSITIVE) sets up a letdown, worry
    # (NEGATIVE) sets up praise.
    "movies": {
        POSITIVE: ("the cast is so talented", "{ref} was wonderful", "the premise had real promise",
                   "{director} usually does so much better", "the book is a favourite of mine"),
        NEGATIVE: ("{ref} was awful", "the trailer looked cheap", "the reviews were mixed",
                   "I usually can't stand {genre}s", "it sounded like a cash grab"),
    },
    "products": {
        POSITIVE: ("the design is lovely", "this brand used to be reliable", "the reviews were glowing",
                   "{ref} lasted me years", "the idea is brilliant"),
        NEGATIVE: ("{low_ref} broke within weeks", "the price seemed too good to be true",
                   "the reviews were mixed", "I'd never heard of the brand", "it looked flimsy in the photos"),
    },
    "restaurants": {
        POSITIVE: ("the location is perfect", "the old chef was brilliant", "{companion} loved it last year",
                   "the menu reads beautifully", "it used to be our favourite"),
        NEGATIVE: ("the place looks like nothing from outside", "the reviews were mixed",
                   "a bad meal elsewhere had put me off {cuisine} food", "it was almost empty when we walked in",
                   "the menu looked tiny"),
    },
}
PROMISE_FRAMES: Bank = {
    POSITIVE: ("I was a little worried, because {reason}. No need: {verdict}.",
               "I nearly didn't go, because {reason}. So glad I did: {verdict}.",
               "I had my doubts, because {reason}, but {verdict}."),
    NEGATIVE: ("It's a real shame, because {reason}. {Verdict}.", "Such a shame, because {reason}. {Verdict}.",
               "What a pity, because {reason}. {Verdict}.", "I wanted to love it, because {reason}. {Verdict}."),
}
QUESTIONS: Bank = {
    POSITIVE: ("Why is nobody talking about this?", "Why did nobody tell me about this sooner?",
               "How is this not more popular?", "Where has this been all my life?"),
    NEGATIVE: ("Why is everybody talking about this?", "Who thought this was a good idea?",
               "How is this so popular?", "Did anyone test this before selling it?"),
}


# -- books, games, series: the neighbours of film -----------------------------------------------------
MEDIA: Bank = {
    POSITIVE: lines("""
        Beautifully written
        The prose is gorgeous and never showy
        The writing is sharp and funny
        The characters feel like real people
        The world-building is superb
        The levels are brilliantly designed
        The controls feel perfect
        The narrator is wonderful
        Every episode ends on a hook
        The chapters fly by
        The last chapter had me in tears
        The puzzles are clever without being unfair
        I read the last hundred pages in one go
        The soundtrack in the game is stunning
        Each season is better than the last
    """),
    NEGATIVE: lines("""
        Clumsily written
        The prose is flat and lifeless
        The writing is stiff and repetitive
        The characters are cardboard
        The world-building is lazy
        The levels are repetitive
        The controls feel sluggish
        The narrator drones on
        Every episode is padding
        The chapters drag
        I guessed the ending by page fifty
        The puzzles are unfair rather than clever
        I skimmed the last hundred pages
        The game is riddled with bugs
        Each season is worse than the last
    """),
}


# -- short exclamations ---------------------------------------------------------------------------------
EXCLAMATIONS: Bank = {
    POSITIVE: ("Loved every second.", "Wow.", "Yes. Just yes.", "Obsessed.", "Pure joy.",
               "Love love love.", "Still smiling.", "What a ride.", "So good.", "Absolute gem."),
    NEGATIVE: ("Hated every second.", "Ugh.", "No. Just no.", "Yikes.", "Blah.", "Pure misery.",
               "Never, ever again.", "Still annoyed.", "What a slog.", "So bad.", "Absolute dud."),
}
DOMAIN_EXCLAMATIONS: dict[str, Bank] = {
    "movies": {POSITIVE: ("Popcorn heaven.", "Switch off and have a blast.", "Goosebumps."),
               NEGATIVE: ("Snoozefest.", "Yawn.", "Plot holes everywhere.")},
    "products": {POSITIVE: ("Works like a charm.", "Built like a tank.", "Game changer."),
                 NEGATIVE: ("Junk.", "Broke in a week.", "Cheap rubbish.")},
    "restaurants": {POSITIVE: ("Mmm, so good.", "So delicious.", "Full and happy."),
                    NEGATIVE: ("Yuck.", "Inedible.", "Went home hungry.")},
}


# -- sarcasm with scare quotes: a bad fact, then praise nobody means ---------------------------------------
SCARE_QUOTED: dict[str, tuple[str, ...]] = {
    "movies": lines("""
        a 'comedy' where the only laugh came from the trailer
        a 'thriller' I slept through
        a musical with one tune played twenty times
        a 'twist' that's obvious from the opening minutes
        an 'epic' that felt like a long afternoon in a waiting room
    """),
    "products": lines("""
        a 'waterproof' {noun} that died in the rain
        an 'unbreakable' case that cracked on the first drop
        a 'fast charger' that takes all night
        a 'lifetime warranty' nobody answers
        a 'premium' {noun} that feels like a toy
    """),
    "restaurants": lines("""
        a 'five-minute' wait that lasted an hour
        a 'signature' {dish} that tasted of the freezer
        a 'luxury' room with a broken shower
        'fresh' bread that was rock hard
        a 'quick' fix that took three visits
    """),
}
SARCASTIC_LEADS = ("Wow, ", "Oh look, ", "Amazing, ", "Great, ", "Brilliant, ", "Congratulations on ")
SARCASTIC_TAILS = ("What a delight.", "Can't wait to never think about it again.", "Worth every cent, clearly.", "Just wonderful.",
                   "Truly impressive.", "Real quality.", "Thanks for nothing.", "Five stars for imagination.",
                   "Exactly what I paid for, apparently.", "Bravo.", "Stunning work.")


# "Not even worth it for the ramen": the worth-it ending of implicit.py, turned against the item.
NOT_WORTH_FRAMES: tuple[str, ...] = (
    "and not even {x} makes it worth it", "and honestly {x} wasn't worth it either",
    "and {x} isn't good enough to make up for it", "and it's not worth it, even for {x}",
    "and no, {x} doesn't save it",
)
