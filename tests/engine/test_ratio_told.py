"""A ratio's failing rows told together (``ratio_told.told``) are the findings
``ratio.verdict`` makes one row at a time, to the character: texts, intervals, gaps."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from statcheck.checking import frame_inputs
from statcheck.contract import suite_from_yaml
from statcheck.engine.context import figures_from
from statcheck.engine.rules.ratio import verdict
from statcheck.engine.rules.ratio_told import told


def _cells(rng: np.random.Generator, n: int) -> pl.DataFrame:
    """A figure table as a publisher prints it: whole numbers, decimals of several
    lengths, qualifiers, percentages, zeros."""
    value = rng.normal(0, 1, n) * 10.0 ** rng.integers(-2, 6, n)
    forms = rng.integers(0, 8, n)
    printed = [
        [
            f"{round(v):,}",
            f"{v:.1f}",
            f"{v:.3f}",
            f"about {abs(round(v, -2)):,.0f}",
            f"more than {abs(v):.2f}",
            "0",
            f"{abs(v) % 100:.1f}%",
            f"nearly {abs(v):.1f}",
        ][f]
        for v, f in zip(value, forms, strict=True)
    ]
    return pl.DataFrame(
        {
            "figure_id": [f"f{i}" for i in range(n)],
            "metric": ["m"] * n,
            "value": printed,
            "unit": ["percent" if f == 6 else "persons" for f in forms],
            "period": [
                f"{2000 + i % 20}" if i % 3 else f"{2000 + i % 20}-Q{1 + i % 4}" for i in range(n)
            ],
            "source_id": ["s"] * n,
        }
    )


@pytest.mark.parametrize(
    "tolerance", ["", ", tolerance: {absolute: 0.5}", ", tolerance: {relative: 0.01}"]
)
def test_failing_shares_told_together_are_the_findings_verdict_makes(tolerance: str) -> None:
    rng = np.random.default_rng(11)
    inputs = frame_inputs(_cells(rng, 3_000), None, "polars")
    cells = inputs.figures.frame
    yaml = (
        "suite: t\nrules:\n  - {id: r, kind: ratio, over: metric, part: a, whole: b, share: c"
        + tolerance
        + "}\n"
    )
    rule = suite_from_yaml(yaml).rules[0]
    picked = rng.integers(0, 3_000, (6_000, 3))
    rows = [
        (f"f{p}", f"f{w}", f"f{s}", float(rng.choice([1, 100, 1000, 2.5])))
        for p, w, s in picked
        if len({p, w, s}) == 3
    ]
    figures = figures_from(cells, ())
    wanted = [verdict(figures[p], figures[w], figures[s], k, rule) for p, w, s, k in rows]
    assert sum(f is not None and f.slug == "zero-denominator" for f in wanted) > 10
    assert sum(f is not None and f.slug == "ratio-mismatch" for f in wanted) > 1_000
    assert told(rows, cells, rule) == wanted
