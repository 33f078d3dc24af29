"""Directed graphs of citations, walked on the driver in time linear in their edges.

A graph is nodes ``0..n-1`` and two integer arrays of edges (``tail[i]`` cites ``head[i]``),
as the attribution rule collects them: every question below is answered with numpy and
scipy's sparse graph routines (strongly connected components, breadth-first search), each
node and edge looked at a bounded number of times, never by a walk that could go round a
cycle. scipy is imported where it is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Graph:
    """``n`` nodes and the edges ``tail[i] -> head[i]`` (repeats allowed)."""

    n: int
    tail: Ints
    head: Ints

    def matrix(self, *, reverse: bool = False, root: Bools | None = None) -> Any:
        """The adjacency matrix (CSR), edges turned round with ``reverse``; with ``root``,
        one more node (number ``n``) with an edge to every node ``root`` marks."""
        from scipy.sparse import csr_array

        tail, head = (self.head, self.tail) if reverse else (self.tail, self.head)
        size = self.n
        if root is not None:
            extra = np.flatnonzero(root)
            tail = np.concatenate([tail, np.full(extra.size, self.n, dtype=np.int64)])
            head = np.concatenate([head, extra])
            size += 1
        data = np.ones(tail.size, dtype=np.int8)
        return csr_array((data, (tail, head)), shape=(size, size))


class Cycle(NamedTuple):  # a named tuple: a table may have thousands of small cycles
    """One strongly connected set of nodes that cite one another round in a circle:
    ``members`` in the order the citations go, from the smallest node, when they form one
    simple circle (``simple``); otherwise sorted. A node citing itself is a cycle of one."""

    members: tuple[int, ...]
    simple: bool


def reaching(graph: Graph, seeds: Bools) -> Bools:
    """The nodes from which some chain of edges leads to a node ``seeds`` marks (seeds
    included): one breadth-first search of the reversed graph."""
    return _searched(graph, seeds, reverse=True)


def reachable(graph: Graph, seeds: Bools) -> Bools:
    """The nodes some chain of edges leads to from a node ``seeds`` marks (seeds included)."""
    return _searched(graph, seeds, reverse=False)


def _searched(graph: Graph, seeds: Bools, *, reverse: bool) -> Bools:
    found = np.zeros(graph.n, dtype=bool)
    if not seeds.any():
        return found
    from scipy.sparse.csgraph import breadth_first_order

    order = breadth_first_order(
        graph.matrix(reverse=reverse, root=seeds),
        graph.n,
        directed=True,
        return_predecessors=False,
    )
    found[order[order < graph.n]] = True
    return found


def cycles(graph: Graph) -> tuple[list[Cycle], Bools]:
    """Every cycle once (one per strongly connected component of more than one node, or
    of one node with an edge to itself), and which nodes lie on one."""
    on_cycle = np.zeros(graph.n, dtype=bool)
    if graph.n == 0 or graph.tail.size == 0:
        return [], on_cycle
    from scipy.sparse.csgraph import connected_components

    _, label = connected_components(graph.matrix(), directed=True, connection="strong")
    size = np.bincount(label)
    on_cycle[graph.tail[graph.tail == graph.head]] = True
    on_cycle |= size[label] > 1
    inner = on_cycle[graph.tail] & (label[graph.tail] == label[graph.head])
    tail, head = graph.tail[inner], graph.head[inner]
    # Each node's smallest successor in its own component, and how many it has there.
    step = np.full(graph.n, graph.n, dtype=np.int64)
    np.minimum.at(step, tail, head)
    out = np.bincount(distinct(tail * graph.n + head) // graph.n, minlength=graph.n)
    return _ordered(label, on_cycle, step, out), on_cycle


def _ordered(label: Ints, on_cycle: Bools, step: Ints, out: Ints) -> list[Cycle]:
    """Each component's members in the order its citations go (one finding per cycle:
    this runs over the members of the cycles found, not over the graph)."""
    nodes = np.flatnonzero(on_cycle)
    if nodes.size == 0:
        return []
    # Each component's members together, smallest first (``nodes`` is ascending).
    grouped = nodes[np.argsort(label[nodes], kind="stable")]
    first = np.flatnonzero(np.diff(label[grouped], prepend=-1))
    ends = np.append(first[1:], grouped.size)
    tangled = np.add.reduceat((out[grouped] != 1).astype(np.int64), first) > 0
    rings = iter(_walked(grouped, first, ends, ~tangled, step))
    members = grouped.tolist()
    return [
        Cycle(tuple(members[a:b]), simple=False) if knot else Cycle(next(rings), simple=True)
        for a, b, knot in zip(first.tolist(), ends.tolist(), tangled.tolist(), strict=True)
    ]


def _walked(
    grouped: Ints, first: Ints, ends: Ints, simple: Bools, step: Ints
) -> list[tuple[int, ...]]:
    """Each simple circle's members in order from its smallest (``grouped[first:ends]``,
    where ``simple``), each node followed by ``step``, its one successor on the circle.

    By pointer jumping, not by walking: each circle is cut before its smallest node, and
    every node's distance to the cut is found for all nodes at once in as many rounds as
    the longest circle has binary digits (a walk would take a round per node of it)."""
    sizes = (ends - first)[simple]
    if sizes.size == 0:
        return []
    component = np.repeat(np.arange(first.size), ends - first)
    nodes = grouped[simple[component]]
    circle = (np.cumsum(simple) - 1)[component[simple[component]]]
    place = np.empty(step.size, dtype=np.int64)
    place[nodes] = np.arange(nodes.size)
    following = step[nodes]
    last = following == grouped[first[simple]][circle]  # its successor is where it starts
    ahead = place[following]
    ahead[last] = np.flatnonzero(last)  # the cut: the last node points at itself
    to_last = (~last).astype(np.int64)
    for _ in range(int(sizes.max()).bit_length()):
        to_last += to_last[ahead]
        ahead = ahead[ahead]
    walked = nodes[np.lexsort((-to_last, circle))].tolist()  # from the start, furthest from the cut
    bounds = np.concatenate([[0], np.cumsum(sizes)]).tolist()
    return [tuple(walked[bounds[k] : bounds[k + 1]]) for k in range(sizes.size)]


def nearest_ends(graph: Graph, ends: Bools, within: Bools) -> tuple[Ints, Ints]:
    """For each node ``within`` (a set closed under following edges): how many edges its
    shortest chain to a node ``ends`` marks takes (-1 where none reaches one), and the
    next node on that chain: of its successors nearest an end, the smallest (at an end,
    itself). One breadth-first search from every end at once, on the reversed edges;
    then one pass over the edges."""
    dist = np.full(graph.n, -1, dtype=np.int64)
    step = np.arange(graph.n, dtype=np.int64)
    seeds = np.flatnonzero(ends & within)
    if seeds.size == 0:
        return dist, step
    from scipy.sparse.csgraph import dijkstra

    keep = within[graph.tail] & within[graph.head]
    inside = Graph(graph.n, graph.tail[keep], graph.head[keep])
    found = dijkstra(
        inside.matrix(reverse=True), directed=True, indices=seeds, unweighted=True, min_only=True
    )
    reached = np.isfinite(found)
    dist[reached] = found[reached].astype(np.int64)
    tail, head = inside.tail, inside.head
    nearer = (dist[tail] > 0) & (dist[head] == dist[tail] - 1)
    best = np.full(graph.n, graph.n, dtype=np.int64)
    np.minimum.at(best, tail[nearer], head[nearer])
    moving = dist > 0
    step[moving] = best[moving]
    return dist, step


def chain_ends(step: Ints, dist: Ints) -> Ints:
    """Where each node's chain of ``step`` s ends (``nearest_ends``), by pointer jumping:
    as many rounds as the longest chain has binary digits, not a round per hop."""
    end = step.copy()
    for _ in range(int(dist.max(initial=0)).bit_length()):
        end = end[end]
    return end


def distinct(values: Ints) -> Ints:
    """The distinct values, sorted, by a sort. (numpy 2.4's ``np.unique`` without
    ``return_*`` finds them with a hash table: 0.7 to 0.9 s on a million distinct
    integers, where a sort takes 0.02 s.)"""
    ordered = np.sort(values)
    keep = np.ones(ordered.size, dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]
