"""The glossary: its data file, the matcher and links in rendered Markdown."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import markdown
import pytest

from kb.glossary import parse, term_matcher
from kb.linking import GlossaryExtension

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ("zh", "en")

TERMS_YAML = """
- id: length-extrapolation
  category: long-context
  zh: 长度外推
  en: length extrapolation
  aliases: {zh: [外推], en: [extrapolation]}
  abbr: []
  short: {zh: 让模型处理比训练更长的上下文。, en: Handling contexts longer than in training.}
  long: {zh: 长。, en: Long.}
  source: a test
  related: [retrieval-augmented-generation]
- id: retrieval-augmented-generation
  category: retrieval
  zh: 检索增强生成
  en: retrieval-augmented generation
  aliases: {zh: [], en: [rag]}
  abbr: [RAG]
  short: {zh: 先检索再生成。, en: Retrieve, then generate.}
  long: {zh: 长。, en: Long.}
  source: a test
  related: []
- id: repetition
  category: decoding
  zh: 重复生成
  en: repetition
  aliases: {zh: [复读机], en: []}
  abbr: []
  short: {zh: 模型反复生成同一片段。, en: The model repeats itself.}
  long: {zh: 长。, en: Long.}
  source: a test
  related: []
- id: memory-replay
  category: continual-learning-editing
  zh: 记忆回放
  en: memory replay
  aliases: {zh: [], en: [rehearsal]}
  abbr: []
  short: {zh: 混入旧数据。, en: Mix in old data.}
  long: {zh: 长。, en: Long.}
  source: a test
  related: []
- id: mixture-of-experts
  category: architecture
  zh: 混合专家
  en: mixture of experts
  aliases: {zh: [], en: []}
  abbr: [MoE]
  short: {zh: 稀疏专家。, en: Sparse experts.}
  long: {zh: 长。, en: Long.}
  source: a test
  related: []
"""


@pytest.fixture(scope="module")
def terms():
    found, problems = parse(TERMS_YAML, "glossary.yml", LANGUAGES)
    assert problems == []
    return found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("模型会变成复读机", [("复读机", "repetition")]),
        (
            "用memory replay（rehearsal）效果不错",
            [("memory replay", "memory-replay"), ("rehearsal", "memory-replay")],
        ),
        (
            "长度外推和外推",
            [("长度外推", "length-extrapolation"), ("外推", "length-extrapolation")],
        ),
        ("关于LLM外推", [("外推", "length-extrapolation")]),
        ("storage and DRAG are not RAG", [("RAG", "retrieval-augmented-generation")]),
        ("scale up RAG的工作", [("RAG", "retrieval-augmented-generation")]),
        ("rag的方式训进去", [("rag", "retrieval-augmented-generation")]),
        ("MoE and moe", [("MoE", "mixture-of-experts")]),
        ("MOE is shouting", []),
        ("Extrapolation works", [("Extrapolation", "length-extrapolation")]),
        ("extrapolations", []),
    ],
)
def test_matcher_hard_cases(terms, text, expected):
    matcher = term_matcher(terms, "zh", "zh")
    assert [(text[m.start : m.end], m.value.id) for m in matcher.find(text)] == expected


def test_english_pages_match_english_forms_only(terms):
    matcher = term_matcher(terms, "en", "zh")
    assert [m.value.id for m in matcher.find("外推 and length extrapolation")] == [
        "length-extrapolation"
    ]


def render(source: str, terms, language: str = "zh", active: bool = True) -> tuple[str, list]:
    reported = []
    extension = GlossaryExtension(
        term_matcher(terms, language, "zh"),
        lambda term: f"glossary.md#{term.id}",
        language,
        lambda term, section, *_: reported.append((term.id, section.anchor)),
        lambda: active,
    )
    md = markdown.Markdown(
        extensions=["kb.markup", "toc", "attr_list", "pymdownx.superfences", extension]
    )
    return md.convert(source), reported


def test_first_mention_per_section_is_linked_with_its_definition(terms):
    html, reported = render(
        "# 外推 {#top}\n\n外推很难，外推也很重要。\n\n## 第二节 {#two}\n\n再说外推。\n", terms
    )
    links = re.findall(r'<a class="kb-term" href="([^"]+)" title="([^"]+)">([^<]+)</a>', html)
    assert (
        links
        == [("glossary.md#length-extrapolation", "让模型处理比训练更长的上下文。", "外推")] * 2
    )
    # The heading is not linked, but what it names is discussed in its section.
    assert reported == [("length-extrapolation", "top")] * 3 + [("length-extrapolation", "two")]
    assert '<h1 id="top">外推' in html


def test_pages_that_get_no_links_are_not_searched(terms):
    html, reported = render("外推很难。\n", terms, active=False)
    assert "kb-term" not in html and reported == []


def test_nothing_is_linked_in_code_links_urls_or_raw_html(terms):
    source = "\n\n".join(
        [
            "`RAG` in code",
            "[RAG](https://example.org/RAG) link",
            "https://example.org/rag/path",
            "<b>RAG</b>",
            "```\nRAG in a fence\n```",
        ]
    )
    html, reported = render(source, terms)
    assert "kb-term" not in html
    assert reported == []


def test_the_real_glossary_is_valid_and_covers_the_notes():
    terms, problems = parse(
        (ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"), "data/glossary.yml", LANGUAGES
    )
    assert problems == []
    assert len(terms) >= 60
    note = (ROOT / "docs" / "notes" / "20231112.md").read_text(encoding="utf-8")
    found = {m.value.id for m in term_matcher(terms, "zh", "zh").find(note)}
    assert len(found) >= 60
    assert {
        "mixture-of-experts",
        "memory-replay",
        "length-extrapolation",
        "repetition",
        "nucleus-sampling",
        "retrieval-augmented-generation",
    } <= found


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda y: y.replace("id: repetition", "id: memory-replay"), "duplicate term id"),
        (lambda y: y.replace("[复读机]", "[外推]"), "'外推' of 'repetition' is already claimed"),
        (lambda y: y.replace("  en: repetition\n", ""), "'repetition' has no name in en"),
        (
            lambda y: y.replace("related: [retrieval-augmented-generation]", "related: [nope]"),
            "relates to unknown term 'nope'",
        ),
        (lambda y: y.replace("category: decoding", "category: cooking"), "unknown category"),
        (lambda y: y.replace("  source: a test\n", "", 1), "has no 'source'"),
        (
            lambda y: y.replace(
                "short: {zh: 模型反复生成同一片段。, en: The model repeats itself.}",
                "short: {zh: 模型反复生成同一片段。}",
            ),
            "no 'short' text in en",
        ),
    ],
)
def test_validation_errors_are_located(edit, message):
    _, problems = parse(edit(TERMS_YAML), "data/glossary.yml", LANGUAGES)
    assert problems, message
    problem = problems[0]
    assert message in problem.message
    assert str(problem).startswith("data/glossary.yml:")
    assert problem.line > 1


def test_the_gap_report_lists_recurring_terms_without_an_entry(tmp_path):
    """scripts/glossary_gaps.py: what recurs in two topics and the glossary lacks."""
    (tmp_path / "20240301.md").write_text(
        "## 甲\n\n研究员1：FooNet 用了 MoE 和显存优化。\n\n"
        "## 乙\n\n研究员1：FooNet 比 MoE 省显存。\n\n"
        "## 丙\n\n研究员1：BarNet 只出现一次。\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "glossary_gaps.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        check=True,
    )
    listed = {line.split()[1]: int(line.split()[0]) for line in result.stdout.splitlines()}
    assert listed["FooNet"] == 2
    assert "BarNet" not in listed  # in one topic only
    assert "MoE" not in listed  # the glossary's abbreviation for mixture of experts
    assert "显存" not in listed  # the glossary's gpu-memory


def _precision_script():
    spec = importlib.util.spec_from_file_location(
        "glossary_precision", ROOT / "scripts" / "glossary_precision.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_glossary_links_are_precise_on_the_labelled_set():
    """tests/fixtures/glossary-labels.tsv: at least 150 labelled places, true and false.

    The seed's rows always count; the corpus rows too when KB_CORPUS names
    the folder of real notes (read in place). Every labelled row of a note
    read must still be found: a fixture that drifts from its notes fails.
    """
    script = _precision_script()
    corpus = os.environ.get("KB_CORPUS")
    found = script.candidates(script.notes((ROOT / corpus).resolve() if corpus else None))
    result = script.score(script.LABELS, found)
    rows = (script.LABELS).read_text(encoding="utf-8").splitlines()[1:]
    labels = {row.split("\t")[4] for row in rows}
    assert len(rows) >= 150 and labels == {"yes", "no"}
    assert {row.split("\t")[0] for row in rows} >= {"20231112.md", "20231112.en.md"}
    read = {c.note for c in found}
    unread = sum(row.split("\t")[0] not in read for row in rows)
    assert result["not read"] == unread, "a labelled place is gone: update the fixture"
    # Issue "Every statement holds on every real digest": 0.99 on the whole
    # set; the seed's rows alone are fewer, and one error weighs more there.
    assert result["precision"] >= (0.99 if corpus else 0.985), result["errors"]
    assert result["recall"] >= 0.90, result["errors"]


def test_a_loose_word_links_only_where_its_paragraph_fixes_its_sense():
    terms, _ = parse(
        (ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"), "glossary.yml", LANGUAGES
    )
    finder = term_matcher(terms, "zh", "zh")
    found = lambda text: [m.value.id for m in finder.find(text)]  # noqa: E731
    assert "length-extrapolation" in found("RoPE 的外推问题还要再看")
    assert "length-extrapolation" not in found("把这条曲线往外推就不准了")
    assert "offloading" not in found("卸载这个软件")
    assert "offloading" in found("显存不够就把优化器状态卸载到 CPU")
    english = term_matcher(terms, "en", "zh")
    assert "attention" not in [m.value.id for m in english.find("paying attention to the loss")]
    assert "attention" in [m.value.id for m in english.find("attention costs grow with tokens")]


@pytest.mark.parametrize(
    ("text", "term", "linked"),
    [
        ("用 transformer trainer + deepspeed 训练", "transformer", False),
        ("Hugging Face Transformers library 的 Trainer", "transformer", False),
        ("Transformer 的注意力层", "transformer", True),
        ("weight arithmetic 可以合并两个模型", "arithmetic-calculation", False),
        ("多位数加法的 arithmetic 正确率", "arithmetic-calculation", True),
        ("arithmetic coding 是无损压缩", "arithmetic-calculation", False),
        ("in-context pretraining 把相关文档拼在一起", "in-context-learning", False),
        ("in-context pretraining 之后 in-context learning 更强", "in-context-learning", True),
        ("关于 MOE 的讨论回放录像", "memory-replay", False),
        ("混入旧数据回放以减少遗忘", "memory-replay", True),
    ],
)
def test_a_form_used_in_another_sense_links_nothing(text, term, linked):
    """Issue "Every statement holds": three wrong senses and a loose 回放 the real digests hold."""
    terms, _ = parse(
        (ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"), "glossary.yml", LANGUAGES
    )
    found = [m.value.id for m in term_matcher(terms, "zh", "zh").find(text)]
    assert (term in found) is linked, found


def test_an_unlike_phrase_must_hold_one_of_the_terms_forms():
    entry = """- id: widget
  category: general
  zh: 部件
  en: widget
  unlike: [gadget shop]
  short: {zh: 短, en: short}
  long: {zh: 长, en: long}
  source: test
"""
    _, problems = parse(entry, "glossary.yml", LANGUAGES)
    assert [(p.line, p.message) for p in problems] == [
        (1, "'widget': the unlike phrase 'gadget shop' holds none of its forms")
    ]


def test_a_misspelling_is_found_but_never_shown_as_a_name():
    terms, _ = parse(
        (ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"), "glossary.yml", LANGUAGES
    )
    by_id = {term.id: term for term in terms}
    finder = term_matcher(terms, "en", "zh")
    assert [m.value.id for m in finder.find("a transfomer block")] == ["transformer"]
    assert "transfomer" not in by_id["transformer"].aliases["en"]
    assert "transfomer" in by_id["transformer"].misspellings


@pytest.mark.build
def test_a_term_discussed_in_many_topics_gets_a_page_of_every_place(real_site):
    """The glossary lists the latest three topics under a term; its page, every one."""
    for prefix in ("", "en/"):
        glossary = real_site.page(f"{prefix}glossary")
        entry = glossary.split('id="large-language-model"')[1].split("<h3")[0]
        assert len(re.findall(r"<li>", entry)) == 3
        assert 'href="large-language-model/"' in entry
        places = real_site.page(f"{prefix}glossary/large-language-model")
        topics = re.findall(r'<li><a href="\.\./\.\./(2023-11-12/[a-z-]+)/"[^>]*>', places)
        assert len(topics) == len(set(topics)) > 3
        listed = re.findall(r'<li><a href="\.\./(2023-11-12/[a-z-]+)/"[^>]*>', entry)
        assert set(listed) < set(topics)
        assert 'href="../#large-language-model"' in places
    # A term discussed in fewer topics is listed in full, with no page of its own.
    assert not (real_site.site / "glossary" / "repetition").exists()


@pytest.mark.parametrize(
    ("text", "linked"),
    [
        ("Megatron-LLM", []),
        ("S-LoRA", []),
        ("estimate_zero3_model_states_mem_needs_all_live", []),
        ("Sheared-LLaMA", []),
        ("transformer.py", []),
        ("v1.LoRA", []),
        # At a boundary the term is the term, a sentence's full stop included.
        ("LoRA", ["lora"]),
        ("LLM。", ["large-language-model"]),
        ("LLM. Then", ["large-language-model"]),
        ("LoRA-微调", ["lora", "fine-tuning"]),
    ],
)
def test_a_glossary_link_never_splits_a_name_or_an_identifier(text, linked):
    terms, _ = parse(
        (ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"), "glossary.yml", LANGUAGES
    )
    finder = term_matcher(terms, "zh", "zh")
    assert [m.value.id for m in finder.find(text)] == linked


@pytest.mark.build
def test_the_glossary_reads_naturally_and_can_be_searched_by_initial(real_site):
    """Issue "A site that reads well on a phone": "又称: BERT · Bert · bert", BERT
    filed under "bidirectional encoder represent…", no index, arXiv ids as text."""
    import html
    import re

    for prefix in ("", "en/"):
        page = real_site.page(f"{prefix}glossary")
        entry = page[page.index('id="bert"') :][:3000]
        aliases = re.search(r'<p class="kb-aliases">(.*?)</p>', entry)
        if aliases:
            forms = re.findall(r"(?:<code>|· |: )([^<·]+?)(?:</code>| ·|$)", aliases[1])
            lowered = [form.strip().lower() for form in forms]
            assert len(lowered) == len(set(lowered)), aliases[1]
        field = re.search(r"<input [^>]*kb-filter[^>]*>", page)[0]
        assert 'class="kb-filter"' in field and 'hidden="hidden"' in field
        index = page[page.index('class="kb-index"') :][:20000]
        assert '<a href="#bert">' in index
        # Sources cite arXiv ids as links to the abstract.
        assert '<a href="https://arxiv.org/abs/1701.06538" rel="noopener">arXiv 1701.06538</a>' in (
            html.unescape(page)
        )
    english = real_site.page("en/glossary")
    assert re.search(r'id="bert">BERT \(bidirectional encoder representations', english)
    b_line = re.search(r"<li><strong>B</strong>(.*?)</li>", english, re.DOTALL)[1]
    assert '<a href="#bert">BERT (bidirectional' in b_line
