"""The reports under a folder, grouped by suite, each suite's drops in order, with the
change in counts from one drop to the next."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statcheck.errors import NO_REPORTS

STATUSES = ("pass", "fail", "undetermined", "error")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class DropReport:
    """One report: a suite on a drop, as read from its JSON file."""

    path: Path
    data: dict[str, Any]
    slug: str  # file-name-safe and unique within its suite

    @property
    def suite_id(self) -> str:
        return str(self.data.get("suite", {}).get("id", "?"))

    @property
    def drop_id(self) -> str:
        return str(self.data.get("drop", {}).get("id", self.path.stem))

    @property
    def published_at(self) -> str:
        return str(self.data.get("drop", {}).get("published_at") or "")

    @property
    def status(self) -> str:
        return str(self.data.get("status", "error"))

    @property
    def counts(self) -> dict[str, int]:
        """Rules per status; problems that stopped the drop from being checked count as errors."""
        summary = self.data.get("summary") or {}
        out = {s: int(summary.get(s, 0)) for s in STATUSES}
        out["error"] += len(self.data.get("errors") or ())
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
            desc = entry.report.data.get("suite", {}).get("description")
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


def load_reports(folder: Path) -> list[tuple[Path, dict[str, Any]]]:
    """Every JSON report under ``folder`` (any depth), sorted by path; files that are not
    reports (unreadable, not JSON, no ``suite``/``drop``) are skipped."""
    if not folder.is_dir():
        raise NO_REPORTS(
            f"no reports folder at {str(folder)!r}",
            hint="run `statcheck run` (or `nox -s validate`) first, or pass --reports DIR",
        )
    found = []
    for path in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(data, dict) and isinstance(data.get("suite"), dict) and "drop" in data:
            found.append((path, data))
    if not found:
        raise NO_REPORTS(
            f"no statcheck reports (*.json) under {str(folder)!r}",
            hint="run `statcheck run` (or `nox -s validate`) first, or pass --reports DIR",
        )
    return found


def group_by_suite(reports: list[tuple[Path, dict[str, Any]]]) -> list[SuiteHistory]:
    by_suite: dict[str, list[tuple[Path, dict[str, Any]]]] = {}
    for path, data in reports:
        by_suite.setdefault(str(data["suite"].get("id", "?")), []).append((path, data))
    suite_names: set[str] = {"index"}
    out = []
    for suite_id in sorted(by_suite):
        items = sorted(
            by_suite[suite_id],
            key=lambda pd: (
                str(pd[1].get("drop", {}).get("published_at") or ""),
                str(pd[1].get("drop", {}).get("id") or ""),
            ),
        )
        drop_names: set[str] = {"index"}
        entries: list[DropEntry] = []
        for path, data in items:
            rep = DropReport(
                path, data, safe_name(str(data.get("drop", {}).get("id", path.stem)), drop_names)
            )
            prev = entries[-1].report if entries else None
            delta = None if prev is None else {s: rep.counts[s] - prev.counts[s] for s in STATUSES}
            entries.append(DropEntry(rep, delta, prev.drop_id if prev else None))
        out.append(SuiteHistory(suite_id, safe_name(suite_id, suite_names), tuple(entries)))
    return out
