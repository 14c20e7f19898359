"""Compare two builds of the site, as a reader would: the same pages, and on
each page the same article text and the same links.

Used to check the site on MkDocs' successors (README, "When Material 9 ends")::

    python -m mkdocs build -d /tmp/site-mkdocs
    python -m properdocs build -d /tmp/site-properdocs
    python scripts/compare_sites.py /tmp/site-mkdocs /tmp/site-properdocs

Prints every difference, page by page, and exits 1 if there is any. Files
that are not pages are compared by name only: a file one build has and the
other not is a difference, except Material's bundles, whose names carry a
hash of their content and change with every Material release (MkDocs-NG's
Material fork is another release): those are listed apart, as a note.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class Reading:
    """What a reader gets from one page: its title, its article's text and links."""

    title: str = ""
    text: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.reading = Reading()
        self._article_depth = 0  # > 0 inside Material's <article>
        self._in_title = False
        self._skipped = 0  # > 0 inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self._in_title = True
        elif tag in ("script", "style"):
            self._skipped += 1
        self._article_depth += tag == "article"
        if tag == "a" and self._article_depth and (href := dict(attrs).get("href")):
            self.reading.links.append(href)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag in ("script", "style"):
            self._skipped -= 1
        self._article_depth -= tag == "article"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.reading.title += data
        elif self._article_depth and not self._skipped and data.strip():
            self.reading.text.append(" ".join(data.split()))


def read_page(html: str) -> Reading:
    """The title, the article's text (whitespace collapsed) and its links, in order."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.reading


# Material's bundled scripts and styles, named by a hash of their content.
_MATERIAL_BUNDLE = re.compile(
    r"assets/(?:javascripts|stylesheets)/(?:workers/)?\w+\.[0-9a-f]{8}\.min\.(?:js|css)(?:\.map)?"
)


def _files(site: Path) -> set[str]:
    return {path.relative_to(site).as_posix() for path in site.rglob("*") if path.is_file()}


def bundles_apart(first: Path, second: Path) -> list[str]:
    """Material's bundles one build has and the other not (another Material release)."""
    one, other = _files(first), _files(second)
    return sorted(name for name in one ^ other if _MATERIAL_BUNDLE.fullmatch(name))


def compare(first: Path, second: Path) -> list[str]:
    """Every difference a reader would notice between two built sites, one line each."""
    first_files, second_files = _files(first), _files(second)
    differences = [
        f"only in {site}: {name}"
        for site, names in (
            (first, first_files - second_files),
            (second, second_files - first_files),
        )
        for name in sorted(names)
        if not _MATERIAL_BUNDLE.fullmatch(name)
    ]
    for name in sorted(first_files & second_files):
        if not name.endswith(".html"):
            continue
        one = read_page((first / name).read_text(encoding="utf-8"))
        other = read_page((second / name).read_text(encoding="utf-8"))
        if one.title != other.title:
            differences.append(f"{name}: title {one.title!r} ≠ {other.title!r}")
        for part in ("text", "links"):
            mine, theirs = getattr(one, part), getattr(other, part)
            if mine != theirs:
                diff = [
                    line
                    for line in difflib.unified_diff(mine, theirs, lineterm="", n=0)
                    if line[:1] in "+-" and line[:3] not in ("+++", "---")
                ]
                differences.append(f"{name}: {part} differs: " + " | ".join(diff[:6]))
    return differences


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("first", type=Path, help="a built site (e.g. MkDocs')")
    parser.add_argument("second", type=Path, help="the same site built by another engine")
    args = parser.parse_args(argv)
    for site in (args.first, args.second):
        if not (site / "index.html").is_file():
            parser.error(f"{site}: no index.html, not a built site")
    differences = compare(args.first, args.second)
    pages = sum(1 for _ in args.first.rglob("*.html"))
    for line in differences:
        print(line)
    if bundles := bundles_apart(args.first, args.second):
        print(f"note: {len(bundles)} of Material's bundles differ by name (another release)")
    print(f"{pages} pages in {args.first}; {len(differences)} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
