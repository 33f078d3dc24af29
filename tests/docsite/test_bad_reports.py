"""`statcheck docs` on JSON files that look like reports but are not: skipped, or, when
nothing else is there, the documented no-reports error naming one of them (exit 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from statcheck.cli import main

ROOT = Path(__file__).resolve().parents[2]
BAD = [
    {"suite": {"id": 5}, "drop": "x", "results": [{"rule": None, "findings": "oops"}]},
    {
        "suite": {"id": "s"},
        "drop": {"id": "d"},
        "results": [{"rule": "r", "kind": "sum", "status": "weird"}],
    },
    {
        "suite": {"id": "s"},
        "drop": {"id": "e"},
        "results": [
            {
                "rule": "r",
                "kind": "sum",
                "status": "fail",
                "findings": [{"slug": "x", "reported": ["a", 2]}],
            }
        ],
    },
    [1, 2, 3],
    {"suite": {"id": "s"}, "drop": {"id": "f"}, "errors": [{"exit_code": "four"}]},
]


def write_bad(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(BAD):
        (folder / f"bad{i}.json").write_text(json.dumps(data), encoding="utf-8")


def test_only_malformed_reports_is_no_reports_naming_one(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    write_bad(tmp_path / "reports" / "s")
    assert (
        main(["docs", "--reports", str(tmp_path / "reports"), "--out", str(tmp_path / "site")]) == 2
    )
    err = capsys.readouterr().err
    assert "no-reports" in err and "5 JSON file(s)" in err and "Traceback" not in err


def test_malformed_reports_beside_real_ones_are_skipped(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    assert main(["validate", str(ROOT / "fixtures/drops/2025-01-06-kyivpost-desertion"),
                 "--suite", str(ROOT / "expectations/kyivpost-desertion.yml"),
                 "--out", str(reports / "kyivpost-desertion" / "seed.json")]) == 1  # fmt: skip
    write_bad(reports / "kyivpost-desertion")
    assert main(["docs", "--reports", str(reports), "--out", str(tmp_path / "site")]) == 0
    assert (tmp_path / "site" / "index.html").is_file()
    shutil.rmtree(tmp_path / "site")
