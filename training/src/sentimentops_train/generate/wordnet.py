"""A small reader for the WordNet 3.0 data files (the `wordnet-base` Debian package).

Only what the generator needs: senses of a lemma in frequency order, a synset's lemmas and
pointers, hyponym closure and a scan by lexicographer file. nltk would do this too but is not a
dependency; the file format is simple and documented in wndb(5WN).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .resources import wordnet_dir

POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
# Adjective lemmas carry syntactic markers such as "good(a)" or "galore(ip)".
_MARKER = re.compile(r"\((?:a|p|ip)\)$")


@dataclass(frozen=True)
class Pointer:
    symbol: str
    offset: int
    pos: str


@dataclass(frozen=True)
class Synset:
    offset: int
    pos: str
    lexfile: int
    ss_type: str  # "s" marks an adjective satellite, "a" a head adjective
    lemmas: tuple[str, ...]  # as written in WordNet: underscores join multi-word lemmas
    pointers: tuple[Pointer, ...]
    gloss: str


@dataclass(frozen=True)
class IndexEntry:
    lemma: str
    offsets: tuple[int, ...]  # most frequent sense first
    tagged_senses: int  # how many senses were seen in the tagged corpus: a commonness signal


@lru_cache(maxsize=4)
def _data_bytes(pos: str) -> bytes:
    return (wordnet_dir() / f"data.{POS_FILES[pos]}").read_bytes()


@lru_cache(maxsize=4)
def _index_lines(pos: str) -> dict[str, str]:
    # Lines are kept raw and parsed on demand: the noun index has ~150k lines and most callers
    # only ask whether a lemma exists.
    path: Path = wordnet_dir() / f"index.{POS_FILES[pos]}"
    lines: dict[str, str] = {}
    for line in path.read_text(encoding="latin-1").splitlines():
        if not line.startswith(" "):  # the licence header is indented
            lemma, _, rest = line.partition(" ")
            lines[lemma] = rest
    return lines


def has_lemma(lemma: str, pos: str) -> bool:
    return lemma in _index_lines(pos)


@lru_cache(maxsize=65536)
def index_entry(lemma: str, pos: str) -> IndexEntry | None:
    rest = _index_lines(pos).get(lemma)
    if rest is None:
        return None
    fields = rest.split()  # pos synset_cnt p_cnt [ptr...] sense_cnt tagsense_cnt offsets...
    synset_count = int(fields[1])
    pointer_count = int(fields[2])
    tagged = int(fields[4 + pointer_count])
    offsets = tuple(int(x) for x in fields[5 + pointer_count:5 + pointer_count + synset_count])
    return IndexEntry(lemma, offsets, tagged)


def _parse(line: str, pos: str) -> Synset:
    body, _, gloss = line.partition(" | ")
    fields = body.split()
    word_count = int(fields[3], 16)
    lemmas = tuple(_MARKER.sub("", fields[4 + 2 * i]) for i in range(word_count))
    cursor = 4 + 2 * word_count
    pointer_count = int(fields[cursor])
    pointers = tuple(
        Pointer(fields[cursor + 1 + 4 * i], int(fields[cursor + 2 + 4 * i]), fields[cursor + 3 + 4 * i])
        for i in range(pointer_count)
    )
    return Synset(int(fields[0]), pos, int(fields[1]), fields[2], lemmas, pointers, gloss.strip())


def synset(pos: str, offset: int) -> Synset:
    # WordNet offsets are byte offsets into the data file, so a lookup is a slice, not a scan.
    data = _data_bytes(pos)
    end = data.index(b"\n", offset)
    return _parse(data[offset:end].decode("latin-1"), pos)


def senses(lemma: str, pos: str) -> list[Synset]:
    entry = index_entry(lemma.lower().replace(" ", "_"), pos)
    return [synset(pos, offset) for offset in entry.offsets] if entry else []


def first_sense(lemma: str, pos: str) -> int | None:
    """Offset of the lemma's most frequent sense, without parsing any synset."""
    entry = index_entry(lemma.lower().replace(" ", "_"), pos)
    return entry.offsets[0] if entry and entry.offsets else None


def related(syn: Synset, symbols: tuple[str, ...]) -> list[Synset]:
    # Satellite adjectives are stored with pos "s" in pointers; they live in data.adj.
    return [synset("a" if p.pos == "s" else p.pos, p.offset) for p in syn.pointers if p.symbol in symbols]


def hyponym_closure(root: Synset, max_depth: int = 6) -> list[Synset]:
    """Every synset below root (hyponyms and instances), breadth first, each once."""
    seen = {root.offset}
    order: list[Synset] = []
    frontier = [root]
    for _ in range(max_depth):
        nxt: list[Synset] = []
        for syn in frontier:
            for child in related(syn, ("~", "~i")):
                if child.offset not in seen:
                    seen.add(child.offset)
                    order.append(child)
                    nxt.append(child)
        frontier = nxt
    return order


@lru_cache(maxsize=8)
def lemmas_by_lexfile(pos: str, lexfiles: tuple[int, ...]) -> tuple[tuple[int, str], ...]:
    """(synset offset, lemma) for every lemma in the given lexicographer files, in file order.
    Parses only the head of each line: pointers are not needed and cost most of the time."""
    wanted = {f"{n:02d}" for n in lexfiles}
    out: list[tuple[int, str]] = []
    for line in _data_bytes(pos).decode("latin-1").splitlines():
        if not line or line.startswith(" "):
            continue
        head = line.split(" ", 4 + 2 * 32)  # enough fields for the words of any synset
        if head[1] not in wanted:
            continue
        count = int(head[3], 16)
        if count > 32:
            head = line.split(" ")
        offset = int(head[0])
        out.extend((offset, _MARKER.sub("", head[4 + 2 * i])) for i in range(count))
    return tuple(out)


def is_common(lemma: str, pos: str) -> bool:
    """Seen at least once in WordNet's sense-tagged corpus: a cheap filter against rare junk."""
    entry = index_entry(lemma, pos)
    return entry is not None and entry.tagged_senses > 0
