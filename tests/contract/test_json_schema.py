"""The JSON Schema that ships for editors agrees with the suite language it describes."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from statcheck.contract.rules import ATTRIBUTION_CHECKS, PERIOD_CHECKS, RULE_KINDS
from statcheck.contract.suite import TOP_LEVEL
from statcheck.contract.yamlio import load_yaml

SCHEMA = json.loads(resources.files("statcheck.contract").joinpath("suite.schema.json").read_text())
EXPECTATIONS = Path(__file__).resolve().parents[2] / "expectations"


def test_every_rule_kind_and_field_is_in_the_schema() -> None:
    assert set(SCHEMA["properties"]) == set(TOP_LEVEL)
    for kind, cls in RULE_KINDS.items():
        props = set(SCHEMA["$defs"][kind]["properties"])
        assert props == {"id", "kind", "description", "skipped", *cls.FIELDS}, kind
    checks = SCHEMA["$defs"]["attribution"]["properties"]["checks"]["items"]["enum"]
    assert tuple(checks) == ATTRIBUTION_CHECKS
    assert (
        tuple(SCHEMA["$defs"]["period"]["properties"]["checks"]["items"]["enum"]) == PERIOD_CHECKS
    )


@pytest.mark.parametrize("path", sorted(EXPECTATIONS.glob("*.yml")), ids=lambda p: p.name)
def test_bundled_suites_conform(path: Path) -> None:
    jsonschema.validate(load_yaml(path.read_text(), str(path)), SCHEMA)


def test_schema_rejects_what_the_loader_rejects() -> None:
    bad = {"suite": "x", "rules": [{"id": "r", "kind": "sum", "total": "a", "partz": ["b"]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)
