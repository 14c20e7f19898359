"""Splitting digests into topics, threads and turns."""

from __future__ import annotations

import datetime
import os
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.metadata import DigestMeta, TopicMeta, parse_sidecar
from kb.model import Label, Role, Section, Severity, Thread, Turn, walk
from kb.parse import NoteName, heading_language, note_name, parse_digest
from kb.slugs import is_slug

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "docs" / "notes" / "20231112.md"
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "notes" / "20240107.md"
DAY = datetime.date(2024, 1, 7)
# Generated digests per property: 2,000 in CI (.ci/run), fewer on a laptop.
EXAMPLES = int(os.environ.get("KB_HYPOTHESIS_EXAMPLES", "300"))


def parse(text: str, metadata: DigestMeta | None = None, path: str = "notes/20240107.md"):
    return parse_digest(text, path=path, date=DAY, language="zh", metadata=metadata)


def seed():
    sidecar = SEED.with_suffix(".yml")
    metadata, problems = parse_sidecar(sidecar.read_text(encoding="utf-8"), "20231112.yml")
    assert problems == []
    return parse_digest(
        SEED.read_text(encoding="utf-8"),
        path="20231112.md",
        date=datetime.date(2023, 11, 12),
        language="zh",
        metadata=metadata,
    )


def test_seed_has_its_eight_topics_with_published_slugs():
    digest, problems = seed()
    assert problems == []
    assert [topic.slug for topic in digest.topics] == [
        "wider-not-deeper",
        "knowledge-updates",
        "repetition-loops",
        "length-extrapolation",
        "addition-accuracy",
        "paper-notes",
        "discussion",
        "quick-questions",
    ]
    assert digest.topics[4].title == "GPT的加法正确率，随着位数的增加而降低"


def test_seed_discussion_structure():
    digest, _ = seed()
    by_slug = {topic.slug: topic for topic in digest.topics}
    assert [t.anchor for t in by_slug["quick-questions"].threads] == [f"q{n}" for n in range(1, 8)]
    assert [t.anchor for t in by_slug["discussion"].threads] == ["d1", "d2", "d3", "d4"]
    assert by_slug["knowledge-updates"].speakers == {"1", "2", "3", "4"}
    assert by_slug["repetition-loops"].speakers == {"1", "2", "3", "4", "5"}
    assert [s.title for s in by_slug["paper-notes"].sections][1] == (
        "2.When, Why and How Much? Adaptive Learning Rate Scheduling by Refinement"
    )
    follow_ups = [
        turn.label.number
        for turn in walk(by_slug["discussion"].body)
        if isinstance(turn, Turn) and turn.label
    ]
    assert follow_ups == [None, None, 1, 2, 3, 4, 5, 5]


def test_fixture_variants():
    digest, problems = parse(FIXTURE.read_text(encoding="utf-8"))
    assert [topic.slug for topic in digest.topics] == [
        "speaker-forms",
        "wen-da-yu-tao-lun",
        "kong-hua-ti",
        "guan-yu-llm-wai-tui",
    ]
    assert [(p.code, p.line) for p in problems] == [("KB105", 51)]
    assert (digest.title, digest.title_line) == ("2024-01-07 周报（测试用）", 1)
    assert digest.preamble[0].lines == ("这是一段导言，出现在第一个话题之前。",)

    speakers = [node for node in digest.topics[0].body if isinstance(node, Turn)]
    assert [(t.label.number, t.line) for t in speakers] == [(1, 7), (2, 9), (3, 12), (4, 16)]
    assert speakers[0].chunks[0].lines == ("半角冒号的发言。",)
    assert speakers[1].chunks[0].lines == ("独占一行的发言人标记，正文在下一行。",)
    assert speakers[2].chunks[1].kind == "ordered_list"

    qa = digest.topics[1]
    threads = [node for node in qa.body if isinstance(node, Thread)]
    assert [(t.anchor, t.label.role, t.label.number, t.title) for t in threads] == [
        ("q1", Role.QUESTION, 4, "编号的问题，第一行是标题"),
        ("q2", Role.QUESTION, None, "半角冒号的问题？"),
        ("d1", Role.DISCUSSION, None, "一个讨论？"),
    ]
    assert threads[0].body[0].label is None
    assert threads[0].body[0].chunks[0].lines == ("第二行是问题的补充。",)
    assert threads[0].body[1].label.role is Role.ANSWER
    assert [t.label.number for t in threads[2].body] == [None, 1]
    section = next(node for node in qa.body if isinstance(node, Section))
    assert (section.anchor, section.title) == ("1-yi-ge-tiao-mu", "1. 一个条目")
    kinds = [chunk.kind for turn in section.body for chunk in turn.chunks]
    assert kinds == ["paragraph", "fence", "html_block", "paragraph"]


def test_headings_in_code_and_comments_are_not_topics():
    digest, _ = parse(FIXTURE.read_text(encoding="utf-8"))
    assert "代码块里的标题不是话题" not in [t.title for t in digest.topics]
    assert "注释里的标题也不是话题" not in [t.title for t in digest.topics]


@pytest.mark.parametrize(
    ("text", "code", "line"),
    [
        ("只有正文，没有话题标题。\n", "KB104", 1),
        ("", "KB104", 1),
        ("## 一\n\n内容\n\n## 二 {#one}\n\n内容\n\n## 三 {#one}\n\n内容\n", "KB106", 9),
        ("## 标题 {#Not_A_Slug}\n\n内容\n", "KB107", 1),
        ("## 有标题\n\n# 一级标题\n\n内容\n", "KB111", 3),
    ],
)
def test_located_problems(text, code, line):
    _, problems = parse(text)
    assert (code, line) in [(p.code, p.line) for p in problems]


def test_duplicate_slug_names_both_sources():
    _, problems = parse("## 讨论\n\n甲\n\n## 讨论\n\n乙\n")
    (problem,) = problems
    assert problem.severity is Severity.ERROR
    assert str(problem).startswith("notes/20240107.md:5:1: KB106:")
    assert "on line 1" in problem.message


def test_sidecar_slug_survives_an_edited_heading():
    meta = DigestMeta(
        "notes/20240107.yml",
        (
            TopicMeta("旧标题", "published-slug", ("rag",), 2),
            TopicMeta("第二个", "second", (), 5),
        ),
    )
    digest, problems = parse("## 新标题\n\n内容\n\n## 第二个\n\n内容\n", meta)
    assert [(t.slug, t.tags) for t in digest.topics] == [
        ("published-slug", ("rag",)),
        ("second", ()),
    ]
    assert [(p.code, p.severity) for p in problems] == [("KB108", Severity.INFO)]


def test_sidecar_entry_without_heading_is_reported():
    meta = DigestMeta("notes/20240107.yml", (TopicMeta("不存在", "gone", (), 3),))
    _, problems = parse("## 甲 {#a}\n\n内容\n", meta)
    assert [(p.path, p.line, p.code) for p in problems] == [("notes/20240107.yml", 3, "KB109")]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("20231112.md", NoteName("2023-11-12", datetime.date(2023, 11, 12), None)),
        ("20231112.en.md", NoteName("2023-11-12", datetime.date(2023, 11, 12), "en")),
        ("compression.md", NoteName("compression", None, None)),
        ("compression.zh.md", NoteName("compression", None, "zh")),
        ("scaling-laws-2.md", NoteName("scaling-laws-2", None, None)),
        ("20231345.md", None),
        ("2023-11-12.md", None),
        ("Notes.md", None),
        ("my notes.md", None),
        ("a--b.md", None),
    ],
)
def test_file_names(name, expected):
    assert note_name(name) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("# Compression Theory\n\n## Arithmetic coding\n\n* 一种无损编码\n", "en"),
        ("## Paper: DPO\n\nA1: 中文\n\n## Discussion：语言模型输出端\n\nA：x\n", "zh"),
        ("# 2023.12.20\n\n## DPO vs RLHF\n\n## 讨论\n\nx\n", "zh"),
        ("## 123\n\n内容\n", "zh"),
    ],
)
def test_a_note_whose_headings_are_all_english_is_english(text, language):
    assert heading_language(parse(text)[0], "zh") == language


def test_a_title_and_preamble_stand_apart_from_the_topics():
    text = "# Distill 方法目前的局限\n\n1. 第一点\n2. 第二点\n\n## 回放录像\n\nhttps://x.org/v\n"
    digest, problems = parse(text)
    assert problems == []
    assert (digest.title, digest.title_line) == ("Distill 方法目前的局限", 1)
    assert [chunk.lines for chunk in digest.preamble] == [("1. 第一点", "2. 第二点")]
    assert [topic.title for topic in digest.topics] == ["回放录像"]


def test_crlf_and_setext_headings():
    digest, problems = parse("话题\r\n---\r\n\r\n研究员1：内容\r\n".replace("\r\n", "\n"))
    assert problems == []
    assert digest.topics[0].title == "话题"


# Generated digests: each generated line comes with the text the model must keep of it.
_words = (
    st.text(alphabet=st.sampled_from(list("外推知识更新模型abcXYZ 12")), min_size=1, max_size=12)
    .map(str.strip)
    .filter(bool)
)


@st.composite
def _paragraph(draw):
    text = draw(_words)
    label = draw(st.sampled_from(["", "研究员1：", "研究员 2：", "Q：", "A：", "D：", "F1："]))
    if label.startswith("研究员") and draw(st.booleans()):
        return [(label.rstrip("："), None), (text, text)]
    return [(label + text, text)]


@st.composite
def _block(draw):
    kind = draw(st.sampled_from(["paragraph", "paragraph", "list", "fence", "section"]))
    if kind == "paragraph":
        return draw(_paragraph())
    if kind == "list":
        items = draw(st.lists(_words, min_size=1, max_size=3))
        return [(f"- {item}", f"- {item}") for item in items]
    if kind == "fence":
        body = draw(_words)
        return [("```", "```"), (f"## {body}", f"## {body}"), ("```", "```")]
    title = draw(_words)
    return [(f"### {title}", title)]


@st.composite
def _digest(draw):
    lines: list[tuple[str, str | None]] = []
    for number in range(draw(st.integers(min_value=1, max_value=4))):
        title = f"话题{number} {draw(_words)}"
        lines.append((f"## {title}", title))
        for block in draw(st.lists(_block(), min_size=1, max_size=5)):
            lines += [("", None), *block]
        lines.append(("", None))
    return lines


def _model_texts(digest) -> Counter:
    texts = Counter()
    for topic in digest.topics:
        texts[topic.title] += 1
        for node in walk(topic.body):
            if isinstance(node, (Thread, Section)):
                texts[node.title] += 1
            else:
                for chunk in node.chunks:
                    texts.update(line for line in chunk.lines if line.strip())
    return texts


@settings(
    max_examples=EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow],
    deadline=None,
)
@given(_digest())
def test_every_line_lands_in_exactly_one_place(lines):
    text = "\n".join(line for line, _ in lines)
    digest, problems = parse(text)
    assert not [p for p in problems if p.severity is Severity.ERROR]
    expected = Counter(kept for _, kept in lines if kept)
    assert _model_texts(digest) == expected
    slugs = [topic.slug for topic in digest.topics]
    assert all(is_slug(slug) and slug.isascii() for slug in slugs)
    assert len(set(slugs)) == len(slugs)
    again, _ = parse(text)
    assert again == digest


@settings(max_examples=EXAMPLES, deadline=None)
@given(st.text())
def test_parsing_arbitrary_text_never_raises(text):
    digest, problems = parse(text)
    assert digest.topics or any(p.code == "KB104" for p in problems)


def test_the_contributor_template_is_a_valid_digest():
    template = ROOT / "docs" / "notes" / "_template.md"
    digest, problems = parse(template.read_text(encoding="utf-8"))
    assert problems == []
    assert len(digest.topics) == 3
    assert [t.anchor for t in digest.topics[0].threads] == ["q1"]
    assert [t.anchor for t in digest.topics[1].threads] == ["d1"]


def test_a_continued_question_stays_in_its_thread():
    text = "## 问答\n\nQ: 第一问\n\nA1: 答\n\nQ1-continue: 追问\n\nA2: 再答\n\nQ2: 第二问\n"
    digest, problems = parse(text)
    assert problems == []
    threads = digest.topics[0].threads
    assert [t.anchor for t in threads] == ["q1", "q2"]
    assert [turn.label for turn in threads[0].body][1] == Label(Role.QUESTION, 1, continued=True)


def test_a_reference_list_is_the_digests_not_a_topic():
    text = (
        "## 讨论\n\nD: 一个讨论\n\n## ref:\n\n- [loraMoE](https://arxiv.org/abs/2312.09979)\n"
        "- [Qwen](https://arxiv.org/abs/2309.16609)\n"
    )
    digest, problems = parse(text)
    assert problems == []
    assert [topic.title for topic in digest.topics] == ["讨论"]
    assert (digest.references.title, digest.references.line) == ("ref:", 5)
    assert digest.references.body[0].chunks[0].lines[0].startswith("- [loraMoE]")


def test_a_section_named_ref_that_discusses_is_a_topic():
    digest, _ = parse("## 讨论\n\nD: 一个讨论\n\n## References\n\nQ: 哪篇论文？\n\nA: 这篇\n")
    assert [topic.title for topic in digest.topics] == ["讨论", "References"]
    assert digest.references is None


def _digest(name: str, text: str):
    from kb.parse import parse_digest

    return parse_digest(text, path=f"docs/notes/{name}.md", date=None, language="zh", name=name)[0]


_WEEK = "".join(
    f"## 话题{n}\n\n研究员1：第{n}个话题的第一段，讲的是长度外推和位置编码的关系。\n\n"
    f"研究员2：第{n}个话题的回复，认为继续训练更可靠一些，也更便宜。\n\n"
    for n in range(1, 5)
)


def test_a_digest_that_repeats_another_is_a_located_warning_naming_both():
    from kb.repeats import repeated_digests

    earlier = _digest("20231208", _WEEK.split("## 话题4")[0])  # a first version, 3 topics
    later = _digest("20231210", _WEEK)
    (problem,) = repeated_digests([earlier, later])
    assert (problem.code, problem.path, problem.line) == ("KB120", "docs/notes/20231208.md", 1)
    assert "3 of the 3 topics" in problem.message and "docs/notes/20231210.md" in problem.message
    assert problem.hint


def test_weekly_topics_of_the_same_title_and_other_text_are_no_repeat():
    from kb.repeats import repeated_digests

    other = _WEEK.replace("长度外推和位置编码", "数据配比和学习率").replace("继续训练", "小模型")
    assert repeated_digests([_digest("20231208", _WEEK), _digest("20231215", other)]) == []
