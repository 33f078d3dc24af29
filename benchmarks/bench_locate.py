"""How long `statcheck.locate` takes against `statcheck.validate` on the same table.

    python benchmarks/bench_locate.py                  # 10^6 figures, 1% corrupted
    python benchmarks/bench_locate.py --figures 1e5 --rounds 3
    nox -s bench -- --locate [--figures ...]           # the same, through nox

The table: groups of a total and three parts (``total = a + b + c``, one table-form
``sum`` over ``metric`` per region and year), printed as whole numbers, with 1% of the
figures moved off by a random amount. It is written once as a Parquet file; each round
runs validate and locate on it, each in a fresh process (the call timed, the import
not), in alternating order, and the ratio is taken within the round, so a machine busy
for one round slows both sides of its ratio. The median ratio is reported, with the
median times and peak memory. Exit 1 when localisation misses a corrupted group, places
a culprit outside one, or the median ratio is 3 or more (issue 20's target).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from measure import MEASURE_ENV, peak_memory  # noqa: E402

TARGET = 3.0  # locate within this many times validate (issue 20)
SUITE = """suite: bench-locate
rules:
  - id: total-is-the-sum-of-its-parts
    kind: sum
    over: metric
    total: total
    parts: [a, b, c]
"""


def corrupted_table(
    figures: int, share: float = 0.01, seed: int = 20
) -> tuple[pl.DataFrame, set[int]]:
    """The figure table (four figures a group) and the groups that fail."""
    rng = np.random.default_rng(seed)
    groups = figures // 4
    parts = rng.integers(1_000, 1_000_000, size=(groups, 3))
    values = np.column_stack([parts.sum(axis=1), parts]).ravel()
    bad = rng.choice(values.size, size=int(values.size * share), replace=False)
    values[bad] += rng.integers(10, 1_000, size=bad.size) * rng.choice([-1, 1], size=bad.size)
    table = values.reshape(groups, 4)
    # A group fails when its total is off beyond the rounding of its four printed figures
    # (two corrupted figures of one group may cancel out).
    failing = np.abs(table[:, 0] - table[:, 1:].sum(axis=1)) > 2
    group = np.repeat(np.arange(groups), 4)
    metric = np.tile(np.array(["total", "a", "b", "c"]), groups)
    region = (group // 50).astype(str)
    year = (1950 + group % 50).astype(str)
    frame = pl.DataFrame(
        {"metric": metric, "region": region, "period": year, "value": values.astype(str)}
    ).with_columns(
        pl.concat_str(["metric", "region", "period"], separator="|").alias("figure_id"),
        pl.lit("persons").alias("unit"),
        pl.lit("stats").alias("source_id"),
    )
    return frame, {int(g) for g in np.flatnonzero(failing)}


def _child(call: str, table: Path, suite: Path) -> dict[str, object]:
    import statcheck

    with peak_memory() as peak:
        start = time.perf_counter()
        if call == "validate":
            report = statcheck.validate(table, suite)
            seconds = time.perf_counter() - start
            failing = sum(len(r.findings) for r in report.results)
            out: dict[str, object] = {"seconds": seconds, "findings": failing}
        else:
            found = statcheck.locate(table, suite)
            seconds = time.perf_counter() - start
            blamed = [
                c.figure_id for comp in found.components for s in comp.sets for c in s.culprits
            ]
            out = {
                "seconds": seconds,
                "components": len(found.components),
                "groups": sorted({_group(f) for f in blamed}),
            }
    out["peak_mb"] = peak.extra / 2**20
    return out


def _group(figure_id: str) -> int:
    """The group number of ``metric|region|year`` (fifty years a region)."""
    _, region, year = figure_id.split("|")
    return int(region) * 50 + int(year) - 1950


def _run(call: str, table: Path, suite: Path) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", call, "--table", str(table), "--suite", str(suite)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**__import__("os").environ, **MEASURE_ENV},
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--figures", default="1e6", help="figures in the table (default 10^6)")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--child", choices=("validate", "locate"), help=argparse.SUPPRESS)
    p.add_argument("--table", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--suite", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(_child(args.child, args.table, args.suite)))
        return 0
    figures = int(float(args.figures))
    with tempfile.TemporaryDirectory(prefix="bench-locate-") as tmp:
        frame, corrupted = corrupted_table(figures)
        table, suite = Path(tmp) / "figures.parquet", Path(tmp) / "suite.yml"
        frame.write_parquet(table)
        suite.write_text(SUITE)
        rounds = []
        for k in range(args.rounds):
            order = ("validate", "locate") if k % 2 == 0 else ("locate", "validate")
            rounds.append({call: _run(call, table, suite) for call in order})
    return _summary(figures, corrupted, rounds)


def _summary(figures: int, corrupted: set[int], rounds: list[dict[str, dict[str, object]]]) -> int:
    ratios = [float(r["locate"]["seconds"]) / float(r["validate"]["seconds"]) for r in rounds]  # type: ignore[arg-type]
    ratio = statistics.median(ratios)
    located = rounds[0]["locate"]
    missed = corrupted - set(located["groups"])  # type: ignore[arg-type]
    outside = set(located["groups"]) - corrupted  # type: ignore[arg-type]

    def median(call: str, key: str) -> float:
        return statistics.median(float(r[call][key]) for r in rounds)  # type: ignore[arg-type]

    head = "figures|corrupted groups|components|validate s|locate s|ratio (median)|peak MB v / l"
    print("| " + head.replace("|", " | ") + " |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {figures:,} | {len(corrupted):,} | {located['components']:,} | "
        f"{median('validate', 'seconds'):.2f} | {median('locate', 'seconds'):.2f} | "
        f"{ratio:.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)}) | "
        f"{median('validate', 'peak_mb'):.0f} / {median('locate', 'peak_mb'):.0f} |"
    )
    if missed or outside:
        print(f"missed {len(missed)} corrupted groups; blamed {len(outside)} sound ones")
    if ratio >= TARGET:
        print(f"localisation takes {ratio:.2f} times validation: the target is under {TARGET}")
    return 1 if missed or outside or ratio >= TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
