"""sum: a total equals the sum of its parts, and the parts cover the total's period."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from statcheck.contract.rules.base import (
    REF_SCHEMA,
    REFS_SCHEMA,
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
    operands,
    over_columns,
)
from statcheck.contract.rules.ratio import OVER_SCHEMA
from statcheck.contract.rules.reader import RuleReader
from statcheck.contract.tolerance import Tolerance


@dataclass(frozen=True, kw_only=True)
class SumRule(Rule):
    """A total equals the sum of its parts, and the parts cover the total's period.

    Explicit form: ``total`` and ``parts`` name figures (ids or selectors). Table form:
    ``over`` names the column whose values split a total (``region``, or ``metric``), and
    ``total``/``parts`` are values of that column (``total: WLD`` alone means "every other
    value"), or ``hierarchy`` maps each parent value to its children, on as many levels as
    it has; every group of figures that agree on all other columns is checked. Either form
    takes a number as ``total`` (shares that must add up to 100).

    ``across: categories`` (default): each part covers exactly the total's period.
    ``across: time`` (explicit form): the parts cover the total's period with no gap and no
    overlap. ``missing: zero`` counts a missing part as 0; by default it leaves the check
    undetermined.

    Table form over several columns: ``over`` is a list and ``total`` a mapping of each of
    its columns to a literal or a ``{name}`` template (see :mod:`.pattern`), or a number.
    ``parts`` is one such mapping, every matching row that is not a total being a part
    (``{metric: "{m}", category: "{c}"}``), or a list of them, each binding exactly the
    total's variables (each listed part expected once per total). Parts are grouped by the
    key and the variables they share with the total; the variables only parts bind are
    summed over. One pattern expects, for each value of the total's variables, every
    combination of the other variables seen with it anywhere in scope.

    Items: each total row in scope (explicit form: the one total; a numeric total in
    table form: each group of parts). Skipped: a total printed twice, or one of whose parts
    is, as ``duplicate``; a total with none of its parts (or, without ``missing: zero``,
    not all) as ``missing-parts``; each group of parts with no total as ``missing-total``.
    """

    KIND: ClassVar[str] = "sum"
    ITEM: ClassVar[str] = (
        "a total (in table form, each total row in scope; with a numeric total, each group "
        "of parts)"
    )
    SUMMARY: ClassVar[str] = (
        "the parts add up to the total, and cover the total's period; in table form every "
        "group of figures that agree on all other columns is checked"
    )
    LABEL: ClassVar[str] = "parts add up to a total"
    CHART_LABELS: ClassVar[tuple[str, str] | None] = ("reported total", "sum of its parts")
    FINDINGS: ClassVar[dict[str, str]] = {
        "sum-mismatch": "the parts do not add up to the total (saying whether the total is "
        "larger or smaller)",
        "period-mismatch": "with `across: categories` a part does not cover the total's "
        "period; with `across: time` the parts leave a gap or overlap",
    }
    EXPECTATION: ClassVar[str] = "ExpectFiguresToSum"
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "id": "total-is-the-sum-of-its-parts",
        "kind": "sum",
        "total": "kp-ft-cases",
        "parts": ["kp-desertion", "kp-awol"],
    }

    total: Ref | Operand | None = declared(
        "explicit: a figure or a number; table: a value of the `over` column (alone: every "
        "other value is a part), or with `over` a list, a mapping of its columns to values "
        "or `{name}` templates",
        schema={"oneOf": [REF_SCHEMA, {"type": "number"}]},
        accepts="Figure | float | str | None",
        default=None,
    )
    parts: tuple[Ref | Operand, ...] = declared(
        "explicit: the figures that add up to the total; table: values of the `over` column, "
        "or with `over` a list, one mapping (every matching row not a total) or a list of them",
        schema=REFS_SCHEMA,
        accepts="Figures | None",
        default=(),
    )
    constant: float | None = None  # a total given as a number
    # `over` a list and `parts` one mapping: every row matching it that is not a total
    matching: bool = False
    over: str | tuple[str, ...] | None = declared(
        "table form: the column whose values split the total (`region`, or `metric`), or a "
        "list of columns (total and parts then mappings over them)",
        schema=OVER_SCHEMA,
        accepts="str | list[str] | None",
        default=None,
    )
    # parent -> children; () = all others
    hierarchy: tuple[tuple[str, tuple[str, ...]], ...] = declared(
        "table form: each parent value and the list of its children, on any number of levels",
        schema={
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "minItems": 1,
                "items": {"type": ["string", "number"]},
            },
        },
        accepts="dict[str, list[str]] | None",
        default=(),
    )
    figures: Selector | None = figures_field("table form: a selector narrowing the rows")
    across: str = declared(
        "`categories` (default): each part covers the total's period; `time` (explicit "
        "form): the parts cover it with no gap or overlap",
        schema={"enum": ["categories", "time"]},
        accepts="str | None",
        default="categories",
    )
    missing: str = declared(
        "`undetermined` (default): a missing part leaves the check undetermined; `zero`: "
        "it counts as 0",
        schema={"enum": ["undetermined", "zero"]},
        accepts="str | None",
        default="undetermined",
    )
    tolerance: Tolerance = tolerance_field()

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        shared: dict[str, Any] = {
            "across": r.text("across", "categories", ("categories", "time")) or "categories",
            "missing": r.text("missing", "undetermined", ("undetermined", "zero"))
            or "undetermined",
            "tolerance": r.tolerance(),
        }
        if isinstance(r.m.get("over"), list):
            return _read_patterns(cls, r, common, shared)
        over = r.text("over")
        if over is None:
            for key in ("hierarchy", "figures"):
                if key in r.m:
                    raise r.error(
                        f"`{key}` needs `over:` (the column whose values split the total)", key
                    )
            total = r.required("total")
            if _is_number(total):
                return cls(**common, constant=float(total), parts=r.refs("parts"), **shared)
            named, refs = r.ref(total, "total"), r.refs("parts")
            _refuse_counted_twice(r, named, refs)
            return cls(**common, total=named, parts=refs, **shared)
        if shared["across"] != "categories":
            raise r.error(
                "`across: time` applies to the explicit form (total and parts as figures)", "across"
            )
        figures = r.optional_selector("figures")
        if "hierarchy" in r.m:
            if "total" in r.m or "parts" in r.m:
                raise r.error("give either `hierarchy` or `total`/`parts`, not both", "hierarchy")
            return cls(
                **common, over=over, hierarchy=r.hierarchy("hierarchy"), figures=figures, **shared
            )
        total = r.required("total")
        parts = tuple(r.values("parts")) if "parts" in r.m else ()
        _refuse_counted_twice(r, str(total), parts)
        if _is_number(total):
            if not parts:
                raise r.error("a numeric total needs the `parts` it is the sum of", "total")
            return cls(
                **common,
                over=over,
                constant=float(total),
                hierarchy=(("", parts),),
                figures=figures,
                **shared,
            )
        if not isinstance(total, str | int) or isinstance(total, bool):
            raise r.error(f"`total` must be a value of the {over!r} column, not {total!r}", "total")
        return cls(**common, over=over, hierarchy=((str(total), parts),), figures=figures, **shared)

    def refs(self) -> tuple[Ref, ...]:
        every = (*((self.total,) if self.total is not None else ()), *self.parts)
        return tuple(r for r in every if not isinstance(r, Operand))

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if isinstance(self.over, tuple):
            out["over"] = list(self.over)
            out["total"] = self.constant if self.total is None else self.total.to_yaml()
            listed = [p.to_yaml() for p in self.parts]
            out["parts"] = listed[0] if self.matching else listed
            if self.figures is not None:
                out["figures"] = self.figures.to_yaml()
        elif self.over is not None:
            out["over"] = self.over
            if self.constant is not None:
                out["total"] = self.constant
                out["parts"] = list(self.hierarchy[0][1])
            elif len(self.hierarchy) == 1:
                parent, children = self.hierarchy[0]
                out["total"] = parent
                if children:
                    out["parts"] = list(children)
            else:
                out["hierarchy"] = {parent: list(children) for parent, children in self.hierarchy}
            if self.figures is not None:
                out["figures"] = self.figures.to_yaml()
        else:
            out["total"] = (
                self.constant
                if self.constant is not None
                else (self.total.to_yaml() if self.total else None)
            )
            out["parts"] = [p.to_yaml() for p in self.parts]
        if self.across != "categories":
            out["across"] = self.across
        if self.missing != "undetermined":
            out["missing"] = self.missing
        if not self.tolerance.is_zero:
            out["tolerance"] = self.tolerance.to_mapping()
        return out


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _read_patterns(
    cls: type[SumRule], r: RuleReader, common: dict[str, Any], shared: dict[str, Any]
) -> SumRule:
    """The table form over several columns: total and parts as mappings of templates."""
    over = over_columns(r)
    for key in ("hierarchy", "across"):
        if key in r.m and (key == "hierarchy" or shared["across"] != "categories"):
            raise r.error(
                f"`{key}` takes a single `over` column",
                key,
                "write `total` and `parts` as mappings over the columns of `over`",
            )
    total_value = r.required("total")
    total = None if _is_number(total_value) else operand(r, "total", over)
    matching = isinstance(r.required("parts"), dict)
    parts = (operand(r, "parts", over),) if matching else operands(r, "parts", over)
    bind = total or Operand(())  # a numeric total binds nothing
    for part in parts:
        # One pattern: the total's variables name the group its parts are summed in. A
        # listed part is one part of each total: it binds the same variables.
        _bound(r, bind, part, ("total", "parts"))
        if not matching:
            _bound(r, part, bind, ("parts", "total"))
    return cls(
        **common,
        over=over,
        total=total,
        constant=float(total_value) if total is None else None,
        parts=parts,
        matching=matching,
        figures=r.optional_selector("figures"),
        **shared,
    )


def _bound(r: RuleReader, operand: Operand, by: Operand, names: tuple[str, str]) -> None:
    try:
        check_bound(operand, by, names)
    except PatternError as exc:
        raise as_error(r, exc, names[0]) from None


def _refuse_counted_twice(r: RuleReader, total: object, parts: tuple[object, ...]) -> None:
    """A total among its own parts, or a part listed twice, can only fail: refused as the
    suite's fault, not reported as the data's."""
    if total in parts:
        raise r.error(f"the total {str(total)!r} is listed among its own parts", "parts")
    seen: set[object] = set()
    for part in parts:
        if part in seen:
            raise r.error(f"the part {str(part)!r} is listed twice", "parts")
        seen.add(part)
