"""Workers: started without forking the build, and nothing left running, however it ends."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import (
    ENGINE_COMMAND,
    ROOT,
    build_site,
    descendants,
    differing_files,
    make_project,
    running,
)

pytestmark = pytest.mark.build


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads children from /proc")
def test_a_build_killed_outright_leaves_no_process_behind(tmp_path):
    build = subprocess.Popen(
        [*ENGINE_COMMAND, "build", "--quiet", "--site-dir", str(tmp_path / "s")],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_PARALLEL": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    children: set[int] = set()
    deadline = time.monotonic() + 60
    # The fork server, the search index worker and the English build's worker.
    while len(children) < 3 and time.monotonic() < deadline and build.poll() is None:
        children |= descendants(build.pid)
        time.sleep(0.05)
    assert len(children) >= 3, "the build started its search index and language workers"
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in children if running(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert left == []


def _workers_left() -> list:
    """This process's worker processes still running (the fork server is not one)."""
    return [process for process in multiprocessing.active_children() if process.is_alive()]


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_workers_started_either_way_build_the_site_one_process_builds(
    tmp_path, monkeypatch, method
):
    from kb_mkdocs import workers

    monkeypatch.setattr(workers, "start_method", lambda: multiprocessing.get_context(method))
    docs = make_project(tmp_path)
    monkeypatch.setenv("KB_PARALLEL", "1")
    parallel = build_site(docs, tmp_path / "parallel")
    assert parallel.error is None, parallel.log
    assert _workers_left() == []
    monkeypatch.setenv("KB_PARALLEL", "0")
    serial = build_site(docs, tmp_path / "serial")
    assert serial.error is None, serial.log
    assert differing_files(tmp_path / "serial", tmp_path / "parallel") == ([], [], [])
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_workers_are_never_forked_from_the_build():
    from kb_mkdocs import workers

    assert workers.start_method().get_start_method() in ("forkserver", "spawn")


def test_a_failed_build_leaves_no_worker_and_no_folder_behind(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_PARALLEL", "1")
    stale = tmp_path / ".site-en-left-by-a-killed-build"
    (stale / "en").mkdir(parents=True)
    docs = make_project(tmp_path)
    (docs / "assets" / "broken.en.md").write_text("[nowhere](nowhere.md)\n", encoding="utf-8")
    (docs / "assets" / "broken.md").write_text("# 坏链接\n", encoding="utf-8")
    result = build_site(docs, tmp_path / "site")
    assert result.error is not None
    assert _workers_left() == []
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_a_build_stopped_by_bad_notes_stops_its_workers_too(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_PARALLEL", "1")
    docs = make_project(tmp_path, {"20240101.md": "没有话题标题的笔记。\n"})
    result = build_site(docs, tmp_path / "site")
    assert result.error is not None
    assert any("KB104" in record.getMessage() for record in result.records), result.log
    assert _workers_left() == []
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []


def test_where_workers_cannot_start_the_build_runs_in_its_own_process(tmp_path, monkeypatch):
    from kb_mkdocs import workers

    def no_semaphores(*args, **kwargs):
        raise NotImplementedError("sem_open is not available here")

    monkeypatch.setattr(workers, "Worker", no_semaphores)
    monkeypatch.setenv("KB_PARALLEL", "1")
    result = build_site(make_project(tmp_path), tmp_path / "site")
    assert result.error is None, result.log
    assert "no worker processes here (sem_open is not available here)" in result.log
    assert (tmp_path / "site" / "en" / "search" / "search_index.json").is_file()
    assert _workers_left() == []
