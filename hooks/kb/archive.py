"""Loading everything the site is made of from the notes and data folders."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from . import editornotes, freshness, glossary, repeats, scaffold
from . import messages as messages_module
from .glossary import Term
from .language import prose_language
from .matching import FormMatcher
from .messages import Messages
from .metadata import DigestMeta, Tag, parse_sidecar, parse_tags
from .model import Archive, Digest, Problem, ProblemLog, Severity, chronological
from .pairing import align
from .papers import (
    Citation,
    Paper,
    Reference,
    citations,
    paper_matcher,
    parse_papers,
    parse_references,
)
from .parse import NoteName, heading_language, note_name, parse_digest
from .paths import (
    glossary_path,
    graph_path,
    home_path,
    papers_path,
    questions_path,
    tags_path,
    timeline_path,
    translations_path,
)
from .related import Profile, Relation, TopicKey
from .source import decode

SIDECAR_SUFFIX = ".yml"


@dataclass(frozen=True)
class Sources:
    """The parsed archive and data files, with every problem found in them."""

    archive: Archive
    tags: dict[str, Tag]
    messages: dict[str, Messages]
    glossary: tuple[Term, ...]
    papers: tuple[Paper, ...]
    references: tuple[Reference, ...]
    citations: dict[str, tuple[Citation, ...]]  # of each digest, by id (not translations)
    problems: tuple[Problem, ...]
    editor_notes: dict[str, tuple[editornotes.Placed, ...]] = field(default_factory=dict)
    # Worked out from the rest once it is loaded (kb.analysis.analyse):
    profiles: dict[TopicKey, Profile] = field(default_factory=dict)
    relations: dict[TopicKey, tuple[Relation, ...]] = field(default_factory=dict)
    # The graph page's list: the most connected nodes, the same in every language.
    graph_listed: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


@dataclass(frozen=True)
class _Files:
    """How problems name a file: relative to the project's root."""

    root: Path

    def name(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


@dataclass(frozen=True)
class _Data:
    """The data files (``data/``), read."""

    tags: dict[str, Tag]
    messages: dict[str, Messages]
    glossary: tuple[Term, ...]
    papers: tuple[Paper, ...]
    references: tuple[Reference, ...]
    corrections: tuple[editornotes.EditorNote, ...]  # the editor's notes, not yet placed
    corrections_path: str


@dataclass
class _Notes:
    """The notes (``docs/notes/``), read: each source and each translation, with
    what is needed to pair and date them."""

    digests: list[Digest] = field(default_factory=list)
    translations: dict[str, dict[str, Digest]] = field(default_factory=dict)  # by language, id
    prints: dict[str, dict[str, str]] = field(default_factory=dict)  # source topics', by id
    records: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)  # translated
    pending: dict[tuple[str, str], frozenset[str]] = field(default_factory=dict)  # scaffolds'
    cited: dict[str, tuple[Citation, ...]] = field(default_factory=dict)
    placed: dict[str, tuple[editornotes.Placed, ...]] = field(default_factory=dict)


def load(
    notes_dir: Path,
    data_dir: Path,
    *,
    source_language: str,
    languages: tuple[str, ...],
    root: Path,
) -> Sources:
    """Read and check the whole archive; paths in problems are relative to ``root``.

    Loading only: what follows from it (suggested tags, related topics, the
    graph) is :func:`kb.analysis.analyse`'s.
    """
    problems, files = ProblemLog(), _Files(root)
    data = read_data(data_dir, languages, problems, files)
    notes = read_notes(notes_dir, data, source_language, languages, problems, files)
    problems += editornotes.lost(
        data.corrections,
        (where for placed in notes.placed.values() for where in placed),
        {digest.id for digest in notes.digests},
        data.corrections_path,
    )
    translations = pair_translations(notes, problems)
    check_sidecars(notes_dir, problems, files)
    archive = Archive(
        tuple(sorted(notes.digests, key=chronological)),
        translations,
        _outdated(notes, translations),
    )
    problems += repeats.repeated_digests(archive.digests)
    return Sources(
        archive,
        data.tags,
        data.messages,
        data.glossary,
        data.papers,
        data.references,
        notes.cited,
        tuple(problems),
        notes.placed,
    )


def read_data(
    data_dir: Path, languages: tuple[str, ...], problems: ProblemLog, files: _Files
) -> _Data:
    """The tags, words, glossary, papers, links and editor's notes of ``data_dir``."""
    tags, found = parse_tags(*_file(data_dir / "tags.yml", files), languages)
    problems += found
    messages, found = messages_module.parse(*_file(data_dir / "messages.yml", files), languages)
    problems += found
    terms, found = glossary.parse(*_file(data_dir / "glossary.yml", files), languages)
    problems += found
    papers_file = _file(data_dir / "papers.yml", files)
    known_papers, found = parse_papers(*papers_file, languages)
    problems += found
    for paper in known_papers:
        for tag in paper.tags:
            if tag not in tags:
                problems.error(
                    "KB502",
                    papers_file[1],
                    paper.line,
                    f"paper '{paper.id}' has the unknown tag '{tag}'",
                    "use an id from data/tags.yml",
                )
    references, found = parse_references(*_file(data_dir / "links.yml", files))
    problems += found
    corrections_file = _file(data_dir / "editor-notes.yml", files)
    corrections, found = editornotes.parse(*corrections_file, languages)
    problems += found
    return _Data(tags, messages, terms, known_papers, references, corrections, corrections_file[1])


def read_notes(
    notes_dir: Path,
    data: _Data,
    source_language: str,
    languages: tuple[str, ...],
    problems: ProblemLog,
    files: _Files,
) -> _Notes:
    """Every note of ``notes_dir``: digests and other notes in their own
    language, and translations (``YYYYMMDD.en.md``), each as written."""
    reader = _NoteReader(data, source_language, languages, problems, files)
    for path in sorted(notes_dir.glob("*.md")) if notes_dir.is_dir() else ():
        if path.name.startswith("_"):
            continue
        name = reader.name(path)
        if name is None:
            continue
        text, found = decode(path.read_bytes(), files.name(path))
        problems += found
        if text is None:
            continue
        if name.language is None:
            reader.source(path, name, text)
        else:
            reader.translation(path, name, name.language, text)
    return reader.notes


@dataclass
class _NoteReader:
    """Reads one note at a time into :attr:`notes`, its problems into :attr:`problems`."""

    data: _Data
    source_language: str
    languages: tuple[str, ...]
    problems: ProblemLog
    files: _Files
    notes: _Notes = field(default_factory=_Notes)
    _papers: FormMatcher = field(init=False)

    def __post_init__(self) -> None:
        self._papers = paper_matcher(self.data.papers)

    def name(self, path: Path) -> NoteName | None:
        """The note's name read from its file name; None, with the problem, for a bad one."""
        name, languages = note_name(path.name), self.languages
        where = self.files.name(path)
        if name is None:
            self.problems.error(
                "KB101",
                where,
                1,
                f"file name '{path.name}' is neither a digest date nor a note name",
                "name digests YYYYMMDD.md (translations YYYYMMDD.en.md), e.g. 20231112.md; "
                "other notes lowercase words joined by '-', e.g. compression.md",
            )
        elif name.date is None and name.id in _reserved(languages):
            self.problems.error(
                "KB101",
                where,
                1,
                f"file name '{path.name}' would publish the note where the site's own "
                f"'/{name.id}/' is",
                "give the note another name, e.g. compression.md",
            )
        elif name.language is not None and name.language not in languages:
            self.problems.error(
                "KB101",
                where,
                1,
                f"'{name.language}' is not a language of this site ({', '.join(languages)})",
                f"end the name in .{languages[-1]}.md for a translation, or in .md alone",
            )
        else:
            return name
        return None

    def source(self, path: Path, name: NoteName, text: str) -> None:
        """A note in its own language, with its sidecar, citations and editor's notes."""
        metadata, found = _sidecar(path, self.files, self.data.tags, self.languages)
        self.problems += found
        digest, found = parse_digest(
            text,
            path=self.files.name(path),
            date=name.date or (metadata.date if metadata else None),
            language=self.source_language,
            metadata=metadata,
            name=name.id,
        )
        self.problems += found
        digest, found = _source_language(digest, metadata, self.source_language, self.languages)
        self.problems += found
        if digest.date is None:
            self.problems.info(
                "KB119",
                digest.path,
                1,
                "this note has no date: it is listed as undated",
                f"write its date in {path.with_suffix(SIDECAR_SUFFIX).name}: 'date: 2023-10-22'",
            )
        lines, notes = text.split("\n"), self.notes
        notes.cited[digest.id] = tuple(citations(digest, self._papers, lines))
        notes.placed[digest.id] = tuple(editornotes.place(self.data.corrections, digest, lines))
        notes.prints[digest.id] = freshness.fingerprints(digest, lines)
        self.problems += unknown_papers(digest, notes.cited[digest.id], self.data.papers)
        notes.digests.append(digest)

    def translation(self, path: Path, name: NoteName, language: str, text: str) -> None:
        """A translation: a scaffold's topics not translated yet left out, its
        record of what it translates read."""
        # A scaffold's comments and pending marks (kb.scaffold), blanked.
        text, pending_lines = scaffold.strip(text)
        where = self.files.name(path)
        digest, found = parse_digest(
            text, path=where, date=name.date, language=language, metadata=None, name=name.id
        )
        self.problems += found
        waiting = scaffold.pending_topics(digest, pending_lines, text.count("\n") + 1)
        if waiting:
            topics = tuple(topic for topic in digest.topics if topic.slug not in waiting)
            digest = replace(digest, topics=topics)
        self.notes.pending[(language, digest.id)] = frozenset(waiting)
        self.notes.translations.setdefault(language, {})[digest.id] = digest
        record = path.with_suffix(freshness.RECORD_SUFFIX)
        if record.exists():
            found_record, found = freshness.parse_record(*_file(record, self.files))
            self.notes.records[(language, digest.id)] = found_record
            self.problems += found


def pair_translations(notes: _Notes, problems: ProblemLog) -> dict[str, dict[str, Digest]]:
    """Each translation paired with its source, topic by topic
    (:func:`kb.pairing.align`); one without a source, or in its source's
    language, is an error, and stays as written."""
    sources = {digest.id: digest for digest in notes.digests}
    paired: dict[str, dict[str, Digest]] = {}
    for language, by_id in notes.translations.items():
        paired[language] = dict(by_id)
        for digest_id, digest in by_id.items():
            source = sources.get(digest_id)
            if source is not None and source.language == digest.language:
                problems.error(
                    "KB117",
                    digest.path,
                    1,
                    f"a translation into '{digest.language}', the language its source "
                    f"{source.path} is written in",
                    "name a translation after the language it translates into",
                )
                continue
            if source is None:
                problems.error(
                    "KB112",
                    digest.path,
                    1,
                    f"translation of a digest that does not exist ({digest_id})",
                    "name the translation after its source digest, e.g. 20231112.en.md",
                )
                continue
            waiting = notes.pending.get((digest.language, digest_id), frozenset())
            paired[language][digest_id], found = align(source, digest, waiting)
            problems += found
    return paired


def check_sidecars(notes_dir: Path, problems: ProblemLog, files: _Files) -> None:
    """Every sidecar has its note beside it."""
    for sidecar in sorted(notes_dir.glob(f"*{SIDECAR_SUFFIX}")) if notes_dir.is_dir() else ():
        note = sidecar.with_suffix(".md")
        if not note.exists() or note_name(note.name) is None:
            problems.error(
                "KB206",
                files.name(sidecar),
                1,
                "metadata file without a digest beside it",
                f"rename it after its digest, e.g. 20231112{SIDECAR_SUFFIX}",
            )


def _outdated(
    notes: _Notes, translations: dict[str, dict[str, Digest]]
) -> dict[str, dict[str, frozenset[str]]]:
    """The translated topics whose source changed since, by language and digest id."""
    outdated: dict[str, dict[str, frozenset[str]]] = {}
    for (language, digest_id), record in notes.records.items():
        translation = translations.get(language, {}).get(digest_id)
        if translation is not None and digest_id in notes.prints:
            translated = {topic.slug for topic in translation.topics}
            outdated.setdefault(language, {})[digest_id] = frozenset(
                freshness.outdated(record, notes.prints[digest_id], translated)
            )
    return outdated


def unknown_papers(
    digest: Digest, cited: tuple[Citation, ...], known: tuple[Paper, ...]
) -> list[Problem]:
    """A note for every arXiv paper without metadata, with the command that adds it.

    Not a warning: the link is still published (to arXiv, with its id), and
    a contributor must not have to research every cited paper first.
    """
    ids = {paper.id for paper in known}
    return [
        Problem(
            Severity.INFO,
            "KB501",
            digest.path,
            citation.line,
            citation.col,
            f"arXiv paper {citation.key} is cited but has no metadata in data/papers.yml",
            f"run: python -m kb.arxiv fetch {citation.key}",
        )
        for citation in cited
        if citation.is_paper and citation.key not in ids
    ]


def _reserved(languages: tuple[str, ...]) -> frozenset[str]:
    """Names a note cannot have: the site's own pages and folders, and languages."""
    pages = (
        home_path,
        tags_path,
        translations_path,
        glossary_path,
        papers_path,
        timeline_path,
        questions_path,
        graph_path,
    )
    own = {PurePosixPath(page()).stem for page in pages}
    return frozenset({*own, *languages, "notes", "assets", "search", "feed", "papers-bib"})


def _source_language(
    digest: Digest, metadata: DigestMeta | None, default: str, languages: tuple[str, ...]
) -> tuple[Digest, list[Problem]]:
    """The language a note is written in: its sidecar's, else its prose's
    (:mod:`kb.language`), else, for a note without prose, its headings'."""
    if metadata is not None and metadata.language is not None:
        return replace(digest, language=metadata.language), []
    prose = prose_language(digest, default)
    found = prose.language if prose is not None else heading_language(digest, default)
    if found == default or found not in languages:
        return digest, []
    where = digest.title_line or (digest.topics[0].line if digest.topics else 1)
    why = (
        prose.describe()
        if prose is not None
        else "it has no prose, and no heading has a Han character"
    )
    problems = ProblemLog()
    problems.info(
        "KB118",
        digest.path,
        where,
        f"{why}: it is published as written in '{found}', "
        "and the other languages show it under a not-translated notice",
        f"if that is wrong, write 'language: {default}' in the note's {SIDECAR_SUFFIX} file",
    )
    return replace(digest, language=found), problems


def _sidecar(
    note: Path, files: _Files, tags: dict[str, Tag], languages: tuple[str, ...]
) -> tuple[DigestMeta | None, list[Problem]]:
    path = note.with_suffix(SIDECAR_SUFFIX)
    if not path.exists():
        return None, []
    metadata, problems = parse_sidecar(*_file(path, files))
    if metadata.language is not None and metadata.language not in languages:
        problems.error(
            "KB202",
            metadata.path,
            1,
            f"'{metadata.language}' is not a language of this site ({', '.join(languages)})",
            f"set language: to one of {', '.join(languages)}, or remove it",
        )
        metadata = replace(metadata, language=None)
    for topic in metadata.topics:
        for tag in topic.tags:
            if tag not in tags:
                problems.error(
                    "KB205",
                    metadata.path,
                    topic.line,
                    f"unknown tag '{tag}' for topic '{topic.title}'",
                    "use an id from data/tags.yml, or add the tag there",
                )
    return metadata, problems


def _file(path: Path, files: _Files) -> tuple[str, str]:
    """A data file's text ("" where there is none) and its name in problems."""
    return (path.read_text(encoding="utf-8-sig") if path.exists() else ""), files.name(path)
