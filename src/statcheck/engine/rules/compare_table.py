"""compare over a whole table: in every group, ``left op factor × right``.

Both sides are added up per group in one group-by (:mod:`statcheck.engine.sides`), and
each group is judged in the same pass with the explicit form's arithmetic on columns:
checked (holding or not), or skipped with its reason, the tallies riding along on every
row. Only the groups that fail (and, with ``skipped: report``, the skipped ones) leave
the engine, and are explained by the explicit form's sentence.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import narwhals as nw

from statcheck.contract.rules import CompareRule
from statcheck.contract.tolerance import FLOAT_NOISE
from statcheck.engine import intervals
from statcheck.engine.context import Context
from statcheck.engine.groups import count_and_flagged, duplicate_finding, flagged
from statcheck.engine.native import collect_all, python_rows
from statcheck.engine.rules import concluded, explain, skipped_findings
from statcheck.engine.rules.compare import mismatch
from statcheck.engine.sides import (
    DUPLICATE,
    MISSING_SIDE,
    Grouped,
    Side,
    duplicated,
    grouped,
    ids_of_groups,
)
from statcheck.model.interval import Interval
from statcheck.report import Counts, Finding, RuleResult, Status

MAX_IDS = 6  # figures named per side in one explanation
_REASONS = (DUPLICATE, MISSING_SIDE)
_TALLIES = ("_n_checked", *(f"_n_{r}" for r in _REASONS))


def check_compare_table(rule: CompareRule, ctx: Context) -> RuleResult:
    """Every group with a figure on either side: compared, or counted as skipped."""
    assert rule.over is not None
    sides = (Side.of("left", rule.left, rule.over), Side.of("right", rule.right, rule.over))
    found = grouped(ctx, rule.over, sides, rule.figures)
    report = rule.skipped == "report"
    judged = _tallied(found.frame.with_columns(_fails(rule).alias("_fails")))
    flag = nw.col("_fails") | (nw.lit(report) & ~nw.col("_reason").is_null())
    rows, dupe_rows = collect_all(
        [flagged(judged, flag, witness="_witness").sort("_witness"), duplicated(found)]
    )
    _, flagged_rows = count_and_flagged(rows)
    tally = {name: int(rows.item(0, name)) if len(rows) else 0 for name in ("_n_items", *_TALLIES)}
    skipped = {r: tally[f"_n_{r}"] for r in _REASONS}
    if tally["_n_items"] == 0:
        return _nothing_in_scope(rule, sides)
    failing = flagged_rows.filter(nw.col("_fails"))
    findings = _explained(rule, found, failing)
    lacking = flagged_rows.filter(nw.col("_reason") == MISSING_SIDE)
    findings += skipped_findings(rule, {MISSING_SIDE: lacking.get_column("_witness").to_list()})
    findings += duplicate_finding(dupe_rows)
    failed = sum(f.slug == "comparison-mismatch" for f in findings)
    counts = Counts.of(tally["_n_checked"], failed, skipped)
    result = concluded(rule, findings, counts)
    if counts.checked == 0 and result.status is Status.PASS:  # nothing checked is no pass
        return replace(result, status=Status.UNDETERMINED)
    return result


def _fails(rule: CompareRule) -> nw.Expr:
    """Whether a checkable group's ``left op factor × right`` fails beyond the tolerance
    and float noise: the explicit form's ``compare`` on the widened right side, with the
    same floats, so a group flagged here is one its sentence finds failing."""
    lhs = (nw.col("_s0_low"), nw.col("_s0_high"))
    low, high = intervals.scale((nw.col("_s1_low"), nw.col("_s1_high")), rule.factor)
    widen = intervals.tolerance_amount((low, high), rule.tolerance) + nw.lit(
        FLOAT_NOISE
    ) * intervals.magnitude((low, high))
    r_low, r_high = low - widen, high + widen
    op = rule.op.value
    holds = {
        ">": (r_low - lhs[1]) < 0,
        ">=": (r_low - lhs[1]) <= 0,
        "<": (lhs[0] - r_high) < 0,
        "<=": (lhs[0] - r_high) <= 0,
        "==": (lhs[0] <= r_high) & (r_low <= lhs[1]),
    }[op]
    return nw.col("_reason").is_null() & ~holds


def _tallied(judged: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """The groups in scope, checked and skipped by reason (``_n_*``, on every row: they
    come back with the few rows collected)."""
    reason = nw.col("_reason")
    whether = (
        reason.is_null(),
        *(reason == r for r in _REASONS),
    )
    return judged.with_columns(
        nw.len().alias("_n_items"),
        *(w.cast(nw.Int64).sum().alias(name) for w, name in zip(whether, _TALLIES, strict=True)),
    )


def _explained(rule: CompareRule, found: Grouped, failing: nw.DataFrame[Any]) -> list[Finding]:
    """The failing groups, each in the explicit form's sentence, naming its figures."""
    ids = ids_of_groups(found, failing)
    findings = []
    for row in python_rows(failing, named=True):
        per_side = ids.get(tuple(row[k] for k in found.group), [[], []])
        described = tuple(
            _describe(getattr(rule, key), figures)
            for key, figures in zip(("left", "right"), per_side, strict=True)
        )
        finding = mismatch(
            rule,
            Interval(row["_s0_low"], row["_s0_high"]),
            Interval(row["_s1_low"], row["_s1_high"]),
            (described[0], described[1]),
            tuple(fid for figures in per_side for fid, _ in figures),
        )
        if finding is not None:
            findings.append(finding)
    return findings


def _describe(side: object, figures: list[tuple[str, float]]) -> str:
    """``males|1629 (5,218)``, ``the sum of a (1) and b (2)``, or the number."""
    if isinstance(side, float):
        return explain.number(side, None)
    named = [f"{fid} ({explain.number(v, None)})" for fid, v in figures[:MAX_IDS]]
    if len(figures) > MAX_IDS:
        named.append(f"{len(figures) - MAX_IDS} more")
    if len(figures) == 1:
        return named[0]
    return "the sum of " + (", ".join(named[:-1]) + " and " + named[-1])


def _nothing_in_scope(rule: CompareRule, sides: tuple[Side, Side]) -> RuleResult:
    what = " and ".join(f"{s.name} ({s.describe()})" for s in sides if s.constant is None)
    finding = Finding(
        "missing-figure",
        (),
        f"The comparison cannot be checked: no figure in scope is on either side: {what}.",
    )
    return concluded(rule, [finding], Counts())
