"""The graph of how topics connect: the model's relations, drawn as links."""

from __future__ import annotations

import itertools
import random
import re
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


KINDS = {"topic": "话题", "term": "术语", "paper": "论文"}


def test_every_neighbour_is_a_named_link_on_its_own_row():
    whole = _seed_graph()
    centre = "topic:2023-11-12/length-extrapolation"
    near = whole.neighbourhood(centre)
    picture = graph.fan(near, centre, lambda n: f"#{n.id}", KINDS, "关系图")
    links = re.findall(
        r'<a class="kb-node kb-node--(\w+)" xlink:href="[^"]+" aria-label="([^"]+)">', picture
    )
    assert len(links) == len(near.nodes) - 1
    assert all(label.startswith(KINDS[kind] + ": ") for kind, label in links)
    # One row each, a row apart: no two names on one line.
    rows = [float(y) for y in re.findall(r'<text x="[^"]+" y="([^"]+)"', picture)]
    steps = [b - a for a, b in itertools.pairwise(rows)]
    assert steps and all(abs(step - graph.ROW) < 1e-6 for step in steps)
    assert "<script" not in picture and "http" not in picture.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )


@pytest.mark.parametrize(
    ("name", "room"),
    [("GPT的加法正确率，随着位数的增加而降低", 120), ("catastrophic forgetting", 60), ("短", 50)],
)
def test_a_name_is_shortened_to_its_room_never_cut_by_the_frame(name, room):
    shown = graph.shortened(name, room)
    width = sum(graph.FONT if ord(c) > 0x2E80 else graph.FONT * 0.62 for c in shown)
    assert width <= room
    assert shown == name or (shown.endswith("…") and name.startswith(shown[:-1]))


def test_the_archive_is_drawn_as_its_tags_and_the_tags_that_go_together():
    counts, together = graph.tag_totals([["rag", "training"], ["rag"], ["rag", "training"], []])
    assert counts == {"rag": 3, "training": 2} and together == {("rag", "training"): 2}
    picture = graph.tag_map(
        counts,
        together,
        {"rag": "检索增强", "training": "训练"},
        lambda tag: f"tags/{tag}/",
        "标签",
        "标签图",
    )
    assert re.findall(r'aria-label="([^"]+)"><rect', picture) == [
        "标签: 检索增强 (3)",
        "标签: 训练 (2)",
    ]
    assert picture.count("<path") == 1


def test_the_graph_page_draws_only_the_tags_the_data_names_in_the_readers_language():
    sources = load_sources()
    tags = {tag_id: sources.tags[tag_id] for tag_id in ("rag", "training")}
    picture = graph.archive_drawing(
        [["rag", "training", "not-a-tag"], ["rag"]],
        tags,
        "en",
        lambda tag: f"tags/{tag}/",
        sources.messages["en"],
    )
    names = re.findall(r'aria-label="([^"]+)"><rect', picture)
    assert names == [
        f"{sources.messages['en']('graph.kind.tag')}: {tags['rag'].name('en')} (2)",
        f"{sources.messages['en']('graph.kind.tag')}: {tags['training'].name('en')} (1)",
    ]
    assert "not-a-tag" not in picture


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


@pytest.mark.build
@pytest.mark.parametrize("prefix", ["", "en/"])
def test_the_graph_page_and_each_topics_graph_are_built(real_site, prefix):
    page = real_site.page(f"{prefix}graph")
    tagged = {tag for d in SOURCES.archive.digests for t in d.topics for tag in t.tags}
    assert page.count('<a class="kb-node kb-node--tag') == len(tagged)
    assert 'id="as-list"' in page and 'class="kb-graph-skip" href="#as-list"' in page
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
    # An SVG link's href property holds its xlink:href (kb.graph says why not href).
    target = urljoin(page.url, page.evaluate("document.activeElement.href.baseVal"))
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
    assert graph.listing(whole, [node.id for node in whole.nodes]) is whole
    placed = {node.id for node in whole.nodes[: len(whole.nodes) // 2]}
    part = graph.listing(whole, placed)
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
    part = graph.listing(dense, placed)
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
