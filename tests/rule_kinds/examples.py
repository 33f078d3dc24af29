"""A small valid and invalid example of every rule kind, with the outcome each must give.

The conformance test (``test_conformance.py``) runs each one on every backend and checks
that, over a kind's examples, its implementation reports exactly the finding slugs the
kind declares. A new kind adds its examples here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from statcheck.report import Status
from tests.conftest import figure


@dataclass(frozen=True)
class Example:
    name: str
    rule: str  # the rule as a YAML flow mapping, with id `r`
    figures: list[dict[str, str]]
    status: Status
    slugs: frozenset[str] = frozenset()
    sources: list[dict[str, str]] | None = None
    earlier: list[list[dict[str, str]]] = field(default_factory=list)
    earlier_not_ready: bool = False  # the earliest earlier drop's checksum no longer holds


# Deaths per 1,000 a year from one month's deaths and population: 12 × 1,000 × d / p.
_RATE_OF = "{id: r, kind: rate, rate: r, total: d, of: p, per: year, scale: 1000}"


def _exact(fid: str, value: str, **kw: str) -> dict[str, str]:
    return figure(fid, value, precision="0", **kw)


def _month(fid: str, m: int, value: str, **kw: str) -> dict[str, str]:
    end = {1: "31", 2: "29", 3: "31"}[m]
    return _exact(fid, value, period_start=f"2024-0{m}-01", period_end=f"2024-0{m}-{end}", **kw)


def _quarter1(fid: str, value: str, **kw: str) -> dict[str, str]:
    return _exact(fid, value, period_start="2024-01-01", period_end="2024-03-31", **kw)


_SOURCES = [
    {"source_id": "stats", "name": "Statistics office", "kind": "official"},
    {"source_id": "paper", "name": "A newspaper", "kind": "media"},
    {"source_id": "blog", "name": "A blog", "kind": "analyst"},
]
_SUM = "{id: r, kind: sum, total: total, parts: [a, b]}"
_RATIO = "{id: r, kind: ratio, part: p, whole: w, share: s}"
_PERCENT = "{id: r, kind: series, change: {metric: change, of: cases, as: percent}}"
_REVISION = "{id: r, kind: revision}"
# The table forms over several columns (here metric and source: no dimension needed).
_RATIO_OVER_TWO = (
    "{id: r, kind: ratio, over: [metric, source], part: {metric: '{m}', source: stats},"
    " whole: {metric: '{m}_all', source: stats}, share: {metric: '{m}_share', source: paper}}"
)
_SUM_OVER_TWO = (
    "{id: r, kind: sum, over: [metric, source], total: {metric: '{m}', source: stats},"
    " parts: {metric: '{m}', source: '{s}'}}"
)
_PARTITION = "{id: r, kind: partition, whole: quarter, add_up: true}"
_COMPARE_TABLE = "{id: r, kind: compare, over: metric, left: deaths, op: '>', right: 0}"
_AGREEMENT = "{id: r, kind: agreement, over: source, sides: [stats, paper]}"

EXAMPLES: dict[str, list[Example]] = {
    "sum": [
        Example(
            "adds-up", _SUM, [_exact("total", "9"), _exact("a", "5"), _exact("b", "4")], Status.PASS
        ),
        Example(
            "does-not-add-up",
            _SUM,
            [_exact("total", "10"), _exact("a", "5"), _exact("b", "4")],
            Status.FAIL,
            frozenset({"sum-mismatch"}),
        ),
        Example(
            "part-for-another-period",
            _SUM,
            [_exact("total", "9"), _exact("a", "5"), _month("b", 1, "4")],
            Status.FAIL,
            frozenset({"period-mismatch"}),
        ),
        Example(
            "missing-part",
            _SUM.replace("[a, b]", "[a, {metric: nothing}]"),
            [_exact("total", "9"), _exact("a", "5")],
            Status.UNDETERMINED,
            frozenset({"missing-figure"}),
        ),
        Example(
            "over-two-columns-adds-up",
            _SUM_OVER_TWO,
            [
                _exact("t", "9"),
                _exact("a", "5", source_id="paper"),
                _exact("b", "4", source_id="blog"),
            ],
            Status.PASS,
            sources=_SOURCES,
        ),
        Example(
            "over-two-columns-does-not-add-up",
            _SUM_OVER_TWO,
            [
                _exact("t", "10"),
                _exact("a", "5", source_id="paper"),
                _exact("b", "4", source_id="blog"),
            ],
            Status.FAIL,
            frozenset({"sum-mismatch"}),
            sources=_SOURCES,
        ),
    ],
    "compare": [
        Example(
            "holds",
            "{id: r, kind: compare, left: a, op: '>', right: b}",
            [_exact("a", "5"), _exact("b", "4")],
            Status.PASS,
        ),
        Example(
            "does-not-hold",
            "{id: r, kind: compare, left: a, op: '>', right: b}",
            [_exact("a", "4"), _exact("b", "5")],
            Status.FAIL,
            frozenset({"comparison-mismatch"}),
        ),
        Example(
            "table-form-above-a-number",
            _COMPARE_TABLE,
            [_exact("a", "5", metric="deaths"), _quarter1("b", "1", metric="deaths")],
            Status.PASS,
        ),
        Example(
            "table-form-not-above-a-number",
            _COMPARE_TABLE,
            [_exact("a", "5", metric="deaths"), _quarter1("b", "0", metric="deaths")],
            Status.FAIL,
            frozenset({"comparison-mismatch"}),
        ),
    ],
    "agreement": [
        Example(
            "two-publishers-agree",
            _AGREEMENT,
            [_exact("a", "100"), _exact("b", "100", source_id="paper")],
            Status.PASS,
            sources=_SOURCES,
        ),
        Example(
            "two-publishers-disagree",
            _AGREEMENT,
            [_exact("a", "100"), _exact("b", "103", source_id="paper")],
            Status.FAIL,
            frozenset({"disagreement"}),
            sources=_SOURCES,
        ),
        Example(
            "one-publisher-only",
            _AGREEMENT,
            [_exact("a", "100")],
            Status.UNDETERMINED,
            frozenset({"nothing-checked"}),
            sources=_SOURCES,
        ),
    ],
    "attribution": [
        Example(
            "chain-reaches-primary",
            "{id: r, kind: attribution}",
            [
                figure("p1", "100", source_id="paper", cites="blog"),
                figure("b1", "100", source_id="blog", cites="stats"),
            ],
            Status.PASS,
            sources=_SOURCES,
        ),
        Example(
            "broken-chains",
            "{id: r, kind: attribution}",
            [
                figure("ghost", "1", source_id="nobody"),
                figure("dangling", "1", source_id="paper", cites="missing-source", metric="m2"),
                figure("self", "5", source_id="blog", cites="blog", metric="m4"),
                _exact("relay", "100", source_id="paper", cites="blog", metric="m5"),
                _exact("origin", "120", source_id="blog", cites="stats", metric="m5"),
            ],
            Status.FAIL,
            frozenset(
                {
                    "unknown-source",
                    "unresolved-citation",
                    "citation-cycle",
                    "no-primary-source",
                    "cited-figure-disagrees",
                }
            ),
            sources=_SOURCES,
        ),
        Example(
            # paper cites blog for one metric and blog cites paper for another: no figure's
            # chain comes back to it, but the sources cite each other.
            "sources-without-a-circle",
            "{id: r, kind: attribution, checks: [no-cycles, no-source-cycles]}",
            [
                figure("p1", "5", source_id="paper", cites="blog", metric="m1"),
                figure("b2", "5", source_id="blog", cites="stats", metric="m2"),
            ],
            Status.PASS,
            sources=_SOURCES,
        ),
        Example(
            "sources-in-a-circle",
            "{id: r, kind: attribution, checks: [no-cycles, no-source-cycles]}",
            [
                figure("p1", "5", source_id="paper", cites="blog", metric="m1"),
                figure("b2", "5", source_id="blog", cites="paper", metric="m2"),
            ],
            Status.FAIL,
            frozenset({"source-cycle"}),
            sources=_SOURCES,
        ),
    ],
    "period": [
        Example("sound", "{id: r, kind: period}", [figure("ok", "1")], Status.PASS),
        Example(
            "published-early-and-outside",
            "{id: r, kind: period, within: '2024-H2'}",
            [figure("early", "1", published_at="2024-06-01")],
            Status.FAIL,
            frozenset({"published-before-period-end", "period-outside"}),
        ),
        Example(
            "reversed",
            "{id: r, kind: period}",
            [figure("back", "1", period_start="2024-12-31", period_end="2024-01-01")],
            Status.FAIL,
            frozenset({"period-reversed"}),
        ),
    ],
    "ratio": [
        Example(
            "share-matches",
            _RATIO,
            [_exact("p", "1"), _exact("w", "4"), figure("s", "25", unit="percent")],
            Status.PASS,
        ),
        Example(
            "share-does-not-match",
            _RATIO,
            [_exact("p", "1"), _exact("w", "4"), figure("s", "50", unit="percent")],
            Status.FAIL,
            frozenset({"ratio-mismatch"}),
        ),
        Example(
            "whole-can-be-zero",
            _RATIO,
            [_exact("p", "0"), _exact("w", "0"), figure("s", "50", unit="percent")],
            Status.FAIL,
            frozenset({"zero-denominator"}),
        ),
        Example(
            "over-two-columns-matches",
            _RATIO_OVER_TWO,
            [
                _exact("p", "1"),
                _exact("w", "4", metric="cases_all"),
                figure("s", "25", metric="cases_share", unit="percent", source_id="paper"),
            ],
            Status.PASS,
        ),
        Example(
            "over-two-columns-does-not-match",
            _RATIO_OVER_TWO,
            [
                _exact("p", "1"),
                _exact("w", "4", metric="cases_all"),
                figure("s", "50", metric="cases_share", unit="percent", source_id="paper"),
            ],
            Status.FAIL,
            frozenset({"ratio-mismatch"}),
        ),
    ],
    "rate": [
        Example(
            "twelve-a-month",
            "{id: r, kind: rate, rate: m, total: y, per: month}",
            [_exact("m", "12", unit="per_month"), _exact("y", "144")],
            Status.PASS,
        ),
        Example(
            "far-from-the-total",
            "{id: r, kind: rate, rate: m, total: y, per: month}",
            [_exact("m", "12", unit="per_month"), _exact("y", "200")],
            Status.FAIL,
            frozenset({"rate-mismatch"}),
        ),
        Example(
            "per-1000-a-year-from-a-month",
            _RATE_OF,
            [
                _month("d", 1, "10"),
                _month("p", 1, "12,000", metric="population"),
                figure(
                    "r", "10", precision="1", period_start="2024-01-01", period_end="2024-01-31"
                ),
            ],
            Status.PASS,
        ),
        Example(
            "per-1000-a-month-taken-for-a-year",
            _RATE_OF,
            [
                _month("d", 1, "10"),
                _month("p", 1, "12,000", metric="population"),
                figure("r", "0.8", period_start="2024-01-01", period_end="2024-01-31"),
            ],
            Status.FAIL,
            frozenset({"rate-mismatch"}),
        ),
        Example(
            "population-can-be-zero",
            _RATE_OF,
            [
                _month("d", 1, "10"),
                _month("p", 1, "0", metric="population"),
                figure("r", "10", period_start="2024-01-01", period_end="2024-01-31"),
            ],
            Status.FAIL,
            frozenset({"zero-denominator"}),
        ),
    ],
    "series": [
        Example(
            "rises",
            "{id: r, kind: series, cumulative: true}",
            [_month("c1", 1, "100"), _month("c2", 2, "120")],
            Status.PASS,
        ),
        Example(
            "falls-and-changes-disagree",
            "{id: r, kind: series, cumulative: true, change: {metric: change, of: cases, "
            "as: absolute}}",
            [
                _month("c1", 1, "100"),
                _month("c2", 2, "90"),
                _month("d2", 2, "5", metric="change"),
            ],
            Status.FAIL,
            frozenset({"series-decrease", "change-mismatch"}),
        ),
        Example(
            "percent-change-from-zero",
            _PERCENT,
            [_month("c1", 1, "0"), _month("c2", 2, "5"), _month("d2", 2, "10", metric="change")],
            Status.FAIL,
            frozenset({"zero-denominator"}),
        ),
    ],
    "partition": [
        Example(
            "months-make-the-quarter",
            _PARTITION,
            [_quarter1("q", "9"), _month("a", 1, "2"), _month("b", 2, "3"), _month("c", 3, "4")],
            Status.PASS,
        ),
        Example(
            "a-month-missing-and-one-counted-twice",
            _PARTITION,
            [
                _quarter1("q", "9"),
                _month("a", 1, "2"),
                _exact("b", "3", period_start="2024-01-15", period_end="2024-02-29"),
            ],
            Status.FAIL,
            frozenset({"partition-gap", "partition-overlap"}),
        ),
        Example(
            "months-do-not-add-up",
            _PARTITION,
            [_quarter1("q", "10"), _month("a", 1, "2"), _month("b", 2, "3"), _month("c", 3, "4")],
            Status.FAIL,
            frozenset({"partition-sum-mismatch"}),
        ),
    ],
    "revision": [
        Example(
            "unchanged",
            _REVISION,
            [_exact("a", "100")],
            Status.PASS,
            earlier=[[_exact("a", "100")]],
        ),
        Example(
            "revised",
            _REVISION,
            [_exact("a", "120")],
            Status.FAIL,
            frozenset({"revision"}),
            earlier=[[_exact("a", "100")]],
        ),
        Example(
            "no-earlier-drop",
            _REVISION,
            [_exact("a", "100")],
            Status.UNDETERMINED,
            frozenset({"no-earlier-drop"}),
        ),
        Example(
            "earlier-not-ready",
            _REVISION,
            [_exact("a", "120")],
            Status.UNDETERMINED,
            frozenset({"earlier-drop-not-ready"}),
            earlier=[[_exact("a", "100")]],
            earlier_not_ready=True,
        ),
    ],
}
