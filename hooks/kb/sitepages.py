"""Every page the site makes from the notes and data, as Markdown, for one language.

The MkDocs layer turns each :class:`GeneratedPage` into a generated file;
nothing here knows MkDocs, so the pages can be checked (and snapshotted)
without a build.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from . import indexpages, notepages, paperpage, paths
from .archive import Sources
from .crosslinks import CrossLinks
from .edition import Context, Edition
from .feed import atom
from .papers import bibliography
from .related import TopicKey

NOTES_FOLDER = "notes"  # below docs/: the notes, sources of pages, not pages
DATA_FOLDER = "data"  # beside docs/: the glossary, the papers, the editor's notes


@dataclass(frozen=True)
class GeneratedPage:
    src_uri: str  # as if the page were a file below docs/
    content: str
    # Relative to docs/, as MkDocs' edit_uri is: where a reader edits what
    # the page shows (the note, at the topic's line; a data file). None: nowhere.
    edit_uri: str | None = None
    # Published at this path instead of src_uri's (a file of one language).
    dest_uri: str | None = None


def page_context(
    sources: Sources,
    language: str,
    repository: str,
    updated: Mapping[str, datetime.date],
) -> Context:
    """What the renderers need for pages in ``language``; ``repository`` is the forge's URL."""
    return Context(
        language=language,
        messages=sources.messages[language],
        tags=sources.tags,
        translate_url=f"{repository}/blob/main/CONTRIBUTING.md#translating",
        updated=dict(updated),
        source_url=f"{repository}/blob/main/docs/{NOTES_FOLDER}",
        editor_notes=sources.editor_notes,
    )


def site_pages(
    sources: Sources,
    edition: Edition,
    links: CrossLinks,
    context: Context,
    default_language: str,
    translations: tuple[str, ...],
    site_url: str,
) -> list[GeneratedPage]:
    """The pages and files of ``edition``'s language, in the order the build lists them.

    ``translations`` are the languages built besides ``default_language``.
    """
    archive = sources.archive
    pages = [
        GeneratedPage(paths.home_path(), indexpages.render_home(edition, context)),
        GeneratedPage(paths.tags_path(), indexpages.render_tags(edition, context)),
        *(
            GeneratedPage(paths.tag_path(tag_id), indexpages.render_tag(tag_id, context))
            for tag_id in dict.fromkeys(
                tag for digest in archive.digests for topic in digest.topics for tag in topic.tags
            )
            if tag_id in context.tags
        ),
        GeneratedPage(paths.timeline_path(), indexpages.render_timeline(edition, context)),
        GeneratedPage(paths.questions_path(), indexpages.render_questions(edition, context)),
        *(
            GeneratedPage(path, content)
            for path, content in indexpages.render_question_pages(edition, context)
        ),
        GeneratedPage(
            paths.translations_path(),
            indexpages.render_translations(edition, context, translations),
        ),
    ]
    for digest in archive.digests:
        shown = edition.text(digest)
        edit_uri = f"{NOTES_FOLDER}/{PurePosixPath(shown.path).name}"
        pages.append(
            GeneratedPage(
                paths.digest_path(digest),
                notepages.render_digest(edition, digest, context),
                edit_uri,
            )
        )
        for topic in digest.topics:
            # The line of the topic's heading: the forge's file view jumps to it.
            line = edition.topic_text(digest, topic).line
            pages.append(
                GeneratedPage(
                    paths.topic_path(digest, topic),
                    notepages.render_topic(
                        edition,
                        digest,
                        topic,
                        context,
                        links,
                        sources.relations.get(TopicKey(digest.id, topic.slug), ()),
                    ),
                    f"{edit_uri}#L{line}",
                )
            )
    prefix = "" if edition.language == default_language else f"{edition.language}/"
    pages.append(
        GeneratedPage(
            paths.feed_path(),
            atom(edition, context, site_url, prefix),
            dest_uri=prefix + paths.feed_path(),
        )
    )
    pages.append(
        GeneratedPage(
            paths.glossary_path(),
            indexpages.render_glossary(sources.glossary, context, default_language),
            f"../{DATA_FOLDER}/glossary.yml",
        )
    )
    topics_of = Counter(term for profile in sources.profiles.values() for term in profile.terms)
    for term in indexpages.terms_with_pages(sources.glossary, topics_of):
        pages.append(
            GeneratedPage(
                paths.glossary_term_path(term.id),
                indexpages.render_term_places(term, context),
                f"../{DATA_FOLDER}/glossary.yml",
            )
        )
    cited = [
        paperpage.Cited(citation, shown, topic.title if topic else "")
        for digest in archive.digests
        for shown in [edition.text(digest)]
        for citation in edition.cited[digest.id]
        for topic in [shown.topic(citation.topic)]
    ]
    pages.append(
        GeneratedPage(
            paths.papers_path(),
            paperpage.render_papers(sources.papers, sources.references, cited, context),
            f"../{DATA_FOLDER}/papers.yml",
        )
    )
    pages += [
        GeneratedPage(path, content, f"../{DATA_FOLDER}/papers.yml")
        for path, content in paperpage.places_pages(
            sources.papers, sources.references, cited, context
        )
    ]
    # The same in every language, at the site root: the papers the notes
    # cite, as the index lists them.
    ids = {c.key for found in sources.citations.values() for c in found if c.is_paper}
    pages.append(
        GeneratedPage(
            paths.bibliography_path(),
            bibliography(tuple(p for p in sources.papers if p.id in ids)),
        )
    )
    pages.append(
        GeneratedPage(
            paths.graph_path(),
            indexpages.render_graph(links.listed, len(links.graph.nodes), context),
        )
    )
    return pages
