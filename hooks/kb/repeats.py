"""Digests that repeat another: an earlier copy of a week added beside it.

The archive has such copies (a first version of a week, kept under another
date). Added beside the week they copy, they publish every topic twice and
fill the related lists with the copies. A digest repeats another when most
of its topics have the other's title and mostly its text: the same lines,
after spaces are dropped. Titles alone say nothing (every week has its
"简短问答"), so the text decides, and the lines are compared through an
index of them, so that the cost grows with the archive, not with its pairs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from .model import Digest, Node, Problem, ProblemLog, Section, Thread, Topic, Turn, walk

SAME_TEXT = 0.5
"""Two topics of the same title are the same text when half their lines are shared."""
# A line this short ("A：好的", a bare link) says nothing of which week it is.
_SHORTEST_LINE = 12
# A line in more topics than this is boilerplate (a template line), not a copy.
_MOST_HOLDERS = 8


def repeated_digests(digests: tuple[Digest, ...] | list[Digest]) -> list[Problem]:
    """A warning for each digest most of whose topics (two at least) repeat another's."""
    lines = {
        (digest.id, topic.slug): _lines(topic) for digest in digests for topic in digest.topics
    }
    holders: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, own in lines.items():
        for line in own:
            holders[line].append(key)
    shared: Counter[tuple[tuple[str, str], tuple[str, str]]] = Counter()
    for keys in holders.values():
        if len(keys) > _MOST_HOLDERS:
            continue  # a line in many topics is boilerplate, not a copy
        for index, first in enumerate(keys):
            for second in keys[index + 1 :]:
                if first[0] != second[0]:
                    shared[min(first, second), max(first, second)] += 1
    titles = {(d.id, t.slug): t.title for d in digests for t in d.topics}
    # For each pair of digests, the pairs of their topics that are one text.
    same: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for (first, second), count in shared.items():
        union = len(lines[first]) + len(lines[second]) - count
        if titles[first] == titles[second] and count / union >= SAME_TEXT:
            same[first[0], second[0]].append((first[1], second[1]))
    by_id = {digest.id: digest for digest in digests}
    problems = ProblemLog()
    for (first_id, second_id), pairs in sorted(same.items()):
        first, second = by_id[first_id], by_id[second_id]
        # Reported at the digest with fewer topics (the copy), else the earlier
        # one (a first version, kept under its own date).
        copy_is_first = len(first.topics) <= len(second.topics)
        copy, original = (first, second) if copy_is_first else (second, first)
        repeated = {pair[0] if copy_is_first else pair[1] for pair in pairs}
        if len(repeated) < 2 or len(repeated) * 2 < len(copy.topics):
            continue
        topic = next(t for t in copy.topics if t.slug in repeated)
        problems.warning(
            "KB120",
            copy.path,
            topic.line,
            f"{len(repeated)} of the {len(copy.topics)} topics of this digest repeat"
            f" {original.path} (the same titles, mostly the same text)",
            f"if it is an earlier copy of {original.path}, remove it; if it is another"
            " week, give its repeated topics their own text, or merge the two digests",
        )
    return problems


def _lines(topic: Topic) -> frozenset[str]:
    return frozenset(line for line in _texts(topic.body) if len(line) >= _SHORTEST_LINE)


def _texts(body: tuple[Node, ...]) -> Iterator[str]:
    for node in walk(body):
        if isinstance(node, (Thread, Section)):
            yield "".join(node.title.split())
        elif isinstance(node, Turn):
            for chunk in node.chunks:
                for line in chunk.lines:
                    yield "".join(line.split())
