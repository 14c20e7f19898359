"""The glossary: terms in both languages, and finding them in running text
(``模型会变成复读机``, ``用memory replay（``; see :mod:`kb.matching`)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt

from . import yamlfile
from .matching import FormMatcher, Found
from .model import Problem
from .slugs import is_slug
from .urls import BARE_URL

CATEGORIES = (
    "architecture",
    "parallelism-systems",
    "training",
    "continual-learning-editing",
    "decoding",
    "long-context",
    "retrieval",
    "evaluation",
    "alignment",
    "multimodal",
    "reasoning",
    "general",
)


@dataclass(frozen=True)
class Term:
    id: str
    category: str
    names: dict[str, str]
    aliases: dict[str, tuple[str, ...]]
    abbreviations: tuple[str, ...]
    short: dict[str, str]
    long: dict[str, str]
    related: tuple[str, ...]
    line: int
    misspellings: tuple[str, ...] = ()
    loose: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    # Phrases holding one of the term's forms in another sense ("weight
    # arithmetic", "in-context pretraining", "回放录像"): no find inside them.
    unlike: tuple[str, ...] = ()
    source: str = ""  # what the definition is checked against

    @property
    def loose_forms(self) -> frozenset[str]:
        return frozenset(form.lower() for form in self.loose)

    def fits(self, context: str) -> bool:
        """Whether ``context`` (the paragraph around a loose form) fixes this term's sense."""
        lowered = context.lower()
        return any(word.lower() in lowered for word in self.context)

    def means_other_at(self, text: str, start: int, end: int) -> bool:
        """Whether ``text[start:end]`` lies in one of the phrases that use it otherwise."""
        lowered = text.lower()
        for phrase in self.unlike:
            phrase = phrase.lower()
            at = lowered.find(phrase, max(0, end - len(phrase)))
            while at != -1 and at <= start:
                if at + len(phrase) >= end:
                    return True
                at = lowered.find(phrase, at + 1)
        return False

    def forms(self, language: str, source_language: str) -> tuple[tuple[str, bool], ...]:
        """``(surface form, case-sensitive)`` pairs to look for in ``language`` text.

        Text in the source language mixes in the English jargon, so it is
        searched for the English names too.
        """
        languages = [language]
        if language == source_language:
            languages += [other for other in self.names if other != language]
        found: list[tuple[str, bool]] = []
        for lang in languages:
            found += [(self.names[lang], False)]
            found += [(alias, False) for alias in self.aliases.get(lang, ())]
        found += [(abbreviation, True) for abbreviation in self.abbreviations]
        # Misspellings are found, never shown; loose words are found, then
        # kept only where their paragraph fixes the sense (TermFinder).
        found += [(form, False) for form in self.misspellings]
        found += [(form, form in self.abbreviations) for form in self.loose]
        return tuple(dict.fromkeys(found))


_SCHEMA_HINT = "see the schema at the top of data/glossary.yml"
_inline = MarkdownIt("commonmark")


# Topic lines are read for every topic's profile and again for the paper
# links; each distinct line is parsed once. Keyed on the text itself.
@functools.lru_cache(maxsize=16384)
def prose(markdown: str) -> str:
    """A line with everything but its running text blanked: links, code, URLs, HTML.

    The site never links a term inside a link, code or an address, so a term
    there is not discussed either (``from transformers import`` in code,
    ``…/fully-sharded-data-parallel…``, a paper title linked as text).
    Offsets are kept: a find in the result is a find in the line.
    """
    if not any(mark in markdown for mark in "[`</&\\"):
        return markdown  # most lines: nothing to blank, and parsing them is the cost
    kept = [" "] * len(markdown)
    cursor = 0
    depth = 0
    for token in _inline.parseInline(markdown):
        for child in token.children or ():
            if child.type == "link_open":
                depth += 1
            elif child.type == "link_close":
                depth -= 1
            elif child.type in ("text", "code_inline") and child.content:
                start = markdown.find(child.content, cursor)
                if start < 0:
                    # An escape or entity (\\*, &amp;) reads otherwise than it is
                    # written: the rest of the line is kept rather than lost.
                    kept[cursor:] = markdown[cursor:]
                    cursor = len(markdown)
                    continue
                cursor = start + len(child.content)
                if depth == 0 and child.type == "text":
                    kept[start:cursor] = markdown[start:cursor]
    return _URL.sub(lambda match: " " * len(match.group(0)), "".join(kept))


_URL = re.compile(
    BARE_URL + r"|(?<![\w./])(?:www\.)?[\w-]+(?:\.[\w-]+)+/[\w./%?=&#-]*", re.IGNORECASE
)


class TermFinder:
    """Finds glossary terms in text: every name, alias, abbreviation and misspelling,
    a loose word (外推, attention) only where its paragraph fixes its sense, and
    none inside a phrase that uses the form in another sense (weight arithmetic)."""

    def __init__(self, matcher: FormMatcher[Term]) -> None:
        self.matcher = matcher

    def find(self, text: str, context: str | None = None) -> list[Found[Term]]:
        """The terms in ``text``; ``context`` is the paragraph it stands in (default: itself)."""
        kept = []
        for found in self.matcher.find(text):
            term = found.value
            form = text[found.start : found.end]
            if form.lower() in term.loose_forms and not term.fits(
                _without(text if context is None else context, form)
            ):
                continue
            if term.unlike and term.means_other_at(text, found.start, found.end):
                continue
            kept.append(found)
        return kept


def _without(context: str, form: str) -> str:
    """The paragraph without the loose form itself (``Tokenizer`` holds ``token``)."""
    return re.sub(re.escape(form), " ", context, flags=re.IGNORECASE)


def term_matcher(terms: tuple[Term, ...], language: str, source_language: str) -> TermFinder:
    """Finds the glossary terms of ``language`` text; ``.value`` of each find is the term."""
    return TermFinder(
        FormMatcher(
            (form, case_sensitive, term)
            for term in terms
            for form, case_sensitive in term.forms(language, source_language)
        )
    )


def parse(
    text: str, path: str, languages: tuple[str, ...]
) -> tuple[tuple[Term, ...], list[Problem]]:
    """The terms of ``data/glossary.yml``, and every located problem in it."""
    data, problems = yamlfile.load(text, path)
    if problems:
        return (), problems
    if not isinstance(data, list):
        problems.error("KB401", path, 1, "expected a list of terms", _SCHEMA_HINT)
        return (), problems

    def error(line: int, message: str, hint: str) -> None:
        problems.error("KB401", path, line, message, hint)

    terms: list[Term] = []
    ids: dict[str, int] = {}
    claimed: dict[str, tuple[str, int]] = {}
    for entry in data:
        line = yamlfile.line_of(entry)
        term = _term(entry, line, languages, error)
        if term is None:
            continue
        if term.id in ids:
            error(
                line,
                f"duplicate term id '{term.id}' (first on line {ids[term.id]})",
                "merge the two entries, or give one of them another id",
            )
            continue
        ids[term.id] = line
        for form in {
            *term.names.values(),
            *(a for lang in term.aliases.values() for a in lang),
            *term.abbreviations,
            *term.misspellings,
            *term.loose,
        }:
            key = form if form in term.abbreviations else form.lower()
            owner = claimed.get(key)
            if owner is not None and owner[0] != term.id:
                error(
                    line,
                    f"'{form}' of '{term.id}' is already claimed by '{owner[0]}' (line {owner[1]})",
                    "a name, alias or abbreviation may belong to one term only",
                )
            claimed.setdefault(key, (term.id, line))
        terms.append(term)
    for term in terms:
        forms = [form.lower() for form, _ in term.forms(languages[0], languages[0])]
        for phrase in term.unlike:
            if not any(form in phrase.lower() for form in forms):
                error(
                    term.line,
                    f"'{term.id}': the unlike phrase '{phrase}' holds none of its forms",
                    "an unlike phrase is one of the term's names, aliases or loose words"
                    " used in another sense, e.g. 'weight arithmetic'",
                )
        for related in term.related:
            if related not in ids:
                error(
                    term.line,
                    f"'{term.id}' relates to unknown term '{related}'",
                    "use the id of another entry of data/glossary.yml, or add that entry",
                )
    return tuple(terms), problems


def _term(entry, line: int, languages: tuple[str, ...], error) -> Term | None:
    if not isinstance(entry, dict):
        error(line, "each term must be a mapping", _SCHEMA_HINT)
        return None
    term_id = entry.get("id")
    if not isinstance(term_id, str) or not is_slug(term_id):
        error(line, f"term id {term_id!r} is not a slug", "use lowercase ASCII words and '-'")
        return None
    if entry.get("category") not in CATEGORIES:
        error(
            line,
            f"'{term_id}' has unknown category {entry.get('category')!r}",
            f"use one of: {', '.join(CATEGORIES)}",
        )
        return None
    for key in ("short", "long"):
        value = entry.get(key)
        missing = [
            lang
            for lang in languages
            if not isinstance(value, dict) or not isinstance(value.get(lang), str)
        ]
        if missing:
            error(
                line,
                f"'{term_id}' has no '{key}' text in {', '.join(missing)}",
                f"write the term's {key} definition in every language of the site",
            )
            return None
    missing = [lang for lang in languages if not isinstance(entry.get(lang), str)]
    if missing:
        error(
            line,
            f"'{term_id}' has no name in {', '.join(missing)}",
            "give the term's name in every language of the site (zh: …, en: …)",
        )
        return None
    aliases = entry.get("aliases") or {}
    abbreviations = entry.get("abbr") or []
    related = entry.get("related") or []
    if not isinstance(aliases, dict) or not all(
        isinstance(aliases.get(lang, []), list) for lang in languages
    ):
        error(line, f"'{term_id}': aliases must map each language to a list", _SCHEMA_HINT)
        return None
    if not isinstance(abbreviations, list) or not isinstance(related, list):
        error(line, f"'{term_id}': 'abbr' and 'related' must be lists", _SCHEMA_HINT)
        return None
    if not isinstance(entry.get("source"), str) or not entry["source"].strip():
        error(
            line,
            f"'{term_id}' has no 'source'",
            "name the paper, documentation or book the definition is checked against",
        )
        return None
    kinds = {key: entry.get(key) or [] for key in ("misspellings", "loose", "context", "unlike")}
    if not all(isinstance(forms, list) for forms in kinds.values()):
        error(
            line,
            f"'{term_id}': 'misspellings', 'loose', 'context' and 'unlike' must be lists",
            _SCHEMA_HINT,
        )
        return None
    return Term(
        id=term_id,
        category=entry["category"],
        names={lang: entry[lang] for lang in languages},
        aliases={lang: tuple(str(a) for a in aliases.get(lang, [])) for lang in languages},
        abbreviations=tuple(str(a) for a in abbreviations),
        short={lang: entry["short"][lang] for lang in languages},
        long={lang: entry["long"][lang] for lang in languages},
        related=tuple(related),
        line=line,
        misspellings=tuple(str(form) for form in kinds["misspellings"]),
        loose=tuple(str(form) for form in kinds["loose"]),
        context=tuple(str(word) for word in kinds["context"]),
        unlike=tuple(str(phrase) for phrase in kinds["unlike"]),
        source=entry["source"].strip(),
    )
