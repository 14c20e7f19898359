"""Search as a reader uses it: queries typed into Material's search box, in Chromium."""

from __future__ import annotations

import html
import re
import urllib.request

import pytest

from conftest import pages_of, search
from kb.searchindex import WORKER_DEFECT, WORKER_FIX, UpstreamChangedError, patch_worker

CHINESE = [
    ("外推", "2023-11-12/length-extrapolation/"),
    ("复读机", "2023-11-12/repetition-loops/"),
    ("MoE", "2023-11-12/wider-not-deeper/"),
    ("知识更新", "2023-11-12/knowledge-updates/"),
    ("更新", "2023-11-12/knowledge-updates/"),
    ("memory replay", "2023-11-12/knowledge-updates/"),
    ("同声传译", "2023-11-12/discussion/"),
    ("长度外推", "2023-11-12/length-extrapolation/"),
    ("加法 正确率", "2023-11-12/addition-accuracy/"),
    ("模型 架构", "2023-11-12/wider-not-deeper/"),
    ("检索增强", "2023-11-12/knowledge-updates/"),
    ("RAG 图片", "2023-11-12/quick-questions/"),
    ("显存", "2023-11-12/quick-questions/"),
    ("过拟合", "2023-11-12/quick-questions/"),
    ("shift window attention", "2023-11-12/discussion/"),
    ("线性", "2023-11-12/paper-notes/"),
    ("知识冲突", "2023-11-12/knowledge-updates/"),
    ("Transformer-VQ", "2023-11-12/paper-notes/"),
]
ENGLISH = [
    ("extrapolation", "en/2023-11-12/length-extrapolation/"),
    ("extrapol", "en/2023-11-12/length-extrapolation/"),
    ("memory replay", "en/2023-11-12/knowledge-updates/"),
    ("repetition", "en/2023-11-12/repetition-loops/"),
    ("nucleus sampling", "en/2023-11-12/repetition-loops/"),
    ("retrieval", "en/2023-11-12/knowledge-updates/"),
    ("simultaneous interpretation", "en/2023-11-12/discussion/"),
    ("arithmetic", "en/2023-11-12/addition-accuracy/"),
    ("knowledge conflict", "en/2023-11-12/knowledge-updates/"),
    ("wider", "en/2023-11-12/wider-not-deeper/"),
    ("tokenisation", "en/2023-11-12/addition-accuracy/"),
    ("mixture of experts", "en/2023-11-12/wider-not-deeper/"),
]

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("query", "expected"), CHINESE, ids=[q for q, _ in CHINESE])
def test_chinese_queries(page, server, query, expected):
    page.goto(server)
    results, _ = search(page, query)
    assert expected in pages_of(results, server)[:3], results[:6]
    assert not [href for href in results if href.startswith(server + "en/")]


@pytest.mark.parametrize(("query", "expected"), ENGLISH, ids=[q for q, _ in ENGLISH])
def test_english_queries(page, server, query, expected):
    page.goto(server + "en/")
    results, _ = search(page, query)
    assert expected in pages_of(results, server)[:3], results[:6]
    assert all(href.startswith(server + "en/") for href in results)


@pytest.mark.parametrize(
    ("start", "query", "empty"),
    [
        ("", "麒麟鹦鹉", "没有找到符合条件的结果"),
        ("en/", "qwertyzzz", "No matching documents"),
    ],
)
def test_a_query_without_answer_shows_the_empty_state(page, server, start, query, empty):
    page.goto(server + start)
    results, summary = search(page, query)
    assert results == [] and summary == empty


def test_results_land_on_the_question(page, server):
    page.goto(server)
    results, _ = search(page, "键盘鼠标")
    assert any(
        href.split("?")[0].endswith("quick-questions/") and href.endswith("#q2") for href in results
    ), results


def test_the_whole_query_is_searched_as_a_word(page, server):
    """Material's worker, unpatched, searches 更新 as 更* (the highlight shows it)."""
    page.goto(server)
    results, _ = search(page, "更新")
    highlighted = {href.split("h=", 1)[1].split("#")[0] for href in results if "h=" in href}
    assert highlighted - {""} == {"%E6%9B%B4%E6%96%B0"}


def test_results_show_chinese_as_written_without_the_index_word_breaks(page, server):
    """The index breaks words with spaces; a reader sees 为什么普遍选用, not 为什么 普遍 选用."""
    page.goto(server)
    search(page, "矮胖")
    shown = page.locator(".md-search-result__article").all_inner_texts()
    assert any("为什么普遍选用矮胖" in text for text in shown), shown
    assert not [text for text in shown if re.search(r"[\u4e00-\u9fff] [\u4e00-\u9fff]", text)]
    marked = page.locator(".md-search-result__article mark").all_inner_texts()
    assert "矮胖" in marked


def test_the_search_index_waits_until_the_page_has_loaded(page, server):
    """Not part of the first load: fetched once the load event is over, so
    the first search answers at once."""
    url = server + "search/search_index.json"
    with page.expect_request(url):
        page.goto(server + "2023-11-12/wider-not-deeper/")
    page.wait_for_load_state("networkidle")
    started, loaded = page.evaluate(
        """url => [performance.getEntriesByName(url)[0].startTime,
                   performance.getEntriesByType("navigation")[0].loadEventEnd]""",
        url,
    )
    assert started >= loaded > 0


def test_a_reader_saving_data_fetches_the_index_only_when_reaching_for_search(page, server):
    page.add_init_script(
        "Object.defineProperty(navigator, 'connection', {value: {saveData: true}})"
    )
    fetched = []
    page.on("request", lambda r: fetched.append(r.url) if "search_index" in r.url else None)
    page.goto(server + "2023-11-12/wider-not-deeper/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1500)
    assert fetched == []
    results, _ = search(page, "外推")
    assert fetched == [server + "search/search_index.json"] and results


def test_a_shared_search_link_fetches_the_index_at_once(page, server):
    page.goto(server + "en/?q=extrapolation")
    page.locator(".md-search-result__item").first.wait_for()
    assert "en/2023-11-12/length-extrapolation/" in page.locator(
        ".md-search-result__item > a"
    ).first.get_attribute("href")


def test_keyboard_alone_opens_search_picks_a_result_and_switches_language(page, server):
    page.goto(server + "2023-11-12/")
    page.keyboard.press("/")
    page.keyboard.type("复读机", delay=10)
    page.keyboard.press("End")
    page.locator(".md-search-result__item").first.wait_for()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url("**/2023-11-12/repetition-loops/**")
    page.wait_for_function(
        "() => document.querySelector('link[rel=canonical]').href.includes('repetition-loops')"
    )
    # Instant navigation leaves the focus in the header's search, after the
    # switcher: back to it.
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        focused = page.evaluate("document.activeElement.getAttribute('hreflang')")
        if focused == "en":
            break
    assert focused == "en"
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/2023-11-12/repetition-loops/")


def test_the_worker_patch_fixes_the_loop_once():
    script = "a;" + WORKER_DEFECT + "{b}"
    assert patch_worker(script) == "a;" + WORKER_FIX + "{b}"
    assert patch_worker(patch_worker(script)) == patch_worker(script)
    with pytest.raises(UpstreamChangedError):
        patch_worker("for(let i=0;i<n;i++){}")
    with pytest.raises(UpstreamChangedError):
        patch_worker(WORKER_DEFECT + WORKER_DEFECT)


def test_the_built_worker_is_patched(server):
    with urllib.request.urlopen(server) as response:
        html = response.read().decode("utf-8")
    worker = html.split('"search": "', 1)[1].split('"', 1)[0]
    with urllib.request.urlopen(server + worker.lstrip("./")) as response:
        script = response.read().decode("utf-8")
    assert WORKER_FIX in script and WORKER_DEFECT not in script


def _words(html_text: str) -> str:
    """A page's visible words, without tags or spaces: what a result may quote."""
    body = html_text.split('<article class="md-content__inner', 1)[-1]
    body = re.sub(r"<(script|style)\b.*?</\1>", "", body, flags=re.DOTALL)
    return re.sub(r"\s+", "", html.unescape(re.sub(r"<[^>]+>", "", body)))


@pytest.mark.parametrize(
    ("start", "query"),
    [
        ("", "外推"),
        ("", "mixture of experts"),  # the page says MoE and 混合专家
        ("", "学习率"),
        ("en/", "检索增强"),  # an English page found by the Chinese name
        ("en/", "extrapolation"),
        ("en/", "memory replay"),
    ],
)
def test_a_result_shows_its_pages_own_title_and_words_never_the_vocabulary(
    page, server, start, query
):
    """Issue "A site that reads well on a phone": the words added so that 蒸馏
    finds "distill" are searched, never shown: each result's title and snippet
    are words of the page it opens."""
    page.goto(server + start)
    links, _ = search(page, query)
    assert links, query
    articles = page.locator(".md-search-result__item > a")
    pages: dict[str, str] = {}
    for number in range(min(articles.count(), 8)):
        article = articles.nth(number)
        href = article.get_attribute("href").split("#")[0].split("?")[0]
        if href not in pages:
            with urllib.request.urlopen(href) as response:
                pages[href] = _words(response.read().decode("utf-8"))
        title = article.locator("h1, h2").first.inner_text()
        assert title.strip(), href
        assert not re.search(r"（[^）]*，[^）]*）$", title), title
        # A question's title starts with its badge (Q, Q1), which the page
        # shows beside the words.
        words = re.sub(r"\s+", "", title)
        assert words in pages[href] or re.sub(r"^Q\d*", "", words) in pages[href], (title, href)
        teaser = article.locator(".md-search-result__teaser")
        if teaser.count():
            shown = re.sub(r"\s+", "", teaser.first.inner_text()).rstrip("…")
            assert shown[:60] in pages[href], (shown[:80], href)


def test_a_chinese_word_is_highlighted_whole(page, server):
    """外推 is one word of the index (a glossary word jieba would split): its
    results highlight 外推 (or a word it begins, 外推法), never 外 alone."""
    page.goto(server)
    search(page, "外推")
    marks = page.locator(".md-search-result mark")
    shown = [marks.nth(i).inner_text() for i in range(marks.count())]
    assert "外推" in shown
    assert not [mark for mark in shown if mark and not mark.startswith("外推")], shown
