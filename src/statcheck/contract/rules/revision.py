"""revision: a later drop does not change a figure an earlier drop reported."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from statcheck.contract.rules.base import Rule, Selector, declared, figures_field, tolerance_field
from statcheck.contract.rules.reader import RuleReader
from statcheck.contract.tolerance import Tolerance

REVISION_ALLOWANCES = (
    "open",  # the earlier figure's period had not ended when it was published
    "provisional",  # the earlier figure was marked provisional
    "forecast",  # the earlier figure was marked forecast
)


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

    Counts: a figure that an earlier drop also reports is an item (one reported only now
    is none); printed twice in this drop or in the earlier one, it is skipped
    (``duplicate``).
    """

    KIND: ClassVar[str] = "revision"
    ITEM: ClassVar[str] = "a figure also reported by an earlier drop"
    SUMMARY: ClassVar[str] = (
        "a later drop does not change a figure an earlier drop reported (same metric, "
        "dimensions, period and source), compared with the most recent earlier drop that "
        "reports it"
    )
    LABEL: ClassVar[str] = "revisions between drops"
    CHART_LABELS: ClassVar[tuple[str, str] | None] = ("this drop", "earlier drop")
    FINDINGS: ClassVar[dict[str, str]] = {
        "revision": "a figure is further from the earlier drop's than the tolerance",
        "no-earlier-drop": "no earlier drop to compare with: the rule is undetermined",
        "earlier-drop-not-ready": "an earlier drop is not ready: the rule is undetermined",
    }
    EXPECTATION: ClassVar[str] = "ExpectFiguresToMatchEarlierDrops"
    EXAMPLE: ClassVar[dict[str, Any]] = {
        "id": "counts-not-revised",
        "kind": "revision",
        "metrics": ["confirmed", "deaths"],
        "allow": ["open"],
    }

    metrics: tuple[str, ...] = declared(  # () = every metric
        "the metrics to compare (all by default)",
        schema={"type": "array", "minItems": 1, "items": {"type": ["string", "integer"]}},
        accepts="Iterable[str] | None",
        default=(),
    )
    figures: Selector | None = figures_field()
    allow: tuple[str, ...] = declared(
        "revisions expected: `open` (of periods still open when the earlier drop published "
        "them), `provisional`, `forecast` (of figures it marked so)",
        schema={
            "oneOf": [
                {"enum": list(REVISION_ALLOWANCES)},
                {
                    "type": "array",
                    "uniqueItems": True,
                    "items": {"enum": list(REVISION_ALLOWANCES)},
                },
            ]
        },
        accepts="Iterable[str] | None",
        default=(),
    )
    same_source: bool = declared(
        "`false`: compare with the earlier figure whatever its source (default `true`)",
        schema={"type": "boolean"},
        accepts="bool | None",
        default=True,
    )
    tolerance: Tolerance = tolerance_field()

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
