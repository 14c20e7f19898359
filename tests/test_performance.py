"""What the build does to be fast must not change what it builds.

The faster matcher and related-topic ranking are checked against the plain
algorithms they replaced; the languages built in parallel, and the search
index made in its own process, against the same site built in one process;
the benchmark against its promise to build the same pages with and without
the project's hooks.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import posixpath
import re
import subprocess
import sys
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from types import SimpleNamespace

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import SearchIndex
from mkdocs.exceptions import PluginError
from mkdocs.structure.toc import AnchorLink, TableOfContents

from conftest import ROOT, build_site, build_with_cli, differing_files, make_project
from kb import csp, paths, searchindex, sitemap, yamlfile
from kb.matching import NAME_END, NAME_START, FormMatcher
from kb.related import (
    PAPER_WEIGHT,
    TAG_WEIGHT,
    TERM_WEIGHT,
    Profile,
    TopicKey,
    TopicNames,
    related,
)
from kb_mkdocs.search_pool import SearchPool

EXAMPLES = int(os.environ.get("KB_HYPOTHESIS_EXAMPLES", "300"))


def _one_regex_find(forms: list[tuple[str, bool, str]], text: str) -> list[tuple[str, int, int]]:
    """The matcher as one alternation of every form, longest first."""
    values: dict[tuple[str, bool], str] = {}
    for form, sensitive, value in forms:
        if form:
            values.setdefault((form if sensitive else form.lower(), sensitive), value)
    alternatives = []
    for form, sensitive in sorted(values, key=lambda key: len(key[0]), reverse=True):
        body = re.escape(form) if sensitive else f"(?i:{re.escape(form)})"
        if re.match(r"[A-Za-z0-9]", form[0]):
            body = NAME_START + body
        if re.match(r"[A-Za-z0-9]", form[-1]):
            body += NAME_END
        alternatives.append(body)
    if not alternatives:
        return []
    found = []
    for match in re.finditer("|".join(alternatives), text):
        surface = match.group(0)
        value = values.get((surface, True)) or values.get((surface.lower(), False))
        if value is not None:
            found.append((value, match.start(), match.end()))
    return found


_PIECES = ["外推", "长度外推", "RAG", "rag", "MoE", "moe", "LLM", "检索", "A", "a1", "Ab"]
_forms = st.lists(
    st.tuples(
        st.sampled_from(_PIECES) | st.text("aAbB外推的1", min_size=1, max_size=4),
        st.booleans(),
        st.sampled_from("xyz"),
    ),
    max_size=8,
)
_texts = st.lists(st.sampled_from([*_PIECES, " ", "的", "-", "B", "x", "1", "。"]), max_size=20)


@settings(max_examples=EXAMPLES, deadline=None)
@given(forms=_forms, pieces=_texts)
def test_the_matcher_finds_what_one_alternation_of_all_forms_finds(forms, pieces):
    text = "".join(pieces)
    found = [(f.value, f.start, f.end) for f in FormMatcher(forms).find(text)]
    assert found == _one_regex_find(forms, text)


_segments = st.sampled_from(["a", "b", "2023-11-12", "wider-not-deeper", "index.md", "x.md"])
_docs_paths = st.lists(_segments, min_size=1, max_size=4).map("/".join)


@settings(max_examples=EXAMPLES, deadline=None)
@given(source=_docs_paths, target=_docs_paths)
def test_links_between_pages_are_what_relpath_makes(source, target):
    expected = posixpath.relpath(target, posixpath.dirname(source) or ".")
    assert paths.relative(source, target) == expected


def _brute_force_related(profiles: dict[TopicKey, Profile]) -> dict[TopicKey, list[TopicKey]]:
    """Every pair of topics scored, as the ranking did before its inverted index."""
    count = len(profiles)
    frequency: Counter = Counter()
    for item in profiles.values():
        frequency.update(("paper", p) for p in item.papers)
        frequency.update(("term", t) for t in item.terms)
        frequency.update(("tag", t) for t in item.tags)

    def weight(kind: str, key: str, base: float) -> float:
        return base * math.log(1 + count / frequency[(kind, key)])

    result = {}
    for key, mine in profiles.items():
        scored = []
        for other, theirs in profiles.items():
            papers, terms = mine.papers & theirs.papers, mine.terms & theirs.terms
            tags = mine.tags & theirs.tags
            if other == key or (not papers and not terms and len(tags) < 2):
                continue
            score = round(
                sum(weight("paper", p, PAPER_WEIGHT) for p in sorted(papers))
                + sum(
                    weight("term", t, TERM_WEIGHT)
                    for t in sorted(terms, key=lambda t: (frequency[("term", t)], t))
                )
                + sum(weight("tag", t, TAG_WEIGHT) for t in sorted(tags)),
                6,
            )
            scored.append((-score, [-ord(c) for c in other.digest], other.slug, other))
        result[key] = [item[-1] for item in sorted(scored)[:5]]
    return result


_profile = st.builds(
    Profile,
    st.frozensets(st.sampled_from(["rag", "training", "long-context"]), max_size=3),
    st.frozensets(st.sampled_from(["rope", "llm", "moe", "sft"]), max_size=3),
    st.frozensets(st.sampled_from(["2306.15595", "2005.11401"]), max_size=2),
)
_keys = st.builds(
    TopicKey, st.sampled_from(["2023-11-12", "2023-11-19"]), st.text("abc", min_size=1)
)


@settings(max_examples=EXAMPLES, deadline=None)
@given(profiles=st.dictionaries(_keys, _profile, max_size=12))
def test_related_topics_are_those_of_scoring_every_pair(profiles):
    expected = _brute_force_related(profiles)
    assert {key: [r.topic for r in found] for key, found in related(profiles).items()} == expected


def _plain_named(titles: dict[TopicKey, str], aliases: dict[str, TopicKey], quoted: str):
    """The topic a quote names, as first written: every title compared in key order."""
    if quoted in aliases:
        return aliases[quoted]
    for key, title in sorted(titles.items()):
        if quoted == title or (len(quoted) >= TopicNames.MINIMUM_PIECE and quoted in title):
            return key
    return None


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    titles=st.dictionaries(_keys, st.text("关于外推LMab ", min_size=1, max_size=9), max_size=12),
    quotes=st.lists(st.text("关于外推LMab ", min_size=1, max_size=7), max_size=8),
)
def test_a_quote_names_the_topic_comparing_every_title_would(titles, quotes):
    names = TopicNames({key: (title, ()) for key, title in titles.items()})
    for quoted in quotes + list(titles.values()):
        assert names._named(quoted) == _plain_named(titles, {}, quoted)


@pytest.mark.parametrize(
    ("html", "scripts"),
    [
        ("<p>no script</p>", []),
        ('<script src="a.js"></script><script>var a = 1</script>', ["var a = 1"]),
        ('<script id="__config" type="application/json">{"a": 1}</script>', []),
        ("<script>if (a < b) {}</script><script>b</script>", ["if (a < b) {}", "b"]),
        ('<script type="module">x()</script>', ["x()"]),
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>", []),
        ("<script>unterminated", []),
    ],
)
def test_inline_scripts_are_found_without_parsing_the_page(html, scripts):
    assert csp.inline_scripts(html) == scripts


def test_script_hashes_are_what_browsers_compute():
    # echo -n 'var a = 1' | openssl dgst -sha256 -binary | base64
    expected = "'sha256-h1HrJPkDwnmmTjhElzuRBLDNtr5UPz5PinuqE+ovmj8='"
    assert csp.inline_script_hashes("<script>var a = 1</script><script>var a = 1</script>") == [
        expected
    ]


def _urlset(*locations: str) -> str:
    urls = "".join(f"\n    <url>\n        <loc>{loc}</loc>\n    </url>" for loc in locations)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="x">{urls}\n</urlset>\n'


def test_sitemaps_merge_into_one_with_every_entry_once():
    merged = sitemap.merge([_urlset("/a/", "/b/"), _urlset("/en/a/"), _urlset()])
    assert merged == _urlset("/a/", "/b/", "/en/a/")
    with pytest.raises(sitemap.NotASitemapError):
        sitemap.merge([_urlset("/a/"), "<html></html>"])


@pytest.mark.build
def test_languages_built_in_parallel_make_the_site_built_one_after_another(tmp_path):
    parallel, serial = tmp_path / "parallel", tmp_path / "serial"
    build_with_cli(parallel, KB_PARALLEL="1")
    build_with_cli(serial, KB_PARALLEL="0")
    assert differing_files(serial, parallel) == ([], [], [])
    assert "/en/2023-11-12/" in (parallel / "sitemap.xml").read_text(encoding="utf-8")


def _page(url: str, content: str, toc: TableOfContents | None = None) -> SimpleNamespace:
    """What Material's search index reads of a page."""
    if toc is None:
        toc = TableOfContents([AnchorLink("长度外推", "a", 1), AnchorLink("第二节", "b", 2)])
    return SimpleNamespace(
        url=url, title="标题", meta={"tags": ["长度外推"]}, toc=toc, content=content
    )


_CHINESE = '<h1 id="a">长度外推</h1><p>研究员认为长度外推很重要，RAG 也是。</p>'
_PAGES = {
    "zh": [_page("a/", _CHINESE + '<h2 id="b">第二节</h2><p>检索增强生成的外推。</p>')],
    # Not translated yet: the Chinese again, under English headings.
    "en": [_page("en/a/", _CHINESE + '<h2 id="b">Second</h2><p>Retrieval, 外推。</p>')],
}


_CONFIG = {"lang": ["zh"], "separator": r"[\s\-]+", "pipeline": [], "fields": {}}


def _index_in_worker(pages: dict[str, list], words: list[str], site) -> dict[str, list[dict]]:
    """Each language's entries, as the index worker writes them to ``site``."""
    from kb_mkdocs.i18n_glue import Languages

    pool = SearchPool()
    try:
        # Every language's Chinese cut with the default language's words, as the build does;
        # no notes learned first: each run brings the dictionary's words it needs.
        indexes = {language: pool.index(tuple(words), (), **_CONFIG) for language in pages}
        for language, shown in pages.items():
            for page in shown:
                indexes[language].add_entry_from_context(page)
        made = {}
        for language, index in indexes.items():
            langs = Languages(language, "zh", ("zh", "en"), ("zh", "en"))
            index.write_to(site, langs)
            written = site / langs.prefix / "search" / "search_index.json"
            made[language] = [
                {**doc, "location": langs.prefix + doc["location"]}
                for doc in json.loads(written.read_text(encoding="utf-8"))["docs"]
            ]
        return made
    finally:
        pool.close()


def _material_entries(pages: dict[str, list], words: list[str]) -> dict[str, list[dict]]:
    """Material's own index of ``pages``, compacted, in a fresh process (this one's
    jieba has every word earlier builds added)."""
    import jieba

    for word in words:
        jieba.add_word(word)
    made = {}
    for language, shown in pages.items():
        local = SearchIndex()
        for page in shown:
            local.add_entry_from_context(page)
        made[language] = [searchindex.compact_entry(entry) for entry in local.entries]
    return made


def test_the_index_worker_makes_the_entries_material_makes_compacted(tmp_path):
    remote = _index_in_worker(_PAGES, ["长度外推"], tmp_path)
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as fresh:
        assert remote == fresh.submit(_material_entries, _PAGES, ["长度外推"]).result()
    assert "长度外推" in remote["en"][0]["text"].split()


def test_a_page_the_index_worker_cannot_index_fails_the_build_with_the_reason(tmp_path):
    page = _page("a/", "<h2 id='x'>x</h2>")
    page.toc = None  # Material's indexer looks the heading up in it
    with pytest.raises(PluginError, match="TypeError"):
        _index_in_worker({"zh": [page]}, [], tmp_path)


def test_an_index_worker_gone_fails_the_build_instead_of_waiting(tmp_path):
    from kb_mkdocs.i18n_glue import Languages

    pool = SearchPool()
    try:
        index = pool.index((), (), **_CONFIG)
        worker = pool._worker
        worker._started.wait()  # the worker has started
        worker._process.kill()
        with pytest.raises(PluginError, match="worker failed"):
            index.add_entry_from_context(_page("a/", "<p>一页</p>"))
            index.write_to(tmp_path, Languages("zh", "zh", ("zh",), ("zh",)))
    finally:
        pool.close()


@pytest.mark.build
@pytest.mark.parametrize("parallel", ["1", "0"])
def test_a_problem_in_the_english_build_reaches_the_log_and_fails_strict(
    tmp_path, monkeypatch, parallel
):
    monkeypatch.setenv("KB_PARALLEL", parallel)
    docs = make_project(tmp_path)
    extra = docs / "assets" / "broken.en.md"
    extra.write_text("# Broken\n\n[a page that is not there](nowhere.md)\n", encoding="utf-8")
    (docs / "assets" / "broken.md").write_text("# 坏链接\n\n没有链接。\n", encoding="utf-8")
    result = build_site(docs, tmp_path / "site")
    assert result.error is not None
    assert any("nowhere.md" in warning for warning in result.warnings), result.log


@pytest.mark.build
def test_the_benchmark_builds_the_same_pages_with_and_without_the_hooks(tmp_path):
    figures = tmp_path / "figures.json"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "benchmark.py"),
            "--topics",
            "9",
            "--runs",
            "1",
            "--no-serve",
            "--no-browser",
            "--keep",
            str(tmp_path / "projects"),
            "--json",
            str(figures),
        ],
        check=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    summary = json.loads(figures.read_text(encoding="utf-8"))
    rows = summary["corpora"]
    assert set(summary["budgets"]) >= {
        "project / plain-all ×",
        "serial / plain-all ×",
        "largest page KiB",
    }
    assert [(row["topics"], row["content"]) for row in rows] == [(9, "real"), (9, "synthetic")]
    for row in rows:
        assert row["project_s"] > 0 and row["plain_s"] > 0 and row["serial_s"] > 0
        assert row["project_peak_mib"] > row["plain_peak_mib"] / 4 > 0
        assert row["search_zh_vs_text"] > 1
    for content in ("real", "synthetic"):
        project = tmp_path / "projects" / f"9-{content}"

        def pages(site: str, project=project) -> list[str]:
            root = project / site
            return sorted(str(p.relative_to(root)) for p in root.rglob("index.html"))

        # Every language's pages, built with and without the hooks; the
        # serial build makes the same site as the parallel one.
        assert pages("site-plain-all") == pages("site") == pages("site-serial")
        # Plain Material's site of the same notes: the home, digest and topic pages.
        plain = pages("site-plain")
        assert set(plain) < set(pages("site"))
        topics = [page for page in pages("site") if "2024-01-07/" in page]
        assert topics and set(topics) <= set(plain)
        assert "glossary/index.html" not in plain and "index.html" in plain
        assert any(page.startswith("en/2024-01-07/topic-") for page in pages("site"))
    real = (tmp_path / "projects" / "9-real" / "docs" / "notes" / "20240107.md").read_text(
        encoding="utf-8"
    )
    # Real paragraphs: the seed's speaker labels, threads and links.
    assert "研究员" in real and "https://" in real


@pytest.mark.parametrize(
    ("segmented", "compact"),
    [
        ("\u200b研究员\u200b 1 \u200b直接\u200b能\u200b想到\u200b", "研究员 1 直接 能 想到"),
        ("<p>\u200b堆\u200b的\u200b太\u200b高</p>", "<p>堆 的 太 高</p>"),
        ("\u200b损失\u200b，\u200bmixed precision\u200b的", "损失，mixed precision 的"),
        ("（\u200b更\u200b宽\u200b）", "（更 宽）"),
        ("no breaks at all", "no breaks at all"),
        ("\u200b\u200b", ""),
    ],
)
def test_word_breaks_shrink_to_one_byte_and_only_where_needed(segmented, compact):
    assert searchindex.compact_word_breaks(segmented) == compact


def test_every_character_taken_as_a_word_break_is_a_search_separator():
    config = yaml.load(
        (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yamlfile.AnyTagLoader
    )
    search = next(p["search"] for p in config["plugins"] if isinstance(p, dict) and "search" in p)
    separator = re.compile(search["separator"])
    assert [c for c in searchindex.BREAKING - {"<", ">"} if not separator.fullmatch(c)] == []


def _rendered_page(path: str, html: str) -> SimpleNamespace:
    return SimpleNamespace(file=SimpleNamespace(src_uri=path), content=html)


@given(st.lists(st.text(min_size=1), min_size=1, max_size=5))
def test_held_note_pages_get_their_html_back_unchanged(htmls):
    from kb_mkdocs.held_content import HeldContent

    held = HeldContent()
    pages = [_rendered_page(f"2024-01-07/topic-{n}.md", html) for n, html in enumerate(htmls)]
    for page in pages:  # as MkDocs renders them: each held when the next begins
        held.hold_last()
        held.rendered(page)
    held.hold_last()  # on_env: every page is rendered
    assert all(page.content == "" for page in pages)
    for page, html in zip(pages, htmls, strict=True):
        held.give_back(page)
        assert page.content == html


def test_a_page_never_held_keeps_its_html():
    from kb_mkdocs.held_content import HeldContent

    held = HeldContent()
    glossary = _rendered_page("glossary.md", "<p>filled in at on_env</p>")
    held.hold_last()
    held.give_back(glossary)
    assert glossary.content == "<p>filled in at on_env</p>"
