"""List the technical terms that recur in the notes but have no glossary entry.

    python scripts/glossary_gaps.py [NOTES_DIR …] [--min-topics 2] [--top 80]

A candidate is a Chinese noun that is rare in general text (jieba's
part-of-speech tags and word counts) or a Latin word with a capital or a
digit (MoE, Mamba, GPT-4), that appears in at least ``--min-topics`` topics
and that no form of ``data/glossary.yml`` (names, aliases, abbreviations,
both languages) covers. Product names and stray words are among them: the
list is for a person to read, who then writes entries for the terms that
deserve one. Notes folders are
read in place (``../shared/notes`` is another project's data).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from kb import glossary, parse  # noqa: E402
from kb.papers import URL_IN_TEXT, sections  # noqa: E402

# Capitalised English that starts a sentence rather than naming something.
_ENGLISH_PROSE = frozenset(
    {"a", "an", "and", "as", "but", "for", "how", "if", "in", "it", "of", "on", "or"}
    | {"so", "that", "the", "then", "this", "to", "we", "what", "when", "which", "why"}
)
# jieba's dictionary counts: 模型 2890, 问题 55563 are everyday words; 梯度 276,
# 显存 8 are the field's.
_EVERYDAY = 1000
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-.][A-Za-z0-9]+)*")


def topic_texts(notes_dir: Path) -> dict[str, str]:
    """The text of every topic of every source note in ``notes_dir``, by ``id/slug``."""
    texts = {}
    for path in sorted(notes_dir.glob("*.md")):
        name = parse.note_name(path.name)
        if name is None or name.language is not None:
            continue
        text = path.read_text(encoding="utf-8-sig")
        digest, _ = parse.parse_digest(
            text, path=path.name, date=name.date, language="zh", name=name.id
        )
        for topic in digest.topics:
            lines = [topic.title]
            for _, label, found in sections(topic):
                lines += [label, *(line for _, line in found)]
            texts[f"{digest.id}/{topic.slug}"] = URL_IN_TEXT.sub(" ", "\n".join(lines))
    return texts


def candidates(texts: dict[str, str]) -> dict[str, set[str]]:
    """Nouns and Latin words of each text, once per text, in the form first seen.

    Latin words are counted without case (``MoE``, ``moe``) but kept as
    written: abbreviations in the glossary match case-sensitively.
    """
    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    found: dict[str, set[str]] = defaultdict(set)
    spelling: dict[str, str] = {}
    for key, text in texts.items():
        for word in _LATIN.findall(text):
            # In Chinese text a Latin word with a capital or a digit names
            # something (MoE, Mamba, GPT-4); lowercase ones are mostly prose.
            named = word != word.lower() or any(c.isdigit() for c in word)
            if len(word) > 1 and named and word.lower() not in _ENGLISH_PROSE:
                found[spelling.setdefault(word.lower(), word)].add(key)
        for pair in jieba.posseg.cut(re.sub(r"[A-Za-z0-9]+", " ", text)):
            rare = jieba.dt.FREQ.get(pair.word, 0) < _EVERYDAY
            if pair.flag.startswith("n") and len(pair.word) > 1 and rare:
                found[pair.word].add(key)
    return found


def gaps(notes_dirs: list[Path], min_topics: int) -> list[tuple[str, list[str]]]:
    """``(candidate, topics)`` for every recurring candidate without a glossary entry."""
    texts: dict[str, str] = {}
    for folder in notes_dirs:
        texts.update(topic_texts(folder))
    terms, _ = glossary.parse(
        (ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"), "glossary.yml", ("zh", "en")
    )
    matcher = glossary.term_matcher(terms, "zh", "zh")
    found = candidates(texts)
    result = []
    for word, topics in found.items():
        if len(topics) < min_topics:
            continue
        if not any(m.start == 0 and m.end == len(word) for m in matcher.find(word)):
            result.append((word, sorted(topics)))
    return sorted(result, key=lambda item: (-len(item[1]), item[0]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notes", nargs="*", type=Path, default=[ROOT / "docs" / "notes"])
    parser.add_argument("--min-topics", type=int, default=2)
    parser.add_argument("--top", type=int, default=80, help="how many to print")
    arguments = parser.parse_args(argv)
    found = gaps(arguments.notes, arguments.min_topics)
    for word, topics in found[: arguments.top]:
        more = ", …" if len(topics) > 3 else ""
        print(f"{len(topics):3d}  {word}  ({', '.join(topics[:3])}{more})")
    print(f"{len(found)} recurring candidate(s) without a glossary entry", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
