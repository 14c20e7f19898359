"""Lighthouse scores of a topic page, mobile preset: ``python scripts/lighthouse.py``.

Builds the site, serves it on 127.0.0.1 the way GitHub Pages does (under
``/llm-notes/``, gzip-compressed, with cache headers: Python's plain
http.server does neither, and Lighthouse would mark the site down for what
the real host does), runs Lighthouse 12.2.3 from npm against Debian's
Chromium, and prints the four category scores. Lighthouse 13 needs Node 22.

Needs: Node.js with npm, and ``/usr/bin/chromium`` (or ``CHROME_PATH``).
The first run installs Lighthouse into ``build/lighthouse/``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "build" / "lighthouse"
LIGHTHOUSE = "lighthouse@12.2.3"
PREFIX = "/llm-notes/"
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".xml", ".svg", ".txt")


class PagesLikeHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with gzip and a cache lifetime, as GitHub Pages serves them."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not path.is_file() or not accepts_gzip or path.suffix not in COMPRESSIBLE:
            return super().send_head()
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return _Body(body)

    def log_message(self, format, *args):
        pass


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def read(self, *_):
        data, self.data = self.data, b""
        return data

    def close(self) -> None:
        pass


def build(site: Path, site_url: str) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url}
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        env=env,
        check=True,
    )


def lighthouse() -> list[str]:
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(TOOLS), LIGHTHOUSE],
            check=True,
        )
    return [str(binary)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--page",
        default="2023-11-12/knowledge-updates/",
        help="the page to audit, below the site root",
    )
    parser.add_argument("--runs", type=int, default=3, help="runs; the median is reported")
    parser.add_argument("--json", type=Path, help="also write the scores here")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as served:
        handler = functools.partial(PagesLikeHandler, directory=served)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        root = f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
        build(Path(served) / PREFIX.strip("/"), root)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        url = root + arguments.page
        env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
        results = []
        for run in range(arguments.runs):
            report = Path(served) / f"report-{run}.json"
            subprocess.run(
                [
                    *lighthouse(),
                    url,
                    "--output=json",
                    f"--output-path={report}",
                    "--quiet",
                    "--chrome-flags=--headless --no-sandbox --disable-gpu "
                    "--disable-background-networking --disable-component-update "
                    "--no-first-run",
                ],
                env=env,
                check=True,
            )
            results.append(json.loads(report.read_text(encoding="utf-8")))
        httpd.shutdown()
    runs = [
        {name: round(category["score"] * 100) for name, category in r["categories"].items()}
        for r in results
    ]
    scores = {name: statistics.median(run[name] for run in runs) for name in runs[0]}
    result = results[0]
    print(
        f"Lighthouse {result['lighthouseVersion']}, {result['configSettings']['formFactor']}, {url}"
    )
    print(
        f"  median of {len(runs)} runs (each run: "
        + "; ".join(" ".join(str(v) for v in run.values()) for run in runs)
        + ")"
    )
    for name, score in scores.items():
        print(f"  {name:16} {score:5}")
    failing = [
        (audit["id"], audit.get("score"))
        for audit in result["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "numeric")
    ]
    if failing:
        print("audits below 0.9:", ", ".join(f"{name} ({score})" for name, score in failing))
    if arguments.json:
        arguments.json.write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
