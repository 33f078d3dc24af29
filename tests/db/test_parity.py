"""The bundled drops read from a database give the reports the files give: every rule's
verdict, finding, interval and error the same, on every engine, from DuckDB and from a
real PostgreSQL server. Only the drop's description differs (it names the database), and
it never shows the server's password."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from statcheck.checking import validate_drop
from statcheck.contract import load_suite
from statcheck.contract.suite import Suite
from statcheck.report import Report
from tests.conftest import REPO
from tests.db.drops import BY_DROP, CASES, DROPS, SCHEMA, Case, table_name
from tests.drops.helpers import outcome, with_printed_precision


@cache
def suite(name: str) -> Suite:
    return load_suite(REPO / "expectations" / f"{name}.yml")


@cache
def file_report(drop: str, backend: str) -> dict[str, Any]:
    case = BY_DROP[drop]
    report = validate_drop(
        DROPS / drop,
        suite(case.suite),
        engine=backend,
        earlier=[DROPS / e for e in case.earlier],
    )
    assert report.errors == (), report.errors
    return outcome(report)


def database_report(
    case: Case, folders: dict[str, Path], backend: str, url: str | None = None
) -> Report:
    # A database types its numbers: the percentages the CSV printed with one decimal are
    # floats there, exact unless the suite states the precision they were printed to.
    return validate_drop(
        folders[case.drop],
        with_printed_precision(suite(case.suite)),
        engine=backend,
        earlier=[folders[e] for e in case.earlier],
        database_url=url,
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_duckdb_drops_give_the_file_report(
    case: Case, backend: str, duckdb_drops: dict[str, Path]
) -> None:
    report = database_report(case, duckdb_drops, backend)
    assert report.errors == ()
    assert outcome(report) == file_report(case.drop, backend)
    assert report.drop["databases"][0] == {
        "role": "figures",
        "database": "duckdb",
        "path": "tables.duckdb",
        "table": "figures",
    }
    assert set(report.drop["files"]) == {"tables.duckdb"}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_postgresql_drops_give_the_file_report(
    case: Case,
    backend: str,
    postgres_drops: dict[str, Path],
    pg_url: str,
    pg_plain_url: str,
    pg_password: str,
) -> None:
    report = database_report(case, postgres_drops, backend, url=pg_url)
    assert report.errors == ()
    assert outcome(report) == file_report(case.drop, backend)
    assert report.drop["files"] == {}
    [figures, *_] = report.drop["databases"]
    assert figures == {
        "role": "figures",
        "database": "postgresql",
        "url": pg_plain_url.replace("@", ":***@"),
        "table": f"{SCHEMA}.{table_name(case.drop, 'figures')}",
    }
    assert pg_password not in report.to_json()


def test_the_seed_drop_reads_its_sources_from_the_server(
    postgres_drops: dict[str, Path], pg_url: str
) -> None:
    # The attribution rules need the sources table: they ran, on the server's rows.
    report = database_report(CASES[0], postgres_drops, "polars", url=pg_url)
    data = json.loads(report.to_json())
    assert data["drop"]["databases"][1]["role"] == "sources"
    assert data["drop"]["databases"][1]["query"].startswith("SELECT * FROM published.")
    [attribution] = [r for r in data["results"] if r["rule"] == "every-figure-has-a-known-source"]
    assert attribution in file_report(CASES[0].drop, "polars")["results"]
