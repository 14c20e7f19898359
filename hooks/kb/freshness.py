"""Whether a translation still translates its source: fingerprints of topics.

A translation records, beside itself (``20231112.en.yml``), a fingerprint
of each source topic's text as it was when the translation was brought up
to date (``python -m kb.translation mark``)::

    # What each topic of 20231112.en.md translates (python -m kb.translation mark).
    translates:
      knowledge-updates: 3f9a1c2b7e4d

When the source topic's text changes, its fingerprint does, and the
translated topic is outdated: its page says so, ``/translations/`` lists it
as outdated and ``python -m kb.lint`` warns. Only the topic's own words
count: whitespace, blank lines and lines of other topics change nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator

from . import yamlfile
from .model import Digest, Problem, Topic

RECORD_SUFFIX = ".yml"
_SPACES = re.compile(r"\s+")


def fingerprint(lines: list[str]) -> str:
    """A short hash of ``lines`` without any whitespace: spaces added, a line
    re-wrapped or a blank line change nothing; a word changed does."""
    return hashlib.sha256(_SPACES.sub("", "".join(lines)).encode("utf-8")).hexdigest()[:12]


def topic_lines(digest: Digest, source_lines: list[str]) -> Iterator[tuple[Topic, list[str]]]:
    """Each topic of ``digest`` with its source lines, heading to the next topic."""
    for topic, start, end in digest.topic_spans(len(source_lines)):
        yield topic, source_lines[start - 1 : end - 1]


def fingerprints(digest: Digest, source_lines: list[str]) -> dict[str, str]:
    """Each topic's fingerprint, by slug."""
    return {topic.slug: fingerprint(lines) for topic, lines in topic_lines(digest, source_lines)}


def parse_record(text: str, path: str) -> tuple[dict[str, str], list[Problem]]:
    """What a translation's record says it translates: fingerprints by slug."""
    data, problems = yamlfile.load(text, path)
    if problems or data is None:
        return {}, problems
    record = data.get("translates") if isinstance(data, dict) else None
    if not isinstance(record, dict) or set(data) - {"translates", yamlfile.LINE}:
        problems.error(
            "KB305",
            path,
            1,
            "a translation's record holds 'translates': the fingerprint of each topic",
            "write it with: python -m kb.translation mark docs/notes/<the source note>",
        )
        return {}, problems
    return {str(slug): str(value) for slug, value in record.items() if slug != yamlfile.LINE}, []


def record_text(source_name: str, translation_name: str, prints: dict[str, str]) -> str:
    """The record :func:`parse_record` reads, for ``prints``."""
    lines = [
        f"# What each topic of {translation_name} translates: a fingerprint of the text of",
        f"# {source_name}'s topic when the translation was last brought up to date.",
        f"# Written by: python -m kb.translation mark docs/notes/{source_name}",
        "translates:",
    ]
    lines += [f"  {slug}: {value!r}".replace("'", '"') for slug, value in prints.items()]
    return "\n".join(lines) + "\n"


def outdated(record: dict[str, str], current: dict[str, str], translated: set[str]) -> set[str]:
    """The translated topics whose source changed since the record was made."""
    return {
        slug
        for slug in translated
        if slug in record and slug in current and record[slug] != current[slug]
    }
