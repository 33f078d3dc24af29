"""Odd shapes for the table-wide rules: each rule's time on a table the grid benchmark does
not shape, at two sizes, to see that it grows with the rows (about 10x from 10^5 to 10^6).

    python benchmarks/rule_shapes.py                       # every shape, 1e5 and 1e6, both engines
    python benchmarks/rule_shapes.py --only chain,ring --sizes 1e5 --engines polars
    nox -s bench -- --rule-shapes [--only ...]             # the same, through nox

Each run is a fresh process: the table is generated in memory (polars; a pandas frame for
the pandas engine), ``statcheck.validate(frame, suite, sources=..., engine=...)`` is called
once on its first 50 rows (imports and thread pools are the process's), then timed once
on the whole table, then its report written as JSON (``report.to_json()``, every sentence:
for a shape with findings, its time over the call's is printed). Every shape but ``ring``
and ``dead-chain`` is valid by construction;
``ring`` has exactly its two cycles and ``dead-chain`` a finding per figure: a run fails
(exit 1) if its rule finds anything else, or checks a
different number of items than the shape has. Prints seconds per shape and size with the
growth from the first size to the last; writes build/bench/rule_shapes.json.

- ``one-big-group``: one total of ALL and every other row a category of it (``sum``).
- ``chain``: every figure from a source of its own, citing the next one; the last cites
  the statistics office (``attribution``: every check).
- ``ring``: every figure from a source of its own, citing the next, the last the first:
  one cycle of figures and one of sources as long as the table (``attribution``).
- ``dead-chain``: a chain that stops at a source reporting nothing: every figure fails
  ``reaches-primary``, each explained by a chain as long as the rest of the table.
- ``days-in-years``: years and each of their days (``partition``, adding up).
- ``wide-shares``: one whole with a third of the rows as parts and a third as shares
  (``ratio`` over two columns).
- ``change``: a level and its monthly change per region (``series`` with ``change``).
- ``year-to-date``: running totals from each January, month by month (``series``,
  ``cumulative``).
- ``compare``, ``agreement``: two values per group compared, or agreeing (``over``).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import grid  # noqa: E402

OUT = HERE.parent / "build" / "bench"
ENGINES = ("polars", "pandas")
MONTHS = 120


@dataclass(frozen=True)
class Shape:
    """A table and its suite; ``items``: how many items the rule checks on the table;
    ``findings``: how many it finds (a shape is valid unless it is a cycle or a dead end)."""

    build: Callable[[int], tuple[Any, Any, str]]
    items: Callable[[Any], int]
    findings: Callable[[Any], int] = lambda figures: 0


def _figures(**columns: Any) -> Any:
    import polars as pl

    frame = pl.DataFrame(columns).with_row_index("i")
    frame = frame.with_columns(pl.format("f{}", "i").alias("figure_id")).drop("i")
    defaults = {"unit": "persons", "source_id": "office"}
    return frame.with_columns(
        pl.lit(v).alias(c) for c, v in defaults.items() if c not in frame.columns
    )


def one_big_group(n: int) -> tuple[Any, Any, str]:
    values = ["1"] * n
    values[0] = str(n - 1)
    figures = _figures(metric=["m"] * n, value=values, period=["2020"] * n,
                       category=["ALL", *(f"c{i}" for i in range(n - 1))])  # fmt: skip
    return figures, None, "rules:\n  - {id: r, kind: sum, over: category, total: ALL}\n"


def _citing(n: int, last: str) -> tuple[Any, Any]:
    import polars as pl

    sources = [f"s{i}" for i in range(n)]
    figures = _figures(metric=["m"] * n, value=["5"] * n, period=["2020"] * n,
                       source_id=sources, cites=[*sources[1:], last])  # fmt: skip
    table = pl.DataFrame({"source_id": sources, "name": sources, "kind": ["media"] * n})
    return figures, table


ATTRIBUTION = (
    "primary_sources: [official]\nrules:\n  - {id: r, kind: attribution, checks: "
    "[known-source, citations-resolve, no-cycles, reaches-primary, no-source-cycles, "
    "agrees-with-cited]}\n"
)


def chain(n: int) -> tuple[Any, Any, str]:
    import polars as pl

    figures, sources = _citing(n - 1, "office")
    office = figures.head(1).with_columns(
        figure_id=pl.lit("office-1"), source_id=pl.lit("office"), cites=pl.lit(None, pl.String)
    )
    sources = pl.concat(
        [sources, pl.DataFrame({"source_id": ["office"], "name": ["Office"], "kind": ["official"]})]
    )
    return pl.concat([figures, office]), sources, ATTRIBUTION


def ring(n: int) -> tuple[Any, Any, str]:
    figures, sources = _citing(n, "s0")
    checks = "[no-cycles, no-source-cycles]"
    return figures, sources, f"rules:\n  - {{id: r, kind: attribution, checks: {checks}}}\n"


def dead_chain(n: int) -> tuple[Any, Any, str]:
    import polars as pl

    figures, sources = _citing(n, "blog")
    blog = pl.DataFrame({"source_id": ["blog"], "name": ["A blog"], "kind": ["media"]})
    checks = "[reaches-primary]"
    rules = (
        f"primary_sources: [official]\nrules:\n  - {{id: r, kind: attribution, checks: {checks}}}\n"
    )
    return figures, pl.concat([sources, blog]), rules


def days_in_years(n: int) -> tuple[Any, Any, str]:
    import polars as pl

    years = pl.DataFrame({"year": range(1000, 1000 + max(1, n // 366))})
    first = pl.date(pl.col("year"), 1, 1)
    wholes = years.select(
        first.alias("period_start"), pl.date(pl.col("year"), 12, 31).alias("period_end")
    )
    days = years.select(
        pl.date_ranges(first, pl.date(pl.col("year"), 12, 31)).alias("period_start")
    )
    days = days.explode("period_start").with_columns(pl.col("period_start").alias("period_end"))
    length = (pl.col("period_end") - pl.col("period_start")).dt.total_days() + 1
    periods = pl.concat([wholes, days]).with_columns(length.cast(pl.String).alias("value"))
    figures = _figures(metric=["m"] * len(periods), **periods.to_dict())
    return (
        figures,
        None,
        "rules:\n  - {id: r, kind: partition, whole: year, parts: day, add_up: true}\n",
    )


def wide_shares(n: int) -> tuple[Any, Any, str]:
    k = n // 2
    cats = [f"c{i}" for i in range(k)]
    figures = _figures(metric=["m"] * k + ["m_share"] * k + ["m"], value=["1"] * k + ["0.0"] * k + [str(k)],
                       unit=["persons"] * k + ["%"] * k + ["persons"], period=["2020"] * (2 * k + 1),
                       category=[*cats, *cats, "ALL"])  # fmt: skip
    return figures, None, "rules:\n" + grid.SUITE_RULES["ratio"]  # the grid's shares rule


def _monthly(n: int, metrics: dict[str, Callable[[Any, Any], Any]], column: str = "metric") -> Any:
    import numpy as np
    import polars as pl

    regions = max(1, n // (MONTHS * len(metrics)))
    region, month = np.repeat(np.arange(regions), MONTHS), np.tile(np.arange(MONTHS), regions)
    label = [f"{2000 + m // 12}-{m % 12 + 1:02d}" for m in range(MONTHS)]
    parts = [
        pl.DataFrame(
            {
                column: name,
                "region": [f"r{r}" for r in region],
                "period": [label[m] for m in month],
                "value": values(region, month).astype(str),
            }
        )
        for name, values in metrics.items()
    ]
    frame = pl.concat(parts)
    return (
        _figures(**frame.to_dict())
        if column == "metric"
        else _figures(metric=["x"] * len(frame), **frame.to_dict())
    )


def change(n: int) -> tuple[Any, Any, str]:
    import numpy as np

    figures = _monthly(
        n, {"level": lambda r, m: 1000 + r + 3 * m, "chg": lambda r, m: np.full(m.size, 3)}
    )
    return (
        figures,
        None,
        "rules:\n  - {id: r, kind: series, change: {metric: chg, of: level, as: absolute}}\n",
    )


def year_to_date(n: int) -> tuple[Any, Any, str]:
    import polars as pl

    figures = _monthly(n, {"ytd": lambda r, m: 10 * (m % 12 + 1)})
    start = pl.format("{}-01-01", pl.col("period").str.slice(0, 4)).str.to_date()
    end = pl.col("period").str.to_date("%Y-%m").dt.month_end()
    figures = figures.with_columns(start.alias("period_start"), end.alias("period_end")).drop(
        "period"
    )
    return figures, None, "rules:\n  - {id: r, kind: series, cumulative: true}\n"


def compare(n: int) -> tuple[Any, Any, str]:
    figures = _monthly(n, {"a": lambda r, m: 100 + m, "b": lambda r, m: 50 + m}, column="category")
    return (
        figures,
        None,
        'rules:\n  - {id: r, kind: compare, over: category, left: a, op: ">=", right: b}\n',
    )


def agreement(n: int) -> tuple[Any, Any, str]:
    figures = _monthly(n, {"a": lambda r, m: 100 + m, "b": lambda r, m: 100 + m}, column="category")
    return figures, None, "rules:\n  - {id: r, kind: agreement, over: category, sides: [a, b]}\n"


def _groups(figures: Any) -> int:
    return len(figures) // 2


SHAPES: dict[str, Shape] = {
    "one-big-group": Shape(one_big_group, lambda f: 1),
    "chain": Shape(chain, len),
    "ring": Shape(ring, len, lambda f: 2),  # one cycle of figures and one of sources
    "dead-chain": Shape(dead_chain, len, len),  # every figure stops short
    "days-in-years": Shape(
        days_in_years, lambda f: int((f["period_start"] != f["period_end"]).sum())
    ),
    "wide-shares": Shape(wide_shares, lambda f: (len(f) - 1) // 2),
    "change": Shape(change, _groups),
    "year-to-date": Shape(year_to_date, lambda f: len(f) * 11 // 12),
    "compare": Shape(compare, _groups),
    "agreement": Shape(agreement, _groups),
}


def run_one(name: str, n: int, engine: str) -> dict[str, Any]:
    """In this process: build the shape, warm up, time one whole call."""
    import statcheck
    from statcheck.contract.suite import suite_from_yaml

    figures, sources, rules = SHAPES[name].build(n)
    items = SHAPES[name].items(figures)
    suite = suite_from_yaml(f"suite: {name}\n{rules}")
    if engine == "pandas":
        figures = figures.to_pandas()
        sources = None if sources is None else sources.to_pandas()
    statcheck.validate(figures[:50], suite, sources=sources, engine=engine)
    start = time.perf_counter()
    report = statcheck.validate(figures, suite, sources=sources, engine=engine)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    written = report.to_json()  # what `statcheck check --json` writes: every sentence
    report_seconds = time.perf_counter() - start
    (result,) = report.results
    return {
        "shape": name, "size": n, "rows": len(figures), "engine": engine, "seconds": seconds,
        "report_seconds": report_seconds, "report_bytes": len(written.encode()),
        "status": result.status.value, "items": result.counts.items, "expected_items": items,
        "findings": len(result.findings), "expected_findings": SHAPES[name].findings(figures),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(SHAPES), help="shapes, comma-separated")
    parser.add_argument("--sizes", default="1e5,1e6", help="rows, comma-separated")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument(
        "--child", nargs=3, metavar=("SHAPE", "ROWS", "ENGINE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        name, rows, engine = args.child
        print(json.dumps(run_one(name, int(float(rows)), engine)))
        return 0
    sizes = [int(float(s)) for s in args.sizes.split(",")]
    runs, failed = [], False
    for name in args.only.split(","):
        for engine in args.engines.split(","):
            for n in sizes:
                child = [sys.executable, __file__, "--child", name, str(n), engine]
                done = subprocess.run(child, capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    print(f"{name} {n:,} {engine}: FAILED\n{done.stderr[-2000:]}")
                    failed = True
                    continue
                run = json.loads(done.stdout.strip().splitlines()[-1])
                found = run["expected_findings"]
                ok = run["items"] == run["expected_items"] and run["findings"] == found
                ok &= run["status"] == ("fail" if found else "pass")
                failed |= not ok
                runs.append(run)
                written = f", its report {run['report_seconds']:.2f} s" if found else ""
                print(f"{name} {run['rows']:,} {engine}: {run['seconds']:.2f} s{written}, {run['status']}, "
                      f"{run['items']:,} items" + ("" if ok else f" (expected {run['expected_items']:,}: WRONG)"))  # fmt: skip
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "rule_shapes.json").write_text(json.dumps(runs, indent=1))
    print(_table(runs, sizes))
    return 1 if failed else 0


def _table(runs: list[dict[str, Any]], sizes: list[int]) -> str:
    """Seconds per shape, engine and size, with the growth from the first size to the last;
    and, for a shape with findings, writing its report at each size over the call that
    found them (issue 16: a report must not cost more than the checks)."""
    lines = ["| shape | engine | " + " | ".join(f"{n:.0e} rows" for n in sizes)
             + " | growth | report / call |", "|---|---|" + "---:|" * (len(sizes) + 2)]  # fmt: skip
    keys = dict.fromkeys((r["shape"], r["engine"]) for r in runs)
    for shape, engine in keys:
        mine = {r["size"]: r for r in runs if (r["shape"], r["engine"]) == (shape, engine)}
        cells = [mine[n]["seconds"] if n in mine else None for n in sizes]
        growth = f"{cells[-1] / cells[0]:.1f}x" if len(cells) > 1 and None not in cells else ""
        report = " / ".join(
            f"{mine[n]['report_seconds'] / mine[n]['seconds']:.2f}"
            for n in sizes
            if n in mine and mine[n]["findings"]
        )
        lines.append(
            f"| {shape} | {engine} | "
            + " | ".join(f"{c:.2f} s" if c else "-" for c in cells)
            + f" | {growth} | {report} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
