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
from statcheck.errors import Location, SuiteError
from statcheck.model.figure import SourceKind
from statcheck.model.interval import Relation

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

    ``across: categories`` (default): the parts split the total by a dimension, so each
    part must cover exactly the total's period. ``across: time``: the parts split the
    total's period, so together they must cover it with no gap and no overlap.
    ``missing: zero`` counts a missing part as 0; by default it leaves the rule undetermined.
    """

    KIND: ClassVar[str] = "sum"
    FIELDS: ClassVar[tuple[str, ...]] = ("total", "parts", "across", "missing", "tolerance")

    total: Ref
    parts: tuple[Ref, ...]
    across: str = "categories"
    missing: str = "undetermined"
    tolerance: Tolerance = NO_TOLERANCE

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        return cls(
            **common,
            total=r.ref(r.required("total"), "total"),
            parts=r.refs("parts"),
            across=r.text("across", "categories", ("categories", "time")) or "categories",
            missing=r.text("missing", "undetermined", ("undetermined", "zero")) or "undetermined",
            tolerance=r.tolerance(),
        )

    def refs(self) -> tuple[Ref, ...]:
        return (self.total, *self.parts)

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "total": self.total.to_yaml(),
            "parts": [p.to_yaml() for p in self.parts],
        }
        if self.across != "categories":
            out["across"] = self.across
        if self.missing != "undetermined":
            out["missing"] = self.missing
        if not self.tolerance.is_zero:
            out["tolerance"] = self.tolerance.to_mapping()
        return out


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
    its period ended (that would make it a projection: mark it provisional or forecast)."""

    KIND: ClassVar[str] = "period"
    FIELDS: ClassVar[tuple[str, ...]] = ("checks", "figures")

    checks: tuple[str, ...] = PERIOD_CHECKS
    figures: Selector | None = None

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        return cls(
            **common,
            checks=r.choices("checks", PERIOD_CHECKS, PERIOD_CHECKS),
            figures=r.optional_selector("figures"),
        )

    def _fields_to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.checks != PERIOD_CHECKS:
            out["checks"] = list(self.checks)
        if self.figures is not None:
            out["figures"] = self.figures.to_yaml()
        return out


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
        slug: str = "invalid-rule",
    ) -> SuiteError:
        line = self.m.line_of(key) if key else self.m.line
        return SuiteError(
            message,
            slug=slug,
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
                raise self.error(f"unknown field {key!r}", key, hint, slug="unknown-field")

    def required(self, key: str) -> Any:
        if key not in self.m or self.m[key] is None:
            raise self.error(f"missing field {key!r}", None, slug="missing-field")
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
                slug="bad-tolerance",
            )
        try:
            return Tolerance(absolute=v.get("absolute", 0.0), relative=v.get("relative", 0.0))
        except ValueError as exc:
            raise self.error(str(exc), "tolerance", slug="bad-tolerance") from None

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
        raise SuiteError(
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
        raise r.error(f"unknown rule kind {kind!r}", "kind", hint, slug="unknown-rule-kind")
    r.check_fields(cls.FIELDS)
    # An empty description is no description (so that load -> write -> load is identity).
    common: dict[str, Any] = {
        "id": rid,
        "description": r.text("description") or None,
        "line": mapping.line,
    }
    return cls.read(r, common)
