"""A translation's scaffold: the source's shape, in the target language's labels.

``python -m kb.translation scaffold NOTE`` writes it beside NOTE. Each topic
keeps its slug, and every label, question, discussion and ``###`` item in
order, with the target language's label forms (``Researcher 1:``).
Code, tables and addresses are as they are. Each paragraph's source text,
and the glossary terms in it with their names in the target language, are
kept in a comment above it. A topic stays "not translated yet" on the site
while it holds the line :data:`PENDING`: the translator deletes it once
the topic is translated, and the comments go with it or stay, unseen.

The build reads a translation through :func:`strip`, which blanks these
comments and the pending lines (line numbers stay), so a scaffold builds
strictly as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import MappingProxyType

from .model import Chunk, Digest, Label, Role, Section, Thread, Turn
from .urls import BARE_URL

PENDING = "<!-- kb:untranslated -->"
SOURCE_OPEN = "<!-- kb:source"
COMMENT_CLOSE = "-->"
_VERBATIM = frozenset({"fence", "code_block", "table", "html_block"})
_URL = re.compile(BARE_URL)

LABELS = MappingProxyType(
    {
        "en": {"speaker": "Researcher {n}", "colon": ": "},
        "zh": {"speaker": "研究员{n}", "colon": "："},
    }
)


def strip(text: str) -> tuple[str, set[int]]:
    """``text`` with the scaffold's comments and pending lines blanked, and
    the (1-based) lines that were pending."""
    lines = text.split("\n")
    pending: set[int] = set()
    inside = False
    for index, line in enumerate(lines):
        stripped = line.strip()
        if inside:
            inside = not stripped.endswith(COMMENT_CLOSE)
            lines[index] = ""
        elif stripped == PENDING:
            pending.add(index + 1)
            lines[index] = ""
        elif stripped.startswith(SOURCE_OPEN):
            inside = not stripped.endswith(COMMENT_CLOSE)
            lines[index] = ""
    return "\n".join(lines), pending


def pending_topics(digest: Digest, pending: set[int], line_count: int) -> set[str]:
    """The slugs of the topics holding a pending line: not translated yet."""
    return {
        topic.slug
        for topic, start, end in digest.topic_spans(line_count)
        if any(start <= line < end for line in pending)
    }


def label(label_: Label, language: str) -> str:
    """``label_`` written as a ``language`` translation writes it."""
    forms = LABELS[language]
    if label_.role is Role.SPEAKER:
        text = forms["speaker"].format(n=label_.speaker)
    else:
        text = label_.role.letter + (str(label_.number) if label_.number else "")
        if label_.name:
            text += f"({label_.name})"
        if label_.continued:
            text += "-continue"
    return text + forms["colon"]


def scaffold(
    source: Digest,
    language: str,
    terms_in: Callable[[str], list[tuple[str, str]]],
) -> str:
    """The scaffold of ``source`` in ``language``; ``terms_in(text)`` gives the
    glossary terms of a text as (name as written, name in ``language``)."""
    out: list[str] = []
    if source.title:
        out += [f"# {source.title}", ""]
    for topic in source.topics:
        out += [f"## {topic.title} {{#{topic.slug}}}", "", PENDING, ""]
        out += _nodes(topic.body, language, terms_in)
    return "\n".join(out).rstrip("\n") + "\n"


def _nodes(nodes, language: str, terms_in) -> list[str]:
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Thread):
            out += _comment([node.title], terms_in)
            out += [label(node.label, language) + _placeholder(node.title), ""]
            out += _nodes(node.body, language, terms_in)
        elif isinstance(node, Section):
            out += [f"{'#' * node.level} {node.title}", ""]
            out += _nodes(node.body, language, terms_in)
        elif isinstance(node, Turn):
            out += _turn(node, language, terms_in)
    return out


def _turn(turn: Turn, language: str, terms_in) -> list[str]:
    out: list[str] = []
    prefix = label(turn.label, language) if turn.label is not None else ""
    for index, chunk in enumerate(turn.chunks):
        if chunk.kind in _VERBATIM:
            if index == 0 and prefix:
                out += [prefix.rstrip(), ""]
            out += [*chunk.lines, ""]
            continue
        out += _comment(list(chunk.lines), terms_in)
        first = prefix if index == 0 else ""
        out += [first + _placeholder(" ".join(chunk.lines), chunk), ""]
    return out


def _placeholder(text: str, chunk: Chunk | None = None) -> str:
    """What the translator replaces: "…", with the text's addresses kept."""
    urls = _URL.findall(text)
    marker = "- " if chunk is not None and chunk.kind.endswith("_list") else ""
    return marker + " ".join(["…", *urls])


def _comment(lines: list[str], terms_in) -> list[str]:
    text = " ".join(lines)
    terms = terms_in(text)
    out = [SOURCE_OPEN, *(line.replace("-->", "-- >") for line in lines)]
    if terms:
        out.append("terms: " + " · ".join(f"{written} = {name}" for written, name in terms))
    return [*out, COMMENT_CLOSE, ""]
