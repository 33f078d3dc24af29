"""Shared fixtures: every engine test runs on every backend, and small drops are built
in a temporary folder with a real manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import os
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED_DROP = REPO / "fixtures" / "drops" / "2025-01-06-kyivpost-desertion"
SEED_SUITE = REPO / "expectations" / "kyivpost-desertion.yml"

FIGURE_COLUMNS = [
    "figure_id",
    "metric",
    "value",
    "unit",
    "qualifier",
    "precision",
    "period_start",
    "period_end",
    "source_id",
    "cites",
    "published_at",
    "status",
]
DEFAULT_SOURCES = [
    {"source_id": "stats", "name": "Statistics office", "kind": "official"},
    {"source_id": "paper", "name": "A newspaper", "kind": "media"},
]


# The engines every backend test runs on: polars and pandas by default; the `spark` nox
# session adds Spark (STATCHECK_TEST_BACKENDS=spark), which needs PySpark and Java.
BACKENDS = tuple(
    b.strip()
    for b in os.environ.get("STATCHECK_TEST_BACKENDS", "polars,pandas").split(",")
    if b.strip()
)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _csv(rows: list[dict[str, str]], columns: list[str]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in columns})
    return buf.getvalue().encode("utf-8")


def figure(fid: str, value: str, **kw: str) -> dict[str, str]:
    """A figure row with sensible defaults: an exact count for 2024 from the statistics office."""
    row = {
        "figure_id": fid,
        "metric": "cases",
        "value": value,
        "unit": "cases",
        "period_start": "2024-01-01",
        "period_end": "2024-12-31",
        "source_id": "stats",
        "published_at": "2025-02-01",
    }
    row.update(kw)
    return row


MakeDrop = Callable[..., Path]


@pytest.fixture
def make_drop(tmp_path: Path) -> MakeDrop:
    """Write figures.csv, sources.csv and a drop.yml with correct checksums."""

    def make(
        figures: list[dict[str, str]],
        sources: list[dict[str, str]] | None = None,
        name: str = "drop",
        extra_columns: list[str] | None = None,
    ) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        cols = FIGURE_COLUMNS + [c for c in (extra_columns or []) if c not in FIGURE_COLUMNS]
        (folder / "figures.csv").write_bytes(_csv(figures, cols))
        (folder / "sources.csv").write_bytes(
            _csv(sources or DEFAULT_SOURCES, ["source_id", "name", "kind", "url"])
        )
        lines = [f"id: {name}", "publisher: test", "files:"]
        for f, role in (("figures.csv", "figures"), ("sources.csv", "sources")):
            sha = hashlib.sha256((folder / f).read_bytes()).hexdigest()
            lines += [f"  - path: {f}", f"    role: {role}", f"    sha256: {sha}"]
        (folder / "drop.yml").write_text("\n".join(lines) + "\n")
        return folder

    return make


@pytest.fixture
def write_suite(tmp_path: Path) -> Callable[[str], Path]:
    def write(text: str, name: str = "suite.yml") -> Path:
        p = tmp_path / name
        p.write_text(text)
        return p

    return write


# Hypothesis profiles. `nox -s fuzz` runs tests/fuzz with `--hypothesis-profile=fuzz`:
# 10,000 examples per test, no deadline (an example that reads a drop takes milliseconds,
# and the first one imports the engines). The normal run keeps hypothesis's defaults.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("fuzz", max_examples=10_000, deadline=None)
