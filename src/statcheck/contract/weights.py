"""How much it costs to doubt a figure in error localisation: a suite's ``weights:``.

Declared once here: the suite reads it (``read_weights``), writes it back
(``Weights.to_mapping``), its JSON Schema is ``WEIGHTS_SCHEMA``, and
:mod:`statcheck.localisation` weighs every figure with ``Weights.of``::

    weights:
      base: 1                          # every figure's weight before its factors
      status: {provisional: 0.25}      # by status (final, provisional, forecast)
      qualifier: {about: 0.5}          # by qualifier (exact, about, nearly, ...)
      source_kind: {media: 0.5}        # by the kind of its source (official, media, ...)

A factor the suite gives replaces the default of the same key; the others stay.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statcheck.errors import INVALID_SUITE, UNKNOWN_FIELD, Location
from statcheck.model.figure import Figure, FigureStatus, SourceKind
from statcheck.model.value import Qualifier

Factors = tuple[tuple[str, float], ...]

DEFAULT_STATUS: Factors = (("provisional", 0.5), ("forecast", 0.5))
DEFAULT_QUALIFIER: Factors = (("about", 0.5), ("nearly", 0.5))
# The words each factor table takes, by its key in `weights:`.
KEYS: dict[str, tuple[str, ...]] = {
    "status": tuple(s.value for s in FigureStatus),
    "qualifier": tuple(q.value for q in Qualifier),
    "source_kind": tuple(k.value for k in SourceKind),
}
_FACTOR = {"type": "number", "exclusiveMinimum": 0}
WEIGHTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "error localisation (`statcheck locate`, `adjust`): how much it costs to "
    "doubt a figure, `base` times the factor of its status, qualifier and source kind",
    "additionalProperties": False,
    "properties": {
        "base": _FACTOR,
        **{
            key: {
                "type": "object",
                "propertyNames": {"enum": list(words)},
                "additionalProperties": _FACTOR,
            }
            for key, words in KEYS.items()
        },
    },
}


@dataclass(frozen=True)
class Weights:
    """How much it costs to doubt a figure: ``base`` times the factor of its status, of
    its qualifier and of its source's kind (1 for any not listed). A provisional or
    forecast figure, or an "about" figure, is cheaper to doubt than a final exact count:
    it is likelier wrong."""

    base: float = 1.0
    status: Factors = DEFAULT_STATUS
    qualifier: Factors = DEFAULT_QUALIFIER
    source_kind: Factors = ()

    def __post_init__(self) -> None:
        for _, factor in (("base", self.base), *self.status, *self.qualifier, *self.source_kind):
            if not factor > 0 or not math.isfinite(factor):
                raise ValueError(f"a weight must be above 0, not {factor!r}")

    def of(self, figure: Figure, source_kind: str | None = None) -> float:
        """The weight of ``figure``, whose source is of ``source_kind`` (None: unknown)."""
        status = dict(self.status).get(figure.status.value, 1.0)
        qualifier = dict(self.qualifier).get(figure.reported.qualifier.value, 1.0)
        kind = dict(self.source_kind).get(source_kind, 1.0) if source_kind else 1.0
        return self.base * status * qualifier * kind

    @property
    def by_kind(self) -> bool:
        """Whether a figure's source kind changes its weight (the sources are read then)."""
        return any(f != 1.0 for _, f in self.source_kind)

    def to_dict(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "status": dict(self.status),
            "qualifier": dict(self.qualifier),
            "source_kind": dict(self.source_kind),
        }

    def to_mapping(self) -> dict[str, Any]:
        """The suite's `weights:` (only what differs from the defaults)."""
        default = Weights()
        out: dict[str, Any] = {}
        if self.base != default.base:
            out["base"] = self.base
        for key in KEYS:
            if getattr(self, key) != getattr(default, key):
                out[key] = dict(getattr(self, key))
        return out


def load_weights(path: str | Path) -> Weights:
    """Weights from a YAML file (``--weights FILE``): the block itself, or a mapping
    whose one key is ``weights``; read as safely as a suite file is."""
    from statcheck.contract.suite import read_suite_bytes
    from statcheck.contract.yamlio import load_yaml

    file = str(path)
    try:
        text = read_suite_bytes(Path(path)).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise INVALID_SUITE(
            f"{file!r} is not UTF-8 text: {exc.reason}", location=Location(file=file)
        ) from None
    data = load_yaml(text, file)
    if isinstance(data, dict) and list(data) == ["weights"]:
        return read_weights(
            data["weights"], file, data.line_of("weights") if hasattr(data, "line_of") else 1
        )
    return read_weights(data, file, getattr(data, "line", None) or 1)


def read_weights(m: Any, file: str, line: int | None) -> Weights:
    """A suite's `weights:`, each factor over the default of its key."""
    if not isinstance(m, dict):
        raise INVALID_SUITE(
            "`weights` must be a mapping of base, status, qualifier and source_kind",
            location=Location(file=file, line=line),
        )
    where = _lines(m, line)
    for key in m:
        if key != "base" and key not in KEYS:
            raise UNKNOWN_FIELD(
                f"unknown field {key!r} in `weights`",
                location=Location(file=file, line=where(key)),
                hint=f"`weights` has: base, {', '.join(KEYS)}",
            )
    base = _factor(m.get("base", 1.0), "weights.base", Location(file=file, line=where("base")))
    tables = {key: _factors(m[key], key, file, where(key)) for key in KEYS if key in m}
    default = Weights()
    merged = {
        key: tuple({**dict(getattr(default, key)), **dict(f)}.items()) for key, f in tables.items()
    }
    return Weights(base=base, **merged)


def _lines(m: Any, line: int | None) -> Any:
    line_of = getattr(m, "line_of", None)
    return (lambda key: line_of(key)) if line_of is not None else (lambda key: line)


def _factors(m: Any, key: str, file: str, line: int | None) -> Factors:
    if not isinstance(m, dict):
        raise INVALID_SUITE(
            f"`weights.{key}` must be a mapping of {key.replace('_', ' ')} to a factor",
            location=Location(file=file, line=line),
            hint=f"e.g. {key}: {{{KEYS[key][1]}: 0.5}}",
        )
    where = _lines(m, line)
    out = []
    for word, factor in m.items():
        if word not in KEYS[key]:
            raise INVALID_SUITE(
                f"`weights.{key}` names {word!r}, not a {key.replace('_', ' ')}",
                location=Location(file=file, line=where(word)),
                hint=f"one of: {', '.join(KEYS[key])}",
            )
        out.append(
            (
                str(word),
                _factor(factor, f"weights.{key}.{word}", Location(file=file, line=where(word))),
            )
        )
    return tuple(out)


def _factor(value: Any, name: str, where: Location) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or not value > 0 or not math.isfinite(value):
        raise INVALID_SUITE(
            f"`{name}` must be a number above 0, not {value!r}",
            location=where,
            hint="a weight is a factor: below 1, cheaper to doubt; above 1, dearer",
        )
    return float(value)
