"""Plain-language pieces shared by the explanations of every rule kind."""

from __future__ import annotations

from statcheck.contract.tolerance import Tolerance
from statcheck.model.figure import Figure
from statcheck.model.interval import Interval, format_number
from statcheck.model.value import Qualifier
from statcheck.report import Finding

_QUALIFIER_WORDS = {
    Qualifier.EXACT: "",
    Qualifier.ABOUT: "about ",
    Qualifier.NEARLY: "nearly ",
    Qualifier.MORE_THAN: "more than ",
    Qualifier.AT_LEAST: "at least ",
    Qualifier.FEWER_THAN: "fewer than ",
    Qualifier.AT_MOST: "at most ",
}


def as_reported(f: Figure) -> str:
    """``about 60,000`` or ``20%``: the value as a reader would say it."""
    unit = "%" if f.reported.percent else ""
    return f"{_QUALIFIER_WORDS[f.reported.qualifier]}{format_number(f.reported.value)}{unit}"


def figure(f: Figure) -> str:
    """``kp-odb-awol-2024 (41,950, 2024)``."""
    return f"{f.figure_id} ({as_reported(f)}, {f.period.describe()})"


def span(iv: Interval) -> str:
    if iv.low == iv.high:
        return format_number(iv.low)
    return f"{format_number(iv.low)} to {format_number(iv.high)}"


def join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def amount(value: float, iv: Interval) -> str:
    """``61,872``, or ``61,872 (61,871 to 61,873 allowing for rounding)``."""
    if iv.low == iv.high:
        return format_number(iv.low)
    return f"{format_number(value)} ({span(iv)} allowing for rounding)"


def beyond_tolerance(allowed: float) -> str:
    """`` even with the tolerance of 1,000`` when the suite widened the check, else nothing."""
    return f" even with the tolerance of {format_number(allowed)}" if allowed else ""


def mismatch(
    slug: str,
    figures: tuple[str, ...],
    claim: str,
    shown: Figure,
    expected: Interval,
    tolerance: Tolerance,
) -> Finding | None:
    """A finding when ``shown``'s interval misses ``expected`` beyond the tolerance, else None.

    ``claim`` says what ``shown`` should be ("x should be a as a percentage of b, which is
    58.6"); the sentence goes on with the gap, the span the figure can stand for and the
    tolerance, the same way for every rule kind that uses it.
    """
    reported = shown.interval
    gap = reported.gap(expected)
    if tolerance.allows(gap, expected):
        return None
    allowed = tolerance.amount(expected)
    return Finding(
        slug,
        figures,
        f"{claim}, {format_number(gap)} away from what {as_reported(shown)} can stand for "
        f"({span(reported)}){beyond_tolerance(allowed)}.",
        reported=reported,
        expected=expected,
        gap=gap,
        tolerance=allowed,
    )
