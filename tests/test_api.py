"""The library API for pipelines: validate() on every form of data, the check_output
decorator, and suites built in Python."""

from __future__ import annotations

import dataclasses
import inspect
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import statcheck
from statcheck import rules
from statcheck.checking import frame_inputs
from statcheck.contract.suite import Suite
from statcheck.errors import ExitCode, StatcheckError, SuiteError
from statcheck.report import Report, Status, ValidationFailed
from tests.conftest import REPO, SEED_DROP, SEED_SUITE

BLS_DROP = REPO / "fixtures" / "drops" / "bls-cps-aat1-2025"
BLS_SUITE = REPO / "expectations" / "bls-cps-aat1.yml"


def _comparable(report: Report) -> dict[str, Any]:
    """The report without what says where the figures came from and when it was made
    (sentences name what held the figures: "the frame" where a drop's say "the drop")."""
    out = report.to_dict()
    for key in ("drop", "generated_at"):
        out.pop(key)
    text = json.dumps(out, ensure_ascii=False).replace(" the frame ", " the drop ")
    return dict(json.loads(text))


def _pandas(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _polars(path: Path) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False)


# Every way a pipeline can hand over the seed drop's figures: (data, sources, engine).
SEED_FORMS: dict[str, Callable[[], tuple[Any, Any, str | None]]] = {
    "file": lambda: (SEED_DROP / "figures.csv", SEED_DROP / "sources.csv", None),
    "file-as-text-on-pandas": lambda: (
        str(SEED_DROP / "figures.csv"),
        str(SEED_DROP / "sources.csv"),
        "pandas",
    ),
    "pandas": lambda: (
        _pandas(SEED_DROP / "figures.csv"),
        _pandas(SEED_DROP / "sources.csv"),
        None,
    ),
    "polars": lambda: (
        _polars(SEED_DROP / "figures.csv"),
        _polars(SEED_DROP / "sources.csv"),
        None,
    ),
    "polars-lazy": lambda: (
        _polars(SEED_DROP / "figures.csv").lazy(),
        _polars(SEED_DROP / "sources.csv"),
        None,
    ),
    "pandas-on-polars-with-sources-file": lambda: (
        _pandas(SEED_DROP / "figures.csv"),
        SEED_DROP / "sources.csv",
        "polars",
    ),
    "pandas-on-pandas": lambda: (
        _pandas(SEED_DROP / "figures.csv"),
        _pandas(SEED_DROP / "sources.csv"),
        "pandas",
    ),
    "polars-on-pandas-with-pandas-sources": lambda: (
        _polars(SEED_DROP / "figures.csv"),
        _pandas(SEED_DROP / "sources.csv"),
        "pandas",
    ),
}


@pytest.fixture(scope="module")
def seed_from_folder() -> Report:
    return statcheck.validate(SEED_DROP, SEED_SUITE)


# ---------------------------------------------------------------- validate()


def test_a_drop_folder_gives_the_command_lines_report(seed_from_folder: Report) -> None:
    assert seed_from_folder.summary == {
        "pass": 6, "fail": 2, "undetermined": 1, "error": 0, "rules": 9,
    }  # fmt: skip
    assert seed_from_folder.drop["id"] == "2025-01-06-kyivpost-desertion"
    assert seed_from_folder.suite["file"] == str(SEED_SUITE)
    assert not seed_from_folder.ok
    assert [r.rule for r in seed_from_folder.failures] == [
        "ft-60000-is-desertion-plus-awol",
        "figures-trace-to-a-primary-source",
    ]


@pytest.mark.parametrize("form", SEED_FORMS)
def test_every_form_of_the_seed_drop_gives_the_same_report(
    form: str, seed_from_folder: Report
) -> None:
    data, sources, engine = SEED_FORMS[form]()
    report = statcheck.validate(
        data, statcheck.load_suite(SEED_SUITE), sources=sources, engine=engine
    )
    assert report.errors == ()
    assert _comparable(report) == _comparable(seed_from_folder)


def test_a_figures_file_is_reported_with_its_checksum() -> None:
    report = statcheck.validate(
        SEED_DROP / "figures.csv", SEED_SUITE, sources=SEED_DROP / "sources.csv"
    )
    files = report.drop["files"]
    assert set(files) == {str(SEED_DROP / "figures.csv"), str(SEED_DROP / "sources.csv")}
    assert all(len(sha) == 64 for sha in files.values())


@pytest.mark.parametrize("library", ["pandas", "polars", "pandas-typed"])
def test_a_publishers_table_in_a_frame_is_read_with_the_suites_mapping(library: str) -> None:
    """A wide table as published, with the suite's `table:` mapping: the same verdicts as
    the drop, also when pandas has already typed the numbers."""
    path = BLS_DROP / "aat1.csv"
    frame = {
        "pandas": lambda: _pandas(path),
        "polars": lambda: _polars(path),
        "pandas-typed": lambda: pd.read_csv(path),
    }[library]()
    from_folder = statcheck.validate(BLS_DROP, BLS_SUITE)
    from_frame = statcheck.validate(frame, BLS_SUITE)
    assert from_frame.errors == ()
    assert _comparable(from_frame) == _comparable(from_folder)
    assert from_frame.summary["fail"] > 0


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl"])
def test_a_figures_file_in_another_format_is_read_by_its_suffix(
    suffix: str, tmp_path: Path, seed_from_folder: Report
) -> None:
    path = tmp_path / f"figures{suffix}"
    figures = _polars(SEED_DROP / "figures.csv")
    if suffix == ".parquet":
        figures.write_parquet(path)
    else:
        figures.write_ndjson(path)
    report = statcheck.validate(path, SEED_SUITE, sources=SEED_DROP / "sources.csv")
    assert report.errors == ()
    assert _comparable(report) == _comparable(seed_from_folder)


def test_earlier_drop_folders_reach_the_revision_rules() -> None:
    drops = REPO / "fixtures" / "drops"
    suite = statcheck.load_suite(REPO / "expectations" / "worldbank-population.yml")
    revision = next(r.id for r in suite.rules if r.KIND == "revision")
    later = drops / "worldbank-population-2026-03-06"
    alone = statcheck.validate(later, suite)
    with_earlier = statcheck.validate(
        later, suite, earlier=[drops / "worldbank-population-2020-04-14"]
    )
    assert alone.result(revision).status is Status.UNDETERMINED
    assert with_earlier.result(revision).status is not Status.UNDETERMINED


def _data_address(column: pd.Series) -> int:
    """Where an Arrow-backed text column's characters are (the Arrow protocol's array)."""
    (chunk,) = pa.chunked_array(column.array.__arrow_array__()).chunks
    return int(chunk.buffers()[2].address)


def test_a_pandas_frame_lends_its_tidy_text_to_the_pandas_engine() -> None:
    """On the pandas engine, the figure table takes the frame's text columns that needed
    no cleaning as they are (not copied through polars and back), and a column with
    spaces around a cell is cleaned: the report is the polars engine's."""
    figures = _pandas(SEED_DROP / "figures.csv")
    figures["note"] = figures["figure_id"]  # tidy, and kept as read
    figures.loc[0, "unit"] = f"  {figures.loc[0, 'unit']} "  # untidy: cleaned
    sources = _pandas(SEED_DROP / "sources.csv")
    before = figures.copy()
    built = frame_inputs(figures, None, "pandas", sources).figures
    table = built.frame.to_native()
    assert "unit" not in built.as_read and {"figure_id", "note"} <= set(built.as_read)
    assert _data_address(table["figure_id"]) == _data_address(figures["figure_id"])
    assert table.loc[0, "unit"] == figures.loc[0, "unit"].strip()
    on = {
        e: statcheck.validate(figures, SEED_SUITE, sources=sources, engine=e)
        for e in ("pandas", "polars")
    }
    assert _comparable(on["pandas"]) == _comparable(on["polars"])
    pd.testing.assert_frame_equal(figures, before)


def test_the_frame_is_not_changed() -> None:
    figures = _pandas(SEED_DROP / "figures.csv")
    before = figures.copy()
    statcheck.validate(figures, SEED_SUITE, engine="polars")
    statcheck.validate(figures, SEED_SUITE)
    pd.testing.assert_frame_equal(figures, before)


@pytest.mark.parametrize("data", [[1, 2, 3], {"figure_id": ["a"]}, 42, None, b"figures.csv"])
def test_data_statcheck_cannot_read_raises_unsupported_input(data: Any) -> None:
    with pytest.raises(statcheck.UnsupportedInput) as caught:
        statcheck.validate(data, SEED_SUITE)
    exc = caught.value
    assert isinstance(exc, StatcheckError) and isinstance(exc, TypeError)
    assert exc.slug == "unsupported-input"
    assert exc.exit_code is ExitCode.CONTRACT
    assert "drop folder, a figures file, or a pandas or polars DataFrame" in str(exc)


def test_a_suite_that_is_neither_a_suite_nor_a_path_raises_unsupported_input() -> None:
    with pytest.raises(statcheck.UnsupportedInput, match="`suite` must be a Suite"):
        statcheck.validate(SEED_DROP, {"suite": "x"})  # type: ignore[arg-type]


def test_an_unknown_engine_raises_unsupported_input() -> None:
    with pytest.raises(statcheck.UnsupportedInput) as caught:
        statcheck.validate(SEED_DROP, SEED_SUITE, engine="duckdb")
    assert caught.value.slug == "unknown-engine"


def test_sources_for_a_drop_folder_raise_unsupported_input() -> None:
    with pytest.raises(statcheck.UnsupportedInput, match="brings its own sources"):
        statcheck.validate(SEED_DROP, SEED_SUITE, sources=SEED_DROP / "sources.csv")


def test_sources_statcheck_cannot_read_raise_unsupported_input() -> None:
    with pytest.raises(statcheck.UnsupportedInput, match="cannot read sources from a list"):
        statcheck.validate(_pandas(SEED_DROP / "figures.csv"), SEED_SUITE, sources=[])


def test_earlier_vintages_are_for_drop_folders() -> None:
    with pytest.raises(statcheck.UnsupportedInput, match="drop folders only"):
        statcheck.validate(_polars(SEED_DROP / "figures.csv"), SEED_SUITE, earlier=[SEED_DROP])


def test_a_missing_file_is_in_the_report_as_not_ready(tmp_path: Path) -> None:
    report = statcheck.validate(tmp_path / "figures.csv", SEED_SUITE)
    assert report.results == ()
    [error] = (e.to_dict() for e in report.errors)
    assert error["slug"] == "file-missing"
    assert report.exit_code is ExitCode.NOT_READY


def test_a_missing_folder_is_in_the_report_as_a_missing_drop(tmp_path: Path) -> None:
    report = statcheck.validate(tmp_path / "no-such-drop", SEED_SUITE)
    assert [e.slug for e in report.errors] == ["drop-missing"]


def test_a_file_of_a_format_drops_cannot_hold_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "figures.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    report = statcheck.validate(path, SEED_SUITE)
    [error] = (e.to_dict() for e in report.errors)
    assert error["slug"] == "unsupported-format"
    assert report.exit_code is ExitCode.CONTRACT


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_a_frame_that_is_not_a_figure_table_is_reported_not_raised(library: str) -> None:
    columns = {"figure_id": ["a"], "value": ["1"]}
    frame = pd.DataFrame(columns) if library == "pandas" else pl.DataFrame(columns)
    report = statcheck.validate(frame, SEED_SUITE)
    [error] = (e.to_dict() for e in report.errors)
    assert error["slug"] == "missing-column"
    assert "metric" in error["message"]
    assert report.exit_code is ExitCode.CONTRACT and not report.ok
    with pytest.raises(ValidationFailed):
        report.raise_for_failures()


@pytest.mark.parametrize("column", ["low", "high", "percent", "_row", "_duplicate", "_position"])
@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_a_column_named_as_one_statcheck_works_out_is_refused(library: str, column: str) -> None:
    # Before: `_row` crashed as an internal error; the others were overwritten in silence.
    columns = {
        "figure_id": ["a", "b"], "metric": ["m", "m"], "value": ["1", "2"],
        "unit": ["persons", "persons"], "period": ["2024", "2025"], "source_id": ["s", "s"],
        column: ["7", "8"],
    }  # fmt: skip
    frame = pd.DataFrame(columns) if library == "pandas" else pl.DataFrame(columns)
    report = statcheck.validate(frame, statcheck.suite("s", [rules.period("periods")]))
    [error] = (e.to_dict() for e in report.errors)
    assert error["slug"] == "bad-header"
    assert error["location"] == {"column": column}
    assert f"a column named {column}" in error["message"]
    assert report.exit_code is ExitCode.CONTRACT


def test_a_sources_table_with_a_column_named_row_is_refused() -> None:
    figures = pl.DataFrame(
        {"figure_id": ["a"], "metric": ["m"], "value": ["1"], "unit": ["persons"],
         "period": ["2024"], "source_id": ["s"]}
    )  # fmt: skip
    sources = pl.DataFrame({"source_id": ["s"], "name": ["S"], "kind": ["official"], "_row": [4]})
    suite = statcheck.suite("s", [rules.period("periods")])
    report = statcheck.validate(figures, suite, sources=sources)
    [error] = (e.to_dict() for e in report.errors)
    assert (error["slug"], error["location"]) == ("bad-header", {"column": "_row"})
    assert "the source table has a column named _row" in error["message"]


@pytest.mark.parametrize("library", ["pandas", "polars"])
def test_a_real_date_beyond_the_year_9999_is_refused_at_its_row(library: str) -> None:
    # dataframe libraries hold dates far outside the calendar a figure's period lives in
    year = pl.date(2024, 1, 1) + pl.duration(days=3_652_425)  # 12024-01-01
    frame = pl.DataFrame(
        {"figure_id": ["a", "b"], "metric": ["m", "m"], "value": [1.0, 2.0],
         "unit": ["persons", "persons"], "precision": [0.0, 0.0], "source_id": ["s", "s"]}
    ).with_columns(
        pl.when(pl.col("figure_id") == "b").then(year).otherwise(pl.date(2024, 1, 1))
        .alias("period_start"),
        pl.lit(None, dtype=pl.Date).fill_null(pl.date(2024, 12, 31)).alias("period_end"),
    )  # fmt: skip
    data = frame.to_pandas() if library == "pandas" else frame
    report = statcheck.validate(data, statcheck.suite("s", [rules.period("periods")]))
    [error] = (e.to_dict() for e in report.errors)
    assert error["slug"] == "invalid-date"
    assert error["location"] == {"row": 3, "column": "period_start"}
    assert "12024-01-01" in error["message"]
    assert report.exit_code is ExitCode.CONTRACT


def test_report_ok_when_nothing_failed() -> None:
    suite = statcheck.suite("ok", [rules.period("periods-are-sound")])
    report = statcheck.validate(_pandas(SEED_DROP / "figures.csv"), suite)
    assert report.ok and report.failures == ()
    report.raise_for_failures()  # does not raise


# ---------------------------------------------------------------- check_output


def _seed_figures() -> pd.DataFrame:
    """A table in the seed drop's shape."""
    return _pandas(SEED_DROP / "figures.csv")


def test_check_output_raises_with_the_report_attached() -> None:
    @statcheck.check_output(SEED_SUITE, sources=SEED_DROP / "sources.csv")
    def build() -> pd.DataFrame:
        return _seed_figures()

    with pytest.raises(ValidationFailed) as caught:
        build()
    exc = caught.value
    assert exc.report.result("ft-60000-is-desertion-plus-awol").status is Status.FAIL
    assert exc.exit_code is ExitCode.FAILED
    assert str(exc).startswith("the figures test_check_output_raises_with_the_report_attached.")
    assert "ft-60000-is-desertion-plus-awol (fail)" in str(exc)
    assert "more-than-two-previous-years-combined" not in str(exc)  # undetermined: no raise


def test_check_output_hands_a_clean_table_on_unchanged() -> None:
    suite = statcheck.suite("sound-periods", [rules.period("periods-are-sound")])
    figures = _seed_figures()

    @statcheck.check_output(suite)
    def build(scale: int, *, label: str = "x") -> pd.DataFrame:
        """Build the table."""
        return figures

    assert build(1, label="y") is figures


def test_check_output_keeps_the_functions_name_doc_and_signature() -> None:
    def build(year: int, *, region: str = "all") -> pd.DataFrame:
        """The regional figures for one year."""
        return _seed_figures()

    wrapped = statcheck.check_output(SEED_SUITE)(build)
    assert wrapped.__name__ == "build"
    assert wrapped.__doc__ == "The regional figures for one year."
    assert wrapped.__wrapped__ is build  # type: ignore[attr-defined]
    assert inspect.signature(wrapped) == inspect.signature(build)


def test_check_output_on_a_function_returning_figures_and_sources() -> None:
    figures, sources = _polars(SEED_DROP / "figures.csv"), _polars(SEED_DROP / "sources.csv")
    reports: list[Report] = []

    @statcheck.check_output(SEED_SUITE, raise_on=["error"], on_report=reports.append)
    def build() -> tuple[pl.DataFrame, pl.DataFrame]:
        return figures, sources

    out = build()
    assert out[0] is figures and out[1] is sources  # the pair, as it came
    [report] = reports
    # With the sources, attribution runs: the same verdicts as the drop.
    assert _comparable(report) == _comparable(statcheck.validate(SEED_DROP, SEED_SUITE))


def test_check_output_raise_on_undetermined() -> None:
    suite = statcheck.suite(
        "claims",
        [
            rules.compare(
                "more-than-2022",
                left="kp-ft-abandoning-cases",
                op=">",
                right={"metric": "criminal_cases_opened", "period": "2022"},
            )
        ],
    )
    figures = _seed_figures()
    assert statcheck.check_output(suite)(lambda: figures)() is figures
    with pytest.raises(ValidationFailed, match=r"more-than-2022 \(undetermined\)"):
        statcheck.check_output(suite, raise_on=("fail", "error", "undetermined"))(lambda: figures)()


def test_check_output_raises_for_a_table_that_cannot_be_read() -> None:
    @statcheck.check_output(SEED_SUITE)
    def build() -> pd.DataFrame:
        return pd.DataFrame({"figure_id": ["a"]})

    with pytest.raises(ValidationFailed, match="missing-column") as caught:
        build()
    assert caught.value.exit_code is ExitCode.CONTRACT


def test_check_output_misuse_raises_unsupported_input() -> None:
    with pytest.raises(statcheck.UnsupportedInput, match="raise_on has 'warn'"):
        statcheck.check_output(SEED_SUITE, raise_on=("warn",))
    with pytest.raises(SuiteError):  # the suite is read when the function is decorated
        statcheck.check_output(REPO / "expectations" / "no-such-suite.yml")
    with pytest.raises(statcheck.UnsupportedInput, match=r"returned a dict"):
        statcheck.check_output(SEED_SUITE)(lambda: {"figure_id": []})()
    with pytest.raises(statcheck.UnsupportedInput, match="give the sources one way only"):
        statcheck.check_output(SEED_SUITE, sources=SEED_DROP / "sources.csv")(
            lambda: (_seed_figures(), _pandas(SEED_DROP / "sources.csv"))
        )()


# ---------------------------------------------------------------- suites built in Python


def _seed_suite_in_code(**top: Any) -> Suite:
    """expectations/kyivpost-desertion.yml, written in Python."""
    offence = {"metric": "criminal_cases_opened", "offence": "abandoning-positions"}
    return statcheck.suite(
        "kyivpost-desertion",
        [
            rules.sum(
                "ft-60000-is-desertion-plus-awol",
                total="kp-ft-abandoning-cases",
                parts=["kp-odb-desertion-jan-oct", "kp-odb-awol-2024"],
                across="categories",
            ),
            rules.compare(
                "more-than-two-previous-years-combined",
                left="kp-ft-abandoning-cases",
                op=">",
                right=[offence | {"period": "2022"}, offence | {"period": "2023"}],
            ),
            rules.compare(
                "active-duty-within-the-force",
                left="kp-ft-active-duty",
                op="<=",
                right="kp-ft-military-force",
            ),
            rules.compare(
                "equipped-brigades-within-planned",
                left="kp-zelensky-brigades-equipped",
                op="<=",
                right="kp-zelensky-brigades-planned",
            ),
            rules.compare(
                "tanks-arrived-within-promised",
                left="kp-officer-tanks-arrived",
                op="<=",
                right="kp-officer-tanks-promised",
            ),
            rules.attribution(
                "every-figure-has-a-known-source",
                checks=["known-source", "citations-resolve", "no-cycles"],
            ),
            rules.attribution("relayed-figures-match-their-source", checks=["agrees-with-cited"]),
            rules.attribution("figures-trace-to-a-primary-source", checks=["reaches-primary"]),
            rules.period("periods-are-sound"),
        ],
        primary_sources=["official", "person"],
        values="prose",
        **top,
    )


def _without_descriptions(suite: Suite) -> Suite:
    return dataclasses.replace(
        suite,
        description=None,
        drops=(),
        rules=tuple(dataclasses.replace(r, description=None) for r in suite.rules),
    )


def test_the_seed_suite_built_in_code_equals_the_file() -> None:
    from_file = statcheck.load_suite(SEED_SUITE)
    in_code = _seed_suite_in_code()
    assert in_code == _without_descriptions(from_file)
    assert in_code.file is None  # not read from a file
    with_texts = _seed_suite_in_code(description=from_file.description, drops=from_file.drops)
    assert with_texts.description == from_file.description and with_texts.drops == from_file.drops


def test_the_seed_suite_built_in_code_gives_the_same_verdicts(seed_from_folder: Report) -> None:
    in_code = statcheck.validate(SEED_DROP, _seed_suite_in_code())
    expected = _comparable(seed_from_folder)
    got = _comparable(in_code)
    for results in (expected["results"], got["results"]):
        for result in results:
            result.pop("description", None)
    expected.pop("suite")
    got.pop("suite")
    assert got == expected


def test_a_suite_built_in_code_writes_the_yaml_the_file_reads() -> None:
    from statcheck.contract.suite import suite_from_yaml

    in_code = _seed_suite_in_code()
    assert suite_from_yaml(in_code.to_yaml()) == in_code


@pytest.mark.parametrize(
    "path", sorted((REPO / "expectations").glob("*.yml")), ids=lambda p: p.stem
)
def test_every_suite_in_expectations_can_be_written_in_python(path: Path) -> None:
    """Each rule as `rules.rule(kind, id, **fields)`, with the fields the file has."""
    from_file = statcheck.load_suite(path)
    built = []
    for rule in from_file.rules:
        fields = rule.to_mapping()
        kind, rule_id = fields.pop("kind"), fields.pop("id")
        built.append(rules.rule(kind, rule_id, **fields))
        named = getattr(rules, kind)  # every kind has its own function too
        assert named(rule_id, **fields) == rule
    in_code = statcheck.suite(
        from_file.id,
        built,
        description=from_file.description,
        drops=from_file.drops,
        primary_sources=[k.value for k in from_file.primary_sources],
        table=from_file.table,
        schema=from_file.schema,
        values=from_file.values.value,
    )
    assert in_code == from_file


def test_rules_accept_contract_objects_and_plain_values_alike() -> None:
    from statcheck.contract.rules import FigureRef, Selector, SumRule

    plain = rules.sum("s", total="t", parts=["a", "b"], tolerance={"absolute": 5})
    objects = rules.sum(
        "s",
        total=FigureRef("t"),
        parts=(FigureRef("a"), FigureRef("b")),
        tolerance=statcheck.Tolerance(absolute=5),
    )
    generic = rules.rule("sum", "s", total="t", parts=["a", "b"], tolerance={"absolute": 5})
    assert plain == objects == generic
    assert isinstance(plain, SumRule)
    selector = rules.compare("c", left={"metric": "m", "period": 2023}, op=">", right="r")
    assert selector.refs()[0] == Selector((("metric", "m"), ("period", "2023")))  # type: ignore[attr-defined]
    # Rule objects and rule mappings can be mixed in a suite.
    suite = statcheck.suite("mixed", [plain, {"id": "p", "kind": "period"}])
    assert [r.id for r in suite.rules] == ["s", "p"]


def test_a_mistake_in_a_rule_built_in_code_points_to_its_line() -> None:
    line = inspect.currentframe().f_lineno + 2  # type: ignore[union-attr]
    with pytest.raises(SuiteError) as caught:
        rules.compare("c", left="a", op="=>", right="b")
    exc = caught.value
    assert exc.slug == "invalid-rule"
    assert (exc.location.file, exc.location.line, exc.location.rule) == (__file__, line, "c")
    assert "use one of: > >= < <= ==" in str(exc)


def test_unknown_fields_and_kinds_are_contract_errors_as_in_a_file() -> None:
    with pytest.raises(SuiteError, match="did you mean 'parts'") as caught:
        rules.rule("sum", "s", total="t", prts=["a"])
    assert caught.value.slug == "unknown-field"
    with pytest.raises(SuiteError) as kind:
        rules.rule("summ", "s")
    assert kind.value.slug == "unknown-rule-kind"
    with pytest.raises(SuiteError) as missing:
        rules.sum("s", total="t")
    assert missing.value.slug == "missing-field"


def test_a_rule_id_used_twice_in_a_suite_built_in_code() -> None:
    first = rules.period("p")
    second = rules.period("p")
    with pytest.raises(SuiteError) as caught:
        statcheck.suite("dup", [first, second])
    exc = caught.value
    assert exc.slug == "duplicate-rule-id"
    # Each rule is placed where it was built: the second one, and the first named in the message.
    assert (exc.location.file, exc.location.line) == (__file__, second.line)
    assert f"also at line {first.line}" in exc.message
    assert second.line == first.line + 1  # type: ignore[operator]


def test_a_suite_with_a_table_mapping_and_schema_built_in_code() -> None:
    from_file = statcheck.load_suite(BLS_SUITE)
    assert from_file.table is not None and from_file.schema is not None
    in_code = statcheck.suite(
        from_file.id,
        list(from_file.rules),
        description=from_file.description,
        drops=from_file.drops,
        table=from_file.table,
        schema=from_file.schema.to_mapping(),
    )
    assert in_code == from_file


# ---------------------------------------------------------------- the public surface


def test_public_names_resolve() -> None:
    for name in statcheck.__all__:
        assert getattr(statcheck, name) is not None, name
    assert statcheck.Suite is Suite and statcheck.Report is Report
    assert statcheck.ValidationFailed is ValidationFailed
    with pytest.raises(AttributeError):
        statcheck.no_such_name  # type: ignore[attr-defined]  # noqa: B018


def test_importing_statcheck_and_building_a_suite_loads_no_dataframe_library() -> None:
    code = (
        "import sys\n"
        "import statcheck\n"
        "from statcheck import rules\n"
        "statcheck.suite('s', [rules.period('p')])\n"
        "statcheck.check_output\n"
        "print(sorted(m for m in ('pandas', 'polars', 'pandera', 'great_expectations') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
