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

import math
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from statcheck.contract.suite import Suite
from statcheck.engine.graph import distinct
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
    "near_failing",
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
    takes) against ``suite`` and locate the figures most likely wrong, weighed by
    ``weights`` (default: the suite's ``weights:``). A problem reading the data is the
    report's error, as for ``validate``, and nothing is located."""
    checked, report, inputs = _read(data, suite, engine)
    weights = weights or checked.weights
    if inputs is None:
        return Localisation(report, (), (), (), weights)
    return _localised(report, inputs.figures, checked, weights, _source_kinds(inputs, weights))


def locate_report(
    report: Report, inputs: Any, suite: Suite, *, weights: Weights | None = None
) -> Report:
    """``report`` (of ``inputs``, the tables ``checking`` read, against ``suite``) with
    each failing finding's culprits: validation and localisation sharing one reading of
    the data (``statcheck validate --locate``, ``statcheck.validate(..., locate=True)``).
    A report whose data could not be read (``report.errors``) is returned as it is."""
    if report.errors or inputs is None:
        return report
    weights = weights or suite.weights
    kinds = _source_kinds(inputs, weights)
    return with_culprits(_localised(report, inputs.figures, suite, weights, kinds))


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

    checked, report, inputs = _read(data, suite, engine)
    weights = weights or checked.weights
    if inputs is None:
        return Adjustment(report, (), (), (), weights)
    folder = str(data) if isinstance(data, str | os.PathLike) and Path(data).is_dir() else None
    kinds = _source_kinds(inputs, weights)
    return adjusted(report, inputs.figures, checked, weights, folder, kinds)


def _checked(
    data: Any, suite: Suite | str | os.PathLike[str], engine: str
) -> tuple[Suite, Report, Any]:
    """The suite, the report of ``data`` against it and the figure table it was made
    from (None when the data could not be read: the problem is then the report's, as
    for ``validate``, never a crash)."""
    checked, report, inputs = _read(data, suite, engine)
    return checked, report, None if inputs is None else inputs.figures


def _read(
    data: Any, suite: Suite | str | os.PathLike[str], engine: str
) -> tuple[Suite, Report, Any]:
    """``_checked`` with the inputs read (figures and sources), or None."""
    from statcheck import checking
    from statcheck.api import as_suite

    checked = as_suite(suite)
    try:
        inputs = _inputs(data, checked, engine)
    except Exception as exc:
        drop = {"id": Path(data).name} if isinstance(data, str | os.PathLike) else {"id": "<frame>"}
        return checked, checking.error_report(checked, drop, exc), None
    return checked, checking.check(inputs, checked), inputs


def _source_kinds(inputs: Any, weights: Weights) -> dict[str, str]:
    """Each source's kind, when the weights ask for it (the source table is small)."""
    import narwhals as nw

    if not weights.by_kind or inputs.sources is None:
        return {}
    frame: Any = inputs.sources.select("source_id", "kind")
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    return {str(i): str(k) for i, k in frame.rows() if k is not None}


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
    a failing relation (``wanted``, ascending) and the weights of their figures."""

    numbered: _Figures
    label: Any
    wanted: Any
    weight: dict[str, float]  # of each figure of the failing components

    def weight_of(self, ids: Any, weights: Weights) -> Any:
        return np.array([self.weight.get(str(i), weights.base) for i in ids], dtype=np.float64)


def _layout(
    rules: LinearRules,
    figures: Any,
    suite: Suite,
    failing: Any,
    weights: Weights,
    kinds: dict[str, str] | None = None,
) -> _Layout:
    numbered = _numbered(rules)
    label = _components(rules, numbered)
    wanted = distinct(label[failing])
    weight = _weights_of(rules, numbered, label, wanted, figures, weights, kinds or {})
    return _Layout(numbered, label, wanted, weight)


def failing_parts(
    rules: LinearRules,
    figures: Any,
    suite: Suite,
    weights: Weights,
    layout: _Layout | None = None,
    kinds: dict[str, str] | None = None,
) -> list[Part]:
    """The components with a failing relation (those of ``layout.wanted``), each as its
    problem, in component order. ``kinds``: each source's kind, for weights by kind."""
    if layout is None:
        rules = near_failing(rules)
    failing = rules.failing()
    if not failing.any():
        return []
    layout = layout or _layout(rules, figures, suite, failing, weights, kinds)
    label, wanted = layout.label, layout.wanted
    by_relation = np.argsort(label, kind="stable")
    rel_bounds = np.searchsorted(label[by_relation], np.stack([wanted, wanted + 1]))
    entry_label = label[rules.relation]
    by_entry = np.argsort(entry_label, kind="stable")
    entry_bounds = np.searchsorted(entry_label[by_entry], np.stack([wanted, wanted + 1]))
    members = (np.sort(by_relation[a:b]) for a, b in rel_bounds.T)
    entries = (by_entry[a:b] for a, b in entry_bounds.T)
    return [_part(m, e, rules, layout, weights) for m, e in zip(members, entries, strict=True)]


def _localised(
    report: Any, figures: Any, suite: Suite, weights: Weights, kinds: dict[str, str] | None = None
) -> Localisation:
    from statcheck.engine.linear import linear_relations

    rules = linear_relations(figures, suite)
    left_out = tuple((r.rule_id, r.kind, r.reason) for r in rules.left_out)
    rules = near_failing(rules)
    failing = rules.failing()
    found: dict[int, Component] = {}  # by component label
    placed: dict[tuple[str, str], int] = {}  # (rule id, figure id) of a failing relation
    if failing.any():
        layout = _layout(rules, figures, suite, failing, weights, kinds)
        number = np.searchsorted(layout.wanted, layout.label)  # a failing component's number
        alone = _alone(rules, layout, failing)
        found.update(_closed_form(rules, layout, alone, number, weights))
        rest = replace(layout, wanted=np.setdiff1d(layout.wanted, layout.label[alone]))
        for part in failing_parts(rules, figures, suite, weights, rest):
            k = int(number[part.members[0]])
            found[k] = _solved(k, part, rules, failing)
        placed = _placed(rules, failing, number)
    components = tuple(found[k] for k in sorted(found))
    located = tuple(_place(report, placed, left_out))
    return Localisation(report, located, components, left_out, weights)


def _placed(rules: LinearRules, failing: Any, number: Any) -> dict[tuple[str, str], int]:
    """The component of each (rule id, figure id) of a failing relation, for the findings
    that name them (the first relation's, where a pair is in several)."""
    e = np.flatnonzero(failing[rules.relation])
    relation = rules.relation[e]
    names = np.asarray(rules.rules, dtype=object)[rules.rule[relation]].tolist()
    keys = list(zip(names, (str(f) for f in rules.figure[e].tolist()), strict=True))
    # Reversed: where a pair occurs twice, the first occurrence is written last and stays.
    return dict(zip(keys[::-1], number[relation].tolist()[::-1], strict=True))


# Rounds of growing the failing relations' set through shared figures before taking the
# whole table instead (a component that long is rare: a chain of relations across it).
_MAX_ROUNDS = 50


def near_failing(rules: LinearRules) -> LinearRules:
    """The relations of the components with a failing relation, the others dropped: grown
    from the failing relations through the figures they share, a step a round, until no
    relation joins. On a large table the components are then found and solved on a few
    per cent of it. All of ``rules`` when nothing fails or the growing goes on."""
    import pandas as pd

    keep = rules.failing()
    if not keep.any() or keep.all():
        return rules
    code, ids = pd.factorize(rules.figure)
    for _ in range(_MAX_ROUNDS):
        figure_in = np.zeros(len(ids), dtype=bool)
        figure_in[code[keep[rules.relation]]] = True
        grown = np.zeros(rules.size, dtype=bool)
        grown[rules.relation[figure_in[code]]] = True
        if grown.sum() == keep.sum():
            break
        keep = grown
    else:
        return rules
    entries = keep[rules.relation]
    renumbered = np.cumsum(keep) - 1
    return replace(
        rules,
        rule=rules.rule[keep],
        lower=rules.lower[keep],
        upper=rules.upper[keep],
        relation=renumbered[rules.relation[entries]],
        **{
            k: getattr(rules, k)[entries] for k in ("figure", "coefficient", "value", "low", "high")
        },
    )


def _alone(rules: LinearRules, layout: _Layout, failing: Any) -> Any:
    """Per relation: failing, the only relation of its component, with finite intervals,
    no zero coefficient and no figure twice: answered in closed form."""
    n = rules.size
    count = np.bincount(layout.label)
    e = np.flatnonzero(failing[rules.relation])  # only the failing relations' entries
    rel = rules.relation[e]
    entry_ok = np.isfinite(rules.low[e]) & np.isfinite(rules.high[e]) & (rules.coefficient[e] != 0)
    all_ok = np.bincount(rel, weights=~entry_ok, minlength=n) == 0
    figures = layout.numbered.ids.size
    pairs = distinct(rel * figures + layout.numbered.number[e])
    once = np.bincount(pairs // figures, minlength=n) == np.bincount(rel, minlength=n)
    return np.asarray(failing & (count[layout.label] == 1) & all_ok & once, dtype=bool)


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
    w = layout.weight_of(ids, weights)
    least_weight = np.full(n, np.inf)
    np.minimum.at(least_weight, rel, w)
    tied = w <= least_weight[rel] * (1 + SAME)
    starts = np.flatnonzero(np.diff(rel, prepend=-1))
    ends = [*starts[1:].tolist(), rel.size]
    # As Python values once (indexing numpy arrays element by element is slow).
    names, values, lows, highs = ids.tolist(), rules.value[e].tolist(), low.tolist(), high.tolist()
    is_tied = tied.tolist()
    first = rel[starts]
    rule_of = [rules.rules[i] for i in rules.rule[first].tolist()]
    out: dict[int, Component] = {}
    for start, end, rule, weight, k in zip(
        starts.tolist(), ends, rule_of, least_weight[first].tolist(), number[first].tolist(),
        strict=True,
    ):  # fmt: skip
        sets = [
            CulpritSet(
                (Culprit(str(names[j]), values[j], _end(lows[j]), _end(highs[j]), (rule,)),),
                weight,
            )
            for j in range(start, end)
            if is_tied[j]
        ]
        out[k] = Component(
            k,
            tuple(str(i) for i in names[start:end]),
            (rule,),
            (rule,),
            tuple(sets[:MAX_ALTERNATIVES]),
            len(sets) > MAX_ALTERNATIVES,
        )
    return out


def _end(x: float) -> float | None:
    return float(x) if math.isfinite(x) else None


def _numbered(rules: LinearRules) -> _Figures:
    """The figures numbered by first appearance (hashed: sorting a million ids as Python
    strings takes seconds); a component's figures are put in id order where solved."""
    import pandas as pd

    number, ids = pd.factorize(rules.figure)
    ids = np.asarray(ids, dtype=object)
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


def _weights_of(
    rules: Any,
    numbered: _Figures,
    label: Any,
    wanted: Any,
    figures: Any,
    weights: Weights,
    kinds: dict[str, str],
) -> dict[str, float]:
    """The weight of each figure of the failing components, from its status, qualifier
    and source's kind: one filter of the figure table and a lookup per column."""
    import narwhals as nw
    import pandas as pd

    in_wanted = np.isin(label[rules.relation], wanted)
    ids = [str(i) for i in numbered.ids[np.unique(numbered.number[in_wanted])]]
    frame: Any = figures.frame.filter(nw.col("figure_id").is_in(ids))
    have = set(frame.columns)
    frame = frame.select(
        "figure_id",
        *(nw.col(c) if c in have else nw.lit(None, dtype=nw.String).alias(c)
          for c in ("status", "qualifier", "source_id")),
    )  # fmt: skip
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    table = frame.to_pandas()
    kind = table["source_id"].map(kinds)
    weight = weights.base * np.ones(len(table))
    for factors, column in (
        (weights.status, table["status"]),
        (weights.qualifier, table["qualifier"]),
        (weights.source_kind, kind),
    ):
        if factors:
            weight = weight * pd.to_numeric(column.map(dict(factors)), errors="coerce").fillna(1.0)
    return dict(
        zip(table["figure_id"].astype(str), np.asarray(weight, dtype=np.float64), strict=True)
    )


def _part(
    members: Any, entries: Any, rules: LinearRules, layout: _Layout, weights: Weights
) -> Part:
    numbered = layout.numbered
    figure = numbered.number[entries]
    local = distinct(figure)
    column = np.searchsorted(local, figure)
    by_id = np.argsort(numbered.ids[local].astype(str), kind="stable")  # columns in id order
    local, column = local[by_id], np.argsort(by_id)[column]
    row = np.searchsorted(members, rules.relation[entries])
    matrix = np.zeros((members.size, local.size))
    np.add.at(matrix, (row, column), rules.coefficient[entries])
    ids = tuple(str(i) for i in numbered.ids[local])
    problem = Problem(
        values=numbered.values[local],
        lows=numbered.lows[local],
        highs=numbered.highs[local],
        weights=layout.weight_of(ids, weights),
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
