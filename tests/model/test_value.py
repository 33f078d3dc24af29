"""Reported values: the grammar, the precision rule and the qualifier rule of
``statcheck.model.value`` (see that module's docstring)."""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from statcheck.errors import StatcheckError, ValueParseError
from statcheck.model import (
    Interval,
    Qualifier,
    ReportedValue,
    ValueReading,
    infer_precision,
    parse_value,
)
from statcheck.model.value import QUALIFIER_BOUNDS, QUALIFIER_WORDS, SCALE_WORDS, value_pattern

PROSE = ValueReading.PROSE  # figures quoted in prose (a suite's `values: prose`)

INF = math.inf

# Every spelling and the qualifier it must mean, written out independently of the module
# (the docstring's table plus the extra spellings the module accepts).
EXPECTED_WORDS: dict[str, Qualifier] = {
    "": Qualifier.EXACT,
    "exact": Qualifier.EXACT,
    "exactly": Qualifier.EXACT,
    "about": Qualifier.ABOUT,
    "approximately": Qualifier.ABOUT,
    "approx.": Qualifier.ABOUT,
    "around": Qualifier.ABOUT,
    "roughly": Qualifier.ABOUT,
    "some": Qualifier.ABOUT,
    "estimated": Qualifier.ABOUT,
    "an estimated": Qualifier.ABOUT,
    "~": Qualifier.ABOUT,
    "nearly": Qualifier.NEARLY,
    "almost": Qualifier.NEARLY,
    "just under": Qualifier.NEARLY,
    "more than": Qualifier.MORE_THAN,
    "over": Qualifier.MORE_THAN,
    "above": Qualifier.MORE_THAN,
    "in excess of": Qualifier.MORE_THAN,
    "at least": Qualifier.AT_LEAST,
    "no fewer than": Qualifier.AT_LEAST,
    "no less than": Qualifier.AT_LEAST,
    "fewer than": Qualifier.FEWER_THAN,
    "less than": Qualifier.FEWER_THAN,
    "under": Qualifier.FEWER_THAN,
    "below": Qualifier.FEWER_THAN,
    "at most": Qualifier.AT_MOST,
    "up to": Qualifier.AT_MOST,
    "no more than": Qualifier.AT_MOST,
}

# The docstring's interval table, as a function of value v and precision p.
TABLE = {
    Qualifier.EXACT: lambda v, p: (v - p / 2, v + p / 2),
    Qualifier.ABOUT: lambda v, p: (v - p / 2, v + p / 2),
    Qualifier.NEARLY: lambda v, p: (v - p, v),
    Qualifier.MORE_THAN: lambda v, p: (v, INF),
    Qualifier.AT_LEAST: lambda v, p: (v, INF),
    Qualifier.FEWER_THAN: lambda v, p: (-INF, v),
    Qualifier.AT_MOST: lambda v, p: (-INF, v),
}


def bounds(rv: ReportedValue) -> tuple[float, float]:
    iv = rv.interval()
    return (iv.low, iv.high)


def parse_error(text: object, **kwargs: object) -> ValueParseError:
    with pytest.raises(ValueParseError) as info:
        parse_value(text, **kwargs)  # type: ignore[arg-type]
    assert isinstance(info.value, StatcheckError)
    return info.value


# --- qualifiers ------------------------------------------------------------------------


def test_expected_words_cover_the_module_table() -> None:
    assert set(QUALIFIER_WORDS) == set(EXPECTED_WORDS)
    assert set(QUALIFIER_BOUNDS) == set(Qualifier)


@pytest.mark.parametrize(("word", "qualifier"), sorted(EXPECTED_WORDS.items()))
def test_qualifier_word_maps_to_qualifier_and_interval(word: str, qualifier: Qualifier) -> None:
    assert QUALIFIER_WORDS[word] is qualifier
    assert Qualifier.parse(word) is qualifier
    text = f"{word} 60,000" if word else "60,000"
    rv = parse_value(text, reading=PROSE)  # a round number quoted in prose
    assert rv.qualifier is qualifier
    assert rv.value == 60_000
    assert rv.precision == 10_000
    assert bounds(rv) == TABLE[qualifier](60_000, 10_000)
    assert rv.text == text


@pytest.mark.parametrize(("word", "qualifier"), sorted(EXPECTED_WORDS.items()))
def test_qualifier_word_upper_case_and_extra_spaces(word: str, qualifier: Qualifier) -> None:
    text = f"  {word.upper().replace(' ', '   ')}   41,950 "
    rv = parse_value(text, reading=PROSE)
    assert rv.qualifier is qualifier
    assert bounds(rv) == TABLE[qualifier](41_950, 10)


@pytest.mark.parametrize(
    ("qualifier", "expected"),
    [
        (Qualifier.EXACT, (55_000, 65_000)),
        (Qualifier.ABOUT, (55_000, 65_000)),
        (Qualifier.NEARLY, (50_000, 60_000)),
        (Qualifier.MORE_THAN, (60_000, INF)),
        (Qualifier.AT_LEAST, (60_000, INF)),
        (Qualifier.FEWER_THAN, (-INF, 60_000)),
        (Qualifier.AT_MOST, (-INF, 60_000)),
    ],
)
def test_interval_table_literal(qualifier: Qualifier, expected: tuple[float, float]) -> None:
    rv = ReportedValue(60_000, qualifier, precision=10_000)
    assert bounds(rv) == expected


def test_tilde_without_space() -> None:
    rv = parse_value("~60,000", reading=PROSE)
    assert rv.qualifier is Qualifier.ABOUT
    assert bounds(rv) == (55_000, 65_000)


@pytest.mark.parametrize("q", list(Qualifier))
def test_every_enum_value_parses_to_itself(q: Qualifier) -> None:
    assert Qualifier.parse(q.value) is q
    assert Qualifier.parse(q.value.upper()) is q
    assert Qualifier.parse(q) is q


@pytest.mark.parametrize("word", [None, "", "   "])
def test_no_qualifier_is_exact(word: str | None) -> None:
    assert Qualifier.parse(word) is Qualifier.EXACT


@pytest.mark.parametrize("word", ["circa", "more", "much more than", "≈", "approx"])
def test_unknown_qualifier_word(word: str) -> None:
    with pytest.raises(ValueParseError) as info:
        Qualifier.parse(word)
    err = info.value
    assert isinstance(err, StatcheckError)
    assert err.slug == "unknown-qualifier"
    assert repr(word) in err.message
    assert err.hint is not None and "more than" in err.hint


def test_unknown_qualifier_in_column() -> None:
    assert parse_error("60,000", qualifier="circa").slug == "unknown-qualifier"


def test_unknown_qualifier_in_text_is_not_a_number() -> None:
    assert parse_error("circa 60,000").slug == "invalid-number"


# --- the qualifier column --------------------------------------------------------------


@pytest.mark.parametrize(
    "given_q", ["more than", "more_than", Qualifier.MORE_THAN, "exact", "nearly"]
)
def test_conflicting_qualifier(given_q: str) -> None:
    err = parse_error("about 60,000", qualifier=given_q)
    assert err.slug == "conflicting-qualifier"
    assert "about" in err.message


@pytest.mark.parametrize(
    "given_q", ["about", "approximately", "~", Qualifier.ABOUT, "", "   ", "\t", None]
)
def test_agreeing_or_empty_qualifier_column(given_q: str | None) -> None:
    rv = parse_value("about 60,000", qualifier=given_q, reading=PROSE)
    assert rv.qualifier is Qualifier.ABOUT
    assert bounds(rv) == (55_000, 65_000)


@pytest.mark.parametrize(
    ("given_q", "expected_q", "expected"),
    [
        ("over", Qualifier.MORE_THAN, (350_000, INF)),
        (Qualifier.AT_MOST, Qualifier.AT_MOST, (-INF, 350_000)),
        ("nearly", Qualifier.NEARLY, (340_000, 350_000)),
        ("exact", Qualifier.EXACT, (345_000, 355_000)),
    ],
)
def test_qualifier_column_applies_to_bare_number(
    given_q: str, expected_q: Qualifier, expected: tuple[float, float]
) -> None:
    rv = parse_value("350,000", qualifier=given_q, reading=PROSE)
    assert rv.qualifier is expected_q
    assert bounds(rv) == expected


# --- accepted forms --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["60,000", "60 000", "60\u00a0000", "60\u202f000", "60\u2009000", "60000", " 60,000 "]
)
def test_sixty_thousand_forms(text: str) -> None:
    rv = parse_value(text)
    assert rv.value == 60_000
    assert rv.precision == 1  # a table's number stands for its last printed digit
    assert rv.qualifier is Qualifier.EXACT
    assert rv.percent is False
    assert bounds(rv) == (59_999.5, 60_000.5)
    assert bounds(parse_value(text, reading=PROSE)) == (55_000, 65_000)


@pytest.mark.parametrize("sep", [" ", "\u00a0", "\u202f", "\u2009"])
def test_space_grouped_millions(sep: str) -> None:
    rv = parse_value(f"1{sep}234{sep}567")
    assert rv.value == 1_234_567
    assert rv.precision == 1


def test_about() -> None:
    rv = parse_value("about 60,000", reading=PROSE)
    assert (rv.value, rv.qualifier, rv.precision) == (60_000, Qualifier.ABOUT, 10_000)
    assert rv.interval() == Interval(55_000, 65_000)


def test_more_than() -> None:
    rv = parse_value("more than 350,000", reading=PROSE)
    assert (rv.value, rv.qualifier, rv.precision) == (350_000, Qualifier.MORE_THAN, 10_000)
    assert rv.interval() == Interval(350_000, INF)


@pytest.mark.parametrize("text", ["20%", "20 %"])
def test_percent(text: str) -> None:
    rv = parse_value(text, reading=PROSE)
    assert rv.value == 20
    assert rv.percent is True
    # The precision rule applies to percentages too: a whole 20 in prose is precise to 10.
    assert rv.precision == 10
    assert bounds(rv) == (15, 25)
    assert parse_value(text).precision == 1  # in a table, to its last digit


def test_percent_with_decimals_and_qualifier() -> None:
    rv = parse_value("about 20.5%")
    assert (rv.value, rv.precision, rv.percent, rv.qualifier) == (20.5, 0.1, True, Qualifier.ABOUT)
    lo, hi = bounds(rv)
    assert lo == pytest.approx(20.45) and hi == pytest.approx(20.55)


def test_not_percent() -> None:
    assert parse_value("20").percent is False


def test_decimal() -> None:
    rv = parse_value("2.5")
    assert (rv.value, rv.precision) == (2.5, 0.1)
    lo, hi = bounds(rv)
    assert lo == pytest.approx(2.45) and hi == pytest.approx(2.55)


def test_trailing_zero_decimal() -> None:
    rv = parse_value("12.50")
    assert (rv.value, rv.precision) == (12.5, 0.01)
    lo, hi = bounds(rv)
    assert lo == pytest.approx(12.495) and hi == pytest.approx(12.505)


@pytest.mark.parametrize("text", ["1.2 million", "1.2million", "1.2 MILLION", "1.2 mn"])
def test_million(text: str) -> None:
    rv = parse_value(text)
    assert rv.value == 1_200_000
    assert rv.precision == 100_000
    assert bounds(rv) == (1_150_000, 1_250_000)


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("3 thousand", 3_000, 1_000),
        ("45k", 45_000, 1_000),
        ("2 billion", 2e9, 1e9),
        ("2.75 bn", 2.75e9, 1e7),
        ("1.5 trillion", 1.5e12, 1e11),
        ("60 million", 6e7, 1e6),
        ("2.01 million", 2_010_000, 10_000),
        ("1.2345678 million", 1_234_567.8, 0.1),
        ("2.123456789 thousand", 2123.456789, 1e-6),
    ],
)
def test_scale_words(text: str, value: float, precision: float) -> None:
    rv = parse_value(text)
    assert rv.value == value
    assert rv.precision == precision


@pytest.mark.parametrize("text", ["−5", "–5", "-5"])
def test_minus_signs(text: str) -> None:
    rv = parse_value(text)
    assert rv.value == -5
    assert rv.precision == 1
    assert bounds(rv) == (-5.5, -4.5)


def test_minus_with_groups_and_decimals() -> None:
    rv = parse_value("−1,234.5")
    assert (rv.value, rv.precision) == (-1234.5, 0.1)


def test_plus_sign() -> None:
    assert parse_value("+5").value == 5


@pytest.mark.parametrize("text", ["0", "00", "-0"])
def test_zero(text: str) -> None:
    rv = parse_value(text)
    assert rv.value == 0
    assert rv.precision == 1
    assert bounds(rv) == (-0.5, 0.5)


# --- the precision rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "in_a_table", "in_prose"),
    [
        ("60,000", 1, 10_000),
        ("4420", 1, 10),
        ("41,950", 1, 10),
        ("19,922", 1, 1),
        ("0", 1, 1),
        ("100", 1, 100),
        ("1,000,000", 1, 1_000_000),
        ("1,000,001", 1, 1),
        ("2.5", 0.1, 0.1),
        ("12.50", 0.01, 0.01),
        ("0.0", 0.1, 0.1),
        ("1.2 million", 100_000, 100_000),
        ("60 thousand", 1_000, 10_000),
        ("1.5e-06", 1e-7, 1e-7),
        ("2e3", 1_000, 1_000),
        ("20e3", 1_000, 10_000),
    ],
)
def test_precision_inference(text: str, in_a_table: float, in_prose: float) -> None:
    """A table's number stands for its last printed digit; prose's round number for its
    last non-zero digit. Decimals and scientific notation read the same either way."""
    assert parse_value(text).precision == in_a_table
    assert parse_value(text, reading=ValueReading.TABLE).precision == in_a_table
    assert parse_value(text, reading=PROSE).precision == in_prose


@pytest.mark.parametrize(
    ("args", "in_a_table", "in_prose"),
    [
        (("60000", None), 1, 10_000),
        (("41950", None), 1, 10),
        (("19922", None), 1, 1),
        (("0", None), 1, 1),
        (("000", None), 1, 1),
        (("12", "50"), 0.01, 0.01),
        (("1", "2", 1e6), 100_000, 100_000),
        (("6", None, 1e6), 1e6, 1e6),
        (("0", None, 1e3), 1e3, 1e3),
    ],
)
def test_infer_precision_function(args: tuple, in_a_table: float, in_prose: float) -> None:
    assert infer_precision(*args) == in_a_table
    assert infer_precision(*args, reading=PROSE) == in_prose


@pytest.mark.parametrize(
    ("precision", "expected"),
    [(1, (59_999.5, 60_000.5)), (0, (60_000, 60_000)), (1000, (59_500, 60_500))],
)
def test_explicit_precision_overrides_inference(
    precision: float, expected: tuple[float, float]
) -> None:
    rv = parse_value("60,000", precision=precision)
    assert rv.precision == precision
    assert bounds(rv) == expected


def test_explicit_precision_with_qualifier() -> None:
    rv = parse_value("nearly 60,000", precision=100)
    assert bounds(rv) == (59_900, 60_000)


@pytest.mark.parametrize("precision", [-1.0, math.nan, math.inf])
def test_bad_explicit_precision(precision: float) -> None:
    assert parse_error("60,000", precision=precision).slug == "bad-precision"


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_reported_value_must_be_finite(value: float) -> None:
    with pytest.raises(ValueParseError) as info:
        ReportedValue(value)
    assert info.value.slug == "not-finite"


def test_reported_value_default_is_exact_point() -> None:
    rv = ReportedValue(7.25)
    assert rv.interval() == Interval(7.25, 7.25)


# --- decimal comma ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("2,5", 2.5, 0.1),
        ("60.000", 60_000, 1),
        ("60 000", 60_000, 1),
        ("60\u202f000", 60_000, 1),
        ("1.234,5", 1234.5, 0.1),
        ("12,50", 12.5, 0.01),
        ("1,5 million", 1_500_000, 100_000),
        ("about 2,5%", 2.5, 0.1),
        ("−2,5", -2.5, 0.1),
    ],
)
def test_decimal_comma(text: str, value: float, precision: float) -> None:
    rv = parse_value(text, decimal_mark=",")
    assert rv.value == value
    assert rv.precision == precision


@pytest.mark.parametrize("text", ["2.5", "1.25", "1.5 million", "1.2345"])
def test_decimal_comma_rejects_decimal_point_as_ambiguous(text: str) -> None:
    err = parse_error(text, decimal_mark=",")
    assert err.slug == "ambiguous-number"
    assert "ambiguous" in err.message


def test_decimal_mark_must_be_point_or_comma() -> None:
    with pytest.raises(ValueError, match="decimal mark"):
        value_pattern(";")


# --- rejected forms --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["2,5", "1,25", "1,5 million", "about 2,5", "2,5%", "1,2345", "60,0000", "−2,5"]
)
def test_ambiguous(text: str) -> None:
    err = parse_error(text)
    assert err.slug == "ambiguous-number"
    assert "ambiguous" in err.message


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "60,00,000",
        "12,34,567",
        "1,25,000",
        "1e4000",
        "1e-",
        "1.5e+",
        "e5",
        "1e5%",
        "1e5 million",
        "inf",
        "infinity",
        "nan",
        "--5",
        "−−5",
        "5-",
        "6,0000,000",
        "1234,567",
        "60 00",
        "1.2.3",
        "twelve",
        "12 apples",
        "%",
        "million",
        "about",
        ".5",
        "5.",
        "0x10",
        "1_000",
    ],
)
def test_invalid(text: str) -> None:
    err = parse_error(text)
    assert err.slug == "invalid-number"
    assert "ambiguous" not in err.message


def test_huge_number_is_not_finite() -> None:
    err = parse_error("1" + "0" * 400)
    assert err.slug == "not-finite"
    err = parse_error("1" + "0" * 400 + " million")
    assert err.slug == "not-finite"


@pytest.mark.parametrize("text", ["", "   ", "\u00a0", "\u202f\u2009"])
def test_missing(text: str) -> None:
    assert parse_error(text).slug == "missing-value"


@pytest.mark.parametrize("text", [None, 60000, 2.5])
def test_not_text(text: object) -> None:
    assert parse_error(text).slug == "invalid-number"


def test_error_never_a_date() -> None:
    # An unreadable value is never replaced by a guess of any kind.
    err = parse_error("10/11/12")
    assert err.slug == "invalid-number"
    assert date.today().isoformat() not in str(err)


# --- properties ------------------------------------------------------------------------

GROUP_SEPARATORS = [",", " ", "\u00a0", "\u202f", "\u2009"]


def _expected_whole_precision(n: int) -> float:
    digits = str(n)
    if n == 0:
        return 1
    return 10 ** (len(digits) - len(digits.rstrip("0")))


@given(st.integers(0, 10**15), st.sampled_from(GROUP_SEPARATORS), st.booleans())
def test_grouped_integers_round_trip(n: int, sep: str, negative: bool) -> None:
    text = ("−" if negative else "") + f"{n:,}".replace(",", sep)
    rv = parse_value(text)
    assert rv.value == (-n if negative else n)
    assert rv.precision == 1  # a table's number: its last printed digit
    assert parse_value(text, reading=PROSE).precision == _expected_whole_precision(n)
    assert rv.qualifier is Qualifier.EXACT


@given(st.integers(0, 10**9), st.text("0123456789", min_size=1, max_size=6))
def test_decimals_value_and_precision(whole: int, frac: str) -> None:
    text = f"{whole:,}.{frac}"
    rv = parse_value(text)
    assert rv.value == float(f"{whole}.{frac}")
    assert rv.precision == float(f"1e-{len(frac)}")
    # the same number with a decimal comma
    rv2 = parse_value(f"{whole:,}".replace(",", ".") + "," + frac, decimal_mark=",")
    assert (rv2.value, rv2.precision) == (rv.value, rv.precision)


@given(
    st.integers(0, 999),
    st.text("0123456789", max_size=9),
    st.sampled_from(sorted(SCALE_WORDS)),
)
def test_scaled_values_are_correctly_rounded(whole: int, frac: str, word: str) -> None:
    number = f"{whole}.{frac}" if frac else str(whole)
    rv = parse_value(f"{number} {word}")
    scale = int(SCALE_WORDS[word])
    # the float nearest to the exact decimal value, no float noise from the scaling
    assert rv.value == float(Fraction(number) * scale)
    expected_precision = Fraction(scale, 10 ** len(frac)) if frac else scale
    assert rv.precision == float(expected_precision)
    in_prose = parse_value(f"{number} {word}", reading=PROSE).precision
    assert in_prose == (rv.precision if frac else scale * _expected_whole_precision(whole))


@given(
    st.sampled_from(sorted(EXPECTED_WORDS)),
    st.integers(-(10**9), 10**9),
    st.sampled_from(["", "%"]),
)
def test_interval_follows_table(word: str, n: int, pct: str) -> None:
    text = f"{word} {n:,}{pct}".strip()
    rv = parse_value(text, reading=PROSE)
    q = EXPECTED_WORDS[word]
    assert rv.qualifier is q
    assert rv.percent is bool(pct)
    assert bounds(rv) == TABLE[q](n, _expected_whole_precision(abs(n)))
    # the value itself is always inside its interval
    assert rv.value in rv.interval()


@given(st.integers(0, 999), st.integers(0, 99))
def test_comma_with_one_or_two_digits_is_ambiguous(whole: int, tail: int) -> None:
    for t in {str(tail), f"{tail:02d}"}:
        err = parse_error(f"{whole},{t}")
        assert err.slug == "ambiguous-number"
        assert "ambiguous" in err.message


@given(
    st.one_of(
        st.text(),
        st.text(alphabet="0123456789,. %-−–+\u00a0\u202fkmilonbtuhsdaeE~", max_size=16),
    ),
    st.sampled_from([".", ","]),
)
def test_any_text_gives_a_finite_value_or_a_value_parse_error(text: str, mark: str) -> None:
    try:
        rv = parse_value(text, decimal_mark=mark)
    except ValueParseError as err:
        assert err.slug in {
            "invalid-number",
            "ambiguous-number",
            "missing-value",
            "not-finite",
            "unknown-qualifier",
            "unexpected-text",  # a number with a footnote mark: 60,000*
            "inexact-number",  # more digits than a float keeps: 9007199254740993
        }
    else:
        assert math.isfinite(rv.value)
        assert math.isfinite(rv.precision) and rv.precision > 0
        assert rv.value in rv.interval()


# --- scientific notation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "precision", "interval"),
    [
        ("1.5e-06", 1.5e-6, 1e-7, (1.45e-6, 1.55e-6)),
        ("1.5E-06", 1.5e-6, 1e-7, (1.45e-6, 1.55e-6)),
        ("2.715830011867641e-6", 2.715830011867641e-6, 1e-21, None),
        ("1e3", 1000, 1000, (500, 1500)),
        ("-2.50e+2", -250, 1, (-250.5, -249.5)),
        ("about 3.2e9", 3.2e9, 1e8, (3.15e9, 3.25e9)),
    ],
)
def test_scientific_notation(
    text: str, value: float, precision: float, interval: tuple[float, float] | None
) -> None:
    """A number in scientific notation stands for the last printed digit of its mantissa."""
    rv = parse_value(text)
    assert rv.value == value
    assert rv.precision == precision
    if interval is not None:
        assert bounds(rv) == pytest.approx(interval, rel=1e-12)


@pytest.mark.parametrize("text", ["1e400", "1E400", "1.0e400"])
def test_scientific_notation_beyond_any_float(text: str) -> None:
    assert parse_error(text).slug == "not-finite"


@pytest.mark.parametrize("text", ["1e-400", "-2.5E-320", "0.001e-306"])
def test_a_number_too_close_to_zero_for_a_float_is_refused_never_read_as_zero(text: str) -> None:
    assert parse_error(text).slug == "inexact-number"


@pytest.mark.parametrize("text", ["0e-400", "0.000", "2.3e-308"])
def test_zero_and_the_smallest_full_floats_are_read(text: str) -> None:
    assert parse_value(text).value == float(text)
