"""Error localisation: which figures are most likely wrong (Fellegi and Holt, 1976).

``locate(data, suite)`` checks the data as ``statcheck.validate`` does, then takes the
suite's linear rules as constraints over the figures they name
(``statcheck.engine.linear``), splits the figures into sets linked by shared rules
(connected components), and for each set with a failing rule finds the smallest-weight
sets of figures that, changed, let every rule of the set hold within the figures' own
intervals and the rules' tolerances (:mod:`._solve`, one small mixed-integer program per
set). A figure that satisfies every other rule it is in is therefore seldom blamed.
Ratios and rates are not linear in two unknowns: they are left out, and said so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from statcheck.contract.suite import Suite
from statcheck.localisation._model import (
    Component,
    Culprit,
    CulpritSet,
    Localisation,
    LocatedFinding,
    Weights,
)
from statcheck.localisation._text import describe
from statcheck.report import Status

__all__ = [
    "Component",
    "Culprit",
    "CulpritSet",
    "Localisation",
    "LocatedFinding",
    "Weights",
    "describe",
    "locate",
]

# Finding slugs that say numbers disagree: the ones localisation places.
NUMERIC_SLUGS = frozenset({"sum-mismatch", "comparison-mismatch"})

PERIOD_NOTE = (
    "not a numeric failure: the numbers fit within what the figures stand for, but their "
    "periods do not make up the total's; no figure's value is to blame"
)


def locate(
    data: Any,
    suite: Suite | str | os.PathLike[str],
    *,
    weights: Weights | None = None,
    engine: str = "polars",
) -> Localisation:
    """Check ``data`` (a drop folder, a figures file or a DataFrame, as ``validate``
    takes) against ``suite`` and locate the figures most likely wrong. A problem reading
    the data is the report's error, as for ``validate``, and nothing is located."""
    from statcheck import checking
    from statcheck.api import as_suite

    checked = as_suite(suite)
    weights = weights or Weights()
    try:
        inputs = _inputs(data, checked, engine)
    except Exception as exc:  # as validate: the problem is the report's, never a crash
        drop = {"id": Path(data).name} if isinstance(data, str | os.PathLike) else {"id": "<frame>"}
        return Localisation(checking.error_report(checked, drop, exc), (), (), (), weights)
    report = checking.check(inputs, checked)
    return _localised(report, inputs.figures, checked, weights)


def _inputs(data: Any, suite: Suite, engine: str) -> Any:
    from statcheck import checking

    if isinstance(data, str | os.PathLike):
        path = Path(data)
        if path.is_dir():
            cache = checking.DropCache()
            return cache.inputs(cache.drop(path), suite.table, engine, None, suite.values)
        return checking.file_inputs(path, suite.table, engine, None, values=suite.values)
    return checking.frame_inputs(data, suite.table, engine, None, values=suite.values)


@dataclass(frozen=True)
class _Graph:
    """The relations over figure numbers: entries (relation, figure, coefficient)."""

    ids: Any  # figure id per number
    relation: Any
    figure: Any
    coefficient: Any
    values: Any
    lows: Any
    highs: Any


def _localised(report: Any, figures: Any, suite: Suite, weights: Weights) -> Localisation:
    from statcheck.engine.linear import linear_relations

    rules = linear_relations(figures, suite)
    relations = rules.relations
    left_out = tuple((r.rule_id, r.kind, r.reason) for r in rules.left_out)
    failing = np.array([not r.holds_as_reported() for r in relations], dtype=bool)
    components: list[Component] = []
    placed: dict[tuple[str, str], int] = {}  # (rule id, figure id) of a failing relation
    if failing.any():
        graph = _graph(relations)
        label = _components(graph, len(relations))
        wanted = np.unique(label[np.flatnonzero(failing)])
        named = _figures_of(graph, label, wanted, figures, suite)
        for number, component in enumerate(wanted):
            members = np.flatnonzero(label == component)
            components.append(
                _solved(number, members, graph, relations, failing, named, weights, suite)
            )
            for r in members[failing[members]]:
                for figure_id in relations[r].figures:
                    placed.setdefault((relations[r].rule_id, figure_id), number)
    located = tuple(_place(report, placed, left_out))
    return Localisation(report, located, tuple(components), left_out, weights)


def _graph(relations: Any) -> _Graph:
    lengths = np.array([len(r.figures) for r in relations], dtype=np.int64)
    relation = np.repeat(np.arange(len(relations), dtype=np.int64), lengths)
    flat = np.array([f for r in relations for f in r.figures], dtype=object)
    ids, figure = np.unique(flat, return_inverse=True)

    def column(name: str) -> Any:
        return np.array([x for r in relations for x in getattr(r, name)], dtype=np.float64)

    values, lows, highs = (np.zeros(ids.size) for _ in range(3))
    for target, name in ((values, "values"), (lows, "lows"), (highs, "highs")):
        target[figure] = column(name)
    return _Graph(ids, relation, figure.ravel(), column("coefficients"), values, lows, highs)


def _components(graph: _Graph, n_relations: int) -> Any:
    """The component of each relation: relations and figures as one undirected graph."""
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    size = n_relations + graph.ids.size
    edges = coo_array(
        (np.ones(graph.relation.size), (graph.relation, n_relations + graph.figure)),
        shape=(size, size),
    )
    _, label = connected_components(edges.tocsr(), directed=False)
    return label[:n_relations]


def _figures_of(graph: _Graph, label: Any, wanted: Any, figures: Any, suite: Suite) -> Any:
    """The figures of the failing components (for their weights), in one filter."""
    from statcheck.engine.linear import figures_named

    in_wanted = np.isin(label[graph.relation], wanted)
    ids = sorted({str(i) for i in graph.ids[np.unique(graph.figure[in_wanted])]})
    return figures_named(figures, suite, ids)


def _solved(
    number: int,
    members: Any,
    graph: _Graph,
    relations: Any,
    failing: Any,
    named: Any,
    weights: Weights,
    suite: Suite,
) -> Component:
    from statcheck.localisation._solve import Problem, solve

    entries = np.isin(graph.relation, members)
    local = np.unique(graph.figure[entries])
    column = np.searchsorted(local, graph.figure[entries])
    row = np.searchsorted(members, graph.relation[entries])
    matrix = np.zeros((members.size, local.size))
    np.add.at(matrix, (row, column), graph.coefficient[entries])
    mine = [relations[r] for r in members]
    lower = np.array([_lower(r) for r in mine])
    upper = np.array([_upper(r) for r in mine])
    ids = [str(i) for i in graph.ids[local]]
    problem = Problem(
        values=graph.values[local],
        lows=graph.lows[local],
        highs=graph.highs[local],
        weights=np.array([weights.of(named[i]) if i in named else weights.base for i in ids]),
        matrix=matrix,
        lower=lower,
        upper=upper,
    )
    solution = solve(problem)
    order = {rule.id: i for i, rule in enumerate(suite.rules)}
    rule_ids = sorted({r.rule_id for r in mine}, key=order.__getitem__)
    failing_ids = sorted(
        {relations[r].rule_id for r in members[failing[members]]}, key=order.__getitem__
    )
    sets: tuple[CulpritSet, ...] = ()
    more = False
    if solution is not None:
        uses = {i: tuple(r.rule_id for r in mine if i in r.figures) for i in ids}
        sets = tuple(
            CulpritSet(
                tuple(
                    Culprit(ids[k], float(problem.values[k]), low, high, uses[ids[k]])
                    for k, (low, high) in zip(chosen, ranges, strict=True)
                ),
                solution.weight,
            )
            for chosen, ranges in zip(solution.sets, solution.ranges, strict=True)
        )
        more = solution.more
    return Component(number, tuple(ids), tuple(rule_ids), tuple(failing_ids), sets, more)


def _lower(relation: Any) -> float:
    if relation.op == "<=":
        return -np.inf
    return float(relation.constant - relation.tolerance)


def _upper(relation: Any) -> float:
    if relation.op == ">=":
        return np.inf
    return float(relation.constant + relation.tolerance)


def _place(
    report: Any, placed: dict[tuple[str, str], int], left_out: tuple[tuple[str, str, str], ...]
) -> list[LocatedFinding]:
    """Each failing finding of the report with its component, or why it has none."""
    reasons = {rule: why for rule, _, why in left_out}
    out: list[LocatedFinding] = []
    for result in report.results:
        for finding in result.findings:
            if result.status is not Status.FAIL:
                continue
            component = None
            if finding.slug in NUMERIC_SLUGS:
                component = next(
                    (
                        placed[(result.rule, f)]
                        for f in finding.figures
                        if (result.rule, f) in placed
                    ),
                    None,
                )
            out.append(
                LocatedFinding(
                    result.rule,
                    finding.slug,
                    tuple(finding.figures),
                    component,
                    None if component is not None else _why_not(finding.slug, result.rule, reasons),
                )
            )
    return out


def _why_not(slug: str, rule: str, reasons: dict[str, str]) -> str:
    if slug == "period-mismatch":
        return PERIOD_NOTE
    if rule in reasons:
        return f"the rule is not among the constraints: {reasons[rule]}"
    if slug in NUMERIC_SLUGS:
        return "its figures' relation holds within their intervals once rounded: nothing to locate"
    return "not a numeric disagreement between figures: nothing to locate"
