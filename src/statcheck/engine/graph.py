"""Directed graphs of citations, walked on the driver in time linear in their edges.

A graph is nodes ``0..n-1`` and two integer arrays of edges (``tail[i]`` cites ``head[i]``),
as the attribution rule collects them: every question below is answered with numpy and
scipy's sparse graph routines (strongly connected components, breadth-first search), each
node and edge looked at a bounded number of times, never by a walk that could go round a
cycle. scipy is imported where it is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Texts = npt.NDArray[np.object_]


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


@dataclass(frozen=True)
class Cycle:
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
    out = np.bincount(np.unique(tail * graph.n + head) // graph.n, minlength=graph.n)
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


def smallest_path(graph: Graph, own: Texts, prefix: Texts, within: Bools) -> Texts:
    """For each node ``within`` (a set closed under following edges, with no cycle): the
    smallest text among its own ``own`` (None: none) and ``prefix[node]`` followed by a
    successor's smallest, in text order.

    Nodes are settled in layers from the ends of the chains inwards (Kahn's order), each
    layer one vectorized step over the edges into it, so every edge is read once.
    """
    best = own.copy()
    keep = within[graph.tail]
    tail, head = graph.tail[keep], graph.head[keep]
    waiting = np.bincount(tail, minlength=graph.n)  # successors not yet settled
    by_head = np.argsort(head, kind="stable")
    starts = np.searchsorted(head[by_head], np.arange(graph.n + 1))
    ready = np.flatnonzero(within & (waiting == 0))
    while ready.size:
        edges = by_head[_ranges(starts[ready], starts[ready + 1])]
        tails, heads = tail[edges], head[edges]
        offered = best[heads] != None  # noqa: E711 (elementwise on an object array)
        _keep_smallest(best, tails[offered], prefix[tails[offered]] + best[heads[offered]])
        waiting -= np.bincount(tails, minlength=graph.n)
        ready = np.unique(tails[waiting[tails] == 0])
    return best


def _ranges(starts: Ints, ends: Ints) -> Ints:
    """``starts[0]..ends[0]-1``, ``starts[1]..ends[1]-1``, ... as one array."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
    return offsets + np.arange(total, dtype=np.int64)


def _keep_smallest(best: Texts, nodes: Ints, texts: Texts) -> None:
    """``best[node] = min(best[node], text)`` for every pair, None counting as no text."""
    if nodes.size == 0:
        return
    current = best[nodes]
    has = current != None  # noqa: E711
    nodes = np.concatenate([nodes, nodes[has]])
    texts = np.concatenate([texts, current[has]])
    _, rank = np.unique(texts, return_inverse=True)
    order = np.lexsort((rank.ravel(), nodes))
    nodes, texts = nodes[order], texts[order]
    first = np.ones(nodes.size, dtype=bool)
    first[1:] = nodes[1:] != nodes[:-1]
    best[nodes[first]] = texts[first]
