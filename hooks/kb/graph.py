"""How topics connect: a graph of topics, glossary terms and papers, drawn as SVG.

The relations are the ones the site already computes (``kb.related``): a
topic mentions the terms of its profile and cites its papers, and relates
to the topics it shares the most with. Each drawing is plain SVG whose
nodes are links, one row per node with its name beside it: names never
overlap or run off the frame, a finger finds each row on a phone, and it
works with the keyboard (each node a link in reading order). No script, no
library, nothing from another host. A topic page draws its neighbourhood
(:func:`fan`); the archive's page draws its tags (:func:`tag_map`) and lists
every topic with what it joins.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from xml.sax.saxutils import escape, quoteattr

from .messages import Messages
from .metadata import Tag
from .related import Profile, Relation, TopicKey

TOPIC, TERM, PAPER = "topic", "term", "paper"
MENTIONS, CITES, RELATED = "mentions", "cites", "related"


@dataclass(frozen=True, slots=True)
class Node:
    id: str
    kind: str
    label: str


@dataclass(frozen=True, slots=True)
class Edge:
    source: str
    target: str
    kind: str


@dataclass(frozen=True)
class Graph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def neighbourhood(self, node_id: str) -> Graph:
        """``node_id``, the nodes it is joined to, and its own edges to them.

        Not the edges among its neighbours: a topic's related topics share
        most of its terms, and those lines made a topic page's small drawing
        a tangle (and 24 KB of SVG a page in a large archive).
        """
        near = {node_id, *self._joined.get(node_id, ())}
        edges = set(self._touching.get(node_id, ()))
        return Graph(
            tuple(sorted((self._node[n] for n in near), key=self._rank.__getitem__)),
            tuple(sorted(edges, key=self._rank.__getitem__)),
        )

    def among(self, ids: Iterable[str]) -> Graph:
        """The nodes of ``ids`` (in graph order) and the edges between two of them."""
        kept = set(ids)
        return Graph(
            tuple(node for node in self.nodes if node.id in kept),
            tuple(edge for edge in self.edges if edge.source in kept and edge.target in kept),
        )

    # Every topic page draws its neighbourhood: looked up, not searched for.
    @functools.cached_property
    def _joined(self) -> dict[str, set[str]]:
        joined: dict[str, set[str]] = defaultdict(set)
        for edge in self.edges:
            joined[edge.source].add(edge.target)
            joined[edge.target].add(edge.source)
        return joined

    @functools.cached_property
    def _node(self) -> dict[str, Node]:
        return {node.id: node for node in self.nodes}

    @functools.cached_property
    def _rank(self) -> dict[Node | Edge, int]:
        """Each node's and edge's place in the graph: a neighbourhood keeps its order."""
        return {item: index for index, item in enumerate((*self.nodes, *self.edges))}

    @functools.cached_property
    def _touching(self) -> dict[str, list[Edge]]:
        edges: dict[str, list[Edge]] = defaultdict(list)
        for edge in self.edges:
            edges[edge.source].append(edge)
            edges[edge.target].append(edge)
        return edges


def topic_id(key: TopicKey) -> str:
    return f"topic:{key.digest}/{key.slug}"


def topic_key(node_id: str) -> TopicKey | None:
    """The topic a node stands for (:func:`topic_id`'s inverse); None for a term or paper."""
    kind, _, name = node_id.partition(":")
    if kind != TOPIC:
        return None
    digest, _, slug = name.partition("/")
    return TopicKey(digest, slug)


def archive_graph(
    titles: dict[TopicKey, str],
    profiles: dict[TopicKey, Profile],
    relations: dict[TopicKey, tuple[Relation, ...]],
    term_names: dict[str, str],
    paper_titles: dict[str, str],
    mentions: Iterable[tuple[TopicKey, TopicKey]] = (),
) -> Graph:
    """Every topic, the terms and papers they bring up, and how they join.

    ``titles`` are the topics' titles in the language drawn, in archive order;
    ``mentions`` the topics that name another (kb.related.mentions).
    """
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    # One string per node id, shared by its node and every edge (an edge
    # list of a large archive held each id again for every edge).
    ids = {key: topic_id(key) for key in titles}
    for key, title in titles.items():
        nodes[ids[key]] = Node(ids[key], TOPIC, title)
    for key in titles:
        profile = profiles.get(key)
        if profile is None:
            continue
        for term in sorted(profile.terms):
            if term in term_names:
                node_id = f"term:{term}"
                node = nodes.setdefault(node_id, Node(node_id, TERM, term_names[term]))
                edges.append(Edge(ids[key], node.id, MENTIONS))
        for paper in sorted(profile.papers):
            label = paper_titles.get(paper, f"arXiv:{paper}")
            node_id = f"paper:{paper}"
            node = nodes.setdefault(node_id, Node(node_id, PAPER, label))
            edges.append(Edge(ids[key], node.id, CITES))
    joined: set[frozenset[str]] = set()
    for key in titles:
        for relation in relations.get(key, ()):
            if relation.topic not in titles:
                continue
            pair = frozenset({ids[key], ids[relation.topic]})
            if len(pair) == 2 and pair not in joined:
                joined.add(pair)
                edges.append(Edge(ids[key], ids[relation.topic], RELATED))
    named: set[tuple[str, str]] = set()
    for source, target in mentions:
        if source not in titles or target not in titles or source == target:
            continue
        pair = (ids[source], ids[target])
        if pair not in named:
            named.add(pair)
            edges.append(Edge(*pair, MENTIONS))
    return Graph(tuple(nodes.values()), tuple(edges))


# The graph page lists at most this many nodes, and about this many joins:
# beyond them, the page would grow with the archive. Every topic page draws
# its own neighbourhood in full.
DRAWN = 160
DRAWN_EDGES = 900


def most_connected(graph: Graph, most: int = DRAWN) -> Graph:
    """The nodes the graph page lists: the whole graph while it has
    at most ``most`` nodes; beyond, the ``most`` nodes with the most edges
    (the earlier in the graph first among equals) and the edges between them."""
    if len(graph.nodes) <= most:
        return graph
    degree: dict[str, int] = defaultdict(int)
    for edge in graph.edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    ranked = sorted(range(len(graph.nodes)), key=lambda i: (-degree[graph.nodes[i].id], i))
    return graph.among(graph.nodes[i].id for i in ranked[:most])


def listing(whole: Graph, placed: Iterable[str]) -> Graph:
    """What the graph page lists of one language's graph: all of it, or,
    where only the most connected nodes are listed, those nodes and the
    mentions and citations between them. Related-topic edges follow from
    shared terms and papers; each topic page lists and draws them."""
    part = whole.among(placed)
    if len(part.nodes) == len(whole.nodes):
        return whole
    return _strongest(Graph(part.nodes, tuple(e for e in part.edges if e.kind != RELATED)))


def _strongest(graph: Graph, most: int = DRAWN_EDGES) -> Graph:
    """At most about ``most`` of ``graph``'s edges: each node keeps an equal
    share of the edges it starts, those to the most connected nodes first."""
    if len(graph.edges) <= most:
        return graph
    degree: dict[str, int] = defaultdict(int)
    starting: dict[str, list[Edge]] = defaultdict(list)
    for edge in graph.edges:
        degree[edge.target] += 1
        starting[edge.source].append(edge)
    share = max(1, most // len(starting))
    kept = {
        edge
        for edges in starting.values()
        for edge in sorted(edges, key=lambda e: -degree[e.target])[:share]
    }
    return Graph(graph.nodes, tuple(edge for edge in graph.edges if edge in kept))


# The drawings of a topic's neighbourhood and of the archive's tags are lists
# drawn: one row per node, its name beside it, so that names never overlap
# and a finger finds each row (28 units: 24 px or more on a 390 px phone,
# where the drawing is shown at its own size).
WIDTH = 360
ROW = 28
FONT = 13  # units, kb.css: the drawing's text
_NAME_RIGHT_MARGIN = 6
RADIUS = MappingProxyType({TOPIC: 6, TERM: 5, PAPER: 4})


def shortened(name: str, room: float, font: float = FONT) -> str:
    """``name``, or its start and "…", in about ``room`` units of text:
    a wide (CJK) character takes a font's width, another about 0.62 of it."""

    widths = [font if ord(char) > 0x2E80 else font * 0.62 for char in name]
    if sum(widths) <= room:
        return name
    ellipsis = [font * 0.62]  # "…" is not a wide character
    # The longest start that fits with "…" (a start is never wider than a
    # longer one): found by halving, as a page lists thousands of names.
    fits, too_long = 0, len(name)
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if sum(widths[:middle] + ellipsis) <= room:
            fits = middle
        else:
            too_long = middle
    return name[:fits].rstrip() + "…"


def fan(
    graph: Graph,
    centre: str,
    href: Callable[[Node], str | None],
    kinds: dict[str, str],
    label: str,
) -> str:
    """A topic's neighbourhood: the topic on the left, a line to each node it
    joins, one row each (topics, then terms, then papers), named in full on
    hover and focus (title, aria-label) and shortened beside the dot to fit."""
    order = {TOPIC: 0, TERM: 1, PAPER: 2}
    around = sorted(
        (node for node in graph.nodes if node.id != centre),
        key=lambda node: (order[node.kind], node.label),
    )
    height = ROW * max(1, len(around)) + 16
    middle = height / 2
    dot_x, centre_x = 112, 24
    name_x = dot_x + 12
    room = WIDTH - name_x - _NAME_RIGHT_MARGIN
    parts = [_svg_open(WIDTH, height, label, "kb-graph--rows")]
    parts.append('<g class="kb-graph-edges" aria-hidden="true">')
    rows = [(node, 8 + ROW * index + ROW / 2) for index, node in enumerate(around)]
    for _, y in rows:
        parts.append(
            f'<line class="kb-edge" x1="{centre_x}" y1="{middle:g}" x2="{dot_x}" y2="{y:g}"/>'
        )
    parts.append("</g>")
    centre_node = next(node for node in graph.nodes if node.id == centre)
    name = f"{kinds[centre_node.kind]}: {centre_node.label}"
    parts.append(
        f'<g class="kb-node kb-node--{centre_node.kind} kb-node--centre">'
        f'<circle cx="{centre_x}" cy="{middle:g}" r="9"/><title>{escape(name)}</title></g>'
    )
    for node, y in rows:
        parts.append(_row(node, dot_x, name_x, y, WIDTH - dot_x + 12, room, href(node), kinds))
    parts.append("</svg>")
    return "".join(parts)


def _svg_open(width: float, height: float, label: str, kind: str) -> str:
    return (
        f'<svg class="kb-graph {kind}" viewBox="0 0 {width:g} {height:g}" width="{width:g}"'
        f' height="{height:g}" role="group" data-search-exclude aria-label={quoteattr(label)}'
        ' xmlns="http://www.w3.org/2000/svg">'
    )


def _row(
    node: Node,
    dot_x: float,
    name_x: float,
    y: float,
    hit_width: float,
    room: float,
    target: str | None,
    kinds: dict[str, str],
    shown: str | None = None,
    radius: float | None = None,
) -> str:
    """One node's row: a dot, its name shortened to ``room``, and (a link) a
    target as tall as the row and as wide as dot and name."""
    name = f"{kinds.get(node.kind, node.kind)}: {node.label}"
    text = shortened(shown or node.label, room)
    inner = (
        f'<rect class="kb-hit" x="{dot_x - 12:g}" y="{y - ROW / 2:g}" width="{hit_width:g}"'
        f' height="{ROW}"/>'
        f'<circle cx="{dot_x:g}" cy="{y:g}" r="{radius or RADIUS[node.kind]:g}"/>'
        f"<title>{escape(name)}</title>"
        f'<text x="{name_x:g}" y="{y + FONT * 0.35:g}" aria-hidden="true">{escape(text)}</text>'
    )
    classes = f"kb-node kb-node--{node.kind}"
    if target is None:
        return f'<g class="{classes}">{inner}</g>'
    # xlink:href, not href: Material's instant navigation and previews set
    # every [href] of a page they load to itself, made absolute, which throws
    # on an SVG link (its href is read-only) and stops them. An XLink
    # attribute is not [href] to a selector, and links the same.
    return (
        f'<a class="{classes}" xlink:href={quoteattr(target)}'
        f" aria-label={quoteattr(name)}>{inner}</a>"
    )


TAG = "tag"


def tag_totals(
    tag_sets: Iterable[Iterable[str]],
) -> tuple[dict[str, int], dict[tuple[str, str], int]]:
    """How many topics carry each tag, and each pair of tags, of the topics'
    ``tag_sets``."""
    counts: dict[str, int] = defaultdict(int)
    together: dict[tuple[str, str], int] = defaultdict(int)
    for tags in tag_sets:
        distinct = sorted(set(tags))
        for index, tag in enumerate(distinct):
            counts[tag] += 1
            for other in distinct[index + 1 :]:
                together[(tag, other)] += 1
    return dict(counts), dict(together)


def tag_map(
    counts: dict[str, int],
    together: dict[tuple[str, str], int],
    names: dict[str, str],
    href: Callable[[str], str | None],
    kind_name: str,
    label: str,
) -> str:
    """The archive at a glance, legible at any size: its tags, most topics
    first, one row each with how many topics carry it, and a line between
    two tags for the topics carrying both (the thicker, the more). Each tag
    links to its listing; each topic page draws its own neighbourhood."""
    tags = sorted(counts, key=lambda tag: (-counts[tag], tag))
    height = ROW * max(1, len(tags)) + 16
    dot_x = 40
    name_x = dot_x + 14
    room = WIDTH - name_x - _NAME_RIGHT_MARGIN
    row_y = {tag: 8 + ROW * index + ROW / 2 for index, tag in enumerate(tags)}
    most = max(counts.values(), default=1)
    parts = [_svg_open(WIDTH, height, label, "kb-graph--rows")]
    parts.append('<g class="kb-graph-edges" aria-hidden="true">')
    heaviest = max(together.values(), default=1)
    for (first, second), shared in sorted(together.items()):
        if first not in row_y or second not in row_y:
            continue
        y1, y2 = row_y[first], row_y[second]
        # An arc on the left of the column, wider the farther apart the rows.
        bend = dot_x - min(dot_x - 4, abs(y2 - y1) / 3)
        width = 0.6 + 2.4 * shared / heaviest
        parts.append(
            f'<path class="kb-edge" d="M{dot_x} {y1:g} Q{bend:g} {(y1 + y2) / 2:g} {dot_x} {y2:g}"'
            f' style="stroke-width:{width:.2f}"/>'
        )
    parts.append("</g>")
    for tag in tags:
        node = Node(f"{TAG}:{tag}", TAG, f"{names[tag]} ({counts[tag]})")
        radius = 3 + 6 * math.sqrt(counts[tag] / most)
        parts.append(
            _row(
                node,
                dot_x,
                name_x,
                row_y[tag],
                WIDTH - dot_x + 12,
                room,
                href(tag),
                {TAG: kind_name},
                radius=radius,
            )
        )
    parts.append("</svg>")
    return "".join(parts)


def topic_drawing(
    graph: Graph, centre: str, href: Callable[[Node], str | None], messages: Messages
) -> str:
    """What a topic page draws of ``graph``: the neighbourhood of ``centre``
    (:func:`fan`), in ``messages``' language."""
    kinds = {kind: messages(f"graph.kind.{kind}") for kind in (TOPIC, TERM, PAPER)}
    return fan(graph.neighbourhood(centre), centre, href, kinds, messages("graph.label"))


def archive_drawing(
    tag_sets: Iterable[Iterable[str]],
    tags: Mapping[str, Tag],
    language: str,
    href: Callable[[str], str | None],
    messages: Messages,
) -> str:
    """What the graph page draws of the archive: the tags of the topics'
    ``tag_sets`` (:func:`tag_map`), those of ``tags`` only, named in ``language``."""
    counts, together = tag_totals(tag_sets)
    return tag_map(
        {tag: n for tag, n in counts.items() if tag in tags},
        together,
        {tag: tags[tag].name(language) for tag in counts if tag in tags},
        href,
        messages("graph.kind.tag"),
        messages("graph.tags_label"),
    )
