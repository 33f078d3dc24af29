"""Rule kinds: each declared once here, as plain data. Engines implement them by name.

A rule is a small frozen value: its fields are what an analyst writes in a suite. It
knows nothing about dataframes. ``RULE_KINDS`` maps each ``kind:`` to its class; every
engine registers one implementation per kind under the same name.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from typing import Any, ClassVar

from statcheck.contract.tolerance import NO_TOLERANCE, Tolerance
from statcheck.contract.yamlio import Mapping
from statcheck.errors import (
    BAD_TOLERANCE,
    INVALID_RULE,
    INVALID_SUITE,
    MISSING_FIELD,
    UNKNOWN_FIELD,
    UNKNOWN_RULE_KIND,
    ErrorKind,
    Location,
    StatcheckError,
)
from statcheck.model.figure import SourceKind
from statcheck.model.interval import Relation
from statcheck.model.period import PERIOD_UNITS, parse_period

# ---------------------------------------------------------------- references to figures


@dataclass(frozen=True)
class FigureRef:
    """A figure named by its id; an id absent from the drop is a contract error."""

    figure_id: str

    def to_yaml(self) -> Any:
        return self.figure_id

    def __str__(self) -> str:
        return self.figure_id


@dataclass(frozen=True)
class Selector:
    """A figure described by what it is (metric, period, source, dimensions).

    Matching no figure leaves a rule undetermined; matching several is an error.
    Keys: ``metric``, ``unit``, ``period`` (a label), ``source`` (source id), ``status``,
    or any dimension column.
    """

    criteria: tuple[tuple[str, str], ...]

    def to_yaml(self) -> Any:
        return dict(self.criteria)

    def get(self, key: str) -> str | None:
        return dict(self.criteria).get(key)

    def __str__(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.criteria)


Ref = FigureRef | Selector


# ---------------------------------------------------------------- rule kinds


@dataclass(frozen=True, kw_only=True)
class Rule:
    """Fields every rule has."""

    KIND: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[str, ...]] = ()

    id: str
    description: str | None = None
    line: int | None = field(default=None, compare=False)

    def refs(self) -> tuple[Ref, ...]:
        """Every figure reference in the rule, for checking them against a drop."""
        return ()

    def to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.KIND}
        if self.description:
            out["description"] = self.description
        out.update(self._fields_to_mapping())
        return out

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        """Build the rule from its YAML mapping; ``common`` holds id, description, line."""
        raise NotImplementedError

    def _fields_to_mapping(self) -> dict[str, Any]:
        raise NotImplementedError


RULE_KINDS: dict[str, type[Rule]] = {}


def rule_kind(cls: type[Rule]) -> type[Rule]:
    RULE_KINDS[cls.KIND] = cls
    return cls


@rule_kind
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
    """

    KIND: ClassVar[str] = "sum"
    FIELDS: ClassVar[tuple[str, ...]] = (
        "total", "parts", "over", "hierarchy", "figures", "across", "missing", "tolerance",
    )  # fmt: skip

    total: Ref | None = None
    parts: tuple[Ref, ...] = ()
    constant: float | None = None  # a total given as a number
    over: str | None = None
    hierarchy: tuple[tuple[str, tuple[str, ...]], ...] = ()  # parent -> children; () = all others
    figures: Selector | None = None
    across: str = "categories"
    missing: str = "undetermined"
    tolerance: Tolerance = NO_TOLERANCE

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        shared: dict[str, Any] = {
            "across": r.text("across", "categories", ("categories", "time")) or "categories",
            "missing": r.text("missing", "undetermined", ("undetermined", "zero"))
            or "undetermined",
            "tolerance": r.tolerance(),
        }
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
            return cls(**common, total=r.ref(total, "total"), parts=r.refs("parts"), **shared)
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
        return (*((self.total,) if self.total is not None else ()), *self.parts)

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.over is not None:
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


@rule_kind
@dataclass(frozen=True, kw_only=True)
class CompareRule(Rule):
    """An ordering claim: ``left op factor * right``, each side a figure or a sum of figures.

    "A > B + C" is ``left: A, op: ">", right: [B, C]``; "A at least 3 times B" is
    ``left: A, op: ">=", factor: 3, right: B``.
    """

    KIND: ClassVar[str] = "compare"
    FIELDS: ClassVar[tuple[str, ...]] = ("left", "op", "right", "factor", "tolerance")

    left: tuple[Ref, ...]
    op: Relation
    right: tuple[Ref, ...]
    factor: float = 1.0
    tolerance: Tolerance = NO_TOLERANCE

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
        out: dict[str, Any] = {
            "left": _refs_to_yaml(self.left),
            "op": self.op.value,
            "right": _refs_to_yaml(self.right),
        }
        if self.factor != 1.0:
            out["factor"] = self.factor
        if not self.tolerance.is_zero:
            out["tolerance"] = self.tolerance.to_mapping()
        return out


ATTRIBUTION_CHECKS = (
    "known-source",  # every figure's source is in the sources table
    "citations-resolve",  # every cited source is in the sources table
    "no-cycles",  # no figure's chain of citations comes back to itself
    "reaches-primary",  # every chain ends at a source of a primary kind
    "agrees-with-cited",  # a figure agrees with the cited source's figure for the same thing
)


@rule_kind
@dataclass(frozen=True, kw_only=True)
class AttributionRule(Rule):
    """Who reported each figure, and whether the chain of citations holds up.

    ``figures`` narrows the rule to the figures a selector matches (all by default);
    ``primary`` overrides the suite's primary source kinds.
    """

    KIND: ClassVar[str] = "attribution"
    FIELDS: ClassVar[tuple[str, ...]] = ("checks", "figures", "primary")

    checks: tuple[str, ...] = ATTRIBUTION_CHECKS
    figures: Selector | None = None
    primary: tuple[SourceKind, ...] | None = None

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        return cls(
            **common,
            checks=r.choices("checks", ATTRIBUTION_CHECKS, ATTRIBUTION_CHECKS),
            figures=r.optional_selector("figures"),
            primary=r.source_kinds("primary"),
        )

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.checks != ATTRIBUTION_CHECKS:
            out["checks"] = list(self.checks)
        if self.figures is not None:
            out["figures"] = self.figures.to_yaml()
        if self.primary is not None:
            out["primary"] = [k.value for k in self.primary]
        return out


PERIOD_CHECKS = (
    "ordered",  # a period starts on or before it ends
    "published-after-end",  # final figures are published on or after their period ends
)


@rule_kind
@dataclass(frozen=True, kw_only=True)
class PeriodRule(Rule):
    """Each figure's period is well formed, and a final figure was not published before
    its period ended (that would make it a projection: mark it provisional or forecast).
    ``within`` (a period label) requires every figure's period to lie inside it."""

    KIND: ClassVar[str] = "period"
    FIELDS: ClassVar[tuple[str, ...]] = ("checks", "figures", "within")

    checks: tuple[str, ...] = PERIOD_CHECKS
    figures: Selector | None = None
    within: str | None = None

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        within = r.m.get("within")
        if within is not None:
            within = str(within)
            try:
                parse_period(within)
            except StatcheckError as exc:
                raise r.error(f"`within`: {exc.message}", "within", exc.hint) from None
        return cls(
            **common,
            checks=r.choices("checks", PERIOD_CHECKS, PERIOD_CHECKS),
            figures=r.optional_selector("figures"),
            within=within,
        )

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.checks != PERIOD_CHECKS:
            out["checks"] = list(self.checks)
        if self.figures is not None:
            out["figures"] = self.figures.to_yaml()
        if self.within is not None:
            out["within"] = self.within
        return out


@rule_kind
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
    """

    KIND: ClassVar[str] = "ratio"
    FIELDS: ClassVar[tuple[str, ...]] = (
        "part", "whole", "share", "scale", "over", "figures", "tolerance",
    )  # fmt: skip

    # A figure reference in the explicit form; a value of the ``over`` column in the table form.
    part: Ref | str
    whole: Ref | str
    share: Ref | str
    scale: float | None = None
    over: str | None = None
    figures: Selector | None = None
    tolerance: Tolerance = NO_TOLERANCE

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        scale = r.number("scale", 1.0) if r.m.get("scale") is not None else None
        if scale is not None and scale <= 0:
            raise r.error("scale must be above 0", "scale", "percent is 100, per 1,000 is 1000")
        over = r.text("over")
        operands: dict[str, Ref | str]
        if over is None:
            if r.m.get("figures") is not None:
                raise r.error(
                    "`figures` needs `over:` (the column whose values are part, whole and share)",
                    "figures",
                )
            operands = {k: r.ref(r.required(k), k) for k in _RATIO_OPERANDS}
        else:
            if not over.strip():
                raise r.error("`over` must name a column", "over")
            operands = {k: _column_value(r, k, over) for k in _RATIO_OPERANDS}
        return cls(
            **common,
            part=operands["part"],
            whole=operands["whole"],
            share=operands["share"],
            scale=scale,
            over=over,
            figures=r.optional_selector("figures"),
            tolerance=r.tolerance(),
        )

    def refs(self) -> tuple[Ref, ...]:
        return tuple(v for v in (self.part, self.whole, self.share) if not isinstance(v, str))

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.over is not None:
            out["over"] = self.over
        for key, v in zip(_RATIO_OPERANDS, (self.part, self.whole, self.share), strict=True):
            out[key] = v if isinstance(v, str) else v.to_yaml()
        if self.scale is not None:
            # 100, not 100.0: the same text whether the rule was read or built in code.
            out["scale"] = int(self.scale) if float(self.scale).is_integer() else self.scale
        if self.figures is not None:
            out["figures"] = self.figures.to_yaml()
        if not self.tolerance.is_zero:
            out["tolerance"] = self.tolerance.to_mapping()
        return out


_RATIO_OPERANDS = ("part", "whole", "share")


@rule_kind
@dataclass(frozen=True, kw_only=True)
class RateRule(Rule):
    """A rate per day, week, month, quarter or year agrees with a total over a period.

    "About 12 a month" and a total for 2024 agree when the total is within 12 months of
    the rate: the rate's interval times the length of the total's period in ``per`` units
    (whole calendar months where the period is made of them; see ``Period.length_in``).
    """

    KIND: ClassVar[str] = "rate"
    FIELDS: ClassVar[tuple[str, ...]] = ("rate", "total", "per", "tolerance")

    rate: Ref
    total: Ref
    per: str
    tolerance: Tolerance = NO_TOLERANCE

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        r.required("per")
        return cls(
            **common,
            rate=r.ref(r.required("rate"), "rate"),
            total=r.ref(r.required("total"), "total"),
            per=r.text("per", None, PERIOD_UNITS) or "",
            tolerance=r.tolerance(),
        )

    def refs(self) -> tuple[Ref, ...]:
        return (self.rate, self.total)

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rate": self.rate.to_yaml(),
            "total": self.total.to_yaml(),
            "per": self.per,
        }
        if not self.tolerance.is_zero:
            out["tolerance"] = self.tolerance.to_mapping()
        return out


CHANGE_MEASURES = ("percent", "absolute")


@dataclass(frozen=True)
class SeriesChange:
    """Figures of ``metric`` report the change in ``of`` from the previous period:
    ``as_: absolute`` (of_t - of_t-1) or ``as_: percent`` ((of_t - of_t-1) / of_t-1 x 100)."""

    metric: str
    of: str
    as_: str

    def to_yaml(self) -> dict[str, Any]:
        return {"metric": self.metric, "of": self.of, "as": self.as_}


@rule_kind
@dataclass(frozen=True, kw_only=True)
class SeriesRule(Rule):
    """A series over periods: figures that agree on everything but the period, in order.

    ``cumulative: true``: a running total never falls from one period to the next.
    ``change``: figures of one metric are the change in another from the previous period.
    With ``change``, ``cumulative`` applies to the ``of`` metric (changes may fall).
    ``figures`` narrows the rows the rule reads.
    """

    KIND: ClassVar[str] = "series"
    FIELDS: ClassVar[tuple[str, ...]] = ("figures", "cumulative", "change", "tolerance")

    figures: Selector | None = None
    cumulative: bool = False
    change: SeriesChange | None = None
    tolerance: Tolerance = NO_TOLERANCE

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        cumulative = r.m.get("cumulative", False)
        if not isinstance(cumulative, bool):
            raise r.error(f"`cumulative` must be true or false, not {cumulative!r}", "cumulative")
        change = _series_change(r) if r.m.get("change") is not None else None
        if not cumulative and change is None:
            raise r.error(
                "a series rule needs something to check",
                None,
                "add `cumulative: true`, `change: {metric: ..., of: ..., as: percent}`, or both",
                kind=MISSING_FIELD,
            )
        return cls(
            **common,
            figures=r.optional_selector("figures"),
            cumulative=cumulative,
            change=change,
            tolerance=r.tolerance(),
        )

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.figures is not None:
            out["figures"] = self.figures.to_yaml()
        if self.cumulative:
            out["cumulative"] = True
        if self.change is not None:
            out["change"] = self.change.to_yaml()
        if not self.tolerance.is_zero:
            out["tolerance"] = self.tolerance.to_mapping()
        return out


REVISION_ALLOWANCES = (
    "open",  # the earlier figure's period had not ended when it was published
    "provisional",  # the earlier figure was marked provisional
    "forecast",  # the earlier figure was marked forecast
)


@rule_kind
@dataclass(frozen=True, kw_only=True)
class RevisionRule(Rule):
    """A later drop does not change a figure an earlier drop reported.

    Each figure of the drop is compared with the figure for the same metric, dimensions,
    period and source in the most recent earlier drop that reports one (consecutive
    vintages); when the two intervals are further apart than the tolerance, the figure was
    revised. ``allow`` names the revisions that are expected: of a period that was still
    ``open`` when the earlier drop published it (its end on or after the publication date),
    or of a figure the earlier drop marked ``provisional`` or ``forecast``.
    ``same_source: false`` compares figures whatever their source. ``metrics`` and
    ``figures`` narrow the figures the rule reads, in both drops.
    """

    KIND: ClassVar[str] = "revision"
    FIELDS: ClassVar[tuple[str, ...]] = (
        "metrics", "figures", "allow", "same_source", "tolerance",
    )  # fmt: skip

    metrics: tuple[str, ...] = ()  # () = every metric
    figures: Selector | None = None
    allow: tuple[str, ...] = ()
    same_source: bool = True
    tolerance: Tolerance = NO_TOLERANCE

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        same_source = r.m.get("same_source", True)
        if not isinstance(same_source, bool):
            raise r.error(
                f"`same_source` must be true or false, not {same_source!r}", "same_source"
            )
        allow = r.choices("allow", REVISION_ALLOWANCES, ())
        if len(set(allow)) != len(allow):
            raise r.error("`allow` lists a value twice", "allow")
        return cls(
            **common,
            metrics=tuple(r.values("metrics")) if r.m.get("metrics") is not None else (),
            figures=r.optional_selector("figures"),
            allow=allow,
            same_source=same_source,
            tolerance=r.tolerance(),
        )

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.metrics:
            out["metrics"] = list(self.metrics)
        if self.figures is not None:
            out["figures"] = self.figures.to_yaml()
        if self.allow:
            out["allow"] = list(self.allow)
        if not self.same_source:
            out["same_source"] = False
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


def _series_change(r: RuleReader) -> SeriesChange:
    v = r.m["change"]
    example = "e.g. change: {metric: cases_change, of: cases, as: percent}"
    if not isinstance(v, dict):
        raise r.error(f"`change` must be a mapping, not {v!r}", "change", example)
    for key in v:
        if key not in ("metric", "of", "as"):
            raise r.error(f"unknown field `change.{key}`", "change", example, kind=UNKNOWN_FIELD)
    texts: dict[str, str] = {}
    for key in ("metric", "of", "as"):
        item = v.get(key)
        if item is None:
            raise r.error(f"missing field `change.{key}`", "change", example, kind=MISSING_FIELD)
        if not isinstance(item, str) or not item.strip():
            raise r.error(f"`change.{key}` must be text, not {item!r}", "change", example)
        texts[key] = item
    if texts["as"] not in CHANGE_MEASURES:
        raise r.error(
            f"`change.as` is {texts['as']!r}", "change", f"use one of: {', '.join(CHANGE_MEASURES)}"
        )
    if texts["metric"] == texts["of"]:
        raise r.error("`change.metric` and `change.of` must be different metrics", "change")
    return SeriesChange(metric=texts["metric"], of=texts["of"], as_=texts["as"])


def _refs_to_yaml(refs: tuple[Ref, ...]) -> Any:
    return refs[0].to_yaml() if len(refs) == 1 else [r.to_yaml() for r in refs]


# ---------------------------------------------------------------- reading rules from YAML


class RuleReader:
    """Reads one rule mapping, turning every mistake into a SuiteError with its line."""

    def __init__(self, mapping: Mapping, file: str, index: int) -> None:
        self.m = mapping
        self.file = file
        rid = mapping.get("id")
        self.rule_id = rid if isinstance(rid, str) and rid else f"#{index + 1}"

    def error(
        self,
        message: str,
        key: str | None = None,
        hint: str | None = None,
        kind: ErrorKind = INVALID_RULE,
    ) -> StatcheckError:
        line = self.m.line_of(key) if key else self.m.line
        return kind(
            message,
            location=Location(file=self.file, line=line, rule=self.rule_id),
            hint=hint,
        )

    def check_fields(self, allowed: tuple[str, ...]) -> None:
        known = ("id", "kind", "description", *allowed)
        for key in self.m:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"fields of this kind: {', '.join(known)}"
                )
                raise self.error(f"unknown field {key!r}", key, hint, kind=UNKNOWN_FIELD)

    def required(self, key: str) -> Any:
        if key not in self.m or self.m[key] is None:
            raise self.error(f"missing field {key!r}", None, kind=MISSING_FIELD)
        return self.m[key]

    def text(
        self, key: str, default: str | None = None, choices: tuple[str, ...] | None = None
    ) -> str | None:
        v = self.m.get(key, default)
        if v is None:
            return None
        if not isinstance(v, str):
            raise self.error(f"field {key!r} must be text, not {v!r}", key)
        if choices and v not in choices:
            raise self.error(f"field {key!r} is {v!r}", key, f"use one of: {', '.join(choices)}")
        return v

    def number(self, key: str, default: float) -> float:
        v = self.m.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise self.error(f"field {key!r} must be a finite number, not {v!r}", key)
        return float(v)

    def ref(self, value: Any, key: str) -> Ref:
        if isinstance(value, str) and value.strip():
            return FigureRef(value.strip())
        if isinstance(value, dict) and value:
            return self.selector(value, key)
        raise self.error(
            f"field {key!r} must name a figure id or a selector mapping, not {value!r}",
            key,
            "write `kp-ft-cases` or `{metric: criminal_cases, period: '2023'}`",
        )

    def refs(self, key: str) -> tuple[Ref, ...]:
        v = self.required(key)
        items = v if isinstance(v, list) else [v]
        if not items:
            raise self.error(f"field {key!r} lists no figures", key)
        return tuple(self.ref(item, key) for item in items)

    def selector(self, value: Any, key: str) -> Selector:
        if not isinstance(value, dict) or not value:
            raise self.error(f"field {key!r} must be a mapping of column: value", key)
        criteria = []
        for k, v in value.items():
            if isinstance(v, bool) or v is None or isinstance(v, list | dict):
                raise self.error(
                    f"selector {key}.{k} must be a single text or number, not {v!r}", key
                )
            criteria.append((str(k), str(v)))
        return Selector(tuple(criteria))

    def values(self, key: str) -> list[str]:
        """A list of column values (numbers are read as their text)."""
        v = self.m.get(key)
        if (
            not isinstance(v, list)
            or not v
            or not all(isinstance(x, str | int) and not isinstance(x, bool) for x in v)
        ):
            raise self.error(f"`{key}` must be a non-empty list of values", key)
        return [str(x) for x in v]

    def hierarchy(self, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        v = self.m.get(key)
        if not isinstance(v, dict) or not v:
            raise self.error(f"`{key}` must map each parent value to the list of its children", key)
        out = []
        for parent, children in v.items():
            if not isinstance(children, list) or not children:
                raise self.error(f"`{key}`: {parent!r} needs a non-empty list of children", key)
            out.append((str(parent), tuple(str(c) for c in children)))
        return tuple(out)

    def optional_selector(self, key: str) -> Selector | None:
        return self.selector(self.m[key], key) if self.m.get(key) is not None else None

    def tolerance(self) -> Tolerance:
        v = self.m.get("tolerance")
        if v is None:
            return NO_TOLERANCE
        if not isinstance(v, dict) or not set(v) <= {"absolute", "relative"} or not v:
            raise self.error(
                f"tolerance must be a mapping with 'absolute' and/or 'relative', not {v!r}",
                "tolerance",
                "e.g. tolerance: {absolute: 500} or tolerance: {relative: 0.01}",
                kind=BAD_TOLERANCE,
            )
        try:
            return Tolerance(absolute=v.get("absolute", 0.0), relative=v.get("relative", 0.0))
        except ValueError as exc:
            raise self.error(str(exc), "tolerance", kind=BAD_TOLERANCE) from None

    def choices(
        self, key: str, allowed: tuple[str, ...], default: tuple[str, ...]
    ) -> tuple[str, ...]:
        v = self.m.get(key)
        if v is None:
            return default
        items = v if isinstance(v, list) else [v]
        for item in items:
            if item not in allowed:
                raise self.error(f"{key} has {item!r}", key, f"use any of: {', '.join(allowed)}")
        return tuple(items)

    def source_kinds(self, key: str) -> tuple[SourceKind, ...] | None:
        v = self.m.get(key)
        if v is None:
            return None
        kinds = tuple(k.value for k in SourceKind)
        return tuple(SourceKind(k) for k in self.choices(key, kinds, ()))


def read_rule(mapping: Any, file: str, index: int) -> Rule:
    if not isinstance(mapping, Mapping):
        raise INVALID_SUITE(
            f"rule #{index + 1} must be a mapping with at least 'id' and 'kind'",
            location=Location(file=file),
        )
    r = RuleReader(mapping, file, index)
    rid = r.required("id")
    if not isinstance(rid, str) or not rid.strip():
        raise r.error("field 'id' must be non-empty text", "id")
    kind = r.required("kind")
    cls = RULE_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        close = difflib.get_close_matches(str(kind), RULE_KINDS, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"rule kinds: {', '.join(RULE_KINDS)}"
        raise r.error(f"unknown rule kind {kind!r}", "kind", hint, kind=UNKNOWN_RULE_KIND)
    r.check_fields(cls.FIELDS)
    # An empty description is no description (so that load -> write -> load is identity).
    common: dict[str, Any] = {
        "id": rid,
        "description": r.text("description") or None,
        "line": mapping.line,
    }
    return cls.read(r, common)
