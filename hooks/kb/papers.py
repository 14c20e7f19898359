"""Papers and other references: their data, and where the discussions cite them.

arXiv links come in many forms (``/abs/``, ``/pdf/…pdf``, versions, no
scheme, old-style ids); :func:`arxiv_id` reduces each to one id. Papers
named without a link (``InstructGPT``, ``longlora``) are found through their
aliases. Citations are collected from the model, with the section anchor
they stand under, before any page is rendered.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urlsplit

from . import yamlfile
from .matching import FormMatcher
from .model import (
    Digest,
    Problem,
    Section,
    Thread,
    Topic,
    Turn,
    walk,
)
from .urls import BARE_URL, trim_url

# Every host arXiv serves a paper from: abs.arxiv.org and browse.arxiv.org
# serve its abstract page, export.arxiv.org its API and mirrors.
_ARXIV_HOST = r"(?:(?:www|export|abs|browse)\.)?arxiv\.org"
ARXIV = re.compile(
    rf"^(?:https?://)?{_ARXIV_HOST}/(?:abs|pdf|html)/"
    r"(?P<id>\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})"
    r"(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
# URLs as they stand in note text, with or without a scheme for arXiv.
URL_IN_TEXT = re.compile(
    BARE_URL + rf"|(?<![A-Za-z0-9_./]){_ARXIV_HOST}/(?:abs|pdf|html)/[\w./-]+", re.IGNORECASE
)


def arxiv_id(url: str) -> str | None:
    """The arXiv id of a link to an arXiv paper, versions dropped; else ``None``."""
    match = ARXIV.match(url.strip())
    return match["id"] if match else None


def short_title(url: str, length: int = 48) -> str:
    """A readable name for a link nobody has titled: host, path and query
    (two videos are ``youtube.com/watch`` apart from it; tracking
    parameters are not part of it), shortened."""
    parts = urlsplit(url)
    text = parts.netloc.removeprefix("www.") + parts.path.rstrip("/")
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not pair.startswith("utm_")
    )
    if query:
        text += f"?{query}"
    return text if len(text) <= length else text[: length - 1] + "…"


def anchor(paper_id: str) -> str:
    """The paper's anchor on the paper index."""
    return "paper-" + re.sub(r"[^a-z0-9]+", "-", paper_id.lower()).strip("-")


SHORT_NAME = 48
"""The longest short name of a paper, its ellipsis included."""
# Title heads that name a kind of paper, not a paper.
# A title this many words long names one paper (two words, "Technical
# Report", could name any); a shorter one is named by the paper's aliases.
TITLE_WORDS = 4


_GENERIC_HEADS = frozenset(
    {"technical report", "survey", "a survey", "review", "a review", "position", "tutorial"}
)


@dataclass(frozen=True, slots=True)
class Paper:
    id: str
    title: str
    authors: tuple[str, ...]
    year: int
    venue: str
    aliases: dict[str, tuple[str, ...]]
    verified: bool
    note: dict[str, str]  # what a reader should know, by language; {} for nothing
    line: int
    tags: tuple[str, ...] = ()

    @property
    def arxiv(self) -> str | None:
        return self.id if ARXIV.match(f"arxiv.org/abs/{self.id}") else None

    @property
    def short_name(self) -> str:
        """The paper's name in a short list: its title's name before a colon
        ("LongLoRA", not "LongLoRA: Efficient Fine-tuning of…"), else its title,
        shortened; never a word any paper could carry ("Technical Report: X"
        is X)."""
        head, colon, rest = self.title.partition(":")
        name = self.title
        if colon and head.strip().lower() in _GENERIC_HEADS:
            name = rest.strip()
        elif colon and 0 < len(head.split()) <= 6:
            name = head.strip()
        if len(name) <= SHORT_NAME:
            return name
        return name[: SHORT_NAME - 1].rsplit(" ", 1)[0].rstrip(" ,;:-") + "…"  # at a word

    @property
    def titles(self) -> tuple[str, ...]:
        """The forms of its title that name it alone: the whole title, and the
        name before a colon when that is a title in itself ("Gibbs Sampling
        from Human Feedback"); either is at least ``TITLE_WORDS`` words long."""
        head = self.title.partition(":")[0].strip()
        forms = (self.title, head) if head != self.title else (self.title,)
        return tuple(
            form
            for form in forms
            if len(form.split()) >= TITLE_WORDS and form.lower() not in _GENERIC_HEADS
        )

    def short_authors(self, limit: int = 3, others: str = "et al.") -> str:
        if len(self.authors) <= limit:
            return ", ".join(self.authors)
        return ", ".join(self.authors[:limit]) + f", {others}"


@dataclass(frozen=True, slots=True)
class Reference:
    """A cited link that is not an arXiv paper: a blog post, talk, tweet…"""

    url: str
    kind: str
    titles: dict[str, str]
    related_paper: str | None
    line: int
    # How far the title was checked: "yes", "weak" (a third party's word
    # only, the thing itself not seen) or "no"; shown unless "yes".
    verified: str = "no"


@dataclass(frozen=True, slots=True)
class Citation:
    """One place a paper or link is cited: which page, under which heading."""

    key: str  # a paper id, or a reference's URL
    is_paper: bool
    digest: str
    topic: str
    anchor: str
    label: str
    line: int
    col: int


def parse_papers(
    text: str, path: str, languages: tuple[str, ...] = ("zh", "en")
) -> tuple[tuple[Paper, ...], list[Problem]]:
    """The papers of ``data/papers.yml``. A paper's ``note`` is for readers,
    in every language; its ``checked`` (how the fields were checked, what
    was left out) is for maintainers and never read here."""
    data, problems = yamlfile.load(text, path)
    if problems:
        return (), problems
    papers: list[Paper] = []
    seen: dict[str, int] = {}
    claimed: dict[str, str] = {}

    def error(line: int, message: str, hint: str) -> None:
        problems.error("KB502", path, line, message, hint)

    for entry in data or []:
        line = yamlfile.line_of(entry)
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            error(
                line,
                "each paper needs an 'id' (its arXiv id, quoted)",
                'write id: "2310.06825" (quoted, or YAML reads it as a number)',
            )
            continue
        paper_id = entry["id"]
        missing = [key for key in ("title", "authors", "year") if not entry.get(key)]
        if missing:
            error(
                line,
                f"paper '{paper_id}' has no {', '.join(missing)}",
                f"run: python -m kb.arxiv fetch {paper_id}",
            )
            continue
        if paper_id in seen:
            error(
                line,
                f"duplicate paper '{paper_id}' (first on line {seen[paper_id]})",
                "merge the two entries",
            )
            continue
        note = entry.get("note") or {}
        if note and (
            not isinstance(note, dict)
            or any(
                not isinstance(note.get(lang), str) or not note[lang].strip() for lang in languages
            )
        ):
            error(
                line,
                f"paper '{paper_id}' has a note without {' and '.join(languages)}",
                "write note: {zh: …, en: …} for readers; how a field was checked goes in"
                " 'checked', which readers never see",
            )
            continue
        seen[paper_id] = line
        aliases = entry.get("aliases") or {}
        paper = Paper(
            id=paper_id,
            title=str(entry["title"]),
            authors=tuple(str(author) for author in entry["authors"]),
            year=int(entry["year"]),
            venue=str(entry.get("venue") or ""),
            aliases={
                lang: tuple(str(a) for a in aliases.get(lang) or ())
                for lang in aliases
                if lang != yamlfile.LINE
            },
            verified=bool(entry.get("verified")),
            note={lang: note[lang].strip() for lang in languages} if note else {},
            line=line,
            tags=tuple(str(tag) for tag in entry.get("tags") or ()),
        )
        for alias in (a for forms in paper.aliases.values() for a in forms):
            owner = claimed.setdefault(alias.lower(), paper_id)
            if owner != paper_id:
                error(
                    line,
                    f"alias '{alias}' of '{paper_id}' also names '{owner}'",
                    "an alias must name one paper: remove it from one of them",
                )
        papers.append(paper)
    return tuple(papers), problems


def parse_references(text: str, path: str) -> tuple[tuple[Reference, ...], list[Problem]]:
    data, problems = yamlfile.load(text, path)
    if problems:
        return (), problems
    references = []
    for entry in data or []:
        line = yamlfile.line_of(entry)
        titles = entry.get("title") if isinstance(entry, dict) else None
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("url"), str)
            or not isinstance(titles, dict)
        ):
            problems.error(
                "KB503",
                path,
                line,
                "each link needs a 'url' and a 'title' per language",
                "write url: and, under title:, a line zh: … and a line en: …",
            )
            continue
        references.append(
            Reference(
                url=entry["url"],
                kind=str(entry.get("kind") or "other"),
                titles={
                    lang: str(title) for lang, title in titles.items() if lang != yamlfile.LINE
                },
                related_paper=entry.get("related_paper"),
                line=line,
                verified=_VERIFIED.get(entry.get("verified"), "no"),
            )
        )
    return tuple(references), problems


# data/links.yml's ``verified:``: true, false, or weak.
_VERIFIED = MappingProxyType({True: "yes", False: "no", "weak": "weak"})


def paper_matcher(papers: tuple[Paper, ...]) -> FormMatcher[Paper]:
    """Finds papers named without a link: by any of their aliases, or by
    their title or its name before a colon (a ``###`` item's heading, a
    reading list's entry)."""
    forms = [
        (alias, False, paper)
        for paper in papers
        for forms in paper.aliases.values()
        for alias in forms
    ]
    forms += [(title, False, paper) for paper in papers for title in paper.titles]
    return FormMatcher(forms)


def sections(topic: Topic) -> Iterator[tuple[str, str, list[tuple[int, str]]]]:
    """``(anchor, heading, [(line, text)…])`` for every heading of a topic page."""
    yield from _sections(topic.body, topic.slug, topic.title)


def _translator_notes(digest: Digest) -> set[int]:
    """The lines of the translator's notes: they name papers too, but cite
    nothing (every language's index lists what the digest cites)."""
    return {
        chunk.line + offset
        for topic in digest.topics
        for node in walk(topic.body)
        if isinstance(node, Turn)
        for chunk in node.chunks
        if chunk.translator_note
        for offset in range(len(chunk.lines))
    }


def _sections(nodes, anchor: str, label: str, heading: tuple[int, str] | None = None):
    # A ### item's heading names what it is about (3.Effective long context scaling…).
    lines: list[tuple[int, str]] = [heading] if heading else []
    nested = []
    for node in nodes:
        if isinstance(node, Turn):
            for chunk in node.chunks:
                lines += [(chunk.line + offset, text) for offset, text in enumerate(chunk.lines)]
        elif isinstance(node, Thread):
            turns = [(node.line, node.title)]
            for turn in node.body:
                for chunk in turn.chunks:
                    turns += [(chunk.line + i, text) for i, text in enumerate(chunk.lines)]
            nested.append((node.anchor, f"{node.label.role.value[0].upper()} {node.title}", turns))
        elif isinstance(node, Section):
            nested += list(_sections(node.body, node.anchor, node.title, (node.line, node.title)))
    yield anchor, label, lines
    yield from nested


def citations(
    digest: Digest,
    matcher: FormMatcher[Paper],
    source_lines: list[str] | None = None,
) -> list[Citation]:
    """Every paper and link cited in ``digest``, in order, with its section.

    What the preamble (a reading list before the first topic) and the
    reference list cite is cited by the digest page: ``topic`` is empty.
    """
    found: list[Citation] = []
    preamble = [(c.line + i, text) for c in digest.preamble for i, text in enumerate(c.lines)]
    places = [("", [("", digest.title, preamble)])]
    if digest.references is not None:
        places += [("", list(_sections(digest.references.body, digest.references.anchor, "")))]
    places += [(topic.slug, list(sections(topic))) for topic in digest.topics]
    notes = _translator_notes(digest)
    for slug, topic_sections in places:
        for section_anchor, label, lines in topic_sections:
            for line, text in lines:
                if line in notes:
                    continue
                original = (
                    source_lines[line - 1] if source_lines and line <= len(source_lines) else text
                )
                for match in URL_IN_TEXT.finditer(text):
                    url = trim_url(match.group(0))
                    paper = arxiv_id(url)
                    col = original.find(url) + 1 or match.start() + 1
                    found.append(
                        Citation(
                            paper or url,
                            paper is not None,
                            digest.id,
                            slug,
                            section_anchor,
                            label,
                            line,
                            col,
                        )
                    )
                for mention in matcher.find(URL_IN_TEXT.sub(" ", text)):
                    if _labels_another_link(text, mention.end, mention.value):
                        continue
                    found.append(
                        Citation(
                            mention.value.id,
                            True,
                            digest.id,
                            slug,
                            section_anchor,
                            label,
                            line,
                            mention.start + 1,
                        )
                    )
    return found


_LABELLED_LINK = re.compile(r"\s*[:：]\s*(" + BARE_URL + ")", re.IGNORECASE)


def _labels_another_link(text: str, end: int, paper: Paper) -> bool:
    """``RA-CM3：https://…/infoseek/``: the name labels a link, which is what is cited.

    Where that link is not the named paper's, the name is the digest's slip
    (an editor's note says so), and crediting the named paper would repeat it.
    """
    match = _LABELLED_LINK.match(text, end)
    return match is not None and arxiv_id(trim_url(match.group(1))) != paper.id


def _ascii(text: str) -> str:
    """Rozière → roziere: letters without their accents, for keys."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


def bibtex_key(paper: Paper) -> str:
    surname = re.sub(r"[^a-z]", "", _ascii(paper.authors[0].split()[-1])) or "anon"
    word = next((w for w in re.findall(r"[a-z]+", _ascii(paper.title)) if len(w) > 3), "paper")
    return f"{surname}{paper.year}{word}"


def bibtex(paper: Paper) -> str:
    """A BibTeX entry; braces keep the title's capitalisation."""
    fields = [
        ("title", "{" + _bib_escape(paper.title) + "}"),
        ("author", " and ".join(_bib_escape(author) for author in paper.authors)),
        ("year", str(paper.year)),
    ]
    if paper.arxiv:
        fields += [
            ("eprint", paper.arxiv),
            ("archivePrefix", "arXiv"),
            ("url", f"https://arxiv.org/abs/{paper.arxiv}"),
        ]
    if paper.venue:
        fields.append(("note", _bib_escape(paper.venue)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{bibtex_key(paper)},\n{body}\n}}"


def bibliography(papers: tuple[Paper, ...]) -> str:
    keys: dict[str, int] = {}
    entries = []
    for paper in sorted(papers, key=lambda p: (p.year, p.title.lower())):
        entry = bibtex(paper)
        key = bibtex_key(paper)
        keys[key] = keys.get(key, 0) + 1
        if keys[key] > 1:
            entry = entry.replace(f"@misc{{{key},", f"@misc{{{key}{chr(96 + keys[key])},", 1)
        entries.append(entry)
    return "\n\n".join(entries) + "\n"


def _bib_escape(text: str) -> str:
    return re.sub(r"([&%$#_])", r"\\\1", text).replace("{", "\\{").replace("}", "\\}")
