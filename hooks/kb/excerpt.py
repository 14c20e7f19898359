"""A topic's excerpt: the first sentence of its opening post, as plain text.

Where a topic has no summary in the site's own words, its excerpt stands in,
marked as an excerpt wherever it is shown. It is the first prose a reader
meets on the topic's page, in source order: a paragraph, the first item of
a list, a question's text, a quotation. The Markdown around it (list
markers, emphasis, link targets) is not text, nor is a bare URL. The
excerpt ends at the first sentence end outside brackets and quotation marks;
one too long is cut at its last clause boundary outside them, with an
ellipsis. It is never cut inside brackets or a citation, and it is always
the digest's own words, from their start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from types import MappingProxyType

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .model import Chunk, Node, Thread, Turn, walk
from .urls import BARE_URL

LENGTH = 90
"""The longest excerpt, in characters, its ellipsis included."""

_parser = MarkdownIt("commonmark")
# Blocks that are not prose: code, tables, raw HTML (shown as text), rules.
_NOT_PROSE = frozenset({"fence", "code_block", "html_block", "table", "hr"})
_OPENERS = "（([【「『《“‘"
_CLOSERS = "）)]】」』》”’"
_OPENER_OF = MappingProxyType(dict(zip(_CLOSERS, _OPENERS, strict=True)))
# Always a sentence end; or one when a space follows.
_ENDS = "。！？!?"
_ENDS_BEFORE_SPACE = ".;；"
_CLAUSE_ENDS = "，,；;：:、"
# An English sentence does not end after these: "et al.", "e.g.", "Fig. 3".
_ABBREVIATIONS = frozenset({"al", "e.g", "i.e", "etc", "vs", "fig", "eq", "no", "cf", "dr", "mr"})
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
# A space before a URL goes with it, so that none is left doubled.
_URL_IN_TEXT = re.compile(rf"\s?(?:{BARE_URL})", re.IGNORECASE)
_EMPTY_BRACKETS = re.compile(r"\s*[（(]\s*[）)]")
_LEADING = " ：:，,;；、-–—"


def opening(body: tuple[Node, ...], length: int = LENGTH) -> str:
    """The first sentence of the first prose in ``body``, at most ``length`` long."""
    for text in _prose(body):
        plain = _EMPTY_BRACKETS.sub("", _URL_IN_TEXT.sub("", text)).strip().lstrip(_LEADING)
        if plain:
            return shorten(first_sentence(plain), length)
    return ""


def first_sentence(text: str) -> str:
    """``text`` up to its first sentence end outside brackets and quotation marks."""
    for index, char in _outside_brackets(text):
        if char is None:
            continue
        if char in _ENDS or (
            char in _ENDS_BEFORE_SPACE
            and index + 1 < len(text)
            and text[index + 1].isspace()
            and not _after_abbreviation(text, index)
        ):
            return text[: index + 1]
    return text


def shorten(text: str, length: int = LENGTH) -> str:
    """``text``, or its start with an ellipsis, cut where a reader would pause:
    the last clause boundary outside brackets, else the last space outside
    them, else before the bracket the cut would fall in (cut inside only
    when the text opens with it)."""
    if len(text) <= length:
        return text
    room = length - 1  # for the ellipsis
    shortest = length // 3
    clause = space = bracket = 0
    inside = False
    for index, char in _outside_brackets(text[: room + 1]):
        inside = char is None
        if char is None:
            bracket = index
        elif char in _CLAUSE_ENDS or char in _ENDS:
            clause = index
        elif char.isspace():
            space = index
    if clause >= shortest:
        cut = clause
    elif space >= shortest:
        cut = space
    elif inside and bracket > 0:
        cut = bracket  # short, but whole
    else:
        cut = room
    return text[:cut].rstrip(_LEADING) + "…"


def _outside_brackets(text: str) -> Iterator[tuple[int, str | None]]:
    """``(index, character)`` for each character outside brackets and
    quotation marks (a closing one included); ``(index, None)`` where one opens."""
    open_brackets: list[str] = []
    for index, char in enumerate(text):
        if char in _OPENERS:
            if not open_brackets:
                yield index, None
            open_brackets.append(char)
        elif char in _OPENER_OF and open_brackets:
            if open_brackets[-1] == _OPENER_OF[char]:
                open_brackets.pop()
                if not open_brackets:
                    yield index, char
        elif not open_brackets:
            yield index, char


def _after_abbreviation(text: str, index: int) -> bool:
    """Whether the ``.`` at ``index`` ends an abbreviation or an initial ("J.")."""
    if text[index] != ".":
        return False
    word = _WORD_BEFORE.search(text[:index])
    if word is None:
        return False
    return word[1].lower() in _ABBREVIATIONS or (len(word[1]) == 1 and word[1].isupper())


def _prose(body: tuple[Node, ...]) -> Iterator[str]:
    """The text of each block of prose in ``body``, in source order."""
    for node in walk(body):
        if isinstance(node, Thread) and node.title:
            yield from _inline_texts(_parser.parse(node.title))
        elif isinstance(node, Turn):
            for chunk in node.chunks:
                yield from _chunk_texts(chunk)


def _chunk_texts(chunk: Chunk) -> Iterator[str]:
    if chunk.kind in _NOT_PROSE:
        return
    yield from _inline_texts(_parser.parse("\n".join(chunk.lines)))


def _inline_texts(tokens: list[Token]) -> Iterator[str]:
    """Each inline block's text: a paragraph, a list item, a heading."""
    for token in tokens:
        if token.type != "inline":
            continue
        parts = []
        for child in token.children or ():
            # Raw HTML in a note is text, as everywhere on the site.
            if child.type in ("text", "code_inline", "html_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
        yield "".join(parts)
