"""Writing Markdown for Python-Markdown and Material, for every page renderer.

Data text made literal (:func:`escape`), a line's plain text, headings
whose anchor and table-of-contents label no title can break, blocks whose
fence no content can close, and the markers the MkDocs layer fills in once
the pages are rendered.
"""

from __future__ import annotations

import functools
import re

from markdown_it import MarkdownIt

from . import excerpt
from .markup import TITLE_END, heading_marker

TOC_LABEL_LENGTH = 32
_SLASH_RUN = re.compile(r"^\s*(/{3,})")
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]<>#|!]")
_inline_parser = MarkdownIt("commonmark")


GRAPH_MARKER = "KB-GRAPH:"
"""Where a graph's drawing goes (the whole archive's, or ``KB-GRAPH:<node id>``'s)."""


DISCUSSED_IN = "KB-DISCUSSED-IN:"
"""Marks where a term's "discussed in" list goes, once every page is rendered."""


# Titles are shown on many pages (navigation, related topics, the timeline):
# each is parsed once. Keyed on the text itself, an edited title is a new key.
@functools.lru_cache(maxsize=8192)
def plain_text(markdown: str) -> str:
    """The text a reader sees of one line of inline Markdown."""
    tokens = _inline_parser.parseInline(markdown)
    parts: list[str] = []
    for token in tokens:
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return "".join(parts).strip()


def escape(text: str) -> str:
    """Data text as literal Markdown: ``A* decoding`` must not start emphasis."""
    return _MARKDOWN_SPECIAL.sub(r"\\\g<0>", text)


def shorten(text: str, length: int = TOC_LABEL_LENGTH) -> str:
    """``text``, or its start cut where a reader would pause, never inside a
    word (the table of contents showed "how O…"): :func:`kb.excerpt.shorten`."""
    return excerpt.shorten(text, length)


# The glossary, the paper index and the tag index name every term, paper and
# tag: a search for one should list the discussions of it first, and the
# reference entry after.
REFERENCE_PAGE = ("---", "search:", "  boost: 0.5", "---", "")
# The pages that only list where something is discussed: a search should
# find the glossary, the paper index and the topics, not a list of them.
LIST_OF_PLACES = ("---", "search:", "  exclude: true", "---", "")
# Material's search leaves out a section under a heading with this attribute,
# and a block with it: lists of other pages' titles, where a search for those
# titles should not land.
NOT_SEARCHED = "data-search-exclude"
# Material shows a preview of the linked page on hover or focus for a link
# with this attribute: the topic links of the lists of related, mentioning
# and discussing topics and of the graph. Only those, not every link
# (navigation.instant.preview): a glossary term's link keeps its definition
# as its tooltip, which a preview would replace.
PREVIEW = "data-preview"


def yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def notice(title: str, text: str) -> list[str]:
    """A notice at the top of a page, kept out of search: a result shows the
    topic's own words, not the notice (Material's data-search-exclude)."""
    return [
        "/// html | div.kb-notice[data-search-exclude]",
        "",
        f'!!! warning "{title}"',
        "",
        "    " + text,
        "",
        "///",
        "",
    ]


def heading(level: int, text: str, anchor: str, label: str) -> str:
    """A heading whose anchor and table-of-contents label no title can break.

    The label holds nothing an inline pattern (a bare URL, emphasis, code,
    HTML) would turn into markup, so the marker stays one run of text.
    """
    marker = heading_marker(anchor, toc_label(label) if label else "")
    return f"{'#' * min(level, 6)} {marker}{text}{TITLE_END}"


_URL_IN_LABEL = re.compile(r"(?i)\b(?:https?|ftp)://(?:www\.)?([^/\s?#]*)[^\s]*")
_TOC_UNSAFE = re.compile(r"[\\`*_{}\[\]<>#|!\"~^$&]+")


def toc_label(text: str) -> str:
    """A short plain label: a URL as its host, no Markdown characters."""
    text = _TOC_UNSAFE.sub(" ", _URL_IN_LABEL.sub(r"\1", text))
    return shorten(re.sub(r"\s+", " ", text).strip()) or "…"


def html_block(selector: str, content: list[str]) -> list[str]:
    """A ``pymdownx.blocks.html`` container whose fence no content line can close.

    Nested containers come out right by themselves: the inner fences are
    content lines of the outer one, which therefore gets a longer fence.
    """
    longest = max(
        (len(match.group(1)) for line in content if (match := _SLASH_RUN.match(line))), default=2
    )
    fence = "/" * (longest + 1)
    return [f"{fence} html | {selector}", "", *content, fence, ""]


def join_lines(lines: list[str]) -> str:
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
