"""Headings the site makes from a note's titles: the anchor and the toc label hold.

Whatever a question, thread or ``###`` item starts with (a URL, a code span,
braces, ``?``, a trailing colon, numbering), its heading keeps its fixed
anchor, no attribute syntax is shown, and the table of contents gets a short
plain label. Rendered through the same Markdown extensions as the site.
"""

from __future__ import annotations

import html as html_module
import os
import re

import markdown
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.extensions.toc import TocExtension

from kb.model import Label, Role, Thread
from kb.notepages import _nodes
from kb.slugs import slugify
from kb.writing import toc_label

EXAMPLES = int(os.environ.get("KB_HYPOTHESIS_EXAMPLES", "200"))


class _Messages:
    def __call__(self, key: str, **values) -> str:
        return {"label.question": "Q", "label.discussion": "D"}.get(key, key)


def _convert(source: str):
    md = markdown.Markdown(
        extensions=["kb.markup", "attr_list", TocExtension(slugify=slugify, permalink=True)]
    )
    return md.convert(source), md.toc_tokens


def _thread_heading(title: str, anchor: str = "d3") -> str:
    thread = Thread(anchor, Label(Role.DISCUSSION), 1, title, ())
    return "\n".join(_nodes((thread,), 2, _Messages()))


TITLES = [
    "https://zhuanlan.zhihu.com/p/669976120? 这是记录的大模型SFT阶段训练不稳定的探索",
    "3. https://github.com/shuyhere/about-super-alignment  整理了reading list",
    "`{x}` 和 {y} 的区别：",
    "可以马上看到如何tokenizer，https://belladoreai.github.io/llama-tokenizer-js/",
    "what? {",
    "} 结尾",
    "1. 第一",
    "<work> scratch pad *强调* \\",
    'a "quoted" [link](https://a.b/c) & more',
]


def test_real_titles_keep_their_anchor_and_a_clean_label():
    for title in TITLES:
        html, toc = _convert(_thread_heading(title))
        assert toc[0]["id"] == "d3", title
        label = toc[0]["name"]
        assert "{" not in label and "data-toc-label" not in label and "https://" not in label
        assert "{ #" not in html and "data-toc-label" not in html, html


def test_a_url_in_a_label_is_shown_as_its_host():
    assert toc_label("D https://zhuanlan.zhihu.com/p/669976120? 这是记录") == (
        "D zhuanlan.zhihu.com 这是记录"
    )


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("ab 中文:：?？{}`*_[]()<>#\"'\\|!&~^$=./-1")),
        min_size=1,
        max_size=40,
    ).filter(lambda t: t.strip() and "\n" not in t)
)
def test_any_title_keeps_its_anchor_and_shows_no_attribute_syntax(title):
    html, toc = _convert(_thread_heading(title))
    assert [token["id"] for token in toc] == ["d3"]
    assert "data-toc-label" not in html
    assert not any(mark in toc[0]["name"] for mark in ("{", "}", "#d3"))
    assert len(toc[0]["name"]) <= 40
    # Nothing the reader wrote is lost from the heading's text.
    text = html_module.unescape(re.sub(r"<[^>]+>", "", html))
    for word in re.findall(r"[^\W_]+", title):
        assert word in text or word in html
