"""The command contributors run: ``python -m mkdocs build``, in a process of its own.

Every problem a contributor can cause in a note or a data file is built as
the real command, with a timeout: the build must end promptly, exit non-zero
with the located message, and leave no process behind, whichever way its
workers start. An in-process test once passed while this command hung
(a cancelled task left ``ProcessPoolExecutor.shutdown`` waiting forever).
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import ENGINE, ENGINE_COMMAND, ROOT

pytestmark = pytest.mark.build

# A build of the seed takes 2–5 s on two CPUs; far longer means it hangs.
TIMEOUT = 120
# How often a case that once raced with the workers' start is built again.
RACY_RUNS = int(os.environ.get("KB_RACY_RUNS", "20"))

_ZH_TOPIC = "## 话题一\n\n研究员1：内容。\n"


@dataclass(frozen=True)
class Case:
    """A contributor's mistake: files written into a copy of the project, and
    what the build must say (``where`` names the file and line)."""

    name: str
    files: dict[str, str | bytes]
    code: str
    where: str
    strict: bool = False  # a warning, which fails only a strict build


CASES = [
    Case("empty note", {"docs/notes/20240202.md": ""}, "KB104", "docs/notes/20240202.md:1:"),
    Case(
        "no topic heading",
        {"docs/notes/20240202.md": "没有话题标题的笔记。\n"},
        "KB104",
        "docs/notes/20240202.md:1:",
    ),
    Case(
        "invalid UTF-8",
        {"docs/notes/20240202.md": b"## \xe8\xaf\n\xff\xfe\n"},
        "KB102",
        "docs/notes/20240202.md:",
    ),
    Case(
        "NUL byte",
        {"docs/notes/20240202.md": "## 话题\x00\n\n内容\n"},
        "KB110",
        "docs/notes/20240202.md:1:",
    ),
    Case(
        "a name that is not a date", {"docs/notes/My notes.md": _ZH_TOPIC}, "KB101", "My notes.md"
    ),
    Case("a reserved name", {"docs/notes/glossary.md": _ZH_TOPIC}, "KB101", "glossary.md"),
    Case(
        "a duplicate slug",
        {"docs/notes/20240202.md": "## 话题 {#same}\n\n内容\n\n## 另一个 {#same}\n\n内容\n"},
        "KB106",
        "docs/notes/20240202.md:5:",
    ),
    Case(
        "a bad slug",
        {"docs/notes/20240202.md": "## 话题 {#Not_A_Slug}\n\n内容\n"},
        "KB107",
        "docs/notes/20240202.md:1:",
    ),
    Case(
        "a translation without its source",
        {"docs/notes/20240303.en.md": "## Topic {#topic}\n\nText.\n"},
        "KB112",
        "docs/notes/20240303.en.md:1:",
    ),
    Case(
        "a translation of a slug the source lacks",
        {
            "docs/notes/20240202.md": "## 话题 {#topic}\n\n内容\n",
            "docs/notes/20240202.en.md": "## Topic {#elsewhere}\n\nText.\n",
        },
        "KB302",
        "docs/notes/20240202.en.md:1:",
    ),
    Case(
        "an unknown tag in a sidecar",
        {
            "docs/notes/20240202.md": "## 话题\n\n内容\n",
            "docs/notes/20240202.yml": "topics:\n  - title: 话题\n    slug: topic\n"
            "    tags: [no-such-tag]\n",
        },
        "KB205",
        "docs/notes/20240202.yml:2:",
    ),
    Case(
        "a sidecar with a language the site lacks",
        {
            "docs/notes/20240202.md": "## 话题\n\n内容\n",
            "docs/notes/20240202.yml": "language: fr\ntopics: []\n",
        },
        "KB202",
        "docs/notes/20240202.yml:",
    ),
    Case(
        "a sidecar without its note",
        {"docs/notes/20240404.yml": "topics: []\n"},
        "KB206",
        "docs/notes/20240404.yml:1:",
    ),
    Case(
        "a translation into its source's language",
        {"docs/notes/20240202.md": _ZH_TOPIC, "docs/notes/20240202.zh.md": _ZH_TOPIC},
        "KB117",
        "docs/notes/20240202.zh.md:1:",
    ),
    Case(
        "a tag twice",
        {"data/tags.yml": "APPEND_FIRST_ENTRY"},
        "KB203",
        "data/tags.yml:",
    ),
    Case(
        "a message without its English",
        {"data/messages.yml": "APPEND_MESSAGE_WITHOUT_ENGLISH"},
        "KB204",
        "data/messages.yml:",
    ),
    Case(
        "a link without its title",
        {"data/links.yml": "APPEND_LINK_WITHOUT_TITLE"},
        "KB503",
        "data/links.yml:",
    ),
    Case(
        "a broken sidecar",
        {
            "docs/notes/20240202.md": "## 话题\n\n内容\n",
            "docs/notes/20240202.yml": "topics: [\n  - title: 话题\n",
        },
        "KB201",
        "docs/notes/20240202.yml:",
    ),
    Case(
        "a broken glossary",
        {"data/glossary.yml": "- id: [\n"},
        "KB201",
        "data/glossary.yml:",
    ),
    Case(
        "a glossary term twice",
        {"data/glossary.yml": "APPEND_FIRST_ENTRY"},
        "KB401",
        "data/glossary.yml:",
    ),
    Case(
        "a paper twice",
        {"data/papers.yml": "APPEND_FIRST_ENTRY"},
        "KB502",
        "data/papers.yml:",
    ),
    Case(
        "an editor's note without its text",
        {"data/editor-notes.yml": "- digest: 2023-11-12\n  topic: 简短问答\n  quote: CodeLlama\n"},
        "KB701",
        "data/editor-notes.yml:1:",
    ),
    Case(
        "a translation's record that is not one",
        {"docs/notes/20231112.en.yml": "topics: []\n"},
        "KB305",
        "docs/notes/20231112.en.yml:1:",
    ),
    Case(
        "an empty topic",
        {"docs/notes/20240202.md": "## 话题\n\n## 另一个\n\n内容\n"},
        "KB105",
        "docs/notes/20240202.md:1:",
        strict=True,
    ),
    Case(
        "a translation missing a topic",
        {
            "docs/notes/20240202.md": "## 话题 {#one}\n\n内容\n\n## 另一个 {#two}\n\n内容\n",
            "docs/notes/20240202.en.md": "## Topic {#one}\n\nText.\n",
        },
        "KB301",
        "docs/notes/20240202.en.md:",
        strict=True,
    ),
    Case(
        "an editor's note whose words are gone",
        {
            "data/editor-notes.yml": "- digest: 2023-11-12\n  topic: 简短问答\n"
            "  quote: NoSuchName\n  source: test\n  zh: 注。\n  en: Note.\n"
        },
        "KB702",
        "data/editor-notes.yml:1:",
        strict=True,
    ),
]


def _project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    """A copy of the project a contributor would have: the real config, hooks,
    templates and data, the seed notes, and ``files`` written over them."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    for folder in ("hooks", "overrides"):
        (project / folder).symlink_to(ROOT / folder)
    shutil.copytree(ROOT / "data", project / "data")
    shutil.copytree(ROOT / "docs", project / "docs", symlinks=False)
    for name, content in files.items():
        target = project / name
        if isinstance(content, str) and content in _APPENDED:
            content = target.read_text(encoding="utf-8") + _APPENDED[content](target)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return project


def _first_entry(path: Path) -> str:
    """The first list entry of a YAML data file, to add once more."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("- "))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("- "))
    return "\n" + "".join(lines[start:end])


# What some cases add to the end of a data file.
_APPENDED = {
    "APPEND_FIRST_ENTRY": _first_entry,
    "APPEND_MESSAGE_WITHOUT_ENGLISH": lambda path: "\nkb.test.only:\n  zh: 只有中文\n",
    "APPEND_LINK_WITHOUT_TITLE": lambda path: '\n- url: "https://example.com/a"\n  kind: blog\n',
}


@dataclass
class Run:
    returncode: int
    output: str
    seconds: float
    left: list[int]  # processes of the build's session still running after it ended


def run_build(project: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    """``python -m mkdocs build`` in ``project``, in a session of its own: every
    process it starts (fork server, workers) shares that session."""
    started = time.monotonic()
    build = subprocess.Popen(
        [*ENGINE_COMMAND, "build", "--site-dir", "site", *args],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_PARALLEL": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output, _ = build.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGKILL)
        output, _ = build.communicate()
        pytest.fail(f"the build did not end within {TIMEOUT} s:\n{output[-3000:]}")
    seconds = time.monotonic() - started
    return Run(build.returncode, output, seconds, _left_in_session(build.pid))


def _session_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":
        return None  # ended; only its entry is left
    return int(fields[3])


def _left_in_session(session: int, grace: float = 5.0) -> list[int]:
    """Processes of ``session`` still running ``grace`` seconds after its leader ended."""
    deadline = time.monotonic() + grace
    while True:
        left = [
            int(entry.name)
            for entry in Path("/proc").iterdir()
            if entry.name.isdigit() and _session_of(int(entry.name)) == session
        ]
        if not left or time.monotonic() > deadline:
            for pid in left:
                os.kill(pid, signal.SIGKILL)
            return left
        time.sleep(0.1)


needs_proc = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads processes from /proc")


@needs_proc
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_mistake_ends_the_command_with_a_located_message(tmp_path, case):
    project = _project(tmp_path, case.files)
    run = run_build(project, *(["--strict"] if case.strict else []))
    assert run.returncode != 0, run.output
    located = [line for line in run.output.splitlines() if case.where in line]
    assert any(case.code in line for line in located), run.output
    assert any("Hint:" in line for line in located if case.code in line), run.output
    assert run.left == [], f"processes left running: {run.left}"


@needs_proc
@pytest.mark.parametrize("start", ["forkserver", "spawn", "serial"])
def test_a_note_that_stops_the_build_at_once_never_races_its_workers(tmp_path, start):
    """The case that hung most often, built again and again: the error comes
    while the workers are still starting."""
    project = _project(tmp_path, {"docs/notes/20240202.md": ""})
    env = {"KB_PARALLEL": "0"} if start == "serial" else {"KB_WORKER_START": start}
    runs = RACY_RUNS if start == "forkserver" else max(3, RACY_RUNS // 4)
    for _ in range(runs):
        run = run_build(project, env=env)
        assert run.returncode == 1, run.output
        assert "docs/notes/20240202.md:1:1: KB104" in run.output
        assert run.left == [], f"processes left running: {run.left}"


@needs_proc
@pytest.mark.parametrize("start", ["forkserver", "spawn"])
def test_a_good_build_ends_with_exit_zero_and_nothing_left(tmp_path, start):
    project = _project(tmp_path, {})
    run = run_build(project, "--strict", env={"KB_WORKER_START": start})
    assert run.returncode == 0, run.output
    assert (project / "site" / "en" / "index.html").is_file()
    assert run.left == []


# Appended to a copy of the hooks: every page its code builds says so.
_MARKED = """

_unmarked = KnowledgeBase.on_post_page


def _marked(self, output, page, config):
    return _unmarked(self, output, page, config) + "<!-- this project's hooks -->"


KnowledgeBase.on_post_page = _marked
"""


@needs_proc
@pytest.mark.parametrize("start", ["forkserver", "spawn"])
def test_every_language_is_built_by_the_projects_own_hooks_and_engine(tmp_path, start):
    """Not by another copy of them installed in the environment (``pip install .``,
    then the checkout changed), nor by MkDocs where the command was ProperDocs
    (installed beside it for Material): the English pages are built by a worker process."""
    project = _project(tmp_path, {})
    (project / "hooks").unlink()
    shutil.copytree(
        ROOT / "hooks",
        project / "hooks",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"),
    )
    plugin = project / "hooks" / "kb_mkdocs" / "plugin.py"
    plugin.write_text(plugin.read_text(encoding="utf-8") + _MARKED, encoding="utf-8")
    run = run_build(project, env={"KB_WORKER_START": start})
    assert run.returncode == 0, run.output
    generators = set()
    for page in ("index.html", "en/index.html", "en/2023-11-12/index.html"):
        html = (project / "site" / page).read_text()
        assert "<!-- this project's hooks -->" in html, page
        generators.add(re.search(r'<meta name="generator" content="([^"]+)"', html)[1])
    assert len(generators) == 1, generators
    assert (ENGINE == "properdocs") == ("ProperDocs" in generators.pop())
    assert run.left == []


@needs_proc
@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM])
def test_a_build_interrupted_ends_promptly_with_nothing_left(tmp_path, signal_number):
    project = _project(tmp_path, {})
    build = subprocess.Popen(
        [*ENGINE_COMMAND, "build", "--site-dir", "site"],
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_PARALLEL": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    # Once the workers are running: the fork server and at least one worker.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and build.poll() is None:
        if len(_left_in_session(build.pid, grace=0)) >= 3:
            break
        time.sleep(0.05)
    build.send_signal(signal_number)
    try:
        returncode = build.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGKILL)
        pytest.fail("the interrupted build did not end within 30 s")
    assert returncode != 0
    assert _left_in_session(build.pid) == []


def _problem_calls(module: Path):
    """Each place ``module`` makes a problem: ``Problem(Severity.X, "KBnnn", …)``,
    or ``problems.error("KBnnn", …)`` (``kb.model.ProblemLog``); with the
    severity's name, the code (None where it is a variable) and the call."""
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Call):
            continue
        if getattr(node.func, "id", None) == "Problem" and len(node.args) > 1:
            severity, code = getattr(node.args[0], "attr", "").lower(), node.args[1]
        elif getattr(node.func, "attr", None) in ("error", "warning", "info") and node.args:
            severity, code = node.func.attr, node.args[0]
        else:
            continue
        code = code.value if isinstance(code, ast.Constant) else None
        if code is None or re.fullmatch(r"KB\d{3}", str(code)):
            yield severity, code, node


def _codes_raised_as_errors() -> set[str]:
    """Every problem code ``hooks/kb`` raises as an error."""
    return {
        code
        for module in (ROOT / "hooks" / "kb").glob("*.py")
        for severity, code, _ in _problem_calls(module)
        if severity == "error" and code is not None
    }


def test_every_code_that_stops_a_build_has_a_case():
    """A new error code gets a command-line case above. Pairing's error is
    raised through a helper taking the code (KB302), so it is named here."""
    raised = _codes_raised_as_errors() | {"KB302"}
    assert len(raised) > 15, "the scan finds the codes"
    assert raised - {case.code for case in CASES} == set()


def test_every_problem_the_build_reports_carries_a_hint():
    """A contributor reads what to do, not only what is wrong: every problem
    made in ``hooks/kb`` is given a hint."""
    bare = []
    for module in (ROOT / "hooks" / "kb").glob("*.py"):
        for _, _, call in _problem_calls(module):
            given = len(call.args) >= (7 if getattr(call.func, "id", None) == "Problem" else 5)
            if not given and not any(k.arg == "hint" for k in call.keywords):
                bare.append(f"{module.name}:{call.lineno}")
    assert len(bare) == 0, bare
