"""The project's MkDocs hook as one object: each MkDocs event is a method of it.

Event code only: what the pages say is decided in ``kb`` (which never
imports MkDocs), what i18n is asked and told in :mod:`~kb_mkdocs.i18n_glue`,
what Material's search plugin is in :mod:`~kb_mkdocs.search_pool`.
The priorities place each handler against the plugins' own (i18n's are
-100 for ``on_config``, ``on_files`` and ``on_post_build``, 50 for the
context events); between the project's own handlers, the order is the
order of the code below, since this is the project's one hook.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from kb import csp, graph, indexpages, paths, searchindex, sitepages, writing
from kb_mkdocs import build_state, i18n_glue, language_builds, search_output, search_pool, workers
from kb_mkdocs.build_state import Build, LanguageRun
from kb_mkdocs.i18n_glue import Languages
from kb_mkdocs.language_builds import LanguageBuilds
from kb_mkdocs.page_links import PageLinks
from kb_mkdocs.search_pool import SearchPool

# The paragraphs the renderers leave where a graph is drawn: the archive's, or a topic's own.
_DRAWING = re.compile(f"<p>{re.escape(writing.GRAPH_MARKER)}([^<]*)</p>")


class KnowledgeBase:
    """The state of the build under way, and the events that make its pages."""

    def __init__(self) -> None:
        # Made as MkDocs loads the hook (in every process building a language),
        # before i18n's on_config, which reads Material's version and warns of
        # navigation.instant.
        i18n_glue.recognise_material_fork()
        i18n_glue.allow_instant_navigation()
        self._build: Build | None = None
        self._run: LanguageRun | None = None
        # A SOURCE_DATE_EPOCH given by whoever runs the build wins over the content's.
        self._given_epoch = os.environ.get("SOURCE_DATE_EPOCH")

    # After mkdocs-static-i18n's on_config (-100), which sets the language being
    # built and its configuration, and the search plugin's (0), which makes a
    # new search index every build.
    @event_priority(-110)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        search_pool.refuse_unused_options(config)
        langs = i18n_glue.languages(config)
        if self._build is None or not i18n_glue.building_another_language(config):
            self._close()
            self._build = self._begin(config, langs)
        build = self._build
        run = build_state.run(config, build, langs)
        self._run = run
        config.nav = indexpages.nav(run.edition, run.context.messages)
        PageLinks(build.sources, run).install(config)
        search_pool.index_language(
            config,
            searchindex.dictionary_words(build.sources.glossary, langs.default),
            build_state.text_folders(config),
            build.channel,
            build.search_pool if langs.current == build.first else None,
        )
        return config

    def _begin(self, config: MkDocsConfig, langs: Languages) -> Build:
        """A new build: its workers started first, to work while the notes are read."""
        pool = builds = None
        try:
            if langs.is_default and workers.parallel_enabled():
                pool, builds = _start_workers(config, langs)
            channel = language_builds.channel(config)
            if channel is None:
                build = build_state.read(config, langs)
            else:
                sources, updated = language_builds.receive(channel)
                root = build_state.project_root(config)
                build = build_state.Build(sources, updated, root, langs.current, channel)
            if builds is not None:
                words = searchindex.dictionary_words(build.sources.glossary, langs.default)
                folders = build_state.text_folders(config)
                index = search_pool.pooled_index(config, pool, words, folders)
                builds.hand_over(build.sources, build.updated, index)
        except BaseException:
            for started in (builds, pool):
                if started is not None:
                    started.close()
            raise
        build.search_pool, build.language_builds = pool, builds
        return build

    # Before mkdocs-static-i18n's on_files (-100), which would read the notes
    # as localized pages.
    @event_priority(-90)
    def _drop_notes(self, files: Files, config: MkDocsConfig) -> Files:
        i18n_glue.drop_notes(files)
        return files

    # After mkdocs-static-i18n's on_files (-100), which cannot handle generated files.
    @event_priority(-110)
    def _add_pages(self, files: Files, config: MkDocsConfig) -> Files:
        build, run = self._current()
        langs = run.languages
        for page in sitepages.site_pages(
            build.sources,
            run.edition,
            run.links,
            run.context,
            langs.default,
            langs.translations,
            config.site_url,
        ):
            file = File.generated(config, page.src_uri, content=page.content)
            if file.is_documentation_page():
                file.edit_uri = page.edit_uri
            if page.dest_uri is not None:
                file.dest_uri = page.dest_uri
            files.append(file)
        i18n_glue.localize(files, config, langs)
        # Pages are indexed in the order they are built: the longest two first,
        # or the search index worker is still busy with them after the last page.
        longest = {paths.glossary_path(), paths.papers_path()}
        for file in [file for file in files if file.src_uri not in longest]:
            files.remove(file)
            files.append(file)
        return files

    on_files = CombinedEvent(_drop_notes, _add_pages)

    def on_pre_page(self, page: Page, config: MkDocsConfig, files: Files) -> Page:
        """The sitemap's last-modified date: the page's note's, not the build's."""
        build, run = self._current()
        run.held.hold_last()
        page.update_date = run.dates.get(page.file.src_uri, build.newest.isoformat())
        return page

    def on_page_markdown(
        self, markdown: str, page: Page, config: MkDocsConfig, files: Files
    ) -> str:
        """The page the Markdown extensions link on (``build_state.CurrentPage``)."""
        _, run = self._current()
        run.page.enter(page, files)
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        _, run = self._current()
        run.page.leave()
        run.mentions.add_search_words(page)
        # The page's Markdown is not read again once it is HTML, yet MkDocs
        # keeps it (twice, for a generated page: the file's and the page's)
        # until the build ends: a sixth of a large build's memory. Empty, not
        # None: Page.title is None while its markdown is.
        page.markdown = ""
        if page.file.generated_by is not None:
            page.file.content_string = ""
        if page.file.src_uri in run.edition.note_pages:
            run.held.rendered(page)
        if writing.GRAPH_MARKER not in html:
            return html
        return _DRAWING.sub(lambda marker: self._draw(marker.group(1) or None, page, files), html)

    def _draw(self, centre: str | None, page: Page, files: Files) -> str:
        """The archive's graph (``centre`` None), or a topic's neighbourhood in it."""
        build, run = self._current()
        messages = run.context.messages
        if centre is None:
            return graph.archive_drawing(
                (topic.tags for digest in build.sources.archive.digests for topic in digest.topics),
                run.context.tags,
                run.languages.current,
                lambda tag: _url(paths.tag_path(tag), page, files),
                messages,
            )

        def href(node: graph.Node) -> str | None:
            if node.id not in run.node_urls:  # once a build: every topic page draws its nodes
                path, _, fragment = paths.node_path(node.id).partition("#")
                target = files.get_file_from_path(path)
                run.node_urls[node.id] = (
                    None if target is None else (target.url, f"#{fragment}" if fragment else "")
                )
            found = run.node_urls[node.id]
            return None if found is None else get_relative_url(found[0], page.url) + found[1]

        return graph.topic_drawing(run.links.graph, centre, href, messages)

    # Before every other on_page_context: the search plugin's (0) indexes the page's HTML.
    @event_priority(100)
    def _give_back_content(
        self, context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict[str, Any]:
        _, run = self._current()
        run.held.give_back(page)
        return context

    # After mkdocs-static-i18n's on_page_context (50), which points the
    # language links at this page's counterparts.
    @event_priority(0)
    def _link_feed_and_languages(
        self, context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation
    ) -> dict[str, Any]:
        """The feed of the page's language (``overrides/main.html`` links it); language links."""
        _, run = self._current()
        context["kb_feed"] = {
            "href": run.languages.prefix + paths.feed_path(),
            "title": run.context.messages("feed.title"),
        }
        i18n_glue.page_alternates(context, config)
        return context

    on_page_context = CombinedEvent(_give_back_content, _link_feed_and_languages)

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """Every page is rendered: the glossary says where each term is discussed."""
        build, run = self._current()
        run.held.hold_last()
        glossary = files.get_file_from_path(paths.glossary_path())
        if glossary is not None and glossary.page is not None:
            # The terms with a page of every place they are discussed.
            places = {
                term.id: file.page
                for term in build.sources.glossary
                for file in [files.get_file_from_path(paths.glossary_term_path(term.id))]
                if file is not None and file.page is not None
            }
            run.mentions.fill_glossary(glossary.page, places, run.context.messages)
        return env

    # After mkdocs-static-i18n's on_template_context (50), which hands the
    # sitemap every language's pages.
    @event_priority(0)
    def on_template_context(
        self, context: dict[str, Any], template_name: str, config: MkDocsConfig
    ) -> dict[str, Any]:
        i18n_glue.template_alternates(context, template_name, config)
        return context

    def on_post_template(self, output: str, template_name: str, config: MkDocsConfig) -> str:
        build, _ = self._current()
        if template_name.endswith(".html"):
            output = _secured(output, template_name)
        build.root_pages.rendered(output, template_name, config)
        return output

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        _, run = self._current()
        # The page is written and indexed: its HTML is not read again, yet
        # the page (kept by mkdocs-static-i18n for its sitemap while the next
        # language builds) would hold it to the end.
        page.content = None
        for words in (searchindex.SEARCH_TERMS, searchindex.SEARCH_TITLE_TERMS):
            page.meta.pop(words, None)
        return search_output.rebase(_secured(output, page.file.src_uri), run.languages)

    # Before mkdocs-static-i18n's on_post_build (-100), which builds the other
    # languages unless the workers have.
    @event_priority(-90)
    def _await_languages(self, config: MkDocsConfig) -> None:
        build, run = self._current()
        if run.languages.is_default and build.language_builds is not None:
            builds, build.language_builds = build.language_builds, None
            builds.finish()
            site = Path(config.site_dir)
            for language, index in builds.indexes.items():
                index.write_to(site, replace(run.languages, current=language))
            i18n_glue.skip_other_languages(config, True)

    # After mkdocs-static-i18n's on_post_build (-100): in the default language's
    # build, every other language has been built (or awaited) by then, and
    # the search plugin has written the index of the pages it knows.
    @event_priority(-110)
    def _finish(self, config: MkDocsConfig) -> None:
        build, _ = self._current()
        # Not the run's: a later language built in this process has had its own since.
        langs = i18n_glue.languages(config)
        if langs.is_default:
            i18n_glue.skip_other_languages(config, False)
            build.root_pages.merge(config, build_state.build_timestamp(build, self._given_epoch))
        if build.channel is None:  # a worker's pages are indexed by the default build
            search_pool.write_language_index(config, langs)
        if langs.is_default:
            search_output.patch_worker(Path(config.site_dir))
        if langs.current == build.first:
            self._close()

    on_post_build = CombinedEvent(_await_languages, _finish)

    def on_build_error(self, error: Exception) -> None:
        self._close()

    def on_shutdown(self) -> None:
        self._close()

    def _current(self) -> tuple[Build, LanguageRun]:
        if self._build is None or self._run is None:
            raise PluginError("kb: an event came before the build's on_config")
        return self._build, self._run

    def _close(self) -> None:
        """The build is over (or failed): what it started ends, its state goes."""
        if self._build is not None:
            self._build.close()
        self._build, self._run = None, None


def _start_workers(
    config: MkDocsConfig, langs: Languages
) -> tuple[SearchPool | None, LanguageBuilds | None]:
    """The search index worker, and a worker per other language; none where the
    platform cannot run worker processes (the build then runs in this one)."""
    pool = None
    try:
        pool = SearchPool()
        if not langs.translations:
            return pool, None
        return pool, LanguageBuilds(config, langs.translations)
    except (NotImplementedError, OSError) as error:
        if pool is not None:
            pool.close()
        build_state.log.info(f"no worker processes here ({error}): building in this process")
        return None, None


def _url(src_uri: str, page: Page, files: Files) -> str | None:
    """The URL of the page made from ``src_uri``, relative to ``page``; None: no such page."""
    target = files.get_file_from_path(src_uri)
    return None if target is None else get_relative_url(target.url, page.url)


def _secured(output: str, name: str) -> str:
    """Every page carries its Content Security Policy (``kb.csp``)."""
    try:
        return csp.apply(output)
    except csp.MissingMarkerError as error:
        raise PluginError(f"kb: {name}: {error}; is overrides/main.html used?") from error
