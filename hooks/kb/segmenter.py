"""Chinese cut into words for the search index, as Material cuts it, a run at a time.

Material's index cuts each run of Han characters with jieba's tokenizer,
which is global to the process: words added for one build stay for the
next, and each run is cut again wherever it recurs (the questions page
repeats every topic's question). A :class:`Segmenter` has a tokenizer of
its own, jieba's dictionary plus the glossary's words, and cuts each run
once.

jieba's whole dictionary, 350,000 words and their prefixes, takes 70 MiB
of a process's memory; an archive's text can hold a few thousand of them.
A segmenter holds only the words that can occur in the text it has seen:
those whose characters, and every two of them side by side, occur in it.
A word that does not pass cannot be part of any run of that text, so the
run is cut as with the whole dictionary. A run with a character or a pair
the segmenter has not seen yet first brings the dictionary's words that
have it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import jieba

WORD_BREAK = "\u200b"
"""What Material puts between the words of a run, and around it."""

# The frequency on each line of jieba's dictionary ("word frequency tag").
_FREQUENCY = re.compile(rb" (\d+)")
_BEYOND_ASCII = re.compile(r"[^\x00-\x7f]+")
# The files a build's pages are written from.
_TEXT_FILES = (".md", ".yml", ".yaml")
# The bytes of the dictionary split into lines at a time.
_PART = 1 << 16
# Up to this many new pieces, the dictionary is searched for them, not read whole.
_FEW = 64


class Segmenter:
    """jieba's dictionary and ``words``; each run of Han characters cut once."""

    def __init__(self, words: Iterable[str]) -> None:
        words = tuple(words)
        self._tokenizer = jieba.Tokenizer()
        # A dictionary of its own (add_word changes it), filled by learn().
        self._tokenizer.FREQ, self._tokenizer.total = {}, _dictionary_total()
        self._tokenizer.initialized = True
        # The characters, and the pairs of characters side by side, seen so far.
        self._seen: set[str] = set()
        # Every part of a word is cut (jieba's add_word) before it is added.
        self.learn("\n".join(words))
        for word in words:
            self._tokenizer.add_word(word)
        self._cuts: dict[str, str] = {}
        self._files_learned: tuple[tuple[str, int, int], ...] = ()

    def learn_files(self, folders: Iterable[Path]) -> None:
        """:meth:`learn` the text of every Markdown and YAML file under
        ``folders`` (the notes and data files every page is written from),
        unless they are as when last learned (the build's other language).
        With no such file there is nothing to learn, and nothing changed: the
        index worker's batches, whose notes were learned before them."""
        paths = sorted(
            path
            for folder in folders
            for path in Path(folder).rglob("*")
            if path.suffix in _TEXT_FILES and path.is_file()
        )
        files = tuple((str(path), *_stamp(path)) for path in paths)
        if not files or files == self._files_learned:
            return
        text = (path.read_text(encoding="utf-8", errors="replace") for path in paths)
        self.learn("\n".join(text))
        if self._files_learned:
            # Cuts stay right as the notes change, but the runs of notes
            # edited under mkdocs serve would pile up build after build.
            self._cuts.clear()
        self._files_learned = files

    def learn(self, text: str) -> None:
        """The dictionary's words that can occur in ``text``, from now on: runs
        of ``text`` are then cut without reading the dictionary again."""
        new = _pieces(text) - self._seen
        if not new:
            return
        self._seen |= new
        frequencies = self._tokenizer.FREQ
        for word, frequency in _dictionary_words(new, self._seen):
            # A word added with the glossary's words keeps its frequency.
            if not frequencies.get(word):
                frequencies[word] = frequency
            for end in range(1, len(word)):
                frequencies.setdefault(word[:end], 0)

    def cut(self, run: str) -> str:
        """``run``'s words, joined by :data:`WORD_BREAK`, as Material joins jieba's."""
        cut = self._cuts.get(run)
        if cut is None:
            self.learn(run)
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


def _stamp(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_mtime_ns, status.st_size


def _pieces(text: str) -> set[str]:
    """``text``'s pieces, as a dictionary word is made of them: each character
    (followed by a space, as on the dictionary line of a one-character
    word) and each pair of characters side by side. Only characters beyond
    ASCII count: a run of Han characters holds no other."""
    pieces = set()
    for run in _BEYOND_ASCII.findall(text):
        pieces.update(run[i : i + 2] for i in range(len(run) - 1))
        pieces.update(f"{character} " for character in run)
    return pieces


@functools.lru_cache(maxsize=1)
def _dictionary() -> bytes:
    """jieba's dictionary file, a line per word: "word frequency tag" (3 MB)."""
    with jieba.get_module_res(jieba.DEFAULT_DICT_NAME) as dictionary:
        # A line break first: every line, the first too, starts after one.
        return b"\n" + dictionary.read()


@functools.lru_cache(maxsize=1)
def _dictionary_total() -> int:
    """The sum of the frequencies of jieba's dictionary (its ``Tokenizer.total``)."""
    return sum(map(int, _FREQUENCY.findall(_dictionary())))


def _dictionary_words(new: set[str], seen: set[str]) -> Iterator[tuple[str, int]]:
    """The words of jieba's dictionary, with their frequencies, made of the
    ``seen`` pieces (see :func:`_pieces`), ``new`` ones among them."""
    lines = _lines_with(new) if len(new) <= _FEW else _all_lines()
    for line in lines:
        # A word's first piece is its first two characters, or its one
        # character and the space after it: most lines end here unsplit.
        if line[:2] not in seen:
            continue
        word, frequency = line.split(" ")[:2]
        if all(word[i : i + 2] in seen for i in range(1, len(word) - 1)):
            yield word, int(frequency)


def _all_lines() -> Iterator[str]:
    """The dictionary's lines, a part of the file at a time: all 350,000 at
    once would hold 25 MiB that the process keeps once they are gone."""
    dictionary = _dictionary()
    start = 0
    while start < len(dictionary):
        end = dictionary.find(b"\n", start + _PART)
        end = len(dictionary) if end == -1 else end
        yield from dictionary[start:end].decode("utf-8").splitlines()
        start = end + 1


def _lines_with(pieces: Iterable[str]) -> Iterator[str]:
    """The dictionary's lines that hold any of ``pieces``: a few searches of
    the file, where splitting its 350,000 lines takes a twentieth of a second."""
    dictionary = _dictionary()
    for piece in pieces:
        # A one-character piece ("字 ") is a word only at the start of its line.
        needle = (f"\n{piece}" if piece.endswith(" ") else piece).encode("utf-8")
        found = dictionary.find(needle)
        while found != -1:
            start = dictionary.rfind(b"\n", 0, found + 1) + 1
            end = dictionary.find(b"\n", found + len(needle))
            end = len(dictionary) if end == -1 else end
            yield dictionary[start:end].decode("utf-8")
            found = dictionary.find(needle, end)
