"""One build's state: what it read, what it started, what each language shows.

A :class:`Build` is made by the first language's ``on_config`` and dropped
when that language's build ends (every other language has been built by
then): ``mkdocs serve`` keeps the hook loaded, so nothing may outlive a
build. A later language built in the same process reuses the notes the
first read (they cannot change in between) with a :class:`LanguageRun` of
its own.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from kb import analysis, archive, history
from kb.crosslinks import CrossLinks
from kb.edition import Context, Edition
from kb.model import Problem, Severity
from kb.related import TopicKey
from kb.sitepages import DATA_FOLDER, NOTES_FOLDER, page_context
from kb_mkdocs.held_content import HeldContent
from kb_mkdocs.i18n_glue import Languages, RootPages
from kb_mkdocs.language_builds import LanguageBuilds
from kb_mkdocs.search_pool import SearchPool
from kb_mkdocs.term_mentions import TermMentions

log = get_plugin_logger("kb")


@dataclass
class Build:
    sources: archive.Sources
    updated: dict[str, datetime.date]  # each note's last change, from git
    root: Path
    first: str  # the language whose build made this one; it ends with that build
    # A worker's build: its channel to the default build, which read the
    # notes (and reports on them) and indexes the worker's pages.
    channel: Connection | None = None
    search_pool: SearchPool | None = None
    language_builds: LanguageBuilds | None = None
    root_pages: RootPages = field(default_factory=RootPages)

    @functools.cached_property
    def newest(self) -> datetime.date:
        """The date of the newest content: a digest's date, or a note's last change."""
        dates = [digest.date for digest in self.sources.archive.digests if digest.date]
        dates += list(self.updated.values())
        return max(dates, default=datetime.date(1970, 1, 1))

    def close(self) -> None:
        """Whatever it started ends with it."""
        if self.language_builds is not None:
            self.language_builds.close()
        if self.search_pool is not None:
            self.search_pool.close()


@dataclass
class CurrentPage:
    """The page being rendered, for the Markdown extensions (which get no page).

    MkDocs renders a page's Markdown right after its ``on_page_markdown``,
    where :meth:`enter` is called; ``on_page_content`` leaves it.
    """

    edition: Edition  # which pages show a note, and which a topic
    page: Page | None = None
    files: Files | None = None
    _urls: dict[str, str | None] = field(default_factory=dict)  # of this page's links

    def enter(self, page: Page, files: Files) -> None:
        self.page, self.files, self._urls = page, files, {}

    def leave(self) -> None:
        self.page, self.files, self._urls = None, None, {}

    @property
    def src_uri(self) -> str | None:
        return None if self.page is None else self.page.file.src_uri

    @property
    def shows_a_note(self) -> bool:
        return self.src_uri in self.edition.note_pages

    @property
    def topic(self) -> TopicKey | None:
        """The topic this page shows, if it is a topic's page."""
        src_uri = self.src_uri
        return None if src_uri is None else self.edition.topic_pages.get(src_uri)

    def url_of(self, src_uri: str) -> str | None:
        """The URL of the page made from ``src_uri``, relative to this page."""
        if self.page is None or self.files is None:
            return None
        if src_uri not in self._urls:
            target = self.files.get_file_from_path(src_uri)
            self._urls[src_uri] = (
                None if target is None else get_relative_url(target.url, self.page.url)
            )
        return self._urls[src_uri]


@dataclass
class LanguageRun:
    """What one language's build shows, computed once when it starts."""

    languages: Languages
    edition: Edition
    links: CrossLinks
    context: Context
    page: CurrentPage
    mentions: TermMentions = field(default_factory=TermMentions)
    held: HeldContent = field(default_factory=HeldContent)  # note pages' HTML, compressed
    dates: dict[str, str] = field(default_factory=dict)  # each note page's last change
    # Each graph node's page URL and fragment (None: no page), as first drawn.
    node_urls: dict[str, tuple[str, str] | None] = field(default_factory=dict)


def project_root(config: MkDocsConfig) -> Path:
    """The folder of ``mkdocs.yml``: the notes' paths (and git's) are relative to it."""
    return Path(config.config_file_path).parent


def text_folders(config: MkDocsConfig) -> tuple[Path, Path]:
    """The folders of the files every page's text comes from: the notes, and the data files."""
    return Path(config.docs_dir), project_root(config) / DATA_FOLDER


def read(config: MkDocsConfig, langs: Languages) -> Build:
    """This build's notes and data, read and checked; their problems reported."""
    root = project_root(config)
    notes = Path(config.docs_dir) / NOTES_FOLDER
    loaded = archive.load(
        notes, root / DATA_FOLDER, source_language=langs.default, languages=langs.all, root=root
    )
    sources = analysis.analyse(loaded, langs.default)
    report(sources.problems)
    if sources.errors:
        raise PluginError(
            f"{len(sources.errors)} error(s) in the notes or data files; see the messages above."
        )
    return Build(sources, history.last_changed(notes, root), root, langs.current)


def run(config: MkDocsConfig, build: Build, langs: Languages) -> LanguageRun:
    sources = build.sources
    edition = Edition.of(sources, langs.current)
    context = page_context(sources, langs.current, config.extra["repository"], build.updated)
    page = CurrentPage(edition)
    dates = {
        path: day.isoformat()
        for path, day in edition.page_dates(build.updated, build.newest).items()
    }
    return LanguageRun(langs, edition, CrossLinks.of(sources, edition), context, page, dates=dates)


def build_timestamp(build: Build, given: str | None) -> int:
    """What the compressed sitemap is stamped with: the date of the newest
    content, which keeps two builds of the same sources identical (not the
    clock's, as MkDocs would). A ``SOURCE_DATE_EPOCH`` given by whoever runs
    the build wins."""
    if given is not None:
        return int(given)
    midnight = datetime.datetime.combine(build.newest, datetime.time(), datetime.UTC)
    return int(midnight.timestamp())


def report(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        if problem.severity is Severity.ERROR:
            log.error(str(problem))
        elif problem.severity is Severity.WARNING:
            log.warning(str(problem))
        else:
            log.info(str(problem))
