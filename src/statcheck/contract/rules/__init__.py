"""Rule kinds: each declared once, as plain data, in a module of this package.

A rule is a small frozen value: its fields are what an analyst writes in a suite. It
knows nothing about dataframes. A kind's class declares its fields (with their docs and
JSON Schema), its summary, label, finding slugs and example (see :mod:`.base`); the
reader's field checks, the Python builders (``statcheck.rules``), ``suite.schema.json``,
the docs table and the Great Expectations classes are generated from it. ``RULE_KINDS``
maps each ``kind:`` to its class; every engine registers one implementation per kind
under the same name.

To add a kind, write its module here and name its class in ``KINDS`` below.
"""

from __future__ import annotations

import difflib
from typing import Any

from statcheck.contract.rules.agreement import AgreementRule
from statcheck.contract.rules.attribution import ATTRIBUTION_CHECKS, AttributionRule
from statcheck.contract.rules.base import (
    COMMON_FINDINGS,
    SKIP_REASONS,
    SKIPPED_MODES,
    FigureRef,
    Ref,
    Rule,
    Selector,
)
from statcheck.contract.rules.compare import CompareRule
from statcheck.contract.rules.partition import PartitionRule
from statcheck.contract.rules.period import PERIOD_CHECKS, PeriodRule
from statcheck.contract.rules.rate import RateRule
from statcheck.contract.rules.ratio import RatioRule
from statcheck.contract.rules.reader import RuleReader
from statcheck.contract.rules.revision import REVISION_ALLOWANCES, RevisionRule
from statcheck.contract.rules.series import CHANGE_MEASURES, SeriesChange, SeriesRule
from statcheck.contract.rules.sum import SumRule
from statcheck.contract.yamlio import Mapping
from statcheck.errors import INVALID_SUITE, UNKNOWN_RULE_KIND, Location

# Every rule kind of the suite language, in the order the docs present them.
KINDS: tuple[type[Rule], ...] = (
    SumRule,
    CompareRule,
    AgreementRule,
    AttributionRule,
    PeriodRule,
    RatioRule,
    RateRule,
    SeriesRule,
    PartitionRule,
    RevisionRule,
)
RULE_KINDS: dict[str, type[Rule]] = {cls.KIND: cls for cls in KINDS}

__all__ = [
    "ATTRIBUTION_CHECKS",
    "CHANGE_MEASURES",
    "COMMON_FINDINGS",
    "KINDS",
    "PERIOD_CHECKS",
    "REVISION_ALLOWANCES",
    "RULE_KINDS",
    "SKIPPED_MODES",
    "SKIP_REASONS",
    "AgreementRule",
    "AttributionRule",
    "CompareRule",
    "FigureRef",
    "PartitionRule",
    "PeriodRule",
    "RateRule",
    "RatioRule",
    "Ref",
    "RevisionRule",
    "Rule",
    "RuleReader",
    "Selector",
    "SeriesChange",
    "SeriesRule",
    "SumRule",
    "read_rule",
]


def read_rule(mapping: Any, file: str, index: int, skipped: str = "count") -> Rule:
    """One rule of a suite: its kind looked up, its fields checked against the kind's
    declaration, then read by the kind itself. ``skipped`` is the suite's default for a
    rule that does not say `skipped:` itself."""
    if not isinstance(mapping, Mapping):
        raise INVALID_SUITE(
            f"rule #{index + 1} must be a mapping with at least 'id' and 'kind'",
            location=Location(file=file),
        )
    r = RuleReader(mapping, file, index)
    rid = r.required("id")
    if not isinstance(rid, str) or not rid.strip():
        raise r.error("field 'id' must be non-empty text", "id")
    kind = r.required("kind")
    cls = RULE_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        close = difflib.get_close_matches(str(kind), RULE_KINDS, n=1)
        hint = f"did you mean {close[0]!r}?" if close else f"rule kinds: {', '.join(RULE_KINDS)}"
        raise r.error(f"unknown rule kind {kind!r}", "kind", hint, kind=UNKNOWN_RULE_KIND)
    r.check_fields(("skipped", *cls.FIELDS))
    # An empty description is no description (so that load -> write -> load is identity).
    common: dict[str, Any] = {
        "id": rid,
        "description": r.text("description") or None,
        "line": mapping.line,
        "skipped": _skipped(r, skipped),
    }
    return cls.read(r, common)


def _skipped(r: RuleReader, default: str) -> str:
    """The rule's `skipped:` (`count` or `report`), or the suite's default when unset."""
    if "skipped" in r.m and r.m["skipped"] is None:  # `skipped:` with nothing after it
        raise r.error(
            "field 'skipped' is empty", "skipped", f"use one of: {', '.join(SKIPPED_MODES)}"
        )
    return r.text("skipped", default, SKIPPED_MODES) or default
