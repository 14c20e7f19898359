"""Note pages as Markdown: each digest's page and each topic's.

Note text is copied line by line; only structure is added around it:
headings with fixed anchors for threads and ``###`` items, and
``pymdownx.blocks.html`` containers for labelled turns.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Iterator

from . import excerpt
from .crosslinks import CrossLinks
from .edition import Context, Edition
from .editornotes import at_path
from .graph import topic_id
from .messages import Messages
from .model import Archive, Chunk, Digest, Label, Node, Role, Section, Thread, Topic, Turn
from .paths import digest_path, graph_path, node_path, relative, topic_path
from .related import Relation, TopicKey
from .writing import (
    GRAPH_MARKER,
    NOT_SEARCHED,
    PREVIEW,
    escape,
    heading,
    html_block,
    join_lines,
    notice,
    plain_text,
    yaml_string,
)

_BACKTICK_RUN = re.compile(r"`+")


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


def render_topic(
    edition: Edition,
    digest: Digest,
    topic: Topic,
    context: Context,
    links: CrossLinks,
    relations: tuple[Relation, ...],
) -> str:
    """A topic page in ``context.language``: the translation, or the source
    under a notice; it ends with the topics it relates to (``relations``),
    those that name it, and its neighbourhood in the graph."""
    messages = context.messages
    translated_digest = edition.translated(digest)
    translated = edition.translated_topic(digest, topic)
    path = topic_path(digest, topic)
    position = digest.topics.index(topic) + 1
    summary = topic_summary(topic, translated, context.language)
    described = summary_line(summary, digest, (translated or topic).title, context)
    listed = described if summary[0] else ""
    lines = _front_matter(topic.tags, context, described, listed, digest.id)
    if translated is None:
        lines += _untranslated("untranslated.topic", context)
    elif edition.archive.translation_state(digest, edition.language, topic.slug) == "outdated":
        lines += _outdated(digest, topic, context)
    source_line = messages(
        "topic.source",
        digest=digest_title_markdown(digest, messages),
        link=relative(path, digest_path(digest)),
        position=position,
        count=len(digest.topics),
    )
    title = [heading(1, (translated or topic).title, topic.slug, ""), ""]
    notes = _editor_notes(context, digest, topic, translated)
    body = _nodes((translated or topic).body, 2, messages, notes)
    body += notes.get((), [])
    if translated is None:
        language = f'div.kb-original[lang="{digest.language}"]'
        title, body = html_block(language, title), html_block(language, body)
    source_line += " · " + context.last_updated(translated_digest or digest)
    if context.source_url:
        origin, line = translated_digest or digest, (translated or topic).line
        url = _source_url(context, origin, line)
        source_line += " · " + messages("topic.view_source", line=line, url=url)
    about = [
        source_line,
        "{: .kb-source }",
        "",
        *_neighbours(edition.archive, digest, path, messages),
    ]
    key = TopicKey(digest.id, topic.slug)
    ending = _connections(edition, digest, topic, relations, links, context)
    ending += _graph_section(topic_id(key), context)
    return join_lines(lines + title + about + body) + "\n" + join_lines(ending)


def render_digest(edition: Edition, digest: Digest, context: Context) -> str:
    messages = context.messages
    translation = edition.translated(digest)
    lines = [f"# {digest_title_markdown(digest, messages)}", ""]
    lines += _neighbours(edition.archive, digest, digest_path(digest), messages)
    if translation is None:
        lines += _untranslated("untranslated.digest", context)
    original = translation or digest
    preamble: list[str] = []
    if original.title and plain_text(original.title) != digest_title(digest, messages):
        # The note's own heading, under the page's: a lead line, not a second h1.
        preamble += [f"**{original.title}**", "{: .kb-note-title }", ""]
    preamble += _chunks(original.preamble)
    if preamble:
        lines += (
            preamble
            if translation
            else html_block(f'div.kb-original[lang="{digest.language}"]', preamble)
        )
    lines += [context.last_updated(translation or digest), "{: .kb-source }", ""]
    lines += [messages("digest.intro", topics=messages.count("topics", len(digest.topics))), ""]
    for number, topic in enumerate(digest.topics, start=1):
        translated = edition.translated_topic(digest, topic)
        title = (translated or topic).title
        link = relative(digest_path(digest), topic_path(digest, topic))
        facts = " · ".join(_facts(topic, messages))
        lines.append(f"{number}. [{title}]({link})" + (f" · {facts}" if facts else "") + "  ")
        lines.append("    " + summary_markdown(topic, translated, context))
    references = original.references or digest.references
    if references is not None:
        lines += ["", heading(2, references.title, references.anchor, references.title), ""]
        body = _nodes(references.body, 3, messages)
        lines += (
            body
            if original.references
            else html_block(f'div.kb-original[lang="{digest.language}"]', body)
        )
    return join_lines(lines)


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


RELATED_ANCHOR, MENTIONED_ANCHOR, GRAPH_ANCHOR = "related", "mentioned-in", "graph"
# The sections that end a topic page (_connections, _graph_section).
CONNECTION_ANCHORS = frozenset({RELATED_ANCHOR, MENTIONED_ANCHOR, GRAPH_ANCHOR})


def _connections(
    edition: Edition,
    digest: Digest,
    topic: Topic,
    relations: tuple[Relation, ...],
    links: CrossLinks,
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
            other_digest = edition.archive.digest(relation.topic.digest)
            other = other_digest.topic(relation.topic.slug)
            title = edition.title(other_digest, other)
            shared = [
                *(links.paper_names.get(p) or f"arXiv:{p}" for p in relation.papers),
                *(links.term_names.get(t, t) for t in relation.terms),
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
    backlinks = links.backlinks.get(TopicKey(digest.id, topic.slug), ())
    if backlinks:
        lines += [f"## {messages('mentioned.title')} {{ #{MENTIONED_ANCHOR} {NOT_SEARCHED} }}", ""]
        seen = set()
        for mention in backlinks:
            key = (mention.source, mention.anchor)
            if key in seen:
                continue
            seen.add(key)
            source_digest = edition.archive.digest(mention.source.digest)
            source = source_digest.topic(mention.source.slug)
            title = edition.title(source_digest, source)
            target = relative(path, topic_path(source_digest, source))
            fragment = "" if mention.anchor == source.slug else f"#{mention.anchor}"
            lines.append(
                f"- [{escape(title)}]({target}{fragment}){{ {PREVIEW} }} · {source_digest.id}"
            )
        lines.append("")
    return lines


def topic_summary(topic: Topic, translated: Topic | None, language: str) -> tuple[str, bool]:
    """The topic's one-line summary in ``language``, and whether it is only an excerpt.

    A summary is the site's own words, from the digest's sidecar. Without one
    in this language, the first sentence of the topic's opening post stands
    in (:func:`kb.excerpt.opening`), marked as such wherever it is shown.
    """
    if topic.summary.get(language):
        return topic.summary[language], False
    return excerpt.opening((translated or topic).body), True


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


def summary_markdown(topic: Topic, translated: Topic | None, context: Context) -> str:
    text, is_excerpt = topic_summary(topic, translated, context.language)
    if not text:
        return ""
    if is_excerpt:
        label = context.messages("summary.excerpt")
        return f"*{escape(label)}{escape(text)}*{{ .kb-summary .kb-excerpt }}"
    return f"*{escape(text)}*{{ .kb-summary }}"


def _graph_section(node_id: str, context: Context) -> list[str]:
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
        lines += ["tags:", *(f"  - {yaml_string(name)}" for name in names)]
    if description:
        # Material writes it as the page's <meta name="description">, as it
        # is: escaped here, or a note's `<svg onload=…>` (an excerpt is the
        # note's own text) would be markup in <head>, before the CSP.
        lines.append(f"description: {yaml_string(html.escape(description))}")
    if summary:
        lines.append(f"summary: {yaml_string(summary)}")  # for the tag index, which escapes it
    if digest_id:
        # The tag index tells apart topics of the same title ("简短问答" every week).
        lines.append(f"digest: {yaml_string(digest_id)}")
    return [*lines, "---", ""]


def _outdated(digest: Digest, topic: Topic, context: Context) -> list[str]:
    """The notice of a translation whose original changed after it was made."""
    messages = context.messages
    text = messages("outdated.text")
    if context.source_url:
        text += " " + messages("outdated.link", url=_source_url(context, digest, topic.line))
    return notice(messages("outdated.title"), text)


def _untranslated(key: str, context: Context) -> list[str]:
    messages = context.messages
    return notice(messages("untranslated.title"), messages(key, link=context.translate_url))


def _source_url(context: Context, digest: Digest, line: int) -> str:
    """Where ``line`` of ``digest``'s file is on the forge."""
    return f"{context.source_url}/{posixpath.basename(digest.path)}#L{line}"


def _editor_notes(
    context: Context, digest: Digest, topic: Topic, translated: Topic | None
) -> dict[tuple[int, ...], list[str]]:
    """The editor's notes of a topic page, by the path of the node each follows.

    A translation has its source's shape (kb.pairing checks it); a note whose
    node the translation lacks goes to the end of the page (path ``()``).
    """
    notes: dict[tuple[int, ...], list[str]] = {}
    for placed in context.editor_notes.get(digest.id, ()):
        if placed.topic != topic.slug:
            continue
        path = placed.path if translated is None or at_path(translated, placed.path) else ()
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
                heading(
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
            lines += [heading(level, node.title, node.anchor, plain_text(node.title)), ""]
            lines += notes.get(here, [])
            lines += _nodes(node.body, level + 1, messages, notes, here)
    return lines


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
