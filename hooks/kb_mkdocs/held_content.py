"""The HTML of the note pages, held compressed until their templates are rendered.

MkDocs renders the Markdown of every page before it renders the first
template (``on_env`` comes in between), so a build holds the HTML of every
page at once: 35 MiB for the topic and digest pages of a 1000-topic
language, in each process that builds one. Nothing changes a note page's
HTML once it is rendered (the glossary and Material's tag listings, filled
in at ``on_env``, are other pages), so it is held compressed, at a fifth of
its size, and given back just before its template needs it.
"""

from __future__ import annotations

import zlib

from mkdocs.structure.pages import Page

# zlib's fastest level: 5.4 times smaller, 0.15 ms a topic page (level 6
# saved 7% more in twice the time).
_LEVEL = 1


class HeldContent:
    """One language build's held pages, by source path."""

    def __init__(self) -> None:
        self._held: dict[str, bytes] = {}
        self._last: Page | None = None

    def rendered(self, page: Page) -> None:
        """``page``'s HTML is rendered. MkDocs sets it once every plugin's
        ``on_page_content`` has returned: it is held when the next page
        begins (:meth:`hold_last`), or at ``on_env`` for the last page."""
        self.hold_last()
        self._last = page

    def hold_last(self) -> None:
        page, self._last = self._last, None
        if page is None or page.content is None:
            return
        self._held[page.file.src_uri] = zlib.compress(page.content.encode("utf-8"), _LEVEL)
        page.content = ""

    def give_back(self, page: Page) -> None:
        """``page``'s HTML again, for its template and the search index."""
        held = self._held.pop(page.file.src_uri, None)
        if held is not None:
            page.content = zlib.decompress(held).decode("utf-8")
