"""How often a glossary link is right: precision and recall on a labelled set.

    python scripts/glossary_precision.py [--corpus ../shared/notes]
    python scripts/glossary_precision.py --dump [--corpus DIR] > candidates.tsv

``tests/fixtures/glossary-labels.tsv`` labels places where a glossary form
occurs in the notes (the seed, ``tests/fixtures/senses`` and, with
``--corpus``, the real digests): ``note, line, form, term, label`` (``yes``: the words
mean the term there; ``no``: they do not) and why. It names the place and
the form only, never the note's text, so it can label another project's
digests read in place. Every occurrence of a form is a candidate; the site
links it (or lists it under the term's "discussed in") when the finder
keeps it. Precision is the share of kept candidates labelled ``yes``;
recall, the share of ``yes`` candidates kept. ``--dump`` prints every
candidate with its line, for labelling.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from kb import glossary, parse  # noqa: E402
from kb.papers import sections  # noqa: E402

LABELS = ROOT / "tests" / "fixtures" / "glossary-labels.tsv"
# Our own sentences for senses the real digests hold but no note read here
# does ("transformer trainer", "weight arithmetic", "回放录像"): always read.
SENSES = ROOT / "tests" / "fixtures" / "senses"
LANGUAGES = ("zh", "en")


@dataclass(frozen=True)
class Candidate:
    note: str
    line: int
    form: str
    term: str
    kept: bool
    linkable: bool
    text: str


def _lines(path: Path) -> list[tuple[int, str]]:
    """The discussion lines of a note (topic text, thread and item titles), numbered."""
    name = parse.note_name(path.name)
    digest, _ = parse.parse_digest(
        path.read_text(encoding="utf-8-sig"),
        path=path.name,
        date=name.date,
        language=name.language or "zh",
        name=name.id,
    )
    found = []
    for topic in digest.topics:
        for _, _, lines in sections(topic):
            found += lines
    return sorted(set(found))


def candidates(paths: list[Path]) -> list[Candidate]:
    """Every occurrence of a glossary form in the notes, and whether the finder keeps it."""
    terms, _ = glossary.parse(
        (ROOT / "data" / "glossary.yml").read_text(encoding="utf-8"), "glossary.yml", LANGUAGES
    )
    found = []
    for path in paths:
        language = parse.note_name(path.name).language or "zh"
        finder = glossary.term_matcher(terms, language, "zh")
        for number, text in _lines(path):
            running = glossary.prose(text)
            kept = {(m.start, m.value.id) for m in finder.find(running)}
            linkable = {(m.start, m.value.id) for m in finder.matcher.find(running)}
            for match in finder.matcher.find(text):
                found.append(
                    Candidate(
                        path.name,
                        number,
                        text[match.start : match.end],
                        match.value.id,
                        (match.start, match.value.id) in kept,
                        # In a link, code or a URL the site never links.
                        (match.start, match.value.id) in linkable,
                        text,
                    )
                )
    return found


def notes(corpus: Path | None) -> list[Path]:
    seed = sorted((ROOT / "docs" / "notes").glob("2*.md")) + sorted(SENSES.glob("*.md"))
    extra = sorted(p for p in corpus.glob("*.md") if parse.note_name(p.name)) if corpus else []
    seen = {p.name for p in seed}
    return seed + [p for p in extra if p.name not in seen]


def _numbered(keys, items):
    """``(key + (n,), item)``: the n-th occurrence of the same form on the same line."""
    seen: dict[tuple, int] = {}
    for key, item in zip(keys, items, strict=True):
        seen[key] = seen.get(key, 0) + 1
        yield (*key, seen[key]), item


def score(labels: Path, found: list[Candidate]) -> dict:
    """Precision and recall of the finder on the labelled candidates that were found."""
    places = [(c.note, c.line, c.form.lower(), c.term) for c in found]
    by_place = dict(_numbered(places, found))
    rows = list(csv.DictReader(labels.read_text(encoding="utf-8").splitlines(), delimiter="\t"))
    keys = [(row["note"], int(row["line"]), row["form"].lower(), row["term"]) for row in rows]
    kept_yes = kept_no = dropped_yes = unknown = outside = 0
    wrong: list[str] = []
    for key, row in _numbered(keys, rows):
        candidate = by_place.get(key)
        if candidate is None:
            unknown += 1  # a note not read here (no corpus), or a form no longer matched
            continue
        if not candidate.linkable:
            outside += 1
            continue
        right = row["label"] == "yes"
        if candidate.kept and right:
            kept_yes += 1
        elif candidate.kept:
            kept_no += 1
            wrong.append(
                f"linked, wrongly: {row['note']}:{row['line']} {row['form']} → {row['term']}"
            )
        elif right:
            dropped_yes += 1
            wrong.append(f"missed: {row['note']}:{row['line']} {row['form']} → {row['term']}")
    kept = kept_yes + kept_no
    relevant = kept_yes + dropped_yes
    return {
        "labelled": len(rows) - unknown - outside,
        "outside running text": outside,
        "precision": kept_yes / kept if kept else 1.0,
        "recall": kept_yes / relevant if relevant else 1.0,
        "not read": unknown,
        "errors": wrong,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, help="a folder of real notes, read in place")
    parser.add_argument("--dump", action="store_true", help="print every candidate")
    arguments = parser.parse_args(argv)
    found = candidates(notes(arguments.corpus))
    if arguments.dump:
        print("note\tline\tform\tterm\tkept\ttext")
        for c in found:
            kept = "yes" if c.kept else "no" if c.linkable else "never"
            print(f"{c.note}\t{c.line}\t{c.form}\t{c.term}\t{kept}\t{c.text}")
        return 0
    result = score(LABELS, found)
    print(
        f"labelled candidates in running text: {result['labelled']} "
        f"(in links, code or URLs: {result['outside running text']}; "
        f"not read: {result['not read']})"
    )
    print(f"precision: {result['precision']:.3f}")
    print(f"recall:    {result['recall']:.3f}")
    for line in result["errors"]:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
