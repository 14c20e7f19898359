"""Reading note files: bytes to text, with located problems instead of crashes."""

from __future__ import annotations

from .model import Problem, ProblemLog, Severity

_BOM = "\ufeff"


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """The text of a note, LF line endings and no BOM, or ``None`` if unreadable.

    Invalid UTF-8 and NUL bytes are errors located at the offending byte;
    U+FFFD replacement characters (left by an earlier bad conversion) are
    warnings, one per line.
    """
    problems = ProblemLog()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line, col = _position(data[: error.start])
        problems.error(
            "KB102",
            path,
            line,
            f"invalid UTF-8 (byte 0x{data[error.start]:02x})",
            "save the file as UTF-8",
            col=col,
        )
        return None, problems
    text = text.removeprefix(_BOM).replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        if "\x00" in line:
            problems.error(
                "KB110",
                path,
                number,
                "NUL byte in text",
                "remove the NUL characters; the file may be binary or UTF-16",
                col=line.index("\x00") + 1,
            )
        if "\ufffd" in line:
            problems.info(
                "KB103",
                path,
                number,
                "U+FFFD replacement character: text was lost in an earlier conversion",
                "restore the original characters from the source of the digest",
                col=line.index("\ufffd") + 1,
            )
    if any(problem.severity is Severity.ERROR for problem in problems):
        return None, problems
    return text, problems


def _position(prefix: bytes) -> tuple[int, int]:
    line = prefix.count(b"\n") + 1
    last_line = prefix[prefix.rfind(b"\n") + 1 :]
    return line, len(last_line.decode("utf-8", errors="replace")) + 1
