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


def _placed(entries: str, text: str = NOTE, name: str = "20240101"):
    notes, problems = editornotes.parse(entries, "editor-notes.yml", ("zh", "en"))
    assert problems == []
    date = datetime.date(int(name[:4]), int(name[4:6]), int(name[6:]))
    digest, _ = parse_digest(text, path=f"docs/notes/{name}.md", date=date, language="zh")
    return notes, digest, editornotes.place(notes, digest, text.split("\n"))


def _entry(quote: str, topic: str = "话题", digest: str = "2024-01-01") -> str:
    topic_line = f"  topic: {topic}\n" if topic else ""
    return f"- digest: {digest}\n{topic_line}  quote: {quote}\n  zh: 注\n  en: n\n  source: s\n"


@pytest.mark.parametrize(
    ("quote", "path"),
    [("第一段", (0,)), ("问题", (1,)), ("RA-CM3", (1, 0)), ("条目", (2,))],
)
def test_a_note_follows_the_turn_thread_or_item_holding_its_quote(quote, path):
    _, _, placed = _placed(_entry(quote))
    assert [(p.topic, p.path) for p in placed] == [("hua-ti", path)]


def test_a_note_names_its_topic_by_title_or_slug_and_looks_nowhere_else():
    two_topics = NOTE + "\n## 别的话题\n\n研究员2：也提到 RA-CM3。\n"
    for topic in ("话题", "hua-ti"):
        _, _, placed = _placed(_entry("RA-CM3", topic), two_topics)
        assert [(p.topic, p.path) for p in placed] == [("hua-ti", (1, 0))]
    _, _, placed = _placed(_entry("RA-CM3", "别的话题"), two_topics)
    assert [(p.topic, p.path) for p in placed] == [("bie-de-hua-ti", (0,))]
    # A note naming only its digest looks in every topic of that digest, first line first.
    _, _, placed = _placed(_entry("RA-CM3", topic=""), two_topics)
    assert [(p.topic, p.path) for p in placed] == [("hua-ti", (1, 0))]
    _, _, placed = _placed(_entry("RA-CM3", topic="", digest="2099-01-01"), two_topics)
    assert placed == []


def test_a_note_follows_its_words_wherever_lines_or_the_file_name_move():
    moved = NOTE.replace(
        "研究员1：第一段。\n\n", "研究员1：第一段。\n\n\n研究员2：新加的一段。\n\n"
    )
    # The same digest, lines added and saved under another name: the note still lands.
    notes, digest, placed = _placed(_entry("RA-CM3"), moved, name="20240108")
    assert [(p.topic, p.path) for p in placed] == [("hua-ti", (2, 0))]
    assert editornotes.lost(notes, placed, {digest.id}, "editor-notes.yml") == []


def test_a_note_whose_words_are_gone_is_a_located_warning_unless_it_waits():
    entries = _entry("RA-CM3") + _entry("别的词") + _entry("别的词", digest="2099-01-01")
    notes, digest, placed = _placed(entries)
    problems = editornotes.lost(notes, placed, {digest.id}, "editor-notes.yml")
    # The second note's digest is here and its words are not; the third waits for 2099-01-01.
    assert [(p.code, p.path, p.line) for p in problems] == [("KB702", "editor-notes.yml", 7)]
    assert "别的词" in problems[0].message and "2024-01-01" in problems[0].message


def test_a_note_needs_its_digest_both_languages_and_a_source():
    _, problems = editornotes.parse(
        "- topic: 话题\n  quote: x\n  zh: 注\n", "editor-notes.yml", ("zh", "en")
    )
    assert [(p.code, p.line) for p in problems] == [("KB701", 1)]
    assert "digest, source, en" in problems[0].message


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


@pytest.mark.build
def test_the_seed_saved_under_another_name_keeps_its_notes(tmp_path):
    from conftest import build_site, make_project

    seed = (ROOT / "docs" / "notes" / "20231112.md").read_text(encoding="utf-8")
    docs = make_project(tmp_path, {"20231119.md": seed}, seed=False)
    result = build_site(docs, tmp_path / "site", strict=False)
    assert result.error is None, result.log
    page = result.page("2023-11-19/jian-duan-wen-da")
    note = page[page.index("kb-editor-note") :]
    assert "InfoSeek" in note and "北京大学" in note
    assert "KB702" not in result.log


def test_a_note_quoting_the_slip_passes_a_digest_that_names_the_same_link_rightly():
    slip = "- digest: 2024-01-01\n  topic: 话题\n  quote: RA-CM3：https://example.org/x\n"
    entries = slip + "  zh: 注\n  en: n\n  source: s\n"
    right = "## 话题\n\n研究员1：这个基准 https://example.org/x 不错。\n"
    _, _, placed = _placed(entries, right, name="20240108")
    assert placed == []
    _, _, placed = _placed(entries)
    assert [(p.topic, p.path) for p in placed] == [("hua-ti", (1, 0))]


def test_a_digest_without_topics_places_no_note():
    _, _, placed = _placed(_entry("第一段"), "研究员1：第一段。\n")
    assert placed == []
