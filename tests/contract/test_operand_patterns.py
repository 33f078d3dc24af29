"""Operands over several columns, as a suite writes them: templates, their mistakes, their
round trip through YAML and the Python builders."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from statcheck import rules
from statcheck.contract import RatioRule, SumRule, suite_from_yaml
from statcheck.contract.rules.pattern import PatternError, Template, parse_template
from statcheck.contract.yamlio import load_yaml
from statcheck.errors import SuiteError

SCHEMA = json.loads(resources.files("statcheck.contract").joinpath("suite.schema.json").read_text())

SHARES = """\
suite: t
rules:
  - id: category-shares
    kind: ratio
    over: [metric, category]
    part:
      metric: "{m}"
      category: "{c}"
    whole: {metric: "{m}", category: ALL}
    share:
      metric: "{m}_share"
      category: "{c}"
"""
SUMS = """\
suite: t
rules:
  - id: categories-make-the-total
    kind: sum
    over: [metric, category]
    total: {metric: "{m}", category: ALL}
    parts: {metric: "{m}", category: "{c}"}
    figures: {unit: persons}
    missing: zero
  - id: two-listed-categories
    kind: sum
    over: [metric, category]
    total: {metric: "{m}", category: ALL}
    parts:
      - {metric: "{m}", category: c01}
      - {metric: "{m}", category: 2}
  - id: shares-make-100
    kind: sum
    over: [metric, category]
    total: 100
    parts: {metric: "m01_share", category: "{c}"}
"""


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("ALL", Template("ALL", "ALL")),
        ("{m}", Template("{m}", "", "m", "")),
        ("{m}_share", Template("{m}_share", "", "m", "_share")),
        (
            "share_of_{metric_2}(%)",
            Template("share_of_{metric_2}(%)", "share_of_", "metric_2", "(%)"),
        ),
        ("{{literal}}", Template("{{literal}}", "{literal}")),
        ("{{{x}}}", Template("{{{x}}}", "{", "x", "}")),
    ],
)
def test_templates(text: str, parsed: Template) -> None:
    assert parse_template(text) == parsed


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("{m_share", "no '}' closes"),
        ("m}_share", "closes no placeholder"),
        ("{m}_{c}", "holds two placeholders"),
        ("{}", "is not a placeholder"),
        ("{2m}", "is not a placeholder"),
        ("{m c}", "is not a placeholder"),
    ],
)
def test_template_mistakes(text: str, says: str) -> None:
    with pytest.raises(PatternError) as excinfo:
        parse_template(text)
    assert says in excinfo.value.message


@pytest.mark.parametrize(
    ("change", "says", "line", "hint"),
    [
        # a variable the share uses and the part does not bind
        (('      category: "{c}"\n    whole', '      category: "{k}"\n    whole'),
         "`share` uses {c}, which `part` does not bind", 10, "name {c} in `part` too"),
        # the whole's variables must be the part's
        (("whole: {metric: \"{m}\", category: ALL}", "whole: {metric: \"{w}\", category: ALL}"),
         "`whole` uses {w}, which `part` does not bind", 9, None),
        # a mapping naming a column not in `over`, at that column's own line
        (('      metric: "{m}_share"\n', '      metric: "{m}_share"\n      region: x\n'),
         "`share` names 'region', not in `over` (metric, category)", 10, "add the column"),
        (('      metric: "{m}"\n      category: "{c}"\n    whole', '      metric: "{m}"\n    whole'),
         "`part` does not name 'category'", 6, None),
        # a template with an unbalanced brace, at its column's line
        (('metric: "{m}_share"', 'metric: "{m_share"'),
         "`share.metric`: '{m_share' opens a placeholder with '{' that no '}' closes", 11,
         "write {{ for a literal brace"),
        (("over: [metric, category]", "over: [metric, metric]"), "lists a column twice", 5, None),
        (("over: [metric, category]", "over: []"), "`over` must name a column", 5, None),
        (('    part:\n      metric: "{m}"\n      category: "{c}"\n', "    part: deserters\n"),
         "`part` must be a mapping of each `over` column", 6, None),
    ],
)  # fmt: skip
def test_ratio_read_errors_name_the_line(
    change: tuple[str, str], says: str, line: int, hint: str | None
) -> None:
    text = SHARES.replace(*change)
    assert text != SHARES
    with pytest.raises(SuiteError) as excinfo:
        suite_from_yaml(text)
    error = excinfo.value
    assert error.slug == "invalid-rule"
    assert says in error.message
    assert error.location is not None
    assert (error.location.line, error.location.rule) == (line, "category-shares")
    if hint:
        assert hint in (error.hint or "")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (('parts: {metric: "{m}", category: "{c}"}', 'parts: {metric: "x", category: "{c}"}'),
         "`total` uses {m}, which `parts` does not bind"),
        (("category: c01}", 'category: "{c}"}'), "`parts` uses {c}, which `total` does not bind"),
        (("      - {metric: \"{m}\", category: 2}", "      - {metric: \"{m}\", category: c01}"),
         "lists the same part twice"),
        (("    missing: zero\n", "    hierarchy: {ALL: [c01]}\n"), "`hierarchy` takes a single"),
        (("    missing: zero\n", "    across: time\n"), "`across` takes a single"),
        (('total: 100', 'total: {metric: "{m}_share", category: ALL}'),
         "`total` uses {m}, which `parts` does not bind"),
    ],
)  # fmt: skip
def test_sum_read_errors(change: tuple[str, str], says: str) -> None:
    text = SUMS.replace(*change)
    assert text != SUMS
    with pytest.raises(SuiteError) as excinfo:
        suite_from_yaml(text)
    assert says in excinfo.value.message


def test_the_one_column_forms_are_unchanged() -> None:
    one = suite_from_yaml(
        "suite: t\nrules:\n  - {id: r, kind: ratio, over: metric, part: a, whole: b, share: c}\n"
    ).rule("r")
    assert isinstance(one, RatioRule) and (one.over, one.part) == ("metric", "a")


def test_suites_round_trip() -> None:
    for text in (SHARES, SUMS):
        suite = suite_from_yaml(text)
        assert suite_from_yaml(suite.to_yaml()) == suite
    ratio = suite_from_yaml(SHARES).rule("category-shares")
    assert isinstance(ratio, RatioRule) and ratio.over == ("metric", "category")
    assert ratio.refs() == ()
    sums = suite_from_yaml(SUMS)
    listed = sums.rule("two-listed-categories")
    assert isinstance(listed, SumRule) and not listed.matching and listed.refs() == ()
    assert [str(p) for p in listed.parts] == ["metric={m}, category=c01", "metric={m}, category=2"]
    hundred = sums.rule("shares-make-100")
    assert isinstance(hundred, SumRule) and hundred.constant == 100 and hundred.matching


def test_builders_make_the_same_rules() -> None:
    loaded = suite_from_yaml(SHARES).rule("category-shares")
    built = rules.ratio(
        "category-shares",
        over=["metric", "category"],
        part={"metric": "{m}", "category": "{c}"},
        whole={"metric": "{m}", "category": "ALL"},
        share={"metric": "{m}_share", "category": "{c}"},
    )
    assert built == loaded
    sums = suite_from_yaml(SUMS)
    assert rules.sum(
        "categories-make-the-total",
        over=["metric", "category"],
        total={"metric": "{m}", "category": "ALL"},
        parts={"metric": "{m}", "category": "{c}"},
        figures={"unit": "persons"},
        missing="zero",
    ) == sums.rule("categories-make-the-total")
    assert rules.sum(
        "two-listed-categories",
        over=["metric", "category"],
        total={"metric": "{m}", "category": "ALL"},
        parts=[{"metric": "{m}", "category": "c01"}, {"metric": "{m}", "category": 2}],
    ) == sums.rule("two-listed-categories")


def test_schema_accepts_the_forms() -> None:
    for text in (SHARES, SUMS):
        jsonschema.validate(load_yaml(text, "x"), SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(
            load_yaml(SHARES.replace("[metric, category]", "[metric, metric]"), "x"), SCHEMA
        )
