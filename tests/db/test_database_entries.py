"""Database entries in a manifest: what is refused, what "not ready" means for a database,
read-only reading, and credentials that never reach a report, a message or the terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from statcheck import runner
from statcheck.checking import validate_drop
from statcheck.cli import main
from statcheck.contract import suite_from_yaml
from statcheck.drops.database import has_password, redact
from statcheck.drops.manifest import sha256_of
from statcheck.report import Report
from tests.conftest import REPO, SEED_SUITE
from tests.db.drops import BY_DROP, SCHEMA, postgres_drop, table_name, write_manifest
from tests.drops.helpers import outcome

SEED = "2025-01-06-kyivpost-desertion"
SEED_FIGURES = f"{SCHEMA}.{table_name(SEED, 'figures')}"
SEED_ROWS = 14  # records in the seed drop's figures.csv
SUITE = suite_from_yaml(
    "suite: t\nrules:\n  - {id: t-above-a, kind: compare, left: t, op: '>', right: a}\n"
)


def only_error(report: Report) -> dict[str, Any]:
    assert report.results == ()
    [error] = report.errors
    return error.to_dict()


def seed_suite_report(folder: Path, **kw: Any) -> Report:
    from statcheck.contract import load_suite

    return validate_drop(folder, load_suite(SEED_SUITE), **kw)


# --- URLs and secrets (no server needed) -------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://u:s3cret@db:5432/x", "postgresql://u:***@db:5432/x"),
        ("postgresql://u:p%40ss@db/x?sslmode=require", "postgresql://u:***@db/x?sslmode=require"),
        ("postgresql://u@db/x?password=s3cret", "postgresql://u@db/x?password=***"),
        ("postgresql://db/x", "postgresql://db/x"),
        ("postgres://u:s3cret@[::1]:5432/x", "postgres://u:***@[::1]:5432/x"),
    ],
)
def test_urls_are_shown_without_their_password(url: str, shown: str) -> None:
    assert redact(url) == shown
    assert has_password(url) == ("***" in shown)


def write_entries(tmp_path: Path, *entries: dict[str, Any]) -> Path:
    folder = tmp_path / SEED
    write_manifest(folder, SEED, list(entries))
    return folder


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        (
            {"database": "postgresql", "table": "t", "query": "SELECT 1"},
            "either `table` or `query`",
        ),
        ({"database": "postgresql"}, "either `table` or `query`"),
        ({"database": "postgresql", "table": "t", "sha256": "ab"}, "`sha256` does not apply"),
        ({"database": "postgresql", "table": "t", "path": "x.db"}, "`path` does not apply"),
        ({"database": "duckdb", "table": "t", "url": "postgresql://h/d"}, "`url` does not apply"),
        ({"database": "duckdb", "table": "t"}, "`path` must name the database file"),
        ({"database": "postgresql", "table": "t", "format": "csv"}, "`format` does not apply"),
        ({"database": "postgresql", "table": "t", "url": "mysql://h/d"}, "postgresql:// URL"),
        ({"database": "duckdb", "path": "../x.duckdb", "table": "t"}, "leaves the drop folder"),
    ],
)
def test_a_database_entry_that_cannot_be_read_is_a_manifest_error(
    tmp_path: Path, entry: dict[str, Any], says: str
) -> None:
    error = only_error(validate_drop(write_entries(tmp_path, entry), SUITE))
    assert error["slug"] in ("invalid-manifest", "unsafe-path")
    assert says in error["message"]
    assert error["exit_code"] == 2


def test_an_unknown_database_is_named(tmp_path: Path) -> None:
    folder = write_entries(tmp_path, {"database": "oracle", "table": "t"})
    error = only_error(validate_drop(folder, SUITE))
    assert (error["slug"], error["exit_code"]) == ("unsupported-format", 2)
    assert "duckdb, postgresql" in error["hint"]


def test_a_manifest_url_with_a_password_is_refused_without_repeating_it(tmp_path: Path) -> None:
    url = "postgresql://statcheck:hunter2@localhost:5432/statcheck"
    folder = write_entries(tmp_path, {"database": "postgresql", "url": url, "table": "t"})
    report = validate_drop(folder, SUITE)
    error = only_error(report)
    assert error["slug"] == "invalid-manifest" and "a manifest never does" in error["message"]
    assert "hunter2" not in report.to_json()
    assert "statcheck:***@localhost" in error["message"]


def test_a_server_entry_without_a_url_says_where_to_give_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STATCHECK_DATABASE_URL", raising=False)
    folder = write_entries(tmp_path, {"database": "postgresql", "table": "t"})
    error = only_error(validate_drop(folder, SUITE))
    assert (error["slug"], error["exit_code"]) == ("database-url-missing", 2)
    assert "--database-url" in error["hint"]


# --- DuckDB -----------------------------------------------------------------------------


@pytest.fixture
def duck(tmp_path: Path) -> Path:
    """The seed drop as a DuckDB file: tables figures and sources, as text."""
    duckdb = pytest.importorskip("duckdb")
    from tests.db.drops import frame

    folder = tmp_path / "duck"
    folder.mkdir()
    con = duckdb.connect(str(folder / "seed.duckdb"))
    for role in ("figures", "sources"):
        data = frame(SEED, f"{role}.csv", typed=False).to_arrow()  # noqa: F841 (read by DuckDB)
        con.execute(f"CREATE TABLE {role} AS SELECT * FROM data")
    con.close()
    return folder


def duck_drop(folder: Path, **figures: Any) -> Path:
    sha = sha256_of(folder / "seed.duckdb")
    entry = {"role": "figures", "database": "duckdb", "path": "seed.duckdb", "sha256": sha}
    write_manifest(folder, SEED, [{**entry, **figures}])
    return folder


def rows(path: Path, table: str) -> int:
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
    finally:
        con.close()


def test_duckdb_missing_table_is_not_ready(duck: Path) -> None:
    error = only_error(validate_drop(duck_drop(duck, table="figurez"), SUITE))
    assert (error["slug"], error["exit_code"]) == ("table-missing", 4)
    assert "'figurez'" in error["message"]
    assert error["location"]["file"].endswith("seed.duckdb (table figurez)")


@pytest.mark.parametrize(
    "query", ["DELETE FROM figures", "delete from figures where true", "DROP TABLE figures"]
)
def test_duckdb_query_that_writes_is_refused_and_changes_nothing(duck: Path, query: str) -> None:
    before = sha256_of(duck / "seed.duckdb")
    error = only_error(validate_drop(duck_drop(duck, query=query), SUITE))
    assert (error["slug"], error["exit_code"]) == ("write-refused", 2)
    assert "only reads" in error["message"]
    assert sha256_of(duck / "seed.duckdb") == before
    assert rows(duck / "seed.duckdb", "figures") == SEED_ROWS


def test_duckdb_query_cannot_read_other_files(duck: Path) -> None:
    (duck / "secret.csv").write_text("a\nsecret-value\n")
    query = f"SELECT * FROM read_csv('{duck / 'secret.csv'}')"
    report = validate_drop(duck_drop(duck, query=query), SUITE)
    error = only_error(report)
    assert (error["slug"], error["exit_code"]) == ("invalid-query", 2)
    assert "secret-value" not in report.to_json()


def test_duckdb_file_is_hashed_and_unchanged_by_reading(duck: Path) -> None:
    folder = duck_drop(duck, table="figures")
    before = sha256_of(duck / "seed.duckdb")
    report = seed_suite_report(folder)
    assert report.exit_code == 1 and report.errors == ()  # the seed drop fails two rules
    assert sha256_of(duck / "seed.duckdb") == before
    (duck / "seed.duckdb").write_bytes((duck / "seed.duckdb").read_bytes() + b"\0")
    error = only_error(seed_suite_report(folder))
    assert (error["slug"], error["exit_code"]) == ("checksum-mismatch", 4)


def test_duckdb_file_still_open_for_writing_is_not_ready(duck: Path) -> None:
    folder = duck_drop(duck, table="figures")
    (duck / "seed.duckdb.wal").write_bytes(b"")
    error = only_error(validate_drop(folder, SUITE))
    assert (error["slug"], error["exit_code"]) == ("database-open", 4)


def test_a_table_without_rows_is_an_error(duck: Path) -> None:
    folder = duck_drop(duck, query="SELECT * FROM figures WHERE false")
    error = only_error(validate_drop(folder, SUITE))
    assert (error["slug"], error["exit_code"]) == ("empty-table", 2)


def test_a_file_that_is_not_duckdb_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "seed.duckdb").write_text("figure_id,value\n")
    error = only_error(validate_drop(duck_drop(folder, table="figures"), SUITE))
    assert (error["slug"], error["exit_code"]) == ("unreadable-database", 2)


def test_mapped_columns_missing_from_a_table_are_listed(duck: Path) -> None:
    from statcheck.contract import load_suite

    folder = duck_drop(duck, table="figures")
    error = only_error(validate_drop(folder, load_suite(REPO / "expectations/bls-cps-aat1.yml")))
    assert (error["slug"], error["exit_code"]) == ("missing-column", 2)
    assert "figure_id" in error["hint"]


# --- PostgreSQL -------------------------------------------------------------------------


def pg_rows(url: str, table: str) -> int:
    import adbc_driver_postgresql.dbapi as dbapi

    with dbapi.connect(url) as conn, conn.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM {table}")
        return int(cur.fetchone()[0])  # type: ignore[index]


def pg_entry(tmp_path: Path, url: str | None, **fields: Any) -> Path:
    entry: dict[str, Any] = {"role": "figures", "database": "postgresql", **fields}
    if url:
        entry["url"] = url
    return write_entries(tmp_path, entry)


QUOTED_FIGURES = f'{SCHEMA}."{table_name(SEED, "figures")}"'


@pytest.mark.parametrize(
    "query",
    [
        f"DELETE FROM {QUOTED_FIGURES}",
        f"WITH gone AS (DELETE FROM {QUOTED_FIGURES} RETURNING *) SELECT * FROM gone",
        f"SELECT 1; DELETE FROM {QUOTED_FIGURES}",
        f"UPDATE {QUOTED_FIGURES} SET value = '0' RETURNING *",
        f"TRUNCATE {QUOTED_FIGURES}",
    ],
)
def test_postgresql_query_that_writes_is_refused_and_changes_nothing(
    tmp_path: Path, pg_url: str, query: str
) -> None:
    report = validate_drop(pg_entry(tmp_path, None, query=query), SUITE, database_url=pg_url)
    error = only_error(report)
    assert error["exit_code"] == 2
    # A writing statement is named as one; a write hidden in a WITH or after a `;` cannot
    # stand inside statcheck's SELECT at all: the server refuses the query as written.
    if query.startswith(("DELETE", "UPDATE", "TRUNCATE")):
        assert error["slug"] == "write-refused"
        assert "only reads" in error["message"]
    else:
        assert error["slug"] == "invalid-query"
    assert pg_rows(pg_url, QUOTED_FIGURES) == SEED_ROWS


def test_postgresql_missing_table_is_not_ready(tmp_path: Path, pg_url: str) -> None:
    folder = pg_entry(tmp_path, None, table=f"{SCHEMA}.not_loaded_yet")
    report = validate_drop(folder, SUITE, database_url=pg_url)
    error = only_error(report)
    assert (error["slug"], error["exit_code"]) == ("table-missing", 4)
    assert "not_loaded_yet" in error["message"]
    assert error["location"]["file"].endswith(f"(table {SCHEMA}.not_loaded_yet)")


def test_postgresql_server_that_cannot_be_reached_is_not_ready(
    tmp_path: Path, pg_plain_url: str
) -> None:
    from tests.db.postgres import _free_port

    closed = f"postgresql://statcheck:topsecret@127.0.0.1:{_free_port()}/statcheck"
    report = validate_drop(pg_entry(tmp_path, None, table="t"), SUITE, database_url=closed)
    error = only_error(report)
    assert (error["slug"], error["exit_code"]) == ("database-unreachable", 4)
    assert "Connection refused" in error["message"]
    assert "topsecret" not in report.to_json()


def test_postgresql_wrong_password_is_refused_without_showing_it(
    tmp_path: Path, pg_url: str, pg_password: str
) -> None:
    wrong = pg_url.replace(pg_password, "not-the-password")
    report = validate_drop(pg_entry(tmp_path, None, table=SEED_FIGURES), SUITE, database_url=wrong)
    error = only_error(report)
    assert (error["slug"], error["exit_code"]) == ("database-refused", 2)
    assert "password authentication failed" in error["message"]
    text = report.to_json()
    assert "not-the-password" not in text and pg_password not in text


def test_postgresql_password_from_the_environment(
    tmp_path: Path,
    pg_plain_url: str,
    pg_password: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The manifest names the server; libpq takes the password from PGPASSWORD.
    monkeypatch.delenv("STATCHECK_DATABASE_URL", raising=False)
    monkeypatch.setenv("PGPASSWORD", pg_password)
    folder = postgres_drop(tmp_path, BY_DROP[SEED], pg_plain_url)
    report = seed_suite_report(folder)
    assert report.errors == ()
    assert outcome(report) == outcome(seed_suite_report(REPO / "fixtures/drops" / SEED))
    assert report.drop["databases"][0]["url"] == pg_plain_url
    assert pg_password not in report.to_json()


def test_statcheck_database_url_overrides_the_manifest(
    tmp_path: Path, pg_url: str, pg_password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STATCHECK_DATABASE_URL", pg_url)
    folder = postgres_drop(tmp_path, BY_DROP[SEED], "postgresql://elsewhere.invalid/none")
    report = seed_suite_report(folder)
    assert report.errors == ()
    assert outcome(report) == outcome(seed_suite_report(REPO / "fixtures/drops" / SEED))
    assert report.drop["databases"][0]["url"] == pg_url.replace(pg_password, "***")
    assert pg_password not in report.to_json()


# --- the command line and the batch job -------------------------------------------------


def test_cli_validate_with_database_url_never_prints_the_password(
    tmp_path: Path, pg_url: str, pg_password: str, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = postgres_drop(tmp_path, BY_DROP[SEED], None)
    out = tmp_path / "report.json"
    argv = ["validate", str(folder), "--suite", str(SEED_SUITE), "--out", str(out)]
    from_files = seed_suite_report(REPO / "fixtures/drops" / SEED)
    assert main([*argv, "--database-url", pg_url]) == from_files.exit_code
    printed = capsys.readouterr()
    assert pg_password not in printed.out + printed.err
    assert pg_password not in out.read_text()
    assert json.loads(out.read_text())["summary"] == from_files.summary
    # A server that is down: not ready, said plainly, still without the password.
    down = pg_url.rsplit(":", 1)[0] + ":1/statcheck"
    assert main([*argv, "--database-url", down, "--json"]) == 4
    printed = capsys.readouterr()
    assert "database-unreachable" in printed.out
    assert pg_password not in printed.out + printed.err


RUN_SUITE = """suite: small
drops: ["../drops/*-kyivpost-desertion"]
rules:
  - {id: ft-above-odb, kind: compare, left: kp-ft-abandoning-cases, op: ">", right: kp-odb-desertion-jan-oct}
"""


def test_run_validates_server_drops_every_time_and_duckdb_drops_once(
    tmp_path: Path,
    pg_url: str,
    pg_password: str,
    duckdb_drops: dict[str, Path],
    postgres_drops: dict[str, Path],
) -> None:
    expectations = tmp_path / "expectations"
    expectations.mkdir()
    (expectations / "small.yml").write_text(RUN_SUITE, encoding="utf-8")
    out = tmp_path / "reports"

    def run(source: dict[str, Path]) -> runner.DropOutcome:
        result = runner.run(expectations, out, drops_dir=source[SEED].parent, database_url=pg_url)
        [outcome] = result.drops
        return outcome

    first, second = run(postgres_drops), run(postgres_drops)
    assert not first.cached and not second.cached
    assert second.report.cache_key is None
    assert second.report.summary == first.report.summary
    assert first.report.exit_code == 0, first.report
    assert pg_password not in (out / "small" / f"{SEED}.json").read_text()

    first, second = run(duckdb_drops), run(duckdb_drops)
    assert not first.cached and second.cached
    assert first.report.cache_key == second.report.cache_key
