"""One-line summaries: the site's words on what a topic concluded, wherever it is listed."""

from __future__ import annotations

import html
from xml.sax.saxutils import escape as xml_escape

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from conftest import ROOT, build_site, make_project
from kb import excerpt
from kb.parse import parse_digest

pytestmark = pytest.mark.build

SIDECAR = yaml.safe_load((ROOT / "docs" / "notes" / "20231112.yml").read_text(encoding="utf-8"))
SUMMARY = {entry["slug"]: entry["summary"] for entry in SIDECAR["topics"]}


def test_every_seed_topic_has_a_summary_in_both_languages():
    assert len(SUMMARY) == 8
    assert all(summary.get("zh") and summary.get("en") for summary in SUMMARY.values())


@pytest.mark.parametrize(("prefix", "language"), [("", "zh"), ("en/", "en")])
def test_a_summary_is_the_meta_description_and_is_listed(real_site, prefix, language):
    text = SUMMARY["knowledge-updates"][language]
    topic = real_site.page(f"{prefix}2023-11-12/knowledge-updates")
    assert f'<meta name="description" content="{html.escape(text)}">' in topic
    for listing in (f"{prefix}2023-11-12", prefix, f"{prefix}tags/knowledge-updating"):
        page = html.unescape(real_site.page(listing))
        assert f'<em class="kb-summary">{text}</em>' in page.replace("\n", ""), listing
    feed = (real_site.site / prefix / "feed.xml").read_text(encoding="utf-8")
    assert f"<summary>{xml_escape(text)}</summary>" in feed


def test_a_topic_without_summary_shows_its_first_sentence_as_an_excerpt(tmp_path):
    note = "## 话题\n\nQ：为什么要这样做？后面还有。\n\nA：因为。\n"
    result = build_site(make_project(tmp_path, {"20240102.md": note}), tmp_path / "site")
    assert result.error is None, result.log
    digest = html.unescape(result.page("2024-01-02"))
    assert '<em class="kb-summary kb-excerpt">摘录：为什么要这样做？</em>' in digest
    topic = result.page("2024-01-02/hua-ti")
    assert '<meta name="description" content="摘录：为什么要这样做？">' in topic
    feed = (result.site / "feed.xml").read_text(encoding="utf-8")
    assert "<summary>摘录：为什么要这样做？</summary>" in feed
    english = result.page("en/2024-01-02/hua-ti")
    assert '<meta name="description" content="Excerpt: 为什么要这样做？">' in english


@pytest.mark.parametrize(
    ("turn", "expected"),
    [
        ("研究员1：看https://arxiv.org/abs/2310.06825，它说得很清楚。", "看，它说得很清楚。"),
        ("研究员1：https://example.com/a_b?x=1 这篇讲了长度外推。后面", "这篇讲了长度外推。"),
        ("Q：https://github.com/org/repo 怎么用？", "怎么用？"),
        ("研究员1：见 https://example.com/x. 然后呢？", "见 然后呢？"),
        (
            "研究员1：评测集 InfiniteBench（https://github.com/a/b），结果很好。",
            "评测集 InfiniteBench，结果很好。",
        ),
    ],
)
def test_an_excerpt_drops_a_url_and_keeps_the_words_after_it(turn, expected):
    """A URL ends where note text says it does (kb.urls), not at the next space:
    Chinese text after a URL is the sentence, and stays in the excerpt."""
    digest, _ = parse_digest(f"## 话题\n\n{turn}\n", path="x.md", date=None, language="zh")
    assert excerpt.opening(digest.topics[0].body) == expected


def test_an_excerpt_is_text_in_the_pages_head_never_markup(tmp_path):
    note = '## 话题\n\n研究员1：<svg onload=alert("x")> 和 "引号" & 符号。\n'
    result = build_site(make_project(tmp_path, {"20240103.md": note}), tmp_path / "site")
    assert result.error is None, result.log
    head = result.page("2024-01-03/hua-ti").split("</head>")[0]
    description = head.split('<meta name="description" content="')[1].split('">')[0]
    assert "<" not in description and '"' not in description
    assert html.unescape(description).startswith('摘录：<svg onload=alert("x")> 和 "引号" & 符号')


def _opening(note: str) -> str:
    digest, _ = parse_digest(f"## 话题\n\n{note}\n", path="x.md", date=None, language="zh")
    return excerpt.opening(digest.topics[0].body)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        # A list's markers are not text: the first item is the sentence.
        (
            "* Arithmetic coding 是一种算法\n* 概率模型越准，压缩率越高",
            "Arithmetic coding 是一种算法",
        ),
        ("- loraMoE\n- 另一项", "loraMoE"),
        ("1. **加粗**的第一项。\n2. 第二项", "加粗的第一项。"),
        ("> 引用的一句话。后面。", "引用的一句话。"),
        # A sentence end inside brackets or quotation marks is not the end.
        (
            "请教一下，序列长度比较长（5万~10万！）怎么办？后面。",
            "请教一下，序列长度比较长（5万~10万！）怎么办？",
        ),
        ("他说“好的。就这样”然后走了。后面。", "他说“好的。就这样”然后走了。"),
        # Nor is an abbreviation's full stop, or an initial's.
        (
            "文章：Berglund, Lukas, et al. The reversal curse. Later.",
            "文章：Berglund, Lukas, et al. The reversal curse.",
        ),
        ("See e.g. this work by J. Smith. Then more.", "See e.g. this work by J. Smith."),
        # The opening post, in source order: not a reply that comes later.
        (
            "https://arxiv.org/abs/2311.16452\n\n本文介绍了一种方法。\n\nQ：后来的问题？\n\nA：回答。",
            "本文介绍了一种方法。",
        ),
        ("```\ncode first\n```\n\n然后是正文。", "然后是正文。"),
        ("### 论文标题\nhttps://example.com/a\n\n论文的第一句话。后面。", "论文的第一句话。"),
    ],
)
def test_an_excerpt_is_a_clean_sentence_of_the_opening_post(note, expected):
    assert _opening(note) == expected


def test_a_long_excerpt_is_cut_at_a_clause_outside_brackets_with_an_ellipsis():
    long = "这是一个很长的句子" * 6 + "，其中有一个逗号（括号里也有，逗号" + "很多字" * 20 + "）。"
    cut = _opening(f"研究员1：{long}")
    assert cut == "这是一个很长的句子" * 6 + "…"
    assert len(cut) <= excerpt.LENGTH


_PIECES = st.sampled_from(
    ["研究", "模型", " ", "，", "。", "（", "）", "“", "”", "e.g.", "al.", ". ", "word", "？", "、"]
)


@given(st.lists(_PIECES, min_size=1, max_size=120).map("".join))
def test_an_excerpt_is_the_texts_own_start_never_cut_inside_brackets(text):
    shown = excerpt.shorten(excerpt.first_sentence(text))
    assert len(shown) <= excerpt.LENGTH
    start = shown.removesuffix("…")
    assert text.startswith(start)
    if shown.endswith("…"):
        # Cut outside brackets: a bracket open at the cut is one never closed.
        depth = 0
        for char in start:
            depth += char == "（"
            depth -= char == "）" and depth > 0
        assert depth == 0 or "）" not in text[len(start) :] or text.startswith("（")


def test_a_bracket_too_long_to_show_is_left_out_whole():
    text = "方法" + "（" + "很长的说明" * 30 + "）。"
    assert excerpt.shorten(excerpt.first_sentence(text)) == "方法…"


def test_a_topic_with_no_prose_has_a_description_of_its_own(tmp_path):
    note = "## 只有链接\n\nhttps://example.com/only\n"
    result = build_site(make_project(tmp_path, {"20240104.md": note}), tmp_path / "site")
    assert result.error is None, result.log
    topic = result.page("2024-01-04/zhi-you-lian-jie")
    description = topic.split('<meta name="description" content="')[1].split('">')[0]
    assert "只有链接" in html.unescape(description)
