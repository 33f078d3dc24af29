"""The floor: the benchmark suite's checks written by hand, directly in polars.

Same inputs as statcheck (the figure frame with numeric ``value`` and ``precision``, and
the sources frame), same intervals (an exact figure of precision p stands for
[value - p/2, value + p/2]), same semantics per group and row as the rule kinds in the
README: figures printed twice for the same thing are left out, a group lacking parts is
not checked, a gap below 1e-9 of the numbers is floating-point noise, a predecessor in a
change series must be the period just before. What it does not do is what only a general
tool needs: parse or validate the table (unique ids, finite numbers, dates, statuses),
resolve selectors, write explanations. It produces the violating rows, not sentences.

Figures printed twice are found once for every check (their identity columns hashed to
one 64-bit number per row). The table-wide checks are one lazy query each, collected
together (``pl.collect_all``); the attribution chain walk is one join per hop, as in
statcheck, but only for citations of sources that are not primary; the explicit compare
and rate rules look their few figures up in one filter. Chains are counted per figure
(statcheck writes one finding per figure and path); on the generated table there are none.
"""

from __future__ import annotations

import polars as pl
from generate import (
    CASES,
    CHANGE,
    CUM,
    DEATHS,
    PRIMARY_KINDS,
    SHARE,
    TOTAL,
    Workload,
)

NOISE = 1e-9  # statcheck.contract.tolerance.FLOAT_NOISE
SHARE_SCALES = {"percent": 100.0, "per_1000": 1000.0, "per_100000": 100000.0, "fraction": 1.0}
DIMS = ("region", "series")
# What makes two figures "the same thing": every table-wide rule keys on these columns
# (sum: the group key plus `over`; ratio: the group key plus metric; series: all of them).
IDENTITY = ["metric", "source_id", "period_start", "period_end", *DIMS]
PERIOD = ["period_start", "period_end"]


def without_duplicates(lf: pl.LazyFrame) -> pl.LazyFrame:
    """The rows whose identity no other row shares (figures printed twice are left out
    of every table-wide check). One 64-bit hash per row, sorted to find repeated hashes;
    only the rows with a repeated hash are compared column by column."""
    hashed = lf.with_columns(pl.struct(IDENTITY).hash().alias("_h"))
    repeated = (
        hashed.select(pl.col("_h").sort()).filter(pl.col("_h") == pl.col("_h").shift(1)).unique()
    )
    duplicated = (
        hashed.join(repeated, on="_h", how="semi")
        .filter(pl.struct(IDENTITY).is_duplicated())
        .select("_h")
        .unique()
    )
    return hashed.join(duplicated, on="_h", how="anti").drop("_h")


def _magnitude(low: pl.Expr, high: pl.Expr) -> pl.Expr:
    return pl.max_horizontal(low.abs(), high.abs())


def _gap(a_low: pl.Expr, a_high: pl.Expr, b_low: pl.Expr, b_high: pl.Expr) -> pl.Expr:
    return pl.max_horizontal(pl.lit(0.0), a_low - b_high, b_low - a_high)


def _divide(n_low: str, n_high: str, d_low: str, d_high: str) -> tuple[pl.Expr, pl.Expr]:
    q = [pl.col(a) / pl.col(b) for a in (n_low, n_high) for b in (d_low, d_high)]
    return pl.min_horizontal(*q), pl.max_horizontal(*q)


def _contains_zero(low: str, high: str) -> pl.Expr:
    return (pl.col(low) <= 0) & (pl.col(high) >= 0)


def _label(frame: pl.LazyFrame, **conditions: pl.Expr) -> pl.LazyFrame:
    """The rows meeting any condition, labelled (`_what`) with the first one they meet."""
    what = pl.when(False).then(pl.lit(None, dtype=pl.String))
    for name, cond in conditions.items():
        what = what.when(cond).then(pl.lit(name))
    return frame.with_columns(what.alias("_what")).filter(pl.col("_what").is_not_null())


def sum_check(unique: pl.LazyFrame) -> pl.LazyFrame:
    """sum over region, total TOTAL, parts every other region, figures metric=cases."""
    keys = [c for c in IDENTITY if c != "region"]
    f = unique.filter(pl.col("metric") == CASES)
    n_parts = f.select(
        pl.col("region").filter(pl.col("region") != TOTAL).n_unique().alias("_expected")
    )
    sums = (
        f.filter(pl.col("region") != TOTAL)
        .group_by(keys)
        .agg(
            pl.col("low").sum().alias("s_low"),
            pl.col("high").sum().alias("s_high"),
            pl.len().alias("n"),
        )
    )
    checked = (
        f.filter(pl.col("region") == TOTAL)
        .select(*keys, "figure_id", "low", "high")
        .join(sums, on=keys, how="left")
        .join(n_parts, how="cross")
        .with_columns(pl.col("n").fill_null(0))
    )
    complete = pl.col("n") >= pl.col("_expected")
    gap = _gap(pl.col("low"), pl.col("high"), pl.col("s_low"), pl.col("s_high"))
    return _label(
        checked,
        **{
            "sum": complete & (gap > NOISE * _magnitude(pl.col("s_low"), pl.col("s_high"))),
            "sum-incomplete": ~complete,
        },
    ).select("_what", "figure_id", "low", "high", "s_low", "s_high")


def ratio_check(unique: pl.LazyFrame) -> pl.LazyFrame:
    """ratio over metric: part deaths, whole cases, share death_share."""
    keys = [c for c in IDENTITY if c != "metric"]

    def role(metric: str, name: str, unit: bool = False) -> pl.LazyFrame:
        extra = [pl.col("unit").alias("share_unit")] if unit else []
        return unique.filter(pl.col("metric") == metric).select(
            *keys,
            pl.col("figure_id").alias(f"{name}_id"),
            pl.col("low").alias(f"{name}_low"),
            pl.col("high").alias(f"{name}_high"),
            *extra,
        )

    # Only groups with a part can be checked: join the small sides first.
    j = (
        role(DEATHS, "part")
        .join(role(SHARE, "share", unit=True), on=keys)
        .join(role(CASES, "whole"), on=keys)
    )
    scale = pl.col("share_unit").replace_strict(SHARE_SCALES, return_dtype=pl.Float64)
    q_low, q_high = _divide("part_low", "part_high", "whole_low", "whole_high")
    e_low, e_high = q_low * scale, q_high * scale
    zero = _contains_zero("whole_low", "whole_high")
    gap = _gap(pl.col("share_low"), pl.col("share_high"), e_low, e_high)
    return _label(
        j,
        **{"ratio-zero": zero, "ratio": gap > NOISE * _magnitude(e_low, e_high)},
    ).select("_what", "share_id", "part_id", "whole_id")


def _with_previous(f: pl.LazyFrame, keys: list[str], cols: list[str]) -> pl.LazyFrame:
    """Each row with the values of the row before it in its group, ordered by period.

    Identities are unique (duplicates were left out), so (keys, period) has no ties."""
    same = pl.all_horizontal([pl.col(k) == pl.col(k).shift(1) for k in keys])
    return f.sort([*keys, *PERIOD]).with_columns(
        pl.when(same).then(pl.col(c).shift(1)).alias(f"prev_{c}") for c in cols
    )


def cumulative_check(unique: pl.LazyFrame) -> pl.LazyFrame:
    """series cumulative over metric=cases_cum: never below the period before."""
    keys = [c for c in IDENTITY if c not in PERIOD]
    f = unique.filter(pl.col("metric") == CUM).select(*keys, *PERIOD, "figure_id", "low", "high")
    pairs = _with_previous(f, keys, ["figure_id", "low"])
    return _label(
        pairs,
        **{
            "series-cumulative": pl.col("prev_low") - pl.col("high")
            > NOISE * pl.col("prev_low").abs()
        },
    ).select("_what", "figure_id", "prev_figure_id")


def change_check(unique: pl.LazyFrame) -> pl.LazyFrame:
    """series change: cases_change is the percent change of cases from the month before."""
    keys = [c for c in IDENTITY if c not in (*PERIOD, "metric")]
    changes = unique.filter(pl.col("metric") == CHANGE).select(
        *keys,
        *PERIOD,
        pl.col("figure_id").alias("change_id"),
        pl.col("low").alias("change_low"),
        pl.col("high").alias("change_high"),
    )
    # Only the series that have change figures need their predecessors.
    levels = (
        unique.filter(pl.col("metric") == CASES)
        .select(*keys, *PERIOD, "figure_id", "low", "high")
        .join(changes.select(keys).unique(), on=keys, how="semi")
    )
    levels = _with_previous(levels, keys, ["figure_id", "low", "high", "period_end"]).filter(
        pl.col("prev_figure_id").is_not_null()
        & (pl.col("prev_period_end").dt.offset_by("1d") >= pl.col("period_start"))
    )
    pairs = changes.join(levels, on=[*keys, *PERIOD])
    q_low, q_high = _divide("low", "high", "prev_low", "prev_high")
    e_low, e_high = q_low * 100.0 - 100.0, q_high * 100.0 - 100.0
    zero = _contains_zero("prev_low", "prev_high")
    gap = _gap(pl.col("change_low"), pl.col("change_high"), e_low, e_high)
    return _label(
        pairs,
        **{"series-change-zero": zero, "series-change": gap > NOISE * _magnitude(e_low, e_high)},
    ).select("_what", "change_id", "prev_figure_id", "figure_id")


def period_check(lf: pl.LazyFrame) -> pl.LazyFrame:
    """period: start <= end; a final figure is not published before its period ends."""
    final = pl.col("status").fill_null("final") == "final"
    return _label(
        lf,
        **{
            "period-reversed": pl.col("period_start") > pl.col("period_end"),
            "period": pl.col("published_at").is_not_null()
            & (pl.col("published_at") < pl.col("period_end"))
            & final,
        },
    ).select("_what", "figure_id", "published_at", "period_end")


KEY = ["metric", *DIMS, "period_start", "period_end"]  # the same thing, by another source


def _split(frame: pl.LazyFrame, column: str) -> pl.LazyFrame:
    """One row per ``;``-separated item of ``column`` (as ``cited``); blank items dropped."""
    return (
        frame.with_columns(pl.col(column).str.split(";"))
        .explode(column)
        .with_columns(pl.col(column).str.strip_chars().alias("cited"))
        .filter(pl.col("cited").is_not_null() & (pl.col("cited") != ""))
        .drop(column)
    )


def attribution_check(
    lf: pl.LazyFrame, known: list[str], primary: list[str]
) -> tuple[pl.LazyFrame, pl.LazyFrame, pl.LazyFrame, pl.LazyFrame]:
    """Known sources, citations that resolve, agreement with the cited source's figure for
    the same thing; and the start of the chain walk (the first hop and who is reached)."""
    edges = _split(
        lf.filter(pl.col("cites").is_not_null()).select(
            "figure_id", "source_id", "low", "high", *KEY, "cites"
        ),
        "cites",
    )
    lookup = lf.select(
        *KEY,
        pl.col("source_id").alias("cited"),
        pl.col("figure_id").alias("cited_figure"),
        pl.col("cites").alias("next_cites"),
        pl.col("low").alias("cited_low"),
        pl.col("high").alias("cited_high"),
    )
    unknown = _label(
        lf.select("figure_id", pl.lit(None, dtype=pl.String).alias("cited"), "source_id"),
        **{"attribution-unknown-source": ~pl.col("source_id").is_in(known)},
    ).select("_what", "figure_id", "cited")
    unresolved = _label(edges, **{"attribution": ~pl.col("cited").is_in(known)}).select(
        "_what", "figure_id", "cited"
    )
    disagree = _label(
        # Only citations of a source that reports figures can meet a figure of it.
        edges.join(
            lf.select(pl.col("source_id").unique().alias("cited")), on="cited", how="semi"
        ).join(lookup, on=[*KEY, "cited"], how="inner"),
        **{
            "attribution-disagrees": (pl.col("high") < pl.col("cited_low"))
            | (pl.col("low") > pl.col("cited_high"))
        },
    ).select("_what", "figure_id", "cited")
    violations = pl.concat([unknown, unresolved, disagree])
    # The chain walk starts with the citations of sources that are not primary (a citation
    # of a primary source ends its chain), and the uncited figures of such sources.
    first_hop = edges.filter(~pl.col("cited").is_in(primary)).select(
        pl.col("figure_id").alias("origin"), *KEY, "cited"
    )
    uncited = lf.filter(pl.col("cites").is_null() & ~pl.col("source_id").is_in(primary)).select(
        pl.col("figure_id").alias("origin")
    )
    return violations, first_hop, uncited, lookup


def follow_chains(
    lf: pl.LazyFrame,
    frontier: pl.DataFrame,
    uncited: pl.DataFrame,
    lookup: pl.LazyFrame,
    primary: list[str],
    max_hops: int,
) -> dict[str, int]:
    """Walk the citations that do not end at a primary source, figure by figure, one join
    per hop: where they end elsewhere (dead ends), and where they go round (cycles). A
    dead end counts unless the figure is reached another way (reported by a primary
    source, or another of its chains reaches one)."""
    reached: list[pl.DataFrame] = []
    dead = [uncited]
    for _ in range(max_hops):
        if frontier.is_empty():
            break
        cited = frontier.select(pl.col("cited").unique())
        going = frontier.join(
            lookup.join(cited.lazy(), on="cited", how="semi").collect(),
            on=[*KEY, "cited"],
            how="left",
        )
        dead.append(
            going.filter(pl.col("cited_figure").is_null() | pl.col("next_cites").is_null()).select(
                "origin"
            )
        )
        onward = _split(
            going.filter(pl.col("cited_figure").is_not_null() & pl.col("next_cites").is_not_null())
            .select("origin", *KEY, "next_cites")
            .lazy(),
            "next_cites",
        ).collect()
        reached.append(onward.filter(pl.col("cited").is_in(primary)).select("origin"))
        frontier = onward.filter(~pl.col("cited").is_in(primary))
    cyclic = frontier.select("origin").unique()
    candidates = pl.concat(dead).unique()
    if not candidates.is_empty():
        ids = candidates.get_column("origin").implode()
        mine = lf.filter(pl.col("figure_id").is_in(ids))
        reached.append(
            pl.concat(
                [
                    mine.filter(pl.col("source_id").is_in(primary)).select(
                        pl.col("figure_id").alias("origin")
                    ),
                    _split(mine.select("figure_id", "cites"), "cites")
                    .filter(pl.col("cited").is_in(primary))
                    .select(pl.col("figure_id").alias("origin")),
                ]
            ).collect()
        )
    dead_ends = candidates.join(
        pl.concat(reached) if reached else candidates.head(0), on="origin", how="anti"
    ).join(cyclic, on="origin", how="anti")
    return {"attribution-cycles": cyclic.height, "attribution-no-primary": dead_ends.height}


def explicit_checks(w: Workload) -> dict[str, int]:
    """The compare and rate rules: a handful of figures by id (one filter), then checked
    one rule at a time, as any implementation would."""
    ids = sorted(
        {i for c in w.compares for i in (*c.left, *c.right)}
        | {i for r in w.rates for i in (r.rate, r.total)}
    )
    rows = (
        w.figures.filter(pl.col("figure_id").is_in(ids))
        .select(
            "figure_id",
            (pl.col("value") + -0.5 * pl.col("precision")).alias("low"),
            (pl.col("value") + 0.5 * pl.col("precision")).alias("high"),
            "period_start",
            "period_end",
        )
        .rows()
    )
    by_id = {r[0]: r[1:] for r in rows}
    compare_fails = 0
    for c in w.compares:
        l_low = sum(by_id[i][0] for i in c.left)
        l_high = sum(by_id[i][1] for i in c.left)
        r_low = sum(by_id[i][0] for i in c.right)
        r_high = sum(by_id[i][1] for i in c.right)
        noise = NOISE * max(abs(r_low), abs(r_high))
        r_low, r_high = r_low - noise, r_high + noise
        op = c.op
        if op in ("<", "<="):  # a < b is b > a
            (l_low, l_high), (r_low, r_high) = (r_low, r_high), (l_low, l_high)
            op = ">" if op == "<" else ">="
        shortfall = r_low - l_high
        holds = shortfall < 0 or (shortfall == 0 and op == ">=")
        compare_fails += not holds
    rate_fails = 0
    for r in w.rates:
        rate_low, rate_high = by_id[r.rate][0], by_id[r.rate][1]
        t_low, t_high, start, end = by_id[r.total]
        # Whole calendar months in this workload (a general version counts days otherwise).
        assert r.per == "month" and start.day == 1
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        e_low, e_high = rate_low * months, rate_high * months
        gap = max(0.0, t_low - e_high, e_low - t_high)
        rate_fails += gap > NOISE * max(abs(e_low), abs(e_high))
    return {"compare": compare_fails, "rate": rate_fails}


def run_floor(w: Workload) -> dict[str, int]:
    """Every check of the suite; the number of violations per kind, and of the side
    conditions (incomplete groups, zero denominators, ...: all 0 on the generated table)."""
    sources = w.sources
    known = sources.get_column("source_id").to_list()
    primary = sources.filter(pl.col("kind").is_in(PRIMARY_KINDS)).get_column("source_id").to_list()
    lf = w.figures.lazy().with_columns(
        (pl.col("value") + -0.5 * pl.col("precision")).alias("low"),
        (pl.col("value") + 0.5 * pl.col("precision")).alias("high"),
        *[pl.col(d).fill_null("") for d in DIMS],
    )
    # Every table-wide rule leaves out figures printed twice; they share one pass.
    unique = without_duplicates(lf).collect()
    u = unique.lazy()
    violations, first_hop, uncited, lookup = attribution_check(lf, known, primary)
    *found, first_df, uncited_df = pl.collect_all(
        [
            sum_check(u),
            ratio_check(u),
            cumulative_check(u),
            change_check(u),
            period_check(lf),
            violations,
            first_hop,
            uncited,
        ]
    )
    counts: dict[str, int] = {"duplicates": w.figures.height - unique.height}
    for frame in found:
        for what, n in frame.group_by("_what").len().rows():
            counts[what] = counts.get(what, 0) + n
    counts.update(follow_chains(lf, first_df, uncited_df, lookup, primary, len(known) + 1))
    counts.update(explicit_checks(w))
    return counts


def summarise(counts: dict[str, int]) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(counts.items()))


if __name__ == "__main__":  # a quick look: python benchmarks/floor.py 1e6
    import sys
    import time

    from generate import generate

    w = generate(int(float(sys.argv[1])) if len(sys.argv) > 1 else 100_000)
    for _ in range(2):
        t = time.perf_counter()
        c = run_floor(w)
        print(f"{time.perf_counter() - t:.3f}s", summarise(c))
    print("expected", w.expected)
