"""How one language's topic pages link to each other: names, backlinks, the graph."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .archive import Sources
from .edition import Edition
from .graph import Graph, archive_graph, listing
from .related import Mention, TopicKey, TopicNames, mentions


@dataclass(frozen=True)
class CrossLinks:
    names: TopicNames  # what a topic may be called in another topic's text
    term_names: dict[str, str]  # each glossary term's name in this language, by id
    paper_names: dict[str, str]  # each known paper's short name, by id
    backlinks: dict[TopicKey, tuple[Mention, ...]]  # the topics that name each topic
    graph: Graph
    listed: Graph  # what the graph page lists of it (kb.graph.listing)

    @classmethod
    def of(cls, sources: Sources, edition: Edition) -> CrossLinks:
        titles = edition.topic_titles
        names = TopicNames(
            {
                TopicKey(digest.id, topic.slug): (
                    titles[TopicKey(digest.id, topic.slug)],
                    topic.aliases,
                )
                for digest in edition.archive.digests
                for topic in digest.topics
            }
        )
        found = mentions(edition.shown, names)
        backlinks: dict[TopicKey, list[Mention]] = defaultdict(list)
        for mention in found:
            backlinks[mention.target].append(mention)
        term_names = {term.id: term.names[edition.language] for term in sources.glossary}
        graph = archive_graph(
            titles,
            sources.profiles,
            sources.relations,
            term_names,
            {paper.id: paper.title for paper in sources.papers},
            ((mention.source, mention.target) for mention in found),
        )
        return cls(
            names,
            term_names,
            {paper.id: paper.short_name for paper in sources.papers},
            {key: tuple(found) for key, found in backlinks.items()},
            graph,
            listing(graph, sources.graph_listed),
        )
