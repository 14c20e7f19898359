"""The layout the README's "How it works" describes: checked, so it stays true."""

from __future__ import annotations

import ast
import re
import subprocess
from collections import Counter
from pathlib import Path

import yaml

from conftest import ROOT

HOOKS = ROOT / "hooks"
CORE = HOOKS / "kb"
MKDOCS_LAYER = [*sorted((HOOKS / "kb_mkdocs").glob("*.py")), HOOKS / "knowledge_base.py"]
# The one object the hook hands events to: the only module-level state there is.
THE_OBJECT = ("knowledge_base.py", "_knowledge_base")


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _mkdocs_config() -> dict:
    class _Loader(yaml.SafeLoader):
        pass

    _Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    _Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
    return yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)


def test_mkdocs_yml_lists_one_hook():
    assert _mkdocs_config()["hooks"] == ["hooks/knowledge_base.py"]


def test_the_core_never_imports_mkdocs():
    for path in CORE.glob("*.py"):
        for node in ast.walk(_tree(path)):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                assert not name.startswith(("mkdocs", "material", "kb_mkdocs")), (path, name)


def test_no_global_statement_anywhere():
    for path in HOOKS.rglob("*.py"):
        found = [node.lineno for node in ast.walk(_tree(path)) if isinstance(node, ast.Global)]
        assert found == [], f"{path.relative_to(ROOT)}: global statement on line(s) {found}"


_MUTABLE_CALLS = {"dict", "list", "set", "defaultdict", "Counter", "OrderedDict", "deque"}
# Classes whose objects cannot change: a read-only view of a dict, a type variable.
_IMMUTABLE_CLASSES = {"MappingProxyType", "TypeVar"}


def _is_mutable(value: ast.expr | None) -> bool:
    if isinstance(value, (ast.Dict, ast.List, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)):
        return True
    if isinstance(value, ast.Call):
        function = value.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", "")
        # A call of a project class makes an object, whose state is mutable.
        return name in _MUTABLE_CALLS or (name[:1].isupper() and name not in _IMMUTABLE_CLASSES)
    return isinstance(value, ast.Constant) and value.value is None


def _module_assignments(tree: ast.Module):
    """Each module-level assignment: its line, its targets and its value."""
    for node in tree.body:
        if isinstance(node, ast.Assign):
            yield node.lineno, node.targets, node.value
        elif isinstance(node, ast.AnnAssign):
            yield node.lineno, [node.target], node.value


def test_the_mkdocs_layer_keeps_no_module_level_state_but_the_one_object():
    found = []
    for path in MKDOCS_LAYER:
        for lineno, targets, value in _module_assignments(_tree(path)):
            for target in targets:
                name = getattr(target, "id", "?")
                if _is_mutable(value) and (path.name, name) != THE_OBJECT:
                    found.append(f"{path.relative_to(ROOT)}:{lineno}: {name}")
    assert found == []


# What the core may keep at module level besides constants: parsers made
# once, whose every parse keeps its state in what it returns.
_PARSERS = {"MarkdownIt"}


def _unbounded_cache(decorator: ast.expr) -> bool:
    """``functools.cache``, or an ``lru_cache`` without a ``maxsize``."""
    name = ast.unparse(decorator)
    if name in ("functools.cache", "cache"):
        return True
    if isinstance(decorator, ast.Call) and ast.unparse(decorator.func).endswith("lru_cache"):
        sizes = [k.value for k in decorator.keywords if k.arg == "maxsize"] + decorator.args[:1]
        return not sizes or (isinstance(sizes[0], ast.Constant) and sizes[0].value is None)
    return name.endswith("lru_cache")


def test_the_core_keeps_nothing_between_builds_but_bounded_caches():
    """``mkdocs serve`` does not reload hooks: module state of the core would
    outlive a build. Constants are immutable; a cache is bounded, keyed by
    the content it was computed from."""
    found = []
    for path in sorted(CORE.glob("*.py")):
        tree = _tree(path)
        for lineno, targets, value in _module_assignments(tree):
            made_by = ast.unparse(value.func) if isinstance(value, ast.Call) else ""
            if _is_mutable(value) and made_by not in _PARSERS:
                names = [getattr(target, "id", "?") for target in targets]
                found.append(f"{path.relative_to(ROOT)}:{lineno}: {names}")
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    if _unbounded_cache(decorator):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno}: unbounded cache")
    assert found == []


def test_the_cache_check_tells_bounded_from_unbounded():
    unbounded = ["functools.cache", "functools.lru_cache", "functools.lru_cache()"]
    unbounded += ["functools.lru_cache(maxsize=None)", "lru_cache(None)"]
    for source in unbounded:
        assert _unbounded_cache(ast.parse(source).body[0].value), source
    for source in ["functools.lru_cache(maxsize=1)", "lru_cache(256)", "staticmethod"]:
        assert not _unbounded_cache(ast.parse(source).body[0].value), source


def test_the_state_check_sees_the_kinds_of_state_it_forbids():
    kinds = ["x = {}", "x: dict = {}", "x = []", "x = defaultdict(list)", "x = None", "x = Thing()"]
    for source in kinds:
        statement = ast.parse(source).body[0]
        assert _is_mutable(statement.value), source
    immutable = ["X = ()", "X = 'a'", "X = re.compile('a')", "X = frozenset()", "X = 40"]
    for source in [*immutable, "X = MappingProxyType({})"]:
        assert not _is_mutable(ast.parse(source).body[0].value), source


def test_no_two_modules_and_no_two_classes_share_a_name():
    modules = Counter(path.stem for path in HOOKS.rglob("*.py") if path.stem != "__init__")
    assert [name for name, count in modules.items() if count > 1] == []
    classes = Counter(
        node.name
        for path in HOOKS.rglob("*.py")
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.ClassDef) and not node.name.startswith("_")
    )
    assert [name for name, count in classes.items() if count > 1] == []


def test_every_event_priority_says_why():
    for path in MKDOCS_LAYER:
        lines = path.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            if line.strip().startswith("@event_priority("):
                assert lines[number - 1].strip().startswith("#"), (
                    f"{path.relative_to(ROOT)}:{number + 1}: a priority with no reason above it"
                )


def test_the_readme_names_every_module_of_the_tree():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tree = readme.split("## How it works", 1)[1].split("```", 2)[1]
    named = set(re.findall(r"([a-z0-9_]+\.py)", tree))
    modules = {path.name for path in HOOKS.rglob("*.py") if path.name != "__init__.py"}
    assert modules - named == set(), "modules missing from README's How it works"
    assert named - modules == set(), "README's How it works names modules that do not exist"


# A path to a module of the project, as comments and docs name them.
_MODULE_PATH = re.compile(r"(?<![\w/])((?:hooks/)?(?:kb|kb_mkdocs)/\w+\.py|hooks/\w+\.py)")


def test_every_module_path_the_repository_names_exists():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    named: dict[str, set[str]] = {}
    for name in tracked:
        path = ROOT / name
        if name.startswith(("tests/fixtures/", "tests/golden/")) or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary
        for found in _MODULE_PATH.findall(text):
            named.setdefault(found.removeprefix("hooks/"), set()).add(name)
    assert {"kb/csp.py", "kb_mkdocs/plugin.py", "knowledge_base.py"} <= set(named)
    missing = {
        module: sorted(where) for module, where in named.items() if not (HOOKS / module).is_file()
    }
    assert missing == {}, "these files name modules that no longer exist"
