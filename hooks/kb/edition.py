"""The archive as one language's pages show it: each language's view, made once.

A digest is shown in a language in its translation into that language, and
in its own text until it has one (under the not-translated notice). The
feed, the cross-links, the paper index and the glossary all need to know
which text that is, under which title, at which path, citing what; an
:class:`Edition` answers once per build and language.

In the code, *shown* means that and only that: the text a language's page
shows (the translation, or the original under a notice). A translation that
may be missing is *translated* (``None`` where there is none).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field

from .archive import Sources
from .editornotes import Placed
from .messages import Messages
from .metadata import Tag
from .model import Archive, Digest, Topic
from .papers import Citation, citations, paper_matcher
from .paths import digest_path, topic_path
from .related import TopicKey
from .writing import plain_text


@dataclass(frozen=True)
class Context:
    """What every page of one language needs to know."""

    language: str
    messages: Messages
    tags: dict[str, Tag]
    translate_url: str
    updated: dict[str, datetime.date] = field(default_factory=dict)
    source_url: str = ""  # the notes folder on the forge, for links to a line
    editor_notes: dict[str, tuple[Placed, ...]] = field(default_factory=dict)  # by digest id

    def last_updated(self, digest: Digest) -> str:
        """When the file behind a page last changed (git), else the digest's date."""
        date = self.updated.get(digest.path, digest.date)
        if date is None:
            return self.messages("page.undated")
        return self.messages("page.updated", date=date.isoformat())


@dataclass(frozen=True)
class Edition:
    language: str
    archive: Archive  # the notes as written
    shown: Archive  # the text each digest's pages show, in the archive's order
    cited: Mapping[str, tuple[Citation, ...]]  # of each shown text, by digest id

    @classmethod
    def of(cls, sources: Sources, language: str) -> Edition:
        archive = sources.archive
        shown = Archive(tuple(archive.translation(d, language) or d for d in archive.digests))
        matcher = paper_matcher(sources.papers)
        cited = {
            digest.id: sources.citations[digest.id]
            if text is digest
            else tuple(citations(text, matcher))
            for digest, text in zip(archive.digests, shown.digests, strict=True)
        }
        return cls(language, archive, shown, cited)

    def translated(self, digest: Digest) -> Digest | None:
        """``digest`` in this language: itself if written in it, else its
        translation; None where it has none (its pages show the original
        under a notice)."""
        return self.archive.translation(digest, self.language)

    def translated_topic(self, digest: Digest, topic: Topic) -> Topic | None:
        """``topic`` in this language (:meth:`translated`), None where it has no text in it."""
        shown = self.translated(digest)
        return shown.topic(topic.slug) if shown else None

    def title(self, digest: Digest, topic: Topic) -> str:
        """``topic``'s title as a reader sees it on its page, plain text."""
        return self.topic_titles[TopicKey(digest.id, topic.slug)]

    def text(self, digest: Digest) -> Digest:
        """The text ``digest``'s pages show in this language."""
        return self.shown.digests[self._index[digest.id]]

    def topic_text(self, digest: Digest, topic: Topic) -> Topic:
        """``topic`` as this language's page shows it (a translation pairs by slug)."""
        return self.text(digest).topic(topic.slug) or topic

    @functools.cached_property
    def _index(self) -> dict[str, int]:
        return {digest.id: i for i, digest in enumerate(self.archive.digests)}

    @functools.cached_property
    def topic_titles(self) -> dict[TopicKey, str]:
        """Each topic's title as a reader sees it on its page, plain text."""
        return {
            TopicKey(digest.id, topic.slug): plain_text(self.topic_text(digest, topic).title)
            for digest in self.archive.digests
            for topic in digest.topics
        }

    @functools.cached_property
    def topic_pages(self) -> dict[str, TopicKey]:
        """The source path of each topic page (the same in every language)."""
        return {
            topic_path(digest, topic): TopicKey(digest.id, topic.slug)
            for digest in self.archive.digests
            for topic in digest.topics
        }

    @functools.cached_property
    def note_pages(self) -> frozenset[str]:
        """Topic pages and digest pages: every page showing a note's own text."""
        return frozenset(self.topic_pages) | {
            digest_path(digest) for digest in self.archive.digests
        }

    def page_dates(
        self, updated: Mapping[str, datetime.date], newest: datetime.date
    ) -> dict[str, datetime.date]:
        """Each note page's last change: its shown text's file's, else its date, else ``newest``."""
        dates = {}
        for digest in self.archive.digests:
            text = self.text(digest)
            day = updated.get(text.path) or text.date or newest
            dates[digest_path(digest)] = day
            for topic in digest.topics:
                dates[topic_path(digest, topic)] = day
        return dates
