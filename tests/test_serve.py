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

import pytest

from conftest import ROOT

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
            "-m",
            "mkdocs",
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

        note.write_text(text, encoding="utf-8")
        deadline = time.monotonic() + 90
        while "新增的话题" in _fetch(base + "2023-11-12/") and time.monotonic() < deadline:
            time.sleep(0.5)
        assert "新增的话题" not in _fetch(base + "2023-11-12/")
    finally:
        server.terminate()
        _, errors = server.communicate(timeout=30)
    assert "Traceback" not in errors.decode("utf-8", "replace")
