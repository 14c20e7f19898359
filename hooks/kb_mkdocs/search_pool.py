"""Material's search index, made by a worker process while the pages render.

To index a page, Material's search plugin parses its HTML once more and
cuts its Chinese into words with jieba: a fifth to a third of a build, all
of it in the process that renders the pages. Here one worker reads jieba's
dictionary while the build reads the notes, then indexes each page the
build sends it, in order, with Material's own ``SearchIndex``: the index is
the one Material would have written (its word breaks compacted, and its
Chinese cut with the glossary's words, :class:`CompactSearchIndex`, as they
are without the worker).
"""

from __future__ import annotations

import functools
import json
import pickle
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from backrefs import bre
from material.plugins.search.plugin import SearchIndex
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from kb import searchindex, segmenter
from kb.segmenter import WORD_BREAK
from kb_mkdocs import search_output, workers
from kb_mkdocs.i18n_glue import Languages

# Pages sent to the worker at a time: one task per page cost the build a
# tenth of its time in the threads that hand tasks over.
BATCH = 16
# What a worker's build sends once its last pages are sent.
END = b""
# What Material's SearchIndex reads from page.meta; the rest may not pickle.
_META_READ = ("search", "title", "tags", searchindex.SEARCH_TERMS, searchindex.SEARCH_TITLE_TERMS)
# The runs of Chinese Material's SearchIndex._segment_chinese cuts into words.
_HAN = bre.compile(r"(\p{script: Han}+)", bre.UNICODE)
if not hasattr(SearchIndex, "_segment_chinese"):
    raise searchindex.UpstreamChangedError(
        "Material's SearchIndex no longer has _segment_chinese, which"
        " kb_mkdocs.search_pool.CompactSearchIndex replaces"
    )


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
    the glossary terms it mentions, its Chinese cut with the glossary's words
    (``words``; jieba's dictionary splits 外推 into 外 + 推)."""

    def __init__(
        self, words: tuple[str, ...] = (), folders: tuple[Path, ...] = (), **config: Any
    ) -> None:
        # This process's segmenter for the words, looked up once, not for every section.
        cutter = segmenter.segmenter(words)
        cutter.learn_files(folders)
        self._cut = cutter.cut
        super().__init__(**config)

    def _segment_chinese(self, data: str) -> str:
        """Material's, cutting with :func:`kb.segmenter.segmenter`'s tokenizer."""
        cut = self._cut
        return _HAN.sub(lambda run: f"{WORD_BREAK}{cut(run[0])}{WORD_BREAK}", data).strip(
            WORD_BREAK
        )

    def add_entry_from_context(self, page: Page | PageToIndex) -> None:
        made = len(self.entries)
        super().add_entry_from_context(page)
        self.entries[made:] = [searchindex.compact_entry(entry) for entry in self.entries[made:]]

    def write_to(self, site: Path, langs: Languages) -> None:
        search_output.write_index(site, self.config, self.entries, langs)

    def create_entry_for_section(self, section, toc, url, page) -> None:
        """Material's entry, and the other names of the terms the section
        mentions in fields search reads and results never show
        (:data:`kb.searchindex.TERMS_FIELD`, :data:`kb.searchindex.TITLE_TERMS_FIELD`)."""
        made = len(self.entries)
        super().create_entry_for_section(section, toc, url, page)
        if len(self.entries) == made:
            return
        entry = self.entries[-1]
        # Material gives the page's first section (under its h1) no id.
        anchor = section.id or (toc.items[0].id if toc and toc.items else "")
        by_anchor = page.meta.get(searchindex.SEARCH_TERMS) or {}
        named = (page.meta.get(searchindex.SEARCH_TITLE_TERMS) or {}).get(anchor, ())
        for field, words, text in (
            (searchindex.TERMS_FIELD, by_anchor.get(anchor, ()), "".join(section.text)),
            (searchindex.TITLE_TERMS_FIELD, named, "".join(section.title)),
        ):
            missing = searchindex.missing_words(words, text)
            if missing:
                entry[field] = self._segment_chinese(missing)


class PagesToIndex(SearchIndex):
    """A worker's index: its pages, sent back as they render, for the default
    build's search index worker to index (jieba's dictionary loaded, and idle
    once the default language's pages are done)."""

    def __init__(self, channel: Connection, **config: Any) -> None:
        self._channel = channel
        self._batch: list[PageToIndex] = []
        super().__init__(**config)

    def add_entry_from_context(self, page: Page) -> None:
        self._batch.append(PageToIndex.of(page))
        if len(self._batch) == BATCH:
            self._send()

    def _send(self) -> None:
        # Pickled here, unpickled by the index worker: the default build,
        # busy with its own pages, only passes the bytes on.
        self._channel.send_bytes(pickle.dumps(self._batch, protocol=pickle.HIGHEST_PROTOCOL))
        self._batch = []

    @property
    def entries(self) -> list[dict[str, Any]]:
        """None here; read once every page is rendered: the last pages go, and the end."""
        if self._channel is not None:
            if self._batch:
                self._send()
            self._channel.send_bytes(END)
            self._channel = None
        return []

    @entries.setter
    def entries(self, entries: list[dict[str, Any]]) -> None:
        pass  # Material's SearchIndex starts with an empty list


class SearchPool:
    """The worker that indexes every language's pages of one build.

    One worker: its tasks run in the order they are sent. It starts at
    once; it reads jieba's dictionary as soon as the glossary's words are
    known, before the first page is rendered. Each index it makes stays in
    the worker, which writes it to the site: the build never holds it.
    """

    def __init__(self) -> None:
        self._worker = workers.Worker("kb-index-worker", _start_worker)
        self._made = 0

    def index(
        self, words: tuple[str, ...], folders: tuple[Path, ...], **config: Any
    ) -> PooledSearchIndex:
        self._made += 1
        return PooledSearchIndex(self._worker, self._made, words, folders, **config)

    def close(self) -> None:
        """The build is over, or has failed: the worker must not outlive it."""
        self._worker.stop()


class PooledSearchIndex(SearchIndex):
    """Material's index of one language's pages, each indexed by the worker.

    The pages are sent as they render, a few at a time; :meth:`write_to`
    has the worker write the index once every page is sent. Material's
    search plugin writes what :meth:`generate_search_index` returns first:
    an empty index, which ``write_to`` replaces.
    """

    def __init__(
        self,
        worker: workers.Worker,
        number: int,
        words: tuple[str, ...],
        folders: tuple[Path, ...],
        **config: Any,
    ) -> None:
        self._worker = worker
        self._number = number  # which of the worker's indexes this is
        self._words = words
        self._config = config
        self._batch: list[PageToIndex] = []  # rendered, not sent yet
        self._pending: list[Future] = []
        super().__init__(**config)
        # jieba's dictionary read while the first pages render.
        self._submit(prepare, words, folders)

    def add_entry_from_context(self, page: Page) -> None:
        self._batch.append(PageToIndex.of(page))
        if len(self._batch) == BATCH:
            self._send_batch()

    def add_pickled(self, pages: bytes) -> None:
        """Pages a worker's build pickled (:class:`PagesToIndex`), in order."""
        self._submit(index_pickled, self._number, pages, self._words, self._config)

    def generate_search_index(self, prev: SearchIndex | None) -> str:
        return '{"config":{},"docs":[]}'

    def write_to(self, site: Path, langs: Languages) -> None:
        """The worker writes the index (``search_output.write_index``) once it
        has indexed every page sent; its failure is the build's."""
        if self._batch:
            self._send_batch()
        self._submit(write_index, self._number, self._config, site, langs)
        pending, self._pending = self._pending, []
        for future in pending:
            try:
                future.result()
            except Exception as error:
                raise _failed(error) from error

    def _send_batch(self) -> None:
        self._submit(index_pages, self._number, self._batch, self._words, self._config)
        self._batch = []

    def _submit(self, task: Callable[..., None], *args: Any) -> None:
        try:
            self._pending.append(self._worker.submit(task, *args))
        except workers.WorkerStoppedError as error:
            raise _failed(error) from error


def _failed(error: Exception) -> PluginError:
    return PluginError(
        f"kb_mkdocs/search_pool.py: the search index worker failed: {type(error).__name__}: {error}"
    )


class PackedEntries:
    """In the worker: one index's entries, a batch of pages at a time, as
    compressed JSON: a fifth of their size as Python objects, which at 1000
    topics held 30 MiB until the index was written."""

    def __init__(self) -> None:
        self._batches: list[bytes] = []

    def add(self, entries: list[dict[str, Any]]) -> None:
        self._batches.append(zlib.compress(searchindex.dumps(entries).encode("utf-8"), 1))

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for batch in self._batches:
            yield from json.loads(zlib.decompress(batch))


def prepare(
    made: dict[int, PackedEntries], words: tuple[str, ...], folders: tuple[Path, ...]
) -> None:
    """In the worker: its segmenter for ``words``, with the dictionary's words
    of the text under ``folders``, ready before the first page comes."""
    segmenter.segmenter(words).learn_files(folders)


def index_pages(
    made: dict[int, PackedEntries],
    number: int,
    pages: list[PageToIndex],
    words: tuple[str, ...],
    config: dict[str, Any],
) -> None:
    """In the worker: the entries Material's index makes of ``pages``, kept in
    ``made`` (the worker's indexes, by number) for index ``number``."""
    index = CompactSearchIndex(words, **config)
    for page in pages:
        index.add_entry_from_context(page)
    made.setdefault(number, PackedEntries()).add(index.entries)


def index_pickled(
    made: dict[int, PackedEntries],
    number: int,
    pages: bytes,
    words: tuple[str, ...],
    config: dict[str, Any],
) -> None:
    index_pages(made, number, pickle.loads(pages), words, config)


def write_index(
    made: dict[int, PackedEntries],
    number: int,
    config: dict[str, Any],
    site: Path,
    langs: Languages,
) -> None:
    """In the worker: index ``number`` written to the site, and let go."""
    search_output.write_index(site, config, made.pop(number, PackedEntries()), langs)


def _start_worker() -> dict[int, PackedEntries]:
    """The worker's state: the indexes it makes, by number (one build's languages)."""
    return {}


def _search(config: MkDocsConfig) -> Any:
    """Material's search plugin of this build: reached here and nowhere else."""
    return config.plugins["material/search"]


def refuse_unused_options(config: MkDocsConfig) -> None:
    """The search plugin's jieba options would go unused: a build with one stops."""
    for option in ("jieba_dict", "jieba_dict_user"):
        if _search(config).config[option]:
            raise PluginError(
                f"kb: mkdocs.yml: search's {option} is not used here: the search"
                " index's Chinese is cut by hooks/kb/segmenter.py, with jieba's"
                " dictionary and the glossary's words. Add the word to"
                " data/glossary.yml instead."
            )


def index_language(
    config: MkDocsConfig,
    words: tuple[str, ...],
    folders: tuple[Path, ...],
    channel: Connection | None,
    pool: SearchPool | None,
) -> None:
    """The index Material's search plugin makes of this language's pages: a
    worker's build sends its pages back to the default build (``channel``);
    the default build has the index worker (``pool``) index them, or indexes
    them itself."""
    search = _search(config)
    if channel is not None:
        search.search_index = PagesToIndex(channel, **search.config)
    elif pool is not None:
        search.search_index = pool.index(words, folders, **search.config)
    else:
        search.search_index = CompactSearchIndex(words, folders, **search.config)


def pooled_index(
    config: MkDocsConfig, pool: SearchPool, words: tuple[str, ...], folders: tuple[Path, ...]
) -> Callable[[], PooledSearchIndex]:
    """How the default build makes the index of a language a worker builds."""
    return functools.partial(pool.index, words, folders, **_search(config).config)


def write_language_index(config: MkDocsConfig, langs: Languages) -> None:
    """This language's index, written once its last page is indexed."""
    _search(config).search_index.write_to(Path(config.site_dir), langs)
