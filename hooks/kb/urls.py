"""URLs as they stand in note text: where one ends, and what it points to."""

from __future__ import annotations

from types import MappingProxyType

# A URL runs over printable ASCII; anything else (CJK text, full-width
# punctuation, spaces) ends it.
BARE_URL = r"https?://[!#-;=?-\[\]_a-z~]+"
_TRAILING = ".,;:!?'\"*_"
_CLOSERS = MappingProxyType({")": "(", "]": "["})


def trim_url(url: str) -> str:
    """Drop trailing punctuation and a closing bracket that opened before the URL."""
    while url and (url[-1] in _TRAILING or _unbalanced_closer(url)):
        url = url[:-1]
    return url


def _unbalanced_closer(url: str) -> bool:
    opener = _CLOSERS.get(url[-1])
    return opener is not None and url.count(url[-1]) > url.count(opener)
