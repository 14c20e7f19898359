"""Where each glossary term is mentioned: for the glossary's "discussed in", and for search."""

from __future__ import annotations

import html
import itertools
import re
from collections import defaultdict

from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from kb import indexpages, searchindex, writing
from kb.glossary import Term
from kb.linking import Heading
from kb.messages import Messages

SECTION_LABEL_LENGTH = 40
# The paragraph indexpages.render_glossary leaves for each term: one pass over the
# page fills them all (the page grows with the archive).
_PLACEHOLDER = re.compile(f"<p>{re.escape(writing.DISCUSSED_IN)}([^<]*)</p>")


class TermMentions:
    """The mentions of one language's build, in the order its pages render."""

    def __init__(self) -> None:
        self.found: dict[str, dict[tuple[str, str], tuple[Page, Heading]]] = defaultdict(dict)
        # The terms of the page being rendered, by section anchor, for search.
        self._in_page: dict[str, dict[str, Term]] = defaultdict(dict)
        self._in_headings: dict[str, dict[str, Term]] = defaultdict(dict)

    def report(self, page: Page, term: Term, section: Heading, in_heading: bool) -> None:
        self.found[term.id].setdefault((page.url, section.anchor), (page, section))
        self._in_page[section.anchor].setdefault(term.id, term)
        if in_heading:
            self._in_headings[section.anchor].setdefault(term.id, term)

    def add_search_words(self, page: Page) -> None:
        """The words search adds to each section of ``page``: the other names of its terms."""
        if self._in_page:
            # Each term's words once per page, in the first section naming it:
            # a search lands on the page either way, and the index stays small.
            seen: set[str] = set()
            by_anchor = {}
            for anchor, terms in self._in_page.items():
                new = [term for term_id, term in terms.items() if term_id not in seen]
                seen.update(terms)
                if new:
                    by_anchor[anchor] = searchindex.vocabulary(new)
            page.meta[searchindex.SEARCH_TERMS] = by_anchor
        if self._in_headings:
            page.meta[searchindex.SEARCH_TITLE_TERMS] = {
                anchor: searchindex.vocabulary(terms.values(), names_only=True)
                for anchor, terms in self._in_headings.items()
            }
        self._in_page = defaultdict(dict)
        self._in_headings = defaultdict(dict)

    def fill_glossary(self, glossary: Page, places: dict[str, Page], messages: Messages) -> None:
        """Every page is rendered: say where each term is discussed. The
        glossary lists the latest topics of a term with a page of ``places``,
        which lists them all."""
        if glossary.content is not None:
            glossary.content = _PLACEHOLDER.sub(
                lambda placeholder: _discussed_in(
                    self._places(placeholder.group(1)),
                    glossary,
                    messages,
                    places.get(placeholder.group(1)),
                ),
                glossary.content,
            )
        for term_id, page in places.items():
            if page.content is not None:
                page.content = _PLACEHOLDER.sub(
                    lambda _, term_id=term_id, page=page: _discussed_in(
                        self._places(term_id), page, messages
                    ),
                    page.content,
                )

    def _places(self, term_id: str) -> list[tuple[Page, Heading]]:
        return list(self.found.get(term_id, {}).values())


def _digest_of(page: Page) -> str:
    """The digest a page belongs to: the first part of its path (``2023-11-12/…``)."""
    return page.file.src_uri.split("/", 1)[0]


def _discussed_in(
    places: list[tuple[Page, Heading]],
    here: Page,
    messages: Messages,
    every_place: Page | None = None,
) -> str:
    """The topics (newest first) and sections mentioning a term, as HTML;
    only the latest few, with a link to ``every_place``, where it is given."""
    label = html.escape(messages("glossary.discussed_in"))
    if not places:
        none = html.escape(messages("glossary.not_discussed"))
        return f'<p class="kb-discussed"><em>{none}</em></p>'
    by_page: dict[str, list[tuple[Page, Heading]]] = defaultdict(list)
    for page, section in places:
        by_page[page.url].append((page, section))
    # Pages render oldest digest first: newest digest first here, its
    # topics in reading order.
    digests = itertools.groupby(by_page.values(), key=lambda entries: _digest_of(entries[0][0]))
    places = [entries for group in reversed([list(g) for _, g in digests]) for entries in group]
    more = ""
    if every_place is not None and len(places) > indexpages.GLOSSARY_PLACES:
        label += " · " + html.escape(
            messages("glossary.latest_places", shown=indexpages.GLOSSARY_PLACES)
        )
        url = get_relative_url(every_place.url, here.url)
        more = (
            f'<p><a href="{html.escape(url)}">'
            f"{html.escape(messages('glossary.all_places', count=len(places)))}</a></p>"
        )
        places = places[: indexpages.GLOSSARY_PLACES]
    items = []
    for entries in places:
        page = entries[0][0]
        url = get_relative_url(page.url, here.url)
        sections = ", ".join(
            f'<a href="{html.escape(url)}#{html.escape(section.anchor)}">'
            f"{html.escape(writing.shorten(section.title, SECTION_LABEL_LENGTH))}</a>"
            for _, section in entries
            if section.anchor and section.title != page.title
        )
        link = f'<a href="{html.escape(url)}" {writing.PREVIEW}>{html.escape(page.title or "")}</a>'
        items.append(f"<li>{link}" + (f" — {sections}" if sections else "") + "</li>")
    return (
        f'<div class="kb-discussed" {writing.NOT_SEARCHED}><p><em>{label}</em></p>'
        f"<ul>{''.join(items)}</ul>{more}</div>"
    )
