"""What the hook modules share: the languages being built and this build's sources.

Not a hook itself. MkDocs does not reload hook modules under ``mkdocs serve``,
so nothing here outlives a build: :func:`begin` reads the notes afresh at the
start of every build. The languages after the first are built from inside
the first one's build (by mkdocs-static-i18n, or by :mod:`parallel`) and
reuse what it read: the notes cannot change in between.
"""

from __future__ import annotations

import ctypes
import datetime
import functools
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

from markdown.extensions import Extension
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from kb import archive, history, render
from kb.model import Problem, Severity

log = get_plugin_logger("kb")

NOTES_FOLDER = "notes"
PARALLEL_SWITCH = "KB_PARALLEL"
DATA_FOLDER = "data"


@dataclass(frozen=True)
class Languages:
    current: str
    default: str
    all: tuple[str, ...]  # configured: notes may be written in these
    built: tuple[str, ...]  # the ones this build makes pages in

    @property
    def is_default(self) -> bool:
        return self.current == self.default

    @property
    def translations(self) -> tuple[str, ...]:
        """The languages notes are translated into, of those built."""
        return tuple(language for language in self.built if language != self.default)


@dataclass(frozen=True)
class Build:
    sources: archive.Sources
    languages: Languages
    root: Path
    updated: dict[str, datetime.date]
    owner: object  # the i18n plugin of the build that read the sources

    @functools.cached_property
    def topic_pages(self) -> frozenset[str]:
        """The source paths of the topic pages, the only pages that get links."""
        return frozenset(
            render.topic_path(digest, topic)
            for digest in self.sources.archive.digests
            for topic in digest.topics
        )

    @functools.cached_property
    def note_pages(self) -> frozenset[str]:
        """Topic pages and digest pages: every page showing a note's own text."""
        return self.topic_pages | {
            render.digest_path(digest) for digest in self.sources.archive.digests
        }


_build: Build | None = None
# A SOURCE_DATE_EPOCH given by whoever runs the build wins over the content's.
_GIVEN_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")


def languages(config: MkDocsConfig) -> Languages:
    """The language of this build.

    mkdocs-static-i18n builds the other languages from inside the default
    language's ``on_post_build`` and leaves ``current_language`` at the last
    one; while it is not ``building`` another language, the build is the
    default language's.
    """
    i18n = config.plugins["i18n"]
    current = i18n.current_language if i18n.building else i18n.default_language
    return Languages(
        current, i18n.default_language, tuple(i18n.all_languages), tuple(i18n.build_languages)
    )


def parallel_enabled() -> bool:
    """Whether work may be forked off: ``fork`` exists, there is a second CPU,
    and ``KB_PARALLEL`` is not ``0``."""
    if os.environ.get(PARALLEL_SWITCH, "1") == "0":
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    return len(os.sched_getaffinity(0)) > 1 if hasattr(os, "sched_getaffinity") else True


def _read(config: MkDocsConfig) -> tuple[archive.Sources, dict[str, datetime.date]]:
    langs = languages(config)
    root = Path(config.config_file_path).parent
    notes = Path(config.docs_dir) / NOTES_FOLDER
    sources = archive.load(
        notes, root / DATA_FOLDER, source_language=langs.default, languages=langs.all, root=root
    )
    return sources, history.last_changed(notes, root)


def die_with(parent: int) -> None:
    """In a forked child: end when ``parent`` does, however it ends.

    A build killed outright (SIGKILL) runs none of its clean-up, and a child
    left behind keeps the inherited pipes and the terminal open (so
    ``mkdocs build | tail`` never returns). Linux ends the child with its
    parent (``PR_SET_PDEATHSIG``); elsewhere a thread watches the parent.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        set_death_signal = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    except (OSError, AttributeError):
        set_death_signal = False
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the signal was asked for
    if not set_death_signal:
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()


_PR_SET_PDEATHSIG = 1


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def begin(config: MkDocsConfig) -> Build:
    """This build's notes, read and checked; their problems reported.

    A later language's build reuses the first language's reading: it runs
    inside the same ``mkdocs build`` (i18n is ``building`` it). A new
    build, as each rebuild of ``mkdocs serve`` is, reads everything again.
    """
    global _build
    langs = languages(config)
    i18n = config.plugins["i18n"]
    if _build is not None and i18n.building and _build.owner is i18n:
        _build = replace(_build, languages=langs)
        return _build
    sources, updated = _read(config)
    report(sources.problems)
    if sources.errors:
        raise PluginError(
            f"{len(sources.errors)} error(s) in the notes or data files; see the messages above."
        )
    _build = Build(sources, langs, Path(config.config_file_path).parent, updated, i18n)
    if _GIVEN_EPOCH is None:
        # MkDocs stamps the compressed sitemap with the build time: the date of
        # the newest content keeps two builds of the same sources identical.
        os.environ["SOURCE_DATE_EPOCH"] = str(_epoch(newest(_build)))
    return _build


def newest(build: Build) -> datetime.date:
    """The date of the newest content: a digest's date, or a note's last change."""
    dates = [digest.date for digest in build.sources.archive.digests if digest.date]
    dates += list(build.updated.values())
    return max(dates, default=datetime.date(1970, 1, 1))


def _epoch(day: datetime.date) -> int:
    return int(datetime.datetime.combine(day, datetime.time(), datetime.UTC).timestamp())


def render_context(config: MkDocsConfig, build: Build) -> render.Context:
    """What the renderers need for pages in the language being built."""
    language = build.languages.current
    return render.Context(
        language=language,
        messages=build.sources.messages[language],
        tags=build.sources.tags,
        translate_url=f"{config.extra['repository']}/blob/main/CONTRIBUTING.md#translating",
        updated=build.updated,
        source_url=f"{config.extra['repository']}/blob/main/docs/{NOTES_FOLDER}",
        editor_notes=build.sources.editor_notes,
    )


def install(config: MkDocsConfig, extension: Extension) -> None:
    """Add a Markdown extension for this build, replacing the previous build's one.

    The extension list lives on the config object, which every language's
    build shares.
    """
    config.markdown_extensions[:] = [
        existing
        for existing in config.markdown_extensions
        if not isinstance(existing, type(extension))
    ]
    config.markdown_extensions.append(extension)


def url_from(page: Page, files: Files, src_uri: str) -> str | None:
    """The URL of the page made from ``src_uri``, relative to ``page`` (for links in it)."""
    target = files.get_file_from_path(src_uri)
    return None if target is None else get_relative_url(target.url, page.url)


def current() -> Build:
    if _build is None:
        raise PluginError("the content hook must run before the other project hooks")
    return _build


def report(problems: tuple[Problem, ...] | list[Problem]) -> None:
    for problem in problems:
        if problem.severity is Severity.ERROR:
            log.error(str(problem))
        elif problem.severity is Severity.WARNING:
            log.warning(str(problem))
        else:
            log.info(str(problem))
