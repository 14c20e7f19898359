"""Shared fixtures: building the site (real or from fixture notes) and a browser."""

from __future__ import annotations

import logging
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED_NOTES = ROOT / "docs" / "notes"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
sys.path.insert(0, str(ROOT / "hooks"))


@dataclass
class BuildResult:
    site: Path
    records: list[logging.LogRecord] = field(default_factory=list)
    error: BaseException | None = None

    @property
    def log(self) -> str:
        return "\n".join(f"{r.levelname}: {r.getMessage()}" for r in self.records)

    @property
    def warnings(self) -> list[str]:
        return [r.getMessage() for r in self.records if r.levelno >= logging.WARNING]

    def page(self, url_path: str) -> str:
        """The HTML of the page at ``url_path`` (``en/2023-11-12/``) in the built site."""
        return (self.site / url_path / "index.html").read_text(encoding="utf-8")


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def make_project(
    tmp_path: Path, notes: dict[str, str | bytes] | None = None, *, seed: bool = True
) -> Path:
    """A docs folder: the real static docs, the seed notes (optional) and ``notes``."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("notes"))
    (docs / "notes").mkdir()
    if seed:
        for path in SEED_NOTES.iterdir():
            shutil.copy(path, docs / "notes" / path.name)
    for name, content in (notes or {}).items():
        target = docs / "notes" / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
    return docs


def build_site(docs: Path, site: Path, *, strict: bool = True, **overrides) -> BuildResult:
    """Build with the real mkdocs.yml, ``docs`` as docs_dir, in this process."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    previous_level = logger.level
    logger.setLevel(logging.INFO)
    result = BuildResult(site)
    try:
        config = load_config(
            str(ROOT / "mkdocs.yml"),
            docs_dir=str(docs),
            site_dir=str(site),
            strict=strict,
            **overrides,
        )
        build(config)
    except BaseException as error:
        result.error = error
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous_level)
    result.records = handler.records
    return result


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> BuildResult:
    """The real site, built once with --strict."""
    site = tmp_path_factory.mktemp("real") / "site"
    result = build_site(ROOT / "docs", site)
    assert result.error is None, result.log
    return result
