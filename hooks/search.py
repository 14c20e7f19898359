"""Search: Chinese word segmentation with jieba, quietly."""

from __future__ import annotations

import logging


def on_startup(command: str, dirty: bool) -> None:
    # jieba announces loading its dictionary on stderr in every build.
    import jieba

    jieba.setLogLevel(logging.WARNING)
