"""An Atom feed of the newest topics, one per language."""

from __future__ import annotations

import datetime
from xml.sax.saxutils import escape

from .edition import Context, Edition
from .notepages import summary_line, topic_summary
from .paths import digest_path, feed_path, home_path, topic_path
from .related import TopicKey

ENTRIES = 50
_EPOCH = datetime.date(1970, 1, 1)


def page_url(site_url: str, prefix: str, source: str) -> str:
    """The published URL of the page made from ``source`` (``2023-11-12/index.md``)."""
    path = source.removesuffix(".md").removesuffix("index")
    return f"{site_url.rstrip('/')}/{prefix}{path.rstrip('/') + '/' if path else ''}"


def atom(edition: Edition, context: Context, site_url: str, prefix: str) -> str:
    """The feed of ``edition``'s language: topics of the newest digests first, dated
    by their digest."""
    archive = edition.archive
    messages = context.messages
    entries = []
    newest = max((d.date for d in archive.digests if d.date is not None), default=None)
    for digest in reversed(archive.digests):
        # An undated note is dated by its last change, else as the newest digest.
        day = digest.date or context.updated.get(digest.path) or newest or _EPOCH
        shown = edition.text(digest)
        for topic in digest.topics:
            title = edition.topic_titles[TopicKey(digest.id, topic.slug)]
            topic_text = shown.topic(topic.slug)
            summary = summary_line(
                topic_summary(topic, topic_text, context.language),
                digest,
                (topic_text or topic).title,
                context,
            )
            url = page_url(site_url, prefix, topic_path(digest, topic))
            entries.append(
                "  <entry>\n"
                f"    <title>{escape(title)}</title>\n"
                f'    <link href="{escape(url)}"/>\n'
                f"    <id>{escape(url)}</id>\n"
                f"    <updated>{day.isoformat()}T00:00:00Z</updated>\n"
                f"    <summary>{escape(summary)}</summary>\n"
                "  </entry>\n"
            )
            if len(entries) == ENTRIES:
                break
        if len(entries) == ENTRIES:
            break
    home = page_url(site_url, prefix, home_path())
    updated = (newest or _EPOCH).isoformat()
    latest = page_url(site_url, prefix, digest_path(archive.latest)) if archive.latest else home
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{context.language}">\n'
        f"  <title>{escape(messages('feed.title'))}</title>\n"
        f'  <link href="{escape(home)}"/>\n'
        f'  <link rel="self" href="{escape(home)}{feed_path()}"/>\n'
        f'  <link rel="related" href="{escape(latest)}"/>\n'
        f"  <id>{escape(home)}</id>\n"
        f"  <updated>{updated}T00:00:00Z</updated>\n"
        f"  <author><name>{escape(messages('site.title'))}</name></author>\n"
        + "".join(entries)
        + "</feed>\n"
    )
