"""Fill in paper metadata from the arXiv API: ``python -m kb.arxiv fetch ID [ID …]``.

Run by a contributor when the build reports a cited paper without metadata
(KB501). It asks export.arxiv.org for the papers' titles, authors and years
and appends them to ``data/papers.yml`` (marked unverified, for a
maintainer to check venue and aliases). The site build never touches the
network.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

from .papers import arxiv_id, parse_papers

API = "https://export.arxiv.org/api/query"
_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"


def parse_feed(xml: str) -> list[dict]:
    """Papers in an arXiv API (Atom) response: id, title, authors, year."""
    root = ElementTree.fromstring(xml)
    papers = []
    for entry in root.iter(f"{_ATOM}entry"):
        identifier = arxiv_id(entry.findtext(f"{_ATOM}id", "").replace("http://", "https://"))
        title = entry.findtext(f"{_ATOM}title", "")
        if identifier is None or not title.strip() or title.strip() == "Error":
            continue
        papers.append(
            {
                "id": identifier,
                "title": re.sub(r"\s+", " ", title).strip(),
                "authors": [
                    re.sub(r"\s+", " ", author.findtext(f"{_ATOM}name", "")).strip()
                    for author in entry.iter(f"{_ATOM}author")
                ],
                "year": int(entry.findtext(f"{_ATOM}published", "0")[:4]),
                "venue": (entry.findtext(f"{_ARXIV}journal_ref") or "").strip(),
            }
        )
    return papers


def entry_yaml(paper: dict) -> str:
    """One ``data/papers.yml`` entry, in the file's own layout."""

    def quoted(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    lines = [
        f"- id: {quoted(paper['id'])}",
        f"  title: {quoted(paper['title'])}",
        f"  authors: [{', '.join(quoted(author) for author in paper['authors'])}]",
        f"  year: {paper['year']}",
    ]
    if paper.get("venue"):
        lines.append(f"  venue: {quoted(paper['venue'])}")
    lines += [
        "  aliases:",
        "    en: []",
        "    zh: []",
        "  verified: false",
        f"  source: {quoted(f'arXiv API, {API}?id_list=' + paper['id'])}",
    ]
    return "\n".join(lines) + "\n"


def fetch(ids: list[str], data: Path, get: Callable[[str], str]) -> list[str]:
    """Append the papers of ``ids`` missing from ``data``; the ids appended."""
    text = data.read_text(encoding="utf-8") if data.exists() else ""
    known = {paper.id for paper in parse_papers(text, str(data))[0]}
    wanted = [arxiv_id(i) or i for i in ids]
    missing = [i for i in dict.fromkeys(wanted) if i not in known]
    if not missing:
        return []
    query = urllib.parse.urlencode({"id_list": ",".join(missing), "max_results": len(missing)})
    url = f"{API}?{query}"
    found = [paper for paper in parse_feed(get(url)) if paper["id"] in missing]
    if found:
        separator = "" if not text or text.endswith("\n") else "\n"
        data.write_text(text + separator + "".join(entry_yaml(p) for p in found), encoding="utf-8")
    return [paper["id"] for paper in found]


def _download(url: str) -> str:
    request = urllib.request.Request(url, headers={"User-Agent": "llm-notes (kb.arxiv)"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.arxiv", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fetch_command = commands.add_parser("fetch", help="append papers to the data file")
    fetch_command.add_argument("ids", nargs="+", help="arXiv ids or links")
    fetch_command.add_argument("--data", type=Path, default=Path("data/papers.yml"))
    arguments = parser.parse_args(argv)
    added = fetch(arguments.ids, arguments.data, _download)
    for paper_id in added:
        print(f"{arguments.data}: added {paper_id}; check its title, venue and aliases")
    missing = set(arxiv_id(i) or i for i in arguments.ids) - set(added)
    for paper_id in sorted(missing):
        print(f"{paper_id}: already in {arguments.data} or unknown to arXiv", file=sys.stderr)
    return 0 if added or not missing else 1


if __name__ == "__main__":
    raise SystemExit(main())
