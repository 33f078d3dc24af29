"""compare: an ordering claim between figures, ``left op factor × right``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from statcheck.contract.rules.base import (
    REFS_SCHEMA,
    Ref,
    Rule,
    Selector,
    declared,
    figures_field,
    refs_to_yaml,
    tolerance_field,
)
from statcheck.contract.rules.pattern import Operand, over_columns
from statcheck.contract.rules.ratio import OVER_SCHEMA
from statcheck.contract.rules.reader import RuleReader
from statcheck.contract.rules.sides import (
    SIDE_DOC,
    check_variables,
    is_number,
    number_to_yaml,
    read_number,
    read_values,
    values_to_yaml,
)
from statcheck.contract.tolerance import Tolerance
from statcheck.model.interval import Relation

# A side: figures (explicit form), values of `over` or operands (table form), or a number.
Side = tuple[Ref | str | Operand, ...] | float
_SIDE_SCHEMA: dict[str, Any] = {"oneOf": [REFS_SCHEMA, {"type": "number"}]}
_SIDES = ("left", "right")


@dataclass(frozen=True, kw_only=True)
class CompareRule(Rule):
    """An ordering claim: ``left op factor * right``, each side a figure, a sum of figures
    or a number.

    "A > B + C" is ``left: A, op: ">", right: [B, C]``; "A at least 3 times B" is
    ``left: A, op: ">=", factor: 3, right: B``; "A is positive" is ``left: A, op: ">",
    right: 0``.

    Table form: ``over`` names the column whose values tell the sides apart (``metric``,
    ``source`` or a dimension), and each side is a value of it, a list of values that are
    added up, or a number; every group of figures that agree on all other columns is
    checked (``over: metric, left: males, op: ">", right: females``: every year). With
    ``over`` a list of columns each side is a mapping of them to values or ``{name}``
    templates, or a list of mappings, all binding the same variables. A bare number is a
    constant: quote a value of the column that looks like a number (``"2014"``).

    Counts: the explicit claim is one item, skipped (``missing-input``) when a figure is
    missing. In table form each group with a figure of either side is an item, skipped as
    ``missing-side`` when a side lacks one of its values and as ``duplicate`` when one of
    its figures is printed twice.
    """

    KIND: ClassVar[str] = "compare"
    ITEM: ClassVar[str] = (
        "a comparison (the one the rule names; in table form, each group with a figure on "
        "either side)"
    )
    SUMMARY: ClassVar[str] = (
        "`left op factor × right`, each side one figure, a sum of several or a number; in "
        "table form in every group of figures that agree on all other columns"
    )
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
    SCHEMA_EXTRA: ClassVar[dict[str, Any]] = {"dependentRequired": {"figures": ["over"]}}

    left: Side = declared(
        f"explicit: one figure, a list of figures that are summed, or a number; {SIDE_DOC}, "
        "or a number",
        schema=_SIDE_SCHEMA,
        accepts="Figures | float",
        required=True,
    )
    op: Relation = declared(
        "`>`, `>=`, `<`, `<=` or `==`",
        schema={"enum": [">", ">=", "<", "<=", "=="]},
        accepts="str",
        required=True,
    )
    right: Side = declared(
        "as `left`",
        schema=_SIDE_SCHEMA,
        accepts="Figures | float",
        required=True,
    )
    factor: float = declared(
        "the right side is multiplied by this (default 1)",
        schema={"type": "number", "exclusiveMinimum": 0},
        accepts="float | None",
        default=1.0,
    )
    over: str | tuple[str, ...] | None = declared(
        "table form: the column whose values tell the sides apart (metric, source or a "
        "dimension), or a list of columns (each side then mappings over them)",
        schema=OVER_SCHEMA,
        accepts="str | list[str] | None",
        default=None,
    )
    figures: Selector | None = figures_field("table form: a selector narrowing the rows")
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
        over: str | tuple[str, ...] | None
        over = over_columns(r) if isinstance(r.m.get("over"), list) else r.text("over")
        if over is not None and not over:
            raise r.error("`over` must name a column", "over")
        if over is None and r.m.get("figures") is not None:
            raise r.error(
                "`figures` needs `over:` (the column whose values tell the sides apart)", "figures"
            )
        sides = {key: _side(r, key, over) for key in _SIDES}
        if all(isinstance(s, float) for s in sides.values()):
            raise r.error("`left` and `right` are both numbers: there is nothing to check", "left")
        if over is not None:
            check_variables(r, {k: s for k, s in sides.items() if not isinstance(s, float)})
        return cls(
            **common,
            left=sides["left"],
            op=relation,
            right=sides["right"],
            factor=factor,
            over=over,
            figures=r.optional_selector("figures"),
            tolerance=r.tolerance(),
        )

    def refs(self) -> tuple[Ref, ...]:
        every = [*_items(self.left), *_items(self.right)]
        return tuple(x for x in every if not isinstance(x, str | Operand))

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in _SIDES:
            side = getattr(self, key)
            if isinstance(side, float):
                out[key] = number_to_yaml(side)
            elif self.over is None:
                out[key] = refs_to_yaml(side)
            else:
                out[key] = values_to_yaml(side)
            if key == "left":
                out["op"] = self.op.value
        if self.factor != 1.0:
            out["factor"] = number_to_yaml(self.factor)
        if self.over is not None:
            out["over"] = list(self.over) if isinstance(self.over, tuple) else self.over
        if self.figures is not None:
            out["figures"] = self.figures.to_yaml()
        if not self.tolerance.is_zero:
            out["tolerance"] = self.tolerance.to_mapping()
        return out


def _side(r: RuleReader, key: str, over: str | tuple[str, ...] | None) -> Any:
    """A number; figures (explicit form); values of `over` or operands (table form)."""
    value = r.required(key)
    if is_number(value):
        return read_number(r, key, value)
    if over is None:
        return r.refs(key)
    return read_values(r, key, value, over)


def _items(side: Side) -> tuple[Ref | str | Operand, ...]:
    return () if isinstance(side, float) else side
