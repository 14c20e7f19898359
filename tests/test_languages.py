"""Both languages: counterparts, localized pages, search indexes, drift checks."""

from __future__ import annotations

import json
import posixpath
import re
from html.parser import HTMLParser

import pytest

from conftest import FIXTURES, ROOT, build_site, make_project

pytestmark = pytest.mark.build

SITE_PATH = "/llm-notes/"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# Chinese the English translation keeps on purpose: a blog post's title next
# to its English rendering, a name next to its romanisation, and the two
# characters a translator's note is about.
KEPT_CHINESE = {"VQ一下Key", "Transformer的复杂度就变成线性了", "冯洋", "在", "再"}


class _Page(HTMLParser):
    """Switcher links, and the visible text of the article and navigation.

    Text marked as being in another language (``lang="zh"``), such as a
    glossary term's Chinese name, is left out of ``text``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.switcher: dict[str, str] = {}
        self.text: list[str] = []
        self._stack: list[str] = []
        self._capture = 0
        self._foreign: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("lang", "en") != "en" or self._foreign:
            self._foreign.append(tag)
        classes = attributes.get("class") or ""
        if tag == "a" and "md-select__link" in classes:
            self.switcher[attributes["hreflang"]] = attributes["href"]
        content = tag == "article" or (tag == "nav" and "md-nav" in classes.split())
        if content and self._capture == 0:
            self._capture = 1
            self._stack.append(tag)
        elif self._capture and tag == self._stack[0]:
            self._capture += 1

    def handle_endtag(self, tag):
        if self._foreign and self._foreign[-1] == tag:
            self._foreign.pop()
        if self._capture and tag == self._stack[0]:
            self._capture -= 1
            if self._capture == 0:
                self._stack.pop()

    def handle_data(self, data):
        if self._capture and not self._foreign:
            self.text.append(data)


def pages(site):
    for path in sorted(site.rglob("index.html")):
        relative = path.parent.relative_to(site).as_posix()
        yield ("" if relative == "." else relative + "/"), path


def parsed(path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_every_page_switches_to_its_counterpart(real_site):
    site = real_site.site
    urls = dict(pages(site))
    assert len(urls) >= 20
    for url, path in urls.items():
        english = url.startswith("en/")
        counterpart = url[3:] if english else "en/" + url
        links = parsed(path).switcher
        assert set(links) == {"zh", "en"}, url
        other = links["zh" if english else "en"]
        if other.startswith(SITE_PATH):
            target = other[len(SITE_PATH) :]
        else:
            target = posixpath.normpath(posixpath.join(url, other)) + "/"
            target = "" if target == "./" else target
        assert target == counterpart, url
        assert counterpart in urls, url


def test_english_pages_have_no_untranslated_text(real_site):
    for url, path in pages(real_site.site):
        if not url.startswith("en/"):
            continue
        text = "".join(parsed(path).text)
        leftovers = set(CJK.findall(text)) - set("".join(KEPT_CHINESE))
        assert not leftovers, (url, sorted(leftovers)[:20])


def test_english_interface_strings(real_site):
    home = real_site.page("en/")
    assert "Digests" in home and "Browse by tag" in home
    assert '<html lang="en"' in home
    topic = real_site.page("en/2023-11-12/discussion")
    assert "From the" in topic and "Digest of 2023-11-12" in topic
    assert "Researcher 1" in real_site.page("en/2023-11-12/wider-not-deeper")
    tags = real_site.page("en/tags")
    assert "Retrieval augmentation" in tags and "检索增强" not in tags


def test_tag_links_stay_in_their_language(real_site):
    english = real_site.page("en/2023-11-12/discussion")
    tag_links = re.findall(r'<a href="([^"]+)" class="md-tag', english)
    assert tag_links
    assert all(re.match(r"\.\./\.\./tags/[a-z-]+/#tag:", link) for link in tag_links)
    for link in tag_links:
        # Each tag's own listing, in English, with the tag's anchor.
        page, anchor = link.removeprefix("../../").split("#")
        listing = real_site.page("en/" + page).split("<article", 1)[1]
        assert f'id="{anchor}"' in listing
        topic_links = re.findall(r'href="(\.\./\.\./2023-11-12/[^"]+)"', listing)
        assert topic_links, "the English tag listing lists no topic"
        # The tag index keeps the anchor links to it have always used.
        assert f'id="{anchor}"' in real_site.page("en/tags")


def test_one_search_index_per_language(real_site):
    def index(path):
        return json.loads((real_site.site / path).read_text(encoding="utf-8"))

    chinese, english = index("search/search_index.json"), index("en/search/search_index.json")
    assert english["config"]["lang"] == ["en"]
    for docs in (chinese["docs"], english["docs"]):
        locations = [doc["location"] for doc in docs]
        assert len(locations) == len(set(locations))
        assert not [location for location in locations if location.startswith("en/")]
    english_text = " ".join(doc["title"] + doc["text"] for doc in english["docs"])
    assert "extrapolation" in english_text

    def pages_of(docs):
        return {doc["location"] for doc in docs if "#" not in doc["location"]}

    assert pages_of(english["docs"]) == pages_of(chinese["docs"])
    chinese_titles = {doc["title"] for doc in chinese["docs"]}
    assert any("复读机" in title for title in chinese_titles)
    assert '"base": "../../../en/"' in real_site.page("en/2023-11-12/discussion")


def test_translation_status_page(real_site):
    zh = real_site.page("translations")
    en = real_site.page("en/translations")
    assert "en：已翻译 8 / 8 个话题" in zh
    assert "en: 8 of 8 topics translated" in en
    assert en.count("✅ Translated") == 8


@pytest.fixture(scope="module")
def partly_translated(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("partly")
    docs = make_project(
        tmp, {"20240107.md": (FIXTURES / "notes" / "20240107.md").read_text(encoding="utf-8")}
    )
    return build_site(docs, tmp / "site", strict=False)


def test_untranslated_notice_appears_exactly_on_untranslated_pages(partly_translated):
    site = partly_translated.site
    for url, path in pages(site):
        html = path.read_text(encoding="utf-8")
        untranslated = url.startswith("en/2024-01-07/")
        notice = '<p class="admonition-title">Not translated yet</p>' in html
        assert notice == untranslated, url
    status = partly_translated.page("en/translations")
    assert "8 of 12 topics translated" in status
    assert status.count("⏳ Not translated yet") == 4


def test_drift_between_source_and_translation_fails_a_strict_build(tmp_path):
    translation = (FIXTURES.parent.parent / "docs" / "notes" / "20231112.en.md").read_text(
        encoding="utf-8"
    )
    drifted = translation.replace("\nResearcher 3:", "\nSomeone else:", 1)
    docs = make_project(tmp_path, {"20231112.en.md": drifted})
    result = build_site(docs, tmp_path / "site", strict=True)
    assert result.error is not None
    assert any(
        re.search(r"20231112\.en\.md:\d+:1: KB304: 'Why do large models", w)
        for w in result.warnings
    ), result.log


ESSAY = """# Scaling Notes

A preamble before the first topic, with a link: https://arxiv.org/abs/2203.02155

## First idea

* Compression is prediction.
* Prediction is understanding, as a mixture of experts shows.

## Second idea

Q: Why would it hold?

A: Because the loss says so.
"""

ESSAY_ZH = """# 扩展笔记

第一个话题之前的导言。

## 第一个想法 {#first-idea}

* 压缩即预测。
* 预测即理解。

## 第二个想法 {#second-idea}

Q：为什么成立？

A：因为损失这么说。
"""


@pytest.fixture(scope="module")
def essay(tmp_path_factory):
    """An undated note written in English, beside the seed."""
    tmp = tmp_path_factory.mktemp("essay")
    result = build_site(make_project(tmp, {"scaling-notes.md": ESSAY}), tmp / "site")
    assert result.error is None, result.log
    return result


def test_an_english_note_is_the_english_editions_text(essay):
    page = essay.page("en/scaling-notes/first-idea")
    assert "Compression is prediction." in page
    assert "kb-original" not in page and "Not translated yet" not in page
    digest = essay.page("en/scaling-notes")
    assert "Scaling Notes" in digest and "A preamble before the first topic" in digest
    assert 'href="../../glossary/#mixture-of-experts"' in page


def test_the_chinese_edition_shows_an_english_note_under_a_notice(essay):
    page = essay.page("scaling-notes/first-idea")
    assert "本话题还没有中文版本" in page
    assert 'class="kb-original" lang="en"' in page
    assert "Compression is prediction." in page
    assert "KB118" in essay.log and "KB119" in essay.log
    # The log says why: how much of the prose is in each language.
    assert "of its prose is in 'en'" in essay.log and "words in Latin letters" in essay.log
    assert essay.warnings == []


def test_english_headings_over_chinese_prose_make_a_chinese_note(tmp_path):
    """Issue "A bilingual archive that stays bilingual": compression.md's shape."""
    note = (
        "# Compression Notes\n\n## Arithmetic coding\n\n"
        "* 算术编码是一种无损压缩方法，依赖一个概率模型来给出下一个符号的分布\n"
        "* 模型越准，编码越短，这就是压缩即智能的出发点\n"
    )
    result = build_site(make_project(tmp_path, {"compression-notes.md": note}), tmp_path / "site")
    assert result.error is None, result.log
    page = result.page("compression-notes/arithmetic-coding")
    assert "算术编码" in page and "本话题还没有中文版本" not in page
    assert "Not translated yet" in result.page("en/compression-notes/arithmetic-coding")
    assert "KB118" not in result.log


def test_an_english_note_is_listed_searched_and_fed_like_any_other(essay):
    timeline = essay.page("timeline")
    assert 'id="undated"' in timeline and "scaling-notes/first-idea/" in timeline
    for prefix in ("", "en/"):
        feed = (essay.site / prefix / "feed.xml").read_text(encoding="utf-8")
        assert f"{prefix}scaling-notes/second-idea/" in feed
        index = json.loads(
            (essay.site / prefix / "search" / "search_index.json").read_text(encoding="utf-8")
        )
        assert any(
            doc["location"].startswith("scaling-notes/second-idea/") for doc in index["docs"]
        )
    digest = essay.page("scaling-notes")
    assert 'title="Training language models to follow instructions with human feedback"' in digest


def test_a_chinese_translation_of_an_english_note_pairs_topic_by_topic(tmp_path):
    notes = {
        "scaling-notes.md": ESSAY,
        "scaling-notes.zh.md": ESSAY_ZH,
        "scaling-notes.yml": "date: 2023-10-22\n",
    }
    result = build_site(make_project(tmp_path, notes), tmp_path / "site")
    assert result.error is None, result.log
    assert result.warnings == []
    page = result.page("scaling-notes/first-idea")
    assert "压缩即预测。" in page and "本话题还没有中文版本" not in page
    assert "Compression is prediction." in result.page("en/scaling-notes/first-idea")
    # A date given later files the note under its year; its URLs stay.
    assert 'id="undated"' not in result.page("timeline")
    assert "scaling-notes/first-idea/" in result.page("timeline")


@pytest.mark.parametrize(
    "slip",
    [
        "pretraing",
        "Counterfatual",
        "repetitive penalty",
        "nucleaus sampling",
        "cross chunked attention",
        "准备",
        "请不掉",
    ],
)
def test_every_correction_of_the_translation_has_a_translators_note(slip):
    """The English seed corrects these slips of its source's language, and says so where it does."""
    source = (ROOT / "docs" / "notes" / "20231112.md").read_text(encoding="utf-8")
    translation = (ROOT / "docs" / "notes" / "20231112.en.md").read_text(encoding="utf-8")
    notes = [
        line for line in translation.split("\n") if line.startswith("> **Translator's note:**")
    ]
    assert any(slip in note for note in notes)
    assert slip in source


@pytest.mark.parametrize(
    ("page", "zh", "en"),
    [
        ("quick-questions", "InfoSeek", "InfoSeek"),
        ("repetition-loops", "Google DeepMind", "Google DeepMind"),
        ("quick-questions", "北京大学", "Peking University"),
    ],
)
def test_a_correction_of_fact_is_an_editors_note_for_every_reader_once(real_site, page, zh, en):
    """Not a translator's note: a reader of either language sees it, once on the page."""
    translation = (ROOT / "docs" / "notes" / "20231112.en.md").read_text(encoding="utf-8")
    notes = [
        line for line in translation.split("\n") if line.startswith("> **Translator's note:**")
    ]
    assert not any(en in note for note in notes)
    for prefix, fact in (("", zh), ("en/", en)):
        shown = real_site.page(f"{prefix}2023-11-12/{page}")
        notes = shown.split('class="admonition info kb-editor-note"')[1:]
        assert sum(fact in note.split("</div>", 1)[0] for note in notes) == 1, prefix


def test_search_finds_a_terms_other_names_in_fields_results_never_show(tmp_path):
    """Issue "A site that reads well on a phone": the names added so that 长度外推
    finds a topic titled 模型外推 are in ``terms`` and ``title_terms``, which
    search reads (mkdocs.yml weighs them) and results never show; a loose word
    in a heading (外推) names the term once its section fixes the sense."""
    note = "## 模型外推\n\n研究员1：外推不单是位置编码的问题，RoPE 改 base 也有效。\n"
    result = build_site(make_project(tmp_path, {"20240301.md": note}), tmp_path / "site")
    assert result.error is None, result.log
    index = json.loads((result.site / "search" / "search_index.json").read_text("utf-8"))
    fields = index["config"]["fields"]
    assert fields["terms"]["boost"] == fields["text"]["boost"]
    assert fields["tags"]["boost"] < fields["title"]["boost"]
    (entry,) = [doc for doc in index["docs"] if doc["location"] == "2024-03-01/mo-xing-wai-tui/"]
    assert "长度 外推" in entry["title_terms"] or "长度外推" in entry["title_terms"]
    assert "length extrapolation" in entry["terms"] + entry["title_terms"]
    shown = entry["title"] + entry["text"]
    assert "长度外推" not in shown.replace(" ", "") and "extrapolation" not in shown
