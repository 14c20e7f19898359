"""A Content Security Policy every page carries in a ``<meta>`` element.

GitHub Pages sets no headers of a site's choosing, so the policy travels in
the page. It allows the site's own scripts and, by their SHA-256 hashes, the
inline scripts Material writes into each page (they differ by page depth,
so the hashes are computed page by page); no other script runs, whatever a
note contains. Styles may be inline (Material sets some from its script);
images come from the site alone: a note's image on another host is a link
to it (kb.linking.ExternalImages), never loaded with the page.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from html.parser import HTMLParser

MARKER = '<meta name="kb-csp">'
POLICY = (
    "default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self'; object-src 'none'; frame-src 'none'; base-uri 'self'; "
    "form-action 'self'"
)


class MissingMarkerError(RuntimeError):
    """The page was not rendered from overrides/main.html."""


class _ScriptTag(HTMLParser):
    """The attributes of one ``<script …>`` start tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.attributes: dict[str, str | None] = {}

    def handle_starttag(self, tag, attrs):
        self.attributes = dict(attrs)


def inline_scripts(html: str) -> list[str]:
    """The bodies of the page's inline scripts, JSON data blocks left out.

    Parsing the whole page with :class:`HTMLParser` costs more than the rest
    of a page's build; only the script elements matter here. A script's body
    ends at the first ``</script`` (the HTML rule for script data), and no
    ``<script`` can come from a note, where ``<`` is always escaped.
    """
    scripts = []
    start = html.find("<script")
    while start >= 0:
        tag_end = html.find(">", start)
        close = html.find("</script", tag_end)
        if tag_end < 0 or close < 0:
            break
        if _runs_inline_code(html[start : tag_end + 1]):
            scripts.append(html[tag_end + 1 : close])
        start = html.find("<script", close)
    return scripts


@functools.lru_cache(maxsize=256)
def _runs_inline_code(start_tag: str) -> bool:
    # Every page has the same few script tags; each is parsed once.
    tag = _ScriptTag()
    tag.feed(start_tag)
    kind = (tag.attributes.get("type") or "text/javascript").lower()
    return "src" not in tag.attributes and "json" not in kind


@functools.lru_cache(maxsize=256)
def _digest(script: str) -> str:
    # Pages repeat the same few scripts; the cache is keyed on their text.
    digest = hashlib.sha256(script.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_script_hashes(html: str) -> list[str]:
    return sorted({_digest(script) for script in inline_scripts(html)})


def apply(html: str) -> str:
    """``html`` with its policy in place of the marker the template left."""
    if html.count(MARKER) != 1:
        raise MissingMarkerError(f"expected one {MARKER} in the page")
    policy = POLICY.format(hashes=" ".join(inline_script_hashes(html)))
    return html.replace(MARKER, f'<meta http-equiv="Content-Security-Policy" content="{policy}">')
