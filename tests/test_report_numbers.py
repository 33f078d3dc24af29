"""The numbers a rule computes are written the same whatever order they were added in."""

from __future__ import annotations

import math

from statcheck.model.interval import Interval
from statcheck.report import Finding


def test_sums_in_another_order_write_the_same_numbers() -> None:
    # The same bounds as polars and as pandas added them (seen on a random table).
    one = Finding("s", (), "x", expected=Interval(210108.8205, 210110.3215), gap=0.1)
    other = Finding(
        "s", (), "x", expected=Interval(210108.82049999997, 210110.32149999996), gap=0.1
    )
    assert one.to_dict()["expected"] == other.to_dict()["expected"] == [210108.8205, 210110.3215]


def test_whole_numbers_infinities_and_zero_are_kept() -> None:
    f = Finding("s", (), "x", expected=Interval(3_021_512_598.0, math.inf), gap=-0.0, tolerance=0)
    assert f.to_dict()["expected"] == [3_021_512_598.0, None]
    assert str(f.to_dict()["gap"]) == "0.0"
    assert isinstance(f.tolerance, float)


def test_a_figures_own_bounds_are_written_as_read() -> None:
    typed = 2.715830011867641e-6
    f = Finding("s", (), "x", reported=Interval(typed, typed))
    assert f.to_dict()["reported"] == [typed, typed]


def test_settled_numbers_read_back_as_themselves() -> None:
    f = Finding("s", (), "x", expected=Interval(59.27701285108702, 59.278535277502975), gap=0.1)
    again = Finding.from_dict(f.to_dict())
    assert again == f
    assert f.expected == Interval(59.277012851087, 59.278535277503)


def test_a_small_gap_between_large_bounds_keeps_only_their_digits() -> None:
    # A partition's parts as polars and as pandas added them (seen on a random table):
    # the sums agree to the last bit but one, which a gap of 4e4 beside bounds of 1e7
    # would keep in its own digits.
    reported, expected = (
        Interval(9_999_999.805, 9_999_999.815),
        Interval(10_042_612.65, 10_042_613.75),
    )
    gaps = [42_612.834999999, 42_612.834999997]
    written = {Finding("s", (), "x", reported, expected, gap=g).to_dict()["gap"] for g in gaps}
    assert written == {42_612.835}
    # A gap larger than its bounds keeps its fourteen digits; one under them, theirs.
    wide = Finding("s", (), "x", None, Interval(0.01, 0.02), gap=0.123456789012345)
    narrow = Finding("s", (), "x", None, Interval(1.5, 2.5), gap=0.123456789012345)
    assert (wide.gap, narrow.gap) == (0.12345678901234, 0.1234567890123)
