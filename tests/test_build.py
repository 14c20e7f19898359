"""Real MkDocs builds, strict, asserting on the HTML and the build log."""

from __future__ import annotations

import datetime
import os
import re
from html.parser import HTMLParser

import pytest

from conftest import FIXTURES, ROOT, build_site, make_project
from kb.labels import split_label
from kb.writing import plain_text

pytestmark = pytest.mark.build

TOPICS = [
    "wider-not-deeper",
    "knowledge-updates",
    "repetition-loops",
    "length-extrapolation",
    "addition-accuracy",
    "paper-notes",
    "discussion",
    "quick-questions",
]


class _Text(HTMLParser):
    """The visible text of a page's article, and its links, images and headings.

    What the site adds to a note's text is left out: the links beside a paper
    link (``a.kb-paper``), and the "related" and "mentioned in" sections.
    """

    def __init__(self) -> None:
        super().__init__()
        self.added = False
        self.added_sections = False
        self.depth = 0
        self.parts: list[str] = []
        self.links: list[dict] = []
        self.images: list[dict] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "article":
            self.depth += 1
        if tag == "h2" and attributes.get("id") in ("related", "mentioned-in"):
            self.added_sections = True
        if self.depth:
            if tag == "a":
                self.links.append(attributes)
                self.added = "kb-paper" in (attributes.get("class") or "")
            if tag == "img":
                self.images.append(attributes)
            if "id" in attributes:
                self.ids.append(attributes["id"])

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if tag == "a":
            self.added = False

    def handle_data(self, data):
        if self.depth and not self.added and not self.added_sections:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.parts))


def article(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


def test_real_site_builds_strict_without_warnings(real_site):
    assert real_site.warnings == []
    for prefix in ("", "en/"):
        assert (real_site.site / prefix / "index.html").exists()
        assert (real_site.site / prefix / "2023-11-12" / "index.html").exists()
        assert (real_site.site / prefix / "tags" / "index.html").exists()
        for slug in TOPICS:
            assert (real_site.site / prefix / "2023-11-12" / slug / "index.html").exists()
        assert (real_site.site / prefix / "404.html").exists()


def test_every_source_line_is_on_exactly_one_topic_page(real_site):
    pages = {slug: article(real_site.page(f"2023-11-12/{slug}")).text for slug in TOPICS}
    source = (ROOT / "docs" / "notes" / "20231112.md").read_text(encoding="utf-8")
    missing, duplicated = [], []
    for number, line in enumerate(source.split("\n"), start=1):
        if not line.strip():
            continue
        labelled = split_label(line)
        text = plain_text(
            line.lstrip("#").strip()
            if line.startswith("#")
            else (labelled[1] if labelled else line)
        )
        text = re.sub(r"\s+", " ", re.sub(r"^\d+\.\s+|^-\s+", "", text)).strip()
        if not text:
            continue
        hits = sum(page.count(text) for page in pages.values())
        expected = (
            sum(
                re.sub(r"\s+", " ", plain_text(other)).count(text)
                for other in source.split("\n")
                if other.strip()
            )
            or 1
        )
        if hits == 0:
            missing.append((number, text))
        elif hits > expected:
            duplicated.append((number, text, hits))
    assert missing == []
    assert duplicated == []


def test_topic_page_shows_structure_and_source(real_site):
    page = article(real_site.page("2023-11-12/quick-questions"))
    assert [f"q{n}" for n in range(1, 8)] == [i for i in page.ids if re.fullmatch(r"q\d", i)]
    assert "出自 2023-11-12 周报 · 第 8 / 8 个话题" in page.text
    html = real_site.page("2023-11-12/wider-not-deeper")
    assert html.count('class="kb-speaker"') == 3
    assert "研究员 1" in article(html).text
    assert "data-toc-label" not in html
    toc_labels = re.findall(r'<a href="#q1" class="md-nav__link">\s*<span[^>]*>\s*([^<]*)', html)
    assert toc_labels and toc_labels[0].startswith("Q 现在大模型为什么")


def test_bare_urls_link_exactly_the_url(real_site):
    links = {a.get("href") for a in article(real_site.page("2023-11-12/quick-questions")).links}
    assert "https://pku-mocca.github.io/MoConVQ-page/" in links
    assert "https://arxiv.org/pdf/2310.10198.pdf" in links
    knowledge = {
        a.get("href") for a in article(real_site.page("2023-11-12/knowledge-updates")).links
    }
    assert "https://x.com/saurabh_garg67/status/1717571699720483023" in knowledge
    discussion = {a.get("href") for a in article(real_site.page("2023-11-12/discussion")).links}
    assert "https://arxiv.org/abs/2310.07713" in discussion
    all_hrefs = knowledge | links | discussion
    assert not [href for href in all_hrefs if href and re.search(r"[。）；]|Representations", href)]


def test_navigation_lists_topics_in_source_order(real_site):
    html = real_site.page("2023-11-12/paper-notes")
    nav = [href for href in re.findall(r'href="([^"]+)" class="md-nav__link', html)]
    positions = [
        next(
            i
            for i, href in enumerate(nav)
            if href.rstrip("/").endswith(slug) or (slug == "paper-notes" and href == "./")
        )
        for slug in TOPICS
    ]
    assert positions == sorted(positions)


def test_edit_links_point_at_the_source_digest(real_site):
    zh = real_site.page("2023-11-12/discussion")
    en = real_site.page("en/2023-11-12/discussion")
    assert "/edit/main/docs/notes/20231112.md" in zh
    assert "/edit/main/docs/notes/20231112.en.md" in en


def test_sitemaps_pair_every_page_with_its_counterpart(real_site):
    for sitemap in (real_site.site / "sitemap.xml", real_site.site / "en" / "sitemap.xml"):
        xml = sitemap.read_text(encoding="utf-8")
        base = "https://llm-notes.github.io/llm-notes/"
        for slug in TOPICS:
            zh, en = f"{base}2023-11-12/{slug}/", f"{base}en/2023-11-12/{slug}/"
            assert f"<loc>{zh}</loc>" in xml and f"<loc>{en}</loc>" in xml
            assert f'hreflang="en" href="{en}"' in xml and f'hreflang="zh" href="{zh}"' in xml


def test_language_links_and_lang_attributes(real_site):
    zh = real_site.page("2023-11-12/discussion")
    en = real_site.page("en/2023-11-12/discussion")
    # Search engines learn the same page in the other language; Material's
    # script (which fetches sitemap.xml below each link[rel=alternate]) does not.
    site = "https://llm-notes.github.io/llm-notes/"
    for page, lang, href in (
        (zh, "en", f"{site}en/2023-11-12/discussion/"),
        (zh, "zh", f"{site}2023-11-12/discussion/"),
        (en, "zh", f"{site}2023-11-12/discussion/"),
    ):
        assert f'<link rel=" alternate" hreflang="{lang}" href="{href}">' in page
    for page in (zh, en):
        assert not re.search(r'<link rel="alternate" href="[^"]*" hreflang=', page)
    assert 'href="../../en/2023-11-12/discussion/" hreflang="en"' in zh
    assert 'href="../../../2023-11-12/discussion/" hreflang="zh"' in en
    assert '<html lang="zh"' in zh and '<html lang="en"' in en
    assert '<html lang="en"' in (real_site.site / "en" / "404.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in (real_site.site / "404.html").read_text(encoding="utf-8")


def test_home_page_links_latest_digest_topics_and_tags(real_site):
    home = article(real_site.page(""))
    hrefs = [a.get("href") for a in home.links]
    assert "2023-11-12/" in hrefs and "tags/" in hrefs
    assert all(f"2023-11-12/{slug}/" in hrefs for slug in TOPICS)
    assert "LLaMafia Tech Log" in home.text
    footer = real_site.page("")
    assert "LLaMafia Tech Log" in footer.split('class="md-footer')[-1]


def test_no_third_party_assets(real_site):
    for page in real_site.site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', html)
        assert [url for url in external if "llm-notes.github.io" not in url] == [], page


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fixture")
    docs = make_project(
        tmp, {"20240107.md": (FIXTURES / "notes" / "20240107.md").read_text(encoding="utf-8")}
    )
    return build_site(docs, tmp / "site", strict=False)


def test_untranslated_digest_is_reachable_in_english_under_a_notice(fixture_site):
    assert fixture_site.error is None, fixture_site.log
    en = fixture_site.page("en/2024-01-07/speaker-forms")
    zh = fixture_site.page("2024-01-07/speaker-forms")
    assert "Not translated yet" in en and "尚未翻译" not in zh
    assert 'lang="zh"' in en.split("<article", 1)[1]
    assert "Not translated yet" not in fixture_site.page("en/2023-11-12/discussion")
    assert "Not translated yet" in fixture_site.page("en/2024-01-07")


def test_raw_html_in_notes_is_text(fixture_site):
    html = fixture_site.page("2024-01-07/speaker-forms")
    body = html.split("<article", 1)[1]
    assert "<script>alert" not in body and "<work>" not in body
    assert "&lt;script&gt;" in body and "&lt;work&gt;" in body
    comment = fixture_site.page("2024-01-07/wen-da-yu-tao-lun").split("<article", 1)[1]
    assert "&lt;!--" in comment


def test_fixture_variants_render(fixture_site):
    page = article(fixture_site.page("2024-01-07/speaker-forms"))
    assert "研究员 1 半角冒号的发言。" in page.text
    assert "研究员 2 独占一行的发言人标记" in page.text
    assert "研究员 3 中文数字的发言人。" in page.text
    qa = article(fixture_site.page("2024-01-07/wen-da-yu-tao-lun"))
    assert {"q1", "q2", "d1", "1-yi-ge-tiao-mu"} <= set(qa.ids)
    hrefs = [a.get("href") for a in qa.links]
    assert "https://arxiv.org/abs/2310.07713" in hrefs
    assert "https://pku-mocca.github.io/MoConVQ-page/" in hrefs
    assert "注释里的标题也不是话题" in qa.text
    (warning,) = [w for w in fixture_site.warnings if "KB" in w]
    assert warning.startswith("kb: ")
    assert warning.endswith(
        "docs/notes/20240107.md:51:1: KB105: topic '空话题' has no content "
        "Hint: write the discussion under the heading or remove the heading"
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("20240101.md", "没有话题标题\n", "20240101.md:1:1: KB104: no topic heading"),
        ("notes.md", "## 话题\n\n内容\n", "notes.md:1:1: KB101: file name 'notes.md' would"),
        ("Notes.md", "## 话题\n\n内容\n", "Notes.md:1:1: KB101: file name 'Notes.md' is"),
        (
            "20240102.md",
            b"## \xe8\xaf\x9d\n\n\xff\xfe bad\n",
            "20240102.md:3:1: KB102: invalid UTF-8",
        ),
        (
            "20240103.md",
            "## 甲\n\n内容\n\n## 乙 {#x}\n\n内容\n\n## 丙 {#x}\n\n内容\n",
            "20240103.md:9:1: KB106: topic '丙' gets the slug 'x'",
        ),
    ],
)
def test_bad_notes_fail_with_a_located_message(tmp_path, name, content, expected):
    docs = make_project(tmp_path, {name: content}, seed=False)
    (docs / "notes" / "20231112.md").write_text("## 话题\n\n内容\n", encoding="utf-8")
    result = build_site(docs, tmp_path / "site")
    assert result.error is not None
    assert any(expected in message for message in result.warnings), result.log
    assert "Traceback" not in result.log


def test_recurring_section_names_get_distinct_pages(tmp_path):
    docs = make_project(tmp_path, {"20240114.md": "## 讨论&杂谈\n\nD：另一期的讨论\n"})
    result = build_site(docs, tmp_path / "site")
    assert result.error is None, result.log
    assert "另一期的讨论" in result.page("2024-01-14/tao-lun-za-tan")
    assert "另一期的讨论" not in result.page("2023-11-12/discussion")
    assert "另一期的讨论" in result.page("en/2024-01-14/tao-lun-za-tan")


def test_bom_crlf_and_replacement_characters(tmp_path):
    text = "\ufeff## 话题\r\n\r\n研究员1：内容\ufffd\r\n"
    docs = make_project(tmp_path, {"20240104.md": text.encode("utf-8")})
    result = build_site(docs, tmp_path / "site")
    # The digest's own characters are published as they are, and reported.
    assert result.error is None, result.log
    assert result.warnings == []
    assert "20240104.md:3:" in result.log and "KB103" in result.log
    assert "研究员 1 内容\ufffd" in article(result.page("2024-01-04/hua-ti")).text


def test_strict_build_fails_on_warnings(tmp_path):
    docs = make_project(tmp_path, {"20240104.md": "## 话题\n\n## 空话题\n\n内容\n"})
    result = build_site(docs, tmp_path / "site", strict=True)
    assert result.error is not None
    assert any("KB105" in w for w in result.warnings)


def test_build_log_is_clean(real_site):
    noisy = [
        r.getMessage()
        for r in real_site.records
        if "prefix dict" in r.getMessage() or "Traceback" in r.getMessage()
    ]
    assert noisy == []


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_glossary_links_resolve_and_topics_link_enough_terms(real_site, prefix):
    glossary = real_site.page(f"{prefix}glossary")
    anchors = _ids(glossary)
    for slug in TOPICS:
        html = real_site.page(f"{prefix}2023-11-12/{slug}")
        links = re.findall(
            r'<a class="kb-term" href="\.\./\.\./glossary/#([^"]+)" title="[^"]+"', html
        )
        assert len(links) >= 3, (slug, links)
        assert set(links) <= anchors
    total = sum(
        len(re.findall('class="kb-term"', real_site.page(f"{prefix}2023-11-12/{slug}")))
        for slug in TOPICS
    )
    assert total >= (80 if prefix == "" else 50)


@pytest.mark.parametrize("prefix", ["", "en/"])
def test_discussed_in_links_point_at_existing_sections(real_site, prefix):
    glossary = real_site.page(f"{prefix}glossary")
    targets = re.findall(r'<a href="\.\./(2023-11-12/[^"#]+)#([^"]+)">', glossary)
    assert len(targets) >= 40
    for page, anchor in targets:
        assert anchor in _ids(real_site.page(prefix + page)), (page, anchor)
    memory_replay = glossary.split('id="memory-replay"', 1)[1].split("<h3", 1)[0]
    assert "2023-11-12/knowledge-updates/" in memory_replay


def test_tables_and_math_are_shown_as_written(tmp_path):
    note = (
        "## 话题\n\n研究员1：对比如下：\n\n| 方法 | 显存 |\n| --- | --- |\n| ZeRO-3 | 低 |\n\n"
        "研究员2：梯度写成 $\\nabla \\log p_w - \\nabla p_{lose}$，另花 $5 买咖啡。\n\n"
        "$$\na_1 * b_2\n$$\n"
    )
    docs = make_project(tmp_path, {"20240106.md": note})
    result = build_site(docs, tmp_path / "site")
    assert result.error is None, result.log
    assert result.warnings == []
    page = result.page("2024-01-06/hua-ti")
    assert "<table>" in page and "<th>方法</th>" in page and "<td>低</td>" in page
    assert '<span class="arithmatex">$\\nabla \\log p_w - \\nabla p_{lose}$</span>' in page
    assert "另花 $5 买咖啡" in page  # a lone dollar is money, not math
    assert '<div class="arithmatex">$$\na_1 * b_2\n$$</div>' in page


def test_builds_with_other_hook_lists_in_one_process_do_not_share_state(tmp_path, monkeypatch):
    """Each build's state is its own: a build with one more hook, then the plain
    build, then the first again, in one process (as tests and ``mkdocs serve`` do),
    every language in it (a worker loads mkdocs.yml, without the extra hook)."""
    monkeypatch.setenv("KB_PARALLEL", "0")
    seen = tmp_path / "seen.txt"
    extra = tmp_path / "record_titles.py"
    extra.write_text(
        "from pathlib import Path\n\n"
        "def on_page_markdown(markdown, page, config, files):\n"
        f"    with Path({str(seen)!r}).open('a', encoding='utf-8') as out:\n"
        "        out.write(page.file.src_uri + '\\n')\n"
        "    return markdown\n",
        encoding="utf-8",
    )
    hooks = [str(ROOT / "hooks" / "knowledge_base.py"), str(extra)]
    docs = make_project(tmp_path)
    first = build_site(docs, tmp_path / "first", hooks=hooks)
    plain = build_site(docs, tmp_path / "plain")
    again = build_site(docs, tmp_path / "again", hooks=hooks)
    for result in (first, plain, again):
        assert result.error is None, result.log
    recorded = seen.read_text(encoding="utf-8").splitlines()
    # Both languages of the two builds with the hook.
    assert recorded.count("2023-11-12/discussion.md") == 4
    assert first.page("2023-11-12/discussion") == again.page("2023-11-12/discussion")


@pytest.mark.parametrize("option", ["jieba_dict", "jieba_dict_user"])
def test_a_jieba_dictionary_in_mkdocs_yml_fails_the_build_with_a_hint(tmp_path, caplog, option):
    """The index's Chinese is cut with the glossary's words, not jieba's global
    dictionary: a dictionary given to the search plugin would be silently unused."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort

    words = tmp_path / "words.txt"
    words.write_text("长度外推 5\n", encoding="utf-8")
    config = load_config(
        str(ROOT / "mkdocs.yml"),
        docs_dir=str(make_project(tmp_path)),
        site_dir=str(tmp_path / "site"),
    )
    config.plugins["material/search"].config[option] = str(words)
    with pytest.raises(Abort):
        build(config)
    assert re.search(rf"search's {option} is not used.*data/glossary\.yml", caplog.text)
    assert not (tmp_path / "site").exists()


def test_a_shared_link_shows_the_pages_title_summary_and_the_sites_name(real_site):
    """Open Graph and Twitter tags, in the page's language."""
    for prefix, site_name, locale in (
        ("", "LLM 研究讨论知识库", "zh_CN"),
        ("en/", "LLM Research Discussions", "en"),
    ):
        page = real_site.page(f"{prefix}2023-11-12/knowledge-updates")
        description = re.search(r'<meta name="description" content="([^"]+)"', page)[1]
        title = re.search(r"<h1[^>]*>(.*?)<", page)[1]
        assert f'<meta property="og:description" content="{description}">' in page
        assert f'<meta name="twitter:description" content="{description}">' in page
        assert f'<meta property="og:site_name" content="{site_name}">' in page
        assert f'<meta property="og:locale" content="{locale}">' in page
        assert '<meta property="og:type" content="article">' in page
        og_title = re.search(r'<meta property="og:title" content="([^"]+)">', page)[1]
        assert og_title.strip() and og_title in title + " " + page
        assert (
            f'<meta property="og:url" content="https://llm-notes.github.io/llm-notes/{prefix}2023-11-12/knowledge-updates/">'
            in page
        )


def test_an_image_on_another_host_is_a_link_with_its_caption(real_site):
    """Issue "A site that reads well on a phone": the chart was hot-linked from a
    third-party bucket with the alt text "image-20231203212429033"."""
    url = "https://brain-pics.oss-cn-beijing.aliyuncs.com/img/image-20231203212429033.png"
    for prefix, caption in (
        ("", "图：gpt-3.5-turbo-1106 加法正确率随位数的变化"),
        ("en/", "Figure: gpt-3.5-turbo-1106 addition accuracy vs. number of digits"),
    ):
        page = real_site.page(f"{prefix}2023-11-12/addition-accuracy")
        assert not re.search(r'<img[^>]+src="(?:https?:)?//', page)
        link = re.search(
            rf'<a class="kb-image-link" href="{re.escape(url)}"[^>]*>([^<]+)</a>', page
        )
        assert link and caption in link[1], page[page.find("kb-image-link") - 200 :][:600]
        assert "img-src 'self' data:;" in page


def test_every_script_an_instant_navigation_runs_is_allowed_by_every_pages_policy(real_site):
    """With navigation.instant, the first page's policy stays in force for the
    session (a later page's is added to it), and Material runs again each
    inline script inside the page's container. Each such script must be
    allowed by the policy of whatever page a reader opened first; none may
    need 'unsafe-inline'."""
    from kb import csp

    policies, rerun = {}, {}
    for path in real_site.site.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html)
        assert policy, path
        script_src = re.search(r"script-src ([^;]*)", policy.group(1)).group(1)
        assert "unsafe" not in script_src, path
        policies[path] = set(script_src.split())
        start, end = html.index('data-md-component="container"'), html.index('class="md-dialog"')
        rerun[path] = csp.inline_script_hashes(html[start:end])
    # Material's own script there (the target of the address's #anchor):
    # without it, the container's bounds here are no longer the template's.
    assert all(rerun.values())
    for page, hashes in rerun.items():
        for first, allowed in policies.items():
            assert set(hashes) <= allowed, (page, first)


def test_each_language_built_in_one_process_has_its_own_extensions_and_no_others():
    """Python-Markdown's extensions live on the config object every language
    of a build shares: a language's linking extensions replace the previous
    language's, which would otherwise link its pages too and be kept alive."""
    from types import SimpleNamespace

    from conftest import load_sources
    from kb.edition import Edition
    from kb.sitepages import page_context
    from kb_mkdocs.build_state import CurrentPage
    from kb_mkdocs.page_links import PageLinks
    from kb_mkdocs.term_mentions import TermMentions

    sources = load_sources()
    config = SimpleNamespace(markdown_extensions=["toc", "attr_list"])
    made = []
    for language in ("zh", "en", "zh"):
        run = SimpleNamespace(
            page=CurrentPage(Edition.of(sources, language)),
            mentions=TermMentions(),
            context=page_context(sources, language, "https://example.com/r", {}),
            languages=SimpleNamespace(current=language),
        )
        links = PageLinks(sources, run)
        links.install(config)
        made.append(links.extensions())
    assert config.markdown_extensions == ["toc", "attr_list", *made[-1]]


def test_a_build_leaves_the_environment_as_it_found_it(tmp_path, monkeypatch):
    """A build in a long-lived process (mkdocs serve, a test run) leaves no
    setting behind for the next: the sitemap's date is passed, not set."""
    import material.templates  # noqa: F401  (Material's own: sets NO_MKDOCS_2_WARNING on import)

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    monkeypatch.setenv("KB_PARALLEL", "0")  # every language in this process
    before = dict(os.environ)
    site = tmp_path / "site"
    result = build_site(make_project(tmp_path), site)
    assert result.error is None, result.log
    assert dict(os.environ) == before
    # The compressed sitemap is stamped with its newest page's date, not the clock's.
    header = (site / "sitemap.xml.gz").read_bytes()[:8]
    newest = max(re.findall(r"<lastmod>([\d-]+)</lastmod>", (site / "sitemap.xml").read_text()))
    midnight = datetime.datetime.fromisoformat(newest).replace(tzinfo=datetime.UTC)
    assert int.from_bytes(header[4:8], "little") == int(midnight.timestamp())
