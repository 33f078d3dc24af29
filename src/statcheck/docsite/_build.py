"""Build the site: read the reports, look the figures up in their drops, render the pages.

Everything from a report, a drop or a suite reaches the page through Jinja2 with
autoescaping on, so an id or a note that holds markup shows as text. Each page also
carries a Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

import csv
import io
import math
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from statcheck.docsite._charts import (
    CitationGraph,
    IntervalChart,
    citation_graph,
    interval_chart,
    status_bar,
)
from statcheck.docsite._collect import (
    STATUSES,
    DropEntry,
    DropReport,
    SuiteHistory,
    group_by_suite,
    load_reports,
    safe_name,
)
from statcheck.docsite._labels import CHART_LABELS, KIND_LABEL
from statcheck.errors import StatcheckError

MAX_FINDINGS_PER_RULE = 40  # findings shown in full per rule; the CSV and JSON have them all
MAX_CHARTS_PER_RULE = 12
MAX_FIGURES_PER_RULE = 40
MAX_GRAPHS_PER_RULE = 8
PAGE_FINDINGS_BUDGET = 400  # findings shown on one page, across its rules (keeps pages small)
DATA_DOCS = Path("gx") / "data_docs" / "local_site"  # beside the site, if built

STATUS_ORDER = {"error": 0, "fail": 1, "undetermined": 2, "pass": 3}
STATUS_LABEL = {
    "pass": "pass",
    "fail": "fail",
    "undetermined": "undetermined",
    "error": "error",
}
STATUS_MEANING = {
    "pass": "the figures agree",
    "fail": "the figures disagree",
    "undetermined": "a figure it needs is missing, so it could not be checked",
    "error": "the rule could not be evaluated",
}
CHAIN_SLUGS = {
    "no-primary-source",
    "unresolved-citation",
    "citation-cycle",
    "cited-figure-disagrees",
    "unknown-source",
}


# ---------------------------------------------------------------- page models


@dataclass
class FigureView:
    figure_id: str
    found: bool
    value: str = ""
    unit: str = ""
    qualifier: str = ""
    interval: str = ""
    period: str = ""
    period_label: str = ""
    source: str = ""
    source_kind: str = ""
    source_url: str | None = None
    chain: str = ""
    status: str = ""
    published_at: str = ""
    note: str = ""
    dimensions: str = ""


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
    explain_chart: bool = False  # the first chart of a rule says how to read it
    graphs: list[CitationGraph] = field(default_factory=list)


@dataclass
class RuleView:
    rule: str
    anchor: str
    kind: str
    kind_label: str
    status: str
    description: str
    summary: str  # the first finding's explanation, or what the status means
    findings: list[FindingView]
    more: int  # findings not shown
    figures: list[FigureView]
    more_figures: int
    error: dict[str, Any] | None


@dataclass
class Details:
    """What the drop and the suite add to a report: figures, sources, chains."""

    lookup: Any = None  # statcheck.engine.figures.DropFigures
    suite: Any = None  # statcheck.contract.suite.Suite
    note: str | None = None  # why figure details are missing or may be stale
    description: str | None = None


@dataclass(frozen=True)
class SiteBuild:
    """What ``build_site`` wrote."""

    out: Path
    index: Path
    pages: tuple[Path, ...]
    suites: int
    reports: int


# ---------------------------------------------------------------- entry point


def build_site(
    reports: str | Path = Path("build") / "reports",
    out: str | Path = Path("build") / "site",
    root: str | Path | None = None,
) -> SiteBuild:
    """Build the static site from the JSON reports under ``reports`` into ``out``.

    ``root`` is where the reports' relative drop and suite paths start (default: the
    current folder, then the folder two levels above ``reports``, i.e. the project that
    wrote ``build/reports``). A drop or suite that is gone leaves its page built from the
    report alone.
    """
    reports_dir, out_dir = Path(reports), Path(out)
    histories = group_by_suite(load_reports(reports_dir))
    roots = [Path(root)] if root is not None else [Path.cwd(), reports_dir.resolve().parent.parent]
    env = _environment()
    out_dir.mkdir(parents=True, exist_ok=True)
    pages: list[Path] = []
    for hist in histories:
        folder = out_dir / hist.slug
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        for entry in hist.drops:
            pages.append(_write_drop(env, hist, entry, folder, roots))
        pages.append(_write(folder / "index.html", env.get_template("suite.html").render(
            page_title=f"Suite {hist.suite_id}", up="../", suite=_suite_view(hist),
        )))  # fmt: skip
    data_docs = (out_dir.parent / DATA_DOCS).is_dir()
    index = _write(out_dir / "index.html", env.get_template("index.html").render(
        page_title="statcheck results", up="", suites=[_suite_view(h) for h in histories],
        data_docs=f"../{DATA_DOCS.as_posix()}/index.html" if data_docs else None,
        totals=_totals(histories),
    ))  # fmt: skip
    pages.append(index)
    return SiteBuild(
        out_dir, index, tuple(pages), len(histories), sum(len(h.drops) for h in histories)
    )


def _environment() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("statcheck.docsite", "templates"),
        autoescape=True,  # every value from a report, a drop or a suite is data, never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _num
    env.filters["signed"] = _signed
    env.globals.update(STATUS_MEANING=STATUS_MEANING, STATUSES=STATUSES)
    return env


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- index and suite pages


def _suite_view(hist: SuiteHistory) -> dict[str, Any]:
    return {
        "id": hist.suite_id,
        "slug": hist.slug,
        "description": hist.description,
        "file": hist.latest.report.data.get("suite", {}).get("file"),
        "latest": _drop_row(hist.latest),
        "drops": [_drop_row(e) for e in reversed(hist.drops)],  # newest first
    }


def _drop_row(entry: DropEntry) -> dict[str, Any]:
    rep = entry.report
    counts = rep.counts
    return {
        "id": rep.drop_id,
        "slug": rep.slug,
        "published_at": rep.published_at,
        "publisher": rep.data.get("drop", {}).get("publisher") or "",
        "status": rep.status if rep.status in STATUS_ORDER else "error",
        "counts": counts,
        "delta": entry.delta,
        "previous": entry.previous,
        "rules": int((rep.data.get("summary") or {}).get("rules", 0)),
        "bar": status_bar(counts),
        "generated_at": rep.data.get("generated_at") or "",
    }


def _totals(histories: list[SuiteHistory]) -> dict[str, int]:
    out = dict.fromkeys(STATUSES, 0)
    for h in histories:
        for s, n in h.latest.report.counts.items():
            out[s] += n
    return out


# ---------------------------------------------------------------- drop pages


def _write_drop(
    env: Any, hist: SuiteHistory, entry: DropEntry, folder: Path, roots: list[Path]
) -> Path:
    rep = entry.report
    details = _details(rep, roots)
    rules, hidden_total = _rule_views(rep, details)
    json_name, csv_name = f"{rep.slug}.json", f"{rep.slug}.findings.csv"
    shutil.copyfile(rep.path, folder / json_name)
    (folder / csv_name).write_text(findings_csv(rep.data), encoding="utf-8", newline="")
    drop = rep.data.get("drop", {})
    html = env.get_template("drop.html").render(
        page_title=f"{rep.drop_id} · {hist.suite_id}",
        up="../",
        suite={"id": hist.suite_id, "slug": hist.slug, "description": hist.description},
        drop=_drop_row(entry),
        drop_path=drop.get("path"),
        drop_description=details.description,
        suite_file=rep.data.get("suite", {}).get("file"),
        errors=list(rep.data.get("errors") or ()),
        rules=rules,
        problems=[r for r in rules if r.status != "pass"],
        details_note=details.note,
        hidden_total=hidden_total,
        json_name=json_name,
        csv_name=csv_name,
    )
    return _write(folder / f"{rep.slug}.html", html)


def _resolve(path: str | None, roots: list[Path]) -> Path | None:
    if not path:
        return None
    p = Path(path)
    if p.is_absolute():
        return p if p.exists() else None
    for root in roots:
        if (root / p).exists():
            return root / p
    return None


def _details(rep: DropReport, roots: list[Path]) -> Details:
    """The drop and suite behind a report, read again for figure details; a note instead
    when they are gone or changed since the report was made."""
    from statcheck.contract.suite import load_suite
    from statcheck.engine.figures import read_drop_figures

    out = Details()
    suite_info, drop_info = rep.data.get("suite", {}), rep.data.get("drop", {})
    suite_path = _resolve(suite_info.get("file"), roots)
    suite_changed = False
    if suite_path is not None:
        try:
            out.suite = load_suite(suite_path)  # its table mapping names the figures
            suite_changed = (
                bool(suite_info.get("sha256")) and out.suite.sha256 != suite_info["sha256"]
            )
        except StatcheckError:
            pass
    drop_path = _resolve(drop_info.get("path"), roots)
    if drop_path is None:
        out.note = "The drop's files were not found when this page was built: figures are shown as the report names them."
        return out
    try:
        lookup = read_drop_figures(drop_path, out.suite)
    except StatcheckError as exc:
        out.note = (
            f"The drop could not be read when this page was built ({exc.slug}): "
            "figures are shown as the report names them."
        )
        return out
    except Exception as exc:  # a page without details beats no page
        out.note = f"The drop could not be read when this page was built ({type(exc).__name__})."
        return out
    now = lookup.drop.to_report().get("files")
    if drop_info.get("files") and now != drop_info.get("files"):
        out.note = "The drop has changed since this report was made: figure details are not shown."
        return out
    out.lookup = lookup
    out.description = lookup.drop.description
    if suite_changed:
        out.note = "The suite file has changed since this report was made: figure details are read with the current suite."
    return out


def _rule_views(rep: DropReport, details: Details) -> tuple[list[RuleView], int]:
    results = [r for r in rep.data.get("results") or () if isinstance(r, dict)]
    ordered = sorted(
        enumerate(results), key=lambda ir: (STATUS_ORDER.get(str(ir[1].get("status")), 0), ir[0])
    )
    budget = PAGE_FINDINGS_BUDGET
    hidden_total = 0
    views = []
    anchors: set[str] = set()
    for _, res in ordered:
        findings = [f for f in res.get("findings") or () if isinstance(f, dict)]
        shown = findings[: max(0, min(MAX_FINDINGS_PER_RULE, budget))]
        budget -= len(shown)
        hidden_total += len(findings) - len(shown)
        views.append(_rule_view(res, shown, len(findings) - len(shown), details,
                                safe_name("rule-" + str(res.get("rule")), anchors)))  # fmt: skip
    return views, hidden_total


def _rule_view(
    res: dict[str, Any], shown: list[dict[str, Any]], more: int, details: Details, anchor: str
) -> RuleView:
    kind = str(res.get("kind", ""))
    status = str(res.get("status", "error"))
    rule_id = str(res.get("rule", ""))
    ids: list[str] = []
    for f in shown:
        ids.extend(str(i) for i in f.get("figures") or ())
    if not ids and details.suite is not None:  # a rule without findings: the figures it names
        try:
            rule = details.suite.rule(rule_id)
            ids = [r.figure_id for r in rule.refs() if hasattr(r, "figure_id")]
        except KeyError:
            pass
    ids = list(dict.fromkeys(ids))
    figs = details.lookup.figures(ids[:MAX_FIGURES_PER_RULE]) if details.lookup else {}
    primary = _primary_kinds(details, rule_id)
    finding_views: list[FindingView] = []
    for i, f in enumerate(shown):
        view = _finding_view(f, kind)
        if status == "fail" and i < MAX_CHARTS_PER_RULE and (view.reported or view.expected):
            view.chart = _chart(f, kind)
            view.explain_chart = view.chart is not None and not any(v.chart for v in finding_views)
        if details.lookup and f.get("slug") in CHAIN_SLUGS and i < MAX_GRAPHS_PER_RULE:
            for fid in view.figures[:3]:
                fig = figs.get(fid) or details.lookup.figures([fid]).get(fid)
                if fig is not None:
                    view.graphs.append(_graph(details, fig, primary))
        finding_views.append(view)
    summary = finding_views[0].explanation if finding_views else STATUS_MEANING.get(status, "")
    error = res.get("error") if isinstance(res.get("error"), dict) else None
    if error and error.get("message"):
        summary = str(error["message"])
    return RuleView(
        rule=rule_id,
        anchor=anchor,
        kind=kind,
        kind_label=KIND_LABEL.get(kind, kind),
        status=status if status in STATUS_ORDER else "error",
        description=" ".join(str(res.get("description") or "").split()),
        summary=summary,
        findings=finding_views,
        more=more,
        figures=[
            _figure_view(fid, figs.get(fid), details, primary) for fid in ids[:MAX_FIGURES_PER_RULE]
        ],
        more_figures=max(0, len(ids) - MAX_FIGURES_PER_RULE),
        error=error,
    )


def _finding_view(f: dict[str, Any], kind: str) -> FindingView:
    return FindingView(
        slug=str(f.get("slug", "")),
        explanation=str(f.get("explanation", "")),
        figures=[str(i) for i in f.get("figures") or ()],
        reported=_interval_text(f.get("reported")),
        expected=_interval_text(f.get("expected")),
        gap=_num(f["gap"]) if isinstance(f.get("gap"), int | float) else None,
        tolerance=_num(f["tolerance"]) if isinstance(f.get("tolerance"), int | float) else None,
    )


def _bounds(value: Any) -> tuple[float | None, float | None] | None:
    if not (isinstance(value, list) and len(value) == 2):
        return None
    lo, hi = value
    ok = all(v is None or (isinstance(v, int | float) and math.isfinite(v)) for v in (lo, hi))
    return (lo, hi) if ok else None


def _interval_text(value: Any) -> str | None:
    b = _bounds(value)
    if b is None:
        return None
    lo, hi = b
    lo_t = "−∞" if lo is None else _num(lo)
    hi_t = "∞" if hi is None else _num(hi)
    return lo_t if lo_t == hi_t else f"{lo_t} to {hi_t}"


def _chart(f: dict[str, Any], kind: str) -> IntervalChart | None:
    rep_label, exp_label = CHART_LABELS.get(kind, ("reported", "expected"))
    rows: list[tuple[str, str, float | None, float | None]] = []
    rep, exp = _bounds(f.get("reported")), _bounds(f.get("expected"))
    if rep is not None:
        rows.append((rep_label, "reported", *rep))
    if exp is not None:
        rows.append((exp_label, "expected", *exp))
        tol = f.get("tolerance")
        if isinstance(tol, int | float) and tol > 0:
            lo, hi = exp
            rows.append((f"{exp_label} ± tolerance", "tolerance",
                         None if lo is None else lo - tol, None if hi is None else hi + tol))  # fmt: skip
    gap = f.get("gap") if isinstance(f.get("gap"), int | float) else None
    ids = [str(i) for i in f.get("figures") or ()]
    title = f"{rep_label} against {exp_label}" + (f" ({ids[0]})" if ids else "")
    return interval_chart(title, rows, gap)


def _primary_kinds(details: Details, rule_id: str) -> set[str]:
    if details.suite is None:
        return {"official"}
    kinds = {str(k) for k in details.suite.primary_sources}
    try:
        rule = details.suite.rule(rule_id)
        if getattr(rule, "primary", None):
            kinds = {str(k) for k in rule.primary}
    except KeyError:
        pass
    return kinds


def _graph(details: Details, fig: Any, primary: set[str]) -> CitationGraph:
    sources = details.lookup.sources

    def describe_source(sid: str) -> tuple[str, bool]:
        src = sources.get(sid)
        if src is None:
            return f"{sid} (not in the sources table)", False
        return f"{src.name} ({src.kind.value})", src.kind.value in primary

    def describe_figure(step: Any) -> str:
        if step.cycle:
            return f"{step.figure.figure_id}: cited again (a cycle)"
        if step.figure is None:
            return "no figure of its own in this drop"
        value = step.figure.reported.text or _num(step.figure.reported.value)
        return f"{step.figure.figure_id} = {value}"

    return citation_graph(f"Citation chain of {fig.figure_id}", details.lookup.chain(fig),
                          describe_source, describe_figure)  # fmt: skip


def _figure_view(fid: str, fig: Any, details: Details, primary: set[str]) -> FigureView:
    if fig is None or details.lookup is None:
        return FigureView(fid, found=False)
    sources = details.lookup.sources
    src = sources.get(fig.source_id)
    url = src.url if src is not None else None
    return FigureView(
        figure_id=fid,
        found=True,
        value=fig.reported.text or _num(fig.reported.value),
        unit=fig.unit,
        qualifier=fig.reported.qualifier.value,
        interval=_interval_text(fig.interval.to_list()) or "",
        period=fig.period.describe(),
        period_label=fig.period.label(),
        source=f"{src.name}" if src else fig.source_id,
        source_kind=src.kind.value if src else "not in the sources table",
        source_url=url if _safe_url(url) else None,
        chain=_chain_text(details.lookup.chain(fig), sources, primary),
        status=fig.status.value,
        published_at=fig.published_at.isoformat() if fig.published_at else "",
        note=fig.note or "",
        dimensions=", ".join(f"{k}={v}" for k, v in fig.dimensions),
    )


def _chain_text(step: Any, sources: dict[str, Any], primary: set[str]) -> str:
    """``Kyiv Post → Opendatabot → Office of the Prosecutor General (official, primary)``."""

    def name(sid: str) -> str:
        s = sources.get(sid)
        return s.name if s else sid

    paths: list[str] = []

    def walk(node: Any, trail: list[str]) -> None:
        trail = [*trail, name(node.source_id)]
        if not node.cited or node.cycle or node.cut:
            s = sources.get(node.source_id)
            kind = s.kind.value if s else "unknown source"
            end = "primary" if s and kind in primary else "not primary"
            extra = "; cycle" if node.cycle else ("; cut short" if node.cut else "")
            paths.append(" → ".join(trail) + f" ({kind}, {end}{extra})")
            return
        for c in node.cited:
            walk(c, trail)

    if not step.cited:
        s = sources.get(step.source_id)
        kind = s.kind.value if s else "unknown source"
        return f"cites no one ({kind}, {'primary' if s and kind in primary else 'not primary'})"
    walk(step, [])
    return (
        "citations: "
        + "; ".join(paths[:4])
        + (f"; and {len(paths) - 4} more" if len(paths) > 4 else "")
    )


def _safe_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        return urlsplit(url.strip()).scheme in ("http", "https")
    except ValueError:
        return False


# ---------------------------------------------------------------- numbers and CSV


def _num(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    from statcheck.model.interval import format_number

    return format_number(float(x))


def _signed(n: int) -> str:
    return f"+{n}" if n > 0 else (f"−{-n}" if n < 0 else "±0")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A text cell a spreadsheet will not run as a formula (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def findings_csv(report: dict[str, Any]) -> str:
    """Every finding of a report, one row each, safe to open in a spreadsheet."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["rule", "kind", "rule_status", "slug", "figures", "explanation",
                "reported_low", "reported_high", "expected_low", "expected_high",
                "gap", "tolerance"])  # fmt: skip
    for res in report.get("results") or ():
        for f in res.get("findings") or ():
            rep = _bounds(f.get("reported")) or (None, None)
            exp = _bounds(f.get("expected")) or (None, None)
            row: Iterable[Any] = [
                res.get("rule"), res.get("kind"), res.get("status"), f.get("slug"),
                ";".join(str(i) for i in f.get("figures") or ()), f.get("explanation"),
                *rep, *exp, f.get("gap"), f.get("tolerance"),
            ]  # fmt: skip
            w.writerow(
                [csv_cell(v) if isinstance(v, str) else ("" if v is None else v) for v in row]
            )
    return buf.getvalue()
