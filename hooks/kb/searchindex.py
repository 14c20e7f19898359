"""One search index per language, out of the index mkdocs-static-i18n merges.

Material's search plugin writes ``search/search_index.json`` for the whole
site, and mkdocs-static-i18n merges every language's entries into it (a
Chinese query returns English pages too, often twice). Each language gets
its own index instead: entries under ``<prefix>/`` go to that language's
index, with locations relative to its root; the rest stay at the root.
"""

from __future__ import annotations

import json
from typing import Any

CONFIG_OPENING = '<script id="__config" type="application/json">'
CONFIG_CLOSING = "</script>"


class UpstreamChangedError(RuntimeError):
    """Material's page markup no longer looks the way this module relies on."""


def default_language_index(index: dict[str, Any], other_prefixes: list[str]) -> dict[str, Any]:
    """The entries under none of the other languages' prefixes."""
    docs = [doc for doc in index["docs"] if not doc["location"].startswith(tuple(other_prefixes))]
    return {**index, "docs": docs}


def prefixed_language_index(index: dict[str, Any], prefix: str, language: str) -> dict[str, Any]:
    """The entries under ``prefix``, located relative to it, for ``language`` alone."""
    docs = [
        {**doc, "location": doc["location"][len(prefix) :]}
        for doc in index["docs"]
        if doc["location"].startswith(prefix)
    ]
    return {**index, "config": {**index["config"], "lang": [language]}, "docs": docs}


def dumps(index: dict[str, Any]) -> str:
    """Compact UTF-8 JSON: about a third smaller gzipped than ``\\uXXXX`` escapes."""
    return json.dumps(index, ensure_ascii=False, separators=(",", ":"))


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
