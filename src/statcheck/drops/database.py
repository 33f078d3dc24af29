"""Figures read from a database instead of a file: a DuckDB file in the drop, or a table or
query on a PostgreSQL server.

A drop's manifest entry names the database and either a ``table`` or a ``query``::

    files:
      - role: figures
        database: duckdb              # a DuckDB file in the drop, checksummed like any file
        path: figures.duckdb
        sha256: 3f1c…
        table: figures
      - role: sources
        database: postgresql          # a server: no file, no checksum
        url: postgresql://db.example.org:5432/statcheck   # never a password
        table: kyivpost_sources       # or query: "SELECT … ORDER BY …"

**One reading path.** Both databases are asked the same SQL, and both answer in Arrow; the
reader (:mod:`statcheck.drops.reader`) then treats the Arrow table exactly as a Parquet
file's: typed cells stay typed only where the figure table uses them, everything else
becomes text the same way on every engine. So a table loaded from a drop's CSV gives the
report the CSV gives. The source is first described without running it (its column names,
for the ``missing-column`` and ``bad-header`` checks), then only the wanted columns are read:
``SELECT "a", "b" FROM <source> AS statcheck_source``, where ``<source>`` is the quoted
table name (``schema.table`` allowed, names as stored, case and all) or the manifest's
query in parentheses. Rows come in the order the database returns them: a table's stored
order (for a table loaded once, the order it was loaded in), or the query's ``ORDER BY``.

**Drivers.** DuckDB through its own Python package (embedded: nothing to run). PostgreSQL
through ADBC's libpq driver (``adbc-driver-postgresql``, Apache Arrow's database
connectivity project): it reads results with PostgreSQL's binary ``COPY`` straight into
Arrow, so no row becomes a Python object, and the wheel carries libpq, so nothing else
need be installed. Both are optional (``pip install 'statcheck-contracts[db]'``) and
imported only when a drop reads a database.

**Read-only**, three times over for a server: the connection starts with
``default_transaction_read_only=on`` (a startup option, which a rolled-back transaction
cannot undo), the manifest's query is only ever a sub-query of statcheck's ``SELECT`` (so it
is one statement, and ``DELETE`` or ``SET`` cannot stand there), and the transaction is
rolled back, never committed. A query that would change anything is refused by the server
(``write-refused``). DuckDB files are opened ``read_only=True`` with file-system access and
extension loading switched off and the configuration locked, so a query can read no file
but the drop's own database. Queries are text handed to the database, never evaluated by
Python.

**Credentials** never appear in a manifest or a report. The server's URL is, in order:
``--database-url`` (``database_url=``), the ``STATCHECK_DATABASE_URL`` environment
variable, the manifest's ``url``. A manifest URL holding a password is refused;
libpq's own environment (``PGUSER``, ``PGPASSWORD``, ``PGPASSFILE``, ``PGHOST``, …) supplies
whatever the URL leaves out. Every URL a report or message shows has its password replaced
by ``***``, and any message from a driver is scrubbed of the password before it is shown.

**Readiness.** A DuckDB file is ready as any file is (present, matching its SHA-256; a
``.wal`` beside it means it is still open for writing: not ready). A server has no
checksum: a table that is not there is not ready (``table-missing``, exit 4, as for a
missing file), and so is a server that cannot be reached (``database-unreachable``,
exit 4). A server that refuses the login or does not have the database is exit 2
(``database-refused``: the URL or credentials are wrong, waiting will not help). A drop
read from a server is validated on every ``statcheck run``: its contents have no checksum
to key a stored report on.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from statcheck.errors import (
    DATABASE_REFUSED,
    DATABASE_UNREACHABLE,
    DATABASE_URL_MISSING,
    INVALID_DATABASE_URL,
    INVALID_QUERY,
    MISSING_EXTRA,
    TABLE_MISSING,
    UNREADABLE_DATABASE,
    WRITE_REFUSED,
    Location,
    StatcheckError,
)

if TYPE_CHECKING:
    from statcheck.drops.manifest import DropFile

__all__ = [
    "DATABASES",
    "URL_ENV",
    "DatabaseSource",
    "describe",
    "effective_url",
    "has_password",
    "open_source",
    "redact",
]

DATABASES = ("duckdb", "postgresql")
URL_ENV = "STATCHECK_DATABASE_URL"
URL_SCHEMES = ("postgresql", "postgres")
CONNECT_TIMEOUT = 10  # seconds; libpq waits for ever by default
_ALIAS = "statcheck_source"
_EXTRA = "pip install 'statcheck-contracts[db]'"
# libpq's SQLSTATEs (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_UNDEFINED_TABLE = "42P01"
_READ_ONLY = "25006"
# A server that answered but is not accepting connections yet: waiting may help.
_NOT_YET = ("starting up", "shutting down", "in recovery", "too many clients")
# Statements that change a database: a query starting with one is refused by name (as a
# sub-query it would only be a syntax error, which says less).
_WRITES = frozenset(
    (
        "ALTER", "ATTACH", "CALL", "COMMENT", "COPY", "CREATE", "DELETE", "DETACH", "DROP",
        "EXPORT", "GRANT", "IMPORT", "INSERT", "INSTALL", "LOAD", "MERGE", "PRAGMA",
        "REFRESH", "REINDEX", "RESET", "REVOKE", "SET", "TRUNCATE", "UPDATE", "UPSERT",
        "USE", "VACUUM",
    )
)  # fmt: skip


# --- URLs and secrets -------------------------------------------------------------------


def has_password(url: str) -> bool:
    """Whether a URL carries a password (``user:pw@host`` or ``?password=``)."""
    parts = urlsplit(url)
    return bool(parts.password) or any(
        k == "password" for k, _ in parse_qsl(parts.query, keep_blank_values=True)
    )


def redact(url: str) -> str:
    """The URL with any password replaced by ``***``: safe for a report or a message."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:
        return f"{url.split(':', 1)[0]}://***"
    netloc = parts.netloc
    if parts.password is not None or "@" in netloc:
        user = quote(parts.username or "", safe="")
        secret = ":***" if parts.password is not None else ""
        where = f"[{host}]" if ":" in host else host
        netloc = f"{user}{secret}@{where}" + (f":{port}" if port else "")
    query = "&".join(  # the rest of the query as it was written
        "password=***" if p.split("=", 1)[0] == "password" else p for p in parts.query.split("&")
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def effective_url(spec: DropFile, override: str | None = None) -> str | None:
    """The server a PostgreSQL entry reads: ``override`` (``--database-url``), else
    ``$STATCHECK_DATABASE_URL``, else the manifest's ``url``."""
    return override or os.environ.get(URL_ENV) or spec.url


def describe(spec: DropFile, path: Path, override: str | None = None) -> str:
    """Where the entry's rows come from, for messages and the report (never a password):
    ``drop/figures.duckdb (table figures)``, ``postgresql://host/db (query)``."""
    what = f"table {spec.table}" if spec.table is not None else "query"
    if spec.database == "postgresql":
        url = effective_url(spec, override)
        return f"{redact(url) if url else 'postgresql'} ({what})"
    return f"{path} ({what})"


def _secrets(url: str | None) -> list[str]:
    found = []
    if url:
        parts = urlsplit(url)
        if parts.password:
            found.append(parts.password)
        found += [v for k, v in parse_qsl(parts.query) if k == "password" and v]
    if os.environ.get("PGPASSWORD"):
        found.append(os.environ["PGPASSWORD"])
    return sorted(set(found), key=len, reverse=True)


def _scrub(text: str, url: str | None) -> str:
    """A driver's message as statcheck shows it: first lines only, no password in it."""
    lines = [ln.rstrip() for ln in str(text).strip().splitlines() if ln.strip()]
    kept = [ln for ln in lines if not ln.startswith(("Query was:", "LINE ", " "))]
    out = " ".join(kept[:2]) if kept else "no message"
    out = re.sub(r"^[A-Z_]+: (\[libpq\] )?", "", out)  # ADBC's status code prefix
    out = re.sub(  # and the driver's own words around the server's
        r"(Failed to (prepare|execute) query( '.*?')?|could not begin COPY|"
        r"Execution error \[\w+\]|Failed to connect): ",
        "",
        out,
    )
    out = re.sub(r"\b(ERROR|FATAL):\s+", r"\1: ", out)
    out = re.sub(r"\s*\.?\s*SQLSTATE: \w+$", "", out).strip()
    for secret in _secrets(url):
        out = out.replace(secret, "***")
    if url:
        out = out.replace(url, redact(url))
    return out


def _connection_url(url: str) -> str:
    """The URL handed to libpq: read-only from the first statement, a connect timeout,
    and the application's name, keeping whatever the URL already says."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    options = " ".join(v for k, v in params if k == "options")
    options = f"{options} -c default_transaction_read_only=on".strip()
    kept = [(k, v) for k, v in params if k != "options"]
    names = {k for k, _ in kept}
    if "connect_timeout" not in names:
        kept.append(("connect_timeout", str(CONNECT_TIMEOUT)))
    if "application_name" not in names:
        kept.append(("application_name", "statcheck"))
    kept.append(("options", options))
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path, urlencode(kept, quote_via=quote), "")
    )


# --- SQL --------------------------------------------------------------------------------


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _source_sql(spec: DropFile) -> str:
    if spec.table is not None:
        return ".".join(_quote(part) for part in spec.table.split("."))
    assert spec.query is not None  # the manifest reader requires one of them
    return f"({spec.query.strip().rstrip(';')})"


def _select_sql(spec: DropFile, columns: Sequence[str] | None) -> str:
    cols = "*" if columns is None else ", ".join(_quote(c) for c in columns)
    return f"SELECT {cols} FROM {_source_sql(spec)} AS {_ALIAS}"


# --- reading ----------------------------------------------------------------------------


class DatabaseSource:
    """An open, read-only source of one manifest entry: its column names as the database
    gives them, and its rows (``read``) as an Arrow table with plain Arrow types."""

    def __init__(self, spec: DropFile, where: str, names: list[str], fetch: Any) -> None:
        self.spec = spec
        self.where = where
        self.names = names
        self._fetch = fetch

    def read(self, columns: Sequence[str] | None = None) -> Any:
        return _plain(self._fetch(_select_sql(self.spec, columns)))


@contextmanager
def open_source(
    spec: DropFile, path: Path, override: str | None = None
) -> Iterator[DatabaseSource]:
    """The entry's table or query, open for reading. ``path``: the DuckDB file (unused
    for a server). Raises DataError or DropNotReady with a stable slug (see the module)."""
    where = describe(spec, path, override)
    if spec.database == "duckdb":
        with _duckdb(spec, path, where) as source:
            yield source
    else:
        with _postgresql(spec, effective_url(spec, override), where) as source:
            yield source


@contextmanager
def _duckdb(spec: DropFile, path: Path, where: str) -> Iterator[DatabaseSource]:
    duckdb = _driver("duckdb", "DuckDB")
    location = Location(file=where)
    try:
        con = duckdb.connect(
            str(path),
            read_only=True,
            config={
                "enable_external_access": False,  # no other file, no network
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
                "lock_configuration": True,  # a query cannot switch these back on
            },
        )
    except duckdb.Error as exc:
        raise UNREADABLE_DATABASE(
            f"cannot open the DuckDB file: {_scrub(str(exc), None)}",
            location=location,
            hint="check that the manifest lists the right file, written by DuckDB 1.1 or later",
        ) from None

    def fetch(sql: str) -> Any:
        try:
            return con.sql(sql).to_arrow_table()
        except duckdb.Error as exc:
            raise _duckdb_error(exc, spec, location) from None

    try:
        try:
            names = list(con.sql(_select_sql(spec, None)).columns)
        except duckdb.Error as exc:
            raise _duckdb_error(exc, spec, location) from None
        yield DatabaseSource(spec, where, names, fetch)
    finally:
        con.close()


def _duckdb_error(exc: Exception, spec: DropFile, location: Location) -> Exception:
    message = _scrub(str(exc), None)
    name = type(exc).__name__
    if name == "CatalogException" and "does not exist" in message:
        return _table_missing(spec, message, location)
    if "read-only mode" in message:
        return _write_refused(message, location)
    return _query_error(
        spec,
        message,
        location,
        "a query reads the drop's own database only: other files and extensions are off",
    )


@contextmanager
def _postgresql(spec: DropFile, url: str | None, where: str) -> Iterator[DatabaseSource]:
    location = Location(file=where)
    if not url:
        raise DATABASE_URL_MISSING(
            "the manifest reads a PostgreSQL server but no URL is given",
            location=location,
            hint=f"add `url: postgresql://HOST:PORT/DB` to the entry, or pass --database-url (or set {URL_ENV})",
        )
    if urlsplit(url).scheme not in URL_SCHEMES:
        raise INVALID_DATABASE_URL(
            f"the database URL {redact(url)!r} is not a postgresql:// URL",
            location=location,
            hint="postgresql://USER@HOST:PORT/DATABASE; the password from PGPASSWORD or ~/.pgpass",
        )
    dbapi = _driver("adbc_driver_postgresql.dbapi", "PostgreSQL")
    manager = _driver("adbc_driver_manager", "PostgreSQL")
    try:
        conn = dbapi.connect(_connection_url(url))
    except Exception as exc:  # any of them: the message may quote the URL, so scrubbed
        raise _connect_error(str(exc), url, location) from None
    try:
        cur = conn.cursor()

        def fetch(sql: str) -> Any:
            try:
                cur.execute(sql)
                return cur.fetch_arrow_table()
            except manager.Error as exc:
                raise _postgresql_error(exc, spec, url, location) from None

        try:  # described by the server, not run
            names = list(cur.adbc_execute_schema(_select_sql(spec, None)).names)
        except manager.Error as exc:
            raise _postgresql_error(exc, spec, url, location) from None
        yield DatabaseSource(spec, where, names, fetch)
    finally:
        with suppress(manager.Error):
            conn.rollback()  # nothing statcheck ran is ever committed
        conn.close()


def _connect_error(text: str, url: str, location: Location) -> Exception:
    message = _scrub(text, url)
    if "FATAL" in message and not any(s in message for s in _NOT_YET):
        return DATABASE_REFUSED(
            f"the PostgreSQL server refused the connection: {message}",
            location=location,
            hint=f"check the user, the database name and the password (PGPASSWORD, ~/.pgpass or {URL_ENV})",
        )
    return DATABASE_UNREACHABLE(
        f"cannot reach the PostgreSQL server at {redact(url)}: {message}",
        location=location,
        hint="the server may be down or still starting; the drop is checked again on the next run",
    )


def _postgresql_error(exc: Any, spec: DropFile, url: str, location: Location) -> Exception:
    message = _scrub(str(exc), url)
    state = getattr(exc, "sqlstate", None)
    if state == _UNDEFINED_TABLE:
        return _table_missing(spec, message, location)
    if state == _READ_ONLY:
        return _write_refused(message, location)
    return _query_error(
        spec, message, location, "the query must be one SELECT (a sub-query of statcheck's own)"
    )


def _query_error(spec: DropFile, message: str, location: Location, hint: str) -> StatcheckError:
    first = re.match(r"\s*([A-Za-z]+)", spec.query or "")
    verb = first.group(1).upper() if first else ""
    if verb in _WRITES:
        return _write_refused(f"the query is a {verb} statement", location)
    return INVALID_QUERY(
        f"the database could not run the {'query' if spec.query else 'read'}: {message}",
        location=location,
        hint=hint,
    )


def _table_missing(spec: DropFile, message: str, location: Location) -> StatcheckError:
    what = f"table {spec.table!r}" if spec.table is not None else "a table the query reads"
    return TABLE_MISSING(
        f"{what} is not in the database: {message}",
        location=location,
        hint="the table may still be being loaded; names are as stored (quoted), schema.table for another schema",
    )


def _write_refused(message: str, location: Location) -> StatcheckError:
    return WRITE_REFUSED(
        f"the query would change the database, which statcheck only reads: {message}",
        location=location,
        hint="give a SELECT; nothing was changed",
    )


def _plain(table: Any) -> Any:
    """Arrow extension columns as their storage: PostgreSQL's NUMERIC arrives as its
    digits (text, read like a CSV cell), other types ADBC does not map likewise."""
    import pyarrow as pa  # type: ignore[import-untyped]

    if not any(isinstance(f.type, pa.ExtensionType) for f in table.schema):
        return table
    columns = []
    for column in table.columns:
        if isinstance(column.type, pa.ExtensionType):
            column = pa.chunked_array(
                [chunk.storage for chunk in column.chunks], type=column.type.storage_type
            )
        columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def _driver(module: str, what: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MISSING_EXTRA(
            f"reading {what} needs a driver that is not installed ({exc})", hint=_EXTRA
        ) from None
