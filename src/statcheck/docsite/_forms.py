"""What an analyst reads first: a rule's own finding before the notes every rule can
make, many findings of one form as one table and one chart of the gap over time, and
figures printed twice as one cause however many rules they touch.

This works on a report's findings (records already made by the engine), never on a
drop's rows; the periods it needs come from one lookup by id (see ``_drop``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from statcheck.contract.rules.base import COMMON_FINDINGS
from statcheck.docsite._common import as_list, finite, interval_text, num
from statcheck.docsite._timecharts import GapChart, PeriodGaps, gap_over_time
from statcheck.model.period import Period
from statcheck.report import Finding

COMMON_SLUGS = frozenset(COMMON_FINDINGS)

# A figure printed twice for the same thing: each rule's note that it left the copies out,
# and the `schema:` section's `unique` check (its finding is named after the key).
DUPLICATE_SLUGS = frozenset({"duplicate-figure", "duplicate-key"})

FORM_AT = 3  # findings of one form, each with a gap, shown as one table and one chart
MAX_FORM_ROWS = 80  # periods listed in a form's table; the chart and the CSV have them all


def own_first(findings: Iterable[Finding]) -> list[Finding]:
    """A rule's findings, those of its own kind first, the common notes (a figure printed
    twice, items skipped, a figure missing) after: the first is what failed the rule."""
    return sorted(findings, key=lambda f: f.slug in COMMON_SLUGS)


def signed_gap(f: Finding) -> float | None:
    """The gap with a direction: above zero when the reported figure is the larger."""
    gap = finite(f.gap)
    if gap is None or f.reported is None or f.expected is None:
        return None
    return -gap if f.reported.high <= f.expected.low and gap > 0 else gap


def first_figures(findings: Iterable[Finding]) -> list[str]:
    """The figure each finding is about (its first): what its period is read from."""
    return [f.figures[0] for f in findings if f.figures]


@dataclass(frozen=True)
class FormRow:
    """One period of a form: how many findings, their gaps, and the largest of them."""

    period: str
    count: int
    gap: str
    figure: str  # the figure of the largest gap
    reported: str
    expected: str
    culprits: str = ""  # with --locate: the most likely wrong figures of that finding


@dataclass(frozen=True)
class FormView:
    slug: str
    meaning: str  # what the slug means, from the rule kind's declaration
    count: int
    above: int  # findings whose reported figure is the larger
    below: int
    rows: tuple[FormRow, ...]
    more_rows: int
    chart: GapChart | None
    by_period: bool  # rows are periods (else figures: their periods are not known)
    labels: tuple[str, str] = ("reported", "expected")  # the kind's names for the two sides
    located: bool = False  # its findings carry culprits (--locate): a column says which


def forms_of(
    findings: Sequence[Finding],
    meanings: dict[str, str],
    periods: dict[str, Period],
    labels: tuple[str, str] = ("reported", "expected"),
) -> list[FormView]:
    """The forms among a rule's findings: a slug with FORM_AT or more findings that each
    have a gap. ``periods`` maps a figure id to its period (empty when the drop is gone)."""
    by_slug: dict[str, list[tuple[Finding, float]]] = {}
    for f in findings:
        gap = signed_gap(f)
        if gap is not None and f.slug not in COMMON_SLUGS:
            by_slug.setdefault(f.slug, []).append((f, gap))
    return [
        _form(slug, items, meanings.get(slug, ""), periods, labels)
        for slug, items in by_slug.items()
        if len(items) >= FORM_AT
    ]


def _form(
    slug: str,
    items: list[tuple[Finding, float]],
    meaning: str,
    periods: dict[str, Period],
    labels: tuple[str, str],
) -> FormView:
    # One row per period when the drop gives the periods, else one per figure.
    groups: dict[Period | str, list[tuple[Finding, float]]] = {}
    for f, gap in items:
        groups.setdefault(periods.get(_first(f)) or _first(f), []).append((f, gap))
    keys: list[Period | str] = [
        *sorted(k for k in groups if isinstance(k, Period)),
        *sorted(k for k in groups if isinstance(k, str)),
    ]
    rows, spans = [], []
    for key in keys:
        group = groups[key]
        gaps = [g for _, g in group]
        biggest, _ = max(group, key=lambda fg: abs(fg[1]))
        low, high = min(gaps), max(gaps)
        label = key.describe() if isinstance(key, Period) else key
        blamed = _blamed(biggest)
        rows.append(FormRow(
            period=label, count=len(group),
            gap=_signed(low) if low == high else f"{_signed(low)} to {_signed(high)}",
            figure=_first(biggest),
            reported=interval_text(as_list(biggest.reported)) or "",
            expected=interval_text(as_list(biggest.expected)) or "",
            culprits=blamed,
        ))  # fmt: skip
        if isinstance(key, Period):
            spans.append(PeriodGaps(key.start, key.end, label, low, high, len(group), blamed))
    chart = gap_over_time(f"The gap of each {slug} finding over time", spans, f"“{labels[0]}”")
    return FormView(
        slug=slug,
        meaning=meaning,
        count=len(items),
        above=sum(1 for _, g in items if g > 0),
        below=sum(1 for _, g in items if g < 0),
        rows=tuple(rows[:MAX_FORM_ROWS]),
        more_rows=max(0, len(rows) - MAX_FORM_ROWS),
        chart=chart,
        by_period=len(spans) == len(rows),
        labels=labels,
        located=any(f.culprits is not None for f, _ in items),
    )


def _blamed(f: Finding) -> str:
    """``population|HIC|1960 (or 3 as likely)``: a finding's most likely wrong figures."""
    c = f.culprits
    if c is None or not c.suspects:
        return ""
    n = len(c.alternatives)
    more = f" (or {n} as likely{' and maybe more' if c.more_alternatives else ''})" if n else ""
    return " and ".join(c.suspects) + more


def _first(f: Finding) -> str:
    return f.figures[0] if f.figures else ""


def _signed(v: float) -> str:
    return ("+" if v > 0 else "") + num(v).replace("-", "−")


# ---------------------------------------------------------------- causes


@dataclass(frozen=True)
class CauseRule:
    """A rule a cause touches: its anchor on the page, status, and whether the cause is
    all it found (then it is not listed again on its own)."""

    rule: str
    anchor: str
    status: str
    slug: str
    only_cause: bool


@dataclass(frozen=True)
class Cause:
    """Figures printed more than once for the same thing, and every rule they touched."""

    figures: tuple[str, ...]
    periods: tuple[str, ...]
    rules: tuple[CauseRule, ...]

    @property
    def failed(self) -> tuple[CauseRule, ...]:
        """The rules this cause failed or left undetermined on its own."""
        return tuple(r for r in self.rules if r.only_cause)

    @property
    def noted(self) -> tuple[CauseRule, ...]:
        """The rules that left the figures out and reported the rest of their own."""
        return tuple(r for r in self.rules if not r.only_cause)


@dataclass(frozen=True)
class RuleFindings:
    """What the causes need of a rule that did not pass."""

    rule: str
    anchor: str
    status: str
    findings: tuple[Finding, ...]


def duplicate_causes(rules: Sequence[RuleFindings], periods: dict[str, Period]) -> list[Cause]:
    """The findings about duplicated figures across rules, joined when they share a figure:
    one year printed twice is one cause, not a headline per rule it touched."""
    groups: list[tuple[set[str], list[tuple[RuleFindings, Finding]]]] = []
    for r in rules:
        for f in r.findings:
            if f.slug not in DUPLICATE_SLUGS:
                continue
            ids = set(f.figures)
            joined = [g for g in groups if g[0] & ids]
            merged: tuple[set[str], list[tuple[RuleFindings, Finding]]] = (ids, [(r, f)])
            for g in joined:
                merged[0].update(g[0])
                merged[1][:0] = g[1]
                groups.remove(g)
            groups.append(merged)
    return [_cause(items, periods) for _, items in groups]


def _cause(items: list[tuple[RuleFindings, Finding]], periods: dict[str, Period]) -> Cause:
    figures = list(dict.fromkeys(fid for _, f in items for fid in f.figures))
    seen = [periods[fid] for fid in figures if fid in periods]
    rules: dict[str, CauseRule] = {}
    for r, f in items:
        if r.rule not in rules:
            only = all(g.slug in DUPLICATE_SLUGS or g.slug in COMMON_SLUGS for g in r.findings)
            rules[r.rule] = CauseRule(r.rule, r.anchor, r.status, f.slug, only)
    return Cause(
        figures=tuple(figures),
        periods=tuple(dict.fromkeys(p.describe() for p in sorted(seen))),
        rules=tuple(rules.values()),
    )
