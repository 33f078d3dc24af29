"""The `period` of a suite's `table:` mapping: every form read, written back unchanged,
and every mistake refused at its line with what to write instead."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from statcheck.contract import suite_from_yaml
from statcheck.contract.mapping import CONSTANT, FISCAL_YEAR, PeriodSpec
from statcheck.contract.yamlio import load_yaml
from statcheck.errors import SuiteError

FILE = "suite.yml"
SCHEMA = json.loads(resources.files("statcheck.contract").joinpath("suite.schema.json").read_text())


def suite_text(period: str) -> str:
    return (
        "suite: s\n"
        "table:\n"
        "  source: {source_id: bls, name: BLS, kind: official}\n"
        f"  period: {period}\n"
        "  value: v\n"
        "  metric: m\n"
        "  unit: persons\n"
        "rules: [{id: r, kind: period}]\n"
    )


@pytest.mark.parametrize(
    ("written", "spec", "columns"),
    [
        ("{year: Year}", PeriodSpec("year", "Year"), ("Year",)),
        ("{month: month}", PeriodSpec("month", "month"), ("month",)),
        ("{quarter: q}", PeriodSpec("quarter", "q"), ("q",)),
        ("{date: Date}", PeriodSpec("date", "Date"), ("Date",)),
        ("{label: period}", PeriodSpec("label", "period"), ("period",)),
        ("{year: yr, month: mo}", PeriodSpec("month", "mo", year_column="yr"), ("yr", "mo")),
        ("{quarter: q, year: y}", PeriodSpec("quarter", "q", year_column="y"), ("y", "q")),
        (
            "{fiscal_year: FY, starts: October}",
            PeriodSpec(FISCAL_YEAR, "FY", starts=10),
            ("FY",),
        ),
        ("{fiscal_year: FY, starts: apr}", PeriodSpec(FISCAL_YEAR, "FY", starts=4), ("FY",)),
        ("{fiscal_year: FY, starts: 7}", PeriodSpec(FISCAL_YEAR, "FY", starts=7), ("FY",)),
        ('"2000"', PeriodSpec(CONSTANT, label="2000"), ()),
        ("2000", PeriodSpec(CONSTANT, label="2000"), ()),
        ("2024-q3", PeriodSpec(CONSTANT, label="2024-Q3"), ()),
        ("2023-04-01/2024-03-31", PeriodSpec(CONSTANT, label="2023-04-01/2024-03-31"), ()),
    ],
)
def test_every_form_of_period_is_read_and_written_back(
    written: str, spec: PeriodSpec, columns: tuple[str, ...]
) -> None:
    suite = suite_from_yaml(suite_text(written), FILE)
    assert suite.table is not None
    assert suite.table.period == spec
    assert suite.table.period.columns == columns
    assert suite.table.source_columns == [*columns, "v"]
    again = suite_from_yaml(suite.to_yaml(), FILE)
    assert again == suite
    assert again.to_yaml() == suite.to_yaml()
    jsonschema.validate(load_yaml(suite_text(written), FILE), SCHEMA)  # editors agree


def test_a_fiscal_year_is_written_back_with_its_month_by_name() -> None:
    suite = suite_from_yaml(suite_text("{fiscal_year: FY, starts: 4}"), FILE)
    assert "starts: April" in suite.to_yaml()


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("{week: w}", "`period` reads"),
        ("{year: y, day: d}", "`period` reads"),
        ("{year: y, month: m, quarter: q}", "`period` reads"),
        ("{month: m, quarter: q}", "`period` reads"),
        ("{year: [a, b]}", "`period` is"),
        ("{}", "`period` reads"),
        ("[year]", "`period` is"),
        ("true", "`period` is"),
        ("2024-13", "`period` '2024-13'"),
        ("last year", "`period` 'last year'"),
        ("{fiscal_year: FY}", "has `fiscal_year` and `starts`"),
        ("{fiscal_year: FY, starts: April, ends: March}", "not 'ends'"),
        ("{fiscal_year: FY, starts: Avril}", "`starts` is 'Avril', not a month"),
        ("{fiscal_year: FY, starts: 13}", "`starts` is 13, not a month"),
        ("{fiscal_year: FY, starts: true}", "`starts` is True, not a month"),
    ],
)
def test_a_period_it_cannot_read_is_refused_at_its_line(written: str, message: str) -> None:
    with pytest.raises(SuiteError, match=message) as caught:
        suite_from_yaml(suite_text(written), FILE)
    assert caught.value.slug == "invalid-table-mapping"
    assert caught.value.location.file == FILE
    assert caught.value.location.line == 4
    assert caught.value.hint


@pytest.mark.parametrize(
    "written",
    ["{week: w}", "{year: y, day: d}", "{month: m, quarter: q}", "{fiscal_year: FY}", "true"],
)
def test_the_schema_refuses_what_the_loader_refuses(written: str) -> None:
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(load_yaml(suite_text(written), FILE), SCHEMA)


def test_the_schema_offers_every_form() -> None:
    from statcheck.contract.mapping import PERIOD_SCHEMA

    forms = PERIOD_SCHEMA["oneOf"]
    keys = [tuple(sorted(f.get("required", ()))) for f in forms if f["type"] == "object"]
    assert keys == [
        ("year",),
        ("date",),
        ("month",),
        ("quarter",),
        ("label",),
        ("month", "year"),
        ("quarter", "year"),
        ("fiscal_year", "starts"),
    ]
