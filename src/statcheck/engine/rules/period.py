"""period: periods are well formed, and final figures are not published before their
period ends (such a figure is a projection and should say so: provisional or forecast)."""

from __future__ import annotations

from typing import Any

import narwhals as nw

from statcheck.contract.rules import PeriodRule, Rule
from statcheck.engine.context import Context
from statcheck.engine.native import collect_all
from statcheck.model.figure import FigureStatus
from statcheck.model.period import Period, parse_period
from statcheck.report import Finding, RuleResult, Status


def check_period(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, PeriodRule)
    bound = parse_period(rule.within) if rule.within is not None else None
    queries = _offending_rows(rule, ctx, bound)
    found = dict(zip(queries, collect_all(list(queries.values())), strict=True))
    findings: list[Finding] = []
    if "ordered" in found:
        findings += _reversed(found["ordered"])
    if "published" in found:
        findings += _published_early(found["published"])
    if bound is not None:
        findings += _outside(found["within"], bound)
    status = Status.FAIL if findings else Status.PASS
    return RuleResult(rule.id, rule.KIND, status, tuple(findings), description=rule.description)


def _offending_rows(
    rule: PeriodRule, ctx: Context, bound: Period | None
) -> dict[str, nw.LazyFrame[Any]]:
    """One query per check, collected together: only the offending rows leave the engine
    (figure_id and the two dates the finding names)."""
    scope = ctx.lazy()
    if rule.figures is not None:
        scope = scope.filter(ctx.selector_mask(rule.figures))
    queries: dict[str, nw.LazyFrame[Any]] = {}
    if "ordered" in rule.checks:
        queries["ordered"] = scope.filter(nw.col("period_start") > nw.col("period_end")).select(
            "figure_id", _day("period_start"), _day("period_end")
        )
    # A table without publication dates has an empty text column there: nothing to check.
    dated = ctx.figures.frame.collect_schema()["published_at"].is_temporal()
    if "published-after-end" in rule.checks and dated:
        queries["published"] = scope.filter(
            ~nw.col("published_at").is_null()
            & (nw.col("published_at") < nw.col("period_end"))
            & (nw.col("status") == FigureStatus.FINAL.value)
        ).select("figure_id", _day("published_at"), _day("period_end"))
    if bound is not None:
        queries["within"] = (
            scope.filter(
                (nw.col("period_start") < nw.lit(bound.start))
                | (nw.col("period_end") > nw.lit(bound.end))
            )
            .select("figure_id", _day("period_start"), _day("period_end"))
            .sort("figure_id")
        )
    return queries


def _reversed(rows: nw.DataFrame[Any]) -> list[Finding]:
    """Figures whose period starts after it ends."""
    return [
        Finding("period-reversed", (fid,), f"{fid}'s period starts on {s}, after it ends on {e}.")
        for fid, s, e in rows.iter_rows()
    ]


def _published_early(rows: nw.DataFrame[Any]) -> list[Finding]:
    """Final figures published before their period ended."""
    return [
        Finding(
            "published-before-period-end",
            (fid,),
            f"{fid} was published on {pub}, before its period ended on {e}, so it can only be a "
            f"projection; mark it provisional or forecast if that is what it is.",
        )
        for fid, pub, e in rows.iter_rows()
    ]


def _outside(rows: nw.DataFrame[Any], bound: Period) -> list[Finding]:
    """Figures whose period reaches outside the rule's ``within``."""
    return [
        Finding(
            "period-outside",
            (fid,),
            f"{fid} covers {s} to {e}, which is not within {bound.describe()}.",
        )
        for fid, s, e in rows.iter_rows()
    ]


def _day(column: str) -> nw.Expr:
    """A date column as the engine writes it: ``2024-01-31`` (findings name thousands)."""
    return nw.col(column).dt.to_string("%Y-%m-%d")
