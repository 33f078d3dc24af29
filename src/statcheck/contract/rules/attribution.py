"""attribution: who reported each figure, and whether the chain of citations holds up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from statcheck.contract.rules.base import Rule, Selector, declared, figures_field
from statcheck.contract.rules.reader import RuleReader
from statcheck.model.figure import SourceKind

ATTRIBUTION_CHECKS = (
    "known-source",  # every figure's source is in the sources table
    "citations-resolve",  # every cited source is in the sources table
    "no-cycles",  # no figure's chain of citations comes back to itself
    "reaches-primary",  # every chain ends at a source of a primary kind
    "agrees-with-cited",  # a figure agrees with the cited source's figure for the same thing
)


@dataclass(frozen=True, kw_only=True)
class AttributionRule(Rule):
    """Who reported each figure, and whether the chain of citations holds up.

    ``figures`` narrows the rule to the figures a selector matches (all by default);
    ``primary`` overrides the suite's primary source kinds.
    """

    KIND: ClassVar[str] = "attribution"
    SUMMARY: ClassVar[str] = (
        "every figure's source is known, citations resolve without cycles to a primary "
        "source, and a relayed figure agrees with the cited source's"
    )
    LABEL: ClassVar[str] = "who the figures come from"
    CHART_LABELS: ClassVar[tuple[str, str] | None] = ("as relayed", "as the cited source says")
    FINDINGS: ClassVar[dict[str, str]] = {
        "unknown-source": "a figure's source is not in the sources table (`known-source`)",
        "unresolved-citation": "a cited source is not in the sources table (`citations-resolve`)",
        "citation-cycle": "a chain of citations comes back to itself (`no-cycles`)",
        "no-primary-source": "a chain of citations ends at no primary source (`reaches-primary`)",
        "cited-figure-disagrees": "a figure disagrees with the cited source's figure for the "
        "same thing (`agrees-with-cited`)",
    }
    EXPECTATION: ClassVar[str] = "ExpectFiguresToTraceToSources"
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "id": "known-sources",
        "kind": "attribution",
        "checks": ["known-source", "citations-resolve"],
    }

    checks: tuple[str, ...] = declared(
        f"any of {', '.join(f'`{c}`' for c in ATTRIBUTION_CHECKS)} (all by default)",
        schema={"type": "array", "items": {"enum": list(ATTRIBUTION_CHECKS)}},
        accepts="Iterable[str] | None",
        default=ATTRIBUTION_CHECKS,
    )
    figures: Selector | None = figures_field()
    primary: tuple[SourceKind, ...] | None = declared(
        "the source kinds that end a chain of citations (default: the suite's `primary_sources`)",
        schema={"type": "array", "items": {"enum": [k.value for k in SourceKind]}},
        accepts="Iterable[str] | None",
        default=None,
    )

    @classmethod
    def read(cls, r: RuleReader, common: dict[str, Any]) -> Rule:
        return cls(
            **common,
            checks=r.choices("checks", ATTRIBUTION_CHECKS, ATTRIBUTION_CHECKS),
            figures=r.optional_selector("figures"),
            primary=r.source_kinds("primary"),
        )
