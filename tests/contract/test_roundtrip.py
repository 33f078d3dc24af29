"""Suites survive load -> to_yaml -> load unchanged, and the YAML they write is stable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from statcheck.contract import (
    AttributionRule,
    CompareRule,
    FigureRef,
    PeriodRule,
    RateRule,
    RatioRule,
    Selector,
    SeriesChange,
    SeriesRule,
    Suite,
    SumRule,
    Tolerance,
    load_suite,
    suite_from_mapping,
    suite_from_yaml,
)
from statcheck.contract.rules import RevisionRule
from statcheck.errors import ExitCode, SuiteError
from statcheck.model.figure import SourceKind
from statcheck.model.interval import Relation

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "expectations" / "kyivpost-desertion.yml"

# Every rule kind with every optional field set to something other than its default,
# plus values YAML 1.1 would otherwise turn into booleans, dates and numbers.
EVERY_FIELD_YAML = """\
suite: every-field
description: "Every rule kind, every optional field: ‘quotes’, colons: and # hashes"
drops:
  - ../drops/*-every-field
  - /srv/drops/2025-*
primary_sources: [official, person, analyst]
rules:
  - id: months-add-up-to-the-year
    kind: sum
    description: |
      Twelve monthly figures make the year.
      Second line.
    total: {metric: cases, country: NO, period: 2024}
    parts:
      - {metric: cases, country: NO, period: 2024-01-01}
      - kp-feb
      - "2024"
    across: time
    missing: zero
    tolerance: {absolute: 500, relative: 0.015}

  - id: a-at-least-2.5-times-b-plus-c
    kind: compare
    description: Київ та області
    left: [kp-a, {metric: deserters, status: yes}]
    op: ">="
    right: [kp-b, kp-c, {metric: awol, period: "2023"}]
    factor: 2.5
    tolerance: {relative: 0.05}

  - id: relayed-figures-agree
    kind: attribution
    description: only the relayed ones
    checks: [citations-resolve, agrees-with-cited]
    figures: {source: odb, flag: off}
    primary: [official, media]

  - id: final-figures-published-after-the-period
    kind: period
    checks: [published-after-end]
    figures: {status: final, period: 2024-01}
    within: 2024

  - id: share-of-deserters
    kind: ratio
    part: {metric: deserters, period: 2024}
    whole: kp-cases
    share: kp-share
    scale: 1000
    tolerance: {absolute: 0.5}

  - id: shares-by-region
    kind: ratio
    over: metric
    part: deserters
    whole: cases
    share: NO
    scale: 100
    figures: {source: odb, country: NO}
    tolerance: {relative: 0.01}

  - id: twelve-a-month
    kind: rate
    rate: {metric: deserters_per_month, period: 2024}
    total: kp-total
    per: quarter
    tolerance: {absolute: 10}

  - id: running-total
    kind: series
    figures: {source: odb, country: NO}
    cumulative: true
    change: {metric: cases_change, of: cases, as: percent}
    tolerance: {absolute: 1, relative: 0.002}

  - id: not-revised
    kind: revision
    metrics: [cases, 2024]
    figures: {country: NO}
    allow: [open, forecast]
    same_source: false
    tolerance: {relative: 0.001}
"""

EXPECTED_EVERY_FIELD = Suite(
    id="every-field",
    description="Every rule kind, every optional field: ‘quotes’, colons: and # hashes",
    drops=("../drops/*-every-field", "/srv/drops/2025-*"),
    primary_sources=(SourceKind.OFFICIAL, SourceKind.PERSON, SourceKind.ANALYST),
    rules=(
        SumRule(
            id="months-add-up-to-the-year",
            description="Twelve monthly figures make the year.\nSecond line.\n",
            total=Selector((("metric", "cases"), ("country", "NO"), ("period", "2024"))),
            parts=(
                Selector((("metric", "cases"), ("country", "NO"), ("period", "2024-01-01"))),
                FigureRef("kp-feb"),
                FigureRef("2024"),
            ),
            across="time",
            missing="zero",
            tolerance=Tolerance(absolute=500, relative=0.015),
        ),
        CompareRule(
            id="a-at-least-2.5-times-b-plus-c",
            description="Київ та області",
            left=(FigureRef("kp-a"), Selector((("metric", "deserters"), ("status", "yes")))),
            op=Relation.GREATER_EQUAL,
            right=(
                FigureRef("kp-b"),
                FigureRef("kp-c"),
                Selector((("metric", "awol"), ("period", "2023"))),
            ),
            factor=2.5,
            tolerance=Tolerance(relative=0.05),
        ),
        AttributionRule(
            id="relayed-figures-agree",
            description="only the relayed ones",
            checks=("citations-resolve", "agrees-with-cited"),
            figures=Selector((("source", "odb"), ("flag", "off"))),
            primary=(SourceKind.OFFICIAL, SourceKind.MEDIA),
        ),
        PeriodRule(
            id="final-figures-published-after-the-period",
            checks=("published-after-end",),
            figures=Selector((("status", "final"), ("period", "2024-01"))),
            within="2024",
        ),
        RatioRule(
            id="share-of-deserters",
            part=Selector((("metric", "deserters"), ("period", "2024"))),
            whole=FigureRef("kp-cases"),
            share=FigureRef("kp-share"),
            scale=1000,
            tolerance=Tolerance(absolute=0.5),
        ),
        RatioRule(
            id="shares-by-region",
            over="metric",
            part="deserters",
            whole="cases",
            share="NO",
            scale=100,
            figures=Selector((("source", "odb"), ("country", "NO"))),
            tolerance=Tolerance(relative=0.01),
        ),
        RateRule(
            id="twelve-a-month",
            rate=Selector((("metric", "deserters_per_month"), ("period", "2024"))),
            total=FigureRef("kp-total"),
            per="quarter",
            tolerance=Tolerance(absolute=10),
        ),
        SeriesRule(
            id="running-total",
            figures=Selector((("source", "odb"), ("country", "NO"))),
            cumulative=True,
            change=SeriesChange(metric="cases_change", of="cases", as_="percent"),
            tolerance=Tolerance(absolute=1, relative=0.002),
        ),
        RevisionRule(
            id="not-revised",
            metrics=("cases", "2024"),
            figures=Selector((("country", "NO"),)),
            allow=("open", "forecast"),
            same_source=False,
            tolerance=Tolerance(relative=0.001),
        ),
    ),
)

# The same suite, built in Python rather than written in YAML.
EVERY_FIELD_DICT: dict[str, Any] = {
    "suite": "every-field",
    "description": "Every rule kind, every optional field: ‘quotes’, colons: and # hashes",
    "drops": ["../drops/*-every-field", "/srv/drops/2025-*"],
    "primary_sources": ["official", "person", "analyst"],
    "rules": [
        {
            "id": "months-add-up-to-the-year",
            "kind": "sum",
            "description": "Twelve monthly figures make the year.\nSecond line.\n",
            "total": {"metric": "cases", "country": "NO", "period": 2024},
            "parts": [
                {"metric": "cases", "country": "NO", "period": "2024-01-01"},
                "kp-feb",
                "2024",
            ],
            "across": "time",
            "missing": "zero",
            "tolerance": {"absolute": 500, "relative": 0.015},
        },
        {
            "id": "a-at-least-2.5-times-b-plus-c",
            "kind": "compare",
            "description": "Київ та області",
            "left": ["kp-a", {"metric": "deserters", "status": "yes"}],
            "op": ">=",
            "right": ["kp-b", "kp-c", {"metric": "awol", "period": "2023"}],
            "factor": 2.5,
            "tolerance": {"relative": 0.05},
        },
        {
            "id": "relayed-figures-agree",
            "kind": "attribution",
            "description": "only the relayed ones",
            "checks": ["citations-resolve", "agrees-with-cited"],
            "figures": {"source": "odb", "flag": "off"},
            "primary": ["official", "media"],
        },
        {
            "id": "final-figures-published-after-the-period",
            "kind": "period",
            "checks": ["published-after-end"],
            "figures": {"status": "final", "period": "2024-01"},
            "within": "2024",
        },
        {
            "id": "share-of-deserters",
            "kind": "ratio",
            "part": {"metric": "deserters", "period": "2024"},
            "whole": "kp-cases",
            "share": "kp-share",
            "scale": 1000,
            "tolerance": {"absolute": 0.5},
        },
        {
            "id": "shares-by-region",
            "kind": "ratio",
            "over": "metric",
            "part": "deserters",
            "whole": "cases",
            "share": "NO",
            "scale": 100,
            "figures": {"source": "odb", "country": "NO"},
            "tolerance": {"relative": 0.01},
        },
        {
            "id": "twelve-a-month",
            "kind": "rate",
            "rate": {"metric": "deserters_per_month", "period": "2024"},
            "total": "kp-total",
            "per": "quarter",
            "tolerance": {"absolute": 10},
        },
        {
            "id": "running-total",
            "kind": "series",
            "figures": {"source": "odb", "country": "NO"},
            "cumulative": True,
            "change": {"metric": "cases_change", "of": "cases", "as": "percent"},
            "tolerance": {"absolute": 1, "relative": 0.002},
        },
        {
            "id": "not-revised",
            "kind": "revision",
            "metrics": ["cases", "2024"],
            "figures": {"country": "NO"},
            "allow": ["open", "forecast"],
            "same_source": False,
            "tolerance": {"relative": 0.001},
        },
    ],
}


@pytest.fixture
def every_field_file(tmp_path: Path) -> Path:
    path = tmp_path / "every-field.yml"
    path.write_text(EVERY_FIELD_YAML, encoding="utf-8")
    return path


def assert_round_trip(suite: Suite) -> str:
    """load -> to_yaml -> load gives an equal suite, and writing it again gives the same bytes."""
    first = suite.to_yaml()
    reloaded = suite_from_yaml(first, "reloaded.yml")
    assert reloaded == suite
    assert reloaded.rules == suite.rules
    assert [type(r) for r in reloaded.rules] == [type(r) for r in suite.rules]
    second = reloaded.to_yaml()
    assert second.encode("utf-8") == first.encode("utf-8")
    # and once more from the second text, for good measure
    assert suite_from_yaml(second) == suite
    return first


# ---------------------------------------------------------------- the example suite


def test_example_suite_round_trips() -> None:
    suite = load_suite(EXAMPLE)
    text = assert_round_trip(suite)
    assert text.startswith("suite: kyivpost-desertion\n")
    # defaults are not written out; non-defaults are
    assert "across: categories" not in text
    assert "primary_sources:\n- official\n- person\n" in text
    assert "period: '2022'" in text
    assert "op: '>'" in text


def test_example_suite_written_back_is_a_valid_suite_file(tmp_path: Path) -> None:
    suite = load_suite(EXAMPLE)
    copy = tmp_path / "copy.yml"
    copy.write_text(suite.to_yaml(), encoding="utf-8")
    again = load_suite(copy)
    assert again == suite
    assert again.file == str(copy)
    assert again.sha256 != suite.sha256  # a different text, an equal suite


# ---------------------------------------------------------------- every field set


def test_every_field_suite_loads_as_expected(every_field_file: Path) -> None:
    suite = load_suite(every_field_file)
    assert suite == EXPECTED_EVERY_FIELD
    # equality is field by field; check the parts that compare loosely by value too
    sum_rule = suite.rule("months-add-up-to-the-year")
    assert isinstance(sum_rule, SumRule)
    assert sum_rule.total.get("country") == "NO"  # type: ignore[union-attr]
    assert sum_rule.total.get("period") == "2024"  # type: ignore[union-attr]
    compare = suite.rule("a-at-least-2.5-times-b-plus-c")
    assert isinstance(compare, CompareRule)
    assert compare.op is Relation.GREATER_EQUAL
    assert compare.factor == 2.5
    id_lines = [
        n for n, line in enumerate(EVERY_FIELD_YAML.splitlines(), 1) if line.startswith("  - id:")
    ]
    assert id_lines == [8, 22, 31, 38, 44, 52, 62, 69, 76]
    assert [r.line for r in suite.rules] == id_lines


def test_every_field_suite_round_trips(every_field_file: Path) -> None:
    text = assert_round_trip(load_suite(every_field_file))
    # every non-default field is written out
    for needle in (
        "across: time",
        "missing: zero",
        "absolute: 500",
        "relative: 0.015",
        "factor: 2.5",
        "relative: 0.05",
        "country: 'NO'",
        "status: 'yes'",
        "flag: 'off'",
        "period: '2024-01-01'",
        "- '2024'",
        "- citations-resolve",
        "- agrees-with-cited",
        "- published-after-end",
        "scale: 1000",
        "over: metric",
        "share: 'NO'",
        "per: quarter",
        "cumulative: true",
        "as: percent",
        "absolute: 0.5",
        "relative: 0.002",
        "- forecast",
        "same_source: false",
        "relative: 0.001",
        "- media",
        "- analyst",
        "- /srv/drops/2025-*",
        "Київ та області",
    ):
        assert needle in text, needle


def test_every_field_to_mapping_is_the_dict_written_in_code(every_field_file: Path) -> None:
    mapping = load_suite(every_field_file).to_mapping()
    expected = dict(EVERY_FIELD_DICT)
    # the only normalisation: the int period becomes text
    expected["rules"] = [dict(r) for r in EVERY_FIELD_DICT["rules"]]
    expected["rules"][0]["total"] = {"metric": "cases", "country": "NO", "period": "2024"}
    assert mapping == expected


def test_suite_built_from_dataclasses_round_trips() -> None:
    assert_round_trip(EXPECTED_EVERY_FIELD)


def test_minimal_rules_write_only_id_and_kind() -> None:
    suite = Suite(
        id="minimal",
        rules=(
            SumRule(id="s", total=FigureRef("t"), parts=(FigureRef("p"),)),
            CompareRule(id="c", left=(FigureRef("a"),), op=Relation.LESS, right=(FigureRef("b"),)),
            AttributionRule(id="a"),
            PeriodRule(id="p"),
            RatioRule(id="r", part=FigureRef("x"), whole=FigureRef("y"), share=FigureRef("z")),
            RateRule(id="m", rate=FigureRef("x"), total=FigureRef("y"), per="month"),
            SeriesRule(id="q", cumulative=True),
            RevisionRule(id="v"),
        ),
    )
    assert suite.to_mapping() == {
        "suite": "minimal",
        "rules": [
            {"id": "s", "kind": "sum", "total": "t", "parts": ["p"]},
            {"id": "c", "kind": "compare", "left": "a", "op": "<", "right": "b"},
            {"id": "a", "kind": "attribution"},
            {"id": "p", "kind": "period"},
            {"id": "r", "kind": "ratio", "part": "x", "whole": "y", "share": "z"},
            {"id": "m", "kind": "rate", "rate": "x", "total": "y", "per": "month"},
            {"id": "q", "kind": "series", "cumulative": True},
            {"id": "v", "kind": "revision"},
        ],
    }
    assert_round_trip(suite)


# ---------------------------------------------------------------- suites built in code


def test_suite_from_mapping_on_a_plain_dict_equals_the_yaml(every_field_file: Path) -> None:
    from_code = suite_from_mapping(EVERY_FIELD_DICT)
    from_yaml = load_suite(every_field_file)
    assert from_code == from_yaml
    assert from_code == EXPECTED_EVERY_FIELD
    assert from_code.file == "<suite>"
    assert all(r.line is None for r in from_code.rules)
    assert from_code.to_yaml() == from_yaml.to_yaml()


def test_suite_from_mapping_of_the_example_equals_the_file() -> None:
    suite = load_suite(EXAMPLE)
    assert suite_from_mapping(suite.to_mapping()) == suite


def test_suite_from_mapping_does_not_change_its_input() -> None:
    before = repr(EVERY_FIELD_DICT)
    suite_from_mapping(EVERY_FIELD_DICT)
    assert repr(EVERY_FIELD_DICT) == before


def test_errors_in_a_suite_built_in_code_name_the_rule() -> None:
    data: dict[str, Any] = {
        "suite": "s",
        "rules": [{"id": "r", "kind": "sum", "totl": "t", "parts": ["a"]}],
    }
    with pytest.raises(SuiteError, match="unknown field 'totl'") as excinfo:
        suite_from_mapping(data, "built-in-code")
    err = excinfo.value
    assert err.slug == "unknown-field"
    assert err.hint == "did you mean 'total'?"
    assert err.location.rule == "r"
    assert err.location.file == "built-in-code"
    assert err.location.line is None  # no YAML text, so no line
    assert err.exit_code is ExitCode.CONTRACT


def test_duplicate_ids_in_a_suite_built_in_code() -> None:
    data = {"suite": "s", "rules": [{"id": "r", "kind": "period"}, {"id": "r", "kind": "period"}]}
    with pytest.raises(SuiteError) as excinfo:
        suite_from_mapping(data)
    assert excinfo.value.slug == "duplicate-rule-id"
    assert excinfo.value.location.rule == "r"


@pytest.mark.parametrize("data", [None, [], "suite: s", 42])
def test_suite_from_mapping_needs_a_mapping(data: Any) -> None:
    with pytest.raises(SuiteError, match="must be a mapping") as excinfo:
        suite_from_mapping(data)
    assert excinfo.value.slug == "invalid-suite"


# ---------------------------------------------------------------- any text survives


# Text a selector value or description may hold, weighted towards what YAML reads specially.
_TRICKY = st.sampled_from(
    [
        "NO",
        "yes",
        "off",
        "on",
        "true",
        "False",
        "null",
        "~",
        "",
        " ",
        "2024-01-01",
        "2024",
        "012",
        "0x1F",
        "1:30",
        "1e3",
        "1.0",
        ".inf",
        "-",
        "? x",
        "a: b",
        "#x",
        "'",
        '"',
        "\\",
        "*a",
        "&a",
        "!tag",
        "%",
        "@",
        "`",
        "|",
        ">",
        "[a]",
        "{a: b}",
        "Київ",
        "line\nbreak",
        "tab\there",
        " lead",
        "trail ",
        "\u2028",
        "\u2029",
        "\r",
    ]
)
# U+0085 (NEL) is left out: PyYAML writes it inside a quoted scalar and reads it back
# folded to a space, so it does not survive safe_dump -> safe_load (a PyYAML limitation).
_TEXT = _TRICKY | st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x85"), max_size=30
)
_ID = _TEXT.map(str.strip).filter(bool)


@settings(max_examples=150, deadline=None)
@given(
    suite_id=_ID,
    description=_TEXT,
    figure_id=_ID,
    key=_TEXT.filter(lambda k: k not in ("", "k")),
    value=_TEXT,
)
def test_arbitrary_text_round_trips(
    suite_id: str, description: str, figure_id: str, key: str, value: str
) -> None:
    suite = Suite(
        id=suite_id,
        description=description or None,
        rules=(
            SumRule(
                id=figure_id,
                description=description or None,
                total=FigureRef(figure_id),
                parts=(Selector(((key, value),)), FigureRef(figure_id + "-part")),
            ),
            PeriodRule(id=figure_id + "-period", figures=Selector(((key, value), ("k", value)))),
        ),
    )
    assert_round_trip(suite)


@pytest.mark.parametrize("name", ["bls-cps-aat1", "worldbank-population", "jhu-covid-worldwide"])
def test_bundled_real_data_suites_round_trip(name: str) -> None:
    """Suites with a table mapping and a schema come back the same after writing."""
    from statcheck.contract import load_suite, suite_from_yaml

    suite = load_suite(Path(__file__).resolve().parents[2] / "expectations" / f"{name}.yml")
    again = suite_from_yaml(suite.to_yaml())
    assert again == suite
    assert again.to_yaml() == suite.to_yaml()
