"""A Python-Markdown extension for text written by people we do not know.

- Raw HTML is text: ``<script>``, ``<img onerror=…>`` or a ``<work>`` token
  in prose is shown as written, never passed through as markup.
- Bare URLs become links, also glued to the text before them
  (``Representationshttps://…``) or followed by full-width punctuation
  (``…/1717571699720483023。``): the link is exactly the URL.
- Links and images keep only safe URL schemes; images load lazily; links
  to other sites get ``rel="noopener"``.

Enable it as ``kb.markup`` in ``markdown_extensions``.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import HTML_RE, InlineProcessor
from markdown.treeprocessors import Treeprocessor

from .urls import BARE_URL, trim_url

_SAFE_SCHEMES = frozenset({"", "http", "https", "mailto"})
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+")


def is_safe_url(url: str) -> bool:
    """Whether a link target is harmless: relative, http(s) or mailto.

    Browsers decode character references, ignore control and invisible
    characters in a scheme (``java&#x09;script:``) and read schemes
    case-insensitively, so all three are undone before the check.
    """
    if ":" not in url and "&" not in url:
        return True  # no scheme, not even one spelt with a character reference
    cleaned = url
    while (unescaped := html.unescape(cleaned)) != cleaned:
        cleaned = unescaped
    cleaned = _INVISIBLE.sub("", cleaned).lower()
    try:
        scheme = urlsplit(cleaned).scheme
    except ValueError:
        return False
    return scheme in _SAFE_SCHEMES


# An element with its content on one line (``<b>RAG</b>``), else a lone tag or
# comment as Python-Markdown recognises them.
RAW_HTML = r"<([a-zA-Z][\w:-]*)(?:\s[^<>]*)?>[^<>\n]*</\1\s*>|" + HTML_RE


class RawHtmlProcessor(InlineProcessor):
    """Inline HTML as marked text: shown as written, and left alone by later steps."""

    def handleMatch(self, match: re.Match, data: str):  # noqa: N802 (Python-Markdown API)
        span = Element("span", {"class": "kb-raw"})
        span.text = match.group(0)
        return span, match.start(0), match.end(0)


class BareUrlProcessor(InlineProcessor):
    ANCESTOR_EXCLUDES = ("a",)

    def handleMatch(self, match: re.Match, data: str):  # noqa: N802 (Python-Markdown API)
        url = trim_url(match.group(0))
        if len(url) <= len("https://"):
            return None, None, None
        link = Element("a", {"href": url})
        link.text = url
        return link, match.start(0), match.start(0) + len(url)


# What Python-Markdown, pymdown-extensions and this project produce. Anything
# else (``/// html | script`` in a note, say) keeps its text but not its tag.
ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "code",
        "col",
        "colgroup",
        "dd",
        "del",
        "details",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "input",
        "ins",
        "kbd",
        "label",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
_BLOCK_TAGS = frozenset({"div", "p", "pre", "table", "ul", "ol", "blockquote", "details"})
_URL_ATTRIBUTES = (
    "href",
    "src",
    "action",
    "formaction",
    "xlink:href",
    "poster",
    "cite",
    "background",
    "data",
    "srcset",
)
_DANGEROUS_ATTRIBUTES = ("style", "srcdoc")


class SanitizingProcessor(Treeprocessor):
    """The last word on every element: known tags, no scripts, safe URLs.

    Attribute lists (``{: onclick=… }``) and generic blocks (``/// html |
    iframe``) would otherwise let a note add event handlers, styles or
    elements of its own.
    """

    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag not in ALLOWED_TAGS and element is not root:
                text_only = element.tag in ("script", "style", "iframe", "object", "embed")
                element.tag = "div" if text_only or element.tag in _BLOCK_TAGS else "span"
                element.attrib = {"class": "kb-raw"}
            for name in list(element.attrib):
                lowered = name.lower()
                if lowered.startswith("on") or lowered in _DANGEROUS_ATTRIBUTES:
                    del element.attrib[name]
                elif lowered in _URL_ATTRIBUTES and not is_safe_url(element.get(name)):
                    if element.tag == "img" and lowered == "src":
                        element.set("src", "")
                    else:
                        del element.attrib[name]
            if element.tag == "a" and "href" in element.attrib:
                if urlsplit(element.get("href")).scheme in ("http", "https"):
                    element.set("rel", "noopener")
            elif element.tag == "img":
                element.set("loading", "lazy")
                element.set("decoding", "async")


HEADING_MARK, HEADING_SEPARATOR, HEADING_END = "\ue000", "\ue001", "\ue002"
"""Private-use characters around the anchor and label that :func:`heading_marker` writes."""
TITLE_END = "\ue003"
"""Ends a generated heading: a title's own ``{…}`` or ``\\`` is then never its last text."""
_HEADING = re.compile(
    f"^{HEADING_MARK}(?P<anchor>[^{HEADING_SEPARATOR}]*){HEADING_SEPARATOR}"
    f"(?P<label>[^{HEADING_END}]*){HEADING_END} ?"
)


def heading_marker(anchor: str, label: str = "") -> str:
    """What starts a generated heading to give it ``anchor`` and a toc ``label``.

    An attribute list must be the last text of a heading, where a note's own
    title can break it (``[](`` opens a link that swallows it) or be taken
    for one (``{1}``); nothing in the title comes before this marker, and
    :data:`TITLE_END` after the title keeps its braces text.
    """
    return f"{HEADING_MARK}{anchor}{HEADING_SEPARATOR}{label}{HEADING_END} "


_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})


class HeadingIdProcessor(Treeprocessor):
    """Sets the anchor and toc label of headings that start with a marker."""

    def run(self, root: Element) -> None:
        for element in root.iter():
            match = _HEADING.match(element.text or "") if element.tag in _HEADINGS else None
            if match is None:
                continue
            element.text = element.text[match.end() :]
            last = element[-1] if len(element) else None
            if last is not None and (last.tail or "").endswith(TITLE_END):
                last.tail = last.tail.removesuffix(TITLE_END)
            else:
                element.text = element.text.removesuffix(TITLE_END)
            element.set("id", match["anchor"])
            if match["label"]:
                element.set("data-toc-label", match["label"])


class KnowledgeBaseExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # Where inline HTML was recognised: its pattern, now producing text.
        md.inlinePatterns.register(RawHtmlProcessor(RAW_HTML, md), "kb_raw_html", 90)
        # Below autolinks (120) and automail (110), above line breaks (100):
        # code spans and explicit links claim their URLs first.
        md.inlinePatterns.register(BareUrlProcessor(BARE_URL, md), "kb_bare_url", 105)
        # Before the table of contents (5), which keeps the ids it finds.
        md.treeprocessors.register(HeadingIdProcessor(md), "kb_heading_ids", 7)
        # Last of all, after attr_list, the project's linkers and MkDocs' own
        # link resolution (0) have set every attribute.
        md.treeprocessors.register(SanitizingProcessor(md), "kb_sanitize", -10)


def makeExtension(**kwargs) -> KnowledgeBaseExtension:  # noqa: N802 (Python-Markdown API)
    return KnowledgeBaseExtension(**kwargs)
