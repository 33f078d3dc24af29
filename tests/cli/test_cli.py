"""The command line: exit codes 0, 1, 2, 3, 4, the JSON report contract, and start-up cost."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from statcheck.cli import main
from tests.conftest import SEED_DROP, SEED_SUITE, MakeDrop, figure

SUITE = """suite: small
rules:
  - id: total-is-sum
    kind: sum
    total: total
    parts: [a, b]
"""


def validate(drop: Path, suite: Path, out: Path) -> tuple[int, dict[str, object] | None]:
    code = main(["validate", str(drop), "--suite", str(suite), "--out", str(out)])
    return code, json.loads(out.read_text()) if out.exists() else None


def test_exit_0_when_every_rule_passes(
    make_drop: MakeDrop, write_suite: Callable[[str], Path], tmp_path: Path
) -> None:
    drop = make_drop(
        [
            figure("total", "10", precision="0"),
            figure("a", "4", precision="0"),
            figure("b", "6", precision="0"),
        ]
    )
    code, report = validate(drop, write_suite(SUITE), tmp_path / "r.json")
    assert code == 0
    assert report is not None and report["summary"] == {
        "pass": 1,
        "fail": 0,
        "undetermined": 0,
        "error": 0,
        "rules": 1,
    }


def test_exit_1_when_data_fails_a_rule(
    make_drop: MakeDrop, write_suite: Callable[[str], Path], tmp_path: Path
) -> None:
    drop = make_drop(
        [
            figure("total", "11", precision="0"),
            figure("a", "4", precision="0"),
            figure("b", "6", precision="0"),
        ]
    )
    code, report = validate(drop, write_suite(SUITE), tmp_path / "r.json")
    assert code == 1
    assert report is not None
    [result] = report["results"]  # type: ignore[misc]
    assert result["status"] == "fail"
    [finding] = result["findings"]
    assert finding["slug"] == "sum-mismatch"
    assert finding["figures"] == ["total", "a", "b"]
    assert (
        finding["reported"] == [11, 11] and finding["expected"] == [10, 10] and finding["gap"] == 1
    )


def test_exit_2_on_a_broken_suite(
    make_drop: MakeDrop,
    write_suite: Callable[[str], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    drop = make_drop([figure("total", "10")])
    code, report = validate(
        drop, write_suite(SUITE.replace("kind: sum", "kind: summ")), tmp_path / "r.json"
    )
    assert code == 2 and report is None
    err = capsys.readouterr().err
    assert "unknown-rule-kind" in err and "suite.yml:4" in err and "did you mean 'sum'" in err
    assert "Traceback" not in err


def test_exit_2_on_unreadable_data_names_row_and_column(
    make_drop: MakeDrop, write_suite: Callable[[str], Path], tmp_path: Path
) -> None:
    drop = make_drop([figure("total", "10"), figure("a", "2,5"), figure("b", "6")])
    code, report = validate(drop, write_suite(SUITE), tmp_path / "r.json")
    assert code == 2 and report is not None
    [error] = report["errors"]  # type: ignore[misc]
    assert error["slug"] == "ambiguous-number"
    assert error["location"]["row"] == 3 and error["location"]["column"] == "value"
    assert error["location"]["file"].endswith("figures.csv")


def test_exit_2_on_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["validate"])
    assert exc.value.code == 2


def test_exit_4_when_the_manifest_is_missing(
    make_drop: MakeDrop, write_suite: Callable[[str], Path], tmp_path: Path
) -> None:
    drop = make_drop([figure("total", "10")])
    (drop / "drop.yml").unlink()
    code, report = validate(drop, write_suite(SUITE), tmp_path / "r.json")
    assert code == 4 and report is not None
    assert report["errors"][0]["slug"] == "manifest-missing"  # type: ignore[index]


def test_exit_4_on_a_checksum_mismatch_names_the_file(
    make_drop: MakeDrop,
    write_suite: Callable[[str], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    drop = make_drop([figure("total", "10")])
    with (drop / "figures.csv").open("a") as fh:
        fh.write("late,cases,1,cases,,,2024-01-01,2024-12-31,stats,,,\n")
    code, report = validate(drop, write_suite(SUITE), tmp_path / "r.json")
    assert code == 4 and report is not None
    assert report["errors"][0]["slug"] == "checksum-mismatch"  # type: ignore[index]
    assert "figures.csv" in capsys.readouterr().out


def test_exit_3_on_an_internal_error_still_writes_the_report(
    make_drop: MakeDrop,
    write_suite: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from statcheck.engine import rules

    def boom(rule: object, ctx: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setitem(rules.IMPLEMENTATIONS, "sum", boom)
    drop = make_drop([figure("total", "10"), figure("a", "4"), figure("b", "6")])
    code, report = validate(drop, write_suite(SUITE), tmp_path / "r.json")
    assert code == 3 and report is not None
    assert report["results"][0]["error"]["internal"] is True  # type: ignore[index]


def test_seed_report_contract(tmp_path: Path) -> None:
    code, report = validate(SEED_DROP, SEED_SUITE, tmp_path / "seed.json")
    assert code == 1 and report is not None
    assert {"suite", "drop", "summary", "results"} <= set(report)
    assert report["suite"]["id"] == "kyivpost-desertion"  # type: ignore[index]
    for result in report["results"]:  # type: ignore[attr-defined]
        assert {"rule", "kind", "status", "findings"} <= set(result)
        for f in result["findings"]:
            assert {"slug", "figures", "explanation"} <= set(f)


def test_reports_are_deterministic_apart_from_the_timestamp(tmp_path: Path) -> None:
    _, first = validate(SEED_DROP, SEED_SUITE, tmp_path / "a.json")
    _, second = validate(SEED_DROP, SEED_SUITE, tmp_path / "b.json")
    assert first is not None and second is not None
    first.pop("generated_at")
    second.pop("generated_at")
    assert first == second


def test_check_suite(write_suite: Callable[[str], Path]) -> None:
    assert main(["check-suite", str(SEED_SUITE)]) == 0
    assert main(["check-suite", str(write_suite("suite: x\nrules: []\n"))]) == 2


def test_run_validates_every_suite_against_its_drops(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    code = main(["run", "--expectations", str(SEED_SUITE.parent), "--out", str(out)])
    assert code == 1
    assert (out / "kyivpost-desertion" / "2025-01-06-kyivpost-desertion.json").is_file()


def test_validate_imports_neither_great_expectations_nor_pandas(tmp_path: Path) -> None:
    """The CLI path stays fast: no GE, no pandas, no pandera on the default engine."""
    code = (
        "import sys\n"
        "from statcheck.cli import main\n"
        f"rc = main(['validate', {str(SEED_DROP)!r}, '--suite', {str(SEED_SUITE)!r}, '--out', {str(tmp_path / 'r.json')!r}])\n"
        "heavy = sorted(m for m in ('great_expectations', 'pandas', 'pandera') if m in sys.modules)\n"
        "print(rc, heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "1 []"
