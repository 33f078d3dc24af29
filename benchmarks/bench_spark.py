"""The benchmark's Spark rows: statcheck's Spark engine against a hand-written PySpark floor.

Run by benchmarks/bench.py when ``--engines`` includes ``spark`` (the default; `nox -s
bench` installs the spark extra). For each size the same synthetic table is built as for
polars; then, in the same process and the same Spark session (started once, before any
timing; its start-up time is reported on its own):

- statcheck: ``statcheck.validate(figures, suite, sources=..., engine="spark")`` on the
  polars frames, as a pipeline would call it: the figure table is built on the driver
  with polars, sent to Spark as Arrow, and every rule's plan runs there;
- the floor (benchmarks/floor_spark.py): the same checks written by hand in PySpark,
  from the same polars frames (sent to Spark as Arrow too).

Both are timed as wall time, best of 2 runs (1 from 5 million rows), and their findings
counted against the violations injected. Peak memory is not measured: the work happens
in the JVM, whose heap is sized up front.
"""

from __future__ import annotations

import gc
import math
import time
from typing import Any

from floor_spark import run_floor
from generate import generate

import statcheck
from statcheck.contract import Suite

SINGLE_RUN_FROM = 5_000_000


def start() -> tuple[Any, dict[str, Any]]:
    """The Spark session (statcheck's, reused by the floor), and facts about it."""
    from statcheck.engine import spark

    t = time.perf_counter()
    session = spark.session()
    seconds = time.perf_counter() - t
    sc = session.sparkContext
    return session, {
        "pyspark": session.version,
        "master": sc.master,
        "driver_memory": sc.getConf().get("spark.driver.memory", "1g"),
        "shuffle_partitions": session.conf.get("spark.sql.shuffle.partitions"),
        "session_start_seconds": seconds,
    }


def run_statcheck(w: Any, suite: Suite) -> Any:
    return statcheck.validate(w.figures, suite, sources=w.sources, engine="spark")


def bench_size(
    n: int,
    session: Any,
    repeat: int | None,
    stages: Any,
    load_suite: Any,
    statcheck_counts: Any,
    floor_counts: Any,
    verify: Any,
) -> dict[str, Any]:
    w = generate(n)
    suite = load_suite(w)
    rows = w.figures.height
    runs = repeat or (1 if n >= SINGLE_RUN_FROM else 2)
    print(f"\n== Spark, {rows:,} rows ({runs} run(s) each)", flush=True)
    sc_times: list[float] = []
    fl_times: list[float] = []
    sc_stages: list[dict[str, float]] = []
    problems: list[str] = []
    for i in range(runs):
        gc.collect()
        try:
            with stages.measure() as seconds:
                t = time.perf_counter()
                report = run_statcheck(w, suite)
                sc_times.append(time.perf_counter() - t)
        except Exception as exc:
            sc_times.append(math.nan)
            problems.append(f"spark statcheck raised {type(exc).__name__}: {exc}")
            report = None
        sc_stages.append(dict(seconds))
        if report is not None and i == 0:
            found, extra = statcheck_counts(report)
            problems += verify("spark statcheck", found, extra, w)
        del report
        gc.collect()
        try:
            t = time.perf_counter()
            counts = run_floor(w, session)
            fl_times.append(time.perf_counter() - t)
            if i == 0:
                found, extra = floor_counts(counts)
                problems += verify("spark floor", found, extra, w)
        except Exception as exc:
            fl_times.append(math.nan)
            problems.append(f"spark floor raised {type(exc).__name__}: {exc}")
        print(
            f"  run {i + 1}: statcheck on Spark {sc_times[-1]:.2f}s, "
            f"Spark floor {fl_times[-1]:.2f}s",
            flush=True,
        )
    best = min(range(runs), key=lambda i: (math.isnan(sc_times[i]), sc_times[i]))
    floor_best = min((t for t in fl_times if not math.isnan(t)), default=math.nan)
    for p in problems:
        print(f"  !! {p}", flush=True)
    return {
        "size": n,
        "rows": rows,
        "table_estimated_bytes": w.figures.estimated_size(),
        "statcheck_seconds": sc_times[best],
        "floor_seconds": floor_best,
        "statcheck_runs": sc_times,
        "floor_runs": fl_times,
        "ratio": sc_times[best] / floor_best,
        "stages": sc_stages[best] if stages.active else {},
        "violations_injected": dict(w.expected),
        "problems": problems,
    }


def markdown(results: list[dict[str, Any]], info: dict[str, Any], polars: dict[int, Any]) -> str:
    def secs(s: float) -> str:
        if math.isnan(s):
            return "error"
        return f"{s:,.2f} s" if s < 100 else f"{s:,.0f} s"

    def x(r: float) -> str:
        return "n/a" if math.isnan(r) else f"{r:.1f}x"

    lines = [
        "",
        f"Spark engine (PySpark {info['pyspark']}, master `{info['master']}`, driver memory "
        f"{info['driver_memory']}, {info['shuffle_partitions']} shuffle partitions; the "
        f"session started once beforehand, in {info['session_start_seconds']:.1f} s): "
        '`statcheck.validate(figures, suite, engine="spark")` on the same polars frames '
        "(the figure table built on the driver, sent to Spark as Arrow, every rule run "
        "there) and a hand-written PySpark implementation of the same checks "
        "(benchmarks/floor_spark.py), timed the same way.",
        "",
        "| rows | statcheck on Spark | Spark floor | ratio | statcheck on polars | violations found |",
        "|---:|---:|---:|---:|---:|:--|",
    ]
    for r in results:
        found = "all" if not r["problems"] else "**NO**, see below"
        p = polars.get(r["size"])
        lines.append(
            f"| {r['rows']:,} | {secs(r['statcheck_seconds'])} | {secs(r['floor_seconds'])} | "
            f"{x(r['ratio'])} | {secs(p['statcheck_seconds']) if p else 'not run'} | "
            f"{found} ({sum(r['violations_injected'].values()):,}) |"
        )
    stage_rows = [r for r in results if r["stages"]]
    if stage_rows:
        labels: list[str] = []
        for r in stage_rows:
            labels += [s for s in r["stages"] if s not in labels]
        labels.sort(key=lambda s: -stage_rows[-1]["stages"].get(s, 0.0))
        lines += [
            "",
            "Where statcheck's time goes on Spark (seconds, best run; the table is built on "
            "the driver):",
            "",
            "| stage | " + " | ".join(f"{r['rows']:,} rows" for r in stage_rows) + " |",
            "|:--|" + "---:|" * len(stage_rows),
        ]
        for s in labels:
            cells = " | ".join(f"{r['stages'].get(s, 0.0):.2f}" for r in stage_rows)
            lines.append(f"| {s} | {cells} |")
        other = " | ".join(
            f"{r['statcheck_seconds'] - sum(r['stages'].values()):.2f}" for r in stage_rows
        )
        lines.append(f"| (report, rest) | {other} |")
    problems = [p for r in results for p in r["problems"]]
    if problems:
        lines += ["", "Spark problems:", "", *(f"- {p}" for p in problems)]
    return "\n".join(lines) + "\n"


def instrument(stages: Any) -> None:
    """Time the Spark path's table stages too: it builds the table through the library API
    (``statcheck.validate``), which calls these functions by their modules' names."""
    if not stages.active:
        return
    import statcheck.engine.spark as spark
    import statcheck.prepare as prepare

    prepare.normalise_figures = stages._timed("table: normalise_figures", prepare.normalise_figures)
    prepare.as_text_frame = stages._timed("table: as_text_frame", prepare.as_text_frame)
    spark.distribute = stages._timed("table: to Spark (Arrow)", spark.distribute)
