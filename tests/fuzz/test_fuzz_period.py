"""Fuzzing the period parser: any label gives a period that reads back from its own label,
or a PeriodParseError with a documented slug, never another exception."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statcheck.errors import ExitCode, PeriodParseError
from statcheck.model.period import parse_date, parse_period
from tests.fuzz._documented import CONTRACT_SLUGS

FUZZ = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

digits = st.text("0123456789", min_size=0, max_size=5)
spaces = st.sampled_from(["", " ", "\t", "\u00a0", "\n"])


@st.composite
def single_label(draw: st.DrawFn) -> str:
    """A year, half, quarter, month or day label, well formed or nearly."""
    year = draw(st.one_of(st.integers(0, 9999).map(lambda y: f"{y:04d}"), digits))
    form = draw(st.sampled_from(["year", "half", "quarter", "month", "day", "other"]))
    sep = draw(st.sampled_from(["-", "", "/", ".", "–"]))
    two = st.one_of(st.integers(0, 99).map(lambda n: f"{n:02d}"), digits)
    if form == "year":
        return year
    if form == "half":
        return f"{year}{sep}{draw(st.sampled_from('Hh'))}{draw(digits)}"
    if form == "quarter":
        return f"{year}{sep}{draw(st.sampled_from('Qq'))}{draw(digits)}"
    if form == "month":
        return f"{year}{sep}{draw(two)}"
    if form == "day":
        return f"{year}{sep}{draw(two)}{sep}{draw(two)}"
    return year + draw(st.text(max_size=6))


@st.composite
def period_label(draw: st.DrawFn) -> str:
    first = draw(single_label())
    if draw(st.booleans()):
        return draw(spaces) + first + draw(spaces)
    slashes = draw(st.sampled_from(["/", "/", "//", " / "]))
    return draw(spaces) + first + slashes + draw(single_label()) + draw(spaces)


labels = st.one_of(st.text(), period_label())


@FUZZ
@given(labels)
def test_any_label_is_a_period_or_a_documented_error(label: str) -> None:
    try:
        period = parse_period(label)
    except PeriodParseError as exc:
        assert exc.slug in CONTRACT_SLUGS, exc.slug
        assert exc.exit_code is ExitCode.CONTRACT
        return
    assert period.start <= period.end
    assert parse_period(period.label()) == period
    assert period.describe()


@FUZZ
@given(st.one_of(st.text(), single_label()))
def test_any_text_is_a_date_or_a_documented_error(text: str) -> None:
    try:
        day = parse_date(text)
    except PeriodParseError as exc:
        assert exc.slug in CONTRACT_SLUGS, exc.slug
        return
    assert parse_date(day.isoformat()) == day
