"""The vectorized value parser (engine) agrees with the scalar one (model) on every input."""

from __future__ import annotations

import math

import narwhals as nw
import pandas as pd
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statcheck.errors import DataError, StatcheckError
from statcheck.model.value import QUALIFIER_WORDS, SCALE_WORDS, parse_value
from statcheck.prepare import normalise_figures

qualifiers = st.sampled_from(["", *[w + " " for w in QUALIFIER_WORDS if w]])
signs = st.sampled_from(["", "-", "\u2212", "+", "\u2013"])
spaces = st.sampled_from([",", " ", "\u00a0", "\u202f", "\u2009"])


@st.composite
def printed_numbers(draw: st.DrawFn) -> str:
    n = draw(st.integers(min_value=0, max_value=10**12))
    sep = draw(spaces)
    grouped = f"{n:,}".replace(",", sep) if draw(st.booleans()) else str(n)
    frac = draw(st.one_of(st.just(""), st.from_regex(r"\.[0-9]{1,4}", fullmatch=True)))
    suffix = draw(st.sampled_from(["", "%", *[" " + w for w in SCALE_WORDS], *SCALE_WORDS]))
    return draw(qualifiers) + draw(signs) + grouped + frac + suffix


values = st.one_of(
    printed_numbers(), st.text(alphabet="0123456789,. -%abmnk", min_size=1, max_size=12)
)


def table(texts: list[str], backend: str) -> nw.DataFrame[object]:
    n = len(texts)
    data = {
        "figure_id": [f"f{i}" for i in range(n)],
        "metric": ["m"] * n,
        "value": texts,
        "unit": ["percent" if t.strip().endswith("%") else "u" for t in texts],
        "period_start": ["2024-01-01"] * n,
        "period_end": ["2024-12-31"] * n,
        "source_id": ["s"] * n,
    }
    native = (
        pl.DataFrame(data) if backend == "polars" else pd.DataFrame(data, dtype="string[pyarrow]")
    )
    return nw.from_native(native, eager_only=True)


@pytest.mark.parametrize("backend", ["polars", "pandas"])
@settings(max_examples=60, deadline=None)
@given(texts=st.lists(values, min_size=1, max_size=20))
def test_vectorized_parser_matches_scalar(backend: str, texts: list[str]) -> None:
    parsed = []
    for t in texts:
        try:
            parsed.append(parse_value(t))
        except StatcheckError:
            parsed.append(None)
    good = [t for t, p in zip(texts, parsed, strict=True) if p is not None]
    bad = [t for t, p in zip(texts, parsed, strict=True) if p is None]
    if bad:
        with pytest.raises(DataError):
            normalise_figures(table(bad, backend))
    if not good:
        return
    frame = normalise_figures(table(good, backend)).frame
    rows = frame.select("value", "qualifier", "precision", "low", "high", "percent").rows()
    expected = [p for p in parsed if p is not None]
    for (value, qualifier, precision, low, high, percent), want in zip(rows, expected, strict=True):
        iv = want.interval()
        assert math.isclose(value, want.value, rel_tol=1e-12, abs_tol=1e-12)
        assert qualifier == want.qualifier.value
        assert math.isclose(precision, want.precision, rel_tol=1e-9)
        assert (math.isinf(low) and math.isinf(iv.low)) or math.isclose(
            low, iv.low, rel_tol=1e-9, abs_tol=1e-9
        )
        assert (math.isinf(high) and math.isinf(iv.high)) or math.isclose(
            high, iv.high, rel_tol=1e-9, abs_tol=1e-9
        )
        assert bool(percent) == want.percent
