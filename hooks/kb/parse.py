"""Split a digest into topics and its discussion structure.

markdown-it-py finds the blocks (a ``## `` inside a code fence or an HTML
comment is no heading); each top-level block, with the lines up to the next
one, becomes a verbatim :class:`Chunk`, so every source line lands in exactly
one place. Labels (``研究员1：``, ``Q：``…) are read from the first line of
top-level paragraphs only.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass, field
from types import MappingProxyType

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .labels import split_label
from .language import HAN
from .metadata import DigestMeta, TopicMeta
from .model import (
    Chunk,
    Digest,
    Label,
    Node,
    Problem,
    ProblemLog,
    Role,
    Section,
    Thread,
    Topic,
    Turn,
)
from .slugs import is_slug, slugify, unique
from .urls import BARE_URL

# A dated digest (20231112.md) or a named note (compression.md), with an
# optional language suffix for a translation (20231112.en.md).
NOTE_NAME = re.compile(
    r"^(?:(?P<date>\d{8})|(?P<name>[a-z][a-z0-9]*(?:-[a-z0-9]+)*))"
    r"(?:\.(?P<language>[a-z]{2}))?\.md$"
)
_EXPLICIT_ID = re.compile(r"\s*\{\s*#(?P<id>[^\s{}]+)\s*\}\s*$")
_THREAD_PREFIX = MappingProxyType({Role.QUESTION: "q", Role.DISCUSSION: "d"})
DEFAULT_SLUG_LENGTH = 48
SECTION_ANCHOR_LENGTH = 40


# One parser for every note: building one takes as long as parsing a digest.
@functools.lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Blocks and their line ranges are all the model needs; an inline
    # token's raw content is set by the block parser. Parsing every line's
    # inline markup as well took a third of the time.
    return MarkdownIt("commonmark", {"html": True}).enable("table").disable(["inline", "text_join"])


@dataclass(frozen=True)
class _Block:
    """A top-level token with its source line range ``[start, end)``."""

    token: Token
    inline: str
    start: int
    end: int

    @property
    def heading_level(self) -> int | None:
        if self.token.type == "heading_open":
            return int(self.token.tag[1])
        return None


@dataclass(frozen=True)
class NoteName:
    """What a note's file name says: its id, its date if any, a translation's language."""

    id: str
    date: datetime.date | None
    language: str | None


def note_name(file_name: str) -> NoteName | None:
    """``20231112.en.md`` → (``2023-11-12``, that date, ``en``); ``None`` if no note name."""
    match = NOTE_NAME.match(file_name)
    if not match:
        return None
    if match["name"]:
        return NoteName(match["name"], None, match["language"])
    try:
        date = datetime.datetime.strptime(match["date"], "%Y%m%d").date()
    except ValueError:
        return None
    return NoteName(date.isoformat(), date, match["language"])


_LATIN = re.compile(r"[A-Za-z]")


def heading_language(digest: Digest, default: str, latin: str = "en") -> str:
    """The language a note's headings are written in: ``latin`` if none has a Han character.

    A digest's headings name its topics and are what readers navigate by:
    the archive's Chinese digests give at least one of them in Chinese,
    even where most are English jargon (``Paper: FUDAN NLP loraMoE``), while
    an essay such as ``compression.md`` gives all of them in English.
    """
    titles = [digest.title, *(topic.title for topic in digest.topics)]
    if any(HAN.search(title) for title in titles):
        return default
    return latin if any(_LATIN.search(title) for title in titles) else default


_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def visible_title(title: str, source: str, path: str, line: int, problems: ProblemLog) -> str:
    """A heading without zero-width and bidirectional control characters.

    They are invisible, and a bidi override makes a heading read as text it
    does not contain; they are removed, and reported.
    """
    if not _INVISIBLE.search(title):
        return title
    problems.warning(
        "KB116",
        path,
        line,
        "invisible or bidirectional control characters in a heading (removed)",
        "delete them from the heading",
        col=_INVISIBLE.search(source).start() + 1,
    )
    return _INVISIBLE.sub("", title)


def split_explicit_id(title: str) -> tuple[str, str | None]:
    """``标题 {#slug}`` → (``标题``, ``slug``), the attr-list id syntax of headings."""
    match = _EXPLICIT_ID.search(title)
    if not match:
        return title.strip(), None
    return title[: match.start()].strip(), match["id"]


def parse_digest(
    text: str,
    *,
    path: str,
    date: datetime.date | None,
    language: str,
    metadata: DigestMeta | None = None,
    name: str | None = None,
) -> tuple[Digest, list[Problem]]:
    """The :class:`Digest` in ``text`` and everything wrong with it.

    ``name`` is the note's id; a dated digest's defaults to its date.
    """
    note_id = name or (date.isoformat() if date else "")
    lines = text.split("\n")
    blocks = _blocks(_parser().parse(text), len(lines))
    topic_starts = [index for index, block in enumerate(blocks) if block.heading_level == 2]
    problems = ProblemLog()
    if not topic_starts:
        problems.error(
            "KB104",
            path,
            1,
            "no topic heading ('## ') in this digest",
            "start every topic with a line '## 话题标题'",
        )
        return Digest(note_id, date, language, path, (), ()), problems

    note_title, title_line, preamble = _title_and_preamble(
        lines, blocks[: topic_starts[0]], path, problems
    )
    heads: list[tuple[_Block, str, str | None]] = []
    for index in topic_starts:
        title, explicit = split_explicit_id(blocks[index].inline)
        start = blocks[index].start
        title = visible_title(title, lines[start], path, start + 1, problems)
        heads.append((blocks[index], title, explicit))
    slugs = _assign_slugs(heads, metadata, path, problems)

    topics = []
    seen: dict[str, tuple[int, str]] = {}
    for number, index in enumerate(topic_starts):
        head, title, _ = heads[number]
        slug, meta = slugs[number]
        if slug in seen:
            first_line, first_title = seen[slug]
            problems.error(
                "KB106",
                path,
                head.start + 1,
                f"topic '{title}' gets the slug '{slug}', already used by "
                f"'{first_title}' on line {first_line}",
                "give one of them another slug with '{#another-slug}' after its heading",
            )
        seen.setdefault(slug, (head.start + 1, title))
        stop = topic_starts[number + 1] if number + 1 < len(topic_starts) else len(blocks)
        body = _structure(lines, blocks[index + 1 : stop], path, problems)
        if not body:
            problems.warning(
                "KB105",
                path,
                head.start + 1,
                f"topic '{title}' has no content",
                "write the discussion under the heading or remove the heading",
            )
        topics.append(
            Topic(
                slug,
                title,
                head.start + 1,
                body,
                meta.tags if meta else (),
                meta.aliases if meta else (),
                summary=meta.summary if meta else {},
            )
        )
    topics, references = _references(topics)
    digest = Digest(
        note_id, date, language, path, preamble, tuple(topics), note_title, title_line, references
    )
    return digest, problems


REFERENCE_ANCHOR = "references"
# What digests call a section that only lists links (compared without case,
# spaces and a trailing colon).
_REFERENCE_TITLES = frozenset(
    {"ref", "refs", "reference", "references", "参考", "参考资料", "参考文献", "相关材料"}
)


def _references(topics: list[Topic]) -> tuple[list[Topic], Section | None]:
    """``## ref:`` sections of plain text: one reference list of the digest.

    Only where something else is a topic, and only without labelled turns,
    threads or items: a section that discusses is a topic, whatever its name.
    """
    found = [
        topic
        for topic in topics
        if re.sub(r"[\s:：]+", "", topic.title).lower() in _REFERENCE_TITLES
        and topic.body
        and all(isinstance(node, Turn) and node.label is None for node in topic.body)
    ]
    if not found or len(found) == len(topics):
        return topics, None
    body = tuple(node for topic in found for node in topic.body)
    first = found[0]
    return [t for t in topics if t not in found], Section(
        REFERENCE_ANCHOR, 2, first.title, first.line, body
    )


def _title_and_preamble(
    lines: list[str], blocks: list[_Block], path: str, problems: ProblemLog
) -> tuple[str, int, tuple[Chunk, ...]]:
    """The note's first ``# `` heading before its topics, and the other blocks there."""
    title, title_line, rest = "", 0, []
    for block in blocks:
        if block.heading_level == 1 and not title_line:
            heading = split_explicit_id(block.inline)[0]
            title = visible_title(heading, lines[block.start], path, block.start + 1, problems)
            title_line = block.start + 1
            continue
        rest.append(_chunk(lines, block, None))
    return title, title_line, tuple(chunk for chunk in rest if chunk.lines)


def _blocks(tokens: list[Token], line_count: int) -> list[_Block]:
    """Top-level blocks; each owns the lines up to the next block's first line."""
    starts = [
        (index, token)
        for index, token in enumerate(tokens)
        if token.level == 0 and token.nesting >= 0 and token.map is not None
    ]
    blocks = []
    for position, (index, token) in enumerate(starts):
        end = starts[position + 1][1].map[0] if position + 1 < len(starts) else line_count
        inline = ""
        if token.type in ("heading_open", "paragraph_open"):
            inline = tokens[index + 1].content
        blocks.append(_Block(token, inline, token.map[0], end))
    return blocks


def _chunk(lines: list[str], block: _Block, label_rest: str | None) -> Chunk:
    """The lines of ``block`` without trailing blanks, the label cut off the first."""
    text = lines[block.start : block.end]
    start = block.start + 1
    if label_rest is not None:
        if label_rest.strip():
            text = [label_rest, *text[1:]]
        else:
            text, start = text[1:], start + 1
    while text and not text[-1].strip():
        text.pop()
    while text and not text[0].strip():
        text, start = text[1:], start + 1
    return Chunk(start, tuple(text), block.token.type.removesuffix("_open"))


@dataclass
class _OpenSection:
    level: int
    anchor: str
    title: str
    line: int
    body: list[Node] = field(default_factory=list)


@dataclass
class _OpenThread:
    label: Label
    anchor: str
    title: str
    line: int
    body: list[Turn] = field(default_factory=list)


@dataclass
class _OpenTurn:
    label: Label | None
    line: int
    chunks: list[Chunk] = field(default_factory=list)


@dataclass
class _Open:
    """What is being built while walking a topic: sections, a thread, a turn."""

    sections: list[_OpenSection] = field(default_factory=list)
    root: list[Node] = field(default_factory=list)
    thread: _OpenThread | None = None
    turn: _OpenTurn | None = None
    replied: bool = False  # the open thread has a reply
    # The open thread's question is numbered (Q4) and its answer (A4) given:
    # a researcher speaking next speaks to the topic again, not to it.
    answered_in_pair: bool = False

    def container(self) -> list[Node]:
        return self.sections[-1].body if self.sections else self.root

    def close_turn(self) -> None:
        if self.turn is None:
            return
        turn = Turn(self.turn.label, self.turn.line, tuple(self.turn.chunks))
        (self.thread.body if self.thread else self.container()).append(turn)
        self.turn = None

    def close_thread(self) -> None:
        self.close_turn()
        if self.thread is None:
            return
        thread = self.thread
        self.container().append(
            Thread(thread.anchor, thread.label, thread.line, thread.title, tuple(thread.body))
        )
        self.thread = None
        self.replied = self.answered_in_pair = False

    def close_sections(self, level: int) -> None:
        self.close_thread()
        while self.sections and self.sections[-1].level >= level:
            done = self.sections.pop()
            self.container().append(
                Section(done.anchor, done.level, done.title, done.line, tuple(done.body))
            )


def _structure(
    lines: list[str], blocks: list[_Block], path: str, problems: ProblemLog
) -> tuple[Node, ...]:
    state = _Open()
    anchors: set[str] = set()
    counters = {Role.QUESTION: 0, Role.DISCUSSION: 0}
    for block in blocks:
        level = block.heading_level
        if level is not None:
            if level == 1:
                # Shown, and nothing is lost: a hint for contributors, not a
                # reason for a real digest to fail a strict build.
                problems.info(
                    "KB111",
                    path,
                    block.start + 1,
                    "a level-1 heading inside a topic is shown as a section",
                    "use '### ' for items inside a topic",
                )
                level = 3
            title, explicit = split_explicit_id(block.inline)
            title = visible_title(title, lines[block.start], path, block.start + 1, problems)
            anchor = (
                explicit
                if explicit and is_slug(explicit)
                else (slugify(title, max_length=SECTION_ANCHOR_LENGTH) or f"s{len(anchors) + 1}")
            )
            anchor = unique(anchor, anchors)
            anchors.add(anchor)
            state.close_sections(level)
            state.sections.append(_OpenSection(level, anchor, title, block.start + 1))
            continue
        labelled = split_label(lines[block.start]) if block.token.type == "paragraph_open" else None
        if labelled is None:
            chunk = _chunk(lines, block, None)
            if state.thread is not None and state.replied and _starts_an_item(block):
                state.close_thread()  # a new link or paper, not more of the reply
            elif (
                state.thread is not None
                and state.thread.label.role is Role.QUESTION
                and not state.replied
                and chunk.lines
                and not chunk.translator_note
            ):
                # What follows a question, labelled or not, is its reply (a
                # discussion's own paragraphs go on until someone follows up).
                state.close_turn()
                state.turn = _OpenTurn(Label(Role.REPLY), chunk.line)
                state.replied = True
            if state.turn is None:
                state.turn = _OpenTurn(None, chunk.line)
            if chunk.lines:
                state.turn.chunks.append(chunk)
            continue
        label, rest = labelled
        if label.opens_thread:
            state.close_thread()
            counters[label.role] += 1
            anchor = unique(f"{_THREAD_PREFIX[label.role]}{counters[label.role]}", anchors)
            anchors.add(anchor)
            title, chunk = _thread_title(lines, block, rest)
            state.thread = _OpenThread(label, anchor, title, block.start + 1)
            if chunk.lines:
                state.turn = _OpenTurn(None, chunk.line, [chunk])
            state.close_turn()  # the question's own paragraph; what follows replies
            continue
        if state.answered_in_pair and label.role is Role.SPEAKER:
            state.close_thread()
        state.close_turn()
        chunk = _chunk(lines, block, rest)
        state.turn = _OpenTurn(label, block.start + 1, [chunk] if chunk.lines else [])
        if state.thread is not None:
            state.replied = True
            question = state.thread.label
            if (
                label.role is Role.ANSWER
                and label.number is not None
                and label.number == question.number
            ):
                state.answered_in_pair = True
    state.close_sections(0)
    return tuple(state.root)


# A paragraph that starts a new item: a link first (after a bracketed
# label such as "（预训练数据集）"), as a digest lists papers and resources.
_ITEM_START = re.compile(
    rf"\s*(?:[（(][^）)\n]{{1,30}}[）)]\s*)?(?:{BARE_URL}|\[[^\]\n]+\]\({BARE_URL}\))",
    re.IGNORECASE,
)


def _starts_an_item(block: _Block) -> bool:
    return block.token.type == "paragraph_open" and bool(_ITEM_START.match(block.inline))


def _thread_title(lines: list[str], block: _Block, rest: str) -> tuple[str, Chunk]:
    """The question's first line becomes the thread title; the rest stays text."""
    if rest.strip():
        remainder = Chunk(block.start + 2, tuple(lines[block.start + 1 : block.end]))
        return rest.strip(), _trimmed(remainder)
    following = lines[block.start + 1 : block.end]
    if following and following[0].strip() and block.end - block.start > 1:
        remainder = Chunk(block.start + 3, tuple(lines[block.start + 2 : block.end]))
        return following[0].strip(), _trimmed(remainder)
    return "", _trimmed(Chunk(block.start + 2, tuple(following)))


def _trimmed(chunk: Chunk) -> Chunk:
    text, start = list(chunk.lines), chunk.line
    while text and not text[-1].strip():
        text.pop()
    while text and not text[0].strip():
        text, start = text[1:], start + 1
    return Chunk(start, tuple(text), chunk.kind)


def _assign_slugs(
    heads: list[tuple[_Block, str, str | None]],
    metadata: DigestMeta | None,
    path: str,
    problems: ProblemLog,
) -> list[tuple[str, TopicMeta | None]]:
    """Explicit ``{#slug}``, else the sidecar entry for the heading, else the default.

    A sidecar entry whose title no longer matches any heading is paired, in
    order, with the headings nothing else claimed: an edited title keeps its
    published URL.
    """
    entries = list(metadata.topics) if metadata else []
    by_title = {entry.title: entry for entry in entries}
    chosen: list[TopicMeta | None] = []
    for head, title, explicit in heads:
        if explicit is not None and not is_slug(explicit):
            problems.error(
                "KB107",
                path,
                head.start + 1,
                f"'{{#{explicit}}}' is not a valid slug",
                "use lowercase ASCII words joined by '-', e.g. {#knowledge-updates}",
            )
        entry = next((e for e in entries if e.slug == explicit), None) if explicit else None
        chosen.append(entry or by_title.get(title))
    claimed = {id(entry) for entry in chosen if entry is not None}
    orphans = [entry for entry in entries if id(entry) not in claimed]
    unmatched = [
        index for index, entry in enumerate(chosen) if entry is None and heads[index][2] is None
    ]
    if orphans and len(orphans) == len(unmatched):
        for index, entry in zip(unmatched, orphans, strict=True):
            chosen[index] = entry
            problems.info(
                "KB108",
                metadata.path,
                entry.line,
                f"heading '{heads[index][1]}' (line {heads[index][0].start + 1}) kept the "
                f"slug '{entry.slug}' recorded for '{entry.title}'",
                "update 'title' in the sidecar to the new heading",
            )
    else:
        for entry in orphans:
            problems.warning(
                "KB109",
                metadata.path,
                entry.line,
                f"no heading '{entry.title}' in the digest for slug '{entry.slug}'",
                "fix the title, or delete the entry if the topic was removed",
            )
    result = []
    for number, ((_, title, explicit), entry) in enumerate(
        zip(heads, chosen, strict=True), start=1
    ):
        if explicit is not None and is_slug(explicit):
            result.append((explicit, entry))
        elif entry is not None:
            result.append((entry.slug, entry))
        else:
            result.append(
                (slugify(title, max_length=DEFAULT_SLUG_LENGTH) or f"topic-{number}", None)
            )
    return result
