"""The arXiv client against a local server answering as arXiv does, and as it fails."""

from __future__ import annotations

import contextlib
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import ClassVar

import pytest

from conftest import FIXTURES, ROOT

RECORDED = (FIXTURES / "arxiv" / "2310.16226.xml").read_bytes()
EMPTY = b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>'


class _Arxiv(http.server.BaseHTTPRequestHandler):
    scenario = "normal"
    asked: ClassVar[list[str]] = []

    def do_GET(self):
        type(self).asked.append(self.path)
        scenario = type(self).scenario
        if scenario == "dropped":
            self.connection.close()  # no answer at all
            return
        if scenario == "slow":
            time.sleep(1.5)
        status, body = {
            "normal": (200, RECORDED),
            "unknown": (200, EMPTY),
            "error page": (500, b"<html><body>Internal Server Error</body></html>"),
            "not a feed": (200, b"<html><body>Maintenance</body></html>"),
            "slow": (200, RECORDED),
        }[scenario]
        self.send_response(status)
        self.send_header("Content-Type", "application/atom+xml")
        self.end_headers()
        with contextlib.suppress(OSError):  # the client gave up waiting
            self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def arxiv_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Arxiv)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Arxiv.asked = []
    yield f"http://127.0.0.1:{server.server_address[1]}/api/query"
    server.shutdown()


def _fetch(api: str, data: Path, *arguments: str, cwd: Path = ROOT):
    env = {**os.environ, "KB_ARXIV_API": api}
    return subprocess.run(
        [
            *(sys.executable, "-m", "kb.arxiv", "fetch", *arguments),
            *("--data", str(data), "--timeout", "0.5", "--retry-wait", "0"),
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_normal_answer_adds_the_paper_unverified(arxiv_server, tmp_path):
    data = tmp_path / "papers.yml"
    done = _fetch(arxiv_server, data, "2310.16226")
    assert done.returncode == 0, done.stderr
    assert "added 2310.16226" in done.stdout
    text = data.read_text(encoding="utf-8")
    assert 'id: "2310.16226"' in text and "verified: false" in text
    assert _Arxiv.asked == ["/api/query?id_list=2310.16226&max_results=1"]


def test_an_unknown_id_is_said_and_adds_nothing(arxiv_server, tmp_path):
    _Arxiv.scenario = "unknown"
    try:
        data = tmp_path / "papers.yml"
        done = _fetch(arxiv_server, data, "2401.99999")
    finally:
        _Arxiv.scenario = "normal"
    assert done.returncode == 1
    assert "2401.99999: already in" in done.stderr and "unknown to arXiv" in done.stderr
    assert not data.exists()


@pytest.mark.parametrize(
    ("scenario", "said", "attempts"),
    [
        ("error page", "HTTP 500", 3),
        ("slow", "timed out", 3),
        ("dropped", "attempt", 3),
        ("not a feed", "not its feed", 1),
    ],
)
def test_a_failing_api_is_retried_then_said_clearly(
    arxiv_server, tmp_path, scenario, said, attempts
):
    _Arxiv.scenario = scenario
    try:
        data = tmp_path / "papers.yml"
        started = time.monotonic()
        done = _fetch(arxiv_server, data, "2310.16226")
        took = time.monotonic() - started
    finally:
        _Arxiv.scenario = "normal"
    assert done.returncode == 3, done.stdout + done.stderr
    assert said in done.stderr and arxiv_server.split("?")[0] in done.stderr
    assert "Traceback" not in done.stderr
    assert len(_Arxiv.asked) == attempts
    assert took < 30 and not data.exists()


def test_missing_fetches_every_cited_paper_without_data_and_writes_a_summary(
    arxiv_server, tmp_path
):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "docs", project / "docs")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    papers = project / "data" / "papers.yml"
    text = papers.read_text(encoding="utf-8")
    start = text.index('- id: "2310.16226"')
    end = text.index("\n- id:", start + 1)
    papers.write_text(text[:start] + text[end + 1 :], encoding="utf-8")
    summary = tmp_path / "summary.md"
    done = _fetch(arxiv_server, papers, "--missing", "--summary", str(summary), cwd=project)
    assert done.returncode == 0, done.stderr
    assert _Arxiv.asked == ["/api/query?id_list=2310.16226&max_results=1"]
    shown = summary.read_text(encoding="utf-8")
    assert "### Papers cited without data" in shown and 'id: "2310.16226"' in shown
    assert "```yaml" in shown and "verified: false" in shown
    # Nothing missing now: no request at all.
    _Arxiv.asked = []
    again = _fetch(arxiv_server, papers, "--missing", cwd=project)
    assert again.returncode == 0 and _Arxiv.asked == []
