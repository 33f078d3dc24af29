"""Guarantee: reports are written atomically. `statcheck validate` is killed (SIGKILL) at
random moments of its life, over and over, writing to the same report path; every time,
the file there is the previous complete report or the new complete one, never a part.

The report on one drop and the report on another take turns at the path, so "previous"
and "new" differ in every run. The kill times are seeded: spread over the process's
measured lifetime, and packed near its end, where the report is written."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest

from statcheck.report import STALE_TEMP_SECONDS, write_atomic
from tests.conftest import REPO
from tests.guarantees.conftest import statcheck

SUITE = REPO / "expectations" / "jhu-covid-worldwide.yml"
DROPS = [
    REPO / "fixtures" / "drops" / "jhu-covid-worldwide-2021-04-01",
    REPO / "fixtures" / "drops" / "jhu-covid-worldwide-2021-03-01",
]
RUNS = 24

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _validate(drop: Path, out: Path, seed: str = "0") -> subprocess.Popen[bytes]:
    return statcheck("validate", str(drop), "--suite", str(SUITE), "--out", str(out), seed=seed)


def _content(text: bytes) -> bytes:
    """The report apart from its timestamp (and complete: it parses)."""
    json.loads(text)
    return re.sub(rb'("generated_at": )"[^"]*"', rb'\1"-"', text)


def _temps(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.*.tmp"))


def test_a_killed_validate_leaves_the_old_report_or_the_new_one(tmp_path: Path) -> None:
    # The complete report of each drop, and how long a run lives.
    expected: list[bytes] = []
    lifetime = 0.0
    for i, drop in enumerate(DROPS):
        started = time.monotonic()
        proc = _validate(drop, tmp_path / f"reference-{i}.json")
        _, err = proc.communicate(timeout=120)
        lifetime = max(lifetime, time.monotonic() - started)
        assert proc.returncode in (0, 1), err
        expected.append(_content((tmp_path / f"reference-{i}.json").read_bytes()))
    assert expected[0] != expected[1]

    out = tmp_path / "reports" / "report.json"
    out.parent.mkdir()
    out.write_bytes((tmp_path / "reference-1.json").read_bytes())
    rng = random.Random(20250106)
    # Kill times closing in on the moment of the write: the latest delay that still left
    # the previous report and the earliest that found the new one bracket it.
    before, after = 0.0, 1.3 * lifetime
    outcomes = {"killed, previous": 0, "killed, new": 0, "finished": 0}
    for run in range(RUNS):
        previous = out.read_bytes()
        which = run % 2  # drop 0, then drop 1, ...: the new report differs from the previous
        # Now and then anywhere in the run; else between the bracket's ends.
        anywhere = run % 4 == 0
        delay = rng.uniform(0, lifetime) if anywhere else rng.uniform(0.9 * before, 1.1 * after)
        proc = _validate(DROPS[which], out, seed=str(run))
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=120)
        now = out.read_bytes()
        assert now == previous or _content(now) == expected[which], f"run {run}: torn report"
        if now == previous:
            outcomes["killed, previous"] += 1
            before = max(before, delay)
        else:
            killed = proc.returncode == -signal.SIGKILL
            outcomes["killed, new" if killed else "finished"] += 1
            after = min(after, delay)
        before = min(before, after)
    # Kills landed both before the new report was in place and after.
    assert outcomes["killed, previous"] > 0, outcomes
    assert outcomes["killed, new"] + outcomes["finished"] > 0, outcomes

    # Temporary files a killed writer left (if any) do not disturb the next run; once
    # stale, the next write removes them.
    stray = _temps(out.parent, out.name)
    decoy = out.parent / f".{out.name}.notours.tmp"  # not a name write_atomic makes
    decoy.write_text("x")
    old = time.time() - 2 * STALE_TEMP_SECONDS
    for path in [*stray, decoy]:
        os.utime(path, (old, old))
    proc = _validate(DROPS[0], out)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode in (0, 1), err
    assert _content(out.read_bytes()) == expected[0]
    assert _temps(out.parent, out.name) == [decoy]


def test_only_stale_temporary_files_of_the_same_report_are_removed(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    old = time.time() - 2 * STALE_TEMP_SECONDS
    stale = tmp_path / ".r.json.abcd_123.tmp"
    fresh = tmp_path / ".r.json.efgh_456.tmp"  # a writer at work right now
    other = tmp_path / ".s.json.abcd_123.tmp"  # another report's
    decoy = tmp_path / ".r.json.backup.tmp"  # not a name write_atomic makes
    for path in (stale, fresh, other, decoy):
        path.write_text("part")
    for path in (stale, other, decoy):
        os.utime(path, (old, old))
    write_atomic(target, "{}\n")
    assert target.read_text() == "{}\n"
    assert not stale.exists()
    assert fresh.exists() and other.exists() and decoy.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_asked_for_as_the_output_is_written_into_never_replaced(tmp_path: Path) -> None:
    # As `--out /dev/stdout` is: a report moved over it would replace the device's node.
    pipe = tmp_path / "report.pipe"
    os.mkfifo(pipe)
    read: list[bytes] = []
    reader = threading.Thread(target=lambda: read.append(pipe.read_bytes()))
    reader.start()
    write_atomic(pipe, '{"report": 1}\n')
    reader.join(timeout=10)
    assert read == [b'{"report": 1}\n']
    assert pipe.is_fifo()
    assert _temps(tmp_path, pipe.name) == []
