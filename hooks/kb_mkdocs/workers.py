"""The processes a build starts: how they start, and how they end with it.

They start from a fork server (spawned where there is none, as on Windows),
never by forking the build's own process: ``mkdocs serve`` runs threads
(its file watcher, its HTTP server), and a process forked from a process
with threads may deadlock (Python 3.12 warns of it; macOS and Python 3.14
no longer fork by default).
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext

PARALLEL_SWITCH = "KB_PARALLEL"
# What every worker imports, loaded once into the fork server.
_PRELOAD = ("__main__", "kb_mkdocs.plugin")


def parallel_enabled() -> bool:
    """Whether the build may start workers: a second CPU, and ``KB_PARALLEL`` is not ``0``."""
    if os.environ.get(PARALLEL_SWITCH, "1") == "0":
        return False
    return len(os.sched_getaffinity(0)) > 1 if hasattr(os, "sched_getaffinity") else True


def start_method() -> BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(list(_PRELOAD))
        return context
    return multiprocessing.get_context("spawn")


def pool(size: int, initializer: Callable[[], None]) -> ProcessPoolExecutor:
    """A process pool of ``size`` workers, each running ``initializer`` first.

    Raises ``NotImplementedError`` or ``OSError`` where the platform cannot
    run one (no working semaphores, as on some sandboxes).
    """
    return ProcessPoolExecutor(size, mp_context=start_method(), initializer=initializer)


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
