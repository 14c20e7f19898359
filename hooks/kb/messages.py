"""Reader-visible words, looked up by key and language from ``data/messages.yml``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import yamlfile
from .model import Problem


@dataclass(frozen=True)
class Messages:
    """The words of one language."""

    language: str
    entries: dict[str, Any]

    def __call__(self, key: str, **values: Any) -> str:
        entry = self.entries[key]
        if isinstance(entry, dict):
            entry = entry["one" if values.get("n") == 1 else "other"]
        return entry.format(**values) if values else entry

    def count(self, key: str, n: int) -> str:
        return self(f"count.{key}", n=n)


def parse(
    text: str, path: str, languages: tuple[str, ...]
) -> tuple[dict[str, Messages], list[Problem]]:
    """Messages per language; a key missing in a language is an error."""
    data, problems = yamlfile.load(text, path)
    if problems:
        return {}, problems
    per_language: dict[str, dict[str, Any]] = {language: {} for language in languages}
    for key, value in (data or {}).items():
        if key == yamlfile.LINE:
            continue
        line = yamlfile.line_of(value)
        for language in languages:
            entry = value.get(language) if isinstance(value, dict) else None
            if isinstance(entry, dict):
                entry = {form: text for form, text in entry.items() if form != yamlfile.LINE}
                valid = set(entry) == {"one", "other"}
            else:
                valid = isinstance(entry, str)
            if not valid:
                problems.error(
                    "KB204",
                    path,
                    line,
                    f"message '{key}' has no '{language}' text",
                    "add the translation under the key",
                )
                continue
            per_language[language][key] = entry
    return {
        language: Messages(language, entries) for language, entries in per_language.items()
    }, problems
