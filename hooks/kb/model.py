"""The domain model: digests, their topics and the discussion inside them.

Everything here is immutable and free of MkDocs: the parser builds it, the
renderers read it, and tests compare it.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with an input file, located to the character."""

    severity: Severity
    code: str
    path: str
    line: int
    col: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        located = f"{self.path}:{self.line}:{self.col}: {self.code}: {self.message}"
        return f"{located} Hint: {self.hint}" if self.hint else located


class ProblemLog(list[Problem]):
    """Problems as they are found, each told in one call:
    ``problems.error("KB101", path, line, message, hint)``."""

    def error(
        self, code: str, path: str, line: int, message: str, hint: str = "", col: int = 1
    ) -> None:
        self.append(Problem(Severity.ERROR, code, path, line, col, message, hint))

    def warning(
        self, code: str, path: str, line: int, message: str, hint: str = "", col: int = 1
    ) -> None:
        self.append(Problem(Severity.WARNING, code, path, line, col, message, hint))

    def info(
        self, code: str, path: str, line: int, message: str, hint: str = "", col: int = 1
    ) -> None:
        self.append(Problem(Severity.INFO, code, path, line, col, message, hint))


# How a translation's own note starts (CONTRIBUTING, "Translating"): the
# translator speaking, neither a reply in the discussion nor a citation.
TRANSLATOR_NOTE = "> **Translator's note:**"


class Role(StrEnum):
    """What a labelled paragraph is in the discussion."""

    SPEAKER = "speaker"  # 研究员1：
    QUESTION = "question"  # Q：
    ANSWER = "answer"  # A：
    DISCUSSION = "discussion"  # D：, D(Discussion)：
    FOLLOW_UP = "follow-up"  # F：, F(Follow)：, F1：
    # No label of the digest's: the paragraphs that follow a question before
    # any reply, which the site shows (and counts) as its reply.
    REPLY = "reply"

    @property
    def opens_thread(self) -> bool:
        return self in (Role.QUESTION, Role.DISCUSSION)

    @property
    def letter(self) -> str:
        """The letter the digest writes for this role (Q, A, D, F); "" for others."""
        return {"question": "Q", "answer": "A", "discussion": "D", "follow-up": "F"}.get(
            self.value, ""
        )


@dataclass(frozen=True, slots=True)
class Label:
    """A normalised paragraph label such as ``研究员 1``, ``研究员A`` or ``F2``.

    ``continued`` marks a question that goes on in the thread it belongs to
    (``Q1-continue:``): it is a reply, not a new thread.
    """

    role: Role
    number: int | None = None
    name: str = ""
    continued: bool = False

    @property
    def opens_thread(self) -> bool:
        return self.role.opens_thread and not self.continued

    @property
    def speaker(self) -> str:
        """Who speaks, as the digest names them: ``1``, ``A``."""
        return self.name or ("" if self.number is None else str(self.number))


@dataclass(frozen=True, slots=True)
class Chunk:
    """One top-level Markdown block of a note, kept verbatim.

    ``lines`` are the source lines (a label already removed from the first
    one); ``line`` is the 1-based source line of the first of them; ``kind``
    is the markdown-it block type (``paragraph``, ``bullet_list``, ``fence``,
    ``html_block``…).
    """

    line: int
    lines: tuple[str, ...]
    kind: str = "paragraph"

    @property
    def raw_html(self) -> bool:
        return self.kind == "html_block"

    @property
    def translator_note(self) -> bool:
        """A translation's own note (:data:`TRANSLATOR_NOTE`), not the discussion."""
        return bool(self.lines) and self.lines[0].lstrip().startswith(TRANSLATOR_NOTE)


@dataclass(frozen=True, slots=True)
class Turn:
    """A labelled contribution (speaker, answer, follow-up) or unlabelled prose."""

    label: Label | None
    line: int
    chunks: tuple[Chunk, ...]


@dataclass(frozen=True, slots=True)
class Thread:
    """A question (Q) or a discussion (D) with the replies that follow it."""

    anchor: str
    label: Label
    line: int
    title: str
    body: tuple[Turn, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A ``###`` (or deeper) item inside a topic."""

    anchor: str
    level: int
    title: str
    line: int
    body: tuple[Node, ...]


Node = Turn | Thread | Section


@dataclass(frozen=True, slots=True)
class Topic:
    """One ``## `` section of a digest: a page of the site."""

    slug: str
    title: str
    line: int
    body: tuple[Node, ...]
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    suggested_tags: bool = False
    summary: dict[str, str] = field(default_factory=dict)  # the site's words, by language

    @property
    def threads(self) -> tuple[Thread, ...]:
        return tuple(node for node in walk(self.body) if isinstance(node, Thread))

    @property
    def sections(self) -> tuple[Section, ...]:
        return tuple(node for node in walk(self.body) if isinstance(node, Section))

    @property
    def speakers(self) -> frozenset[str]:
        return frozenset(
            node.label.speaker
            for node in walk(self.body)
            if isinstance(node, Turn)
            and node.label is not None
            and node.label.role is Role.SPEAKER
            and node.label.speaker
        )


@dataclass(frozen=True, slots=True)
class Digest:
    """One note in one language: a weekly digest (``YYYYMMDD.md``) or an essay.

    ``id`` is what its URLs are made of, taken from the file name alone
    (``2023-11-12``, ``compression``), so a date or title given later never
    moves a published page. ``date`` is ``None`` for a note nobody dated.
    ``title`` is the note's own ``# `` heading, if it has one; ``preamble``
    is what stands before its first topic, that heading left out.
    ``references`` is a ``## ref:`` list of links: the digest's, not a topic.
    """

    id: str
    date: datetime.date | None
    language: str
    path: str
    preamble: tuple[Chunk, ...]
    topics: tuple[Topic, ...]
    title: str = ""
    title_line: int = 0
    references: Section | None = None

    def topic(self, slug: str) -> Topic | None:
        return next((topic for topic in self.topics if topic.slug == slug), None)

    def topic_spans(self, line_count: int) -> Iterator[tuple[Topic, int, int]]:
        """Each topic with its first line and the line after its last (the next
        topic's heading, or past the note's ``line_count`` lines), 1-based."""
        ends = [topic.line for topic in self.topics[1:]] + [line_count + 1]
        yield from ((topic, topic.line, end) for topic, end in zip(self.topics, ends, strict=False))


@dataclass(frozen=True)
class Archive:
    """Every digest of the site, oldest first, with translations by language."""

    digests: tuple[Digest, ...]
    translations: dict[str, dict[str, Digest]] = field(default_factory=dict)
    # The translated topics whose source changed since they were translated
    # (kb.freshness), by language, then digest id.
    outdated: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)

    def translation(self, digest: Digest, language: str) -> Digest | None:
        if language == digest.language:
            return digest
        return self.translations.get(language, {}).get(digest.id)

    def translation_state(self, digest: Digest, language: str, slug: str) -> str:
        """Topic ``slug`` of ``digest`` in ``language``: ``translated``,
        ``outdated`` (its source changed since) or ``missing``."""
        translation = self.translation(digest, language)
        if translation is None or translation.topic(slug) is None:
            return "missing"
        if slug in self.outdated.get(language, {}).get(digest.id, ()):
            return "outdated"
        return "translated"

    def digest(self, digest_id: str) -> Digest:
        """The digest with this id (its date, ``2023-11-12``)."""
        return self._by_id[digest_id]

    @functools.cached_property
    def _by_id(self) -> dict[str, Digest]:
        return {digest.id: digest for digest in self.digests}

    @property
    def latest(self) -> Digest | None:
        """The newest dated digest (undated notes come first in ``digests``)."""
        dated = [digest for digest in self.digests if digest.date is not None]
        return dated[-1] if dated else (self.digests[-1] if self.digests else None)


def chronological(digest: Digest) -> tuple[bool, datetime.date, str]:
    """Undated notes first, then by date; the id breaks ties."""
    return (digest.date is not None, digest.date or datetime.date.min, digest.id)


def walk(nodes: tuple[Node, ...]):
    """Every node below ``nodes``, depth first, in source order."""
    for node in nodes:
        yield node
        if isinstance(node, (Thread, Section)):
            yield from walk(node.body)
