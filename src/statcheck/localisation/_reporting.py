"""A localisation written into the report: each failing finding with its culprits.

The report's ``culprits`` (``statcheck.report.Culprits``) holds a component's smallest
sets in the very form ``statcheck locate --json`` writes them (``CulpritSet.to_dict``),
read back by the report, with the sentence people read (``culprits_sentence``): a
report read from disk shows the same culprits without solving anything again.
"""

from __future__ import annotations

from dataclasses import replace

from statcheck.localisation._model import Localisation, LocatedFinding
from statcheck.localisation._text import culprits_sentence
from statcheck.report import (
    Culprits,
    CulpritSet,
    Finding,
    LocalisationSummary,
    Report,
    RuleResult,
    Status,
)

__all__ = ["with_culprits"]

_Key = tuple[str, str, tuple[str, ...]]  # a finding: its rule, slug and figures


def with_culprits(loc: Localisation) -> Report:
    """``loc.report`` with each failing finding's culprits (or why it has none) and the
    localisation's summary: weights, components solved, rules left out."""
    located = {(f.rule_id, f.slug, f.figures): f for f in loc.findings}
    by_component: dict[int, Culprits] = {}  # findings of one component share its culprits
    results = tuple(_result(r, located, loc, by_component) for r in loc.report.results)
    summary = LocalisationSummary(loc.weights.to_dict(), len(loc.components), loc.left_out)
    return replace(loc.report, results=results, localisation=summary)


def _result(
    res: RuleResult,
    located: dict[_Key, LocatedFinding],
    loc: Localisation,
    by_component: dict[int, Culprits],
) -> RuleResult:
    if res.status is not Status.FAIL:
        return res
    findings = []
    for f in res.findings:
        where = located.get((res.rule, f.slug, tuple(f.figures)))
        findings.append(f if where is None else _with(f, where, loc, by_component))
    return replace(res, findings=tuple(findings))


def _with(
    f: Finding, where: LocatedFinding, loc: Localisation, by_component: dict[int, Culprits]
) -> Finding:
    number = where.component
    if number is None:
        return f.with_culprits(Culprits(None, note=where.note))
    if number not in by_component:
        component = loc.component(number)
        sets = [CulpritSet.from_dict(s.to_dict()) for s in component.sets]
        by_component[number] = Culprits(
            number,
            sets[0] if sets else None,
            tuple(sets[1:]),
            component.more_alternatives,
            culprits_sentence(component),
        )
    return f.with_culprits(by_component[number])
