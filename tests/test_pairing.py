"""A translation pairs with its source topic by topic, by slug."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from kb.metadata import parse_sidecar
from kb.model import Severity
from kb.pairing import align, shape
from kb.parse import parse_digest

NOTES = Path(__file__).resolve().parent.parent / "docs" / "notes"
DAY = datetime.date(2023, 11, 12)


def source(text: str | None = None):
    meta, _ = parse_sidecar((NOTES / "20231112.yml").read_text(encoding="utf-8"), "20231112.yml")
    text = text if text is not None else (NOTES / "20231112.md").read_text(encoding="utf-8")
    digest, problems = parse_digest(text, path="zh.md", date=DAY, language="zh", metadata=meta)
    assert not [p for p in problems if p.severity is Severity.ERROR]
    return digest


def translation(text: str | None = None):
    text = text if text is not None else (NOTES / "20231112.en.md").read_text(encoding="utf-8")
    digest, _ = parse_digest(text, path="en.md", date=DAY, language="en")
    return digest


def test_the_seed_translation_pairs_with_its_source():
    aligned, problems = align(source(), translation())
    assert problems == []
    original = source()
    assert [t.slug for t in aligned.topics] == [t.slug for t in original.topics]
    for ours, theirs in zip(aligned.topics, original.topics, strict=True):
        assert shape(ours.body) == shape(theirs.body)
        assert [s.anchor for s in ours.sections] == [s.anchor for s in theirs.sections]
        assert [t.anchor for t in ours.threads] == [t.anchor for t in theirs.threads]
        assert ours.tags == theirs.tags


def _edit(old: str, new: str):
    text = (NOTES / "20231112.en.md").read_text(encoding="utf-8")
    assert old in text
    return translation(text.replace(old, new, 1))


def test_missing_topic_is_reported_with_its_source_location():
    edited = _edit("## Quick Q&A {#quick-questions}", "## Quick Q&A {#quick-questionz}")
    _, problems = align(source(), edited)
    codes = {(p.code, p.severity) for p in problems}
    assert ("KB301", Severity.WARNING) in codes
    assert ("KB302", Severity.ERROR) in codes
    missing = next(p for p in problems if p.code == "KB301")
    assert "zh.md:101" in missing.message


def test_topics_out_of_order_are_reported():
    text = (NOTES / "20231112.en.md").read_text(encoding="utf-8")
    head, _, rest = text.partition("## How to update")
    first, _, second = head.partition("{#wider-not-deeper}")
    swapped = "## How to update" + rest + "\n" + first + "{#wider-not-deeper}" + second
    _, problems = align(source(), translation(swapped))
    assert [p.code for p in problems] == ["KB303"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("\nResearcher 4:", "\nAnd another researcher said:", "missing, from 'speaker 4' on"),
        ("\nD: With today's", "\nWith today's", "element 3 is"),
        ("### 2. When, Why", "2. When, Why", "missing, from '### item' on"),
    ],
)
def test_a_different_discussion_shape_is_reported(old, new, expected):
    _, problems = align(source(), _edit(old, new))
    (problem,) = problems
    assert problem.code == "KB304" and problem.severity is Severity.WARNING
    assert problem.path == "en.md" and problem.line > 1
    assert expected in problem.message
