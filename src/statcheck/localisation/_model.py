"""What localisation finds: value objects, each written to JSON as ``to_dict``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

__all__ = ["Component", "Culprit", "CulpritSet", "Localisation", "LocatedFinding", "Weights"]

from statcheck.contract.weights import Weights

if TYPE_CHECKING:
    from statcheck.report import Report


@dataclass(frozen=True)
class Culprit:
    """A figure of a minimum set: its reported value, the range of values that makes
    every relation it is in hold (None: unbounded that way, as when another culprit of
    the set shares a relation with it), and those relations' rules."""

    figure_id: str
    reported: float
    low: float | None
    high: float | None
    rules: tuple[str, ...]  # one entry per relation it is in (a rule per group)

    def to_dict(self) -> dict[str, Any]:
        return {
            "figure": self.figure_id,
            "reported": self.reported,
            "low": self.low,
            "high": self.high,
            "rules": list(self.rules),
        }


@dataclass(frozen=True)
class CulpritSet:
    culprits: tuple[Culprit, ...]
    weight: float

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.figure_id for c in self.culprits)

    def to_dict(self) -> dict[str, Any]:
        return {"weight": self.weight, "figures": [c.to_dict() for c in self.culprits]}


@dataclass(frozen=True)
class Component:
    """Figures linked by the relations they share, with at least one relation failing:
    the minimum sets (``sets[0]`` the first found, the rest tied alternatives)."""

    number: int
    figures: tuple[str, ...]
    rules: tuple[str, ...]  # every rule with a relation here, in suite order
    failing: tuple[str, ...]  # the rules whose relations here fail as reported
    sets: tuple[CulpritSet, ...]  # empty: no set of changes makes every relation hold
    more_alternatives: bool  # the bound on alternatives was reached

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.number,
            "figures": list(self.figures),
            "rules": list(self.rules),
            "failing_rules": list(self.failing),
            "most_likely": self.sets[0].to_dict() if self.sets else None,
            "alternatives": [s.to_dict() for s in self.sets[1:]],
            "more_alternatives": self.more_alternatives,
        }


@dataclass(frozen=True)
class LocatedFinding:
    """A failing finding of the report and where localisation puts it: its component,
    or why it has none (``note``)."""

    rule_id: str
    slug: str
    figures: tuple[str, ...]
    component: int | None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule_id,
            "slug": self.slug,
            "figures": list(self.figures),
            "component": self.component,
            "note": self.note,
        }


@dataclass(frozen=True)
class Localisation:
    """The report, its failing findings placed, the components solved and the rules left
    out of the problem with the reason."""

    report: Report
    findings: tuple[LocatedFinding, ...]
    components: tuple[Component, ...]
    left_out: tuple[tuple[str, str, str], ...]  # (rule id, kind, reason)
    weights: Weights = field(default_factory=Weights)

    def component(self, number: int) -> Component:
        return self.components[number]

    def for_rule(self, rule_id: str) -> list[LocatedFinding]:
        return [f for f in self.findings if f.rule_id == rule_id]

    def to_dict(self) -> dict[str, Any]:
        return {
            "suite": self.report.suite.get("id"),
            "drop": self.report.drop.get("id"),
            "weights": self.weights.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
            "components": [c.to_dict() for c in self.components],
            "left_out": [{"rule": r, "kind": k, "reason": why} for r, k, why in self.left_out],
        }
