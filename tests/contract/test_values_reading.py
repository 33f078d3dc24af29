"""A suite's `values:` says how printed whole numbers are read: `table` (the default), to
their last printed digit; `prose`, to their last non-zero digit, as the seed drop's news
figures are. Never applied to a table unless the suite says so."""

from __future__ import annotations

from dataclasses import replace

import pytest
from tests.conftest import REPO

import statcheck
from statcheck.contract.suite import suite_from_yaml
from statcheck.errors import StatcheckError
from statcheck.model import ValueReading

SEED_SUITE = REPO / "expectations" / "kyivpost-desertion.yml"
SEED_DROP = REPO / "fixtures" / "drops" / "2025-01-06-kyivpost-desertion"
RULE = "ft-60000-is-desertion-plus-awol"


def test_the_default_is_a_table() -> None:
    suite = suite_from_yaml("suite: s\nrules: [{id: p, kind: period}]\n")
    assert suite.values is ValueReading.TABLE
    assert "values" not in suite.to_mapping()


def test_prose_round_trips_through_yaml() -> None:
    suite = suite_from_yaml("suite: s\nvalues: prose\nrules: [{id: p, kind: period}]\n")
    assert suite.values is ValueReading.PROSE
    assert suite_from_yaml(suite.to_yaml()) == suite


def test_an_unknown_reading_names_the_line() -> None:
    with pytest.raises(StatcheckError) as info:
        suite_from_yaml("suite: s\nrules: [{id: p, kind: period}]\nvalues: news\n", "s.yml")
    assert info.value.slug == "invalid-suite"
    assert info.value.location is not None and info.value.location.line == 3
    assert "prose" in info.value.message and "table" in info.value.message


@pytest.mark.parametrize("value", ["[table, prose]", "{table: 1}", "1"])
def test_a_reading_that_is_not_a_word_is_an_invalid_suite(value: str) -> None:
    text = f"suite: s\nrules: [{{id: p, kind: period}}]\nvalues: {value}\n"
    with pytest.raises(StatcheckError) as info:
        suite_from_yaml(text, "s.yml")
    assert info.value.slug == "invalid-suite"
    assert info.value.location is not None and info.value.location.line == 3


def test_the_builder_takes_it() -> None:
    suite = statcheck.suite("s", [{"id": "p", "kind": "period"}], values="prose")
    assert suite.values is ValueReading.PROSE


@pytest.mark.parametrize("engine", ["polars", "pandas"])
def test_the_ft_60000_adds_up_only_when_read_as_prose(engine: str) -> None:
    """19,922 + 41,950 = 61,872: inside the 55,000..65,000 a quoted 60,000 stands for,
    1,871.5 beyond the 59,999.5..60,000.5 of a 60,000 printed in a table. (The rule fails
    either way on its periods: the AWOL count covers all of 2024.)"""
    prose = statcheck.load_suite(SEED_SUITE)
    assert prose.values is ValueReading.PROSE
    table = replace(prose, values=ValueReading.TABLE)
    as_prose = {r.rule: r for r in statcheck.validate(SEED_DROP, prose, engine=engine).results}
    as_table = {r.rule: r for r in statcheck.validate(SEED_DROP, table, engine=engine).results}
    assert [f.slug for f in as_prose[RULE].findings] == ["period-mismatch"]
    assert [(f.slug, f.gap) for f in as_table[RULE].findings] == [
        ("sum-mismatch", pytest.approx(1_871.5)),
        ("period-mismatch", pytest.approx(1_871.5)),
    ]
