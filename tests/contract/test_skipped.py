"""`skipped: count | report`: on any rule, or as the suite's default for the rules that do
not set their own; read with clear errors, written back, in the JSON Schema and the
builders."""

from __future__ import annotations

import json
from importlib import resources
from itertools import product

import jsonschema
import pytest

import statcheck
from statcheck import rules
from statcheck.contract import suite_from_yaml
from statcheck.contract.rules import RULE_KINDS
from statcheck.contract.yamlio import load_yaml
from statcheck.errors import SuiteError

SCHEMA = json.loads(resources.files("statcheck.contract").joinpath("suite.schema.json").read_text())


def suite_text(top: str, own: tuple[str | None, ...]) -> str:
    """A suite with a top-level `skipped:` (or none) and one period rule per entry of
    ``own``, each with its own `skipped:` (or none)."""
    lines = ["suite: t", *([f"skipped: {top}"] if top else []), "rules:"]
    for i, mode in enumerate(own):
        lines += [f"  - id: r{i}", "    kind: period"]
        if mode:
            lines.append(f"    skipped: {mode}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("top", "own", "read"),
    [
        ("", (None, "report", "count"), ("count", "report", "count")),
        ("report", (None, "report", "count"), ("report", "report", "count")),
        ("count", (None, "report"), ("count", "report")),
    ],
)
def test_a_rule_takes_its_own_skipped_or_else_the_suites(
    top: str, own: tuple[str | None, ...], read: tuple[str, ...]
) -> None:
    suite = suite_from_yaml(suite_text(top, own))
    assert tuple(r.skipped for r in suite.rules) == read
    assert suite.skipped == (top or "count")


@pytest.mark.parametrize(
    ("top", "own"),
    list(product(["", "count", "report"], product([None, "count", "report"], repeat=2))),
)
def test_skipped_round_trips_through_yaml(top: str, own: tuple[str | None, ...]) -> None:
    suite = suite_from_yaml(suite_text(top, own))
    again = suite_from_yaml(suite.to_yaml())
    assert again == suite
    assert tuple(r.skipped for r in again.rules) == tuple(r.skipped for r in suite.rules)
    # The YAML says only what differs from the defaults.
    written = suite.to_mapping()
    assert ("skipped" in written) == (top == "report")
    for rule, mapping in zip(suite.rules, written["rules"], strict=True):
        assert ("skipped" in mapping) == (rule.skipped != suite.skipped)


def test_a_rule_alone_writes_skipped_only_when_it_reports() -> None:
    assert "skipped" not in rules.period("p").to_mapping()
    assert rules.period("p", skipped="report").to_mapping()["skipped"] == "report"


@pytest.mark.parametrize("value", ["sometimes", "true", "[count]", "1"])
def test_a_bad_skipped_on_a_rule_names_its_line_and_the_choices(value: str) -> None:
    text = f"suite: t\nrules:\n  - id: r\n    kind: period\n    skipped: {value}\n"
    with pytest.raises(SuiteError) as info:
        suite_from_yaml(text)
    err = info.value
    assert err.slug == "invalid-rule"
    assert (err.location.line, err.location.rule) == (5, "r")
    assert "skipped" in err.message
    if value == "sometimes":
        assert err.hint == "use one of: count, report"


def test_an_empty_skipped_on_a_rule_is_an_error() -> None:
    with pytest.raises(SuiteError) as info:
        suite_from_yaml("suite: t\nrules:\n  - id: r\n    kind: period\n    skipped:\n")
    assert info.value.slug == "invalid-rule" and info.value.location.line == 5
    assert info.value.message == "field 'skipped' is empty"


@pytest.mark.parametrize("value", ["sometimes", "", "[report]", "yes please"])
def test_a_bad_suite_level_skipped_names_its_line(value: str) -> None:
    text = f"suite: t\ndescription: x\nskipped: {value}\nrules:\n  - id: r\n    kind: period\n"
    with pytest.raises(SuiteError) as info:
        suite_from_yaml(text)
    err = info.value
    assert err.slug == "invalid-suite" and err.location.line == 3
    assert err.message.startswith("`skipped` must be count or report, not ")


def test_skipped_is_known_to_every_kind_not_an_unknown_field() -> None:
    for kind, cls in RULE_KINDS.items():
        example = {**cls.EXAMPLE, "skipped": "report"}
        suite = statcheck.suite("t", [example])
        assert suite.rules[0].skipped == "report", kind


def test_a_misspelt_skipped_is_an_unknown_field_that_suggests_it() -> None:
    with pytest.raises(SuiteError) as info:
        suite_from_yaml("suite: t\nrules:\n  - id: r\n    kind: period\n    skiped: report\n")
    assert info.value.slug == "unknown-field" and info.value.hint == "did you mean 'skipped'?"


def test_the_json_schema_takes_skipped_on_the_suite_and_on_every_kind() -> None:
    text = suite_text("report", (None, "count"))
    jsonschema.validate(load_yaml(text, "<t>"), SCHEMA)
    for kind in RULE_KINDS:
        assert SCHEMA["$defs"][kind]["properties"]["skipped"]["enum"] == ["count", "report"]
    for bad in (suite_text("never", (None,)), suite_text("", ("never",))):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(load_yaml(bad, "<t>"), SCHEMA)


def test_builders_take_skipped_on_a_rule_and_on_the_suite() -> None:
    suite = statcheck.suite(
        "t",
        [rules.period("counted"), rules.series("own", cumulative=True, skipped="report")],
        skipped="report",
    )
    assert [r.skipped for r in suite.rules] == ["report", "report"]
    assert suite == suite_from_yaml(
        "suite: t\nskipped: report\nrules:\n"
        "  - {id: counted, kind: period}\n"
        "  - {id: own, kind: series, cumulative: true}\n"
    )
    assert rules.rule("period", "p", skipped="report").skipped == "report"
    with pytest.raises(SuiteError) as info:
        rules.period("p", skipped="always")
    assert info.value.slug == "invalid-rule"
    with pytest.raises(SuiteError) as info:
        statcheck.suite("t", [rules.period("p")], skipped="always")
    assert info.value.slug == "invalid-suite"
