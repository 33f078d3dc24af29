"""The relations found, as a suite: the ``table:`` mapping, one rule per relation, and
the YAML a reviewer reads, each rule preceded by its evidence."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from statcheck.contract import build
from statcheck.contract.mapping import PeriodSpec, SeriesSpec, SourceSpec, TableMapping
from statcheck.contract.rules.base import Rule
from statcheck.contract.schema import TableSchema
from statcheck.contract.suite import Suite
from statcheck.contract.yamlio import dump_yaml
from statcheck.model.figure import SourceKind
from statcheck.suggest._evidence import Support, Verdict
from statcheck.suggest._rates import FoundRate
from statcheck.suggest._schema import FoundPartition
from statcheck.suggest._series import FoundChange, FoundCumulative
from statcheck.suggest._shares import FoundShare
from statcheck.suggest._sums import FoundSum
from statcheck.suggest._table import WideTable

if TYPE_CHECKING:
    from statcheck.suggest._hierarchy import Level

# The unit of a series that is no share: suggest cannot know what a column counts.
NUMBER_UNIT = "number"
_ROW_WORDS = {
    "year": "years",
    "month": "months",
    "date": "dates",
    "quarter": "quarters",
    "label": "periods",
}


@dataclass(frozen=True)
class Relation:
    """One relation found: the rule that states it and the evidence for it."""

    rule: Rule
    support: Support
    rows: str  # what a row is: years, months, dates
    test: str = ""  # the test against chance, when it is not the default one
    # Why a relation that fails everywhere is still proposed (a long table's breakdown
    # with its small parts left out); "" for a relation the figures support.
    candidate: str = ""
    # A hierarchy's levels (its sums that chain, root first), each with its own support;
    # () for a relation of one level.
    levels: tuple[Level, ...] = ()

    @property
    def near_miss(self) -> bool:
        return self.support.verdict is Verdict.NEAR_MISS

    def comment(self) -> str:
        if self.candidate:
            return f"failing candidate ({self.candidate}): {self.support.describe(self.rows)}"
        if self.levels:
            from statcheck.suggest._hierarchy import describe

            return describe(self.levels, self.rows)
        kind = "near-miss: " if self.near_miss else ""
        test = f"; {self.test}" if self.test else ""
        return f"{kind}{self.support.describe(self.rows)} ({self.support.chance}{test})"


def relations(
    table: WideTable,
    sums: Iterable[FoundSum],
    shares: Iterable[FoundShare | FoundRate],
    series: Iterable[FoundChange | FoundCumulative] = (),
    partition: FoundPartition | None = None,
) -> tuple[tuple[Relation, ...], tuple[str, ...]]:
    """The proposed relations (near-misses among them), and what it cannot tell."""
    rows = _ROW_WORDS.get(table.period_kind, "rows")
    names = table.series
    found: list[tuple[Rule, Support]] = []
    taken: set[str] = set()
    for s in shares:
        if isinstance(s, FoundRate):
            found.append((_rate_rule(s, names, taken), s.support))
            continue
        rule_id = _unique(f"{names[s.share]}-is-{names[s.part]}-over-{names[s.whole]}", taken)
        rule = build.ratio(
            rule_id, over="metric", part=names[s.part], whole=names[s.whole], share=names[s.share]
        )
        found.append((rule, s.support))
    for f in sums:
        parts = [names[p] for p in f.parts]
        said = "-plus-".join(parts) if len(parts) <= 3 else f"the-sum-of-its-{len(parts)}-parts"
        rule_id = _unique(f"{names[f.total]}-is-{said}", taken)
        rule = build.sum(rule_id, over="metric", total=names[f.total], parts=parts)
        found.append((rule, f.support))
    tests, words = {}, {}
    for g in series:
        rule = _series_rule(g, names, taken)
        found.append((rule, g.support))
        tests[rule.id] = _series_test(g, rows)
    if partition is not None:
        for rule, backing in _partition_rules(partition, names, taken):
            found.append((rule, backing))
            tests[rule.id] = f"the test: as a sum's, the {partition.parts}s' sum against each year"
            words[rule.id] = "years"
    proposed = tuple(
        Relation(rule, s, words.get(rule.id, rows), tests.get(rule.id, ""))
        for rule, s in found
        if s.verdict in (Verdict.PROPOSED, Verdict.NEAR_MISS)
    )
    undecided = tuple(
        f"{rule.id}: {s.describe(rows)}, too few to tell it from chance ({s.chance})"
        for rule, s in found
        if s.verdict is Verdict.CANNOT_TELL
    )
    from statcheck.suggest._hierarchy import as_hierarchies

    return as_hierarchies(proposed), undecided


def _rate_rule(s: FoundRate, names: tuple[str, ...], taken: set[str]) -> Rule:
    """A rate a year as ``kind: rate`` (validate takes each period's length); a constant
    factor as a ``ratio`` with that scale."""
    share, part, whole = names[s.share], names[s.part], names[s.whole]
    if s.per is not None:
        rule_id = _unique(f"{share}-is-{part}-per-{whole}-a-{s.per}", taken)
        return build.rate(
            rule_id, over="metric", rate=share, total=part, of=whole, per=s.per, scale=s.scale
        )
    rule_id = _unique(f"{share}-is-{part}-over-{whole}", taken)
    return build.ratio(rule_id, over="metric", part=part, whole=whole, share=share, scale=s.scale)


def _series_rule(f: FoundChange | FoundCumulative, names: tuple[str, ...], taken: set[str]) -> Rule:
    if isinstance(f, FoundCumulative):
        column = names[f.column]
        rule_id = _unique(f"{column}-never-falls", taken)
        return build.series(rule_id, figures={"metric": column}, cumulative=True)
    change, of = names[f.change], names[f.of]
    said = "change" if f.measure == "absolute" else "percent-change"
    rule_id = _unique(f"{change}-is-the-{said}-of-{of}", taken)
    return build.series(rule_id, change={"metric": change, "of": of, "as": f.measure})


def _partition_rules(
    p: FoundPartition, names: tuple[str, ...], taken: set[str]
) -> list[tuple[Rule, Support]]:
    """The years its months partition and add up to: one rule per column that does (a
    column that is a level or a rate has its months printed but no sum)."""
    out: list[tuple[Rule, Support]] = []
    for j, s in p.adds_up:
        rule_id = _unique(f"{names[j]}-{p.parts}s-make-up-each-year", taken)
        figures = {"metric": names[j]}
        rule = build.partition(rule_id, whole="year", parts=p.parts, add_up=True, figures=figures)
        out.append((rule, s))
    return out


def _series_test(f: FoundChange | FoundCumulative, rows: str) -> str:
    """The test against chance a series relation passed, said in the comment."""
    if isinstance(f, FoundCumulative):
        return (
            f"the test: no fall in {f.support.rows} steps, each as likely to fall as to rise; "
            "a running total, or a level that only grew: drop the rule if it is a level"
        )
    return "the test: a random column over the change's range, within what the levels allow"


def mapping(
    table: WideTable,
    shares: Iterable[FoundShare | FoundRate],
    scales: dict[int, float] | None = None,
) -> TableMapping:
    """The ``table:`` mapping: the period column, each series with its printed precision,
    a share in the unit its scale says, a column printed in thousands with its scale."""
    scales = scales or {}
    units = {s.share: s.unit for s in shares}
    publisher = table.publisher or table.name
    return TableMapping(
        source=SourceSpec(source_id=_slug(publisher), name=publisher, kind=SourceKind.OTHER),
        period=PeriodSpec(
            kind=table.period_kind,
            column=table.period_column,
            year_column=table.period_year_column,
        ),
        series=tuple(
            SeriesSpec(
                column=name,
                metric=name,
                unit=units.get(j, "percent" if table.prints_percent(j) else NUMBER_UNIT),
                scale=scales.get(j, 1.0),
                precision=table.precision(j),
            )
            for j, name in enumerate(table.series)
        ),
        missing_values=tuple((m, "not-available") for m in table.markers),
    )


def suite_of(
    table: WideTable,
    suite_id: str,
    found: tuple[Relation, ...],
    m: TableMapping,
    schema: TableSchema | None = None,
) -> Suite:
    return build.suite(
        suite_id,
        [r.rule for r in found],
        description=f"Suggested by statcheck suggest from {table.name}: review before use.",
        table=m,
        schema=schema,
    )


def suite_yaml(suite: Suite, found: tuple[Relation, ...], notes: Iterable[str]) -> str:
    """The suite as YAML, each rule after a comment with its evidence."""
    head: dict[str, Any] = suite.to_mapping()
    head.pop("rules")
    lines = [
        "# Written by `statcheck suggest`. Review it: name each series' unit and scale",
        "# (every count is `number` until you do), and read each near-miss's rows: they",
        "# are what `statcheck validate` will report as failing.",
        *(f"# {note}" for note in notes),
        dump_yaml(head).rstrip("\n"),
        "rules:",
    ]
    for relation in found:
        lines.append(f"  # {relation.comment()}")
        rule = dump_yaml([relation.rule.to_mapping(skipped=suite.skipped)]).rstrip("\n")
        lines += [f"  {line}" for line in rule.splitlines()]
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "table"


def _unique(text: str, taken: set[str]) -> str:
    base = _slug(text)
    rule_id, n = base, 2
    while rule_id in taken:
        rule_id, n = f"{base}-{n}", n + 1
    taken.add(rule_id)
    return rule_id
