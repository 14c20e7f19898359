"""The processes a build starts: how they start, run their tasks, and end with it.

They start from a fork server (spawned where there is none, as on Windows),
never by forking the build's own process: ``mkdocs serve`` runs threads
(its file watcher, its HTTP server), and a process forked from a process
with threads may deadlock (Python 3.12 warns of it; macOS and Python 3.14
no longer fork by default).
"""

from __future__ import annotations

import collections
import importlib
import multiprocessing
import multiprocessing.connection
import os
import pickle
import queue
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

PARALLEL_SWITCH = "KB_PARALLEL"
# "spawn" starts workers as on Windows and macOS, where there is no fork
# server: the tests build both ways.
START_METHOD_SWITCH = "KB_WORKER_START"
# What every worker imports, loaded once into the fork server: MkDocs,
# Material and the rest, never the project's own code. Python 3.11's fork
# server imports these from its own sys.path, not the build's: it would load
# any other copy of the project's code installed in the environment, and its
# workers would keep it.
_PRELOAD = (
    "__main__",
    "mkdocs.commands.build",
    "material.plugins.search.plugin",
    "material.plugins.tags.plugin",
    "mkdocs_static_i18n.plugin",
    "pymdownx.superfences",
    "markdown_it",
    "jieba",
)
# How long a terminated worker has to end before it is killed.
_GRACE_SECONDS = 5.0
# The folder the build imported the project's code from: the project's
# hooks/, which MkDocs puts on sys.path only while it loads the hook.
_HOOKS = str(Path(__file__).resolve().parent.parent)


def engine() -> str:
    """The package the build runs on: ``mkdocs`` (MkDocs or MkDocs-NG), or ``properdocs``.

    ProperDocs serves every ``mkdocs.*`` import from ``properdocs.*`` once
    ``properdocs.replacement`` is imported, which its command does; its
    loggers are named ``properdocs.*``.
    """
    return sys.modules["mkdocs"].__name__


def _engine_preload() -> tuple[str, ...]:
    """What a worker imports before MkDocs, to run on the build's engine: a fork
    server would otherwise import MkDocs itself, installed beside ProperDocs
    for Material, and build the other languages with another engine."""
    return (f"{engine()}.replacement",) if engine() != "mkdocs" else ()


def parallel_enabled() -> bool:
    """Whether the build may start workers: a second CPU, and ``KB_PARALLEL`` is not ``0``."""
    if os.environ.get(PARALLEL_SWITCH, "1") == "0":
        return False
    return len(os.sched_getaffinity(0)) > 1 if hasattr(os, "sched_getaffinity") else True


def start_method() -> BaseContext:
    """The fork server where there is one (unless ``KB_WORKER_START=spawn``), else spawn.

    A worker imports the project's code from the build's ``sys.path``, as it
    is when the fork server (or the spawned worker) starts: the project's
    hooks come first, so that a worker never runs another copy of them
    installed in the environment (``pip install .`` before the checkout
    changed), which would build another site, or wait for a message the
    build never sends.
    """
    if sys.path[:1] != [_HOOKS]:
        sys.path.insert(0, _HOOKS)
    chosen = os.environ.get(START_METHOD_SWITCH, "forkserver")
    if chosen == "forkserver" and "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([*_engine_preload(), *_PRELOAD])
        return context
    return multiprocessing.get_context("spawn")


class WorkerStoppedError(RuntimeError):
    """The worker ended before it sent a task's result (it died, or the build stopped it)."""


class Worker:
    """One process that runs the tasks it is sent, one after another, and
    sends each result back: a future per task, resolved in order.

    Not ``concurrent.futures.ProcessPoolExecutor``: once a task has been
    cancelled, its ``shutdown(wait=True)`` can wait forever (CPython issue
    #94440), and its manager thread can fail on a future already resolved. A
    build stopped by a bad note hung in the one and printed the other. Here
    :meth:`stop` ends the process whatever it is doing, and nothing else
    waits on it.

    The process starts in a thread of its own, which then sends the tasks:
    starting waits for the fork server (a quarter of a second the build,
    reading the notes meanwhile, need not wait), and sending a large task
    waits for the worker to read it. Raises ``OSError`` where the platform
    cannot make a pipe to a process.
    """

    def __init__(self, name: str, initializer: Callable[[], Any] | None = None) -> None:
        self.name = name
        self._context = start_method()
        self._connection, self._theirs = self._context.Pipe()
        self._initializer = initializer
        self._process: BaseProcess | None = None
        self._started = threading.Event()
        self._lock = threading.Lock()
        self._pending: collections.deque[Future[Any]] = collections.deque()
        self._outbox: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...]] | None] = (
            queue.SimpleQueue()
        )
        self._stopped = False
        self._receiver: threading.Thread | None = None
        self._sender = in_background(self._start_and_send, f"{name}-send")

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        """Run ``function(*args)`` in the worker, after the tasks submitted before
        it; ``function(state, *args)`` where the worker's initializer made a state."""
        future: Future[Any] = Future()
        with self._lock:
            if self._stopped:
                raise WorkerStoppedError(f"{self.name} has stopped")
            self._pending.append(future)
            self._outbox.put((function, args))
        return future

    def stop(self) -> None:
        """End the worker now, with every task it has not finished.

        A build that ends well has every result by then; one that fails must
        not wait for a worker busy with pages nobody will read. The process
        is terminated, and killed if it lingers; the threads here end with it.
        """
        with self._lock:
            self._stopped = True
        self._outbox.put(None)
        self._started.wait()  # starting takes as long as the fork server, no longer
        process = self._process
        if process is not None and process.exitcode is None:
            process.terminate()
            process.join(_GRACE_SECONDS)
            if process.exitcode is None:
                process.kill()
                process.join()
        self._sender.join()
        if self._receiver is not None:
            self._receiver.join()
        self._fail_pending()
        self._connection.close()  # the worker's end was closed once it started

    def _start_and_send(self) -> None:
        try:
            # The initializer travels pickled, to be unpickled once the worker
            # runs on the build's engine: unpickling imports its module, and MkDocs.
            process = self._context.Process(
                target=_serve,
                args=(self._theirs, _engine_preload(), pickle.dumps(self._initializer)),
                name=self.name,
                daemon=True,
            )
            with self._lock:
                if not self._stopped:
                    process.start()
                    self._process = process
        except OSError as error:
            self._fail_pending(f"{self.name} could not start: {error}")
            return
        finally:
            self._theirs.close()
            self._started.set()
        if self._process is None:
            return
        self._receiver = in_background(self._receive, f"{self.name}-receive")
        while (task := self._outbox.get()) is not None:
            try:
                self._connection.send(task)
            except (OSError, ValueError):
                return  # the worker has ended: the receiver fails what is pending

    def _receive(self) -> None:
        while True:
            try:
                failed, value = self._connection.recv()
            except (EOFError, OSError):
                break
            with self._lock:
                future = self._pending.popleft()
            if failed:
                future.set_exception(value)
            else:
                future.set_result(value)
        self._fail_pending()

    def _fail_pending(self, why: str = "") -> None:
        with self._lock:
            pending, self._pending = list(self._pending), collections.deque()
        for future in pending:
            future.set_exception(
                WorkerStoppedError(why or f"{self.name} ended before its task did")
            )


def _serve(
    connection: Connection, engine_modules: tuple[str, ...], pickled_initializer: bytes
) -> None:
    """In the worker: its tasks, one after another, until the build closes the pipe.

    ``engine_modules`` are imported first (:func:`_engine_preload`: a spawned worker
    does not run the build's ``__main__``). What the initializer returns is
    the worker's state, kept here (not in a module) and handed to each task first.
    """
    end_with_parent()
    for module in engine_modules:
        importlib.import_module(module)
    initializer: Callable[[], Any] | None = pickle.loads(pickled_initializer)
    state = () if initializer is None else (initializer(),)
    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[bool, Any] = (False, function(*state, *args))
        except Exception as error:
            reply = (True, error)
        try:
            connection.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError) as error:
            connection.send((True, RuntimeError(f"{type(error).__name__}: {error}")))


def in_background(work: Callable[[], None], name: str) -> threading.Thread:
    """Run ``work`` beside the build, in a thread called ``name``.

    Starting a worker waits for the fork server to start and to fork it: a
    quarter of a second the build, reading the notes meanwhile, need not
    wait. A worker's pages are received the same way, while the build renders its own.
    """
    thread = threading.Thread(target=work, name=name, daemon=True)
    thread.start()
    return thread


def end_with_parent() -> None:
    """In a worker, first of all: end as soon as the build that started it ends.

    A build killed outright (SIGKILL) runs none of its clean-up; a worker
    left waiting for its next task would keep the inherited pipes and the
    terminal open (so ``mkdocs build | tail`` never returns). The parent's
    sentinel becomes readable when the parent ends, however it ends.
    """
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_watch, args=(parent.sentinel,), daemon=True).start()


def _watch(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)
