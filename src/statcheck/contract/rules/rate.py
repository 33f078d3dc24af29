"""rate: a rate per day, week, month, quarter or year agrees with a total over a period."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from statcheck.contract.rules.base import REF_SCHEMA, Ref, Rule, declared, tolerance_field
from statcheck.contract.rules.reader import RuleReader
from statcheck.contract.tolerance import Tolerance
from statcheck.model.period import PERIOD_UNITS


@dataclass(frozen=True, kw_only=True)
class RateRule(Rule):
    """A rate per day, week, month, quarter or year agrees with a total over a period.

    "About 12 a month" and a total for 2024 agree when the total is within 12 months of
    the rate: the rate's interval times the length of the total's period in ``per`` units
    (whole calendar months where the period is made of them; see ``Period.length_in``).

    Counts: the rate and total are one item, skipped (``missing-input``) when either is
    missing.
    """

    KIND: ClassVar[str] = "rate"
    ITEM: ClassVar[str] = "the one rate and total the rule names"
    SUMMARY: ClassVar[str] = (
        "the rate times the length of the total's period in `per` units gives the total"
    )
    LABEL: ClassVar[str] = "a rate over a period gives the total"
    CHART_LABELS: ClassVar[tuple[str, str] | None] = ("reported", "implied by the rate")
    FINDINGS: ClassVar[dict[str, str]] = {
        "rate-mismatch": "the total is not what the rate gives over the total's period",
    }
    EXPECTATION: ClassVar[str] = "ExpectRateToMatchTotal"
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "id": "monthly-rate-gives-the-year",
        "kind": "rate",
        "rate": "cases-per-month",
        "total": "cases-2024",
        "per": "month",
    }

    rate: Ref = declared(
        "the rate: a figure (id or selector)", schema=REF_SCHEMA, accepts="Figure", required=True
    )
    total: Ref = declared(
        "the total over a period: a figure (id or selector)",
        schema=REF_SCHEMA,
        accepts="Figure",
        required=True,
    )
    per: str = declared(
        f"what the rate is per: {', '.join(f'`{u}`' for u in PERIOD_UNITS)}",
        schema={"enum": list(PERIOD_UNITS)},
        accepts="str",
        required=True,
    )
    tolerance: Tolerance = tolerance_field()

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
