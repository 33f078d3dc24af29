"""Suites: the contract for a figure table, loaded from and written back to YAML.

A suite file (``expectations/*.yml``)::

    suite: kyivpost-desertion          # id, used to key reports
    description: ...
    drops: ["../fixtures/drops/*-kyivpost-desertion"]   # globs, relative to this file
    primary_sources: [official, person]  # source kinds that end a chain of citations
    table: ...                           # optional: how to read a publisher's own table
    schema: ...                          # optional: the column-level contract (pandera)
    rules:
      - id: ...
        kind: sum | compare | ...        # a kind of statcheck.contract.rules (RULE_KINDS)
        ...
"""

from __future__ import annotations

import glob
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from statcheck.contract.mapping import TableMapping, read_mapping
from statcheck.contract.rules import Rule, RuleReader, read_rule
from statcheck.contract.schema import TableSchema, read_schema
from statcheck.contract.yamlio import Mapping, dump_yaml, load_yaml
from statcheck.errors import (
    DUPLICATE_RULE_ID,
    INVALID_ENCODING,
    INVALID_SUITE,
    MISSING_FIELD,
    SUITE_NOT_FOUND,
    UNKNOWN_FIELD,
    Location,
    SuiteError,
)
from statcheck.model.figure import SourceKind

TOP_LEVEL = ("suite", "description", "drops", "primary_sources", "table", "schema", "rules")
DEFAULT_PRIMARY = (SourceKind.OFFICIAL,)


@dataclass(frozen=True)
class Suite:
    id: str
    rules: tuple[Rule, ...]
    description: str | None = None
    drops: tuple[str, ...] = ()
    primary_sources: tuple[SourceKind, ...] = DEFAULT_PRIMARY
    table: TableMapping | None = None  # how to read a publisher's own table as figures
    schema: TableSchema | None = None  # the column-level contract, compiled to pandera
    file: str | None = field(default=None, compare=False)
    sha256: str | None = field(default=None, compare=False)

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
        if self.table is not None:
            out["table"] = self.table.to_mapping()
        if self.schema is not None:
            out["schema"] = self.schema.to_mapping()
        out["rules"] = [r.to_mapping() for r in self.rules]
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
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise SUITE_NOT_FOUND(
            f"cannot read the suite: {exc.strerror}",
            location=Location(file=str(p)),
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise INVALID_ENCODING(
            f"the suite is not UTF-8 (byte {exc.start})",
            location=Location(file=str(p)),
            family=SuiteError,
        ) from None
    suite = suite_from_yaml(text, str(p))
    return Suite(
        id=suite.id,
        rules=suite.rules,
        description=suite.description,
        drops=suite.drops,
        primary_sources=suite.primary_sources,
        table=suite.table,
        schema=suite.schema,
        file=str(p),
        sha256=hashlib.sha256(raw).hexdigest(),
    )


def suite_from_yaml(text: str, file: str = "<suite>") -> Suite:
    return suite_from_mapping(load_yaml(text, file), file)


def suite_from_mapping(data: Any, file: str = "<suite>") -> Suite:
    if not isinstance(data, Mapping):
        if isinstance(data, dict):  # built in Python rather than read from YAML
            data = _as_mapping(data)
        else:
            raise INVALID_SUITE(
                "a suite must be a mapping with 'suite' and 'rules'", location=Location(file=file)
            )
    top = RuleReader(data, file, 0)
    top.rule_id = None  # type: ignore[assignment]
    for key in data:
        if key not in TOP_LEVEL:
            raise UNKNOWN_FIELD(
                f"unknown top-level field {key!r}",
                location=Location(file=file, line=data.line_of(key)),
                hint=f"a suite has: {', '.join(TOP_LEVEL)}",
            )
    suite_id = data.get("suite")
    if not isinstance(suite_id, str) or not suite_id.strip():
        raise MISSING_FIELD(
            "the suite needs an id: `suite: <name>`",
            location=Location(file=file, line=data.line or 1),
        )
    rules_raw = data.get("rules")
    if not isinstance(rules_raw, list) or not rules_raw:
        raise MISSING_FIELD(
            "the suite has no rules: add a `rules:` list",
            location=Location(file=file, line=data.line_of("rules")),
        )
    rules = tuple(read_rule(m, file, i) for i, m in enumerate(rules_raw))
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            raise DUPLICATE_RULE_ID(
                f"rule id {rule.id!r} is used twice (also at line {seen[rule.id].line})",
                location=Location(file=file, line=rule.line, rule=rule.id),
            )
        seen[rule.id] = rule
    drops = data.get("drops", [])
    drops = [drops] if isinstance(drops, str) else drops
    if not isinstance(drops, list) or not all(isinstance(d, str) for d in drops):
        raise INVALID_SUITE(
            "`drops` must be a list of folder globs",
            location=Location(file=file, line=data.line_of("drops")),
        )
    primary = top.source_kinds("primary_sources") or DEFAULT_PRIMARY
    description = data.get("description")
    return Suite(
        id=suite_id.strip(),
        rules=rules,
        description=description if isinstance(description, str) else None,
        drops=tuple(drops),
        primary_sources=primary,
        table=read_mapping(data["table"], file, data.line_of("table"))
        if data.get("table") is not None
        else None,
        schema=read_schema(data["schema"], file, data.line_of("schema"))
        if data.get("schema") is not None
        else None,
        file=file,
    )


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
