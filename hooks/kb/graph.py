"""How topics connect: a graph of topics, glossary terms and papers, drawn as SVG.

The relations are the ones the site already computes (``kb.related``): a
topic mentions the terms of its profile and cites its papers, and relates
to the topics it shares the most with. The layout is computed at build
time, deterministically (the same archive draws the same picture), and the
drawing is plain SVG whose nodes are links: no script, no library, nothing
from another host, and it works with the keyboard (each node is a link in
reading order) beside a plain list that says the same.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

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


# The archive's drawing shows at most this many nodes, and about this many
# lines: beyond them, the page grows with the archive (6.5 MB of SVG at 1000
# topics) and its names and lines run together. Every topic page draws its
# own neighbourhood in full.
DRAWN = 160
DRAWN_EDGES = 900


def most_connected(graph: Graph, most: int = DRAWN) -> Graph:
    """The nodes the archive's drawing places: the whole graph while it has
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


def drawing(whole: Graph, placed: Iterable[str]) -> Graph:
    """What the archive's drawing shows of one language's graph: all of it,
    or, where the layout placed only the most connected nodes, those nodes
    and the mentions and citations between them. Related-topic edges follow
    from shared terms and papers; each topic page lists and draws them."""
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


def hubs(graph: Graph, least: int = 3) -> set[str]:
    """The terms joined to at least ``least`` topics: the names a large drawing shows."""
    degree: dict[str, int] = defaultdict(int)
    for edge in graph.edges:
        degree[edge.target] += 1
    return {node.id for node in graph.nodes if node.kind == TERM and degree[node.id] >= least}


def size_for(graph: Graph) -> float:
    """The drawing's side: room for every node at about the same density."""
    return max(480.0, round(28 * math.sqrt(len(graph.nodes))))


def layout(
    graph: Graph, size: float, iterations: int | None = None
) -> dict[str, tuple[float, float]]:
    """Positions in a ``size`` × ``size`` square, by a force layout that repeats itself.

    Fruchterman and Reingold's springs, with repulsion only between nodes in
    neighbouring cells of a grid, so that a thousand topics take a moment,
    not minutes. Nodes start on a golden-angle spiral in graph order.
    """
    count = len(graph.nodes)
    if count == 0:
        return {}
    # A large archive settles in fewer rounds: each costs a moment per thousand nodes.
    iterations = iterations or (60 if count <= 400 else 25 if count <= 1000 else 15)
    ideal = size / math.sqrt(count) * 1.4
    position = {}
    for index, node in enumerate(graph.nodes):
        radius = ideal * math.sqrt(index + 0.5) * 0.5
        angle = index * 2.399963229728653
        position[node.id] = [
            size / 2 + radius * math.cos(angle),
            size / 2 + radius * math.sin(angle),
        ]
    # The loop works on node numbers and flat lists (a third of the time of
    # dicts keyed by id), adding each node's forces in the same order, so the
    # positions are the same to the last bit (tests/test_graph.py).
    ids = list(position)
    number = {node_id: index for index, node_id in enumerate(ids)}
    xs = [position[node_id][0] for node_id in ids]
    ys = [position[node_id][1] for node_id in ids]
    joined = [(number[edge.source], number[edge.target]) for edge in graph.edges]
    squared = ideal * ideal
    hypot = math.hypot
    temperature = size / 10
    for _ in range(iterations):
        cells: dict[tuple[int, int], list[int]] = defaultdict(list)
        for node, (x, y) in enumerate(zip(xs, ys, strict=True)):
            cells[(int(x // ideal), int(y // ideal))].append(node)
        shift_x = [0.0] * len(ids)
        shift_y = [0.0] * len(ids)
        for (cx, cy), members in cells.items():
            nearby = [
                (other, xs[other], ys[other])
                for dx in (-1, 0, 1)
                for dy in (-1, 0, 1)
                for other in cells.get((cx + dx, cy + dy), ())
            ]
            for node in members:
                x, y = xs[node], ys[node]
                sx = sy = 0.0
                for other, ox, oy in nearby:
                    if other == node:
                        continue
                    dx, dy = x - ox, y - oy
                    distance = hypot(dx, dy) or 0.01
                    force = squared / distance
                    sx += dx / distance * force
                    sy += dy / distance * force
                shift_x[node], shift_y[node] = sx, sy
        for source, target in joined:
            dx, dy = xs[source] - xs[target], ys[source] - ys[target]
            distance = hypot(dx, dy) or 0.01
            force = distance * distance / ideal
            shift_x[source] += -1 * dx / distance * force
            shift_y[source] += -1 * dy / distance * force
            shift_x[target] += dx / distance * force
            shift_y[target] += dy / distance * force
        for node in range(len(ids)):
            sx, sy = shift_x[node], shift_y[node]
            length = hypot(sx, sy) or 0.01
            step = min(length, temperature)
            x = xs[node] + sx / length * step
            y = ys[node] + sy / length * step
            xs[node], ys[node] = min(size - 12, max(12, x)), min(size - 12, max(12, y))
        temperature *= 0.94
    return {node_id: (round(x, 1), round(y, 1)) for node_id, x, y in zip(ids, xs, ys, strict=True)}


def radial(graph: Graph, centre: str, size: float) -> dict[str, tuple[float, float]]:
    """``centre`` in the middle, its neighbours on a circle, topics, terms, papers in turn.

    For a topic's own small graph: readable at once, and cheap enough for
    every topic page of a large archive.
    """
    order = {TOPIC: 0, TERM: 1, PAPER: 2}
    around = sorted(
        (node for node in graph.nodes if node.id != centre), key=lambda n: order[n.kind]
    )
    middle = size / 2
    position = {centre: (middle, middle)}
    for index, node in enumerate(around):
        angle = 2 * math.pi * index / max(len(around), 1) - math.pi / 2
        ring = middle * (0.78 if index % 2 else 0.62)
        position[node.id] = (
            round(middle + ring * math.cos(angle), 1),
            round(middle + ring * math.sin(angle), 1),
        )
    return position


RADIUS = {TOPIC: 6, TERM: 5, PAPER: 4}


def svg(
    graph: Graph,
    position: dict[str, tuple[float, float]],
    size: float,
    href: Callable[[Node], str | None],
    kinds: dict[str, str],
    label: str,
    centre: str | None = None,
    named: Iterable[str] | None = None,
) -> str:
    """The drawing: edges under nodes, each node a link named by its kind and title.

    ``kinds`` names each kind of node in the page's language; ``label``
    names the whole drawing for assistive technology. The nodes in ``named``
    (default: every node) show their name; the others show it on hover.
    """
    named = set(named) if named is not None else {node.id for node in graph.nodes}
    parts = [
        f'<svg class="kb-graph" viewBox="0 0 {size:g} {size:g}" role="group" data-search-exclude '
        f'aria-label={quoteattr(label)} xmlns="http://www.w3.org/2000/svg">',
        '<g class="kb-graph-edges" aria-hidden="true">',
    ]
    for edge in graph.edges:
        (x1, y1), (x2, y2) = position[edge.source], position[edge.target]
        parts.append(
            f'<line class="kb-edge kb-edge--{edge.kind}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"/>'
        )
    parts.append("</g>")
    for node in graph.nodes:
        x, y = position[node.id]
        target = href(node)
        name = f"{kinds[node.kind]}: {node.label}"
        classes = f"kb-node kb-node--{node.kind}"
        if node.id == centre:
            classes += " kb-node--centre"
        shape = (
            f'<circle cx="{x}" cy="{y}" r="{RADIUS[node.kind] + (3 if node.id == centre else 0)}"/>'
            f"<title>{escape(name)}</title>"
        )
        if node.id in named:
            text = node.label if len(node.label) <= 16 else node.label[:15] + "…"
            shape += f'<text x="{x + 8}" y="{y + 3}" aria-hidden="true">{escape(text)}</text>'
        if target is None:
            parts.append(f'<g class="{classes}">{shape}</g>')
        else:
            parts.append(
                f'<a class="{classes}" href={quoteattr(target)} aria-label={quoteattr(name)}>'
                f"{shape}</a>"
            )
    parts.append("</svg>")
    return "".join(parts)
