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
from dataclasses import dataclass, replace
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
from statcheck.localisation._reporting import with_culprits
from statcheck.localisation._solve import Problem, solve
from statcheck.localisation._text import describe
from statcheck.report import Report, Status

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
    "locate_report",
    "with_culprits",
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
    checked, report, figures = _checked(data, suite, engine)
    weights = weights or Weights()
    if figures is None:
        return Localisation(report, (), (), (), weights)
    return _localised(report, figures, checked, weights)


def locate_report(
    report: Report, inputs: Any, suite: Suite, *, weights: Weights | None = None
) -> Report:
    """``report`` (of ``inputs``, the tables ``checking`` read, against ``suite``) with
    each failing finding's culprits: validation and localisation sharing one reading of
    the data (``statcheck validate --locate``, ``statcheck.validate(..., locate=True)``).
    A report whose data could not be read (``report.errors``) is returned as it is."""
    if report.errors or inputs is None:
        return report
    return with_culprits(_localised(report, inputs.figures, suite, weights or Weights()))


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
    from statcheck.localisation._adjust import adjusted

    checked, report, figures = _checked(data, suite, engine)
    weights = weights or Weights()
    if figures is None:
        return Adjustment(report, (), (), (), weights)
    return adjusted(report, figures, checked, weights)


def _checked(
    data: Any, suite: Suite | str | os.PathLike[str], engine: str
) -> tuple[Suite, Report, Any]:
    """The suite, the report of ``data`` against it and the figure table it was made
    from (None when the data could not be read: the problem is then the report's, as
    for ``validate``, never a crash)."""
    from statcheck import checking
    from statcheck.api import as_suite

    checked = as_suite(suite)
    try:
        inputs = _inputs(data, checked, engine)
    except Exception as exc:
        drop = {"id": Path(data).name} if isinstance(data, str | os.PathLike) else {"id": "<frame>"}
        return checked, checking.error_report(checked, drop, exc), None
    return checked, checking.check(inputs, checked), inputs.figures


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


@dataclass(frozen=True)
class _Layout:
    """The figures numbered, each relation's component (``label``), the components with
    a failing relation (``wanted``, ascending) and their figures (``named``)."""

    numbered: _Figures
    label: Any
    wanted: Any
    named: Any


def _layout(rules: LinearRules, figures: Any, suite: Suite, failing: Any) -> _Layout:
    numbered = _numbered(rules)
    label = _components(rules, numbered)
    wanted = np.unique(label[failing])
    return _Layout(
        numbered, label, wanted, _figures_of(rules, numbered, label, wanted, figures, suite)
    )


def failing_parts(
    rules: LinearRules, figures: Any, suite: Suite, weights: Weights, layout: _Layout | None = None
) -> list[Part]:
    """The components with a failing relation (those of ``layout.wanted``), each as its
    problem, in component order."""
    failing = rules.failing()
    if not failing.any():
        return []
    layout = layout or _layout(rules, figures, suite, failing)
    label, wanted = layout.label, layout.wanted
    by_relation = np.argsort(label, kind="stable")
    rel_bounds = np.searchsorted(label[by_relation], np.stack([wanted, wanted + 1]))
    entry_label = label[rules.relation]
    by_entry = np.argsort(entry_label, kind="stable")
    entry_bounds = np.searchsorted(entry_label[by_entry], np.stack([wanted, wanted + 1]))
    members = (np.sort(by_relation[a:b]) for a, b in rel_bounds.T)
    entries = (by_entry[a:b] for a, b in entry_bounds.T)
    return [
        _part(m, e, rules, layout.numbered, layout.named, weights)
        for m, e in zip(members, entries, strict=True)
    ]


def _localised(report: Any, figures: Any, suite: Suite, weights: Weights) -> Localisation:
    from statcheck.engine.linear import linear_relations

    rules = linear_relations(figures, suite)
    left_out = tuple((r.rule_id, r.kind, r.reason) for r in rules.left_out)
    failing = rules.failing()
    found: dict[int, Component] = {}  # by component label
    placed: dict[tuple[str, str], int] = {}  # (rule id, figure id) of a failing relation
    if failing.any():
        layout = _layout(rules, figures, suite, failing)
        number = np.searchsorted(layout.wanted, layout.label)  # a failing component's number
        alone = _alone(rules, layout, failing)
        found.update(_closed_form(rules, layout, alone, number, weights))
        rest = replace(layout, wanted=np.setdiff1d(layout.wanted, layout.label[alone]))
        for part in failing_parts(rules, figures, suite, weights, rest):
            k = int(number[part.members[0]])
            found[k] = _solved(k, part, rules, failing)
        bad = np.flatnonzero(failing[rules.relation])
        for e in bad:  # each failing relation's figures, for the findings that name them
            key = (rules.rules[rules.rule[rules.relation[e]]], str(rules.figure[e]))
            placed.setdefault(key, int(number[rules.relation[e]]))
    components = tuple(found[k] for k in sorted(found))
    located = tuple(_place(report, placed, left_out))
    return Localisation(report, located, components, left_out, weights)


def _alone(rules: LinearRules, layout: _Layout, failing: Any) -> Any:
    """Per relation: failing, the only relation of its component, with finite intervals,
    no zero coefficient and no figure twice: answered in closed form."""
    n = rules.size
    count = np.bincount(layout.label)
    entry_ok = np.isfinite(rules.low) & np.isfinite(rules.high) & (rules.coefficient != 0)
    all_ok = np.bincount(rules.relation, weights=~entry_ok, minlength=n) == 0
    figures = layout.numbered.ids.size
    pairs = np.unique(rules.relation * figures + layout.numbered.number)
    distinct = np.bincount(pairs // figures, minlength=n) == np.bincount(
        rules.relation, minlength=n
    )
    return np.asarray(failing & (count[layout.label] == 1) & all_ok & distinct, dtype=bool)


def _closed_form(
    rules: LinearRules, layout: _Layout, alone: Any, number: Any, weights: Weights
) -> dict[int, Component]:
    """The components of one failing relation, all at once: any one figure mends its
    relation, so the smallest sets are its figures of least weight, each with the range
    the relation leaves it when every other figure stays inside its interval."""
    from statcheck.localisation._solve import MAX_ALTERNATIVES, SAME

    e = np.flatnonzero(alone[rules.relation])  # entries, by relation (ascending)
    if e.size == 0:
        return {}
    rel, c = rules.relation[e], rules.coefficient[e]
    least = np.where(c > 0, c * rules.low[e], c * rules.high[e])
    most = np.where(c > 0, c * rules.high[e], c * rules.low[e])
    n = rules.size
    others_least = np.bincount(rel, weights=least, minlength=n)[rel] - least
    others_most = np.bincount(rel, weights=most, minlength=n)[rel] - most
    a = (rules.lower[rel] - others_most) / c
    b = (rules.upper[rel] - others_least) / c
    low, high = np.minimum(a, b), np.maximum(a, b)
    ids = rules.figure[e]
    w = np.array([weights.of(layout.named[i]) if i in layout.named else weights.base for i in ids])
    least_weight = np.full(n, np.inf)
    np.minimum.at(least_weight, rel, w)
    tied = w <= least_weight[rel] * (1 + SAME)
    starts = np.flatnonzero(np.diff(rel, prepend=-1))
    out: dict[int, Component] = {}
    for start, end in zip(starts, [*starts[1:], rel.size], strict=True):
        r = int(rel[start])
        rule = rules.rules[rules.rule[r]]
        sets = [
            CulpritSet(
                (
                    Culprit(
                        str(ids[k]), float(rules.value[e[k]]), _end(low[k]), _end(high[k]), (rule,)
                    ),
                ),
                float(least_weight[r]),
            )
            for k in range(start, end)
            if tied[k]
        ]
        k = int(number[r])
        members = tuple(str(i) for i in ids[start:end])
        out[k] = Component(
            k,
            members,
            (rule,),
            (rule,),
            tuple(sets[:MAX_ALTERNATIVES]),
            len(sets) > MAX_ALTERNATIVES,
        )
    return out


def _end(x: float) -> float | None:
    return float(x) if np.isfinite(x) else None


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
