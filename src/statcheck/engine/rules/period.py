"""period: periods are well formed, and final figures are not published before their
period ends (such a figure is a projection and should say so: provisional or forecast)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import narwhals as nw

from statcheck.contract.rules import PeriodRule, Rule
from statcheck.engine.context import Context
from statcheck.engine.deferred import deferred_sentences
from statcheck.engine.native import collect_all, python_rows
from statcheck.engine.rules import concluded, skipped_findings
from statcheck.model.figure import FigureStatus
from statcheck.model.period import Period, parse_period
from statcheck.report import Counts, Finding, RuleResult


def check_period(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, PeriodRule)
    bound = parse_period(rule.within) if rule.within is not None else None
    scope = ctx.lazy()
    if rule.figures is not None:
        scope = scope.filter(ctx.selector_mask(rule.figures))
    dated = ctx.figures.frame.collect_schema()["published_at"].is_temporal()
    queries = {**_offending_rows(rule, scope, dated, bound), **_tally(rule, scope, dated)}
    found = dict(zip(queries, collect_all(list(queries.values())), strict=True))
    findings: list[Finding] = []
    if "ordered" in found:
        findings += _reversed(found["ordered"])
    if "published" in found:
        findings += _published_early(found["published"])
    if bound is not None:
        findings += _outside(found["within"], bound)
    # A figure is one item however many of the checks it fails.
    failed = len({fid for f in findings for fid in f.figures})
    tally: dict[str, Any] = python_rows(found["tally"], named=True)[0]
    undated = int(tally.get("undated") or 0)  # a sum over no rows is null on Spark
    counts = Counts.of(int(tally["figures"]) - undated, failed, {"no-publication-date": undated})
    if "undated_ids" in found:
        findings += skipped_findings(
            rule, {"no-publication-date": found["undated_ids"].get_column("figure_id").to_list()}
        )
    return concluded(rule, findings, counts)


def _undated(rule: PeriodRule, dated: bool) -> nw.Expr | None:
    """The figures no check of the rule applies to: final figures without a publication
    date, when `published-after-end` is its only check (None: every figure is checked)."""
    if tuple(rule.checks) != ("published-after-end",) or rule.within is not None:
        return None
    final = nw.col("status") == FigureStatus.FINAL.value
    return final & nw.col("published_at").is_null() if dated else final


def _tally(rule: PeriodRule, scope: nw.LazyFrame[Any], dated: bool) -> dict[str, nw.LazyFrame[Any]]:
    """How many figures the rule reads and how many of them it cannot check (one row),
    and with `skipped: report` which those are."""
    undated = _undated(rule, dated)
    if undated is None:
        return {"tally": scope.select(nw.len().alias("figures"))}
    queries = {
        "tally": scope.select(
            nw.len().alias("figures"), undated.cast(nw.Int64).sum().alias("undated")
        )
    }
    if rule.skipped == "report":
        queries["undated_ids"] = scope.filter(undated).select("figure_id").sort("figure_id")
    return queries


def _offending_rows(
    rule: PeriodRule, scope: nw.LazyFrame[Any], dated: bool, bound: Period | None
) -> dict[str, nw.LazyFrame[Any]]:
    """One query per check, collected together: only the offending rows leave the engine
    (figure_id and the two dates the finding names)."""
    queries: dict[str, nw.LazyFrame[Any]] = {}
    if "ordered" in rule.checks:
        queries["ordered"] = scope.filter(nw.col("period_start") > nw.col("period_end")).select(
            "figure_id", _day("period_start"), _day("period_end")
        )
    # A table without publication dates has an empty text column there: nothing to check.
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
    return _each_row(
        rows,
        "period-reversed",
        lambda fid, s, e: f"{fid}'s period starts on {s}, after it ends on {e}.",
    )


def _published_early(rows: nw.DataFrame[Any]) -> list[Finding]:
    """Final figures published before their period ended."""
    return _each_row(
        rows,
        "published-before-period-end",
        lambda fid, pub, e: (
            f"{fid} was published on {pub}, before its period ended on {e}, so it "
            "can only be a projection; mark it provisional or forecast if that is what it is."
        ),
    )


def _outside(rows: nw.DataFrame[Any], bound: Period) -> list[Finding]:
    """Figures whose period reaches outside the rule's ``within``."""
    within = bound.describe()
    return _each_row(
        rows,
        "period-outside",
        lambda fid, s, e: f"{fid} covers {s} to {e}, which is not within {within}.",
    )


def _each_row(
    rows: nw.DataFrame[Any], slug: str, sentence: Callable[[str, str, str], str]
) -> list[Finding]:
    """One finding per collected row (figure id and two dates), its sentence (``sentence``
    of the row) written when first read: a table may have a failure per row."""
    values = python_rows(rows)
    return deferred_sentences(
        [(slug, (row[0],)) for row in values], lambda: [sentence(*row) for row in values]
    )


def _day(column: str) -> nw.Expr:
    """A date column as the engine writes it: ``2024-01-31`` (findings name thousands)."""
    # A date cast to text is ISO 8601 on every library, as %Y-%m-%d writes the years a
    # figure table holds (1 to 9999); pyarrow's strftime is twenty times slower.
    return nw.col(column).cast(nw.String)
