"""period: each figure's period is sound, and final figures are not projections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from statcheck.contract.rules.base import Rule, Selector, declared, figures_field
from statcheck.contract.rules.reader import RuleReader
from statcheck.errors import StatcheckError
from statcheck.model.period import parse_period

PERIOD_CHECKS = (
    "ordered",  # a period starts on or before it ends
    "published-after-end",  # final figures are published on or after their period ends
)


@dataclass(frozen=True, kw_only=True)
class PeriodRule(Rule):
    """Each figure's period is well formed, and a final figure was not published before
    its period ended (that would make it a projection: mark it provisional or forecast).
    ``within`` (a period label) requires every figure's period to lie inside it.

    Counts: each figure in scope is an item, failed when any check fails it. When
    ``published-after-end`` is the only check, a final figure with no publication date
    is skipped (``no-publication-date``)."""

    KIND: ClassVar[str] = "period"
    ITEM: ClassVar[str] = "a figure in scope, one item however many checks it fails"
    SUMMARY: ClassVar[str] = (
        "periods start on or before they end, a final figure is not published before its "
        "period ends, and with `within` every period lies inside that one"
    )
    LABEL: ClassVar[str] = "reporting periods"
    FINDINGS: ClassVar[dict[str, str]] = {
        "period-reversed": "a period ends before it starts (`ordered`)",
        "published-before-period-end": "a final figure is published before its period ends "
        "(`published-after-end`): a projection, to mark provisional or forecast",
        "period-outside": "a figure's period does not lie inside `within`",
    }
    EXPECTATION: ClassVar[str] = "ExpectPeriodsToBeSound"
    EXAMPLE: ClassVar[dict[str, Any]] = {"id": "periods-are-sound", "kind": "period"}

    checks: tuple[str, ...] = declared(
        f"any of {', '.join(f'`{c}`' for c in PERIOD_CHECKS)} (all by default)",
        schema={"type": "array", "items": {"enum": list(PERIOD_CHECKS)}},
        accepts="Iterable[str] | None",
        default=PERIOD_CHECKS,
    )
    figures: Selector | None = figures_field()
    within: str | None = declared(
        "a period label every figure's period must lie inside",
        schema={"type": ["string", "integer"]},
        accepts="str | None",
        default=None,
    )

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
