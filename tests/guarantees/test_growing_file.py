"""The bytes checked are the bytes hashed: a figures file appended to while its drop is
validated is `checksum-mismatch` (not ready), never a report stating the old checksum
over findings from the new rows."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import statcheck
from tests.guarantees._drops import many_figures_drop

ROWS = 100_000

SUITE_TEXT = "suite: growing\nrules:\n  - {id: ordered, kind: period, checks: [ordered]}\n"
# A figure whose period ends before it starts: appended, it would fail the rule.
APPENDED = b"late,cases,5,cases,2024-12-31/2024-01-01,stats\n"


@pytest.mark.parametrize("engine", ["polars", "pandas"])
def test_a_file_growing_during_validation_is_never_reported_under_its_old_checksum(
    tmp_path: Path, engine: str
) -> None:
    suite_file = tmp_path / "suite.yml"
    suite_file.write_text(SUITE_TEXT)
    suite = statcheck.load_suite(suite_file)
    outcomes = set()
    for trial in range(12):
        drop, sha = many_figures_drop(tmp_path / f"d{trial}", ROWS)

        def append(delay: float = trial * 0.02, path: Path = drop / "figures.csv") -> None:
            time.sleep(delay)
            with path.open("ab") as fh:
                fh.write(APPENDED)

        writer = threading.Thread(target=append)
        writer.start()
        report = statcheck.validate(drop, suite, engine=engine)
        writer.join()
        if report.errors:
            [error] = report.errors
            assert (error.slug, int(error.exit_code)) == ("checksum-mismatch", 4), error
            outcomes.add("not ready")
            continue
        # A report: it states the old checksum, so it must hold only the old rows.
        assert report.drop["files"] == {"figures.csv": sha}
        assert report.rows is not None and report.rows.read == ROWS
        assert report.result("ordered").findings == ()
        outcomes.add("report")
    assert "not ready" in outcomes  # the race was met at least once
