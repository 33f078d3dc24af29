"""Suites: the contract for a figure table, loaded from and written back to YAML.

A suite file (``expectations/*.yml``)::

    suite: kyivpost-desertion          # id, used to key reports
    description: ...
    drops: ["../fixtures/drops/*-kyivpost-desertion"]   # globs, relative to this file
    primary_sources: [official, person]  # source kinds that end a chain of citations
    skipped: report                      # optional: the rules' default for `skipped:`
    values: prose                        # optional: figures quoted in prose (default: table)
    table: ...                           # optional: how to read a publisher's own table
    schema: ...                          # optional: the column-level contract (pandera)
    weights: ...                         # optional: error localisation's weights
    rules:
      - id: ...
        kind: sum | compare | ...        # a kind of statcheck.contract.rules (RULE_KINDS)
        ...
"""

from __future__ import annotations

import codecs
import glob
import hashlib
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from statcheck.contract.mapping import TableMapping, read_mapping
from statcheck.contract.rules import SKIPPED_MODES, Rule, RuleReader, read_rule
from statcheck.contract.schema import TableSchema, read_schema
from statcheck.contract.weights import Weights, read_weights
from statcheck.contract.yamlio import Mapping, dump_yaml, load_yaml
from statcheck.errors import (
    DUPLICATE_RULE_ID,
    INVALID_ENCODING,
    INVALID_SUITE,
    MISSING_FIELD,
    SUITE_NOT_A_FILE,
    SUITE_NOT_FOUND,
    SUITE_TOO_LARGE,
    UNKNOWN_FIELD,
    Location,
    StatcheckError,
    SuiteError,
)
from statcheck.model.figure import SourceKind
from statcheck.model.value import ValueReading

TOP_LEVEL = (
    "suite",
    "description",
    "drops",
    "primary_sources",
    "skipped",
    "values",
    "table",
    "schema",
    "weights",
    "rules",
)
DEFAULT_PRIMARY = (SourceKind.OFFICIAL,)
# What `values:` says of the figures' printing, and what it means for their precision.
VALUE_READINGS = {
    ValueReading.TABLE: "a published table (the default): a number stands for its last "
    "printed digit, 4420 for 4,419.5 to 4,420.5",
    ValueReading.PROSE: "figures quoted in prose: a whole number is rounded at its last "
    "non-zero digit, 60,000 for 55,000 to 65,000",
}
MAX_SUITE_BYTES = 16 * 2**20  # the most of a suite file ever read


@dataclass(frozen=True)
class Suite:
    id: str
    rules: tuple[Rule, ...]
    description: str | None = None
    drops: tuple[str, ...] = ()
    primary_sources: tuple[SourceKind, ...] = DEFAULT_PRIMARY
    table: TableMapping | None = None  # how to read a publisher's own table as figures
    schema: TableSchema | None = None  # the column-level contract, compiled to pandera
    # The `skipped:` of a rule that does not set its own (already applied to the rules).
    skipped: str = "count"
    # How the precision of a printed whole number is read (`values:`).
    values: ValueReading = ValueReading.TABLE
    # What it costs to doubt each figure in error localisation (`weights:`).
    weights: Weights = field(default_factory=Weights)
    file: str | None = field(default=None, compare=False)
    sha256: str | None = field(default=None, compare=False)
    # A suite built in Python: the file of the code that built it, where its rules' lines are.
    built_in: str | None = field(default=None, compare=False)

    @property
    def origin(self) -> str:
        """Where the rules' line numbers are: the suite file, or the Python code."""
        return self.file or self.built_in or "suite"

    def rule(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def to_mapping(self) -> dict[str, Any]:
        out: dict[str, Any] = {"suite": self.id}
        if self.description:
            out["description"] = self.description
        if self.drops:
            out["drops"] = list(self.drops)
        if self.primary_sources != DEFAULT_PRIMARY:
            out["primary_sources"] = [k.value for k in self.primary_sources]
        if self.skipped != "count":
            out["skipped"] = self.skipped
        if self.values is not ValueReading.TABLE:
            out["values"] = self.values.value
        if self.table is not None:
            out["table"] = self.table.to_mapping()
        if self.schema is not None:
            out["schema"] = self.schema.to_mapping()
        if self.weights != Weights():
            out["weights"] = self.weights.to_mapping()
        # A rule writes `skipped:` only where it differs from the suite's default.
        out["rules"] = [r.to_mapping(skipped=self.skipped) for r in self.rules]
        return out

    def to_yaml(self) -> str:
        return dump_yaml(self.to_mapping())

    def to_report(self) -> dict[str, Any]:
        """The suite as a report names it: id, and the file and its SHA-256 when known."""
        out: dict[str, Any] = {"id": self.id}
        if self.file:
            out["file"] = self.file
        if self.sha256:
            out["sha256"] = self.sha256
        return out

    def drop_folders(self) -> list[Path]:
        """The drop folders this suite targets, from its globs (relative to the suite file)."""
        base = Path(self.file).parent if self.file else Path.cwd()
        found: set[Path] = set()
        for pattern in self.drops:
            if pattern.strip():  # an absolute pattern stays absolute under os.path.join
                found.update(
                    Path(p) for p in glob.glob(os.path.join(base, pattern)) if Path(p).is_dir()
                )
        return sorted({Path(os.path.normpath(p)) for p in found})


def load_suite(path: str | Path) -> Suite:
    """Read and check a suite file; every mistake is a SuiteError with file and line."""
    p = Path(path)
    raw = read_suite_bytes(p)
    text = _decode(raw, str(p))
    suite = suite_from_yaml(text, str(p))
    return replace(suite, file=str(p), sha256=hashlib.sha256(raw).hexdigest())


def read_suite_bytes(path: Path) -> bytes:
    """The bytes of a suite file: a regular file of at most :data:`MAX_SUITE_BYTES`.

    The path is opened without blocking and checked on the open file, so a folder, a device
    (``/dev/zero``), a pipe or a socket is refused before a byte is read (a pipe never hangs
    the run), and never more than the limit is read, whatever the file claims its size is.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        _refuse_if_not_a_file(path)  # a socket cannot be opened at all
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise SUITE_NOT_FOUND(
            f"cannot read the suite: {reason}", location=Location(file=str(path))
        ) from None
    try:
        status = os.fstat(fd)
        _refuse_if_not_a_file(path, status.st_mode)
        if status.st_size > MAX_SUITE_BYTES:
            raise _too_large(path)
        raw = _read_at_most(fd, MAX_SUITE_BYTES + 1)
    except OSError as exc:
        raise SUITE_NOT_FOUND(
            f"cannot read the suite: {exc.strerror}", location=Location(file=str(path))
        ) from None
    finally:
        os.close(fd)
    if len(raw) > MAX_SUITE_BYTES:  # grew while opened, or a file that lies about its size
        raise _too_large(path)
    return raw


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks: list[bytes] = []
    while limit > 0:
        chunk = os.read(fd, min(limit, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        limit -= len(chunk)
    return b"".join(chunks)


def _refuse_if_not_a_file(path: Path, mode: int | None = None) -> None:
    if mode is None:
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError):
            return  # nothing there to name: the caller says why it cannot be read
    if not stat.S_ISREG(mode):
        raise SUITE_NOT_A_FILE(
            f"the suite is {_file_type(mode)}, not a file",
            location=Location(file=str(path)),
            hint="give the path of a suite file, such as expectations/<name>.yml",
        )


def _file_type(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"  # pragma: no cover - no other kinds on the systems we run on


def _too_large(path: Path) -> StatcheckError:
    return SUITE_TOO_LARGE(
        f"the suite is larger than {MAX_SUITE_BYTES // 2**20} MB",
        location=Location(file=str(path)),
        hint="a suite holds rules, not data: 10,000 rules take about 1 MB",
    )


def _decode(raw: bytes, file: str) -> str:
    """UTF-8 text (a byte-order mark is dropped); the first bad byte, or NUL byte, is named
    by its offset and line."""
    start = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    nul = raw.find(b"\x00")
    try:
        text = raw[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        offset = start + exc.start
        if 0 <= nul < offset:
            offset = nul
    else:
        if nul < 0:
            return text
        offset = nul
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        hint = "the file is UTF-16: save it as UTF-8"
    elif raw[offset] == 0:
        hint = "a NUL byte: the file is UTF-16 or not text at all; save it as UTF-8"
    else:
        hint = "save the suite as UTF-8"
    line = raw.count(b"\n", 0, offset) + 1
    raise INVALID_ENCODING(
        f"the suite is not UTF-8: byte {offset} (0x{raw[offset]:02x}), line {line}",
        location=Location(file=file, line=line),
        hint=hint,
        family=SuiteError,
    )


def suite_from_yaml(text: str, file: str = "<suite>") -> Suite:
    return suite_from_mapping(load_yaml(text, file), file)


def suite_from_mapping(data: Any, file: str = "<suite>") -> Suite:
    """The suite a mapping describes. Every part is read even after a mistake, so that one
    error reports them all (the first raised, the others in its ``also``), as pandera's
    lazy validation does."""
    data = _suite_mapping(data, file)
    problems = _Problems()
    top = RuleReader(data, file, 0)
    top.rule_id = None  # type: ignore[assignment]
    suite_id = problems.attempt(lambda: _suite_id(data, file), "")
    skipped = problems.attempt(lambda: _skipped_default(data, file), "count")
    suite = Suite(
        id=suite_id,
        rules=_rules(data, file, skipped, problems),
        description=data["description"] if isinstance(data.get("description"), str) else None,
        drops=problems.attempt(lambda: _drop_globs(data, file), ()),
        primary_sources=problems.attempt(lambda: top.source_kinds("primary_sources") or (), ())
        or DEFAULT_PRIMARY,
        skipped=skipped,
        values=problems.attempt(lambda: _value_reading(data, file), ValueReading.TABLE),
        table=problems.attempt(
            lambda: (
                read_mapping(data["table"], file, data.line_of("table"))
                if data.get("table") is not None
                else None
            ),
            None,
        ),
        schema=problems.attempt(
            lambda: (
                read_schema(data["schema"], file, data.line_of("schema"))
                if data.get("schema") is not None
                else None
            ),
            None,
        ),
        weights=problems.attempt(
            lambda: (
                read_weights(data["weights"], file, data.line_of("weights"))
                if data.get("weights") is not None
                else Weights()
            ),
            Weights(),
        ),
        file=file,
    )
    problems.raise_any()
    return suite


T = TypeVar("T")


class _Problems:
    """The mistakes found while reading a suite, in the order of their lines."""

    def __init__(self) -> None:
        self.found: list[StatcheckError] = []

    def attempt(self, read: Callable[[], T], instead: T) -> T:
        """What ``read`` gives, or ``instead`` when it finds a mistake (kept)."""
        try:
            return read()
        except SuiteError as exc:
            self.found.append(exc)
            return instead

    def raise_any(self) -> None:
        if self.found:
            ordered = sorted(self.found, key=lambda e: e.location.line or 0)
            first, *others = ordered
            if isinstance(first, SuiteError):
                first.also = tuple(others)
            raise first


def _suite_id(data: Mapping, file: str) -> str:
    suite_id = data.get("suite")
    if not isinstance(suite_id, str) or not suite_id.strip():
        raise MISSING_FIELD(
            "the suite needs an id: `suite: <name>`",
            location=Location(file=file, line=data.line or 1),
        )
    return suite_id.strip()


def _suite_mapping(data: Any, file: str) -> Mapping:
    """The suite as a mapping of known top-level fields (a dict built in Python too)."""
    if not isinstance(data, Mapping):
        if isinstance(data, dict):  # built in Python rather than read from YAML
            data = _as_mapping(data)
        else:
            raise INVALID_SUITE(
                "a suite must be a mapping with 'suite' and 'rules'"
                + (f", not {describe(data)}" if data is not None else ""),
                location=Location(file=file),
            )
    for key in data:
        if key not in TOP_LEVEL:
            raise UNKNOWN_FIELD(
                f"unknown top-level field {key!r}",
                location=Location(file=file, line=data.line_of(key)),
                hint=f"a suite has: {', '.join(TOP_LEVEL)}",
            )
    mapping: Mapping = data
    return mapping


def _skipped_default(data: Mapping, file: str) -> str:
    """The suite's `skipped:`, the default of every rule that does not set its own."""
    value = data.get("skipped", "count")
    if value not in SKIPPED_MODES:
        raise INVALID_SUITE(
            f"`skipped` must be {' or '.join(SKIPPED_MODES)}, not {describe(value)}",
            location=Location(file=file, line=data.line_of("skipped")),
            hint="what rules do with items they could not check: `count` them, or also "
            "`report` them as findings",
        )
    return str(value)


def _value_reading(data: Mapping, file: str) -> ValueReading:
    """The suite's `values:`: whether its figures are printed in a table or quoted in prose."""
    value = data.get("values", ValueReading.TABLE.value)
    if not isinstance(value, str) or value not in {r.value for r in ValueReading}:
        raise INVALID_SUITE(
            f"`values` must be {' or '.join(r.value for r in ValueReading)}, not {describe(value)}",
            location=Location(file=file, line=data.line_of("values")),
            hint="; ".join(f"`{r.value}`: {meaning}" for r, meaning in VALUE_READINGS.items()),
        )
    return ValueReading(value)


def _rules(data: Mapping, file: str, skipped: str, problems: _Problems) -> tuple[Rule, ...]:
    """The suite's rules: a non-empty list, each read by its kind, ids distinct."""
    rules_raw = data.get("rules")
    if rules_raw is not None and not isinstance(rules_raw, list):
        raise INVALID_SUITE(
            f"`rules` must be a list of rules, not {describe(rules_raw)}",
            location=Location(file=file, line=data.line_of("rules")),
            hint="write each rule as an item of a list: `rules:` then `  - id: ...` on the next line",
        )
    if not rules_raw:
        raise MISSING_FIELD(
            "the suite has no rules: add a `rules:` list",
            location=Location(file=file, line=data.line_of("rules")),
        )
    read: list[Rule] = []
    for i, m in enumerate(rules_raw):  # each rule read, whatever the ones before it hold
        rule = problems.attempt(partial(read_rule, m, file, i, skipped), None)
        if rule is not None:
            read.append(rule)
    rules = tuple(read)
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            problems.found.append(
                DUPLICATE_RULE_ID(
                    f"rule id {rule.id!r} is used twice (also at line {seen[rule.id].line})",
                    location=Location(file=file, line=rule.line, rule=rule.id),
                )
            )
        seen[rule.id] = rule
    return rules


def _drop_globs(data: Mapping, file: str) -> tuple[str, ...]:
    drops = data.get("drops", [])
    drops = [drops] if isinstance(drops, str) else drops
    if not isinstance(drops, list) or not all(isinstance(d, str) for d in drops):
        raise INVALID_SUITE(
            "`drops` must be a list of folder globs",
            location=Location(file=file, line=data.line_of("drops")),
        )
    return tuple(drops)


def describe(value: Any) -> str:
    """What a value is, in a message: `a mapping`, `text ('abc')`, `the number 5`."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, bool):
        return f"{str(value).lower()} (true/false)"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:40] + "..."
        return f"text ({shown!r})"
    if value is None:
        return "None"
    return f"a {type(value).__name__}"


def _as_mapping(data: Any) -> Any:
    """Wrap plain dicts (a suite built in code) so the YAML reader's line lookups work."""
    if isinstance(data, dict):
        m = Mapping({str(k): _as_mapping(v) for k, v in data.items()})
        m.line = None
        m.key_lines = {}
        return m
    if isinstance(data, list):
        return [_as_mapping(v) for v in data]
    return data
