"""Reading note files: bytes to text, with located problems instead of crashes."""

from __future__ import annotations

from .model import Problem, Severity

_BOM = "\ufeff"


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """The text of a note, LF line endings and no BOM, or ``None`` if unreadable.

    Invalid UTF-8 and NUL bytes are errors located at the offending byte;
    U+FFFD replacement characters (left by an earlier bad conversion) are
    warnings, one per line.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, col = _position(data[: error.start])
        return None, [
            Problem(
                Severity.ERROR,
                "KB102",
                path,
                line,
                col,
                f"invalid UTF-8 (byte 0x{data[error.start]:02x})",
                "save the file as UTF-8",
            )
        ]
    text = text.removeprefix(_BOM).replace("\r\n", "\n").replace("\r", "\n")
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        if "\x00" in line:
            problems.append(
                Problem(
                    Severity.ERROR,
                    "KB110",
                    path,
                    number,
                    line.index("\x00") + 1,
                    "NUL byte in text",
                    "remove the NUL characters; the file may be binary or UTF-16",
                )
            )
        if "\ufffd" in line:
            problems.append(
                Problem(
                    Severity.INFO,
                    "KB103",
                    path,
                    number,
                    line.index("\ufffd") + 1,
                    "U+FFFD replacement character: text was lost in an earlier conversion",
                    "restore the original characters from the source of the digest",
                )
            )
    if any(problem.severity is Severity.ERROR for problem in problems):
        return None, problems
    return text, problems


def _position(prefix: bytes) -> tuple[int, int]:
    line = prefix.count(b"\n") + 1
    last_line = prefix[prefix.rfind(b"\n") + 1 :]
    return line, len(last_line.decode("utf-8", errors="replace")) + 1
