"""Paragraph labels of the discussion format: who speaks, and in what role.

Real digests write the same label many ways: ``研究员1：``, ``研究员1:``,
``研究员 1`` alone on its line, ``研究员一：``, ``Q：``/``Q:``/``Q4：``,
``D(Discussion)：``, ``F(Follow)：``, ``F1：``, ``F3(Following3)：``; speakers
named by a letter (``研究员A：``) or with full-width digits (``研究员２：``), and
a question that goes on (``Q1-continue:``), and a reply that says who gives
it (``A1(某大佬):``). English translations use
``Researcher 1:``. This module turns the first line of a paragraph into a
:class:`Label` and the text after it.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from .model import Label, Role

_CHINESE_DIGITS = MappingProxyType(
    {
        "零": 0,
        "〇": 0,
        "一": 1,
        "二": 2,
        "两": 2,
        "三": 3,
        "四": 4,
        "五": 5,
        "六": 6,
        "七": 7,
        "八": 8,
        "九": 9,
    }
)

# \d matches full-width digits too (研究员２), and int() reads them.
_NUMBER = r"(?P<number>\d+|[零〇一二两三四五六七八九十百]+)"
_LETTER_NAME = r"(?P<letter>[A-Z])(?![A-Za-z])"
_COLON = r"[：:]"

_SPEAKER = re.compile(rf"^(?:研究员|Researcher)\s*(?:{_NUMBER}|{_LETTER_NAME})\s*(?:{_COLON}\s*|$)")
_LETTER = re.compile(
    r"^(?P<letter>[QADF])(?P<number>\d*)\s*"
    r"(?:[(（]\s*(?:(?P<word>Question|Answer|Discussion|Follow(?:ing|[- ]?up)?)\s*\d*"
    r"|(?P<who>[^()（）:：\s][^()（）:：]{0,15}?))\s*[)）])?"
    r"(?P<continued>\s*-\s*continued?)?\s*"
    rf"(?:{_COLON}\s*|$)",
    re.IGNORECASE,
)
_LETTER_ROLES = MappingProxyType(
    {
        "Q": Role.QUESTION,
        "A": Role.ANSWER,
        "D": Role.DISCUSSION,
        "F": Role.FOLLOW_UP,
    }
)


def chinese_number(text: str) -> int:
    """``十二`` → 12, ``二十`` → 20, ``一百零五`` → 105; Arabic digits pass through."""
    if text.isdigit():
        return int(text)
    total = 0
    current = 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _CHINESE_DIGITS[char]
    return total + current


def split_label(line: str) -> tuple[Label, str] | None:
    """The label at the start of a paragraph line, and the text after it.

    Returns ``None`` when the line does not start with a known label; a label
    needs a colon after it or must stand alone on its line, so prose such as
    ``F1 score`` or ``A the start`` is never taken for one.
    """
    stripped = line.strip()
    speaker = _SPEAKER.match(stripped)
    if speaker:
        if speaker["letter"]:
            return Label(Role.SPEAKER, name=speaker["letter"]), stripped[speaker.end() :]
        return Label(Role.SPEAKER, chinese_number(speaker["number"])), stripped[speaker.end() :]
    letter = _LETTER.match(stripped)
    if letter and letter["letter"].isupper():
        word = letter["word"]
        if word and word[0].upper() != letter["letter"]:
            return None
        number = int(letter["number"]) if letter["number"] else None
        role = _LETTER_ROLES[letter["letter"]]
        continued = bool(letter["continued"]) and role is Role.QUESTION
        if letter["continued"] and not continued:
            return None
        # A1(某大佬): who answers, as the digest describes them.
        who = (letter["who"] or "").strip()
        return Label(role, number, name=who, continued=continued), stripped[letter.end() :]
    return None
