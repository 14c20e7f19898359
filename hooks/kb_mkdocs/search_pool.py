"""Material's search index, made by a worker process while the pages render.

To index a page, Material's search plugin parses its HTML once more and
cuts its Chinese into words with jieba, after loading jieba's dictionary: a
fifth to a third of a build, all of it in the process that renders the
pages. Here one worker loads the dictionary while the build reads the
notes, then indexes each page the build sends it, in order, with Material's
own ``SearchIndex``: the index is the one Material would have written (its
word breaks compacted, :class:`CompactSearchIndex`, as they are without the
worker).
"""

from __future__ import annotations

import logging
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from material.plugins.search.plugin import SearchIndex
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from kb import searchindex
from kb_mkdocs import workers

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


class CompactSearchIndex(SearchIndex):
    """Material's index, its entries' word breaks compacted as they are made
    (``kb.searchindex.compact_word_breaks``), each section with the words of
    the glossary terms it mentions."""

    def add_words(self, words: list[str]) -> None:
        """Words for jieba's dictionary, which this process cuts with."""
        add_words(words)

    def add_entry_from_context(self, page: Page | PageToIndex) -> None:
        made = len(self.entries)
        super().add_entry_from_context(page)
        self.entries[made:] = [searchindex.compact_entry(entry) for entry in self.entries[made:]]

    def create_entry_for_section(self, section, toc, url, page) -> None:
        """The section's text, then the words for the terms it mentions,
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


class SearchPool:
    """The worker that indexes every language's pages of one build.

    One worker: its tasks run in the order they are sent, the dictionary's
    words first. It starts at once, so that it has loaded jieba's dictionary
    by the time the first page is rendered.
    """

    def __init__(self) -> None:
        self._executor = ProcessPoolExecutor(
            max_workers=1, mp_context=workers.start_method(), initializer=_start_worker
        )
        self._executor.submit(_ready)  # starts the worker now, not at the first page

    def add_words(self, words: list[str]) -> None:
        self._executor.submit(add_words, words)

    def index(self, **config: Any) -> PooledSearchIndex:
        return PooledSearchIndex(self._executor, **config)

    def close(self) -> None:
        """The build is over, or has failed: the worker must not outlive it."""
        self._executor.shutdown(wait=True, cancel_futures=True)


class PooledSearchIndex(SearchIndex):
    """Material's index of one language's pages, each indexed by the worker.

    Each page is sent as it renders; the entries are gathered when first read
    (by the search plugin's ``on_post_build``, or mkdocs-static-i18n's):
    every page has been sent then.
    """

    def __init__(self, executor: ProcessPoolExecutor, **config: Any) -> None:
        self._executor = executor
        self._config = config
        self._pending: list[Future] = []
        self._received: list[dict[str, Any]] = []
        super().__init__(**config)

    def add_words(self, words: list[str]) -> None:
        self._executor.submit(add_words, words)

    def add_entry_from_context(self, page: Page) -> None:
        try:
            future = self._executor.submit(index_page, PageToIndex.of(page), self._config)
        except BrokenExecutor as error:
            raise _failed(error) from error
        self._pending.append(future)

    @property
    def entries(self) -> list[dict[str, Any]]:
        pending, self._pending = self._pending, []
        for future in pending:
            try:
                self._received.extend(future.result())
            except Exception as error:
                raise _failed(error) from error
        return self._received

    @entries.setter
    def entries(self, entries: list[dict[str, Any]]) -> None:
        self._received = entries


def _failed(error: Exception) -> PluginError:
    return PluginError(
        f"kb_mkdocs/search_pool.py: the search index worker failed: {type(error).__name__}: {error}"
    )


def index_page(page: PageToIndex, config: dict[str, Any]) -> list[dict[str, Any]]:
    """In the worker: the entries Material's index makes of ``page``."""
    index = CompactSearchIndex(**config)
    index.add_entry_from_context(page)
    return index.entries


def add_words(words: list[str]) -> None:
    """Glossary terms are words: jieba's dictionary splits 外推 into 外 + 推."""
    jieba = load_jieba()
    for word in words:
        jieba.add_word(word)


def load_jieba() -> Any:
    """jieba, its dictionary loaded (the search plugin cuts Chinese with it)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces loading its dictionary on stderr
    jieba.initialize()
    return jieba


def _start_worker() -> None:
    workers.end_with_parent()
    load_jieba()


def _ready() -> None:
    """Nothing: the first task, which makes the pool start its worker."""
