"""Where reports are written: ``OUT/<suite>/<drop>.json`` for any ids, never outside OUT.

A drop.yml with ``id: ../../../escaped`` once made `statcheck validate` write its report
three folders above build/reports (the command line built the path from the raw id)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import statcheck
from statcheck import runner
from statcheck.checking import file_name, refuse_output_on_inputs, report_path
from statcheck.cli import main
from statcheck.errors import StatcheckError
from tests.conftest import MakeDrop, figure

ESCAPING_IDS = ("../../../escaped", "/tmp/absolute", "..", "a/../../b", "x" * 300)
SUITE = """suite: escape
drops: ["../d-*"]
rules:
  - {id: p, kind: compare, left: a, op: "<=", right: b}
"""


def _drop_with_id(make_drop: MakeDrop, drop_id: str, name: str = "d-1") -> Path:
    folder = make_drop([figure("a", "1"), figure("b", "2")], name=name)
    manifest = folder / "drop.yml"
    text = manifest.read_text(encoding="utf-8")
    first, rest = text.split("\n", 1)
    assert first.startswith("id:")
    manifest.write_text(f"id: {drop_id!r}\n{rest}".replace("'", '"'), encoding="utf-8")
    return folder


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.abspath(path)).is_relative_to(os.path.abspath(folder))


@pytest.mark.parametrize("drop_id", ESCAPING_IDS)
def test_escaping_drop_id_stays_in_the_reports_folder_with_statcheck_validate(
    make_drop: MakeDrop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, drop_id: str
) -> None:
    folder = _drop_with_id(make_drop, drop_id)
    work = tmp_path / "work" / "a" / "b" / "c"
    work.mkdir(parents=True)
    (work / "suite.yml").write_text(SUITE, encoding="utf-8")
    monkeypatch.chdir(work)
    assert main(["validate", str(folder), "--suite", "suite.yml"]) == 0
    [written] = list((tmp_path / "work").rglob("*.json"))
    assert _inside(written, work / "build" / "reports" / "escape")
    assert statcheck.Report.from_json(written.read_text(encoding="utf-8")).drop["id"] == drop_id


@pytest.mark.parametrize("drop_id", ESCAPING_IDS)
def test_escaping_drop_id_stays_in_the_reports_folder_with_statcheck_run(
    make_drop: MakeDrop, tmp_path: Path, drop_id: str
) -> None:
    _drop_with_id(make_drop, drop_id)
    expectations = tmp_path / "expectations"
    expectations.mkdir()
    (expectations / "s.yml").write_text(SUITE, encoding="utf-8")
    out = tmp_path / "deep" / "er" / "out"
    assert main(["run", "-e", str(expectations), "-o", str(out)]) == 0
    reports = [p for p in tmp_path.rglob("*.json")]
    assert len(reports) == 1 and _inside(reports[0], out / "escape")
    # from the API too: the runner's outcome names the file it wrote
    result = runner.run(expectations, out, force=True)
    [outcome] = result.drops
    assert outcome.path is not None and _inside(outcome.path, out / "escape")


@pytest.mark.parametrize("drop_id", [*ESCAPING_IDS, "", ".hidden", "é" * 200, "a%2Fb"])
def test_report_path_is_one_file_in_the_suite_folder(tmp_path: Path, drop_id: str) -> None:
    path = report_path(tmp_path, "../suite", drop_id)
    assert path.parent.parent == tmp_path and path.parent.name == "%2E.%2Fsuite"
    assert len(path.name.encode("utf-8")) <= 255 - 20  # room for the atomic write's temp name
    path.parent.mkdir(parents=True)
    statcheck.Report({"id": "s"}, {"id": drop_id}, ()).write(path)  # no ENAMETOOLONG
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_file_names_keep_safe_ids_and_never_collide() -> None:
    assert file_name("jhu-covid-worldwide-2021-01-01") == "jhu-covid-worldwide-2021-01-01"
    ids = ["a/b", "a_b", "a%2Fb", "a%b", ".", "..", "", "x" * 300, "x" * 301, "x" * 299 + "/"]
    assert len({file_name(i) for i in ids}) == len(ids)


@settings(max_examples=200, deadline=None)
@given(suite_id=st.text(min_size=0, max_size=300), drop_id=st.text(min_size=0, max_size=300))
def test_any_ids_give_one_file_inside_the_output_folder(suite_id: str, drop_id: str) -> None:
    out = Path("/nonexistent/out")
    path = report_path(out, suite_id, drop_id)
    assert path.parent.parent == out  # exactly OUT/<suite>/<drop>.json
    assert ".." not in path.relative_to(out).parts
    assert all(len(part.encode("utf-8", "surrogatepass")) <= 235 for part in path.parts[-2:])


@pytest.mark.parametrize("out", ["d/figures.csv", "d", "d/../d/sub/r.json", "suite.yml"])
def test_an_output_on_an_input_is_refused_and_the_input_is_untouched(
    make_drop: MakeDrop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, out: str
) -> None:
    folder = make_drop([figure("a", "1"), figure("b", "2")], name="d")
    monkeypatch.chdir(folder.parent)
    (folder.parent / "suite.yml").write_text(SUITE, encoding="utf-8")
    before = {p: p.read_bytes() for p in folder.parent.rglob("*") if p.is_file()}
    with pytest.raises(StatcheckError) as caught:
        refuse_output_on_inputs(out, [folder, folder.parent / "suite.yml"])
    assert (caught.value.slug, caught.value.exit_code) == ("output-on-input", 2)
    assert main(["validate", "d", "--suite", "suite.yml", "--out", out]) == 2
    assert {p: p.read_bytes() for p in folder.parent.rglob("*") if p.is_file()} == before


def test_an_output_that_cannot_be_written_is_a_usage_error(
    make_drop: MakeDrop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_drop([figure("a", "1"), figure("b", "2")], name="d")
    (tmp_path / "suite.yml").write_text(SUITE, encoding="utf-8")
    (tmp_path / "a-folder").mkdir()
    for out in (str(tmp_path / "a-folder"), "/proc/not/here.json"):
        assert (
            main(["validate", str(folder), "--suite", str(tmp_path / "suite.yml"), "--out", out])
            == 2
        )


def test_a_run_whose_reports_would_land_in_a_drop_is_refused(
    make_drop: MakeDrop, tmp_path: Path
) -> None:
    folder = make_drop([figure("a", "1"), figure("b", "2")], name="d-1")
    expectations = tmp_path / "expectations"
    expectations.mkdir()
    (expectations / "s.yml").write_text(SUITE, encoding="utf-8")
    assert main(["run", "-e", str(expectations), "-o", str(folder / "reports")]) == 2
    assert main(["run", "-e", str(expectations), "--junit", str(folder / "figures.csv")]) == 2
    assert not (folder / "reports").exists()
