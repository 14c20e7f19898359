"""How topics connect: what each is about, which are related, which cite which.

A topic is described by its tags, the glossary terms it mentions and the
papers it cites. Related topics share the most of these, rare ones
counting more (inverse document frequency); a topic that recurs in a later
digest under another title (``关于LLM外推`` … ``模型外推``) shares its terms
and papers, and surfaces. Everything is computed from the parsed notes,
before any page is rendered, and ordered deterministically.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from types import MappingProxyType

from .glossary import Term, TermFinder, prose
from .matching import FormMatcher
from .model import Archive, Section, Thread, Topic, Turn, walk
from .papers import Citation, sections

# Weights of one shared feature, before its rarity is counted.
PAPER_WEIGHT, TERM_WEIGHT, TAG_WEIGHT = 3.0, 2.0, 1.0
RELATED_LIMIT = 5
# Glossary categories that say what a topic is about, as tags.
CATEGORY_TAGS = MappingProxyType(
    {
        "architecture": "architecture",
        "parallelism-systems": "systems",
        "training": "training",
        "continual-learning-editing": "knowledge-updating",
        "decoding": "decoding",
        "long-context": "long-context",
        "retrieval": "rag",
        "evaluation": "evaluation",
        "alignment": "alignment",
        "multimodal": "multimodal",
        "reasoning": "reasoning",
    }
)
SUGGESTION_MINIMUM = 2
SUGGESTION_LIMIT = 3
_QUOTED = re.compile(
    r"“([^”\n]{2,80})”|「([^」\n]{2,80})」|『([^』\n]{2,80})』|\"([^\"\n]{2,80})\""
)


@dataclass(frozen=True, slots=True, order=True)
class TopicKey:
    digest: str
    slug: str


@dataclass(frozen=True, slots=True)
class Profile:
    tags: frozenset[str]
    terms: frozenset[str]
    papers: frozenset[str]


@dataclass(frozen=True, slots=True)
class Relation:
    topic: TopicKey
    score: float
    papers: tuple[str, ...]
    terms: tuple[str, ...]
    tags: tuple[str, ...]


def topic_text(topic: Topic) -> Iterable[str]:
    """Every line of text of a topic, titles included."""
    yield topic.title
    for node in walk(topic.body):
        if isinstance(node, (Thread, Section)):
            yield node.title
        elif isinstance(node, Turn):
            for chunk in node.chunks:
                if not chunk.raw_html:
                    yield from chunk.lines


def profile(topic: Topic, terms: TermFinder, cited: Iterable[Citation]) -> Profile:
    """``topic``'s tags, the terms it mentions and the papers among ``cited``."""
    found_terms = {
        found.value.id for line in topic_text(topic) for found in terms.find(prose(line))
    }
    papers = {c.key for c in cited if c.is_paper and c.topic == topic.slug}
    return Profile(frozenset(topic.tags), frozenset(found_terms), frozenset(papers))


def profiles(
    archive: Archive, terms: TermFinder, cited: dict[str, tuple[Citation, ...]]
) -> dict[TopicKey, Profile]:
    """Every topic's profile; ``cited`` holds each digest's citations, by digest id."""
    return {
        TopicKey(digest.id, topic.slug): profile(topic, terms, cited.get(digest.id, ()))
        for digest in archive.digests
        for topic in digest.topics
    }


def related(
    profiles: dict[TopicKey, Profile], limit: int = RELATED_LIMIT
) -> dict[TopicKey, tuple[Relation, ...]]:
    """For every topic, the topics sharing the most with it, best first.

    Only topics sharing a paper, a term or two tags relate. Scores are summed
    through an inverted index (each feature's topics), so no pair of
    topics is compared unless they share something; only the best few are
    then described in full.
    """
    keys = list(profiles)
    features = [_features(profiles[key]) for key in keys]
    holders: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number, topic_features in enumerate(features):
        for feature in topic_features:
            holders[feature].append(number)
    weights = {
        feature: _BASE_WEIGHTS[feature[0]] * math.log(1 + len(keys) / len(topics))
        for feature, topics in holders.items()
    }
    frequency = {feature: len(topics) for feature, topics in holders.items()}
    result = {}
    for number, key in enumerate(keys):
        # Topics are numbered here: hashing the keys themselves costs more
        # than the rest of the ranking.
        scores: dict[int, float] = defaultdict(float)
        shared_tags: Counter[int] = Counter()
        strong: set[int] = set()
        for feature in features[number]:
            weight = weights[feature]
            topics = holders[feature]
            for other in topics:
                scores[other] += weight
            if feature[0] == "tag":
                shared_tags.update(topics)
            else:
                strong.update(topics)
        candidates = [
            other
            for other in scores
            if other != number and (other in strong or shared_tags[other] >= 2)
        ]
        if len(candidates) > limit:
            # Scores summed in another order differ in the last bits: near
            # ties at the cut are settled by the exact scores below.
            cut = heapq.nlargest(limit, (scores[other] for other in candidates))[-1] - 1e-5
            candidates = [other for other in candidates if scores[other] >= cut]
        mine = profiles[key]
        relations = [
            _relation(keys[other], mine, profiles[keys[other]], weights, frequency)
            for other in candidates
        ]
        # Best score first; among equals the newer digest, then the slug.
        relations.sort(key=lambda r: r.topic.slug)
        relations.sort(key=lambda r: r.topic.digest, reverse=True)
        relations.sort(key=lambda r: -r.score)
        result[key] = tuple(relations[:limit])
    return result


_BASE_WEIGHTS = MappingProxyType({"paper": PAPER_WEIGHT, "term": TERM_WEIGHT, "tag": TAG_WEIGHT})


def _features(item: Profile) -> list[tuple[str, str]]:
    return [
        *(("paper", paper) for paper in item.papers),
        *(("term", term) for term in item.terms),
        *(("tag", tag) for tag in item.tags),
    ]


def _relation(
    other: TopicKey,
    mine: Profile,
    theirs: Profile,
    weights: dict[tuple[str, str], float],
    frequency: dict[tuple[str, str], int],
) -> Relation:
    """What two topics share, rarest terms first, and its score."""
    papers = sorted(mine.papers & theirs.papers)
    terms = sorted(mine.terms & theirs.terms, key=lambda term: (frequency[("term", term)], term))
    tags = sorted(mine.tags & theirs.tags)
    score = (
        sum(weights[("paper", paper)] for paper in papers)
        + sum(weights[("term", term)] for term in terms)
        + sum(weights[("tag", tag)] for tag in tags)
    )
    return Relation(other, round(score, 6), tuple(papers), tuple(terms), tuple(tags))


def suggested_tags(
    item: Profile,
    glossary: dict[str, Term],
    tags_of_papers: dict[str, set[str]],
    known_tags: Iterable[str],
) -> tuple[str, ...]:
    """Tags for a topic nobody tagged: from the categories of its terms and its papers."""
    votes: Counter[str] = Counter()
    for term_id in item.terms:
        tag = CATEGORY_TAGS.get(glossary[term_id].category) if term_id in glossary else None
        if tag:
            votes[tag] += 1
    for paper in item.papers:
        votes.update(tags_of_papers.get(paper, ()))
    allowed = set(known_tags)
    ranked = sorted(
        (tag for tag, n in votes.items() if n >= SUGGESTION_MINIMUM and tag in allowed),
        key=lambda tag: (-votes[tag], tag),
    )
    return tuple(ranked[:SUGGESTION_LIMIT])


def tags_of_papers(profiles: dict[TopicKey, Profile]) -> dict[str, set[str]]:
    """The curated tags of the topics citing each paper."""
    result: dict[str, set[str]] = defaultdict(set)
    for item in profiles.values():
        for paper in item.papers:
            result[paper].update(item.tags)
    return result


@dataclass(frozen=True, slots=True)
class Mention:
    """A reference in one topic's text to another topic."""

    source: TopicKey
    anchor: str
    target: TopicKey
    start: int
    end: int


class TopicNames:
    """Topic titles and aliases, to recognise references to topics in text.

    A quoted span (“…”, 「…」, 『…』, "…") names a topic when it is the
    topic's title or alias, or a piece of at least four characters of its
    title (``“GPT的加法正确率”``). An alias also names its topic unquoted.
    """

    MINIMUM_PIECE = 4

    def __init__(self, names: dict[TopicKey, tuple[str, tuple[str, ...]]]) -> None:
        self._titles = sorted((key, title) for key, (title, _) in names.items())
        self._aliases = {alias: key for key, (_, aliases) in names.items() for alias in aliases}
        self._alias_matcher = FormMatcher(
            (alias, False, key) for alias, key in self._aliases.items()
        )
        # The titles holding each piece of MINIMUM_PIECE characters, by their
        # place in ``_titles``: a quote is compared with the few titles that
        # share its first piece, not with every title of the archive.
        self._by_piece: dict[str, list[int]] = defaultdict(list)
        for index, (_, title) in enumerate(self._titles):
            for piece in dict.fromkeys(
                title[start : start + self.MINIMUM_PIECE]
                for start in range(len(title) - self.MINIMUM_PIECE + 1)
            ):
                self._by_piece[piece].append(index)
        self._by_title: dict[str, TopicKey] = {}
        for key, title in self._titles:
            self._by_title.setdefault(title, key)

    def find(self, text: str, here: TopicKey | None = None) -> list[tuple[int, int, TopicKey]]:
        """``(start, end, topic)`` of each name in ``text``, not counting ``here``."""
        found = []
        for match in _QUOTED.finditer(text):
            group = next(i for i in range(1, 5) if match.group(i) is not None)
            quoted = match.group(group).strip()
            target = self._named(quoted)
            if target is not None and target != here:
                found.append((match.start(group), match.end(group), target))
        taken = [(start, end) for start, end, _ in found]
        for alias in self._alias_matcher.find(text):
            inside = any(start <= alias.start < end for start, end in taken)
            if not inside and alias.value != here:
                found.append((alias.start, alias.end, alias.value))
        return sorted(found)

    def _named(self, quoted: str) -> TopicKey | None:
        """The topic ``quoted`` names: an alias, else the first topic (in key
        order) whose title it is, or a piece of at least four characters of."""
        if quoted in self._aliases:
            return self._aliases[quoted]
        if len(quoted) < self.MINIMUM_PIECE:
            return self._by_title.get(quoted)
        for index in self._by_piece.get(quoted[: self.MINIMUM_PIECE], ()):
            key, title = self._titles[index]
            if quoted in title:
                return key
        return None


def mentions(archive: Archive, names: TopicNames) -> list[Mention]:
    """Every reference from one topic to another, in source order."""
    found = []
    for digest in archive.digests:
        for topic in digest.topics:
            here = TopicKey(digest.id, topic.slug)
            for anchor, _, lines in sections(topic):
                for _, text in lines:
                    for start, end, target in names.find(text, here):
                        found.append(Mention(here, anchor, target, start, end))
    return found
