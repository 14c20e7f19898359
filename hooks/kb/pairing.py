"""Pairing a translation with its source digest, topic by topic.

Topics pair by slug (the ``{#slug}`` after each translated heading), never
by position alone. Inside a topic, the discussion must have the same shape:
the same threads, ``###`` items and labelled turns, in the same order. The
translation then takes the source's anchors, so ``#q2`` or a ``###`` item's
anchor is the same place in both languages.
"""

from __future__ import annotations

from dataclasses import replace

from .model import Digest, Node, Problem, ProblemLog, Section, Thread, Topic, Turn


def shape(nodes: tuple[Node, ...], depth: int = 0) -> list[str]:
    """The labelled skeleton of a topic: ``question thread``, ``  speaker 2``…

    Indentation is nesting, so a thread inside a ``###`` item never pairs
    with a thread after it.
    """
    skeleton = []
    indent = "  " * depth
    for node in nodes:
        if isinstance(node, Thread):
            skeleton.append(f"{indent}{node.label.role.value} thread")
            skeleton += shape(node.body, depth + 1)
        elif isinstance(node, Section):
            skeleton.append(f"{indent}### item")
            skeleton += shape(node.body, depth + 1)
        elif node.label is not None:
            number = f" {node.label.speaker}" if node.label.speaker else ""
            skeleton.append(f"{indent}{node.label.role.value}{number}")
    return skeleton


def align(
    source: Digest, translation: Digest, pending: frozenset[str] = frozenset()
) -> tuple[Digest, list[Problem]]:
    """The translation with the source's anchors, and every way the two drift
    apart; the topics ``pending`` in a scaffold (:mod:`kb.scaffold`) are
    untranslated on purpose, not drift."""
    problems = ProblemLog()

    # Drift is a warning, so `mkdocs serve` keeps working while a translation
    # is brought up to date, and strict builds (CI) fail: a missing topic is
    # shown in the source language under the "not translated" notice, a
    # reshaped one with its own anchors.
    def warn(line: int, code: str, message: str, hint: str) -> None:
        problems.warning(code, translation.path, line, message, hint)

    def error(line: int, code: str, message: str, hint: str) -> None:
        problems.error(code, translation.path, line, message, hint)

    by_slug = {topic.slug: topic for topic in translation.topics}
    source_slugs = [topic.slug for topic in source.topics]
    for topic in source.topics:
        if topic.slug not in by_slug and topic.slug not in pending:
            warn(
                1,
                "KB301",
                f"topic '{topic.slug}' ({topic.title}, {source.path}:{topic.line}) "
                "is not translated",
                f"add '## <translated title> {{#{topic.slug}}}' with its translation",
            )
    for topic in translation.topics:
        if topic.slug not in source_slugs:
            error(
                topic.line,
                "KB302",
                f"'{topic.title}' has the slug '{topic.slug}', which no topic of {source.path} has",
                f"end the heading with the source topic's slug: {', '.join(source_slugs)}",
            )
    paired = [slug for slug in source_slugs if slug in by_slug]
    in_translation = [topic.slug for topic in translation.topics if topic.slug in source_slugs]
    if paired != in_translation:
        warn(
            1,
            "KB303",
            "topics are not in the order of the source",
            f"order them as in {source.path}: {', '.join(paired)}",
        )

    aligned: list[Topic] = []
    for topic in translation.topics:
        original = source.topic(topic.slug)
        if original is None:
            continue
        theirs, ours = shape(original.body), shape(topic.body)
        if theirs != ours:
            warn(
                topic.line,
                "KB304",
                f"'{topic.title}' differs from its source ({source.path}:{original.line}): "
                f"{_difference(theirs, ours)}",
                "keep every thread, ### item and labelled turn of the source, in order",
            )
            aligned.append(topic)
            continue
        aligned.append(
            replace(topic, body=_with_anchors(topic.body, original.body), tags=original.tags)
        )
    return replace(translation, topics=tuple(aligned)), problems


def _difference(theirs: list[str], ours: list[str]) -> str:
    for index, (expected, found) in enumerate(zip(theirs, ours, strict=False), start=1):
        if expected != found:
            return f"element {index} is '{found.strip()}', the source has '{expected.strip()}'"
    if len(theirs) > len(ours):
        missing = theirs[len(ours)].strip()
        return f"{len(theirs) - len(ours)} element(s) missing, from '{missing}' on"
    return f"{len(ours) - len(theirs)} element(s) more, from '{ours[len(theirs)].strip()}' on"


def _with_anchors(nodes: tuple[Node, ...], originals: tuple[Node, ...]) -> tuple[Node, ...]:
    """``nodes`` with the anchors of the structurally identical ``originals``."""
    skeleton = [node for node in originals if not isinstance(node, Turn)]
    result: list[Node] = []
    position = 0
    for node in nodes:
        if isinstance(node, Turn):
            result.append(node)
            continue
        original = skeleton[position]
        position += 1
        result.append(
            replace(node, anchor=original.anchor, body=_with_anchors(node.body, original.body))
        )
    return tuple(result)
