"""Text normalisation applied to every review before it is stored.

Reviews scraped from the web (aclImdb among them) carry HTML line breaks, stray formatting tags,
entities and odd whitespace that would otherwise become tokens the model learns from. The rules
are conservative: only well-known HTML tag names are stripped, so text such as "I <3 it" or
"a<b" survives. Bump NORMALISER_VERSION whenever the output for some input changes: the manifest
records it, and datasets made by different versions are different datasets.
"""

import html
import re
import unicodedata

NORMALISER_VERSION = "1"

# <br>, <br/>, <br />, <p>, </p>: paragraph structure, kept as a newline.
_LINE_BREAK = re.compile(r"<\s*(?:br|/?p)\s*/?\s*>", re.IGNORECASE)
# A tag's attributes must read `name=value`, so prose like "a<b and c>d" is not taken for one.
_ATTRIBUTES = r"""(?:\s+[\w:-]+\s*=\s*(?:"[^"<>]*"|'[^'<>]*'|[^\s"'<>]+))*\s*/?>"""
# Block-level tags separate words: replaced by a newline. Inline tags do not: removed.
_BLOCK_TAG = re.compile(
    r"</?(?:blockquote|center|div|h[1-6]|hr|li|ol|pre|ul)" + _ATTRIBUTES, re.IGNORECASE
)
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|big|cite|code|del|em|font|i|img|ins|q|s|small|span|strike|strong|sub|sup"
    r"|tt|u)" + _ATTRIBUTES,
    re.IGNORECASE,
)
# Only complete entities with their semicolon: html.unescape alone would also turn the "&not" of
# "this&nothing" into "¬".
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_NEWLINES = re.compile(r"\r\n|[\r\u2028\u2029\x85]")
_SPACES = re.compile(r"[^\S\n]+")  # any whitespace but the newline
# Invisible characters that split words without showing: byte order mark, zero-width space.
_INVISIBLE = {"\ufeff", "\u200b"}


def normalise_text(text: str) -> str:
    """The stored form of a review: tags resolved, Unicode NFC, whitespace collapsed, trimmed.

    Paragraphs are kept as single newlines; an empty result means the review had no text.
    """
    text = _LINE_BREAK.sub("\n", text)
    text = _BLOCK_TAG.sub("\n", text)
    text = _INLINE_TAG.sub("", text)
    text = _ENTITY.sub(lambda match: html.unescape(match.group(0)), text)
    text = _NEWLINES.sub("\n", text)
    text = _SPACES.sub(" ", text)
    text = "".join(c for c in text if c == "\n" or not _is_control(c))
    lines = (line.strip() for line in text.split("\n"))
    text = "\n".join(line for line in lines if line)
    return unicodedata.normalize("NFC", text)


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" or char in _INVISIBLE
