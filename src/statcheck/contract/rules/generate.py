"""What is generated from the rule kinds' declarations: the suite's JSON Schema, the
rule-kinds table of the docs and the table of what a result's counts count.

Both are committed (editors read ``suite.schema.json``; the docs are Markdown) and a test
checks they equal what this module generates. After changing a kind, regenerate them
with ``python -m statcheck.reference`` (``--check`` only says what is stale).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from statcheck.contract.mapping import PERIOD_SCHEMA
from statcheck.contract.rules import COMMON_FINDINGS, KINDS
from statcheck.contract.rules.base import SKIP_REASONS, SKIPPED_DOC, SKIPPED_MODES, Rule
from statcheck.contract.weights import WEIGHTS_SCHEMA
from statcheck.model.figure import SourceKind
from statcheck.model.value import ValueReading

SCHEMA_FILE = Path(__file__).resolve().parents[1] / "suite.schema.json"

_SOURCE_KINDS = [k.value for k in SourceKind]
_NAMES = {"type": "array", "minItems": 1, "items": {"type": ["string", "integer"]}}
_SCALE = {"type": "number", "exclusiveMinimum": 0}
_PRECISION = {"type": "number", "minimum": 0}
_SKIPPED = {"enum": list(SKIPPED_MODES)}
_MISSING_VALUES = {
    "description": "the markers the publisher prints where it gives no figure "
    "(NA, .., x, (D)), each with its reason, or a list of markers",
    "oneOf": [
        {"type": "object", "additionalProperties": {"type": "string", "minLength": 1}},
        {"type": "array", "items": {"type": "string", "minLength": 1}},
    ],
}

# The parts of a suite that are not rules: its id and settings, `schema:` and `table:`.
_SUITE_PROPERTIES: dict[str, Any] = {
    "suite": {"type": "string", "minLength": 1},
    "description": {"type": "string"},
    "drops": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
    "primary_sources": {"type": "array", "items": {"enum": _SOURCE_KINDS}},
    "skipped": {
        "description": "the default `skipped:` of every rule that does not set its own",
        **_SKIPPED,
    },
    "values": {
        "description": "how a printed whole number's precision is read: `table` (default), "
        "its last printed digit; `prose`, its last non-zero digit (figures quoted in prose)",
        "enum": [r.value for r in ValueReading],
    },
    "weights": WEIGHTS_SCHEMA,
    "schema": {
        "type": "object",
        "description": "The column-level contract of the figure table, compiled to pandera.",
        "additionalProperties": False,
        "properties": {
            "metrics": _NAMES,
            "units": _NAMES,
            "dimensions": {
                "type": "object",
                "additionalProperties": {
                    "oneOf": [{"type": "null"}, {"type": "array", "minItems": 1}]
                },
            },
            "value": {
                "type": "object",
                "additionalProperties": False,
                "properties": {"min": {"type": "number"}, "max": {"type": "number"}},
            },
            "unique": {"type": "array", "minItems": 1, "items": {"type": "string"}},
        },
    },
    "table": {
        "type": "object",
        "description": "How to read a publisher's own table as figures "
        "(long: value/metric/unit; wide: series).",
        "required": ["source", "period"],
        "properties": {
            "source": {
                "type": "object",
                "required": ["source_id", "name", "kind"],
                "properties": {
                    "source_id": {"type": "string"},
                    "name": {"type": "string"},
                    "kind": {"enum": _SOURCE_KINDS},
                    "url": {"type": "string"},
                },
                "additionalProperties": False,
            },
            "period": PERIOD_SCHEMA,
            "dimensions": {"type": "object", "additionalProperties": {"type": "string"}},
            "value": {"type": "string"},
            "metric": {"type": "string"},
            "unit": {"type": "string"},
            "scale": _SCALE,
            "precision": _PRECISION,
            "missing_values": _MISSING_VALUES,
            "series": {
                "type": "object",
                "minProperties": 1,
                "additionalProperties": {
                    "type": "object",
                    "required": ["unit"],
                    "additionalProperties": False,
                    "properties": {
                        "metric": {"type": "string"},
                        "unit": {"type": "string"},
                        "scale": _SCALE,
                        "precision": _PRECISION,
                        "qualifier": {"type": "string"},
                        "missing_values": _MISSING_VALUES,
                    },
                },
            },
        },
        "additionalProperties": False,
    },
}
_SCALAR = {"type": ["string", "number"]}
_SHARED_DEFS: dict[str, Any] = {
    "ref": {
        "oneOf": [
            {"type": "string", "minLength": 1, "description": "a figure id"},
            {
                "type": "object",
                "minProperties": 1,
                "description": "a selector: metric, unit, period, source, status or a dimension",
                "additionalProperties": _SCALAR,
            },
        ]
    },
    "refs": {
        "oneOf": [
            {"$ref": "#/$defs/ref"},
            {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/ref"}},
        ]
    },
    "tolerance": {
        "type": "object",
        "minProperties": 1,
        "additionalProperties": False,
        "properties": {
            "absolute": {"type": "number", "minimum": 0},
            "relative": {"type": "number", "minimum": 0},
        },
    },
    "selector": {"type": "object", "minProperties": 1, "additionalProperties": _SCALAR},
}


def kind_schema(cls: type[Rule]) -> dict[str, Any]:
    """The JSON Schema of one rule of the kind, from its declared fields."""
    fields = cls.declared_fields()
    properties: dict[str, Any] = {
        "id": {"type": "string", "minLength": 1},
        "kind": {"const": cls.KIND},
        "description": {"type": "string"},
        "skipped": {"description": SKIPPED_DOC, **_SKIPPED},
    }
    for f in fields:
        properties[f.name] = {"description": f.doc.doc, **f.doc.schema}
    return {
        "type": "object",
        "description": cls.SUMMARY,
        "additionalProperties": False,
        "required": ["id", "kind", *(f.name for f in fields if f.doc.required)],
        **cls.SCHEMA_EXTRA,
        "properties": properties,
    }


def suite_schema() -> dict[str, Any]:
    """The JSON Schema of a suite file (``suite.schema.json``)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "statcheck-suite.schema.json",
        "title": "statcheck suite",
        "description": "A suite of rules about reported figures (expectations/*.yml).",
        "type": "object",
        "additionalProperties": False,
        "required": ["suite", "rules"],
        "properties": {
            **_SUITE_PROPERTIES,
            "rules": {
                "type": "array",
                "minItems": 1,
                "items": {"oneOf": [{"$ref": f"#/$defs/{cls.KIND}"} for cls in KINDS]},
            },
        },
        "$defs": {**_SHARED_DEFS, **{cls.KIND: kind_schema(cls) for cls in KINDS}},
    }


def schema_text() -> str:
    return json.dumps(suite_schema(), indent=2, ensure_ascii=False) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _field(name: str, doc: str, required: bool) -> str:
    return f"`{name}`{' (required)' if required else ''}: {doc}"


def rule_kinds_table() -> str:
    """The docs' rule-kinds table: each kind, what it checks, its fields, its findings."""
    lines = ["| kind | checks | fields | findings |", "|---|---|---|---|"]
    for cls in KINDS:
        fields = "<br>".join(
            _field(f.name, f.doc.doc, f.doc.required) for f in cls.declared_fields()
        )
        findings = "<br>".join(f"`{slug}`: {meaning}" for slug, meaning in cls.FINDINGS.items())
        lines.append(
            f"| `{cls.KIND}` | {_cell(cls.SUMMARY)} | {_cell(fields)} | {_cell(findings)} |"
        )
    common = "; ".join(f"`{slug}`: {meaning}" for slug, meaning in COMMON_FINDINGS.items())
    lines += [
        "",
        f"Every kind may also report {common}. Every kind takes `skipped`: {SKIPPED_DOC}.",
    ]
    return "\n".join(lines)


def counts_tables() -> str:
    """The report docs' tables of ``counts``: what one item is for each kind, and why an
    item is skipped (the keys of ``counts.skipped``)."""
    items = ["| kind | one item is |", "|---|---|"]
    items += [f"| `{cls.KIND}` | {_cell(cls.ITEM)} |" for cls in KINDS]
    reasons = ["| skip reason | the item was not checked because |", "|---|---|"]
    reasons += [f"| `{slug}` | {_cell(meaning)} |" for slug, meaning in SKIP_REASONS.items()]
    return "\n".join([*items, "", *reasons])
