"""A ratio's sentences, and its failing rows told many at once.

``told`` gives the same findings (text, intervals, gap) as ``ratio.verdict`` gives one row
at a time, without a ``Figure`` per figure (``FigureWords``): on a table with tens of
thousands of failing shares, those were a third of the report's cost. Both write their
sentences with the functions below, so the two cannot drift apart (a test holds them to
the same findings).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import narwhals as nw

from statcheck.contract.rules import RatioRule
from statcheck.engine.rules import explain
from statcheck.engine.rules.named import FigureWords
from statcheck.model.interval import Interval
from statcheck.report import Finding


def per(k: float) -> str:
    """``as a percentage of``: how a sentence says the scale ``k``."""
    if k == 100:
        return "as a percentage of"
    if k == 1:
        return "as a fraction of"
    return f"per {explain.number(k)} of"


def should_be(
    share: str, part: str, k: float, whole: str, point: float, expected: Interval,
    places: int,
) -> str:  # fmt: skip
    """What a share should be (the figures as a sentence names them)."""
    amount = explain.amount(point, expected, places)
    return f"{share} should be {part} {per(k)} {whole}, which is {amount}"


def zero_whole(share: str, whole: str, said: str, interval: Interval) -> str:
    """Why a share of a whole that can stand for 0 is not checked."""
    return (
        f"{share} is given as a share of {whole}, but {said} can stand for 0 "
        f"({explain.span(interval)}), and a share of 0 is not defined."
    )


def told(
    rows: Sequence[tuple[Any, ...]], cells: nw.DataFrame[Any], rule: RatioRule
) -> list[Finding | None]:
    """Each row's finding (its part's, whole's and share's ids and its scale first), as
    ``verdict`` makes it; None where the row agrees after all."""
    figures = FigureWords(cells)
    judged = [_judged(row, figures, rule) for row in rows]
    return [None if j is None else _finding(j, _sentence(j, figures)) for j in judged]


def _judged(row: tuple[Any, ...], figures: FigureWords, rule: RatioRule) -> tuple[Any, ...] | None:
    """What ``verdict`` works out for a row (its part's, whole's and share's ids, then its
    scale; None: it agrees)."""
    part, whole, share, k = row[0], row[1], row[2], float(row[3])
    reported, whole_iv = figures.interval[share], figures.interval[whole]
    if 0 in whole_iv:
        return (share, part, whole, k, reported, None)
    expected = (figures.interval[part] / whole_iv).scale(k)
    gap = reported.gap(expected)
    if rule.tolerance.allows(gap, expected):
        return None
    point = figures.value[part] / figures.value[whole] * k
    return (share, part, whole, k, reported, expected, gap, point, rule.tolerance.amount(expected))


def _sentence(j: tuple[Any, ...], figures: FigureWords) -> str:
    share, part, whole, k, reported, expected = j[:6]
    named = figures.named
    if expected is None:
        return zero_whole(
            named[share], named[whole], figures.reported[whole], figures.interval[whole]
        )
    gap, point, allowed = j[6:]
    claim = should_be(
        named[share], named[part], k, named[whole], point, expected, explain.places_for(gap)
    )
    return explain.missed(claim, gap, figures.reported[share], reported, allowed)


def _finding(j: tuple[Any, ...], text: str) -> Finding:
    share, part, whole, _, reported, expected = j[:6]
    if expected is None:
        return Finding("zero-denominator", (share, part, whole), text, reported=reported)
    gap, _, allowed = j[6:]
    return Finding(
        "ratio-mismatch", (share, part, whole), text,
        reported=reported, expected=expected, gap=gap, tolerance=allowed,
    )  # fmt: skip
