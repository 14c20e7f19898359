"""Each language after the first, built by a worker process beside the first.

mkdocs-static-i18n builds the default language, then, from its
``on_post_build``, the whole site again for each other language, one after
another: two languages took twice as long as one. Here, as soon as the
default language's build starts, a worker builds each other language from
the same ``mkdocs.yml`` and the notes as the default build read them, into
a folder of its own beside the site; where
i18n would build that language, the default build waits for the worker,
replays its log, and moves its language's folder into the site. The files
every language writes to the site root (404 page, sitemap, search index)
are put right afterwards, in the default language's ``on_post_build``.

Without a second CPU, or with ``KB_PARALLEL=0``, i18n builds every language
in the build's own process, one after another.
"""

from __future__ import annotations

import datetime
import functools
import logging
import pickle
import shutil
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from logging.handlers import QueueHandler
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort

from kb.archive import Sources
from kb_mkdocs import i18n_glue, workers
from kb_mkdocs.search_pool import END, PooledSearchIndex

# Where a worker's config holds its channel to the default build.
_HANDOVER = "kb_notes_from_the_default_build"
# The notes as the default build read them, in the worker's folder.
_READING = "notes.pickle"
# i18n hides these for the languages it builds itself: one build, one summary.
_QUIET = ("Documentation built in", "Building documentation to directory")


@dataclass(frozen=True)
class Request:
    """What a worker needs to build one language as the build would."""

    config_file: str
    options: dict[str, Any]  # given besides mkdocs.yml
    language: str
    site_dir: str  # the worker's own folder; the language's pages go below it
    log_level: int


@dataclass(frozen=True)
class Outcome:
    records: list[logging.LogRecord]
    failure: str | None


def channel(config: MkDocsConfig) -> Connection | None:
    """In a worker's build: its channel to the default build (None elsewhere)."""
    return config.get(_HANDOVER)


def receive(channel: Connection) -> tuple[Sources, dict[str, datetime.date]]:
    """In a worker's build: the notes the default build read, once it has."""
    try:
        path = channel.recv()
    except (EOFError, OSError) as error:
        raise Abort("the build that started this one has stopped") from error
    return pickle.loads(Path(path).read_bytes())


def _options(config: MkDocsConfig) -> dict[str, Any]:
    """What the command line (and ``mkdocs serve``) may set besides ``mkdocs.yml``
    that the pages depend on. Other overrides of a programmatic ``load_config``
    (another list of hooks) do not reach a worker: MkDocs keeps no record of them."""
    return {
        "docs_dir": config.docs_dir,
        "strict": config.strict,
        "site_url": config.site_url,
        "use_directory_urls": config.use_directory_urls,
    }


class LanguageBuilds:
    """The workers building this build's other languages."""

    def __init__(self, config: MkDocsConfig, languages: tuple[str, ...]) -> None:
        site = Path(config.site_dir)
        site.parent.mkdir(parents=True, exist_ok=True)
        self._site = site
        for language in languages:
            # Left by a build killed outright, which could not remove it.
            for stale in site.parent.glob(f".{site.name}-{language}-*"):
                shutil.rmtree(stale, ignore_errors=True)
        self._folders: dict[str, Path] = {}
        self._futures: dict[str, Future[Outcome]] = {}
        self.indexes: dict[str, PooledSearchIndex] = {}
        self._workers: list[workers.Worker] = []
        level = logging.getLogger(workers.engine()).getEffectiveLevel()
        requests = []
        for language in languages:
            folder = Path(tempfile.mkdtemp(prefix=f".{site.name}-{language}-", dir=site.parent))
            self._folders[language] = folder
            requests.append(
                Request(config.config_file_path, _options(config), language, str(folder), level)
            )
        # Each worker waits for the notes as this build reads them (reading them
        # again would double the work the CPUs share), then sends its pages back.
        self._channels = {language: workers.start_method().Pipe() for language in languages}
        for request in requests:
            worker = workers.Worker(f"kb-{request.language}-build")
            self._workers.append(worker)
            _, theirs = self._channels[request.language]
            self._futures[request.language] = worker.submit(build_language, request, theirs)
        self._receiving: list[threading.Thread] = []
        self._stop = threading.Event()

    def hand_over(
        self,
        sources: Sources,
        updated: dict[str, datetime.date],
        index: Callable[[], PooledSearchIndex],
    ) -> None:
        """The notes as read and checked, to every worker; then each worker's pages
        to its search index (made by ``index``), as the worker sends them."""
        reading = pickle.dumps((sources, updated), protocol=pickle.HIGHEST_PROTOCOL)
        for language, (ours, _) in self._channels.items():
            self.indexes[language] = index()
            # A file: a pipe would keep a large message waiting, and this build
            # with it, for a worker still loading its config.
            path = self._folders[language] / _READING
            path.write_bytes(reading)
            ours.send(str(path))
            self._receiving.append(
                workers.in_background(
                    functools.partial(_receive, ours, self.indexes[language], self._stop),
                    f"kb-receive-{language}-pages",
                )
            )

    def finish(self) -> None:
        """Wait for every worker; its log replayed here, its pages moved into the site."""
        failures = []
        for language, future in self._futures.items():
            try:
                outcome = future.result()
            except Exception as error:  # the worker died, or could not start
                outcome = Outcome([], f"the '{language}' build stopped: {error}")
            for record in outcome.records:
                # The worker's folder is gone once its pages are moved.
                record.msg = str(record.msg).replace(str(self._folders[language]), str(self._site))
                logging.getLogger(record.name).handle(record)
            if outcome.failure is not None:
                failures.append(outcome.failure)
                continue
            built, target = self._folders[language] / language, self._site / language
            if target.exists():
                shutil.copytree(built, target, dirs_exist_ok=True)
            else:
                shutil.move(built, target)
        self.close()
        if failures:
            raise Abort("; ".join(failures))

    def close(self) -> None:
        """However the build ends: no worker outlives it, no folder is left."""
        self._stop.set()
        for thread in self._receiving:
            thread.join()
        for ours, theirs in self._channels.values():
            ours.close()  # a worker still waiting for the notes stops
            theirs.close()
        for worker in self._workers:
            worker.stop()
        for folder in self._folders.values():
            shutil.rmtree(folder, ignore_errors=True)
        self._futures.clear()


def build_language(request: Request, channel: Connection) -> Outcome:
    """In the worker: build ``request.language`` the way i18n's loop would,
    from the notes the default build read (sent over ``channel``)."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    collected = _Collect()
    # ProperDocs logs as properdocs.*, and Material and i18n as mkdocs.* still.
    for name in {"mkdocs", workers.engine()}:
        log = logging.getLogger(name)
        log.handlers[:] = [collected]
        log.propagate = False
        log.setLevel(request.log_level)
    failure = None
    try:
        config = load_config(request.config_file, **request.options, site_dir=request.site_dir)
        i18n_glue.build_only(config, request.language)
        config[_HANDOVER] = channel
        build(config)
    except Abort as error:
        failure = str(error.message)
    except Exception as error:
        logging.getLogger(f"{workers.engine()}.plugins.kb").exception(
            "building '%s' failed", request.language
        )
        failure = f"building '{request.language}' failed: {error}"
    return Outcome(collected.records, failure)


def _receive(channel: Connection, index: PooledSearchIndex, stop: threading.Event) -> None:
    """In the default build: index the pages a worker sends, until it is done or the build."""
    while not stop.is_set():
        try:
            if not channel.poll(0.05):
                continue
            pages = channel.recv_bytes()
        except (EOFError, OSError):
            return  # the worker has stopped
        if pages == END:
            return
        index.add_pickled(pages)


class _Collect(QueueHandler):
    """Keeps each log record, formatted (a record must pickle to return)."""

    def __init__(self) -> None:
        super().__init__(queue=None)  # type: ignore[arg-type]
        self.records: list[logging.LogRecord] = []

    def enqueue(self, record: logging.LogRecord) -> None:
        if not record.getMessage().startswith(_QUIET):
            self.records.append(record)
