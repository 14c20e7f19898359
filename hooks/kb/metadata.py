"""Optional metadata beside a digest (``YYYYMMDD.yml``) and the tag vocabulary.

A digest's sidecar freezes the URLs of published topics and lists their tags;
a note whose file name is not a date (``compression.md``) can give its date,
and any note the language it is written in, when its prose would say
otherwise (see :mod:`kb.language`)::

    date: 2023-10-22                  # optional
    language: en                      # optional
    topics:
      - title: 如何实现知识更新        # the heading this entry belongs to
        slug: knowledge-updates       # published URL part; never change it
        tags: [knowledge-updating, rag]
        aliases: [知识更新]            # other names other topics use for it
        summary:                      # the site's one line on what it concluded
          zh: 继续预训练并回放旧数据是基线……
          en: "Continued pretraining with replay of old data is the baseline…"
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from . import yamlfile
from .model import Problem
from .slugs import is_slug

_SIDECAR = "see docs/notes/20231112.yml for the shape of a digest's .yml"
_TAGS_HINT = "each tag is a mapping: id: …, with a line zh: … and a line en: …"


@dataclass(frozen=True)
class TopicMeta:
    title: str
    slug: str
    tags: tuple[str, ...]
    line: int
    aliases: tuple[str, ...] = ()
    summary: dict[str, str] = field(default_factory=dict)  # the site's words, by language


@dataclass(frozen=True)
class DigestMeta:
    path: str
    topics: tuple[TopicMeta, ...]
    date: datetime.date | None = None
    language: str | None = None


@dataclass(frozen=True)
class Tag:
    id: str
    names: dict[str, str]

    def name(self, language: str) -> str:
        return self.names[language]


def parse_sidecar(text: str, path: str) -> tuple[DigestMeta, list[Problem]]:
    data, problems = yamlfile.load(text, path)
    if data is None and not problems:
        return DigestMeta(path, ()), []
    if problems:
        return DigestMeta(path, ()), problems

    def error(line: int, message: str, hint: str) -> None:
        problems.error("KB202", path, line, message, hint)

    if not isinstance(data, dict):
        error(yamlfile.line_of(data), "expected a mapping with a list under 'topics'", _SIDECAR)
        return DigestMeta(path, ()), problems
    date, language = data.get("date"), data.get("language")
    if date is not None and not isinstance(date, datetime.date):
        error(yamlfile.line_of(data), f"date {date!r} is not a date", "write it as 2023-10-22")
        date = None
    if language is not None and not (isinstance(language, str) and language.isalpha()):
        error(yamlfile.line_of(data), f"language {language!r} is not a language code", "e.g. en")
        language = None
    entries = data.get("topics", [])
    if not isinstance(entries, list):
        error(yamlfile.line_of(data), "expected a list under 'topics'", _SIDECAR)
        return DigestMeta(path, (), date, language), problems
    topics: list[TopicMeta] = []
    seen: dict[str, int] = {}
    for entry in entries:
        line = yamlfile.line_of(entry)
        if not isinstance(entry, dict):
            error(line, "each topic entry must be a mapping with 'title' and 'slug'", _SIDECAR)
            continue
        title, slug, tags = entry.get("title"), entry.get("slug"), entry.get("tags", [])
        if not isinstance(title, str) or not title.strip():
            error(
                line,
                "topic entry without a 'title' (the heading it belongs to)",
                "copy the topic's '## ' heading into 'title'",
            )
            continue
        if not isinstance(slug, str) or not is_slug(slug):
            error(
                line,
                f"slug {slug!r} is not lowercase ASCII words joined by '-'",
                "use letters, digits and hyphens, e.g. 'knowledge-updates'",
            )
            continue
        if slug in seen:
            error(
                line,
                f"slug '{slug}' is also given on line {seen[slug]}",
                "each topic of a digest needs a slug of its own",
            )
            continue
        if not isinstance(tags, list) or not all(isinstance(tag, str) for tag in tags):
            error(line, "'tags' must be a list of tag ids", "write tags: [training, rag]")
            continue
        seen[slug] = line
        aliases = entry.get("aliases", [])
        if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
            error(line, "'aliases' must be a list of names", "write aliases: [名字, name]")
            continue
        summary = entry.get("summary") or {}
        if not isinstance(summary, dict) or not all(
            isinstance(text, str) for key, text in summary.items() if key != yamlfile.LINE
        ):
            error(
                line,
                "'summary' must map each language to one line of text",
                "write summary: with a line zh: … and a line en: … under it",
            )
            continue
        summary = {key: text.strip() for key, text in summary.items() if key != yamlfile.LINE}
        topics.append(TopicMeta(title.strip(), slug, tuple(tags), line, tuple(aliases), summary))
    return DigestMeta(path, tuple(topics), date, language), problems


def parse_tags(
    text: str, path: str, languages: tuple[str, ...]
) -> tuple[dict[str, Tag], list[Problem]]:
    """The controlled tag vocabulary: a list of ``{id, <language>: name, ...}``."""
    data, problems = yamlfile.load(text, path)
    tags: dict[str, Tag] = {}
    if problems:
        return tags, problems
    if not isinstance(data, list):
        problems.error("KB203", path, 1, "expected a list of tags", _TAGS_HINT)
        return tags, problems
    for entry in data:
        line = yamlfile.line_of(entry)
        tag_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(tag_id, str) or not is_slug(tag_id):
            problems.error(
                "KB203",
                path,
                line,
                f"tag id {tag_id!r} is not a slug",
                "use lower-case letters, digits and '-' (a tag's id is in its URL)",
            )
            continue
        if tag_id in tags:
            problems.error(
                "KB203", path, line, f"duplicate tag id '{tag_id}'", "remove one of the two entries"
            )
            continue
        missing = [language for language in languages if not isinstance(entry.get(language), str)]
        if missing:
            problems.error(
                "KB203",
                path,
                line,
                f"tag '{tag_id}' has no name in {', '.join(missing)}",
                _TAGS_HINT,
            )
            continue
        tags[tag_id] = Tag(tag_id, {language: entry[language] for language in languages})
    return tags, problems
