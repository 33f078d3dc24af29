"""The citation graphs' cycles (``engine.graph.cycles``): each strongly connected set of
sources or figures once, a simple circle in the order its citations go from its smallest
member, a tangle of circles as its sorted members. And each node's shortest chain to a
dead end (``nearest_ends``, ``chain_ends``)."""

from __future__ import annotations

import numpy as np

from statcheck.engine.graph import Cycle, Graph, chain_ends, cycles, nearest_ends


def graph(n: int, edges: list[tuple[int, int]]) -> Graph:
    tail, head = zip(*edges, strict=True)
    return Graph(n, np.array(tail, dtype=np.int64), np.array(head, dtype=np.int64))


def test_circles_of_every_length_each_once_from_their_smallest_member() -> None:
    # 0 cites itself; 2 and 1 cite each other; 5 -> 3 -> 4 -> 5; 9 leads into 1's circle.
    edges = [(0, 0), (2, 1), (1, 2), (5, 3), (3, 4), (4, 5), (9, 1)]
    found, on_cycle = cycles(graph(10, edges))
    assert found == [Cycle((0,), True), Cycle((1, 2), True), Cycle((3, 4, 5), True)]
    assert np.flatnonzero(on_cycle).tolist() == [0, 1, 2, 3, 4, 5]


def test_a_tangle_of_circles_is_one_cycle_of_its_sorted_members() -> None:
    # 8 <-> 6 and 6 <-> 7 share 6: one component, not a simple circle; beside it, 4 -> 5 -> 4.
    edges = [(8, 6), (6, 8), (6, 7), (7, 6), (4, 5), (5, 4)]
    found, _ = cycles(graph(9, edges))
    assert found == [Cycle((4, 5), True), Cycle((6, 7, 8), False)]


def test_a_long_circle_beside_short_ones_is_walked_whole() -> None:
    # One circle of 50,000 sources and 1,000 pairs: the circles are walked together, the
    # work their total length (a padded table of steps would hold 50 million).
    n = 50_000
    edges = [(i, (i + 1) % n) for i in range(n)]
    edges += [(n + 2 * k + 1, n + 2 * k) for k in range(1_000)]
    edges += [(n + 2 * k, n + 2 * k + 1) for k in range(1_000)]
    found, _ = cycles(graph(n + 2_000, edges))
    assert len(found) == 1_001
    assert found[0] == Cycle(tuple(range(n)), True)
    assert found[1:] == [Cycle((n + 2 * k, n + 2 * k + 1), True) for k in range(1_000)]


def test_circles_numbered_out_of_order_are_followed_edge_by_edge() -> None:
    # Circles of 1,000, 7 and 3 nodes whose numbers follow no order, beside a tangle: each
    # from its smallest member on, in the order its citations go.
    rng = np.random.default_rng(7)
    nodes = rng.permutation(1_020)
    circles = [nodes[:1_000].tolist(), nodes[1_000:1_007].tolist(), nodes[1_007:1_010].tolist()]
    edges = [(c[i], c[(i + 1) % len(c)]) for c in circles for i in range(len(c))]
    tangle = nodes[1_010:1_013].tolist()  # a <-> b <-> c: one cycle, not a circle
    edges += [(tangle[0], tangle[1]), (tangle[1], tangle[0]), (tangle[1], tangle[2])]
    edges += [(tangle[2], tangle[1])]
    found, _ = cycles(graph(1_020, rng.permutation(np.array(edges)).tolist()))

    def from_smallest(c: list[int]) -> tuple[int, ...]:
        i = c.index(min(c))
        return tuple(c[i:] + c[:i])

    expected = {Cycle(from_smallest(c), True) for c in circles}
    expected.add(Cycle(tuple(sorted(tangle)), False))
    assert len(found) == 4
    assert set(found) == expected


def test_each_node_follows_its_shortest_chain_to_an_end() -> None:
    # 0 -> 1 -> 2 -> 3 (an end) and 0 -> 4 -> 3: 0 takes the shorter way, through 4;
    # 5 -> 6 and 5 -> 7, both ends: the smaller; 8 -> 9 reaches no end; 10 is outside.
    edges = [(0, 1), (1, 2), (2, 3), (0, 4), (4, 3), (5, 7), (5, 6), (8, 9), (10, 3)]
    ends = np.zeros(11, dtype=bool)
    ends[[3, 6, 7]] = True
    within = np.ones(11, dtype=bool)
    within[10] = False
    dist, step = nearest_ends(graph(11, edges), ends, within)
    assert dist.tolist() == [2, 2, 1, 0, 1, 1, 0, 0, -1, -1, -1]
    assert step[[0, 1, 2, 4, 5]].tolist() == [4, 2, 3, 3, 6]
    assert step[[3, 6, 7]].tolist() == [3, 6, 7]  # an end is its own next step
    assert chain_ends(step, dist)[[0, 1, 2, 3, 4, 5]].tolist() == [3, 3, 3, 3, 3, 6]


def test_a_chain_as_long_as_the_graph_is_followed_in_few_rounds() -> None:
    # 100,000 nodes in a line to one end: every node's distance and end, without a round
    # per hop (chain_ends jumps pointers: 17 rounds).
    n = 100_000
    edges = [(i, i + 1) for i in range(n - 1)]
    ends = np.zeros(n, dtype=bool)
    ends[-1] = True
    dist, step = nearest_ends(graph(n, edges), ends, np.ones(n, dtype=bool))
    assert dist.tolist() == list(range(n - 1, -1, -1))
    assert (chain_ends(step, dist) == n - 1).all()
