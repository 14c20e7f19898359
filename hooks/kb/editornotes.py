"""Editor's notes: the site's own corrections, anchored to a digest's words.

``data/editor-notes.yml`` says where a digest slips (a link labelled with
the wrong paper's name, an affiliation it gets wrong, a figure a paper does
not give) without editing the digest's words::

    - topic: 简短问答            # the topic's title as the digest writes it, or its slug
      quote: "infoseek"          # words of the line the note is about
      digest: 2023-11-12         # the id of the digest it was written for
      zh: 这个链接其实是 InfoSeek 的项目主页……
      en: "This link is in fact InfoSeek's project page…"
      source: "where the correction comes from"

A note follows content, never a file name or a line number: it is shown,
in both languages, after the turn, question or item holding the first line
of that topic that holds the quote, in every digest that has them (a digest
added again under another name included). ``digest`` tells a note whose
words are gone (its digest is in the archive: a located warning) from one
that waits for a digest the site does not publish yet. A note may name only
its digest, when nobody here has seen the digest's topics: it then looks in
every topic of that digest.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import yamlfile
from .model import Digest, Node, Problem, Section, Severity, Thread, Topic, Turn

REQUIRED = ("digest", "quote", "source")


@dataclass(frozen=True)
class EditorNote:
    topic: str
    quote: str
    digest: str  # the id of the digest it was written for
    texts: dict[str, str]
    source: str
    at: int  # the line of data/editor-notes.yml it is written on


@dataclass(frozen=True)
class Placed:
    """A note attached to one topic: after the node at ``path`` (indices into bodies)."""

    topic: str
    path: tuple[int, ...]
    note: EditorNote


def parse(
    text: str, path: str, languages: tuple[str, ...]
) -> tuple[tuple[EditorNote, ...], list[Problem]]:
    data, problems = yamlfile.load(text, path)
    if problems or data is None:
        return (), problems
    notes = []
    for entry in data if isinstance(data, list) else [data]:
        at = yamlfile.line_of(entry)
        missing = [
            key
            for key in (*REQUIRED, *languages)
            if not isinstance(entry, dict) or entry.get(key) in (None, "")
        ]
        if missing:
            problems.error(
                "KB701",
                path,
                at,
                f"an editor's note needs {', '.join(missing)}",
                "give digest, topic, quote, source and the text in every language"
                " (topic may be left out for a digest nobody here has seen)",
            )
            continue
        notes.append(
            EditorNote(
                str(entry.get("topic") or "").strip(),
                str(entry["quote"]),
                str(entry["digest"]),  # YAML reads 2023-11-12 as a date
                {language: str(entry[language]) for language in languages},
                str(entry["source"]),
                at,
            )
        )
    return tuple(notes), problems


def place(notes: tuple[EditorNote, ...], digest: Digest, source_lines: list[str]) -> list[Placed]:
    """Where each note lands in ``digest``, if it does: after the node holding
    the first line, of the topics it is about, that holds its quote."""
    spans = list(digest.topic_spans(len(source_lines)))
    placed = []
    for note in notes:
        found = next(
            (
                Placed(topic.slug, node_path, note)
                for topic, start, end in spans
                if _about(note, digest, topic)
                for number in range(start, end)
                if note.quote in source_lines[number - 1]
                and (node_path := _holding(topic.body, number)) is not None
            ),
            None,
        )
        if found is not None:
            placed.append(found)
    return placed


def _about(note: EditorNote, digest: Digest, topic: Topic) -> bool:
    """Whether ``note`` is about ``topic``: the topic it names, in any digest;
    a note naming no topic (written for a digest the site does not have, whose
    topics nobody here has seen) looks in every topic of its own digest."""
    if note.topic:
        return note.topic in (topic.title.strip(), topic.slug)
    return note.digest == digest.id


def lost(
    notes: tuple[EditorNote, ...],
    placed: Iterable[Placed],
    archive: set[str],
    path: str,
) -> list[Problem]:
    """A located warning for each note that landed nowhere although the digest
    it was written for is in the archive: its words are gone."""
    landed = {id(where.note) for where in placed}
    return [
        Problem(
            Severity.WARNING,
            "KB702",
            path,
            note.at,
            1,
            f"no topic '{note.topic or '*'}' holds '{note.quote}' (the note was written"
            f" for {note.digest})",
            "quote words the topic still holds, or drop the note if the digest no"
            " longer says what it corrects",
        )
        for note in notes
        if id(note) not in landed and note.digest in archive
    ]


def _holding(nodes: tuple[Node, ...], line: int) -> tuple[int, ...] | None:
    """The path to the turn, thread title or item heading holding ``line``."""
    for index, node in enumerate(nodes):
        if isinstance(node, Turn):
            if any(c.line <= line < c.line + len(c.lines) for c in node.chunks):
                return (index,)
            if node.label is not None and node.line == line:
                return (index,)
        elif isinstance(node, (Thread, Section)):
            inner = _holding(node.body, line)
            if inner is not None:
                return (index, *inner)
            if node.line == line:
                return (index,)
    return None


def at_path(topic: Topic, path: tuple[int, ...]) -> bool:
    """Whether ``topic`` (a translation) has a node at ``path``, as its source does."""
    nodes: tuple[Node, ...] = topic.body
    for depth, index in enumerate(path):
        if index >= len(nodes):
            return False
        node = nodes[index]
        if depth < len(path) - 1:
            if not isinstance(node, (Thread, Section)):
                return False
            nodes = node.body
    return True
