"""Reading a partition rule: what it holds, and each mistake with its file, line and rule."""

from __future__ import annotations

import pytest

from statcheck import rules
from statcheck.contract import suite_from_yaml
from statcheck.contract.rules import PartitionRule
from statcheck.contract.tolerance import Tolerance
from statcheck.errors import SuiteError

FILE = "expectations/under-test.yml"


def read(body: str) -> PartitionRule:
    suite = suite_from_yaml("suite: s\nrules:\n  - id: r\n    kind: partition\n" + body, FILE)
    rule = suite.rules[0]
    assert isinstance(rule, PartitionRule)
    return rule


def error(body: str) -> SuiteError:
    with pytest.raises(SuiteError) as excinfo:
        read(body)
    return excinfo.value


def test_reads_every_field_and_writes_it_back() -> None:
    rule = read(
        "    whole: year\n    parts: quarter\n    add_up: true\n"
        "    figures: {metric: cases}\n    tolerance: {absolute: 5}\n"
    )
    assert (rule.whole, rule.parts, rule.add_up) == ("year", "quarter", True)
    assert rule.tolerance == Tolerance(absolute=5)
    assert rule.to_mapping() == {
        "id": "r",
        "kind": "partition",
        "whole": "year",
        "parts": "quarter",
        "add_up": True,
        "figures": {"metric": "cases"},
        "tolerance": {"absolute": 5},
    }
    built = rules.partition(
        "r", whole="year", parts="quarter", add_up=True, figures={"metric": "cases"},
        tolerance={"absolute": 5},
    )  # fmt: skip
    assert built == rule


def test_parts_default_to_every_shorter_period() -> None:
    rule = read("    whole: month\n")
    assert (rule.parts, rule.add_up) == (None, False)
    assert rule.to_mapping() == {"id": "r", "kind": "partition", "whole": "month"}


@pytest.mark.parametrize(
    ("body", "slug", "line", "says", "hint"),
    [
        ("", "missing-field", 3, "missing field 'whole'", None),
        ("    whole: decade\n", "invalid-rule", 5, "'decade'", "year, half, quarter, month"),
        ("    whole: week\n", "invalid-rule", 5, "weeks do not tile", "year, half, quarter"),
        ("    whole: year\n    parts: week\n", "invalid-rule", 6, "weeks do not tile", "day"),
        ("    whole: year\n    parts: decade\n", "invalid-rule", 6, "'decade'", "half, quarter"),
        ("    whole: quarter\n    parts: half\n", "invalid-rule", 6, "not shorter", "e.g."),
        ("    whole: quarter\n    parts: quarter\n", "invalid-rule", 6, "not shorter", None),
        ("    whole: year\n    add_up: yes please\n", "invalid-rule", 6, "true or false", None),
        (
            "    whole: year\n    tolerance: {relative: 0.01}\n",
            "invalid-rule",
            6,
            "needs `add_up: true`",
            "add `add_up: true`",
        ),
        ("    whole: year\n    part: quarter\n", "unknown-field", 6, "'part'", "'parts'"),
    ],
)
def test_mistakes_point_to_their_line(
    body: str, slug: str, line: int, says: str, hint: str | None
) -> None:
    err = error(body)
    assert err.slug == slug
    assert (err.location.file, err.location.line, err.location.rule) == (FILE, line, "r")
    assert says in err.message
    if hint is not None:
        assert err.hint is not None and hint in err.hint
