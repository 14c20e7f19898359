"""Search: pages indexed beside the build (``indexer.py``), and one search index per language."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

import glue
import indexer
from kb import paperpage, render, searchindex

INDEX = Path("search") / "search_index.json"
WORKERS = Path("assets") / "javascripts" / "workers"


def on_startup(command: str, dirty: bool) -> None:
    # jieba announces loading its dictionary on stderr in every build.
    import jieba

    jieba.setLogLevel(logging.WARNING)


# After the search plugin's on_config (0), which makes a new index every build,
# and mkdocs-static-i18n's (-100); before content.py's (-110) reads the notes,
# so that jieba's dictionary loads in the indexing process meanwhile.
@event_priority(-105)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    langs = glue.languages(config)
    if not config.plugins["i18n"].building and glue.parallel_enabled():
        indexer.start(config, langs.built, langs.default)
    config.plugins["material/search"].search_index = indexer.index_for(config, langs.current)
    return config


def on_pre_build(config: MkDocsConfig) -> None:
    """Glossary terms are words: jieba's dictionary splits 外推 into 外 + 推.

    Once, in the default language's build: a later language's is built by
    the same process (or a child of it), or indexed by the same child.
    """
    build = glue.current()
    if not build.languages.is_default:
        return
    source = build.languages.default
    config.plugins["material/search"].search_index.add_words(
        [
            word
            for term in build.sources.glossary
            for word in (term.names[source], *term.aliases.get(source, ()))
        ]
    )


# After glossary.py and papers.py have added their pages (-110).
@event_priority(-120)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """The longest pages first, the glossary and the paper index.

    Pages are indexed in the order they are built; built last, these two
    kept the indexing process busy after the last page was done, and the
    build waiting for it.
    """
    longest = {render.glossary_path(), paperpage.PAGE}
    for file in list(files):
        if file.src_uri not in longest:
            files.remove(file)
            files.append(file)
    return files


def on_build_error(error: Exception) -> None:
    indexer.stop()


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    langs = glue.languages(config)
    if langs.is_default:
        return output
    try:
        return searchindex.rebase_search(output, f"{langs.current}/")
    except searchindex.UpstreamChangedError as error:
        raise PluginError(f"hooks/search.py: {error}") from error


# After mkdocs-static-i18n's on_post_build (-100): in the default language's
# build, every other language has been built (or awaited) by then, and i18n
# has had the search plugin write the index of the pages it knows.
@event_priority(-110)
def on_post_build(config: MkDocsConfig) -> None:
    """Each language's index under its own root; the search worker patched.

    The index is taken from the search plugin, not from the file it wrote:
    a language built in its own process (``parallel.py``) writes that file
    at the same time.
    """
    langs = glue.languages(config)
    site = Path(config.site_dir)
    search = config.plugins["material/search"]
    merged = json.loads(search.search_index.generate_search_index(None))
    others = [f"{language}/" for language in langs.built if language != langs.default]
    if langs.is_default:
        index = searchindex.default_language_index(merged, others)
        target = site / INDEX
    else:
        index = searchindex.prefixed_language_index(merged, f"{langs.current}/", langs.current)
        target = site / langs.current / INDEX
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(searchindex.dumps(index), encoding="utf-8")
    if langs.is_default:
        _patch_worker(site)
        indexer.stop()


def _patch_worker(site: Path) -> None:
    """Once, after every language's build has copied Material's assets."""
    workers = sorted((site / WORKERS).glob("search.*.min.js"))
    if len(workers) != 1:
        raise PluginError(
            f"hooks/search.py: expected one search worker in {WORKERS}, "
            f"found {len(workers)}; Material's layout changed"
        )
    try:
        patched = searchindex.patch_worker(workers[0].read_text(encoding="utf-8"))
    except searchindex.UpstreamChangedError as error:
        raise PluginError(f"hooks/search.py: {error}") from error
    workers[0].write_text(patched, encoding="utf-8")
