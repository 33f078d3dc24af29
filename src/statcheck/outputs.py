"""What a run shows besides its JSON reports: the lines on the terminal (with a progress
bar when someone is watching), a JUnit XML file for CI test views and a Markdown summary
for a CI job page.

Everything here reads typed reports (a stored one is read back with ``Report.from_dict``),
so a report from the cache and a report just made are shown the same way. Rule ids, figure ids and explanations are data:
they are escaped for XML and Markdown, and printed as plain text, never as markup.
"""

from __future__ import annotations

import os
import re
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from statcheck.errors import ErrorEntry, ExitCode
from statcheck.inert import inert
from statcheck.report import STATUSES, Status
from statcheck.runner import DropOutcome, RunListener, RunResult, SuiteOutcome

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID

    from statcheck.report import Finding, Report, RuleResult

__all__ = ["Echo", "junit_xml", "markdown_summary", "verdict"]

RULES_SHOWN = 3  # failing (or unchecked) rules printed per drop; reports have them all
FINDINGS_IN_JUNIT = 50  # findings per failing rule in a JUnit failure body
ENTRIES_IN_SUMMARY = 30  # failing rules and drop errors listed in the Markdown summary
DROP_CASE = "(drop)"  # the JUnit test case for a drop that could not be checked at all
SUITE_CASE = "(suite)"  # ... and for a suite that could not be loaded

_VERDICT = {
    ExitCode.OK: "pass",
    ExitCode.FAILED: "fail",
    ExitCode.CONTRACT: "error",
    ExitCode.INTERNAL: "internal error",
    ExitCode.NOT_READY: "not ready",
}


# Control characters (terminal escapes among them) never reach a terminal, XML or Markdown.


def verdict(code: ExitCode) -> str:
    """One word (or two) for an exit code: pass, fail, error, internal error, not ready."""
    return _VERDICT[code]


def _counts(report: Report) -> str:
    summary = report.summary
    parts = [f"{summary[s]} {s}" for s in STATUSES if summary[s]]
    return ", ".join(parts) if parts else "no rules run"


def _where(err: ErrorEntry) -> str:
    return ", ".join(f"{k} {v}" for k, v in err.location.to_dict().items())


def _problems(report: Report) -> Iterator[tuple[str, str, str, str | None]]:
    """(label, what, detail, culprits) for each drop-level error, then for each failing or
    broken rule with its first finding (and, in a report made with --locate, what
    localisation says of it), then for each rule that checked nothing (undetermined,
    however green the rest looks) with why."""
    for err in report.errors:
        where = _where(err)
        yield "ERROR", err.slug, err.message + (f" ({where})" if where else ""), None
    for res in report.results:
        if res.status is Status.FAIL:
            first = res.findings[0] if res.findings else None
            detail = f"{first.slug}: {first.explanation}" if first else "no finding recorded"
            if len(res.findings) > 1:
                detail += f" (+{len(res.findings) - 1} more)"
            if res.counts is not None:
                detail += f" [{res.describe()}]"
            yield "FAIL", res.rule, detail, first.culprits_text if first else None
        elif res.status is Status.ERROR:
            yield "ERROR", res.rule, f"{res.error_slug}: {res.error}", None
    for res in report.results:
        if res.status is Status.UNDETERMINED and res.counts is not None and not res.counts.checked:
            yield "UNDETERMINED", res.rule, f"{_why_nothing(res)} [{res.counts.describe()}]", None


def _why_nothing(res: RuleResult) -> str:
    """Why a rule checked nothing: its finding about the whole rule (naming no figure),
    else its first."""
    whole = [f for f in res.findings if not f.figures] or list(res.findings)
    return f"{whole[0].slug}: {whole[0].explanation}" if whole else "nothing was checked"


# ---------------------------------------------------------------- the terminal


class Echo(RunListener):
    """One line per drop (and its first few failing rules) on standard output; a progress
    bar on standard error only when it is a terminal and the CI variable is unset."""

    def __init__(self, console: Console, progress: Console | None = None) -> None:
        self.console = console  # the lines
        self._progress_console = progress  # the progress bar; None: no bar
        self._progress: Progress | None = None
        self._task: TaskID | None = None
        self._rules_done = 0
        self._rules_total = 0

    @classmethod
    def for_terminal(cls) -> Echo:
        from rich.console import Console

        console = Console(highlight=False, soft_wrap=not sys.stdout.isatty())
        watched = sys.stderr.isatty() and not os.environ.get("CI")
        return cls(console, Console(stderr=True, highlight=False) if watched else None)

    def __enter__(self) -> Echo:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    def planned(self, drops: int, rules: int) -> None:
        self._rules_total = rules
        if self._progress_console is None or drops == 0:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=20),
            MofNCompleteColumn(),
            TextColumn("drops, {task.fields[rules]} rules"),
            TimeElapsedColumn(),
            console=self._progress_console,
            transient=True,
        )
        self._task = self._progress.add_task("", total=drops, rules=f"0/{rules}")
        self._progress.start()

    def started(self, suite: str, folder: Path) -> None:
        if self._progress is not None and self._task is not None:
            from rich.markup import escape

            # A progress description is read as markup: the ids are data, made inert.
            self._progress.update(self._task, description=escape(inert(f"{suite} / {folder.name}")))

    def finished(self, outcome: DropOutcome, rules: int) -> None:
        self._rules_done += rules
        if self._progress is not None and self._task is not None:
            self._progress.update(
                self._task, advance=1, rules=f"{self._rules_done}/{self._rules_total}"
            )
        self._line(self.drop_line(outcome))
        problems = list(_problems(outcome.report))
        for label, what, detail, located in problems[:RULES_SHOWN]:
            self._line(f"    {label} {what}: {detail}")
            if located:  # --locate: the first finding's culprits, under it
                self._line(f"      ↳ {located}")
        if len(problems) > RULES_SHOWN:
            where = f": {outcome.path}" if outcome.path else ""
            self._line(f"    … and {len(problems) - RULES_SHOWN} more{where}")

    def suite_failed(self, outcome: SuiteOutcome) -> None:
        err = outcome.error
        if err is None:  # pragma: no cover - a failed suite always carries its error
            self._line(f"suite {outcome.file}: error")
            return
        line = err.location.line
        where = f"{outcome.file}:{line}" if line else str(outcome.file)
        hint = f" ({err.hint})" if err.hint else ""
        self._line(f"suite {where}: error [{err.slug}] {err.message}{hint}")

    def no_drops(self, suite: str) -> None:
        self._line(f"suite {suite}: no drops found")

    @staticmethod
    def drop_line(outcome: DropOutcome) -> str:
        """``suite X drop Y: fail (3 pass, 1 fail)``, and ``, cached`` when not redone."""
        line = f"suite {outcome.suite} drop {outcome.drop}: {verdict(outcome.exit_code)}"
        if outcome.report.results:
            line += f" ({_counts(outcome.report)})"
        return line + (", cached" if outcome.cached else "")

    def totals(self, result: RunResult, outputs: dict[str, Path]) -> None:
        drops = result.drops
        cached = sum(d.cached for d in drops)
        by_verdict: dict[str, int] = {}
        for d in drops:
            by_verdict[verdict(d.exit_code)] = by_verdict.get(verdict(d.exit_code), 0) + 1
        counts = ", ".join(f"{n} {v}" for v, n in by_verdict.items())
        self._line(
            f"{len(drops)} drop(s) in {len(result.suites)} suite(s): "
            f"{len(drops) - cached} validated, {cached} cached"
            + (f"; {counts}" if counts else "")
            + f"; exit code {int(result.exit_code)}"
        )
        self._line("  ".join(f"{name}: {path}" for name, path in outputs.items()))

    def _line(self, text: str) -> None:
        from rich.text import Text

        # A Text is never read as markup; on a terminal, wrapped within its width.
        line = Text(fit_terminal(self.console, inert(text)))
        if self._progress is not None and self.console.is_terminal:
            # Both on the terminal: through the bar's console, so lines scroll above it.
            self._progress.console.print(line)
        else:
            self.console.print(line)


def fit_terminal(console: Console, text: str) -> str:
    """On a terminal, ``text`` wrapped within its width, each further line indented under
    the first one's words (a hanging indent); elsewhere (a log, CI) one line, as it is.
    Words break only where one is wider than the terminal."""
    if not console.is_terminal:
        return text
    lead = len(text) - len(text.lstrip(" "))
    label = re.match(r"\S+ +", text[lead:])  # FAIL, PASS (padded), a slug: what hangs under it
    hang = lead + (label.end() if label and label.end() < 24 else 2)
    width = max(console.width, hang + 20)
    return "\n".join(
        textwrap.wrap(
            text,
            width=width,
            initial_indent="",
            subsequent_indent=" " * hang,
            break_on_hyphens=False,
            drop_whitespace=True,
        )
        or [text]
    )


# ---------------------------------------------------------------- JUnit XML

# Characters XML 1.0 cannot carry at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(value: object) -> str:
    """Text for an XML attribute or element: ElementTree escapes &, <, > and quotes; what
    XML cannot hold at all is replaced."""
    return _NOT_XML.sub("\ufffd", inert(value, keep_lines=True))


def junit_xml(result: RunResult) -> str:
    """One test suite per suite and drop, one test case per rule: a failing rule is a
    failure carrying its findings' explanations, a rule in error an error, an undetermined
    rule skipped; what each rule checked is its ``system-out``. A drop that could not be
    checked (not ready, unreadable) is one test case ``(drop)`` in error, and a suite that
    could not be loaded one test case ``(suite)``."""
    root = ET.Element("testsuites", name="statcheck")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in result.suites:
        if suite.error is not None:
            ts = _testsuite(root, str(suite.file))
            case = ET.SubElement(ts, "testcase", classname=_x(suite.file), name=SUITE_CASE)
            _problem(case, "error", suite.error)
            _count(ts, totals)
        for drop in suite.drops:
            ts = _testsuite(root, f"{drop.suite}/{drop.drop}")
            classname = _x(f"{drop.suite}.{drop.drop}")
            for err in drop.report.errors:
                case = ET.SubElement(ts, "testcase", classname=classname, name=DROP_CASE)
                _problem(case, "error", err)
            for res in drop.report.results:
                case = ET.SubElement(ts, "testcase", classname=classname, name=_x(res.rule))
                _rule_outcome(case, res)
            _count(ts, totals)
    for k, v in totals.items():
        root.set(k, str(v))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _testsuite(root: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(root, "testsuite", name=_x(name))


def _count(ts: ET.Element, totals: dict[str, int]) -> None:
    cases = ts.findall("testcase")
    counts = {
        "tests": len(cases),
        "failures": sum(c.find("failure") is not None for c in cases),
        "errors": sum(c.find("error") is not None for c in cases),
        "skipped": sum(c.find("skipped") is not None for c in cases),
    }
    for k, v in counts.items():
        ts.set(k, str(v))
        totals[k] += v


def _problem(case: ET.Element, tag: str, err: ErrorEntry) -> None:
    where = _where(err)
    el = ET.SubElement(case, tag, message=_x(err.message), type=_x(err.slug))
    lines = [f"[{err.slug}] {err.message}"]
    if where:
        lines.append(f"at {where}")
    if err.hint:
        lines.append(err.hint)
    el.text = _x("\n".join(lines))


def _junit_line(f: Finding) -> str:
    """A finding in a failure's body, with its culprits under it (--locate)."""
    located = f.culprits_text
    return f"{f.slug}: {f.explanation}" + (f"\n  ↳ {located}" if located else "")


def _rule_outcome(case: ET.Element, res: RuleResult) -> None:
    findings = res.findings
    counts = res.describe()  # None for a rule in error
    if res.status is Status.FAIL:
        first = findings[0] if findings else None
        el = ET.SubElement(
            case,
            "failure",
            message=_x(first.explanation if first else ""),
            type=_x(first.slug if first else None),
        )
        body = [_junit_line(f) for f in findings[:FINDINGS_IN_JUNIT]]
        if len(findings) > FINDINGS_IN_JUNIT:
            body.append(f"… and {len(findings) - FINDINGS_IN_JUNIT} more in the JSON report")
        el.text = _x("\n".join(body))
    elif res.status is Status.UNDETERMINED:  # inputs missing: not a failure, not a pass
        why = f": {findings[0].explanation}" if findings else ""
        counted = f" ({counts})" if counts else ""
        ET.SubElement(case, "skipped", message=_x(f"undetermined{counted}{why}"))
    elif res.status is Status.ERROR:
        el = ET.SubElement(case, "error", message=_x(res.error), type=_x(res.error_slug))
        el.text = _x(f"[{res.error_slug}] {res.error}")
    # What the rule checked, whatever its outcome; JUnit's schema puts system-out last.
    if counts is not None:
        ET.SubElement(case, "system-out").text = _x(counts)


# ---------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")


def _md(value: object) -> str:
    """Plain text for Markdown (a table cell or a list item): markup characters and HTML
    are escaped, line breaks become spaces."""
    text = inert(" ".join(str(value).split()))
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def markdown_summary(result: RunResult) -> str:
    """A short summary for a CI job page: the verdict, a table of counts per suite and
    drop, and the first failing rules with their first finding."""
    drops = result.drops
    cached = sum(d.cached for d in drops)
    code = result.exit_code
    lines = [
        f"## statcheck: {verdict(code)} (exit code {int(code)})",
        "",
        f"{len(drops)} drop(s) in {len(result.suites)} suite(s); "
        f"{len(drops) - cached} validated, {cached} unchanged since the last run (cached).",
        "",
    ]
    if drops or any(s.error for s in result.suites):
        lines += [
            "| suite | drop | result | pass | fail | undetermined | error |",
            "|---|---|---|--:|--:|--:|--:|",
        ]
    entries: list[str] = []
    for suite in result.suites:
        if suite.error is not None:
            lines.append(f"| {_md(suite.file)} | | suite error | | | | |")
            entries.append(
                f"- {_md(suite.file)}: [{_md(suite.error.slug)}] {_md(suite.error.message)}"
            )
        for d in suite.drops:
            s = d.report.summary
            counts = " | ".join(str(s[k]) for k in STATUSES)
            result_text = verdict(d.exit_code) + (" (cached)" if d.cached else "")
            lines.append(f"| {_md(d.suite)} | {_md(d.drop)} | {result_text} | {counts} |")
            entries += [
                f"- {_md(d.suite)} / {_md(d.drop)}: {label} **{_md(what)}**: {_md(detail)}"
                + (f"<br>↳ {_md(located)}" if located else "")
                for label, what, detail, located in _problems(d.report)
            ]
    if entries:
        lines += ["", "### Failing rules, errors and rules that checked nothing", ""]
        lines += entries[:ENTRIES_IN_SUMMARY]
        if len(entries) > ENTRIES_IN_SUMMARY:
            lines.append(f"- … and {len(entries) - ENTRIES_IN_SUMMARY} more: see the JSON reports")
    return "\n".join(lines) + "\n"
