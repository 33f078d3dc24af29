"""statcheck's own exceptions: the only ones the library lets escape.

Each carries a stable ``slug``, a ``location`` (file, line, rule, row, column, as far as
known) and the documented process ``exit_code`` the CLI ends with. Failures of *data*
against rules are not exceptions: they are findings in a report (see ``statcheck.report``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum


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
class ValueParseError(StatcheckError):
    """A reported value could not be read as a number, or could be read more than one way."""

    slug: str = "invalid-number"


@dataclass
class PeriodParseError(StatcheckError):
    """A period label is not one statcheck understands; never replaced by a guess."""

    slug: str = "invalid-period"


@dataclass
class SuiteError(StatcheckError):
    """The suite (contract) is wrong: unknown rule kind, missing field, bad reference."""

    slug: str = "invalid-suite"


@dataclass
class DataError(StatcheckError):
    """A figure or source table cannot be read as one: missing column, unreadable cell."""

    slug: str = "invalid-data"


@dataclass
class DropNotReady(StatcheckError):
    """The drop is incomplete (manifest or listed file missing, checksum mismatch)."""

    slug: str = "drop-not-ready"
    exit_code: ExitCode = ExitCode.NOT_READY
