"""The graph of how topics connect: the model's relations, drawn as links."""

from __future__ import annotations

import math
import random
import re
from collections import defaultdict
from urllib.parse import urljoin

import pytest

from conftest import load_sources
from kb import graph, related

SOURCES = load_sources()


def _seed_graph() -> graph.Graph:
    titles = {
        related.TopicKey(d.id, t.slug): t.title for d in SOURCES.archive.digests for t in d.topics
    }
    return graph.archive_graph(
        titles,
        SOURCES.profiles,
        SOURCES.relations,
        {term.id: term.names["zh"] for term in SOURCES.glossary},
        {paper.id: paper.title for paper in SOURCES.papers},
    )


def test_the_edges_are_the_models_relations():
    drawn = _seed_graph()
    edges = {(e.source, e.target, e.kind) for e in drawn.edges}
    expected = set()
    for key, profile in SOURCES.profiles.items():
        topic = graph.topic_id(key)
        expected |= {(topic, f"term:{term}", graph.MENTIONS) for term in profile.terms}
        expected |= {(topic, f"paper:{paper}", graph.CITES) for paper in profile.papers}
    pairs = {
        frozenset({graph.topic_id(key), graph.topic_id(r.topic)})
        for key, relations in SOURCES.relations.items()
        for r in relations
    }
    assert {e for e in edges if e[2] != graph.RELATED} == expected
    assert {frozenset(e[:2]) for e in edges if e[2] == graph.RELATED} == pairs
    assert len(drawn.nodes) == len({n.id for n in drawn.nodes})


def test_the_layout_is_deterministic_and_inside_the_drawing():
    drawn = _seed_graph()
    size = graph.size_for(drawn)
    first, second = graph.layout(drawn, size), graph.layout(drawn, size)
    assert first == second == SOURCES.graph_layout
    assert all(0 < x < size and 0 < y < size for x, y in first.values())


def _plain_layout(drawn: graph.Graph, size: float, iterations: int) -> dict:
    """The layout as first written (positions and forces in dicts keyed by node id),
    which ``graph.layout`` computes faster with the same arithmetic in the same order."""
    count = len(drawn.nodes)
    ideal = size / math.sqrt(count) * 1.4
    position = {}
    for index, node in enumerate(drawn.nodes):
        radius = ideal * math.sqrt(index + 0.5) * 0.5
        angle = index * 2.399963229728653
        position[node.id] = [
            size / 2 + radius * math.cos(angle),
            size / 2 + radius * math.sin(angle),
        ]
    temperature = size / 10
    for _ in range(iterations):
        shift = {node_id: [0.0, 0.0] for node_id in position}
        cells = defaultdict(list)
        for node_id, (x, y) in position.items():
            cells[(int(x // ideal), int(y // ideal))].append(node_id)
        for (cx, cy), members in cells.items():
            nearby = [
                o
                for dx in (-1, 0, 1)
                for dy in (-1, 0, 1)
                for o in cells.get((cx + dx, cy + dy), ())
            ]
            for node_id in members:
                x, y = position[node_id]
                for other in nearby:
                    if other != node_id:
                        dx, dy = x - position[other][0], y - position[other][1]
                        distance = math.hypot(dx, dy) or 0.01
                        force = ideal * ideal / distance
                        shift[node_id][0] += dx / distance * force
                        shift[node_id][1] += dy / distance * force
        for edge in drawn.edges:
            (x, y), (ox, oy) = position[edge.source], position[edge.target]
            dx, dy = x - ox, y - oy
            distance = math.hypot(dx, dy) or 0.01
            force = distance * distance / ideal
            for node_id, sign in ((edge.source, -1), (edge.target, 1)):
                shift[node_id][0] += sign * dx / distance * force
                shift[node_id][1] += sign * dy / distance * force
        for node_id, (sx, sy) in shift.items():
            length = math.hypot(sx, sy) or 0.01
            step = min(length, temperature)
            x = position[node_id][0] + sx / length * step
            y = position[node_id][1] + sy / length * step
            position[node_id] = [min(size - 12, max(12, x)), min(size - 12, max(12, y))]
        temperature *= 0.94
    return {node_id: (round(x, 1), round(y, 1)) for node_id, (x, y) in position.items()}


def _random_graph(nodes: int, edges: int, seed: int) -> graph.Graph:
    rng = random.Random(seed)
    kinds = (graph.TOPIC, graph.TERM, graph.PAPER)
    made = tuple(graph.Node(f"n{i}", rng.choice(kinds), f"n{i}") for i in range(nodes))
    joined = tuple(
        graph.Edge(*(node.id for node in rng.sample(made, 2)), graph.MENTIONS) for _ in range(edges)
    )
    return graph.Graph(made, joined)


@pytest.mark.parametrize(
    ("nodes", "edges", "seed"), [(1, 0, 0), (2, 1, 1), (60, 90, 2), (700, 1500, 3)]
)
def test_the_layout_places_every_node_where_the_plain_algorithm_does(nodes, edges, seed):
    drawn = _random_graph(nodes, edges, seed)
    size = graph.size_for(drawn)
    iterations = 60 if nodes <= 400 else 25
    assert graph.layout(drawn, size) == _plain_layout(drawn, size, iterations)
    seed_graph = _seed_graph()
    assert graph.layout(seed_graph, 500, 10) == _plain_layout(seed_graph, 500, 10)


def test_every_node_is_a_named_link():
    drawn = _seed_graph()
    kinds = {"topic": "话题", "term": "术语", "paper": "论文"}
    picture = graph.svg(drawn, SOURCES.graph_layout, 500, lambda n: f"#{n.id}", kinds, "关系图")
    links = re.findall(
        r'<a class="kb-node kb-node--(\w+)" href="[^"]+" aria-label="([^"]+)">', picture
    )
    assert len(links) == len(drawn.nodes)
    assert all(label.startswith(kinds[kind] + ": ") for kind, label in links)
    assert "<script" not in picture and "http" not in picture.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


def test_a_topics_neighbourhood_holds_what_it_joins():
    drawn = _seed_graph()
    centre = "topic:2023-11-12/length-extrapolation"
    near = drawn.neighbourhood(centre)
    joined = {e.target for e in drawn.edges if e.source == centre} | {
        e.source for e in drawn.edges if e.target == centre
    }
    assert {n.id for n in near.nodes} == joined | {centre}
    # Its own lines only: the lines among its neighbours made a tangle.
    assert set(near.edges) == {e for e in drawn.edges if centre in (e.source, e.target)}
    position = graph.radial(near, centre, 360)
    assert position[centre] == (180, 180) and len(position) == len(near.nodes)


@pytest.mark.build
@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_graph_page_and_each_topics_graph_are_built(real_site, prefix):
    page = real_site.page(f"{prefix}graph")
    assert page.count('<a class="kb-node') == len(_seed_graph().nodes)
    assert 'id="as-list"' in page
    topic = real_site.page(f"{prefix}2023-11-12/length-extrapolation")
    assert 'id="graph"' in topic and "kb-node--centre" in topic
    assert 'href="../../graph/"' in topic


@pytest.mark.browser
def test_a_reader_moves_through_the_graph_by_keyboard_and_follows_a_node(page, server):
    page.goto(server + "graph/")
    first = page.locator("svg.kb-graph a").first
    first.focus()
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Tab")
    following = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused and following and focused != following
    target = urljoin(page.url, page.evaluate("document.activeElement.getAttribute('href')"))
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == target


def test_a_large_archive_draws_its_most_connected_nodes_and_the_edges_between_them():
    rng = random.Random(5)
    topics = [graph.Node(f"topic:d/{n}", graph.TOPIC, f"T{n}") for n in range(600)]
    terms = [graph.Node(f"term:t{n}", graph.TERM, f"t{n}") for n in range(40)]
    edges = tuple(
        graph.Edge(topic.id, rng.choice(terms[: 5 + n % 35]).id, graph.MENTIONS)
        for n, topic in enumerate(topics)
        for _ in range(1 + n % 3)
    )
    large = graph.Graph((*topics, *terms), edges)
    drawn = graph.most_connected(large)
    assert len(drawn.nodes) == graph.DRAWN
    kept = {node.id for node in drawn.nodes}
    degree = {node.id: 0 for node in large.nodes}
    for edge in edges:
        degree[edge.source] += 1
        degree[edge.target] += 1
    # No node left out has more edges than one drawn.
    assert max(degree[n] for n in degree if n not in kept) <= min(degree[n] for n in kept)
    assert set(drawn.edges) == {e for e in edges if e.source in kept and e.target in kept}
    assert [n.id for n in drawn.nodes] == [n.id for n in large.nodes if n.id in kept]
    small = graph.Graph(tuple(topics[:10]), ())
    assert graph.most_connected(small) is small


def test_a_summarised_drawing_keeps_mentions_and_citations_between_the_nodes_placed():
    whole = _seed_graph()
    assert graph.drawing(whole, [node.id for node in whole.nodes]) is whole
    placed = {node.id for node in whole.nodes[: len(whole.nodes) // 2]}
    part = graph.drawing(whole, placed)
    assert {node.id for node in part.nodes} == placed
    assert set(part.edges) == {
        edge
        for edge in whole.edges
        if edge.source in placed and edge.target in placed and edge.kind != graph.RELATED
    }


def test_a_dense_summary_keeps_each_nodes_share_of_lines_to_the_most_connected():
    topics = [graph.Node(f"topic:d/{n}", graph.TOPIC, f"T{n}") for n in range(200)]
    terms = [graph.Node(f"term:t{n}", graph.TERM, f"t{n}") for n in range(60)]
    edges = tuple(
        graph.Edge(topic.id, term.id, graph.MENTIONS)
        for i, topic in enumerate(topics)
        for j, term in enumerate(terms)
        if (i + j) % 3 == 0 or j < 5
    )
    dense = graph.Graph((*topics, *terms), edges)
    placed = [node.id for node in (*topics[:100], *terms)]
    part = graph.drawing(dense, placed)
    assert len(part.edges) <= graph.DRAWN_EDGES
    share = graph.DRAWN_EDGES // 100
    for topic in topics[:100]:
        kept = [e.target for e in part.edges if e.source == topic.id]
        assert len(kept) == share
        # Every topic joins the five terms all topics mention: the most connected.
        assert {f"term:t{j}" for j in range(5)} <= set(kept)


@pytest.mark.build
def test_topics_of_the_same_title_are_told_apart_by_their_date(tmp_path):
    from conftest import build_site, make_project

    week = "## 简短问答\n\nQ：RAG 和 LoRA 怎么选？\n\nA：检索增强生成适合知识更新。\n"
    docs = make_project(tmp_path, {"20240109.md": week})
    result = build_site(docs, tmp_path / "site", strict=False)
    assert result.error is None, result.log
    listed = result.page("graph").split('id="as-list"', 1)[1]
    assert ">简短问答 (2023-11-12)</a>" in listed and ">简短问答 (2024-01-09)</a>" in listed
    tagged = result.page("tags/rag")
    assert re.search(r">简短问答</a> · <time>2023-11-12</time>", tagged), tagged
