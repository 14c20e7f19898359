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
def test_every_question_is_listed_once_with_its_answers(real_site, prefix):
    page = real_site.page(f"{prefix}questions")
    asked = seed_questions()
    assert asked, "the seed has questions"
    for topic, thread in asked:
        href = f'href="../2023-11-12/{topic.slug}/#{thread.anchor}"'
        assert page.count(href) == 1, (topic.slug, thread.anchor)
    listed = re.findall(r'href="\.\./2023-11-12/[^"#]+/#q\d+"', page)
    assert len(listed) == len(asked)
    first = asked[0][1]
    assert answers(first) == 3  # three researchers answer the first question
    assert ("3 个回答" if not prefix else "3 answers") in page


def test_the_question_index_is_in_the_navigation_and_searchable(real_site):
    home = real_site.page("")
    assert 'href="questions/"' in home and "问题索引" in home
    assert 'href="questions/"' in real_site.page("en/") and "Questions" in real_site.page("en/")
    index = (real_site.site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert '"location":"questions/' in index.replace(" ", "")
