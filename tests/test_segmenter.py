"""The search index's Chinese cut into words: as jieba cuts it, with the glossary's words."""

from __future__ import annotations

import logging
import marshal
import tempfile
from pathlib import Path

import jieba
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb import segmenter
from kb.segmenter import WORD_BREAK, Segmenter

SEED = Path(__file__).resolve().parent.parent / "docs" / "notes" / "20231112.md"
WORDS = ("长度外推", "外推", "复读机", "知识冲突")


@pytest.fixture(scope="module")
def jieba_itself() -> jieba.Tokenizer:
    """A tokenizer as jieba makes it (its cache read by jieba), with the words added."""
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    for word in WORDS:
        tokenizer.add_word(word)
    return tokenizer


def _runs(text: str) -> list[str]:
    """The runs of Han characters in ``text``, as Material cuts them one by one."""
    runs, run = [], ""
    for character in text:
        if "\u4e00" <= character <= "\u9fff":
            run += character
        elif run:
            runs.append(run)
            run = ""
    return [*runs, run] if run else runs


def test_the_seed_is_cut_as_jieba_cuts_it(jieba_itself):
    cut = Segmenter(WORDS).cut
    runs = _runs(SEED.read_text(encoding="utf-8"))
    assert len(runs) > 500
    for run in runs:
        assert cut(run) == WORD_BREAK.join(jieba_itself.cut(run)), run


# Common characters, the words' among them, so that runs hold the words and their parts.
_HAN = st.text(
    alphabet="长度外推复读机知识冲突模型的训练数据大小是一个问题",
    min_size=1,
    max_size=30,
)


@pytest.fixture(scope="module")
def ours() -> Segmenter:
    return Segmenter(WORDS)


@settings(max_examples=200, deadline=None)
@given(_HAN)
def test_any_run_is_cut_as_jieba_cuts_it(jieba_itself, ours, run):
    assert ours.cut(run) == WORD_BREAK.join(jieba_itself.cut(run))


def test_a_glossary_word_stays_one_word_and_only_with_the_glossary_that_has_it():
    assert "长度外推" in Segmenter(WORDS).cut("长度外推很重要").split(WORD_BREAK)
    # A later build without the word (a term taken out of the glossary under
    # mkdocs serve) cuts as if it had never been added.
    without = Segmenter(()).cut("长度外推很重要").split(WORD_BREAK)
    assert "长度外推" not in without
    assert without == list(jieba.Tokenizer().cut("长度外推很重要"))


def test_a_run_cut_again_is_the_same_words():
    cutter = Segmenter(WORDS)
    assert cutter.cut("知识冲突怎么办") == cutter.cut("知识冲突怎么办")


def test_one_segmenter_per_set_of_words():
    assert segmenter.segmenter(WORDS) is segmenter.segmenter(WORDS)
    assert segmenter.segmenter(WORDS) is not segmenter.segmenter(("外推",))


def test_an_unreadable_dictionary_cache_is_rebuilt_not_a_failure(tmp_path, monkeypatch):
    expected = segmenter.dictionary()
    (tmp_path / "jieba.cache").write_bytes(b"not marshal")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    jieba.setLogLevel(logging.WARNING)
    rebuilt = segmenter.dictionary()
    assert rebuilt == expected
    # jieba wrote a good cache in its place, which the next build reads.
    assert marshal.loads((tmp_path / "jieba.cache").read_bytes()) == expected
