"""The bundled drops, put into databases: every table as published, loaded into a DuckDB
file in a drop of its own and into PostgreSQL (by ADBC's bulk path, binary COPY), and a
drop whose manifest reads those tables instead of the files.

The seed drop's tables are loaded as text (its values are printed as "60,000", which no
number column holds); the real publishers' tables typed, as a loader infers them (years
and counts integers, percentages floats, JHU's dates dates), so the database's own types
are read."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from statcheck.drops.manifest import sha256_of
from tests.conftest import REPO

DROPS = REPO / "fixtures" / "drops"
SCHEMA = "published"  # PostgreSQL tables live in their own schema: manifests say schema.table

JHU = [f"jhu-covid-worldwide-{v}" for v in ("2020-12-01", "2021-01-01")]
WB = ["worldbank-population-2020-04-14", "worldbank-population-2026-03-06"]


@dataclass(frozen=True)
class Case:
    suite: str
    drop: str  # folder under fixtures/drops
    tables: tuple[tuple[str, str, bool], ...]  # (role, file, typed)
    earlier: tuple[str, ...] = ()  # earlier drops of the suite, oldest first (revision rules)

    @property
    def id(self) -> str:
        return self.drop


SEED = Case(
    "kyivpost-desertion",
    "2025-01-06-kyivpost-desertion",
    (("figures", "figures.csv", False), ("sources", "sources.csv", False)),
)
BLS = Case("bls-cps-aat1", "bls-cps-aat1-2025", (("figures", "aat1.csv", True),))
CASES = [
    SEED,
    BLS,
    *(
        Case("worldbank-population", d, (("figures", "population.csv", True),), tuple(WB[:i]))
        for i, d in enumerate(WB)
    ),
    *(
        Case(
            "jhu-covid-worldwide",
            d,
            (("figures", "worldwide-aggregate.csv", True),),
            tuple(JHU[:i]),
        )
        for i, d in enumerate(JHU)
    ),
]
BY_DROP = {c.drop: c for c in CASES}


def frame(drop: str, file: str, typed: bool) -> pl.DataFrame:
    path = DROPS / drop / file
    if typed:
        return pl.read_csv(path, infer_schema_length=None, try_parse_dates=True)
    return pl.read_csv(path, infer_schema=False)


def table_name(drop: str, role: str) -> str:
    return re.sub(r"\W", "_", f"{drop}_{role}")


def load_postgres(url: str) -> None:
    """Every table of every case into the server, in schema ``published``."""
    import adbc_driver_postgresql.dbapi as dbapi

    with dbapi.connect(url, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        for case in CASES:
            for role, file, typed in case.tables:
                data = frame(case.drop, file, typed).to_arrow(compat_level=pl.CompatLevel.oldest())
                cur.adbc_ingest(
                    table_name(case.drop, role), data, mode="replace", db_schema_name=SCHEMA
                )


def write_manifest(folder: Path, drop: str, entries: list[dict[str, Any]]) -> None:
    """The file drop's manifest (id, publisher, dates) with database entries for files."""
    original = yaml.safe_load((DROPS / drop / "drop.yml").read_text(encoding="utf-8"))
    lines = [f"{k}: {json.dumps(str(v))}" for k, v in original.items() if k != "files"]
    lines.append("files:")
    for entry in entries:
        lines.append("  - {" + ", ".join(f"{k}: {json.dumps(v)}" for k, v in entry.items()) + "}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "drop.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def duckdb_drop(root: Path, case: Case) -> Path:
    """The case's tables in ``tables.duckdb`` (one table per role), and a manifest reading
    them: the figures by ``table``, the sources by ``query``."""
    import duckdb

    folder = root / "duckdb" / case.drop
    folder.mkdir(parents=True)
    path = folder / "tables.duckdb"
    con = duckdb.connect(str(path))
    try:
        for role, file, typed in case.tables:
            data = frame(case.drop, file, typed).to_arrow()  # noqa: F841 (read by DuckDB)
            con.execute(f'CREATE TABLE "{role}" AS SELECT * FROM data')
    finally:
        con.close()
    sha = sha256_of(path)
    entries = []
    for role, _, _ in case.tables:
        entry: dict[str, Any] = {"role": role, "database": "duckdb", "path": path.name}
        entry["sha256"] = sha
        if role == "figures":
            entry["table"] = role
        else:
            entry["query"] = f'SELECT * FROM "{role}"'
        entries.append(entry)
    write_manifest(folder, case.drop, entries)
    return folder


def postgres_drop(root: Path, case: Case, url: str | None) -> Path:
    """A manifest reading the case's tables on the server (``url``: none, or one without
    a password); the figures by ``table``, the sources by ``query``."""
    folder = root / "postgresql" / case.drop
    entries = []
    for role, _, _ in case.tables:
        entry: dict[str, Any] = {"role": role, "database": "postgresql"}
        if url:
            entry["url"] = url
        name = table_name(case.drop, role)
        if role == "figures":
            entry["table"] = f"{SCHEMA}.{name}"  # quoted by statcheck: names as stored
        else:
            entry["query"] = f'SELECT * FROM {SCHEMA}."{name}"'  # SQL as written
        entries.append(entry)
    write_manifest(folder, case.drop, entries)
    return folder
