"""A drop of many plain figures (one metric, one source, the year 2024), for the
guarantees that need a large file."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from statcheck.drops.manifest import sha256_of


def many_figures_drop(folder: Path, rows: int) -> tuple[Path, str]:
    """The drop folder, and its figures file's SHA-256."""
    folder.mkdir()
    pl.DataFrame(
        {
            "figure_id": [f"f{i}" for i in range(rows)],
            "metric": "cases",
            "value": "60,000",
            "unit": "cases",
            "period": "2024",
            "source_id": "stats",
        }
    ).write_csv(folder / "figures.csv")
    sha = sha256_of(folder / "figures.csv")
    (folder / "drop.yml").write_text(
        f"id: {folder.name}\nfiles:\n  - {{path: figures.csv, sha256: {sha}}}\n"
    )
    return folder, sha
