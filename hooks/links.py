"""Connections between topics: related topics, mentions that link, and backlinks."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import glue
from kb import graph, related, render
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
    graph: graph.Graph | None = None  # in this build's language

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
    named = {
        related.TopicKey(digest.id, topic.slug): (
            render.plain_text((shown_digest.topic(topic.slug) or topic).title),
            topic.aliases,
        )
        for digest, shown_digest in zip(archive.digests, shown.digests, strict=True)
        for topic in digest.topics
    }
    names = related.TopicNames(named)
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
    found = related.mentions(shown, names)
    for mention in found:
        connections.backlinks[mention.target].append(mention)
    connections.graph = graph.archive_graph(
        {key: title for key, (title, _) in named.items()},
        sources.profiles,
        sources.relations,
        connections.term_names,
        {paper.id: paper.title for paper in sources.papers},
        ((mention.source, mention.target) for mention in found),
    )
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
    context = glue.render_context(config, build)
    lines = render.render_connections(
        archive,
        digest,
        digest.topic(here.slug),
        _connections.relations.get(here, ()),
        _connections.backlinks.get(here, []),
        _connections.term_names,
        context,
    )
    lines += render.render_graph_section(graph.topic_id(here), context)
    return markdown.rstrip("\n") + "\n\n" + "\n".join(lines)


# After mkdocs-static-i18n's on_files (-100), which cannot handle generated files.
@event_priority(-110)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    """The archive's graph page."""
    build = glue.current()
    content = render.render_graph(_connections.graph, glue.render_context(config, build))
    page = File.generated(config, render.graph_path(), content=content)
    page.edit_uri = None
    files.append(page)
    return files


_DRAWING = re.compile(f"<p>{re.escape(render.GRAPH_MARKER)}([^<]*)</p>")


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """The drawings, where render left their markers: the archive's, or a topic's own."""
    if render.GRAPH_MARKER not in html or _connections.graph is None:
        return html
    build = glue.current()
    messages = build.sources.messages[build.languages.current]
    kinds = {
        kind: messages(f"graph.kind.{kind}") for kind in (graph.TOPIC, graph.TERM, graph.PAPER)
    }

    def href(node: graph.Node) -> str | None:
        path, _, fragment = render.node_path(node.id).partition("#")
        url = glue.url_from(page, files, path)
        return None if url is None else url + (f"#{fragment}" if fragment else "")

    def draw(marker: re.Match) -> str:
        centre = marker.group(1) or None
        whole = _connections.graph
        if centre is None:
            size = graph.size_for(whole)
            return graph.svg(
                whole.without_related() if len(whole.nodes) > graph.LARGE else whole,
                build.sources.graph_layout,
                size,
                href,
                kinds,
                messages("graph.label"),
                named=graph.hubs(whole),
            )
        near = whole.neighbourhood(centre)
        size = 360.0
        return graph.svg(
            near,
            graph.radial(near, centre, size),
            size,
            href,
            kinds,
            messages("graph.label"),
            centre,
        )

    return _DRAWING.sub(draw, html)
