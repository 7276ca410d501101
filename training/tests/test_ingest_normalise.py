"""Text normalisation and label parsing: what every ingested row goes through."""

import unicodedata

import pytest

from sentimentops_train.ingest import normalise_text, parse_label


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # aclImdb's paragraph breaks, in every spelling
        ("Great.<br /><br />Loved it.", "Great.\nLoved it."),
        ("a<br>b<BR/>c< br / >d", "a\nb\nc\nd"),
        ("<p>One.</p><p>Two.</p>", "One.\nTwo."),
        # known tags go, the words they held stay; block tags separate words
        ("It was <i>not</i> <b class='x'>bad</b>", "It was not bad"),
        ('See <a href="http://x">this</a>!', "See this!"),
        ("end.<div>Next</div>", "end.\nNext"),
        # text that merely looks like markup stays
        ("I <3 it", "I <3 it"),
        ("a<b and c>d", "a<b and c>d"),
        ("<spoiler>he dies</spoiler>", "<spoiler>he dies</spoiler>"),
        # entities with their semicolon only
        ("Tom &amp; Jerry &quot;rocks&quot; &#39;x&#x27;", "Tom & Jerry \"rocks\" 'x'"),
        ("this&nothing AT&T", "this&nothing AT&T"),
        # whitespace collapsed, lines trimmed, empty lines dropped
        ("  lots\t\tof   space \u00a0here  ", "lots of space here"),
        ("line one  \r\n\r\n\n  line two\rthree", "line one\nline two\nthree"),
        # control and invisible characters removed
        ("bad\x00 ctrl\x07 chars\ufeff and zero\u200bwidth", "bad ctrl chars and zerowidth"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected


def test_unicode_is_nfc() -> None:
    decomposed = "Cafe\u0301 cre\u0300me"
    result = normalise_text(decomposed)
    assert result == "Café crème"
    assert unicodedata.is_normalized("NFC", result)


def test_normalising_twice_changes_nothing() -> None:
    once = normalise_text("A <i>fine</i> film.<br /><br />  Would   watch &amp; rewatch.\x00")
    assert normalise_text(once) == once


@pytest.mark.parametrize("raw", ["", "   ", "<br /><br />", "\x00\x01", "<i></i>"])
def test_text_with_nothing_in_it_normalises_to_empty(raw: str) -> None:
    assert normalise_text(raw) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "negative"),
        (1, "positive"),
        (0.0, "negative"),
        (1.0, "positive"),
        ("0", "negative"),
        ("1", "positive"),
        (" 1 ", "positive"),
        ("neg", "negative"),
        ("POS", "positive"),
        ("Negative", "negative"),
        ("positive", "positive"),
    ],
)
def test_accepted_labels(value: object, expected: str) -> None:
    assert parse_label(value) == expected


@pytest.mark.parametrize("value", [2, -1, 0.5, "meh", "", "neutral", None, True, False, "yes"])
def test_unknown_labels(value: object) -> None:
    assert parse_label(value) is None
