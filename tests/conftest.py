"""Shared fixtures: building the site (real or from fixture notes) and a browser."""

from __future__ import annotations

import filecmp
import functools
import http.server
import importlib
import logging
import os
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_NOTES = ROOT / "docs" / "notes"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
sys.path.insert(0, str(ROOT / "hooks"))

# The engine the suite runs: ``mkdocs`` (MkDocs 1.6, or MkDocs-NG installed in
# its place) or ``properdocs`` (KB_ENGINE=properdocs), which serves every
# ``mkdocs.*`` import, the in-process builds' included, from ``properdocs.*``.
ENGINE = os.environ.get("KB_ENGINE", "mkdocs")
if ENGINE != "mkdocs":
    importlib.import_module(f"{ENGINE}.replacement")
# The command a contributor runs: ``python -m mkdocs`` or ``python -m properdocs``.
ENGINE_COMMAND = [sys.executable, "-m", ENGINE]


@dataclass
class BuildResult:
    site: Path
    records: list[logging.LogRecord] = field(default_factory=list)
    error: BaseException | None = None

    @property
    def log(self) -> str:
        return "\n".join(f"{r.levelname}: {r.getMessage()}" for r in self.records)

    @property
    def warnings(self) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= logging.WARNING]

    def page(self, url_path: str) -> str:
        """The HTML of the page at ``url_path`` (``en/2023-11-12/``) in the built site."""
        return (self.site / url_path / "index.html").read_text(encoding="utf-8")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def make_project(
    tmp_path: Path, notes: dict[str, str | bytes] | None = None, *, seed: bool = True
) -> Path:
    """A docs folder: the real static docs, the seed notes (optional) and ``notes``."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("notes"))
    (docs / "notes").mkdir()
    if seed:
        for path in SEED_NOTES.iterdir():
            shutil.copy(path, docs / "notes" / path.name)
    for name, content in (notes or {}).items():
        target = docs / "notes" / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return docs


def load_sources(notes: Path = SEED_NOTES, root: Path = ROOT):
    """The archive and data as the build reads them, for ``notes`` with the repository's data."""
    from kb import analysis, archive

    loaded = archive.load(
        notes, ROOT / "data", source_language="zh", languages=("zh", "en"), root=root
    )
    return analysis.analyse(loaded, "zh")


def build_site(docs: Path, site: Path, *, strict: bool = True, **overrides) -> BuildResult:
    """Build with the real mkdocs.yml, ``docs`` as docs_dir, in this process."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    handler = _Collect()
    # ProperDocs logs as properdocs.*; Material and i18n log as mkdocs.* on every engine.
    loggers = [logging.getLogger(name) for name in dict.fromkeys(("mkdocs", ENGINE))]
    previous_levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    result = BuildResult(site)
    try:
        config = load_config(
            str(ROOT / "mkdocs.yml"),
            docs_dir=str(docs),
            site_dir=str(site),
            strict=strict,
            **overrides,
        )
        build(config)
    except BaseException as error:
        result.error = error
    finally:
        for logger, level in zip(loggers, previous_levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
    result.records = handler.records
    return result


def build_with_cli(site: Path, **env: str) -> None:
    """``mkdocs build --strict`` of the real site in a process of its own, with ``env`` set."""
    subprocess.run(
        [*ENGINE_COMMAND, "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT,
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
    )


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (Linux: read from /proc)."""
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            for child in task.read_text().split():
                if int(child) not in found:
                    found.add(int(child))
                    todo.append(int(child))
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in state  # a zombie has ended; only its entry is left


def differing_files(first: Path, second: Path) -> tuple[list[str], list[str], list[str]]:
    """Files only in ``first``, only in ``second``, and in both with other bytes."""
    ours = {str(p.relative_to(first)) for p in first.rglob("*") if p.is_file()}
    theirs = {str(p.relative_to(second)) for p in second.rglob("*") if p.is_file()}
    _, mismatch, errors = filecmp.cmpfiles(first, second, sorted(ours & theirs), shallow=False)
    return sorted(ours - theirs), sorted(theirs - ours), sorted(mismatch + errors)


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> BuildResult:
    """The real site, built once with --strict."""
    site = tmp_path_factory.mktemp("real") / "site"
    result = build_site(ROOT / "docs", site)
    assert result.error is None, result.log
    return result


# Browser tests: the real site served on 127.0.0.1, and Debian's Chromium.

CHROMIUM = Path(os.environ.get("KB_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PREFIX = "/llm-notes/"


def _require_browser() -> None:
    missing = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "Python Playwright is not installed"
    if missing is None and not CHROMIUM.exists():
        missing = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests need a browser under CI: {missing}")
        pytest.skip(missing)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The real site served under its project-pages prefix, as GitHub Pages does."""
    _require_browser()
    root = tmp_path_factory.mktemp("served")
    handler = functools.partial(_QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    # Material maps pages to their translations through the sitemap, whose
    # URLs carry site_url's host and port: build for the address served.
    result = build_site(ROOT / "docs", root / PREFIX.strip("/"), site_url=url)
    assert result.error is None, result.log
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield url
    httpd.shutdown()
    shutil.rmtree(root, ignore_errors=True)


def corpus_notes() -> dict[str, bytes]:
    """The real notes of the folder ``KB_CORPUS`` names, read in place; none without it."""
    named = os.environ.get("KB_CORPUS")
    folder = (ROOT / named).resolve() if named else None
    if folder is None or not folder.is_dir():
        return {}
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))}


@pytest.fixture(scope="session")
def corpus_server(tmp_path_factory):
    """The seed and the corpus notes, built and served under the project prefix."""
    _require_browser()
    notes = corpus_notes()
    root = tmp_path_factory.mktemp("corpus")
    handler = functools.partial(_QuietHandler, directory=str(root / "served"))
    (root / "served").mkdir()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{httpd.server_address[1]}{PREFIX}"
    docs = make_project(root, notes)
    result = build_site(docs, root / "served" / PREFIX.strip("/"), site_url=url)
    assert result.error is None, result.log
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield url, {"seed", *notes}
    httpd.shutdown()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server, request):
    """A fresh page that records console errors and requests to other hosts."""
    viewport = getattr(request, "param", None)
    context = browser.new_context(viewport=viewport) if viewport else browser.new_context()
    page = context.new_page()
    page.console_errors = []
    page.foreign_requests = []
    own_host = urlsplit(server).netloc
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            urlsplit(request.url).netloc not in ("", own_host)
            and page.foreign_requests.append(request.url)
        ),
    )
    yield page
    context.close()


def search(page, query: str) -> tuple[list[str], str]:
    """Type ``query`` as a reader does; the result links (best first) and the summary."""
    field = page.locator("input.md-search__input")
    field.click()
    field.fill("")
    page.keyboard.type(query, delay=10)
    # Characters from an input method arrive without key events, and
    # Material searches on key events: end with a real key press.
    page.keyboard.press("End")
    meta = page.locator(".md-search-result__meta")
    # The index loads on first use (search-on-demand.js); until it has, the
    # meta line says the search is starting, and there are no results yet.
    page.wait_for_function(
        "() => /符合条件的结果|matching document/"
        ".test(document.querySelector('.md-search-result__meta').textContent)"
    )
    page.wait_for_timeout(300)
    links = page.locator(".md-search-result__item > a")
    return [links.nth(i).get_attribute("href") for i in range(links.count())], meta.inner_text()


def pages_of(results: list[str], server: str) -> list[str]:
    """Result pages, best first, each once: sections of a page count for their page."""
    return list(
        dict.fromkeys(href.split("?")[0].split("#")[0].replace(server, "") for href in results)
    )
