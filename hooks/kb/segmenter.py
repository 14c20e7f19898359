"""Chinese cut into words for the search index, as Material cuts it, a run at a time.

Material's index cuts each run of Han characters with jieba's tokenizer,
which is global to the process: words added for one build stay for the
next, and each run is cut again wherever it recurs (the questions page
repeats every topic's question). A :class:`Segmenter` has a tokenizer of
its own, jieba's dictionary plus the glossary's words, and cuts each run
once.
"""

from __future__ import annotations

import functools
import marshal
import tempfile
from collections.abc import Iterable
from pathlib import Path

import jieba

WORD_BREAK = "\u200b"
"""What Material puts between the words of a run, and around it."""


class Segmenter:
    """jieba's dictionary and ``words``; each run of Han characters cut once."""

    def __init__(self, words: Iterable[str]) -> None:
        self._tokenizer = jieba.Tokenizer()
        # A copy of its own (add_word changes it), read afresh: a second copy,
        # kept to spare the next build the reading, cost 15 MiB to save 0.1 s.
        self._tokenizer.FREQ, self._tokenizer.total = dictionary()
        self._tokenizer.initialized = True
        for word in words:
            self._tokenizer.add_word(word)
        self._cuts: dict[str, str] = {}

    def cut(self, run: str) -> str:
        """``run``'s words, joined by :data:`WORD_BREAK`, as Material joins jieba's."""
        cut = self._cuts.get(run)
        if cut is None:
            cut = self._cuts[run] = WORD_BREAK.join(self._tokenizer.cut(run))
        return cut


@functools.lru_cache(maxsize=1)
def segmenter(words: tuple[str, ...]) -> Segmenter:
    """The process's segmenter for ``words``: every page of a build shares its cuts.

    A cut depends only on the run, jieba's dictionary (a file of the
    installed package) and ``words``, so a later build with the same words
    reuses it, and one with other words gets a new one.
    """
    return Segmenter(words)


def dictionary() -> tuple[dict[str, int], int]:
    """jieba's default dictionary, its word frequencies and their total.

    jieba reads its cache of the dictionary with ``marshal.load(file)``,
    which reads a few bytes at a time: 0.4 s of CPU, against 0.13 s for
    the whole file read and loaded at once. Where there is no cache yet (or
    it does not load), jieba builds the dictionary and writes the cache.
    """
    # Where jieba keeps the cache of its default dictionary (Tokenizer.initialize).
    cache = Path(tempfile.gettempdir(), "jieba.cache")
    try:
        frequencies, total = marshal.loads(cache.read_bytes())
        if isinstance(frequencies, dict) and isinstance(total, int):
            return frequencies, total
    except (OSError, EOFError, ValueError, TypeError):
        pass
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer.FREQ, tokenizer.total
