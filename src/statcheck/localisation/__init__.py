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
from statcheck.engine.linear import LinearRules
from statcheck.localisation._adjust import Adjustment, Change
from statcheck.localisation._model import (
    Component,
    Culprit,
    CulpritSet,
    Localisation,
    LocatedFinding,
    Weights,
)
from statcheck.localisation._solve import Problem, solve
from statcheck.localisation._text import describe
from statcheck.report import Status

__all__ = [
    "Adjustment",
    "Change",
    "Component",
    "Culprit",
    "CulpritSet",
    "Localisation",
    "LocatedFinding",
    "Weights",
    "adjust",
    "describe",
    "failing_parts",
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


def adjust(
    data: Any,
    suite: Suite | str | os.PathLike[str],
    *,
    weights: Weights | None = None,
    engine: str = "polars",
) -> Adjustment:
    """The smallest changes (weighted, beyond each figure's own interval) that let every
    linear rule hold: ``Adjustment.changes``, each figure with its old and new value and
    the rules that forced it. Read as ``locate`` reads; a problem reading is the report's."""
    from statcheck import checking
    from statcheck.api import as_suite
    from statcheck.localisation._adjust import adjusted

    checked = as_suite(suite)
    weights = weights or Weights()
    try:
        inputs = _inputs(data, checked, engine)
    except Exception as exc:  # as validate: the problem is the report's, never a crash
        drop = {"id": Path(data).name} if isinstance(data, str | os.PathLike) else {"id": "<frame>"}
        return Adjustment(checking.error_report(checked, drop, exc), (), (), (), weights)
    report = checking.check(inputs, checked)
    return adjusted(report, inputs.figures, checked, weights)


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
class _Figures:
    """The figures the relations name, numbered: ``ids``, and per entry its number."""

    ids: Any
    number: Any  # per entry of the relations
    values: Any
    lows: Any
    highs: Any


@dataclass(frozen=True)
class Part:
    """One failing component as a problem: its relations (``members``), their entries,
    the figures' ids in the problem's column order and, per figure, the rules of the
    relations it is in."""

    members: Any
    entries: Any
    problem: Problem
    ids: tuple[str, ...]
    uses: tuple[tuple[str, ...], ...]


def failing_parts(rules: LinearRules, figures: Any, suite: Suite, weights: Weights) -> list[Part]:
    """The components with a failing relation, each as its problem (in component order)."""
    failing = rules.failing()
    if not failing.any():
        return []
    numbered = _numbered(rules)
    label = _components(rules, numbered)
    wanted = np.unique(label[failing])
    named = _figures_of(rules, numbered, label, wanted, figures, suite)
    by_relation = np.argsort(label, kind="stable")
    rel_bounds = np.searchsorted(label[by_relation], np.stack([wanted, wanted + 1]))
    entry_label = label[rules.relation]
    by_entry = np.argsort(entry_label, kind="stable")
    entry_bounds = np.searchsorted(entry_label[by_entry], np.stack([wanted, wanted + 1]))
    members = (np.sort(by_relation[a:b]) for a, b in rel_bounds.T)
    entries = (by_entry[a:b] for a, b in entry_bounds.T)
    return [
        _part(m, e, rules, numbered, named, weights) for m, e in zip(members, entries, strict=True)
    ]


def _localised(report: Any, figures: Any, suite: Suite, weights: Weights) -> Localisation:
    from statcheck.engine.linear import linear_relations

    rules = linear_relations(figures, suite)
    left_out = tuple((r.rule_id, r.kind, r.reason) for r in rules.left_out)
    failing = rules.failing()
    components: list[Component] = []
    placed: dict[tuple[str, str], int] = {}  # (rule id, figure id) of a failing relation
    for number, part in enumerate(failing_parts(rules, figures, suite, weights)):
        entries = part.entries
        components.append(_solved(number, part, rules, failing))
        bad = entries[failing[rules.relation[entries]]]
        for rule, figure_id in zip(rules.rule[rules.relation[bad]], rules.figure[bad], strict=True):
            placed.setdefault((rules.rules[rule], str(figure_id)), number)
    located = tuple(_place(report, placed, left_out))
    return Localisation(report, located, tuple(components), left_out, weights)


def _numbered(rules: LinearRules) -> _Figures:
    ids, number = np.unique(rules.figure, return_inverse=True)
    values, lows, highs = (np.zeros(ids.size) for _ in range(3))
    values[number], lows[number], highs[number] = rules.value, rules.low, rules.high
    return _Figures(ids, number.ravel(), values, lows, highs)


def _components(rules: LinearRules, numbered: _Figures) -> Any:
    """The component of each relation: relations and figures as one undirected graph."""
    from scipy.sparse import coo_array
    from scipy.sparse.csgraph import connected_components

    size = rules.size + numbered.ids.size
    edges = coo_array(
        (np.ones(rules.relation.size), (rules.relation, rules.size + numbered.number)),
        shape=(size, size),
    )
    _, label = connected_components(edges.tocsr(), directed=False)
    return label[: rules.size]


def _figures_of(
    rules: Any, numbered: _Figures, label: Any, wanted: Any, figures: Any, suite: Suite
) -> Any:
    """The figures of the failing components (for their weights), in one filter."""
    from statcheck.engine.linear import figures_named

    in_wanted = np.isin(label[rules.relation], wanted)
    ids = [str(i) for i in numbered.ids[np.unique(numbered.number[in_wanted])]]
    return figures_named(figures, suite, ids)


def _part(
    members: Any, entries: Any, rules: LinearRules, numbered: _Figures, named: Any, weights: Weights
) -> Part:
    figure = numbered.number[entries]
    local = np.unique(figure)
    column = np.searchsorted(local, figure)
    row = np.searchsorted(members, rules.relation[entries])
    matrix = np.zeros((members.size, local.size))
    np.add.at(matrix, (row, column), rules.coefficient[entries])
    ids = tuple(str(i) for i in numbered.ids[local])
    problem = Problem(
        values=numbered.values[local],
        lows=numbered.lows[local],
        highs=numbered.highs[local],
        weights=np.array([weights.of(named[i]) if i in named else weights.base for i in ids]),
        matrix=matrix,
        lower=rules.lower[members],
        upper=rules.upper[members],
    )
    rule_of_row = [rules.rules[r] for r in rules.rule[members]]
    uses = tuple(
        tuple(rule_of_row[k] for k in np.flatnonzero(matrix[:, j])) for j in range(len(ids))
    )
    return Part(members, entries, problem, ids, uses)


def _solved(number: int, part: Part, rules: LinearRules, failing: Any) -> Component:
    """One component's smallest sets."""
    members, problem, ids = part.members, part.problem, part.ids
    solution = solve(problem)
    rule_ids = tuple(rules.rules[r] for r in np.unique(rules.rule[members]))
    failing_ids = tuple(rules.rules[r] for r in np.unique(rules.rule[members[failing[members]]]))
    sets: tuple[CulpritSet, ...] = ()
    more = False
    if solution is not None:
        sets = tuple(
            CulpritSet(
                tuple(
                    Culprit(ids[k], float(problem.values[k]), low, high, part.uses[k])
                    for k, (low, high) in zip(chosen, ranges, strict=True)
                ),
                solution.weight,
            )
            for chosen, ranges in zip(solution.sets, solution.ranges, strict=True)
        )
        more = solution.more
    return Component(number, ids, rule_ids, failing_ids, sets, more)


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
