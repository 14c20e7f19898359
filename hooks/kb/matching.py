"""Finding known names in running text, Chinese and Latin mixed.

A word-boundary regex (``\\bterm\\b``, as Python-Markdown's ``abbr`` uses)
finds nothing inside running Chinese text, where every character is a word
character. Here a Latin boundary is required only at the edges of a form
that are Latin letters or digits, the longest form wins, and forms are
case-sensitive (acronyms) or not, one by one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
_LATIN_EDGE = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class Found(Generic[T]):
    value: T
    start: int
    end: int


class FormMatcher(Generic[T]):
    """Finds ``(form, case_sensitive, value)`` forms in text, longest first."""

    def __init__(self, forms: Iterable[tuple[str, bool, T]]) -> None:
        values: dict[tuple[str, bool], T] = {}
        for form, case_sensitive, value in forms:
            if form:
                values.setdefault((form if case_sensitive else form.lower(), case_sensitive), value)
        self._values = values
        alternatives = sorted(values, key=lambda key: len(key[0]), reverse=True)
        pattern = "|".join(_alternative(form, sensitive) for form, sensitive in alternatives)
        self._pattern = re.compile(pattern) if pattern else None

    def find(self, text: str) -> list[Found[T]]:
        if self._pattern is None:
            return []
        found = []
        for match in self._pattern.finditer(text):
            surface = match.group(0)
            value = self._values.get((surface, True))
            if value is None:
                value = self._values.get((surface.lower(), False))
            if value is not None:
                found.append(Found(value, match.start(), match.end()))
        return found


def _alternative(form: str, case_sensitive: bool) -> str:
    body = re.escape(form)
    if not case_sensitive:
        body = f"(?i:{body})"
    if _LATIN_EDGE.match(form[0]):
        body = r"(?<![A-Za-z0-9])" + body
    if _LATIN_EDGE.match(form[-1]):
        body += r"(?![A-Za-z0-9])"
    return body
