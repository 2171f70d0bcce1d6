"""A bundle's dependency graph as pure code: cycles refused with the items named, waves, what may start,
what a refusal does downstream, the critical path — checked against brute force on random graphs."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govhall.catalogue.bundle_graph import (
    PAUSE,
    REFUSE,
    Edge,
    GraphInvalid,
    check_graph,
    critical_path,
    failure_effects,
    find_cycle,
    startable,
    topological_order,
    waves,
)

BIRTH = ["证明", "接种", "户口", "医保", "社保卡", "津贴"]
BIRTH_EDGES = [
    Edge("证明", "户口"),
    Edge("户口", "医保"),
    Edge("医保", "社保卡"),
    Edge("证明", "津贴", PAUSE),
]
NAMES = {"证明": "出生医学证明", "户口": "出生登记", "医保": "医保参保", "社保卡": "社保卡申领"}


def test_waves_say_what_runs_at_once():
    assert waves(BIRTH, BIRTH_EDGES) == [["证明", "接种"], ["户口", "津贴"], ["医保"], ["社保卡"]]
    assert topological_order(BIRTH, BIRTH_EDGES) == ["证明", "接种", "户口", "津贴", "医保", "社保卡"]


def test_startable_once_predecessors_are_completed():
    assert startable(BIRTH, BIRTH_EDGES, set()) == ["证明", "接种"]
    assert startable(BIRTH, BIRTH_EDGES, {"证明"}) == ["接种", "户口", "津贴"]
    assert startable(BIRTH, BIRTH_EDGES, {"证明", "户口", "接种"}) == ["医保", "津贴"]


def test_a_cycle_is_refused_naming_the_items_in_chinese():
    edges = [*BIRTH_EDGES, Edge("社保卡", "户口")]
    with pytest.raises(GraphInvalid) as err:
        check_graph(BIRTH, edges, NAMES)
    assert "循环依赖" in str(err.value)
    assert "出生登记 → 医保参保 → 社保卡申领 → 出生登记" in str(err.value)


@pytest.mark.parametrize(
    ("edges", "words"),
    [
        ([Edge("证明", "证明")], "不能以自身为前序"),
        ([Edge("证明", "外省")], "不在本一件事的事项中"),
        ([Edge("证明", "户口"), Edge("证明", "户口")], "重复"),
        ([Edge("证明", "户口", "ignore")], "失败处理方式无效"),
    ],
)
def test_other_bad_graphs(edges, words):
    with pytest.raises(GraphInvalid, match=words):
        check_graph(BIRTH, edges, NAMES)


def test_an_item_named_twice_is_refused():
    with pytest.raises(GraphInvalid, match="重复出现"):
        check_graph(["证明", "证明"], [])


def test_a_refusal_refuses_or_pauses_what_comes_after():
    assert failure_effects(BIRTH, BIRTH_EDGES, "证明") == {
        "户口": REFUSE,
        "津贴": PAUSE,
        "医保": REFUSE,
        "社保卡": REFUSE,
    }
    assert failure_effects(BIRTH, BIRTH_EDGES, "接种") == {}
    # after a pause, what follows is paused too, even along refusing edges
    chain = [Edge("a", "b", PAUSE), Edge("b", "c", REFUSE)]
    assert failure_effects(["a", "b", "c"], chain, "a") == {"b": PAUSE, "c": PAUSE}
    # reached both ways, refusal wins
    both = [Edge("a", "b", PAUSE), Edge("a", "c"), Edge("c", "b")]
    assert failure_effects(["a", "b", "c"], both, "a") == {"b": REFUSE, "c": REFUSE}


def test_critical_path_in_working_days():
    days = {"证明": 0, "接种": 0, "户口": 0, "医保": 0, "社保卡": 0, "津贴": 5}
    assert critical_path(BIRTH, BIRTH_EDGES, days) == (5, ["证明", "津贴"])
    days["户口"] = 3
    days["社保卡"] = 3
    assert critical_path(BIRTH, BIRTH_EDGES, days) == (6, ["证明", "户口", "医保", "社保卡"])
    assert critical_path([], [], {}) == (0, [])
    instant = dict.fromkeys(days, 0)  # every item 当场办结: the longest chain of items
    assert critical_path(BIRTH, BIRTH_EDGES, instant) == (0, ["证明", "户口", "医保", "社保卡"])


@st.composite
def dags(draw, max_nodes=7):
    """Random acyclic graphs: edges only go from an earlier node to a later one of a shuffled order."""
    n = draw(st.integers(0, max_nodes))
    nodes = [f"n{i}" for i in range(n)]
    order = draw(st.permutations(nodes))
    pairs = [(a, b) for i, a in enumerate(order) for b in order[i + 1 :]]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=12)) if pairs else []
    failures = draw(st.lists(st.sampled_from([REFUSE, PAUSE]), min_size=len(chosen), max_size=len(chosen)))
    edges = [Edge(a, b, f) for (a, b), f in zip(chosen, failures, strict=True)]
    days = {node: draw(st.integers(0, 20)) for node in nodes}
    return nodes, edges, days


def _chains(nodes, edges):
    """Every path of the graph (brute force)."""
    after = {n: [e.after for e in edges if e.before == n] for n in nodes}

    def walk(path):
        yield path
        for nxt in after[path[-1]]:
            yield from walk([*path, nxt])

    for start in nodes:
        yield from walk([start])


@given(dags())
def test_random_dags_are_accepted_and_ordered(graph):
    nodes, edges, _days = graph
    check_graph(nodes, edges)
    assert find_cycle(nodes, edges) == []
    position = {n: i for i, n in enumerate(topological_order(nodes, edges))}
    assert sorted(position) == sorted(nodes)
    assert all(position[e.before] < position[e.after] for e in edges)
    level = {n: i for i, wave in enumerate(waves(nodes, edges)) for n in wave}
    assert all(level[e.before] < level[e.after] for e in edges)
    assert all(n in startable(nodes, edges, set()) for n in nodes if level[n] == 0)


@given(dags())
def test_critical_path_is_the_longest_chain(graph):
    nodes, edges, days = graph
    total, path = critical_path(nodes, edges, days)
    longest = max((sum(days[n] for n in chain) for chain in _chains(nodes, edges)), default=0)
    assert total == longest == sum(days[n] for n in path)
    assert all(Edge(a, b) in [Edge(e.before, e.after) for e in edges] for a, b in itertools.pairwise(path))


@given(dags(), st.data())
def test_a_back_edge_makes_a_cycle_that_is_found(graph, data):
    nodes, edges, _ = graph
    if not edges:
        return
    edge = data.draw(st.sampled_from(edges))
    with_back = [*edges, Edge(edge.after, edge.before)]
    cycle = find_cycle(nodes, with_back)
    assert cycle
    ring = [*cycle, cycle[0]]
    pairs = {(e.before, e.after) for e in with_back}
    assert all((a, b) in pairs for a, b in itertools.pairwise(ring))
    with pytest.raises(GraphInvalid, match="循环依赖"):
        check_graph(nodes, with_back)


@given(dags())
def test_failure_effects_reach_exactly_the_descendants(graph):
    nodes, edges, _ = graph
    if not nodes:
        return
    refused = nodes[0]
    effects = failure_effects(nodes, edges, refused)
    descendants = {c[-1] for c in _chains(nodes, edges) if c[0] == refused} - {refused}
    assert set(effects) == descendants
    for node, outcome in effects.items():
        refusing_parents = [
            e
            for e in edges
            if e.after == node
            and e.on_failure == REFUSE
            and (e.before == refused or effects.get(e.before) == REFUSE)
        ]
        assert outcome == (REFUSE if refusing_parents else PAUSE)
