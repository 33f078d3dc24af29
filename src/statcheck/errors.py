"""statcheck's errors: every kind declared once, here, as data.

An :class:`ErrorKind` is a slug with its exit code, the exception family it is raised as,
the part of the input it concerns (:class:`Concern`) and the sentence the error reference
prints for it. Code raises an error by its kind's name, never by a slug written at the
raise site::

    raise INVALID_MANIFEST("drop.yml lists no files", location=Location(file=...))

:data:`CATALOGUE` holds every kind in declaration order; the error reference in the docs
(``docs/errors.md``) is generated from it (:mod:`statcheck.reference`), and a test fails
on any slug raised that is not declared.

Failures of *data* against rules are not errors: they are findings in a report (see
``statcheck.report``). The only exceptions the library lets escape are
:class:`StatcheckError` and its subclasses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum, IntEnum
from typing import Any


class ExitCode(IntEnum):
    """Process exit codes, documented in the README."""

    OK = 0  # every rule passed (undetermined rules do not fail a run)
    FAILED = 1  # the data failed at least one rule
    CONTRACT = 2  # the suite, the data's shape or the command line is wrong
    INTERNAL = 3  # statcheck itself broke; the report is still written, saying so
    NOT_READY = 4  # the drop is incomplete: manifest or file missing, checksum mismatch


@dataclass(frozen=True)
class Location:
    """Where a problem is: any of file, line, rule, row, column may be known."""

    file: str | None = None
    line: int | None = None
    rule: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts: list[str] = []
        if self.file:
            parts.append(self.file + (f":{self.line}" if self.line else ""))
        if self.rule:
            parts.append(f"rule {self.rule!r}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, str | int]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Location:
        data = data or {}
        return cls(**{k: data.get(k) for k in ("file", "line", "rule", "row", "column")})


# ---------------------------------------------------------------- the exception families


@dataclass
class StatcheckError(Exception):
    """Base of every error statcheck raises on purpose."""

    message: str
    slug: str = "statcheck-error"
    location: Location = field(default_factory=Location)
    hint: str | None = None
    exit_code: ExitCode = ExitCode.CONTRACT

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def __str__(self) -> str:
        where = str(self.location)
        text = f"{where}: {self.message}" if where else self.message
        return f"{text} ({self.hint})" if self.hint else text


@dataclass
class DataError(StatcheckError):
    """A figure or source table cannot be read as one: missing column, unreadable cell."""

    slug: str = "invalid-data"


@dataclass
class ValueParseError(DataError):
    """A reported value could not be read as a number, or could be read more than one way."""

    slug: str = "invalid-number"


@dataclass
class PeriodParseError(DataError):
    """A period label is not one statcheck understands; never replaced by a guess."""

    slug: str = "invalid-period"


@dataclass
class SuiteError(StatcheckError):
    """The suite (contract) is wrong: unknown rule kind, missing field, bad reference.
    Raised for the first mistake in the file; ``also`` holds every other one found."""

    slug: str = "invalid-suite"
    also: tuple[StatcheckError, ...] = ()


@dataclass
class SuiteArgumentError(SuiteError, TypeError):
    """A suite or rule built in Python got an argument it cannot use (also a ``TypeError``)."""

    slug: str = "bad-argument"


@dataclass
class DropNotReady(StatcheckError):
    """The drop is incomplete (manifest or listed file missing, checksum mismatch)."""

    slug: str = "drop-not-ready"
    exit_code: ExitCode = ExitCode.NOT_READY


@dataclass
class UnsupportedInput(StatcheckError, TypeError):
    """An argument statcheck cannot use (also a ``TypeError``): exit code 2."""

    slug: str = "unsupported-input"


# ---------------------------------------------------------------- the catalogue


class Concern(Enum):
    """What part of the input an error is about: the sections of the error reference."""

    NOT_READY = "The drop is not ready (wait for it, nothing is wrong yet)"
    MANIFEST = "The manifest"
    FILE = "Reading a file"
    CELL = "A cell (file, row and column named; the message quotes the cell)"
    SUITE = "The suite (suite file and line; the rule id where there is one)"
    DATABASE = "Reading a database"
    USAGE = "The command line, the API and the batch job"
    INTERNAL = "statcheck itself"


@dataclass(frozen=True)
class ErrorKind:
    """One kind of error: its stable slug, what it means, and how it is raised."""

    slug: str
    concern: Concern
    meaning: str  # one sentence for the error reference
    family: type[StatcheckError]
    exit_code: ExitCode = ExitCode.CONTRACT
    hint: str | None = None  # the default hint, where the raise site gives none

    def __call__(
        self,
        message: str,
        *,
        location: Location | None = None,
        hint: str | None = None,
        family: type[StatcheckError] | None = None,
    ) -> StatcheckError:
        """The exception to raise; ``family`` where the same kind of problem belongs to
        another family at this site (a suite file's encoding is a ``SuiteError``)."""
        return (family or self.family)(
            message,
            slug=self.slug,
            location=location or Location(),
            hint=hint if hint is not None else self.hint,
            exit_code=self.exit_code,
        )

    @property
    def constant(self) -> str:
        """The name the kind is declared under in this module."""
        return self.slug.upper().replace("-", "_")


CATALOGUE: dict[str, ErrorKind] = {}


def _declare(
    slug: str,
    concern: Concern,
    meaning: str,
    family: type[StatcheckError],
    *,
    exit_code: ExitCode = ExitCode.CONTRACT,
    hint: str | None = None,
) -> ErrorKind:
    if slug in CATALOGUE:
        raise ValueError(f"error slug {slug!r} declared twice")
    kind = ErrorKind(slug, concern, meaning, family, exit_code, hint)
    CATALOGUE[slug] = kind
    return kind


def kind_of(slug: str) -> ErrorKind | None:
    """The declared kind of a slug, or None."""
    return CATALOGUE.get(slug)


_R, _M, _F, _C = Concern.NOT_READY, Concern.MANIFEST, Concern.FILE, Concern.CELL
_S, _D, _U = Concern.SUITE, Concern.DATABASE, Concern.USAGE
_WAIT = ExitCode.NOT_READY

# The drop is not ready: exit 4.
DROP_MISSING = _declare(
    "drop-missing", _R, "the drop folder does not exist", DropNotReady, exit_code=_WAIT
)
MANIFEST_MISSING = _declare(
    "manifest-missing",
    _R,
    "no `drop.yml` yet: the drop may still be arriving",
    DropNotReady,
    exit_code=_WAIT,
)
FILE_MISSING = _declare(
    "file-missing",
    _R,
    "a file the manifest lists is not in the folder",
    DropNotReady,
    exit_code=_WAIT,
)
CHECKSUM_MISSING = _declare(
    "checksum-missing",
    _R,
    "the manifest gives no `sha256` for a file (the hint prints it)",
    DropNotReady,
    exit_code=_WAIT,
)
CHECKSUM_MISMATCH = _declare(
    "checksum-mismatch", _R,
    "a file does not match its `sha256`: still being written, or changed afterwards", DropNotReady, exit_code=_WAIT,
)  # fmt: skip

# The manifest.
INVALID_MANIFEST = _declare(
    "invalid-manifest", _M,
    "`drop.yml` is not UTF-8 or not YAML, lists no files or no `role: figures` file, lists two files "
    "with the same role (a drop has one figure table and one source table), has an unknown role, a "
    "field that does not apply to the format (never ignored), a bad `header` (not a line number "
    "≥ 1) or `footer` (not a count of lines the file has), `delimiter` or `decimal`, or a "
    "`published_at` that is not a date",
    DataError,
)  # fmt: skip
UNSAFE_PATH = _declare(
    "unsafe-path", _M,
    "a listed path is absolute or holds `..`, or resolves (through a link to the file or to a "
    "folder on its way) outside the drop",
    DataError,
)  # fmt: skip
UNSUPPORTED_FORMAT = _declare(
    "unsupported-format", _M,
    "the declared format, or the suffix, is not one statcheck reads (`.xlsx`, `.csv.gz`: "
    "compressed files are never expanded)",
    DataError,
)  # fmt: skip
UNSUPPORTED_ENCODING = _declare(
    "unsupported-encoding", _M,
    "the manifest names an encoding Python does not know, or a non-text codec (`base64`)", DataError,
)  # fmt: skip

# Reading a file.
BEYOND_MEMORY = _declare(
    "beyond-memory",
    _F,
    "checking the files would need more memory than statcheck may use (estimated from their "
    "size before anything is read; the message gives both numbers): use a larger machine, "
    "`--max-memory`, or the Spark engine",
    DataError,
)
UNREADABLE_FILE = _declare(
    "unreadable-file",
    _F,
    "a listed file (or the manifest) cannot be opened: no permission to read it, a link that "
    "points to itself, a path the system refuses, or no regular file (a folder, a device, a "
    "pipe)",
    DataError,
)
INVALID_ENCODING = _declare(
    "invalid-encoding", _F,
    "a byte does not decode in the declared encoding (byte offset and line; a hint when the file "
    "starts with another encoding's byte-order mark); a NUL byte (UTF-16 without a byte-order "
    "mark, a binary file); UTF-16/32 declared without a byte-order mark; a suite that is not UTF-8",
    DataError,
)  # fmt: skip
EMPTY_FILE = _declare(
    "empty-file",
    _F,
    "the file is empty or only white space, or names its columns but holds no rows",
    DataError,
)
BAD_HEADER = _declare(
    "bad-header", _F,
    "the header row is blank, has a blank name (in a CSV a suite's `table:` reads, only a column "
    "it reads must have one), repeats a name, has names that differ only by "
    "case or surrounding spaces (`Region`, `region `), names a column as one statcheck works out "
    "for each figure (`low`, `high`, `percent`, `_row`, `_duplicate`, `_position`), or "
    "`header:` points past the end of the file",
    DataError,
)  # fmt: skip
UNREADABLE_CSV = _declare(
    "unreadable-csv", _F,
    "a row has more cells than the header (line named: an unquoted `North,60,000` is an extra "
    "cell, never the value 60), a quoted cell is never closed (line of its opening quote), the "
    "header is one column holding `;`, tab or `|` (declare `delimiter:`), or the parser refused the file",
    DataError,
)  # fmt: skip
UNREADABLE_PARQUET = _declare(
    "unreadable-parquet", _F,
    "not a Parquet file (a CSV named `.parquet`: declare `format: csv`), cut short (no footer), or damaged",
    DataError,
)  # fmt: skip
UNREADABLE_JSON = _declare(
    "unreadable-json", _F,
    "not an array of records (a top-level object, or a list of non-objects: which element), not "
    "well formed (line and column), a JSON Lines line that is not an object, or a number no float "
    "holds (`1e400`, `1e-400`)",
    DataError,
)  # fmt: skip
UNSUPPORTED_COLUMN_TYPE = _declare(
    "unsupported-column-type", _F,
    "a Parquet or JSON column holds nested values (objects, lists): column and first row", DataError,
)  # fmt: skip
MISSING_COLUMN = _declare(
    "missing-column", _F,
    "a required column (`figure_id`, `metric`, `value`, `unit`, `source_id`, a period; "
    "`source_id`, `name`, `kind` for sources) or a column the suite's `table:` mapping reads is missing "
    "(the hint lists the file's columns)",
    DataError,
)  # fmt: skip

# A cell.
MISSING_VALUE = _declare(
    "missing-value", _C,
    "a required cell is empty, or the value is a spelling of \"no value\": `NA`, `n/a`, `-`, `—`, "
    "`..`, `x`, … (in a publisher's table read with a suite's `table:`, declare its markers in "
    "`missing_values:`; in a figure table, leave the figure out, or write `0` if the mark means zero)",
    ValueParseError,
)  # fmt: skip
DUPLICATE_FIGURE_ID = _declare(
    "duplicate-figure-id", _C, "two rows of the figure table have the same `figure_id`", DataError
)
DUPLICATE_SOURCE_ID = _declare(
    "duplicate-source-id", _C, "two rows of the source table have the same `source_id`", DataError
)
INVALID_NUMBER = _declare(
    "invalid-number", _C,
    "the value is not a number as people print them (`12 apples`, `1.2.3`, `0x10`)",
    ValueParseError,
)  # fmt: skip
AMBIGUOUS_NUMBER = _declare(
    "ambiguous-number", _C,
    "the value could be read two ways: `2,5` (decimal comma or thousands?), `(5)` (a negative "
    "number in accounts, a note elsewhere: write `-5`)",
    ValueParseError,
)  # fmt: skip
UNEXPECTED_TEXT = _declare(
    "unexpected-text", _C,
    "a number followed by other text, such as a footnote mark: `60,000*`, `60,000[1]` (move the "
    "note to the `note` column)",
    ValueParseError,
)  # fmt: skip
NOT_FINITE = _declare(
    "not-finite",
    _C,
    "a typed number that is infinite or NaN, or a printed one too large for any float (`1e400`)",
    ValueParseError,
)
INEXACT_NUMBER = _declare(
    "inexact-number", _C,
    "more significant digits than a 64-bit float keeps, or closer to 0 than one keeps, so it "
    "would silently become another number (`9007199254740993`, any integer beyond 2^53; "
    "`1e-400`, which would be 0)",
    ValueParseError,
)  # fmt: skip
UNIT_MISMATCH = _declare(
    "unit-mismatch",
    _C,
    "a value with `%` whose unit is not percent (`12%` in a count column)",
    DataError,
)
UNKNOWN_QUALIFIER = _declare(
    "unknown-qualifier", _C, "the `qualifier` column holds an unknown word", ValueParseError
)
CONFLICTING_QUALIFIER = _declare(
    "conflicting-qualifier", _C,
    "the `qualifier` contradicts the value's own (`about 5` marked `at_least`)", ValueParseError,
)  # fmt: skip
BAD_PRECISION = _declare("bad-precision", _C, "`precision` is not a number ≥ 0", ValueParseError)
BAD_SCALE = _declare("bad-scale", _C, "`scale` is not a positive number", DataError)
INVALID_PERIOD = _declare(
    "invalid-period", _C,
    "a period label statcheck does not read (`Jan to Oct 2024`, `10/11/12`, a spreadsheet "
    "serial `45292`); never replaced by a guess or today's date",
    PeriodParseError,
)  # fmt: skip
INVALID_DATE = _declare(
    "invalid-date",
    _C,
    "a date that is not `YYYY-MM-DD`, does not exist (`2024-02-30`), or, in a frame's date "
    "column, falls outside the years 1 to 9999",
    PeriodParseError,
)
MISSING_PERIOD = _declare("missing-period", _C, "a figure without a period", PeriodParseError)
PERIOD_REVERSED = _declare(
    "period-reversed", _C,
    "a period that ends before it starts (`2024/2023`, or `period_end` before `period_start`)",
    PeriodParseError,
)  # fmt: skip
UNKNOWN_STATUS = _declare("unknown-status", _C, "a `status` outside the allowed words", DataError)
UNKNOWN_SOURCE_KIND = _declare(
    "unknown-source-kind", _C, "a source `kind` outside the allowed words", DataError
)

# The suite.
SUITE_NOT_FOUND = _declare("suite-not-found", _S, "the suite file cannot be read", SuiteError)
SUITE_NOT_A_FILE = _declare(
    "suite-not-a-file", _S,
    "the suite path is a folder, a device (`/dev/zero`), a pipe or a socket: a suite is a "
    "regular file, and nothing is read from anything else",
    SuiteError,
)  # fmt: skip
SUITE_TOO_LARGE = _declare(
    "suite-too-large", _S,
    "the suite file is larger than 16 MB (10,000 rules take about 1 MB): nothing beyond the "
    "limit is read",
    SuiteError,
)  # fmt: skip
BAD_ARGUMENT = _declare(
    "bad-argument", _S,
    "`statcheck.suite(...)` or `statcheck.rules.<kind>(...)` got an argument it cannot use (a "
    "number where the list of rules goes, a mapping or `None` as an id): the message names the "
    "argument. Also a `TypeError`, as are a builder's unknown or missing keywords "
    "(`unknown-field`, `missing-field`)",
    SuiteArgumentError,
)  # fmt: skip
INVALID_SUITE = _declare(
    "invalid-suite", _S, "the suite, or one of its rules, is not a mapping", SuiteError
)
INVALID_YAML = _declare("invalid-yaml", _S, "not valid YAML (line given)", SuiteError)
UNSAFE_YAML = _declare(
    "unsafe-yaml", _S,
    "a YAML tag such as `!!python/object/apply`: suites are plain data, nothing in them is run", SuiteError,
)  # fmt: skip
YAML_TOO_LARGE = _declare(
    "yaml-too-large", _S,
    "an alias bomb (aliases that expand to more than 100,000 values; a long suite without "
    "aliases is fine), an alias that contains itself, nesting deeper than 100 levels, or more "
    "than 1,000,000 values written (10,000 rules hold about 130,000)", SuiteError,
)  # fmt: skip
DUPLICATE_KEY = _declare("duplicate-key", _S, "a key twice in one mapping", SuiteError)
UNKNOWN_RULE_KIND = _declare(
    "unknown-rule-kind",
    _S,
    "a rule of a kind statcheck lacks (a close name is suggested)",
    SuiteError,
)
UNKNOWN_FIELD = _declare(
    "unknown-field",
    _S,
    "a rule or the suite has a field it does not take (a close name is suggested)",
    SuiteError,
)
MISSING_FIELD = _declare(
    "missing-field", _S, "a rule or the suite lacks a field it needs", SuiteError
)
INVALID_RULE = _declare("invalid-rule", _S, "a rule has a value it cannot use", SuiteError)
BAD_TOLERANCE = _declare("bad-tolerance", _S, "a tolerance that is not a number ≥ 0", SuiteError)
DUPLICATE_RULE_ID = _declare("duplicate-rule-id", _S, "two rules with one id", SuiteError)
UNKNOWN_FIGURE = _declare(
    "unknown-figure", _S,
    "a rule names a figure id that is not in the drop (the rule is in error, the others run)", SuiteError,
)  # fmt: skip
AMBIGUOUS_SELECTOR = _declare(
    "ambiguous-selector",
    _S,
    "a selector matches more than one figure where a rule needs one",
    SuiteError,
)
UNKNOWN_COLUMN = _declare(
    "unknown-column",
    _S,
    "the `table:` mapping or a rule names a column the table lacks",
    SuiteError,
)
INVALID_TABLE_MAPPING = _declare(
    "invalid-table-mapping", _S, "the `table:` mapping is inconsistent", SuiteError
)
INVALID_SCHEMA = _declare("invalid-schema", _S, "the `schema:` section is wrong", SuiteError)
UNKNOWN_SHARE_UNIT = _declare(
    "unknown-share-unit",
    _S,
    "a ratio's share has a unit without a default scale: give `scale:`",
    SuiteError,
)

# Reading a database.
DATABASE_REFUSED = _declare(
    "database-refused",
    _D,
    "the server refused the login: user, password or database name wrong",
    DataError,
)
DATABASE_URL_MISSING = _declare(
    "database-url-missing",
    _D,
    "a `postgresql` entry without `url`, and no `--database-url` or `STATCHECK_DATABASE_URL`",
    DataError,
)
INVALID_DATABASE_URL = _declare(
    "invalid-database-url",
    _D,
    "the database URL is not a `postgresql://` URL statcheck can use",
    DataError,
)
WRITE_REFUSED = _declare(
    "write-refused", _D, "the query would change the database; nothing was changed", DataError
)
INVALID_QUERY = _declare(
    "invalid-query",
    _D,
    "the database could not run the query (its own message given), or a DuckDB query tried to read another file",
    DataError,
)
UNREADABLE_DATABASE = _declare(
    "unreadable-database",
    _D,
    "the drop's file is not a DuckDB database (or is from a newer DuckDB)",
    DataError,
)
EMPTY_TABLE = _declare(
    "empty-table", _D, "the table or query names its columns but gives no rows", DataError
)
TABLE_MISSING = _declare(
    "table-missing",
    _D,
    "the table, or a table the query reads, is not in the database (it may still be being loaded)",
    DropNotReady,
    exit_code=_WAIT,
)
DATABASE_UNREACHABLE = _declare(
    "database-unreachable",
    _D,
    "the server cannot be reached (down, refused, starting up, unknown host)",
    DropNotReady,
    exit_code=_WAIT,
)
DATABASE_OPEN = _declare(
    "database-open",
    _D,
    "a DuckDB file has a `.wal` beside it: still open for writing",
    DropNotReady,
    exit_code=_WAIT,
)

# The command line, the API and the batch job.
UNKNOWN_ENGINE = _declare(
    "unknown-engine", _U, "`--engine` is not `polars`, `pandas` or `spark`", UnsupportedInput
)
UNSUPPORTED_INPUT = _declare(
    "unsupported-input",
    _U,
    "`statcheck.validate` got something it cannot check (a list)",
    UnsupportedInput,
)
NO_SUITES = _declare("no-suites", _U, "the expectations folder holds no suite", StatcheckError)
DROPS_FOLDER_MISSING = _declare(
    "drops-folder-missing", _U, "`--drops` names a folder that does not exist", StatcheckError
)
DUPLICATE_DROP_ID = _declare(
    "duplicate-drop-id", _U, "two drop folders of one suite have the same manifest `id`", StatcheckError,
    hint="give each drop its own `id` in drop.yml; reports are keyed by it",
)  # fmt: skip
INVALID_MEMORY_LIMIT = _declare(
    "invalid-memory-limit",
    _U,
    "`--max-memory` or `STATCHECK_MAX_MEMORY` is not an amount of memory (`8G`, `512M`)",
    UnsupportedInput,
)
OUTPUT_ON_INPUT = _declare(
    "output-on-input",
    _U,
    "a report, JUnit file or summary would be written onto the suite or inside a drop being "
    "read: outputs never land on inputs (choose another `--out`)",
    UnsupportedInput,
)
UNWRITABLE_OUTPUT = _declare(
    "unwritable-output",
    _U,
    "an output cannot be written where it is asked for: the path is a folder, a special "
    "file system, or not writable",
    UnsupportedInput,
)
NO_REPORTS = _declare("no-reports", _U, "`statcheck docs` found no report", StatcheckError)
INIT_REFUSED = _declare(
    "init-refused", _U,
    "`statcheck init` cannot write the manifest: the folder has one already (`--refresh` "
    "updates its checksums), or holds no data file, or several candidate figures tables "
    "(`--figures FILE` names one)",
    StatcheckError,
)  # fmt: skip
ADJUST_REFUSED = _declare(
    "adjust-refused", _U,
    "`statcheck adjust --out DIR` cannot write the adjusted drop: DIR holds files already "
    "(`--force` writes over them), the input is not a drop folder, or its figures table is "
    "in a format or database it cannot rewrite (CSV and Parquet files are rewritten)",
    StatcheckError,
)  # fmt: skip
MISSING_EXTRA = _declare(
    "missing-extra", _U,
    "an optional extra (Great Expectations, PySpark, a database driver) is not installed", StatcheckError,
)  # fmt: skip
SPARK_UNAVAILABLE = _declare(
    "spark-unavailable", _U, "Spark could not be started (no Java runtime, or the master is unreachable)",
    StatcheckError,
)  # fmt: skip
VALIDATION_FAILED = _declare(
    "validation-failed", _U,
    "`report.raise_for_failures()` or `check_output`: the figures did not pass (exit code of the report)",
    StatcheckError, exit_code=ExitCode.FAILED,
)  # fmt: skip

# statcheck itself: exit 3.
INTERNAL_ERROR = _declare(
    "internal-error", Concern.INTERNAL, "a bug in statcheck; the report is still written, saying so",
    StatcheckError, exit_code=ExitCode.INTERNAL,
)  # fmt: skip


# ---------------------------------------------------------------- errors as report data


@dataclass(frozen=True)
class ErrorEntry:
    """A problem that kept a drop from being checked, as a report holds it."""

    slug: str
    message: str
    exit_code: ExitCode = ExitCode.CONTRACT
    location: Location = field(default_factory=Location)
    hint: str | None = None

    @classmethod
    def from_exception(cls, exc: BaseException) -> ErrorEntry:
        """The entry for an exception: its own slug for a StatcheckError, else an
        internal error (a bug in statcheck) naming the exception."""
        if isinstance(exc, StatcheckError):
            return cls(exc.slug, exc.message, ExitCode(exc.exit_code), exc.location, exc.hint)
        if isinstance(exc, MemoryError):  # the estimate before reading was too low
            return cls.from_exception(
                BEYOND_MEMORY(
                    "the machine ran out of memory while checking these inputs",
                    hint="set --max-memory (STATCHECK_MAX_MEMORY) below what the machine "
                    "has, so statcheck refuses such inputs before reading them; or use a "
                    "larger machine or --engine spark",
                )
            )
        return cls(INTERNAL_ERROR.slug, f"{type(exc).__name__}: {exc}", ExitCode.INTERNAL)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "slug": self.slug,
            "message": self.message,
            "exit_code": int(self.exit_code),
        }
        location = self.location.to_dict()
        if location:
            out["location"] = location
        if self.hint:
            out["hint"] = self.hint
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ErrorEntry:
        return cls(
            slug=str(data.get("slug", INTERNAL_ERROR.slug)),
            message=str(data.get("message", "")),
            exit_code=ExitCode(int(data.get("exit_code", ExitCode.CONTRACT))),
            location=Location.from_dict(data.get("location")),
            hint=data.get("hint"),
        )

    def __str__(self) -> str:
        where = str(self.location)
        text = f"[{self.slug}] " + (f"{where}: {self.message}" if where else self.message)
        return f"{text} ({self.hint})" if self.hint else text
