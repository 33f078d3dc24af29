"""period: periods are well formed, and final figures are not published before their
period ends (such a figure is a projection and should say so: provisional or forecast)."""

from __future__ import annotations

from typing import Any

import narwhals as nw

from statcheck.contract.rules import PeriodRule, Rule
from statcheck.engine.context import Context
from statcheck.engine.native import collect_all
from statcheck.model.figure import FigureStatus
from statcheck.model.period import parse_period
from statcheck.report import Finding, RuleResult, Status


def check_period(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, PeriodRule)
    scope = ctx.lazy()
    if rule.figures is not None:
        scope = scope.filter(ctx.selector_mask(rule.figures))
    # One query per check, collected together: only the offending rows leave the engine.
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
    bound = parse_period(rule.within) if rule.within is not None else None
    if bound is not None:
        queries["within"] = (
            scope.filter(
                (nw.col("period_start") < nw.lit(bound.start))
                | (nw.col("period_end") > nw.lit(bound.end))
            )
            .select("figure_id", _day("period_start"), _day("period_end"))
            .sort("figure_id")
        )
    found = dict(zip(queries, collect_all(list(queries.values())), strict=True))
    findings: list[Finding] = []
    if "ordered" in found:
        for fid, s, e in found["ordered"].iter_rows():
            findings.append(
                Finding(
                    "period-reversed",
                    (fid,),
                    f"{fid}'s period starts on {s}, after it ends on {e}.",
                )
            )
    if "published" in found:
        for fid, pub, e in found["published"].iter_rows():
            findings.append(
                Finding(
                    "published-before-period-end",
                    (fid,),
                    f"{fid} was published on {pub}, before its period ended on {e}, so it can only be a "
                    f"projection; mark it provisional or forecast if that is what it is.",
                )
            )
    if bound is not None:
        for fid, s, e in found["within"].iter_rows():
            findings.append(
                Finding(
                    "period-outside",
                    (fid,),
                    f"{fid} covers {s} to {e}, which is not within {bound.describe()}.",
                )
            )
    status = Status.FAIL if findings else Status.PASS
    return RuleResult(rule.id, rule.KIND, status, tuple(findings), description=rule.description)


def _day(column: str) -> nw.Expr:
    """A date column as the engine writes it: ``2024-01-31`` (findings name thousands)."""
    return nw.col(column).dt.to_string("%Y-%m-%d")
