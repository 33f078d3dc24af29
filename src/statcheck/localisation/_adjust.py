"""Adjustment: the smallest changes that make every linear rule hold (issue 20, item 3).

Each failing component (:func:`statcheck.localisation.failing_parts`) is one linear
program (:func:`._solve.least_change`): the weighted change beyond the figures' own
intervals is minimised, so a rounding inconsistency is absorbed by the rounding and a
figure is moved outside what it stands for only when no solution inside exists. A
figure that stays inside its interval keeps its printed value and is not listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from statcheck.localisation._model import Weights
from statcheck.localisation._solve import least_change

# A new value this close to the interval (relative to the figure) is inside it.
_INSIDE = 1e-9


@dataclass(frozen=True)
class Change:
    """A figure moved outside its interval: its printed value, its new value (exact),
    and the rules of the relations it is in."""

    figure_id: str
    old: float
    new: float
    rules: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "figure": self.figure_id,
            "old": self.old,
            "new": self.new,
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.report.suite.get("id"),
            "drop": self.report.drop.get("id"),
            "norm": "weighted sum of absolute changes beyond each figure's interval",
            "weights": self.weights.to_dict(),
            "changes": [c.to_dict() for c in self.changes],
            "unsolved": [list(ids) for ids in self.unsolved],
            "left_out": [{"rule": r, "kind": k, "reason": why} for r, k, why in self.left_out],
        }


def adjusted(report: Any, figures: Any, suite: Any, weights: Weights) -> Adjustment:
    from statcheck.engine.linear import linear_relations
    from statcheck.localisation import failing_parts

    rules = linear_relations(figures, suite)
    left_out = tuple((r.rule_id, r.kind, r.reason) for r in rules.left_out)
    changes: list[Change] = []
    unsolved: list[tuple[str, ...]] = []
    for part in failing_parts(rules, figures, suite, weights):
        new = least_change(part.problem)
        if new is None:
            unsolved.append(part.ids)
            continue
        p = part.problem
        slack = _INSIDE * np.maximum(np.abs(p.values), 1.0)
        outside = (new < p.lows - slack) | (new > p.highs + slack)
        changes += [
            Change(part.ids[k], float(p.values[k]), float(new[k]), part.uses[k])
            for k in np.flatnonzero(outside)
        ]
    return Adjustment(report, tuple(changes), tuple(unsolved), left_out, weights)
