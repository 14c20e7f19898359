"""Pages as Markdown: the model rendered for Python-Markdown and Material.

Note text is copied line by line; only structure is added around it:
headings with fixed anchors for threads and ``###`` items, and
``pymdownx.blocks.html`` containers for labelled turns. Links between pages
are relative ``.md`` paths, so MkDocs checks every one of them.
"""

from __future__ import annotations

import datetime
import functools
import html
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from . import excerpt
from .editornotes import Placed, at_path
from .glossary import CATEGORIES, Term
from .graph import topic_key
from .markup import TITLE_END, heading_marker
from .messages import Messages
from .metadata import Tag
from .model import Archive, Chunk, Digest, Label, Node, Role, Section, Thread, Topic, Turn
from .papers import anchor as paper_anchor
from .slugs import slugify

TOC_LABEL_LENGTH = 32
_SLASH_RUN = re.compile(r"^\s*(/{3,})")
_BACKTICK_RUN = re.compile(r"`+")
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_{}\[\]<>#|!]")
_inline_parser = MarkdownIt("commonmark")


def home_path() -> str:
    return "index.md"


def tags_path() -> str:
    return "tags.md"


def tag_path(tag_id: str) -> str:
    """A tag's own listing of its topics."""
    return f"tags/{tag_id}.md"


def translations_path() -> str:
    return "translations.md"


def glossary_path() -> str:
    return "glossary.md"


def glossary_term_path(term_id: str) -> str:
    """Every place a term is discussed, when the glossary shows only the latest."""
    return f"glossary/{term_id}.md"


def papers_path() -> str:
    return "papers.md"


def timeline_path() -> str:
    return "timeline.md"


def questions_path() -> str:
    return "questions.md"


def graph_path() -> str:
    return "graph.md"


def feed_path() -> str:
    """Below each language's root (``feed.xml``, ``en/feed.xml``); not a page."""
    return "feed.xml"


def bibliography_path() -> str:
    """The papers the notes cite, as BibTeX: one file at the site root; not a page."""
    return "papers.bib"


GRAPH_MARKER = "KB-GRAPH:"
"""Where a graph's drawing goes (the whole archive's, or ``KB-GRAPH:<node id>``'s)."""


DISCUSSED_IN = "KB-DISCUSSED-IN:"
"""Marks where a term's "discussed in" list goes, once every page is rendered."""

GLOSSARY_PLACES = 3
"""The topics the glossary lists under a term: the latest. A term discussed
in more has a page of its own listing every place (the glossary would
otherwise grow with the archive: 7 MB at 1000 topics)."""


def digest_path(digest: Digest) -> str:
    return f"{digest.id}/index.md"


def topic_path(digest: Digest, topic: Topic) -> str:
    return topic_key_path(digest.id, topic.slug)


def topic_key_path(digest_id: str, slug: str) -> str:
    """The page of the topic ``slug`` of the digest ``digest_id``."""
    return f"{digest_id}/{slug}.md"


def relative(source: str, target: str) -> str:
    """The link from page ``source`` to page ``target``, both docs-relative.

    What ``posixpath.relpath`` gives for such paths, without the absolute
    paths it builds first: topic pages link to many others.
    """
    start = [part for part in source.split("/")[:-1] if part]
    path = [part for part in target.split("/") if part]
    common = 0
    for here, there in zip(start, path, strict=False):
        if here != there:
            break
        common += 1
    return "/".join([".."] * (len(start) - common) + path[common:]) or "."


@dataclass(frozen=True)
class Context:
    """What every page of one language needs to know."""

    language: str
    messages: Messages
    tags: dict[str, Tag]
    translate_url: str
    updated: dict[str, datetime.date] = field(default_factory=dict)
    source_url: str = ""  # the notes folder on the forge, for links to a line
    editor_notes: dict[str, tuple[Placed, ...]] = field(default_factory=dict)  # by digest id

    def last_updated(self, digest: Digest) -> str:
        """When the file behind a page last changed (git), else the digest's date."""
        date = self.updated.get(digest.path, digest.date)
        if date is None:
            return self.messages("page.undated")
        return self.messages("page.updated", date=date.isoformat())


# Titles are shown on many pages (navigation, related topics, the timeline):
# each is parsed once. Keyed on the text itself, an edited title is a new key.
@functools.lru_cache(maxsize=8192)
def plain_text(markdown: str) -> str:
    """The text a reader sees of one line of inline Markdown."""
    tokens = _inline_parser.parseInline(markdown)
    parts: list[str] = []
    for token in tokens:
        for child in token.children or ():
            if child.type in ("text", "code_inline"):
                parts.append(child.content)
            elif child.type in ("softbreak", "hardbreak"):
                parts.append(" ")
    return "".join(parts).strip()


def escape(text: str) -> str:
    """Data text as literal Markdown: ``A* decoding`` must not start emphasis."""
    return _MARKDOWN_SPECIAL.sub(r"\\\g<0>", text)


def shorten(text: str, length: int = TOC_LABEL_LENGTH) -> str:
    """``text``, or its start cut where a reader would pause, never inside a
    word (the table of contents showed "how O…"): :func:`kb.excerpt.shorten`."""
    return excerpt.shorten(text, length)


def label_text(label: Label, messages: Messages) -> str:
    if label.role is Role.SPEAKER:
        return messages("label.speaker", n=label.speaker)
    word = messages(f"label.{label.role.value}")
    text = word
    if label.number:
        # Q1, A2 as the digest writes them; a word takes a space: 追问 5, Follow-up 5.
        text = f"{word}{label.number}" if len(word) == 1 else f"{word} {label.number}"
    if label.name:
        text = messages("label.who", label=text, who=label.name)
    return messages("label.continued", label=text) if label.continued else text


# The roles whose letter the digest writes (Q, A, D, F): each badge says in
# its title what the letter means and how the digest wrote it.
_EXPLAINED = frozenset({Role.QUESTION, Role.ANSWER, Role.DISCUSSION, Role.FOLLOW_UP})


def label_markdown(label: Label, messages: Messages, css_class: str, anchor: str = "") -> str:
    """A label as bold text with ``css_class`` and a title explaining it; with
    ``anchor``, a link to it, the reply's own address."""
    text = label_text(label, messages)
    attributes = f".{css_class}"
    if label.role in _EXPLAINED:
        mark = label.role.letter + (str(label.number) if label.number else "")
        title = messages(f"label.explain.{label.role.value}", mark=mark).replace('"', "'")
        attributes += f' title="{title}"'
    if anchor:
        return f"[**{text}**](#{anchor}){{ {attributes} }}"
    return f"**{text}**{{ {attributes} }}"


def digest_title(digest: Digest, messages: Messages) -> str:
    """A dated digest is named by its date; an undated note by its own title."""
    if digest.date is not None:
        return messages("digest.title", date=digest.id)
    return plain_text(digest.title) or digest.id


def digest_title_markdown(digest: Digest, messages: Messages) -> str:
    """:func:`digest_title` as Markdown text: a link's text, a heading, a line."""
    return escape(digest_title(digest, messages))


def render_topic(archive: Archive, digest: Digest, topic: Topic, context: Context) -> str:
    """A topic page in ``context.language``: the translation, or the source under a notice."""
    messages = context.messages
    shown_digest = archive.translation(digest, context.language)
    shown = shown_digest.topic(topic.slug) if shown_digest else None
    path = topic_path(digest, topic)
    position = digest.topics.index(topic) + 1
    summary = topic_summary(topic, shown, context.language)
    described = summary_line(summary, digest, (shown or topic).title, context)
    listed = described if summary[0] else ""
    lines = _front_matter(topic.tags, context, described, listed, digest.id)
    if shown is None:
        lines += _untranslated("untranslated.topic", context)
    elif archive.translation_state(digest, context.language, topic.slug) == "outdated":
        lines += _outdated(digest, topic, context)
    source_line = messages(
        "topic.source",
        digest=digest_title_markdown(digest, messages),
        link=relative(path, digest_path(digest)),
        position=position,
        count=len(digest.topics),
    )
    title = [_heading(1, (shown or topic).title, topic.slug, ""), ""]
    notes = _editor_notes(context, digest, topic, shown)
    body = _nodes((shown or topic).body, 2, messages, notes)
    body += notes.get((), [])
    if shown is None:
        language = f'div.kb-original[lang="{digest.language}"]'
        title, body = html_block(language, title), html_block(language, body)
    source_line += " · " + context.last_updated(shown_digest or digest)
    if context.source_url:
        origin = shown_digest or digest
        url = _source_url(context, origin, (shown or topic).line)
        source_line += " · " + messages("topic.view_source", line=(shown or topic).line, url=url)
    about = [source_line, "{: .kb-source }", "", *_neighbours(archive, digest, path, messages)]
    return join_lines(lines + title + about + body)


def render_digest(archive: Archive, digest: Digest, context: Context) -> str:
    messages = context.messages
    shown = archive.translation(digest, context.language)
    lines = [f"# {digest_title_markdown(digest, messages)}", ""]
    lines += _neighbours(archive, digest, digest_path(digest), messages)
    if shown is None:
        lines += _untranslated("untranslated.digest", context)
    original = shown or digest
    preamble: list[str] = []
    if original.title and plain_text(original.title) != digest_title(digest, messages):
        # The note's own heading, under the page's: a lead line, not a second h1.
        preamble += [f"**{original.title}**", "{: .kb-note-title }", ""]
    preamble += _chunks(original.preamble)
    if preamble:
        lines += (
            preamble
            if shown
            else html_block(f'div.kb-original[lang="{digest.language}"]', preamble)
        )
    lines += [context.last_updated(shown or digest), "{: .kb-source }", ""]
    lines += [messages("digest.intro", topics=messages.count("topics", len(digest.topics))), ""]
    for number, topic in enumerate(digest.topics, start=1):
        translated = shown.topic(topic.slug) if shown else None
        title = (translated or topic).title
        link = relative(digest_path(digest), topic_path(digest, topic))
        facts = " · ".join(_facts(topic, messages))
        lines.append(f"{number}. [{title}]({link})" + (f" · {facts}" if facts else "") + "  ")
        lines.append("    " + summary_markdown(topic, translated, context))
    references = original.references or digest.references
    if references is not None:
        lines += ["", _heading(2, references.title, references.anchor, references.title), ""]
        body = _nodes(references.body, 3, messages)
        lines += (
            body
            if original.references
            else html_block(f'div.kb-original[lang="{digest.language}"]', body)
        )
    return join_lines(lines)


# The digests the home page lists with their topics: the latest. Every
# digest is on the timeline; all of them here would grow the home page with
# the archive (a topic and its summary each).
HOME_DIGESTS = 12


def render_home(archive: Archive, context: Context) -> str:
    messages = context.messages
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
        shown = archive.translation(digest, context.language)
        link = relative(path, digest_path(digest))
        lines += [
            f"### [{digest_title_markdown(digest, messages)}]({link}) {{ #digest-{digest.id} }}",
            "",
        ]
        for topic in digest.topics:
            translated = shown.topic(topic.slug) if shown else None
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


def render_translations(archive: Archive, context: Context, targets: tuple[str, ...]) -> str:
    """Which topics of every digest exist in each translation language."""
    messages = context.messages
    path = translations_path()
    total = sum(len(digest.topics) for digest in archive.digests)
    done = dict.fromkeys(targets, 0)
    outdated = dict.fromkeys(targets, 0)
    body: list[str] = []
    for digest in reversed(archive.digests):
        link = relative(path, digest_path(digest))
        body += [
            f"## [{digest_title_markdown(digest, messages)}]({link}) {{ #digest-{digest.id} }}",
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
            title = _shown_title(archive, digest, topic, context.language).replace("|", "\\|")
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


def _shown_title(archive: Archive, digest: Digest, topic: Topic, language: str) -> str:
    shown = archive.translation(digest, language)
    translated = shown.topic(topic.slug) if shown else None
    return plain_text((translated or topic).title)


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
    heading = escape(name)
    if term.names[other].lower() not in (term.names[language].lower(), *name.lower().split(" (")):
        heading += f' · *{escape(term.names[other])}*{{ lang="{other}" }}'
    lines = [_heading(3, heading, term.id, name), ""]
    # Each form once, whatever its case (BERT, Bert, bert), and none that the
    # heading already shows.
    shown = {term.names[language].lower(), term.names[other].lower()}
    also: list[str] = []
    for form in (
        *term.abbreviations,
        *term.aliases.get(language, ()),
        *(term.aliases.get(other, ()) if language == source_language else ()),
    ):
        if form.lower() not in shown:
            shown.add(form.lower())
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


def render_tags(archive: Archive, context: Context) -> str:
    """Every tag with how many topics carry it, each linking to its own listing.

    One listing of every topic under every tag grows with the archive (1 MB
    at 1000 topics); each tag's heading keeps the anchor Material gave that
    tag's listing here (``#tag:<slug>``), so links to it still land.
    """
    messages = context.messages
    path = tags_path()
    counts = Counter(tag for digest in archive.digests for t in digest.topics for tag in t.tags)
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
            f"<!-- material/tags {{ include: [{_yaml_string(name)}], toc: false }} -->",
        ]
    )


def nav(archive: Archive, messages: Messages, language: str) -> list:
    """The navigation, digests newest first and topics in source order."""
    digests = []
    for digest in reversed(archive.digests):
        shown = archive.translation(digest, language)
        topics = []
        for topic in digest.topics:
            translated = shown.topic(topic.slug) if shown else None
            topics.append({plain_text((translated or topic).title): topic_path(digest, topic)})
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


def _neighbours(archive: Archive, digest: Digest, path: str, messages: Messages) -> list[str]:
    """Links to the digests before and after ``digest``."""
    index = archive.digests.index(digest)
    links = []
    if index > 0:
        before = archive.digests[index - 1]
        links.append(
            messages(
                "timeline.previous",
                digest=digest_title_markdown(before, messages),
                link=relative(path, digest_path(before)),
            )
        )
    if index + 1 < len(archive.digests):
        after = archive.digests[index + 1]
        links.append(
            messages(
                "timeline.next",
                digest=digest_title_markdown(after, messages),
                link=relative(path, digest_path(after)),
            )
        )
    return [" · ".join(links), "{: .kb-timeline }", ""] if links else []


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


def questions_page_path(group: str, number: int = 1) -> str:
    """Page ``number`` of the questions of the topics tagged ``group``
    (a tag id, or ``untagged``)."""
    return f"questions/{group}.md" if number == 1 else f"questions/{group}-{number}.md"


def _questions_by_tag(archive: Archive, context: Context) -> dict[str, list[tuple]]:
    """Every question under each of its topic's tags (``untagged`` where it
    has none), newest digest first, in reading order within it."""
    groups: dict[str, list[tuple]] = {}
    for digest in reversed(archive.digests):
        shown_digest = archive.translation(digest, context.language)
        for topic in digest.topics:
            asked = questions(topic)
            if not asked:
                continue
            tags = [tag for tag in topic.tags if tag in context.tags] or ["untagged"]
            shown = shown_digest.topic(topic.slug) if shown_digest else None
            titles = {t.anchor: t.title for t in (questions(shown) if shown else [])}
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


def render_questions(archive: Archive, context: Context) -> str:
    """The question index: how many questions each tag's topics asked, each
    tag linking to its list. A question is listed under every tag of its
    topic; only the titles are listed, so search finds a question on its
    topic's page, not on a second copy here."""
    messages = context.messages
    path = questions_path()
    groups = _questions_by_tag(archive, context)
    total = sum(len(questions(topic)) for digest in archive.digests for topic in digest.topics)
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


def render_question_pages(archive: Archive, context: Context) -> list[tuple[str, str]]:
    """Each tag's questions, newest first, ``QUESTIONS_PER_PAGE`` to a page:
    (path, Markdown) pairs. Each question links to its ``#qN`` and says how
    many replies it has."""
    messages = context.messages
    pages = []
    for group, asked in _questions_by_tag(archive, context).items():
        chunks = [
            asked[start : start + QUESTIONS_PER_PAGE]
            for start in range(0, len(asked), QUESTIONS_PER_PAGE)
        ]
        name = escape(_group_name(group, context))
        for number, chunk in enumerate(chunks, start=1):
            path = questions_page_path(group, number)
            heading = name if len(chunks) == 1 else f"{name} ({number}/{len(chunks)})"
            lines = [
                *LIST_OF_PLACES,
                f"# {heading}",
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
                topic_title = escape(_shown_title(archive, digest, topic, context.language))
                count = answers(thread)
                facts = messages.count("answers", count) if count else messages("questions.open")
                shown_title = plain_text(title) or thread.anchor
                lines.append(
                    f"- [{escape(shown_title)}]({link}#{thread.anchor}) · {digest.id} · "
                    f"[{topic_title}]({link}) · *{facts}*"
                )
            pages.append((path, join_lines(lines)))
    return pages


def render_timeline(archive: Archive, context: Context) -> str:
    """Every digest, oldest first, grouped by year, with its topics."""
    messages = context.messages
    path = timeline_path()
    lines = [f"# {messages('timeline.title')}", "", messages("timeline.intro"), ""]
    year: int | None = 0
    for digest in archive.digests:
        if (digest.date.year if digest.date else None) != year:
            year = digest.date.year if digest.date else None
            heading = messages("timeline.undated") if year is None else str(year)
            lines += [f"## {heading} {{ #{'undated' if year is None else f'year-{year}'} }}", ""]
        link = relative(path, digest_path(digest))
        lines += [
            f"### [{digest_title_markdown(digest, messages)}]({link}) {{ #digest-{digest.id} }}",
            "",
        ]
        for topic in digest.topics:
            title = _shown_title(archive, digest, topic, context.language)
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


# The glossary, the paper index and the tag index name every term, paper and
# tag: a search for one should list the discussions of it first, and the
# reference entry after.
REFERENCE_PAGE = ("---", "search:", "  boost: 0.5", "---", "")
# The pages that only list where something is discussed: a search should
# find the glossary, the paper index and the topics, not a list of them.
LIST_OF_PLACES = ("---", "search:", "  exclude: true", "---", "")

RELATED_ANCHOR, MENTIONED_ANCHOR, GRAPH_ANCHOR = "related", "mentioned-in", "graph"
# Material's search leaves out a section under a heading with this attribute,
# and a block with it: lists of other pages' titles, where a search for those
# titles should not land.
NOT_SEARCHED = "data-search-exclude"
# Material shows a preview of the linked page on hover or focus for a link
# with this attribute: the topic links of the lists of related, mentioning
# and discussing topics and of the graph. Only those, not every link
# (navigation.instant.preview): a glossary term's link keeps its definition
# as its tooltip, which a preview would replace.
PREVIEW = "data-preview"
# The sections render_connections ends a topic page with.
CONNECTION_ANCHORS = frozenset({RELATED_ANCHOR, MENTIONED_ANCHOR, GRAPH_ANCHOR})


def render_connections(
    archive: Archive,
    digest: Digest,
    topic: Topic,
    relations: tuple,
    backlinks: list,
    names: dict[str, str],
    paper_names: dict[str, str],
    context: Context,
) -> list[str]:
    """The "related topics" and "mentioned in" sections that end a topic page.

    A relation says what the topics share in words: a paper by its name (an
    arXiv id only where the data has no title for it), a term by its name,
    a tag by its name."""
    messages = context.messages
    path = topic_path(digest, topic)
    lines: list[str] = []
    if relations:
        lines += [f"## {messages('related.title')} {{ #{RELATED_ANCHOR} {NOT_SEARCHED} }}", ""]
        for relation in relations:
            other_digest = archive.digest(relation.topic.digest)
            other = other_digest.topic(relation.topic.slug)
            title = _shown_title(archive, other_digest, other, context.language)
            shared = [
                *(paper_names.get(paper) or f"arXiv:{paper}" for paper in relation.papers),
                *(names.get(t, t) for t in relation.terms),
                *(
                    context.tags[t].name(context.language)
                    for t in relation.tags
                    if t in context.tags
                ),
            ]
            shared = list(dict.fromkeys(shared))
            reason = messages("related.shares", items=", ".join(shared[:6]))
            lines.append(
                f"- [{escape(title)}]({relative(path, topic_path(other_digest, other))})"
                f"{{ {PREVIEW} }} · {other_digest.id} · *{escape(reason)}*"
            )
        lines.append("")
    if backlinks:
        lines += [f"## {messages('mentioned.title')} {{ #{MENTIONED_ANCHOR} {NOT_SEARCHED} }}", ""]
        seen = set()
        for mention in backlinks:
            key = (mention.source, mention.anchor)
            if key in seen:
                continue
            seen.add(key)
            source_digest = archive.digest(mention.source.digest)
            source = source_digest.topic(mention.source.slug)
            title = _shown_title(archive, source_digest, source, context.language)
            target = relative(path, topic_path(source_digest, source))
            fragment = "" if mention.anchor == source.slug else f"#{mention.anchor}"
            lines.append(
                f"- [{escape(title)}]({target}{fragment}){{ {PREVIEW} }} · {source_digest.id}"
            )
        lines.append("")
    return lines


def topic_summary(topic: Topic, shown: Topic | None, language: str) -> tuple[str, bool]:
    """The topic's one-line summary in ``language``, and whether it is only an excerpt.

    A summary is the site's own words, from the digest's sidecar. Without one
    in this language, the first sentence of the topic's opening post stands
    in (:func:`kb.excerpt.opening`), marked as such wherever it is shown.
    """
    if topic.summary.get(language):
        return topic.summary[language], False
    return excerpt.opening((shown or topic).body), True


def summary_line(summary: tuple[str, bool], digest: Digest, title: str, context: Context) -> str:
    """A :func:`topic_summary` as a line of text (a page's description, a feed
    entry): an excerpt says it is one; a topic with neither says what it is."""
    text, is_excerpt = summary
    if not text:
        return context.messages(
            "summary.none",
            title=plain_text(title),
            digest=digest_title(digest, context.messages),
        )
    return context.messages("summary.excerpt") + text if is_excerpt else text


def summary_markdown(topic: Topic, shown: Topic | None, context: Context) -> str:
    text, is_excerpt = topic_summary(topic, shown, context.language)
    if not text:
        return ""
    if is_excerpt:
        label = context.messages("summary.excerpt")
        return f"*{escape(label)}{escape(text)}*{{ .kb-summary .kb-excerpt }}"
    return f"*{escape(text)}*{{ .kb-summary }}"


def node_path(node_id: str) -> str:
    """The page (and anchor) a graph node stands for, docs-relative."""
    key = topic_key(node_id)
    if key is not None:
        return topic_key_path(key.digest, key.slug)
    kind, _, name = node_id.partition(":")
    if kind == "term":
        return f"{glossary_path()}#{name}"
    return f"{papers_path()}#{paper_anchor(name)}"


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


def render_graph_section(node_id: str, context: Context) -> list[str]:
    """The small graph that ends a topic page: the topic and what it joins."""
    messages = context.messages
    return [
        f"## {messages('graph.local')} {{ #{GRAPH_ANCHOR} {NOT_SEARCHED} }}",
        "",
        messages("graph.local_intro", link=relative(node_path(node_id), graph_path())),
        "",
        f"{GRAPH_MARKER}{node_id}",
        "",
    ]


def _facts(topic: Topic, messages: Messages) -> Iterator[str]:
    questions = sum(1 for thread in topic.threads if thread.label.role is Role.QUESTION)
    discussions = len(topic.threads) - questions
    for key, n in (
        ("questions", questions),
        ("discussions", discussions),
        ("sections", len(topic.sections)),
        ("speakers", len(topic.speakers)),
    ):
        if n:
            yield messages.count(key, n)


def _front_matter(
    tag_ids: Iterable[str],
    context: Context,
    description: str = "",
    summary: str = "",
    digest_id: str = "",
) -> list[str]:
    names = [context.tags[tag].name(context.language) for tag in tag_ids if tag in context.tags]
    if not names and not description:
        return []
    lines = ["---"]
    if names:
        lines += ["tags:", *(f"  - {_yaml_string(name)}" for name in names)]
    if description:
        # Material writes it as the page's <meta name="description">, as it
        # is: escaped here, or a note's `<svg onload=…>` (an excerpt is the
        # note's own text) would be markup in <head>, before the CSP.
        lines.append(f"description: {_yaml_string(html.escape(description))}")
    if summary:
        lines.append(f"summary: {_yaml_string(summary)}")  # for the tag index, which escapes it
    if digest_id:
        # The tag index tells apart topics of the same title ("简短问答" every week).
        lines.append(f"digest: {_yaml_string(digest_id)}")
    return [*lines, "---", ""]


def _yaml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _outdated(digest: Digest, topic: Topic, context: Context) -> list[str]:
    """The notice of a translation whose original changed after it was made."""
    messages = context.messages
    text = messages("outdated.text")
    if context.source_url:
        text += " " + messages("outdated.link", url=_source_url(context, digest, topic.line))
    return _notice(messages("outdated.title"), text)


def _untranslated(key: str, context: Context) -> list[str]:
    messages = context.messages
    return _notice(messages("untranslated.title"), messages(key, link=context.translate_url))


def _notice(title: str, text: str) -> list[str]:
    """A notice at the top of a page, kept out of search: a result shows the
    topic's own words, not the notice (Material's data-search-exclude)."""
    return [
        "/// html | div.kb-notice[data-search-exclude]",
        "",
        f'!!! warning "{title}"',
        "",
        "    " + text,
        "",
        "///",
        "",
    ]


def _source_url(context: Context, digest: Digest, line: int) -> str:
    """Where ``line`` of ``digest``'s file is on the forge."""
    return f"{context.source_url}/{posixpath.basename(digest.path)}#L{line}"


def _editor_notes(
    context: Context, digest: Digest, topic: Topic, shown: Topic | None
) -> dict[tuple[int, ...], list[str]]:
    """The editor's notes of a topic page, by the path of the node each follows.

    A translation has its source's shape (kb.pairing checks it); a note whose
    node the translation lacks goes to the end of the page (path ``()``).
    """
    notes: dict[tuple[int, ...], list[str]] = {}
    for placed in context.editor_notes.get(digest.id, ()):
        if placed.topic != topic.slug:
            continue
        path = placed.path if shown is None or at_path(shown, placed.path) else ()
        notes.setdefault(path, []).extend(
            [
                f'!!! info kb-editor-note "{context.messages("editor.title")}"',
                "",
                "    " + placed.note.texts[context.language],
                "",
            ]
        )
    return notes


def _nodes(
    nodes: tuple[Node, ...],
    level: int,
    messages: Messages,
    notes: dict[tuple[int, ...], list[str]] | None = None,
    path: tuple[int, ...] = (),
    thread: str = "",
) -> list[str]:
    """Markdown for ``nodes``; the labelled turns of a thread (its anchor
    ``thread``) get anchors of their own, ``q1-2`` for its second reply, so
    a reader can link to one reply."""
    notes = notes or {}
    lines: list[str] = []
    replies = 0
    for index, node in enumerate(nodes):
        here = (*path, index)
        if isinstance(node, Turn):
            anchor = ""
            if thread and node.label is not None:
                replies += 1
                anchor = f"{thread}-{replies}"
            lines += _turn(node, messages, anchor)
            lines += notes.get(here, [])
        elif isinstance(node, Thread):
            label = label_text(node.label, messages)
            lines += [
                _heading(
                    level,
                    f"{label_markdown(node.label, messages, 'kb-label')} {node.title}",
                    node.anchor,
                    f"{label} {plain_text(node.title)}",
                ),
                "",
            ]
            lines += notes.get(here, [])
            lines += _nodes(node.body, level + 1, messages, notes, here, node.anchor)
        elif isinstance(node, Section):
            lines += [_heading(level, node.title, node.anchor, plain_text(node.title)), ""]
            lines += notes.get(here, [])
            lines += _nodes(node.body, level + 1, messages, notes, here)
    return lines


def _heading(level: int, text: str, anchor: str, label: str) -> str:
    """A heading whose anchor and table-of-contents label no title can break.

    The label holds nothing an inline pattern (a bare URL, emphasis, code,
    HTML) would turn into markup, so the marker stays one run of text.
    """
    marker = heading_marker(anchor, toc_label(label) if label else "")
    return f"{'#' * min(level, 6)} {marker}{text}{TITLE_END}"


_URL_IN_LABEL = re.compile(r"(?i)\b(?:https?|ftp)://(?:www\.)?([^/\s?#]*)[^\s]*")
_TOC_UNSAFE = re.compile(r"[\\`*_{}\[\]<>#|!\"~^$&]+")


def toc_label(text: str) -> str:
    """A short plain label: a URL as its host, no Markdown characters."""
    text = _TOC_UNSAFE.sub(" ", _URL_IN_LABEL.sub(r"\1", text))
    return shorten(re.sub(r"\s+", " ", text).strip()) or "…"


def _turn(turn: Turn, messages: Messages, anchor: str = "") -> list[str]:
    if turn.label is None:
        return _chunks(turn.chunks)
    label = label_markdown(turn.label, messages, "kb-speaker", anchor)
    if turn.label.role is Role.REPLY:
        # The site's label, not the digest's: marked and explained as such.
        note = messages("label.reply_note").replace('"', "'")
        text = f"**{label_text(turn.label, messages)}**"
        if anchor:
            text = f"[{text}](#{anchor})"
        label = f'{text}{{ .kb-speaker .kb-inferred title="{note}" }}'
    chunks = list(turn.chunks)
    if chunks and chunks[0].kind == "paragraph":
        first = chunks[0]
        chunks[0] = Chunk(first.line, (f"{label} {first.lines[0]}", *first.lines[1:]), first.kind)
        content = _chunks(chunks)
    else:
        content = [label, "", *_chunks(chunks)]
    role = turn.label.role.value
    selector = f"div.kb-turn.kb-turn--{role}"
    if turn.label.role is Role.SPEAKER:
        selector += f".kb-speaker-{_speaker_colour(turn.label)}"
    if anchor:
        selector += f"#{anchor}"
    return html_block(selector, content)


def _speaker_colour(label: Label) -> int:
    """One of six colours; speakers 1 and A get the first."""
    order = label.number - 1 if label.number is not None else ord(label.name) - ord("A")
    return order % 6 + 1


def _chunks(chunks: Iterable[Chunk]) -> list[str]:
    lines: list[str] = []
    for chunk in chunks:
        if chunk.raw_html:
            fence = "`" * max(
                3,
                1
                + max(
                    (len(run) for line in chunk.lines for run in _BACKTICK_RUN.findall(line)),
                    default=0,
                ),
            )
            lines += [f"{fence}html", *chunk.lines, fence, ""]
        else:
            lines += [*chunk.lines, ""]
    return lines


def html_block(selector: str, content: list[str]) -> list[str]:
    """A ``pymdownx.blocks.html`` container whose fence no content line can close.

    Nested containers come out right by themselves: the inner fences are
    content lines of the outer one, which therefore gets a longer fence.
    """
    longest = max(
        (len(match.group(1)) for line in content if (match := _SLASH_RUN.match(line))), default=2
    )
    fence = "/" * (longest + 1)
    return [f"{fence} html | {selector}", "", *content, fence, ""]


def join_lines(lines: list[str]) -> str:
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n"
