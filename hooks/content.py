"""Pages made from the notes: one per topic, one per digest, the home and tag pages."""

from __future__ import annotations

import datetime
from pathlib import PurePosixPath

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import glue
from kb import render
from kb.feed import atom

FEED = "feed.xml"
# This build's page dates, set in on_files (every build starts there).
_dates: dict[str, datetime.date] = {}
_newest = datetime.date(1970, 1, 1)


# After mkdocs-static-i18n's on_config (-100), which sets the language being built.
@event_priority(-110)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    build = glue.begin(config)
    language = build.languages.current
    config.nav = render.nav(build.sources.archive, build.sources.messages[language], language)
    return config


# After mkdocs-static-i18n's on_files (-100): it crashes on generated files.
@event_priority(-110)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    build = glue.current()
    language = build.languages.current
    archive = build.sources.archive
    context = glue.render_context(config, build)

    def add(src_uri: str, content: str, edit_uri: str | None = None) -> None:
        file = File.generated(config, src_uri, content=content)
        file.edit_uri = edit_uri
        files.append(file)

    add(render.home_path(), render.render_home(archive, context))
    add(render.tags_path(), render.render_tags(context))
    add(render.timeline_path(), render.render_timeline(archive, context))
    add(render.questions_path(), render.render_questions(archive, context))
    add(
        render.translations_path(),
        render.render_translations(archive, context, build.languages.translations),
    )
    for digest in archive.digests:
        shown = archive.translation(digest, language) or digest
        edit_uri = f"{glue.NOTES_FOLDER}/{PurePosixPath(shown.path).name}"
        add(render.digest_path(digest), render.render_digest(archive, digest, context), edit_uri)
        for topic in digest.topics:
            # The line of the topic's heading: the forge's file view jumps to it.
            line = (shown.topic(topic.slug) or topic).line
            add(
                render.topic_path(digest, topic),
                render.render_topic(archive, digest, topic, context),
                f"{edit_uri}#L{line}",
            )
    global _dates, _newest
    _newest = glue.newest(build)
    _dates = {
        path: build.updated.get(shown.path) or shown.date or _newest
        for digest in archive.digests
        for shown in [archive.translation(digest, language) or digest]
        for path in (
            render.digest_path(digest),
            *(render.topic_path(digest, topic) for topic in digest.topics),
        )
    }
    prefix = "" if build.languages.is_default else f"{language}/"
    feed = File.generated(config, FEED, content=atom(archive, context, config.site_url, prefix))
    feed.dest_uri = prefix + FEED
    files.append(feed)
    return files


def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    """The sitemap's last-modified date: the page's note's, not the build's."""
    page.update_date = _dates.get(page.file.src_uri, _newest).isoformat()
    return page


def on_page_context(context, page, config: MkDocsConfig, nav):
    """The feed of the page's language, for ``overrides/main.html`` to link."""
    build = glue.current()
    prefix = "" if build.languages.is_default else f"{build.languages.current}/"
    messages = build.sources.messages[build.languages.current]
    context["kb_feed"] = {"href": prefix + FEED, "title": messages("feed.title")}
    return context
