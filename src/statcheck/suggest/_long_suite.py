"""Suggest on a long table: its relations as table-form rules (``sum`` over a dimension,
``ratio`` with ``whole: {sum_over: [...]}``), each with its evidence."""

from __future__ import annotations

from typing import Any

from statcheck.contract import build
from statcheck.contract.rules.base import Rule
from statcheck.suggest._evidence import Verdict
from statcheck.suggest._hierarchy import as_hierarchies
from statcheck.suggest._long import LongTable, group_words, long_mapping
from statcheck.suggest._long_search import LongShare, LongSum, find_long_shares, find_long_sums
from statcheck.suggest._suite import Relation, _unique


def long_relations(
    table: LongTable, stopped: list[str] | None = None
) -> tuple[tuple[Relation, ...], tuple[str, ...], dict[int, str]]:
    """(the relations proposed, near-misses among them; what it cannot tell; the unit of
    each share column). ``stopped``: where given, the totals whose search for parts
    stopped at its limit are added to it."""
    shares = find_long_shares(table)
    units = {s.share: s.unit for s in shares}
    sums = [
        s
        for j in range(len(table.values))
        if j not in units  # a share's values are not counts that add up
        for s in find_long_sums(table, j, stopped)
    ]
    taken: set[str] = set()
    found: list[Relation] = []
    for share in shares:
        found.append(Relation(_ratio_rule(table, share, taken), share.support, "rows"))
    for s in sums:
        rule = _sum_rule(table, s, taken)
        found.append(Relation(rule, s.support, group_words(table, s.over), candidate=s.candidate))
    proposed = tuple(
        r
        for r in found
        if r.candidate or r.support.verdict in (Verdict.PROPOSED, Verdict.NEAR_MISS)
    )
    undecided = tuple(
        f"{r.rule.id}{_of_which(r.rule)}: {r.support.describe(r.rows)}, too few to tell it "
        f"from chance ({r.support.chance})"
        for r in found
        if r.support.verdict is Verdict.CANNOT_TELL and not r.candidate
    )
    return as_hierarchies(proposed), undecided, units


def _sum_rule(table: LongTable, s: LongSum, taken: set[str]) -> Rule:
    parts = list(s.parts)
    said = "-plus-".join(parts) if len(parts) <= 3 else f"the-sum-of-its-{len(parts)}-parts"
    options: dict[str, Any] = {}
    if s.zero_filled:
        options["missing"] = "zero"  # a part with no row in a group had none there
    if len(table.values) > 1:
        options["figures"] = {"metric": table.metric(s.value)}
    return build.sum(
        _unique(f"{s.total}-is-{said}", taken),
        over=table.dimension(s.over),
        total=s.total,
        parts=parts,
        **options,
    )


def _ratio_rule(table: LongTable, s: LongShare, taken: set[str]) -> Rule:
    share, part = table.metric(s.share), table.metric(s.part)
    over = "-and-".join(table.dimension(d) for d in s.over)
    return build.ratio(
        _unique(f"{share}-is-{part}-over-its-sum-over-{over}", taken),
        over="metric",
        part=part,
        share=share,
        whole={"sum_over": [table.dimension(d) for d in s.over]},
    )


def _of_which(rule: Any) -> str:
    """`` (metric=count)``: the value column a rule reads, where the table has several."""
    figures = getattr(rule, "figures", None)
    return f" ({figures})" if figures is not None else ""


def long_suite_parts(table: LongTable, stopped: list[str] | None = None) -> tuple[Any, ...]:
    """(relations, undecided, mapping) of a long table (``stopped``: as ``long_relations``)."""
    found, undecided, units = long_relations(table, stopped)
    return found, undecided, long_mapping(table, units)
