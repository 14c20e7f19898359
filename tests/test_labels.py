"""Paragraph labels in every form real digests use."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.labels import chinese_number, split_label
from kb.model import Label, Role

S, Q, A, D, F = Role.SPEAKER, Role.QUESTION, Role.ANSWER, Role.DISCUSSION, Role.FOLLOW_UP


@pytest.mark.parametrize(
    ("line", "label", "rest"),
    [
        ("研究员1：直接能想到的有两点：", Label(S, 1), "直接能想到的有两点："),
        ("研究员1:half-width colon", Label(S, 1), "half-width colon"),
        ("研究员 1", Label(S, 1), ""),
        ("研究员 12 ： 空格", Label(S, 12), "空格"),
        ("研究员一：中文数字", Label(S, 1), "中文数字"),
        ("研究员十二：", Label(S, 12), ""),
        ("研究员二十三：x", Label(S, 23), "x"),
        ("Researcher 3: English", Label(S, 3), "English"),
        ("Q：现在大模型为什么", Label(Q), "现在大模型为什么"),
        ("Q: half-width", Label(Q), "half-width"),
        ("Q4：numbered", Label(Q, 4), "numbered"),
        ("A4:numbered answer", Label(A, 4), "numbered answer"),
        ("A：", Label(A), ""),
        ("D(Discussion)：请问大家longlora", Label(D), "请问大家longlora"),
        ("D (Discussion): spaced", Label(D), "spaced"),
        ("D（Discussion）：全角括号", Label(D), "全角括号"),
        ("F(Follow)：可能是lora", Label(F), "可能是lora"),
        ("F (Follow-up): english", Label(F), "english"),
        ("F1：embedding的scaling", Label(F, 1), "embedding的scaling"),
        ("F5：scale up RAG", Label(F, 5), "scale up RAG"),
        ("D：以当前的科技水准", Label(D), "以当前的科技水准"),
        ("  Q：leading spaces", Label(Q), "leading spaces"),
        ("研究员A：字母编号", Label(S, name="A"), "字母编号"),
        ("研究员 B", Label(S, name="B"), ""),
        ("研究员２：全角数字", Label(S, 2), "全角数字"),
        ("研究员一: 半角冒号", Label(S, 1), "半角冒号"),
        ("Q1-continue:  双卡zero-3", Label(Q, 1, continued=True), "双卡zero-3"),
        ("F3(Following3)：由弱到强", Label(F, 3), "由弱到强"),
        ("F1(Follow1)：初始化", Label(F, 1), "初始化"),
        ("A1(某大佬):预训练刚兴起时", Label(A, 1, name="某大佬"), "预训练刚兴起时"),
        ("A(某大佬):", Label(A, name="某大佬"), ""),
        ("Q ：空格后的全角冒号", Label(Q), "空格后的全角冒号"),
        (
            "D: https://zhuanlan.zhihu.com/p/1? 记录",
            Label(D),
            "https://zhuanlan.zhihu.com/p/1? 记录",
        ),
    ],
)
def test_labels_are_recognised_in_every_form(line, label, rest):
    assert split_label(line) == (label, rest)


@pytest.mark.parametrize(
    "line",
    [
        "F1 score is a metric",
        "A transformer is",
        "Quick question",
        "q: lowercase letters are prose",
        "研究员们认为",
        "D(Follow)：mismatched word",
        "Discussion: a word, not the D label",
        "研究员：没有编号",
        "研究员AB：两个字母",
        "A1-continue: only questions go on",
        "DPO：Direct Preference Optimization",
        "",
    ],
)
def test_prose_is_not_a_label(line):
    assert split_label(line) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一", 1),
        ("九", 9),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("九十九", 99),
        ("一百零五", 105),
        ("两", 2),
        ("42", 42),
    ],
)
def test_chinese_numbers(text, value):
    assert chinese_number(text) == value


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["：", ":", "： ", ""]))
def test_any_speaker_number_round_trips(number, colon):
    label, rest = split_label(f"研究员{number}{colon}")
    assert label == Label(S, number)
    assert rest == ""


@given(st.text())
def test_split_label_never_raises(line):
    result = split_label(line)
    assert result is None or isinstance(result[0], Label)


@pytest.mark.build
def test_every_badge_is_in_the_readers_language_and_says_what_it_means(tmp_path):
    """Issue "A site that reads well on a phone": D, F and F5 were never
    explained. Each badge is a word of the reader's language, numbered as the
    digest numbers it, with a title naming the digest's own label."""
    import re

    from conftest import build_site, make_project

    note = (
        "## 话题 {#topic}\n\nD：第一段讨论。\n\nF4：追问一句。\n\nF5：再追问。\n\n"
        "Q1：一个问题？\n\nA1：一个回答。\n"
    )
    translation = (
        "## Topic {#topic}\n\nD: A discussion.\n\nF4: A follow-up.\n\nF5: Another.\n\n"
        "Q1: A question?\n\nA1: An answer.\n"
    )
    files = {"20240301.md": note, "20240301.en.md": translation}
    result = build_site(make_project(tmp_path, files), tmp_path / "site")
    assert result.error is None, result.log
    for prefix, expected in (
        ("", [("讨论", "D"), ("追问 4", "F4"), ("追问 5", "F5"), ("Q1", "Q1"), ("A1", "A1")]),
        ("en/", [("Discussion", "D"), ("Follow-up 4", "F4"), ("Follow-up 5", "F5")]),
    ):
        page = result.page(f"{prefix}2024-03-01/topic")
        # A heading's badge is bold text; a reply's links to the reply itself.
        found = re.findall(
            r'<strong class="kb-label" title="([^"]+)">([^<]+)</strong>'
            r'|<a class="kb-speaker" href="#([^"]+)" title="([^"]+)"><strong>([^<]+)</strong>',
            page,
        )
        badges = [(a or d, b or e) for a, b, _, d, e in found]
        replies = [anchor for _, _, anchor, _, _ in found if anchor]
        assert replies and all(f'id="{anchor}"' in page for anchor in replies)
        shown = {text: title for title, text in badges}
        for text, mark in expected:
            assert text in shown, (prefix, text, badges)
            assert f"{mark}" in shown[text]
            assert ("原文标注" if not prefix else "the digest labels it") in shown[text]
