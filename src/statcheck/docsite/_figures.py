"""The figures a drop page shows: looked up again in the drop and the suite behind the
report (``Details``), each with its value, interval, source and citation chain."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from statcheck.docsite._charts import (
    CitationGraph,
    citation_graph,
)
from statcheck.docsite._collect import (
    DropReport,
)
from statcheck.docsite._common import interval_text, num
from statcheck.errors import StatcheckError

MAX_FIGURES_PER_RULE = 40


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
    culprit: str = ""  # with --locate: "most-likely" or "alternative" (an as likely set)


@dataclass
class Details:
    """What the drop and the suite add to a report: figures, sources, chains."""

    lookup: Any = None  # statcheck.engine.figures.DropFigures
    suite: Any = None  # statcheck.contract.suite.Suite
    note: str | None = None  # why figure details are missing or may be stale
    description: str | None = None


def resolve(path: str | None, roots: list[Path]) -> Path | None:
    if not path:
        return None
    p = Path(path)
    if p.is_absolute():
        return p if p.exists() else None
    for root in roots:
        if (root / p).exists():
            return root / p
    return None


def details(rep: DropReport, roots: list[Path]) -> Details:
    """The drop and suite behind a report, read again for figure details; a note instead
    when they are gone or changed since the report was made."""
    from statcheck.checking import read_drop_figures
    from statcheck.contract.suite import load_suite

    out = Details()
    suite_info, drop_info = rep.report.suite, rep.report.drop
    suite_path = resolve(suite_info.get("file"), roots)
    suite_changed = False
    if suite_path is not None:
        try:
            out.suite = load_suite(suite_path)  # its table mapping names the figures
            suite_changed = (
                bool(suite_info.get("sha256")) and out.suite.sha256 != suite_info["sha256"]
            )
        except StatcheckError:
            pass
    drop_path = resolve(drop_info.get("path"), roots)
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


def primary_kinds(details: Details, rule_id: str) -> set[str]:
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


def graph(details: Details, fig: Any, primary: set[str]) -> CitationGraph:
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
        value = step.figure.reported.text or num(step.figure.reported.value)
        return f"{step.figure.figure_id} = {value}"

    return citation_graph(f"Citation chain of {fig.figure_id}", details.lookup.chain(fig),
                          describe_source, describe_figure)  # fmt: skip


def figure_view(fid: str, fig: Any, details: Details, primary: set[str]) -> FigureView:
    if fig is None or details.lookup is None:
        return FigureView(fid, found=False)
    sources = details.lookup.sources
    src = sources.get(fig.source_id)
    url = src.url if src is not None else None
    return FigureView(
        figure_id=fid,
        found=True,
        value=fig.reported.text or num(fig.reported.value),
        unit=fig.unit,
        qualifier=fig.reported.qualifier.value,
        interval=interval_text(fig.interval.to_list()) or "",
        period=fig.period.describe(),
        period_label=fig.period.label(),
        source=f"{src.name}" if src else fig.source_id,
        source_kind=src.kind.value if src else "not in the sources table",
        source_url=url if safe_url(url) else None,
        chain=chain_text(details.lookup.chain(fig), sources, primary),
        status=fig.status.value,
        published_at=fig.published_at.isoformat() if fig.published_at else "",
        note=fig.note or "",
        dimensions=", ".join(f"{k}={v}" for k, v in fig.dimensions),
    )


def chain_text(step: Any, sources: dict[str, Any], primary: set[str]) -> str:
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


def safe_url(url: str | None) -> bool:
    if not url:
        return False
    try:
        return urlsplit(url.strip()).scheme in ("http", "https")
    except ValueError:
        return False
