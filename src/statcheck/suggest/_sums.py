"""Sums in a wide table: which column is the sum of which others, at printed precision.

No search over the 2^n subsets: for each candidate total, the parts that can be in it
are pruned by magnitude and sign (a part is never larger than its total, and has its
sign), then 0/1 coefficients are solved for on a sample of rows by integer programming
(``scipy.optimize.milp``, HiGHS): each sampled row asks ``|total - Σ x_j part_j| <=
half units summed``, a few rows may be let off (so a near-miss is still found), and each
solution is excluded in turn to find the next (several breakdowns of one total). Each
candidate is then verified on every row at once, with numpy, and weighed for evidence.
A breakdown that only expands a part of another by that part's own sum (a nested
hierarchy seen one level deeper) is left out: the hierarchy is the sums of each level.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from statcheck.suggest._evidence import Support, Verdict, support
from statcheck.suggest._table import WideTable

Floats = npt.NDArray[np.float64]

SAMPLE_ROWS = 30  # rows the integer program sees; every row verifies
LET_OFF = 0.2  # share of the sampled rows a near-miss may fail on
LET_OFF_SAMPLE = 20  # rows the let-off search sees
MAX_BREAKDOWNS = 64  # solutions asked of one total
MILP_SECONDS = 2.0  # a search that takes longer stops with what it found
_LIMIT_REACHED = 1  # scipy's milp status: stopped at its time or node limit
# HiGHS's sub-MIP heuristics (RENS and RINS), off where ``sub_mips=False``: on a total of
# hundreds of candidate parts they spent seconds at the root and found nothing, where a
# few branch-and-bound nodes find the breakdown. Passed through scipy to HiGHS as they are.
NO_SUB_MIPS = {"mip_heuristic_run_rens": False, "mip_heuristic_run_rins": False}


@dataclass(frozen=True)
class FoundSum:
    total: int  # column index
    parts: tuple[int, ...]
    support: Support


def find_sums(
    table: WideTable, columns: tuple[int, ...], stopped: list[int] | None = None
) -> tuple[FoundSum, ...]:
    """The sums among ``columns`` (one unit), proposed and near-miss, hierarchy reduced.
    ``stopped``: where given, the totals whose search ran out of time is added to it."""
    found: list[FoundSum] = []
    # Smallest totals first: a larger total's search then leaves out every breakdown
    # that holds a smaller total's parts whole (it expands a part by its own sum).
    magnitude = table.magnitude[list(columns)]
    for total in [columns[i] for i in np.argsort(magnitude, kind="stable")]:
        known = [f.parts for f in found if f.support.verdict is not Verdict.CANNOT_TELL]
        found += _sums_of(table, total, [c for c in columns if c != total], known, stopped)
    return _without_expansions(found)


def _sums_of(
    table: WideTable,
    total: int,
    others: list[int],
    known: list[tuple[int, ...]],
    stopped: list[int] | None = None,
) -> list[FoundSum]:
    values, half = table.values, table.half
    t = values[:, total]
    parts = _possible_parts(values, half, total, others)
    if len(parts) < 2:
        return []
    rows = np.flatnonzero(~np.isnan(values[:, [total, *parts]]).any(axis=1))
    if len(rows) == 0:
        return []
    spread = float(np.nanmax(t) - np.nanmin(t))
    hypotheses = len(others) * 2.0 ** len(parts)
    found = []
    # Exact breakdowns first; only a total with none is searched again with rows let off
    # (the let-off search is the slow one: HiGHS must branch on the rows too).
    chosen_sets = _breakdowns(values, half, total, parts, rows, known, 0.0, stopped=stopped)
    if not chosen_sets:
        args = (values, half, total, parts, rows, known, LET_OFF)
        chosen_sets = _breakdowns(*args, stopped=stopped)
    for chosen in chosen_sets:
        gap = t - values[:, chosen].sum(axis=1)
        tolerance = half[total] + half[chosen].sum()
        tolerances = np.full(len(t), tolerance)
        s = support(gap, tolerances, spread, table.periods, hypotheses)
        if s.verdict in (Verdict.PROPOSED, Verdict.NEAR_MISS, Verdict.CANNOT_TELL):
            found.append(FoundSum(total, tuple(chosen), s))
    return found


def _possible_parts(values: Floats, half: Floats, total: int, others: list[int]) -> list[int]:
    """The columns that can be a part of ``total``: printed on most of its rows, not all
    zero, and among counts (no value below zero in any candidate column) never larger
    than it beyond rounding."""
    t = values[:, total]
    t_rows = ~np.isnan(t)
    signed = bool(np.any(values[:, [total, *others]] < 0))  # NaN compares False
    keep = []
    for j in others:
        p = values[:, j]
        both = t_rows & ~np.isnan(p)
        if both.sum() < 0.9 * t_rows.sum() or not np.any(np.abs(p[both]) > half[j]):
            continue
        if signed:
            keep.append(j)  # a negative part lets the others exceed the total
            continue
        larger = p[both] > t[both] + half[total] + half[j]
        if np.mean(larger) <= LET_OFF:
            keep.append(j)
    return keep


def _breakdowns(
    values: Floats,
    half: Floats,
    total: int,
    parts: list[int],
    rows: npt.NDArray[np.intp],
    known: list[tuple[int, ...]],
    let_off_share: float,
    seconds: float = MILP_SECONDS,
    limit: int = MAX_BREAKDOWNS,
    nodes: int | None = None,
    sub_mips: bool = True,
    stopped: list[int] | None = None,
) -> list[list[int]]:
    """0/1 choices of ``parts`` whose sum is the total on the sampled rows, some let off,
    none holding every part of a ``known`` sum. ``stopped``: where given, the total is
    added to it when a search ran out of time (or nodes) before it found a choice or
    found there is none."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    size = min(SAMPLE_ROWS if not let_off_share else LET_OFF_SAMPLE, len(rows))
    sample = rows[np.linspace(0, len(rows) - 1, size).astype(int)]
    a = values[np.ix_(sample, parts)]
    b = values[sample, total]
    # Each row scaled to its own magnitude, so HiGHS's tolerances mean the same on each.
    norm = np.maximum(np.abs(a).sum(axis=1) + np.abs(b), 1.0)
    a, b = a / norm[:, None], b / norm
    h_parts = np.broadcast_to(half[parts], a.shape) / norm[:, None]
    h_total = half[total] / norm
    n, s = len(parts), len(sample)
    big = 2.0  # a row let off may be off by up to its whole magnitude (scaled to 1)
    let_off = np.eye(s) * big
    # x (parts) then z (rows let off): Σ x a - Σ x h - M z <= b + h_t; and the mirror.
    upper = np.hstack([a - h_parts, -let_off])
    lower = np.hstack([a + h_parts, let_off])
    constraints = [
        LinearConstraint(upper, -np.inf, b + h_total),
        LinearConstraint(lower, b - h_total, np.inf),
        LinearConstraint(np.r_[np.ones(n), np.zeros(s)][None, :], 2, np.inf),
        LinearConstraint(np.r_[np.zeros(n), np.ones(s)][None, :], 0, math.floor(let_off_share * s)),
    ]
    for whole in (k for k in known if set(k) <= set(parts)):
        row = np.r_[np.isin(parts, whole).astype(float), np.zeros(s)]
        constraints.append(LinearConstraint(row[None, :], -np.inf, len(whole) - 1))
    cost = np.r_[np.full(n, 1e-3), np.ones(s)]  # fewest rows let off, then fewest parts
    integrality = np.ones(n + s)
    found: list[list[int]] = []
    # a node limit, where given, makes the search the same however busy the machine
    options = {"time_limit": seconds, **({"node_limit": nodes} if nodes else {})}
    options |= {} if sub_mips else NO_SUB_MIPS
    while len(found) < limit:
        with warnings.catch_warnings():  # scipy warns of the options it hands on as they are
            warnings.filterwarnings("ignore", "Unrecognized options", RuntimeWarning)
            result = milp(
                cost,
                constraints=constraints,
                integrality=integrality,
                bounds=Bounds(0, 1),
                options=options,
            )
        if result.x is None:
            if result.status == _LIMIT_REACHED and stopped is not None and total not in stopped:
                stopped.append(total)
            break
        x = np.round(result.x[:n]).astype(bool)
        found.append([parts[i] for i in np.flatnonzero(x)])
        # exclude exactly this choice: Σ_{chosen} x - Σ_{others} x <= |chosen| - 1
        cut = np.r_[np.where(x, 1.0, -1.0), np.zeros(s)]
        constraints.append(LinearConstraint(cut[None, :], -np.inf, x.sum() - 1))
    return found


def _without_expansions(found: list[FoundSum]) -> tuple[FoundSum, ...]:
    """Leave out a breakdown that is another breakdown of the same total with one part
    replaced by that part's own parts: nonfarm = goods + services is kept, nonfarm =
    mining + construction + manufacturing + services is the same hierarchy one level down."""
    breakdowns = {(f.total, frozenset(f.parts)) for f in found}
    by_total: dict[int, list[frozenset[int]]] = {}
    for total, parts in breakdowns:
        by_total.setdefault(total, []).append(parts)

    def expands(total: int, parts: frozenset[int]) -> bool:
        for coarser in by_total.get(total, []):
            for p in coarser - parts:
                rest = coarser - {p}
                if rest <= parts and (p, parts - rest) in breakdowns:
                    return True
        return False

    return tuple(f for f in found if not expands(f.total, frozenset(f.parts)))
