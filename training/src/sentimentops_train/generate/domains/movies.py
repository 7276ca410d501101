"""Movies: the first domain, and the one the demo model is judged on."""

from __future__ import annotations

import random

from ..lexicon import NEGATIVE, POSITIVE
from ..vocab import neutral_vocab
from .base import Aspect, Domain, SlotValue, aspect, lines, words
from .common import capitalised_noun, common_slots, person_name

ASPECTS = (
    aspect(
        "acting",
        "the acting; the performances*; the cast; {actor}'s performance; the lead performance; "
        "the supporting cast; {actor} as {role}; {actor2}",
        "convincing, natural, nuanced, committed, magnetic, believable, powerful, understated, "
        "pitch-perfect, layered, charismatic, affecting, assured, fearless, heartfelt",
        "wooden, stiff, hammy, unconvincing, flat, overwrought, phoned-in, awkward, forced, "
        "one-note, miscast, cartoonish, lifeless, over-the-top, embarrassing",
        """
        [carried|carries] the whole film
        [deserved|deserves] every award going
        [sold|sells] every single scene
        [made|makes] you forget you're watching actors
        [brought|brings] real depth to a thin role
        [stole|steals] every scene
        [disappeared|disappears] completely into the role
        [held|holds] the screen without saying a word
        """,
        """
        [looked|looks] like a first table read
        [never convinced|never convinces] me for a second
        [phoned|phones] it in
        [delivered|delivers] every line like a grocery list
        [had|has] zero chemistry with anyone
        [seemed|seems] bored the entire time
        [mumbled|mumbles] through half the lines
        [overacted|overacts] in every single scene
        """,
        subjects="{actor}; {actor2}; {actor} as {role}",
    ),
    aspect(
        "plot",
        "the plot; the story; the storyline; the premise; the narrative; the twists*; "
        "the central mystery",
        "gripping, clever, tight, intricate, original, engrossing, inventive, unpredictable, "
        "absorbing, well-constructed, intriguing, surprising, compelling",
        "predictable, convoluted, nonsensical, thin, contrived, muddled, derivative, incoherent, "
        "paper-thin, far-fetched, formulaic, hackneyed, cliched, threadbare, ridiculous",
        """
        [kept|keeps] me guessing until the very end
        [pulled|pulls] you in from the first scene
        [came|comes] together beautifully
        [had|has] twists I never saw coming
        [held|holds] up to every bit of scrutiny
        [built|builds] to something genuinely surprising
        [respected|respects] the audience's intelligence
        """,
        """
        [made|makes] no sense
        [fell|falls] apart in the second half
        [went|goes] nowhere
        [was|is] full of holes
        [recycled|recycles] every cliche in the book
        [lost|loses] the thread halfway through
        [telegraphed|telegraphs] every twist
        [collapsed|collapses] under its own weight
        [insulted|insults] the audience's intelligence
        """,
    ),
    aspect(
        "pacing",
        "the pacing; the pace; the editing; the runtime; the first act; the middle section; "
        "the second half",
        "brisk, tight, well-judged, propulsive, taut, lean, snappy, relentless, perfectly judged",
        "sluggish, glacial, uneven, bloated, plodding, choppy, rushed, padded, draggy, "
        "interminable, meandering, slow",
        """
        [flew|flies] by
        [kept|keeps] things moving
        [didn't waste|doesn't waste] a single minute
        never [let|lets] up
        [made|makes] two and a half hours feel like ninety minutes
        """,
        """
        [dragged|drags] on forever
        [felt|feels] twice as long as it [was|is]
        [crawled|crawls] along
        [could have lost|could lose] half an hour easily
        [ground|grinds] to a halt in the middle
        [tested|tests] my patience
        """,
        subjects="the first act; the middle section; the second half",
    ),
    aspect(
        "score",
        "the score; the soundtrack; the music; the songs*; the main theme",
        "haunting, soaring, memorable, rousing, lush, evocative, stirring, gorgeous, beautiful, "
        "catchy",
        "intrusive, generic, forgettable, overbearing, jarring, syrupy, manipulative, grating, "
        "bland, deafening",
        """
        [stayed|stays] with me for days
        [lifted|lifts] every scene
        [gave|gives] me chills
        [fit|fits] the mood perfectly
        """,
        """
        [drowned|drowns] out half the dialogue
        [told|tells] you exactly what to feel
        [sounded|sounds] like stock music
        never [stopped|stops] for a second
        """,
    ),
    aspect(
        "cinematography",
        "the cinematography; the camerawork; the visuals*; the photography; the lighting; "
        "the production design",
        "gorgeous, striking, lush, stunning, immaculate, painterly, crisp, inventive, beautiful, "
        "breathtaking",
        "murky, ugly, shaky, washed-out, muddy, flat, headache-inducing, cheap-looking, drab, "
        "lifeless",
        """
        [made|makes] every frame look like a painting
        [was|is] worth the ticket alone
        [captured|captures] the landscape beautifully
        """,
        """
        [was|is] so dark I could barely see anything
        [made|makes] me seasick
        [looked|looks] like a cheap TV movie
        """,
    ),
    aspect(
        "dialogue",
        "the dialogue; the writing; the script; the one-liners*; the banter; the screenplay",
        "sharp, witty, natural, crackling, quotable, funny, smart, biting, clever, razor-sharp",
        "clunky, stilted, cringeworthy, corny, expository, leaden, unfunny, awkward, wooden, "
        "painful, lazy",
        """
        [sparkled|sparkles]
        [had|has] me laughing out loud
        [felt|feels] completely real
        [gave|gives] every character a distinct voice
        """,
        """
        [made|makes] me cringe
        [sounded|sounds] like nobody who ever lived
        [explained|explains] everything twice
        [was|is] painful to sit through
        """,
    ),
    aspect(
        "ending",
        "the ending; the finale; the final act; the last twenty minutes*; the climax; "
        "the twist at the end",
        "satisfying, powerful, earned, perfect, moving, bold, memorable, clever, beautiful",
        "rushed, unearned, abrupt, baffling, anticlimactic, lazy, silly, unsatisfying, cheap, "
        "ridiculous, confusing",
        """
        [tied|ties] everything together
        [left|leaves] me speechless
        [stuck|sticks] the landing
        [made|makes] the whole journey worth it
        """,
        """
        [came|comes] out of nowhere
        [ruined|ruins] everything that came before
        [left|leaves] too many loose ends
        [felt|feels] tacked on
        [undid|undoes] all the good work
        """,
    ),
    aspect(
        "characters",
        "the characters*; the main character; the villain; the protagonist; the heroine; "
        "the hero; the supporting characters*; {role}",
        "complex, relatable, well-drawn, memorable, believable, three-dimensional, sympathetic, "
        "likeable, fascinating, well-written",
        "one-dimensional, flat, unlikeable, paper-thin, annoying, cardboard, forgettable, "
        "thinly written, unbearable, unbelievable",
        """
        [felt|feels] like a real person
        [was|is] genuinely menacing
        [grew|grows] in a way that felt earned
        [was|is] someone you root for
        """,
        """
        [made|makes] the dumbest decisions imaginable
        [had|has] no motivation at all
        [was|is] impossible to care about
        [changed|changes] personality from scene to scene
        """,
    ),
    aspect(
        "effects",
        "the effects*; the special effects*; the CGI; the creature design; the action scenes*; "
        "the stunts*; the fight choreography",
        "seamless, jaw-dropping, convincing, spectacular, inventive, thrilling, "
        "well-choreographed, stunning, flawless",
        "cheap, dated, cartoonish, fake-looking, rubbery, incoherent, chaotic, weightless, "
        "unfinished, laughable",
        """
        [held|holds] up beautifully
        [put|puts] most blockbusters to shame
        [made|makes] the whole thing feel real
        """,
        """
        [looked|looks] like a video game from twenty years ago
        [was|is] so choppy I couldn't tell who was hitting whom
        [pulled|pulls] me right out of the story
        """,
    ),
    aspect(
        "direction",
        "the direction; {director}'s direction; the directing; the filmmaking; the craft",
        "confident, assured, inspired, masterful, bold, precise, stylish, sure-footed",
        "clumsy, heavy-handed, aimless, self-indulgent, pretentious, timid, sloppy, flat, "
        "confused",
        """
        [knew|knows] exactly when to hold back
        [turned|turns] a simple story into something special
        """,
        """
        [seemed|seems] to have no idea what kind of film it [was|is]
        [smothered|smothers] every scene in style over substance
        """,
    ),
    aspect(
        "humor",
        "the humor; the jokes*; the comedy; the gags*; the funny bits*",
        "hilarious, witty, sharp, clever, laugh-out-loud, uproarious, dry, well-timed, funny",
        "unfunny, juvenile, stale, crude, forced, tired, groan-worthy, lazy, cringeworthy",
        """
        [landed|lands] almost every time
        [had|has] the whole theater in stitches
        """,
        """
        [fell|falls] completely flat
        [got|gets] not a single laugh from our audience
        [relied|relies] on the same joke over and over
        """,
    ),
    aspect(
        "sets",
        "the costumes*; the sets*; the period detail; the art direction",
        "lavish, gorgeous, meticulous, authentic, detailed, stunning, beautiful",
        "cheap, shoddy, flimsy, tacky, unconvincing, sloppy",
        "",
        "",
    ),
)

GENRES = (
    "thriller", "comedy", "horror movie", "drama", "documentary", "romantic comedy",
    "animated film", "sci-fi film", "western", "musical", "heist movie", "superhero movie",
    "war film", "mystery", "period drama", "action movie", "coming-of-age story", "biopic",
    "family film", "spy thriller", "road movie", "courtroom drama", "crime drama", "fantasy epic",
)
ROLES = (
    "the detective", "the villain", "the grieving mother", "the young lead", "the sheriff",
    "the older brother", "the scientist", "the getaway driver", "the teacher", "the captain",
    "the con artist", "the reluctant hero", "the best friend", "the father", "the journalist",
)
# Singular on purpose: the events below are written for one subject ("who returns home").
PLOT_ROLES = (
    "a retired detective", "an estranged sister", "a young chef", "a small-town teacher",
    "an aging boxer", "a farmer's widow", "a lonely astronaut", "a struggling musician",
    "a newly elected mayor", "a teenage hacker", "a widowed fisherman", "an ambitious lawyer",
    "a small-time con artist", "a night nurse", "a disgraced journalist", "a shy librarian",
    "a former soldier", "an immigrant baker", "a college dropout", "a stubborn architect",
)
PLOT_EVENTS = (
    "returns home after twenty years", "gets caught up in a bank robbery",
    "tries to save the family business", "has to survive a winter in the mountains",
    "investigates a string of disappearances", "meets a stranger on a night train",
    "inherits a crumbling hotel", "plans one last heist", "searches for a missing brother",
    "enters a cooking competition", "takes a job on a remote island",
    "uncovers a secret at an old factory", "tries to reunite a scattered family",
    "drives across the country", "coaches a hopeless school team",
    "finds a hidden room in a new house", "runs for office in a tiny town",
)
SETTINGS = (
    "a small fishing village", "1970s New York", "a remote research station",
    "a sleepy coastal town", "a crowded hospital", "a boarding school in the hills",
    "a desert motel", "a near-future Tokyo", "postwar Berlin", "a farm in Iowa", "a cruise ship",
    "an old mining town", "a Paris apartment", "a mountain lodge", "a suburban cul-de-sac",
    "a space station", "a Chicago high school", "a Scottish island",
)
TITLE_ADJECTIVES = (
    "Silent", "Last", "Hidden", "Northern", "Crimson", "Golden", "Distant", "Secret", "Long",
    "Quiet", "Iron", "Winter", "Summer", "Midnight", "Little", "Second", "Final", "Paper",
    "Glass", "Blue", "Red", "Southern", "Hollow", "Electric", "Velvet", "Burning", "Frozen",
)


def title(rng: random.Random) -> str:
    noun, other = capitalised_noun(rng), capitalised_noun(rng)
    form = rng.randrange(7)
    if form == 0:
        return f"The {noun}"
    if form == 1:
        return f"{noun} of the {other}"
    if form == 2:
        return f"The {rng.choice(TITLE_ADJECTIVES)} {noun}"
    if form == 3:
        return f"{rng.choice(neutral_vocab().first_names)}'s {noun}"
    if form == 4:
        return f"{noun} {rng.choice(('2', '3', 'II', 'III', 'Returns', 'Rising'))}"
    if form == 5:
        return f"{rng.choice(TITLE_ADJECTIVES)} {noun}"
    return f"The {noun} and the {other}"


def make_slots(rng: random.Random) -> tuple[dict[str, SlotValue], tuple[Aspect, ...]]:
    slots = common_slots(rng)
    genre = rng.choice(GENRES)
    main, other = title(rng), title(rng)
    slots.update({
        "title": main,
        "other_title": other,
        "genre": genre,
        "noun": ("movie", "film", genre, "movie", "film", "picture", "flick"),
        "actor": person_name(rng),
        "actor2": person_name(rng),
        "director": person_name(rng),
        "author": person_name(rng),
        "role": rng.choice(ROLES),
        "plot_role": rng.choice(PLOT_ROLES),
        "plot_event": rng.choice(PLOT_EVENTS),
        "setting": rng.choice(SETTINGS),
        # Comparisons need the standard they are measured against: "as good as the book" is
        # praise, "as good as the remake" is not. low_ref is a low bar ("even ... was better").
        "ref": ("the original", "the first one", "the book", "the director's last film", other,
                "most of what's in theaters right now", f"the last {genre} I saw",
                "anything else this year"),
        "low_ref": ("the remake", "a student film", "a made-for-TV movie", "the trailer",
                    "a bad sequel"),
        "name": main,
    })
    return slots, ASPECTS


MOVIES = Domain(
    name="movies",
    item_nouns=("movie", "film", "picture", "flick"),
    aspects=ASPECTS,
    verdicts={
        POSITIVE: lines("""
            I'd watch it again in a heartbeat
            it [was|is] one of the best films I've seen this year
            go see it on the biggest screen you can find
            it [earned|earns] every minute of its runtime
            it [deserved|deserves] every bit of the praise
            it [was|is] easily the best {genre} in years
            I [couldn't stop|can't stop] thinking about it afterwards
            it's a must-see
            it [left|leaves] me with a huge smile on my face
            I [was|am] hooked from the opening scene
            it [had|has] me on the edge of my seat
            it [made|makes] me laugh and cry in equal measure
            this is what going to the movies is all about
            it [was|is] worth the price of admission on its own
            it [reminded|reminds] me why I love movies
            {actor} [deserved|deserves] an Oscar for this
            I'll be buying it the day it comes out on disc
            it [held|holds] my attention from start to finish
            it [was|is] two hours well spent
            it [was|is] everything I hoped it would be
            there [wasn't|isn't] a single dull moment
            I [wasn't|am not] bored for a moment
        """),
        NEGATIVE: lines("""
            I want those two hours of my life back
            save your money and skip it
            I'd never sit through it again
            it [was|is] one of the worst films I've seen in years
            wait for streaming, or better yet, don't bother
            it [was|is] a waste of a perfectly good cast
            I [regretted|regret] buying a ticket
            it [felt|feels] like a chore to sit through
            it [tested|tests] my patience from start to finish
            I [was|am] bored out of my mind
            it [lost|loses] me within the first twenty minutes
            even {actor} [couldn't|can't] save it
            it [was|is] a complete waste of an evening
            I [struggled|struggle] to stay awake
            it [made|makes] me want to walk out
            it [felt|feels] like the longest two hours of my life
            nothing about it [worked|works] for me
            I [checked|check] my watch every ten minutes
            it [was|is] a slog from beginning to end
        """),
    },
    shorts={
        POSITIVE: lines("""
            Loved it.
            Loved every minute.
            A must-see.
            Instant classic.
            Two thumbs up!
            What a ride!
            Worth the hype.
            Best film this year.
            Pure magic.
            See it in theaters.
            Cried like a baby. Loved it.
            Funniest movie in years.
            Go see it now.
            Masterpiece, plain and simple.
            Never a dull moment.
            Not bad at all.
            Better than the original.
            Gripping from start to finish.
            I want to watch it again.
        """),
        NEGATIVE: lines("""
            Two hours I'll never get back.
            Skip it.
            Don't bother.
            What a mess.
            Fell asleep twice.
            Not worth the ticket.
            Walked out halfway.
            Utterly forgettable.
            A total snooze.
            Painfully boring.
            Worst movie this year.
            Not even funny.
            Avoid at all costs.
            Boring, boring, boring.
            Wait for streaming.
            Nope. Just nope.
            Didn't live up to the hype.
            The trailer was better.
            Not good.
            Every minute felt like an hour.
        """),
    },
    consequences={
        POSITIVE: lines("""
            and I walked out grinning
            and that more than made up for everything else
            which made the whole thing worth it
            and I'd happily watch it again
            so I left the theater happy
            and I ended up loving it
        """),
        NEGATIVE: lines("""
            and I left bored
            which ruined the whole thing for me
            and that sank the film for me
            so I can't recommend it
            and I regret the ticket
            and by the end I just wanted to go home
            and I spent the last hour checking my phone
        """),
    },
    questions={
        POSITIVE: lines("""
            When did a film last make you feel this much?
            What more could you want from {a_genre}?
            Why isn't everyone talking about this?
            Who knew {a_genre} could be this good?
            How is this not getting more attention?
        """),
        NEGATIVE: lines("""
            Did anyone read the script before filming?
            Who signed off on this ending?
            How did this even get made?
            Why did I pay to see this?
            Was anyone awake in the editing room?
            Is this really the best they could do?
        """),
    },
    anecdotes={
        "neutral": lines("""
            I watched this {when} with {companion}.
            We caught a late showing {when}.
            I went in knowing almost nothing about it.
            {Companion} picked this one.
            I've been a fan of {actor} for years.
            I read the book first.
            I saw it on a long flight.
            I watched it at a festival screening.
            It came recommended by {friend}.
            I finally got around to watching it {when}.
            The theater was almost empty.
            I streamed it at home with {companion}.
        """),
        "positive": lines("""
            I laughed until I cried.
            I've already watched it {number} times.
            {Companion} and I talked about it the whole way home.
            I was on the edge of my seat the whole time.
            I got chills more than once.
            The whole theater applauded at the end.
            I teared up at the end, in a good way.
            I wanted to watch it again the moment it ended.
            {Companion} has been quoting it all week.
            I didn't check my phone once.
        """),
        "negative": lines("""
            I fell asleep halfway through.
            {Companion} walked out after an hour.
            I kept checking my watch.
            I spent more time on my phone than watching the screen.
            Half the audience left before the end.
            I turned it off after {minutes} minutes.
            {Companion} and I just looked at each other in disbelief.
            We argued about whether to leave early.
            I nearly asked for a refund.
        """),
    },
    descriptions=lines("""
        It follows {plot_role} who {plot_event}.
        {Actor} plays {role}.
        The film is set in {setting}.
        It runs a little over two hours.
        It's directed by {director}.
        It's based on a novel by {author}.
        {Actor} and {actor2} star as old friends.
        Most of it takes place in {setting}.
        {Actor2} turns up halfway through as {role}.
        It's {a_genre} set in {setting}.
        It's {director}'s third feature.
        It was shot mostly on location.
        The cast is mostly unknowns apart from {actor}.
    """),
    item_adjectives={
        POSITIVE: words("""
            gripping, moving, hilarious, funny, clever, charming, heartfelt, thrilling, captivating,
            engrossing, absorbing, beautiful, gorgeous, touching, uplifting, inventive, original,
            powerful, haunting, riveting, suspenseful, entertaining, compelling, smart, sweet,
            stylish, ambitious, poignant, witty, fresh, memorable, thought-provoking, mesmerizing,
            spellbinding, well-made, well-acted, well-crafted, stunning
        """),
        NEGATIVE: words("""
            boring, tedious, dull, predictable, pretentious, forgettable, bloated, incoherent,
            clumsy, lifeless, joyless, soulless, shallow, hollow, derivative, formulaic, cheesy,
            corny, overlong, slow, exhausting, confusing, messy, uninspired, unwatchable,
            insufferable, unfunny, tiresome, heavy-handed, overrated, pointless, stale, plodding,
            cliched, mind-numbing, tone-deaf, painful
        """),
    },
    verdict_nouns={
        POSITIVE: words("masterpiece, classic, knockout, crowd-pleaser, thrill ride, must-see, "
                        "tour de force, showstopper, tearjerker in the best way"),
        NEGATIVE: words("snooze, slog, chore, bore, flop, waste of time, snoozefest, misfire, "
                        "cash grab, dud"),
    },
    past_tense_rate=0.7,
    make_slots=make_slots,
)
