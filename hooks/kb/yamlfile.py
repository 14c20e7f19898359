"""YAML data files with line numbers, so every problem in them can be located."""

from __future__ import annotations

from typing import Any

import yaml

from .model import ProblemLog

LINE = "__line__"


# libyaml's parser when PyYAML was built with it: ten times faster on the glossary.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LocatingLoader(_SafeLoader):
    """A safe loader that records the source line of every mapping under ``LINE``."""


def _mapping_with_line(loader: _LocatingLoader, node: yaml.MappingNode) -> dict[str, Any]:
    loader.flatten_mapping(node)
    mapping = {
        loader.construct_object(key, deep=True): loader.construct_object(value, deep=True)
        for key, value in node.value
    }
    mapping[LINE] = node.start_mark.line + 1
    return mapping


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_with_line)


class AnyTagLoader(_SafeLoader):
    """Reads YAML with application tags (mkdocs.yml's ``!ENV``) as plain values."""


AnyTagLoader.add_multi_constructor(
    "",
    lambda loader, suffix, node: (
        loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
    ),
)


def load(
    text: str, path: str, loader: type[yaml.SafeLoader] = _LocatingLoader
) -> tuple[Any, ProblemLog]:
    """The parsed document (mappings carry ``LINE``), or ``None`` and the syntax error."""
    problems = ProblemLog()
    try:
        return yaml.load(text, Loader=loader), problems
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problems.error(
            "KB201",
            path,
            line,
            f"invalid YAML: {error.problem or error}",
            "check indentation and quote values containing ':' or '#'",
            col=col,
        )
    except yaml.YAMLError as error:
        problems.error(
            "KB201",
            path,
            1,
            f"invalid YAML: {error}",
            "check the indentation and the quotes near that line",
        )
    return None, problems


def line_of(value: Any, default: int = 1) -> int:
    return value.get(LINE, default) if isinstance(value, dict) else default
