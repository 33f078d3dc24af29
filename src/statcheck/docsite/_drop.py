"""A drop's page: the problems that stopped it, what needs attention (each rule by the
finding that failed it, figures printed twice as one cause), every rule's result with its
findings (many of one form as one table and one chart of the gap over time), an interval
chart for a failing numeric finding, a timeline for a period mismatch, a graph of each
citation chain, and the figures involved."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from statcheck.docsite._charts import (
    CitationGraph,
    IntervalChart,
    interval_chart,
)
from statcheck.docsite._collect import (
    DropEntry,
    SuiteHistory,
    safe_name,
)
from statcheck.docsite._common import (
    STATUS_MEANING,
    STATUS_ORDER,
    as_list,
    bounds,
    findings_csv,
    finite,
    interval_text,
    num,
    write,
)
from statcheck.docsite._figures import (
    MAX_FIGURES_PER_RULE,
    Details,
    FigureView,
    details,
    figure_view,
    graph,
    primary_kinds,
)
from statcheck.docsite._forms import (
    DUPLICATE_SLUGS,
    Cause,
    FormView,
    RuleFindings,
    duplicate_causes,
    first_figures,
    forms_of,
    own_first,
)
from statcheck.docsite._index import drop_row
from statcheck.docsite._labels import CHART_LABELS, KIND_FINDINGS, KIND_ITEM, KIND_LABEL
from statcheck.docsite._timecharts import PeriodRow, Timeline, period_timeline
from statcheck.model.period import Period
from statcheck.report import Finding, Report, RuleResult

MAX_FINDINGS_PER_RULE = 40  # findings shown in full per rule; the findings CSV has them all


MAX_CHARTS_PER_RULE = 12


MAX_GRAPHS_PER_RULE = 8


PAGE_FINDINGS_BUDGET = 400  # findings shown on one page, across its rules (keeps pages small)


CHAIN_SLUGS = {
    "no-primary-source",
    "unresolved-citation",
    "citation-cycle",
    "source-cycle",
    "cited-figure-disagrees",
    "unknown-source",
}


@dataclass
class FindingView:
    slug: str
    explanation: str
    figures: list[str]
    reported: str | None
    expected: str | None
    gap: str | None
    tolerance: str | None
    chart: IntervalChart | None = None
    timeline: Timeline | None = None  # a period-mismatch: the periods, not the values
    form: str | None = None  # the slug of the form it is shown under, if any
    explain_chart: bool = False  # the first chart of a rule says how to read it
    graphs: list[CitationGraph] = field(default_factory=list)
    culprits: str | None = None  # with --locate: which figures are most likely wrong
    blamed: bool = False  # ... a set of figures, not why there is none


@dataclass
class RuleView:
    rule: str
    anchor: str
    kind: str
    kind_label: str
    status: str
    description: str
    summary: str  # its first own finding's explanation, or what the status means
    headline_slug: str | None
    findings: list[FindingView]
    more: int  # findings not shown
    figures: list[FigureView]
    more_figures: int
    error: dict[str, Any] | None
    counts: str | None = None  # what the rule checked, in one line (None: a rule in error)
    item: str | None = None  # what one item of the counts is, for the kind
    forms: list[FormView] = field(default_factory=list)
    total_findings: int = 0
    culprits: str | None = None  # with --locate: what localisation says of its headline
    blamed: bool = False  # ... a set of figures, not why there is none
    located: bool = False  # a figure in its table is highlighted as a culprit


TIMELINE_SLUGS = {"period-mismatch"}  # findings about periods: drawn as a timeline


def write_drop(
    env: Any, hist: SuiteHistory, entry: DropEntry, folder: Path, roots: list[Path]
) -> Path:
    rep = entry.report
    report = rep.report
    found = details(rep, roots)
    periods = _periods(report, found)
    rules, hidden_total = _rule_views(report, found, periods)
    csv_name = f"{rep.slug}.findings.csv"
    (folder / csv_name).write_text(findings_csv(report, periods), encoding="utf-8", newline="")
    problems = [r for r in rules if r.status != "pass"]
    causes = duplicate_causes(
        [RuleFindings(r.rule, r.anchor, r.status, tuple(res.findings))
         for r, res in zip(rules, _ordered(report), strict=True) if r.status != "pass"],
        periods,
    )  # fmt: skip
    html = env.get_template("drop.html").render(
        page_title=f"{rep.drop_id} · {hist.suite_id}",
        up="../",
        suite={"id": hist.suite_id, "slug": hist.slug, "description": hist.description},
        drop=drop_row(entry),
        drop_path=report.drop.get("path"),
        drop_description=found.description,
        suite_file=report.suite.get("file"),
        report_path=rep.path.as_posix(),
        errors=[e.to_dict() for e in report.errors],
        rules=rules,
        attention=attention(problems, causes),
        details_note=found.note,
        hidden_total=hidden_total,
        csv_name=csv_name,
    )
    return write(folder / f"{rep.slug}.html", html)


def _ordered(report: Report) -> list[RuleResult]:
    """Rules errors first, then failures, undetermined and passes; in suite order within."""
    return [
        res
        for _, res in sorted(
            enumerate(report.results),
            key=lambda ir: (STATUS_ORDER.get(ir[1].status.value, 0), ir[0]),
        )
    ]


def _periods(report: Report, found: Details) -> dict[str, Period]:
    """The period of each figure a finding is about (and of every duplicated figure), in
    one lookup: what the tables, the charts over time and the CSV's period column show."""
    if found.lookup is None:
        return {}
    findings = [f for res in report.results for f in res.findings]
    ids = first_figures(findings)
    ids += [fid for f in findings if f.slug in DUPLICATE_SLUGS for fid in f.figures]
    return {fid: fig.period for fid, fig in found.lookup.figures(ids).items()}


def _rule_views(
    report: Report, found: Details, periods: dict[str, Period]
) -> tuple[list[RuleView], int]:
    """Every rule's view, errors and failures first; a page shows at most
    PAGE_FINDINGS_BUDGET findings. Also how many findings it leaves out."""
    budget = PAGE_FINDINGS_BUDGET
    hidden_total = 0
    views = []
    anchors: set[str] = set()
    for res in _ordered(report):
        findings = own_first(res.findings)
        shown = findings[: max(0, min(MAX_FINDINGS_PER_RULE, budget))]
        budget -= len(shown)
        more = len(findings) - len(shown)
        hidden_total += more
        anchor = safe_name("rule-" + res.rule, anchors)
        forms = forms_of(findings, KIND_FINDINGS.get(res.kind, {}), periods,
                         CHART_LABELS.get(res.kind, ("reported", "expected")))  # fmt: skip
        views.append(_rule_view(res, shown, more, found, anchor, forms))
    return views, hidden_total


def _rule_view(
    res: RuleResult,
    shown: list[Finding],
    more: int,
    found: Details,
    anchor: str,
    forms: list[FormView],
) -> RuleView:
    kind, status = res.kind, res.status.value
    suspected = _suspected(shown)
    ids = list(dict.fromkeys([*_figure_ids(res, shown, found), *suspected]))
    figs = found.lookup.figures(ids[:MAX_FIGURES_PER_RULE]) if found.lookup else {}
    primary = primary_kinds(found, res.rule)
    in_forms = {f.slug for f in forms}
    finding_views = _finding_views(shown, kind, status, found, figs, primary, in_forms)
    summary = finding_views[0].explanation if finding_views else STATUS_MEANING.get(status, "")
    error = None
    if res.error is not None:
        error = {"slug": res.error_slug, "message": res.error, "internal": res.internal}
        if res.error:
            summary = res.error
    return RuleView(
        rule=res.rule,
        anchor=anchor,
        kind=kind,
        kind_label=KIND_LABEL.get(kind, kind),
        status=status if status in STATUS_ORDER else "error",
        description=" ".join((res.description or "").split()),
        summary=summary,
        headline_slug=finding_views[0].slug if finding_views and error is None else None,
        findings=finding_views,
        more=more,
        figures=[
            replace(figure_view(fid, figs.get(fid), found, primary), culprit=suspected.get(fid, ""))
            for fid in ids[:MAX_FIGURES_PER_RULE]
        ],
        more_figures=max(0, len(ids) - MAX_FIGURES_PER_RULE),
        error=error,
        counts=res.describe(),  # the counts, and a kind's summary (agreement)
        item=KIND_ITEM.get(kind),
        forms=forms,
        total_findings=len(res.findings),
        culprits=finding_views[0].culprits if finding_views and error is None else None,
        blamed=bool(finding_views and finding_views[0].blamed),
        located=any(fid in suspected for fid in ids[:MAX_FIGURES_PER_RULE]),
    )


def _suspected(shown: list[Finding]) -> dict[str, str]:
    """The figures localisation blames in the findings shown: ``most-likely`` for those of
    a finding's most likely set, ``alternative`` for those only in an as likely set."""
    out: dict[str, str] = {}
    for f in shown:
        if f.culprits is not None:
            out.update(dict.fromkeys(f.culprits.suspects, "most-likely"))
    for f in shown:
        if f.culprits is not None:
            for fid in f.culprits.also_suspected:
                out.setdefault(fid, "alternative")
    return out


def _figure_ids(res: RuleResult, shown: list[Finding], found: Details) -> list[str]:
    """The figures a rule's page shows: those its findings name, or for a rule without
    findings the figures it names in the suite."""
    ids = [fid for f in shown for fid in f.figures]
    if not ids and found.suite is not None:
        try:
            rule = found.suite.rule(res.rule)
            ids = [r.figure_id for r in rule.refs() if hasattr(r, "figure_id")]
        except KeyError:
            pass
    return list(dict.fromkeys(ids))


def _finding_views(
    shown: list[Finding],
    kind: str,
    status: str,
    found: Details,
    figs: dict[str, Any],
    primary: set[str],
    in_forms: set[str],
) -> list[FindingView]:
    """The findings shown, with a chart for the first failing numeric ones (a timeline for
    those about periods) and a graph of the citation chains of those about citations. A
    finding of a form is drawn once, in its form's chart."""
    views: list[FindingView] = []
    for i, f in enumerate(shown):
        view = _finding_view(f)
        if f.slug in in_forms:
            view.form = f.slug
        elif f.slug in TIMELINE_SLUGS:
            view.timeline = _timeline(f, figs, found)
        elif status == "fail" and i < MAX_CHARTS_PER_RULE and (view.reported or view.expected):
            view.chart = _chart(f, kind, _culprit_sides(f))
            view.explain_chart = view.chart is not None and not any(v.chart for v in views)
        if found.lookup and f.slug in CHAIN_SLUGS and i < MAX_GRAPHS_PER_RULE:
            # A cycle of figures is one graph, drawn from its first figure.
            for fid in view.figures[: 1 if f.slug == "citation-cycle" else 3]:
                fig = figs.get(fid) or found.lookup.figures([fid]).get(fid)
                if fig is not None:
                    view.graphs.append(graph(found, fig, primary))
        views.append(view)
    return views


def _timeline(f: Finding, figs: dict[str, Any], found: Details) -> Timeline | None:
    """The periods of a finding's figures, its first (the total) against the others."""
    missing = [fid for fid in f.figures if fid not in figs]
    if missing and found.lookup is not None:
        figs = figs | found.lookup.figures(missing)
    rows = [
        PeriodRow(fid, "total" if i == 0 else "part", fig.period.start, fig.period.end,
                  fig.period.describe())
        for i, fid in enumerate(f.figures)
        if (fig := figs.get(fid)) is not None
    ]  # fmt: skip
    if len(rows) < len(f.figures):
        return None  # a timeline missing a figure would mislead
    return period_timeline(f"The periods of {f.figures[0]} and its parts", rows)


def _culprit_sides(f: Finding) -> frozenset[str]:
    """The bars of a finding's chart with a most likely wrong figure: ``reported`` (its
    first figure: the total, the left side), ``expected`` (the others)."""
    suspects = set(f.culprits.suspects) if f.culprits is not None else set()
    sides = {"reported"} if f.figures[:1] and f.figures[0] in suspects else set()
    if suspects & set(f.figures[1:]):
        sides.add("expected")
    return frozenset(sides)


def _finding_view(f: Finding) -> FindingView:
    gap, tolerance = finite(f.gap), finite(f.tolerance)
    return FindingView(
        slug=f.slug,
        explanation=f.explanation,
        figures=list(f.figures),
        reported=interval_text(as_list(f.reported)),
        expected=interval_text(as_list(f.expected)),
        gap=num(gap) if gap is not None else None,
        tolerance=num(tolerance) if tolerance is not None else None,
        culprits=f.culprits_text,
        blamed=f.culprits is not None and bool(f.culprits.sentence),
    )


def _chart(f: Finding, kind: str, culprits: frozenset[str] = frozenset()) -> IntervalChart | None:
    rep_label, exp_label = CHART_LABELS.get(kind, ("reported", "expected"))
    rows: list[tuple[str, str, float | None, float | None]] = []
    rep, exp = bounds(as_list(f.reported)), bounds(as_list(f.expected))
    if rep is not None:
        rows.append((rep_label, "reported", *rep))
    if exp is not None:
        rows.append((exp_label, "expected", *exp))
        tol = finite(f.tolerance)
        if tol is not None and tol > 0:
            lo, hi = exp
            rows.append((f"{exp_label} ± tolerance", "tolerance",
                         None if lo is None else lo - tol, None if hi is None else hi + tol))  # fmt: skip
    ids = list(f.figures)
    title = f"{rep_label} against {exp_label}" + (f" ({ids[0]})" if ids else "")
    return interval_chart(title, rows, finite(f.gap), culprits)


def attention(problems: list[RuleView], causes: list[Cause]) -> list[tuple[str, Any]]:
    """What needs attention, in the order of the rules: each rule by its headline, except
    that the rules a duplicated figure alone failed are one item, the cause."""
    cause_of = {r.rule: c for c in causes for r in c.failed}
    items: list[tuple[str, Any]] = []
    listed: list[Cause] = []
    for r in problems:
        cause = cause_of.get(r.rule)
        if cause is None:
            items.append(("rule", r))
        elif cause not in listed:
            items.append(("cause", cause))
            listed.append(cause)
    # a cause every rule reports beside findings of its own is still one line, last
    items.extend(("cause", c) for c in causes if c not in listed)
    return items
