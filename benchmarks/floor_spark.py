"""The Spark floor: the benchmark suite's checks written by hand, directly in PySpark.

The same checks, inputs and semantics as benchmarks/floor.py (the polars floor; read its
docstring for what is and is not checked), written as a Spark developer would: DataFrame
API, window functions for predecessors, one join per hop of the citation walk, and the
few explicit compare and rate rules looked up in one filter and checked on the driver.

It starts where statcheck's Spark engine starts: the figure and source tables as polars
frames on the driver. The figure table goes to Spark once, as Arrow
(``createDataFrame`` of a ``pyarrow.Table``), and is cached there, since every check
scans it; the violations of the table-wide checks come back as one count per kind.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import polars as pl
from floor import DIMS, IDENTITY, KEY, NOISE, PERIOD, SHARE_SCALES, explicit_checks
from generate import CASES, CHANGE, CUM, DEATHS, PRIMARY_KINDS, SHARE, TOTAL, Workload
from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F


def to_spark(spark: SparkSession, frame: pl.DataFrame) -> DataFrame:
    """A polars frame on Spark through Arrow (small integers widened, as Spark reads them)."""
    casts = [
        pl.col(c).cast(pl.Int64)
        for c, t in frame.schema.items()
        if t.is_integer() and t != pl.Int64
    ]
    table = (frame.with_columns(casts) if casts else frame).to_arrow(
        compat_level=pl.CompatLevel.oldest()
    )
    return spark.createDataFrame(table)


def _magnitude(low: Column, high: Column) -> Column:
    return F.greatest(F.abs(low), F.abs(high))


def _gap(a_low: Column, a_high: Column, b_low: Column, b_high: Column) -> Column:
    return F.greatest(F.lit(0.0), a_low - b_high, b_low - a_high)


def _divide(n_low: str, n_high: str, d_low: str, d_high: str) -> tuple[Column, Column]:
    q = [F.col(a) / F.col(b) for a in (n_low, n_high) for b in (d_low, d_high)]
    return F.least(*q), F.greatest(*q)


def _contains_zero(low: str, high: str) -> Column:
    return (F.col(low) <= 0) & (F.col(high) >= 0)


def _label(frame: DataFrame, **conditions: Column) -> DataFrame:
    """The rows meeting any condition, labelled (`_what`) with the first one they meet."""
    what: Any = F
    for name, cond in conditions.items():
        what = what.when(cond, F.lit(name))
    return frame.withColumn("_what", what).filter(F.col("_what").isNotNull())


def without_duplicates(lf: DataFrame) -> DataFrame:
    """The rows whose identity no other row shares."""
    repeated = lf.groupBy(IDENTITY).count().filter(F.col("count") > 1).drop("count")
    return lf.join(F.broadcast(repeated), on=IDENTITY, how="left_anti")


def sum_check(unique: DataFrame) -> DataFrame:
    keys = [c for c in IDENTITY if c != "region"]
    f = unique.filter(F.col("metric") == CASES)
    parts = f.filter(F.col("region") != TOTAL)
    n_parts = parts.agg(F.countDistinct("region").alias("_expected"))
    sums = parts.groupBy(keys).agg(
        F.sum("low").alias("s_low"), F.sum("high").alias("s_high"), F.count("*").alias("n")
    )
    checked = (
        f.filter(F.col("region") == TOTAL)
        .select(*keys, "figure_id", "low", "high")
        .join(sums, on=keys, how="left")
        .crossJoin(F.broadcast(n_parts))
        .fillna(0, subset=["n"])
    )
    complete = F.col("n") >= F.col("_expected")
    gap = _gap(F.col("low"), F.col("high"), F.col("s_low"), F.col("s_high"))
    return _label(
        checked,
        **{
            "sum": complete & (gap > NOISE * _magnitude(F.col("s_low"), F.col("s_high"))),
            "sum-incomplete": ~complete,
        },
    )


def ratio_check(unique: DataFrame) -> DataFrame:
    keys = [c for c in IDENTITY if c != "metric"]

    def role(metric: str, name: str, unit: bool = False) -> DataFrame:
        extra = [F.col("unit").alias("share_unit")] if unit else []
        return unique.filter(F.col("metric") == metric).select(
            *keys,
            F.col("figure_id").alias(f"{name}_id"),
            F.col("low").alias(f"{name}_low"),
            F.col("high").alias(f"{name}_high"),
            *extra,
        )

    j = (
        role(DEATHS, "part")
        .join(role(SHARE, "share", unit=True), on=keys)
        .join(role(CASES, "whole"), on=keys)
    )
    scale: Any = F
    for unit, factor in SHARE_SCALES.items():
        scale = scale.when(F.col("share_unit") == unit, F.lit(factor))
    q_low, q_high = _divide("part_low", "part_high", "whole_low", "whole_high")
    zero = _contains_zero("whole_low", "whole_high")
    # A zero denominator is labelled before any quotient is taken.
    safe = F.when(~zero, F.lit(1.0))
    e_low, e_high = q_low * scale * safe, q_high * scale * safe
    gap = _gap(F.col("share_low"), F.col("share_high"), e_low, e_high)
    return _label(j, **{"ratio-zero": zero, "ratio": gap > NOISE * _magnitude(e_low, e_high)})


def _with_previous(f: DataFrame, keys: list[str], cols: list[str]) -> DataFrame:
    """Each row with the values of the row before it in its group, ordered by period."""
    w = Window.partitionBy(*keys).orderBy(*PERIOD)
    return f.select("*", *(F.lag(c).over(w).alias(f"prev_{c}") for c in cols))


def cumulative_check(unique: DataFrame) -> DataFrame:
    keys = [c for c in IDENTITY if c not in PERIOD]
    f = unique.filter(F.col("metric") == CUM).select(*keys, *PERIOD, "figure_id", "low", "high")
    pairs = _with_previous(f, keys, ["figure_id", "low"])
    return _label(
        pairs,
        **{
            "series-cumulative": F.col("prev_low") - F.col("high")
            > NOISE * F.abs(F.col("prev_low"))
        },
    )


def change_check(unique: DataFrame) -> DataFrame:
    keys = [c for c in IDENTITY if c not in (*PERIOD, "metric")]
    changes = unique.filter(F.col("metric") == CHANGE).select(
        *keys,
        *PERIOD,
        F.col("figure_id").alias("change_id"),
        F.col("low").alias("change_low"),
        F.col("high").alias("change_high"),
    )
    levels = (
        unique.filter(F.col("metric") == CASES)
        .select(*keys, *PERIOD, "figure_id", "low", "high")
        .join(changes.select(keys).distinct(), on=keys, how="left_semi")
    )
    levels = _with_previous(levels, keys, ["figure_id", "low", "high", "period_end"]).filter(
        F.col("prev_figure_id").isNotNull()
        & (F.date_add(F.col("prev_period_end"), 1) >= F.col("period_start"))
    )
    pairs = changes.join(levels, on=[*keys, *PERIOD])
    zero = _contains_zero("prev_low", "prev_high")
    safe = F.when(~zero, F.lit(1.0))
    q_low, q_high = _divide("low", "high", "prev_low", "prev_high")
    e_low, e_high = (q_low * 100.0 - 100.0) * safe, (q_high * 100.0 - 100.0) * safe
    gap = _gap(F.col("change_low"), F.col("change_high"), e_low, e_high)
    return _label(
        pairs,
        **{"series-change-zero": zero, "series-change": gap > NOISE * _magnitude(e_low, e_high)},
    )


def period_check(lf: DataFrame) -> DataFrame:
    final = F.coalesce(F.col("status"), F.lit("final")) == "final"
    return _label(
        lf,
        **{
            "period-reversed": F.col("period_start") > F.col("period_end"),
            "period": F.col("published_at").isNotNull()
            & (F.col("published_at") < F.col("period_end"))
            & final,
        },
    )


def _split(frame: DataFrame, column: str) -> DataFrame:
    """One row per ``;``-separated item of ``column`` (as ``cited``); blank items dropped."""
    return (
        frame.withColumn("cited", F.explode(F.split(F.col(column), ";")))
        .withColumn("cited", F.trim(F.col("cited")))
        .filter(F.col("cited") != "")
        .drop(column)
    )


def attribution_check(
    lf: DataFrame, known: list[str], primary: list[str]
) -> tuple[DataFrame, DataFrame, DataFrame, DataFrame]:
    edges = _split(
        lf.filter(F.col("cites").isNotNull()).select(
            "figure_id", "source_id", "low", "high", *KEY, "cites"
        ),
        "cites",
    )
    lookup = lf.select(
        *KEY,
        F.col("source_id").alias("cited"),
        F.col("figure_id").alias("cited_figure"),
        F.col("cites").alias("next_cites"),
        F.col("low").alias("cited_low"),
        F.col("high").alias("cited_high"),
    )
    unknown = _label(
        lf.select("figure_id", "source_id"),
        **{"attribution-unknown-source": ~F.col("source_id").isin(known)},
    ).select("_what")
    unresolved = _label(edges, **{"attribution": ~F.col("cited").isin(known)}).select("_what")
    reporting = lf.select(F.col("source_id").alias("cited")).distinct()
    disagree = _label(
        edges.join(F.broadcast(reporting), on="cited", how="left_semi").join(
            lookup, on=[*KEY, "cited"], how="inner"
        ),
        **{
            "attribution-disagrees": (F.col("high") < F.col("cited_low"))
            | (F.col("low") > F.col("cited_high"))
        },
    ).select("_what")
    violations = unknown.unionByName(unresolved).unionByName(disagree)
    first_hop = edges.filter(~F.col("cited").isin(primary)).select(
        F.col("figure_id").alias("origin"), *KEY, "cited"
    )
    uncited = lf.filter(F.col("cites").isNull() & ~F.col("source_id").isin(primary)).select(
        F.col("figure_id").alias("origin")
    )
    return violations, first_hop, uncited, lookup


def follow_chains(
    lf: DataFrame,
    frontier: DataFrame,
    uncited: DataFrame,
    lookup: DataFrame,
    primary: list[str],
    max_hops: int,
) -> dict[str, int]:
    """Walk the citations that do not end at a primary source, one join per hop, the
    frontier kept on Spark (checkpointed locally each hop so plans stay short)."""
    reached: list[DataFrame] = []
    dead = [uncited]
    frontier = frontier.localCheckpoint()
    for _ in range(max_hops):
        if frontier.isEmpty():
            break
        going = frontier.join(lookup, on=[*KEY, "cited"], how="left")
        ended = F.col("cited_figure").isNull() | F.col("next_cites").isNull()
        dead.append(going.filter(ended).select("origin"))
        onward = _split(going.filter(~ended).select("origin", *KEY, "next_cites"), "next_cites")
        reached.append(onward.filter(F.col("cited").isin(primary)).select("origin"))
        frontier = onward.filter(~F.col("cited").isin(primary)).localCheckpoint()
    cyclic = frontier.select("origin").distinct()
    candidates = dead[0]
    for d in dead[1:]:
        candidates = candidates.unionByName(d)
    candidates = candidates.distinct().localCheckpoint()
    mine = lf.join(
        candidates.select(F.col("origin").alias("figure_id")), on="figure_id", how="left_semi"
    )
    reached.append(
        mine.filter(F.col("source_id").isin(primary)).select(F.col("figure_id").alias("origin"))
    )
    reached.append(
        _split(mine.select("figure_id", "cites"), "cites")
        .filter(F.col("cited").isin(primary))
        .select(F.col("figure_id").alias("origin"))
    )
    all_reached = reached[0]
    for r in reached[1:]:
        all_reached = all_reached.unionByName(r)
    dead_ends = candidates.join(all_reached, on="origin", how="left_anti").join(
        cyclic, on="origin", how="left_anti"
    )
    return {"attribution-cycles": cyclic.count(), "attribution-no-primary": dead_ends.count()}


def run_floor(w: Workload, spark: SparkSession) -> dict[str, int]:
    """Every check of the suite on Spark: the number of violations per kind."""
    sources = w.sources
    known = sources.get_column("source_id").to_list()
    primary = sources.filter(pl.col("kind").is_in(PRIMARY_KINDS)).get_column("source_id").to_list()
    figures = to_spark(spark, w.figures)
    lf = figures.select(
        *(c for c in figures.columns if c not in DIMS),
        (F.col("value") - 0.5 * F.col("precision")).alias("low"),
        (F.col("value") + 0.5 * F.col("precision")).alias("high"),
        *(F.coalesce(F.col(d), F.lit("")).alias(d) for d in DIMS),
    ).cache()
    unique = without_duplicates(lf).cache()
    violations, first_hop, uncited, lookup = attribution_check(lf, known, primary)
    found = (
        sum_check(unique)
        .select("_what")
        .unionByName(ratio_check(unique).select("_what"))
        .unionByName(cumulative_check(unique).select("_what"))
        .unionByName(change_check(unique).select("_what"))
        .unionByName(period_check(lf).select("_what"))
        .unionByName(violations)
        .groupBy("_what")
        .count()
        .collect()
    )
    counts: dict[str, int] = {"duplicates": w.figures.height - unique.count()}
    for row in found:
        counts[row["_what"]] = counts.get(row["_what"], 0) + int(row["count"])
    counts.update(follow_chains(lf, first_hop, uncited, lookup, primary, len(known) + 1))
    # The explicit compare and rate rules: their few figures fetched from Spark in one
    # filter, then checked on the driver as the polars floor checks them.
    ids = sorted(
        {i for c in w.compares for i in (*c.left, *c.right)}
        | {i for r in w.rates for i in (r.rate, r.total)}
    )
    few = figures.filter(F.col("figure_id").isin(ids)).select(
        "figure_id", "value", "precision", "period_start", "period_end"
    )
    counts.update(explicit_checks(replace(w, figures=pl.from_arrow(few.toArrow()))))
    lf.unpersist()
    unique.unpersist()
    return counts


if __name__ == "__main__":  # a quick look: python benchmarks/floor_spark.py 1e5
    import sys
    import time

    from floor import summarise
    from generate import generate

    from statcheck.engine.spark import session

    w = generate(int(float(sys.argv[1])) if len(sys.argv) > 1 else 100_000)
    spark = session()
    for _ in range(2):
        t = time.perf_counter()
        c = run_floor(w, spark)
        print(f"{time.perf_counter() - t:.3f}s", summarise(c))
    print("expected", w.expected)
