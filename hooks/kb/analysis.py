"""What follows from the archive once it is loaded: tags suggested for the
topics that have none, each topic's profile and related topics, and the
graph page's most connected nodes. Loading (:mod:`kb.archive`) reads and
checks; this works out.
"""

from __future__ import annotations

from dataclasses import replace

from . import graph, related
from .archive import Sources
from .glossary import term_matcher
from .model import Archive, Digest, ProblemLog, Topic
from .related import Profile, TopicKey


def analyse(sources: Sources, source_language: str) -> Sources:
    """``sources`` with suggested tags, profiles, relations and the graph page's
    list; each suggestion is a problem of its own (KB601, a note)."""
    problems = ProblemLog()
    archive, profiles = suggest_tags(sources, source_language, problems)
    relations = related.related(profiles)
    drawn = graph.archive_graph(
        {
            TopicKey(digest.id, topic.slug): topic.title
            for digest in archive.digests
            for topic in digest.topics
        },
        profiles,
        relations,
        {term.id: term.names[source_language] for term in sources.glossary},
        {paper.id: paper.title for paper in sources.papers},
    )
    return replace(
        sources,
        archive=archive,
        problems=(*sources.problems, *problems),
        profiles=profiles,
        relations=relations,
        graph_listed=tuple(node.id for node in graph.most_connected(drawn).nodes),
    )


def suggest_tags(
    sources: Sources, language: str, problems: ProblemLog
) -> tuple[Archive, dict[TopicKey, Profile]]:
    """Topics without curated tags get tags suggested by their terms and papers
    (their translations too, which carry their source's tags).

    Also returns every topic's profile, with the tags it ended up with: the
    related-topic ranking reuses them instead of matching every text again.
    """
    archive = sources.archive
    finder = term_matcher(sources.glossary, language, language)
    profiles = related.profiles(archive, finder, sources.citations)
    by_paper = related.tags_of_papers(profiles)
    glossary_by_id = {term.id: term for term in sources.glossary}
    suggested: dict[TopicKey, tuple[str, ...]] = {}
    for digest in archive.digests:
        for topic in digest.topics:
            if topic.tags:
                continue
            key = TopicKey(digest.id, topic.slug)
            suggestion = related.suggested_tags(
                profiles[key], glossary_by_id, by_paper, sources.tags
            )
            if suggestion:
                problems.info(
                    "KB601",
                    digest.path,
                    topic.line,
                    f"topic '{topic.title}' has no tags; suggested: {', '.join(suggestion)}",
                    f"to keep or change them, list them under 'tags' for slug '{topic.slug}' "
                    "in the digest's .yml file",
                )
                suggested[key] = suggestion
                profiles[key] = replace(profiles[key], tags=frozenset(suggestion))
    if not suggested:
        return archive, profiles
    tagged = replace(
        archive,
        digests=tuple(_tagged(digest, suggested, True) for digest in archive.digests),
        translations={
            target: {
                digest_id: _tagged(digest, suggested, False) for digest_id, digest in by_id.items()
            }
            for target, by_id in archive.translations.items()
        },
    )
    return tagged, profiles


def _tagged(digest: Digest, suggested: dict[TopicKey, tuple[str, ...]], source: bool) -> Digest:
    """``digest`` with the suggested tags on its topics; a source's topic is
    marked as suggested, a translation's carries its source's tags."""

    def tag(topic: Topic) -> Topic:
        suggestion = suggested.get(TopicKey(digest.id, topic.slug))
        if suggestion is None:
            return topic
        if source:
            return replace(topic, tags=suggestion, suggested_tags=True)
        return replace(topic, tags=suggestion)

    return replace(digest, topics=tuple(tag(topic) for topic in digest.topics))
