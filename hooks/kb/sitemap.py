"""One sitemap from the sitemaps each language's build writes."""

from __future__ import annotations

CLOSING = "</urlset>"


class NotASitemapError(ValueError):
    """The text has no ``<urlset …>`` … ``</urlset>``."""


def merge(sitemaps: list[str]) -> str:
    """The first sitemap with the ``<url>`` entries of the others appended, in order.

    The sitemaps come from the same template (mkdocs-static-i18n's), so the
    entries are spliced as text between its ``<urlset>`` tags.
    """
    first, *others = sitemaps
    head, tail = _split(first)
    # Each body starts on the line after its <urlset>; head ends with one.
    bodies = [_split(other)[0][_body_start(other) :].lstrip("\n") for other in others]
    return head + "".join(bodies) + tail


def _split(sitemap: str) -> tuple[str, str]:
    end = sitemap.rfind(CLOSING)
    if end < 0 or _body_start(sitemap) < 0:
        raise NotASitemapError("expected a <urlset> … </urlset> sitemap")
    return sitemap[:end], sitemap[end:]


def _body_start(sitemap: str) -> int:
    start = sitemap.find("<urlset")
    return -1 if start < 0 else sitemap.find(">", start) + 1
