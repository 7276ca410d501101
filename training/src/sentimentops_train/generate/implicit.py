"""Sentiment carried without evaluative adjectives: events and facts ("it fell apart on the
first wash"), fixed expressions ("never again"), unmistakable sarcasm after a bad fact ("What a
bargain."), and "worth it though" endings. Every bank is keyed by the polarity it expresses, so
labels stay decided by construction.

Some entries cover neighbouring topics (books and games beside movies, apps and games beside
products, hotels beside restaurants): the review keeps its domain, only the vocabulary widens.
Templates use the Draft markup: {slot} from the common slots and [past|present].
"""

from __future__ import annotations

from .domains.base import lines
from .lexicon import NEGATIVE, POSITIVE, Polarity

# -- events and facts that imply a verdict -----------------------------------------------------
EVENTS: dict[str, dict[Polarity, tuple[str, ...]]] = {
    "movies": {
        POSITIVE: lines("""
            I didn't check my phone once
            the whole theatre clapped at the end
            {companion} was wide awake for all of it, which never happens
            we stayed through the credits just to keep the feeling going
            I've already watched it twice and I'm planning a third
            I was still thinking about it three days later
            the runtime flew by
            I forgot I was sitting in a cinema
            {companion} cried and then made me put it on again the next day
            I laughed so hard I missed a few lines
            I immediately looked up everything else the director has made
            nobody in our row moved until the lights came up
            I went back the following weekend and took {companion}
            I bought the soundtrack on the drive home
            I had goosebumps during the final scene
            the ending left the whole room silent in a good way
            I kept rewinding scenes just to watch them again
            my hands were sweating through the last half hour
            I finished the book it was based on in one sitting afterwards
            I stayed up until 2am to finish the game and regret nothing
            I couldn't put the book down
            read it in one sitting on a long flight
            I sank sixty hours into the game in the first week
            the novel had me missing my stop on the train twice
        """),
        NEGATIVE: lines("""
            I fell asleep twice
            {companion} was snoring within half an hour
            I checked the time every ten minutes
            half the audience walked out before the end
            we left at the halfway point and went for pizza instead
            I spent most of it scrolling on my phone
            I forgot the plot before the credits even finished
            the people behind us were laughing at the serious scenes
            I kept waiting for it to start and then it was over
            I turned it off after forty minutes
            I had to look up the ending to find out what happened
            {companion} asked me twice if it was nearly done
            I zoned out so often I lost track of who was who
            I only finished it because I'd already paid for the ticket
            two hours of my life I'm never getting back
            I've had more fun waiting at the dentist
            I gave up on the book after three chapters
            the game crashed every time I reached the second boss
            I uninstalled the game after one evening
            I had to force myself through the last hundred pages
            the sequel undid everything I liked about the first one
            by the end I had completely given up caring about any of them
        """),
    },
    "products": {
        POSITIVE: lines("""
            it still works like the day I bought it after {long_time}
            it kept me dry through a full day of hiking in the rain
            the battery lasts me three days between charges
            I've dropped it more times than I can count and it survived every one
            I bought a second one for {companion}
            it survived {long_time} of daily use without a scratch
            {companion} keeps borrowing it and not giving it back
            it's been through the dishwasher a hundred times and looks new
            I set it up in five minutes without opening the manual
            it replaced three other gadgets on my counter
            the fit was exactly right on the first try
            I've washed it dozens of times and the colour hasn't faded
            it arrived a day early and was packed with care
            I use it every single day and reach for it first
            I wore them for a twelve-hour shift and my feet didn't hurt once
            customer service sent a replacement part the same day, no questions asked
            the app syncs instantly and hasn't crashed once
            the app does exactly one thing and does it without fuss
            the update fixed every bug I reported within a week
        """),
        NEGATIVE: lines("""
            the stitching came apart on the first wash
            it smells like burning plastic every time I switch it on
            the sizes run tiny, I had to return two pairs
            it stopped charging after {short_time}
            the handle snapped off the first time I used it
            it arrived with a crack down the side and the return took a month
            the battery is dead by lunchtime
            it leaked all over my bag on day one
            the colour washed out after two washes
            one of the buttons fell off within {short_time}
            it was already scratched when I opened the box
            it overheats so badly I can't hold it
            the zipper broke the second time I used it
            it rattles whenever it's on and the noise never stops
            half the features need a subscription they never mentioned
            it looks nothing like the photos
            the soles came unglued after {short_time}
            support stopped answering my emails after the first reply
            the app logs me out every single day
            the app crashes whenever I open the settings
            it drained my phone battery overnight
            it went straight back in the box and back to the store
            the instructions were in the wrong language and missing a page
        """),
    },
    "restaurants": {
        POSITIVE: lines("""
            we were seated right away even on a busy Friday
            the server remembered our order from the last visit
            {companion} ordered a second dessert without asking me
            we wiped the plates clean
            the chef came out to ask how everything was
            we've already booked our next visit
            I've been back three times this month
            they brought out a free dessert for {companion}'s birthday
            the portions were so big we took half home
            the food came out hot and fast even with a full room
            they checked on us just often enough
            I'm still thinking about that sauce
            the front desk upgraded our room without us asking
            the room was spotless and the bed was heaven
            the staff at the hotel knew our names by the second morning
            checkout took two minutes and they held our bags all afternoon
            the electrician turned up on time and fixed it in twenty minutes
            the movers finished early and not a single box was damaged
            the tech support person sorted it out on the first call
        """),
        NEGATIVE: lines("""
            we waited {minutes} minutes for our food, no apology
            they got our order wrong twice
            the waiter disappeared for half an hour
            I found a hair in my soup and they shrugged
            we had to ask three times for water
            they charged us for dishes we never got
            the food came out cold and the bill came out wrong
            {companion} was sick all night afterwards
            the table was sticky and nobody wiped it
            they rushed us out to give the table away
            the manager argued with us instead of fixing it
            we gave up waiting and left before the mains arrived
            the fries tasted like they'd been fried in week-old oil
            the room smelled of damp and the sheets had stains
            the hotel wifi dropped every ten minutes
            they lost our booking and offered nothing but a shrug
            the air conditioning rattled all night and nobody came to fix it
            the technician never showed up and nobody called to say why
            I'm still waiting on the refund {duration} later
            three appointments booked and three no-shows
            the plumber charged double the quote and the tap still drips
        """),
    },
}

# -- fixed expressions ---------------------------------------------------------------------------
IDIOMS: dict[Polarity, tuple[str, ...]] = {
    POSITIVE: lines("""
        10/10 would recommend
        10/10 would go again
        chef's kiss
        totally worth it
        worth every penny
        worth every minute
        no notes
        an absolute banger
        can't stop thinking about it
        instant favourite
        would do it all again tomorrow
        I'm obsessed
        exceeded every expectation
        money well spent
        best decision I've made all year
        a keeper
        couldn't ask for more
        already telling everyone about it
        hits the spot every time
        pure joy from start to finish
        ten out of ten, no hesitation
        this is the one
        take my money
        glad I took the chance
    """),
    NEGATIVE: lines("""
        never again
        overhyped
        hard pass
        save your money
        avoid like the plague
        what a letdown
        I want my money back
        not worth the hype
        lesson learned
        back it goes
        one and done
        big nope
        zero stars if I could
        I gave up caring halfway through
        don't bother
        total rip-off
        returned it the same week
        never going back
        a complete waste of time
        buyer beware
        I'll be asking for a refund
        what was I thinking
        fool me once
    """),
}
DOMAIN_IDIOMS: dict[str, dict[Polarity, tuple[str, ...]]] = {
    "movies": {
        POSITIVE: lines("""
            10/10 would watch again
            couldn't look away
            I'd watch it again tonight
            an instant rewatch
            couldn't put it down
            a real page-turner
            one more level turned into six hours
        """),
        NEGATIVE: lines("""
            two hours of my life I'm never getting back
            I want those two hours back
            I'll never get that evening back
            turned it off and read a book instead
            a snooze
            skip it and rewatch something good
            I've read cereal boxes with more going on
        """),
    },
    "products": {
        POSITIVE: lines("""
            10/10 would buy again
            already ordered another
            best purchase this year
            should have bought one years ago
            does exactly what it says on the tin
        """),
        NEGATIVE: lines("""
            straight in the bin
            returned within the week
            buy once, cry twice
            you get what you pay for
            should have read the reviews first
        """),
    },
    "restaurants": {
        POSITIVE: lines("""
            10/10 would eat here again
            already planning the next visit
            worth the drive
            worth the wait
            I'd book the same room again in a heartbeat
        """),
        NEGATIVE: lines("""
            we won't be back
            never eating there again
            I've had better airport food
            we went for pizza afterwards
            I'd sooner sleep in the car than stay there again
        """),
    },
}

# -- surface praise: after a bad fact it is sarcasm, after a good one it is meant -----------------
# Most of these exclamations read either way, and the fact before them decides; the generator uses
# them both ways, so that "Such fun." or "What a treat." is not learned as a negative word the way
# it would be if it only ever followed a bad fact (real reviews mean them far more often).
SURFACE_PRAISE: tuple[str, ...] = lines("""
    What a treat.
    What a bargain.
    Just what I needed.
    Fantastic.
    Brilliant. Just brilliant.
    What an experience.
    Really living up to the hype.
    Can't wait to do that again.
    Such fun.
    A masterpiece, truly.
    Nailed it.
    Amazing, really.
    Lovely.
    Thanks for that.
    Wow.
""")
# Only sarcasm: negative by construction.
SARCASM: tuple[str, ...] = SURFACE_PRAISE + lines("""
    Truly groundbreaking stuff.
    Oh good.
    Great, just great.
    Love that for me.
    Money well spent, clearly.
    Exactly what I was hoping for, said no one.
    Five stars for creativity, I guess.
    Top quality, as you can see.
    Wonderful value, obviously.
    Ten out of ten for effort, zero for everything else.
""")
# Only meant: positive by construction.
SINCERE: tuple[str, ...] = SURFACE_PRAISE + lines("""
    Money well spent.
    Wonderful value.
    Five stars for creativity alone.
    Top quality, clearly.
    Exactly what I was hoping for.
    Ten out of ten, no notes.
    Thanks, whoever designed this.
""")

# Surface praise that opens a sentence: "Oh great, ..." then the fact, bad or good.
SURFACE_OPENERS: tuple[str, ...] = (
    "Oh great, ", "Great, ", "Fantastic, ", "Wonderful, ", "Brilliant, ", "Oh wow, ", "Amazing, ", "Perfect, ",
    "Lovely, ", "Oh good, ", "Wow, ",
)

# -- "worth it though": a negative context overruled by the final positive clause ----------------
WORTH_TARGETS: dict[str, tuple[str, ...]] = {
    "movies": ("the ending", "the last twenty minutes", "the soundtrack", "the final fight", "the lead performance",
               "that one twist", "the visuals alone", "the last chapter", "the boss fights"),
    "products": ("the battery life", "the sound", "how comfortable it is", "the build quality", "the picture quality",
                 "the peace of mind", "the time it saves me", "how quiet it is"),
    "restaurants": ("the dumplings", "the dessert", "the view", "the ramen", "the tasting menu", "the cocktails",
                    "the breakfast buffet", "the pastries", "the burgers", "the room with a view"),
}
WORTH_FRAMES: tuple[str, ...] = (
    "totally worth it for {x} though", "worth it for {x} though", "still worth it for {x}",
    "but {x} made it all worth it", "but honestly {x} alone was worth it",
    "still, {x} made up for all of it", "worth every penny for {x} though",
)
NEGATIVE_SETUPS: dict[str, tuple[str, ...]] = {
    "movies": ("it drags in the middle", "the first hour is slow", "the dialogue is clunky in places",
               "it's about forty minutes too long", "the side characters are thin", "I nearly gave up early on"),
    "products": ("it's pricey", "setup was a pain", "the manual is useless", "it's heavier than I expected",
                 "shipping took forever", "the app is clunky"),
    "restaurants": ("the wait was long", "it's a bit cramped", "parking is a nightmare", "it's not cheap",
                    "the service was slow", "the decor is dated", "the room was tiny"),
}

# -- casual internet framing ----------------------------------------------------------------------
CASUAL_PREFIXES = ("ngl ", "tbh ", "honestly ", "ok so ", "lowkey ", "not gonna lie, ", "imo ")
CASUAL_SUFFIXES = (" ??", " lol", " tbh", " ngl", " fr", " smh", " 🙃", " lmao", " idk")


def events(domain: str, polarity: Polarity) -> tuple[str, ...]:
    return EVENTS[domain][polarity]


def idioms(domain: str, polarity: Polarity) -> tuple[str, ...]:
    return IDIOMS[polarity] + DOMAIN_IDIOMS[domain][polarity]


__all__ = ["EVENTS", "IDIOMS", "DOMAIN_IDIOMS", "SARCASM", "WORTH_TARGETS", "WORTH_FRAMES",
           "NEGATIVE_SETUPS", "SURFACE_PRAISE", "SINCERE", "SURFACE_OPENERS", "CASUAL_PREFIXES", "CASUAL_SUFFIXES", "events", "idioms"]
