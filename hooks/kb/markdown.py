"""A Python-Markdown extension for text written by people we do not know.

- Raw HTML is text: ``<script>``, ``<img onerror=…>`` or a ``<work>`` token
  in prose is shown as written, never passed through as markup.
- Bare URLs become links, also glued to the text before them
  (``Representationshttps://…``) or followed by full-width punctuation
  (``…/1717571699720483023。``): the link is exactly the URL.
- Links and images keep only safe URL schemes; images load lazily; links
  to other sites get ``rel="noopener"``.

Enable it as ``kb.markdown`` in ``markdown_extensions``.
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

_SAFE_SCHEMES = {"", "http", "https", "mailto"}
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+")


def is_safe_url(url: str) -> bool:
    """Whether a link target is harmless: relative, http(s) or mailto.

    Browsers decode character references, ignore control and invisible
    characters in a scheme (``java&#x09;script:``) and read schemes
    case-insensitively, so all three are undone before the check.
    """
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


class SafeLinksProcessor(Treeprocessor):
    def run(self, root: Element) -> None:
        for element in root.iter():
            if element.tag == "a" and "href" in element.attrib:
                if not is_safe_url(element.get("href")):
                    del element.attrib["href"]
                elif urlsplit(element.get("href")).scheme in ("http", "https"):
                    element.set("rel", "noopener")
            elif element.tag == "img":
                if not is_safe_url(element.get("src", "")):
                    element.set("src", "")
                element.set("loading", "lazy")
                element.set("decoding", "async")


class KnowledgeBaseExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown API)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        # Where inline HTML was recognised: its pattern, now producing text.
        md.inlinePatterns.register(RawHtmlProcessor(RAW_HTML, md), "kb_raw_html", 90)
        # Below autolinks (120) and automail (110), above line breaks (100):
        # code spans and explicit links claim their URLs first.
        md.inlinePatterns.register(BareUrlProcessor(BARE_URL, md), "kb_bare_url", 105)
        # Late, after attr_list and every other tree change has set attributes.
        md.treeprocessors.register(SafeLinksProcessor(md), "kb_safe_links", 0)


def makeExtension(**kwargs) -> KnowledgeBaseExtension:  # noqa: N802 (Python-Markdown API)
    return KnowledgeBaseExtension(**kwargs)
