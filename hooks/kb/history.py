"""When each note last changed, from git history; the digest's own date otherwise."""

from __future__ import annotations

import datetime
import subprocess
from pathlib import Path


def last_changed(folder: Path, root: Path) -> dict[str, datetime.date]:
    """``{path relative to root: date of the last commit touching it}`` below ``folder``.

    One ``git log`` for the whole folder. Outside a git checkout, or for files
    git does not know yet, the mapping has no entry and callers fall back.
    """
    try:
        result = subprocess.run(
            ["git", "log", "--format=%x00%cs", "--name-only", "--", str(folder)],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return {}
    dates: dict[str, datetime.date] = {}
    for commit in result.stdout.split("\x00")[1:]:
        day, *paths = commit.strip().split("\n")
        for path in paths:
            if path and path not in dates:
                dates[path] = datetime.date.fromisoformat(day)
    return dates
