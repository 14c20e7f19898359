"""The language a note is written in, read from its prose.

Headings are what a reader navigates by, but they say little about the
note: ``compression.md`` has English headings over Chinese bullets, and a
Chinese digest heads its topics with English jargon (``Paper: DPO``). The
prose decides: speaker turns, paragraphs, list items and quotations, not
headings, code, raw HTML, addresses or the text of links. Chinese is
counted in words as English is: a Chinese word is about 1.5 characters
long (:data:`HAN_CHARACTERS_PER_WORD`), so 300 Han characters weigh as 200
English words. A note in mixed languages takes the one most of its prose is
in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Digest, Turn, walk
from .urls import BARE_URL

HAN_CHARACTERS_PER_WORD = 1.5
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")  # a Han character
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# Blocks that are not prose: code, raw HTML, tables of figures.
_NOT_PROSE = frozenset({"fence", "code_block", "html_block", "table"})
# Inline parts that are not prose: code spans, links (a paper's title in
# its own language), images, addresses.
_NOT_PROSE_INLINE = re.compile(r"`[^`]*`|!?\[[^\]]*\]\([^)]*\)|" + BARE_URL)


@dataclass(frozen=True)
class ProseLanguage:
    """What a note's prose is written in, and how much of it in each."""

    language: str
    han_words: float
    latin_words: int

    @property
    def share(self) -> float:
        """The part of the prose, in words, written in :attr:`language`'s script."""
        total = self.han_words + self.latin_words
        if not total:
            return 0.0
        return (self.latin_words if self.han_words < self.latin_words else self.han_words) / total

    def describe(self) -> str:
        return (
            f"{self.share:.0%} of its prose is in '{self.language}' "
            f"({round(self.han_words * HAN_CHARACTERS_PER_WORD)} Han characters, "
            f"{self.latin_words} words in Latin letters)"
        )


def prose_language(digest: Digest, han: str = "zh", latin: str = "en") -> ProseLanguage | None:
    """``han`` or ``latin``, whichever most of ``digest``'s prose is in; ``None``
    for a note without prose (its headings decide)."""
    han_characters = latin_words = 0
    for text in _prose(digest):
        text = _NOT_PROSE_INLINE.sub(" ", text)
        han_characters += len(HAN.findall(text))
        latin_words += len(_LATIN_WORD.findall(text))
    han_words = han_characters / HAN_CHARACTERS_PER_WORD
    if not han_words and not latin_words:
        return None
    return ProseLanguage(han if han_words >= latin_words else latin, han_words, latin_words)


def _prose(digest: Digest):
    chunks = list(digest.preamble)
    for topic in digest.topics:
        chunks += [
            chunk
            for node in walk(topic.body)
            if isinstance(node, Turn)
            for chunk in node.chunks
            if not chunk.translator_note
        ]
    for chunk in chunks:
        if chunk.kind not in _NOT_PROSE:
            yield from chunk.lines
