"""A note's language is the language of its prose, not of its headings."""

from __future__ import annotations

import datetime

import pytest

from kb.language import prose_language
from kb.parse import parse_digest


def _language(text: str) -> str | None:
    digest, _ = parse_digest(text, path="n.md", date=datetime.date(2024, 1, 1), language="zh")
    found = prose_language(digest, "zh")
    return found.language if found else None


CODE = "```python\n" + "model = AutoModel.from_pretrained(name)\n" * 40 + "```\n"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # English headings over Chinese bullets (compression.md's shape).
        (
            "# Compression Theory\n\n## Arithmetic coding\n\n"
            "* 算术编码是一种无损压缩方法，依赖一个概率模型\n* 模型越准，编码越短\n",
            "zh",
        ),
        # Chinese headings over English turns.
        (
            "## 关于长度外推\n\nResearcher 1: RoPE with NTK scaling extends the context "
            "window without any fine-tuning at all.\n\nResearcher 2: It degrades past 4x.\n",
            "en",
        ),
        # A Chinese note that is mostly code: code is not prose.
        ("## 加载模型\n\n研究员1：下面是加载的代码，很简单。\n\n" + CODE, "zh"),
        # A Chinese discussion quoting a long English abstract: still mostly Chinese.
        (
            "## 论文分享\n\n研究员1：这篇讲检索增强，核心观点是检索到的文档要和问题对齐，"
            "否则模型会被无关内容误导，实验做得很充分，值得一读。\n\n"
            "> Retrieval helps when documents are relevant.\n",
            "zh",
        ),
        # An English note quoting a Chinese phrase.
        (
            "## Notes\n\nThe digest calls this 复读机, a model that repeats itself; "
            "we discuss why greedy decoding loops and how sampling and penalties help.\n",
            "en",
        ),
        # Links and addresses are not prose.
        (
            "## 链接\n\n研究员1：见 [A Very Long English Title Of A Paper](https://x.org/a-b-c)\n",
            "zh",
        ),
        # No prose at all: the headings decide.
        ("## Only a heading\n\n```\ncode\n```\n", None),
    ],
)
def test_a_notes_language_is_the_language_of_most_of_its_prose(text, language):
    assert _language(text) == language


def test_the_decision_says_how_much_of_the_prose_was_in_each_language():
    digest, _ = parse_digest(
        "## Notes\n\nResearcher 1: three English words.\n\n研究员2：两个字\n",
        path="n.md",
        date=datetime.date(2024, 1, 1),
        language="zh",
    )
    found = prose_language(digest, "zh")
    assert found.language == "en"
    assert "in 'en'" in found.describe() and "3 Han characters" in found.describe()
    assert "3 words in Latin letters" in found.describe()
