"""Suites built in Python: the same rules as in a suite file, checked the same way.

Each function takes a rule's fields under the names it has in YAML and reads them with
the suite file's own reader, so a rule built in code is checked exactly as the same rule
in a file (unknown field, missing field, bad tolerance, ...) and a mistake points to the
Python file and line that built it. A figure is named by its id (``"kp-ft-cases"``) or a
selector (``{"metric": "cases", "period": "2023"}``)::

    from statcheck import rules

    suite = statcheck.suite(
        "kyivpost-desertion",
        [
            rules.sum("ft-60000", total="kp-ft-cases", parts=["kp-desertion", "kp-awol"]),
            rules.compare("active-within-force", left="kp-active", op="<=", right="kp-force"),
            rules.attribution("known-sources", checks=["known-source", "citations-resolve"]),
            rules.period("periods-are-sound"),
        ],
        primary_sources=["official", "person"],
    )

``suite == load_suite(path)`` holds for a suite built with the same fields as the file
(descriptions included). A rule kind without a function here is built with
``rules.rule(kind, id, **fields)``. Built-in names are shadowed on purpose (``sum``):
use the module by its name, ``rules.sum``, rather than ``from ... import sum``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import replace
from enum import Enum
from typing import Any

from statcheck.contract.mapping import TableMapping
from statcheck.contract.rules import FigureRef, Rule, Selector, SeriesChange, read_rule
from statcheck.contract.schema import TableSchema
from statcheck.contract.suite import Suite, suite_from_mapping
from statcheck.contract.tolerance import Tolerance
from statcheck.contract.yamlio import Mapping

__all__ = [
    "attribution",
    "compare",
    "period",
    "rate",
    "ratio",
    "revision",
    "rule",
    "series",
    "suite",
    "sum",
]

# A figure: its id, a selector mapping (column: value), or a FigureRef / Selector.
Figure = str | dict[str, Any] | FigureRef | Selector
Figures = Figure | Iterable[Figure]
ToleranceLike = Tolerance | dict[str, float]


def suite(
    id: str,
    rules: Iterable[Rule | dict[str, Any]],
    *,
    description: str | None = None,
    drops: Iterable[str] = (),
    primary_sources: Iterable[str] | None = None,
    table: TableMapping | dict[str, Any] | None = None,
    schema: TableSchema | dict[str, Any] | None = None,
) -> Suite:
    """A suite from rules built with this module (or rule mappings as in YAML).

    The fields are those of a suite file: ``primary_sources`` (default: official),
    ``drops`` (folder globs, relative to the working directory for a suite built in code),
    ``table`` (how to read a publisher's own table) and ``schema`` (the column-level
    contract), each as the mapping the file would hold or as its contract object.
    """
    file, line = _caller()
    data: dict[str, Any] = {"suite": id}
    if description is not None:
        data["description"] = description
    drops = list(drops) if not isinstance(drops, str) else [drops]
    if drops:
        data["drops"] = drops
    if primary_sources is not None:
        data["primary_sources"] = _plain(primary_sources)
    if table is not None:
        data["table"] = table.to_mapping() if isinstance(table, TableMapping) else table
    if schema is not None:
        data["schema"] = schema.to_mapping() if isinstance(schema, TableSchema) else schema
    items = [rules] if isinstance(rules, Rule | dict) else list(rules)
    data["rules"] = [
        _mapping(r.to_mapping(), r.line or line) if isinstance(r, Rule) else _mapping(r, line)
        for r in items
    ]
    built = suite_from_mapping(_mapping(data, line), file)
    return replace(built, file=None)  # not read from a file: no file to report or resolve from


def rule(kind: str, id: str, /, *, description: str | None = None, **fields: Any) -> Rule:
    """Any rule kind, its fields as in YAML: ``rule("sum", "total-is-sum", total=..., parts=[...])``."""
    return _read(kind, id, description, fields)


def sum(  # shadows the built-in on purpose: `rules.sum` reads as the rule kind
    id: str,
    *,
    total: Figure | float | str | None = None,
    parts: Figures | None = None,
    over: str | None = None,
    hierarchy: dict[str, list[str]] | None = None,
    figures: dict[str, Any] | Selector | None = None,
    across: str | None = None,
    missing: str | None = None,
    tolerance: ToleranceLike | None = None,
    description: str | None = None,
) -> Rule:
    """The parts add up to the total. Explicit: ``total`` and ``parts`` are figures (or
    ``total`` a number). Table form: ``over`` a column, ``total``/``parts`` values of it or
    ``hierarchy`` {parent: [children]}. ``across``: ``categories`` (default) or ``time``;
    ``missing``: ``undetermined`` (default) or ``zero``."""
    return _read("sum", id, description, locals())


def compare(
    id: str,
    *,
    left: Figures,
    op: str,
    right: Figures,
    factor: float | None = None,
    tolerance: ToleranceLike | None = None,
    description: str | None = None,
) -> Rule:
    """``left op factor × right``; ``op`` is ``>``, ``>=``, ``<``, ``<=`` or ``==``, and each
    side is one figure or a list of figures that are summed."""
    return _read("compare", id, description, locals())


def ratio(
    id: str,
    *,
    part: Figure,
    whole: Figure,
    share: Figure,
    scale: float | None = None,
    over: str | None = None,
    figures: dict[str, Any] | Selector | None = None,
    tolerance: ToleranceLike | None = None,
    description: str | None = None,
) -> Rule:
    """The share equals part / whole × scale (scale from the share's unit by default).
    With ``over`` (a column), ``part``, ``whole`` and ``share`` are values of it."""
    return _read("ratio", id, description, locals())


def rate(
    id: str,
    *,
    rate: Figure,
    total: Figure,
    per: str,
    tolerance: ToleranceLike | None = None,
    description: str | None = None,
) -> Rule:
    """The rate times the length of the total's period in ``per`` units (``day``, ``week``,
    ``month``, ``quarter``, ``year``) gives the total."""
    return _read("rate", id, description, locals())


def series(
    id: str,
    *,
    figures: dict[str, Any] | Selector | None = None,
    cumulative: bool | None = None,
    change: dict[str, str] | SeriesChange | None = None,
    tolerance: ToleranceLike | None = None,
    description: str | None = None,
) -> Rule:
    """A series over periods: ``cumulative=True`` never falls; ``change={"metric": ...,
    "of": ..., "as": "percent" | "absolute"}`` is the change in ``of`` from the period before."""
    return _read("series", id, description, locals())


def attribution(
    id: str,
    *,
    checks: Iterable[str] | None = None,
    figures: dict[str, Any] | Selector | None = None,
    primary: Iterable[str] | None = None,
    description: str | None = None,
) -> Rule:
    """Who reported each figure and whether its citations hold up; ``checks`` among
    ``known-source``, ``citations-resolve``, ``no-cycles``, ``reaches-primary``,
    ``agrees-with-cited`` (all by default)."""
    return _read("attribution", id, description, locals())


def period(
    id: str,
    *,
    checks: Iterable[str] | None = None,
    figures: dict[str, Any] | Selector | None = None,
    within: str | None = None,
    description: str | None = None,
) -> Rule:
    """Periods are well formed (``ordered``), final figures are not published before their
    period ends (``published-after-end``), and with ``within`` lie inside that period."""
    return _read("period", id, description, locals())


def revision(
    id: str,
    *,
    metrics: Iterable[str] | None = None,
    figures: dict[str, Any] | Selector | None = None,
    allow: Iterable[str] | None = None,
    same_source: bool | None = None,
    tolerance: ToleranceLike | None = None,
    description: str | None = None,
) -> Rule:
    """A later drop does not change a figure an earlier drop reported (validate with the
    earlier drops); ``allow`` among ``open``, ``provisional``, ``forecast``."""
    return _read("revision", id, description, locals())


# ---------------------------------------------------------------- reading, as from YAML


def _read(kind: str, rule_id: str, description: str | None, fields: dict[str, Any]) -> Rule:
    file, line = _caller(depth=3)
    data: dict[str, Any] = {"id": rule_id, "kind": kind}
    if description is not None:
        data["description"] = description
    for key, value in fields.items():
        if key in ("id", "description") or value is None:
            continue
        plain = _plain(value)
        if plain is not None:
            data[key] = plain
    return read_rule(_mapping(data, line), file, 0)


def _plain(value: Any) -> Any:
    """A field value as the YAML reader sees it: text, numbers, lists and mappings."""
    if isinstance(value, Tolerance):
        return value.to_mapping() or None  # no tolerance: the field is left out
    if isinstance(value, FigureRef | Selector | SeriesChange):
        return value.to_yaml()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, str | bytes):
        return value
    if isinstance(value, Iterable):
        return [_plain(v) for v in value]
    return value


def _mapping(data: Any, line: int | None) -> Any:
    """Plain dicts and lists as the YAML reader's line-aware mappings, all at ``line``."""
    if isinstance(data, Mapping) and data.line is not None:
        line = data.line  # already placed (a rule built earlier, on its own line)
    if isinstance(data, dict):
        m = Mapping({str(k): _mapping(v, line) for k, v in data.items()})
        m.line = line
        return m
    if isinstance(data, list | tuple):
        return [_mapping(v, line) for v in data]
    return data


def _caller(depth: int = 2) -> tuple[str, int | None]:
    """The file and line of the code that called the public function (for error messages)."""
    try:
        frame = sys._getframe(depth)
    except ValueError:  # pragma: no cover - called from the top of the stack
        return "<python>", None
    return frame.f_code.co_filename, frame.f_lineno
