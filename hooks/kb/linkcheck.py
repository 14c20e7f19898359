"""Every internal link and anchor of a built site resolves: ``python -m kb.linkcheck SITE``.

Reads the HTML files of the site as a browser would resolve their links:
relative paths, and absolute paths under the path of ``site_url``
(``--base /llm-notes/``). Links to other hosts are not followed.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

# xlink:href: the links of the graph's drawings (kb.graph).
_LINKING = frozenset(
    {
        ("a", "href"),
        ("a", "xlink:href"),
        ("link", "href"),
        ("img", "src"),
        ("script", "src"),
    }
)


@dataclass(frozen=True)
class BrokenLink:
    page: str
    href: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.href}: {self.reason}"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name in ("id", "name"):
            if attributes.get(name):
                self.ids.add(attributes[name])
        # rel=alternate/canonical name this page's other URLs: absolute, not files here.
        followed = not (tag == "link" and attributes.get("rel") in ("alternate", "canonical"))
        for element, attribute in _LINKING:
            if tag == element and attributes.get(attribute) is not None and followed:
                self.links.append(attributes[attribute])


def check(site: Path, base: str = "/") -> list[BrokenLink]:
    """Every broken internal link or anchor in the HTML files below ``site``."""
    pages: dict[PurePosixPath, _Page] = {}
    for path in sorted(site.rglob("*.html")):
        parsed = _Page()
        parsed.feed(path.read_text(encoding="utf-8"))
        pages[PurePosixPath(path.relative_to(site).as_posix())] = parsed
    broken = []
    for page_path, page in pages.items():
        for href in page.links:
            problem = _resolve(site, pages, page_path, href, base)
            if problem:
                broken.append(BrokenLink(page_path.as_posix(), href, problem))
    return broken


def _resolve(site: Path, pages: dict, page: PurePosixPath, href: str, base: str) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "data:", "javascript:")):
        return None
    path = unquote(parts.path)
    if not path:
        target = page
    elif path.startswith("/"):
        if not path.startswith(base):
            return f"absolute path outside {base}"
        target = PurePosixPath(path[len(base) :])
    else:
        target = PurePosixPath(_normalise(page.parent.as_posix(), path))
    if (site / target).is_dir():
        target = target / "index.html"
    if not (site / target).exists():
        return "no such file"
    if parts.fragment and target.suffix == ".html":
        fragment = unquote(parts.fragment)
        if fragment not in pages[target].ids:
            return f"no anchor #{fragment}"
    return None


def _normalise(folder: str, relative: str) -> str:
    parts: list[str] = [] if folder in ("", ".") else folder.split("/")
    for part in relative.split("/"):
        if part == "..":
            if not parts:
                return "../" + relative
            parts.pop()
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kb.linkcheck", description=__doc__.split("\n")[0]
    )
    parser.add_argument("site", type=Path, help="the built site, e.g. site/")
    parser.add_argument("--base", default="/", help="the path of site_url, e.g. /llm-notes/")
    arguments = parser.parse_args(argv)
    broken = check(arguments.site, arguments.base)
    for link in broken:
        print(link)
    pages = sum(1 for _ in arguments.site.rglob("*.html"))
    print(f"{pages} pages checked, {len(broken)} broken links", file=sys.stderr)
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
