"""The paper index, ``papers.bib``, and arXiv links that say which paper they are."""

from __future__ import annotations

from dataclasses import dataclass, field

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

import glue
from kb import paperpage, papers
from kb.linking import PaperExtension


@dataclass
class _Decorations:
    """What the arXiv links of the page being rendered point to."""

    titles: dict[str, str] = field(default_factory=dict)
    topic_pages: frozenset[str] = frozenset()
    label: str = ""
    index_url: str | None = None  # relative to the page; None off topic pages

    def enter(self, page: Page, files: Files) -> None:
        self.index_url = (
            glue.url_from(page, files, paperpage.PAGE)
            if page.file.src_uri in self.topic_pages
            else None
        )

    def active(self) -> bool:
        return self.index_url is not None

    def title(self, paper_id: str) -> str:
        """The paper's title; its arXiv id for a paper the site has no data on."""
        return self.titles.get(paper_id) or f"arXiv:{paper_id}"

    def entry(self, paper_id: str) -> tuple[str, str] | None:
        if self.index_url is None:
            return None
        return f"{self.index_url}#{papers.anchor(paper_id)}", self.label


_decorations = _Decorations()


# After content.py's on_config (same priority, listed before this hook), which
# loads this build's sources.
@event_priority(-110)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _decorations
    build = glue.current()
    messages = build.sources.messages[build.languages.current]
    _decorations = _Decorations(
        titles={paper.id: paper.title for paper in build.sources.papers},
        # A digest's preamble cites papers too (compression.md's reading list).
        topic_pages=build.note_pages,
        label=messages("papers.index_link"),
    )
    glue.install(
        config, PaperExtension(_decorations.title, _decorations.entry, _decorations.active)
    )
    return config


# After mkdocs-static-i18n's on_files (-100), which cannot handle generated files.
@event_priority(-110)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    build = glue.current()
    sources = build.sources
    archive = sources.archive
    matcher = papers.paper_matcher(sources.papers)
    cited = []
    for digest in archive.digests:
        shown = archive.translation(digest, build.languages.current) or digest
        found = (
            sources.citations[digest.id] if shown is digest else papers.citations(shown, matcher)
        )
        for citation in found:
            topic = shown.topic(citation.topic)
            cited.append(paperpage.Cited(citation, shown, topic.title if topic else ""))
    context = glue.render_context(config, build)
    page = File.generated(
        config,
        paperpage.PAGE,
        content=paperpage.render_papers(sources.papers, sources.references, cited, context),
    )
    page.edit_uri = f"../{glue.DATA_FOLDER}/papers.yml"
    files.append(page)
    # Every language's build writes the same file to the site root: the
    # papers the notes cite, as the index lists them.
    ids = {c.key for found in sources.citations.values() for c in found if c.is_paper}
    bibliography = papers.bibliography(tuple(p for p in sources.papers if p.id in ids))
    files.append(File.generated(config, paperpage.BIBLIOGRAPHY, content=bibliography))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    _decorations.enter(page, files)
    return markdown
