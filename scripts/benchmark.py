"""Build-time and page-weight benchmark: ``python scripts/benchmark.py``.

Makes an archive of N topics, builds it, and prints a table (and, with
``--json``, writes it). Two kinds of content:

- ``real`` (the default): topics made of the real digests' own paragraphs,
  12 shuffled paragraphs a topic under a real heading, with their speaker
  labels, Q/A and D/F threads, terms, links and papers. The paragraphs come
  from the first digest (``docs/notes``) and, where it is beside the
  checkout, from ``../shared/notes``, read in place: the generated project
  lives in a temporary folder and nothing of it is kept in the repository.
  No English translation: the English pages show the Chinese under the
  "not translated" notice, as most of the archive does.
- ``synthetic``: short generated sentences around glossary terms, with an
  English translation of every digest (the translated path).

Figures are medians of ``--runs`` runs, the builds of one run interleaved:

- project: the real build (both languages, all hooks, workers as the
  machine allows);
- serial: the same with ``KB_PARALLEL=0`` (one CPU, or a busy runner);
- plain: what plain MkDocs, Material and mkdocs-static-i18n make of the same
  notes, in both languages: the home, digest and topic pages, pre-rendered
  to Markdown by the project (related topics and backlinks included), built
  without the project's hooks: the index pages (glossary, papers, graph,
  questions, tags, timeline) are the project's features, and this shows
  what they cost;
- plain-all: every page the project makes, pre-rendered the same way and
  built without the hooks: the same pages, so the budgets (time, memory,
  search index, first search result) are against it, and what they measure
  is the cost of the hooks;
- rebuild: ``mkdocs serve``'s rebuild after one digest is edited;
- peak memory (largest process) of the project and plain builds; the
  largest page; a topic page's HTML and first load (HTML, CSS, JS, gzipped);
  each search index, gzipped, against plain's and against its own text;
- the first search result in Chromium, on a settled page and on one just
  loaded, at full speed and with the page's processes slowed 4× as on a
  phone (stopped for three quarters of every 20 ms: Chromium's own CPU
  throttling does not reach the web worker Material searches in);
- the archive graph page: its weight, and Chromium's time to load it.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import gzip
import http.server
import itertools
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

import yaml  # noqa: E402

from kb import archive, indexpages  # noqa: E402
from kb.edition import Edition  # noqa: E402

TOPICS_PER_DIGEST = 8
SENTENCES = [
    "我们讨论了{term}在大模型训练中的作用，",
    "实验发现{term}对长上下文很关键，",
    "有人认为{term}只是工程问题，",
    "关于{term}还有很多开放问题。",
]
ENGLISH = [
    "We discussed the role of {term} in training large models. ",
    "Experiments suggest {term} matters for long context. ",
    "Some think {term} is only an engineering problem. ",
]


def corpus(folder: Path, topics: int, translations: bool, seed: int = 7) -> None:
    """``topics`` topics in weekly digests, in the real note format."""
    rng = random.Random(seed)
    terms = yaml.safe_load((ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"))
    papers = [p["id"] for p in yaml.safe_load((ROOT / "data" / "papers.yml").read_text("utf-8"))]
    folder.mkdir(parents=True, exist_ok=True)
    day = datetime.date(2024, 1, 7)
    for start in range(0, topics, TOPICS_PER_DIGEST):
        zh, en = [], []
        for number in range(start, min(start + TOPICS_PER_DIGEST, topics)):
            picked = rng.sample(terms, 4)
            slug = f"topic-{number}"
            zh.append(f"## 话题 {number}：{picked[0]['zh']}与{picked[1]['en']} {{#{slug}}}\n")
            zh.append(f"Q：{picked[0]['zh']}和{picked[2]['en']}有什么关系？\n")
            en.append(f"## Topic {number}: {picked[0]['en']} and {picked[1]['en']} {{#{slug}}}\n")
            en.append(f"Q: How do {picked[0]['en']} and {picked[2]['en']} relate?\n")
            for speaker in range(1, 4):
                term = picked[speaker]
                text = "".join(rng.choice(SENTENCES).format(term=term["zh"]) for _ in range(6))
                link = f"https://arxiv.org/abs/{rng.choice(papers)}"
                zh.append(f"研究员{speaker}：{text}{term['en']}很重要：{link}\n")
                english = "".join(rng.choice(ENGLISH).format(term=term["en"]) for _ in range(6))
                en.append(f"Researcher {speaker}: {english}See {link}\n")
            zh.append("- 第一点\n- 第二点\n")
            en.append("- First point\n- Second point\n")
        name = day.strftime("%Y%m%d")
        (folder / f"{name}.md").write_text("\n".join(zh), encoding="utf-8")
        if translations:
            (folder / f"{name}.en.md").write_text("\n".join(en), encoding="utf-8")
        day += datetime.timedelta(days=7)


PARAGRAPHS_PER_TOPIC = 12
# The real digests beside the checkout, read in place (never copied into it).
SHARED_NOTES = ROOT.parent / "shared" / "notes"


def real_paragraphs() -> tuple[list[str], list[str]]:
    """The real digests' topic headings and their paragraphs (blocks between
    blank lines), each whole: a paragraph holding a fence or display math is
    left out, since shuffled it would swallow the paragraphs after it."""
    notes = sorted((ROOT / "docs" / "notes").glob("2*.md"))
    if SHARED_NOTES.is_dir():
        notes += sorted(SHARED_NOTES.glob("*.md"))
    headings, paragraphs = [], []
    for note in notes:
        if note.name.count(".") > 1:  # a translation
            continue
        text = note.read_text(encoding="utf-8")
        for block in re.split(r"\n\s*\n", text):
            block = block.strip("\n")
            if block.startswith("## "):
                heading, _, rest = block.partition("\n")
                if not heading.startswith("## ref"):
                    headings.append(re.sub(r"\s*\{#[^}]*\}\s*$", "", heading[3:]).strip())
                block = rest.strip("\n")
            if not block or block.startswith("# ") or "```" in block or "$$" in block:
                continue
            paragraphs.append(block)
    return headings, paragraphs


def real_corpus(folder: Path, topics: int, seed: int = 7) -> None:
    """``topics`` topics in weekly digests, each a real heading over
    ``PARAGRAPHS_PER_TOPIC`` real paragraphs drawn at random."""
    rng = random.Random(seed)
    headings, paragraphs = real_paragraphs()
    folder.mkdir(parents=True, exist_ok=True)
    day = datetime.date(2024, 1, 7)
    for start in range(0, topics, TOPICS_PER_DIGEST):
        lines = []
        for number in range(start, min(start + TOPICS_PER_DIGEST, topics)):
            lines.append(f"## {rng.choice(headings)} {{#topic-{number}}}\n")
            lines += [f"{block}\n" for block in rng.sample(paragraphs, PARAGRAPHS_PER_TOPIC)]
        (folder / f"{day:%Y%m%d}.md").write_text("\n".join(lines), encoding="utf-8")
        day += datetime.timedelta(days=7)


def project(folder: Path, topics: int, content: str) -> Path:
    for name in ("hooks", "overrides", "data"):
        shutil.copytree(ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "docs", folder / "docs", ignore=shutil.ignore_patterns("notes"))
    if content == "real":
        real_corpus(folder / "docs" / "notes", topics)
    else:
        corpus(folder / "docs" / "notes", topics, translations=True)
    shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
    plain(folder)
    return folder


CAPTURE_HOOK = """\
import os
from pathlib import Path

import yaml
from mkdocs.plugins import event_priority

TARGET = Path(os.environ["KB_CAPTURE"])


# Last of all: every project hook has changed the page's Markdown by then.
@event_priority(-1000)
def on_page_markdown(markdown, page, config, files):
    # MkDocs has taken the front matter (the page's tags) out of markdown.
    front = f"---\\n{yaml.safe_dump(page.meta, allow_unicode=True)}---\\n\\n" if page.meta else ""
    language = config.plugins["i18n"].current_language
    # mkdocs-static-i18n's suffix structure: page.md, and page.en.md beside it.
    name = page.file.src_uri
    if language != "zh":
        name = name[: -len(".md")] + f".{language}.md"
    path = TARGET / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(front + markdown, encoding="utf-8")
    return markdown
"""


def plain(folder: Path) -> None:
    """The same pages in both languages as Markdown, and a config without the project's hooks.

    A build in one process with one more hook records every page's Markdown
    as the project's hooks leave it (front matter, related topics and
    backlinks included), in mkdocs-static-i18n's suffix structure; what the
    hooks add while rendering (glossary and paper links, the CSP, the search
    index work) is their overhead.
    """
    docs = folder / "plain-docs"
    (folder / "capture_hook.py").write_text(CAPTURE_HOOK, encoding="utf-8")
    both = yaml.load((folder / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader)
    both["hooks"] = [*both["hooks"], "capture_hook.py"]
    (folder / "mkdocs-capture.yml").write_text(yaml.dump(both, allow_unicode=True), "utf-8")
    environment = {
        **os.environ,
        "KB_CAPTURE": str(docs),
        "NO_MKDOCS_2_WARNING": "1",
        # Every language in this process, where the capture hook is.
        "KB_PARALLEL": "0",
    }
    subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-f",
            "mkdocs-capture.yml",
            "-d",
            "capture",
        ],
        cwd=folder,
        env=environment,
        check=True,
    )
    shutil.copytree(folder / "docs" / "assets", docs / "assets")
    sources = archive.load(
        folder / "docs" / "notes",
        folder / "data",
        source_language="zh",
        languages=("zh", "en"),
        root=folder,
    )
    nav = indexpages.nav(Edition.of(sources, "zh"), sources.messages["zh"])
    # What a plain Material site of the same notes has: the home page, and
    # each digest's and topic's page; the project's index pages (glossary,
    # papers, graph, questions, tags, timeline…) are its features.
    topics = folder / "plain-topics-docs"
    shutil.copytree(docs / "assets", topics / "assets")
    for digest in sources.archive.digests:
        shutil.copytree(docs / digest.id, topics / digest.id)
    for home in docs.glob("index*.md"):
        shutil.copy(home, topics / home.name)
    for name, folder_name, pages in (
        ("mkdocs-plain.yml", "plain-topics-docs", _only(nav, topics)),
        ("mkdocs-plain-all.yml", "plain-docs", nav),
    ):
        config = yaml.load(
            (folder / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_ConfigLoader
        )
        config.update(docs_dir=folder_name, nav=pages)
        for key in ("hooks", "exclude_docs", "not_in_nav", "watch", "extra_javascript"):
            config.pop(key, None)
        config["markdown_extensions"] = [
            extension for extension in config["markdown_extensions"] if extension != "kb.markup"
        ]
        (folder / name).write_text(yaml.dump(config, allow_unicode=True), encoding="utf-8")


def _only(nav: list, docs: Path) -> list:
    """``nav`` without the pages ``docs`` lacks (and the sections left empty)."""
    kept = []
    for entry in nav:
        if isinstance(entry, str):  # a section's own page
            if (docs / entry).exists():
                kept.append(entry)
            continue
        ((title, target),) = entry.items()
        if isinstance(target, list):
            inner = _only(target, docs)
            if inner:
                kept.append({title: inner})
        elif isinstance(target, str):
            if (docs / target).exists():
                kept.append(entry)
        else:
            kept.append(entry)
    return kept


class _ConfigLoader(yaml.UnsafeLoader):
    """mkdocs.yml as MkDocs reads it: ``!ENV [NAME, default]`` is the default here."""


_ConfigLoader.add_constructor("!ENV", lambda loader, node: loader.construct_sequence(node)[-1])


def timed(command: list[str], cwd: Path, **env: str) -> tuple[float, float, float]:
    """Wall time in seconds, CPU time in seconds and peak memory in MiB of one
    command, counting every process of its session: the workers a build starts
    come from a fork server, and are not children ``wait4`` would count."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **env}
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    sampler = _SessionSampler(process.pid)
    sampler.start()
    stderr = process.stderr.read()  # type: ignore[union-attr]
    process.wait()
    elapsed = time.perf_counter() - start
    sampler.stop()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr.decode()}")
    return elapsed, sampler.cpu_seconds, sampler.peak_mib


class _SessionSampler(threading.Thread):
    """Every 50 ms, the memory of every process of a session, and the CPU
    time each has used (the last seen, summed once they end).

    Memory is each process's proportional share (PSS): the workers are
    forked from a fork server that has loaded MkDocs, Material and the
    project, and share those pages with it; adding up resident sizes would
    count them once per process."""

    def __init__(self, session: int) -> None:
        super().__init__(daemon=True)
        self.session = session
        self.peak_mib = 0.0
        self._cpu: dict[int, float] = {}
        self._done = threading.Event()
        self._tick = os.sysconf("SC_CLK_TCK")

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu.values())

    def run(self) -> None:
        while not self._done.is_set():
            self._sample()
            self._done.wait(0.05)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def _sample(self) -> None:
        resident = 0
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) != self.session:
                continue
            self._cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / self._tick
            resident += _proportional_kib(entry) * 1024
        self.peak_mib = max(self.peak_mib, resident / 2**20)


def _proportional_kib(process: Path) -> int:
    try:
        for line in (process / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def build(folder: Path, config: str, site: str, **env: str) -> tuple[float, float, float]:
    command = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", site]
    return timed(command, folder, **env)


def rebuild_latency(folder: Path, page: str, note: str, anchor: str, runs: int) -> float:
    """Median seconds from saving an edited digest to the served page showing the edit.

    The marker is a paragraph of its own after the line holding ``anchor``
    in ``note`` (after a heading's ``{#slug}``, it would change the slug);
    it has no glossary term, so it stays one piece of text in ``page``.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/llm-notes/{page}"
    path = folder / "docs" / "notes" / note
    original = path.read_text(encoding="utf-8")
    latencies = []
    try:
        _wait(url, "</html>")
        for _ in range(runs):
            marker = f"edited{time.time_ns()}"
            start_of = original.index(anchor)
            end_of_line = original.index("\n", start_of)
            edited = f"{original[:end_of_line]}\n\n{marker}\n{original[end_of_line:]}"
            path.write_text(edited, encoding="utf-8")
            start = time.perf_counter()
            _wait(url, marker)
            latencies.append(time.perf_counter() - start)
            time.sleep(1)  # let the watcher settle before the next edit
    finally:
        server.terminate()
        server.wait(30)
        path.write_text(original, encoding="utf-8")
    return statistics.median(latencies)


def real_site_rebuild(runs: int) -> float:
    """The rebuild of the real site (its notes, data and config) under ``mkdocs serve``."""
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for name in ("hooks", "overrides", "data", "docs"):
            shutil.copytree(
                ROOT / name, folder / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        shutil.copy(ROOT / "mkdocs.yml", folder / "mkdocs.yml")
        return rebuild_latency(
            folder, "2023-11-12/wider-not-deeper/", "20231112.md", "二次曲线", runs
        )


def _wait(url: str, text: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if text in response.read().decode("utf-8"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise SystemExit(f"{text!r} never appeared at {url}")


# Word breaks the index adds to Chinese: U+200B, or the spaces that replace it
# next to a Chinese character. The text a reader sees has neither; taking out
# every space beside a Chinese character also takes a few real ones, which
# can only make the index look bigger than it is.
_ADDED_BREAKS = re.compile(
    r"<[^>]+>|\u200b|(?<=[\u3400-\u9fff]) (?=\S)|(?<=\S) (?=[\u3400-\u9fff])"
)


def weights(site: Path, plain_site: Path) -> dict[str, float]:
    """A topic page's weight and first load, the largest page, and each
    search index against plain's and against its own text.

    The first load is what a reader's browser fetches for a topic page: the
    HTML, its CSS and JS, and Material's search worker, all gzipped. The
    search index is fetched once the page is idle or the reader reaches for
    search (overrides/partials/search-on-demand.js), so it is counted on its own.
    """
    topic = site / "2024-01-07" / "topic-0" / "index.html"
    html = topic.read_text(encoding="utf-8")
    assets = re.findall(r'(?:href|src)="((?:\.\./)+assets/[^"]+\.(?:css|js))"', html)
    worker = json.loads(
        html.split('<script id="__config" type="application/json">')[1].split("</script>")[0]
    )["search"]
    first_load = [topic, *(topic.parent / asset for asset in assets), topic.parent / worker]
    if "kbSearchIndex" not in html:  # a build without search-on-demand.js fetches it at once
        first_load.append(site / "search" / "search_index.json")
    largest = max(site.rglob("*.html"), key=lambda path: path.stat().st_size)
    plain_largest = max(plain_site.rglob("*.html"), key=lambda path: path.stat().st_size)
    figures: dict[str, float | str] = {
        "topic_html_kib": len(html.encode()) / 1024,
        "first_load_gzip_kib": sum(len(gzip.compress(p.read_bytes())) for p in first_load) / 1024,
        "largest_page": str(largest.relative_to(site).parent),
        "largest_page_kib": largest.stat().st_size / 1024,
        "plain_largest_page": str(plain_largest.relative_to(plain_site).parent),
        "plain_largest_page_kib": plain_largest.stat().st_size / 1024,
    }
    plain_index = plain_site / "search" / "search_index.json"
    figures["search_plain_gzip_kib"] = len(gzip.compress(plain_index.read_bytes())) / 1024
    for language, index in (
        ("zh", site / "search" / "search_index.json"),
        ("en", site / "en" / "search" / "search_index.json"),
    ):
        if index.exists():
            docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
            text = sum(len(_ADDED_BREAKS.sub("", d["title"] + d["text"]).encode()) for d in docs)
            figures[f"search_{language}_vs_text"] = index.stat().st_size / max(text, 1)
            figures[f"search_{language}_gzip_kib"] = len(gzip.compress(index.read_bytes())) / 1024
            figures[f"search_{language}_entries"] = len(docs)
    plain_docs = json.loads(plain_index.read_text(encoding="utf-8"))["docs"]
    figures["search_plain_entries"] = len(plain_docs)
    return figures


def graph_figures(site: Path, runs: int = 3) -> dict[str, float]:
    """The archive graph page's weight, and how long Chromium takes to show it.

    The render time is from asking for the page to its load event, served
    on 127.0.0.1, median of ``runs``; skipped without Playwright or Chromium.
    """
    page = site / "graph" / "index.html"
    figures = {
        "graph_html_kib": page.stat().st_size / 1024,
        "graph_gzip_kib": len(gzip.compress(page.read_bytes())) / 1024,
    }
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return figures
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        return figures
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    args += ["--disable-component-update", "--no-first-run"]
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(chromium), args=args)
            times = []
            for _ in range(runs):
                tab = browser.new_page()
                started = time.perf_counter()
                tab.goto(f"http://127.0.0.1:{server.server_address[1]}/graph/", wait_until="load")
                times.append((time.perf_counter() - started) * 1000)
                tab.close()
            browser.close()
    finally:
        server.shutdown()
    figures["graph_render_ms"] = statistics.median(times)
    return figures


def _queries(site: Path) -> tuple[str, ...]:
    """What a reader of the first topic might search: a speaker label every
    real digest has, and its title's first word."""
    page = (site / "2024-01-07" / "topic-0" / "index.html").read_text(encoding="utf-8")
    title = re.search(r"<h1[^>]*>([^<]+)", page)[1].strip()
    return ("研究员", re.split(r"[\s，、：:（(]", title)[0][:8] or title[:4])


# How much slower a phone's CPU is, for the slowed search figures.
SLOWDOWN = 4


def search_figures(site: Path, plain_site: Path, runs: int = 3) -> dict[str, float]:
    """Milliseconds from focusing the search box to the first result shown,
    typing a query a reader would, median of ``runs`` per query: on a page
    that has settled (loaded, then idle) and on one just loaded (typing at
    DOMContentLoaded), for the project's site and for plain's; then the same
    with the page's processes slowed ``SLOWDOWN`` times, as on a phone
    (``_slow`` figures; one run per query was within this machine's noise).
    Skipped without Playwright or Chromium."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {}
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        return {}
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    args += ["--disable-component-update", "--no-first-run"]
    figures = {}
    queries = _queries(site)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=args)
        for name, root in (("project", site), ("plain", plain_site)):
            handler = functools.partial(_Quiet, directory=str(root))
            server = _QuietServer(("127.0.0.1", 0), handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            url = f"http://127.0.0.1:{server.server_address[1]}/2024-01-07/topic-0/"
            try:
                for state, slowdown, repeats in (
                    ("settled", 1, runs),
                    ("loading", 1, runs),
                    ("settled", SLOWDOWN, runs),
                    ("loading", SLOWDOWN, runs),
                ):
                    times = [
                        _first_result_ms(browser, url, query, state, slowdown)
                        for query in queries
                        for _ in range(repeats)
                    ]
                    slow = "_slow" if slowdown > 1 else ""
                    figures[f"search_{state}{slow}_{name}_ms"] = statistics.median(times)
            finally:
                server.shutdown()
        browser.close()
    return figures


def _first_result_ms(browser, url: str, query: str, state: str, slowdown: int) -> float:
    """One first visit (nothing cached): milliseconds to the first search result."""
    slowed = _SlowedPages(slowdown) if slowdown > 1 else None
    context = browser.new_context()
    tab = context.new_page()
    try:
        if slowed is not None:
            slowed.start()
        if state == "settled":
            tab.goto(url, wait_until="load", timeout=120000)
            tab.wait_for_load_state("networkidle", timeout=120000)
            tab.wait_for_timeout(1000 * slowdown)
        else:
            tab.goto(url, wait_until="domcontentloaded", timeout=120000)
        started = time.perf_counter()
        tab.locator("input.md-search__input").focus()
        tab.keyboard.type(query)
        # Characters from an input method come without key events, which
        # Material searches on: a key press.
        tab.keyboard.press("End")
        tab.locator(".md-search-result__item").first.wait_for(timeout=30000 * slowdown)
        return (time.perf_counter() - started) * 1000
    finally:
        if slowed is not None:
            slowed.stop()
        context.close()


class _SlowedPages(threading.Thread):
    """Chromium's page processes slowed ``factor`` times, as on a phone: each
    runs for 1/``factor`` of every 20 ms and is stopped the rest. Chromium's
    own CPU throttling (CDP's ``Emulation.setCPUThrottlingRate``) slows a
    page's main thread, not the web worker Material searches in; stopping
    the whole process slows every thread of the page alike."""

    PERIOD = 0.02

    def __init__(self, factor: int) -> None:
        super().__init__(daemon=True)
        self.factor = factor
        self._done = threading.Event()

    def run(self) -> None:
        running = self.PERIOD / self.factor
        pages: list[int] = []
        found_at = 0.0
        while not self._done.is_set():
            if time.monotonic() - found_at > 0.2:  # pages come and go with the tabs
                pages, found_at = _page_processes(), time.monotonic()
            _signal(pages, signal.SIGCONT)
            time.sleep(running)
            _signal(pages, signal.SIGSTOP)
            time.sleep(self.PERIOD - running)
        _signal(_page_processes(), signal.SIGCONT)

    def stop(self) -> None:
        self._done.set()
        self.join()


def _page_processes() -> list[int]:
    """Chromium's renderer processes (there is one browser here: the benchmark's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # A renderer forked from Chromium's zygote has its arguments
            # rewritten as one string, with spaces for the NULs between them.
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if b"chromium" in command.split(b" ")[0] and b" --type=renderer " in command:
            found.append(int(entry.name))
    return found


def _signal(processes: list[int], number: int) -> None:
    for pid in processes:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, number)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a tab closed while its page still loaded (the next run's new context)


def measure(
    topics: int, content: str, runs: int, serve: bool, keep: Path | None, browser: bool = True
) -> dict:
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        if keep is not None:
            folder = keep / f"{topics}-{content}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        project(folder, topics, content)
        builds: dict[str, list[tuple[float, float, float]]] = {
            "project": [],
            "serial": [],
            "plain": [],
            "plain_all": [],
        }
        for _ in range(runs):  # interleaved: the machine's load falls on all alike
            builds["project"].append(build(folder, "mkdocs.yml", "site"))
            builds["serial"].append(build(folder, "mkdocs.yml", "site-serial", KB_PARALLEL="0"))
            builds["plain"].append(build(folder, "mkdocs-plain.yml", "site-plain"))
            builds["plain_all"].append(build(folder, "mkdocs-plain-all.yml", "site-plain-all"))
        result: dict = {"topics": topics, "content": content}
        for name, figures in builds.items():
            result[f"{name}_s"] = statistics.median(wall for wall, _, _ in figures)
            result[f"{name}_cpu_s"] = statistics.median(cpu for _, cpu, _ in figures)
            result[f"{name}_peak_mib"] = max(peak for _, _, peak in figures)
        result["project_vs_plain"] = result["project_s"] / result["plain_s"]
        result["project_vs_plain_all"] = result["project_s"] / result["plain_all_s"]
        result["serial_vs_plain_all"] = result["serial_s"] / result["plain_all_s"]
        result["serial_vs_plain"] = result["serial_s"] / result["plain_s"]
        result["cpu_vs_plain"] = result["serial_cpu_s"] / result["plain_cpu_s"]
        result["memory_vs_plain"] = result["project_peak_mib"] / result["plain_peak_mib"]
        result["memory_vs_plain_all"] = result["project_peak_mib"] / result["plain_all_peak_mib"]
        # The index and search against plain Material building every page the
        # project makes (the same pages, so the same text to index).
        result.update(weights(folder / "site", folder / "site-plain-all"))
        result["graph_html_kib"] = (folder / "site" / "graph" / "index.html").stat().st_size / 1024
        if browser:
            result.update(graph_figures(folder / "site"))
        if browser:
            result.update(search_figures(folder / "site", folder / "site-plain-all"))
        if serve:
            result["rebuild_s"] = rebuild_latency(
                folder, "2024-01-07/topic-0/", "20240107.md", "{#topic-0}", runs
            )
        return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--topics", type=int, nargs="+", default=[100, 1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--content", nargs="+", choices=["real", "synthetic"], default=["real", "synthetic"]
    )
    parser.add_argument("--no-serve", action="store_true", help="skip the rebuild latency")
    parser.add_argument(
        "--no-browser", action="store_true", help="skip what Chromium measures (graph, search)"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--keep", type=Path, help="keep the generated projects and sites here")
    arguments = parser.parse_args(argv)
    results = []
    for topics in arguments.topics:
        for content in arguments.content:
            results.append(
                measure(
                    topics,
                    content,
                    arguments.runs,
                    serve=not arguments.no_serve and content == "real",
                    keep=arguments.keep,
                    browser=not arguments.no_browser,
                )
            )
            print(_row(results[-1]), flush=True)
    summary: dict = {"corpora": results}
    sizes = sorted(arguments.topics)
    summary["scaling"] = {
        f"{content} {small}->{large}": next(
            r["project_s"] for r in results if (r["topics"], r["content"]) == (large, content)
        )
        / next(r["project_s"] for r in results if (r["topics"], r["content"]) == (small, content))
        for content in arguments.content
        for small, large in itertools.pairwise(sizes)
    }
    for step, ratio in summary["scaling"].items():
        print(f"scaling {step.replace('->', ' → ')} topics: {ratio:.2f}× the build time")
    if not arguments.no_serve:
        summary["real_site_rebuild_s"] = real_site_rebuild(arguments.runs)
        print(f"real site: mkdocs serve rebuild {summary['real_site_rebuild_s']:.2f}s")
    summary["budgets"] = budgets(summary)
    for name, (measured, limit, met) in summary["budgets"].items():
        print(f"budget {name}: {measured:.2f} (limit {limit}) {'met' if met else 'OVER'}")
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


def budgets(summary: dict) -> dict[str, tuple[float, float, bool]]:
    """The budgets (issue "A build that never hangs, and every feature for
    free") against the worst figure measured for each."""
    corpora = summary["corpora"]
    measured = {
        "project / plain-all ×": (max(r["project_vs_plain_all"] for r in corpora), 1.0),
        "serial / plain-all ×": (max(r["serial_vs_plain_all"] for r in corpora), 1.3),
        "peak memory / plain-all ×": (max(r["memory_vs_plain_all"] for r in corpora), 1.5),
        "largest page KiB": (max(r["largest_page_kib"] for r in corpora), 512),
        "search index gz / plain's ×": (
            max(
                r[f"search_{lang}_gzip_kib"] / r["search_plain_gzip_kib"]
                for r in corpora
                for lang in ("zh", "en")
                if f"search_{lang}_gzip_kib" in r
            ),
            1.0,
        ),
        "topic first load KiB gz": (max(r["first_load_gzip_kib"] for r in corpora), 200),
    }
    for state, shown in (
        ("settled", "settled page"),
        ("loading", "page just loaded"),
        ("settled_slow", f"settled page, CPU {SLOWDOWN}× slower"),
        ("loading_slow", f"page just loaded, CPU {SLOWDOWN}× slower"),
    ):
        if all(f"search_{state}_project_ms" in r for r in corpora):
            measured[f"first search result, {shown} / plain ×"] = (
                max(
                    r[f"search_{state}_project_ms"] / r[f"search_{state}_plain_ms"] for r in corpora
                ),
                1.0,
            )
    for step, ratio in summary["scaling"].items():
        if step.endswith("100->1000"):
            measured[f"scaling {step} ×"] = (ratio, 10)
    if "real_site_rebuild_s" in summary:
        measured["real-site rebuild s"] = (summary["real_site_rebuild_s"], 1.5)
    return {name: (value, limit, value <= limit) for name, (value, limit) in measured.items()}


def _row(result: dict) -> str:
    fields = [
        f"{result['topics']:5} topics {result['content']}",
        f"project {result['project_s']:.2f}s",
        f"serial {result['serial_s']:.2f}s",
        f"plain {result['plain_s']:.2f}s",
        f"project/plain {result['project_vs_plain']:.2f}×",
        f"serial/plain {result['serial_vs_plain']:.2f}×",
        f"plain-all {result['plain_all_s']:.2f}s",
        f"project/plain-all {result['project_vs_plain_all']:.2f}×",
        f"serial/plain-all {result['serial_vs_plain_all']:.2f}×",
        f"cpu serial/plain {result['cpu_vs_plain']:.2f}×",
        f"peak {result['project_peak_mib']:.0f} MiB (serial {result['serial_peak_mib']:.0f},"
        f" plain {result['plain_peak_mib']:.0f}, plain-all {result['plain_all_peak_mib']:.0f})",
        f"largest {result['largest_page']} {result['largest_page_kib']:.0f} KiB"
        f" (plain {result['plain_largest_page']} {result['plain_largest_page_kib']:.0f})",
        f"topic {result['topic_html_kib']:.0f} KiB",
        f"first load {result['first_load_gzip_kib']:.0f} KiB gz",
    ]
    fields += [
        f"index {lang} {result[f'search_{lang}_gzip_kib']:.0f} KiB gz"
        f" ({result[f'search_{lang}_entries']} entries)"
        for lang in ("zh", "en")
        if f"search_{lang}_gzip_kib" in result
    ]
    fields.append(
        f"plain index {result['search_plain_gzip_kib']:.0f} KiB gz"
        f" ({result['search_plain_entries']} entries)"
    )
    fields += [
        f"first result {state} {result[f'search_{state}_project_ms']:.0f} ms"
        f" (plain {result[f'search_{state}_plain_ms']:.0f})"
        for state in ("settled", "loading", "settled_slow", "loading_slow")
        if f"search_{state}_project_ms" in result
    ]
    if "graph_gzip_kib" in result:
        fields.append(f"graph {result['graph_gzip_kib']:.0f} KiB gz")
    if "graph_render_ms" in result:
        fields.append(f"graph render {result['graph_render_ms']:.0f} ms")
    if "rebuild_s" in result:
        fields.append(f"rebuild {result['rebuild_s']:.2f}s")
    return " | ".join(fields)


if __name__ == "__main__":
    raise SystemExit(main())
