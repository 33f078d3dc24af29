"""How long `statcheck.suggest` takes on a wide and a long table, and whether it finds what
was planted.

    python benchmarks/bench_suggest.py                 # 1,000 and 100,000 rows; long: 10^6
    python benchmarks/bench_suggest.py --rows 1000 --columns 40 --long-rows 0
    nox -s bench -- --suggest [--rows ...]             # the same, through nox

The table (one row per day, printed as text as a publisher prints it): leaves of
random counts, subtotals each the sum of 3 or 4 leaves, a grand total of the subtotals,
shares (a leaf as a percentage of its subtotal, printed to one decimal) and unrelated
columns, up to ``--columns`` numeric columns. Each size is timed in a fresh process
(the import included), best of ``--runs``. It fails (exit 1) when suggest misses a
planted sum or share or proposes anything else. The issue's targets: 40 columns and
1,000 rows under 5 seconds, 100,000 rows under 10.

The long table (``--long-rows``, 10^6 by default; the issue's target: under 30 seconds):
a row per day, region and sex, the regions a planted hierarchy (a world of 4 continents
of 5 countries each), a count and the count's percentage of its region's count over both
sexes (printed to one decimal), found as ``ratio`` with ``whole: {sum_over: [sex]}``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def planted_table(rows: int, columns: int, seed: int = 19) -> tuple[pd.DataFrame, set[str]]:
    """The table as text, and the ids of the rules suggest should write."""
    rng = np.random.default_rng(seed)
    days = pd.date_range("1800-01-01", periods=rows, freq="D").strftime("%Y-%m-%d")
    table: dict[str, object] = {"date": days}
    expected: set[str] = set()
    subtotals = []
    budget = columns - 2  # the grand total and one unrelated column at least
    g = 0
    while budget >= 6:  # a group: its leaves, its subtotal, one share
        size = 3 + g % 2
        leaves = [rng.integers(1_000, 90_000, rows) for _ in range(size)]
        names = [f"g{g}_leaf{i}" for i in range(size)]
        for name, leaf in zip(names, leaves, strict=True):
            table[name] = leaf.astype(str)
        subtotal = np.sum(leaves, axis=0)
        table[f"g{g}_total"] = subtotal.astype(str)
        table[f"g{g}_share"] = [f"{v:.1f}" for v in leaves[0] / subtotal * 100]
        expected.add(f"g{g}-share-is-g{g}-leaf0-over-g{g}-total")
        subtotals.append((f"g{g}_total", subtotal))
        budget -= size + 2
        g += 1
    table["grand_total"] = np.sum([s for _, s in subtotals], axis=0).astype(str)
    expected.add("grand-total-hierarchy")  # the subtotals' sums chain under it: one rule
    for k in range(budget + 1):
        table[f"unrelated{k}"] = rng.integers(0, 1_000_000, rows).astype(str)
    return pd.DataFrame(table), expected


CONTINENTS, COUNTRIES = 4, 5


def planted_long_table(rows: int, seed: int = 19) -> tuple[pd.DataFrame, set[str]]:
    """A long table of about ``rows`` rows as text, and the rule ids suggest should write."""
    rng = np.random.default_rng(seed)
    regions = 1 + CONTINENTS + CONTINENTS * COUNTRIES
    days = max(rows // (regions * 2), 1)
    # countries: days × 2 sexes × countries, summed up the hierarchy as arrays
    leaves = rng.integers(1_000, 90_000, (days, 2, CONTINENTS, COUNTRIES))
    continents = leaves.sum(axis=3)
    world = continents.sum(axis=2)
    names = ["World", *(f"C{c}" for c in range(CONTINENTS))]
    names += [f"C{c}-{k}" for c in range(CONTINENTS) for k in range(COUNTRIES)]
    counts = np.concatenate(
        [world[:, :, None], continents, leaves.reshape(days, 2, -1)], axis=2
    )  # days × sex × region
    percent = counts / counts.sum(axis=1, keepdims=True) * 100
    dates = pd.date_range("1950-01-01", periods=days, freq="D").strftime("%Y-%m-%d")
    frame = pd.DataFrame(
        {
            "date": np.repeat(dates.to_numpy(), 2 * regions),
            "sex": np.tile(np.repeat(["men", "women"], regions), days),
            "region": np.tile(names, 2 * days),
            "count": counts.reshape(-1).astype(str),
            "percent": np.char.mod("%.1f", percent.reshape(-1)),
        }
    )
    # the continents' sums chain under the world's: one hierarchy rule
    expected = {"percent-is-count-over-its-sum-over-sex", "world-hierarchy"}
    return frame, expected


def _one_run(rows: int, columns: int) -> dict[str, object]:
    """In this process: build the table, time suggest, compare with what was planted
    (``columns`` 0: the long table)."""
    frame, expected = planted_table(rows, columns) if columns else planted_long_table(rows)
    start = time.perf_counter()
    import statcheck

    found = statcheck.suggest(frame)
    seconds = time.perf_counter() - start
    ids = {r.rule.id for r in found.relations}
    return {
        "rows": len(frame),
        "columns": frame.shape[1] - 1,
        "seconds": seconds,
        "missed": sorted(expected - ids),
        "extra": sorted(ids - expected),
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rows", default="1000,100000", help="comma-separated row counts")
    p.add_argument("--columns", type=int, default=40)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--long-rows", type=int, default=1_000_000, help="the long table (0: none)")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    sizes = [int(float(r)) for r in args.rows.split(",")]
    if args.child:
        print(json.dumps(_one_run(sizes[0], args.columns)))
        return 0
    print(f"| rows | numeric columns | seconds (best of {args.runs}) | missed | extra |")
    print("|---:|---:|---:|---|---|")
    failed = False
    runs = [(rows, args.columns) for rows in sizes]
    runs += [(args.long_rows, 0)] if args.long_rows else []  # columns 0: the long table
    for rows, columns in runs:
        results = []
        for _ in range(args.runs if columns else 1):  # the long table once: it is slow
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "--rows",
                    str(rows),
                    "--columns",
                    str(columns),
                ],
                check=True,
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        best = min(results, key=lambda r: float(r["seconds"]))  # type: ignore[arg-type]
        failed |= bool(best["missed"] or best["extra"])
        layout = "" if columns else " (long)"
        print(
            f"| {int(best['rows']):,}{layout} | {best['columns']} | {float(best['seconds']):.2f} | "  # type: ignore[arg-type]
            f"{', '.join(best['missed']) or '-'} | {', '.join(best['extra']) or '-'} |"  # type: ignore[arg-type]
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
