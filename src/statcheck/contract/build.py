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
(descriptions included). There is one function per rule kind, made from the kind's
declaration (:mod:`statcheck.contract.rules`): its keywords are the kind's fields, and
``rules.rule(kind, id, **fields)`` builds any kind by name. Built-in names are shadowed on purpose (``sum``):
use the module by its name, ``rules.sum``, rather than ``from ... import sum``.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from enum import Enum
from typing import Any

from statcheck.contract.mapping import TableMapping
from statcheck.contract.rules import RULE_KINDS, FigureRef, Rule, Selector, SeriesChange, read_rule
from statcheck.contract.schema import TableSchema
from statcheck.contract.suite import Suite, suite_from_mapping
from statcheck.contract.tolerance import Tolerance
from statcheck.contract.yamlio import Mapping

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


# ---------------------------------------------------------------- one builder per rule kind


def _builder(cls: type[Rule]) -> Callable[..., Rule]:
    """``statcheck.rules.<kind>(id, *, <its fields>, description=None)``, from the kind's
    declaration: a field the kind requires is a required keyword, any other defaults to
    None (left out, as in a suite file that does not write it)."""
    params = [inspect.Parameter("id", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation="str")]
    for f in cls.declared_fields():
        params.append(
            inspect.Parameter(
                f.name,
                inspect.Parameter.KEYWORD_ONLY,
                default=inspect.Parameter.empty if f.doc.required else None,
                annotation=f.doc.accepts,
            )
        )
    params.append(
        inspect.Parameter(
            "description", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="str | None"
        )
    )
    signature = inspect.Signature(params, return_annotation="Rule")

    def build(*args: Any, **kwargs: Any) -> Rule:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        fields = dict(bound.arguments)
        return _read(cls.KIND, fields.pop("id"), fields.pop("description"), fields)

    build.__name__ = build.__qualname__ = cls.KIND
    build.__module__ = __name__
    build.__doc__ = f"A ``{cls.KIND}`` rule: {cls.SUMMARY}.\n\n" + "\n".join(
        f"``{f.name}``: {f.doc.doc}" for f in cls.declared_fields()
    )
    build.__signature__ = signature  # type: ignore[attr-defined]
    return build


BUILDERS: dict[str, Callable[..., Rule]] = {kind: _builder(cls) for kind, cls in RULE_KINDS.items()}
globals().update(BUILDERS)  # statcheck.rules.sum, statcheck.rules.compare, ...
__all__ = sorted(["rule", "suite", *BUILDERS])


def __getattr__(name: str) -> Callable[..., Rule]:  # for type checkers: rules.<kind> exists
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
