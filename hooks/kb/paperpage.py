"""The paper index page, in one language."""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from dataclasses import dataclass

from .edition import Context
from .model import Digest
from .notepages import digest_title_markdown
from .papers import Citation, Paper, Reference, anchor, bibtex, short_title
from .paths import bibliography_path, digest_path, papers_path, relative, tag_path, topic_path
from .writing import (
    LIST_OF_PLACES,
    NOT_SEARCHED,
    PREVIEW,
    REFERENCE_PAGE,
    escape,
    html_block,
    join_lines,
    plain_text,
    shorten,
)

LABEL_LENGTH = 40
PLACES = 3
"""The topics the index lists under a paper or reference: the latest. One
cited in more has a page of its own listing every place (the index would
otherwise grow with the archive: 1.7 MB at 1000 topics)."""


def _is_reference(key: str) -> bool:
    """Whether a citation's key is another reference's URL, not an arXiv id."""
    return key.startswith(("http://", "https://"))


def places_path(key: str) -> str:
    """The page of every place a paper (arXiv id) or other reference (URL) is cited."""
    if _is_reference(key):
        return f"papers/ref-{hashlib.sha256(key.encode()).hexdigest()[:12]}.md"
    return f"papers/{anchor(key)}.md"


def places_pages(
    papers: tuple[Paper, ...],
    references: tuple[Reference, ...],
    cited: list[Cited],
    context: Context,
) -> list[tuple[str, str]]:
    """(path, Markdown) of the page of every place for each paper and
    reference cited in more topics than the index lists under them."""
    titles = {paper.id: paper.title for paper in papers}
    titles |= {
        reference.url: reference.titles.get(context.language) or short_title(reference.url)
        for reference in references
    }
    by_key: dict[str, list[Cited]] = defaultdict(list)
    for item in cited:
        by_key[item.citation.key].append(item)
    pages = []
    for key, items in by_key.items():
        if len(_by_topic(items)) > PLACES:
            fallback = short_title(key) if _is_reference(key) else f"arXiv:{key}"
            title = titles.get(key) or fallback
            pages.append((places_path(key), render_places(key, title, items, context)))
    return pages


@dataclass(frozen=True)
class Cited:
    """A citation with the page it is on, as shown in this language."""

    citation: Citation
    digest: Digest
    topic_title: str


def render_papers(
    papers: tuple[Paper, ...],
    references: tuple[Reference, ...],
    cited: list[Cited],
    context: Context,
) -> str:
    messages = context.messages
    by_key: dict[str, list[Cited]] = defaultdict(list)
    for item in cited:
        by_key[item.citation.key].append(item)
    known = {paper.id for paper in papers}
    # Knowing a paper does not list it: the index is of what the notes cite.
    papers = tuple(paper for paper in papers if by_key.get(paper.id))
    lines = [
        *REFERENCE_PAGE,
        f"# {messages('papers.title')}",
        "",
        messages("papers.intro", bib=relative(papers_path(), bibliography_path())),
        "",
    ]

    tags_of = _tags_by_paper(papers, context)
    lines += [f"## {messages('papers.by_tag')} {{ #by-tag }}", ""]
    by_tag: dict[str, list[Paper]] = defaultdict(list)
    for paper in papers:
        for tag in tags_of.get(paper.id, ()):
            by_tag[tag].append(paper)
    for tag_id, tag in context.tags.items():
        if by_tag.get(tag_id):
            links = " · ".join(
                f"[{escape(p.short_name)}](#{anchor(p.id)})" for p in _ordered(by_tag[tag_id])
            )
            lines += [f"- **{escape(tag.name(context.language))}**: {links}"]
    lines.append("")

    year = None
    for paper in _ordered(list(papers)):
        if paper.year != year:
            year = paper.year
            lines += [f"## {year} {{ #year-{year} }}", ""]
        lines += _paper(paper, by_key.get(paper.id, []), tags_of.get(paper.id, ()), context)

    unknown = sorted({c.citation.key for c in cited if c.citation.is_paper} - known)
    if unknown:
        lines += [f"## {messages('papers.unknown')} {{ #unknown }}", ""]
        for key in unknown:
            lines += [
                f"### arXiv:{key} {{ #{anchor(key)} }}",
                "",
                f"[arXiv:{key}](https://arxiv.org/abs/{key}) · *{messages('papers.no_metadata')}*",
                "",
                *_discussed_here(key, by_key[key], context),
            ]

    lines += [
        f"## {messages('papers.other')} {{ #other-references }}",
        "",
        messages("papers.other_intro"),
        "",
    ]
    listed = {reference.url: reference for reference in references}
    urls = list(dict.fromkeys(c.citation.key for c in cited if not c.citation.is_paper))
    urls += [url for url in listed if url not in urls]
    for url in urls:
        reference = listed.get(url)
        title = reference.titles.get(context.language) if reference else None
        kind = (
            messages(f"papers.kind.{reference.kind}")
            if reference
            else messages("papers.kind.other")
        )
        caveat = ""
        if reference is None or reference.verified != "yes":
            verified = reference.verified if reference else "no"
            caveat = f" · *{messages(f'papers.reference.{verified}')}*"
        lines.append(f"- [{escape(title or short_title(url))}]({url}) · {kind}{caveat}")
        if by_key.get(url):
            lines += ["", *("    " + line for line in _discussed_here(url, by_key[url], context))]
    lines.append("")
    return join_lines(lines)


def _ordered(papers: list[Paper]) -> list[Paper]:
    """Newest year first, then by title."""
    return sorted(papers, key=lambda paper: (-paper.year, paper.title.lower()))


def _tags_by_paper(papers: tuple[Paper, ...], context: Context) -> dict[str, tuple]:
    """Each paper's own tags: what it is about, not what the topics citing it are."""
    return {paper.id: tuple(t for t in paper.tags if t in context.tags) for paper in papers}


def _paper(paper: Paper, cited: list[Cited], tags: tuple, context: Context) -> list[str]:
    messages = context.messages
    facts = [escape(paper.short_authors()), str(paper.year)]
    if paper.venue:
        facts.append(escape(paper.venue))
    if paper.arxiv:
        facts.append(f"[arXiv:{paper.arxiv}](https://arxiv.org/abs/{paper.arxiv})")
    if not paper.verified:
        facts.append(f"*{messages('papers.unverified')}*")
    lines = [f"### {escape(paper.title)} {{ #{anchor(paper.id)} }}", "", " · ".join(facts), ""]
    if paper.note:
        lines += [
            f"**{messages('papers.note')}**: *{escape(paper.note[context.language])}*",
            "{ .kb-paper-note }",
            "",
        ]
    if tags:
        names = " · ".join(
            f"[{escape(context.tags[tag].name(context.language))}]"
            f"({relative(papers_path(), tag_path(tag))})"
            for tag in tags
        )
        lines += [f"*{messages('papers.tags')}*: {names}", ""]
    lines += _discussed_here(paper.id, cited, context)
    lines += [
        '??? quote "BibTeX"',
        "",
        "    ```bibtex",
        *("    " + line for line in bibtex(paper).split("\n")),
        "    ```",
        "",
    ]
    return lines


def _by_topic(cited: list[Cited]) -> list[list[Cited]]:
    """Citations grouped by the topic (or digest page) they are on, each
    section once, newest digest first and in reading order within a digest."""
    places: dict[tuple[str, str], list[Cited]] = {}
    for item in cited:
        key = (item.digest.id, item.citation.topic)
        if all(other.citation.anchor != item.citation.anchor for other in places.get(key, [])):
            places.setdefault(key, []).append(item)
    digests = itertools.groupby(places.values(), key=lambda items: items[0].digest.id)
    return [items for group in reversed([list(g) for _, g in digests]) for items in group]


def _discussed_here(key: str, cited: list[Cited], context: Context) -> list[str]:
    """The index's "discussed in": every place, or the latest with a link to
    the page of every place."""
    messages = context.messages
    places = _by_topic(cited)
    label = f"*{messages('papers.discussed_in')}*"
    more = []
    if len(places) > PLACES:
        label += " · " + messages("papers.latest_places", shown=PLACES)
        link = relative(papers_path(), places_path(key))
        more = ["", f"[{messages('papers.all_places', count=len(places))}]({link})"]
        places = places[:PLACES]
    return html_block(
        f"div.kb-discussed[{NOT_SEARCHED}]",
        [label, "", *_place_items(places, papers_path(), context), *more],
    )


def render_places(key: str, title: str, cited: list[Cited], context: Context) -> str:
    """The page of every place ``key`` (a paper or another reference) is cited."""
    messages = context.messages
    path = places_path(key)
    entry = "other-references" if _is_reference(key) else anchor(key)
    return join_lines(
        [
            *LIST_OF_PLACES,
            f"# {escape(title)}",
            "",
            messages("papers.places_intro", link=f"{relative(path, papers_path())}#{entry}"),
            "",
            *html_block(
                f"div.kb-discussed[{NOT_SEARCHED}]",
                _place_items(_by_topic(cited), path, context),
            ),
        ]
    )


def _place_items(places: list[list[Cited]], path: str, context: Context) -> list[str]:
    """One list item per topic (or digest page): its title, then its sections.

    An item each, not one paragraph: Python-Markdown parses the links of one
    paragraph in quadratic time."""
    items = []
    for group in places:
        first = group[0]
        if not first.citation.topic:
            link = relative(path, digest_path(first.digest))
            anchors = dict.fromkeys(item.citation.anchor for item in group)
            items += [
                f"- [{digest_title_markdown(first.digest, context.messages)}]({link}"
                + (f"#{anchor})" if anchor else ")")
                for anchor in anchors
            ]
            continue
        topic = first.digest.topic(first.citation.topic)
        if topic is None:
            continue
        link = relative(path, topic_path(first.digest, topic))
        sections = ", ".join(
            f"[{escape(shorten(plain_text(item.citation.label), LABEL_LENGTH))}]"
            f"({link}#{item.citation.anchor})"
            for item in group
            if item.citation.anchor != topic.slug
        )
        items.append(
            f"- [{escape(plain_text(first.topic_title))}]({link}){{ {PREVIEW} }}"
            + (f" ({sections})" if sections else "")
        )
    return items
