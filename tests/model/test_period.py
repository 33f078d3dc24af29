"""Reporting periods: labels, lengths, containment and coverage
(``statcheck.model.period``)."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statcheck.errors import PeriodParseError, StatcheckError
from statcheck.model import Coverage, Period, coverage, parse_date, parse_period, partitions

D = date


def P(start: str, end: str) -> Period:
    return Period(date.fromisoformat(start), date.fromisoformat(end))


YEAR_2024 = P("2024-01-01", "2024-12-31")
JAN_OCT_2024 = P("2024-01-01", "2024-10-31")
QUARTERS_2024 = [parse_period(f"2024-Q{q}") for q in (1, 2, 3, 4)]


# --- labels ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "start", "end", "days"),
    [
        ("2024", "2024-01-01", "2024-12-31", 366),
        ("2023", "2023-01-01", "2023-12-31", 365),
        ("2024-H1", "2024-01-01", "2024-06-30", 182),
        ("2024-H2", "2024-07-01", "2024-12-31", 184),
        ("2023-H1", "2023-01-01", "2023-06-30", 181),
        ("2024-Q1", "2024-01-01", "2024-03-31", 91),
        ("2023-Q1", "2023-01-01", "2023-03-31", 90),
        ("2024-Q3", "2024-07-01", "2024-09-30", 92),
        ("2024-Q4", "2024-10-01", "2024-12-31", 92),
        ("2024-10", "2024-10-01", "2024-10-31", 31),
        ("2024-02", "2024-02-01", "2024-02-29", 29),
        ("2023-02", "2023-02-01", "2023-02-28", 28),
        ("1900-02", "1900-02-01", "1900-02-28", 28),
        ("2000-02", "2000-02-01", "2000-02-29", 29),
        ("2024-04", "2024-04-01", "2024-04-30", 30),
        ("2024-10-31", "2024-10-31", "2024-10-31", 1),
        ("2024-02-29", "2024-02-29", "2024-02-29", 1),
        ("2024-01-01/2024-10-31", "2024-01-01", "2024-10-31", 305),
        ("2024-01/2024-10", "2024-01-01", "2024-10-31", 305),
        ("2023-12-31/2024-01-01", "2023-12-31", "2024-01-01", 2),
        ("2023/2024", "2023-01-01", "2024-12-31", 731),
        ("2024-Q2/2024-H2", "2024-04-01", "2024-12-31", 275),
        (" 2024-01 / 2024-10 ", "2024-01-01", "2024-10-31", 305),
        ("2024-10-31/2024-10-31", "2024-10-31", "2024-10-31", 1),
    ],
)
def test_labels_and_lengths(label: str, start: str, end: str, days: int) -> None:
    p = parse_period(label)
    assert p == P(start, end)
    assert p.days == days
    assert parse_period(p.label()) == p
    assert str(p) == p.label()


@pytest.mark.parametrize("label", ["2024-h1", "2024H1", "2024-q3", "2024Q3"])
def test_half_and_quarter_spelling_variants(label: str) -> None:
    expected = "2024-Q3" if "q" in label.lower() else "2024-H1"
    assert parse_period(label) == parse_period(expected)


@pytest.mark.parametrize(
    ("period", "label"),
    [
        (YEAR_2024, "2024"),
        (P("2024-07-01", "2024-09-30"), "2024-Q3"),
        (P("2024-10-01", "2024-10-31"), "2024-10"),
        (P("2024-02-01", "2024-02-29"), "2024-02"),
        (P("2024-10-31", "2024-10-31"), "2024-10-31"),
        (JAN_OCT_2024, "2024-01-01/2024-10-31"),
        (P("2024-02-01", "2024-02-28"), "2024-02-01/2024-02-28"),
        (P("2024-01-01", "2025-12-31"), "2024-01-01/2025-12-31"),
        (P("0999-01-01", "0999-12-31"), "0999"),
        (P("0005-04-01", "0005-06-30"), "0005-Q2"),
        (P("0042-03-01", "0042-03-31"), "0042-03"),
    ],
)
def test_label(period: Period, label: str) -> None:
    assert period.label() == label
    assert parse_period(label) == period


def test_half_label_round_trips() -> None:
    h1 = parse_period("2024-H1")
    assert parse_period(h1.label()) == h1


@pytest.mark.parametrize(
    ("label", "slug"),
    [
        ("10/11/12", "invalid-period"),
        ("2024-02-30", "invalid-date"),
        ("2023-02-29", "invalid-date"),
        ("2024-13", "invalid-date"),
        ("2024-00", "invalid-date"),
        ("2024-10-32", "invalid-date"),
        ("today", "invalid-period"),
        ("now", "invalid-period"),
        ("Q3 2024", "invalid-period"),
        ("H1 2024", "invalid-period"),
        ("2024-Q5", "invalid-period"),
        ("2024-H3", "invalid-period"),
        ("October 2024", "invalid-period"),
        ("31/10/2024", "invalid-period"),
        ("10/31/2024", "invalid-period"),
        ("2024/10/31", "invalid-period"),
        ("24", "invalid-period"),
        ("45500", "invalid-period"),
        ("45500.0", "invalid-period"),
        ("2024-1", "invalid-period"),
        ("2024-10-1", "invalid-period"),
        ("20241031", "invalid-period"),
        ("2024-10/", "invalid-period"),
        ("/2024-10", "invalid-period"),
        ("0000", "invalid-date"),
        ("0000-H1", "invalid-date"),
        ("0000-Q3", "invalid-date"),
        ("0000-10", "invalid-date"),
        ("", "missing-period"),
        ("   ", "missing-period"),
        ("2024-10/2024-01", "period-reversed"),
        ("2024-10-31/2024-10-30", "period-reversed"),
    ],
)
def test_rejected_labels(label: str, slug: str) -> None:
    with pytest.raises(PeriodParseError) as info:
        parse_period(label)
    err = info.value
    assert isinstance(err, StatcheckError)
    assert err.slug == slug
    # an unreadable label is never replaced by a guess such as today's date
    today = date.today()
    for near_today in (today - timedelta(days=1), today, today + timedelta(days=1)):
        assert near_today.isoformat() not in str(err)


def test_missing_label() -> None:
    with pytest.raises(PeriodParseError) as info:
        parse_period(None)  # type: ignore[arg-type]
    assert info.value.slug == "missing-period"


@pytest.mark.parametrize("label", [2024, 45500, 45500.0, date(2024, 10, 31)])
def test_label_not_text(label: object) -> None:
    # a number or a date object from a spreadsheet is rejected, never converted
    with pytest.raises(PeriodParseError):
        parse_period(label)  # type: ignore[arg-type]


def test_parse_date() -> None:
    assert parse_date("2024-10-31") == D(2024, 10, 31)
    assert parse_date(" 2024-02-29 ") == D(2024, 2, 29)
    for bad in ("2024-02-30", "2024-10", "2024", "31.10.2024", "", "today", "0000-01-01"):
        with pytest.raises(PeriodParseError) as info:
            parse_date(bad)
        assert info.value.slug == "invalid-date"
    with pytest.raises(PeriodParseError):
        parse_date(None)  # type: ignore[arg-type]


def test_reversed_period() -> None:
    with pytest.raises(PeriodParseError) as info:
        Period(D(2024, 2, 1), D(2024, 1, 31))
    assert info.value.slug == "period-reversed"


def test_ordering_is_by_start_then_end() -> None:
    assert sorted([YEAR_2024, JAN_OCT_2024, QUARTERS_2024[1]]) == [
        JAN_OCT_2024,
        YEAR_2024,
        QUARTERS_2024[1],
    ]


# --- contains / overlaps ---------------------------------------------------------------


def test_contains() -> None:
    q3 = parse_period("2024-Q3")
    assert YEAR_2024.contains(q3)
    assert YEAR_2024.contains(YEAR_2024)
    assert not q3.contains(YEAR_2024)
    assert q3.contains(parse_period("2024-07-01")) and q3.contains(parse_period("2024-09-30"))
    assert not q3.contains(parse_period("2024-10-01"))
    assert not JAN_OCT_2024.contains(YEAR_2024)
    assert YEAR_2024.contains(JAN_OCT_2024)
    assert not YEAR_2024.contains(parse_period("2024-12/2025-01"))


def test_overlaps() -> None:
    q1, q2, q3, _ = QUARTERS_2024
    assert not q1.overlaps(q2) and not q2.overlaps(q1)
    assert not q1.overlaps(q3)
    assert q1.overlaps(parse_period("2024-03-31/2024-04-01"))
    assert q2.overlaps(parse_period("2024-03-31/2024-04-01"))
    assert q1.overlaps(parse_period("2024-03-31"))
    assert YEAR_2024.overlaps(parse_period("2023-12/2024-01"))
    assert not YEAR_2024.overlaps(parse_period("2023"))
    assert not YEAR_2024.overlaps(parse_period("2025-01-01"))
    assert JAN_OCT_2024.overlaps(YEAR_2024)


# --- coverage --------------------------------------------------------------------------


def test_four_quarters_partition_the_year() -> None:
    for parts in (QUARTERS_2024, list(reversed(QUARTERS_2024))):
        cov = coverage(parts, YEAR_2024)
        assert cov == Coverage(gaps=(), overlaps=(), outside=())
        assert cov.exact
        assert partitions(parts, YEAR_2024)


def test_twelve_months_and_two_halves_partition_the_year() -> None:
    assert partitions([parse_period(f"2024-{m:02d}") for m in range(1, 13)], YEAR_2024)
    assert partitions([parse_period("2024-H2"), parse_period("2024-H1")], YEAR_2024)


def test_gap_is_the_missing_days() -> None:
    q1, q2, q3, q4 = QUARTERS_2024
    cov = coverage([q1, q3, q4], YEAR_2024)
    assert cov.gaps == (q2,)
    assert cov.overlaps == () and cov.outside == ()
    assert not cov.exact
    assert not partitions([q1, q3, q4], YEAR_2024)


def test_gaps_at_both_ends_and_no_parts() -> None:
    q1, q2, q3, q4 = QUARTERS_2024
    assert coverage([q2, q3], YEAR_2024).gaps == (q1, q4)
    assert coverage([], YEAR_2024) == Coverage(gaps=(YEAR_2024,), overlaps=(), outside=())
    # a one-day gap
    cov = coverage([P("2024-01-01", "2024-06-29"), P("2024-07-01", "2024-12-31")], YEAR_2024)
    assert cov.gaps == (P("2024-06-30", "2024-06-30"),)
    assert cov.gaps[0].days == 1


def test_overlap_is_the_doubled_days() -> None:
    cov = coverage([parse_period("2024-01/2024-06"), parse_period("2024-05/2024-12")], YEAR_2024)
    assert cov.overlaps == (P("2024-05-01", "2024-06-30"),)
    assert cov.gaps == () and cov.outside == ()
    assert not cov.exact


def test_duplicate_part_overlaps_entirely() -> None:
    q1, q2, q3, q4 = QUARTERS_2024
    cov = coverage([q1, q2, q3, q3, q4], YEAR_2024)
    assert cov.overlaps == (q3,)
    assert cov.gaps == () and cov.outside == ()


def test_part_inside_another() -> None:
    cov = coverage([YEAR_2024, parse_period("2024-Q3")], YEAR_2024)
    assert cov.overlaps == (parse_period("2024-Q3"),)
    assert cov.gaps == ()


def test_part_outside_the_whole() -> None:
    q4_2023 = parse_period("2023-Q4")
    cov = coverage([q4_2023, *QUARTERS_2024], YEAR_2024)
    assert cov.outside == (q4_2023,)
    assert cov.gaps == () and cov.overlaps == ()
    assert not cov.exact

    cov = coverage([*QUARTERS_2024, parse_period("2025-01")], YEAR_2024)
    assert cov.outside == (parse_period("2025-01"),)
    assert cov.gaps == () and cov.overlaps == ()


def test_part_straddling_both_ends() -> None:
    cov = coverage([parse_period("2023-12/2025-01")], YEAR_2024)
    assert cov.outside == (parse_period("2023-12"), parse_period("2025-01"))
    assert cov.gaps == () and cov.overlaps == ()


def test_seed_case_year_against_jan_to_oct() -> None:
    # Parts "Jan-Oct 2024" and "2024" checked against the whole "Jan-Oct 2024": the year
    # counts Jan-Oct a second time and runs past the whole into Nov-Dec.
    parts = [parse_period("2024-01-01/2024-10-31"), parse_period("2024")]
    cov = coverage(parts, JAN_OCT_2024)
    assert not cov.exact
    assert not partitions(parts, JAN_OCT_2024)
    assert cov.overlaps == (P("2024-01-01", "2024-10-31"),)
    assert cov.outside == (P("2024-11-01", "2024-12-31"),)
    assert cov.gaps == ()
    # the same in the other order
    assert coverage(list(reversed(parts)), JAN_OCT_2024) == cov


def test_coverage_at_the_ends_of_the_calendar() -> None:
    whole = Period(date.min, date.max)
    assert partitions([whole], whole)
    last = Period(date(9999, 1, 1), date.max)
    assert coverage([last], last).exact
    assert coverage([], last).gaps == (last,)
    cov = coverage([Period(date.min, date(5000, 1, 1))], whole)
    assert cov.gaps == (Period(date(5000, 1, 2), date.max),)


# --- properties ------------------------------------------------------------------------

dates = st.dates()


@st.composite
def periods(draw: st.DrawFn) -> Period:
    a, b = draw(dates), draw(dates)
    return Period(min(a, b), max(a, b))


@given(periods())
def test_label_round_trips(p: Period) -> None:
    label = p.label()
    assert parse_period(label) == p
    assert parse_period(f" {label} ") == p


@given(dates)
def test_single_day_label_round_trips(d: date) -> None:
    p = Period(d, d)
    assert p.label() == d.isoformat()
    assert parse_period(p.label()) == p
    assert parse_date(d.isoformat()) == d


@given(st.integers(1, 9999), st.integers(1, 12))
def test_month_and_year_labels(year: int, month: int) -> None:
    m = parse_period(f"{year:04d}-{month:02d}")
    assert m.label() == f"{year:04d}-{month:02d}"
    assert m.start == date(year, month, 1) and m.start.day == 1
    assert m.end == date.max or (m.end + timedelta(days=1)).day == 1
    y = parse_period(f"{year:04d}")
    assert y.label() == f"{year:04d}"
    assert y.contains(m)
    assert y.days in (365, 366)


@given(periods(), periods())
def test_contains_and_overlaps_properties(a: Period, b: Period) -> None:
    assert a.contains(a) and a.overlaps(a)
    assert a.overlaps(b) is b.overlaps(a)
    if a.contains(b):
        assert a.overlaps(b)
        assert a.days >= b.days
    if a.contains(b) and b.contains(a):
        assert a == b


@st.composite
def split_period(draw: st.DrawFn) -> tuple[Period, list[Period]]:
    whole = draw(periods())
    n = whole.days
    cuts = draw(st.lists(st.integers(1, n - 1), unique=True, max_size=8)) if n > 1 else []
    starts = [whole.start] + [whole.start + timedelta(days=c) for c in sorted(cuts)]
    ends = [s - timedelta(days=1) for s in starts[1:]] + [whole.end]
    return whole, [Period(s, e) for s, e in zip(starts, ends, strict=True)]


@given(split_period(), st.randoms(use_true_random=False))
def test_split_parts_partition_the_whole(
    case: tuple[Period, list[Period]], rnd: random.Random
) -> None:
    whole, parts = case
    assert sum(p.days for p in parts) == whole.days
    shuffled = list(parts)
    rnd.shuffle(shuffled)
    cov = coverage(shuffled, whole)
    assert cov == Coverage(gaps=(), overlaps=(), outside=())
    assert partitions(shuffled, whole)


@given(split_period(), st.data())
def test_removing_a_part_leaves_exactly_that_gap(
    case: tuple[Period, list[Period]], data: st.DataObject
) -> None:
    whole, parts = case
    if len(parts) < 2:
        assert coverage([], whole).gaps == (whole,)
        return
    # a middle part when there is one; the first or last otherwise
    lo, hi = (1, len(parts) - 2) if len(parts) >= 3 else (0, len(parts) - 1)
    i = data.draw(st.integers(lo, hi))
    removed = parts[i]
    rest = parts[:i] + parts[i + 1 :]
    cov = coverage(rest, whole)
    assert cov.gaps == (removed,)
    assert cov.overlaps == () and cov.outside == ()


@given(split_period(), st.data())
def test_repeating_a_part_reports_it_as_overlap(
    case: tuple[Period, list[Period]], data: st.DataObject
) -> None:
    whole, parts = case
    i = data.draw(st.integers(0, len(parts) - 1))
    cov = coverage([*parts, parts[i]], whole)
    assert cov.overlaps == (parts[i],)
    assert cov.gaps == () and cov.outside == ()


local_dates = st.dates(date(2023, 11, 1), date(2025, 2, 28))


@st.composite
def local_periods(draw: st.DrawFn) -> Period:
    a, b = draw(local_dates), draw(local_dates)
    return Period(min(a, b), max(a, b))


def _days(p: Period) -> set[int]:
    return set(range(p.start.toordinal(), p.end.toordinal() + 1))


@given(local_periods(), st.lists(local_periods(), max_size=5))
def test_coverage_matches_day_counting(whole: Period, parts: list[Period]) -> None:
    # an independent oracle: count, for each day, how many parts hold it
    cov = coverage(parts, whole)
    whole_days = _days(whole)
    counts: dict[int, int] = {}
    for p in parts:
        for d in _days(p):
            counts[d] = counts.get(d, 0) + 1
    gap_days = set().union(*map(_days, cov.gaps))
    overlap_days = set().union(*map(_days, cov.overlaps))
    outside_days = set().union(*map(_days, cov.outside))
    assert gap_days == whole_days - set(counts)
    assert overlap_days == {d for d in whole_days if counts.get(d, 0) >= 2}
    assert outside_days == set(counts) - whole_days
    # gaps are reported once each, in order, separated by covered days
    assert sum(g.days for g in cov.gaps) == len(gap_days)
    assert list(cov.gaps) == sorted(cov.gaps)
    for g1, g2 in zip(cov.gaps, cov.gaps[1:], strict=False):
        assert (g2.start - g1.end).days > 1
    assert cov.exact is partitions(parts, whole)
    assert cov.exact is (not gap_days and not outside_days and all(c == 1 for c in counts.values()))


# --- lengths in units (Period.length_in) -----------------------------------------------


@pytest.mark.parametrize(
    ("label", "unit", "length"),
    [
        ("2024", "month", 12),
        ("2024", "quarter", 4),
        ("2024", "year", 1),
        ("2024", "day", 366),
        ("2023", "week", 365 / 7),
        ("2024-01/2024-10", "month", 10),
        ("2024-01/2024-10", "quarter", 10 / 3),
        ("2024-01/2024-10", "year", 10 / 12),
        ("2024-02", "month", 1),  # 29 days, still one calendar month
        ("2023-02", "month", 1),
        ("2024-Q3", "quarter", 1),
        ("2024-H1", "month", 6),
        ("2023-11/2024-02", "month", 4),  # across a year end
        ("2022-03/2024-02", "year", 2),
        ("2024-01-01/2024-01-14", "week", 2),
        ("2024-01-01/2024-01-14", "day", 14),
        ("2024-01-15/2024-02-14", "month", 31 / (365.25 / 12)),  # not whole months: days
        ("2024-01-01/2024-06-15", "quarter", 167 / (365.25 / 4)),
        ("2024-10-31", "year", 1 / 365.25),
    ],
)
def test_length_in(label: str, unit: str, length: float) -> None:
    assert parse_period(label).length_in(unit) == pytest.approx(length)


def test_length_in_an_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown period unit 'fortnight'"):
        YEAR_2024.length_in("fortnight")


@given(st.dates(min_value=D(1900, 1, 1), max_value=D(2100, 1, 1)), st.integers(0, 800))
def test_length_in_days_and_weeks_count_days(start: date, extra: int) -> None:
    p = Period(start, start + timedelta(days=extra))
    assert p.length_in("day") == extra + 1
    assert p.length_in("week") == pytest.approx((extra + 1) / 7)
    # whole months or not, a year is twelve months and four quarters
    assert p.length_in("month") == pytest.approx(12 * p.length_in("year"))
    assert p.length_in("quarter") == pytest.approx(4 * p.length_in("year"))
