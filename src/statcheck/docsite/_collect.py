"""The reports under a folder, grouped by suite, each suite's drops in order, with the
change in counts from one drop to the next."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from statcheck.errors import NO_REPORTS, ExitCode, Location
from statcheck.report import STATUSES, Report

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class DropReport:
    """One report: a suite on a drop, as read from its JSON file."""

    path: Path
    report: Report
    slug: str  # file-name-safe and unique within its suite

    @property
    def suite_id(self) -> str:
        return str(self.report.suite.get("id", "?"))

    @property
    def drop_id(self) -> str:
        return str(self.report.drop.get("id", self.path.stem))

    @property
    def published_at(self) -> str:
        return str(self.report.drop.get("published_at") or "")

    @property
    def status(self) -> str:
        """pass, fail or error, as the report's ``status`` (from its exit code)."""
        code = self.report.exit_code
        return "pass" if code is ExitCode.OK else "fail" if code is ExitCode.FAILED else "error"

    @property
    def counts(self) -> dict[str, int]:
        """Rules per status; problems that stopped the drop from being checked count as errors."""
        summary = self.report.summary
        out = {s: int(summary.get(s, 0)) for s in STATUSES}
        out["error"] += len(self.report.errors)
        return out


@dataclass(frozen=True)
class DropEntry:
    report: DropReport
    delta: dict[str, int] | None  # change in counts from the previous drop; None for the first
    previous: str | None  # the previous drop's id


@dataclass(frozen=True)
class SuiteHistory:
    suite_id: str
    slug: str
    drops: tuple[DropEntry, ...]  # oldest first

    @property
    def latest(self) -> DropEntry:
        return self.drops[-1]

    @property
    def description(self) -> str | None:
        for entry in reversed(self.drops):
            desc = entry.report.report.suite.get("description")
            if desc:
                return str(desc)
        return None


def safe_name(text: str, taken: set[str]) -> str:
    """A file name for an id from data: only [A-Za-z0-9._-], never hidden or empty, unique."""
    base = _UNSAFE.sub("-", text).strip(".-")[:80] or "item"
    name, n = base, 2
    while name.lower() in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name.lower())
    return name


def load_reports(folder: Path) -> list[tuple[Path, Report]]:
    """Every JSON report under ``folder`` (any depth), sorted by path, read as a
    :class:`~statcheck.report.Report`; files that are not reports (unreadable, not JSON,
    no ``suite``/``drop``, results a report cannot hold) are skipped."""
    if not folder.is_dir():
        raise NO_REPORTS(
            f"no reports folder at {str(folder)!r}",
            hint="run `statcheck run` (or `nox -s validate`) first, or pass --reports DIR",
        )
    found, skipped = [], []
    for path in sorted(folder.rglob("*.json")):
        report = _report_in(path)
        if report is None:
            skipped.append(path)
        else:
            found.append((path, report))
    if not found:
        others = (
            f"; {len(skipped)} JSON file(s) there are not statcheck reports, e.g. {str(skipped[0])!r}"
            if skipped
            else ""
        )
        raise NO_REPORTS(
            f"no statcheck reports (*.json) under {str(folder)!r}{others}",
            location=Location(file=str(skipped[0]) if skipped else str(folder)),
            hint="run `statcheck run` (or `nox -s validate`) first, or pass --reports DIR",
        )
    return found


def _report_in(path: Path) -> Report | None:
    """The report a JSON file holds, or None for a file that is no report this version
    reads (unreadable, not JSON, fields of the wrong kind)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not (isinstance(data, dict) and isinstance(data.get("suite"), dict) and "drop" in data):
        return None
    try:
        return Report.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def group_by_suite(reports: list[tuple[Path, Report]]) -> list[SuiteHistory]:
    by_suite: dict[str, list[tuple[Path, Report]]] = {}
    for path, report in reports:
        by_suite.setdefault(str(report.suite.get("id", "?")), []).append((path, report))
    suite_names: set[str] = {"index", "gx"}  # gx: where `statcheck docs --gx` puts the Data Docs
    out = []
    for suite_id in sorted(by_suite):
        items = sorted(
            by_suite[suite_id],
            key=lambda pr: (
                str(pr[1].drop.get("published_at") or ""),
                str(pr[1].drop.get("id") or ""),
            ),
        )
        drop_names: set[str] = {"index"}
        entries: list[DropEntry] = []
        for path, report in items:
            rep = DropReport(
                path, report, safe_name(str(report.drop.get("id", path.stem)), drop_names)
            )
            prev = entries[-1].report if entries else None
            delta = None if prev is None else {s: rep.counts[s] - prev.counts[s] for s in STATUSES}
            entries.append(DropEntry(rep, delta, prev.drop_id if prev else None))
        out.append(SuiteHistory(suite_id, safe_name(suite_id, suite_names), tuple(entries)))
    return out
