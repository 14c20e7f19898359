"""One-line summaries: the site's words on what a topic concluded, wherever it is listed."""

from __future__ import annotations

import html
from xml.sax.saxutils import escape as xml_escape

import pytest
import yaml

from conftest import ROOT, build_site, make_project
from kb.parse import parse_digest
from kb.render import first_sentence

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
    assert '<meta name="description" content="为什么要这样做？">' in topic


@pytest.mark.parametrize(
    ("turn", "excerpt"),
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
def test_an_excerpt_drops_a_url_and_keeps_the_words_after_it(turn, excerpt):
    """A URL ends where note text says it does (kb.urls), not at the next space:
    Chinese text after a URL is the sentence, and stays in the excerpt."""
    digest, _ = parse_digest(f"## 话题\n\n{turn}\n", path="x.md", date=None, language="zh")
    assert first_sentence(digest.topics[0]) == excerpt


def test_an_excerpt_is_text_in_the_pages_head_never_markup(tmp_path):
    note = '## 话题\n\n研究员1：<svg onload=alert("x")> 和 "引号" & 符号。\n'
    result = build_site(make_project(tmp_path, {"20240103.md": note}), tmp_path / "site")
    assert result.error is None, result.log
    head = result.page("2024-01-03/hua-ti").split("</head>")[0]
    description = head.split('<meta name="description" content="')[1].split('">')[0]
    assert "<" not in description and '"' not in description
    assert html.unescape(description).startswith('<svg onload=alert("x")> 和 "引号" & 符号')
