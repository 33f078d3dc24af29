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
    # The figure graph: no figure's chain of citations (each hop to the cited source's
    # figure for the same metric, dimensions and period) comes back to itself.
    "no-cycles",
    "reaches-primary",  # every chain ends at a source of a primary kind
    "agrees-with-cited",  # a figure agrees with the cited source's figure for the same thing
    # The source graph: no source's citations come back to it, whatever the figures.
    "no-source-cycles",
)
# Every check but `no-source-cycles`, which a suite asks for by name: a cycle of figures
# is always one of sources too, so by default the same circle is not reported twice, and
# suites written before the check existed keep their results.
DEFAULT_CHECKS = tuple(c for c in ATTRIBUTION_CHECKS if c != "no-source-cycles")


@dataclass(frozen=True, kw_only=True)
class AttributionRule(Rule):
    """Who reported each figure, and whether the chain of citations holds up.

    ``figures`` narrows the rule to the figures a selector matches (all by default);
    ``primary`` overrides the suite's primary source kinds.

    Counts: each figure in scope is an item; it failed when a finding names it. No
    item is skipped.
    """

    KIND: ClassVar[str] = "attribution"
    ITEM: ClassVar[str] = "a figure in scope, checked by every check the rule names"
    SUMMARY: ClassVar[str] = (
        "every figure's source is known, citations resolve without cycles to a primary "
        "source, and a relayed figure agrees with the cited source's"
    )
    LABEL: ClassVar[str] = "who the figures come from"
    CHART_LABELS: ClassVar[tuple[str, str] | None] = ("as relayed", "as the cited source says")
    FINDINGS: ClassVar[dict[str, str]] = {
        "unknown-source": "a figure's source is not in the sources table (`known-source`)",
        "unresolved-citation": "a cited source is not in the sources table (`citations-resolve`)",
        "citation-cycle": "figures cite one another in a circle, each the next one's source for "
        "the same metric, dimensions and period; a figure citing its own source is a circle of "
        "one (`no-cycles`)",
        "no-primary-source": "a chain of citations ends at no primary source (`reaches-primary`)",
        "cited-figure-disagrees": "a figure disagrees with the cited source's figure for the "
        "same thing (`agrees-with-cited`)",
        "source-cycle": "sources cite one another in a circle, whatever figures the citations are "
        "for; a source citing itself is a circle of one (`no-source-cycles`)",
    }
    EXPECTATION: ClassVar[str] = "ExpectFiguresToTraceToSources"
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "id": "known-sources",
        "kind": "attribution",
        "checks": ["known-source", "citations-resolve"],
    }

    checks: tuple[str, ...] = declared(
        f"any of {', '.join(f'`{c}`' for c in ATTRIBUTION_CHECKS)} "
        "(all but `no-source-cycles` by default)",
        schema={"type": "array", "items": {"enum": list(ATTRIBUTION_CHECKS)}},
        accepts="Iterable[str] | None",
        default=DEFAULT_CHECKS,
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
            checks=r.choices("checks", ATTRIBUTION_CHECKS, DEFAULT_CHECKS),
            figures=r.optional_selector("figures"),
            primary=r.source_kinds("primary"),
        )
