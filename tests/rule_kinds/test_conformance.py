"""Every rule kind is complete: declared once, and everything else agrees with it.

A kind fails here when it lacks an implementation, a builder, a Great Expectations class,
its row in the docs' rule-kinds table or its results-site label; when its declared fields
and the reader, builder or JSON Schema disagree; or when its implementation reports
finding slugs other than those it declares on its valid and invalid examples.
"""

from __future__ import annotations

import inspect
import json
from dataclasses import MISSING
from pathlib import Path

import jsonschema
import pytest

from statcheck import rules as builders
from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.contract.rules import COMMON_FINDINGS, KINDS, RULE_KINDS, Rule, generate, read_rule
from statcheck.contract.yamlio import load_yaml
from statcheck.docsite._labels import CHART_LABELS, KIND_LABEL
from statcheck.engine.rules import IMPLEMENTATIONS
from statcheck.errors import MISSING_FIELD, UNKNOWN_FIELD, StatcheckError
from statcheck.reference import main as reference_main
from statcheck.reference import render
from tests.conftest import MakeDrop
from tests.rule_kinds.examples import EXAMPLES, Example

DOCS_FILE = Path(__file__).resolve().parents[2] / "docs" / "suite-language.md"

KIND_NAMES = list(RULE_KINDS)
SCHEMA = generate.suite_schema()


def _one_rule(mapping: dict[str, object]) -> str:
    return "suite: t\nrules:\n  - " + json.dumps(mapping) + "\n"


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_kind_declares_itself(kind: str) -> None:
    cls = RULE_KINDS[kind]
    assert kind == cls.KIND and cls.SUMMARY and cls.LABEL and cls.EXPECTATION
    assert cls.FINDINGS, "a kind names the findings it reports"
    assert not set(cls.FINDINGS) & set(COMMON_FINDINGS)
    assert cls.EXAMPLE["kind"] == kind
    for f in cls.declared_fields():
        assert f.doc.doc and f.doc.schema, f.name
        assert f.doc.required == (f.default is MISSING), f.name


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_kind_has_an_implementation(kind: str) -> None:
    assert kind in IMPLEMENTATIONS
    assert set(IMPLEMENTATIONS) == set(RULE_KINDS)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_kind_has_a_builder_with_its_fields(kind: str) -> None:
    cls = RULE_KINDS[kind]
    builder = getattr(builders, kind)
    assert kind in builders.__all__
    params = inspect.signature(builder).parameters
    assert list(params) == ["id", *cls.FIELDS, "description", "skipped"]
    for f in cls.declared_fields():
        assert (params[f.name].default is inspect.Parameter.empty) == f.doc.required, f.name
    example = {k: v for k, v in cls.EXAMPLE.items() if k not in ("id", "kind")}
    built = builder(cls.EXAMPLE["id"], **example)
    assert built == read_rule(load_yaml(_one_rule(cls.EXAMPLE), "<t>")["rules"][0], "<t>", 0)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_kind_has_a_great_expectations_class(kind: str) -> None:
    from statcheck.gx.expectations import EXPECTATION_CLASSES

    cls = EXPECTATION_CLASSES[kind]
    assert cls.__name__ == RULE_KINDS[kind].EXPECTATION and cls.statcheck_kind == kind
    assert not cls.is_abstract()


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_kind_has_a_results_site_label(kind: str) -> None:
    assert KIND_LABEL[kind] == RULE_KINDS[kind].LABEL
    assert CHART_LABELS.get(kind) == RULE_KINDS[kind].CHART_LABELS


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_kind_is_in_the_docs_table(kind: str) -> None:
    text = DOCS_FILE.read_text(encoding="utf-8")
    assert f"| `{kind}` | {RULE_KINDS[kind].SUMMARY}" in text


def test_schema_and_docs_table_are_what_the_declarations_generate() -> None:
    # Regenerate with: python -m statcheck.reference
    assert generate.SCHEMA_FILE.read_text(encoding="utf-8") == generate.schema_text()
    text = DOCS_FILE.read_text(encoding="utf-8")
    assert render(text) == text
    assert reference_main(["--check", "--docs", str(DOCS_FILE.parent)]) == 0


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_example_reads_round_trips_and_conforms_to_the_schema(kind: str) -> None:
    cls = RULE_KINDS[kind]
    text = _one_rule(cls.EXAMPLE)
    jsonschema.validate(load_yaml(text, "<t>"), SCHEMA)
    suite = suite_from_yaml(text)
    assert suite_from_yaml(suite.to_yaml()) == suite
    assert suite.rules[0].to_mapping() == cls.EXAMPLE


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_reader_checks_the_declared_fields(kind: str) -> None:
    cls = RULE_KINDS[kind]
    with pytest.raises(StatcheckError) as exc:
        suite_from_yaml(_one_rule({**cls.EXAMPLE, "no_such_field": 1}))
    assert exc.value.slug == UNKNOWN_FIELD.slug
    for f in cls.declared_fields():
        if f.doc.required:
            without = {k: v for k, v in cls.EXAMPLE.items() if k != f.name}
            with pytest.raises(StatcheckError) as missing:
                suite_from_yaml(_one_rule(without))
            assert missing.value.slug == MISSING_FIELD.slug, f.name
            with pytest.raises(jsonschema.ValidationError):
                jsonschema.validate(load_yaml(_one_rule(without), "<t>"), SCHEMA)


def test_every_kind_is_listed_once() -> None:
    assert len(KINDS) == len(RULE_KINDS) and all(issubclass(c, Rule) for c in KINDS)
    assert set(EXAMPLES) == set(RULE_KINDS), "every kind has examples in tests/rule_kinds"


# ---------------------------------------------------------------- findings on the examples


def _run(example: Example, make_drop: MakeDrop, backend: str) -> tuple[object, set[str]]:
    earlier = [
        make_drop(rows, example.sources, name=f"earlier{i}")
        for i, rows in enumerate(example.earlier)
    ]
    if example.earlier_not_ready:
        with (earlier[0] / "figures.csv").open("a") as fh:
            fh.write("x,cases,1,cases,,0,2024-01-01,2024-12-31,stats,,,\n")  # checksum now wrong
    drop = make_drop(example.figures, example.sources, name="drop")
    suite = suite_from_yaml(f"suite: t\nrules:\n  - {example.rule}\n")
    result = validate_drop(drop, suite, engine=backend, earlier=earlier).result("r")
    return result.status, {f.slug for f in result.findings}


EXAMPLE_CASES = [(kind, ex) for kind, examples in EXAMPLES.items() for ex in examples]


@pytest.mark.parametrize(
    ("kind", "example"), EXAMPLE_CASES, ids=[f"{k}-{e.name}" for k, e in EXAMPLE_CASES]
)
def test_example_outcome(kind: str, example: Example, make_drop: MakeDrop, backend: str) -> None:
    status, slugs = _run(example, make_drop, backend)
    assert (status, slugs) == (example.status, set(example.slugs))
    assert slugs <= set(RULE_KINDS[kind].FINDINGS) | set(COMMON_FINDINGS)


@pytest.mark.parametrize("kind", KIND_NAMES)
def test_examples_show_every_declared_finding(kind: str) -> None:
    shown = set().union(*(ex.slugs for ex in EXAMPLES[kind]))
    assert set(RULE_KINDS[kind].FINDINGS) <= shown
    assert any(ex.status.value == "pass" for ex in EXAMPLES[kind]), "a valid example"
    assert any(ex.status.value != "pass" for ex in EXAMPLES[kind]), "an invalid example"
