"""What every rule kind is made of: figure references, the Rule base, declared fields.

A rule kind is one frozen dataclass (a module of this package). Its fields are what an
analyst writes in a suite; each field a suite can hold is declared with :func:`declared`,
which records its one-line doc, its JSON Schema and how the Python builder accepts it.
Everything else (the reader's field check, ``statcheck.rules.<kind>(...)``, the JSON
Schema, the docs table, the Great Expectations class) is generated from the class.
"""

from __future__ import annotations

import dataclasses
from dataclasses import MISSING, dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar

from statcheck.contract.tolerance import NO_TOLERANCE, Tolerance

if TYPE_CHECKING:
    from statcheck.contract.rules.reader import RuleReader

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


# ---------------------------------------------------------------- finding slugs

# Findings any rule kind may report besides its own: they leave a rule undetermined.
COMMON_FINDINGS: dict[str, str] = {
    "missing-figure": "an input the rule needs is not in the drop: the rule is undetermined",
    "duplicate-figure": "a figure printed twice for the same thing is left out and reported",
    "nothing-checked": "the rule checked no item (none was in scope, or every one was "
    "skipped, the reasons counted): undetermined, never a pass",
    "skipped-items": "items the rule could not check, for one reason (`details.reason`); "
    "reported only when the rule or suite says `skipped: report`",
}

# Why an item a rule would check was not checked: the keys of a result's
# ``counts.skipped``, and with ``skipped: report`` one ``skipped-items`` finding each.
SKIP_REASONS: dict[str, str] = {
    "missing-part": "the part is not in the drop (a share, or a whole, with no part)",
    "missing-whole": "the whole is not in the drop (a part or share with no whole)",
    "missing-share": "a part and its whole with no share row",
    "missing-total": "parts whose total is not in the drop",
    "missing-parts": "a total with none (or, without `missing: zero`, not all) of its parts",
    "duplicate": "a figure it needs is printed twice for the same thing (`duplicate-figure`)",
    "no-predecessor": "a figure with no figure for the period before it",
    "missing-level": "a change figure with no figure of `of` for its own period",
    "missing-input": "a figure the rule names is not in the drop (`missing-figure`)",
    "not-a-figure": "a figure it needs is a cell where the publisher printed a marker for "
    "no figure (`NA`, `..`, `(D)`: the `table:` mapping's `missing_values`)",
    "missing-side": "a group where a side of a comparison or agreement lacks a value it adds "
    "up (with `missing: zero`, all of them)",
    "no-publication-date": "a final figure with no publication date, when "
    "`published-after-end` is the only check",
}

# What a rule does with the items it could not check (the common field `skipped:`, on a
# rule or as the suite's default): `count` them in the result's `counts.skipped` only, or
# also `report` each reason as a `skipped-items` finding (the rule is then no pass).
SKIPPED_MODES = ("count", "report")
SKIPPED_DOC = (
    "`count` (default): items the rule could not check are counted in its result "
    "(`counts.skipped`, by reason); `report`: each reason is also a `skipped-items` "
    "finding, so the rule is undetermined rather than passed"
)


# ---------------------------------------------------------------- declared fields

FIELD_KEY = "statcheck.field"  # the dataclass field metadata key of a declared field


@dataclass(frozen=True)
class FieldDoc:
    """What a suite field is: its one-line doc, its JSON Schema, its Python type."""

    doc: str
    schema: dict[str, Any]
    required: bool = False
    accepts: str = "Any"  # the builder's annotation, e.g. "Figures | None"


@dataclass(frozen=True)
class DeclaredField:
    """A declared field of a rule kind, as the generators read it."""

    name: str
    doc: FieldDoc
    default: Any  # dataclasses.MISSING for a required field


def declared(
    doc: str,
    *,
    schema: dict[str, Any],
    accepts: str,
    required: bool = False,
    default: Any = MISSING,
) -> Any:
    """A dataclass field a suite can hold: ``doc`` says what it is in one line, ``schema``
    is its JSON Schema, ``accepts`` the type the Python builder takes. A ``required``
    field has no default."""
    meta = {FIELD_KEY: FieldDoc(doc, schema, required, accepts)}
    return field(default=default, metadata=meta)


# Fields several kinds share.
REF_SCHEMA: dict[str, Any] = {"$ref": "#/$defs/ref"}
REFS_SCHEMA: dict[str, Any] = {"$ref": "#/$defs/refs"}


def tolerance_field() -> Any:
    return declared(
        "extra room on top of the figures' own rounding: `absolute` and/or `relative`",
        schema={"$ref": "#/$defs/tolerance"},
        accepts="Tolerance | dict[str, float] | None",
        default=NO_TOLERANCE,
    )


def figures_field(doc: str = "a selector narrowing the figures the rule reads") -> Any:
    return declared(
        doc,
        schema={"$ref": "#/$defs/selector"},
        accepts="dict[str, Any] | Selector | None",
        default=None,
    )


class _FieldNames:
    """``Rule.FIELDS``: the names of a kind's declared fields, in declaration order."""

    def __get__(self, obj: object, owner: type[Rule]) -> tuple[str, ...]:
        if not dataclasses.is_dataclass(owner):  # read by @dataclass while making Rule
            return ()
        return tuple(f.name for f in owner.declared_fields())


# ---------------------------------------------------------------- the Rule base


@dataclass(frozen=True, kw_only=True)
class Rule:
    """Fields every rule has, and what each kind declares about itself.

    A kind sets ``KIND`` (its ``kind:``), ``SUMMARY`` (what it checks, one line),
    ``LABEL`` (how the results site names it), ``CHART_LABELS`` (what the two intervals
    of its findings are, or None when its findings have none), ``FINDINGS`` (each finding
    slug it reports and what it means), ``EXPECTATION`` (the name of its Great
    Expectations class) and ``EXAMPLE`` (a small rule of the kind, as in a suite file).
    """

    KIND: ClassVar[str] = ""
    ITEM: ClassVar[str] = ""  # what `counts` counts: the unit the kind checks one at a time
    SUMMARY: ClassVar[str] = ""
    LABEL: ClassVar[str] = ""
    CHART_LABELS: ClassVar[tuple[str, str] | None] = None
    FINDINGS: ClassVar[dict[str, str]] = {}
    EXPECTATION: ClassVar[str] = ""
    EXAMPLE: ClassVar[dict[str, Any]] = {}
    SCHEMA_EXTRA: ClassVar[dict[str, Any]] = {}  # rule-wide JSON Schema keywords
    FIELDS: ClassVar[_FieldNames] = _FieldNames()

    id: str
    description: str | None = None
    line: int | None = field(default=None, compare=False)
    # One of SKIPPED_MODES: `count` (default) or `report` (see SKIPPED_DOC).
    skipped: str = "count"

    @classmethod
    def declared_fields(cls) -> tuple[DeclaredField, ...]:
        """The fields a suite can hold for this kind (besides id, kind and description)."""
        return tuple(
            DeclaredField(f.name, f.metadata[FIELD_KEY], f.default)
            for f in dataclasses.fields(cls)
            if FIELD_KEY in f.metadata
        )

    def refs(self) -> tuple[Ref, ...]:
        """Every figure reference in the rule, for checking them against a drop."""
        return ()

    def to_mapping(self, skipped: str = "count") -> dict[str, Any]:
        """The rule as a suite file writes it; ``skipped`` is the suite's default (a rule
        writes its own `skipped:` only when it differs)."""
        out: dict[str, Any] = {"id": self.id, "kind": self.KIND}
        if self.description:
            out["description"] = self.description
        if self.skipped != skipped:
            out["skipped"] = self.skipped
        out.update(self._fields_to_mapping())
        return out

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        """Build the rule from its YAML mapping; ``common`` holds id, description, line
        and skipped."""
        raise NotImplementedError

    def _fields_to_mapping(self) -> dict[str, Any]:
        """The declared fields as a suite writes them: a required field always, any other
        only when it differs from its default."""
        out: dict[str, Any] = {}
        for f in self.declared_fields():
            value = getattr(self, f.name)
            if f.doc.required or value != f.default:
                out[f.name] = to_yaml(value)
        return out


def to_yaml(value: Any) -> Any:
    """A field value as a suite file writes it."""
    if isinstance(value, Tolerance):
        return value.to_mapping()
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "to_yaml"):
        return value.to_yaml()
    if isinstance(value, tuple):
        return [to_yaml(v) for v in value]
    return value


def refs_to_yaml(refs: tuple[Ref, ...]) -> Any:
    """One figure as itself, several as a list (as a suite writes a side of a comparison)."""
    return refs[0].to_yaml() if len(refs) == 1 else [r.to_yaml() for r in refs]
