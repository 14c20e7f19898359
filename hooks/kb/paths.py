"""The site's URL scheme: the docs-relative path of every page it makes.

Published URLs never change (bookmarks, search engines and other sites
link to them): each page's path is made here and nowhere else, and MkDocs
turns it into the page's URL. Links between pages are relative ``.md``
paths (:func:`relative`), so MkDocs checks every one of them.
"""

from __future__ import annotations

from .graph import topic_key
from .model import Digest, Topic
from .papers import anchor as paper_anchor


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


def questions_page_path(group: str, number: int = 1) -> str:
    """Page ``number`` of the questions of the topics tagged ``group``
    (a tag id, or ``untagged``)."""
    return f"questions/{group}.md" if number == 1 else f"questions/{group}-{number}.md"


def node_path(node_id: str) -> str:
    """The page (and anchor) a graph node stands for, docs-relative."""
    key = topic_key(node_id)
    if key is not None:
        return topic_key_path(key.digest, key.slug)
    kind, _, name = node_id.partition(":")
    if kind == "term":
        return f"{glossary_path()}#{name}"
    return f"{papers_path()}#{paper_anchor(name)}"
