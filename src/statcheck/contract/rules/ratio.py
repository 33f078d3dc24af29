"""ratio: a share or ratio equals part / whole times a scale."""

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
    SUM_OVER_SCHEMA,
    Operand,
    PatternError,
    SumOver,
    as_error,
    check_bound,
    is_sum_over,
    operand,
    over_columns,
    read_sum_over,
)
from statcheck.contract.rules.reader import RuleReader
from statcheck.contract.tolerance import Tolerance

_OPERANDS = ("part", "whole", "share")


_OPERAND_SCHEMA = {"oneOf": [REF_SCHEMA, {"type": "integer"}]}
_WHOLE_SCHEMA = {"oneOf": [REF_SCHEMA, {"type": "integer"}, SUM_OVER_SCHEMA]}
_OPERAND_DOC = (
    "explicit: a figure (id or selector); table: a value of the `over` column, or with "
    "`over` a list, a mapping of each of its columns to a value or `{name}` template"
)
OVER_SCHEMA: dict[str, Any] = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "minLength": 1},
        },
    ]
}


@dataclass(frozen=True, kw_only=True)
class RatioRule(Rule):
    """A share or ratio equals part / whole times a scale (100 for a percent).

    Explicit form: ``part``, ``whole`` and ``share`` name figures (ids or selectors).
    Table form: ``over`` names the column that tells them apart (usually ``metric``) and
    ``part``, ``whole`` and ``share`` are values of that column; every group of figures
    that agree on all other columns is checked, ``figures`` narrowing the rows. ``scale``
    defaults from the share's unit (percent 100, per_1000 1000, fraction 1). The check is
    rounding-aware: part / whole is computed on the figures' intervals and must overlap
    the share's own interval, so counts rounded to thousands and a share printed to one
    decimal are compared for what they can stand for.

    Table form over several columns: ``over`` is a list (``[metric, category]``) and each
    operand maps every one of those columns to a literal value or a template with one
    ``{name}`` placeholder (``{metric: "{m}_share", category: "{c}"}``; see
    :mod:`.pattern`). A row whose ``over`` values match an operand is that operand's row,
    and binds its variables; the group key is every other column, as in the one-column
    form. The share is joined with the part on the key and the variables they bind (which
    must be the same), and with the whole on the key and the whole's variables (a subset
    of theirs): ``whole: {metric: "{m}", category: ALL}`` is the whole of every category
    of metric ``m``.

    A whole the table never printed (table form): ``whole: {sum_over: [sex, job]}`` is,
    for each share, the interval sum of every part row that agrees with the share's part
    on all columns but ``over`` and those listed (and on the variables the part binds):
    a job's share of the year's workers over every sex and job. Summing over too few or
    too many columns is the classic wrong grouping, and fails. A whole that lacks a part
    seen elsewhere in scope (for a part or a share) is not summed: its shares are skipped
    as ``missing-whole``.

    Items: each share row in scope (explicit form: the one share). A share whose part or
    whole is printed twice for the same thing (or which is itself) is skipped as
    ``duplicate``; else one with no part as ``missing-part``, else one with no whole as
    ``missing-whole`` (explicit form: a share not found, ``missing-share``).
    """

    KIND: ClassVar[str] = "ratio"
    ITEM: ClassVar[str] = "a share (in table form, each share row in scope)"
    SUMMARY: ClassVar[str] = (
        "the share equals part / whole × scale, for what rounded figures can stand for"
    )
    LABEL: ClassVar[str] = "a share is part ÷ whole"
    CHART_LABELS: ClassVar[tuple[str, str] | None] = ("reported share", "part ÷ whole")
    FINDINGS: ClassVar[dict[str, str]] = {
        "ratio-mismatch": "the share is not part / whole × scale",
        "zero-denominator": "a whole that can be 0 cannot have shares",
    }
    EXPECTATION: ClassVar[str] = "ExpectShareToMatchParts"
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "id": "deserter-share",
        "kind": "ratio",
        "part": "kp-desertion",
        "whole": "kp-ft-cases",
        "share": "kp-desertion-share",
    }
    SCHEMA_EXTRA: ClassVar[dict[str, Any]] = {"dependentRequired": {"figures": ["over"]}}

    # A figure reference in the explicit form; a value of the ``over`` column in the table
    # form; an Operand (a mapping of templates) when ``over`` lists several columns.
    part: Ref | str | Operand = declared(
        f"the part, {_OPERAND_DOC}", schema=_OPERAND_SCHEMA, accepts="Figure", required=True
    )
    whole: Ref | str | Operand | SumOver = declared(
        f"the whole, {_OPERAND_DOC}; table form also `{{sum_over: [columns]}}`: the sum of "
        "the part's figures over those columns, a whole the table never printed",
        schema=_WHOLE_SCHEMA,
        accepts="Figure | dict[str, list[str]]",
        required=True,
    )
    share: Ref | str | Operand = declared(
        f"the share (or ratio), {_OPERAND_DOC}",
        schema=_OPERAND_SCHEMA,
        accepts="Figure",
        required=True,
    )
    scale: float | None = declared(
        "part / whole is multiplied by this; by default from the share's unit (percent 100, "
        "per_1000 1000, fraction 1)",
        schema={"type": "number", "exclusiveMinimum": 0},
        accepts="float | None",
        default=None,
    )
    over: str | tuple[str, ...] | None = declared(
        "table form: the column whose values are part, whole and share (metric, source or a "
        "dimension), or a list of columns (each operand then a mapping over them)",
        schema=OVER_SCHEMA,
        accepts="str | list[str] | None",
        default=None,
    )
    figures: Selector | None = figures_field("table form: a selector narrowing the rows")
    tolerance: Tolerance = tolerance_field()

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        scale = r.number("scale", 1.0) if r.m.get("scale") is not None else None
        if scale is not None and scale <= 0:
            raise r.error("scale must be above 0", "scale", "percent is 100, per 1,000 is 1000")
        over: str | tuple[str, ...] | None
        over = over_columns(r) if isinstance(r.m.get("over"), list) else r.text("over")
        if isinstance(over, str) and not over.strip():
            raise r.error("`over` must name a column", "over")
        operands: dict[str, Ref | str | Operand]
        summed = _sum_over(r, over)
        if summed is not None:
            operands = _summed_operands(r, over)
        elif isinstance(over, tuple):
            operands = _operands(r, over)
        elif over is None:
            if r.m.get("figures") is not None:
                raise r.error(
                    "`figures` needs `over:` (the column whose values are part, whole and share)",
                    "figures",
                )
            operands = {k: r.ref(r.required(k), k) for k in _OPERANDS}
        else:
            operands = {k: _column_value(r, k, over) for k in _OPERANDS}
        return cls(
            **common,
            part=operands["part"],
            whole=operands["whole"] if summed is None else summed,
            share=operands["share"],
            scale=scale,
            over=over,
            figures=r.optional_selector("figures"),
            tolerance=r.tolerance(),
        )

    def refs(self) -> tuple[Ref, ...]:
        return tuple(
            v
            for v in (self.part, self.whole, self.share)
            if not isinstance(v, str | Operand | SumOver)
        )

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.over is not None:
            out["over"] = list(self.over) if isinstance(self.over, tuple) else self.over
        for key, v in zip(_OPERANDS, (self.part, self.whole, self.share), strict=True):
            out[key] = v if isinstance(v, str) else v.to_yaml()  # a SumOver: {sum_over: [...]}
        if self.scale is not None:
            # 100, not 100.0: the same text whether the rule was read or built in code.
            out["scale"] = int(self.scale) if float(self.scale).is_integer() else self.scale
        if self.figures is not None:
            out["figures"] = self.figures.to_yaml()
        if not self.tolerance.is_zero:
            out["tolerance"] = self.tolerance.to_mapping()
        return out


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


def _sum_over(r: RuleReader, over: str | tuple[str, ...] | None) -> SumOver | None:
    """``whole: {sum_over: [...]}`` read, or None when the whole is named otherwise."""
    value = r.m.get("whole")
    if not is_sum_over(value):
        return None
    if over is None:
        raise r.error(
            "`whole: {sum_over: ...}` needs `over:` (the column whose values are part and share)",
            "whole",
            "a whole summed over rows is a table form; name a printed whole by id instead",
        )
    try:
        return read_sum_over(value, (over,) if isinstance(over, str) else over)
    except PatternError as exc:
        raise as_error(r, exc, "whole", value) from None


def _summed_operands(
    r: RuleReader, over: str | tuple[str, ...] | None
) -> dict[str, Ref | str | Operand]:
    """Part and share, when the whole is a sum over the part's rows."""
    if isinstance(over, tuple):
        found = {key: operand(r, key, over) for key in ("part", "share")}
        try:
            check_bound(found["share"], found["part"], ("share", "part"))
            check_bound(found["part"], found["share"], ("part", "share"))
        except PatternError as exc:
            raise as_error(r, exc, "share") from None
        return dict(found)
    assert over is not None
    return {k: _column_value(r, k, over) for k in ("part", "share")}


def _operands(r: RuleReader, over: tuple[str, ...]) -> dict[str, Ref | str | Operand]:
    """Part, whole and share as mappings over ``over``: part and share bind the same
    variables (a share row and its part are matched on all of them), the whole some of
    them."""
    found = {key: operand(r, key, over) for key in _OPERANDS}
    try:
        check_bound(found["share"], found["part"], ("share", "part"))
        check_bound(found["part"], found["share"], ("part", "share"))
    except PatternError as exc:
        raise as_error(r, exc, "share") from None
    try:
        check_bound(found["whole"], found["part"], ("whole", "part"))
    except PatternError as exc:
        raise as_error(r, exc, "whole") from None
    return dict(found)
