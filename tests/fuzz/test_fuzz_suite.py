"""Fuzzing the suite loader: any text gives a suite that reads back from its own YAML, or
a SuiteError with a documented slug, never another exception."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statcheck.contract.mapping import LONG_FIELDS, PERIOD_KINDS, SERIES_FIELDS
from statcheck.contract.rules import RULE_KINDS
from statcheck.contract.schema import FIELDS as SCHEMA_FIELDS
from statcheck.contract.suite import TOP_LEVEL, Suite, suite_from_yaml
from statcheck.errors import ExitCode, SuiteError
from statcheck.model.figure import SourceKind
from tests.fuzz._documented import CONTRACT_SLUGS

FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)

# Words a suite is made of, so that generated mappings often get past the first check.
WORDS = sorted(
    {*TOP_LEVEL, *RULE_KINDS, *LONG_FIELDS, *PERIOD_KINDS, *SERIES_FIELDS, *SCHEMA_FIELDS}
    | {f for kind in RULE_KINDS.values() for f in kind.FIELDS}
    | {k.value for k in SourceKind}
    | {"id", "kind", "description", "source_id", "name", "url", "min", "max", "absolute"}
    | {"relative", "metric", "period", "region", "open", "percent", "day", "month", "year"}
    | {">", ">=", "<", "<=", "==", "known-source", "ordered", "categories", "time", "zero"}
)
words = st.sampled_from(WORDS)
scalars = st.one_of(
    words,
    st.text(max_size=8),
    st.integers(-(10**20), 10**20),
    st.floats(),
    st.booleans(),
    st.none(),
    st.sampled_from(["2024", "2024-Q3", "2024/2023", "2024-13", "0", "NO", "01001", "1e3", ""]),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(words, scalars, max_size=3),
    st.just([]),
    st.just({}),
)

# Rules of every kind, in each of their forms, beside the bundled suites' own.
EXTRA_RULES: list[dict[str, Any]] = [
    {"id": "t", "kind": "sum", "total": 100, "parts": ["a", "b"], "tolerance": {"absolute": 1}},
    {"id": "t", "kind": "sum", "total": "y", "parts": ["h1", "h2"], "across": "time"},
    {"id": "t", "kind": "sum", "over": "region", "hierarchy": {"W": ["A", "B"], "A": ["A1"]},
     "figures": {"metric": "cases"}, "missing": "zero"},
    {"id": "t", "kind": "ratio", "part": "p", "whole": "w", "share": "s", "scale": 100},
    {"id": "t", "kind": "ratio", "over": "metric", "part": "p", "whole": "w", "share": "s",
     "tolerance": {"relative": 0.01}},
    {"id": "t", "kind": "rate", "rate": "r", "total": {"metric": "x", "period": "2024"},
     "per": "month"},
    {"id": "t", "kind": "compare", "left": "a", "op": ">=", "factor": 3, "right": ["b", "c"]},
    {"id": "t", "kind": "series", "figures": {"metric": "c"}, "cumulative": True,
     "change": {"metric": "d", "of": "c", "as": "percent"}},
    {"id": "t", "kind": "period", "checks": ["ordered"], "within": "2024-01/2024-06"},
    {"id": "t", "kind": "attribution", "primary": ["official"], "figures": {"source": "x"}},
    {"id": "t", "kind": "revision", "allow": ["open", "forecast"], "same_source": False},
]  # fmt: skip


def _bases() -> list[dict[str, Any]]:
    suites = [
        yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(EXPECTATIONS.glob("*.yml"))
    ]
    suites.append({"suite": "extra", "rules": EXTRA_RULES})
    return suites


DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # the fast one where built
EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"
BASES = _bases()


@st.composite
def mutated(draw: st.DrawFn, node: Any, depth: int = 0) -> Any:
    """``node`` with one change somewhere below it: a value replaced, a key removed, added
    or renamed, a list item dropped or repeated."""
    here = not isinstance(node, dict | list) or not node or draw(st.integers(0, 3)) == 0
    if here:
        op = draw(st.sampled_from(["replace", "delete", "add", "rename", "repeat"]))
        if op == "replace" or not isinstance(node, dict | list) or not node:
            return draw(values)
        if isinstance(node, list):
            i = draw(st.integers(0, len(node) - 1))
            return node[:i] + node[i + 1 :] if op == "delete" else [*node, node[i]]
        keys = list(node)
        key = draw(st.sampled_from(keys))
        out = dict(node)
        if op == "delete":
            del out[key]
        elif op == "add":
            out[draw(st.one_of(words, st.text(max_size=6)))] = draw(values)
        elif op == "rename":
            out[draw(words)] = out.pop(key)
        else:
            out[key] = [out[key], out[key]]
        return out
    if isinstance(node, list):
        i = draw(st.integers(0, len(node) - 1))
        return [*node[:i], draw(mutated(node[i], depth + 1)), *node[i + 1 :]]
    key = draw(st.sampled_from(list(node)))
    return {**node, key: draw(mutated(node[key], depth + 1))}


@st.composite
def suite_mapping(draw: st.DrawFn) -> Any:
    """One of the bases with a few of its rules (parsing a whole suite is slow), then mutated."""
    base = draw(st.sampled_from(BASES))
    rules = base["rules"]
    picked = draw(st.lists(st.integers(0, len(rules) - 1), min_size=1, max_size=3))
    doc: Any = {**base, "rules": [rules[i] for i in picked]}
    doc.pop("description", None)
    for _ in range(draw(st.integers(0, 3))):
        doc = draw(mutated(doc))
    return doc


@st.composite
def suite_text(draw: st.DrawFn) -> str:
    """A suite-shaped mapping as YAML, sometimes damaged, sometimes with YAML's own tricks."""
    doc = draw(suite_mapping())
    text = yaml.dump(doc, Dumper=DUMPER, sort_keys=False, allow_unicode=draw(st.booleans()),
                          default_flow_style=draw(st.sampled_from([False, None, True])))  # fmt: skip
    damage = draw(st.integers(0, 4))
    if damage == 1 and text:  # a character or a line changed
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.text(max_size=4)) + text[at + draw(st.integers(0, 4)) :]
    elif damage == 2:  # YAML features a suite should not use
        trick = draw(
            st.sampled_from(
                [
                    "x: &a [1, 2]\ny: *a\n",
                    "x: !!python/object:os.system {}\n",
                    "<<: {suite: s}\n",
                    "x: !custom 1\n",
                    "--- \n---\n",
                    "a: &a [*a]\n",
                    "x: !!binary aGVsbG8=\n",
                    "x: !!set {a, b}\n",
                    "x: 2024-01-01\n",
                    "? [a, b]\n: c\n",
                    "x: " + "[" * 200 + "]" * 200 + "\n",
                    "\t- x\n",
                    "%YAML 1.1\n---\n",
                ]
            )
        )
        text = trick + text if draw(st.booleans()) else text + trick
    return text


def _check(text: str) -> None:
    try:
        suite = suite_from_yaml(text, "fuzz.yml")
    except SuiteError as exc:
        assert exc.slug in CONTRACT_SLUGS, exc.slug
        assert exc.exit_code is ExitCode.CONTRACT
        assert exc.location.file == "fuzz.yml"
        return
    assert isinstance(suite, Suite)
    again = suite_from_yaml(suite.to_yaml(), "again.yml")  # what is loaded can be written back
    assert again == suite


@FUZZ
@given(st.text())
def test_any_text_is_a_suite_or_a_documented_error(text: str) -> None:
    _check(text)


@FUZZ
@given(suite_text())
def test_suite_shaped_yaml_is_a_suite_or_a_documented_error(text: str) -> None:
    _check(text)
