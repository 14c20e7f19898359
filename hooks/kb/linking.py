"""Links added to rendered pages: glossary terms, topic names, paper titles.

Python-Markdown tree processors, run after the table of contents is built
(so headings are never touched and their ids are known) and after MkDocs
has resolved the page's own ``.md`` links: the links made here are URLs
already, so MkDocs does not look each of them up again. Nothing is
linked inside headings, links, code, raw HTML shown as text, discussion
labels, or the lists of related and mentioning topics that end a topic
page. The glossary linker links the first mention of a term per section
and reports every mention with the section it is in, so the glossary can
list where each term is discussed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from .glossary import Term, TermFinder
from .notepages import CONNECTION_ANCHORS
from .papers import arxiv_id

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = frozenset({"p", "li", "td", "th", "dd", "dt", "blockquote", "figcaption"})
_SKIPPED_TAGS = frozenset({"a", "code", "pre", "script", "style", "kbd", "abbr"})
_SKIPPED_CLASSES = frozenset({"kb-raw", "kb-speaker", "kb-label", "headerlink"})


@dataclass(frozen=True)
class Heading:
    """The heading a link was made under: its anchor and its text."""

    anchor: str
    title: str


class TextLinker(Treeprocessor):
    """Walks the text of a page in reading order and turns spans of it into links.

    Headings, links, code, raw HTML shown as text and discussion labels are
    never searched; :meth:`heading` sees each heading pass, and
    :meth:`links` says which spans of a piece of text become which links.
    """

    def run(self, root: Element) -> None:
        self._inserted: set[int] = set()
        self.context = ""
        self.start()
        self._walk(root)

    def start(self) -> None:
        """Called before each page."""

    def heading(self, heading: Element) -> None:
        """Called for each heading, in reading order."""

    def links(self, text: str) -> list[tuple[int, int, Element]]:
        raise NotImplementedError

    def _walk(self, element: Element) -> None:
        outer = self.context
        if element.tag in _BLOCKS:
            # The paragraph a piece of text stands in: what fixes a loose word's sense.
            self.context = "".join(element.itertext())
        self._walk_children(element)
        self.context = outer

    def _walk_children(self, element: Element) -> None:
        self._splice(element, "text", element, 0)
        index = 0
        while index < len(element):
            child = element[index]
            index += 1
            if child.tag in HEADINGS:
                if child.get("id") in CONNECTION_ANCHORS:
                    # The lists of other topics that end a topic page: their
                    # titles and shared terms are not this topic's discussion.
                    return
                self.heading(child)
            elif id(child) in self._inserted:
                continue  # a link made here: its tail is text already searched
            elif not _skipped(child):
                self._walk(child)
            # Links made of the tail go right after the child, and are skipped.
            self._splice(child, "tail", element, index)

    def _splice(self, holder: Element, attribute: str, parent: Element, index: int) -> None:
        text = getattr(holder, attribute)
        if not text:
            return
        pieces: list[Element] = []
        position = 0
        kept = ""
        for start, end, link in self.links(text):
            if start < position:
                continue
            link.text = text[start:end]
            if pieces:
                pieces[-1].tail = text[position:start]
            else:
                kept = text[position:start]
            pieces.append(link)
            position = end
        if not pieces:
            return
        pieces[-1].tail = text[position:]
        setattr(holder, attribute, kept)
        for offset, piece in enumerate(pieces):
            parent.insert(index + offset, piece)
            self._inserted.add(id(piece))


class GlossaryLinker(TextLinker):
    """The first mention of each term per section links to its glossary entry."""

    def __init__(
        self,
        md: Markdown,
        matcher: TermFinder,
        href: Callable[[Term], str | None],
        language: str,
        report: Callable[..., None],
    ) -> None:
        super().__init__(md)
        self.matcher = matcher
        self.href = href
        self.language = language
        self.report = report

    def start(self) -> None:
        self._section = Heading("", "")
        self._linked: set[str] = set()
        self._heading_loose: set[str] = set()

    def heading(self, heading: Element) -> None:
        self._section = Heading(heading.get("id", ""), _heading_text(heading))
        self._linked = set()
        # A heading is never linked, but what it names its section discusses.
        named = self.matcher.find(self._section.title)
        for mention in named:
            self.report(mention.value, self._section, True)
        # A loose word of a heading (模型外推) takes its sense from the section
        # it heads: it names the term once the section's text mentions it.
        kept = {mention.value.id for mention in named}
        self._heading_loose = {
            found.value.id
            for found in self.matcher.matcher.find(self._section.title)
            if found.value.id not in kept
        }

    def links(self, text: str) -> list[tuple[int, int, Element]]:
        spans = []
        for mention in self.matcher.find(text, self.context or text):
            term = mention.value
            href = self.href(term)
            if href is None:
                continue
            self.report(term, self._section, term.id in self._heading_loose)
            self._heading_loose.discard(term.id)
            if term.id in self._linked:
                continue
            self._linked.add(term.id)
            link = Element(
                "a", {"href": href, "title": term.short[self.language], "class": "kb-term"}
            )
            spans.append((mention.start, mention.end, link))
        return spans


def _heading_text(heading: Element) -> str:
    """A heading's words, without its permalink."""
    parts = [heading.text or ""]
    for child in heading:
        if "headerlink" not in (child.get("class") or ""):
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    return "".join(parts).strip()


def _skipped(element: Element) -> bool:
    classes = set((element.get("class") or "").split())
    return element.tag in _SKIPPED_TAGS or bool(classes & _SKIPPED_CLASSES)


class GlossaryExtension(Extension):
    """Links glossary terms, on the pages for which ``active()`` is true."""

    def __init__(
        self,
        matcher: TermFinder,
        href: Callable[[Term], str | None],
        language: str,
        report: Callable[..., None],
        active: Callable[[], bool],
    ) -> None:
        super().__init__()
        self.matcher = matcher
        self.href = href
        self.language = language
        self.report = report
        self.active = active

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown API)
        # MkDocs makes a Markdown instance per page: pages that get no links
        # are not searched at all.
        if not self.active():
            return
        # After MkDocs' link resolution (0), which would look every term's
        # link up again; before the sanitizer (-10), which checks every link.
        md.treeprocessors.register(
            GlossaryLinker(md, self.matcher, self.href, self.language, self.report),
            "kb_glossary",
            -2,
        )


class PaperLinker(Treeprocessor):
    """arXiv links show the paper's title, and get a link to its index entry."""

    def __init__(
        self,
        md: Markdown,
        titles: Callable[[str], str | None],
        entry: Callable[[str], tuple[str, str] | None],
    ) -> None:
        super().__init__(md)
        self.titles = titles
        self.entry = entry

    def run(self, root: Element) -> None:
        for parent in list(root.iter()):
            for index, link in reversed(list(enumerate(parent))):
                if link.tag != "a" or "href" not in link.attrib:
                    continue
                paper = arxiv_id(link.get("href"))
                title = self.titles(paper) if paper else None
                target = self.entry(paper) if title else None
                if title is None or target is None:
                    continue
                link.set("title", title)
                href, text = target
                badge = Element("a", {"href": href, "class": "kb-paper", "title": title})
                badge.text = text
                badge.tail, link.tail = link.tail, None
                parent.insert(index + 1, badge)


class PaperExtension(Extension):
    """Decorates arXiv links, on the pages for which ``active()`` is true."""

    def __init__(
        self,
        titles: Callable[[str], str | None],
        entry: Callable[[str], tuple[str, str] | None],
        active: Callable[[], bool],
    ) -> None:
        super().__init__()
        self.titles = titles
        self.entry = entry
        self.active = active

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown API)
        if not self.active():
            return  # as GlossaryExtension
        # After the glossary links (-2), also after MkDocs' link resolution.
        md.treeprocessors.register(PaperLinker(md, self.titles, self.entry), "kb_papers", -3)


class ExternalImages(Treeprocessor):
    """An image on another host becomes a link to it: a page view loads
    nothing from a third party (many readers are in mainland China, and the
    host may be gone), and the reader who wants the image opens it."""

    def __init__(self, md: Markdown, caption: Callable[[str, str], str]) -> None:
        super().__init__(md)
        self.caption = caption

    def run(self, root: Element) -> None:
        for parent in list(root.iter()):
            for index, image in enumerate(list(parent)):
                source = image.get("src", "") if image.tag == "img" else ""
                if not source.startswith(("http://", "https://", "//")):
                    continue
                link = Element("a", {"href": source, "class": "kb-image-link"})
                link.text = self.caption(source, image.get("alt", ""))
                link.tail = image.tail
                parent.remove(image)
                parent.insert(index, link)


class ImageExtension(Extension):
    """Turns images on other hosts into links, on every page."""

    def __init__(self, caption: Callable[[str, str], str]) -> None:
        super().__init__()
        self.caption = caption

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown API)
        md.treeprocessors.register(ExternalImages(md, self.caption), "kb_external_images", -4)


class MentionLinker(TextLinker):
    """Names of other topics in the text (“GPT的加法正确率”) link to those topics."""

    def __init__(
        self,
        md: Markdown,
        find: Callable[[str], list[tuple[int, int, object]]],
        href: Callable[[object], str | None],
    ) -> None:
        super().__init__(md)
        self.find = find
        self.href = href

    def links(self, text: str) -> list[tuple[int, int, Element]]:
        spans = []
        for start, end, target in self.find(text):
            href = self.href(target)
            if href is not None:
                spans.append((start, end, Element("a", {"href": href, "class": "kb-mention"})))
        return spans


class MentionExtension(Extension):
    """Links names of topics, on the pages for which ``active()`` is true."""

    def __init__(
        self,
        find: Callable[[str], list[tuple[int, int, object]]],
        href: Callable[[object], str | None],
        active: Callable[[], bool],
    ) -> None:
        super().__init__()
        self.find = find
        self.href = href
        self.active = active

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown API)
        if not self.active():
            return  # as GlossaryExtension
        # Before the glossary (-2), so a topic's name links to the topic, not to
        # a term; after MkDocs' link resolution (0), as all links made here.
        md.treeprocessors.register(MentionLinker(md, self.find, self.href), "kb_mentions", -1)
