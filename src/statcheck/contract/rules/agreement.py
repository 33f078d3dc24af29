"""agreement: the same thing reported twice agrees, in every group, within tolerance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from statcheck.contract.rules.base import Rule, Selector, declared, figures_field, tolerance_field
from statcheck.contract.rules.pattern import over_columns
from statcheck.contract.rules.ratio import OVER_SCHEMA
from statcheck.contract.rules.reader import RuleReader
from statcheck.contract.rules.sides import Values, check_variables, read_values, values_to_yaml
from statcheck.contract.tolerance import Tolerance

_VALUE = {"type": ["string", "integer"]}
_ONE_SIDE = {"oneOf": [_VALUE, {"type": "object"}, {"type": "array", "minItems": 1}]}
_SIDES_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {
            "type": "object",
            "minProperties": 2,
            "maxProperties": 2,
            "additionalProperties": _ONE_SIDE,
        },
        {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": {"oneOf": [_VALUE, {"type": "object"}]},
        },
    ]
}


@dataclass(frozen=True, kw_only=True)
class AgreementRule(Rule):
    """The same thing reported twice: two breakdowns of one total, or two publishers of
    one figure, agree in every group.

    ``over`` names the column that tells the two reports apart, and ``sides`` says which
    of its values make each report: a mapping of two names to a value or a list of values
    whose figures are added up (``{by_type: [a, b, c], by_region: [north, south]}``: the
    units by type and by region add up to the same unprinted total), or a list of two
    values, each its own side (``over: source, sides: [cdc, ssa]``). With ``over`` a list
    of columns, each value is a mapping of them to values or ``{name}`` templates, all
    binding the same variables. Every group of figures that agree on all other columns
    (each month, each day) is checked: the two sums must overlap, allowing for the
    figures' rounding and ``tolerance`` (a relative tolerance is of the larger side).
    ``missing: zero`` counts a value with no figure in a group as 0 (a breakdown that
    prints no row for a category with none); a side with no figure at all is never 0.

    Items: each group with a figure on either side. Skipped: a group where a side lacks
    one of its values (``missing-side``; with ``missing: zero``, all of them), or with a
    figure printed twice for the same thing (``duplicate``). The result's ``summary``
    says how far the two reports are apart over the groups checked: the mean and largest
    absolute and relative difference, and how often each side is the higher.
    """

    KIND: ClassVar[str] = "agreement"
    ITEM: ClassVar[str] = (
        "a group of figures that agree on all other columns, with a figure on either side"
    )
    SUMMARY: ClassVar[str] = (
        "the same thing reported twice (two breakdowns of one total, two publishers of one "
        "figure) agrees in every group, within rounding and tolerance; the result summarises "
        "how far apart the two are"
    )
    LABEL: ClassVar[str] = "two reports of one figure agree"
    CHART_LABELS: ClassVar[tuple[str, str] | None] = ("first side", "second side")
    FINDINGS: ClassVar[dict[str, str]] = {
        "disagreement": "in a group, the two sides are further apart than their rounding and "
        "the tolerance allow (saying which is higher, and by how much)",
    }
    EXPECTATION: ClassVar[str] = "ExpectReportsToAgree"
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "id": "cdc-and-ssa-births-agree",
        "kind": "agreement",
        "over": "source",
        "sides": ["cdc", "ssa"],
        "tolerance": {"relative": 0.01},
    }
    SCHEMA_EXTRA: ClassVar[dict[str, Any]] = {}

    over: str | tuple[str, ...] = declared(
        "the column that tells the two reports apart (metric, source or a dimension), or a "
        "list of columns (each value then a mapping over them)",
        schema=OVER_SCHEMA,
        accepts="str | list[str]",
        required=True,
    )
    sides: tuple[tuple[str, Values], ...] = declared(
        "the two reports: a mapping of two names to a value of `over` or a list of values "
        "that are added up, or a list of two values (each its own side, named by itself)",
        schema=_SIDES_SCHEMA,
        accepts="dict[str, Any] | list[Any]",
        required=True,
    )
    named: bool = False  # `sides` written as a mapping of names (else a list of two values)
    figures: Selector | None = figures_field("a selector narrowing the rows")
    missing: str = declared(
        "`undetermined` (default): a group where a side lacks one of its values is not "
        "checked; `zero`: a missing value counts as 0 (a side with none is still not checked)",
        schema={"enum": ["undetermined", "zero"]},
        accepts="str | None",
        default="undetermined",
    )
    tolerance: Tolerance = tolerance_field()

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        over: str | tuple[str, ...] | None
        if isinstance(r.m.get("over"), list):
            over = over_columns(r)
        else:
            over = r.text("over")
            if over is None:
                r.required("over")
            if not over or not over.strip():
                raise r.error("`over` must name a column", "over")
        raw = r.required("sides")
        named = isinstance(raw, dict)
        if named:
            if len(raw) != 2:
                raise r.error(f"`sides` must name two reports, not {len(raw)}", "sides")
            sides = tuple((str(name), read_values(r, "sides", v, over)) for name, v in raw.items())
        else:
            if not isinstance(raw, list) or len(raw) != 2:
                raise r.error(
                    "`sides` must be a mapping of two names to values, or a list of two values",
                    "sides",
                    "e.g. sides: [cdc, ssa], or sides: {by_type: [a, b], by_region: [n, s]}",
                )
            sides = tuple(_own_side(r, item, over) for item in raw)
        if sides[0][0] == sides[1][0]:
            raise r.error(f"both sides are {sides[0][0]!r}", "sides")
        check_variables(r, {name: values for name, values in sides})
        return cls(
            **common,
            over=over,
            sides=sides,
            named=named,
            figures=r.optional_selector("figures"),
            missing=r.text("missing", "undetermined", ("undetermined", "zero")) or "undetermined",
            tolerance=r.tolerance(),
        )

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "over": list(self.over) if isinstance(self.over, tuple) else self.over
        }
        if self.named:
            out["sides"] = {name: values_to_yaml(values) for name, values in self.sides}
        else:
            out["sides"] = [values_to_yaml(values) for _, values in self.sides]
        if self.figures is not None:
            out["figures"] = self.figures.to_yaml()
        if self.missing != "undetermined":
            out["missing"] = self.missing
        if not self.tolerance.is_zero:
            out["tolerance"] = self.tolerance.to_mapping()
        return out


def _own_side(r: RuleReader, item: Any, over: str | tuple[str, ...]) -> tuple[str, Values]:
    """One value of a list of two: a side of its own, named by itself."""
    if isinstance(item, list):
        raise r.error(
            "a list of two sides holds one value each",
            "sides",
            "to add up several values, name the sides: {by_type: [a, b], by_region: [n, s]}",
        )
    (value,) = read_values(r, "sides", item, over)
    return (str(value), (value,))
