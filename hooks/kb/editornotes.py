"""Editor's notes: the site's own corrections, anchored to a line of a note.

``data/editor-notes.yml`` says where a digest slips (a link labelled with
the wrong paper's name, an affiliation it gets wrong, a figure a paper does
not give) without editing the digest's words::

    - note: 20231112.md          # the source note
      line: 108                  # the line the note is about
      quote: "RA-CM3"            # words on that line: the note follows them if lines move
      zh: 这个链接其实是 InfoSeek 的项目主页……
      en: "This link is in fact InfoSeek's project page…"
      source: "where the correction comes from"

Each note is shown in both languages right after the turn, question or
item holding that line, styled apart from the discussion. A note for a
digest the site does not have is kept for when it is added.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import yamlfile
from .model import Digest, Node, Problem, Section, Severity, Thread, Topic, Turn


@dataclass(frozen=True)
class EditorNote:
    note: str
    line: int
    quote: str
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
            for key in ("note", "line", "source", *languages)
            if not isinstance(entry, dict) or entry.get(key) in (None, "")
        ]
        if missing or not isinstance(entry.get("line"), int):
            problems.append(
                Problem(
                    Severity.ERROR,
                    "KB701",
                    path,
                    at,
                    1,
                    f"an editor's note needs {', '.join(missing) or 'a line number'}",
                    "give note, line, source and the text in every language",
                )
            )
            continue
        notes.append(
            EditorNote(
                str(entry["note"]),
                entry["line"],
                str(entry.get("quote") or ""),
                {language: str(entry[language]) for language in languages},
                str(entry["source"]),
                at,
            )
        )
    return tuple(notes), problems


def place(
    notes: tuple[EditorNote, ...], digest: Digest, source_lines: list[str], path: str
) -> tuple[list[Placed], list[Problem]]:
    """Where each note about ``digest`` goes, and the notes whose place is gone."""
    placed, problems = [], []
    name = digest.path.rsplit("/", 1)[-1]
    for note in (note for note in notes if note.note == name):
        line = _line_of(note, source_lines)
        found = None
        if line is not None:
            found = next(
                (
                    (topic.slug, node_path)
                    for topic in digest.topics
                    if (node_path := _holding(topic.body, line)) is not None
                ),
                None,
            )
        if found is None:
            problems.append(
                Problem(
                    Severity.WARNING,
                    "KB702",
                    path,
                    note.at,
                    1,
                    f"no line of {name} holds '{note.quote}' in a topic (the note says line"
                    f" {note.line})",
                    "quote words the line still holds, or drop the note if the digest no"
                    " longer says what it corrects",
                )
            )
            continue
        placed.append(Placed(found[0], found[1], note))
    return placed, problems


def _line_of(note: EditorNote, source_lines: list[str]) -> int | None:
    """The line the note is about: its ``line`` if it holds the quote, else
    the line holding the quote nearest to it (lines added or removed
    elsewhere in the digest move it), else None."""
    holding = [
        number
        for number, text in enumerate(source_lines, start=1)
        if note.quote and note.quote in text
    ]
    if not holding:
        return None
    return min(holding, key=lambda number: (abs(number - note.line), number))


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
