"""The question index: every Q of every digest, once, linked to its place."""

from __future__ import annotations

import re

import pytest

from conftest import load_sources
from kb.indexpages import answers, questions

pytestmark = pytest.mark.build


def seed_questions():
    digest = load_sources().archive.digest("2023-11-12")
    return [(topic, thread) for topic in digest.topics for thread in questions(topic)]


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_every_question_is_listed_once_under_each_tag_of_its_topic(real_site, prefix):
    asked = seed_questions()
    assert asked, "the seed has questions"
    tags = {tag for topic, _ in asked for tag in topic.tags}
    pages = {tag: real_site.page(f"{prefix}questions/{tag}") for tag in tags}
    for topic, thread in asked:
        href = f'href="../../2023-11-12/{topic.slug}/#{thread.anchor}"'
        for tag in tags:
            assert pages[tag].count(href) == (tag in topic.tags), (topic.slug, tag)
    # The seven questions of the quick Q&A, tagged rag, multimodal, training
    # and more, are found under each (not under its first tag alone).
    quick = [thread for topic, thread in asked if topic.slug == "quick-questions"]
    assert len(quick) == 7
    listed = r'href="\.\./\.\./2023-11-12/quick-questions/#q\d+"'
    for tag in ("rag", "training", "multimodal"):
        assert len(re.findall(listed, pages[tag])) == 7
    first = asked[0][1]
    assert answers(first) == 3  # three researchers answer the first question
    assert ("3 个回答" if not prefix else "3 answers") in pages[asked[0][0].tags[0]]
    index = real_site.page(f"{prefix}questions")
    for tag in tags:
        assert f'href="{tag}/"' in index and f'id="{tag}"' in index
    assert ("个问题" if not prefix else "questions") in index


def test_the_question_index_is_in_the_navigation_and_searchable(real_site):
    home = real_site.page("")
    assert 'href="questions/"' in home and "问题索引" in home
    assert 'href="questions/"' in real_site.page("en/") and "Questions" in real_site.page("en/")
    index = (real_site.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert '"location":"questions/' in index.replace(" ", "")


def test_a_long_list_of_questions_is_split_into_pages_each_question_once(monkeypatch):
    from kb import indexpages
    from kb.edition import Edition
    from kb.sitepages import page_context

    sources = load_sources()
    context = page_context(sources, "zh", "https://example.com/r", {})
    monkeypatch.setattr(indexpages, "QUESTIONS_PER_PAGE", 3)
    pages = dict(indexpages.render_question_pages(Edition.of(sources, "zh"), context))
    rag = [path for path in pages if path.startswith("questions/rag")]
    assert rag == ["questions/rag.md", *(f"questions/rag-{n}.md" for n in range(2, len(rag) + 1))]
    assert len(rag) > 2
    links = [
        link
        for path in rag
        for link in re.findall(r"\]\((\.\./2023-11-12/[^)#]+\.md#q\d+)\)", pages[path])
    ]
    assert len(links) == len(set(links)) > 6
    # Every page names the others: [2](rag-2.md) …
    assert "[2](rag-2.md)" in pages["questions/rag.md"] and "**2**" in pages["questions/rag-2.md"]


def _threads(note: str):
    from kb.parse import parse_digest

    digest, _ = parse_digest(f"## 话题\n\n{note}", path="x.md", date=None, language="zh")
    return digest.topics[0]


def _roles(thread) -> list[str]:
    from kb.model import Turn

    return [n.label.role.value if n.label else "-" for n in thread.body if isinstance(n, Turn)]


def test_what_follows_a_question_is_its_reply_labelled_or_not():
    topic = _threads(
        "Q1：这个问题有答案吗？\n\n> Kimi Chat 的回答：有的，见下文。\n\nQ2：下一个问题？\n"
    )
    first, second = questions(topic)
    assert _roles(first) == ["reply"] and answers(first) == 1
    assert answers(second) == 0


def test_a_researcher_after_a_numbered_answer_speaks_to_the_topic_again():
    topic = _threads(
        "研究员1：关于 loss 的讨论。\n\nQ4：是因为搜索空间吗？\n\nA4：不是。\n\n"
        "研究员5：一样的 loss curve 并不令人惊讶。\n"
    )
    (question,) = questions(topic)
    assert _roles(question) == ["answer"] and answers(question) == 1
    assert topic.body[-1].label.speaker == "5"  # at the topic's level, after the thread


def test_researchers_under_an_unnumbered_question_are_its_replies():
    topic = _threads("Q：大家怎么看？\n\nA：我觉得可以。\n\n研究员2：我也同意。\n")
    (question,) = questions(topic)
    assert answers(question) == 2


def test_a_new_link_after_an_answer_starts_a_new_item_not_more_of_the_answer():
    topic = _threads(
        "Q：RLCD 如何保证质量？\n\nA：只给两个初始生成。\n\n"
        "（预训练数据集）https://huggingface.co/datasets/example\n天工开源语料。\n\n"
        "https://github.com/example/survey\n\n关于 Medical LLM 的 survey。\n"
    )
    (question,) = questions(topic)
    assert _roles(question) == ["answer"]
    outside = [node for node in topic.body if node is not question]
    assert any("huggingface.co" in " ".join(c.lines[0] for c in n.chunks) for n in outside)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_a_question_answered_without_a_label_is_not_listed_as_open(tmp_path, prefix):
    from conftest import build_site, make_project

    note = "## 论文分享\n\nQ1：这篇论文的结论可靠吗？\n\n（Kimi Chat 的回答）结论基本可靠。\n"
    result = build_site(make_project(tmp_path, {"20240117.md": note}), tmp_path / "site")
    assert result.error is None, result.log
    listed = [
        line
        for line in result.page(f"{prefix}questions/untagged").split("<li>")
        if "2024-01-17" in line
    ]
    assert listed and all("尚无回答" not in line and "no answer yet" not in line for line in listed)
    page = result.page(f"{prefix}2024-01-17/lun-wen-fen-xiang")
    assert "kb-inferred" in page
