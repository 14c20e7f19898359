"""Loading everything the site is made of from the notes and data folders."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from . import editornotes, freshness, glossary, graph, related, repeats, scaffold
from . import messages as messages_module
from .glossary import Term, term_matcher
from .language import prose_language
from .messages import Messages
from .metadata import DigestMeta, Tag, parse_sidecar, parse_tags
from .model import Archive, Digest, Problem, Severity, chronological
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
from .parse import heading_language, note_name, parse_digest
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
    profiles: dict[related.TopicKey, related.Profile]
    relations: dict[related.TopicKey, tuple[related.Relation, ...]]
    citations: dict[str, tuple[Citation, ...]]  # of each digest, by id (not translations)
    problems: tuple[Problem, ...]
    editor_notes: dict[str, tuple[editornotes.Placed, ...]] = field(default_factory=dict)
    # The graph page's list: the most connected nodes, the same in every language.
    graph_listed: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


def load(
    notes_dir: Path,
    data_dir: Path,
    *,
    source_language: str,
    languages: tuple[str, ...],
    root: Path,
) -> Sources:
    """Read and check the whole archive; paths in problems are relative to ``root``."""

    def shown(path: Path) -> str:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()

    problems: list[Problem] = []
    tags, found = parse_tags(_read(data_dir / "tags.yml"), shown(data_dir / "tags.yml"), languages)
    problems += found
    messages, found = messages_module.parse(
        _read(data_dir / "messages.yml"), shown(data_dir / "messages.yml"), languages
    )
    problems += found
    glossary_path = data_dir / "glossary.yml"
    terms, found = glossary.parse(_read(glossary_path), shown(glossary_path), languages)
    problems += found
    papers_path, links_path = data_dir / "papers.yml", data_dir / "links.yml"
    known_papers, found = parse_papers(_read(papers_path), shown(papers_path), languages)
    problems += found
    problems += [
        Problem(
            Severity.ERROR,
            "KB502",
            shown(papers_path),
            paper.line,
            1,
            f"paper '{paper.id}' has the unknown tag '{tag}'",
            "use an id from data/tags.yml",
        )
        for paper in known_papers
        for tag in paper.tags
        if tag not in tags
    ]
    references, found = parse_references(_read(links_path), shown(links_path))
    problems += found
    matcher = paper_matcher(known_papers)
    notes_path = data_dir / "editor-notes.yml"
    corrections, found = editornotes.parse(_read(notes_path), shown(notes_path), languages)
    problems += found
    placed: dict[str, tuple[editornotes.Placed, ...]] = {}

    digests: list[Digest] = []
    translations: dict[str, dict[str, Digest]] = {}
    prints: dict[str, dict[str, str]] = {}  # each source topic's fingerprint, by digest id
    records: dict[tuple[str, str], dict[str, str]] = {}  # what each translation translates
    pending: dict[tuple[str, str], frozenset[str]] = {}  # a scaffold's untranslated topics
    cited: dict[str, tuple[Citation, ...]] = {}
    for path in sorted(notes_dir.glob("*.md")) if notes_dir.is_dir() else ():
        if path.name.startswith("_"):
            continue
        name = note_name(path.name)
        if name is None:
            problems.append(
                Problem(
                    Severity.ERROR,
                    "KB101",
                    shown(path),
                    1,
                    1,
                    f"file name '{path.name}' is neither a digest date nor a note name",
                    "name digests YYYYMMDD.md (translations YYYYMMDD.en.md), e.g. 20231112.md; "
                    "other notes lowercase words joined by '-', e.g. compression.md",
                )
            )
            continue
        if name.date is None and name.id in _reserved(languages):
            problems.append(
                Problem(
                    Severity.ERROR,
                    "KB101",
                    shown(path),
                    1,
                    1,
                    f"file name '{path.name}' would publish the note where the site's own "
                    f"'/{name.id}/' is",
                    "give the note another name, e.g. compression.md",
                )
            )
            continue
        language = name.language
        if language is not None and language not in languages:
            problems.append(
                Problem(
                    Severity.ERROR,
                    "KB101",
                    shown(path),
                    1,
                    1,
                    f"'{language}' is not a language of this site ({', '.join(languages)})",
                    f"end the name in .{languages[-1]}.md for a translation, or in .md alone",
                )
            )
            continue
        text, found = decode(path.read_bytes(), shown(path))
        problems += found
        if text is None:
            continue
        pending_lines: set[int] = set()
        if language is not None:
            # A scaffold's comments and pending marks (kb.scaffold), blanked.
            text, pending_lines = scaffold.strip(text)
        metadata = None
        if language is None:
            metadata, found = _sidecar(path, shown, tags, languages)
            problems += found
        digest, found = parse_digest(
            text,
            path=shown(path),
            date=name.date or (metadata.date if metadata else None),
            language=language or source_language,
            metadata=metadata,
            name=name.id,
        )
        problems += found
        if language is None:
            digest, found = _source_language(digest, metadata, source_language, languages)
            problems += found
            if digest.date is None:
                problems.append(
                    Problem(
                        Severity.INFO,
                        "KB119",
                        digest.path,
                        1,
                        1,
                        "this note has no date: it is listed as undated",
                        f"write its date in {path.with_suffix(SIDECAR_SUFFIX).name}: "
                        "'date: 2023-10-22'",
                    )
                )
            cited[digest.id] = tuple(citations(digest, matcher, text.split("\n")))
            placed[digest.id] = tuple(editornotes.place(corrections, digest, text.split("\n")))
            prints[digest.id] = freshness.fingerprints(digest, text.split("\n"))
            problems += unknown_papers(digest, cited[digest.id], known_papers)
            digests.append(digest)
        else:
            waiting = scaffold.pending_topics(digest, pending_lines, text.count("\n") + 1)
            if waiting:
                digest = replace(
                    digest, topics=tuple(t for t in digest.topics if t.slug not in waiting)
                )
            pending[(language, digest.id)] = frozenset(waiting)
            translations.setdefault(language, {})[digest.id] = digest
            record = path.with_suffix(freshness.RECORD_SUFFIX)
            if record.exists():
                records[(language, digest.id)], found = freshness.parse_record(
                    _read(record), shown(record)
                )
                problems += found

    problems += editornotes.lost(
        corrections,
        (where for notes in placed.values() for where in notes),
        {digest.id for digest in digests},
        shown(notes_path),
    )
    digests, profiles, found = _suggest_tags(digests, terms, cited, tags, source_language)
    problems += found
    sources = {digest.id: digest for digest in digests}
    for by_id in translations.values():
        for digest_id, digest in list(by_id.items()):
            source = sources.get(digest_id)
            if source is not None and source.language == digest.language:
                problems.append(
                    Problem(
                        Severity.ERROR,
                        "KB117",
                        digest.path,
                        1,
                        1,
                        f"a translation into '{digest.language}', the language its source "
                        f"{source.path} is written in",
                        "name a translation after the language it translates into",
                    )
                )
                continue
            if source is None:
                problems.append(
                    Problem(
                        Severity.ERROR,
                        "KB112",
                        digest.path,
                        1,
                        1,
                        f"translation of a digest that does not exist ({digest_id})",
                        "name the translation after its source digest, e.g. 20231112.en.md",
                    )
                )
                continue
            waiting = pending.get((digest.language, digest_id), frozenset())
            by_id[digest_id], found = align(source, digest, waiting)
            problems += found
    for sidecar in sorted(notes_dir.glob(f"*{SIDECAR_SUFFIX}")) if notes_dir.is_dir() else ():
        note = sidecar.with_suffix(".md")
        if not note.exists() or note_name(note.name) is None:
            problems.append(
                Problem(
                    Severity.ERROR,
                    "KB206",
                    shown(sidecar),
                    1,
                    1,
                    "metadata file without a digest beside it",
                    f"rename it after its digest, e.g. 20231112{SIDECAR_SUFFIX}",
                )
            )

    outdated: dict[str, dict[str, frozenset[str]]] = {}
    for (language, digest_id), record in records.items():
        shown_digest = translations.get(language, {}).get(digest_id)
        if shown_digest is not None and digest_id in prints:
            translated = {topic.slug for topic in shown_digest.topics}
            outdated.setdefault(language, {})[digest_id] = frozenset(
                freshness.outdated(record, prints[digest_id], translated)
            )
    archive = Archive(tuple(sorted(digests, key=chronological)), translations, outdated)
    problems += repeats.repeated_digests(archive.digests)
    relations = related.related(profiles)
    drawn = graph.archive_graph(
        {
            related.TopicKey(digest.id, topic.slug): topic.title
            for digest in archive.digests
            for topic in digest.topics
        },
        profiles,
        relations,
        {term.id: term.names[source_language] for term in terms},
        {paper.id: paper.title for paper in known_papers},
    )
    listed = graph.most_connected(drawn)
    return Sources(
        archive,
        tags,
        messages,
        terms,
        known_papers,
        references,
        profiles,
        relations,
        cited,
        tuple(problems),
        placed,
        tuple(node.id for node in listed.nodes),
    )


def _suggest_tags(
    digests: list[Digest],
    terms: tuple[Term, ...],
    cited: dict[str, tuple[Citation, ...]],
    tags: dict[str, Tag],
    language: str,
) -> tuple[list[Digest], dict[related.TopicKey, related.Profile], list[Problem]]:
    """Topics without curated tags get tags suggested by their terms and papers.

    Also returns every topic's profile, with the tags it ended up with: the
    related-topic ranking reuses them instead of matching every text again.
    """
    finder = term_matcher(terms, language, language)
    profiles = related.profiles(Archive(tuple(digests)), finder, cited)
    by_paper = related.tags_of_papers(profiles)
    glossary_by_id = {term.id: term for term in terms}
    problems = []
    enriched = []
    for digest in digests:
        topics = []
        for topic in digest.topics:
            if topic.tags:
                topics.append(topic)
                continue
            key = related.TopicKey(digest.id, topic.slug)
            suggestion = related.suggested_tags(profiles[key], glossary_by_id, by_paper, tags)
            if suggestion:
                problems.append(
                    Problem(
                        Severity.INFO,
                        "KB601",
                        digest.path,
                        topic.line,
                        1,
                        f"topic '{topic.title}' has no tags; suggested: {', '.join(suggestion)}",
                        f"to keep or change them, list them under 'tags' for slug '{topic.slug}' "
                        "in the digest's .yml file",
                    )
                )
                topic = replace(topic, tags=suggestion, suggested_tags=True)
                profiles[key] = replace(profiles[key], tags=frozenset(suggestion))
            topics.append(topic)
        enriched.append(replace(digest, topics=tuple(topics)))
    return enriched, profiles, problems


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
    return replace(digest, language=found), [
        Problem(
            Severity.INFO,
            "KB118",
            digest.path,
            where,
            1,
            f"{why}: it is published as written in '{found}', "
            "and the other languages show it under a not-translated notice",
            f"if that is wrong, write 'language: {default}' in the note's {SIDECAR_SUFFIX} file",
        )
    ]


def _sidecar(
    note: Path, shown, tags: dict[str, Tag], languages: tuple[str, ...]
) -> tuple[DigestMeta | None, list[Problem]]:
    path = note.with_suffix(SIDECAR_SUFFIX)
    if not path.exists():
        return None, []
    metadata, problems = parse_sidecar(_read(path), shown(path))
    if metadata.language is not None and metadata.language not in languages:
        problems.append(
            Problem(
                Severity.ERROR,
                "KB202",
                metadata.path,
                1,
                1,
                f"'{metadata.language}' is not a language of this site ({', '.join(languages)})",
                f"set language: to one of {', '.join(languages)}, or remove it",
            )
        )
        metadata = replace(metadata, language=None)
    for topic in metadata.topics:
        for tag in topic.tags:
            if tag not in tags:
                problems.append(
                    Problem(
                        Severity.ERROR,
                        "KB205",
                        metadata.path,
                        topic.line,
                        1,
                        f"unknown tag '{tag}' for topic '{topic.title}'",
                        "use an id from data/tags.yml, or add the tag there",
                    )
                )
    return metadata, problems


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig") if path.exists() else ""
