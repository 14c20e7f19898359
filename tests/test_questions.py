"""The question index: every Q of every digest, once, linked to its place."""

from __future__ import annotations

import re

import pytest

from conftest import load_sources
from kb.render import answers, questions

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
    from kb import render
    from kb.sitepages import page_context

    sources = load_sources()
    context = page_context(sources, "zh", "https://example.com/r", {})
    monkeypatch.setattr(render, "QUESTIONS_PER_PAGE", 3)
    pages = dict(render.render_question_pages(sources.archive, context))
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
