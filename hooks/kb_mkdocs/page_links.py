"""The links the Markdown extensions add to the page being rendered.

Four extensions (``kb.linking``) link glossary terms, decorate arXiv
links, link the names of other topics and caption images. MkDocs gives an
extension no page; all four ask one :class:`PageLinks`, which knows the page from
:class:`~kb_mkdocs.build_state.CurrentPage`.
"""

from __future__ import annotations

from markdown.extensions import Extension
from mkdocs.config.defaults import MkDocsConfig

from kb import papers, paths
from kb.archive import Sources
from kb.glossary import Term, term_matcher
from kb.linking import (
    GlossaryExtension,
    Heading,
    ImageExtension,
    MentionExtension,
    PaperExtension,
)
from kb.related import TopicKey
from kb_mkdocs.build_state import LanguageRun

_OURS = (GlossaryExtension, PaperExtension, MentionExtension, ImageExtension)


class PageLinks:
    def __init__(self, sources: Sources, run: LanguageRun) -> None:
        self._run = run
        self._page = run.page
        self._mentions = run.mentions
        self._paper_titles = {paper.id: paper.title for paper in sources.papers}
        self._index_label = run.context.messages("papers.index_link")
        language = run.languages.current
        # Every language's forms: a page not translated yet shows the source's text.
        self._glossary = GlossaryExtension(
            term_matcher(sources.glossary, language, language),
            self.term_href,
            language,
            self.report_term,
            lambda: self._page.topic is not None,
        )
        self._papers = PaperExtension(
            self.paper_title, self.paper_entry, lambda: self._page.shows_a_note
        )
        self._images = ImageExtension(self.image_caption)
        self._image_titles = {reference.url: reference.titles for reference in sources.references}
        self._messages = run.context.messages
        self._language = language
        self._mentions_of_topics = MentionExtension(
            self.find_topics, self.topic_href, lambda: self._page.topic is not None
        )

    def extensions(self) -> list[Extension]:
        return [self._glossary, self._papers, self._mentions_of_topics, self._images]

    def install(self, config: MkDocsConfig) -> None:
        """This language's extensions, in place of the previous language's (or
        build's): the extension list lives on the config object, which every
        language's build shares."""
        config.markdown_extensions[:] = [
            extension
            for extension in config.markdown_extensions
            if not isinstance(extension, _OURS)
        ]
        config.markdown_extensions += self.extensions()

    def term_href(self, term: Term) -> str | None:
        url = self._page.url_of(paths.glossary_path())
        return None if url is None else f"{url}#{term.id}"

    def report_term(self, term: Term, section: Heading, in_heading: bool = False) -> None:
        if self._page.page is not None:
            self._mentions.report(self._page.page, term, section, in_heading)

    def paper_title(self, paper_id: str) -> str:
        """The paper's title; its arXiv id for a paper the site has no data on."""
        return self._paper_titles.get(paper_id) or f"arXiv:{paper_id}"

    def paper_entry(self, paper_id: str) -> tuple[str, str] | None:
        url = self._page.url_of(paths.papers_path())
        return None if url is None else (f"{url}#{papers.anchor(paper_id)}", self._index_label)

    def image_caption(self, url: str, alt: str) -> str:
        """What a link to an image on another host says: the image's title
        from data/links.yml, else its alt text, else its address."""
        titles = self._image_titles.get(url) or {}
        caption = titles.get(self._language) or alt or papers.short_title(url)
        return self._messages("image.external", caption=caption)

    def find_topics(self, text: str) -> list:
        here = self._page.topic
        return [] if here is None else self._run.links.names.find(text, here)

    def topic_href(self, target: TopicKey) -> str | None:
        if self._page.topic is None:
            return None
        return self._page.url_of(paths.topic_key_path(target.digest, target.slug))
