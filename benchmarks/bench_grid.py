"""Benchmark of issue 16: statcheck's whole call against a hand-written numpy floor.

    python benchmarks/bench_grid.py                          # 10^5, 10^6 and 10^7 rows
    python benchmarks/bench_grid.py --sizes 1e5,1e6 --pairs 5
    python benchmarks/bench_grid.py --without-new-forms      # without the ratio over two
                                                             # columns and the partition rule
    python benchmarks/bench_grid.py --profile 1e6            # only cProfile one whole call
    python benchmarks/bench_grid.py --impls floor,polars     # some implementations only
    nox -s bench -- --sizes 1e5,1e6                          # the same, through nox

The table (benchmarks/grid.py): metrics x regions x years, ten categories and their ALL
total, the year and its four quarters, shares per category for every other metric,
relays by news outlets, about 1% injected violations of each kind. It is generated once
per size (deterministic from size and seed) into build/bench/grid/, with what must be
flagged and skipped.

Each timed call runs in a fresh process, which reads the table, makes the input its
implementation is given, makes one call on a 2,000-row table first (imports and thread
pools are the process's, not the call's; ``--no-warm-up`` leaves it out) and then times
one call:

- ``floor``: the numpy floor (benchmarks/floor_numpy.py) on the columns as numpy arrays;
- ``polars``, ``pandas``: the whole call as a user makes it,
  ``statcheck.validate(frame, suite, sources=sources, engine=...)`` on a polars (or
  pandas) frame and engine, the suite read beforehand (a pandas frame without ``engine=``
  runs on polars: the ``polars`` row is then its time, plus a conversion);
- ``polars-rules``, ``pandas-rules``: the rules alone, ``statcheck.checking.check`` on
  the figure table already built (``frame_inputs``).

After a whole call, untimed in its ratio, the child writes the report as ``statcheck check
--json`` would (``report.to_json()``: every finding's sentence), and times that against
the call (issue 16: a report must not cost more than the checks that found them).

A round runs every implementation once, the floor first; at least 5 rounds (3 from 5
million rows; ``--pairs``, ``--pairs-large``). Each implementation's ratio is the median
over rounds of its time over the floor's time in the same round (the machine's speed
drifts; same-round ratios cancel most of it). Peak memory: one more fresh process per
implementation and size, the peak resident memory during the call above what the
process held before it (measure.py), as a multiple of the figure table's size in polars
(``estimated_size``). ``--no-memory`` skips them.

Every child runs with ``NUMPY_MADVISE_HUGEPAGE=0`` (``RUN_ENV``): see there why.

Every run's findings are checked against the injected violations: exit 1 if any is
missed, or anything else flagged, by statcheck or by the floor, or if a run fails.
Skips counted differently from the generator's are printed as notes. Performance
targets are printed, met or not; missing one does not change the exit code. Writes
build/bench/results.md and results.json.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
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
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = ROOT / "build" / "bench"
DATA = OUT / "grid"
DEFAULT_SIZES = (100_000, 1_000_000, 10_000_000)
IMPLS = ("floor", "polars", "polars-rules", "pandas", "pandas-rules")
LARGE = 5_000_000  # from here on, --pairs-large rounds
WARM_UP_ROWS = 2_000
MIB = 2**20
TARGETS = {
    "polars_whole_x_floor_at_1e6": 1.0,
    "growth_1e6_to_1e7": 10.0,
    "peak_memory_x_table": 2.0,
    "pandas_whole_x_polars_whole": 2.0,
    "report_x_call": 1.0,  # writing the report (every sentence) over the call that found them
}

sys.path.insert(0, str(HERE))

import grid  # noqa: E402
from measure import MEASURE_ENV, peak_memory  # noqa: E402

# Every child, whatever it times: numpy does not ask the kernel for transparent huge pages.
# numpy asks for them for every large array by default; on a kernel that then compacts
# memory to find them (defrag "madvise", as here), each fresh array may stall on it, and
# the floor ran at two speeds, 0.45 to 0.5 s at 10^6 rows when no huge page was to be had
# and 0.7 to 0.75 s when one was, from round to round. Without them it runs at the first
# speed every time. polars allocates through its own allocator and does not ask.
RUN_ENV = {"NUMPY_MADVISE_HUGEPAGE": "0"}

# ---------------------------------------------------------------- the data, once per size


def data_dir(n: int, seed: int) -> Path:
    return DATA / f"{n}-{seed}"


def _generator_digest() -> str:
    return hashlib.sha256((HERE / "grid.py").read_bytes()).hexdigest()[:16]


def ensure_data(n: int, seed: int) -> dict[str, Any]:
    """The table of ``n`` rows on disk (Parquet) with its expected outcomes, generated
    when missing or when grid.py has changed since."""
    folder = data_dir(n, seed)
    meta_path = folder / "expected.json"
    digest = _generator_digest()
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("generator") == digest:
            return dict(meta)
    t = time.perf_counter()
    g = grid.generate(n, seed)
    folder.mkdir(parents=True, exist_ok=True)
    g.figures.write_parquet(folder / "figures.parquet")
    g.sources.write_parquet(folder / "sources.parquet")
    meta = {
        "generator": digest,
        "rows": g.figures.height,
        "table_bytes": g.figures.estimated_size(),
        "sources": g.sources.height,
        "expected": g.expected,
        "skips": g.skips,
        "items": g.items,
        "params": g.params,
        "generated_seconds": time.perf_counter() - t,
    }
    meta_path.write_text(json.dumps(meta) + "\n")
    return meta


def load_frames(n: int, seed: int) -> tuple[Any, Any]:
    import polars as pl

    folder = data_dir(n, seed)
    return pl.read_parquet(folder / "figures.parquet"), pl.read_parquet(folder / "sources.parquet")


# ---------------------------------------------------------------- what each run found


def finding_key(slug: str, figures: tuple[str, ...]) -> str:
    """What a finding is about, as the generator and the floor name it: the group's ALL
    (sum), the share (ratio), the year (partition), the cycle's figures (cycles), else
    the figure."""
    if slug in ("citation-cycle", "source-cycle"):
        return " ".join(sorted(set(figures)))
    pick: Callable[[str], bool] | None = None
    if slug == "sum-mismatch":
        pick = lambda f: f"-{grid.ALL}-" in f  # noqa: E731
    elif slug in ("ratio-mismatch", "zero-denominator"):
        pick = lambda f: f"{grid.SHARE_SUFFIX}-" in f  # noqa: E731
    elif slug.startswith("partition-"):
        pick = lambda f: ":" not in f and "Q" not in f.rsplit("-", 1)[-1]  # noqa: E731
    chosen = [f for f in figures if pick(f)] if pick else []
    return chosen[0] if chosen else (figures[0] if figures else "")


def statcheck_found(report: Any, kinds: tuple[str, ...]) -> tuple[dict[str, list[str]], list[str]]:
    """Keys flagged per finding slug, and what should not be there: errors, rules in
    error, findings of slugs no injected violation gives."""
    found: dict[str, list[str]] = {}
    problems = [f"error: {e.slug}: {e.message}" for e in report.errors]
    wanted = {grid.RULES[k]: k for k in kinds}
    for res in report.results:
        if res.status.value == "error":
            problems.append(f"rule {res.rule} errored: {res.error}")
            continue
        kind = wanted.get(res.rule)
        for f in res.findings:
            if kind is None or f.slug not in grid.CHECKS[kind]:
                problems.append(f"rule {res.rule}: unexpected {f.slug}: {f.explanation[:160]}")
                continue
            found.setdefault(f.slug, []).append(finding_key(f.slug, f.figures))
    missing_rules = set(wanted) - {r.rule for r in report.results}
    problems += [f"rule {r} has no result" for r in sorted(missing_rules)]
    return found, problems


def compare(who: str, found: dict[str, list[str]], expected: dict[str, list[str]]) -> list[str]:
    """Missed and unexpected keys per slug (as multisets: a cycle reported twice is one
    too many)."""
    out = []
    for slug in sorted(set(expected) | set(found)):
        want, got = Counter(expected.get(slug, [])), Counter(found.get(slug, []))
        missed, extra = want - got, got - want
        if missed:
            out.append(
                f"{who}: {slug}: missed {sum(missed.values())} of {sum(want.values())} "
                f"injected, e.g. {sorted(missed)[:3]}"
            )
        if extra:
            out.append(
                f"{who}: {slug}: {sum(extra.values())} flagged that were not injected, "
                f"e.g. {sorted(extra)[:3]}"
            )
    return out


def count_notes(
    who: str, counts: dict[str, Any], meta: dict[str, Any], kinds: tuple[str, ...]
) -> list[str]:
    """Where a rule's counts (items checked, failed, skipped by reason) differ from what
    the generator built in."""
    notes = []
    for kind in kinds:
        got = counts.get(kind)
        if got is None:
            continue
        want_skips = {k: v for k, v in meta["skips"].get(kind, {}).items() if v}
        got_skips = {k: v for k, v in (got.get("skipped") or {}).items() if v}
        if got_skips != want_skips:
            notes.append(f"{who}: {kind} skipped {got_skips}, expected {want_skips}")
        want = meta["items"].get(kind, {})
        for field in ("checked", "failed"):
            if field in want and field in got and got[field] != want[field]:
                notes.append(f"{who}: {kind} {field} {got[field]}, expected {want[field]}")
    return notes


# ---------------------------------------------------------------- one call, in a fresh process


class Run:
    """One implementation's input, made before the clock starts, and its call."""

    def __init__(self, impl: str, figures: Any, sources: Any, kinds: tuple[str, ...]) -> None:
        self.impl = impl
        self.kinds = kinds
        if impl == "floor":
            from floor_numpy import columns_of

            self.input = (columns_of(figures), columns_of(sources))
            self.input_bytes = sum(a.nbytes for a in self.input[0].values())
            return
        from statcheck import checking
        from statcheck.contract import suite_from_yaml

        self.suite = suite_from_yaml(grid.suite_yaml(kinds), "<bench-grid suite>")
        engine = impl.split("-")[0]
        if engine == "pandas":
            figures, sources = figures.to_pandas(), sources.to_pandas()
            self.input_bytes = int(figures.memory_usage(deep=True).sum())
        else:
            self.input_bytes = int(figures.estimated_size())
        self.frames = (figures, sources)
        if impl.endswith("-rules"):
            self.inputs = checking.frame_inputs(figures, None, engine, sources)

    def __call__(self) -> Any:
        if self.impl == "floor":
            from floor_numpy import run_floor

            return run_floor(*self.input, kinds=self.kinds, primary_kinds=grid.PRIMARY_KINDS)
        if self.impl.endswith("-rules"):
            from statcheck import checking

            return checking.check(self.inputs, self.suite)
        import statcheck

        figures, sources = self.frames
        # The engine named: a pandas frame alone would run on polars (the default).
        engine = self.impl.split("-")[0]
        return statcheck.validate(figures, self.suite, sources=sources, engine=engine)


def verify(impl: str, result: Any, meta: dict[str, Any], kinds: tuple[str, ...]) -> dict[str, Any]:
    expected = {s: k for s, k in meta["expected"].items() if grid.SLUG_RULE[s] in kinds}
    if impl == "floor":
        found = {s: k for s, k in result.flags.items() if grid.SLUG_RULE[s] in kinds}
        problems = compare("floor", found, expected)
        counts = {
            k: {**result.items.get(k, {}), "skipped": result.skips.get(k, {})}
            for k in kinds
            if k in result.items
        }
        # The floor is this benchmark's own: its counts must match too.
        problems += count_notes("floor", counts, meta, kinds)
        return {
            "problems": problems,
            "notes": [],
            "counts": counts,
            "flagged": {s: len(v) for s, v in found.items()},
        }
    found, problems = statcheck_found(result, kinds)
    problems += compare(impl, found, expected)
    by_rule = {r.rule: r for r in result.results}
    counts = {}
    for kind in kinds:
        res = by_rule.get(grid.RULES[kind])
        if res is not None and getattr(res, "counts", None) is not None:
            counts[kind] = res.counts.to_dict()
    return {
        "problems": problems,
        "notes": count_notes(impl, counts, meta, kinds),
        "counts": counts,
        "flagged": {s: len(v) for s, v in found.items()},
    }


def child(impl: str, n: int, seed: int, kinds: tuple[str, ...], warm_up: bool) -> dict[str, Any]:
    """Runs in a fresh process: read the table, make the input, warm up, time one call."""
    meta = ensure_data(n, seed)
    figures, sources = load_frames(n, seed)
    if warm_up:
        small = grid.generate(WARM_UP_ROWS, seed)
        Run(impl, small.figures, small.sources, kinds)()
        del small
    run = Run(impl, figures, sources, kinds)
    del figures, sources
    gc.collect()
    with peak_memory() as peak:
        t = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - t
    checked = verify(impl, result, meta, kinds)
    written: dict[str, Any] = {}
    if impl in ("polars", "pandas"):  # the report as `statcheck check --json` writes it
        t = time.perf_counter()
        text = result.to_json()
        written = {"report_seconds": time.perf_counter() - t, "report_bytes": len(text.encode())}
        written["findings"] = sum(len(r.findings) for r in result.results)
    return {
        "impl": impl,
        "rows": meta["rows"],
        "seconds": seconds,
        **written,
        "input_bytes": run.input_bytes,
        "table_bytes": meta["table_bytes"],
        "rss_before_bytes": peak.before,
        "peak_extra_bytes": peak.extra,
        "peak_reset": peak.reset,
        **checked,
    }


def in_fresh_process(
    impl: str, n: int, args: argparse.Namespace, kinds: tuple[str, ...], memory: bool = False
) -> dict[str, Any]:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        impl,
        "--size",
        str(n),
        "--seed",
        str(args.seed),
        "--kinds",
        ",".join(kinds),
    ]
    if args.no_warm_up:
        cmd.append("--no-warm-up")
    env = {**os.environ, **RUN_ENV, **(MEASURE_ENV if memory else {})}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-6:]
        return {"impl": impl, "error": f"exit {proc.returncode}: " + " | ".join(tail)}
    return dict(json.loads(lines[-1]))


# ---------------------------------------------------------------- one size


def rounds_for(n: int, args: argparse.Namespace) -> int:
    return int(args.pairs_large if n >= LARGE else args.pairs)


def bench_size(
    n: int, args: argparse.Namespace, kinds: tuple[str, ...], impls: tuple[str, ...]
) -> dict[str, Any]:
    t = time.perf_counter()
    meta = ensure_data(n, args.seed)
    rounds = rounds_for(n, args)
    injected = sum(len(meta["expected"][s]) for s in meta["expected"] if grid.SLUG_RULE[s] in kinds)
    print(
        f"\n== {meta['rows']:,} rows (table {meta['table_bytes'] / MIB:,.0f} MiB; "
        f"{meta['params']['metrics']} metrics x {meta['params']['regions']} regions x "
        f"{meta['params']['years']} years; data ready in {time.perf_counter() - t:.1f}s); "
        f"{injected:,} violations to find; {rounds} rounds of {', '.join(impls)}",
        flush=True,
    )
    runs: dict[str, list[dict[str, Any]]] = {impl: [] for impl in impls}
    problems: list[str] = []
    notes: list[str] = []
    for i in range(rounds):
        line = []
        for impl in impls:
            r = in_fresh_process(impl, n, args, kinds)
            runs[impl].append(r)
            if "error" in r:
                problems.append(f"{impl} run {i + 1}: {r['error']}")
                line.append(f"{impl} FAILED")
                continue
            if i == 0:
                problems += r["problems"]
                notes += r["notes"]
            elif r["problems"] and not runs[impl][0].get("problems"):
                problems += [f"(round {i + 1}) {p}" for p in r["problems"]]
            line.append(f"{impl} {r['seconds']:.3f}s")
        print(f"  round {i + 1}: " + ", ".join(line), flush=True)
    result = summarise(n, meta, runs, impls)
    if not args.no_memory:
        result["memory"] = {}
        for impl in impls:
            m = in_fresh_process(impl, n, args, kinds, memory=True)
            result["memory"][impl] = m
            if "error" in m:
                problems.append(f"{impl} memory run: {m['error']}")
                continue
            print(
                f"  memory {impl}: peak +{m['peak_extra_bytes'] / MIB:,.0f} MiB "
                f"(x{m['peak_extra_bytes'] / meta['table_bytes']:.2f} the table)",
                flush=True,
            )
    result["problems"], result["notes"] = problems, notes
    result["injected"] = injected
    for p in problems:
        print(f"  !! {p}", flush=True)
    for note in notes:
        print(f"  note: {note}", flush=True)
    if not problems:
        print(f"  every run found exactly the {injected:,} injected violations", flush=True)
    return result


def summarise(
    n: int, meta: dict[str, Any], runs: dict[str, list[dict[str, Any]]], impls: tuple[str, ...]
) -> dict[str, Any]:
    """Median seconds per implementation, and the median of same-round ratios to the
    floor (and of pandas to polars)."""
    secs = {impl: [r.get("seconds", math.nan) for r in rs] for impl, rs in runs.items()}

    def ratios(a: str, b: str) -> list[float]:
        if a not in secs or b not in secs:
            return []
        return [
            x / y
            for x, y in zip(secs[a], secs[b], strict=True)
            if not (math.isnan(x) or math.isnan(y))
        ]

    def med(values: list[float]) -> float:
        return statistics.median(values) if values else math.nan

    return {
        "size": n,
        "rows": meta["rows"],
        "table_bytes": meta["table_bytes"],
        "params": meta["params"],
        "runs": secs,
        "seconds": {impl: med([s for s in secs[impl] if not math.isnan(s)]) for impl in impls},
        "x_floor": {impl: med(ratios(impl, "floor")) for impl in impls if impl != "floor"},
        "x_floor_runs": {impl: ratios(impl, "floor") for impl in impls if impl != "floor"},
        "pandas_x_polars": med(ratios("pandas", "polars")),
        "report_x_call": {
            impl: med([r["report_seconds"] / r["seconds"] for r in rs if "report_seconds" in r])
            for impl, rs in runs.items()
            if any("report_seconds" in r for r in rs)
        },
        "findings": {impl: rs[0].get("findings") for impl, rs in runs.items() if rs},
        "pandas_rules_x_polars_rules": med(ratios("pandas-rules", "polars-rules")),
        "counts": {impl: rs[0].get("counts") for impl, rs in runs.items() if rs},
        "flagged": {impl: rs[0].get("flagged") for impl, rs in runs.items() if rs},
    }


# ---------------------------------------------------------------- reporting


def _x(v: float | None) -> str:
    return "n/a" if v is None or math.isnan(v) else f"{v:.2f}x"


def _s(v: float | None) -> str:
    return "n/a" if v is None or math.isnan(v) else f"{v:,.3f} s" if v < 10 else f"{v:,.1f} s"


def _size(n: int) -> str:
    e = len(str(n)) - 1
    return f"10^{e}" if n == 10**e else f"{n:,}"


def _mem(r: dict[str, Any], impl: str) -> str:
    m = (r.get("memory") or {}).get(impl)
    if not m:
        return "-"
    if "error" in m:
        return "failed"
    return f"x{m['peak_extra_bytes'] / r['table_bytes']:.2f}"


def table_lines(results: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| rows | table | floor | polars whole | polars rules | pandas whole | pandas rules "
        "| peak memory x table (floor / polars / pandas) | violations |",
        "|---:|---:|---:|---:|---:|---:|---:|:--|:--|",
    ]
    for r in results:
        x = r["x_floor"]
        found = "all found" if not r["problems"] else "**MISSED or extra**"
        lines.append(
            f"| {r['rows']:,} | {r['table_bytes'] / MIB:,.0f} MiB | {_s(r['seconds'].get('floor'))} "
            f"| {_x(x.get('polars'))} | {_x(x.get('polars-rules'))} | {_x(x.get('pandas'))} "
            f"| {_x(x.get('pandas-rules'))} | {_mem(r, 'floor')} / {_mem(r, 'polars')} / "
            f"{_mem(r, 'pandas')} | {found} ({r['injected']:,}) |"
        )
    return lines


def seconds_lines(results: list[dict[str, Any]], impls: tuple[str, ...]) -> list[str]:
    lines = ["| rows | " + " | ".join(impls) + " |", "|---:|" + "---:|" * len(impls)]
    for r in results:
        lines.append(
            f"| {r['rows']:,} | " + " | ".join(_s(r["seconds"].get(i)) for i in impls) + " |"
        )
    return lines


def target_lines(results: list[dict[str, Any]]) -> list[str]:
    """The issue's targets, each met or NOT MET (informational: never the exit code)."""
    by = {r["size"]: r for r in results}
    out: list[str] = []

    def verdict(ok: bool) -> str:
        return "met" if ok else "**NOT MET**"

    r6, r7 = by.get(1_000_000), by.get(10_000_000)
    limit = TARGETS["polars_whole_x_floor_at_1e6"]
    if r6 and not math.isnan(r6["x_floor"].get("polars", math.nan)):
        x = r6["x_floor"]["polars"]
        out.append(
            f"- polars whole call at most {limit:.1f}x the floor at 10^6 rows: {x:.2f}x, {verdict(x <= limit)}"
        )
    else:
        out.append("- polars whole call vs floor at 10^6 rows: not measured")
    limit = TARGETS["growth_1e6_to_1e7"]
    if r6 and r7 and "polars" in r6["seconds"] and "polars" in r7["seconds"]:
        g = r7["seconds"]["polars"] / r6["seconds"]["polars"]
        gf = (
            r7["seconds"]["floor"] / r6["seconds"]["floor"]
            if "floor" in r6["seconds"]
            else math.nan
        )
        out.append(
            f"- growth of the polars whole call from 10^6 to 10^7 rows at most {limit:.0f}x: "
            f"{g:.1f}x, {verdict(g <= limit)} (floor: {gf:.1f}x)"
        )
    else:
        out.append("- growth from 10^6 to 10^7 rows: not measured (both sizes needed)")
    limit = TARGETS["peak_memory_x_table"]
    for r in results:
        m = (r.get("memory") or {}).get("polars")
        if m and "error" not in m:
            x = m["peak_extra_bytes"] / r["table_bytes"]
            out.append(
                f"- peak memory of the polars whole call at most {limit:.0f}x the table at "
                f"{_size(r['size'])} rows: x{x:.2f}, {verdict(x <= limit)}"
            )
    limit = TARGETS["pandas_whole_x_polars_whole"]
    for r in results:
        x = r.get("pandas_x_polars", math.nan)
        if not math.isnan(x):
            out.append(
                f"- pandas whole call within {limit:.0f}x of polars at {_size(r['size'])} rows: "
                f"{x:.2f}x, {verdict(x <= limit)}"
            )
    limit = TARGETS["report_x_call"]
    for r in results:
        for impl, x in (r.get("report_x_call") or {}).items():
            if not math.isnan(x):
                out.append(
                    f"- writing the report ({r['findings'][impl]:,} findings, every sentence) at "
                    f"most {limit:.0f}x the {impl} whole call at {_size(r['size'])} rows: "
                    f"{x:.2f}x, {verdict(x <= limit)}"
                )
    return out


def markdown(results: list[dict[str, Any]], meta: dict[str, Any], impls: tuple[str, ...]) -> str:
    dropped = meta["dropped_rules"]
    lines = [
        f"Benchmark of issue 16 ({meta['date']}; {meta['machine']}; Python {meta['python']}, "
        f"numpy {meta['numpy']}, polars {meta['polars']}, pandas {meta['pandas']}, statcheck "
        f"{meta['statcheck']}): the grid table (benchmarks/grid.py: metrics x regions x years, "
        "ten categories and ALL, the year and its quarters, shares, relays; about 1% injected "
        "violations of each kind), checked by a hand-written numpy floor "
        "(benchmarks/floor_numpy.py) and by `statcheck.validate(frame, suite, sources=...)` on a "
        "polars and a pandas frame (whole call), and by `statcheck.checking.check` on the figure "
        "table already built (rules). Each call in a fresh process after a warm-up call on "
        f"{WARM_UP_ROWS:,} rows{' (no warm-up)' if meta['no_warm_up'] else ''}; x = median over "
        f"rounds of the call's time over the floor's in the same round ({meta['rounds']}). Peak "
        "memory: the call's peak resident memory above what its process held before, over the "
        "table's polars `estimated_size()`.",
        "",
        f"Rules: {', '.join(meta['rules'])}"
        + (
            f"; **left out** (this statcheck does not read them, or `--without-new-forms`): "
            f"{', '.join(dropped)}"
            if dropped
            else ""
        )
        + ".",
        "",
        *table_lines(results),
        "",
        "Median seconds:",
        "",
        *seconds_lines(results, impls),
        "",
        "Targets (informational):",
        "",
        *target_lines(results),
    ]
    problems = [p for r in results for p in r["problems"]]
    notes = [n for r in results for n in r["notes"]]
    if problems:
        lines += ["", "Problems (exit 1):", "", *(f"- {p}" for p in problems)]
    if notes:
        lines += ["", "Counts that differ from the generator's:", "", *(f"- {n}" for n in notes)]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- which rules


def readable_kinds() -> tuple[str, ...]:
    """The suite's rule kinds this statcheck can read (the new forms may not be there)."""
    from statcheck.contract import suite_from_yaml
    from statcheck.errors import StatcheckError

    out = []
    for kind in grid.SUITE_RULES:
        try:
            suite_from_yaml(grid.suite_yaml((kind,)), "<probe>")
        except StatcheckError:
            continue
        out.append(kind)
    return tuple(out)


def profile(n: int, seed: int, kinds: tuple[str, ...]) -> str:
    """cProfile one whole call on polars (after a warm-up call): every thread's profile
    merged (statcheck runs rules two at a time, in worker threads), the top 30 entries by
    cumulative time, and each rule's wall time. Written to build/bench/grid-profile-N.txt
    too."""
    import cProfile
    import io
    import pstats
    import threading

    ensure_data(n, seed)
    figures, sources = load_frames(n, seed)
    small = grid.generate(WARM_UP_ROWS, seed)
    Run("polars", small.figures, small.sources, kinds)()
    run = Run("polars", figures, sources, kinds)
    per_rule = _time_rules()
    threads: list[cProfile.Profile] = []

    def in_thread(*_: Any) -> None:
        # The first event of a new thread: profile it from here on (cProfile then takes
        # the thread's profile hook over).
        p = cProfile.Profile()
        threads.append(p)
        p.enable()

    prof = cProfile.Profile()
    threading.setprofile(in_thread)
    t = time.perf_counter()
    prof.enable()
    run()
    prof.disable()
    wall = time.perf_counter() - t
    threading.setprofile(None)
    buf = io.StringIO()
    buf.write(
        f"cProfile of one statcheck.validate call on {figures.height:,} rows (polars): "
        f"{wall:.2f}s under the profiler; {len(threads)} worker thread(s) merged in\n\n"
        "Wall time per rule (rules run two at a time, so these overlap):\n"
    )
    for rule, secs in sorted(per_rule.items(), key=lambda kv: -kv[1]):
        buf.write(f"  {secs:8.3f}s  {rule}\n")
    buf.write("\n")
    stats = pstats.Stats(prof, stream=buf)
    for p in threads:
        stats.add(p)
    stats.sort_stats("cumulative").print_stats(30)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"grid-profile-{n}.txt").write_text(buf.getvalue())
    return buf.getvalue()


def _time_rules() -> dict[str, float]:
    """Each rule's wall time, by wrapping (in this process only) the engine's rule
    runner; empty if the engine's internals have moved."""
    seconds: dict[str, float] = {}
    try:
        import statcheck.engine as engine
    except ImportError:  # pragma: no cover
        return seconds
    run_rule = getattr(engine, "run_rule", None)
    if run_rule is None:
        return seconds

    def timed(rule: Any, ctx: Any) -> Any:
        t = time.perf_counter()
        try:
            return run_rule(rule, ctx)
        finally:
            seconds[f"{rule.id} ({rule.KIND})"] = time.perf_counter() - t

    engine.run_rule = timed  # type: ignore[attr-defined]
    return seconds


def parse_sizes(text: str) -> list[int]:
    sizes = [int(float(s)) for s in re.split(r"[,\s]+", text.strip()) if s]
    if not sizes or any(s < 1000 for s in sizes):
        raise SystemExit(f"bench_grid: sizes must be numbers of rows >= 1000, got {text!r}")
    return sizes


def main(argv: list[str] | None = None) -> int:
    args = _arguments().parse_args(argv)
    if args.child:
        kinds = tuple(args.kinds.split(","))
        print(json.dumps(child(args.child, args.size, args.seed, kinds, not args.no_warm_up)))
        return 0
    if args.profile_here:
        print(profile(args.profile_here, args.seed, tuple(args.kinds.split(","))))
        return 0
    kinds, dropped = _chosen_kinds(args)
    code = 0
    if args.profile:
        code = _run_profile(args, kinds)
        if not args.sizes:
            return code
    return _run_sizes(args, kinds, dropped) or code


def _arguments() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--sizes", help="rows, comma-separated (default 1e5,1e6,1e7, or $STATCHECK_BENCH_SIZES)"
    )
    ap.add_argument("--pairs", type=int, default=5, help="rounds per size (default 5)")
    ap.add_argument(
        "--pairs-large", type=int, default=3, help=f"rounds from {LARGE:,} rows (default 3)"
    )
    ap.add_argument(
        "--impls", default=",".join(IMPLS), help=f"which of {', '.join(IMPLS)} (default all)"
    )
    ap.add_argument(
        "--without-new-forms",
        action="store_true",
        help="leave out the ratio over [metric, category] and the partition rule "
        "(left out anyway when this statcheck cannot read them)",
    )
    ap.add_argument("--no-memory", action="store_true", help="skip the peak-memory processes")
    ap.add_argument("--no-warm-up", action="store_true", help="time each process's first call")
    ap.add_argument(
        "--profile",
        metavar="ROWS",
        help="cProfile one whole call at ROWS and print the top 30 entries "
        "(alone unless --sizes is given too)",
    )
    ap.add_argument("--seed", type=int, default=grid.SEED)
    ap.add_argument("--out", type=Path, default=OUT, help="where results.md/json go")
    ap.add_argument("--child", choices=IMPLS, help=argparse.SUPPRESS)
    ap.add_argument("--size", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--kinds", help=argparse.SUPPRESS)
    ap.add_argument("--profile-here", type=int, help=argparse.SUPPRESS)
    return ap


def _chosen_kinds(args: argparse.Namespace) -> tuple[tuple[str, ...], list[str]]:
    """The suite's rule kinds to run, and the rules left out (asked, or unreadable)."""
    readable = readable_kinds()
    wanted = tuple(
        k for k in grid.SUITE_RULES if not (args.without_new_forms and k in grid.NEW_FORMS)
    )
    kinds = tuple(k for k in wanted if k in readable)
    dropped = [grid.RULES[k] for k in grid.SUITE_RULES if k not in kinds]
    if dropped:
        print(
            f"NOTE: left out of suite and comparison: {', '.join(dropped)}"
            + ("" if args.without_new_forms else " (this statcheck cannot read them)")
        )
    return kinds, dropped


def _run_profile(args: argparse.Namespace, kinds: tuple[str, ...]) -> int:
    """The profile, in a fresh process (its output printed)."""
    n = int(float(args.profile))
    cmd = [sys.executable, str(Path(__file__).resolve()), "--profile-here", str(n)]
    cmd += ["--seed", str(args.seed), "--kinds", ",".join(kinds)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"profile failed: {proc.stderr.strip()[-2000:]}")
        return 1
    print(proc.stdout)
    return 0


def _run_sizes(args: argparse.Namespace, kinds: tuple[str, ...], dropped: list[str]) -> int:
    """Every size; the results written and printed; 1 if any run missed a violation,
    flagged anything else or failed."""
    text = args.sizes or os.environ.get("STATCHECK_BENCH_SIZES")
    sizes = parse_sizes(text) if text else list(DEFAULT_SIZES)
    impls = tuple(i.strip() for i in args.impls.split(",") if i.strip())
    if unknown := set(impls) - set(IMPLS):
        raise SystemExit(
            f"bench_grid: unknown implementations {sorted(unknown)}; use {', '.join(IMPLS)}"
        )
    if "floor" not in impls:
        impls = ("floor", *impls)  # every ratio is to the floor of the same round
    meta = _meta(args, sizes, kinds, dropped)
    print(
        f"bench_grid: sizes {', '.join(f'{s:,}' for s in sizes)}; {meta['machine']}; rules: "
        f"{', '.join(meta['rules'])}",
        flush=True,
    )
    results = [bench_size(n, args, kinds, impls) for n in sizes]
    md = markdown(results, meta, impls)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(md)
    everything = {"meta": meta, "targets": TARGETS, "results": results}
    (args.out / "results.json").write_text(json.dumps(everything, indent=2, default=str) + "\n")
    print("\n" + md)
    print(f"written: {args.out / 'results.md'}, {args.out / 'results.json'}")
    failed = any(r["problems"] for r in results)
    print(
        "VERDICT: every injected violation found by every run, nothing else flagged"
        if not failed
        else "VERDICT: **FAILED**: violations missed, extra findings or failed runs (exit 1)"
    )
    return 1 if failed else 0


def _meta(
    args: argparse.Namespace, sizes: list[int], kinds: tuple[str, ...], dropped: list[str]
) -> dict[str, Any]:
    import numpy as np
    import pandas as pd
    import polars as pl

    import statcheck

    return {
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, "
        f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        "numpy": np.__version__,
        "polars": pl.__version__,
        "pandas": pd.__version__,
        "statcheck": statcheck.__version__,
        "statcheck_path": str(Path(statcheck.__file__).resolve().parent),
        "sizes": sizes,
        "seed": args.seed,
        "rounds": ", ".join(f"{_size(n)}: {rounds_for(n, args)}" for n in sizes),
        "rules": [grid.RULES[k] for k in kinds],
        "dropped_rules": dropped,
        "no_warm_up": args.no_warm_up,
    }


if __name__ == "__main__":
    sys.exit(main())
