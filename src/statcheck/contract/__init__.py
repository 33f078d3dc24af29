"""The contract language: suites of rules, declared as data. No dataframe imports."""

from statcheck.contract.rules import (
    RULE_KINDS,
    AttributionRule,
    CompareRule,
    FigureRef,
    PeriodRule,
    RateRule,
    RatioRule,
    Ref,
    RevisionRule,
    Rule,
    Selector,
    SeriesChange,
    SeriesRule,
    SumRule,
)
from statcheck.contract.suite import Suite, load_suite, suite_from_mapping, suite_from_yaml
from statcheck.contract.tolerance import Tolerance

__all__ = [
    "RULE_KINDS",
    "AttributionRule",
    "CompareRule",
    "FigureRef",
    "PeriodRule",
    "RateRule",
    "RatioRule",
    "Ref",
    "RevisionRule",
    "Rule",
    "Selector",
    "SeriesChange",
    "SeriesRule",
    "Suite",
    "SumRule",
    "Tolerance",
    "load_suite",
    "suite_from_mapping",
    "suite_from_yaml",
]
