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

import difflib
import inspect
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from enum import Enum
from typing import Any

from statcheck.contract.mapping import TableMapping
from statcheck.contract.rules import RULE_KINDS, FigureRef, Rule, Selector, SeriesChange, read_rule
from statcheck.contract.rules.base import SKIPPED_DOC
from statcheck.contract.schema import TableSchema
from statcheck.contract.suite import Suite, describe, suite_from_mapping
from statcheck.contract.tolerance import Tolerance
from statcheck.contract.weights import Weights
from statcheck.contract.yamlio import Mapping
from statcheck.errors import (
    BAD_ARGUMENT,
    MISSING_FIELD,
    UNKNOWN_FIELD,
    Location,
    SuiteArgumentError,
)

# A figure: its id, a selector mapping (column: value), or a FigureRef / Selector.
Figure = str | dict[str, Any] | FigureRef | Selector
Figures = Figure | Iterable[Figure]
ToleranceLike = Tolerance | dict[str, float]
RULE_ITEM = "a rule (statcheck.rules.<kind>(...), or a mapping as in YAML)"


def suite(
    id: str,
    rules: Iterable[Rule | dict[str, Any]],
    *,
    description: str | None = None,
    drops: Iterable[str] = (),
    primary_sources: Iterable[str] | None = None,
    table: TableMapping | dict[str, Any] | None = None,
    schema: TableSchema | dict[str, Any] | None = None,
    skipped: str | None = None,
    values: str | None = None,
    weights: Weights | dict[str, Any] | None = None,
) -> Suite:
    """A suite from rules built with this module (or rule mappings as in YAML).

    The fields are those of a suite file: ``primary_sources`` (default: official),
    ``drops`` (folder globs, relative to the working directory for a suite built in code),
    ``table`` (how to read a publisher's own table), ``schema`` (the column-level
    contract), each as the mapping the file would hold or as its contract object, and
    ``skipped`` (``count`` or ``report``: the default of the rules that leave theirs at
    ``count``) and ``values`` (``table``, the default, or ``prose``: how a printed whole
    number's precision is read) and ``weights`` (error localisation's: a ``Weights`` or
    the mapping of a suite's ``weights:``).
    """
    file, line = _caller()
    where = Location(file=file, line=line)
    _check_text("id", id, where, "the suite's id")
    _check_text("description", description, where, optional=True)
    data: dict[str, Any] = {"suite": id}
    if description is not None:
        data["description"] = description
    drops = (
        [drops]
        if isinstance(drops, str)
        else _list_of("drops", drops, (str,), where, "a folder glob (text)")
    )
    if drops:
        data["drops"] = drops
    if primary_sources is not None:
        data["primary_sources"] = [
            _plain(k)
            for k in _list_of(
                "primary_sources", primary_sources, (str, Enum), where, "a source kind"
            )
        ]
    if skipped is not None:
        data["skipped"] = skipped
    if values is not None:
        data["values"] = values
    if weights is not None:
        _check("weights", weights, (Weights, dict), where, "a Weights or a mapping")
        data["weights"] = weights.to_mapping() if isinstance(weights, Weights) else weights
    if table is not None:
        _check("table", table, (TableMapping, dict), where, "a TableMapping or a mapping")
        data["table"] = table.to_mapping() if isinstance(table, TableMapping) else table
    if schema is not None:
        _check("schema", schema, (TableSchema, dict), where, "a TableSchema or a mapping")
        data["schema"] = schema.to_mapping() if isinstance(schema, TableSchema) else schema
    items = (
        [rules]
        if isinstance(rules, Rule | dict)
        else _list_of("rules", rules, (Rule, dict), where, RULE_ITEM)
    )
    data["rules"] = [
        _mapping(r.to_mapping(), r.line or line) if isinstance(r, Rule) else _mapping(r, line)
        for r in items
    ]
    built = suite_from_mapping(_mapping(data, line), file)
    # Not read from a file: no file to report or resolve from; its lines are the code's.
    return replace(built, file=None, built_in=file)


def rule(kind: str, id: str, /, *, description: str | None = None, **fields: Any) -> Rule:
    """Any rule kind, its fields as in YAML: ``rule("sum", "total-is-sum", total=..., parts=[...])``
    (and ``skipped="report"``, as on every kind)."""
    return _read(kind, id, description, fields, _caller())


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
    params += [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation="str | None"
        )
        for name in ("description", "skipped")
    ]
    signature = inspect.Signature(params, return_annotation="Rule")

    def build(*args: Any, **kwargs: Any) -> Rule:
        where = _caller()
        bound = _bind(signature, cls, args, kwargs, Location(file=where[0], line=where[1]))
        bound.apply_defaults()
        fields = dict(bound.arguments)
        return _read(cls.KIND, fields.pop("id"), fields.pop("description"), fields, where)

    build.__name__ = build.__qualname__ = cls.KIND
    build.__module__ = __name__
    build.__doc__ = f"A ``{cls.KIND}`` rule: {cls.SUMMARY}.\n\n" + "\n".join(
        [
            *(f"``{f.name}``: {f.doc.doc}" for f in cls.declared_fields()),
            f"``skipped``: {SKIPPED_DOC}",
        ]
    )
    build.__signature__ = signature  # type: ignore[attr-defined]
    return build


BUILDERS: dict[str, Callable[..., Rule]] = {kind: _builder(cls) for kind, cls in RULE_KINDS.items()}
globals().update(BUILDERS)  # statcheck.rules.sum, statcheck.rules.compare, ...
__all__ = sorted(["rule", "suite", *BUILDERS])


def __getattr__(name: str) -> Callable[..., Rule]:  # for type checkers: rules.<kind> exists
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# ---------------------------------------------------------------- reading, as from YAML


def _bind(
    signature: inspect.Signature,
    cls: type[Rule],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    where: Location,
) -> inspect.BoundArguments:
    """The arguments of ``rules.<kind>(...)``; a keyword the kind lacks, or one it needs and
    did not get, is the suite file's own error (raised as a TypeError too)."""
    known = set(signature.parameters)
    for name in kwargs:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            raise UNKNOWN_FIELD(
                f"rules.{cls.KIND}() has no field {name!r}",
                location=where,
                hint=f"did you mean {close[0]!r}?"
                if close
                else f"its fields: {', '.join(f.name for f in cls.declared_fields())}",
                family=SuiteArgumentError,
            )
    try:
        return signature.bind(*args, **kwargs)
    except TypeError as exc:
        kind = MISSING_FIELD if "missing" in str(exc) else BAD_ARGUMENT
        raise kind(
            f"rules.{cls.KIND}(): {exc}",
            location=where,
            hint=f"rules.{cls.KIND}(id, *, "
            + ", ".join(f"{n}=..." for n in list(signature.parameters)[1:])
            + ")",
            family=SuiteArgumentError,
        ) from None


def _read(
    kind: str,
    rule_id: str,
    description: str | None,
    fields: dict[str, Any],
    where: tuple[str, int | None],
) -> Rule:
    file, line = where
    location = Location(file=file, line=line)
    _check_text("id", rule_id, location, "the rule's id")
    _check_text("description", description, location, optional=True)
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


def _check(name: str, value: Any, types: tuple[type, ...], where: Location, what: str) -> None:
    if not isinstance(value, types):
        raise BAD_ARGUMENT(
            f"`{name}` must be {what}, not {describe(value)}",
            location=where,
            family=SuiteArgumentError,
        )


def _check_text(
    name: str, value: Any, where: Location, what: str = "", *, optional: bool = False
) -> None:
    if optional and value is None:
        return
    _check(name, value, (str,), where, "text" + (f" ({what})" if what else ""))


def _list_of(
    name: str, value: Any, types: tuple[type, ...], where: Location, item: str
) -> list[Any]:
    """``value`` as a list, each item one of ``types`` (``item`` says what); else a
    bad-argument naming the argument, or the item by its index."""
    if isinstance(value, str | bytes | dict) or not isinstance(value, Iterable):
        raise BAD_ARGUMENT(
            f"`{name}` must be a list, each item {item}; not {describe(value)}",
            location=where,
            family=SuiteArgumentError,
        )
    items = list(value)
    for i, each in enumerate(items):
        if not isinstance(each, types):
            raise BAD_ARGUMENT(
                f"`{name}[{i}]` must be {item}, not {describe(each)}",
                location=where,
                family=SuiteArgumentError,
            )
    return items


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
