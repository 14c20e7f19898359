"""Editor's notes: the site's corrections, shown beside the digest's words, never in them."""

from __future__ import annotations

import datetime

import pytest

from conftest import ROOT
from kb import editornotes
from kb.parse import parse_digest

NOTE = (
    "## 话题\n\n研究员1：第一段。\n\nQ：一个问题？\n\nA：RA-CM3：https://example.org/x\n\n"
    "### 条目\n\n正文\n"
)


def _placed(entries: str):
    notes, problems = editornotes.parse(entries, "editor-notes.yml", ("zh", "en"))
    assert problems == []
    digest, _ = parse_digest(
        NOTE, path="docs/notes/20240101.md", date=datetime.date(2024, 1, 1), language="zh"
    )
    return editornotes.place(notes, digest, NOTE.split("\n"), "editor-notes.yml")


@pytest.mark.parametrize(
    ("line", "quote", "path"),
    [(3, "第一段", (0,)), (5, "问题", (1,)), (7, "RA-CM3", (1, 0)), (9, "条目", (2,))],
)
def test_a_note_follows_the_turn_thread_or_item_holding_its_line(line, quote, path):
    placed, problems = _placed(
        f"- note: 20240101.md\n  line: {line}\n  quote: {quote}\n  zh: 注\n  en: n\n  source: s\n"
    )
    assert problems == []
    assert [(p.topic, p.path) for p in placed] == [("hua-ti", path)]


def test_a_note_whose_line_moved_is_reported_where_it_is_written():
    placed, problems = _placed(
        "- note: 20240101.md\n  line: 3\n  quote: 别的词\n  zh: 注\n  en: n\n  source: s\n"
    )
    assert placed == []
    assert [(p.code, p.path, p.line) for p in problems] == [("KB702", "editor-notes.yml", 1)]


def test_a_note_follows_its_words_when_lines_are_added_before_them():
    notes, _ = editornotes.parse(
        "- note: 20240101.md\n  line: 7\n  quote: RA-CM3\n  zh: 注\n  en: n\n  source: s\n",
        "editor-notes.yml",
        ("zh", "en"),
    )
    moved = NOTE.replace(
        "研究员1：第一段。\n\n", "研究员1：第一段。\n\n\n研究员2：新加的一段。\n\n"
    )
    digest, _ = parse_digest(
        moved, path="docs/notes/20240101.md", date=datetime.date(2024, 1, 1), language="zh"
    )
    placed, problems = editornotes.place(notes, digest, moved.split("\n"), "editor-notes.yml")
    assert problems == []
    assert [(p.topic, p.path) for p in placed] == [("hua-ti", (2, 0))]


def test_a_note_needs_both_languages_and_a_source():
    _, problems = editornotes.parse(
        "- note: 20240101.md\n  line: 3\n  zh: 注\n", "editor-notes.yml", ("zh", "en")
    )
    assert [(p.code, p.line) for p in problems] == [("KB701", 1)]
    assert "source, en" in problems[0].message


@pytest.mark.build
def test_the_seeds_slips_get_editors_notes_in_both_languages(real_site):
    for prefix, title in (("", "编者注"), ("en/", "Editor's note")):
        page = real_site.page(f"{prefix}2023-11-12/quick-questions")
        note = page[page.index("kb-editor-note") :][:1200]
        assert title in note and "InfoSeek" in note and "2211.12561" in note
        # Right after the answer listing the mislabelled link, before the next question.
        assert (
            page.index("open-vision-language.github.io/infoseek")
            < page.index("kb-editor-note")
            < page.index('id="q6"')
        )
    knowledge = real_site.page("2023-11-12/knowledge-updates")
    assert "编者注" in knowledge and "8%" in knowledge and "7%" in knowledge
    decoding = real_site.page("en/2023-11-12/repetition-loops")
    assert "Google DeepMind" in decoding[decoding.index("kb-editor-note") :]
    # The digest's own words stay as they are.
    source = (ROOT / "docs" / "notes" / "20231112.md").read_text(encoding="utf-8")
    assert "deepmind和openAI联合发布的" in source


def test_a_path_is_looked_up_in_a_translations_own_shape():
    digest, _ = parse_digest(
        NOTE, path="docs/notes/20240101.md", date=datetime.date(2024, 1, 1), language="zh"
    )
    topic = digest.topics[0]
    assert editornotes.at_path(topic, (1, 0)) and editornotes.at_path(topic, (2,))
    assert not editornotes.at_path(topic, (3,)) and not editornotes.at_path(topic, (0, 1))


@pytest.mark.build
def test_a_line_added_early_in_the_seed_moves_no_note(tmp_path):
    from conftest import build_site, make_project

    seed = (ROOT / "docs" / "notes" / "20231112.md").read_text(encoding="utf-8")
    first_break = seed.index("\n\n") + 1
    edited = seed[:first_break] + "\n" + seed[first_break:]  # one blank line more
    docs = make_project(tmp_path, {"20231112.md": edited})
    result = build_site(docs, tmp_path / "site")
    assert result.error is None, result.log
    for prefix in ("", "en/"):
        page = result.page(f"{prefix}2023-11-12/quick-questions")
        assert "kb-editor-note" in page and "InfoSeek" in page.split("kb-editor-note", 1)[1]
