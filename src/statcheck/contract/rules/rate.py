"""rate: a rate per day, week, month, quarter or year agrees with a total over a period,
or, with a denominator, with a count and the population it happened in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from statcheck.contract.rules.base import (
    REF_SCHEMA,
    Ref,
    Rule,
    Selector,
    declared,
    figures_field,
    tolerance_field,
)
from statcheck.contract.rules.pattern import (
    Operand,
    PatternError,
    as_error,
    check_bound,
    operand,
    over_columns,
)
from statcheck.contract.rules.ratio import OVER_SCHEMA
from statcheck.contract.rules.reader import RuleReader
from statcheck.contract.tolerance import Tolerance
from statcheck.model.period import PERIOD_UNITS

_OPERAND_SCHEMA = {"oneOf": [REF_SCHEMA, {"type": "integer"}]}
_OPERAND_DOC = (
    "explicit: a figure (id or selector); table: a value of the `over` column, or with "
    "`over` a list, a mapping of each of its columns to a value or `{name}` template"
)


@dataclass(frozen=True, kw_only=True)
class RateRule(Rule):
    """A rate per day, week, month, quarter or year agrees with a total over a period.

    "About 12 a month" and a total for 2024 agree when the total is within 12 months of
    the rate: the rate's interval times the length of the total's period in ``per`` units
    (whole calendar months where the period is made of them; see ``Period.length_in``).

    With a denominator (``of``, a population) the rate is ``scale`` × total / of per
    ``per``: deaths per 1,000 a year from a month's deaths and the population that month
    is 1,000 × deaths / population ÷ (1/12 of a year), that is 12 × 1,000 × deaths /
    population. The printed rate is checked against that interval. Only then is there a
    table form: ``over`` names the column whose values are rate, total and of (or lists
    columns, each then a mapping, as in ``ratio``), and every group of figures that agree
    on all other columns, their period included, is checked; ``figures`` narrows the
    rows.

    Counts: the rate and total are one item, skipped (``missing-input``) when either (or
    the denominator) is missing. Table form: each rate row in scope, skipped as
    ``duplicate``, ``missing-part`` (no total) or ``missing-whole`` (no denominator), as
    a ``ratio``'s shares are.
    """

    KIND: ClassVar[str] = "rate"
    ITEM: ClassVar[str] = (
        "the one rate and total the rule names (in table form, each rate row in scope)"
    )
    SUMMARY: ClassVar[str] = (
        "the rate times the length of the total's period in `per` units gives the total; "
        "with `of`, the rate is `scale` × total / of per `per`"
    )
    LABEL: ClassVar[str] = "a rate over a period gives the total"
    CHART_LABELS: ClassVar[tuple[str, str] | None] = ("reported", "implied by the rate")
    FINDINGS: ClassVar[dict[str, str]] = {
        "rate-mismatch": "the total is not what the rate gives over the total's period "
        "(with `of`: the rate is not scale × total / of per `per`)",
        "zero-denominator": "with `of`, a denominator that can be 0 gives no rate",
    }
    EXPECTATION: ClassVar[str] = "ExpectRateToMatchTotal"
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "id": "monthly-rate-gives-the-year",
        "kind": "rate",
        "rate": "cases-per-month",
        "total": "cases-2024",
        "per": "month",
    }
    SCHEMA_EXTRA: ClassVar[dict[str, Any]] = {
        "dependentRequired": {"figures": ["over"], "over": ["of"], "scale": ["of"]}
    }

    rate: Ref | str | Operand = declared(
        f"the rate, {_OPERAND_DOC}", schema=_OPERAND_SCHEMA, accepts="Figure", required=True
    )
    total: Ref | str | Operand = declared(
        f"the total over a period (with `of`: the count), {_OPERAND_DOC}",
        schema=_OPERAND_SCHEMA,
        accepts="Figure",
        required=True,
    )
    per: str = declared(
        f"what the rate is per: {', '.join(f'`{u}`' for u in PERIOD_UNITS)}",
        schema={"enum": list(PERIOD_UNITS)},
        accepts="str",
        required=True,
    )
    of: Ref | str | Operand | None = declared(
        f"the denominator the rate is of (a population), {_OPERAND_DOC}",
        schema=_OPERAND_SCHEMA,
        accepts="Figure | None",
        default=None,
    )
    scale: float | None = declared(
        "with `of`: the rate is per this many of it (1000 for per 1,000; default 1)",
        schema={"type": "number", "exclusiveMinimum": 0},
        accepts="float | None",
        default=None,
    )
    over: str | tuple[str, ...] | None = declared(
        "table form (with `of`): the column whose values are rate, total and of, or a list "
        "of columns (each then a mapping over them)",
        schema=OVER_SCHEMA,
        accepts="str | list[str] | None",
        default=None,
    )
    figures: Selector | None = figures_field("table form: a selector narrowing the rows")
    tolerance: Tolerance = tolerance_field()

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        r.required("per")
        has_of = r.m.get("of") is not None
        scale = r.number("scale", 1.0) if r.m.get("scale") is not None else None
        if scale is not None and not has_of:
            raise r.error(
                "`scale` needs `of:` (the denominator the rate is per so many of)", "scale"
            )
        if scale is not None and scale <= 0:
            raise r.error("scale must be above 0", "scale", "per 1,000 is 1000")
        over: str | tuple[str, ...] | None
        over = over_columns(r) if isinstance(r.m.get("over"), list) else r.text("over")
        if over is not None and not has_of:
            raise r.error(
                "a table-form rate needs `of:` (the denominator); without one, name the rate "
                "and total by id or selector",
                "over",
            )
        if isinstance(over, str) and not over.strip():
            raise r.error("`over` must name a column", "over")
        if over is not None and "period" in ((over,) if isinstance(over, str) else over):
            raise r.error(
                "a rate's count, denominator and rate share their period: `over` cannot name it",
                "over",
                "tell them apart by metric (or another dimension); the period sets the time scale",
            )
        if over is None and r.m.get("figures") is not None:
            raise r.error("`figures` needs `over:`", "figures")
        names = ("rate", "total", "of") if has_of else ("rate", "total")
        operands = _operands(r, names, over)
        return cls(
            **common,
            rate=operands["rate"],
            total=operands["total"],
            of=operands.get("of"),
            per=r.text("per", None, PERIOD_UNITS) or "",
            scale=scale,
            over=over,
            figures=r.optional_selector("figures"),
            tolerance=r.tolerance(),
        )

    def refs(self) -> tuple[Ref, ...]:
        return tuple(
            v
            for v in (self.rate, self.total, self.of)
            if v is not None and not isinstance(v, str | Operand)
        )

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.over is not None:
            out["over"] = list(self.over) if isinstance(self.over, tuple) else self.over
        for key in ("rate", "total", "of"):
            v = getattr(self, key)
            if v is not None:
                out[key] = v if isinstance(v, str) else v.to_yaml()
        out["per"] = self.per
        if self.scale is not None:
            # 1000, not 1000.0: the same text whether the rule was read or built in code.
            out["scale"] = int(self.scale) if float(self.scale).is_integer() else self.scale
        if self.figures is not None:
            out["figures"] = self.figures.to_yaml()
        if not self.tolerance.is_zero:
            out["tolerance"] = self.tolerance.to_mapping()
        return out


def _operands(
    r: RuleReader, names: tuple[str, ...], over: str | tuple[str, ...] | None
) -> dict[str, Ref | str | Operand]:
    """Rate, total and of: figures (explicit form), values of the ``over`` column, or
    mappings over its columns (the rate and total binding the same variables, the
    denominator some of them)."""
    if over is None:
        return {k: r.ref(r.required(k), k) for k in names}
    if isinstance(over, str):
        return {k: _column_value(r, k, over) for k in names}
    found = {k: operand(r, k, over) for k in names}
    try:
        check_bound(found["rate"], found["total"], ("rate", "total"))
        check_bound(found["total"], found["rate"], ("total", "rate"))
    except PatternError as exc:
        raise as_error(r, exc, "rate") from None
    try:
        check_bound(found["of"], found["total"], ("of", "total"))
    except PatternError as exc:
        raise as_error(r, exc, "of") from None
    return dict(found)


def _column_value(r: RuleReader, key: str, over: str) -> str:
    """A value of the ``over`` column (a number is read as its text)."""
    v = r.required(key)
    if isinstance(v, bool) or not isinstance(v, str | int) or (isinstance(v, str) and not v):
        raise r.error(
            f"with `over: {over}`, `{key}` must be a value of the {over!r} column, not {v!r}",
            key,
            "drop `over` to name figures by id or selector instead",
        )
    return str(v)
