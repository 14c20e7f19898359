"""Related topics, mentions that link, backlinks, suggested tags, the timeline, link integrity."""

from __future__ import annotations

import json
import re

import pytest

from conftest import FIXTURES, build_site, make_project
from kb import linkcheck
from kb.related import Profile, TopicKey, TopicNames, related, suggested_tags

A, B, C, D = (
    TopicKey("2023-11-12", "a"),
    TopicKey("2023-11-12", "b"),
    TopicKey("2023-11-19", "c"),
    TopicKey("2023-11-19", "d"),
)


def test_related_topics_rank_rare_shared_features_first():
    profiles = {
        A: Profile(frozenset({"long-context"}), frozenset({"rope", "llm"}), frozenset({"2306"})),
        B: Profile(frozenset({"long-context"}), frozenset({"llm"}), frozenset()),
        C: Profile(frozenset({"long-context"}), frozenset({"rope", "llm"}), frozenset({"2306"})),
        D: Profile(frozenset({"training", "rag"}), frozenset(), frozenset()),
    }
    result = related(profiles)
    assert [r.topic for r in result[A]] == [C, B]
    best = result[A][0]
    assert (best.papers, best.terms, best.tags) == (("2306",), ("rope", "llm"), ("long-context",))
    assert result[D] == ()
    assert related(dict(reversed(list(profiles.items())))) == result


def test_ties_go_to_the_newer_digest_then_the_slug():
    same = Profile(frozenset(), frozenset({"x"}), frozenset())
    result = related({A: same, B: same, C: same, D: same})
    assert [r.topic for r in result[A]] == [C, D, B]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("这点和之前“GPT的加法正确率”的讨论一致", [("GPT的加法正确率", A)]),
        ("参见「关于LLM外推」", [("关于LLM外推", B)]),
        (
            '参见『关于LLM外推』和"GPT的加法正确率，随着位数的增加而降低"',
            [("关于LLM外推", B), ("GPT的加法正确率，随着位数的增加而降低", A)],
        ),
        ("“计算器”和“加法”都太短", []),
        ("位数越多GPT的加法正确率越低", [("位数越多GPT的加法正确率越低", A)]),
        ("在 “外推” 上", []),
    ],
)
def test_topic_names_in_text(text, expected):
    names = TopicNames(
        {
            A: ("GPT的加法正确率，随着位数的增加而降低", ("位数越多GPT的加法正确率越低",)),
            B: ("关于LLM外推", ()),
        }
    )
    found = [(text[start:end], key) for start, end, key in names.find(text)]
    assert found == expected


def test_a_topic_does_not_mention_itself():
    names = TopicNames({A: ("关于LLM外推", ())})
    assert names.find("「关于LLM外推」", here=A) == []


def test_suggested_tags_come_from_terms_and_papers():
    from kb.glossary import Term

    def term(term_id, category):
        return Term(term_id, category, {}, {}, (), {}, {}, (), 1)

    glossary = {
        "rope": term("rope", "long-context"),
        "pi": term("pi", "long-context"),
        "moe": term("moe", "architecture"),
    }
    item = Profile(frozenset(), frozenset({"rope", "pi", "moe"}), frozenset({"2306"}))
    tags = suggested_tags(
        item,
        glossary,
        {"2306": {"long-context", "training"}},
        ["long-context", "training", "architecture"],
    )
    assert tags == ("long-context",)


@pytest.fixture(scope="module")
def two_weeks(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("two-weeks")
    docs = make_project(
        tmp, {"20231119.md": (FIXTURES / "notes" / "20231119.md").read_text(encoding="utf-8")}
    )
    return build_site(docs, tmp / "site", strict=False)


def test_a_recurring_topic_surfaces_as_related(two_weeks):
    assert two_weeks.error is None, two_weeks.log
    later = two_weeks.page("2023-11-19/mo-xing-wai-tui")
    related_section = later.split('id="related"', 1)[1]
    first = re.search(r'<a data-preview href="([^"]+)">([^<]+)</a>', related_section)
    assert first.group(1) == "../../2023-11-12/length-extrapolation/"
    assert "共同：" in related_section and "长度外推" in related_section
    earlier = two_weeks.page("2023-11-12/length-extrapolation").split('id="related"', 1)[1]
    assert "../../2023-11-19/mo-xing-wai-tui/" in earlier


def test_the_related_list_is_not_discussion_the_glossary_points_to(two_weeks):
    later = two_weeks.page("2023-11-19/mo-xing-wai-tui")
    related_section = later.split('id="related"', 1)[1].split("</article>", 1)[0]
    assert "长度外推" in related_section and "kb-term" not in related_section
    discussed = two_weeks.page("glossary").split('id="length-extrapolation"', 1)[1]
    discussed = discussed.split("<h", 1)[0]
    assert "mo-xing-wai-tui/" in discussed and "#related" not in discussed


def test_lists_of_other_topics_are_left_out_of_search(two_weeks):
    index = json.loads((two_weeks.site / "search" / "search_index.json").read_text("utf-8"))
    locations = [doc["location"] for doc in index["docs"]]
    assert "2023-11-19/mo-xing-wai-tui/" in locations
    assert not [where for where in locations if where.endswith(("#related", "#mentioned-in"))]
    glossary = "".join(
        doc["title"] + doc["text"]
        for doc in index["docs"]
        if doc["location"].startswith("glossary/")
    ).replace(" ", "")
    # Listed under 长度外推's "discussed in", which search leaves out; the term stays.
    assert "模型外推" in two_weeks.page("glossary") and "模型外推" not in glossary
    assert "长度外推" in glossary


def test_mentions_link_and_targets_show_backlinks(two_weeks):
    later = two_weeks.page("2023-11-19/mo-xing-wai-tui")
    assert (
        '<a class="kb-mention" href="../../2023-11-12/addition-accuracy/">GPT的加法正确率</a>'
    ) in later
    chit_chat = two_weeks.page("2023-11-19/za-tan")
    assert (
        '<a class="kb-mention" href="../../2023-11-12/length-extrapolation/">关于LLM外推</a>'
    ) in chit_chat
    assert "不存在的话题名字" in chit_chat and chit_chat.count("kb-mention") == 1
    target = two_weeks.page("2023-11-12/addition-accuracy").split('id="mentioned-in"', 1)[1]
    # Each previewed on hover (Material's data-preview), as the related topics are.
    assert '<a data-preview href="../../2023-11-19/mo-xing-wai-tui/">模型外推</a>' in target
    extrapolation = two_weeks.page("2023-11-12/length-extrapolation")
    assert (
        '<a data-preview href="../../2023-11-19/za-tan/">杂谈</a>'
        in extrapolation.split('id="mentioned-in"', 1)[1]
    )


def test_untagged_topics_get_suggested_tags_and_the_build_says_which(two_weeks):
    notes = [r for r in two_weeks.log.split("\n") if "KB601" in r]
    assert any(
        "20231119.md:1:1: KB601: topic '模型外推' has no tags; suggested: long-context" in line
        for line in notes
    ), notes
    assert 'class="md-tag">长上下文</a>' in two_weeks.page("2023-11-19/mo-xing-wai-tui")
    assert 'href="long-context/"' in two_weeks.page("en/tags")
    assert "2023-11-19/mo-xing-wai-tui/" in two_weeks.page("en/tags/long-context")


def test_previous_and_next_digest(two_weeks):
    first = two_weeks.page("2023-11-12")
    second = two_weeks.page("2023-11-19/za-tan")
    assert '下一期：<a href="../2023-11-19/">2023-11-19 周报</a> →' in first
    assert "上一期" not in first
    assert '← 上一期：<a href="../../2023-11-12/">2023-11-12 周报</a>' in second
    english = two_weeks.page("en/2023-11-19")
    assert '← Previous: <a href="../2023-11-12/">Digest of 2023-11-12</a>' in english
    timeline = two_weeks.page("timeline")
    assert timeline.index("2023-11-12 周报") < timeline.index("2023-11-19 周报")
    assert "模型外推" in timeline and "关于LLM外推" in timeline


@pytest.mark.build
def test_no_broken_internal_links_in_either_language(real_site, two_weeks):
    for site in (real_site.site, two_weeks.site):
        assert linkcheck.check(site, "/llm-notes/") == []
        assert len(list(site.rglob("*.html"))) >= 30


def test_the_link_check_finds_broken_links_and_anchors(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="a/#here">ok</a><a href="a/#gone">x</a>'
        '<a href="missing/">x</a><a href="/llm-notes/a/">ok</a><a href="/other/">x</a>'
        '<a href="https://example.org/">external</a><a href="#top">x</a>',
        encoding="utf-8",
    )
    (tmp_path / "a" / "index.html").write_text('<h2 id="here">h</h2>', encoding="utf-8")
    broken = [(link.href, link.reason) for link in linkcheck.check(tmp_path, "/llm-notes/")]
    assert broken == [
        ("a/#gone", "no anchor #gone"),
        ("missing/", "no such file"),
        ("/other/", "absolute path outside /llm-notes/"),
        ("#top", "no anchor #top"),
    ]


def test_a_related_topic_says_which_paper_it_shares_by_name(two_weeks):
    reasons = []
    for page in sorted(two_weeks.site.glob("2023-11-*/*/index.html")):
        related = page.read_text(encoding="utf-8").split('id="related"', 1)
        if len(related) == 2:
            reasons += re.findall(r"<em>共同：([^<]*)</em>", related[1].split("</article>", 1)[0])
    assert reasons, "the two weeks have related topics"
    assert not [r for r in reasons if re.search(r"(?<!arXiv:)\b\d{4}\.\d{4,5}\b", r)]
    assert any("LongLoRA" in reason for reason in reasons), reasons


def test_a_translation_carries_the_tags_suggested_for_its_source(tmp_path):
    """Tags are suggested once the notes are loaded (kb.analysis), after the
    translations are paired: the translated topic gets its source's."""
    from conftest import load_sources

    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "20231119.md").write_text(
        (FIXTURES / "notes" / "20231119.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (notes / "20231119.en.md").write_text(
        "## Model extrapolation {#mo-xing-wai-tui}\n\n"
        "Researcher 1: Position interpolation is enough.\n\n"
        "## Miscellany {#za-tan}\n\nResearcher 1: See the earlier discussion.\n",
        encoding="utf-8",
    )
    sources = load_sources(notes)
    source = sources.archive.digest("2023-11-19").topic("mo-xing-wai-tui")
    translated = sources.archive.translation(sources.archive.digest("2023-11-19"), "en")
    assert source.suggested_tags and "long-context" in source.tags
    assert translated.topic("mo-xing-wai-tui").tags == source.tags
