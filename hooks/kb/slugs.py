"""The one slug function of the site: page paths, heading anchors and tags.

python-slugify transliterates Chinese to pinyin but glues Latin words to the
syllables next to them (``关于LLM外推`` → ``guan-yu-llmwai-tui``), so every
CJK character is set apart before slugifying.
"""

from __future__ import annotations

import re

from slugify import slugify as _python_slugify

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def slugify(text: str, separator: str = "-", max_length: int = 64) -> str:
    """An ASCII slug of ``text``; empty when nothing in it can be spelled in ASCII.

    The signature matches Python-Markdown's ``toc`` slugify and Material's
    ``tags_slugify`` so the same function serves anchors, pages and tags.
    """
    spaced = _CJK.sub(lambda match: f" {match.group()} ", text)
    slug = _python_slugify(spaced, separator=separator)
    if len(slug) <= max_length:
        return slug
    cut = slug.rfind(separator, 0, max_length + 1)
    return slug[: cut if cut > 0 else max_length]


def is_slug(text: str) -> bool:
    return bool(SLUG_PATTERN.match(text))


def unique(slug: str, taken: set[str]) -> str:
    """``slug``, or ``slug-2``, ``slug-3``… whichever is not in ``taken`` yet."""
    candidate, counter = slug, 1
    while candidate in taken:
        counter += 1
        candidate = f"{slug}-{counter}"
    return candidate
