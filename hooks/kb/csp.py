"""A Content Security Policy every page carries in a ``<meta>`` element.

GitHub Pages sets no headers of a site's choosing, so the policy travels in
the page. It allows the site's own scripts and, by their SHA-256 hashes, the
inline scripts Material writes into each page (they differ by page depth,
so the hashes are computed page by page); no other script runs, whatever a
note contains. Styles may be inline (Material sets some from its script);
images may come from any HTTPS host, since notes embed remote figures.
"""

from __future__ import annotations

import base64
import hashlib
from html.parser import HTMLParser

MARKER = '<meta name="kb-csp">'
POLICY = (
    "default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' https: data:; font-src 'self' data:; connect-src 'self'; "
    "worker-src 'self'; object-src 'none'; frame-src 'none'; base-uri 'self'; "
    "form-action 'self'"
)


class MissingMarkerError(RuntimeError):
    """The page was not rendered from overrides/main.html."""


class _InlineScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        kind = (attributes.get("type") or "text/javascript").lower()
        self._inside = tag == "script" and "src" not in attributes and "json" not in kind
        if self._inside:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inside = False

    def handle_data(self, data):
        if self._inside:
            self.scripts[-1] += data


def inline_script_hashes(html: str) -> list[str]:
    parser = _InlineScripts()
    parser.feed(html)
    digests = (hashlib.sha256(script.encode("utf-8")).digest() for script in parser.scripts)
    return sorted({f"'sha256-{base64.b64encode(d).decode('ascii')}'" for d in digests})


def apply(html: str) -> str:
    """``html`` with its policy in place of the marker the template left."""
    if html.count(MARKER) != 1:
        raise MissingMarkerError(f"expected one {MARKER} in the page")
    policy = POLICY.format(hashes=" ".join(inline_script_hashes(html)))
    return html.replace(MARKER, f'<meta http-equiv="Content-Security-Policy" content="{policy}">')
