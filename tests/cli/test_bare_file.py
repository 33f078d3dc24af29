"""`statcheck validate FILE --suite S` on a bare figures file, as `statcheck.validate` takes
one: the same verdicts as the drop that holds the file (not `drop-missing`, exit 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from statcheck.cli import main
from tests.conftest import SEED_DROP, SEED_SUITE


def _verdicts(report: Path) -> dict[str, str]:
    return {r["rule"]: r["status"] for r in json.loads(report.read_text())["results"]}


def test_a_bare_figures_file_with_its_sources_gets_the_drops_verdicts(tmp_path: Path) -> None:
    as_drop, as_file = tmp_path / "drop.json", tmp_path / "file.json"
    assert main(["validate", str(SEED_DROP), "-s", str(SEED_SUITE), "-o", str(as_drop)]) == 1
    code = main(
        [
            "validate", str(SEED_DROP / "figures.csv"), "--sources", str(SEED_DROP / "sources.csv"),
            "-s", str(SEED_SUITE), "-o", str(as_file),
        ]
    )  # fmt: skip
    assert code == 1
    assert _verdicts(as_file) == _verdicts(as_drop)
    assert json.loads(as_file.read_text())["errors"] == []


def test_without_its_sources_a_bare_file_fails_only_on_the_unknown_sources(
    tmp_path: Path,
) -> None:
    as_drop, as_file = tmp_path / "drop.json", tmp_path / "file.json"
    main(["validate", str(SEED_DROP), "-s", str(SEED_SUITE), "-o", str(as_drop)])
    main(["validate", str(SEED_DROP / "figures.csv"), "-s", str(SEED_SUITE), "-o", str(as_file)])
    changed = {
        rule: status
        for rule, status in _verdicts(as_file).items()
        if _verdicts(as_drop)[rule] != status
    }
    findings = {
        f["slug"]
        for r in json.loads(as_file.read_text())["results"]
        if r["rule"] in changed
        for f in r["findings"]
    }
    assert set(changed.values()) == {"fail"}
    assert "unknown-source" in findings


@pytest.mark.parametrize(
    ("extra", "says"),
    [
        (["--earlier", str(SEED_DROP)], "--earlier compares drops"),
        (["--sources", str(SEED_DROP / "sources.csv")], "--sources goes with a bare figures file"),
    ],
)
def test_options_that_do_not_fit_the_input_are_usage_errors(
    extra: list[str], says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = SEED_DROP / "figures.csv" if extra[0] == "--earlier" else SEED_DROP
    with pytest.raises(SystemExit) as exit_:
        main(
            ["validate", str(target), "-s", str(SEED_SUITE), "-o", str(tmp_path / "r.json"), *extra]
        )
    assert exit_.value.code == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()
