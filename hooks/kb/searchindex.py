"""One search index per language, out of the index mkdocs-static-i18n merges.

Material's search plugin writes ``search/search_index.json`` for the whole
site, and mkdocs-static-i18n merges every language's entries into it (a
Chinese query returns English pages too, often twice). Each language gets
its own index instead: entries under ``<prefix>/`` go to that language's
index, with locations relative to its root; the rest stay at the root.
Sections that mention a glossary term are found by the term's other names
too (:func:`vocabulary`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from .glossary import Term

CONFIG_OPENING = '<script id="__config" type="application/json">'
CONFIG_CLOSING = "</script>"


class UpstreamChangedError(RuntimeError):
    """Material's page markup no longer looks the way this module relies on."""


def language_docs(
    docs: Iterable[dict[str, Any]], prefix: str, other_prefixes: tuple[str, ...] = ()
) -> Iterator[dict[str, Any]]:
    """One language's entries: those under ``prefix`` (``""`` for the default
    language, then none under ``other_prefixes``), located relative to it."""
    for doc in docs:
        location = doc["location"]
        if prefix:
            if location.startswith(prefix):
                yield {**doc, "location": location[len(prefix) :]}
        elif not location.startswith(other_prefixes):
            yield doc


def write(file: TextIO, config: dict[str, Any], docs: Iterable[dict[str, Any]]) -> None:
    """``{"config": …, "docs": […]}`` as :func:`dumps` writes it, a document at a
    time: a large index is never one string in memory."""
    file.write('{"config":')
    file.write(dumps(config))
    file.write(',"docs":[')
    for number, doc in enumerate(docs):
        if number:
            file.write(",")
        file.write(dumps(doc))
    file.write("]}")


# Material segments Chinese with jieba and joins the words with U+200B, three
# bytes in UTF-8: a third of a Chinese index. A space (one byte) breaks words
# as well (it is in the search separator); where something else already
# breaks them (a tag, a space, punctuation in the separator, either end),
# the break goes. docs/assets/kb.js hides the spaces in search results.
BREAKING = frozenset(' \t\n<>-_,:!=[]()"`/，。：；！？、（）《》“”「」『』')
_BREAKING_CLASS = "[" + re.escape("".join(sorted(BREAKING))) + "]"
_RUNS = re.compile("\u200b{2,}")
_NEEDLESS = re.compile(f"^\u200b|\u200b$|(?<={_BREAKING_CLASS})\u200b|\u200b(?={_BREAKING_CLASS})")


def compact_word_breaks(text: str) -> str:
    """``text`` with Material's word breaks as spaces, and only where needed."""
    text = _NEEDLESS.sub("", _RUNS.sub("\u200b", text))
    return text.replace("\u200b", " ")


def compact_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A search index entry with its word breaks compacted."""
    return {
        **entry,
        **{
            field: compact_word_breaks(entry[field])
            for field in ("title", "text", TERMS_FIELD, TITLE_TERMS_FIELD)
            if field in entry
        },
    }


def dumps(index: dict[str, Any]) -> str:
    """Compact UTF-8 JSON: about a third smaller gzipped than ``\\uXXXX`` escapes."""
    # default=str, as Material's generate_search_index: a value JSON has no form for.
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"), default=str)


def rebase_search(html: str, prefix: str) -> str:
    """Point a page's search (Material's ``__config`` ``base``) at ``prefix``'s root.

    Material loads ``search/search_index.json`` and resolves result links
    relative to ``base``, the site root; for pages of a language under a
    prefix, that root is ``<base>/<prefix>``.
    """
    start = html.find(CONFIG_OPENING)
    if start < 0 or html.find(CONFIG_OPENING, start + 1) >= 0:
        raise UpstreamChangedError(
            f"expected exactly one {CONFIG_OPENING} in the page; Material's base.html changed"
        )
    body_start = start + len(CONFIG_OPENING)
    body_end = html.find(CONFIG_CLOSING, body_start)
    config = json.loads(html[body_start:body_end])
    if "base" not in config:
        raise UpstreamChangedError("Material's __config has no 'base' any more")
    config["base"] = config["base"].rstrip("/") + "/" + prefix
    return html[:body_start] + json.dumps(config, ensure_ascii=False) + html[body_end:]


# Material 9.8's search worker splits a Chinese query into the words of the
# index with this loop, whose bound never lets a word end at the end of the
# query: 更新 is searched as 更*, and the wrong page comes first.
WORKER_DEFECT = "for(let o=s+1;o<t.length;o++)"
WORKER_FIX = "for(let o=s+1;o<=t.length;o++)"


def patch_worker(script: str) -> str:
    """Material's search worker with the segmentation loop fixed.

    Fails loudly when the worker no longer contains the loop it fixes, so an
    upgrade of Material that changes it is noticed, not silently unpatched.
    """
    if script.count(WORKER_FIX) == 1 and WORKER_DEFECT not in script:
        return script
    if script.count(WORKER_DEFECT) != 1:
        raise UpstreamChangedError(
            "Material's search worker no longer contains the segmentation loop "
            f"{WORKER_DEFECT!r}; check whether the defect is fixed upstream and "
            "update or remove hooks/kb/searchindex.patch_worker"
        )
    return script.replace(WORKER_DEFECT, WORKER_FIX)


SEARCH_TERMS = "kb_search_terms"
"""The page meta key holding, by section anchor, the words search adds to that section."""


def vocabulary(terms: Iterable[Term], *, names_only: bool = False) -> tuple[str, ...]:
    """The names, first aliases and abbreviations of ``terms``, in both languages, once each.

    A reader types 蒸馏, the page says distill; types "mixture of experts", the
    untranslated page says 混合专家: a section mentioning a term is found by
    all of its names (:func:`missing_words` adds those it lacks).
    """
    words: dict[str, None] = {}
    for term in terms:
        # A term's first aliases are the names readers type (人类反馈强化学习 for
        # RLHF); the rest would make every section's entry longer, for search
        # to cut into words, and rarely be typed.
        aliases = () if names_only else (a for forms in term.aliases.values() for a in forms[:2])
        for form in (*term.names.values(), *aliases, *term.abbreviations):
            words.setdefault(form, None)
    return tuple(words)


def dictionary_words(terms: Iterable[Term], language: str) -> tuple[str, ...]:
    """The words the index's Chinese is cut with, beside jieba's dictionary: each
    term's name, aliases and loose words in ``language`` (jieba splits 外推 into
    外 + 推; :class:`kb.segmenter.Segmenter` keeps those made of words apart)."""
    return tuple(
        word
        for term in terms
        for word in (term.names[language], *term.aliases.get(language, ()), *term.loose)
    )


SEARCH_TITLE_TERMS = "kb_search_title_terms"
"""The page meta key holding, by section anchor, the names of the terms its heading names."""

TERMS_FIELD = "terms"
"""The index field holding the other names of the terms a section mentions.

Search reads it (mkdocs.yml gives it the text's weight); a result never
shows it: Material's results show a section's title, text and tags only.
"""

TITLE_TERMS_FIELD = "title_terms"
"""The index field holding the other names of the terms a section's heading
names (学习率 for "Learning Rate 和 Batch Size 的关系"), weighted as the title:
Material ranks title matches far above text matches, so a topic titled in
English would otherwise never come first for the Chinese name of its subject.
"""


def missing_words(words: Iterable[str], text: str, separator: str = " ") -> str:
    """The ``words`` that ``text`` (a section) does not already hold: the index stays small."""
    lowered = text.lower()
    return separator.join(word for word in words if word.lower() not in lowered)
