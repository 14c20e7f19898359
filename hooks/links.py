"""Connections between topics: related topics, mentions that link, and backlinks."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

import glue
from kb import related, render
from kb.linking import MentionExtension
from kb.model import Archive


@dataclass
class _Connections:
    """This build's relations and mentions, and the page being rendered."""

    names: related.TopicNames | None = None
    term_names: dict[str, str] = field(default_factory=dict)  # glossary names, by term id
    relations: dict = field(default_factory=dict)
    backlinks: dict = field(default_factory=lambda: defaultdict(list))
    pages: dict[str, related.TopicKey] = field(default_factory=dict)
    page: Page | None = None
    files: Files | None = None

    def here(self) -> related.TopicKey | None:
        return self.pages.get(self.page.file.src_uri) if self.page else None

    def active(self) -> bool:
        return self.here() is not None

    def find(self, text: str) -> list:
        here = self.here()
        if here is None or self.names is None:
            return []
        return self.names.find(text, here)

    def href(self, target: related.TopicKey) -> str | None:
        if self.here() is None or self.files is None:
            return None
        return glue.url_from(self.page, self.files, f"{target.digest}/{target.slug}.md")


_connections = _Connections()


# After content.py's on_config (same priority, listed before this hook), which
# loads this build's sources.
@event_priority(-110)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _connections
    build = glue.current()
    sources = build.sources
    language = build.languages.current
    archive = sources.archive
    shown = Archive(tuple(archive.translation(d, language) or d for d in archive.digests))
    names = related.TopicNames(
        {
            related.TopicKey(digest.id, topic.slug): (
                render.plain_text((shown_digest.topic(topic.slug) or topic).title),
                topic.aliases,
            )
            for digest, shown_digest in zip(archive.digests, shown.digests, strict=True)
            for topic in digest.topics
        }
    )
    connections = _Connections(
        names=names,
        term_names={term.id: term.names[language] for term in sources.glossary},
        relations=sources.relations,
        pages={
            render.topic_path(digest, topic): related.TopicKey(digest.id, topic.slug)
            for digest in archive.digests
            for topic in digest.topics
        },
    )
    for mention in related.mentions(shown, names):
        connections.backlinks[mention.target].append(mention)
    _connections = connections
    glue.install(config, MentionExtension(connections.find, connections.href, connections.active))
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Topic pages end with their related topics and the topics that mention them."""
    _connections.page = page
    _connections.files = files
    here = _connections.here()
    if here is None:
        return markdown
    build = glue.current()
    archive = build.sources.archive
    digest = archive.digest(here.digest)
    lines = render.render_connections(
        archive,
        digest,
        digest.topic(here.slug),
        _connections.relations.get(here, ()),
        _connections.backlinks.get(here, []),
        _connections.term_names,
        glue.render_context(config, build),
    )
    return markdown.rstrip("\n") + "\n\n" + "\n".join(lines) if lines else markdown
