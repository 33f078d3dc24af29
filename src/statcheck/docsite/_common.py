"""What every page shares: the status vocabulary, numbers and intervals as text, and the
findings as a spreadsheet-safe CSV."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
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


_AFTER_SEPARATOR = re.compile(r"(?<=[|\-_/@.:])")


def breakable_id(text: Any) -> Any:
    """An id, escaped, that may wrap after a separator (``|``, ``-``, ``_``, ``/``, ``@``,
    ``.``, ``:``) and nowhere else: ``population|WLD|1960`` never as ``popul`` / ``ation``.
    The pieces are escaped before ``<wbr>`` joins them, so an id that holds markup stays
    text."""
    from markupsafe import Markup, escape

    return Markup("<wbr>").join(escape(p) for p in _AFTER_SEPARATOR.split(str(text)))


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


def findings_csv(report: Report | dict[str, Any], periods: Mapping[str, Any] | None = None) -> str:
    """Every finding of a report (or of its JSON form), one row each, safe to open in a
    spreadsheet. ``period`` is the period of the finding's first figure, when ``periods``
    (figure id to period) knows it. The plain explanation is left out: it restates the
    row's numbers, and it would make a large report's file several times larger."""
    if isinstance(report, dict):
        report = Report.from_dict(report)
    periods = periods or {}
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for res in report.results:
        for f in res.findings:
            rep = bounds(as_list(f.reported)) or (None, None)
            exp = bounds(as_list(f.expected)) or (None, None)
            period = periods.get(f.figures[0]) if f.figures else None
            row: Iterable[Any] = [
                res.rule, f.slug, ";".join(f.figures),
                "" if period is None else str(period),
                *rep, *exp, finite(f.gap), finite(f.tolerance),
            ]  # fmt: skip
            w.writerow([_csv_value(v) for v in row])
    return buf.getvalue()


# A rule's kind and status are on its page; a row repeating them would cost a large
# report's file a tenth of its size.
CSV_COLUMNS = ("rule", "slug", "figures", "period",
               "reported_low", "reported_high", "expected_low", "expected_high",
               "gap", "tolerance")  # fmt: skip


def _csv_value(v: Any) -> Any:
    """Text defused; a whole number without its ``.0`` (54922, not 54922.0); none empty."""
    if isinstance(v, str):
        return csv_cell(v)
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def as_list(interval: Interval | None) -> list[float | None] | None:
    """An interval as the report's JSON holds it: ``[low, high]``, infinite bounds null."""
    return interval.to_list() if interval is not None else None


def finite(x: float | None) -> float | None:
    """A gap or tolerance as the report's JSON holds it: null when infinite."""
    return x if x is not None and math.isfinite(x) else None


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
