"""Finding known names in running text, Chinese and Latin mixed.

A word-boundary regex (``\\bterm\\b``, as Python-Markdown's ``abbr`` uses)
finds nothing inside running Chinese text, where every character is a word
character. Here a Latin boundary is required only at the edges of a form
that are Latin letters or digits (where a ``-``, ``_`` or ``.`` joining it
to more letters is no boundary: a form never splits a name or an
identifier), the longest form wins, and forms are case-sensitive (acronyms)
or not, one by one.

One regex of every form would try each alternative at every character of
the text; forms are grouped by their first character instead, and only the
positions holding one of those characters are tried (a Latin one only where
a word starts).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
_LATIN_EDGE = re.compile(r"[A-Za-z0-9]")
# Where a name may start and end: not inside a longer name or identifier.
# A dot after a number alone is a list's numbering (3.Effective…), not a name.
NAME_START = r"(?<![A-Za-z0-9])(?<![A-Za-z0-9][-_])(?<![A-Za-z]\.)(?<![A-Za-z][0-9]\.)"
NAME_END = r"(?![A-Za-z0-9])(?![-_.][A-Za-z0-9])"


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
        by_initial: dict[str, list[str]] = {}
        # Longest first, so the longest form starting at a position wins.
        for form, sensitive in sorted(values, key=lambda key: len(key[0]), reverse=True):
            by_initial.setdefault(form[0].lower(), []).append(_alternative(form, sensitive))
        self._patterns = {
            initial: re.compile("|".join(alternatives))
            for initial, alternatives in by_initial.items()
        }
        self._initial = _initials_pattern(by_initial)

    def find(self, text: str) -> list[Found[T]]:
        """Every form in ``text``, leftmost first, not overlapping."""
        found: list[Found[T]] = []
        if self._initial is None:
            return found
        position = 0
        while candidate := self._initial.search(text, position):
            start = candidate.start()
            pattern = self._patterns.get(text[start].lower())
            match = pattern.match(text, start) if pattern else None
            if match is None:
                position = start + 1
                continue
            surface = match.group(0)
            value = self._values.get((surface, True))
            if value is None:
                value = self._values.get((surface.lower(), False))
            if value is not None:
                found.append(Found(value, start, match.end()))
            position = match.end()
        return found


def _initials_pattern(initials: Iterable[str]) -> re.Pattern[str] | None:
    """Where a form may start: a Latin initial only where a word starts,
    as every form that begins with one requires (:func:`_alternative`);
    in English text that spares a try at most letters."""
    cased = {c for initial in initials for c in (initial, initial.upper())}
    latin = sorted(c for c in cased if _LATIN_EDGE.match(c))
    other = sorted(c for c in cased if not _LATIN_EDGE.match(c))
    branches = []
    if latin:
        branches.append(r"(?<![A-Za-z0-9])[" + "".join(latin) + "]")
    if other:
        branches.append("[" + "".join(re.escape(c) for c in other) + "]")
    return re.compile("|".join(branches)) if branches else None


def _alternative(form: str, case_sensitive: bool) -> str:
    """A form's pattern: at a Latin edge, it is not part of a longer name or
    identifier, which a letter, a digit, or a ``-``, ``_`` or ``.`` joining
    it to one would make it (Megatron-LLM, S-LoRA, estimate_zero3_model)."""
    body = re.escape(form)
    if not case_sensitive:
        body = f"(?i:{body})"
    if _LATIN_EDGE.match(form[0]):
        body = NAME_START + body
    if _LATIN_EDGE.match(form[-1]):
        body += NAME_END
    return body
