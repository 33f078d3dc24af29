"""revision: a later drop changes a figure an earlier drop reported, beyond both intervals."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from statcheck.checking import check_frames, validate_drop
from statcheck.cli import main
from statcheck.contract import suite_from_yaml
from statcheck.contract.yamlio import load_yaml
from statcheck.drops import manifest
from statcheck.drops.manifest import Drop
from statcheck.errors import ExitCode, SuiteError
from statcheck.model.interval import Interval
from statcheck.report import Report, Status
from tests.conftest import MakeDrop, figure

SCHEMA = json.loads(resources.files("statcheck.contract").joinpath("suite.schema.json").read_text())
REVISION = "  - {id: r, kind: revision}\n"


def run(drop: Path, rules: str, backend: str, earlier: list[Path]) -> Report:
    suite = suite_from_yaml("suite: t\nrules:\n" + rules)
    return validate_drop(drop, suite, engine=backend, earlier=earlier)


def exact(fid: str, value: str, **kw: str) -> dict[str, str]:
    return figure(fid, value, precision="0", **kw)


def published(drop: Path, day: str) -> Path:
    """Give a drop's manifest a publication date (the manifest itself has no checksum)."""
    manifest = drop / "drop.yml"
    manifest.write_text(manifest.read_text() + f"published_at: {day}\n")
    return drop


# ---------------------------------------------------------------- pass and fail


def test_unchanged_figures_pass(make_drop: MakeDrop, backend: str) -> None:
    v1 = make_drop([exact("a", "100"), exact("b", "7", metric="deaths")], name="v1")
    v2 = make_drop(
        [exact("a", "100"), exact("b", "7", metric="deaths"), exact("c", "1", metric="new")],
        name="v2",
    )
    result = run(v2, REVISION, backend, [v1]).result("r")
    assert result.status is Status.PASS and result.findings == ()


def test_a_change_within_rounding_is_no_revision(make_drop: MakeDrop, backend: str) -> None:
    # "about 60,000" to ten thousand stands for 55,000 to 65,000; 61,000 to thousands may
    # be the same number.
    v1 = make_drop([figure("a", "about 60,000", precision="10000")], name="v1")
    v2 = make_drop([figure("a", "61,000", precision="1000")], name="v2")
    assert run(v2, REVISION, backend, [v1]).result("r").status is Status.PASS


def test_a_revision_names_old_and_new_value_both_drops_and_the_gap(
    make_drop: MakeDrop, backend: str
) -> None:
    v1 = make_drop([figure("a", "about 60,000", precision="10000")], name="v1")
    v2 = make_drop([figure("a", "70,000", precision="1000")], name="v2")
    result = run(v2, REVISION, backend, [v1]).result("r")
    assert result.status is Status.FAIL
    [f] = result.findings
    assert f.slug == "revision"
    assert f.figures == ("a",)
    assert f.reported == Interval(69_500, 70_500) and f.expected == Interval(55_000, 65_000)
    assert (f.gap, f.tolerance) == (4_500, 0)
    assert f.explanation == (
        "a (2024) was about 60,000 in v1 and is 70,000 in v2: revised up by 10,000, a gap of "
        "4,500 between what the two figures can stand for (55,000 to 65,000 and 69,500 to "
        "70,500)."
    )
    assert dict(f.details) == {
        "old": 60_000,
        "new": 70_000,
        "earlier_drop": "v1",
        "drop": "v2",
        "earlier_figure": "a",
    }


def test_exact_figures_revised_down(make_drop: MakeDrop, backend: str) -> None:
    v1 = make_drop([exact("a", "100"), exact("b", "50", metric="deaths")], name="v1")
    v2 = make_drop([exact("b", "50", metric="deaths"), exact("a", "97")], name="v2")
    [f] = run(v2, REVISION, backend, [v1]).result("r").findings
    assert f.explanation == (
        "a (2024) was 100 in v1 and is 97 in v2: revised down by 3, a gap of 3 between what "
        "the two figures can stand for."
    )
    assert (f.reported, f.expected, f.gap) == (Interval(97, 97), Interval(100, 100), 3)


def test_tolerance(make_drop: MakeDrop, backend: str) -> None:
    v1 = make_drop([exact("a", "100")], name="v1")
    v2 = make_drop([exact("a", "120")], name="v2")
    loose = "  - {id: r, kind: revision, tolerance: {absolute: 25}}\n"
    assert run(v2, loose, backend, [v1]).result("r").status is Status.PASS
    tight = "  - {id: r, kind: revision, tolerance: {relative: 0.1}}\n"
    [f] = run(v2, tight, backend, [v1]).result("r").findings
    assert (f.gap, f.tolerance) == (20, 10)
    assert f.explanation.endswith(
        "a gap of 20 between what the two figures can stand for, more than the tolerance of 10."
    )


def test_each_figure_is_compared_with_the_latest_earlier_drop_that_reports_it(
    make_drop: MakeDrop, backend: str
) -> None:
    v1 = make_drop([exact("a", "100"), exact("b", "10", metric="deaths")], name="v1")
    v2 = make_drop([exact("a", "90")], name="v2")  # revises a; does not report b
    v3 = make_drop([exact("a", "90"), exact("b", "12", metric="deaths")], name="v3")
    result = run(v3, REVISION, backend, [v1, v2]).result("r")
    # a agrees with v2 (its latest report) though not with v1; b is compared with v1.
    [f] = result.findings
    assert f.figures == ("b",)
    assert dict(f.details)["earlier_drop"] == "v1"
    [g] = run(v2, REVISION, backend, [v1]).result("r").findings
    assert (g.figures, dict(g.details)["old"], dict(g.details)["new"]) == (("a",), 100, 90)


def test_findings_are_ordered_by_figure_id_and_not_capped(
    make_drop: MakeDrop, backend: str
) -> None:
    days = [f"2024-01-{d:02d}" for d in range(1, 21)]
    old = [exact(f"d{d}", "100", period_start=d, period_end=d) for d in days]
    new = [exact(f"d{d}", "101", period_start=d, period_end=d) for d in reversed(days)]
    v1, v2 = make_drop(old, name="v1"), make_drop(new, name="v2")
    result = run(v2, REVISION, backend, [v1]).result("r")
    assert [f.figures[0] for f in result.findings] == [f"d{d}" for d in days]


# ---------------------------------------------------------------- what a figure is


def test_dimensions_are_part_of_what_is_compared(make_drop: MakeDrop, backend: str) -> None:
    v1 = make_drop(
        [exact("n", "100", region="north"), exact("s", "50", region="south"), exact("x", "9")],
        name="v1",
        extra_columns=["region"],
    )
    v2 = make_drop(
        [exact("n", "100", region="north"), exact("s", "60", region="south"), exact("x", "9")],
        name="v2",
        extra_columns=["region"],
    )
    [f] = run(v2, REVISION, backend, [v1]).result("r").findings
    assert f.figures == ("s",)


def test_an_earlier_drop_without_a_dimension_column_matches_blank_values(
    make_drop: MakeDrop, backend: str
) -> None:
    v1 = make_drop([exact("a", "100")], name="v1")
    v2 = make_drop(
        [exact("a", "105"), exact("n", "7", region="north")],
        name="v2",
        extra_columns=["region"],
    )
    [f] = run(v2, REVISION, backend, [v1]).result("r").findings
    assert f.figures == ("a",)


def test_the_source_is_part_of_what_is_compared_unless_the_rule_says_not(
    make_drop: MakeDrop, backend: str
) -> None:
    v1 = make_drop([exact("a-paper", "100", source_id="paper")], name="v1")
    v2 = make_drop([exact("a", "120")], name="v2")
    result = run(v2, REVISION, backend, [v1]).result("r")
    assert result.status is Status.UNDETERMINED
    [f] = result.findings
    assert f.slug == "missing-figure"
    assert f.explanation == (
        "The revisions cannot be checked: no figure of v2 (any figure) is reported in v1."
    )
    any_source = "  - {id: r, kind: revision, same_source: false}\n"
    [f] = run(v2, any_source, backend, [v1]).result("r").findings
    assert f.figures == ("a", "a-paper")
    assert f.explanation.startswith("a (2024) was 100 (a-paper) in v1 and is 120 in v2:")


def test_metrics_and_figures_narrow_the_rule(make_drop: MakeDrop, backend: str) -> None:
    v1 = make_drop(
        [exact("a", "100"), exact("d", "10", metric="deaths"), exact("p", "5", source_id="paper")],
        name="v1",
    )
    v2 = make_drop(
        [exact("a", "101"), exact("d", "11", metric="deaths"), exact("p", "6", source_id="paper")],
        name="v2",
    )

    def revised(rules: str) -> list[str]:
        return [f.figures[0] for f in run(v2, rules, backend, [v1]).result("r").findings]

    assert revised(REVISION) == ["a", "d", "p"]
    assert revised("  - {id: r, kind: revision, metrics: [deaths]}\n") == ["d"]
    assert revised("  - {id: r, kind: revision, figures: {source: paper}}\n") == ["p"]
    assert revised("  - {id: r, kind: revision, metrics: [cases], figures: {source: stats}}\n") == [
        "a"
    ]
    nothing = run(v2, "  - {id: r, kind: revision, metrics: [births]}\n", backend, [v1])
    assert nothing.result("r").status is Status.UNDETERMINED
    assert "no figure matches metric 'births'" in nothing.result("r").findings[0].explanation


# ---------------------------------------------------------------- allowed revisions


def test_open_periods_may_be_revised_when_the_suite_allows_it(
    make_drop: MakeDrop, backend: str
) -> None:
    # 2024 had not ended when v1 published its figure (on 2024-07-01): a running estimate.
    v1 = make_drop([exact("a", "100", published_at="2024-07-01")], name="v1")
    v2 = make_drop([exact("a", "180")], name="v2")
    open_ok = "  - {id: r, kind: revision, allow: [open]}\n"
    assert run(v2, open_ok, backend, [v1]).result("r").status is Status.PASS
    assert run(v2, REVISION, backend, [v1]).result("r").status is Status.FAIL
    # A period that had ended (published 2025-02-01, the figure's default) is not open.
    closed = make_drop([exact("a", "100")], name="closed")
    assert run(v2, open_ok, backend, [closed]).result("r").status is Status.FAIL


def test_open_falls_back_to_the_earlier_drops_publication_date(
    make_drop: MakeDrop, backend: str
) -> None:
    open_ok = "  - {id: r, kind: revision, allow: open}\n"
    v2 = make_drop([exact("a", "180")], name="v2")

    def earlier(name: str) -> Path:
        # "a" has no publication date of its own; another figure of the drop has one.
        return make_drop(
            [exact("a", "100", published_at=""), exact("z", "1", metric="other")], name=name
        )

    # No date at all: the period cannot be shown to have been open.
    assert run(v2, open_ok, backend, [earlier("undated")]).result("r").status is Status.FAIL
    mid_year = published(earlier("mid"), "2024-12-31")
    assert run(v2, open_ok, backend, [mid_year]).result("r").status is Status.PASS
    after = published(earlier("after"), "2025-01-01")
    assert run(v2, open_ok, backend, [after]).result("r").status is Status.FAIL


def test_provisional_and_forecast_figures_may_be_revised_when_allowed(
    make_drop: MakeDrop, backend: str
) -> None:
    v1 = make_drop(
        [exact("p", "100", status="provisional"), exact("f", "50", status="forecast", metric="x")],
        name="v1",
    )
    v2 = make_drop([exact("p", "110"), exact("f", "55", metric="x")], name="v2")

    def revised(allow: str) -> list[str]:
        rules = f"  - {{id: r, kind: revision, allow: {allow}}}\n"
        return [f.figures[0] for f in run(v2, rules, backend, [v1]).result("r").findings]

    assert revised("[]") == ["f", "p"]
    assert revised("[provisional]") == ["f"]
    assert revised("[forecast]") == ["p"]
    assert revised("[provisional, forecast]") == []


# ---------------------------------------------------------------- missing and unreadable


def test_no_earlier_drop_is_undetermined(make_drop: MakeDrop, backend: str) -> None:
    v1 = make_drop([exact("a", "100")], name="v1")
    result = run(v1, REVISION, backend, []).result("r")
    assert result.status is Status.UNDETERMINED
    [f] = result.findings
    assert f.slug == "no-earlier-drop"
    # Tables checked in memory have no earlier drops either.
    frames = check_frames(_frame(backend), suite_from_yaml("suite: t\nrules:\n" + REVISION))
    assert frames.result("r").status is Status.UNDETERMINED


def _frame(backend: str) -> Any:
    data = {
        "figure_id": ["a"],
        "metric": ["m"],
        "value": ["1"],
        "unit": ["u"],
        "source_id": ["s"],
        "period": ["2024"],
    }
    if backend == "pandas":
        import pandas as pd

        return pd.DataFrame(data)
    import polars as pl

    return pl.DataFrame(data)


def test_an_earlier_drop_that_is_not_ready_leaves_the_rule_undetermined(
    make_drop: MakeDrop, backend: str, tmp_path: Path
) -> None:
    v1 = make_drop([exact("a", "100")], name="v1")
    with (v1 / "figures.csv").open("a") as fh:
        fh.write("b,cases,1,cases,,0,2024-01-01,2024-12-31,stats,,,\n")  # checksum now wrong
    v2 = make_drop([exact("a", "120")], name="v2")
    rules = REVISION + "  - {id: p, kind: period}\n"
    report = run(v2, rules, backend, [v1])
    result = report.result("r")
    assert result.status is Status.UNDETERMINED
    [f] = result.findings
    assert f.slug == "earlier-drop-not-ready"
    assert f.explanation.startswith(
        "The revisions cannot be checked: the earlier drop v1 is not ready"
    )
    assert "checksum" in f.explanation or "SHA-256" in f.explanation
    assert report.result("p").status is Status.PASS  # the drop's other rules still run
    assert report.errors == ()
    missing = run(v2, rules, backend, [tmp_path / "nowhere"]).result("r")
    assert missing.status is Status.UNDETERMINED
    assert "nowhere" in missing.findings[0].explanation


def test_an_earlier_drop_that_cannot_be_read_is_an_error(make_drop: MakeDrop, backend: str) -> None:
    v1 = make_drop([exact("a", "a hundred")], name="v1")
    v2 = make_drop([exact("a", "120")], name="v2")
    report = run(v2, REVISION + "  - {id: p, kind: period}\n", backend, [v1])
    result = report.result("r")
    assert result.status is Status.ERROR and not result.internal
    assert result.error_slug == "invalid-number"
    assert result.error is not None and result.error.startswith(
        "the earlier drop v1 cannot be read:"
    )
    assert "figures.csv" in result.error
    assert report.result("p").status is Status.PASS
    assert report.exit_code is ExitCode.CONTRACT


def test_an_earlier_drop_with_an_unreadable_publication_date_is_an_error(
    make_drop: MakeDrop, backend: str
) -> None:
    v1 = published(make_drop([exact("a", "100")], name="v1"), "last spring")
    v2 = make_drop([exact("a", "120")], name="v2")
    result = run(v2, REVISION, backend, [v1]).result("r")
    assert (result.status, result.error_slug) == (Status.ERROR, "invalid-manifest")
    assert (
        result.error is not None and "published_at" in result.error and "drop.yml" in result.error
    )


def test_earlier_drops_are_read_only_for_revision_rules(
    make_drop: MakeDrop, backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    v2 = make_drop([exact("a", "120")], name="v2")
    seen: list[str] = []

    real = manifest.read_drop

    def read_drop(folder: Path) -> Drop:
        seen.append(Path(folder).name)
        return real(folder)

    monkeypatch.setattr(manifest, "read_drop", read_drop)
    report = run(v2, "  - {id: p, kind: period}\n", backend, [tmp_path / "nowhere"])
    assert seen == ["v2"]
    assert report.errors == () and report.result("p").status is Status.PASS


# ---------------------------------------------------------------- printed twice


def test_figures_printed_twice_are_left_out_and_reported(make_drop: MakeDrop, backend: str) -> None:
    v1 = make_drop(
        [exact("a", "100"), exact("b1", "10", metric="deaths"), exact("b2", "11", metric="deaths")],
        name="v1",
    )
    v2 = make_drop(
        [exact("a1", "100"), exact("a2", "130"), exact("b", "12", metric="deaths")], name="v2"
    )
    result = run(v2, REVISION, backend, [v1]).result("r")
    assert result.status is Status.UNDETERMINED
    here, before, nothing = result.findings
    assert (here.slug, here.figures) == ("duplicate-figure", ("a1", "a2"))
    assert (
        nothing.slug == "nothing-checked"
        and "All 3 items were skipped: 3 for `duplicate`" in nothing.explanation
    )
    assert (before.slug, before.figures) == ("duplicate-figure", ("b",))
    assert "printed more than once in v1" in before.explanation
    # A revision elsewhere still fails the rule, duplicates reported beside it.
    v3 = make_drop([exact("a1", "100"), exact("a2", "130"), exact("c", "5", metric="x")], name="v3")
    v0 = make_drop([exact("c", "4", metric="x")], name="v0")
    result = run(v3, REVISION, backend, [v0, v1]).result("r")
    assert result.status is Status.FAIL
    assert [f.slug for f in result.findings] == ["revision", "duplicate-figure"]


# ---------------------------------------------------------------- backends, CLI


def test_reports_are_identical_on_both_backends(make_drop: MakeDrop) -> None:
    v1 = make_drop(
        [
            figure("a", "about 60,000"),
            exact("n", "100", region="north", status="provisional"),
            exact("s", "50", region="south", published_at="2024-06-01"),
        ],
        name="v1",
        extra_columns=["region"],
    )
    v2 = make_drop(
        [exact("a", "70,000"), exact("n", "90", region="north"), exact("s", "40", region="south")],
        name="v2",
        extra_columns=["region"],
    )
    rules = REVISION + "  - {id: o, kind: revision, allow: [open]}\n"

    def as_dict(backend: str) -> dict[str, Any]:
        out = run(v2, rules, backend, [v1]).to_dict()
        out.pop("generated_at")
        return out

    polars = as_dict("polars")
    assert polars == as_dict("pandas")
    assert [[f["figures"] for f in r["findings"]] for r in polars["results"]] == [
        [["a"], ["n"], ["s"]],
        [["a"], ["n"]],
    ]


def test_validate_command_takes_earlier_drops(make_drop: MakeDrop, tmp_path: Path) -> None:
    v0 = make_drop([exact("a", "100")], name="v0")
    v1 = make_drop([exact("a", "100")], name="v1")
    v2 = make_drop([exact("a", "120")], name="v2")
    suite = tmp_path / "s.yml"
    suite.write_text("suite: s\nrules:\n" + REVISION)
    out = tmp_path / "report.json"
    argv = ["validate", str(v2), "--suite", str(suite), "--out", str(out)]
    assert main([*argv, "--earlier", str(v0), "--earlier", str(v1)]) == ExitCode.FAILED
    [f] = json.loads(out.read_text())["results"][0]["findings"]
    assert f["slug"] == "revision"
    assert f["details"] == {
        "old": 100, "new": 120, "earlier_drop": "v1", "drop": "v2", "earlier_figure": "a",
    }  # fmt: skip
    assert (f["reported"], f["expected"], f["gap"]) == ([120, 120], [100, 100], 20)
    assert main(argv) == ExitCode.OK  # no earlier drop: undetermined, which fails nothing
    assert json.loads(out.read_text())["results"][0]["status"] == "undetermined"


# ---------------------------------------------------------------- the contract


@pytest.mark.parametrize(
    ("fields", "slug", "says"),
    [
        ("allow: [closed]", "invalid-rule", "'closed'"),
        ("allow: [open, open]", "invalid-rule", "twice"),
        ("same_source: no", "invalid-rule", "true or false"),
        ("metrics: cases", "invalid-rule", "non-empty list"),
        ("metrics: []", "invalid-rule", "non-empty list"),
        ("figures: cases", "invalid-rule", "mapping"),
        ("tolerance: 5", "bad-tolerance", "tolerance"),
        ("allwo: [open]", "unknown-field", "allwo"),
    ],
)
def test_contract_errors(fields: str, slug: str, says: str) -> None:
    with pytest.raises(SuiteError) as excinfo:
        suite_from_yaml(f"suite: t\nrules:\n  - {{id: r, kind: revision, {fields}}}\n")
    assert excinfo.value.slug == slug and says in excinfo.value.message
    assert excinfo.value.location.rule == "r"


def test_schema() -> None:
    for rule in (
        REVISION,
        "  - {id: r, kind: revision, metrics: [a, 2024], allow: open, same_source: false}\n",
        "  - {id: r, kind: revision, figures: {metric: a}, allow: [open, provisional, forecast],"
        " tolerance: {absolute: 1}}\n",
    ):
        jsonschema.validate(load_yaml("suite: t\nrules:\n" + rule, "x"), SCHEMA)
    for bad in (
        "{id: r, kind: revision, allow: [closed]}",
        "{id: r, kind: revision, same_source: no}",
        "{id: r, kind: revision, metrics: []}",
        "{id: r, kind: revision, allow: [open, open]}",
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(load_yaml(f"suite: t\nrules:\n  - {bad}\n", "x"), SCHEMA)
