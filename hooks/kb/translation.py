"""Tools for translators: ``python -m kb.translation scaffold|mark NOTE``.

``scaffold`` writes NOTE's translation file with the source's shape
(:mod:`kb.scaffold`), if there is none, and records its fingerprints.

``mark`` records, beside each translation of NOTE (``20231112.en.yml``),
the fingerprint of every source topic the translation has (:mod:`kb.freshness`):
run it once a translation is brought up to date. A topic whose source then
changes is shown as outdated until the translation is brought up to date
and marked again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import freshness, scaffold
from .archive import Sources
from .glossary import term_matcher
from .lint import project_sources, site_languages
from .parse import note_name
from .source import decode


def _sources(note: Path, root: Path) -> tuple[Sources, str]:
    name = note_name(note.name)
    if name is None or name.language is not None:
        raise SystemExit(f"{note}: give a source note (YYYYMMDD.md or words-with-dashes.md)")
    sources, _ = project_sources(root, note.parent)
    return sources, name.id


def write_scaffold(note: Path, root: Path) -> Path:
    """NOTE's translation, scaffolded, beside it; its fingerprints recorded."""
    sources, digest_id = _sources(note, root)
    source = sources.archive.digest(digest_id)
    target = next(lang for lang in site_languages(root) if lang != source.language)
    path = note.with_name(f"{note.stem}.{target}.md")
    if path.exists():
        raise SystemExit(f"{path} exists already: a scaffold never overwrites a translation")
    finder = term_matcher(sources.glossary, source.language, source.language)

    def terms_in(text: str) -> list[tuple[str, str]]:
        found = {text[m.start : m.end]: m.value.names[target] for m in finder.find(text)}
        return [(written, name) for written, name in found.items() if written != name]

    path.write_text(scaffold.scaffold(source, target, terms_in), encoding="utf-8")
    mark(note, root)
    return path


def mark(note: Path, root: Path) -> list[Path]:
    """Record what each translation of ``note`` translates; the records written.

    The archive is read as the build reads it (``root``'s notes and data), so
    slugs are the published ones (a sidecar's, a heading's ``{#slug}``).
    """
    sources, digest_id = _sources(note, root)
    source = sources.archive.digest(digest_id)
    text, _ = decode(note.read_bytes(), str(note))
    prints = freshness.fingerprints(source, (text or "").split("\n"))
    written = []
    for language, by_id in sorted(sources.archive.translations.items()):
        if digest_id not in by_id:
            continue
        translation = note.with_name(f"{note.stem}.{language}.md")
        # Every topic: one a scaffold still holds pending is translated from
        # the text of now, and is outdated if that changes first.
        record = translation.with_suffix(freshness.RECORD_SUFFIX)
        record.write_text(
            freshness.record_text(note.name, translation.name, prints), encoding="utf-8"
        )
        written.append(record)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kb.translation", description=__doc__.split("\n")[0]
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for command, help_text in (
        ("scaffold", "write NOTE's translation file with the source's shape"),
        ("mark", "record what each translation of NOTE translates"),
    ):
        sub = commands.add_parser(command, help=help_text)
        sub.add_argument("note", type=Path, help="the source note, e.g. docs/notes/20231112.md")
    arguments = parser.parse_args(argv)
    if not arguments.note.exists():
        print(f"{arguments.note}: no such note", file=sys.stderr)
        return 2
    if arguments.command == "scaffold":
        print(f"wrote {write_scaffold(arguments.note, Path.cwd())}")
        return 0
    written = mark(arguments.note, Path.cwd())
    if not written:
        print(f"{arguments.note}: no translation beside it", file=sys.stderr)
        return 1
    for record in written:
        print(f"recorded {record}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
