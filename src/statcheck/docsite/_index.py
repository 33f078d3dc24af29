"""The index page (every suite, its latest drop, totals) and each suite's page (its drops,
newest first, with the change in counts from one drop to the next)."""

from __future__ import annotations

from typing import Any

from statcheck.docsite._charts import (
    status_bar,
)
from statcheck.docsite._collect import (
    DropEntry,
    SuiteHistory,
)
from statcheck.docsite._common import STATUS_ORDER
from statcheck.report import STATUSES


def suite_view(hist: SuiteHistory) -> dict[str, Any]:
    return {
        "id": hist.suite_id,
        "slug": hist.slug,
        "description": hist.description,
        "file": hist.latest.report.report.suite.get("file"),
        "latest": drop_row(hist.latest),
        "drops": [drop_row(e) for e in reversed(hist.drops)],  # newest first
    }


def drop_row(entry: DropEntry) -> dict[str, Any]:
    rep = entry.report
    report = rep.report
    counts = rep.counts
    return {
        "id": rep.drop_id,
        "slug": rep.slug,
        "published_at": rep.published_at,
        "publisher": report.drop.get("publisher") or "",
        "status": rep.status if rep.status in STATUS_ORDER else "error",
        "counts": counts,
        "delta": entry.delta,
        "previous": entry.previous,
        "rules": int(report.summary["rules"]),
        "bar": status_bar(counts),
        "generated_at": report.generated_at or "",
    }


def totals(histories: list[SuiteHistory]) -> dict[str, int]:
    out = dict.fromkeys(STATUSES, 0)
    for h in histories:
        for s, n in h.latest.report.counts.items():
            out[s] += n
    return out
