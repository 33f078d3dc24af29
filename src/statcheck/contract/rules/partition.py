"""partition: the figures inside each calendar period cover it with no gap and no overlap."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from statcheck.contract.rules.base import Rule, Selector, declared, figures_field, tolerance_field
from statcheck.contract.rules.reader import RuleReader
from statcheck.contract.tolerance import NO_TOLERANCE, Tolerance
from statcheck.model.granularity import CALENDAR_UNITS, finer, length_range

WHOLE_UNITS = CALENDAR_UNITS  # year, half, quarter, month
# Weeks do not tile months or years, so they are no unit of parts.
PART_UNITS = ("half", "quarter", "month", "day")


def _lengths(unit: str) -> str:
    low, high = length_range(unit)
    return f"{low}–{high} days" if low != high else f"{low} day"


@dataclass(frozen=True, kw_only=True)
class PartitionRule(Rule):
    """Sub-periods partition a period: in every group of figures that agree on all other
    columns (metric, source, dimensions), the figures inside each whole cover it with no
    gap and no overlap.

    ``whole``: which figures are wholes: those whose period is exactly one calendar
    ``year``, ``half``, ``quarter`` or ``month`` (first day to last; a fiscal year is none).
    A whole's parts are the figures of its group whose period lies inside the whole's and
    is shorter. ``parts`` narrows them to periods *nearest in length* to one ``half``,
    ``quarter``, ``month`` or ``day`` (see :mod:`statcheck.model.granularity`: a quarter is
    61 to 136 days long), so that in a table of years, quarters and months
    ``parts: quarter`` leaves the months out, while a quarter printed with a wrong end
    (2024-04-01 to 2024-07-15) is still a part and shows as an overlap or a gap. Without
    ``parts`` every shorter period inside the whole is a part.

    ``add_up: true``: the parts of a whole they partition must also add up to it, as
    intervals, within ``tolerance`` (as ``sum``). A whole with no part is skipped
    (``missing-parts``); parts inside no whole are no items.
    """

    KIND: ClassVar[str] = "partition"
    ITEM: ClassVar[str] = (
        "a whole (a figure for one calendar year, half, quarter or month) in scope"
    )
    SUMMARY: ClassVar[str] = (
        "the figures inside each calendar year (half, quarter, month) cover it with no gap "
        "and no overlap and, with `add_up`, add up to it; every group of figures that agree "
        "on all other columns is checked"
    )
    LABEL: ClassVar[str] = "sub-periods make up a period"
    CHART_LABELS: ClassVar[tuple[str, str] | None] = ("reported whole", "sum of its parts")
    FINDINGS: ClassVar[dict[str, str]] = {
        "partition-gap": "days of a whole's period that none of its parts covers",
        "partition-overlap": "two parts of a whole cover the same days",
        "partition-sum-mismatch": "with `add_up`, parts that partition a whole do not add "
        "up to it (saying whether the whole is larger or smaller)",
    }
    EXPECTATION: ClassVar[str] = "ExpectPeriodsToPartition"
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "id": "quarters-make-the-year",
        "kind": "partition",
        "whole": "year",
        "parts": "quarter",
    }

    whole: str = declared(
        "the figures that are wholes: those whose period is one calendar "
        + ", ".join(f"`{u}`" for u in WHOLE_UNITS),
        schema={"enum": list(WHOLE_UNITS)},
        accepts="str",
        required=True,
    )
    parts: str | None = declared(
        "only the sub-periods nearest in length to one "
        + ", ".join(f"`{u}` ({_lengths(u)})" for u in PART_UNITS)
        + "; by default every shorter period inside the whole",
        schema={"enum": list(PART_UNITS)},
        accepts="str | None",
        default=None,
    )
    add_up: bool = declared(
        "`true`: the parts must also add up to the whole (default `false`)",
        schema={"type": "boolean"},
        accepts="bool | None",
        default=False,
    )
    figures: Selector | None = figures_field("a selector narrowing the rows")
    tolerance: Tolerance = tolerance_field()

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        r.required("whole")
        for key in ("whole", "parts"):
            if r.m.get(key) == "week":
                raise r.error(
                    f"`{key}: week`: weeks do not tile calendar months or years",
                    key,
                    f"use one of: {', '.join(WHOLE_UNITS if key == 'whole' else PART_UNITS)}",
                )
        whole = r.text("whole", None, WHOLE_UNITS) or ""
        parts = r.text("parts", None, PART_UNITS)
        if parts is not None and not finer(parts, whole):
            raise r.error(
                f"`parts: {parts}` is not shorter than `whole: {whole}`",
                "parts",
                "parts are shorter than their whole, e.g. `whole: year, parts: quarter`",
            )
        add_up = r.m.get("add_up", False)
        if not isinstance(add_up, bool):
            raise r.error(f"`add_up` must be true or false, not {add_up!r}", "add_up")
        tolerance = r.tolerance()
        if tolerance != NO_TOLERANCE and not add_up:
            raise r.error(
                "`tolerance` applies to the sum of the parts: it needs `add_up: true`",
                "tolerance",
                "add `add_up: true`, or drop the tolerance",
            )
        return cls(
            **common,
            whole=whole,
            parts=parts,
            add_up=add_up,
            figures=r.optional_selector("figures"),
            tolerance=tolerance,
        )
