"""Reading one rule mapping: every field check a rule kind's ``read`` uses.

Each mistake becomes a contract error (``invalid-rule``, ``unknown-field``,
``missing-field``, ``bad-tolerance``) pointing to the file, line and rule.
"""

from __future__ import annotations

import difflib
import math
from typing import Any

from statcheck.contract.rules.base import FigureRef, Ref, Selector
from statcheck.contract.tolerance import NO_TOLERANCE, Tolerance
from statcheck.contract.yamlio import Mapping
from statcheck.errors import (
    BAD_TOLERANCE,
    INVALID_RULE,
    MISSING_FIELD,
    UNKNOWN_FIELD,
    ErrorKind,
    Location,
    StatcheckError,
)
from statcheck.model.figure import SourceKind


class RuleReader:
    """Reads one rule mapping, turning every mistake into a SuiteError with its line."""

    def __init__(self, mapping: Mapping, file: str, index: int) -> None:
        self.m = mapping
        self.file = file
        rid = mapping.get("id")
        self.rule_id = rid if isinstance(rid, str) and rid else f"#{index + 1}"

    def error(
        self,
        message: str,
        key: str | None = None,
        hint: str | None = None,
        kind: ErrorKind = INVALID_RULE,
        *,
        line: int | None = None,
    ) -> StatcheckError:
        """The error at ``key``'s line (or ``line``: a key inside a nested mapping)."""
        line = line or (self.m.line_of(key) if key else self.m.line)
        return kind(
            message,
            location=Location(file=self.file, line=line, rule=self.rule_id),
            hint=hint,
        )

    def check_fields(self, allowed: tuple[str, ...]) -> None:
        known = ("id", "kind", "description", *allowed)
        for key in self.m:
            if key not in known:
                close = difflib.get_close_matches(key, known, n=1)
                hint = (
                    f"did you mean {close[0]!r}?"
                    if close
                    else f"fields of this kind: {', '.join(known)}"
                )
                raise self.error(f"unknown field {key!r}", key, hint, kind=UNKNOWN_FIELD)

    def required(self, key: str) -> Any:
        if key not in self.m or self.m[key] is None:
            raise self.error(f"missing field {key!r}", None, kind=MISSING_FIELD)
        return self.m[key]

    def text(
        self, key: str, default: str | None = None, choices: tuple[str, ...] | None = None
    ) -> str | None:
        v = self.m.get(key, default)
        if v is None:
            return None
        if not isinstance(v, str):
            raise self.error(f"field {key!r} must be text, not {v!r}", key)
        if choices and v not in choices:
            raise self.error(f"field {key!r} is {v!r}", key, f"use one of: {', '.join(choices)}")
        return v

    def number(self, key: str, default: float) -> float:
        v = self.m.get(key, default)
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise self.error(f"field {key!r} must be a finite number, not {v!r}", key)
        return float(v)

    def ref(self, value: Any, key: str) -> Ref:
        if isinstance(value, str) and value.strip():
            return FigureRef(value.strip())
        if isinstance(value, dict) and value:
            return self.selector(value, key)
        raise self.error(
            f"field {key!r} must name a figure id or a selector mapping, not {value!r}",
            key,
            "write `kp-ft-cases` or `{metric: criminal_cases, period: '2023'}`",
        )

    def refs(self, key: str) -> tuple[Ref, ...]:
        v = self.required(key)
        items = v if isinstance(v, list) else [v]
        if not items:
            raise self.error(f"field {key!r} lists no figures", key)
        return tuple(self.ref(item, key) for item in items)

    def selector(self, value: Any, key: str) -> Selector:
        if not isinstance(value, dict) or not value:
            raise self.error(f"field {key!r} must be a mapping of column: value", key)
        criteria = []
        for k, v in value.items():
            if isinstance(v, bool) or v is None or isinstance(v, list | dict):
                raise self.error(
                    f"selector {key}.{k} must be a single text or number, not {v!r}", key
                )
            criteria.append((str(k), str(v)))
        return Selector(tuple(criteria))

    def values(self, key: str) -> list[str]:
        """A list of column values (numbers are read as their text)."""
        v = self.m.get(key)
        if (
            not isinstance(v, list)
            or not v
            or not all(isinstance(x, str | int) and not isinstance(x, bool) for x in v)
        ):
            raise self.error(f"`{key}` must be a non-empty list of values", key)
        return [str(x) for x in v]

    def hierarchy(self, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        v = self.m.get(key)
        if not isinstance(v, dict) or not v:
            raise self.error(f"`{key}` must map each parent value to the list of its children", key)
        out = []
        for parent, children in v.items():
            if not isinstance(children, list) or not children:
                raise self.error(f"`{key}`: {parent!r} needs a non-empty list of children", key)
            out.append((str(parent), tuple(str(c) for c in children)))
        return tuple(out)

    def optional_selector(self, key: str) -> Selector | None:
        return self.selector(self.m[key], key) if self.m.get(key) is not None else None

    def tolerance(self) -> Tolerance:
        v = self.m.get("tolerance")
        if v is None:
            return NO_TOLERANCE
        if not isinstance(v, dict) or not set(v) <= {"absolute", "relative"} or not v:
            raise self.error(
                f"tolerance must be a mapping with 'absolute' and/or 'relative', not {v!r}",
                "tolerance",
                "e.g. tolerance: {absolute: 500} or tolerance: {relative: 0.01}",
                kind=BAD_TOLERANCE,
            )
        try:
            return Tolerance(absolute=v.get("absolute", 0.0), relative=v.get("relative", 0.0))
        except ValueError as exc:
            raise self.error(str(exc), "tolerance", kind=BAD_TOLERANCE) from None

    def choices(
        self, key: str, allowed: tuple[str, ...], default: tuple[str, ...]
    ) -> tuple[str, ...]:
        v = self.m.get(key)
        if v is None:
            return default
        items = v if isinstance(v, list) else [v]
        for item in items:
            if item not in allowed:
                raise self.error(f"{key} has {item!r}", key, f"use any of: {', '.join(allowed)}")
        return tuple(items)

    def source_kinds(self, key: str) -> tuple[SourceKind, ...] | None:
        v = self.m.get(key)
        if v is None:
            return None
        kinds = tuple(k.value for k in SourceKind)
        return tuple(SourceKind(k) for k in self.choices(key, kinds, ()))
