"""Explanations say exactly what happened: numbers with the digits that show the gap, an
equality that names the larger side, rounding mentioned only where figures have it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.engine.rules import explain
from statcheck.report import Finding, Status
from tests.conftest import MakeDrop, figure


def exact(fid: str, value: str, **kw: str) -> dict[str, str]:
    return figure(fid, value, precision="0", **kw)


def only_finding(drop: Path, rule: str, backend: str) -> Finding:
    suite = suite_from_yaml(f"suite: t\nrules:\n  - {rule}\n")
    result = validate_drop(drop, suite, engine=backend).result("r")
    assert result.status is Status.FAIL
    [finding] = result.findings
    return finding


# ---------------------------------------------------------------- printing numbers


@pytest.mark.parametrize(
    ("x", "places", "printed"),
    [
        (61872.0, 6, "61,872"),
        (0.0, 6, "0"),
        (-0.0000001, 6, "0"),  # never "-0"
        (0.0000001, 8, "0.0000001"),
        (7.89761, 6, "7.89761"),
        (59.27701285108702, 6, "59.277013"),
        (0.1 + 0.2, 6, "0.3"),  # the last bits of binary arithmetic are not digits
        (1e15, 6, "1,000,000,000,000,000"),
        (2.715830011867641e-6, None, "0.00000271583001186764"),  # its own digits, to 15
        (1234567.25, 1, "1,234,567.2"),
    ],
)
def test_numbers_print_in_fixed_notation_with_the_digits_asked_for(
    x: float, places: int | None, printed: str
) -> None:
    assert explain.number(x, places) == printed


@settings(max_examples=5000, deadline=None)
@given(
    x=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e17, max_value=1e17)
    | st.floats(min_value=1e-12, max_value=1e-3)
    # Quotients, as computed numbers are, and numbers around 10^(15 - places), where a
    # number's decimals stop being all within 15 significant digits.
    | st.builds(lambda a, b: a / b, st.integers(-(10**9), 10**9), st.integers(1, 10**6))
    | st.builds(lambda m, e: m * 10.0**e, st.floats(-10, 10), st.integers(0, 14)),
    places=st.one_of(st.none(), st.integers(0, 20)),
)
def test_numbers_show_the_decimals_of_their_shortest_form_to_15_digits(
    x: float, places: int | None
) -> None:
    # The shortest decimal that stands for x to 15 significant digits, worked out with
    # Python's decimal module: its decimals, capped at ``places``, trailing zeros dropped.
    decimals = -int(Decimal(f"{x:.15g}").normalize().as_tuple().exponent)
    shown = decimals if places is None else min(places, decimals)
    expected = f"{x:,.{shown}f}".rstrip("0").rstrip(".") if shown > 0 else f"{x:,.0f}"
    expected = "0" if expected == "-0" else expected
    assert explain.number(x, places) == (f"{int(x):,}" if x.is_integer() else expected)


@pytest.mark.parametrize(
    ("gap", "places"), [(0.0, 6), (500.0, 6), (0.027, 6), (0.0000012, 7), (0.00000012, 8)]
)
def test_a_gap_gets_decimals_for_two_significant_digits(gap: float, places: int) -> None:
    assert explain.places_for(gap) == places
    assert explain.number(gap, places) != "0" or gap == 0


# ---------------------------------------------------------------- in the rules' sentences


def test_a_tiny_gap_is_not_printed_as_zero(make_drop: MakeDrop, backend: str) -> None:
    # 78,976,100 / 1,000,000,000 = 7.89761%, printed 7.8976099 and declared exact: 1e-7 off.
    rows = [
        exact("p", "78976100"),
        exact("w", "1000000000"),
        exact("s", "7.8976099", unit="percent"),
    ]
    rule = "{id: r, kind: ratio, part: p, whole: w, share: s}"
    f = only_finding(make_drop(rows), rule, backend)
    assert f.explanation.endswith(
        "which is 7.89761, 0.0000001 away from what 7.8976099 can stand for (7.8976099)."
    )
    assert f.gap == pytest.approx(1e-7)


def test_the_ends_of_a_span_print_apart(make_drop: MakeDrop, backend: str) -> None:
    # Printed to 7 decimals, the share stands for 7.89760985 to 7.89760995.
    rows = [
        exact("p", "78976100"),
        exact("w", "1000000000"),
        figure("s", "7.8976099", unit="percent"),
    ]
    f = only_finding(make_drop(rows), "{id: r, kind: ratio, part: p, whole: w, share: s}", backend)
    assert "(7.89760985 to 7.89760995)" in f.explanation
    assert "0.00000005 away" in f.explanation


@pytest.mark.parametrize(
    ("left", "right", "side"), [("5", "4", "left"), ("4", "5.5", "right")], ids=["left", "right"]
)
def test_an_equality_names_the_larger_side(
    make_drop: MakeDrop, backend: str, left: str, right: str, side: str
) -> None:
    drop = make_drop([exact("a", left), exact("b", right)])
    f = only_finding(drop, "{id: r, kind: compare, left: a, op: '==', right: b}", backend)
    assert "falls short" not in f.explanation
    gap = "1" if side == "left" else "1.5"
    assert f.explanation.endswith(
        f"but {left} against {right} are {gap} apart: the {side} side is larger."
    )


def test_an_upper_bound_is_gone_over(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop([exact("a", "5"), exact("b", "4")])
    f = only_finding(drop, "{id: r, kind: compare, left: a, op: '<=', right: b}", backend)
    assert f.explanation.endswith("but 5 against 4 is over by 1.")


def test_exact_figures_have_no_rounding_to_go_beyond(make_drop: MakeDrop, backend: str) -> None:
    rows = [
        exact("t", "10", region="TOTAL"),
        exact("n", "4", region="N"),
        exact("s", "5", region="S"),
    ]
    drop = make_drop(rows, extra_columns=["region"])
    f = only_finding(drop, "{id: r, kind: sum, over: region, total: TOTAL}", backend)
    assert f.explanation == (
        "t is 10 but its 2 parts (n, s) add up to 9, 1 apart; "
        "the total is larger: something it counts is in none of the parts."
    )


def test_rounded_figures_are_apart_beyond_their_rounding(make_drop: MakeDrop, backend: str) -> None:
    rows = [
        figure("t", "10.5", region="TOTAL"),
        figure("n", "4.1", region="N"),
        figure("s", "5.2", region="S"),
    ]
    drop = make_drop(rows, extra_columns=["region"])
    f = only_finding(drop, "{id: r, kind: sum, over: region, total: TOTAL}", backend)
    assert "t is 10.5 but its 2 parts (n, s) add up to 9.3, 1.05 apart beyond their rounding;" in (
        f.explanation
    )


def test_exact_shares_of_a_constant_are_simply_away(make_drop: MakeDrop, backend: str) -> None:
    rows = [exact("a", "60", unit="percent"), exact("b", "30", unit="percent")]
    f = only_finding(make_drop(rows), "{id: r, kind: sum, total: 100, parts: [a, b]}", backend)
    assert f.explanation.endswith("should add up to 100, but they add up to 90, 10 away.")
    rounded = [figure("a", "61", unit="percent"), figure("b", "31", unit="percent")]
    drop = make_drop(rounded, name="rounded")
    f = only_finding(drop, "{id: r, kind: sum, total: 100, parts: [a, b]}", backend)
    assert f.explanation.endswith(
        "but they add up to 92 (91 to 93 allowing for rounding), 7 away even allowing for "
        "their rounding."
    )


def test_figures_printed_twice_are_listed_with_their_own_digits(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = [
        exact("t", "1", region="TOTAL"),
        exact("n", "0.0789761", region="N"),
        exact("n-again", "0.0789762", region="N"),
    ]
    drop = make_drop(rows, extra_columns=["region"])
    suite = suite_from_yaml(
        "suite: t\nrules:\n  - {id: r, kind: sum, over: region, total: TOTAL}\n"
    )
    result = validate_drop(drop, suite, engine=backend).result("r")
    [duplicate] = [f for f in result.findings if f.slug == "duplicate-figure"]
    assert "(n = 0.0789761; n-again = 0.0789762)" in duplicate.explanation
