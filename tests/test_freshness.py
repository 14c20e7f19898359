"""Outdated translations: a source topic that changed after it was translated is flagged."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, build_site, make_project
from kb import freshness
from kb.parse import parse_digest

NOTE = "## 一\n\n研究员1：第一句。\n\n研究员2：第二句。\n\n## 二\n\n研究员1：另一个话题。\n"


def _prints(text: str) -> dict[str, str]:
    digest, _ = parse_digest(text, path="n.md", date=datetime.date(2024, 1, 1), language="zh")
    return freshness.fingerprints(digest, text.split("\n"))


def test_only_a_topics_own_words_change_its_fingerprint():
    before = _prints(NOTE)
    spaced = NOTE.replace("研究员1：第一句。", "研究员1：  第一句。  ").replace("\n\n", "\n\n\n", 1)
    assert _prints(spaced) == before
    other = NOTE.replace("另一个话题", "另一个改过的话题")
    assert _prints(other)["yi"] == before["yi"] and _prints(other)["er"] != before["er"]
    reworded = NOTE.replace("第一句", "第一句话")
    assert _prints(reworded)["yi"] != before["yi"]


def test_a_record_is_what_mark_writes_and_parse_reads():
    prints = _prints(NOTE)
    text = freshness.record_text("20240101.md", "20240101.en.md", prints)
    assert freshness.parse_record(text, "x.yml") == (prints, [])
    _, problems = freshness.parse_record("topics: []\n", "20240101.en.yml")
    assert [(p.code, p.path, p.line) for p in problems] == [("KB305", "20240101.en.yml", 1)]
    assert freshness.outdated({"yi": "a", "er": "b"}, {"yi": "a", "er": "c"}, {"yi", "er"}) == {
        "er"
    }


def _translation(project, *arguments: str) -> subprocess.CompletedProcess:
    """``python -m kb.translation …`` as a translator runs it, in ``project``."""
    return subprocess.run(
        [sys.executable, "-m", "kb.translation", *arguments],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _project(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    docs = make_project(project)
    return project, docs


@pytest.mark.build
def test_a_changed_original_flags_its_translation_until_marked(tmp_path):
    project, docs = _project(tmp_path)
    seed = docs / "notes" / "20231112.md"
    text = seed.read_text(encoding="utf-8")
    changed = text.replace("naive的方法是", "最朴素的方法是", 1)
    assert changed != text
    seed.write_text(changed, encoding="utf-8")
    result = build_site(docs, tmp_path / "site")
    assert result.error is None, result.log
    page = result.page("en/2023-11-12/knowledge-updates")
    assert "This translation may be out of date" in page and "Read the original" in page
    assert "This translation may be out of date" not in result.page("en/2023-11-12/discussion")
    status = result.page("en/translations")
    assert "7 of 8 topics translated, and 1 more whose original changed since" in status
    assert status.count("Original changed since") == 1
    lint = subprocess.run(
        [sys.executable, "-m", "kb.lint", "--root", str(project)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    warned = [line for line in lint.stdout.splitlines() if "KB306" in line]
    assert len(warned) == 1 and "docs/notes/20231112.en.md:" in warned[0]
    assert "knowledge-updates" in warned[0] and "kb.translation mark" in warned[0]
    # The translator brings it up to date and marks it: the notice goes.
    marked = _translation(project, "mark", "docs/notes/20231112.md")
    assert marked.returncode == 0, marked.stderr
    assert "recorded docs/notes/20231112.en.yml" in marked.stdout
    again = build_site(docs, tmp_path / "site2")
    assert "This translation may be out of date" not in again.page(
        "en/2023-11-12/knowledge-updates"
    )


def test_mark_needs_a_source_note(tmp_path):
    done = _translation(ROOT, "mark", "docs/notes/20231112.en.md")
    assert done.returncode != 0 and "give a source note" in done.stderr


SOURCE = """## 知识更新 {#updates}

研究员1：继续预训练加上记忆回放是基线，见 https://arxiv.org/abs/2310.16226

Q1：怎么避免灾难性遗忘？

A1：混入旧数据。

### 1. 一篇论文

```python
print("code stays")
```

## 长度外推 {#extrapolation}

D：RoPE 的外推问题。

F1：NTK 有用。
"""


def _scaffolded(tmp_path):
    project, docs = _project(tmp_path)
    note = docs / "notes" / "20240301.md"
    note.write_text(SOURCE, encoding="utf-8")
    done = _translation(project, "scaffold", "docs/notes/20240301.md")
    assert done.returncode == 0, done.stderr
    return project, docs, docs / "notes" / "20240301.en.md"


@pytest.mark.build
def test_a_scaffold_holds_the_sources_shape_and_builds_strictly_as_it_is(tmp_path):
    _, docs, scaffold = _scaffolded(tmp_path)
    text = scaffold.read_text(encoding="utf-8")
    # Slugs, labels in the target language's form, items, code and addresses.
    for expected in (
        "## 知识更新 {#updates}",
        "Researcher 1: … https://arxiv.org/abs/2310.16226",
        "Q1: …",
        "A1: …",
        "### 1. 一篇论文",
        'print("code stays")',
        "D: …",
        "F1: …",
    ):
        assert expected in text, expected
    # The source text and its glossary terms, named in English, for the translator.
    assert "继续预训练加上记忆回放是基线" in text and "记忆回放 = memory replay" in text
    assert (docs / "notes" / "20240301.en.yml").exists()
    result = build_site(docs, tmp_path / "site")
    assert result.error is None, result.log
    assert not [w for w in result.warnings if "KB30" in w]
    page = result.page("en/2024-03-01/updates")
    assert "Not translated yet" in page and "继续预训练加上记忆回放是基线" in page


@pytest.mark.build
def test_a_filled_scaffold_topic_pairs_with_its_source(tmp_path):
    _, docs, scaffold = _scaffolded(tmp_path)
    text = scaffold.read_text(encoding="utf-8")
    first, second = text.split("## 长度外推", 1)
    filled = (
        first.replace("## 知识更新 {#updates}", "## Knowledge updates {#updates}")
        .replace("<!-- kb:untranslated -->\n", "", 1)
        .replace(
            "Researcher 1: …", "Researcher 1: Continued pretraining with replay is the baseline,"
        )
        .replace("Q1: …", "Q1: How to avoid forgetting?")
        .replace("A1: …", "A1: Mix in old data.")
    )
    scaffold.write_text(filled + "## 长度外推" + second, encoding="utf-8")
    result = build_site(docs, tmp_path / "site")
    assert result.error is None, result.log
    assert not [w for w in result.warnings if "KB30" in w], result.warnings
    page = result.page("en/2024-03-01/updates")
    assert "How to avoid forgetting?" in page and "Not translated yet" not in page
    assert "kb:source" not in page and "继续预训练加上记忆回放是基线" not in page
    assert "Not translated yet" in result.page("en/2024-03-01/extrapolation")
