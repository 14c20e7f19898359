"""Material's search index, made in a child process while the pages render.

Not a hook itself; ``search.py`` uses it. To index a page, Material's search
plugin parses its HTML once more and cuts its Chinese into words with jieba,
after loading jieba's dictionary: a fifth to a third of a build, all of it in
the process that renders the pages. Here one child process, forked when the
build starts, loads the dictionary and indexes the pages of every language
while the builds render them: each language's build sends its pages over its
own pipe and gets back the entries Material's own ``SearchIndex`` made of
them, so the index is the one Material would have written (its word breaks
compacted, :class:`CompactSearchIndex`, as they are without the child).

Without ``fork``, on one CPU or with ``KB_PARALLEL=0`` (``glue.parallel_enabled``),
the search plugin indexes in the build's process, as it does by default.
"""

from __future__ import annotations

import contextlib
import functools
import marshal
import multiprocessing
import os
import queue
import threading
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, BinaryIO

from material.plugins.search.plugin import SearchIndex
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

import glue
from kb import searchindex

# What Material's SearchIndex reads from page.meta; the rest may not pickle.
_META_READ = ("search", "title", "tags", searchindex.SEARCH_TERMS, searchindex.SEARCH_TITLE_TERMS)


@dataclass(frozen=True)
class PageToIndex:
    """What ``SearchIndex.add_entry_from_context`` reads of a page."""

    url: str
    title: str | None
    meta: dict[str, Any]
    toc: TableOfContents
    content: str

    @classmethod
    def of(cls, page: Page) -> PageToIndex:
        meta = {key: page.meta[key] for key in _META_READ if key in page.meta}
        return cls(page.url, page.title, meta, page.toc, page.content or "")


@dataclass
class _Server:
    owner: object  # the i18n plugin of the build that started it
    process: multiprocessing.process.BaseProcess
    channels: dict[str, Connection]  # the builds' ends, by language
    parent: int  # the process that started it, the only one that may stop it


_server: _Server | None = None


def start(config: MkDocsConfig, languages: Iterable[str], default: str) -> None:
    """Fork the indexing process for this build's languages (its first is the default).

    Each language's build (in this process or in a child of it, ``parallel.py``)
    then takes its index from :func:`index_for`.
    """
    global _server
    stop()
    fork = multiprocessing.get_context("fork")
    ours: dict[str, Connection] = {}
    theirs: dict[str, Connection] = {}
    for language in languages:
        ours[language], theirs[language] = fork.Pipe(duplex=True)
    process = fork.Process(
        target=_serve,
        args=(theirs, default, os.getpid()),
        name="mkdocs-search-index",
        daemon=True,
    )
    process.start()
    for channel in theirs.values():
        channel.close()
    _server = _Server(config.plugins["i18n"], process, ours, os.getpid())


def index_for(config: MkDocsConfig, language: str) -> SearchIndex:
    """The index of ``language``'s pages: made by the child, if this build
    started one, else here."""
    search = config.plugins["material/search"]
    if _server is None or _server.owner is not config.plugins["i18n"]:
        return CompactSearchIndex(**search.config)
    return RemoteSearchIndex(_server.channels[language], **search.config)


def stop() -> None:
    """The build is over, or has failed: its indexing process must not outlive it."""
    global _server
    if _server is None:
        return
    if _server.parent == os.getpid():
        _server.process.terminate()
        _server.process.join()
    for channel in _server.channels.values():
        channel.close()
    _server = None


class CompactSearchIndex(SearchIndex):
    """Material's index, its entries' word breaks compacted as they are made
    (``kb.searchindex.compact_word_breaks``)."""

    def add_words(self, words: list[str]) -> None:
        """Words for jieba's dictionary, which this process cuts with."""
        jieba = load_jieba()
        for word in words:
            jieba.add_word(word)

    def add_entry_from_context(self, page: Page | PageToIndex) -> None:
        made = len(self.entries)
        super().add_entry_from_context(page)
        self.entries[made:] = [searchindex.compact_entry(entry) for entry in self.entries[made:]]

    def create_entry_for_section(self, section, toc, url, page) -> None:
        """The section's text, then the field's words for the terms it mentions,
        before Material cuts it into words."""
        by_anchor = page.meta.get(searchindex.SEARCH_TERMS) or {}
        # Material gives the page's first section (under its h1) no id.
        anchor = section.id or (toc.items[0].id if toc and toc.items else "")
        words = searchindex.missing_words(by_anchor.get(anchor, ()), "".join(section.text))
        if words:
            section.text.append(" " + words)
        named = (page.meta.get(searchindex.SEARCH_TITLE_TERMS) or {}).get(anchor, ())
        gloss = searchindex.gloss(named, "".join(section.title))
        if gloss:
            section.title.append(gloss)
        super().create_entry_for_section(section, toc, url, page)


class RemoteSearchIndex(SearchIndex):
    """Material's index, whose pages are indexed by the child process.

    Each page is sent as it renders. The entries are fetched when first read
    (by the search plugin's ``on_post_build``, or mkdocs-static-i18n's):
    every page has been sent then.
    """

    def __init__(self, channel: Connection, **config: Any) -> None:
        self._channel = channel
        self._sent = False
        self._received: list[dict[str, Any]] = []
        super().__init__(**config)

    def add_words(self, words: list[str]) -> None:
        """Words for the child's jieba dictionary, before any page."""
        self._channel.send(words)

    def add_entry_from_context(self, page: Page) -> None:
        # If the child has stopped, reading the entries says why.
        with contextlib.suppress(OSError):
            self._channel.send(PageToIndex.of(page))
        self._sent = True

    @property
    def entries(self) -> list[dict[str, Any]]:
        if self._sent:
            self._sent = False
            try:
                self._channel.send(None)
                reply = self._channel.recv()
            except (EOFError, OSError):
                reply = "the search indexing process stopped without a word"
            if isinstance(reply, str):
                raise PluginError(f"hooks/indexer.py: {reply}")
            self._received.extend(reply)
        return self._received

    @entries.setter
    def entries(self, entries: list[dict[str, Any]]) -> None:
        self._received = entries


class _RememberingCutter:
    """jieba as Material's indexer calls it, cutting each run of Chinese once.

    A page not translated yet is shown in every language with the default
    language's text: its runs of Chinese come again, and cutting is most of
    the indexing. jieba's cut depends only on the text and the dictionary,
    which does not change during the build.
    """

    def __init__(self, jieba: Any) -> None:
        self.cut = functools.lru_cache(maxsize=None)(lambda text: tuple(jieba.cut(text)))


class _WholeFileMarshal:
    """``marshal`` for jieba's dictionary cache, read in one piece.

    jieba loads its 9 MB cache with ``marshal.load(file)``, which reads the
    file a few bytes at a time: 0.65 s here, against 0.2 s for ``marshal.loads``
    of the whole file, with the same dictionary. Those two are jieba's only
    calls to ``marshal``.
    """

    dump = staticmethod(marshal.dump)

    @staticmethod
    def load(file: BinaryIO) -> Any:
        return marshal.loads(file.read())


def load_jieba() -> Any:
    """jieba, its dictionary loaded (the search plugin cuts Chinese with it)."""
    import jieba

    jieba.marshal = _WholeFileMarshal
    jieba.initialize()
    return jieba


def _serve(channels: dict[str, Connection], default: str, parent: int) -> None:
    """In the child: load jieba, then index each language's pages as they come.

    Each channel is read by a thread of its own into one inbox, so that no
    build waits on a full pipe while a long page (the glossary, the paper
    index) is being indexed.
    """
    glue.die_with(parent)
    from material.plugins.search import plugin

    jieba = load_jieba()
    plugin.jieba = _RememberingCutter(jieba)
    try:
        for word in channels[default].recv():
            jieba.add_word(word)
        inbox: queue.SimpleQueue[tuple[Connection, Any]] = queue.SimpleQueue()
        for channel in channels.values():
            threading.Thread(target=_receive, args=(channel, inbox), daemon=True).start()
        indexes = {channel: CompactSearchIndex() for channel in channels.values()}
        while indexes:
            channel, page = inbox.get()
            if page is _GONE:
                return  # the build stopped; nobody is waiting for an index
            if page is None:
                channel.send(indexes.pop(channel).entries)
            else:
                indexes[channel].add_entry_from_context(page)
    except EOFError:
        pass  # the build stopped before sending the words
    except Exception:
        failure = traceback.format_exc()
        for channel in channels.values():
            with contextlib.suppress(OSError):
                channel.send(failure)


_GONE = object()


def _receive(channel: Connection, inbox: queue.SimpleQueue[tuple[Connection, Any]]) -> None:
    try:
        while (page := channel.recv()) is not None:
            inbox.put((channel, page))
        inbox.put((channel, None))
    except (EOFError, OSError):
        inbox.put((channel, _GONE))
