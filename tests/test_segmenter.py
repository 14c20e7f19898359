"""The search index's Chinese cut into words: as jieba cuts it, with the glossary's words."""

from __future__ import annotations

import logging
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


def test_the_seed_is_cut_as_jieba_cuts_it(jieba_itself, tmp_path):
    (tmp_path / "20231112.md").write_bytes(SEED.read_bytes())
    cutter = Segmenter(WORDS)
    cutter.learn_files([tmp_path])  # as a build learns its notes before its pages
    runs = _runs(SEED.read_text(encoding="utf-8"))
    assert len(runs) > 500
    for run in runs:
        assert cutter.cut(run) == WORD_BREAK.join(jieba_itself.cut(run)), run


def test_runs_of_text_never_learned_are_cut_as_jieba_cuts_them(jieba_itself):
    cut = Segmenter(WORDS).cut
    # Runs of the seed's first lines, each with characters the segmenter has not seen.
    runs = _runs(SEED.read_text(encoding="utf-8")[:3000])
    assert len(runs) > 50
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


def test_a_segmenter_holds_only_the_words_its_text_can_hold(jieba_itself, tmp_path):
    """jieba's whole dictionary is 70 MiB of a process's memory: the search
    worker, or a build without workers, holds a few thousand of its words."""
    (tmp_path / "20231112.md").write_bytes(SEED.read_bytes())
    cutter = Segmenter(WORDS)
    cutter.learn_files([tmp_path])
    held = cutter._tokenizer.FREQ
    assert 1000 < len(held) < len(jieba_itself.FREQ) / 50
    assert cutter._tokenizer.total == jieba_itself.total
    # Every word held is jieba's, at jieba's frequency (the glossary's words too).
    assert all(jieba_itself.FREQ[word] == frequency for word, frequency in held.items())


def test_the_index_workers_batches_share_one_segmenter_and_its_cuts(tmp_path):
    """The index worker learns the notes once (prepare), then indexes batch
    after batch, each with an index of its own: each cut is made once."""
    from kb_mkdocs.search_pool import CompactSearchIndex, prepare

    (tmp_path / "20231112.md").write_bytes(SEED.read_bytes())
    words = ("知识冲突的测试词",)
    prepare({}, words, (tmp_path,))
    cutter = segmenter.segmenter(words)
    cutter.cut("知识冲突怎么办")
    for _ in range(3):
        CompactSearchIndex(words)._segment_chinese("知识冲突怎么办")
    assert "知识冲突怎么办" in cutter._cuts
    assert cutter._files_learned  # what prepare learned stays learned


def test_notes_unchanged_are_not_read_again_and_changed_ones_are(tmp_path, monkeypatch):
    note = tmp_path / "20240101.md"
    note.write_text("## 话题\n\n知识冲突\n", encoding="utf-8")
    cutter = Segmenter(WORDS)
    cutter.learn_files([tmp_path])
    learned = []
    monkeypatch.setattr(cutter, "learn", learned.append)
    cutter.learn_files([tmp_path])  # the build's other language
    assert learned == []
    note.write_text("## 话题\n\n复读机的问题\n", encoding="utf-8")
    cutter.learn_files([tmp_path])  # the next build under mkdocs serve
    assert len(learned) == 1 and "复读机的问题" in learned[0]
