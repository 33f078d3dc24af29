"""A localisation in sentences: one per failing finding, as the terminal prints them."""

from __future__ import annotations

import math

from statcheck.localisation._model import (
    Component,
    Culprit,
    CulpritSet,
    Localisation,
    LocatedFinding,
)
from statcheck.model.interval import format_number


def describe(loc: Localisation) -> list[str]:
    """A line per failing finding, then the rules left out of the problem."""
    lines = [_finding_line(f, loc) for f in loc.findings]
    lines += [f"left out: {rule} ({kind}): {why}" for rule, kind, why in loc.left_out]
    return lines


def _finding_line(finding: LocatedFinding, loc: Localisation) -> str:
    head = f"{finding.rule_id} [{finding.slug}] {', '.join(finding.figures[:3])}"
    if len(finding.figures) > 3:
        head += ", …"
    if finding.component is None:
        return f"{head}: {finding.note}"
    return f"{head}: {culprits_sentence(loc.component(finding.component))}"


def culprits_sentence(component: Component) -> str:
    """ "most likely wrong: X; changing it to between A and B makes all 2 rules that use
    it hold; alternative: Y and Z"."""
    if not component.sets:
        return "no set of changes lets every rule here hold: the rules contradict each other"
    best, *others = component.sets
    text = f"most likely wrong: {_names(best)}; {_change(best)}"
    if others:
        text += "; alternative: " + "; or ".join(_names(s) for s in others)
        if component.more_alternatives:
            text += " (and maybe more, equally likely)"
    return text


def _names(found: CulpritSet) -> str:
    ids = list(found.ids)
    return ids[0] if len(ids) == 1 else ", ".join(ids[:-1]) + " and " + ids[-1]


def _change(found: CulpritSet) -> str:
    if len(found.culprits) == 1:
        (culprit,) = found.culprits
        n = len(culprit.rules)
        rules = {1: "the rule that uses it", 2: "both rules that use it"}.get(
            n, f"all {n} rules that use it"
        )
        return f"changing it to {_range(culprit)} makes {rules} hold"
    parts = [f"{c.figure_id} to {_range(c)}" for c in found.culprits]
    return "changing " + ", ".join(parts) + " together makes every rule that uses them hold"


def _range(culprit: Culprit) -> str:
    low, high = culprit.low, culprit.high
    if low is None and high is None:
        return "some other value (any, as the others change with it)"
    if low is None:
        return f"at most {_number(high, up=False)}"
    if high is None:
        return f"at least {_number(low, up=True)}"
    whole = math.ceil(low - 1e-6)
    if high - low < 1:  # one value, give or take the tolerance's last bits
        return format_number(float(whole) if whole <= high + 1e-6 else _tidy((low + high) / 2))
    return f"between {_number(low, up=True)} and {_number(high, up=False)}"


def _number(x: float | None, *, up: bool) -> str:
    """A range end rounded inwards to a whole number (the range is wider than one); the
    last bits of the solver's arithmetic do not push it a whole unit."""
    assert x is not None
    return format_number(float(math.ceil(x - 1e-6) if up else math.floor(x + 1e-6)))


def _tidy(x: float) -> float:
    return float(round(x, 6))
