"""Plain-language pieces shared by the explanations of every rule kind.

How a sentence prints its numbers (:func:`number`, :func:`places_for`): thousands
separators, never scientific notation, trailing zeros dropped. A figure's own value is
printed with the digits it was printed with. Computed numbers (sums, expected values,
bounds, gaps) get up to 6 decimals, and as many more as the gap needs to show two
significant digits, so a gap that is not 0 never reads as 0 and the numbers it separates
never read alike; the two ends of a span get enough decimals to differ. No number shows
more than 15 significant digits, so the last bits of binary arithmetic (which differ
with the order a dataframe library adds in) never reach a sentence.
"""

from __future__ import annotations

import math

from statcheck.contract.tolerance import Tolerance
from statcheck.model.figure import Figure
from statcheck.model.interval import Interval
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


PLACES = 6  # decimals of a computed number, unless its gap needs more
SIGNIFICANT = 15  # never more significant digits than this: beyond, binary noise
# For each number of decimals, the magnitude under which a number shown with that many
# shows at most SIGNIFICANT digits. Other places (None, 0, more than SIGNIFICANT) take
# ``_general``.
_ROUNDED_BELOW: dict[int | None, float] = {
    p: 10.0 ** (SIGNIFICANT - p) for p in range(1, SIGNIFICANT + 1)
}


def number(x: float, places: int | None = PLACES) -> str:
    """``61,872``, ``0.0789761``: at most ``places`` decimals (None: as many as ``x``
    has), fewer when the shortest decimal that stands for ``x`` (to 15 significant
    digits) has fewer."""
    x = float(x)
    if x.is_integer():  # the usual case first: explanations print many counts
        return f"{int(x):,}"
    below = _ROUNDED_BELOW.get(places, 0.0)
    if places is not None and -below < x < below:
        # ``places`` decimals are at most 15 significant digits here: rounded to them, x
        # sheds the noise it sheds at 15 digits (one formatting, where ``_general`` needs
        # two; a report prints hundreds of thousands of numbers).
        return _fixed(x, places)
    return _general(x, places)


def _general(x: float, places: int | None) -> str:
    """``number`` of a float that is not whole: its decimals to 15 significant digits
    found first."""
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    decimals = _decimals(x)
    return _fixed(x, decimals if places is None else min(places, decimals))


def _fixed(x: float, shown: int) -> str:
    """``x`` with ``shown`` decimals, its trailing zeros dropped (never ``-0``)."""
    text = f"{x:,.{shown}f}".rstrip("0").rstrip(".") if shown > 0 else f"{x:,.0f}"
    return "0" if text == "-0" else text


def _decimals(x: float) -> int:
    """The decimals of the shortest decimal that stands for ``x`` to 15 significant digits
    (``0.0789761``: 7; ``1.5e-07``: 8; ``120``: 0), read off the text ``g`` formatting
    gives, which drops trailing zeros (a third less than a ``Decimal`` costs: a report
    prints tens of thousands of numbers)."""
    mantissa, _, exponent = f"{x:.{SIGNIFICANT}g}".partition("e")
    point = mantissa.find(".")
    return (len(mantissa) - point - 1 if point >= 0 else 0) - int(exponent or 0)


def places_for(gap: float) -> int:
    """Decimals for the numbers a gap separates: ``PLACES``, or enough for the gap to
    show two significant digits (a gap of 0.00000012 needs 8)."""
    if gap == 0 or not math.isfinite(gap):
        return PLACES
    return max(PLACES, 1 - math.floor(math.log10(abs(gap))))


def as_reported(f: Figure) -> str:
    """``about 60,000`` or ``20%``: the value as a reader would say it, with its own digits."""
    return reported_as(f.reported.qualifier, number(f.reported.value, None), f.reported.percent)


def reported_as(qualifier: Qualifier, value: str, percent: bool) -> str:
    """``as_reported`` of a value already printed."""
    return f"{_QUALIFIER_WORDS[qualifier]}{value}{'%' if percent else ''}"


def figure(f: Figure) -> str:
    """``kp-odb-awol-2024 (41,950, 2024)``."""
    return named(f.figure_id, as_reported(f), f.period.describe())


def named(figure_id: str, reported: str, period: str) -> str:
    """``figure`` of a figure's id, value as reported and period, already in words."""
    return f"{figure_id} ({reported}, {period})"


def span(iv: Interval, places: int = PLACES) -> str:
    """``59.15 to 59.25``: the two ends with enough decimals to tell them apart."""
    if iv.low == iv.high:
        return number(iv.low, places)
    places = max(places, places_for(iv.width))
    return f"{number(iv.low, places)} to {number(iv.high, places)}"


def bounds(iv: Interval, places: int = PLACES) -> str:
    """``[59.15, 59.25]``: an interval as its two ends."""
    places = max(places, places_for(iv.width))
    return f"[{number(iv.low, places)}, {number(iv.high, places)}]"


def join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def amount(value: float, iv: Interval, places: int = PLACES) -> str:
    """``61,872``, or ``61,872 (61,871 to 61,873 allowing for rounding)``."""
    if iv.low == iv.high:
        return number(iv.low, places)
    return f"{number(value, places)} ({span(iv, places)} allowing for rounding)"


def beyond_tolerance(allowed: float) -> str:
    """`` even with the tolerance of 1,000`` when the suite widened the check, else nothing."""
    return f" even with the tolerance of {number(allowed, places_for(allowed))}" if allowed else ""


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
        missed(claim, gap, as_reported(shown), reported, allowed),
        reported=reported,
        expected=expected,
        gap=gap,
        tolerance=allowed,
    )


def missed(claim: str, gap: float, shown: str, reported: Interval, allowed: float) -> str:
    """``mismatch``'s sentence: ``claim``, then the gap, the span the figure ``shown`` (as
    reported) can stand for and the tolerance."""
    places = places_for(gap)
    return (
        f"{claim}, {number(gap, places)} away from what {shown} can stand for "
        f"({span(reported, places)}){beyond_tolerance(allowed)}."
    )
