"""Table shapes: how long a small file of an odd shape takes to validate, and its peak memory.

    python benchmarks/shapes.py                        # every shape, polars and pandas
    python benchmarks/shapes.py --only wide-5000,long-cell-200mb --engines polars
    python benchmarks/shapes.py --list                 # the shapes, without running them
    nox -s bench -- --shapes [--only ...]              # the same, through nox

Each shape is a drop (a figures file and its drop.yml, with real checksums) built in a
temporary folder; each engine validates it with the public command line
(``python -m statcheck validate DROP --suite SUITE --engine E``) in a fresh process, whose
wall time and peak resident memory (the interpreter and the libraries included: what
``/usr/bin/time -f %M`` reports) are recorded. Best of ``--runs`` runs (default 3; one for
a file over 10 MB). Prints a Markdown table for docs/performance.md ("Table shapes") and
writes it with the raw numbers to build/bench/shapes.md and shapes.json.

Not a test: the tests (tests/corpus, SHAPES) assert what these shapes give; this only times
them. It fails (exit 1) when a run ends with an exit code other than the shape's expected one.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = ROOT / "build" / "bench"
ENGINES = ("polars", "pandas")
REQUIRED = ("figure_id", "metric", "value", "unit", "period", "source_id")
SUITE = "suite: shapes\nrules:\n  - {id: ordered, kind: period, checks: [ordered]}\n"


@dataclass(frozen=True)
class Shape:
    """One table shape: ``build`` writes the figures file into a folder and returns its
    name; ``rows`` x ``columns`` as printed in the table; ``exit`` the expected exit code."""

    name: str
    rows: int
    columns: int
    build: Callable[[Path], str]
    exit: int = 0
    note: str = ""


def _wide_rows(dimensions: int, rows: int, cell: str = "") -> list[dict[str, str]]:
    return [
        {
            "figure_id": f"f{i}",
            "metric": "cases",
            "value": str(i + 1),
            "unit": "cases",
            "period": "2024",
            "source_id": "stats",
            **{f"d{j}": cell for j in range(dimensions)},
        }
        for i in range(rows)
    ]


def wide_csv(dimensions: int, rows: int = 3, cell: str = "") -> Callable[[Path], str]:
    def build(folder: Path) -> str:
        names = [*REQUIRED, *(f"d{j}" for j in range(dimensions))]
        lines = [",".join(names)]
        lines += [",".join(r.values()) for r in _wide_rows(dimensions, rows, cell)]
        (folder / "figures.csv").write_text("\n".join(lines) + "\n")
        return "figures.csv"

    return build


def wide_frame(fmt: str, dimensions: int, rows: int = 3) -> Callable[[Path], str]:
    """A wide table as JSON records or Parquet (written by polars), the dimensions text."""

    def build(folder: Path) -> str:
        import polars as pl

        frame = pl.DataFrame(_wide_rows(dimensions, rows, "x"))
        name = f"figures.{fmt}"
        if fmt == "json":
            frame.write_json(folder / name)
        else:
            frame.write_parquet(folder / name)
        return name

    return build


def long_cell(megabytes: int) -> Callable[[Path], str]:
    """Two figures, one with a note of ``megabytes`` MB of text on one line."""

    def build(folder: Path) -> str:
        with (folder / "figures.csv").open("w") as fh:
            fh.write(",".join([*REQUIRED, "note"]) + "\n")
            fh.write("a,cases,1,cases,2024,stats,")
            block = "abcdefghij" * 100_000
            for _ in range(megabytes):
                fh.write(block)
            fh.write("\nb,cases,2,cases,2024,stats,short\n")
        return "figures.csv"

    return build


def short_rows(rows: int) -> Callable[[Path], str]:
    """Many rows as short as a figure row can be."""

    def build(folder: Path) -> str:
        out = io.StringIO()
        out.write(",".join(REQUIRED) + "\n")
        for i in range(rows):
            out.write(f"{i:x},m,{i % 10},u,2024,s\n")
        (folder / "figures.csv").write_text(out.getvalue())
        return "figures.csv"

    return build


SHAPES = [
    Shape("wide-500", 3, 506, wide_csv(500)),
    Shape("wide-2000", 3, 2006, wide_csv(2_000)),
    Shape("wide-5000", 3, 5006, wide_csv(5_000), note="45 KB"),
    Shape("wide-20000", 3, 20006, wide_csv(20_000), note="189 KB"),
    Shape("wide-5000-filled", 3, 5006, wide_csv(5_000, cell="x"), note="every dimension set"),
    Shape("wide-5000-1000-rows", 1000, 5006, wide_csv(5_000, rows=1000), note="10 MB"),
    Shape("wide-json-5000", 3, 5006, wide_frame("json", 5_000), note="JSON records"),
    Shape("wide-parquet-5000", 3, 5006, wide_frame("parquet", 5_000), note="Parquet"),
    Shape("short-rows-45kb", 2_400, 6, short_rows(2_400), note="45 KB"),
    Shape("short-rows-1m", 1_000_000, 6, short_rows(1_000_000), note="22 MB"),
    Shape("long-cell-200mb", 2, 7, long_cell(200), note="one 200 MB cell"),
]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_drop(shape: Shape, folder: Path) -> tuple[Path, Path, int]:
    drop = folder / shape.name
    drop.mkdir()
    name = shape.build(drop)
    (drop / "drop.yml").write_text(
        f"id: {shape.name}\npublisher: bench\nfiles:\n"
        f"  - {{path: {name}, sha256: {sha256(drop / name)}}}\n"
    )
    suite = folder / "suite.yml"
    suite.write_text(SUITE)
    return drop, suite, (drop / name).stat().st_size


# Runs statcheck's command line in this process and writes its wall time and peak resident
# memory (VmHWM: this process's own, not the benchmark's that started it, which a child's
# ru_maxrss would include) to the file named first.
_MEASURED = """
import sys, time
from pathlib import Path
out, args = Path(sys.argv[1]), sys.argv[2:]
start = time.perf_counter()
code = 3
try:
    from statcheck.cli import main
    code = main(args)
finally:
    seconds = time.perf_counter() - start
    status = Path("/proc/self/status").read_text()
    peak = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmHWM:"))
    out.write_text(f"{seconds} {peak} {code}")
sys.exit(code)
"""


def run_once(drop: Path, suite: Path, engine: str, out: Path) -> tuple[float, float, int]:
    """Wall seconds (from the interpreter's start), peak resident MB and exit code of one
    validation in a fresh process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path[1:]])}
    measured = out.with_suffix(".measured")
    command = [sys.executable, "-c", _MEASURED, str(measured), "validate", str(drop)]
    command += ["--suite", str(suite), "--engine", engine, "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    if not measured.exists():
        sys.stderr.write(done.stderr.decode(errors="replace"))
        return seconds, 0.0, done.returncode
    _, peak, _ = measured.read_text().split()
    return seconds, int(peak) / 1024, done.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="", help="comma-separated shape names (default all)")
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--list", action="store_true", help="list the shapes and stop")
    args = parser.parse_args(argv)
    if args.list:
        for s in SHAPES:
            print(f"{s.name:24} {s.rows:>9,} x {s.columns:<6,} {s.note}")
        return 0
    wanted = [n for n in args.only.split(",") if n]
    unknown = set(wanted) - {s.name for s in SHAPES}
    if unknown:
        parser.error(f"unknown shape(s): {', '.join(sorted(unknown))} (see --list)")
    shapes = [s for s in SHAPES if not wanted or s.name in wanted]
    engines = [e for e in args.engines.split(",") if e]

    results: list[dict[str, object]] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="statcheck-shapes-") as tmp:
        for shape in shapes:
            folder = Path(tmp) / shape.name
            folder.mkdir()
            drop, suite, size = build_drop(shape, folder)
            runs = 1 if size > 10 << 20 else args.runs
            for engine in engines:
                best: tuple[float, float, int] | None = None
                for i in range(runs):
                    got = run_once(drop, suite, engine, folder / f"report-{engine}-{i}.json")
                    best = got if best is None or got[0] < best[0] else best
                    failed |= got[2] != shape.exit
                assert best is not None
                seconds, peak, code = best
                row = {"shape": shape.name, "rows": shape.rows, "columns": shape.columns}
                row |= {"bytes": size, "engine": engine, "seconds": round(seconds, 2)}
                row |= {"peak_mb": round(peak), "exit": code, "note": shape.note}
                results.append(row)
                print(
                    f"{shape.name:22} {engine:7} {seconds:7.2f} s {peak:7.0f} MB  exit {code}",
                    file=sys.stderr,
                )
            shutil.rmtree(folder)
    table = markdown(results, engines)
    print(table)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "shapes.md").write_text(table)
    (OUT / "shapes.json").write_text(json.dumps(results, indent=2) + "\n")
    return 1 if failed else 0


def markdown(results: list[dict[str, object]], engines: list[str]) -> str:
    head = "| shape | rows x columns | file |"
    head += "".join(f" {e}: s | {e}: peak MB |" for e in engines)
    lines = [head, "|---|---:|---:|" + "---:|---:|" * len(engines)]
    by_shape: dict[str, dict[str, dict[str, object]]] = {}
    for r in results:
        by_shape.setdefault(str(r["shape"]), {})[str(r["engine"])] = r
    for name, runs in by_shape.items():
        first = next(iter(runs.values()))
        cells = f"| {name} | {first['rows']:,} x {first['columns']:,} | {_size(first['bytes'])} |"
        for e in engines:
            r = runs.get(e)
            cells += f" {r['seconds']} | {r['peak_mb']} |" if r else " | |"
        lines.append(cells)
    return "\n".join(lines) + "\n"


def _size(n: object) -> str:
    size = float(str(n))
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}"
        size /= 1000
    return f"{size:.0f} GB"


if __name__ == "__main__":
    sys.exit(main())
