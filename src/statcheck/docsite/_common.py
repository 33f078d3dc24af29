"""What every page shares: the status vocabulary, numbers and intervals as text, and the
findings as a spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from statcheck.model.interval import Interval
from statcheck.report import WORST_FIRST, Report

STATUS_ORDER = {status.value: i for i, status in enumerate(WORST_FIRST)}


STATUS_MEANING = {
    "pass": "the figures agree",
    "fail": "the figures disagree",
    "undetermined": "a figure it needs is missing, so it could not be checked",
    "error": "the rule could not be evaluated",
}


def num(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    from statcheck.model.interval import format_number

    return format_number(float(x))


def signed(n: int) -> str:
    return f"+{n}" if n > 0 else (f"−{-n}" if n < 0 else "±0")


def bounds(value: Any) -> tuple[float | None, float | None] | None:
    if not (isinstance(value, list) and len(value) == 2):
        return None
    lo, hi = value
    ok = all(v is None or (isinstance(v, int | float) and math.isfinite(v)) for v in (lo, hi))
    return (lo, hi) if ok else None


def interval_text(value: Any) -> str | None:
    b = bounds(value)
    if b is None:
        return None
    lo, hi = b
    lo_t = "−∞" if lo is None else num(lo)
    hi_t = "∞" if hi is None else num(hi)
    return lo_t if lo_t == hi_t else f"{lo_t} to {hi_t}"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A text cell a spreadsheet will not run as a formula (numbers stay numbers)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def findings_csv(report: Report | dict[str, Any]) -> str:
    """Every finding of a report (or of its JSON form), one row each, safe to open in a
    spreadsheet."""
    if isinstance(report, dict):
        report = Report.from_dict(report)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["rule", "kind", "rule_status", "slug", "figures", "explanation",
                "reported_low", "reported_high", "expected_low", "expected_high",
                "gap", "tolerance"])  # fmt: skip
    for res in report.results:
        for f in res.findings:
            rep = bounds(as_list(f.reported)) or (None, None)
            exp = bounds(as_list(f.expected)) or (None, None)
            row: Iterable[Any] = [
                res.rule, res.kind, res.status.value, f.slug,
                ";".join(f.figures), f.explanation,
                *rep, *exp, finite(f.gap), finite(f.tolerance),
            ]  # fmt: skip
            w.writerow(
                [csv_cell(v) if isinstance(v, str) else ("" if v is None else v) for v in row]
            )
    return buf.getvalue()


def as_list(interval: Interval | None) -> list[float | None] | None:
    """An interval as the report's JSON holds it: ``[low, high]``, infinite bounds null."""
    return interval.to_list() if interval is not None else None


def finite(x: float | None) -> float | None:
    """A gap or tolerance as the report's JSON holds it: null when infinite."""
    return x if x is not None and math.isfinite(x) else None


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
