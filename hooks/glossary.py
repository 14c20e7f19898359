"""The glossary page, and glossary links with tooltips in topic pages."""

from __future__ import annotations

import html
import re
from collections import defaultdict
from dataclasses import dataclass, field

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

import glue
from kb import render, searchindex
from kb.glossary import Term, term_matcher
from kb.linking import GlossaryExtension, Section


@dataclass
class _Mentions:
    """Where each term is mentioned in this build's topic pages, in order."""

    page: Page | None = None
    topic_pages: frozenset[str] = frozenset()
    found: dict[str, dict[tuple[str, str], tuple[Page, Section]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    glossary_url: str | None = None  # relative to the page; None off topic pages
    # The terms of the page being rendered, by section anchor, for search.
    in_page: dict[str, dict[str, Term]] = field(default_factory=lambda: defaultdict(dict))
    in_headings: dict[str, dict[str, Term]] = field(default_factory=lambda: defaultdict(dict))

    def enter(self, page: Page, files: Files) -> None:
        self.page = page
        self.in_page = defaultdict(dict)
        self.in_headings = defaultdict(dict)
        self.glossary_url = (
            glue.url_from(page, files, render.glossary_path())
            if page.file.src_uri in self.topic_pages
            else None
        )

    def active(self) -> bool:
        return self.glossary_url is not None

    def href(self, term: Term) -> str | None:
        return None if self.glossary_url is None else f"{self.glossary_url}#{term.id}"

    def report(self, term: Term, section: Section, in_heading: bool = False) -> None:
        if self.page is not None:
            self.found[term.id].setdefault((self.page.url, section.anchor), (self.page, section))
            self.in_page[section.anchor].setdefault(term.id, term)
            if in_heading:
                self.in_headings[section.anchor].setdefault(term.id, term)


_mentions = _Mentions()
SECTION_LABEL_LENGTH = 40


# After content.py's on_config (same priority, listed before this hook), which
# loads this build's sources.
@event_priority(-110)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    global _mentions
    build = glue.current()
    _mentions = _Mentions(topic_pages=build.topic_pages)
    language = build.languages.current
    # Every language's forms: a page not translated yet shows the source's text.
    matcher = term_matcher(build.sources.glossary, language, language)
    glue.install(
        config,
        GlossaryExtension(matcher, _mentions.href, language, _mentions.report, _mentions.active),
    )
    return config


# After mkdocs-static-i18n's on_files (-100), which cannot handle generated files.
@event_priority(-110)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    build = glue.current()
    context = glue.render_context(config, build)
    content = render.render_glossary(build.sources.glossary, context, build.languages.default)
    file = File.generated(config, render.glossary_path(), content=content)
    # edit_uri is relative to docs/; the glossary's source is data/glossary.yml.
    file.edit_uri = f"../{glue.DATA_FOLDER}/glossary.yml"
    files.append(file)
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    _mentions.enter(page, files)
    return markdown


def on_page_content(html_text: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """The words search adds to each section: the other names of its terms."""
    if _mentions.in_page:
        # Each term's words once per page, in the first section naming it:
        # a search lands on the page either way, and the index stays small.
        seen: set[str] = set()
        by_anchor = {}
        for anchor, terms in _mentions.in_page.items():
            new = [term for term_id, term in terms.items() if term_id not in seen]
            seen.update(terms)
            if new:
                by_anchor[anchor] = searchindex.vocabulary(new)
        page.meta[searchindex.SEARCH_TERMS] = by_anchor
    if _mentions.in_headings:
        page.meta[searchindex.SEARCH_TITLE_TERMS] = {
            anchor: searchindex.vocabulary(terms.values(), names_only=True)
            for anchor, terms in _mentions.in_headings.items()
        }
    return html_text


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    """Every page is rendered: fill in where each term is discussed."""
    glossary = files.get_file_from_path(render.glossary_path())
    if glossary is None or glossary.page is None or glossary.page.content is None:
        return env
    messages = glue.current().sources.messages[glue.languages(config).current]
    page = glossary.page
    page.content = _PLACEHOLDER.sub(
        lambda placeholder: _discussed_in(
            list(_mentions.found.get(placeholder.group(1), {}).values()), page, messages
        ),
        page.content,
    )
    return env


# The paragraph render.render_glossary leaves for each term: one pass over the
# page fills them all (the page grows with the archive).
_PLACEHOLDER = re.compile(f"<p>{re.escape(render.DISCUSSED_IN)}([^<]*)</p>")


def _discussed_in(places: list[tuple[Page, Section]], glossary: Page, messages) -> str:
    label = html.escape(messages("glossary.discussed_in"))
    if not places:
        none = html.escape(messages("glossary.not_discussed"))
        return f'<p class="kb-discussed"><em>{none}</em></p>'
    by_page: dict[str, list[tuple[Page, Section]]] = defaultdict(list)
    for page, section in places:
        by_page[page.url].append((page, section))
    items = []
    for entries in by_page.values():
        page = entries[0][0]
        url = get_relative_url(page.url, glossary.url)
        sections = ", ".join(
            f'<a href="{html.escape(url)}#{html.escape(section.anchor)}">'
            f"{html.escape(render.shorten(section.title, SECTION_LABEL_LENGTH))}</a>"
            for _, section in entries
            if section.anchor and section.title != page.title
        )
        link = f'<a href="{html.escape(url)}">{html.escape(page.title or "")}</a>'
        items.append(f"<li>{link}" + (f" — {sections}" if sections else "") + "</li>")
    return (
        f'<div class="kb-discussed" {render.NOT_SEARCHED}><p><em>{label}</em></p>'
        f"<ul>{''.join(items)}</ul></div>"
    )
