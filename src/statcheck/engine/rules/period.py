"""period: periods are well formed, and final figures are not published before their
period ends (such a figure is a projection and should say so: provisional or forecast)."""

from __future__ import annotations

import narwhals as nw

from statcheck.contract.rules import PeriodRule, Rule
from statcheck.engine.context import Context
from statcheck.engine.rules import implements
from statcheck.model.figure import FigureStatus
from statcheck.model.period import parse_period
from statcheck.report import Finding, RuleResult, Status


@implements("period")
def check_period(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, PeriodRule)
    frame = ctx.figures.frame
    scope = frame if rule.figures is None else frame.filter(ctx.selector_mask(rule.figures))
    findings: list[Finding] = []
    if "ordered" in rule.checks:
        bad = scope.filter(nw.col("period_start") > nw.col("period_end"))
        for fid, s, e in bad.select("figure_id", "period_start", "period_end").rows():
            findings.append(
                Finding(
                    "period-reversed",
                    (fid,),
                    f"{fid}'s period starts on {_d(s)}, after it ends on {_d(e)}.",
                )
            )
    if "published-after-end" in rule.checks:
        early = scope.filter(
            ~nw.col("published_at").is_null()
            & (nw.col("published_at") < nw.col("period_end"))
            & (nw.col("status") == FigureStatus.FINAL.value)
        )
        for fid, pub, e in early.select("figure_id", "published_at", "period_end").rows():
            findings.append(
                Finding(
                    "published-before-period-end",
                    (fid,),
                    f"{fid} was published on {_d(pub)}, before its period ended on {_d(e)}, so it can only be a "
                    f"projection; mark it provisional or forecast if that is what it is.",
                )
            )
    if rule.within is not None:
        bound = parse_period(rule.within)
        outside = scope.filter(
            (nw.col("period_start") < nw.lit(bound.start))
            | (nw.col("period_end") > nw.lit(bound.end))
        )
        for fid, s, e in (
            outside.sort("figure_id").select("figure_id", "period_start", "period_end").rows()
        ):
            findings.append(
                Finding(
                    "period-outside",
                    (fid,),
                    f"{fid} covers {_d(s)} to {_d(e)}, which is not within {bound.describe()}.",
                )
            )
    status = Status.FAIL if findings else Status.PASS
    return RuleResult(rule.id, rule.KIND, status, tuple(findings), description=rule.description)


def _d(v: object) -> str:
    iso = getattr(v, "isoformat", None)
    return str(iso()[:10]) if iso else str(v)
