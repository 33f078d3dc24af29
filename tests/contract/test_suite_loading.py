"""Loading suites: every mistake in a suite is a SuiteError with a slug, file, line and rule.

Line numbers are 1-based lines of the YAML text: the offending key for a bad field, the
start of the rule (its ``- id:`` line) for a rule-level problem.
"""

from __future__ import annotations

import itertools
import os
import textwrap
from pathlib import Path

import pytest
import yaml

from statcheck.contract import (
    AttributionRule,
    CompareRule,
    FigureRef,
    PeriodRule,
    Selector,
    Suite,
    SumRule,
    Tolerance,
    load_suite,
    suite_from_yaml,
)
from statcheck.errors import ExitCode, SuiteError
from statcheck.model.figure import SourceKind
from statcheck.model.interval import Relation

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "expectations" / "kyivpost-desertion.yml"
FILE = "expectations/under-test.yml"


# ---------------------------------------------------------------- helpers


def y(text: str) -> str:
    """Dedent a YAML snippet written inline in a test."""
    return textwrap.dedent(text).lstrip("\n")


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line of ``text`` that contains ``needle``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits}"
    return hits[0]


def load_error(text: str, file: str = FILE) -> SuiteError:
    with pytest.raises(SuiteError) as excinfo:
        suite_from_yaml(text, file)
    err = excinfo.value
    assert err.exit_code is ExitCode.CONTRACT
    assert err.exit_code == 2
    return err


def assert_error(
    err: SuiteError, slug: str, *, line: int | None, rule: str | None, file: str = FILE
) -> None:
    assert err.slug == slug, str(err)
    assert err.location.file == file
    assert err.location.line == line, str(err)
    assert err.location.rule == rule
    assert err.exit_code is ExitCode.CONTRACT


def rule_item(rule_body: str) -> str:
    """``rule_body`` (YAML lines of one rule, unindented) as an item of the rules list."""
    body = textwrap.indent(y(rule_body), "    ")
    return "  - " + body.lstrip()


def one_rule(rule_body: str) -> str:
    """A suite whose only rule is ``rule_body``; the rule starts on line 3."""
    return "suite: s\nrules:\n" + rule_item(rule_body)


# ---------------------------------------------------------------- well-formed suites


def test_well_formed_suite_reads_every_rule_kind_with_lines() -> None:
    text = y(
        """
        suite: s
        description: a test suite
        rules:
          - id: total
            kind: sum
            total: t
            parts: [a, b]
          - id: bigger
            kind: compare
            left: a
            op: ">="
            right: [b, c]
          - id: who
            kind: attribution
          - id: when
            kind: period
        """
    )
    suite = suite_from_yaml(text, FILE)
    assert suite.id == "s"
    assert suite.description == "a test suite"
    assert suite.file == FILE
    assert suite.primary_sources == (SourceKind.OFFICIAL,)
    assert suite.drops == ()
    assert [r.id for r in suite.rules] == ["total", "bigger", "who", "when"]
    assert [type(r) for r in suite.rules] == [SumRule, CompareRule, AttributionRule, PeriodRule]
    assert [r.line for r in suite.rules] == [4, 8, 13, 15]
    assert suite.rule("total") == SumRule(
        id="total", total=FigureRef("t"), parts=(FigureRef("a"), FigureRef("b"))
    )
    bigger = suite.rule("bigger")
    assert isinstance(bigger, CompareRule)
    assert bigger.op is Relation.GREATER_EQUAL
    assert bigger.left == (FigureRef("a"),)
    assert bigger.right == (FigureRef("b"), FigureRef("c"))
    assert bigger.factor == 1.0
    with pytest.raises(KeyError):
        suite.rule("nope")


def test_example_suite_loads() -> None:
    suite = load_suite(EXAMPLE)
    assert suite.id == "kyivpost-desertion"
    assert suite.file == str(EXAMPLE)
    assert suite.sha256 is not None and len(suite.sha256) == 64
    assert suite.drops == ("../fixtures/drops/*-kyivpost-desertion",)
    assert suite.primary_sources == (SourceKind.OFFICIAL, SourceKind.PERSON)
    assert len(suite.rules) == 9
    assert suite.rules[-1] == PeriodRule(id="periods-are-sound")
    sum_rule = suite.rule("ft-60000-is-desertion-plus-awol")
    assert isinstance(sum_rule, SumRule)
    assert sum_rule.line == line_of(EXAMPLE.read_text(), "id: ft-60000-is-desertion-plus-awol")
    compare = suite.rule("more-than-two-previous-years-combined")
    assert isinstance(compare, CompareRule)
    assert compare.right[1] == Selector(
        (
            ("metric", "criminal_cases_opened"),
            ("offence", "abandoning-positions"),
            ("period", "2023"),
        )
    )
    folders = suite.drop_folders()
    assert [f.name for f in folders] == ["2025-01-06-kyivpost-desertion"]
    assert folders[0].resolve() == REPO / "fixtures" / "drops" / "2025-01-06-kyivpost-desertion"


def test_tolerance_and_optional_fields_are_read() -> None:
    text = one_rule(
        """
        id: r
        kind: sum
        total: {metric: cases, period: "2024"}
        parts: [a]
        across: time
        missing: zero
        tolerance: {absolute: 500, relative: 0.01}
        """
    )
    rule = suite_from_yaml(text, FILE).rules[0]
    assert rule == SumRule(
        id="r",
        total=Selector((("metric", "cases"), ("period", "2024"))),
        parts=(FigureRef("a"),),
        across="time",
        missing="zero",
        tolerance=Tolerance(absolute=500, relative=0.01),
    )


# ---------------------------------------------------------------- rule kinds and fields


def test_unknown_rule_kind_suggests_the_close_one() -> None:
    text = y(
        """
        suite: s
        rules:
          - id: first
            kind: period
          - id: typo
            kind: summ
            total: t
            parts: [a]
        """
    )
    err = load_error(text)
    assert_error(err, "unknown-rule-kind", line=line_of(text, "kind: summ"), rule="typo")
    assert err.location.line == 6
    assert "'summ'" in err.message
    assert err.hint == "did you mean 'sum'?"
    assert str(err).startswith(f"{FILE}:6, rule 'typo': unknown rule kind")


def test_unknown_rule_kind_far_from_any_lists_the_kinds() -> None:
    err = load_error(one_rule("id: r\nkind: banana\n"))
    assert_error(err, "unknown-rule-kind", line=4, rule="r")
    assert err.hint is not None
    for kind in ("sum", "compare", "attribution", "period"):
        assert kind in err.hint


def test_unknown_field_in_rule_suggests_the_close_one() -> None:
    text = one_rule(
        """
        id: r
        kind: sum
        totl: t
        parts: [a, b]
        """
    )
    err = load_error(text)
    assert_error(err, "unknown-field", line=line_of(text, "totl:"), rule="r")
    assert err.location.line == 5
    assert "'totl'" in err.message
    assert err.hint == "did you mean 'total'?"


def test_field_of_another_kind_is_unknown() -> None:
    text = one_rule("id: r\nkind: period\nop: '>'\n")
    err = load_error(text)
    assert_error(err, "unknown-field", line=5, rule="r")
    assert err.hint is not None and "checks" in err.hint


@pytest.mark.parametrize(
    ("body", "missing"),
    [
        ("id: r\nkind: sum\ntotal: t\n", "parts"),
        ("id: r\nkind: sum\nparts: [a]\n", "total"),
        ("id: r\nkind: sum\ntotal: t\nparts:\n", "parts"),
        ("id: r\nkind: compare\nleft: a\nright: b\n", "op"),
        ("id: r\nkind: compare\nop: '<'\nright: b\n", "left"),
        ("id: r\nkind: compare\nop: '<'\nleft: a\n", "right"),
        ("id: r\ndescription: no kind\n", "kind"),
    ],
)
def test_missing_required_field_points_at_the_rule(body: str, missing: str) -> None:
    text = "suite: s\nrules:\n  - id: ok\n    kind: period\n" + rule_item(body)
    err = load_error(text)
    assert_error(err, "missing-field", line=5, rule="r")
    assert f"'{missing}'" in err.message


def test_rule_without_id_is_named_by_position() -> None:
    text = y(
        """
        suite: s
        rules:
          - id: a
            kind: period
          - kind: period
        """
    )
    err = load_error(text)
    assert_error(err, "missing-field", line=5, rule="#2")
    assert "'id'" in err.message


def test_duplicate_rule_id_points_at_the_second() -> None:
    text = y(
        """
        suite: s
        rules:
          - id: same
            kind: period
          - id: other
            kind: attribution
          - id: same
            kind: attribution
        """
    )
    err = load_error(text)
    assert_error(err, "duplicate-rule-id", line=7, rule="same")
    assert "line 3" in err.message


@pytest.mark.parametrize(
    "tolerance",
    [
        "{absolute: -1}",
        "5",
        "{percent: 2}",
        "{}",
        "[1, 2]",
        "{relative: -0.5}",
        "{relative: .nan}",
        "{absolute: .inf}",
        "{absolute: '5'}",
        "{absolute: true}",
        "{absolute: 1, percent: 2}",
    ],
)
def test_bad_tolerance(tolerance: str) -> None:
    text = one_rule(f"id: r\nkind: sum\ntotal: t\nparts: [a]\ntolerance: {tolerance}\n")
    err = load_error(text)
    assert_error(err, "bad-tolerance", line=line_of(text, "tolerance:"), rule="r")
    assert err.location.line == 7


def test_tolerance_on_compare_is_checked_too() -> None:
    text = one_rule("id: c\nkind: compare\nleft: a\nop: '<'\nright: b\ntolerance: 5\n")
    err = load_error(text)
    assert_error(err, "bad-tolerance", line=8, rule="c")
    assert err.hint is not None and "absolute" in err.hint


def test_tolerance_value_object_rejects_bad_values() -> None:
    assert Tolerance().is_zero
    assert Tolerance(absolute=2, relative=0.5).to_mapping() == {"absolute": 2, "relative": 0.5}
    for bad in (-1, float("nan"), float("inf"), "1", True, None):
        with pytest.raises(ValueError, match="finite number >= 0"):
            Tolerance(absolute=bad)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="finite number >= 0"):
            Tolerance(relative=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("op", ["=>", "=<", "=", "!=", "gt"])
def test_compare_op_must_be_a_known_relation(op: str) -> None:
    text = one_rule(f"id: c\nkind: compare\nleft: a\nop: '{op}'\nright: b\n")
    err = load_error(text)
    assert_error(err, "invalid-rule", line=line_of(text, "op:"), rule="c")
    assert err.location.line == 6
    assert repr(op) in err.message
    assert err.hint is not None
    for allowed in (">", ">=", "<", "<=", "=="):
        assert f" {allowed} " in f" {err.hint} "


@pytest.mark.parametrize("factor", ["0", "-1", "0.0", "'2'", ".inf", ".nan", "true", "[2]"])
def test_compare_factor_must_be_positive_and_finite(factor: str) -> None:
    text = one_rule(f"id: c\nkind: compare\nleft: a\nop: '>='\nright: b\nfactor: {factor}\n")
    err = load_error(text)
    assert_error(err, "invalid-rule", line=line_of(text, "factor:"), rule="c")
    assert "factor" in err.message


def test_compare_factor_zero_message() -> None:
    err = load_error(one_rule("id: c\nkind: compare\nleft: a\nop: '>='\nright: b\nfactor: 0\n"))
    assert err.message == "factor must be above 0"


@pytest.mark.parametrize(
    ("kind", "field", "value", "allowed"),
    [
        ("attribution", "checks", "[bogus]", "known-source"),
        ("attribution", "checks", "[no-cycles, bogus]", "reaches-primary"),
        ("attribution", "primary", "[wizard]", "official"),
        ("attribution", "primary", "[official, wizard]", "person"),
        ("period", "checks", "[bogus]", "published-after-end"),
    ],
)
def test_attribution_and_period_choices(kind: str, field: str, value: str, allowed: str) -> None:
    text = one_rule(f"id: r\nkind: {kind}\n{field}: {value}\n")
    err = load_error(text)
    assert_error(err, "invalid-rule", line=line_of(text, f"{field}:"), rule="r")
    assert err.location.line == 5
    assert err.hint is not None and allowed in err.hint
    assert ("bogus" in err.message) or ("wizard" in err.message)


@pytest.mark.parametrize(
    ("field", "value"),
    [("across", "rows"), ("missing", "skip"), ("across", "5"), ("description", "[a]")],
)
def test_sum_text_fields_are_checked(field: str, value: str) -> None:
    text = one_rule(f"id: r\nkind: sum\ntotal: t\nparts: [a]\n{field}: {value}\n")
    err = load_error(text)
    assert_error(err, "invalid-rule", line=7, rule="r")
    assert repr(field) in err.message


@pytest.mark.parametrize(
    ("value", "needle"),
    [("[a, 5]", "5"), ("[a, '']", "''"), ("[a, {}]", "{}"), ("[]", "no figures")],
)
def test_bad_figure_references(value: str, needle: str) -> None:
    text = one_rule(f"id: r\nkind: sum\ntotal: t\nparts: {value}\n")
    err = load_error(text)
    assert_error(err, "invalid-rule", line=6, rule="r")
    assert needle in err.message


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("total: t\nparts: [t, a]", "the total 't' is listed among its own parts"),
        ("total: t\nparts: [a, b, a]", "the part 'a' is listed twice"),
        ("over: region\ntotal: all\nparts: [north, all]", "the total 'all' is listed"),
        ("over: region\ntotal: all\nparts: [north, north]", "the part 'north' is listed twice"),
    ],
)
def test_a_sum_that_counts_a_figure_twice_is_the_suites_error(rule: str, says: str) -> None:
    # It could only fail: a data failure (exit 1) would blame the figures.
    text = one_rule(f"id: r\nkind: sum\n{rule}\n")
    err = load_error(text)
    assert_error(err, "invalid-rule", line=line_of(text, "parts:"), rule="r")
    assert says in err.message


@pytest.mark.parametrize("value", ["{flag: true}", "{metric: [a, b]}", "{metric: null}"])
def test_selector_values_must_be_single_scalars(value: str) -> None:
    text = one_rule(f"id: r\nkind: period\nfigures: {value}\n")
    err = load_error(text)
    assert_error(err, "invalid-rule", line=5, rule="r")


def test_rule_id_must_be_text() -> None:
    err = load_error(one_rule("id: 7\nkind: period\n"))
    assert_error(err, "invalid-rule", line=3, rule="#1")


def test_rule_must_be_a_mapping() -> None:
    err = load_error("suite: s\nrules: [just-a-name]\n")
    assert err.slug == "invalid-suite"
    assert err.location.file == FILE
    assert "rule #1" in err.message


# ---------------------------------------------------------------- top level


def test_unknown_top_level_key() -> None:
    text = y(
        """
        suite: s
        drop: ../drops/*
        rules:
          - id: a
            kind: period
        """
    )
    err = load_error(text)
    assert_error(err, "unknown-field", line=2, rule=None)
    assert "'drop'" in err.message
    assert err.hint is not None and "drops" in err.hint and "primary_sources" in err.hint


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("suite: s\ndescription: nothing to check\n", 1),
        ("suite: s\nrules: []\n", 2),
        ("suite: s\nrules:\n", 2),
    ],
)
def test_suite_without_rules(text: str, line: int) -> None:
    err = load_error(text)
    assert_error(err, "missing-field", line=line, rule=None)
    assert "no rules" in err.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("rules:\n  - id: a\n    kind: period\n", 1),
        ("# header comment\n\ndescription: d\nrules:\n  - id: a\n    kind: period\n", 3),
        ("suite: ''\nrules:\n  - id: a\n    kind: period\n", 1),
        ("suite: '   '\nrules:\n  - id: a\n    kind: period\n", 1),
        ("suite: 12\nrules:\n  - id: a\n    kind: period\n", 1),
    ],
)
def test_suite_without_id(text: str, line: int) -> None:
    err = load_error(text)
    assert_error(err, "missing-field", line=line, rule=None)
    assert "suite: <name>" in err.message


def test_suite_id_is_stripped() -> None:
    assert suite_from_yaml("suite: ' s '\nrules: [{id: a, kind: period}]\n").id == "s"


@pytest.mark.parametrize("text", ["", "# only a comment\n", "- a\n- b\n", "just text\n"])
def test_document_must_be_a_mapping(text: str) -> None:
    err = load_error(text)
    assert err.slug == "invalid-suite"
    assert err.location.file == FILE


def test_primary_sources_are_checked() -> None:
    text = "suite: s\nprimary_sources: [official, wizard]\nrules:\n  - {id: a, kind: period}\n"
    err = load_error(text)
    assert_error(err, "invalid-rule", line=2, rule=None)
    assert err.hint is not None and "person" in err.hint


def test_primary_sources_and_drops_are_read() -> None:
    text = (
        "suite: s\nprimary_sources: [person, media]\ndrops: one/*\nrules: [{id: a, kind: period}]\n"
    )
    suite = suite_from_yaml(text)
    assert suite.primary_sources == (SourceKind.PERSON, SourceKind.MEDIA)
    assert suite.drops == ("one/*",)
    assert suite.file == "<suite>"


@pytest.mark.parametrize("drops", ["[1, 2]", "{a: b}", ""])
def test_drops_must_be_globs(drops: str) -> None:
    text = f"suite: s\ndrops: {drops}\nrules: [{{id: a, kind: period}}]\n"
    err = load_error(text)
    assert_error(err, "invalid-suite", line=2, rule=None)
    assert "drops" in err.message


# ---------------------------------------------------------------- hostile YAML


def _no_exec(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Replace os.system so any call is recorded instead of run."""
    calls: list[object] = []
    monkeypatch.setattr(os, "system", lambda *a: calls.append(a) or 0)
    return calls


@pytest.mark.parametrize(
    ("template", "line"),
    [
        # the whole document
        ("!!python/object/apply:os.system [{cmd}]\n", 1),
        # a top-level value
        (
            "suite: s\nx: !!python/object/apply:os.system [{cmd}]\nrules: [{{id: a, kind: period}}]\n",
            2,
        ),
        # the suite id itself (a scalar form)
        ("suite: !!python/object/apply:os.system {cmd}\nrules: [{{id: a, kind: period}}]\n", 1),
        # a field inside a rule
        (
            "suite: s\nrules:\n  - id: a\n    kind: sum\n    total: t\n"
            "    parts: !!python/object/apply:os.system [{cmd}]\n",
            6,
        ),
        # one item of a list inside a rule
        (
            "suite: s\nrules:\n  - id: a\n    kind: sum\n    total: t\n    parts:\n      - b\n"
            "      - !!python/object/apply:os.system [{cmd}]\n",
            8,
        ),
        # as a whole rule in the rules list
        ("suite: s\nrules:\n  - !!python/object/apply:os.system [{cmd}]\n", 3),
        # as a mapping key
        ("suite: s\n? !!python/object/apply:os.system [{cmd}]\n: 1\nrules: []\n", 2),
        # the other python tags
        ("suite: !!python/object/new:os.system [{cmd}]\n", 1),
        ("suite: !!python/name:os.system ''\n", 1),
        ("suite: !!python/module:os ''\n", 1),
        ("suite: !!python/object:os.PathLike {{}}\n", 1),
    ],
)
def test_python_tags_are_refused_and_never_run(
    template: str, line: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = tmp_path / "executed"
    text = template.format(cmd=f'"echo hi > {canary}"')
    calls = _no_exec(monkeypatch)
    err = load_error(text)
    assert_error(err, "unsafe-yaml", line=line, rule=None)
    assert "python/" in err.message
    assert err.hint is not None and "plain data" in err.hint
    assert calls == []
    assert not canary.exists()


def test_python_tag_in_a_suite_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = tmp_path / "executed"
    path = tmp_path / "evil.yml"
    path.write_text(
        "suite: s\nrules:\n  - id: a\n    kind: period\n"
        f'    description: !!python/object/apply:os.system ["echo hi > {canary}"]\n'
    )
    calls = _no_exec(monkeypatch)
    with pytest.raises(SuiteError) as excinfo:
        load_suite(path)
    assert excinfo.value.slug == "unsafe-yaml"
    assert excinfo.value.location.file == str(path)
    assert excinfo.value.location.line == 5
    assert calls == []
    assert not canary.exists()


@pytest.mark.parametrize(
    ("text", "tag", "line"),
    [
        ("suite: !!binary aGVsbG8=\nrules: []\n", "binary", 1),
        (
            "suite: s\nrules:\n  - id: a\n    kind: period\n    description: !!binary aGk=\n",
            "binary",
            5,
        ),
        (
            "suite: s\nrules:\n  - id: a\n    kind: period\n"
            "    figures: {period: !!timestamp 2024-01-01}\n",
            "timestamp",
            5,
        ),
        ("suite: s\nrules: !!set {a, b}\n", "set", 2),
        ("suite: s\nrules: !!omap [a: 1]\n", "omap", 2),
        ("suite: s\nrules: !include other.yml\n", "!include", 2),
    ],
)
def test_non_plain_tags_are_refused(text: str, tag: str, line: int) -> None:
    err = load_error(text)
    assert_error(err, "unsafe-yaml", line=line, rule=None)
    assert tag in err.message


def test_plain_explicit_tags_are_fine() -> None:
    suite = suite_from_yaml("suite: !!str 2024\nrules: [{id: !!str a, kind: period}]\n", FILE)
    assert suite.id == "2024"
    assert suite.rules == (PeriodRule(id="a"),)


def _billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in itertools.pairwise("abcdefghijklmnopqrstuvwxyz"[:levels]):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("where", ["top", "rule"])
def test_alias_bomb_is_refused(where: str) -> None:
    # 9**9 values if expanded: the node budget stops it early (speed is for benchmarks).
    bomb = _billion_laughs(9)
    if where == "top":
        text = (
            "suite: s\nbomb:\n" + textwrap.indent(bomb, "  ") + "rules: [{id: a, kind: period}]\n"
        )
    else:
        text = (
            "suite: s\nrules:\n  - id: a\n    kind: period\n    description:\n"
            + textwrap.indent(bomb, "      ")
        )
    err = load_error(text)
    assert err.slug == "yaml-too-large"
    assert err.location.file == FILE
    assert err.location.line is not None and 1 <= err.location.line <= len(text.splitlines())
    assert "alias bomb" in err.message
    assert text.count("&") == 9


@pytest.mark.parametrize(
    "text",
    [
        "suite: s\nx: &loop [*loop]\nrules: [{id: a, kind: period}]\n",
        "suite: &loop {x: *loop}\n",
        "suite: s\nrules: [{id: a, kind: period, figures: &f {metric: *f}}]\n",
    ],
)
def test_self_referencing_alias_is_an_error_not_a_crash(text: str) -> None:
    err = load_error(text)
    assert err.slug == "yaml-too-large"
    assert err.location.file == FILE


def test_absurd_nesting_is_an_error_not_a_crash() -> None:
    err = load_error("suite: s\nx: " + "[" * 3000 + "]" * 3000 + "\nrules: []\n")
    assert err.slug == "yaml-too-large"


def test_ordinary_aliases_are_allowed() -> None:
    text = y(
        """
        suite: s
        rules:
          - id: a
            kind: sum
            total: t
            parts: &parts [x, y]
          - id: b
            kind: compare
            left: t
            op: ">="
            right: *parts
        """
    )
    suite = suite_from_yaml(text, FILE)
    b = suite.rule("b")
    assert isinstance(b, CompareRule)
    assert b.right == (FigureRef("x"), FigureRef("y"))


def test_merge_keys_are_refused() -> None:
    text = "suite: s\nrules:\n  - &r {id: a, kind: period}\n  - <<: *r\n    id: b\n"
    err = load_error(text)
    assert_error(err, "invalid-suite", line=4, rule=None)
    assert "<<" in err.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("suite: s\nrules:\n  - id: a\n    kind: period\n   description: x\n", 5),
        ("suite: s\nrules:\n  - id: a\n    kind: sum\n    parts: [a, b\n  - id: b\n", 6),
        ("suite: s\nrules:\n  - id: a\n\tkind: period\n", 4),
        ("suite: s\nrules:\n  - id: a\n    kind: period\n    description: a: b\n", 5),
    ],
)
def test_invalid_yaml_syntax_has_a_line(text: str, line: int) -> None:
    err = load_error(text)
    assert_error(err, "invalid-yaml", line=line, rule=None)
    assert err.message.startswith("not valid YAML")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("suite: s\nsuite: t\nrules: [{id: a, kind: period}]\n", 2),
        ("suite: s\nrules:\n  - id: a\n    kind: period\n    id: b\n", 5),
        ("suite: s\nrules:\n  - id: a\n    kind: period\n    figures: {metric: x, metric: y}\n", 5),
        ("suite: s\n1: a\n'1': b\nrules: []\n", 3),
    ],
)
def test_duplicate_key_in_a_mapping(text: str, line: int) -> None:
    err = load_error(text)
    assert_error(err, "duplicate-key", line=line, rule=None)
    assert "twice" in err.message


# ---------------------------------------------------------------- YAML 1.1 gotchas


@pytest.mark.parametrize(
    "word", ["NO", "No", "no", "yes", "Yes", "YES", "off", "Off", "on", "ON", "y", "n", "Y", "N"]
)
def test_yaml11_booleans_stay_text_in_selectors(word: str) -> None:
    text = one_rule(f"id: r\nkind: period\nfigures: {{country: {word}, period: 2024}}\n")
    rule = suite_from_yaml(text, FILE).rules[0]
    assert isinstance(rule, PeriodRule)
    assert rule.figures == Selector((("country", word), ("period", "2024")))
    assert rule.figures.get("country") == word


def test_yaml11_booleans_stay_text_as_figure_ids_and_values() -> None:
    text = y(
        """
        suite: NO
        description: off
        rules:
          - id: yes
            kind: sum
            total: on
            parts: [NO, n, Off]
        """
    )
    suite = suite_from_yaml(text, FILE)
    assert suite.id == "NO"
    assert suite.description == "off"
    assert suite.rules == (
        SumRule(
            id="yes",
            total=FigureRef("on"),
            parts=(FigureRef("NO"), FigureRef("n"), FigureRef("Off")),
        ),
    )


def test_true_and_false_are_still_booleans() -> None:
    # a boolean is not a valid selector value, so the rule is refused
    err = load_error(one_rule("id: r\nkind: period\nfigures: {final: true}\n"))
    assert_error(err, "invalid-rule", line=5, rule="r")
    assert "True" in err.message


@pytest.mark.parametrize(
    ("written", "kept"),
    [
        ("2024-01-01", "2024-01-01"),
        ("2024-01-01T10:00:00", "2024-01-01T10:00:00"),
        ("2024-1-1", "2024-1-1"),
        ("2024-01", "2024-01"),
        ("2022", "2022"),
        ('"2022"', "2022"),
        ("2023-Q4", "2023-Q4"),
        ("2.5", "2.5"),
    ],
)
def test_periods_stay_text(written: str, kept: str) -> None:
    text = one_rule(f"id: r\nkind: attribution\nfigures: {{period: {written}}}\n")
    rule = suite_from_yaml(text, FILE).rules[0]
    assert isinstance(rule, AttributionRule)
    assert rule.figures is not None
    value = rule.figures.get("period")
    assert value == kept
    assert isinstance(value, str)


def test_int_period_in_a_reference_becomes_text() -> None:
    text = one_rule("id: r\nkind: sum\ntotal: {metric: cases, period: 2022}\nparts: [a]\n")
    rule = suite_from_yaml(text, FILE).rules[0]
    assert isinstance(rule, SumRule)
    assert rule.total == Selector((("metric", "cases"), ("period", "2022")))


def test_loader_tweaks_do_not_leak_into_pyyaml() -> None:
    suite_from_yaml("suite: NO\nrules: [{id: a, kind: period}]\n", FILE)
    assert yaml.safe_load("NO") is False
    assert yaml.safe_load("yes") is True
    assert str(yaml.safe_load("2024-01-01")) == "2024-01-01"
    assert not isinstance(yaml.safe_load("2024-01-01"), str)


# ---------------------------------------------------------------- files


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yml"
    with pytest.raises(SuiteError, match="cannot read the suite") as excinfo:
        load_suite(path)
    err = excinfo.value
    assert err.slug == "suite-not-found"
    assert err.location.file == str(path)
    assert err.location.line is None
    assert err.exit_code is ExitCode.CONTRACT


def test_directory_is_not_a_suite(tmp_path: Path) -> None:
    with pytest.raises(SuiteError) as excinfo:
        load_suite(tmp_path)
    assert excinfo.value.slug == "suite-not-a-file"
    assert excinfo.value.location.file == str(tmp_path)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yml"
    path.write_bytes("suite: café\nrules: [{id: a, kind: period}]\n".encode("latin-1"))
    with pytest.raises(SuiteError, match="not UTF-8") as excinfo:
        load_suite(path)
    err = excinfo.value
    assert err.slug == "invalid-encoding"
    assert err.location.file == str(path)
    assert err.exit_code is ExitCode.CONTRACT
    assert "byte 10" in err.message


def test_utf16_file_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "utf16.yml"
    path.write_bytes("suite: s\nrules: [{id: a, kind: period}]\n".encode("utf-16"))
    with pytest.raises(SuiteError) as excinfo:
        load_suite(str(path))
    assert excinfo.value.slug == "invalid-encoding"


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    text = "suite: київ\nrules:\n  - id: a\n    kind: period\n  - id: b\n    kind: summ\n"
    plain = tmp_path / "plain.yml"
    plain.write_bytes(text.encode("utf-8"))
    bom = tmp_path / "bom.yml"
    bom.write_bytes(
        b"\xef\xbb\xbf" + text.replace("summ", "sum\n    total: t\n    parts: [x]").encode()
    )
    suite = load_suite(bom)
    assert suite.id == "київ"
    assert [r.line for r in suite.rules] == [3, 5]
    assert suite.file == str(bom)
    # the BOM does not shift line numbers in errors either
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode())
    with pytest.raises(SuiteError) as excinfo:
        load_suite(bom)
    assert excinfo.value.slug == "unknown-rule-kind"
    assert excinfo.value.location.line == 6
    assert excinfo.value.location.file == str(bom)


def test_load_suite_sets_file_and_hash(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "s.yml"
    raw = b"suite: s\nrules: [{id: a, kind: period}]\n"
    path.write_bytes(raw)
    suite = load_suite(path)
    assert suite.file == str(path)
    assert suite.sha256 == hashlib.sha256(raw).hexdigest()
    # file and hash are not part of equality
    assert suite == suite_from_yaml(raw.decode(), "elsewhere.yml")


def test_errors_from_load_suite_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.yml"
    path.write_text("suite: s\nrules:\n  - id: a\n    kind: sum\n    totl: t\n")
    with pytest.raises(SuiteError, match="unknown field 'totl'") as excinfo:
        load_suite(path)
    assert_error(excinfo.value, "unknown-field", line=5, rule="a", file=str(path))


# ---------------------------------------------------------------- drop folders


def _drops_tree(root: Path) -> Path:
    (root / "suites").mkdir()
    for name in ("2025-01-06-kp", "2025-02-01-kp", "2025-03-01-other"):
        (root / "drops" / name).mkdir(parents=True)
    (root / "drops" / "2025-04-01-kp").write_text("a file, not a drop folder")
    suite_file = root / "suites" / "s.yml"
    suite_file.write_text("suite: s\ndrops: ['../drops/*-kp']\nrules: [{id: a, kind: period}]\n")
    return suite_file


def test_drop_folders_are_relative_to_the_suite_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite_file = _drops_tree(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    folders = load_suite(suite_file).drop_folders()
    assert [p.resolve() for p in folders] == [
        (tmp_path / "drops" / "2025-01-06-kp").resolve(),
        (tmp_path / "drops" / "2025-02-01-kp").resolve(),
    ]
    assert all(p.is_dir() for p in folders)


def test_drop_folders_from_a_relative_suite_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _drops_tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    folders = load_suite("suites/s.yml").drop_folders()
    assert [p.resolve().name for p in folders] == ["2025-01-06-kp", "2025-02-01-kp"]


def test_drop_folders_merge_overlapping_globs(tmp_path: Path) -> None:
    _drops_tree(tmp_path)
    suite = Suite(
        id="s",
        rules=(PeriodRule(id="a"),),
        drops=("../drops/*-kp", "../drops/2025-01-*", "../drops/none-*"),
        file=str(tmp_path / "suites" / "s.yml"),
    )
    assert [p.name for p in suite.drop_folders()] == [
        "2025-01-06-kp",
        "2025-02-01-kp",
    ]


def test_drop_folders_without_a_file_use_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _drops_tree(tmp_path)
    monkeypatch.chdir(tmp_path / "drops")
    suite = suite_from_yaml("suite: s\ndrops: ['*-other']\nrules: [{id: a, kind: period}]\n")
    assert suite.file == "<suite>"
    # "<suite>" has no parent folder of its own: globs resolve against the working directory
    assert [p.resolve() for p in suite.drop_folders()] == [
        (tmp_path / "drops" / "2025-03-01-other").resolve()
    ]


def test_no_drops_means_no_folders(tmp_path: Path) -> None:
    path = tmp_path / "s.yml"
    path.write_text("suite: s\nrules: [{id: a, kind: period}]\n")
    assert load_suite(path).drop_folders() == []
