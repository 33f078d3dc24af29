"""compare: an ordering claim between figures, ``left op factor × right``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from statcheck.contract.rules.base import (
    REFS_SCHEMA,
    Ref,
    Rule,
    declared,
    refs_to_yaml,
    tolerance_field,
)
from statcheck.contract.rules.reader import RuleReader
from statcheck.contract.tolerance import Tolerance
from statcheck.model.interval import Relation


@dataclass(frozen=True, kw_only=True)
class CompareRule(Rule):
    """An ordering claim: ``left op factor * right``, each side a figure or a sum of figures.

    "A > B + C" is ``left: A, op: ">", right: [B, C]``; "A at least 3 times B" is
    ``left: A, op: ">=", factor: 3, right: B``.

    Counts: the claim is one item, skipped (``missing-input``) when a figure is missing.
    """

    KIND: ClassVar[str] = "compare"
    ITEM: ClassVar[str] = "the one comparison the rule names"
    SUMMARY: ClassVar[str] = "`left op factor × right`, each side one figure or a sum of several"
    LABEL: ClassVar[str] = "one figure compared with another"
    CHART_LABELS: ClassVar[tuple[str, str] | None] = ("left side", "right side")
    FINDINGS: ClassVar[dict[str, str]] = {
        "comparison-mismatch": "the comparison does not hold for what the figures can stand for",
    }
    EXPECTATION: ClassVar[str] = "ExpectComparisonToHold"
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "id": "active-within-force",
        "kind": "compare",
        "left": "kp-active",
        "op": "<=",
        "right": "kp-force",
    }

    left: tuple[Ref, ...] = declared(
        "one figure, or a list of figures that are summed",
        schema=REFS_SCHEMA,
        accepts="Figures",
        required=True,
    )
    op: Relation = declared(
        "`>`, `>=`, `<`, `<=` or `==`",
        schema={"enum": [">", ">=", "<", "<=", "=="]},
        accepts="str",
        required=True,
    )
    right: tuple[Ref, ...] = declared(
        "one figure, or a list of figures that are summed",
        schema=REFS_SCHEMA,
        accepts="Figures",
        required=True,
    )
    factor: float = declared(
        "the right side is multiplied by this (default 1)",
        schema={"type": "number", "exclusiveMinimum": 0},
        accepts="float | None",
        default=1.0,
    )
    tolerance: Tolerance = tolerance_field()

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        op = r.required("op")
        try:
            relation = Relation(op)
        except ValueError:
            raise r.error(
                f"op {op!r} is not a comparison", "op", "use one of: > >= < <= =="
            ) from None
        factor = r.number("factor", 1.0)
        if factor <= 0:
            raise r.error("factor must be above 0", "factor")
        return cls(
            **common,
            left=r.refs("left"),
            op=relation,
            right=r.refs("right"),
            factor=factor,
            tolerance=r.tolerance(),
        )

    def refs(self) -> tuple[Ref, ...]:
        return (*self.left, *self.right)

    def _fields_to_mapping(self) -> dict[str, Any]:
        out = super()._fields_to_mapping()
        out["left"] = refs_to_yaml(self.left)
        out["right"] = refs_to_yaml(self.right)
        return out
