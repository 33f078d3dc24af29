"""Adjustment: the smallest changes that make every linear rule hold (issue 20, item 3).

Each failing component (:func:`statcheck.localisation.failing_parts`) is one linear
program (:func:`._solve.least_change`): the weighted change beyond the figures' own
intervals is minimised, so a rounding inconsistency is absorbed by the rounding and a
figure is moved outside what it stands for only when no solution inside exists. A
figure that stays inside its interval keeps its printed value and is not listed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from statcheck.localisation._model import Weights
from statcheck.localisation._solve import inner_bounds, least_change

if TYPE_CHECKING:
    from statcheck.localisation._write import Cell, WrittenDrop

NORM = "weighted sum of absolute changes beyond each figure's interval"

# A new value this close to the interval (relative to the figure) is inside it.
_INSIDE = 1e-9


@dataclass(frozen=True)
class Change:
    """A figure moved outside its interval: its printed value, its new value (exact),
    the rules of the relations it is in and the new value as the drop prints it
    (rounded to the figure's precision; None when its cell is not known)."""

    figure_id: str
    old: float
    new: float
    rules: tuple[str, ...]
    printed: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "figure": self.figure_id,
            "old": self.old,
            "new": self.new,
            "printed": self.printed,
            "rules": list(self.rules),
        }


@dataclass(frozen=True)
class Adjustment:
    """The changes, the components no change can mend (their figures' ids), and the
    rules left out of the problem."""

    report: Any
    changes: tuple[Change, ...]
    unsolved: tuple[tuple[str, ...], ...]
    left_out: tuple[tuple[str, str, str], ...]
    weights: Weights
    cells: tuple[Cell, ...] = ()  # where each changed figure is printed
    drop_folder: str | None = None  # the drop adjusted (None: a file or a frame)

    def write(self, out: str | Path, *, force: bool = False) -> WrittenDrop:
        """Write the adjusted drop in ``out`` (``statcheck adjust --out``): see
        :func:`statcheck.localisation._write.write_adjusted`."""
        from statcheck.localisation._write import write_adjusted

        return write_adjusted(self, out, force=force)

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.report.suite.get("id"),
            "drop": self.report.drop.get("id"),
            "norm": NORM,
            "weights": self.weights.to_dict(),
            "changes": [c.to_dict() for c in self.changes],
            "unsolved": [list(ids) for ids in self.unsolved],
            "left_out": [{"rule": r, "kind": k, "reason": why} for r, k, why in self.left_out],
        }


def adjusted(
    report: Any,
    figures: Any,
    suite: Any,
    weights: Weights,
    drop_folder: str | None = None,
    kinds: dict[str, str] | None = None,
) -> Adjustment:
    from statcheck.engine.linear import linear_relations
    from statcheck.localisation import failing_parts
    from statcheck.localisation._write import cells_of

    rules = linear_relations(figures, suite)
    left_out = tuple((r.rule_id, r.kind, r.reason) for r in rules.left_out)
    changes: list[Change] = []
    unsolved: list[tuple[str, ...]] = []
    for part in failing_parts(rules, figures, suite, weights, kinds=kinds):
        new = least_change(part.problem)
        if new is None:
            unsolved.append(part.ids)
            continue
        p = part.problem
        new = _whole(p, _polished(p, new))
        slack = _INSIDE * np.maximum(np.abs(p.values), 1.0)
        outside = (new < p.lows - slack) | (new > p.highs + slack)
        changes += [
            Change(part.ids[k], float(p.values[k]), float(new[k]), part.uses[k])
            for k in np.flatnonzero(outside)
        ]
    cells = cells_of(figures, suite, [c.figure_id for c in changes])
    changes = [
        replace(c, printed=cells[c.figure_id].text(c.new)) if c.figure_id in cells else c
        for c in changes
    ]
    return Adjustment(
        report, tuple(changes), tuple(unsolved), left_out, weights,
        tuple(cells[c.figure_id] for c in changes if c.figure_id in cells), drop_folder,
    )  # fmt: skip


def _whole(problem: Any, new: Any) -> Any:
    """``new`` with each exact whole figure that moves rounded to a whole number (a
    population moved by 1.51 persons is printed 2 persons), when every relation still
    holds so; else ``new`` as it is."""
    moved = (problem.lows == problem.highs) & (new != problem.values)
    whole = moved & (np.floor(problem.values) == problem.values)
    if not whole.any():
        return new
    rounded = np.where(whole, np.round(new), new)
    at = problem.matrix @ rounded
    return rounded if bool(((at >= problem.lower) & (at <= problem.upper)).all()) else new


# A change below this share of the problem's bound is the solver's tolerance, not a move.
_SOLVER_NOISE = 1e-6


def _polished(problem: Any, new: Any) -> Any:
    """``new`` made exact: the solver works to a tolerance relative to the whole problem
    (about ten persons in a table of billions), so a figure it moves by less is put back
    inside its interval and the figures it moves further take up the rest, by least
    squares, aimed inside each relation's inner bounds. Kept only when every relation
    then holds; else ``new`` as it is."""
    excess = np.maximum(problem.lows - new, 0) + np.maximum(new - problem.highs, 0)
    moved = excess > _SOLVER_NOISE * problem.bound()
    if not moved.any():
        return new
    x = np.where(moved, new, np.clip(new, problem.lows, problem.highs))
    lower, upper = inner_bounds(problem)
    at = problem.matrix @ x
    delta, *_ = np.linalg.lstsq(problem.matrix[:, moved], np.clip(at, lower, upper) - at)
    x[moved] += delta
    at = problem.matrix @ x
    return x if bool(((at >= problem.lower) & (at <= problem.upper)).all()) else new
