"""The pages that list the archive, as Markdown: home, translation progress,
glossary (and a page of places for each much-discussed term), tags (and
each tag's page), navigation, questions (paged by tag), timeline and graph.
The paper index is :mod:`kb.paperpage`'s.

Each page grows with what it lists, no faster: long lists are paged or
summarised, and no paragraph is a long run of links (Python-Markdown reads
the links of one paragraph in quadratic time).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping

from .edition import Context, Edition
from .glossary import CATEGORIES, Term
from .graph import topic_key
from .messages import Messages
from .model import Digest, Role, Thread, Topic, Turn
from .notepages import digest_title_markdown, summary_markdown
from .paths import (
    digest_path,
    glossary_path,
    glossary_term_path,
    graph_path,
    home_path,
    node_path,
    papers_path,
    questions_page_path,
    questions_path,
    relative,
    tag_path,
    tags_path,
    timeline_path,
    topic_path,
    translations_path,
)
from .slugs import slugify
from .writing import (
    DISCUSSED_IN,
    GRAPH_MARKER,
    LIST_OF_PLACES,
    NOT_SEARCHED,
    PREVIEW,
    REFERENCE_PAGE,
    escape,
    heading,
    html_block,
    join_lines,
    plain_text,
    yaml_string,
)

GLOSSARY_PLACES = 3
"""The topics the glossary lists under a term: the latest. A term discussed
in more has a page of its own listing every place (the glossary would
otherwise grow with the archive: 7 MB at 1000 topics)."""


# The digests the home page lists with their topics: the latest. Every
# digest is on the timeline; all of them here would grow the home page with
# the archive (a topic and its summary each).
HOME_DIGESTS = 12


def render_home(edition: Edition, context: Context) -> str:
    messages = context.messages
    archive = edition.archive
    path = home_path()
    lines = [
        f"# {messages('site.title')}",
        "",
        messages("home.intro"),
        "",
        messages("home.origin"),
        "",
    ]
    latest = archive.latest
    if latest is not None:
        lines += [
            f"## {messages('home.latest')} {{ #latest }}",
            "",
            messages(
                "home.latest_line",
                digest=digest_title_markdown(latest, messages),
                link=relative(path, digest_path(latest)),
                topics=messages.count("topics", len(latest.topics)),
            ),
            "",
        ]
    lines += [f"## {messages('home.all_digests')} {{ #digests }}", ""]
    shown_digests = archive.digests[-HOME_DIGESTS:]
    if len(shown_digests) < len(archive.digests):
        lines += [
            messages(
                "home.older",
                shown=len(shown_digests),
                total=len(archive.digests),
                link=relative(path, timeline_path()),
            ),
            "",
        ]
    for digest in reversed(shown_digests):
        lines += [_digest_heading(3, digest, path, messages), ""]
        for topic in digest.topics:
            translated = edition.translated_topic(digest, topic)
            lines.append(
                f"- [{(translated or topic).title}]({relative(path, topic_path(digest, topic))})  "
            )
            lines.append("    " + summary_markdown(topic, translated, context))
        lines.append("")
    lines += [
        f"## {messages('home.browse_tags')} {{ #tags }}",
        "",
        messages("home.tags_line", link=relative(path, tags_path())),
        "",
        messages("home.translations_line", link=relative(path, translations_path())),
        "",
    ]
    return join_lines(lines)


def _digest_heading(level: int, digest: Digest, path: str, messages: Messages) -> str:
    """A digest's heading on the page at ``path``: its title, linking to its
    page, with the anchor ``#digest-<id>``."""
    link = relative(path, digest_path(digest))
    title = digest_title_markdown(digest, messages)
    return f"{'#' * level} [{title}]({link}) {{ #digest-{digest.id} }}"


def render_translations(edition: Edition, context: Context, targets: tuple[str, ...]) -> str:
    """Which topics of every digest exist in each translation language."""
    messages = context.messages
    archive = edition.archive
    path = translations_path()
    total = sum(len(digest.topics) for digest in archive.digests)
    done = dict.fromkeys(targets, 0)
    outdated = dict.fromkeys(targets, 0)
    body: list[str] = []
    for digest in reversed(archive.digests):
        body += [
            _digest_heading(2, digest, path, messages),
            "",
            f"| {messages('translations.topic')} | "
            + " | ".join(f"{messages('translations.state')} ({target})" for target in targets)
            + " |",
            "| --- |" + " --- |" * len(targets),
        ]
        for topic in digest.topics:
            states = []
            for target in targets:
                state = archive.translation_state(digest, target, topic.slug)
                done[target] += state == "translated"
                outdated[target] += state == "outdated"
                states.append(messages(f"translations.{state}"))
            title = edition.title(digest, topic).replace("|", "\\|")
            topic_link = relative(path, topic_path(digest, topic))
            body.append(f"| [{title}]({topic_link}) | " + " | ".join(states) + " |")
        body.append("")
    summary = [
        messages(
            "translations.summary",
            language=target,
            translated=done[target],
            outdated=outdated[target],
            total=total,
        )
        for target in targets
    ]
    lines = [
        f"# {messages('translations.title')}",
        "",
        messages("translations.intro", link=context.translate_url),
        "",
        *(line for item in summary for line in (item, "")),
        *body,
    ]
    return join_lines(lines)


def render_glossary(terms: tuple[Term, ...], context: Context, source_language: str) -> str:
    """Every term, grouped by category, each with a placeholder for where it is
    discussed; first a filter (docs/assets/kb.js) and an index by initial."""
    messages = context.messages
    language = context.language
    other = next((lang for lang in terms[0].names if lang != language), language) if terms else ""
    ids = {term.id: term for term in terms}
    lines = [*REFERENCE_PAGE, f"# {messages('glossary.title')}", "", messages("glossary.intro"), ""]
    # Raw HTML in a page is text (kb.markup); the field is a pymdownx.blocks.html element.
    label = messages("glossary.filter").replace('"', "'")
    none = messages("glossary.no_match").replace('"', "'")
    lines += [
        f'/// html | input.kb-filter[type=search][hidden][placeholder="{label}"]'
        f'[aria-label="{label}"][data-none="{none}"]',
        "///",
        "",
    ]
    lines += _index_by_initial(terms, language, messages)
    for category in CATEGORIES:
        members = [term for term in terms if term.category == category]
        if not members:
            continue
        entries = [f"## {messages(f'glossary.category.{category}')} {{ #category-{category} }}", ""]
        members.sort(key=lambda term: _sort_key(glossary_name(term, language)))
        for term in members:
            entries += html_block(
                "div.kb-entry",
                _glossary_entry(term, language, other, source_language, ids, messages),
            )
        lines += html_block("div.kb-category", entries)
    return join_lines(lines)


def glossary_name(term: Term, language: str) -> str:
    """A term's name as readers of ``language`` know it: an English name of
    three words or more goes by its abbreviation, "BERT (bidirectional encoder
    representations from transformers)", and is filed under B."""
    name = term.names[language]
    latin = [a for a in term.abbreviations if a.isascii()]
    if language == "en" and latin and len(name.split()) >= 3 and latin[0].lower() != name.lower():
        return f"{latin[0]} ({name})"
    return name


def _sort_key(name: str) -> str:
    return slugify(name, max_length=200)


def _glossary_entry(
    term: Term,
    language: str,
    other: str,
    source_language: str,
    ids: dict[str, Term],
    messages: Messages,
) -> list[str]:
    name = glossary_name(term, language)
    title = escape(name)
    if term.names[other].lower() not in (term.names[language].lower(), *name.lower().split(" (")):
        title += f' · *{escape(term.names[other])}*{{ lang="{other}" }}'
    lines = [heading(3, title, term.id, name), ""]
    # Each form once, whatever its case (BERT, Bert, bert), and none that the
    # heading already shows.
    named = {term.names[language].lower(), term.names[other].lower()}
    also: list[str] = []
    for form in (
        *term.abbreviations,
        *term.aliases.get(language, ()),
        *(term.aliases.get(other, ()) if language == source_language else ()),
    ):
        if form.lower() not in named:
            named.add(form.lower())
            also.append(form)
    if also:
        forms = (f"`{form}`" if form in term.abbreviations else escape(form) for form in also)
        lines += [f"*{messages('glossary.aliases')}*: " + " · ".join(forms), "{ .kb-aliases }", ""]
    lines += [escape(term.short[language]), "", escape(term.long[language]), ""]
    lines += [
        f'**{messages("glossary.source")}**: *{_linked_sources(term.source)}*{{ lang="en" }}',
        "{ .kb-source }",
        "",
    ]
    related = [ids[r] for r in term.related if r in ids]
    if related:
        links = (f"[{escape(r.names[language])}](#{r.id})" for r in related)
        lines += [f"*{messages('glossary.related')}*: " + " · ".join(links), ""]
    return [*lines, f"{DISCUSSED_IN}{term.id}", ""]


# An arXiv id as definitions' sources cite it: "arXiv 1701.06538", "arXiv:2006.16668".
_ARXIV_CITED = re.compile(r"\barXiv[ :]?(\d{4}\.\d{4,5})\b")


def _linked_sources(source: str) -> str:
    """A term's sources as Markdown, each arXiv id a link to its abstract."""
    parts, cursor = [], 0
    for match in _ARXIV_CITED.finditer(source):
        parts.append(escape(source[cursor : match.start()]))
        parts.append(f"[arXiv {match[1]}](https://arxiv.org/abs/{match[1]})")
        cursor = match.end()
    return "".join([*parts, escape(source[cursor:])])


def _index_by_initial(terms: tuple[Term, ...], language: str, messages: Messages) -> list[str]:
    """Every term by its name's initial (a pinyin initial for Chinese), one
    list item per initial: a short run of links each."""
    by_initial: dict[str, list[tuple[str, str]]] = {}
    for term in terms:
        name = glossary_name(term, language)
        key = _sort_key(name)
        initial = key[:1].upper() if key[:1].isalpha() else "#"
        by_initial.setdefault(initial, []).append((key, f"[{escape(name)}](#{term.id})"))
    if not by_initial:
        return []
    lines = [f"**{messages('glossary.index')}**", "{ .kb-index-title }", ""]
    for initial in sorted(by_initial):
        links = " · ".join(link for _, link in sorted(by_initial[initial]))
        lines.append(f"- **{initial}** {links}")
    return html_block("div.kb-index", [*lines, ""])


def terms_with_pages(terms: tuple[Term, ...], topics_of: Mapping[str, int]) -> tuple[Term, ...]:
    """The terms discussed in more topics than the glossary lists under them
    (``topics_of``: how many topics each term's id is in), which get a page
    of every place they are discussed."""
    return tuple(term for term in terms if topics_of.get(term.id, 0) > GLOSSARY_PLACES)


def render_term_places(term: Term, context: Context) -> str:
    """A term's page of places: its name and one-line definition, then every
    topic and section discussing it (filled in once every page is rendered)."""
    messages = context.messages
    path = glossary_term_path(term.id)
    name = term.names[context.language]
    return join_lines(
        [
            *LIST_OF_PLACES,
            f"# {escape(name)}",
            "",
            escape(term.short[context.language]),
            "",
            messages(
                "glossary.places_intro",
                name=escape(name),
                link=f"{relative(path, glossary_path())}#{term.id}",
            ),
            "",
            f"{DISCUSSED_IN}{term.id}",
            "",
        ]
    )


def render_tags(edition: Edition, context: Context) -> str:
    """Every tag with how many topics carry it, each linking to its own listing.

    One listing of every topic under every tag grows with the archive (1 MB
    at 1000 topics); each tag's heading keeps the anchor Material gave that
    tag's listing here (``#tag:<slug>``), so links to it still land.
    """
    messages = context.messages
    path = tags_path()
    digests = edition.archive.digests
    counts = Counter(tag for digest in digests for t in digest.topics for tag in t.tags)
    # A tag's heading here is a title that matches its name: below the topics.
    lines = [*REFERENCE_PAGE, f"# {messages('tags.title')}", "", messages("tags.intro"), ""]
    for tag_id, tag in context.tags.items():
        if not counts[tag_id]:
            continue
        name = tag.name(context.language)
        link = relative(path, tag_path(tag_id))
        lines += [
            f"## [{escape(name)}]({link}) {{ #tag:{slugify(name)} }}",
            "",
            messages("tags.count_line", topics=messages.count("topics", counts[tag_id])),
            "",
        ]
    return join_lines(lines)


def render_tag(tag_id: str, context: Context) -> str:
    """A tag's listing of its topics, each with its summary (Material's tags
    plugin fills it, with the layout in ``overrides/fragments/tags/kb``)."""
    messages = context.messages
    name = context.tags[tag_id].name(context.language)
    return join_lines(
        [
            # A search for a topic lands on the topic, not on the list of its tag.
            *LIST_OF_PLACES,
            f"# {escape(name)}",
            "",
            messages("tags.tag_intro", link=relative(tag_path(tag_id), tags_path())),
            "",
            f"<!-- material/tags {{ include: [{yaml_string(name)}], toc: false }} -->",
        ]
    )


def nav(edition: Edition, messages: Messages) -> list:
    """The navigation, digests newest first and topics in source order."""
    digests = []
    for digest in reversed(edition.archive.digests):
        topics = [
            {edition.title(digest, topic): topic_path(digest, topic)} for topic in digest.topics
        ]
        digests.append({digest.id: [digest_path(digest), *topics]})
    return [
        {messages("nav.home"): home_path()},
        {messages("nav.digests"): digests},
        {messages("nav.timeline"): timeline_path()},
        {messages("nav.questions"): questions_path()},
        {messages("nav.graph"): graph_path()},
        {messages("nav.tags"): tags_path()},
        {messages("nav.glossary"): glossary_path()},
        {messages("nav.papers"): papers_path()},
        {messages("nav.translations"): translations_path()},
    ]


def questions(topic: Topic) -> list[Thread]:
    """The questions of a topic that open a thread, in source order."""
    return [t for t in topic.threads if t.label.role is Role.QUESTION]


def answers(thread: Thread) -> int:
    """The replies to a question: its A turns, the researchers speaking under
    it, and the unlabelled reply that follows it (``Role.REPLY``)."""
    return sum(
        1
        for node in thread.body
        if isinstance(node, Turn)
        and node.label is not None
        and node.label.role in (Role.ANSWER, Role.SPEAKER, Role.REPLY)
    )


QUESTIONS_PER_PAGE = 250
"""Questions on one page of a tag's list: a tag carried by most topics
would otherwise list most of the archive's questions on one page."""


def _questions_by_tag(edition: Edition, context: Context) -> dict[str, list[tuple]]:
    """Every question under each of its topic's tags (``untagged`` where it
    has none), newest digest first, in reading order within it."""
    groups: dict[str, list[tuple]] = {}
    for digest in reversed(edition.archive.digests):
        for topic in digest.topics:
            asked = questions(topic)
            if not asked:
                continue
            tags = [tag for tag in topic.tags if tag in context.tags] or ["untagged"]
            translated = edition.translated_topic(digest, topic)
            titles = {t.anchor: t.title for t in (questions(translated) if translated else [])}
            for tag in tags:
                groups.setdefault(tag, []).extend(
                    (digest, topic, thread, titles.get(thread.anchor, thread.title))
                    for thread in asked
                )
    return groups


def _group_name(group: str, context: Context) -> str:
    if group == "untagged":
        return context.messages("questions.untagged")
    return context.tags[group].name(context.language)


def _ordered_groups(groups: Mapping[str, object], context: Context) -> list[str]:
    return [
        *(t for t in context.tags if t in groups),
        *(["untagged"] if "untagged" in groups else []),
    ]


def render_questions(edition: Edition, context: Context) -> str:
    """The question index: how many questions each tag's topics asked, each
    tag linking to its list. A question is listed under every tag of its
    topic; only the titles are listed, so search finds a question on its
    topic's page, not on a second copy here."""
    messages = context.messages
    path = questions_path()
    groups = _questions_by_tag(edition, context)
    digests = edition.archive.digests
    total = sum(len(questions(topic)) for digest in digests for topic in digest.topics)
    lines = [
        f"# {messages('questions.title')}",
        "",
        messages("questions.intro", questions=messages.count("questions", total)),
        "",
    ]
    for group in _ordered_groups(groups, context):
        link = relative(path, questions_page_path(group))
        lines += [
            f"## [{escape(_group_name(group, context))}]({link}) {{ #{group} }}",
            "",
            messages.count("questions", len(groups[group])),
            "",
        ]
    return join_lines(lines)


def render_question_pages(edition: Edition, context: Context) -> list[tuple[str, str]]:
    """Each tag's questions, newest first, ``QUESTIONS_PER_PAGE`` to a page:
    (path, Markdown) pairs. Each question links to its ``#qN`` and says how
    many replies it has."""
    messages = context.messages
    pages = []
    for group, asked in _questions_by_tag(edition, context).items():
        chunks = [
            asked[start : start + QUESTIONS_PER_PAGE]
            for start in range(0, len(asked), QUESTIONS_PER_PAGE)
        ]
        name = escape(_group_name(group, context))
        for number, chunk in enumerate(chunks, start=1):
            path = questions_page_path(group, number)
            page_title = name if len(chunks) == 1 else f"{name} ({number}/{len(chunks)})"
            lines = [
                *LIST_OF_PLACES,
                f"# {page_title}",
                "",
                messages("questions.tag_intro", link=relative(path, questions_path())),
                "",
            ]
            if len(chunks) > 1:
                lines += [
                    " · ".join(
                        f"**{n}**"
                        if n == number
                        else f"[{n}]({relative(path, questions_page_path(group, n))})"
                        for n in range(1, len(chunks) + 1)
                    ),
                    "",
                ]
            for digest, topic, thread, title in chunk:
                link = relative(path, topic_path(digest, topic))
                topic_title = escape(edition.title(digest, topic))
                count = answers(thread)
                facts = messages.count("answers", count) if count else messages("questions.open")
                shown_title = plain_text(title) or thread.anchor
                lines.append(
                    f"- [{escape(shown_title)}]({link}#{thread.anchor}) · {digest.id} · "
                    f"[{topic_title}]({link}) · *{facts}*"
                )
            pages.append((path, join_lines(lines)))
    return pages


def render_timeline(edition: Edition, context: Context) -> str:
    """Every digest, oldest first, grouped by year, with its topics."""
    messages = context.messages
    path = timeline_path()
    lines = [f"# {messages('timeline.title')}", "", messages("timeline.intro"), ""]
    year: int | None = 0
    for digest in edition.archive.digests:
        if (digest.date.year if digest.date else None) != year:
            year = digest.date.year if digest.date else None
            shown_year = messages("timeline.undated") if year is None else str(year)
            lines += [f"## {shown_year} {{ #{'undated' if year is None else f'year-{year}'} }}", ""]
        lines += [_digest_heading(3, digest, path, messages), ""]
        for topic in digest.topics:
            title = edition.title(digest, topic)
            tags = ", ".join(
                context.tags[tag].name(context.language)
                for tag in topic.tags
                if tag in context.tags
            )
            lines.append(
                f"- [{escape(title)}]({relative(path, topic_path(digest, topic))})"
                + (f" · *{escape(tags)}*" if tags else "")
            )
        lines.append("")
    return join_lines(lines)


def render_graph(graph, total: int, context: Context) -> str:
    """The archive's graph page: the drawing of ``graph`` (the archive's
    whole graph of ``total`` nodes, or its most connected nodes), then the
    same as a plain list.

    The list is the drawing's equivalent for a screen reader or a reader
    without a pointer: every topic drawn with the terms it mentions, the
    papers it cites and the topics it relates to or names, as drawn. A topic
    not drawn is on the timeline, and its own page draws its neighbourhood.
    """
    messages = context.messages
    path = graph_path()
    labels = {node.id: node.label for node in graph.nodes}
    joined: dict[str, dict[str, list[str]]] = {}
    for edge in graph.edges:
        kind = edge.target.partition(":")[0] if edge.kind != "related" else "related"
        joined.setdefault(edge.source, {}).setdefault(kind, []).append(edge.target)
        if edge.kind == "related":
            joined.setdefault(edge.target, {}).setdefault(kind, []).append(edge.source)
    lines = [f"# {messages('graph.title')}", "", messages("graph.intro"), ""]
    if len(graph.nodes) < total:
        lines += [
            messages(
                "graph.summary",
                drawn=len(graph.nodes),
                total=total,
                timeline=relative(path, timeline_path()),
            ),
            "",
        ]
    lines += [
        f"[{messages('graph.skip')}](#as-list){{ .kb-graph-skip }}",
        "",
        GRAPH_MARKER,
        "",
        # Search leaves the list out: it names every topic, term and paper,
        # and a search for one should land on it, not here.
        f"## {messages('graph.as_list')} {{ #as-list {NOT_SEARCHED} }}",
        "",
    ]
    topics = [node for node in graph.nodes if node.kind == "topic"]
    # A title several topics share ("简短问答" every week) says which one it is.
    repeated = {label for label, n in Counter(node.label for node in topics).items() if n > 1}
    for node in topics:
        if node.label in repeated:
            labels[node.id] = f"{node.label} ({topic_key(node.id).digest})"
    for node in topics:
        link = relative(path, node_path(node.id))
        parts = []
        for kind in ("term", "paper", "topic", "related"):
            targets = joined.get(node.id, {}).get(kind, [])
            if targets:
                items = ", ".join(
                    f"[{escape(labels[t])}]({relative(path, node_path(t))})"
                    + (f"{{ {PREVIEW} }}" if kind in ("topic", "related") else "")
                    for t in targets
                )
                parts.append(f"{messages(f'graph.list.{kind}')}: {items}")
        joins = " — " + "; ".join(parts) if parts else ""
        lines.append(f"- [{escape(labels[node.id])}]({link}){{ {PREVIEW} }}{joins}")
    return join_lines(lines)
