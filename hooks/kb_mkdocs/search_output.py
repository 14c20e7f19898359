"""The search index each language's pages read, and Material's worker patched."""

from __future__ import annotations

import json
from pathlib import Path

from material.plugins.search.plugin import SearchIndex
from mkdocs.exceptions import PluginError

from kb import searchindex
from kb_mkdocs.i18n_glue import Languages

INDEX = Path("search") / "search_index.json"
WORKERS = Path("assets") / "javascripts" / "workers"


def rebase(output: str, langs: Languages) -> str:
    """A later language's page searches its own language's index."""
    if langs.is_default:
        return output
    try:
        return searchindex.rebase_search(output, langs.prefix)
    except searchindex.UpstreamChangedError as error:
        raise PluginError(f"kb_mkdocs/search_output.py: {error}") from error


def write_index(site: Path, index: SearchIndex, langs: Languages) -> None:
    """The current language's search index, under its own root."""
    merged = json.loads(index.generate_search_index(None))
    if langs.is_default:
        shown = searchindex.default_language_index(
            merged, [f"{language}/" for language in langs.translations]
        )
        target = site / INDEX
    else:
        shown = searchindex.prefixed_language_index(merged, langs.prefix, langs.current)
        target = site / langs.current / INDEX
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(searchindex.dumps(shown), encoding="utf-8")


def patch_worker(site: Path) -> None:
    """Once, after every language's build has copied Material's assets."""
    workers = sorted((site / WORKERS).glob("search.*.min.js"))
    if len(workers) != 1:
        raise PluginError(
            f"kb_mkdocs/search_output.py: expected one search worker in {WORKERS}, "
            f"found {len(workers)}; Material's layout changed"
        )
    try:
        patched = searchindex.patch_worker(workers[0].read_text(encoding="utf-8"))
    except searchindex.UpstreamChangedError as error:
        raise PluginError(f"kb_mkdocs/search_output.py: {error}") from error
    workers[0].write_text(patched, encoding="utf-8")
