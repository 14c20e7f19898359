"""The search index each language's pages read, and Material's worker patched."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

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


# What Material's SearchIndex.generate_search_index puts in the index's config.
_CONFIG_KEYS = ("lang", "separator", "pipeline", "fields")


def write_index(
    site: Path, config: Mapping[str, Any], entries: Iterable[dict[str, Any]], langs: Languages
) -> None:
    """The current language's search index, under its own root, as Material's
    ``generate_search_index`` would make it of ``entries`` and ``config``,
    written an entry at a time: a large index's text, with its copy, was the
    end of the build's peak of memory."""
    written = {key: config[key] for key in _CONFIG_KEYS}
    if langs.is_default:
        others = tuple(f"{language}/" for language in langs.translations)
        docs = searchindex.language_docs(entries, "", others)
        target = site / INDEX
    else:
        written["lang"] = [langs.current]
        docs = searchindex.language_docs(entries, langs.prefix)
        target = site / langs.current / INDEX
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as file:
        searchindex.write(file, written, docs)


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
