"""The dependencies as installed: jieba without pkg_resources, and each range's tested ends."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parent.parent
BOUNDS = ROOT / "scripts" / "dependency_bounds.py"

# The search index's Chinese cut as the build cuts it (kb_mkdocs.search_pool's
# index, Material's with kb.segmenter's tokenizer), where pkg_resources cannot
# be imported (Python 3.12+ venvs have no setuptools; setuptools 81 drops it).
# jieba 0.42.1 imports pkg_resources where it can and otherwise opens its files
# itself. A warning of a deprecation is an error, but for the invalid escapes
# of jieba's own source, reported where no bytecode was compiled yet.
SEGMENT = """
import json, sys, warnings
warnings.filterwarnings("error", category=DeprecationWarning)
warnings.filterwarnings("error", message=".*pkg_resources")
warnings.filterwarnings("default", message="invalid escape sequence")
sys.modules["pkg_resources"] = None

import logging
import jieba
jieba.setLogLevel(logging.WARNING)
from kb_mkdocs.search_pool import CompactSearchIndex

text = sys.argv[1]
print(json.dumps({
    "pkg_resources": hasattr(sys.modules["jieba._compat"], "pkg_resources"),
    "jieba": CompactSearchIndex(())._segment_chinese(text),
    "glossary": CompactSearchIndex(("大语言模型", "上下文学习"))._segment_chinese(text),
}))
"""


def test_chinese_search_is_cut_into_words_without_pkg_resources(tmp_path):
    # jieba's dictionary is read from its package (kb.segmenter), one of the
    # files pkg_resources would have opened.
    result = subprocess.run(
        [sys.executable, "-c", SEGMENT, "大语言模型的上下文学习 (in-context learning)"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT / "hooks"),
            "TMPDIR": str(tmp_path),
            "NO_MKDOCS_2_WARNING": "1",
            "PYTHONIOENCODING": "utf-8",
        },
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr, result.stderr
    cut = json.loads(result.stdout)
    assert cut["pkg_resources"] is False
    assert cut["jieba"].split("\u200b") == [
        "大",
        "语言",
        "模型",
        "的",
        "上下文",
        "学习",
        " (in-context learning)",
    ]
    assert not any(tmp_path.iterdir())  # no cache of jieba's is written
    # The glossary's words stay whole, as the build cuts them.
    assert cut["glossary"].split("\u200b") == [
        "大语言模型",
        "的",
        "上下文学习",
        " (in-context learning)",
    ]


def _bounds(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BOUNDS), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def _declared(extras: tuple[str, ...]) -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    listed = list(project["dependencies"])
    for extra in extras:
        listed += project["optional-dependencies"][extra]
    return [Requirement(line) for line in listed]


@pytest.mark.parametrize("extras", [(), ("test",), ("test", "profile")])
def test_lowest_pins_every_range_to_its_lower_end(extras):
    result = _bounds("--lowest", *(f"--extra={extra}" for extra in extras))
    assert result.returncode == 0, result.stderr
    pinned = {
        requirement.name: requirement
        for requirement in map(Requirement, result.stdout.splitlines())
    }
    declared = _declared(extras)
    assert sorted(pinned) == sorted(requirement.name for requirement in declared)
    for requirement in declared:
        (pin,) = pinned[requirement.name].specifier
        assert pin.operator == "=="
        lower = [s.version for s in requirement.specifier if s.operator in (">=", "==")]
        assert [pin.version] == lower, requirement
        assert requirement.specifier.contains(pin.version, prereleases=True), requirement


def test_newest_leaves_the_ranges_as_they_are():
    result = _bounds("--newest", "--extra", "test")
    assert result.returncode == 0, result.stderr
    assert list(map(str, map(Requirement, result.stdout.splitlines()))) == list(
        map(str, _declared(("test",)))
    )


@pytest.mark.parametrize("mode", ["--lowest", "--newest"])
@pytest.mark.parametrize(
    "unbounded", ["markdown-it-py<5", "markdown-it-py", "markdown-it-py!=3.0.1"]
)
def test_a_range_without_a_lower_end_is_an_error_naming_it(tmp_path, mode, unbounded):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        f'[project]\nname = "x"\ndependencies = ["mkdocs>=1.6.1,<2", "{unbounded}"]\n',
        encoding="utf-8",
    )
    result = _bounds(mode, "--pyproject", str(pyproject))
    assert result.returncode != 0
    assert result.stdout == ""
    assert "markdown-it-py" in result.stderr
    assert "lower bound" in result.stderr
