"""What publishing needs: edit and source links, last-updated dates, feeds, one site_url."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

import pytest

from conftest import ROOT, build_site, make_project

pytestmark = pytest.mark.build
ATOM = "{http://www.w3.org/2005/Atom}"
SITE = "https://llm-notes.github.io/llm-notes/"


def test_edit_and_source_links_point_at_the_topic_line(real_site):
    source = (ROOT / "docs" / "notes" / "20231112.md").read_text(encoding="utf-8").split("\n")
    line = source.index("## 讨论&杂谈") + 1
    zh = real_site.page("2023-11-12/discussion")
    assert f"edit/main/docs/notes/20231112.md#L{line}" in zh
    assert f'blob/main/docs/notes/20231112.md#L{line}" rel="noopener">原文第 {line} 行' in zh
    translation = (ROOT / "docs" / "notes" / "20231112.en.md").read_text(encoding="utf-8")
    en_line = next(
        n for n, text in enumerate(translation.split("\n"), 1) if text.endswith("{#discussion}")
    )
    assert f"edit/main/docs/notes/20231112.en.md#L{en_line}" in real_site.page(
        "en/2023-11-12/discussion"
    )


def test_last_updated_comes_from_git_or_falls_back_to_the_digest_date(real_site, tmp_path):
    assert re.search(r"最后更新于 \d{4}-\d{2}-\d{2}", real_site.page("2023-11-12/discussion"))
    docs = make_project(tmp_path, {"20240106.md": "## 话题\n\n研究员1：内容。\n"})
    result = build_site(docs, tmp_path / "site")
    assert result.error is None, result.log
    assert "最后更新于 2024-01-06" in result.page("2024-01-06/hua-ti")
    assert "last updated 2024-01-06" in result.page("en/2024-01-06")


@pytest.mark.parametrize(
    ("prefix", "title"),
    [
        ("", "为什么大模型普遍选用更宽而不是更高的模型架构"),
        ("en/", "Why do large models usually go wider"),
    ],
)
def test_one_atom_feed_per_language_linked_from_every_page(real_site, prefix, title):
    feed = ElementTree.parse(real_site.site / prefix / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 8
    assert entries[0].findtext(f"{ATOM}title").startswith(title)
    for entry in entries:
        url = entry.find(f"{ATOM}link").get("href")
        assert url.startswith(SITE + prefix)
        assert (real_site.site / url[len(SITE) :] / "index.html").exists()
    page = real_site.page(f"{prefix}2023-11-12/discussion")
    link = re.search(
        r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" '
        r'href="([^"]+)">',
        page,
    )
    assert link and link.group(1) == "../../feed.xml"


def test_site_url_is_set_in_one_place():
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert config.count("llm-notes.github.io") == 1
    hooks = "".join(path.read_text(encoding="utf-8") for path in (ROOT / "hooks").rglob("*.py"))
    assert "github.io" not in hooks
