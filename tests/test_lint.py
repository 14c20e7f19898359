"""The notes linter: every problem located, with a hint, on fixture files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from kb.lint import check_note, main

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "lint"
ROOT = Path(__file__).resolve().parent.parent


def test_bad_fixture_files_give_exactly_the_expected_located_messages(capsys):
    assert main(["--root", str(FIXTURE)]) == 1
    output = capsys.readouterr()
    expected = (FIXTURE / "expected.txt").read_text(encoding="utf-8")
    assert output.out == expected
    assert output.err.strip() == "5 error(s), 6 warning(s)"
    for line in expected.splitlines():
        path, row, col, code = line.split(":", 4)[:4]
        assert path.startswith(("docs/notes/", "data/")) and row.isdigit() and col.isdigit()
        assert code.strip().startswith("KB")


def test_each_check_names_its_line_and_column():
    problems = check_note("## 话题\n\n研究员：无编号\n\n内容 <work> 和 â€™\n", "n.md")
    assert [(p.code, p.line, p.col) for p in problems] == [
        ("KB114", 3, 1),
        ("KB113", 5, 4),
        ("KB115", 5, 13),
    ]


def test_the_real_project_is_clean():
    completed = subprocess.run(
        [sys.executable, "-m", "kb.lint", "--quiet"], cwd=ROOT, capture_output=True, text=True
    )
    assert completed.returncode == 0, completed.stdout
    assert completed.stdout == ""
    assert completed.stderr.strip() == "0 error(s), 0 warning(s)"


def test_paths_narrow_the_report(capsys):
    note = FIXTURE / "docs" / "notes" / "20240109.md"
    assert main(["--root", str(FIXTURE), str(note)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "docs/notes/20240109.md:1:1: KB104: no topic heading ('## ') in this digest "
        "Hint: start every topic with a line '## 话题标题'"
    ]


def test_every_problem_code_is_documented_for_contributors():
    root = Path(__file__).resolve().parent.parent
    emitted = {
        code
        for path in (root / "hooks").rglob("*.py")
        for code in re.findall(r'"(KB\d{3})"', path.read_text(encoding="utf-8"))
    }
    table = (root / "CONTRIBUTING.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"KB\d{3}", table))
    for start, end in re.findall(r"KB(\d{3})–KB(\d{3})", table):
        documented |= {f"KB{n}" for n in range(int(start), int(end) + 1)}
    assert emitted - documented == set()


def test_the_lint_reads_the_sites_languages_from_mkdocs_yml(tmp_path):
    from kb.lint import site_languages

    (tmp_path / "mkdocs.yml").write_text(
        "plugins:\n  - search\n  - i18n:\n      languages:\n"
        "        - locale: en\n        - locale: ja\n          default: true\n",
        encoding="utf-8",
    )
    assert site_languages(tmp_path) == ("ja", "en")
    assert site_languages(Path(__file__).resolve().parent.parent) == ("zh", "en")
