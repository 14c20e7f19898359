"""Fill in paper metadata from the arXiv API: ``python -m kb.arxiv fetch ID [ID …]``.

Run by a contributor when the build reports a cited paper without metadata
(KB501), or with ``--missing`` for every such paper at once (the
pull-request workflow does, and shows what it would add in the job
summary). It asks the arXiv API (``KB_ARXIV_API``, export.arxiv.org by
default) for the papers' titles, authors and years, 50 ids a request and a
request every 3 seconds as arXiv asks, retrying with backoff, and appends
them to ``data/papers.yml`` (marked unverified, for a maintainer to check
venue and aliases). The site build never touches the network.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

from .lint import project_sources
from .papers import arxiv_id, parse_papers

API = "https://export.arxiv.org/api/query"
# arXiv's API terms: no more than one request every three seconds.
PAUSE = 3.0
BATCH = 50  # ids a request


class ArxivUnreachableError(RuntimeError):
    """The arXiv API could not be asked, or did not answer with its feed."""


def api() -> str:
    """The API's address: ``KB_ARXIV_API``, else arXiv's own."""
    return os.environ.get("KB_ARXIV_API") or API


_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"


def parse_feed(xml: str) -> list[dict]:
    """Papers in an arXiv API (Atom) response: id, title, authors, year.
    Anything else than an Atom feed is a ``ValueError``."""
    root = ElementTree.fromstring(xml)
    if root.tag != f"{_ATOM}feed":
        raise ValueError(f"a <{root.tag}> document, not an Atom feed")
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


def fetch(
    ids: list[str],
    data: Path,
    get: Callable[[str], str],
    pause: Callable[[float], None] = time.sleep,
) -> list[str]:
    """Append the papers of ``ids`` missing from ``data``; the ids appended.

    ``BATCH`` ids a request, ``PAUSE`` seconds between requests."""
    text = data.read_text(encoding="utf-8") if data.exists() else ""
    known = {paper.id for paper in parse_papers(text, str(data))[0]}
    wanted = [arxiv_id(i) or i for i in ids]
    missing = [i for i in dict.fromkeys(wanted) if i not in known]
    found: list[dict] = []
    for start in range(0, len(missing), BATCH):
        if start:
            pause(PAUSE)
        batch = missing[start : start + BATCH]
        query = urllib.parse.urlencode({"id_list": ",".join(batch), "max_results": len(batch)})
        answer = get(f"{api()}?{query}")
        try:
            found += [paper for paper in parse_feed(answer) if paper["id"] in batch]
        except (ElementTree.ParseError, ValueError) as error:
            raise ArxivUnreachableError(
                f"the arXiv API at {api()} answered with something that is not its feed ({error})"
            ) from error
    if found:
        separator = "" if not text or text.endswith("\n") else "\n"
        data.write_text(text + separator + "".join(entry_yaml(p) for p in found), encoding="utf-8")
    return [paper["id"] for paper in found]


def downloader(
    timeout: float = 30, attempts: int = 3, wait: float = PAUSE, pause=time.sleep
) -> Callable[[str], str]:
    """A ``get`` for :func:`fetch`: ``timeout`` seconds an attempt, ``attempts``
    tries with ``wait``, then twice, thrice… as long between them."""

    def get(url: str) -> str:
        reason = ""
        for attempt in range(attempts):
            if attempt:
                pause(wait * attempt)
            request = urllib.request.Request(url, headers={"User-Agent": "llm-notes (kb.arxiv)"})
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    return response.read().decode("utf-8")
            except urllib.error.HTTPError as error:
                reason = f"HTTP {error.code} {error.reason}"
                if error.code < 500 and error.code != 429:
                    break  # asked wrongly: asking again will not help
            except (
                urllib.error.URLError,
                TimeoutError,
                http.client.HTTPException,
                OSError,
            ) as error:
                reason = str(getattr(error, "reason", None) or error) or type(error).__name__
        raise ArxivUnreachableError(
            f"cannot reach the arXiv API at {url.split('?')[0]} ({reason}) after "
            f"{attempts} attempt(s). Offline? The site builds without it: run this where "
            "arXiv is reachable (the pull-request workflow does), or add the entries by hand"
        )

    return get


def missing_cited(root: Path) -> list[str]:
    """The arXiv ids the notes cite that ``data/papers.yml`` has no entry for."""
    sources, _ = project_sources(root)
    known = {paper.id for paper in sources.papers}
    cited = (
        citation.key
        for found in sources.citations.values()
        for citation in found
        if citation.is_paper
    )
    return sorted({key for key in cited if key not in known})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.arxiv", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fetch_command = commands.add_parser("fetch", help="append papers to the data file")
    fetch_command.add_argument("ids", nargs="*", help="arXiv ids or links")
    fetch_command.add_argument(
        "--missing", action="store_true", help="every paper the notes cite that has no entry"
    )
    fetch_command.add_argument("--data", type=Path, default=Path("data/papers.yml"))
    fetch_command.add_argument("--root", type=Path, default=Path("."), help="the project folder")
    fetch_command.add_argument(
        "--summary", type=Path, help="also write the added entries, as Markdown, to this file"
    )
    fetch_command.add_argument("--timeout", type=float, default=30, help="seconds an attempt")
    fetch_command.add_argument(
        "--retry-wait", type=float, default=PAUSE, help="seconds before the first retry"
    )
    arguments = parser.parse_args(argv)
    ids = list(arguments.ids)
    if arguments.missing:
        ids += missing_cited(arguments.root)
    if not ids:
        print("no cited paper is missing from the data" if arguments.missing else "give ids")
        return 0 if arguments.missing else 2
    before = arguments.data.read_text(encoding="utf-8") if arguments.data.exists() else ""
    get = downloader(timeout=arguments.timeout, wait=arguments.retry_wait)
    try:
        added = fetch(ids, arguments.data, get)
    except ArxivUnreachableError as error:
        print(f"kb.arxiv: {error}", file=sys.stderr)
        return 3
    for paper_id in added:
        print(f"{arguments.data}: added {paper_id}; check its title, venue and aliases")
    missing = set(arxiv_id(i) or i for i in ids) - set(added)
    for paper_id in sorted(missing):
        print(f"{paper_id}: already in {arguments.data} or unknown to arXiv", file=sys.stderr)
    if arguments.summary is not None:
        added_text = arguments.data.read_text(encoding="utf-8")[len(before) :].strip("\n")
        lines = ["### Papers cited without data", ""]
        if added:
            lines += [
                f"`python -m kb.arxiv fetch --missing` would add these to `{arguments.data}`,"
                " marked unverified: check them and commit.",
                "",
                "```yaml",
                added_text,
                "```",
            ]
        else:
            lines.append("None: every cited paper has an entry." if not missing else "")
        # Not added and not in the data before: arXiv did not know or did not say.
        unknown = sorted(paper for paper in missing if f'"{paper}"' not in before)
        if unknown:
            lines += ["", "Unknown to arXiv or not answered: " + ", ".join(unknown)]
        with arguments.summary.open("a", encoding="utf-8") as summary:
            summary.write("\n".join(lines) + "\n")
    return 0 if added or not missing else 1


if __name__ == "__main__":
    raise SystemExit(main())
