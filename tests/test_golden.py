"""Golden snapshots: the built site must not drift unless a change means it to.

Each page's article is normalised (runs of whitespace folded) and hashed,
and each feed and bibliography as a whole; the snapshot holds
the hashes only, so the corpus's snapshot holds nothing of another
project's text. A change that is meant to change pages regenerates them:

    KB_UPDATE_GOLDEN=1 KB_CORPUS=../shared/notes python -m pytest tests/test_golden.py

and the diff of ``tests/golden/*.json`` lists the pages it changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest

from conftest import ROOT, SEED_NOTES, build_site, make_project

pytestmark = pytest.mark.build

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = os.environ.get("KB_UPDATE_GOLDEN") == "1"


def _normal(text: str) -> str:
    """A page's article (the project's own rendering, not Material's frame, which
    a theme release may change), or a whole feed, with whitespace folded and
    apostrophes written one way: Pygments 2.20 writes ``&#39;`` in highlighted
    code where 2.21 writes ``'``, the same text to a reader."""
    article = re.search(r"<article\b.*?</article>", text, re.DOTALL)
    folded = re.sub(r"\s+", " ", article.group(0) if article else text).strip()
    return folded.replace("&#39;", "'")


def site_hashes(site: Path) -> dict[str, str]:
    """Every built page, feed and bibliography, by path: the sha256 of its normal text."""
    pages = sorted(
        p for p in site.rglob("*") if p.suffix in (".html", ".xml", ".bib") and p.is_file()
    )
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(
            _normal(p.read_text(encoding="utf-8")).encode()
        ).hexdigest()
        for p in pages
    }


def _compare(name: str, found: dict, snapshot: Path) -> None:
    if UPDATE or not snapshot.exists():
        snapshot.parent.mkdir(exist_ok=True)
        snapshot.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{snapshot.name} did not exist and was written: commit it")
        return
    expected = json.loads(snapshot.read_text(encoding="utf-8"))
    changed = sorted(
        path
        for path in set(found["pages"]) | set(expected["pages"])
        if found["pages"].get(path) != expected["pages"].get(path)
    )
    assert changed == [], f"{name}: pages changed (KB_UPDATE_GOLDEN=1 if meant): {changed[:20]}"


SEED = ("20231112.md", "20231112.en.md", "20231112.yml")


def test_the_seed_site_matches_its_snapshot(tmp_path):
    """The first digest alone, so that adding a digest to docs/notes changes nothing here."""
    notes = {name: (SEED_NOTES / name).read_bytes() for name in SEED}
    result = build_site(make_project(tmp_path, notes, seed=False), tmp_path / "site")
    assert result.error is None, result.log
    _compare("seed", {"pages": site_hashes(result.site)}, GOLDEN / "seed-site.json")


def test_the_corpus_site_matches_its_snapshot(tmp_path):
    named = os.environ.get("KB_CORPUS")
    if not named:
        pytest.skip("KB_CORPUS is not set: the corpus snapshot needs the folder of real notes")
    folder = (ROOT / named).resolve()
    notes = {p.name: p.read_bytes() for p in sorted(folder.glob("*.md"))}
    fingerprint = {name: hashlib.sha256(raw).hexdigest() for name, raw in notes.items()}
    snapshot = GOLDEN / "corpus-site.json"
    made_of = json.loads(snapshot.read_text(encoding="utf-8"))["notes"] if snapshot.exists() else {}
    if snapshot.exists() and not UPDATE and made_of != fingerprint:
        pytest.skip(f"{folder} holds other notes than the snapshot was made of")
    seed = {name: (SEED_NOTES / name).read_bytes() for name in SEED}
    result = build_site(make_project(tmp_path, {**seed, **notes}, seed=False), tmp_path / "site")
    assert result.error is None, result.log
    _compare("corpus", {"notes": fingerprint, "pages": site_hashes(result.site)}, snapshot)


MARKDOWN = GOLDEN / "markdown"
REPOSITORY = "https://github.com/llm-notes/llm-notes"
SITE_URL = "https://llm-notes.github.io/llm-notes/"


def generated_markdown(notes: Path) -> dict[str, str]:
    """Every generated page's Markdown, by ``<language>/<src_uri>``, as the build makes it.

    Dated by the notes themselves (no git history), so that committing a
    note does not change its snapshot.
    """
    from conftest import load_sources
    from kb.crosslinks import CrossLinks
    from kb.edition import Edition
    from kb.sitepages import page_context, site_pages

    sources = load_sources(notes)
    pages = {}
    for language in ("zh", "en"):
        edition = Edition.of(sources, language)
        context = page_context(sources, language, REPOSITORY, {})
        for page in site_pages(
            sources, edition, CrossLinks.of(sources, edition), context, "zh", ("en",), SITE_URL
        ):
            pages[f"{language}/{page.src_uri}"] = page.content
    return pages


def test_the_seed_pages_markdown_matches_its_snapshot(tmp_path):
    """The Markdown each generated page is made of: a drift shows as a readable diff."""
    notes = tmp_path / "notes"
    notes.mkdir()
    for name in SEED:
        (notes / name).write_bytes((SEED_NOTES / name).read_bytes())
    found = generated_markdown(notes)
    if UPDATE or not MARKDOWN.exists():
        for path in MARKDOWN.rglob("*") if MARKDOWN.exists() else ():
            if path.is_file():
                path.unlink()
        for name, content in found.items():
            target = MARKDOWN / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
        if not UPDATE:
            pytest.fail("tests/golden/markdown/ did not exist and was written: commit it")
        return
    expected = {
        path.relative_to(MARKDOWN).as_posix(): path.read_text(encoding="utf-8")
        for path in MARKDOWN.rglob("*")
        if path.is_file()
    }
    assert sorted(found) == sorted(expected), "generated pages added or gone (KB_UPDATE_GOLDEN=1)"
    changed = [name for name in found if found[name] != expected[name]]
    assert changed == [], f"pages' Markdown changed (KB_UPDATE_GOLDEN=1 if meant): {changed[:20]}"
