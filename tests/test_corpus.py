"""The corpus layer: every real digest of a folder, read in place, publishes.

The folder is another project's data (``../shared/notes/`` beside the
checkout, named by ``KB_CORPUS``). Its files are read where they are and
copied only into each test's ``tmp_path``: never into the repository.
Without ``KB_CORPUS`` the layer is skipped, saying why; with it, a missing
folder is a failure.
"""

from __future__ import annotations

import csv
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import ROOT, build_site, load_sources, make_project
from kb import indexpages, language, linkcheck, parse, yamlfile
from kb.labels import split_label
from kb.papers import arxiv_id
from kb.writing import plain_text

pytestmark = pytest.mark.build

CORPUS_SWITCH = "KB_CORPUS"


def _corpus() -> Path | None:
    named = os.environ.get(CORPUS_SWITCH)
    return (ROOT / named).resolve() if named else None


def _notes() -> list[str]:
    folder = _corpus()
    if folder is None or not folder.is_dir():
        return []
    return sorted(p.name for p in folder.glob("*.md") if parse.note_name(p.name))


@pytest.fixture(scope="module")
def corpus() -> Path:
    folder = _corpus()
    if folder is None:
        pytest.skip(
            f"{CORPUS_SWITCH} is not set: the corpus layer builds a folder of real digests "
            f"read in place (e.g. {CORPUS_SWITCH}=../shared/notes)"
        )
    if not folder.is_dir() or not _notes():
        pytest.fail(f"{CORPUS_SWITCH}={os.environ[CORPUS_SWITCH]}: no notes in {folder}")
    return folder


def _build(corpus: Path, names: list[str], tmp_path_factory):
    tmp = tmp_path_factory.mktemp("corpus")
    notes = {name: (corpus / name).read_bytes() for name in names}
    docs = make_project(tmp, notes)
    result = build_site(docs, tmp / "site")
    assert result.error is None, result.log
    return result, notes, docs / "notes"


@pytest.fixture(scope="module", params=[*_notes(), "all"])
def built(request, corpus, tmp_path_factory):
    """The seed and one corpus note (or all of them), built with --strict."""
    return _build(corpus, _notes() if request.param == "all" else [request.param], tmp_path_factory)


class _Article(HTMLParser):
    """The text a reader sees in a page's article, without what the site adds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.skip = 0
        self.ended = False
        self.parts: list[str] = []
        self.arxiv: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if tag == "article":
            self.depth += 1
        if not self.depth:
            return
        if attributes.get("id") in ("related", "mentioned-in"):
            self.ended = True  # the lists of other topics that end a topic page
        if self.skip or "kb-paper" in classes:
            self.skip += tag not in ("br", "img", "hr")
        if tag == "a" and attributes.get("href") and arxiv_id(attributes["href"]):
            self.arxiv.append((arxiv_id(attributes["href"]), attributes.get("title")))

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        elif self.skip and tag not in ("br", "img", "hr"):
            self.skip -= 1

    def handle_data(self, data):
        if self.depth and not self.skip and not self.ended:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return _normal("".join(self.parts))


def _normal(text: str) -> str:
    # Raw HTML in a note is shown as text; markdown-it drops it from plain text.
    return re.sub(r"\s+", " ", re.sub(r"</?[A-Za-z][^<>\n]{0,40}>", "", text)).strip()


def _article(path: Path) -> _Article:
    parser = _Article()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


_LIST_MARKER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_FENCE = re.compile(r"^\s*(```|~~~)")


def _shown_text(line: str) -> str:
    """What a reader should find of a source line: no label, list marker or heading marks."""
    if _FENCE.match(line) or re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", line):
        return ""
    if line.startswith("#"):
        line = parse.split_explicit_id(line.lstrip("#").strip())[0]
    else:
        labelled = split_label(line)
        line = labelled[1] if labelled else line
    return _normal(plain_text(_LIST_MARKER.sub("", line)))


def _editions(site: Path, text: str, name: str, translated: bool) -> list[Path]:
    """Where a note's own text is shown: its language's edition, and untranslated ones."""
    note = parse.note_name(name)
    digest, _ = parse.parse_digest(text, path=name, date=note.date, language="zh", name=note.id)
    prose = language.prose_language(digest, "zh")
    found = prose.language if prose else parse.heading_language(digest, "zh")
    own = site if found == "zh" else site / "en"
    return [own] if translated else [site, site / "en"]


def test_the_strict_build_passes_with_no_warning(built):
    result, _, _ = built
    assert result.warnings == []


def test_every_source_line_lands_on_exactly_one_page(built):
    result, notes, folder = built
    missing, duplicated = [], []
    for name, raw in notes.items():
        note = parse.note_name(name)
        if note.language is not None:
            continue
        text = raw.decode("utf-8-sig")
        lines = text.split("\n")
        first_topic = next((i for i, line in enumerate(lines) if line.startswith("## ")), 0)
        translated = any(folder.glob(f"{name.removesuffix('.md')}.*.md"))
        for edition in _editions(result.site, text, name, translated):
            pages = edition / note.id
            topics = " ".join(_article(p).text for p in pages.glob("*/index.html"))
            digest_page = _article(pages / "index.html").text
            for number, line in enumerate(lines, start=1):
                shown = _shown_text(line)
                if not shown:
                    continue
                preamble = number <= first_topic
                # A digest page shows the preamble and the reference list.
                hits = digest_page.count(shown) if preamble else topics.count(shown)
                hits = hits or digest_page.count(shown)
                expected = sum(_shown_text(other).count(shown) for other in lines) or 1
                # Topic titles are also shown where other topics name them.
                named = preamble or line.startswith("## ")
                if hits == 0:
                    missing.append((name, edition.name, number, shown))
                elif hits > expected and not named:
                    duplicated.append((name, edition.name, number, shown, hits))
    assert missing == []
    assert duplicated == []


def test_every_internal_link_and_anchor_resolves_in_both_languages(built):
    result, _, _ = built
    assert [str(link) for link in linkcheck.check(result.site, base="/llm-notes/")] == []


_ATTRIBUTES = re.compile(r"\{\s*[#.:][^}]*\}|data-toc-label")


class _Headings(HTMLParser):
    """The text of every heading and table-of-contents link of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if re.fullmatch(r"h[1-6]", tag) or "md-nav__link" in classes:
            self.open.append(tag)
            self.texts.append("")
        elif self.open:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if self.open:
            self.open.pop()

    def handle_data(self, data):
        if self.open:
            self.texts[-1] += data


def test_no_heading_or_toc_entry_shows_attribute_syntax(built):
    result, notes, _ = built
    shown = []
    for note in (parse.note_name(name) for name in notes):
        for page in result.site.rglob(f"{note.id}/**/index.html"):
            headings = _Headings()
            headings.feed(page.read_text(encoding="utf-8"))
            shown += [(page.parent.name, t) for t in headings.texts if _ATTRIBUTES.search(t)]
    assert shown == []


def test_every_arxiv_link_shows_its_papers_title(built):
    result, notes, _ = built
    data, _ = yamlfile.load((ROOT / "data" / "papers.yml").read_text(encoding="utf-8"), "p")
    titles = {entry["id"]: entry["title"] for entry in data}
    wrong = []
    for note in (parse.note_name(name) for name in notes):
        for page in result.site.glob(f"{note.id}/*/index.html"):
            for paper, title in _article(page).arxiv:
                if title != titles.get(paper):
                    wrong.append((page.parent.name, paper, title))
    assert wrong == []


MISLABELLED = ("MISLABEL", "LIKELY MISATTRIBUTION", "CONTEXT MISMATCH", "LOOSE CITATION")


def test_paper_data_agrees_with_the_verified_tables(corpus):
    """data/papers.yml holds the facts of the reference tables beside the corpus."""
    tables = corpus.parent / "reference"
    if not (tables / "papers-upstream.tsv").exists():
        pytest.skip(f"no verified tables in {tables}")
    data, _ = yamlfile.load((ROOT / "data" / "papers.yml").read_text(encoding="utf-8"), "p")
    known = {entry["id"]: entry for entry in data}
    rows = [
        row
        for name in ("papers.tsv", "papers-upstream.tsv")
        for row in csv.DictReader(
            (tables / name).read_text(encoding="utf-8").splitlines(), delimiter="\t"
        )
        if row["arxiv_id"] != "-"
    ]
    assert len(rows) == 67
    differ = []
    for row in rows:
        entry = known.get(row["arxiv_id"])
        facts = (row["title"].strip(), int(row["year"]), row["authors"].split(", "))
        if entry is None or (entry["title"], entry["year"], entry["authors"]) != facts:
            differ.append(row["arxiv_id"])
        elif row.get("context", "").startswith(MISLABELLED) and not entry.get("note"):
            differ.append(f"{row['arxiv_id']}: the mislabel is not noted")
        elif not entry.get("source"):
            differ.append(f"{row['arxiv_id']}: no source")
    assert differ == []


def test_every_question_of_every_note_is_listed_once_under_each_of_its_tags(built):
    result, notes, folder = built
    sources = load_sources(folder, root=folder)
    ids = {parse.note_name(name).id for name in notes}
    for prefix in ("", "en/"):
        lists = {
            page.parent.name: page.read_text(encoding="utf-8")
            for page in (result.site / prefix / "questions").glob("*/index.html")
        }
        for digest in (d for d in sources.archive.digests if d.id in ids):
            for topic in digest.topics:
                tags = [tag for tag in topic.tags if tag in sources.tags] or ["untagged"]
                for thread in indexpages.questions(topic):
                    href = f'href="../../{digest.id}/{topic.slug}/#{thread.anchor}"'
                    found = {name: page.count(href) for name, page in lists.items()}
                    # Once on each tag's list (the lists are short enough for one page here).
                    expected = {name: int(name in tags) for name in lists}
                    assert found == expected, (prefix, digest.id, topic.slug, thread.anchor)


def test_a_real_week_added_again_under_another_date_is_caught(corpus, tmp_path):
    """The archive has an earlier copy of a week under another date: added
    beside the week, it would publish every topic twice."""
    name = [note for note in _notes() if parse.note_name(note).date][-1]
    text = (corpus / name).read_bytes()
    docs = make_project(tmp_path, {name: text, "20991231.md": text})
    result = build_site(docs, tmp_path / "site")
    assert result.error is not None
    caught = [w for w in result.warnings if "KB120" in w]
    assert len(caught) == 1 and name in caught[0] and "20991231.md" in caught[0], result.log


def test_every_corpus_notes_language_is_its_proses(corpus):
    """Issue "A bilingual archive that stays bilingual": compression.md has English
    headings over Chinese bullets; it was published as English."""
    decided = {}
    for name in _notes():
        text = (corpus / name).read_text(encoding="utf-8")
        note = parse.note_name(name)
        if note is None or note.language:
            continue
        digest, _ = parse.parse_digest(text, path=name, date=note.date, language="zh", name=note.id)
        prose = language.prose_language(digest, "zh")
        decided[name] = (prose.language, round(prose.share, 2))
    print("\nlanguage of each note's prose:", decided)
    assert decided and all(found == "zh" for found, _ in decided.values()), decided
    assert decided["compression.md"][0] == "zh"
