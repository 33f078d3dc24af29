"""Benchmark: statcheck's default engine against a hand-written polars floor.

    python benchmarks/bench.py                       # 10^5, 10^6 and 10^7 rows
    python benchmarks/bench.py --sizes 1e5,1e6       # or STATCHECK_BENCH_SIZES=1e5,1e6
    python benchmarks/bench.py --profile 1e6         # cProfile one statcheck run as well
    python benchmarks/bench.py --engines polars      # without the Spark rows (default polars,spark)
    python benchmarks/bench.py --cpu                 # CPU time of each run too (a loaded machine)
    nox -s bench -- --sizes 100000

For each size the synthetic table (benchmarks/generate.py: every rule kind, about 1% of
violations per kind) is built once; then statcheck (``check_frames`` on the polars frame,
the suite read with ``suite_from_yaml``) and the floor (benchmarks/floor.py) are timed in
this process, alternately, 5 times (once from 5 million rows), and each run's findings are
counted against the violations the generator injected. Peak memory is measured apart: each
implementation runs once in a fresh process that builds the same table (after a warm-up
run on 2,000 rows: imports and thread pools are not the run's), and the figure is
the process's peak resident memory during the run minus its resident memory just before
(the table and the interpreter), the peak being reset with /proc/self/clear_refs.

Writes build/bench/results.md (a Markdown table for the README) and results.json.
Not a test: it fails only when an implementation errors or misses violations (exit 1).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = ROOT / "build" / "bench"
DEFAULT_SIZES = (100_000, 1_000_000, 10_000_000)
SINGLE_RUN_FROM = 5_000_000  # sizes from here on are timed once
TARGETS = {"ratio_at_1e6": 1.5, "growth_1e6_to_1e7": 11.0, "memory_x_table": 3.0}
MIB = 2**20

sys.path.insert(0, str(HERE))

import polars as pl  # noqa: E402
from floor import run_floor, summarise  # noqa: E402
from generate import KINDS, RULE_OF_KIND, Workload, generate  # noqa: E402

# In the memory-measuring processes only (MEASURE_ENV): polars' allocator returns freed
# pages at once, so resident memory follows live memory (measure.py says more).
from measure import MEASURE_ENV  # noqa: E402
from measure import status_kib as _status_kib  # noqa: E402
from measure import trim as _trim  # noqa: E402

from statcheck.checking import check_frames  # noqa: E402
from statcheck.contract import Suite, suite_from_yaml  # noqa: E402
from statcheck.report import Report, Status  # noqa: E402

# ---------------------------------------------------------------- running the two sides


def load_suite(w: Workload) -> Suite:
    return suite_from_yaml(w.suite_yaml, "<bench suite>")


def run_statcheck(w: Workload, suite: Suite) -> Report:
    """The public path: the figure and source frames and a suite, to a report."""
    return check_frames(
        w.figures, suite, sources=w.sources, drop_id=f"synthetic-{w.figures.height}"
    )


def statcheck_counts(report: Report) -> tuple[dict[str, int], list[str]]:
    """Violations found per kind, and anything unexpected (errors, other findings)."""
    found = dict.fromkeys(KINDS, 0)
    problems: list[str] = list(report.errors and [json.dumps(e) for e in report.errors])
    for res in report.results:
        if res.status is Status.ERROR:
            problems.append(f"rule {res.rule} ({res.kind}) errored: {res.error}")
            continue
        for kind, (rule, slug) in RULE_OF_KIND.items():
            if slug is None and res.rule.startswith(rule):
                found[kind] += res.status is Status.FAIL
                break
            if slug is not None and res.rule == rule:
                slugs = Counter(f.slug for f in res.findings)
                found[kind] += slugs.pop(slug, 0)
                if slugs:
                    problems.append(f"rule {res.rule}: unexpected findings {dict(slugs)}")
                break
    return found, problems


def floor_counts(counts: dict[str, int]) -> tuple[dict[str, int], list[str]]:
    found = {k: counts.get(k, 0) for k in KINDS}
    extra = {k: v for k, v in counts.items() if k not in KINDS and v}
    return found, ([f"floor: unexpected {extra}"] if extra else [])


def verify(name: str, found: dict[str, int], problems: list[str], w: Workload) -> list[str]:
    out = [f"{name}: {p}" for p in problems]
    for kind in KINDS:
        if found[kind] != w.expected[kind]:
            out.append(
                f"{name}: {kind}: {found[kind]} violations found, {w.expected[kind]} injected"
            )
    return out


# ---------------------------------------------------------------- where statcheck's time goes


class Stages:
    """Wall time per stage of a statcheck run, by wrapping (in this process only) the
    engine's table building and each rule kind's implementation. Read-only
    instrumentation: a few perf_counter calls per rule; skipped if the engine's internals
    have moved."""

    def __init__(self) -> None:
        self.seconds: Counter[str] = Counter()
        self.active = False
        try:
            import statcheck.prepare as prepare
            from statcheck.engine.context import Context
            from statcheck.engine.rules import IMPLEMENTATIONS

            # The checking layer imports these when it builds the tables, so it finds
            # the timed ones.
            for module, name in (
                (prepare, "as_text_frame"),
                (prepare, "normalise_figures"),
                (prepare, "normalise_sources"),
            ):
                setattr(module, name, self._timed(f"table: {name}", getattr(module, name)))
            Context.preload = self._timed("table: preload ids", Context.preload)  # type: ignore[method-assign]
            for kind, fn in list(IMPLEMENTATIONS.items()):
                IMPLEMENTATIONS[kind] = self._timed(f"rule: {kind}", fn)
            self.active = True
        except Exception as exc:  # pragma: no cover - internals changed
            print(f"(no per-stage breakdown: {type(exc).__name__}: {exc})")

    def _timed(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - t

        return wrapper

    @contextlib.contextmanager
    def measure(self) -> Iterator[Counter[str]]:
        self.seconds = Counter()
        yield self.seconds


# ---------------------------------------------------------------- memory, in a fresh process


def run_one(impl: str, w: Workload, suite: Suite) -> tuple[dict[str, int], list[str]]:
    if impl == "statcheck":
        return statcheck_counts(run_statcheck(w, suite))
    return floor_counts(run_floor(w))


def measure_one(impl: str, n: int) -> dict[str, Any]:
    """Run in a fresh process: build the table, then run one implementation once."""
    import resource

    # A warm-up run on a small table first, so that what is measured is the run, not the
    # modules it imports or the thread pools it starts the first time (a pipeline that
    # checks many tables pays those once).
    small = generate(2_000)
    run_one(impl, small, load_suite(small))
    del small
    gc.collect()
    rss_start = _status_kib("VmRSS")
    w = generate(n)
    suite = load_suite(w)
    _trim()
    rss_before = _status_kib("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # peak RSS := current RSS
        reset = _status_kib("VmHWM") <= rss_before + 1024
    except OSError:
        reset = False
    t = time.perf_counter()
    found, problems = run_one(impl, w, suite)
    seconds = time.perf_counter() - t
    hwm = _status_kib("VmHWM") if reset else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "impl": impl,
        "rows": w.figures.height,
        "seconds": seconds,
        "rss_imports_bytes": rss_start * 1024,
        "rss_before_bytes": rss_before * 1024,
        "peak_rss_bytes": hwm * 1024,
        "peak_extra_bytes": (hwm - rss_before) * 1024,
        "peak_reset": reset,
        "table_estimated_bytes": w.figures.estimated_size(),
        "table_resident_bytes": (rss_before - rss_start) * 1024,
        "problems": verify(impl, found, problems, w),
    }


def measure_in_subprocess(impl: str, n: int) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--one", impl, "--size", str(n)]
    env = {**os.environ, **MEASURE_ENV}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        return {"impl": impl, "error": f"exit {proc.returncode}: " + " | ".join(tail)}
    return dict(json.loads(lines[-1]))


# ---------------------------------------------------------------- one size


def cpu_seconds() -> float:
    """User plus system CPU time of this process so far (all its threads)."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def bench_size(
    n: int, repeat: int | None, memory: bool, stages: Stages, cpu: bool = False
) -> dict[str, Any]:
    t = time.perf_counter()
    w = generate(n)
    gen_seconds = time.perf_counter() - t
    t = time.perf_counter()
    suite = load_suite(w)
    suite_seconds = time.perf_counter() - t
    rows = w.figures.height
    table_bytes = w.figures.estimated_size()
    runs = repeat or (1 if n >= SINGLE_RUN_FROM else 5)
    print(
        f"\n== {rows:,} rows ({w.n_series:,} series; table {table_bytes / MIB:,.1f} MiB by "
        f"estimated_size; generated in {gen_seconds:.1f}s; {runs} run(s) each)",
        flush=True,
    )
    sc_times: list[float] = []
    fl_times: list[float] = []
    sc_cpu: list[float] = []
    fl_cpu: list[float] = []
    sc_stages: list[dict[str, float]] = []
    problems: list[str] = []
    n_findings = None
    for i in range(runs):
        gc.collect()
        try:
            with stages.measure() as seconds:
                c, t = cpu_seconds(), time.perf_counter()
                report = run_statcheck(w, suite)
                sc_times.append(time.perf_counter() - t)
                sc_cpu.append(cpu_seconds() - c)
        except Exception as exc:  # statcheck is being edited: say so, measure the rest
            sc_times.append(math.nan)
            sc_cpu.append(math.nan)
            problems.append(f"statcheck raised {type(exc).__name__}: {exc}")
            report = None
        sc_stages.append(dict(seconds))
        if report is not None:
            found, extra = statcheck_counts(report)
            if i == 0:
                problems += verify("statcheck", found, extra, w)
                n_findings = sum(len(r.findings) for r in report.results)
            del report
        gc.collect()
        c, t = cpu_seconds(), time.perf_counter()
        counts = run_floor(w)
        fl_times.append(time.perf_counter() - t)
        fl_cpu.append(cpu_seconds() - c)
        if i == 0:
            found, extra = floor_counts(counts)
            problems += verify("floor", found, extra, w)
        cpu_note = f" (CPU {sc_cpu[-1]:.2f}s / {fl_cpu[-1]:.2f}s)" if cpu else ""
        print(
            f"  run {i + 1}: statcheck {sc_times[-1]:.2f}s, floor {fl_times[-1]:.2f}s{cpu_note}",
            flush=True,
        )
    best = min(range(runs), key=lambda i: (math.isnan(sc_times[i]), sc_times[i]))
    expected = dict(w.expected)
    del w
    gc.collect()
    result: dict[str, Any] = {
        "size": n,
        "rows": rows,
        "table_estimated_bytes": table_bytes,
        "suite_seconds": suite_seconds,
        "suite_rules": len(suite.rules),
        "statcheck_seconds": sc_times[best],
        "floor_seconds": min(fl_times),
        "statcheck_runs": sc_times,
        "floor_runs": fl_times,
        "ratio": sc_times[best] / min(fl_times),
        # Each statcheck run is followed by a floor run: on a shared machine whose speed
        # drifts, the median of those pairs' ratios is steadier than best over best.
        "paired_ratio": statistics.median(s / f for s, f in zip(sc_times, fl_times, strict=True)),
        "statcheck_cpu_runs": sc_cpu,
        "floor_cpu_runs": fl_cpu,
        "stages": sc_stages[best] if stages.active else {},
        "violations_injected": expected,
        "statcheck_findings": n_findings,
        "problems": problems,
    }
    if cpu:
        sc_best, fl_best = min(sc_cpu), min(fl_cpu)
        print(
            f"  CPU (user + system, best run): statcheck {sc_best:.2f}s, floor {fl_best:.2f}s, "
            f"ratio {sc_best / fl_best:.2f}x",
            flush=True,
        )
    for p in problems:
        print(f"  !! {p}", flush=True)
    if not problems:
        total = sum(expected.values())
        print(f"  both found all {total:,} injected violations ({summarise(expected)})")
    if memory:
        for impl in ("statcheck", "floor"):
            m = measure_in_subprocess(impl, n)
            result[f"{impl}_memory"] = m
            if "error" in m:
                print(f"  !! memory run of {impl} failed: {m['error']}", flush=True)
                problems.append(f"{impl} memory run: {m['error']}")
                continue
            problems += m["problems"]
            print(
                f"  memory {impl}: peak +{m['peak_extra_bytes'] / MIB:,.0f} MiB over the "
                f"{m['rss_before_bytes'] / MIB:,.0f} MiB before the run "
                f"(x{m['peak_extra_bytes'] / table_bytes:.1f} the table's estimated size; "
                f"run took {m['seconds']:.2f}s)",
                flush=True,
            )
    return result


# ---------------------------------------------------------------- reporting


def _mib(b: float) -> str:
    return f"{b / MIB:,.0f} MiB" if b >= 10 * MIB else f"{b / MIB:,.1f} MiB"


def _secs(s: float) -> str:
    if math.isnan(s):
        return "error"
    return f"{s:,.2f} s" if s < 100 else f"{s:,.0f} s"


def _paired(r: dict[str, Any]) -> str:
    """`` (1.4x)``: the median of paired runs' ratios, when there was more than one run."""
    return f" ({r['paired_ratio']:.1f}x)" if len(r["statcheck_runs"]) > 1 else ""


def _x(ratio: float) -> str:
    return "n/a" if math.isnan(ratio) else f"{ratio:.1f}x"


def _size_label(n: int) -> str:
    e = len(str(n)) - 1
    return f"10^{e}" if n == 10**e else f"{n:,}"


def markdown(results: list[dict[str, Any]], meta: dict[str, Any]) -> str:
    lines = [
        f"Benchmark ({meta['date']}; {meta['machine']}; Python {meta['python']}, "
        f"polars {meta['polars']}, statcheck {meta['statcheck']}): a synthetic figure table "
        "with every rule kind and about 1% violations per kind (benchmarks/generate.py), "
        "checked by statcheck's default engine (`check_frames` on a polars frame) and by a "
        "hand-written polars implementation of the same checks (benchmarks/floor.py). Time: "
        "best of 5 runs (1 run from 5 million rows), each statcheck run followed by a floor run; "
        "the ratio is best over best, and in brackets the median of the runs' paired "
        "ratios. Peak memory: the peak resident memory of a fresh process during one run "
        "(after a warm-up run on 2,000 rows), above what it held before (the table and the "
        "interpreter), as a multiple of the table's `estimated_size()`.",
        "",
        "| rows | table | statcheck | floor | ratio | statcheck peak memory | floor peak memory | violations found |",
        "|---:|---:|---:|---:|---:|---:|---:|:--|",
    ]
    for r in results:
        tb = r["table_estimated_bytes"]

        def mem(impl: str, r: dict[str, Any] = r, tb: float = tb) -> str:
            m = r.get(f"{impl}_memory")
            if not m:
                return "not measured"
            if "error" in m:
                return "failed"
            return f"{_mib(m['peak_extra_bytes'])} (x{m['peak_extra_bytes'] / tb:.1f})"

        found = "all" if not r["problems"] else "**NO**, see below"
        lines.append(
            f"| {r['rows']:,} | {_mib(tb)} | {_secs(r['statcheck_seconds'])} | "
            f"{_secs(r['floor_seconds'])} | {_x(r['ratio'])}{_paired(r)} | {mem('statcheck')} | "
            f"{mem('floor')} | {found} ({sum(r['violations_injected'].values()):,}) |"
        )
    suite_s = max(r["suite_seconds"] for r in results)
    n_rules = max(r["suite_rules"] for r in results)
    lines += [
        "",
        f"statcheck's time is the `check_frames` call; reading the suite ({n_rules} rules) beforehand "
        f"takes {suite_s:.2f} s more. The floor skips what only a general tool does: parsing "
        "and validating the table, resolving selectors, writing one explanation per finding.",
        "",
        *targets_lines(results),
    ]
    stage_rows = [r for r in results if r["stages"]]
    if stage_rows:
        labels: list[str] = []
        for r in stage_rows:
            labels += [s for s in r["stages"] if s not in labels]
        labels.sort(key=lambda s: -stage_rows[-1]["stages"].get(s, 0.0))
        lines += [
            "",
            "Where statcheck's time goes (seconds, best run):",
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
        lines += ["", "Problems:", "", *(f"- {p}" for p in problems)]
    return "\n".join(lines) + "\n"


def targets_lines(results: list[dict[str, Any]]) -> list[str]:
    by_size = {r["size"]: r for r in results}
    out = ["Targets (default engine):", ""]
    r6, r7 = by_size.get(1_000_000), by_size.get(10_000_000)
    if r6:
        worse = max(r6["ratio"], r6.get("paired_ratio", r6["ratio"]))  # met by both measures
        ok = worse <= TARGETS["ratio_at_1e6"]
        out.append(
            f"- at most {TARGETS['ratio_at_1e6']}x the floor at 10^6 rows: "
            f"{_x(r6['ratio'])} best over best, {r6.get('paired_ratio', math.nan):.2f}x the "
            f"median of paired runs, {'met' if ok else '**not met**'}"
        )
    else:
        out.append("- ratio to the floor at 10^6 rows: not measured (size not run)")
    if r6 and r7:
        g = r7["statcheck_seconds"] / r6["statcheck_seconds"]
        gf = r7["floor_seconds"] / r6["floor_seconds"]
        ok = g <= TARGETS["growth_1e6_to_1e7"]
        out.append(
            f"- growth from 10^6 to 10^7 rows at most {TARGETS['growth_1e6_to_1e7']:.0f}x: "
            f"{_x(g)}, {'met' if ok else '**not met**'} (floor: {_x(gf)}; runs at 10^7: "
            f"{len(r7['statcheck_runs'])}, at 10^6: best of {len(r6['statcheck_runs'])})"
        )
    else:
        out.append("- growth from 10^6 to 10^7 rows: not measured (both sizes needed)")
    for r in results:
        m = r.get("statcheck_memory")
        if not m or "error" in m:
            continue
        x = m["peak_extra_bytes"] / r["table_estimated_bytes"]
        ok = x <= TARGETS["memory_x_table"]
        out.append(
            f"- peak memory at most {TARGETS['memory_x_table']:.0f}x the table at "
            f"{_size_label(r['size'])} rows: x{x:.1f}, {'met' if ok else '**not met**'} "
            f"(x{m['peak_extra_bytes'] / max(m['table_resident_bytes'], 1):.1f} the table's "
            f"resident size, about {_mib(m['table_resident_bytes'])}"
            + (
                f"; floor: x{fm['peak_extra_bytes'] / r['table_estimated_bytes']:.1f})"
                if (fm := r.get("floor_memory")) and "error" not in fm
                else ")"
            )
        )
    return out


def parse_sizes(text: str) -> list[int]:
    sizes = [int(float(s)) for s in re.split(r"[,\s]+", text.strip()) if s]
    if not sizes or any(s < 1000 for s in sizes):
        raise SystemExit(f"bench: sizes must be numbers of rows >= 1000, got {text!r}")
    return sizes


def profile(n: int) -> str:
    """cProfile one statcheck run (in a fresh process, without the stage timers). Writes
    build/bench/profile-N.txt: statcheck's own functions by the time spent in them and in
    the library calls they make directly (polars, narwhals), then the usual listings."""
    import cProfile
    import io
    import pstats

    w = generate(n)
    suite = load_suite(w)
    prof = cProfile.Profile()
    t = time.perf_counter()
    prof.enable()
    run_statcheck(w, suite)
    prof.disable()
    wall = time.perf_counter() - t
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    import statcheck

    src = str(Path(statcheck.__file__).resolve().parent)  # the statcheck being profiled
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    own: Counter[Any] = Counter()
    for callee, (_cc, _nc, tt, _ct, callers) in raw.items():
        mine = callee[0].startswith(src)
        if mine:
            own[callee] += tt
        for caller, (_c, _n, _t, edge_ct) in callers.items():
            if not mine and caller[0].startswith(src):
                own[caller] += edge_ct  # library time, charged to the statcheck caller
    top = own.most_common(30)
    buf.write(
        f"cProfile of one statcheck run (check_frames) on {w.figures.height:,} rows: "
        f"{wall:.2f}s wall under the profiler (statcheck from {src})\n\n"
        "statcheck functions by time in their own code plus the library calls they make\n"
        "directly (a function's statcheck callees are counted under those callees):\n\n"
    )
    for fn, secs in top:
        where = f"statcheck/{os.path.relpath(fn[0], src)}:{fn[1]} {fn[2]}"
        buf.write(f"  {secs:8.3f}s  {100 * secs / wall:5.1f}%  {where}\n")
    buf.write("\nWhat the top ones call (library calls with their cumulative time):\n")
    stats.sort_stats("cumulative")
    for fn, _secs in top[:8]:
        stats.print_callees(rf"{re.escape(os.path.basename(fn[0]))}:{fn[1]}\({re.escape(fn[2])}\)")
    stats.print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"profile-{n}.txt"
    path.write_text(buf.getvalue())
    return str(path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--sizes", help="rows, comma-separated (default 1e5,1e6,1e7, or $STATCHECK_BENCH_SIZES)"
    )
    ap.add_argument("--repeat", type=int, help="timed runs per size (default 2; 1 from 5e6 rows)")
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory processes")
    ap.add_argument(
        "--engines",
        default=os.environ.get("STATCHECK_BENCH_ENGINES", "polars,spark"),
        help="polars, spark or both (default polars,spark, or $STATCHECK_BENCH_ENGINES): "
        "spark adds statcheck's Spark engine and a hand-written PySpark floor "
        "(benchmarks/bench_spark.py) at every size",
    )
    ap.add_argument(
        "--cpu",
        action="store_true",
        help="also print the CPU time of each run (steadier than wall time on a loaded machine)",
    )
    ap.add_argument("--profile", metavar="ROWS", help="also cProfile one statcheck run at ROWS")
    ap.add_argument("--out", type=Path, default=OUT, help="where results.md/json go")
    ap.add_argument("--one", choices=("statcheck", "floor"), help=argparse.SUPPRESS)
    ap.add_argument("--profile-here", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.one:  # a memory-measuring child
        print(json.dumps(measure_one(args.one, args.size)))
        return 0
    if args.profile_here:  # a profiling child
        print(profile(args.profile_here))
        return 0

    text = args.sizes or os.environ.get("STATCHECK_BENCH_SIZES")
    sizes = parse_sizes(text) if text else list(DEFAULT_SIZES)
    import statcheck

    meta = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "polars": pl.__version__,
        "statcheck": statcheck.__version__,
        "polars_threads": pl.thread_pool_size(),
        "sizes": sizes,
    }
    print(f"statcheck bench: sizes {', '.join(f'{s:,}' for s in sizes)}; {meta['machine']}")
    stages = Stages()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    if unknown := set(engines) - {"polars", "spark"}:
        raise SystemExit(f"bench: unknown engines {sorted(unknown)}; use polars and/or spark")
    results = []
    if "polars" in engines:
        results = [bench_size(n, args.repeat, not args.no_memory, stages, args.cpu) for n in sizes]
    md = markdown(results, meta) if results else ""
    spark_results: list[dict[str, Any]] = []
    if "spark" in engines:
        import bench_spark

        session, meta["spark"] = bench_spark.start()
        bench_spark.instrument(stages)
        print(f"\nSpark session: {meta['spark']}", flush=True)
        spark_results = [
            bench_spark.bench_size(
                n, session, args.repeat, stages, load_suite, statcheck_counts, floor_counts, verify
            )
            for n in sizes
        ]
        md += bench_spark.markdown(spark_results, meta["spark"], {r["size"]: r for r in results})
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(md)
    (args.out / "results.json").write_text(
        json.dumps(
            {"meta": meta, "targets": TARGETS, "results": results, "spark": spark_results},
            indent=2,
        )
        + "\n"
    )
    print("\n" + md)
    print(f"written: {args.out / 'results.md'}, {args.out / 'results.json'}")
    if args.profile:
        n = int(float(args.profile))
        cmd = [sys.executable, str(Path(__file__).resolve()), "--profile-here", str(n)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode == 0:
            path = Path(proc.stdout.strip().splitlines()[-1])
            print(f"\nprofile of a statcheck run at {n:,} rows: {path}\n")
            print("\n".join(path.read_text().splitlines()[:24]))
        else:
            print(f"profile failed: {proc.stderr.strip()[-500:]}")
    return 1 if any(r["problems"] for r in [*results, *spark_results]) else 0


if __name__ == "__main__":
    sys.exit(main())
