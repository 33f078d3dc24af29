"""Property: the table forms of compare and agreement, judged on columns, fail exactly the
groups the interval model fails, on every engine."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

import statcheck
from statcheck.contract import suite_from_yaml
from statcheck.model.interval import Interval, Relation, compare
from tests.conftest import BACKENDS

PRECISIONS = (0, 1, 10)
group = st.tuples(
    st.integers(0, 300),
    st.sampled_from(PRECISIONS),
    st.integers(0, 300),
    st.sampled_from(PRECISIONS),
)


def frame(groups: list[tuple[int, int, int, int]]) -> pl.DataFrame:
    rows = []
    for i, (a, pa, b, pb) in enumerate(groups):
        day = f"2001-01-{i + 1:02d}"
        for side, value, precision in (("a", a, pa), ("b", b, pb)):
            rows.append(
                {
                    "figure_id": f"{side}|{day}", "metric": side, "value": str(value),
                    "unit": "n", "precision": str(precision), "period_start": day,
                    "period_end": day, "source_id": "stats",
                }
            )  # fmt: skip
    return pl.DataFrame(rows)


def interval(value: int, precision: int) -> Interval:
    return Interval(value - precision / 2, value + precision / 2)


@settings(max_examples=20, deadline=None)
@given(
    groups=st.lists(group, min_size=1, max_size=8),
    op=st.sampled_from([">", ">=", "<", "<=", "=="]),
    factor=st.sampled_from([1, 2, 0.5]),
    absolute=st.sampled_from([0, 1, 7.5]),
)
def test_table_form_compare_fails_the_groups_the_model_fails(
    groups: list[tuple[int, int, int, int]], op: str, factor: float, absolute: float
) -> None:
    rule = (
        f"{{id: r, kind: compare, over: metric, left: a, op: '{op}', right: b, "
        f"factor: {factor}, tolerance: {{absolute: {absolute}}}}}"
    )
    suite = suite_from_yaml("suite: t\nrules:\n  - " + rule + "\n")
    expected = set()
    for i, (a, pa, b, pb) in enumerate(groups):
        rhs = interval(b, pb).scale(factor)
        widened = rhs.widen(absolute + 1e-9 * max(abs(rhs.low), abs(rhs.high)))
        if not compare(interval(a, pa), Relation(op), widened).consistent:
            expected.add(f"a|2001-01-{i + 1:02d}")
    for backend in BACKENDS:
        result = statcheck.validate(frame(groups), suite, engine=backend).result("r")
        assert {f.figures[0] for f in result.findings} == expected, backend
        assert result.counts is not None and result.counts.failed == len(expected)


@settings(max_examples=20, deadline=None)
@given(
    groups=st.lists(group, min_size=1, max_size=8),
    absolute=st.sampled_from([0, 1, 7.5]),
    relative=st.sampled_from([0, 0.01, 0.1]),
)
def test_agreement_fails_the_groups_the_model_fails(
    groups: list[tuple[int, int, int, int]], absolute: float, relative: float
) -> None:
    rule = (
        "{id: r, kind: agreement, over: metric, sides: [a, b], "
        f"tolerance: {{absolute: {absolute}, relative: {relative}}}}}"
    )
    suite = suite_from_yaml("suite: t\nrules:\n  - " + rule + "\n")
    expected = set()
    for i, (a, pa, b, pb) in enumerate(groups):
        first, second = interval(a, pa), interval(b, pb)
        larger = max(abs(first.low), abs(first.high), abs(second.low), abs(second.high))
        if first.gap(second) > absolute + relative * larger + 1e-9 * larger:
            expected.add(f"a|2001-01-{i + 1:02d}")
    for backend in BACKENDS:
        result = statcheck.validate(frame(groups), suite, engine=backend).result("r")
        assert {f.figures[0] for f in result.findings} == expected, backend
        summary = dict(result.summary)
        diffs = [a - b for a, _, b, _ in groups]
        assert summary["max_abs_difference"] == max(abs(d) for d in diffs)
        assert summary["higher"] == {
            "a": sum(d > 0 for d in diffs),
            "b": sum(d < 0 for d in diffs),
            "neither": sum(d == 0 for d in diffs),
        }
