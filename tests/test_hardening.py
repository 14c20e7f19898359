"""Hostile and broken notes, generated digests, reproducible output."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from conftest import FIXTURES, build_site, build_with_cli, differing_files, make_project

HOSTILE = FIXTURES / "hostile" / "20240201.md"
SCHEME = re.compile(r"^\s*(?:javascript|vbscript|data)\s*:", re.IGNORECASE)


class _Markup(HTMLParser):
    """Elements and attributes in a page's article that could run or restyle anything."""

    def __init__(self) -> None:
        super().__init__()  # attribute values come back with entities decoded
        self.depth = 0
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        if tag in ("script", "iframe", "style", "object", "embed", "form"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in ("style", "srcdoc"):
                self.found.append(f"{tag}[{name}]")
            if name in ("href", "src", "action") and value and SCHEME.match(value):
                self.found.append(f"{tag}[{name}={value[:20]}]")

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1


def dangerous(html: str) -> list[str]:
    parser = _Markup()
    parser.feed(html)
    return parser.found


BROKEN = FIXTURES / "broken"
DANGEROUS = re.compile(
    r"<script(?![^>]*\bsrc=\"[^\"]*assets/)|<iframe|<style|<object|<embed|\son[a-z]+\s*=|"
    r"(?:href|src)\s*=\s*\"\s*(?:javascript|vbscript|data):|style=\"position",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    docs = make_project(tmp, {HOSTILE.name: HOSTILE.read_text(encoding="utf-8")})
    result = build_site(docs, tmp / "site", strict=False)
    assert result.error is None, result.log
    return result


@pytest.mark.build
def test_no_markup_or_url_from_a_note_survives(hostile):
    pages = [path for path in hostile.site.rglob("index.html") if "2024-02-01" in str(path)]
    assert len(pages) == 8  # 3 topics and the digest, in both languages
    for path in pages:
        assert dangerous(path.read_text(encoding="utf-8")) == [], path
    topic = hostile.page("2024-02-01/jiao-ben-yu-shi-jian")
    assert '&lt;script&gt;alert("inline")&lt;/script&gt;' in topic
    assert "注释里藏着的标题" in topic
    assert not (hostile.site / "2024-02-01" / "zhu-shi-li-cang-zhao-de-biao-ti").exists()


@pytest.mark.browser
def test_no_dialog_fires_in_a_browser(hostile, browser):
    import functools
    import http.server
    import threading

    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(hostile.site.parent)
    )
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    dialogs = []
    context = browser.new_context()
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        for prefix in ("", "en/"):
            for slug in ("jiao-ben-yu-shi-jian", "wei-xian-lian-jie", "shu-xing-zhu-ru"):
                page.goto(
                    f"http://127.0.0.1:{httpd.server_address[1]}/site/{prefix}2024-02-01/{slug}/"
                )
                page.wait_for_load_state("networkidle")
                # Not the graph's nodes: they lie close together, and are our own links.
                targets = page.locator(
                    "article a:not(.kb-node), article strong, article div, article img"
                )
                for element in targets.all()[:60]:
                    if element.is_visible():
                        element.hover(timeout=2000)
                        element.click(timeout=2000, no_wait_after=True, modifiers=["Alt"])
                page.wait_for_timeout(200)
    finally:
        context.close()
        httpd.shutdown()
    assert dialogs == []


FAILING = [
    ("20240301.md", "20240301.md:1:1: KB104"),
    ("20240302.md", "20240302.md:1:1: KB104"),
    ("20240303.md", "20240303.md:3:3: KB110"),
    ("20240304.md", "20240304.md:3:1: KB102"),
]


@pytest.mark.build
@pytest.mark.parametrize(("name", "message"), FAILING)
def test_broken_notes_fail_with_a_located_message(tmp_path, name, message):
    docs = make_project(tmp_path, {name: (BROKEN / name).read_bytes()})
    result = build_site(docs, tmp_path / "site")
    assert result.error is not None
    assert any(message in warning for warning in result.warnings), result.log
    assert "Traceback" not in result.log


@pytest.mark.build
def test_broken_notes_that_can_render_do(tmp_path):
    notes = {
        path.name: path.read_bytes()
        for path in sorted(BROKEN.glob("*.md"))
        if path.name not in dict(FAILING)
    }
    notes["20240307.md"] = ("## " + "长" * 10000 + "\n\n内容\n").encode()
    notes["20240308.md"] = (
        "## 巨大的话题\n\n"
        + "\n\n".join(
            f"研究员{i % 9 + 1}：第 {i} 段，讨论外推与 RAG。" + "文字" * 200 for i in range(1200)
        )
        + "\n"
    ).encode()
    assert len(notes["20240308.md"]) > 1_000_000
    docs = make_project(tmp_path, notes)
    result = build_site(docs, tmp_path / "site", strict=False)
    assert result.error is None, result.log
    assert "Traceback" not in result.log
    crlf = result.page("2024-03-05/dai-bom-de-hua-ti")
    assert "Windows 换行" in crlf and "混合" in crlf
    assert any("20240306.md:1:6: KB116" in w for w in result.warnings), result.warnings
    bidi = result.page("2024-03-06/ling-kuan-yu-fan-xiang-biao-ti")
    assert "\u202e" not in bidi and "零宽与反向标题" in bidi
    long_slug = next(p for p in (tmp_path / "site" / "2024-03-07").iterdir() if p.is_dir())
    assert len(long_slug.name) <= 48
    big = result.page("2024-03-08/ju-da-de-hua-ti")
    assert big.count('class="kb-speaker"') == 1200
    nested = result.page("2024-03-09/qian-tao-lie-biao")
    assert "第 59 层" in nested
    unclosed = result.page("2024-03-10/wei-bi-he-de-dai-ma")
    assert "这不是标题" in unclosed
    assert not (tmp_path / "site" / "2024-03-10" / "zhe-bu-shi-biao-ti").exists()
    assert "内容一" in result.page("2024-03-11/topic-1")
    assert "内容二" in result.page("2024-03-11/topic-2")


@pytest.mark.build
def test_two_builds_are_byte_identical_whatever_the_environment(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    build_with_cli(first, PYTHONHASHSEED="1", TZ="UTC", LC_ALL="C.UTF-8")
    build_with_cli(second, PYTHONHASHSEED="4242", TZ="Asia/Shanghai", LC_ALL="C")
    assert differing_files(first, second) == ([], [], [])
