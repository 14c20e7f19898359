"""Papers: arXiv ids in every form, citations with their sections, BibTeX, the fetch command."""

from __future__ import annotations

import datetime
import html
import re
from pathlib import Path

import bibtexparser
import pytest
import yaml

from conftest import build_site, load_sources, make_project
from kb import arxiv, papers
from kb.parse import parse_digest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# The arXiv papers linked in the first digest, with their verified titles
# (shared/reference/papers.tsv).
SEED_PAPERS = {
    "2310.16226": "TiC-CLIP: Continual Training of CLIP Models",
    "2305.13300": "Adaptive Chameleon or Stubborn Sloth: Revealing the Behavior of Large "
    "Language Models in Knowledge Conflicts",
    "2305.14795": "MQuAKE: Assessing Knowledge Editing in Language Models via Multi-Hop Questions",
    "2309.01431": "Benchmarking Large Language Models in Retrieval-Augmented Generation",
    "2310.17022": "Controlled Decoding from Language Models",
    "2305.18654": "Faith and Fate: Limits of Transformers on Compositionality",
    "2307.03381": "Teaching Arithmetic to Small Transformers",
    "2310.07831": "When, Why and How Much? Adaptive Learning Rate Scheduling by Refinement",
    "2205.09707": "PLAID: An Efficient Engine for Late Interaction Retrieval",
    "2112.07899": "Large Dual Encoders Are Generalizable Retrievers",
    "2210.05758": "Decoupled Context Processing for Context Augmented Language Modeling",
    "2112.04426": "Improving language models by retrieving from trillions of tokens",
    "2302.00083": "In-Context Retrieval-Augmented Language Models",
    "2310.07713": "InstructRetro: Instruction Tuning post Retrieval-Augmented Pretraining",
    "2210.02928": "MuRAG: Multimodal Retrieval-Augmented Generator for Open Question Answering "
    "over Images and Text",
    "2306.01061": "Reimagining Retrieval Augmented Language Models for Answering Queries",
    "2209.14491": "Re-Imagen: Retrieval-Augmented Text-to-Image Generator",
    "2310.10198": "MoConVQ: Unified Physics-Based Motion Control via Scalable Discrete "
    "Representations",
    "2310.19651": "Dynamics of Instruction Tuning: Each Ability of Large Language Models Has Its "
    "Own Growth Pace",
}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2310.16226", "2310.16226"),
        ("https://arxiv.org/pdf/2305.14795.pdf", "2305.14795"),
        ("https://arxiv.org/pdf/2310.07831", "2310.07831"),
        ("https://arxiv.org/pdf/2310.07831v2", "2310.07831"),
        ("https://arxiv.org/pdf/2310.07831v2.pdf", "2310.07831"),
        ("https://arxiv.org/abs/2310.16226v3", "2310.16226"),
        ("arxiv.org/abs/2310.16226", "2310.16226"),
        ("http://www.arxiv.org/abs/2310.16226", "2310.16226"),
        ("https://export.arxiv.org/abs/2310.16226", "2310.16226"),
        ("https://arxiv.org/abs/hep-th/9901001", "hep-th/9901001"),
        ("https://arxiv.org/abs/hep-th/9901001v2", "hep-th/9901001"),
        ("https://arxiv.org/abs/math.GT/0309136", "math.GT/0309136"),
        ("https://arxiv.org/abs/1501.00001", "1501.00001"),
        ("https://abs.arxiv.org/abs/2309.10668", "2309.10668"),
        ("https://browse.arxiv.org/abs/2309.10668v2", "2309.10668"),
        ("http://export.arxiv.org/pdf/2309.10668.pdf", "2309.10668"),
        ("https://arxiv.org/html/2309.10668v1", "2309.10668"),
        ("https://arxiv.org/html/2309.10668", "2309.10668"),
        ("https://example.org/abs/2310.16226", None),
        ("https://notarxiv.org/abs/2310.16226", None),
        ("https://arxiv.org/list/cs.CL/recent", None),
    ],
)
def test_arxiv_links_in_every_form_have_one_id(url, expected):
    assert papers.arxiv_id(url) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("大概能在长问题上提升10%https://arxiv.org/abs/2310.07713", ["2310.07713"]),
        (
            "Representationshttps://pku-mocca.github.io/MoConVQ-page/ ；https://arxiv.org/pdf/"
            "2310.10198.pdf）",
            ["https://pku-mocca.github.io/MoConVQ-page/", "2310.10198"],
        ),
        (
            "讲解：https://x.com/saurabh_garg67/status/1717571699720483023。 Skywork的",
            ["https://x.com/saurabh_garg67/status/1717571699720483023", "2310.19341"],
        ),
        ("Questions(https://arxiv.org/pdf/2305.14795.pdf )中", ["2305.14795"]),
        (
            "see arxiv.org/abs/2310.16226v2, and https://arxiv.org/abs/2205.09707。",
            ["2310.16226", "2205.09707"],
        ),
        ("请问大家longlora这篇文章", ["2309.12307"]),
        ("压缩见https://abs.arxiv.org/abs/2309.10668。", ["2309.10668"]),
        (
            "压缩见abs.arxiv.org/abs/2309.10668 和 arxiv.org/html/2310.16226v1",
            ["2309.10668", "2310.16226"],
        ),
        ("OpenAI的InstructGPT paper，第8页", ["2203.02155"]),
        # Named by its title, as a ### item or a reading list names a paper.
        (
            "### 4. Training Language Models to Follow Instructions with Human Feedback",
            ["2203.02155"],
        ),
        (
            "- training language models to follow instructions with human feedback（OpenAI）",
            ["2203.02155"],
        ),
        # Or by its name before the colon, when that is a title in itself.
        ("- Gibbs Sampling from Human Feedback（DPO 和 RLHF）", ["2312.11456"]),
        ("### 4. Detecting Pretraining Data from Large Language Models", ["2310.16789"]),
    ],
)
def test_citations_in_note_text(line, expected):
    known, _ = papers.parse_papers(
        (ROOT / "data" / "papers.yml").read_text(encoding="utf-8"), "papers.yml"
    )
    digest, _ = parse_digest(
        f"## 话题\n\n{line}\n", path="n.md", date=datetime.date(2024, 1, 1), language="zh"
    )
    found = papers.citations(digest, papers.paper_matcher(known))
    assert [citation.key for citation in found] == expected
    assert all(citation.line == 3 for citation in found)


def test_the_seed_papers_have_data_with_verified_titles():
    known, problems = papers.parse_papers(
        (ROOT / "data" / "papers.yml").read_text(encoding="utf-8"), "papers.yml"
    )
    assert problems == []
    titles = {paper.id: paper.title for paper in known}
    for paper_id, title in SEED_PAPERS.items():
        assert titles.get(paper_id) == title


def test_bibtex_parses():
    known, _ = papers.parse_papers(
        (ROOT / "data" / "papers.yml").read_text(encoding="utf-8"), "papers.yml"
    )
    library = bibtexparser.parse_string(papers.bibliography(known))
    assert library.failed_blocks == []
    assert len(library.entries) == len(known)
    assert len({entry.key for entry in library.entries}) == len(known)


def test_fetch_appends_papers_from_a_recorded_arxiv_response(tmp_path):
    data = tmp_path / "papers.yml"
    data.write_text(
        '- id: "2305.13300"\n  title: "T"\n  authors: ["A"]\n  year: 2023\n', encoding="utf-8"
    )
    recorded = (FIXTURES / "arxiv" / "2310.16226.xml").read_text(encoding="utf-8")
    asked = []

    def get(url: str) -> str:
        asked.append(url)
        return recorded

    assert arxiv.fetch(["https://arxiv.org/pdf/2310.16226v3.pdf", "2305.13300"], data, get) == [
        "2310.16226"
    ]
    assert asked == [f"{arxiv.API}?id_list=2310.16226&max_results=1"]
    known, problems = papers.parse_papers(data.read_text(encoding="utf-8"), "papers.yml")
    assert problems == []
    added = next(paper for paper in known if paper.id == "2310.16226")
    assert added.title == SEED_PAPERS["2310.16226"]
    assert added.authors[0] == "Saurabh Garg" and len(added.authors) == 8
    assert (added.year, added.verified) == (2023, False)
    assert arxiv.fetch(["2310.16226"], data, get) == []
    assert len(asked) == 1


@pytest.mark.build
def test_paper_index_pages(real_site):
    for prefix in ("", "en/"):
        html = real_site.page(f"{prefix}papers")
        for paper_id, title in SEED_PAPERS.items():
            entry = html.split(f'id="{papers.anchor(paper_id)}"', 1)
            assert len(entry) == 2, paper_id
            assert entry[1].startswith(">" + title.replace("&", "&amp;"))
        assert html.count("<summary>BibTeX</summary>") >= 19
        assert '"content.code.copy"' in html  # Material adds a copy button to code blocks
        years = [int(y) for y in re.findall(r'<h2 id="year-(\d{4})"', html)]
        assert years == sorted(years, reverse=True)
    library = bibtexparser.parse_string((real_site.site / "papers.bib").read_text(encoding="utf-8"))
    assert library.failed_blocks == [] and len(library.entries) >= 19


@pytest.mark.build
def test_topic_pages_name_the_papers_they_link(real_site):
    html = real_site.page("2023-11-12/knowledge-updates")
    assert (
        '<a href="https://arxiv.org/abs/2310.16226" rel="noopener" '
        'title="TiC-CLIP: Continual Training of CLIP Models">'
    ) in html
    assert '<a class="kb-paper" href="../../papers/#paper-2310-16226"' in html


@pytest.mark.build
def test_discussed_in_links_resolve(real_site):
    for prefix in ("", "en/"):
        html = real_site.page(f"{prefix}papers")
        targets = re.findall(r'href="\.\./(2023-11-12/[^"#]+/)#([^"]+)"', html)
        assert len(targets) >= 30
        for page, anchor in targets:
            assert f'id="{anchor}"' in real_site.page(prefix + page), (page, anchor)


@pytest.mark.build
def test_a_paper_without_metadata_is_still_linked_and_the_build_says_how_to_add_it(tmp_path):
    note = "## 话题\n\n研究员1：见 https://arxiv.org/abs/2401.99999v2 。\n"
    docs = make_project(tmp_path, {"20240105.md": note})
    result = build_site(docs, tmp_path / "site", strict=True)
    assert result.error is None, result.log
    assert result.warnings == []
    assert (
        "docs/notes/20240105.md:3:8: KB501: arXiv paper 2401.99999 is cited but has no "
        "metadata in data/papers.yml Hint: run: python -m kb.arxiv fetch 2401.99999"
    ) in result.log
    page = result.page("2024-01-05/hua-ti")
    assert (
        'href="https://arxiv.org/abs/2401.99999v2" rel="noopener" title="arXiv:2401.99999"' in page
    )
    assert 'href="../../papers/#paper-2401-99999"' in page
    index = result.page("papers")
    assert 'id="paper-2401-99999"' in index
    assert 'href="https://arxiv.org/abs/2401.99999"' in index


def test_the_index_lists_cited_papers_only(real_site):
    """data/papers.yml knows the whole archive's papers; the seed cites a few."""
    index = real_site.page("papers")
    assert 'id="paper-2310-16226"' in index  # TiC-CLIP, cited by the seed
    assert 'id="paper-2311-17136"' not in index  # UniIR: known, cited only by 2023-12-03
    bib = (real_site.site / "papers.bib").read_text(encoding="utf-8")
    assert "2310.16226" in bib and "2311.17136" not in bib


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("https://www.example.org/blog/2023/post/", "example.org/blog/2023/post"),
        # Two videos are told apart by their query; tracking is not part of it.
        ("https://www.youtube.com/watch?v=2pbvnxdaKaw", "youtube.com/watch?v=2pbvnxdaKaw"),
        ("https://example.org/post?utm_source=x&id=3", "example.org/post?id=3"),
        (
            "https://x.com/someone/status/1717571699720483023123456789012345",
            "x.com/someone/status/17175716997204830231234567…",
        ),
    ],
)
def test_untitled_links_get_a_short_title(url, title):
    assert papers.short_title(url) == title


def test_the_paper_index_tells_the_truth(real_site):
    index = real_site.page("papers")
    entry = lambda paper: index[index.index(f'id="paper-{paper}"') :][:6000]  # noqa: E731
    # A ### item's heading names the paper (3.Effective long context scaling…).
    assert "2023-11-12/paper-notes/#" in entry("2309-16039")
    assert "尚未在讨论中被引用" not in index
    # "RA-CM3：<InfoSeek's page>" cites InfoSeek's page, not the RA-CM3 paper.
    assert 'id="paper-2211-12561"' not in index
    # A paper's own tags, not those of every topic citing it.
    instructgpt = entry("2203-02155")
    tags = instructgpt[
        instructgpt.index("标签") : instructgpt.index("</p>", instructgpt.index("标签"))
    ]
    assert "对齐" in tags and "多模态" not in tags and "检索增强" not in tags
    # Each tag links to its listing.
    assert '<a href="../tags/alignment/">对齐</a>' in tags
    # What data/papers.yml notes for readers is shown in the page's language;
    # what it notes for maintainers (the venue's sources) is not.
    shown = entry("2203-02155")
    assert "<strong>说明</strong>: <em>InstructGPT 论文；周报引用的是第 8 页第 3.5 节。" in shown
    assert "aitopics" not in shown


def test_bibtex_keys_are_ascii_folded():
    authors = ("Baptiste Rozière", "Jonas Gehring")
    title = "Code Llama: Open Foundation Models for Code"
    paper = papers.Paper("2308.12950", title, authors, 2023, "", {}, True, {}, 1)
    assert papers.bibtex_key(paper) == "roziere2023code"


@pytest.mark.build
def test_a_paper_cited_in_many_topics_gets_a_page_of_every_place(tmp_path):
    """The index lists the latest three topics under a paper; a page lists them all."""
    topics = "".join(
        f"## 话题{n} {{#topic-{n}}}\n\nQ：问题{n}？\n\n"
        "A：见 https://arxiv.org/abs/2309.16039 。\n\n"
        for n in range(5)
    )
    docs = make_project(tmp_path, {"20240105.md": topics})
    result = build_site(docs, tmp_path / "site")
    assert result.error is None, result.log
    for prefix in ("", "en/"):
        index = result.page(f"{prefix}papers")
        entry = index.split('id="paper-2309-16039"')[1].split("<h3")[0]
        listed = re.findall(r'href="\.\./(2024-01-05/topic-\d)/"', entry)
        # Newest digest first, in reading order within it.
        assert listed == ["2024-01-05/topic-0", "2024-01-05/topic-1", "2024-01-05/topic-2"]
        assert 'href="paper-2309-16039/"' in entry
        places = result.page(f"{prefix}papers/paper-2309-16039")
        assert "Effective Long-Context Scaling" in places
        every = re.findall(r'href="\.\./\.\./(2024-01-05/topic-\d)/#(q1|a1)"', places)
        assert {page for page, _ in every} == {f"2024-01-05/topic-{n}" for n in range(5)}
        assert 'href="../#paper-2309-16039"' in places
        # The seed's citing topics are listed too, after the newer digest's.
        assert "2023-11-12/" in places.rsplit("2024-01-05/topic-4", 1)[1]


@pytest.mark.build
def test_both_languages_index_the_same_papers(real_site):
    """A translator's note names papers (RA-CM3 is another paper…) but cites none."""
    listed = {
        prefix: sorted(
            set(re.findall(r'id="(paper-\d[a-z0-9-]*)"', real_site.page(f"{prefix}papers")))
        )
        for prefix in ("", "en/")
    }
    assert listed[""] == listed["en/"] and listed[""]
    assert "paper-2211-12561" not in listed["en/"]


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("LongLoRA: Efficient Fine-tuning of Long-Context Large Language Models", "LongLoRA"),
        (
            "Adaptive Chameleon or Stubborn Sloth: Revealing the Behavior",
            "Adaptive Chameleon or Stubborn Sloth",
        ),
        (
            "Technical Report: Large Language Models can Strategically Deceive",
            "Large Language Models can Strategically Deceive",
        ),
        (
            "Effective Long-Context Scaling of Foundation Models",
            "Effective Long-Context Scaling of Foundation…",
        ),
    ],
)
def test_a_papers_short_name_comes_from_its_title_never_a_generic_word(title, short):
    paper = papers.Paper("2401.00001", title, ("A",), 2024, "", {}, True, {}, 1)
    assert paper.short_name == short


@pytest.mark.build
@pytest.mark.parametrize(
    ("prefix", "weak", "unverified"),
    [("", "仅弱核实", "标题未核实"), ("en/", "weakly verified", "title not verified")],
)
def test_a_link_checked_weakly_or_not_at_all_says_so(real_site, prefix, weak, unverified):
    index = real_site.page(f"{prefix}papers")
    talk = index.split('href="https://www.youtube.com/watch?v=2pbvnxdaKaw"', 1)[1].split("</li>")[0]
    assert weak in talk
    image = index.split('href="https://brain-pics.oss-cn-beijing.aliyuncs.com/', 1)[1]
    assert unverified in image.split("</li>")[0]
    tweet = index.split('href="https://x.com/saurabh_garg67/status/1717571699720483023"', 1)[1]
    assert "verif" not in tweet.split("</li>")[0] and "核实" not in tweet.split("</li>")[0]


def test_a_papers_note_is_written_for_readers_in_every_language():
    entry = '- id: "2401.00001"\n  title: T\n  authors: [A]\n  year: 2024\n  note: "English only"\n'
    known, problems = papers.parse_papers(entry, "papers.yml", ("zh", "en"))
    assert known == ()
    assert [(p.code, p.line) for p in problems] == [("KB502", 1)]
    assert "note without zh and en" in problems[0].message and "checked" in problems[0].hint
    both = entry.replace('"English only"', "{zh: 中文说明, en: A note}") + "  checked: how\n"
    known, problems = papers.parse_papers(both, "papers.yml", ("zh", "en"))
    assert problems == [] and known[0].note == {"zh": "中文说明", "en": "A note"}


@pytest.mark.build
def test_the_paper_index_shows_each_reader_note_in_its_language_and_no_maintainer_note(
    real_site,
):
    entries = yaml.safe_load((ROOT / "data" / "papers.yml").read_text(encoding="utf-8"))
    sources = load_sources()
    cited = {c.key for found in sources.citations.values() for c in found if c.is_paper}
    shown = [e for e in entries if e.get("note") and e["id"] in cited]
    assert len(shown) >= 10, "the seed cites papers with notes"
    for prefix, language in (("", "zh"), ("en/", "en")):
        index = html.unescape(re.sub(r"<[^>]+>", "", real_site.page(f"{prefix}papers")))
        for entry in shown:
            assert entry["note"][language] in index, (language, entry["id"])
        for entry in entries:
            if entry.get("checked"):
                assert entry["checked"] not in index, entry["id"]
    assert "说明（英文）" not in real_site.page("papers")
