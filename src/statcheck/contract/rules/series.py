"""series: figures over periods, a running total that never falls, changes that match."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from statcheck.contract.rules.base import Rule, Selector, declared, figures_field, tolerance_field
from statcheck.contract.rules.reader import RuleReader
from statcheck.contract.tolerance import Tolerance
from statcheck.errors import MISSING_FIELD, UNKNOWN_FIELD

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


@dataclass(frozen=True, kw_only=True)
class SeriesRule(Rule):
    """A series over periods: figures that agree on everything but the period, in order.

    ``cumulative: true``: a running total never falls from one period to the next
    (figures that share their start, as year-to-date totals do, run from it).
    ``change``: figures of one metric are the change in another from the previous period.
    With ``change``, ``cumulative`` applies to the ``of`` metric (changes may fall).
    ``figures`` narrows the rows the rule reads.

    Counts: with ``cumulative``, each figure that has one for the period before it is an
    item (a step); with ``change``, each change figure, skipped as ``missing-level`` (no
    figure of ``of`` for its period) or ``no-predecessor`` (none for the period before).
    Figures printed twice are skipped (``duplicate``).
    """

    KIND: ClassVar[str] = "series"
    ITEM: ClassVar[str] = (
        "a step of a cumulative series (a figure with one for the period before it), "
        "or a change figure"
    )
    SUMMARY: ClassVar[str] = (
        "a cumulative figure never falls from one period to the next; a change figure equals "
        "the change in `of` from the period before"
    )
    LABEL: ClassVar[str] = "a series over time"
    CHART_LABELS: ClassVar[tuple[str, str] | None] = ("this period", "earlier period")
    FINDINGS: ClassVar[dict[str, str]] = {
        "series-decrease": "a cumulative figure falls below the one of the period before",
        "change-mismatch": "a change figure is not the change in `of` from the period before",
        "zero-denominator": "a percent change from a figure that can be 0",
    }
    EXPECTATION: ClassVar[str] = "ExpectSeriesToHold"
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "id": "cases-never-fall",
        "kind": "series",
        "figures": {"metric": "cases"},
        "cumulative": True,
    }
    SCHEMA_EXTRA: ClassVar[dict[str, Any]] = {
        "anyOf": [
            {"required": ["change"]},
            {"required": ["cumulative"], "properties": {"cumulative": {"const": True}}},
        ]
    }

    figures: Selector | None = figures_field()
    cumulative: bool = declared(
        "`true`: a running total, never falls from one period to the next (figures that "
        "share their start, as year-to-date totals do, run from it: a series of their own)",
        schema={"type": "boolean"},
        accepts="bool | None",
        default=False,
    )
    change: SeriesChange | None = declared(
        "figures of `metric` are the change in `of` from the previous period, `as`: "
        "`percent` or `absolute`",
        schema={
            "type": "object",
            "additionalProperties": False,
            "required": ["metric", "of", "as"],
            "properties": {
                "metric": {"type": "string", "minLength": 1},
                "of": {"type": "string", "minLength": 1},
                "as": {"enum": list(CHANGE_MEASURES)},
            },
        },
        accepts="dict[str, str] | SeriesChange | None",
        default=None,
    )
    tolerance: Tolerance = tolerance_field()

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
