"""Check notes and data files: ``python -m kb.lint [PATH …]``.

Reports every problem as ``path:line:col: code: message Hint: …`` and exits
non-zero when any is an error. Without paths it checks the whole project:
``docs/notes/`` and ``data/``, exactly as the site build reads them, plus
what only a contributor needs to hear about: raw HTML (shown as text on the
site), paragraph labels in forms the site does not recognise, and mojibake.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from . import yamlfile
from .analysis import analyse
from .archive import Sources, load
from .labels import split_label
from .model import Problem, ProblemLog, Severity
from .parse import note_name
from .source import decode

# What a label was probably meant to be: a known word or letter, a short
# tail, and a colon, at the start of a paragraph.
_LABEL_LIKE = re.compile(r"^(?:研究员|研究者|Researcher|[QADF])[^\s：:]{0,6}\s*[：:]")
# Text decoded with the wrong encoding, as it survives copy and paste.
_MOJIBAKE = re.compile(r"锟斤拷|烫烫烫|ï¿½|Ã[\x80-\xbf¡-¿]|â€[\x80-\xbf™œ¦“”˜]")


def check_note(text: str, path: str) -> list[Problem]:
    """What only the linter reports about one note: HTML, unknown labels, mojibake."""
    problems = ProblemLog()
    lines = text.split("\n")
    tokens = MarkdownIt("commonmark", {"html": True}).enable("table").parse(text)
    for token in tokens:
        if token.type == "html_block" and token.map:
            problems.append(_raw_html(path, token.map[0] + 1, 1))
        if token.type == "paragraph_open" and token.map and token.level == 0:
            first = lines[token.map[0]]
            if split_label(first) is None and _LABEL_LIKE.match(first.strip()):
                label = _LABEL_LIKE.match(first.strip()).group(0)
                problems.warning(
                    "KB114",
                    path,
                    token.map[0] + 1,
                    f"'{label}' looks like a label the site does not recognise",
                    "write 研究员1：, Q：/A：, D：/F：, F1： (see CONTRIBUTING.md)",
                )
        if token.type == "inline" and token.map:
            for child in token.children or ():
                if child.type == "html_inline":
                    line, col = _locate(lines, token.map[0], child.content)
                    problems.append(_raw_html(path, line, col))
    for number, line in enumerate(lines, start=1):
        for match in _MOJIBAKE.finditer(line):
            problems.warning(
                "KB115",
                path,
                number,
                f"'{match.group(0)}' is text decoded with the wrong encoding (mojibake)",
                "restore the original characters from the source of the digest",
                col=match.start() + 1,
            )
    return problems


def site_languages(root: Path) -> tuple[str, ...]:
    """The languages mkdocs.yml builds, the default first (mkdocs-static-i18n's list)."""
    config = yaml.load(
        (root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yamlfile.AnyTagLoader
    )
    for plugin in config.get("plugins", []):
        if isinstance(plugin, dict) and "i18n" in plugin:
            languages = plugin["i18n"]["languages"]
            default = [entry["locale"] for entry in languages if entry.get("default")]
            return tuple(dict.fromkeys([*default, *(entry["locale"] for entry in languages)]))
    raise SystemExit(f"{root / 'mkdocs.yml'}: no i18n plugin naming the site's languages")


def project_sources(root: Path, notes_dir: Path | None = None) -> tuple[Sources, tuple[str, ...]]:
    """The project at ``root`` read as the build reads it, and its languages."""
    languages = site_languages(root)
    loaded = load(
        notes_dir or root / "docs" / "notes",
        root / "data",
        source_language=languages[0],
        languages=languages,
        root=root,
    )
    return analyse(loaded, languages[0]), languages


def missing_summaries(digests, languages: tuple[str, ...]) -> list[Problem]:
    """A suggestion for every topic that has no summary of the site's own in some language."""
    return [
        Problem(
            Severity.INFO,
            "KB602",
            digest.path,
            topic.line,
            1,
            f"topic '{topic.title}' has no summary in {', '.join(missing)}; "
            "its first sentence is shown instead",
            f"write one line on what it concluded under 'summary' for slug '{topic.slug}' "
            "in the digest's .yml file",
        )
        for digest in digests
        for topic in digest.topics
        if (missing := [lang for lang in languages if not topic.summary.get(lang)])
    ]


def outdated_translations(archive) -> list[Problem]:
    """A located warning for each translated topic whose original changed since."""
    problems = ProblemLog()
    for language, by_id in archive.outdated.items():
        for digest_id, slugs in by_id.items():
            translation = archive.translations[language][digest_id]
            source = archive.digest(digest_id)
            for topic in translation.topics:
                if topic.slug in slugs:
                    problems.warning(
                        "KB306",
                        translation.path,
                        topic.line,
                        f"topic '{topic.slug}' translates an older text: "
                        f"{source.path} changed after it was translated",
                        "bring the translation up to date, then run: "
                        f"python -m kb.translation mark {source.path}",
                    )
    return problems


def _raw_html(path: str, line: int, col: int) -> Problem:
    return Problem(
        Severity.WARNING,
        "KB113",
        path,
        line,
        col,
        "raw HTML: the site shows it as text, it does not render it",
        "write Markdown instead; put code in `backticks`",
    )


def _locate(lines: list[str], start: int, content: str) -> tuple[int, int]:
    for number in range(start, len(lines)):
        col = lines[number].find(content)
        if col >= 0:
            return number + 1, col + 1
    return start + 1, 1


def check_yaml(text: str, path: str) -> list[Problem]:
    """Whether a YAML file parses; any tag is accepted."""
    return yamlfile.load(text, path, loader=yamlfile.AnyTagLoader)[1]


def lint(root: Path, paths: list[Path]) -> list[Problem]:
    """Every problem in the project (``paths`` empty) or in the given files."""
    sources, languages = project_sources(root)
    problems = [
        *sources.problems,
        *missing_summaries(sources.archive.digests, languages),
        *outdated_translations(sources.archive),
    ]
    notes = sorted((root / "docs" / "notes").glob("*.md"))
    wanted = {path.resolve() for path in paths}
    for note in notes:
        if note.name.startswith("_") or note_name(note.name) is None:
            continue
        name = note.relative_to(root).as_posix()
        text, _ = decode(note.read_bytes(), name)
        if text is not None:
            problems += check_note(text, name)
    for path in paths:
        if path.suffix in (".yml", ".yaml") and path.exists():
            problems += check_yaml(path.read_text(encoding="utf-8"), _shown(path, root))
    if wanted:
        wanted = {_shown(path, root) for path in paths}
        problems = [p for p in problems if p.path in wanted]
    return sorted(problems, key=lambda p: (p.path, p.line, p.col, p.code))


def _shown(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.lint", description=__doc__.split("\n")[0])
    parser.add_argument(
        "paths", nargs="*", type=Path, help="files to report on (default: every note and data file)"
    )
    parser.add_argument("--root", type=Path, default=Path("."), help="the project folder")
    parser.add_argument("--quiet", action="store_true", help="report errors and warnings only")
    arguments = parser.parse_args(argv)
    problems = lint(arguments.root, arguments.paths)
    reported = [p for p in problems if not (arguments.quiet and p.severity is Severity.INFO)]
    for problem in reported:
        print(problem)
    errors = sum(p.severity is Severity.ERROR for p in problems)
    warnings = sum(p.severity is Severity.WARNING for p in problems)
    print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
