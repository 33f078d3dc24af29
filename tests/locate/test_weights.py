"""A suite's `weights:`: read with clear errors, written back as read, and the factor of a
source kind deciding which figure is blamed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import statcheck
from statcheck.cli import main
from statcheck.contract import suite_from_yaml
from statcheck.contract.weights import Weights
from statcheck.errors import SuiteError
from statcheck.localisation import adjust, locate
from tests.conftest import MakeDrop, figure

RULES = """rules:
  - {id: regions, kind: sum, total: total, parts: [north, south]}
  - {id: paper-agrees, kind: compare, left: paper-total, op: "==", right: total}
"""


def _suite(weights: str = "") -> statcheck.Suite:
    return suite_from_yaml(f"suite: s\n{weights}{RULES}")


def _drop(make_drop: MakeDrop) -> Path:
    """The office's total (1,000) is not the sum of its north (400) and a newspaper's
    south (500); the newspaper prints the same total as the office."""
    return make_drop(
        [
            figure("total", "1000", metric="total", precision="0"),
            figure("north", "400", metric="north", precision="0"),
            figure("south", "500", metric="south", precision="0", source_id="paper"),
            figure("paper-total", "1000", metric="total", precision="0", source_id="paper"),
        ]
    )


def _blamed(found: statcheck.localisation.Localisation) -> set[tuple[str, ...]]:
    [component] = found.components
    return {s.ids for s in component.sets}


def test_the_kind_of_a_figures_source_decides_which_is_blamed(
    make_drop: MakeDrop, backend: str
) -> None:
    drop = _drop(make_drop)
    # Equal weights: either region alone (the total would take the newspaper's with it).
    assert _blamed(locate(drop, _suite(), engine=backend)) == {("north",), ("south",)}
    # A newspaper's figure cheaper to doubt: its south region.
    cheap = _suite("weights: {source_kind: {media: 0.5}}\n")
    found = locate(drop, cheap, engine=backend)
    assert _blamed(found) == {("south",)} and found.components[0].sets[0].weight == 0.5
    # Dearer: the office's north, never the totals (together 1 + 3 against 1).
    dear = _suite("weights: {source_kind: {media: 3}}\n")
    assert _blamed(locate(drop, dear, engine=backend)) == {("north",)}
    # The adjustment follows the same weights: it moves the figure that is blamed.
    assert [c.figure_id for c in adjust(drop, dear, engine=backend).changes] == ["north"]


def test_weights_given_in_the_call_win_over_the_suites(make_drop: MakeDrop) -> None:
    drop = _drop(make_drop)
    dear = _suite("weights: {source_kind: {media: 3}}\n")
    found = locate(drop, dear, weights=Weights(source_kind=(("official", 4.0),)))
    assert _blamed(found) == {("south",)}
    assert found.to_dict()["weights"]["source_kind"] == {"official": 4.0}


def test_a_suites_weights_merge_over_the_defaults_and_read_back_as_written() -> None:
    suite = _suite("weights:\n  base: 2\n  status: {provisional: 0.25}\n  qualifier: {about: 1}\n")
    w = suite.weights
    assert w.base == 2.0
    assert dict(w.status) == {"provisional": 0.25, "forecast": 0.5}
    assert dict(w.qualifier) == {"about": 1.0, "nearly": 0.5}
    assert suite_from_yaml(suite.to_yaml()) == suite
    assert "weights" not in _suite().to_mapping()  # the defaults are not written
    rule = statcheck.rules.sum("t", total="total", parts=["a", "b"])
    built = statcheck.suite("s", [rule], weights={"source_kind": {"media": 0.5}})
    assert dict(built.weights.source_kind) == {"media": 0.5}


@pytest.mark.parametrize(
    ("block", "line", "message"),
    [
        ("weights:\n  basis: 2\n", 3, "unknown field 'basis' in `weights`"),
        ("weights:\n  status:\n    draft: 0.5\n", 4, "names 'draft', not a status"),
        ("weights:\n  source_kind: {media: 0}\n", 3, "must be a number above 0, not 0"),
        ("weights:\n  qualifier: [about]\n", 3, "must be a mapping of qualifier"),
        ("weights: 2\n", 2, "`weights` must be a mapping"),
    ],
)
def test_a_bad_weights_block_is_an_error_at_its_line(block: str, line: int, message: str) -> None:
    with pytest.raises(SuiteError) as caught:
        suite_from_yaml(f"suite: s\n{block}{RULES}", "s.yml")
    assert message in str(caught.value)
    assert caught.value.location.file == "s.yml" and caught.value.location.line == line


def test_weights_from_a_file_on_the_command_line_win_over_the_suites(
    make_drop: MakeDrop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drop = _drop(make_drop)
    suite = tmp_path / "s.yml"
    suite.write_text("suite: s\nweights: {source_kind: {media: 3}}\n" + RULES)
    weights = tmp_path / "w.yml"
    weights.write_text("weights:\n  source_kind: {media: 0.5}\n")
    args = ["locate", str(drop), "--suite", str(suite), "--json"]
    main(args)
    [component] = json.loads(capsys.readouterr().out)["components"]
    assert component["most_likely"]["figures"][0]["figure"] == "north"
    main([*args, "--weights", str(weights)])
    [component] = json.loads(capsys.readouterr().out)["components"]
    assert component["most_likely"]["figures"][0]["figure"] == "south"
    weights.write_text("weights:\n  source_kind:\n    tabloid: 0.5\n")
    assert main([*args, "--weights", str(weights)]) == 2
    err = capsys.readouterr().err
    assert "names 'tabloid', not a source kind" in err and "w.yml" in err
