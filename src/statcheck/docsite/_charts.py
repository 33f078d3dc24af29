"""Chart geometry: numbers only. The templates draw it as inline SVG (and escape every
label), so a chart needs no script, no font download and no network.

* ``interval_chart``: each interval as a bar on one axis, open ends as arrows to the edge,
  the gap between the reported and the expected interval marked.
* ``citation_graph``: a chain of citations as boxes left to right, one column per hop.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from statcheck.engine.figures import CitationStep
from statcheck.model.interval import format_number
from statcheck.report import STATUSES

WIDTH = 680
LABEL_W = 190  # the row labels' column
PLOT_X0, PLOT_X1 = LABEL_W + 20, WIDTH - 30
ROW_H, BAR_H, TOP = 34, 14, 12


@dataclass(frozen=True)
class Bar:
    label: str
    role: str  # reported | expected | tolerance
    x: float
    w: float
    y: float
    text: str  # the interval as text, shown beside the bar
    open_low: bool
    open_high: bool
    culprit: bool = False  # with --locate: a figure of this side is the most likely wrong


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Gap:
    x1: float
    x2: float
    y: float
    label: str


@dataclass(frozen=True)
class IntervalChart:
    title: str
    width: int
    height: int
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    axis_y: float
    gap: Gap | None
    x0: float = PLOT_X0
    x1: float = PLOT_X1


Bound = float | None  # None: an open end (the report's null)


def _finite(v: Bound) -> bool:
    return v is not None and math.isfinite(v)


def interval_chart(
    title: str,
    rows: Sequence[tuple[str, str, Bound, Bound]],
    gap: float | None = None,
    culprits: frozenset[str] = frozenset(),
) -> IntervalChart | None:
    """``rows``: (label, role, low, high); the first reported and the first expected row
    are the pair whose gap is marked, and a bar whose role is in ``culprits`` is
    outlined (a figure on that side is the most likely wrong). None when no row has a
    finite bound."""
    values = [float(v) for _, _, lo, hi in rows for v in (lo, hi) if v is not None and _finite(v)]
    if not values:
        return None
    lo_v, hi_v = min(values), max(values)
    span = hi_v - lo_v
    if span == 0:
        span = abs(lo_v) * 0.1 or 1.0
        lo_v, hi_v = lo_v - span / 2, hi_v + span / 2
    ticks_at = _nice_ticks(lo_v - span * 0.06, hi_v + span * 0.06)
    d0, d1 = min(ticks_at[0], lo_v - span * 0.06), max(ticks_at[-1], hi_v + span * 0.06)

    def x(v: float) -> float:
        return PLOT_X0 + (v - d0) / (d1 - d0) * (PLOT_X1 - PLOT_X0)

    bars = []
    for i, (label, role, low, high) in enumerate(rows):
        open_low, open_high = low is None, high is None
        a = PLOT_X0 if open_low else x(float(low))  # type: ignore[arg-type]
        b = PLOT_X1 if open_high else x(float(high))  # type: ignore[arg-type]
        bars.append(
            Bar(label, role, a, max(b - a, 0.0), TOP + i * ROW_H, _interval_text(low, high),
                open_low, open_high, role in culprits)
        )  # fmt: skip
    axis_y = TOP + len(rows) * ROW_H + 4
    ticks = tuple(Tick(x(t), format_number(t)) for t in ticks_at if d0 <= t <= d1)
    gap_mark = None
    rep = next((b for b, r in zip(bars, rows, strict=True) if r[1] == "reported"), None)
    exp = next((b for b, r in zip(bars, rows, strict=True) if r[1] == "expected"), None)
    if gap and gap > 0 and rep is not None and exp is not None:
        if rep.x + rep.w <= exp.x:
            x1, x2 = rep.x + rep.w, exp.x
        elif exp.x + exp.w <= rep.x:
            x1, x2 = exp.x + exp.w, rep.x
        else:
            x1 = x2 = 0.0
        if x2 > x1:
            y = (rep.y + exp.y) / 2 + BAR_H / 2
            gap_mark = Gap(x1, x2, y, f"gap {format_number(gap)}")
    return IntervalChart(title, WIDTH, int(axis_y + 30), tuple(bars), ticks, axis_y, gap_mark)


def _interval_text(low: Bound, high: Bound) -> str:
    lo = "−∞" if low is None else format_number(float(low))
    hi = "∞" if high is None else format_number(float(high))
    return lo if lo == hi else f"{lo} to {hi}"


def _nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    raw = (hi - lo) / max(count - 1, 1)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), 10 * mag)
    first = math.ceil(lo / step) * step
    out: list[float] = []
    t = first
    while t <= hi + step * 1e-9 and len(out) < 12:
        out.append(round(t, 10))
        t += step
    return out or [lo, hi]


# ---------------------------------------------------------------- citation graphs

NODE_W, NODE_H, COL_GAP, ROW_GAP = 200, 50, 46, 14


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    title: str  # the source, as named in the sources table
    subtitle: str  # its figure, or why the chain stops here
    tooltip: str
    role: str  # primary | end | cycle | hop


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class CitationGraph:
    title: str
    width: int
    height: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    node_w: int = NODE_W
    node_h: int = NODE_H


def citation_graph(
    title: str,
    root: CitationStep,
    describe_source: Callable[[str], tuple[str, bool]],
    describe_figure: Callable[[CitationStep], str],
) -> CitationGraph:
    """Lay a chain out as a tree, left to right. ``describe_source(id)`` gives a source's
    display name and whether it is a primary source; ``describe_figure(step)`` the line
    under it."""
    placed: list[tuple[CitationStep, int, float]] = []  # step, depth, row
    edges_idx: list[tuple[int, int]] = []
    next_row = [0.0]

    def place(step: CitationStep, depth: int) -> int:
        child_idx = [place(c, depth + 1) for c in step.cited]
        if child_idx:
            row = sum(placed[i][2] for i in child_idx) / len(child_idx)
        else:
            row = next_row[0]
            next_row[0] += 1
        placed.append((step, depth, row))
        me = len(placed) - 1
        edges_idx.extend((me, i) for i in child_idx)
        return me

    place(root, 0)
    nodes = []
    for step, depth, row in placed:
        name, primary = describe_source(step.source_id)
        if step.cycle:
            role = "cycle"
        elif primary:
            role = "primary"
        elif not step.cited:
            role = "end"
        else:
            role = "hop"
        x = 8 + depth * (NODE_W + COL_GAP)
        y = 8 + row * (NODE_H + ROW_GAP)
        sub = describe_figure(step)
        nodes.append(Node(x, y, _clip(name, 26), _clip(sub, 32), f"{name}: {sub}", role))
    edges = tuple(
        Edge(nodes[a].x + NODE_W, nodes[a].y + NODE_H / 2, nodes[b].x, nodes[b].y + NODE_H / 2)
        for a, b in edges_idx
    )
    depth_max = max(d for _, d, _ in placed)
    width = int(16 + (depth_max + 1) * NODE_W + depth_max * COL_GAP)
    height = int(16 + next_row[0] * NODE_H + (next_row[0] - 1) * ROW_GAP)
    return CitationGraph(title, width, height, tuple(nodes), edges)


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


# ---------------------------------------------------------------- status bars


@dataclass(frozen=True)
class Segment:
    status: str
    x: float
    w: float
    count: int


def status_bar(counts: dict[str, int], width: float = 120.0) -> tuple[Segment, ...]:
    """A stacked bar of rule counts per status (pass, fail, undetermined, error)."""
    total = sum(counts.values())
    if total == 0:
        return ()
    out: list[Segment] = []
    x = 0.0
    for status in STATUSES:
        n = counts.get(status, 0)
        if n:
            w = width * n / total
            out.append(Segment(status, x, w, n))
            x += w
    return tuple(out)
