"""`statcheck run`, the path `nox -s validate` takes: every suite against its drops, each
drop validated once per set of inputs, JSON reports, JUnit XML and a Markdown summary."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from statcheck import checking, runner
from statcheck.cli import main
from statcheck.errors import ErrorEntry, ExitCode
from statcheck.outputs import Echo, junit_xml, markdown_summary
from statcheck.report import Report
from statcheck.runner import DropOutcome, RunResult, SuiteOutcome
from tests.conftest import MakeDrop, figure

SUITE = """suite: small
drops: ["../d-*"]
rules:
  - id: total-is-sum
    kind: sum
    total: total
    parts: [a, b]
  - id: total-above-a
    kind: compare
    left: total
    op: ">"
    right: a
"""
RULES = 2


def figures(
    total: str, a: str = "4", b: str = "6", total_id: str = "total"
) -> list[dict[str, str]]:
    return [
        figure(total_id, total, precision="0"),
        figure("a", a, precision="0"),
        figure("b", b, precision="0"),
    ]


@pytest.fixture
def expectations(tmp_path: Path) -> Path:
    folder = tmp_path / "expectations"
    folder.mkdir()
    (folder / "small.yml").write_text(SUITE)
    return folder


RunCli = Callable[..., tuple[int, str]]


@pytest.fixture
def run_cli(
    expectations: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> RunCli:
    """`statcheck run` on the temporary expectations, reports in tmp_path/out; returns the
    exit code and what it printed."""
    monkeypatch.setenv("CI", "true")
    monkeypatch.delenv("STATCHECK_DROPS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)

    def run(*extra: str) -> tuple[int, str]:
        capsys.readouterr()
        code = main(["run", "-e", str(expectations), "-o", str(tmp_path / "out"), *extra])
        return code, capsys.readouterr().out

    return run


@pytest.fixture
def validated(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[str]]]:
    """The drops the engine is asked to validate, with the earlier drops it is given."""
    calls: list[tuple[str, list[str]]] = []
    real = checking.validate_drop

    def spy(folder: Path, suite: Any, engine: str = "polars", earlier: Any = (), **kw: Any) -> Any:
        calls.append((Path(folder).name, [Path(p).name for p in earlier]))
        # the test suites compare no vintages
        return real(folder, suite, engine, cache=kw.get("cache"))

    monkeypatch.setattr(checking, "validate_drop", spy)
    return calls


def report_bytes(tmp_path: Path) -> dict[str, bytes]:
    return {
        p.relative_to(tmp_path / "out").as_posix(): p.read_bytes()
        for p in sorted((tmp_path / "out").rglob("*.json"))
    }


def without_timestamp(raw: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(raw)
    data.pop("generated_at")
    return data


# ---------------------------------------------------------------- the acceptance test


def test_rerun_is_idempotent_new_drops_only_and_a_bad_checksum_is_exit_4(
    make_drop: MakeDrop,
    run_cli: RunCli,
    tmp_path: Path,
    validated: list[tuple[str, list[str]]],
) -> None:
    make_drop(figures("10"), name="d-1")  # passes
    make_drop(figures("11"), name="d-2")  # fails: 4 + 6 is not 11

    code, out = run_cli()
    assert code == 1
    assert [name for name, _ in validated] == ["d-1", "d-2"]
    assert "suite small drop d-1: pass (2 pass)" in out
    assert "suite small drop d-2: fail (1 pass, 1 fail)" in out
    assert "FAIL total-is-sum: sum-mismatch: total (11, 2024) should equal" in out
    first = report_bytes(tmp_path)
    assert set(first) == {"small/d-1.json", "small/d-2.json"}
    assert all(json.loads(raw)["cache_key"] for raw in first.values())

    # Run again: nothing is validated, the reports are untouched, byte for byte.
    validated.clear()
    code, out = run_cli()
    assert code == 1 and validated == []
    assert "suite small drop d-1: pass (2 pass), cached" in out
    assert "suite small drop d-2: fail (1 pass, 1 fail), cached" in out
    assert report_bytes(tmp_path) == first

    # --all validates again: the same reports apart from the timestamp.
    code, _ = run_cli("--all")
    assert code == 1 and [name for name, _ in validated] == ["d-1", "d-2"]
    again = report_bytes(tmp_path)
    assert {k: without_timestamp(v) for k, v in again.items()} == {
        k: without_timestamp(v) for k, v in first.items()
    }

    # A new drop: only it is validated.
    validated.clear()
    make_drop(figures("10", a="3", b="7"), name="d-3")
    code, out = run_cli()
    assert code == 1 and [name for name, _ in validated] == ["d-3"]
    assert "suite small drop d-3: pass (2 pass)\n" in out
    assert report_bytes(tmp_path)["small/d-1.json"] == again["small/d-1.json"]

    # A file that no longer matches its checksum: exit 4, the file named, never cached.
    with (tmp_path / "d-1" / "figures.csv").open("a") as fh:
        fh.write("late,cases,1,cases,,0,2024-01-01,2024-12-31,stats,,,\n")
    validated.clear()
    for _ in range(2):
        code, out = run_cli()
        assert code == ExitCode.NOT_READY
        assert "suite small drop d-1: not ready" in out
        assert "checksum-mismatch" in out and "'figures.csv' does not match its checksum" in out
    assert [name for name, _ in validated] == ["d-1", "d-1"]
    report = json.loads((tmp_path / "out" / "small" / "d-1.json").read_text())
    assert report["exit_code"] == 4 and "cache_key" not in report
    [error] = report["errors"]
    assert error["slug"] == "checksum-mismatch"
    assert error["location"]["file"].endswith("figures.csv")
    assert "figures.csv" in (tmp_path / "out" / "summary.md").read_text()
    junit = ET.parse(tmp_path / "out" / "junit.xml").getroot()
    [drop_error] = junit.iter("error")
    assert "figures.csv" in (drop_error.get("message") or "")


# ---------------------------------------------------------------- the cache key


def test_a_changed_suite_validates_every_drop_again(
    make_drop: MakeDrop,
    run_cli: RunCli,
    expectations: Path,
    validated: list[tuple[str, list[str]]],
) -> None:
    make_drop(figures("10"), name="d-1")
    make_drop(figures("10"), name="d-2")
    assert run_cli()[0] == 0
    validated.clear()
    (expectations / "small.yml").write_text(SUITE + "# a comment changes the file\n")
    assert run_cli()[0] == 0
    assert [name for name, _ in validated] == ["d-1", "d-2"]


def test_another_engine_or_a_changed_manifest_is_validated_again(
    make_drop: MakeDrop, run_cli: RunCli, validated: list[tuple[str, list[str]]]
) -> None:
    drop = make_drop(figures("10"), name="d-1")
    run_cli()
    validated.clear()
    assert run_cli("--engine", "pandas")[0] == 0
    assert [name for name, _ in validated] == ["d-1"]
    validated.clear()
    with (drop / "drop.yml").open("a") as fh:
        fh.write("published_at: 2025-02-01\n")
    run_cli("--engine", "pandas")
    assert [name for name, _ in validated] == ["d-1"]


def test_an_unreadable_stored_report_is_made_again(
    make_drop: MakeDrop,
    run_cli: RunCli,
    tmp_path: Path,
    validated: list[tuple[str, list[str]]],
) -> None:
    make_drop(figures("10"), name="d-1")
    run_cli()
    (tmp_path / "out" / "small" / "d-1.json").write_text("{not json")
    validated.clear()
    assert run_cli()[0] == 0 and [name for name, _ in validated] == ["d-1"]
    assert json.loads((tmp_path / "out" / "small" / "d-1.json").read_text())["cache_key"]


def test_an_internal_error_is_not_cached(
    make_drop: MakeDrop,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    validated: list[tuple[str, list[str]]],
) -> None:
    from statcheck.engine import rules

    make_drop(figures("10"), name="d-1")
    with monkeypatch.context() as m:
        m.setitem(rules.IMPLEMENTATIONS, "sum", lambda rule, ctx: 1 / 0)
        assert run_cli()[0] == ExitCode.INTERNAL
    validated.clear()
    assert run_cli()[0] == 0 and [name for name, _ in validated] == ["d-1"]


def test_cache_key_covers_code_engine_suite_and_earlier_drops(
    make_drop: MakeDrop, expectations: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statcheck.contract.suite import load_suite
    from statcheck.drops.manifest import read_drop

    suite = load_suite(expectations / "small.yml")
    drop = read_drop(make_drop(figures("10"), name="d-1"))
    key = runner.cache_key(suite, drop, "polars")
    assert key == runner.cache_key(suite, drop, "polars")
    assert key != runner.cache_key(suite, drop, "pandas")
    assert key != runner.cache_key(suite, drop, "polars", earlier=["abc"])
    other = load_suite(expectations / "small.yml")
    object.__setattr__(other, "sha256", "0" * 64)
    assert key != runner.cache_key(other, drop, "polars")

    # Another statcheck (a rule implementation changed, the version number did not).
    monkeypatch.setattr(runner, "_code_fingerprint", lambda: "changed")
    assert key != runner.cache_key(suite, drop, "polars")


# ---------------------------------------------------------------- exit codes and drops


def test_exit_code_is_the_worst_over_suites_and_drops(
    make_drop: MakeDrop, run_cli: RunCli, expectations: Path
) -> None:
    make_drop(figures("10"), name="d-1")
    (expectations / "broken.yml").write_text(SUITE.replace("kind: sum", "kind: summ"))
    code, out = run_cli()
    assert code == ExitCode.CONTRACT
    assert "broken.yml:5: error [unknown-rule-kind]" in out
    assert "suite small drop d-1: pass" in out


def test_no_suites_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["run", "-e", str(tmp_path / "empty"), "-o", str(tmp_path / "out")]) == 2
    assert "no-suites" in capsys.readouterr().err


def test_drops_folder_from_the_command_line_or_the_environment(
    make_drop: MakeDrop,
    run_cli: RunCli,
    expectations: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    mounted = tmp_path / "mnt"
    mounted.mkdir()
    shutil.move(make_drop(figures("10"), name="d-1"), mounted / "d-1")
    code, out = run_cli()
    assert code == 0 and "suite small: no drops found" in out
    code, out = run_cli("--drops", str(mounted))
    assert code == 0 and "suite small drop d-1: pass (2 pass)" in out
    monkeypatch.setenv("STATCHECK_DROPS", str(mounted))
    code, out = run_cli()
    assert code == 0 and "suite small drop d-1: pass (2 pass), cached" in out


def test_a_missing_drops_folder_is_a_usage_error(
    run_cli: RunCli, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_cli("--drops", str(tmp_path / "not-mounted"))[0] == ExitCode.CONTRACT


def test_two_drops_with_one_id_are_an_error(
    make_drop: MakeDrop, run_cli: RunCli, tmp_path: Path
) -> None:
    shutil.copytree(make_drop(figures("10"), name="d-1"), tmp_path / "d-1-copy")
    code, out = run_cli()
    assert code == ExitCode.CONTRACT
    assert "duplicate-drop-id" in out


# ---------------------------------------------------------------- drops compared over time


def test_suites_with_revision_rules_take_drops_in_publication_order(
    make_drop: MakeDrop,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    validated: list[tuple[str, list[str]]],
) -> None:
    monkeypatch.setattr(runner, "has_revision_rules", lambda suite: True)

    def dated(name: str, published: str) -> None:
        drop = make_drop(figures("10"), name=name)
        with (drop / "drop.yml").open("a") as fh:
            fh.write(f"published_at: {published}\n")

    dated("d-a", "2025-03-01")
    dated("d-b", "2025-01-01")
    assert run_cli()[0] == 0
    assert validated == [("d-b", []), ("d-a", ["d-b"])]

    validated.clear()  # a later vintage: only it, compared with both
    dated("d-c", "2025-06-01")
    run_cli()
    assert validated == [("d-c", ["d-b", "d-a"])]

    validated.clear()  # an earlier vintage changes what every later one is compared with
    dated("d-0", "2024-12-01")
    run_cli()
    assert [name for name, _ in validated] == ["d-0", "d-b", "d-a", "d-c"]


def test_other_suites_get_no_earlier_drops(
    make_drop: MakeDrop, run_cli: RunCli, validated: list[tuple[str, list[str]]]
) -> None:
    make_drop(figures("10"), name="d-1")
    make_drop(figures("10"), name="d-2")
    run_cli()
    assert validated == [("d-1", []), ("d-2", [])]


# ---------------------------------------------------------------- JUnit and Markdown


HOSTILE_RULE = "<script>alert(1)</script> ]]> | `x` **y**"
HOSTILE_FIGURE = "t<b>]]>|&amp;"


def test_junit_has_one_case_per_rule_per_drop_and_failures_carry_the_explanation(
    make_drop: MakeDrop, run_cli: RunCli, expectations: Path, tmp_path: Path
) -> None:
    suite = (
        SUITE.replace("total-is-sum", json.dumps(HOSTILE_RULE))
        .replace("total: total", f"total: {json.dumps(HOSTILE_FIGURE)}")
        .replace("left: total", f"left: {json.dumps(HOSTILE_FIGURE)}")
    )
    (expectations / "small.yml").write_text(suite)
    make_drop(figures("10", total_id=HOSTILE_FIGURE), name="d-1")
    make_drop(figures("12", total_id=HOSTILE_FIGURE), name="d-2")
    make_drop(figures("13", total_id=HOSTILE_FIGURE), name="d-3")
    assert run_cli()[0] == 1

    root = ET.parse(tmp_path / "out" / "junit.xml").getroot()
    cases = list(root.iter("testcase"))
    assert len(cases) == RULES * 3 == int(root.get("tests", "0"))
    assert {c.get("name") for c in cases} == {HOSTILE_RULE, "total-above-a"}
    failures = [f for f in root.iter("failure")]
    assert len(failures) == 2 == int(root.get("failures", "0"))
    report = json.loads((tmp_path / "out" / "small" / "d-2.json").read_text())
    explanation = report["results"][0]["findings"][0]["explanation"]
    assert HOSTILE_FIGURE in explanation
    assert failures[0].get("message") == explanation
    assert explanation in (failures[0].text or "")

    summary = (tmp_path / "out" / "summary.md").read_text()
    assert "<script>" not in summary and "<b>" not in summary
    assert "&lt;script&gt;" in summary and r"\|" in summary
    for row in [line for line in summary.splitlines() if line.startswith("| small")]:
        assert row.replace(r"\|", "").count("|") == 8  # 7 cells: no value split a row


def test_junit_and_markdown_survive_any_text() -> None:
    nasty = "a\x00b\x1b[31m <script>]]>&|\n# heading `tick` *star* [link](http://x)"
    report = Report.from_dict(
        {
            "results": [
                {
                    "rule": nasty,
                    "kind": "sum",
                    "status": "fail",
                    "findings": [{"slug": nasty, "explanation": nasty}],
                },
                {"rule": "u", "kind": "sum", "status": "undetermined", "findings": []},
                {
                    "rule": "e",
                    "kind": "sum",
                    "status": "error",
                    "error": {"slug": "internal-error", "message": nasty, "internal": False},
                },
            ],
        }
    )
    result = RunResult(
        (
            SuiteOutcome(
                Path("s.yml"), nasty, (DropOutcome(nasty, nasty, Path("d"), report, None),)
            ),
            SuiteOutcome(Path("bad.yml"), None, error=ErrorEntry("x", nasty, ExitCode.CONTRACT)),
        )
    )
    root = ET.fromstring(junit_xml(result).encode("utf-8"))
    assert len(list(root.iter("testcase"))) == 4
    [failure] = root.iter("failure")
    assert "<script>]]>&|" in (failure.get("message") or "")
    assert len(list(root.iter("skipped"))) == 1 and len(list(root.iter("error"))) == 2

    md = markdown_summary(result)
    assert "<script>" not in md and "\x00" not in md
    assert md.startswith("## statcheck: error (exit code 2)")
    assert "\\# heading" in md and "\\[link\\]" in md and "\\`tick\\`" in md
    assert all(not line.startswith("#") for line in md.splitlines()[1:] if "heading" in line)

    import io

    from rich.console import Console

    buf = io.StringIO()
    Echo(Console(file=buf, force_terminal=True)).finished(result.drops[0], rules=3)
    assert "\x1b[31m" not in buf.getvalue() and "\x00" not in buf.getvalue()
    assert "<script>]]>&|" in buf.getvalue()


def test_summary_is_appended_to_the_github_step_summary(
    make_drop: MakeDrop, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_drop(figures("11"), name="d-1")
    step = tmp_path / "step-summary.md"
    step.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    junit, summary = tmp_path / "ci" / "junit.xml", tmp_path / "ci" / "summary.md"
    code, out = run_cli("--junit", str(junit), "--summary", str(summary))
    assert code == 1 and junit.is_file()
    text = step.read_text()
    assert text.startswith("earlier step\n## statcheck: fail (exit code 1)")
    assert summary.read_text() in text
    assert f"junit: {junit}" in out


# ---------------------------------------------------------------- progress


def test_progress_bar_only_on_a_terminal_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    monkeypatch.delenv("CI", raising=False)
    assert Echo.for_terminal()._progress_console is not None
    monkeypatch.setenv("CI", "true")
    assert Echo.for_terminal()._progress_console is None
    monkeypatch.delenv("CI")
    monkeypatch.setattr("sys.stderr.isatty", lambda: False)
    assert Echo.for_terminal()._progress_console is None


def test_in_ci_the_log_has_one_line_per_drop_and_nothing_on_stderr(
    make_drop: MakeDrop,
    expectations: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CI", "true")
    for i in range(3):
        make_drop(figures("10"), name=f"d-{i}")
    code = main(["run", "-e", str(expectations), "-o", str(tmp_path / "out")])
    out, err = capsys.readouterr()
    assert code == 0 and err == ""
    assert [line for line in out.splitlines() if line.startswith("suite ")] == [
        f"suite small drop d-{i}: pass (2 pass)" for i in range(3)
    ]
