"""A real PostgreSQL server for the database tests, and the bundled drops put into it.

The server is, in order: the one ``STATCHECK_TEST_PG_URL`` names (a URL with user and
password, for a database the tests may create a schema in), or a throwaway cluster
started here from Debian's PostgreSQL binaries (tests/db/postgres.py). Where neither can be
had the PostgreSQL tests are skipped, saying why; under CI (``CI`` set) they fail instead:
``.ci/run`` installs PostgreSQL, so CI always runs them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.db import drops, postgres

URL_VARIABLE = "STATCHECK_TEST_PG_URL"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the PostgreSQL tests, but {reason}", pytrace=False)
    pytest.skip(f"no PostgreSQL server: {reason}")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """The URL (with its password) of a PostgreSQL server holding the bundled drops."""
    pytest.importorskip("adbc_driver_postgresql", reason="the `db` extra is not installed")
    given = os.environ.get(URL_VARIABLE)
    server = None
    if given:
        url = given
    else:
        reason = postgres.why_not()
        if reason:
            _unavailable(reason)
        try:
            server = postgres.start()
        except Exception as exc:  # say why, then skip (or fail under CI)
            _unavailable(f"a throwaway server would not start: {exc}")
        assert server is not None
        url = server.url
    try:
        drops.load_postgres(url)
    except Exception as exc:
        if server is not None:
            server.stop()
        _unavailable(f"cannot load the drops into {URL_VARIABLE} or the throwaway server: {exc}")
    try:
        yield url
    finally:
        if server is not None:
            server.stop()


@pytest.fixture(scope="session")
def pg_plain_url(pg_url: str) -> str:
    """The server's URL without its password (what a manifest may hold)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(pg_url)
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


@pytest.fixture(scope="session")
def pg_password(pg_url: str) -> str:
    from urllib.parse import urlsplit

    password = urlsplit(pg_url).password
    assert password, (
        f"{URL_VARIABLE} must hold a password, so the tests can check it is never shown"
    )
    return password


@pytest.fixture(scope="session")
def db_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("db-drops")


@pytest.fixture(scope="session")
def duckdb_drops(db_root: Path) -> dict[str, Path]:
    """Every case as a DuckDB drop: drop folder name -> folder."""
    pytest.importorskip("duckdb", reason="the `db` extra is not installed")
    return {case.drop: drops.duckdb_drop(db_root, case) for case in drops.CASES}


@pytest.fixture(scope="session")
def postgres_drops(db_root: Path, pg_url: str) -> dict[str, Path]:
    """Every case as a drop reading the server; manifests name no server (the URL is
    given as ``database_url``, as on the command line)."""
    return {case.drop: drops.postgres_drop(db_root, case, None) for case in drops.CASES}
