"""A synthetic figure table for the benchmark, with known violations of every rule kind.

Deterministic: the same ``n_rows`` and ``seed`` give the same table, suite and expected
counts, in any process (the memory measurements regenerate the table in a fresh one).

Layout. ``n_series`` series (a dimension ``series``: S000001, ...) over 24 months
(2022-01 .. 2023-12), all reported by ``stat-office`` (official). Per series and month:

* ``cases`` in 11 regions: TOTAL and R01..R10 (parts exact counts, precision 1; the
  TOTAL rounded to tens, precision 10): the ``sum`` rule, table form over ``region``;
* ``deaths`` (precision 1) and ``death_share`` (percent, precision 0.1), TOTAL only: the
  ``ratio`` rule, table form over ``metric`` with ``cases`` as the whole;
* ``cases_cum`` (the running total of cases TOTAL, precision 10): ``series`` cumulative;
* ``cases_change`` (percent change of cases TOTAL from the month before, precision 0.1;
  not for the first month): ``series`` change.

That is 15 rows per series and month (14 in the first month), 11 of them the sum group:
359 rows per series. For the first few hundred series there are also annual figures for
2023: ``cases_year`` (stat-office) and ``cases_month_avg`` (news-wire, media, citing
stat-office), used by a hundred explicit ``compare`` rules (one series' year against
another's) and a hundred explicit ``rate`` rules (the monthly average times 12 months is
the year). Over the whole table: ``period`` (published after the period ends) and
``attribution`` (every figure cites a source: ``registry``, some ``registry;ministry``).

Violations, about 1% per kind, each giving exactly one finding (or one failing rule):

=============  ================================================================
sum            one part of 1% of the sum groups raised by 1,000
ratio          the share of 1% of the groups raised by 5 percentage points
series-cum     1% of months (one per series at most) set 1,000 below the month before
series-change  1% of the change figures off by 3 percentage points
compare        1% of the compare rules (at least one) claim the wrong order
rate           1% of the rate rules (at least one): the monthly average 10% too high
period         1% of all rows: final, yet published 10 days before their period ends
attribution    1% of the stat-office rows cite ``unknown-registry`` (not a source)
=============  ================================================================

(0.5% of rows are ``provisional`` and published early: not violations.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

SEED = 20250601
MONTHS = 24  # 2022-01 .. 2023-12
FIRST_YEAR = 2022
REGIONS = ["TOTAL", *(f"R{i:02d}" for i in range(1, 11))]
ROWS_PER_SERIES = MONTHS * 11 + MONTHS * 3 + (MONTHS - 1)  # 359
MAX_EXPLICIT = 100  # compare rules, and rate rules
VIOLATION_SHARE = 0.01

# What the suite names; floor.py reads the same constants.
CASES, DEATHS, SHARE, CUM, CHANGE = "cases", "deaths", "death_share", "cases_cum", "cases_change"
YEAR, MONTH_AVG = "cases_year", "cases_month_avg"
TOTAL = "TOTAL"
OFFICE, NEWS = "stat-office", "news-wire"
BAD_CITATION = "unknown-registry"
PRIMARY_KINDS = ("official",)

SOURCES = {
    "source_id": [OFFICE, "registry", "ministry", NEWS, "think-tank"],
    "name": [
        "National Statistics Office",
        "National Case Registry",
        "Ministry of Health",
        "News Wire",
        "Policy Think Tank",
    ],
    "kind": ["official", "official", "official", "media", "analyst"],
    "url": [None, None, None, "https://example.org/wire", None],
}

# The order of the kinds in reports.
KINDS = (
    "sum",
    "ratio",
    "series-cumulative",
    "series-change",
    "compare",
    "rate",
    "period",
    "attribution",
)


@dataclass(frozen=True)
class Compare:
    id: str
    left: tuple[str, ...]
    op: str
    right: tuple[str, ...]


@dataclass(frozen=True)
class Rate:
    id: str
    rate: str
    total: str
    per: str = "month"


@dataclass
class Workload:
    figures: pl.DataFrame
    sources: pl.DataFrame
    suite_yaml: str
    compares: list[Compare]
    rates: list[Rate]
    expected: dict[str, int]
    n_series: int
    params: dict[str, Any] = field(default_factory=dict)


def _n(count: int) -> int:
    """About 1% of ``count`` violations, at least one when there is anything to violate."""
    return max(1, round(VIOLATION_SHARE * count)) if count else 0


def generate(n_rows: int, seed: int = SEED) -> Workload:
    rng = np.random.default_rng(seed)
    k_annual = min(2 * MAX_EXPLICIT, max(2, n_rows // 500))
    n_series = max(2, round((n_rows - 2 * k_annual) / ROWS_PER_SERIES))
    k_annual = min(k_annual, n_series)
    n_groups = n_series * MONTHS
    expected: dict[str, int] = {}

    # ---- cases: 10 exact parts and a TOTAL rounded to tens, per series and month
    parts = rng.integers(200, 2000, size=(n_series, MONTHS, 10)).astype(np.float64)
    exact_total = parts.sum(axis=2)
    total = np.round(exact_total / 10.0) * 10.0
    n_bad = _n(n_groups)
    bad = rng.choice(n_groups, size=n_bad, replace=False)
    flat_parts = parts.reshape(n_groups, 10)
    flat_parts[bad, rng.integers(0, 10, size=n_bad)] += 1000.0
    expected["sum"] = n_bad

    # ---- deaths and their share of cases TOTAL
    deaths = rng.binomial(exact_total.astype(np.int64), 0.02).astype(np.float64)
    share = np.round(deaths / total * 100.0, 1)
    n_bad = _n(n_groups)
    share.reshape(-1)[rng.choice(n_groups, size=n_bad, replace=False)] += 5.0
    expected["ratio"] = n_bad

    # ---- cumulative cases: at most one drop per series, never in the first month
    cum = np.cumsum(total, axis=1)
    n_bad = min(n_series, _n(n_series * (MONTHS - 1)))
    rows = rng.choice(n_series, size=n_bad, replace=False)
    months = rng.integers(1, MONTHS, size=n_bad)
    cum[rows, months] = cum[rows, months - 1] - 1000.0
    expected["series-cumulative"] = n_bad

    # ---- percent change of cases TOTAL from the month before (months 1..23)
    change = np.round((total[:, 1:] / total[:, :-1] - 1.0) * 100.0, 1)
    n_bad = _n(change.size)
    change.reshape(-1)[rng.choice(change.size, size=n_bad, replace=False)] += 3.0
    expected["series-change"] = n_bad

    # ---- the monthly frame, one block per metric
    s_idx = np.repeat(np.arange(n_series, dtype=np.int32), MONTHS)
    m_idx = np.tile(np.arange(MONTHS, dtype=np.int32), n_series)

    def block(
        metric: str, values: np.ndarray, precision: float, unit: str, s: Any, m: Any, region: Any
    ) -> pl.DataFrame:
        return pl.DataFrame(
            {
                "s": np.asarray(s, dtype=np.int32),
                "m": np.asarray(m, dtype=np.int32),
                "region": region,
                "value": values.reshape(-1),
            },
            schema={"s": pl.Int32, "m": pl.Int32, "region": pl.String, "value": pl.Float64},
        ).select(
            "s",
            "m",
            "region",
            pl.lit(metric).alias("metric"),
            "value",
            pl.lit(precision).alias("precision"),
            pl.lit(unit).alias("unit"),
        )

    region_codes = np.tile(np.arange(11, dtype=np.int8), n_groups)
    region_names = pl.Series(REGIONS)
    all_cases = np.concatenate([total.reshape(n_groups, 1), flat_parts], axis=1)
    cases_block = block(
        CASES,
        all_cases.reshape(-1),
        1.0,
        "cases",
        np.repeat(s_idx, 11),
        np.repeat(m_idx, 11),
        region_names.gather(region_codes),
    ).with_columns(
        pl.when(pl.col("region") == TOTAL)
        .then(pl.lit(10.0))
        .otherwise(pl.col("precision"))
        .alias("precision")
    )
    totals_only = pl.repeat(TOTAL, n_groups, eager=True)
    later = m_idx > 0
    monthly = pl.concat(
        [
            cases_block,
            block(DEATHS, deaths, 1.0, "persons", s_idx, m_idx, totals_only),
            block(SHARE, share, 0.1, "percent", s_idx, m_idx, totals_only),
            block(CUM, cum, 10.0, "cases", s_idx, m_idx, totals_only),
            block(
                CHANGE,
                change,
                0.1,
                "percent",
                s_idx[later],
                m_idx[later],
                totals_only.head(int(later.sum())),
            ),
        ],
        rechunk=True,
    )
    month_start = pl.date(pl.lit(FIRST_YEAR) + pl.col("m") // 12, pl.col("m") % 12 + 1, pl.lit(1))
    monthly = monthly.with_columns(month_start.alias("period_start")).with_columns(
        pl.col("period_start").dt.month_end().alias("period_end"),
        pl.col("m")
        .replace_strict(
            {m: f"{FIRST_YEAR + m // 12}-{m % 12 + 1:02d}" for m in range(MONTHS)},
            return_dtype=pl.String,
        )
        .alias("_label"),
    )

    # ---- annual figures for 2023 and the explicit compare and rate rules
    year = total[:k_annual, 12:].sum(axis=1)
    avg = np.round(year / 12.0, 1)
    n_rate = min(MAX_EXPLICIT, k_annual)
    n_bad = _n(n_rate)
    rate_bad = rng.choice(n_rate, size=n_bad, replace=False)
    avg[rate_bad] = np.round(avg[rate_bad] * 1.1, 1)
    expected["rate"] = n_bad
    k_s = np.arange(k_annual, dtype=np.int32)
    k_regions = pl.repeat(TOTAL, k_annual, eager=True)
    annual = pl.concat(
        [
            block(YEAR, year, 10.0, "cases", k_s, np.full(k_annual, -1, np.int32), k_regions),
            block(MONTH_AVG, avg, 0.1, "cases", k_s, np.full(k_annual, -1, np.int32), k_regions),
        ]
    ).with_columns(
        pl.lit(dt.date(2023, 1, 1)).alias("period_start"),
        pl.lit(dt.date(2023, 12, 31)).alias("period_end"),
        pl.lit("2023").alias("_label"),
    )
    frame = pl.concat([monthly, annual], rechunk=True)
    n = frame.height

    # ---- who reports it, what it cites, when it was published
    u_period = rng.random(n)
    u_cite = rng.random(n)
    news = (frame.get_column("metric") == MONTH_AVG).to_numpy()
    early = u_period < VIOLATION_SHARE
    provisional = (u_period >= VIOLATION_SHARE) & (u_period < 1.5 * VIOLATION_SHARE)
    expected["period"] = int(early.sum())
    bad_cite = (u_cite < VIOLATION_SHARE) & ~news
    expected["attribution"] = int(bad_cite.sum())
    two_cites = (u_cite >= VIOLATION_SHARE) & (u_cite < 11 * VIOLATION_SHARE) & ~news
    cites = np.where(bad_cite, 2, np.where(two_cites, 1, np.where(news, 3, 0))).astype(np.int8)
    days = np.where(early, -10, np.where(provisional, -5, 15)).astype(np.int32)
    frame = frame.with_columns(
        pl.Series("_cite", cites),
        pl.Series("_days", days),
        pl.Series("_prov", provisional),
    )
    series_name = pl.format("S{}", pl.col("s").add(1).cast(pl.String).str.zfill(6))
    figures = frame.select(
        pl.concat_str(
            [series_name, pl.col("_label"), pl.col("region"), pl.col("metric")], separator="-"
        ).alias("figure_id"),
        "metric",
        "value",
        "unit",
        "precision",
        "period_start",
        "period_end",
        pl.when(pl.col("metric") == MONTH_AVG)
        .then(pl.lit(NEWS))
        .otherwise(pl.lit(OFFICE))
        .alias("source_id"),
        pl.col("_cite")
        .replace_strict(
            {0: "registry", 1: "registry;ministry", 2: BAD_CITATION, 3: OFFICE},
            return_dtype=pl.String,
        )
        .alias("cites"),
        (pl.col("period_end") + pl.duration(days=pl.col("_days"))).alias("published_at"),
        pl.when(pl.col("_prov"))
        .then(pl.lit("provisional"))
        .otherwise(pl.lit("final"))
        .alias("status"),
        "region",
        series_name.alias("series"),
    )

    # ---- the explicit rules, by figure id
    def year_id(i: int) -> str:
        return f"S{i + 1:06d}-2023-{TOTAL}-{YEAR}"

    def avg_id(i: int) -> str:
        return f"S{i + 1:06d}-2023-{TOTAL}-{MONTH_AVG}"

    rates = [Rate(f"rate-{i + 1:03d}", avg_id(i), year_id(i)) for i in range(n_rate)]
    n_cmp = min(MAX_EXPLICIT, k_annual // 2)
    # A false claim needs the two years far enough apart that no rounding reconciles them.
    apart = [i for i in range(n_cmp) if abs(year[2 * i] - year[2 * i + 1]) > 100]
    n_bad = min(_n(n_cmp), len(apart))
    false_claims = set(rng.choice(apart, size=n_bad, replace=False).tolist()) if n_bad else set()
    expected["compare"] = n_bad
    compares = []
    for i in range(n_cmp):
        a, b = 2 * i, 2 * i + 1
        larger = year[a] >= year[b]
        op = ("<" if larger else ">") if i in false_claims else ">=" if larger else "<="
        if i % 4 == 3 and i not in false_claims:  # a sum on one side: a <= a + b
            compares.append(
                Compare(f"compare-{i + 1:03d}", (year_id(a),), "<=", (year_id(a), year_id(b)))
            )
        else:
            compares.append(Compare(f"compare-{i + 1:03d}", (year_id(a),), op, (year_id(b),)))

    sources = pl.DataFrame(SOURCES, schema={c: pl.String for c in SOURCES})
    return Workload(
        figures=figures,
        sources=sources,
        suite_yaml=suite_yaml(compares, rates),
        compares=compares,
        rates=rates,
        expected={k: expected[k] for k in KINDS},
        n_series=n_series,
        params={"seed": seed, "n_rows_requested": n_rows, "months": MONTHS, "regions": 11},
    )


def _ids(ids: tuple[str, ...]) -> str:
    return ids[0] if len(ids) == 1 else "[" + ", ".join(ids) + "]"


def suite_yaml(compares: list[Compare], rates: list[Rate]) -> str:
    """The benchmark suite: the table-wide rules, then the explicit compare and rate rules."""
    head = f"""\
suite: bench-synthetic
description: Synthetic figure table for the benchmark (benchmarks/generate.py).
primary_sources: [official]
rules:
  - id: regions-add-up
    kind: sum
    over: region
    total: {TOTAL}
    figures: {{metric: {CASES}}}
  - id: death-share
    kind: ratio
    over: metric
    part: {DEATHS}
    whole: {CASES}
    share: {SHARE}
  - id: cumulative-cases-never-fall
    kind: series
    figures: {{metric: {CUM}}}
    cumulative: true
  - id: change-is-growth-of-cases
    kind: series
    change: {{metric: {CHANGE}, of: {CASES}, as: percent}}
  - id: published-after-period
    kind: period
  - id: sources
    kind: attribution
"""
    lines = [head]
    for c in compares:
        lines.append(
            f"  - {{id: {c.id}, kind: compare, left: {_ids(c.left)}, op: '{c.op}', "
            f"right: {_ids(c.right)}}}\n"
        )
    for r in rates:
        lines.append(
            f"  - {{id: {r.id}, kind: rate, rate: {r.rate}, total: {r.total}, per: {r.per}}}\n"
        )
    return "".join(lines)


# Which rule of the suite holds each kind's violations, and the finding slug that counts
# them (None: count failing rules instead of findings).
RULE_OF_KIND: dict[str, tuple[str, str | None]] = {
    "sum": ("regions-add-up", "sum-mismatch"),
    "ratio": ("death-share", "ratio-mismatch"),
    "series-cumulative": ("cumulative-cases-never-fall", "series-decrease"),
    "series-change": ("change-is-growth-of-cases", "change-mismatch"),
    "compare": ("compare-", None),
    "rate": ("rate-", None),
    "period": ("published-after-period", "published-before-period-end"),
    "attribution": ("sources", "unresolved-citation"),
}


if __name__ == "__main__":  # a quick look: python benchmarks/generate.py 100000
    import sys

    w = generate(int(float(sys.argv[1])) if len(sys.argv) > 1 else 100_000)
    print(w.figures.head(15))
    print(w.figures.height, "rows;", w.n_series, "series;", w.expected)
    print(f"estimated size {w.figures.estimated_size() / 2**20:.1f} MiB")
