"""Build each note of a corpus folder beside the seed and report what it became.

    python scripts/corpus_report.py ../shared/notes [--json build/corpus.json]

For every note (read in place, copied only into a temporary project), and
then for all of them together: ``mkdocs build --strict`` in a process of its
own, the build's wall time, the pages the note became in each language, the
warnings and the notes (infos) the build logged with their codes. Prints a
Markdown table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "hooks"))

from kb.parse import note_name  # noqa: E402


def build(notes: list[Path]) -> dict:
    """One strict build of the real project with ``notes`` added to docs/notes/."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        shutil.copytree(
            ROOT, project, ignore=shutil.ignore_patterns(".git", "site", "build", "test-artifacts")
        )
        for note in notes:
            shutil.copy(note, project / "docs" / "notes" / note.name)
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict"],
            cwd=project,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        seconds = time.perf_counter() - started
        ids = [note_name(note.name).id for note in notes]
        pages = {
            language: sum(
                len(list((project / "site" / prefix / note_id).rglob("index.html")))
                for note_id in ids
            )
            for language, prefix in (("zh", ""), ("en", "en"))
        }
    log = result.stderr.splitlines()
    return {
        "notes": [note.name for note in notes],
        "passed": result.returncode == 0,
        "seconds": round(seconds, 2),
        "pages": pages,
        "warnings": [line for line in log if line.startswith("WARNING")],
        "infos": dict(Counter(re.findall(r"INFO\s+-\s+kb: .*?: (KB\d{3}):", "\n".join(log)))),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    arguments = parser.parse_args(argv)
    notes = sorted(p for p in arguments.corpus.glob("*.md") if note_name(p.name))
    rows = [build([note]) for note in notes] + [build(notes)]
    print("| note | strict build | pages zh / en | warnings | build log notes | time |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        name = row["notes"][0] if len(row["notes"]) == 1 else f"all {len(row['notes'])}"
        infos = ", ".join(f"{code}×{n}" for code, n in sorted(row["infos"].items())) or "—"
        print(
            f"| {name} | {'passes' if row['passed'] else 'FAILS'} | "
            f"{row['pages']['zh']} / {row['pages']['en']} | {len(row['warnings'])} | "
            f"{infos} | {row['seconds']:.1f} s |"
        )
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(json.dumps(rows, indent=2, ensure_ascii=False), "utf-8")
    return 0 if all(row["passed"] for row in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
