"""A bundle's items as a dependency graph, as pure code: acyclicity, the order of waves (which items can
start at once), what may start once some are completed, what a refusal does to the items after it, and the
critical path in working days. Nodes are item codes; no database."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

REFUSE, PAUSE = "refuse", "pause"


class GraphInvalid(ValueError):
    """A graph that cannot be a bundle's order; the message is Chinese and names the items."""


@dataclass(frozen=True)
class Edge:
    before: str
    after: str
    on_failure: str = REFUSE


def _label(names: Mapping[str, str], code: str) -> str:
    return names.get(code) or code


def check_graph(nodes: Sequence[str], edges: Sequence[Edge], names: Mapping[str, str] | None = None) -> None:
    """Refuse unknown items, self-dependencies, repeated edges and cycles, naming the items in Chinese."""
    names = names or {}
    known, seen = set(nodes), set()
    if len(known) != len(nodes):
        repeated = next(n for n in nodes if list(nodes).count(n) > 1)
        raise GraphInvalid(f"事项“{_label(names, repeated)}”在一件事中重复出现")
    for edge in edges:
        for end in (edge.before, edge.after):
            if end not in known:
                raise GraphInvalid(f"办理顺序中的事项“{_label(names, end)}”不在本一件事的事项中")
        if edge.before == edge.after:
            raise GraphInvalid(f"事项“{_label(names, edge.before)}”不能以自身为前序")
        if (edge.before, edge.after) in seen:
            raise GraphInvalid(f"办理顺序“{_label(names, edge.before)} → {_label(names, edge.after)}”重复")
        if edge.on_failure not in (REFUSE, PAUSE):
            raise GraphInvalid(
                f"办理顺序“{_label(names, edge.before)} → {_label(names, edge.after)}”的失败处理方式无效"
            )
        seen.add((edge.before, edge.after))
    cycle = find_cycle(nodes, edges)
    if cycle:
        path = " → ".join(_label(names, c) for c in [*cycle, cycle[0]])
        raise GraphInvalid(f"办理顺序存在循环依赖：{path}；请删去其中一条前序关系")


def find_cycle(nodes: Sequence[str], edges: Sequence[Edge]) -> list[str]:
    """One cycle as a list of nodes (empty when the graph is acyclic), found by depth-first search."""
    after: dict[str, list[str]] = {n: [] for n in nodes}
    for edge in edges:
        after.setdefault(edge.before, []).append(edge.after)
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    for start in nodes:
        if state.get(start):
            continue
        path, stack = [start], [iter(after.get(start, ()))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return path[path.index(nxt) :]
            elif not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(after.get(nxt, ())))
    return []


def predecessors(nodes: Sequence[str], edges: Sequence[Edge]) -> dict[str, list[str]]:
    before: dict[str, list[str]] = {n: [] for n in nodes}
    for edge in edges:
        before[edge.after].append(edge.before)
    return before


def waves(nodes: Sequence[str], edges: Sequence[Edge]) -> list[list[str]]:
    """The items in waves: the first can all start at once; each later one once every item it waits for, in
    earlier waves, is completed. Within a wave the nodes keep their given order. Assumes an acyclic graph."""
    before = predecessors(nodes, edges)
    level: dict[str, int] = {}
    remaining = list(nodes)
    while remaining:
        placed = [n for n in remaining if all(p in level for p in before[n])]
        if not placed:
            raise GraphInvalid("办理顺序存在循环依赖")
        for n in placed:
            level[n] = 1 + max((level[p] for p in before[n]), default=-1)
        remaining = [n for n in remaining if n not in level]
    out: list[list[str]] = [[] for _ in range(1 + max(level.values(), default=-1))]
    for n in nodes:
        out[level[n]].append(n)
    return out


def topological_order(nodes: Sequence[str], edges: Sequence[Edge]) -> list[str]:
    return [n for wave in waves(nodes, edges) for n in wave]


def startable(nodes: Sequence[str], edges: Sequence[Edge], completed: Collection[str]) -> list[str]:
    """The items not yet completed whose predecessors all are: what may start now."""
    before = predecessors(nodes, edges)
    done = set(completed)
    return [n for n in nodes if n not in done and all(p in done for p in before[n])]


def failure_effects(nodes: Sequence[str], edges: Sequence[Edge], refused: str) -> dict[str, str]:
    """What refusing one item does downstream: each item that waits for it, directly or not, is refused or
    paused. An item reached by a refusing edge is refused (and refuses on along its own edges); one reached
    only by pausing edges is paused, and so are the items after it (a paused item decides nothing yet)."""
    after: dict[str, list[Edge]] = {n: [] for n in nodes}
    for edge in edges:
        after[edge.before].append(edge)
    effects: dict[str, str] = {}
    order = topological_order(nodes, edges)
    status = {refused: REFUSE}
    for node in order:
        if node not in status:
            continue
        for edge in after[node]:
            outcome = REFUSE if status[node] == REFUSE and edge.on_failure == REFUSE else PAUSE
            if status.get(edge.after) != REFUSE:
                status[edge.after] = outcome
    for node in order:
        if node != refused and node in status:
            effects[node] = status[node]
    return effects


def critical_path(
    nodes: Sequence[str], edges: Sequence[Edge], days: Mapping[str, int]
) -> tuple[int, list[str]]:
    """The longest chain of items by working days (each item's promised days, 0 for 当场办结) and its length:
    the least time the whole takes when every item uses its promise. Between chains of equal days the one of
    more items wins (a bundle of 即办 items waits longest along its longest chain); then the one met first."""
    before = predecessors(nodes, edges)
    best: dict[str, tuple[int, list[str]]] = {}
    for node in topological_order(nodes, edges):
        prior = max((best[p] for p in before[node]), key=_weight, default=(0, []))
        best[node] = (prior[0] + days.get(node, 0), [*prior[1], node])
    if not best:
        return 0, []
    return max(best.values(), key=_weight)


def _weight(chain: tuple[int, list[str]]) -> tuple[int, int]:
    return chain[0], len(chain[1])
