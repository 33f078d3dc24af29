"""Closed intervals, their arithmetic, and verdicts comparing them
(``statcheck.model.interval``)."""

from __future__ import annotations

import math
import operator
import sys
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statcheck.model import Interval, Outcome, Relation, Verdict, compare, format_number

INF = math.inf
I = Interval  # noqa: E741

HOLDS: dict[Relation, Callable[[float, float], bool]] = {
    Relation.EQUAL: operator.eq,
    Relation.GREATER: operator.gt,
    Relation.GREATER_EQUAL: operator.ge,
    Relation.LESS: operator.lt,
    Relation.LESS_EQUAL: operator.le,
}


def pair(iv: Interval) -> tuple[float, float]:
    return (iv.low, iv.high)


# --- construction ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("low", "high"), [(math.nan, 1), (1, math.nan), (2, 1), (INF, INF), (-INF, -INF)]
)
def test_invalid_intervals(low: float, high: float) -> None:
    with pytest.raises(ValueError):
        Interval(low, high)


def test_point_width_midpoint() -> None:
    assert pair(I.point(3)) == (3, 3)
    assert I(1, 5).width == 4
    assert I(1, 5).midpoint == 3
    assert I(1, INF).midpoint == 1
    assert I(-INF, 7).midpoint == 7
    assert I(1, INF).width == INF


def test_contains() -> None:
    assert 1 in I(1, 2) and 2 in I(1, 2) and 1.5 in I(1, 2)
    assert 0.999 not in I(1, 2) and 2.001 not in I(1, 2)
    assert 1e300 in I(1, INF)
    assert -1e300 not in I(1, INF)


# --- arithmetic --------------------------------------------------------------------------


def test_sum() -> None:
    assert pair(I(1, 2) + I(10, 20)) == (11, 22)
    assert pair(I(350_000, INF) + I(1, 2)) == (350_001, INF)
    assert pair(I(-INF, 5) + I(3, INF)) == (-INF, INF)


def test_difference() -> None:
    assert pair(I(10, 20) - I(1, 2)) == (8, 19)
    assert pair(I(350_000, INF) - I(1, 2)) == (349_998, INF)
    assert pair(I(1, 2) - I(350_000, INF)) == (-INF, -349_998)
    assert pair(I(3, INF) - I(3, INF)) == (-INF, INF)


def test_negation() -> None:
    assert pair(-I(1, 2)) == (-2, -1)
    assert pair(-I(350_000, INF)) == (-INF, -350_000)
    assert pair(-I(-INF, 5)) == (-5, INF)


@pytest.mark.parametrize(
    ("iv", "k", "expected"),
    [
        (I(1, 2), 3, (3, 6)),
        (I(1, 2), 0.5, (0.5, 1)),
        (I(1, 2), -2, (-4, -2)),
        (I(-1, 2), -2, (-4, 2)),
        (I(1, 2), 0, (0, 0)),
        (I(1, INF), 0, (0, 0)),
        (I(-INF, INF), 0, (0, 0)),
        (I(1, INF), -2, (-INF, -2)),
        (I(-INF, 3), 2, (-INF, 6)),
        (I(-INF, 3), -1, (-3, INF)),
        (I(1e300, 1e300), 1e10, (sys.float_info.max, INF)),
    ],
)
def test_scale(iv: Interval, k: float, expected: tuple[float, float]) -> None:
    assert pair(iv.scale(k)) == expected


def test_widen() -> None:
    assert pair(I(1, 2).widen(3)) == (-2, 5)
    assert pair(I(1, INF).widen(3)) == (-2, INF)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (I(10, 20), I(2, 5), (2, 10)),
        (I(10, 20), I(-5, -2), (-10, -2)),
        (I(-10, 20), I(2, 5), (-5, 10)),
        (I(-20, -10), I(-5, -2), (2, 10)),
        (I(10, INF), I(2, 5), (2, INF)),
        (I(-INF, 5), I(1, INF), (-INF, 5)),
        (I(10, 20), I(2, INF), (0, 10)),
        (I(2, 3), I(-INF, -1), (-3, 0)),
        (I(1, INF), I(1, INF), (0, INF)),
        (I(-INF, -1), I(1, INF), (-INF, 0)),
        (I(0, 0), I(2, 4), (0, 0)),
        # Overflow: the quotients are finite but beyond the largest float.
        (I(-INF, -1), I(2.2e-311, 2.2e-311), (-INF, -sys.float_info.max)),
        (I(1e9, 1e9), I(1e-311, 1e-311), (sys.float_info.max, INF)),
    ],
)
def test_ratio(a: Interval, b: Interval, expected: tuple[float, float]) -> None:
    assert pair(a / b) == expected


@pytest.mark.parametrize(
    "divisor",
    [I(0, 0), I(0, 5), I(-5, 0), I(-1, 1), I(-INF, INF), I(-INF, 0), I(0, INF), I(-0.0, 2)],
)
def test_ratio_divisor_containing_zero(divisor: Interval) -> None:
    with pytest.raises(ZeroDivisionError):
        I(1, 2) / divisor


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (I(1, 2), I(5, 7), 3),
        (I(5, 7), I(1, 2), 3),
        (I(1, 5), I(3, 7), 0),
        (I(1, 3), I(3, 7), 0),
        (I(1, 2), I(1, 2), 0),
        (I(350_000, INF), I(100, 200), 349_800),
        (I(-INF, 2), I(5, INF), 3),
        (I(-INF, INF), I(5, 6), 0),
    ],
)
def test_gap(a: Interval, b: Interval, expected: float) -> None:
    assert a.gap(b) == expected
    assert b.gap(a) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (I(1, 5), I(3, 7), (3, 5)),
        (I(1, 3), I(3, 7), (3, 3)),
        (I(1, 10), I(3, 4), (3, 4)),
        (I(1, 2), I(5, 7), None),
        (I(-INF, 5), I(3, INF), (3, 5)),
        (I(-INF, 5), I(-INF, 3), (-INF, 3)),
        (I(-INF, INF), I(1, INF), (1, INF)),
    ],
)
def test_intersection(a: Interval, b: Interval, expected: tuple[float, float] | None) -> None:
    for x, y in ((a, b), (b, a)):
        got = x.intersection(y)
        assert (None if got is None else pair(got)) == expected


@pytest.mark.parametrize(
    ("iv", "expected"),
    [
        (I(1.5, 2), [1.5, 2]),
        (I(350_000, INF), [350_000, None]),
        (I(-INF, 3), [None, 3]),
        (I(-INF, INF), [None, None]),
    ],
)
def test_to_list(iv: Interval, expected: list[float | None]) -> None:
    assert iv.to_list() == expected


def test_str_and_format_number() -> None:
    assert str(I(55_000, 65_000)) == "[55,000, 65,000]"
    assert str(I(350_000, INF)) == "[350,000, ∞]"
    assert str(I(-INF, 2.45)) == "[−∞, 2.45]"
    assert format_number(0.1 + 0.2) == "0.3"
    assert format_number(-1234.5) == "-1,234.5"


# --- compare: examples ----------------------------------------------------------------


@pytest.mark.parametrize("relation", list(Relation))
@pytest.mark.parametrize(("left", "right"), [(None, I(1, 2)), (I(1, 2), None), (None, None)])
def test_missing_input_is_undetermined(
    relation: Relation, left: Interval | None, right: Interval | None
) -> None:
    v = compare(left, relation, right)
    assert v.outcome is Outcome.UNDETERMINED
    assert v.consistent is False
    assert v.gap is None and v.witness is None


@pytest.mark.parametrize(
    ("left", "relation", "right", "outcome", "gap", "witness"),
    [
        # equal
        (I(1, 5), Relation.EQUAL, I(3, 7), Outcome.CONSISTENT, 0, (4, 4)),
        (I(1, 3), Relation.EQUAL, I(3, 7), Outcome.CONSISTENT, 0, (3, 3)),
        (I(1, 2), Relation.EQUAL, I(5, 7), Outcome.INCONSISTENT, 3, None),
        (I(5, 7), Relation.EQUAL, I(1, 2), Outcome.INCONSISTENT, 3, None),
        (I(-INF, 5), Relation.EQUAL, I(3, INF), Outcome.CONSISTENT, 0, (4, 4)),
        (
            I(350_000, INF),
            Relation.EQUAL,
            I(400_000, INF),
            Outcome.CONSISTENT,
            0,
            (400_000, 400_000),
        ),
        (I(-INF, 10), Relation.EQUAL, I(-INF, 3), Outcome.CONSISTENT, 0, (3, 3)),
        (I(-INF, INF), Relation.EQUAL, I(-INF, INF), Outcome.CONSISTENT, 0, (0, 0)),
        # greater
        (I(5, 10), Relation.GREATER, I(1, 4), Outcome.CONSISTENT, 0, (10, 1)),
        (I(1, 4), Relation.GREATER, I(4, 10), Outcome.INCONSISTENT, 0, None),
        (I(1, 2), Relation.GREATER, I(5, 10), Outcome.INCONSISTENT, 3, None),
        (I(350_000, INF), Relation.GREATER, I(100, 200), Outcome.CONSISTENT, 0, None),
        (I(1, 2), Relation.GREATER, I(-INF, 5), Outcome.CONSISTENT, 0, (2, 1)),
        # greater or equal
        (I(1, 4), Relation.GREATER_EQUAL, I(4, 10), Outcome.CONSISTENT, 0, (4, 4)),
        (I(1, 2), Relation.GREATER_EQUAL, I(5, 10), Outcome.INCONSISTENT, 3, None),
        # less
        (I(1, 2), Relation.LESS, I(3, 4), Outcome.CONSISTENT, 0, (1, 4)),
        (I(5, 6), Relation.LESS, I(1, 2), Outcome.INCONSISTENT, 3, None),
        (I(4, 6), Relation.LESS, I(1, 4), Outcome.INCONSISTENT, 0, None),
        (I(350_000, INF), Relation.LESS, I(100, 200), Outcome.INCONSISTENT, 349_800, None),
        (I(-INF, 350_000), Relation.LESS, I(100, 200), Outcome.CONSISTENT, 0, None),
        # less or equal
        (I(4, 6), Relation.LESS_EQUAL, I(1, 4), Outcome.CONSISTENT, 0, (4, 4)),
        (I(5, 6), Relation.LESS_EQUAL, I(1, 2), Outcome.INCONSISTENT, 3, None),
    ],
)
def test_compare_examples(
    left: Interval,
    relation: Relation,
    right: Interval,
    outcome: Outcome,
    gap: float,
    witness: tuple[float, float] | None,
) -> None:
    v = compare(left, relation, right)
    assert v.outcome is outcome
    assert v.consistent is (outcome is Outcome.CONSISTENT)
    assert v.gap == gap
    if outcome is Outcome.CONSISTENT:
        assert v.witness is not None
        if witness is not None:
            assert v.witness == witness
        _assert_witness(v, left, relation, right)
    else:
        assert v.witness is None


def test_seed_like_example_more_than_threshold() -> None:
    # "more than 350,000" cannot equal "about 60,000"; the gap is the distance between them
    more = I(350_000, INF)
    about = I(55_000, 65_000)
    v = compare(about, Relation.EQUAL, more)
    assert v.outcome is Outcome.INCONSISTENT
    assert v.gap == 285_000


@pytest.mark.parametrize(
    ("left", "relation", "right"),
    [
        (I(1e17, 1e17), Relation.GREATER, I(-INF, 1e18)),
        (I(-INF, INF), Relation.GREATER, I(1e17, 1e17)),
        (I(-INF, 1e18), Relation.LESS, I(1e17, 1e17)),
        (I(1e17, 1e17), Relation.LESS, I(-INF, INF)),
        (I(-1e17, INF), Relation.GREATER, I(-INF, -1e17)),
    ],
)
def test_strict_witness_beyond_float_integer_precision(
    left: Interval, relation: Relation, right: Interval
) -> None:
    # beyond 2**53, x - 1 == x: the witness must still satisfy the strict relation
    v = compare(left, relation, right)
    assert v.outcome is Outcome.CONSISTENT
    _assert_witness(v, left, relation, right)


# --- strategies ------------------------------------------------------------------------

BOUND = 1e9


def _intervals(numbers: st.SearchStrategy[float]) -> st.SearchStrategy[Interval]:
    finite = st.tuples(numbers, numbers).map(lambda t: I(min(t), max(t)))
    upper_open = numbers.map(lambda x: I(x, INF))
    lower_open = numbers.map(lambda x: I(-INF, x))
    return st.one_of(finite, finite, finite, upper_open, lower_open)


# whole numbers (exact arithmetic, frequent overlaps and touching bounds) and floats
small_ints = st.integers(-20, 20).map(float)
big_ints = st.integers(-(10**9), 10**9).map(float)
floats = st.floats(-BOUND, BOUND, allow_nan=False, allow_infinity=False)
int_intervals = _intervals(st.one_of(small_ints, big_ints))
intervals = _intervals(st.one_of(small_ints, big_ints, floats))
huge_intervals = _intervals(
    st.one_of(small_ints, st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False))
)
relations = st.sampled_from(list(Relation))


@st.composite
def apart_pairs(draw: st.DrawFn) -> tuple[Interval, Interval]:
    """Two whole-number intervals ``d`` apart (``d`` >= 0), in either order; the outer
    bounds may be infinite. Most relations between them are inconsistent."""
    low = draw(st.integers(-(10**6), 10**6))
    high = low + draw(st.integers(0, 1000))
    d = draw(st.integers(0, 1000))
    far = high + d + draw(st.integers(0, 1000))
    a = I(-INF if draw(st.booleans()) else float(low), float(high))
    b = I(float(high + d), INF if draw(st.booleans()) else float(far))
    return (b, a) if draw(st.booleans()) else (a, b)


def _pairs() -> st.SearchStrategy[tuple[Interval, Interval]]:
    return st.one_of(st.tuples(int_intervals, int_intervals), apart_pairs())


def draw_inside(data: st.DataObject, iv: Interval) -> float:
    low = iv.low if math.isfinite(iv.low) else min(iv.high, 0.0) - 2 * BOUND
    high = iv.high if math.isfinite(iv.high) else max(iv.low, 0.0) + 2 * BOUND
    x = data.draw(st.one_of(st.sampled_from([low, high]), st.floats(low, high)))
    assert x in iv
    return x


def near(x: float, iv: Interval, rel: float = 1e-12) -> bool:
    """x is in iv, allowing a small relative float tolerance."""
    tol = rel * max(1.0, abs(x))
    return iv.low - tol <= x <= iv.high + tol


def _assert_witness(v: Verdict, left: Interval, relation: Relation, right: Interval) -> None:
    assert v.witness is not None
    lw, rw = v.witness
    assert math.isfinite(lw) and math.isfinite(rw)
    assert lw in left, (lw, left)
    assert rw in right, (rw, right)
    assert HOLDS[relation](lw, rw), (lw, relation, rw)


# --- properties: arithmetic is sound ---------------------------------------------------


@given(st.data(), intervals, intervals)
def test_sum_and_difference_are_sound(data: st.DataObject, a: Interval, b: Interval) -> None:
    x, y = draw_inside(data, a), draw_inside(data, b)
    assert near(x + y, a + b)
    assert near(x - y, a - b)
    assert near(-x, -a)


@given(st.data(), intervals, st.one_of(floats, small_ints, st.just(0.0)))
def test_scale_is_sound(data: st.DataObject, a: Interval, k: float) -> None:
    x = draw_inside(data, a)
    assert near(k * x, a.scale(k))


@given(st.data(), intervals, intervals)
def test_ratio_is_sound(data: st.DataObject, a: Interval, b: Interval) -> None:
    if b.low <= 0 <= b.high:
        with pytest.raises(ZeroDivisionError):
            a / b
        return
    q = a / b
    x, y = draw_inside(data, a), draw_inside(data, b)
    assert near(x / y, q)


@given(intervals, intervals)
def test_gap_and_intersection_agree(a: Interval, b: Interval) -> None:
    common = a.intersection(b)
    assert a.gap(b) == b.gap(a) >= 0
    if common is None:
        assert a.gap(b) > 0
    else:
        assert a.gap(b) == 0
        assert common.low in a and common.low in b
        assert common.high in a and common.high in b
        assert common.low == max(a.low, b.low) and common.high == min(a.high, b.high)


# --- properties: verdicts ----------------------------------------------------------------


@given(st.data(), intervals, relations, intervals)
def test_satisfiable_is_never_inconsistent(
    data: st.DataObject, a: Interval, relation: Relation, b: Interval
) -> None:
    x = draw_inside(data, a)
    # for equality, try the same value on both sides when it lies in both
    y = x if relation is Relation.EQUAL and x in b else draw_inside(data, b)
    if not HOLDS[relation](x, y):
        return
    v = compare(a, relation, b)
    assert v.outcome is Outcome.CONSISTENT
    assert v.gap == 0


@given(intervals, relations, intervals)
def test_consistent_verdict_has_a_valid_witness(
    a: Interval, relation: Relation, b: Interval
) -> None:
    v = compare(a, relation, b)
    assert v.outcome is not Outcome.UNDETERMINED
    if v.outcome is Outcome.CONSISTENT:
        assert v.gap == 0
        _assert_witness(v, a, relation, b)
    else:
        assert v.witness is None


@given(huge_intervals, relations, huge_intervals)
def test_witness_valid_at_large_magnitudes(a: Interval, relation: Relation, b: Interval) -> None:
    v = compare(a, relation, b)
    if v.outcome is Outcome.CONSISTENT:
        _assert_witness(v, a, relation, b)


@given(_pairs(), relations)
def test_inconsistent_gap_is_the_distance_needed(
    pair_: tuple[Interval, Interval], relation: Relation
) -> None:
    a, b = pair_
    v = compare(a, relation, b)
    if v.outcome is not Outcome.INCONSISTENT:
        return
    assert v.gap is not None and v.witness is None
    if relation is Relation.EQUAL:
        assert v.gap > 0
        assert v.gap == a.gap(b)
    else:
        assert v.gap >= 0
        if relation in (Relation.GREATER, Relation.GREATER_EQUAL):
            assert v.gap == b.low - a.high
        else:
            assert v.gap == a.low - b.high
    strict = relation in (Relation.GREATER, Relation.LESS)
    # widening the left interval by the gap (a little more for a strict relation) is enough
    assert compare(a.widen(v.gap + (0.5 if strict else 0.0)), relation, b).consistent
    # and widening it by less is not
    if v.gap > 0:
        assert not compare(a.widen(v.gap / 2), relation, b).consistent
    if not strict:
        # the relation is symmetric in who moves: widening the right one works too
        assert compare(a, relation, b.widen(v.gap)).consistent


@given(intervals, relations, intervals)
def test_less_is_greater_flipped(a: Interval, relation: Relation, b: Interval) -> None:
    flip = {
        Relation.EQUAL: Relation.EQUAL,
        Relation.GREATER: Relation.LESS,
        Relation.GREATER_EQUAL: Relation.LESS_EQUAL,
        Relation.LESS: Relation.GREATER,
        Relation.LESS_EQUAL: Relation.GREATER_EQUAL,
    }
    v, w = compare(a, relation, b), compare(b, flip[relation], a)
    assert v.outcome is w.outcome
    assert v.gap == w.gap
