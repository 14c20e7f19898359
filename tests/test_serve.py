"""``mkdocs serve``: an edited digest shows up without restarting the server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ENGINE, ROOT, descendants, running

pytestmark = pytest.mark.build


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _wait_for(url: str, text: str, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    page = ""
    while time.monotonic() < deadline:
        page = _fetch(url)
        if text in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{text!r} did not appear at {url}")


def _workers(pid: int) -> list[int]:
    """The processes below ``pid`` but multiprocessing's fork server and resource
    tracker, which start with the first build and end with serve."""
    if not Path("/proc").is_dir():
        return []
    direct = {
        int(child)
        for task in Path(f"/proc/{pid}/task").glob("*/children")
        for child in task.read_text().split()
    }
    servers = {
        child
        for child in direct
        if any(name in _command_line(child) for name in (b"forkserver", b"resource_tracker"))
    }
    return [child for child in descendants(pid) - servers if running(child)]


def _command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:
        return b""


@pytest.fixture
def project(tmp_path):
    for name in ("mkdocs.yml", "hooks", "data", "overrides", "docs"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    return tmp_path


def test_serve_rebuilds_an_edited_digest(project):
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [
            sys.executable,
            # Python 3.12 and later warn of a fork from a process with threads
            # (serve has its watcher and server): here, that fails the build.
            "-W",
            "error::DeprecationWarning",
            "-m",
            ENGINE,
            "serve",
            "-f",
            str(project / "mkdocs.yml"),
            "-a",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=project,
    )
    try:
        base = f"http://127.0.0.1:{port}/llm-notes/"
        _wait_for(base + "2023-11-12/discussion/", "讨论&amp;杂谈")
        note = project / "docs" / "notes" / "20231112.md"
        text = note.read_text(encoding="utf-8")
        note.write_text(
            text.replace(
                "## 简短问答", "## 新增的话题\n\n研究员1：刚刚加上的内容。\n\n## 简短问答"
            ),
            encoding="utf-8",
        )
        page = _wait_for(base + "2023-11-12/xin-zeng-de-hua-ti/", "刚刚加上的内容")
        assert "研究员 1" in page
        digest = _wait_for(base + "2023-11-12/", "新增的话题")
        assert "本期共 9 个话题" in digest
        english = _fetch(base + "en/2023-11-12/xin-zeng-de-hua-ti/")
        assert "Not translated yet" in english
        # The rebuild's workers end with it.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and _workers(server.pid):
            time.sleep(0.2)
        assert _workers(server.pid) == []

        note.write_text(text, encoding="utf-8")
        deadline = time.monotonic() + 90
        while "新增的话题" in _fetch(base + "2023-11-12/") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "新增的话题" not in _fetch(base + "2023-11-12/")
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    log = errors.decode("utf-8", "replace")
    assert "Traceback" not in log
    assert "multi-threaded" not in log and "DeprecationWarning" not in log
