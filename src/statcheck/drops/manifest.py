"""The drop manifest (``drop.yml``) and the readiness check.

A drop is *ready* when its manifest exists and every file it lists is present with the
SHA-256 the manifest states. A drop that is not ready is never validated as if complete
(exit code 4). Files are only ever opened for reading.

``drop.yml``::

    id: 2025-01-06-kyivpost-desertion
    publisher: Kyiv Post
    published_at: 2025-01-06
    files:
      - path: figures.csv       # relative to the drop folder, never outside it
        role: figures           # figures | sources
        format: csv             # csv | parquet | json | jsonl (ndjson); default from the suffix
        sha256: e148f98...
        encoding: utf-8         # csv, json, jsonl: default utf-8 (a byte-order mark is
                                # accepted); any text encoding Python knows: cp1252,
                                # latin-1, utf-16 (with a byte-order mark), ...
        delimiter: ","          # csv only; default ","
        header: 1               # csv only; the line of the column names, lines above it
                                # skipped (a publisher's title lines); default 1
        footer: 0               # csv only; the lines at the end that are no rows (a totals
                                # row, a source line, notes): skipped; default 0
        decimal: "."            # default "."; "," for a decimal comma in text cells

A field that does not apply to the file's format (a delimiter for a Parquet file) is an
error, never ignored.

An entry may read a database instead of a file (see :mod:`statcheck.drops.database`)::

      - role: figures
        database: duckdb          # duckdb: a file in the drop, with path and sha256
        path: figures.duckdb
        sha256: 3f1c…
        table: figures            # or query: "SELECT … ORDER BY …"
      - role: sources
        database: postgresql      # a server: url (never a password), no path, no sha256
        url: postgresql://localhost:5432/statcheck
        table: kyivpost_sources
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from statcheck.contract.yamlio import Mapping, load_yaml
from statcheck.errors import (
    CHECKSUM_MISMATCH,
    CHECKSUM_MISSING,
    DATABASE_OPEN,
    DROP_MISSING,
    FILE_MISSING,
    INVALID_MANIFEST,
    MANIFEST_MISSING,
    UNREADABLE_FILE,
    UNSAFE_PATH,
    UNSUPPORTED_ENCODING,
    UNSUPPORTED_FORMAT,
    Location,
    StatcheckError,
)

MANIFEST = "drop.yml"
ROLES = ("figures", "sources")
FORMATS = ("csv", "parquet", "json", "jsonl")
FORMAT_ALIASES = {"ndjson": "jsonl"}
SUFFIXES = {
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
# The fields each format takes beyond path, role, format, sha256 and decimal.
FORMAT_FIELDS = {
    "csv": ("encoding", "delimiter", "header", "footer"),
    "parquet": (),
    "json": ("encoding",),
    "jsonl": ("encoding",),
}


@dataclass(frozen=True)
class DropFile:
    path: str
    role: str
    sha256: str | None
    format: str = "csv"
    encoding: str = "utf-8"
    delimiter: str = ","
    decimal: str = "."
    header: int = 1  # the line of the column names (csv); the lines above it are skipped
    footer: int = 0  # the lines at the end that are no rows (csv; blank lines not counted)
    # A database entry (statcheck.drops.database): duckdb (``path`` is the database file)
    # or postgresql (``path`` is "", ``sha256`` None: a server has no file to hash).
    database: str | None = None
    table: str | None = None
    query: str | None = None
    url: str | None = None  # postgresql: as the manifest gives it (never with a password)

    @property
    def on_server(self) -> bool:
        """Read from a database server: no file, so no checksum."""
        return self.database == "postgresql"


@dataclass(frozen=True)
class FileStamp:
    """What the file system says of a file: size, modification time and inode. Taken
    before a file is hashed and again after it is read; any write in between changes it."""

    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileStamp:
        st = path.stat()
        return cls(st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass(frozen=True)
class Drop:
    folder: Path
    id: str
    files: tuple[DropFile, ...]
    publisher: str | None = None
    published_at: str | None = None  # as the manifest gives it: YYYY-MM-DD
    description: str | None = None
    # Each hashed file's stamp from before its hash: see verify_unchanged.
    stamps: tuple[tuple[str, FileStamp], ...] = field(default=(), compare=False)

    @property
    def published_on(self) -> date | None:
        """``published_at`` as a date (checked when the manifest was read)."""
        return date.fromisoformat(self.published_at) if self.published_at else None

    def verify_unchanged(self) -> None:
        """Raise ``checksum-mismatch`` (not ready) if a file changed since it was hashed:
        a drop still being written must never be reported on under its old checksums."""
        for path, stamp in self.stamps:
            target = self.folder / path
            try:
                now = FileStamp.of(target)
            except OSError:
                now = None
            if now != stamp:
                raise CHECKSUM_MISMATCH(
                    f"{path!r} changed while it was being read: its checksum no longer "
                    "describes it",
                    location=Location(file=str(target)),
                    hint="the file may still be being written; validate the drop once it is complete",
                )

    def file(self, role: str) -> DropFile | None:
        for f in self.files:
            if f.role == role:
                return f
        return None

    @property
    def on_server(self) -> bool:
        """Some entry is read from a database server (validated on every run)."""
        return any(f.on_server for f in self.files)

    def to_report(self, database_url: str | None = None) -> dict[str, Any]:
        """The drop as a report names it. ``database_url``: the server URL given on the
        command line, which a PostgreSQL entry reads instead of its own; shown without
        its password, as every URL in a report."""
        out: dict[str, Any] = {"id": self.id, "path": str(self.folder)}
        if self.publisher:
            out["publisher"] = self.publisher
        if self.published_at:
            out["published_at"] = self.published_at
        out["files"] = {f.path: f.sha256 for f in self.files if not f.on_server}
        databases = [_database_report(f, database_url) for f in self.files if f.database]
        if databases:
            out["databases"] = databases
        return out


def _database_report(f: DropFile, database_url: str | None) -> dict[str, Any]:
    from statcheck.drops.database import effective_url, redact

    out: dict[str, Any] = {"role": f.role, "database": f.database}
    if f.on_server:
        url = effective_url(f, database_url)
        out["url"] = redact(url) if url else None
    else:
        out["path"] = f.path
    if f.table is not None:
        out["table"] = f.table
    else:
        out["query"] = f.query
    return out


def read_drop(folder: str | Path) -> Drop:
    """Read a drop's manifest and check the drop is complete; raise DropNotReady if not."""
    root = Path(folder)
    manifest = root / MANIFEST
    data = _manifest_mapping(root, manifest)
    files_raw = data.get("files")
    if not isinstance(files_raw, list) or not files_raw:
        raise INVALID_MANIFEST(
            "the manifest lists no files",
            location=Location(file=str(manifest), line=data.line_of("files")),
        )
    files = tuple(_read_entry(e, manifest, root) for e in files_raw)
    _check_roles(files, files_raw, manifest)
    stamps = tuple((f.path, _check_ready(root, f, manifest)) for f in files if not f.on_server)
    return Drop(
        folder=root,
        id=str(data.get("id", folder_name(root))),
        files=files,
        publisher=_opt_str(data.get("publisher")),
        published_at=_published_at(data, manifest),
        description=_opt_str(data.get("description")),
        stamps=stamps,
    )


def _manifest_mapping(root: Path, manifest: Path) -> Mapping:
    """The manifest as a YAML mapping, once the folder and the manifest are there."""
    if not root.is_dir():
        raise DROP_MISSING(
            f"drop folder {str(root)!r} does not exist",
            location=Location(file=str(root)),
        )
    if manifest.exists() and not manifest.is_file():
        raise _not_a_file(manifest)
    if not manifest.is_file():
        raise MANIFEST_MISSING(
            f"drop {folder_name(root)!r} has no {MANIFEST}: it may still be arriving",
            location=Location(file=str(manifest)),
            hint="a drop is validated only once its manifest lists its files and their SHA-256",
        )
    try:
        text = _read_bytes(manifest).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise INVALID_MANIFEST(
            "the manifest is not UTF-8",
            location=Location(file=str(manifest)),
        ) from None
    try:
        data = load_yaml(text, str(manifest))
    except StatcheckError as exc:
        raise INVALID_MANIFEST(exc.message, location=exc.location, hint=exc.hint) from None
    if not isinstance(data, Mapping):
        raise INVALID_MANIFEST(
            "the manifest must be a mapping with id and files",
            location=Location(file=str(manifest)),
        )
    return data


def _check_roles(files: tuple[DropFile, ...], files_raw: list[Any], manifest: Path) -> None:
    """A figures table, and at most one table per role: two figure files could disagree
    on an id."""
    if not any(f.role == "figures" for f in files):
        raise INVALID_MANIFEST(
            "the manifest lists no file with role: figures",
            location=Location(file=str(manifest)),
        )
    for role in ROLES:
        listed = [i for i, f in enumerate(files) if f.role == role]
        if len(listed) > 1:
            second = files_raw[listed[1]]
            raise INVALID_MANIFEST(
                f"the manifest lists {len(listed)} files with role: {role} "
                f"({', '.join(files[i].path for i in listed)}); a drop has one {role} table",
                location=Location(file=str(manifest), line=getattr(second, "line", None)),
                hint="combine them into one file, or make them separate drops",
            )


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _published_at(data: Mapping, manifest: Path) -> str | None:
    """``published_at`` as written, once it is known to be a real date: revision rules
    order drops by it and ask which periods were open on it."""
    value = data.get("published_at")
    if value is None:
        return None
    text = str(value).strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        date.fromisoformat(text)
    except ValueError:
        raise INVALID_MANIFEST(
            f"published_at {text!r} is not a date",
            location=Location(file=str(manifest), line=data.line_of("published_at")),
            hint="write the day the drop was published as YYYY-MM-DD, e.g. 2025-01-06",
        ) from None
    return text


def _read_bytes(path: Path) -> bytes:
    """A file's bytes; a file that cannot be opened is the input's fault, not statcheck's."""
    try:
        return path.read_bytes()
    except (OSError, ValueError) as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: BaseException) -> StatcheckError:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return UNREADABLE_FILE(
        f"{str(path)!r} cannot be opened: {reason}",
        location=Location(file=str(path)),
        hint="check the file's permissions and that any link in its path leads to a file",
    )


def _lines(
    entry: dict[str, Any], key: str, least: int, where: Location, what: str, hint: str
) -> int:
    """A count of lines the entry gives (``header``, ``footer``): a whole number, at least
    ``least`` (its default)."""
    n = entry.get(key, least)
    if isinstance(n, bool) or not isinstance(n, int) or n < least:
        raise INVALID_MANIFEST(
            f"{key} {n!r} must be {what} ({least} or more)", location=where, hint=hint
        )
    return n


def _not_a_file(path: Path) -> StatcheckError:
    """A path that is there but no regular file: no wait makes it one."""
    what = "a folder" if path.is_dir() else "a device, a pipe or a socket"
    return UNREADABLE_FILE(
        f"{str(path)!r} is {what}, not a file",
        location=Location(file=str(path)),
        hint="a drop lists regular files (and its manifest, drop.yml, is one)",
    )


def folder_name(folder: Path) -> str:
    """A folder's own name, also when given as ``.`` or ``./`` (whose name is empty)."""
    return folder.name or folder.resolve().name or str(folder)


def _opt_str(v: Any) -> str | None:
    return None if v is None else str(v)


def _read_entry(entry: Any, manifest: Path, root: Path) -> DropFile:
    where = Location(file=str(manifest), line=getattr(entry, "line", None))
    if isinstance(entry, dict) and "database" in entry:
        return _read_database_entry(entry, where)
    if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
        raise INVALID_MANIFEST("each file entry needs a path", location=where)
    path = _entry_path(entry["path"], where)
    role = entry.get("role", "figures")
    if role not in ROLES:
        raise INVALID_MANIFEST(
            f"file {path!r} has role {role!r}",
            location=where,
            hint=f"use one of: {', '.join(ROLES)}",
        )
    fmt = _format(entry, path, where)
    for key in ("encoding", "delimiter", "header", "footer"):
        if key in entry and key not in FORMAT_FIELDS[fmt]:
            raise INVALID_MANIFEST(
                f"file {path!r}: `{key}` does not apply to a {fmt} file",
                location=where,
                hint=f"remove `{key}`, or declare the file's real `format:`",
            )
    decimal = str(entry.get("decimal", "."))
    if decimal not in (".", ","):
        raise INVALID_MANIFEST(f"decimal mark {decimal!r} must be '.' or ','", location=where)
    delimiter = str(entry.get("delimiter", ","))
    if len(delimiter) != 1 or delimiter in ('"', "\n", "\r"):
        raise INVALID_MANIFEST(
            f"delimiter {delimiter!r} must be one character, not a quote or line break",
            location=where,
        )
    header = _lines(
        entry, "header", 1, where, "the line number of the column names",
        "header: 3 reads the column names from line 3 and skips lines 1 and 2",
    )  # fmt: skip
    footer = _lines(
        entry, "footer", 0, where, "the number of lines at the end to skip",
        "footer: 2 skips the last two lines (a totals row and a source line, say)",
    )  # fmt: skip
    encoding = entry.get("encoding", "utf-8")
    if not isinstance(encoding, str) or not _is_text_encoding(encoding):
        raise UNSUPPORTED_ENCODING(
            f"file {path!r} has encoding {encoding!r}, which this version cannot decode",
            location=where,
            hint="use a name such as utf-8, cp1252, latin-1, utf-16",
        )
    return DropFile(
        path=path,
        role=role,
        sha256=_sha256(entry, path, where),
        format=fmt,
        encoding=encoding,
        delimiter=delimiter,
        decimal=decimal,
        header=header,
        footer=footer,
    )


def _read_database_entry(entry: dict[str, Any], where: Location) -> DropFile:
    """An entry that reads a database (see statcheck.drops.database): ``database``,
    ``table`` or ``query``, and a ``path`` + ``sha256`` (duckdb) or a ``url`` (postgresql)."""
    from statcheck.drops.database import DATABASES

    kind = str(entry["database"]).lower()
    if kind not in DATABASES:
        raise UNSUPPORTED_FORMAT(
            f"database {entry['database']!r} is not one this version reads",
            location=where,
            hint=f"databases: {', '.join(DATABASES)}",
        )
    name = f"{kind} entry"
    server = kind == "postgresql"
    takes = {"database", "role", "table", "query", "decimal"}
    takes |= {"url"} if server else {"path", "sha256"}
    for key in entry:
        if key not in takes:
            raise INVALID_MANIFEST(
                f"{name}: `{key}` does not apply to a {kind} database",
                location=where,
                hint=f"a {kind} entry takes: {', '.join(sorted(takes))}"
                + (" (a server has no file and no checksum)" if server else ""),
            )
    table, query = _table_or_query(entry, name, where)
    path = "" if server else _database_path(entry, name, where)
    url = _server_url(entry, name, where)
    role = entry.get("role", "figures")
    if role not in ROLES:
        raise INVALID_MANIFEST(
            f"{name} has role {role!r}",
            location=where,
            hint=f"use one of: {', '.join(ROLES)}",
        )
    decimal = str(entry.get("decimal", "."))
    if decimal not in (".", ","):
        raise INVALID_MANIFEST(f"decimal mark {decimal!r} must be '.' or ','", location=where)
    return DropFile(
        path=path,
        role=role,
        sha256=None if server else _sha256(entry, path, where),
        format=kind,
        decimal=decimal,
        database=kind,
        table=table,
        query=query,
        url=url,
    )


def _table_or_query(entry: dict[str, Any], name: str, where: Location) -> tuple[Any, Any]:
    """A database entry's ``table`` or ``query``: exactly one, as text."""
    table, query = entry.get("table"), entry.get("query")
    if (table is None) == (query is None):
        raise INVALID_MANIFEST(
            f"{name}: give either `table` or `query`",
            location=where,
            hint="table: figures (names as stored; schema.table for another schema), "
            'or query: "SELECT … ORDER BY …"',
        )
    for key, text in (("table", table), ("query", query)):
        if text is not None and (not isinstance(text, str) or not text.strip()):
            raise INVALID_MANIFEST(f"{name}: `{key}` must be text", location=where)
    return table, query


def _database_path(entry: dict[str, Any], name: str, where: Location) -> str:
    """A DuckDB entry's file, inside the drop."""
    path = entry.get("path")
    if not isinstance(path, str):
        raise INVALID_MANIFEST(
            f"{name}: `path` must name the database file in the drop",
            location=where,
        )
    return _entry_path(path, where)


def _server_url(entry: dict[str, Any], name: str, where: Location) -> str | None:
    """A PostgreSQL entry's URL: a postgresql:// URL that holds no password."""
    from statcheck.drops.database import URL_SCHEMES, has_password, redact

    url = entry.get("url")
    if url is None:
        return None
    if not isinstance(url, str) or url.split("://", 1)[0] not in URL_SCHEMES:
        raise INVALID_MANIFEST(
            f"{name}: `url` must be a postgresql:// URL",
            location=where,
            hint="postgresql://HOST:PORT/DATABASE (the user may come before the host)",
        )
    if has_password(url):
        raise INVALID_MANIFEST(
            f"{name}: the URL holds a password ({redact(url)}); a manifest never does",
            location=where,
            hint="give the password in PGPASSWORD or ~/.pgpass, or the whole URL in "
            "STATCHECK_DATABASE_URL or --database-url",
        )
    return url


def _entry_path(path: str, where: Location) -> str:
    """A listed path, refused when it names nothing or leaves the drop folder."""
    if not path.strip() or "\0" in path:
        what = "is empty" if not path.strip() else "holds a NUL character"
        raise INVALID_MANIFEST(f"file path {path!r} {what}", location=where)
    if Path(path).is_absolute() or ".." in Path(path).parts:
        raise UNSAFE_PATH(f"file path {path!r} leaves the drop folder", location=where)
    return path


_SHA256 = re.compile(r"[0-9a-f]{64}")


def _sha256(entry: dict[str, Any], path: str, where: Location) -> str | None:
    """The listed SHA-256: 64 hexadecimal digits, or absent (the drop is then not ready)."""
    sha = entry.get("sha256")
    if sha is None:
        return None
    text = str(sha).strip().lower()
    if not _SHA256.fullmatch(text):
        prefixed = text.startswith("sha256:")
        raise INVALID_MANIFEST(
            f"file {path!r}: sha256 {str(sha)!r} is not a SHA-256 (64 hexadecimal digits)",
            location=where,
            hint="write the digits alone, without 'sha256:'"
            if prefixed
            else f"sha256sum {path} prints it",
        )
    return text


def _format(entry: Any, path: str, where: Location) -> str:
    """The declared format, or the one the file's suffix names (no suffix: csv)."""
    suffix = Path(path).suffix.lower()
    declared = entry.get("format")
    if declared is None:
        if not suffix:
            return "csv"
        if suffix not in SUFFIXES:
            raise UNSUPPORTED_FORMAT(
                f"file {path!r}: no format is declared and {suffix!r} names none this version reads",
                location=where,
                hint=f"declare `format:` ({', '.join(FORMATS)}); compressed files are not read",
            )
        return SUFFIXES[suffix]
    fmt = FORMAT_ALIASES.get(str(declared).lower(), str(declared).lower())
    if fmt not in FORMATS:
        raise UNSUPPORTED_FORMAT(
            f"file {path!r} has format {declared!r}, which this version cannot read",
            location=where,
            hint=f"formats: {', '.join(FORMATS)} (ndjson is jsonl)",
        )
    return fmt


def _is_text_encoding(name: str) -> bool:
    try:
        "".encode(codecs.lookup(name).name)  # base64 and the like are not text encodings
    except LookupError:
        return False
    return True


def _check_ready(root: Path, f: DropFile, manifest: Path) -> FileStamp:
    """Check one listed file is there with its checksum; its stamp from before the hash."""
    target = root / f.path
    # The file itself or a folder on its way may be a link: where it resolves is what counts.
    try:
        resolved = target.resolve(strict=False)
    except (OSError, RuntimeError) as exc:  # a link loop
        raise _unreadable(target, exc) from None
    if not resolved.is_relative_to(root.resolve()):
        raise UNSAFE_PATH(
            f"{f.path!r} is a link to a file outside the drop",
            location=Location(file=str(target)),
        )
    if target.exists() and not target.is_file():
        raise _not_a_file(target)
    if not target.is_file():
        raise FILE_MISSING(
            f"{f.path!r}, listed in the manifest, is not in the drop",
            location=Location(file=str(target)),
        )
    if f.sha256 is None:
        raise CHECKSUM_MISSING(
            f"the manifest gives no sha256 for {f.path!r}",
            location=Location(file=str(manifest)),
            hint=f"add `sha256: {sha256_of(target)}` once the file is complete",
        )
    try:
        stamp = FileStamp.of(target)
        actual = sha256_of(target)
    except OSError as exc:
        raise _unreadable(target, exc) from None
    if actual != f.sha256:
        raise CHECKSUM_MISMATCH(
            f"{f.path!r} does not match its checksum: the manifest says {f.sha256[:12]}…, the file is {actual[:12]}…",
            location=Location(file=str(target)),
            hint="the file may still be being written, or was changed after the manifest",
        )
    wal = target.with_name(target.name + ".wal")
    if f.database == "duckdb" and wal.exists():
        raise DATABASE_OPEN(
            f"{f.path!r} is still open for writing: {wal.name} is beside it",
            location=Location(file=str(wal)),
            hint="close the database (or CHECKPOINT) before taking its checksum; the checksum does not cover the .wal",
        )
    return stamp


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
