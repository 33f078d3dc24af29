"""Results as data: findings, rule results and the report that serializes to JSON.

The JSON form is a contract for pipelines. Stable fields (more may be added):
``suite``, ``drop``, ``summary`` (counts per status), ``results`` (one entry per rule:
``rule``, ``kind``, ``status``, ``counts``, ``findings``), and per finding ``slug``,
``figures``, ``explanation`` and, where numeric, ``reported`` / ``expected`` as
``[low, high]`` and ``gap``. Only ``generated_at`` changes between runs on the same inputs.
Numbers a rule computes (``expected``, ``gap``, ``tolerance``) carry at most 14
significant digits (``COMPUTED_DIGITS``), so every engine writes the same bytes.

``counts`` (:class:`Counts`), on every result but one in error: ``items`` the rule looked
at, ``checked``, ``passed``, ``failed`` and ``skipped`` (items not checked, by reason:
``contract.rules.base.SKIP_REASONS``); ``items == checked + sum(skipped)`` and
``checked == passed + failed`` always.

``summary``, on the result of a rule that sums up what its items measured (an
``agreement``: how far apart its two sides are): a mapping of names to numbers, or to a
mapping of names to counts; absent on every other result.

Optional: ``cache_key``, written by ``statcheck run`` (see ``statcheck.runner``): the
SHA-256 of the inputs the report was made from, so a run can skip a drop already checked.
``rows`` (:class:`RowCount`), in a report on a drop whose figures file could be read: where
every row and value cell of that file went; ``cells == figures + not_figures`` always.
``localisation`` (:class:`LocalisationSummary`) and, per finding of a failing rule,
``culprits`` (:class:`Culprits`), only in a report made with ``--locate`` (``validate(...,
locate=True)``): which figures are most likely wrong (docs/locate.md, "Reporting").

Reports are written atomically (:func:`write_atomic`): a reader, or a process killed while
writing, leaves the previous complete report or the new complete one, never a part.
"""

from __future__ import annotations

import json
import math
import os
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, cast

from statcheck.collector import collector_paused
from statcheck.errors import (
    UNSUPPORTED_INPUT,
    UNWRITABLE_OUTPUT,
    VALIDATION_FAILED,
    ErrorEntry,
    ExitCode,
    Location,
    StatcheckError,
)
from statcheck.model.interval import Interval

REPORT_FORMAT = 1


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNDETERMINED = "undetermined"  # inputs missing: never counted as a pass
    ERROR = "error"  # the rule could not be evaluated


# The statuses by name, in the order reports count them, and worst first (how the site
# and the CI summary rank them).
STATUSES = tuple(s.value for s in Status)
WORST_FIRST = (Status.ERROR, Status.FAIL, Status.UNDETERMINED, Status.PASS)


@dataclass(frozen=True)
class CulpritFigure:
    """A figure of a smallest set (as ``statcheck locate --json`` writes it): its reported
    value, the range of values that lets every relation it is in hold (None: unbounded
    that way) and the rules of those relations, one entry per relation."""

    figure: str
    reported: float
    low: float | None
    high: float | None
    rules: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "figure": self.figure,
            "reported": self.reported,
            "low": self.low,
            "high": self.high,
            "rules": list(self.rules),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CulpritFigure:
        low, high = data.get("low"), data.get("high")
        return cls(
            figure=str(data["figure"]),
            reported=float(data["reported"]),
            low=None if low is None else float(low),
            high=None if high is None else float(high),
            rules=tuple(str(r) for r in data.get("rules") or ()),
        )


@dataclass(frozen=True)
class CulpritSet:
    """Figures that, changed together, let every rule of their component hold; ``weight``
    is what doubting them costs (ties have the same)."""

    figures: tuple[CulpritFigure, ...]
    weight: float

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(f.figure for f in self.figures)

    def to_dict(self) -> dict[str, Any]:
        return {"weight": self.weight, "figures": [f.to_dict() for f in self.figures]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CulpritSet:
        figures = tuple(CulpritFigure.from_dict(f) for f in data.get("figures") or ())
        return cls(figures, float(data.get("weight", 0.0)))


@dataclass(frozen=True)
class Culprits:
    """Where localisation puts one failing finding: its component (the figures linked to
    its figures by shared rules) with the smallest sets of figures that, changed, let
    every linear rule there hold (``most_likely`` the first found, ``alternatives`` as
    likely), and the sentence people read; or, with no component, why (``note``)."""

    component: int | None
    most_likely: CulpritSet | None = None  # None: no component, or its rules contradict
    alternatives: tuple[CulpritSet, ...] = ()
    more_alternatives: bool = False  # the bound on alternatives was reached
    sentence: str | None = None  # "most likely wrong: X; changing it to ..."
    note: str | None = None  # why there is no component

    @property
    def text(self) -> str:
        """The sentence, or the note: what the terminal and the site print."""
        return self.sentence or self.note or ""

    @property
    def suspects(self) -> tuple[str, ...]:
        """The figures of the most likely set."""
        return self.most_likely.ids if self.most_likely is not None else ()

    @property
    def also_suspected(self) -> tuple[str, ...]:
        """The figures of the alternatives that are not in the most likely set."""
        seen = set(self.suspects)
        ids = (i for s in self.alternatives for i in s.ids if i not in seen)
        return tuple(dict.fromkeys(ids))

    def to_dict(self) -> dict[str, Any]:
        return {
            "component": self.component,
            "most_likely": self.most_likely.to_dict() if self.most_likely is not None else None,
            "alternatives": [s.to_dict() for s in self.alternatives],
            "more_alternatives": self.more_alternatives,
            "sentence": self.sentence,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Culprits:
        best = data.get("most_likely")
        component = data.get("component")
        return cls(
            component=None if component is None else int(component),
            most_likely=CulpritSet.from_dict(best) if best else None,
            alternatives=tuple(CulpritSet.from_dict(s) for s in data.get("alternatives") or ()),
            more_alternatives=bool(data.get("more_alternatives", False)),
            sentence=data.get("sentence"),
            note=data.get("note"),
        )


@dataclass(frozen=True)
class LocalisationSummary:
    """What a ``--locate`` report adds besides each finding's culprits: the weights the
    figures were doubted with, how many components were solved, and the rules left out
    of the problem with the reason (a ratio of two unknowns is not linear)."""

    weights: dict[str, Any]
    components: int
    left_out: tuple[tuple[str, str, str], ...] = ()  # (rule id, kind, reason)

    def to_dict(self) -> dict[str, Any]:
        return {
            "weights": self.weights,
            "components": self.components,
            "left_out": [{"rule": r, "kind": k, "reason": why} for r, k, why in self.left_out],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LocalisationSummary:
        return cls(
            weights=dict(data.get("weights") or {}),
            components=int(data.get("components", 0)),
            left_out=tuple(
                (str(e["rule"]), str(e["kind"]), str(e["reason"]))
                for e in data.get("left_out") or ()
            ),
        )


@dataclass(frozen=True)
class Finding:
    """One thing a rule found, explained in one plain sentence."""

    slug: str
    figures: tuple[str, ...]
    explanation: str
    reported: Interval | None = None
    expected: Interval | None = None
    gap: float | None = None
    tolerance: float | None = None
    details: tuple[tuple[str, Any], ...] = ()
    culprits: Culprits | None = None  # with --locate, on a failing rule's finding

    def __init__(
        self,
        slug: str,
        figures: tuple[str, ...],
        explanation: str,
        reported: Interval | None = None,
        expected: Interval | None = None,
        gap: float | None = None,
        tolerance: float | None = None,
        details: tuple[tuple[str, Any], ...] = (),
        culprits: Culprits | None = None,
    ) -> None:
        # Written out: a large table gives tens of thousands of findings, and the
        # generated __init__ of a frozen dataclass sets each field through
        # object.__setattr__, three times slower than filling the instance's dict at once.
        self.__dict__.update(
            slug=slug, figures=figures, explanation=explanation, reported=reported,
            expected=_settled_interval(expected), gap=_settled_gap(gap, reported, expected),
            tolerance=_settled(tolerance), details=details, culprits=culprits,
        )  # fmt: skip

    @property
    def culprits_text(self) -> str | None:
        """What localisation says of this finding, for people: the culprits' sentence, or
        on a numeric finding why it has none (a period mismatch: no value is to blame).
        None without localisation, or for a finding that compares no values (a citation)."""
        c = self.culprits
        if c is None:
            return None
        if c.sentence:
            return c.sentence
        numeric = self.reported is not None or self.expected is not None
        return f"no culprit: {c.note}" if c.note and numeric else None

    def with_culprits(self, culprits: Culprits | None) -> Finding:
        """This finding with its culprits, as a plain finding (``dataclasses.replace``
        cannot remake a finding whose sentence the engine makes when first read)."""
        return Finding(
            self.slug, self.figures, self.explanation, self.reported, self.expected,
            self.gap, self.tolerance, self.details, culprits,
        )  # fmt: skip

    def json_line(self) -> str:
        """The finding's data (``to_dict``) as one line of the report's JSON."""
        return _ONE_LINE(self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "slug": self.slug,
            "figures": list(self.figures),
            "explanation": self.explanation,
        }
        if self.reported is not None:
            out["reported"] = self.reported.to_list()
        if self.expected is not None:
            out["expected"] = self.expected.to_list()
        if self.gap is not None:
            out["gap"] = _json_number(self.gap)
        if self.tolerance is not None:
            out["tolerance"] = _json_number(self.tolerance)
        if self.details:
            out["details"] = dict(self.details)
        if self.culprits is not None:
            out["culprits"] = self.culprits.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(
            slug=str(data["slug"]),
            figures=tuple(data.get("figures") or ()),
            explanation=str(data.get("explanation", "")),
            reported=_interval(data.get("reported")),
            expected=_interval(data.get("expected")),
            gap=_number(data, "gap"),
            tolerance=_number(data, "tolerance"),
            details=tuple((data.get("details") or {}).items()),
            culprits=Culprits.from_dict(data["culprits"]) if data.get("culprits") else None,
        )


@dataclass(frozen=True)
class Counts:
    """What one rule looked at, as R validate's confrontation summary counts it.

    An item is what the kind checks one at a time (declared per kind as ``ITEM``: a
    share row, a total's group, a figure). ``checked == passed + failed``; items the
    rule could not check are ``skipped``, by reason (``missing-part``, ``missing-whole``,
    ``duplicate``..., declared in ``contract.rules.base.SKIP_REASONS``), never dropped in
    silence.
    """

    checked: int = 0
    passed: int = 0
    failed: int = 0
    skipped: tuple[tuple[str, int], ...] = ()  # (reason slug, items), reasons with items only

    @classmethod
    def of(cls, checked: int, failed: int, skipped: dict[str, int] | None = None) -> Counts:
        kept = tuple(sorted((k, int(n)) for k, n in (skipped or {}).items() if n))
        return cls(int(checked), int(checked) - int(failed), int(failed), kept)

    @property
    def items(self) -> int:
        return self.checked + sum(n for _, n in self.skipped)

    def to_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "checked": self.checked,
            "passed": self.passed,
            "failed": self.failed,
            "skipped": dict(self.skipped),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Counts:
        return cls(
            checked=int(data["checked"]),
            passed=int(data["passed"]),
            failed=int(data["failed"]),
            skipped=tuple(sorted((str(k), int(v)) for k, v in (data.get("skipped") or {}).items())),
        )

    def describe(self) -> str:
        """One line for people: ``checked 9,874 · failed 12 · skipped 874 (missing part
        800, missing whole 74)`` (no ``failed`` when nothing was checked)."""
        parts = [f"checked {self.checked:,}"]
        if self.checked:
            parts.append(f"failed {self.failed:,}")
        if self.skipped:
            reasons = ", ".join(f"{k.replace('-', ' ')} {n:,}" for k, n in self.skipped)
            parts.append(f"skipped {self.items - self.checked:,} ({reasons})")
        return " · ".join(parts)


@dataclass(frozen=True)
class RuleResult:
    rule: str
    kind: str
    status: Status
    findings: tuple[Finding, ...] = ()
    description: str | None = None
    error: str | None = None  # for status ERROR: what could not be evaluated and why
    error_slug: str | None = None
    internal: bool = False  # the error is a statcheck bug, not a problem with the input
    counts: Counts | None = None  # None only for a rule in error
    # What the items measured, for kinds that say (agreement: the differences between its
    # sides): (name, number or {name: count}) pairs, in the order the JSON writes them.
    summary: tuple[tuple[str, Any], ...] = ()

    def describe(self) -> str | None:
        """One line for people: the counts, then the summary (``checked 117 · failed 1 ·
        difference: mean 0.1, largest 12 (0.17%) · higher: reported 1, by_type 0``)."""
        if self.counts is None:
            return None
        return " · ".join([self.counts.describe(), *_summary_lines(dict(self.summary))])

    def to_dict(self) -> dict[str, Any]:
        return self._as_dict(lambda f: f.to_dict())

    def _as_dict(self, finding: Callable[[Finding], Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"rule": self.rule, "kind": self.kind, "status": self.status.value}
        if self.description:
            out["description"] = self.description
        if self.counts is not None:
            out["counts"] = self.counts.to_dict()
        if self.summary:
            out["summary"] = dict(self.summary)
        out["findings"] = list(map(finding, self.findings))
        if self.error is not None:
            out["error"] = {
                "slug": self.error_slug,
                "message": self.error,
                "internal": self.internal,
            }
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RuleResult:
        error = data.get("error") or {}
        return cls(
            rule=str(data["rule"]),
            kind=str(data["kind"]),
            status=Status(data["status"]),
            findings=tuple(Finding.from_dict(f) for f in data.get("findings") or ()),
            description=data.get("description"),
            error=error.get("message"),
            error_slug=error.get("slug"),
            internal=bool(error.get("internal", False)),
            counts=Counts.from_dict(data["counts"]) if data.get("counts") else None,
            summary=tuple((data.get("summary") or {}).items()),
        )


def _summary_lines(summary: dict[str, Any]) -> list[str]:
    """An agreement's summary as the terminal shows it: the differences and who is higher."""
    if summary.get("max_abs_difference") is None:  # no kind's summary, or nothing checked
        return []
    largest = summary["max_abs_difference"]
    rel = summary["max_rel_difference"]
    lines = [
        f"difference: mean {_short(summary['mean_abs_difference'])}, largest {_short(largest)}"
        f" ({_short(rel * 100)}%)"
    ]
    higher = summary.get("higher") or {}
    if higher:
        lines.append("higher: " + ", ".join(f"{k} {n:,}" for k, n in higher.items()))
    return lines


def _short(x: float) -> str:
    """Four significant digits, and whole numbers from 1,000 up (``0.1728``, ``6,945``)."""
    return f"{x:,.0f}" if 1000 <= abs(x) < 1e15 else f"{x:.4g}"


@dataclass(frozen=True)
class RowCount:
    """Where the rows of a drop's figures file went: none vanish.

    ``read`` data rows (the header and any title lines above it not counted) hold ``cells``
    value cells: one per row, or, for a publisher's wide table melted by a ``table:``
    mapping, one per row and series. Each cell is a figure in the table the rules run on,
    or is no figure for a reason in ``reasons`` (``empty-cell``: an empty cell in a
    publisher's table). ``duplicates`` counts the figures that share metric, source,
    period and dimensions with another: rules that reach them report them
    (``duplicate-figure``) rather than pick one.
    """

    read: int
    cells: int
    figures: int
    duplicates: int = 0
    reasons: tuple[tuple[str, int], ...] = ()  # (reason slug, cells), for cells that are no figure

    @property
    def not_figures(self) -> int:
        return sum(n for _, n in self.reasons)

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "cells": self.cells,
            "figures": self.figures,
            "duplicates": self.duplicates,
            "not_figures": self.not_figures,
            "reasons": dict(self.reasons),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RowCount:
        return cls(
            read=int(data["read"]),
            cells=int(data["cells"]),
            figures=int(data["figures"]),
            duplicates=int(data.get("duplicates", 0)),
            reasons=tuple((str(k), int(v)) for k, v in (data.get("reasons") or {}).items()),
        )


@dataclass(frozen=True)
class Report:
    """The outcome of one suite on one drop."""

    suite: dict[str, Any]
    drop: dict[str, Any]
    results: tuple[RuleResult, ...]
    errors: tuple[ErrorEntry, ...] = ()  # problems that stopped rules from running at all
    generated_at: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds")
    )
    cache_key: str | None = None  # set by `statcheck run`: the inputs it was made from
    rows: RowCount | None = None  # where the figures file's rows went, when it was read
    localisation: LocalisationSummary | None = None  # with --locate (see Culprits)

    @property
    def summary(self) -> dict[str, int]:
        counts = Counter(r.status for r in self.results)
        return {s.value: counts.get(s, 0) for s in Status} | {"rules": len(self.results)}

    @property
    def exit_code(self) -> ExitCode:
        codes = [e.exit_code for e in self.errors]
        for r in self.results:
            if r.status is Status.ERROR:
                codes.append(ExitCode.INTERNAL if r.internal else ExitCode.CONTRACT)
            elif r.status is Status.FAIL:
                codes.append(ExitCode.FAILED)
        return max(codes, default=ExitCode.OK)

    @property
    def failures(self) -> tuple[RuleResult, ...]:
        return tuple(r for r in self.results if r.status is Status.FAIL)

    @property
    def ok(self) -> bool:
        """Every rule passed or was undetermined, and nothing stopped the check (exit code 0)."""
        return self.exit_code is ExitCode.OK

    def result(self, rule_id: str) -> RuleResult:
        for r in self.results:
            if r.rule == rule_id:
                return r
        raise KeyError(rule_id)

    def to_dict(self) -> dict[str, Any]:
        with collector_paused():  # a dict or two for each of maybe a million findings
            return self._as_dict(lambda f: f.to_dict())

    def _as_dict(self, finding: Callable[[Finding], Any]) -> dict[str, Any]:
        """The report's data, each finding as ``finding`` gives it."""
        return {
            "report_format": REPORT_FORMAT,
            "suite": self.suite,
            "drop": self.drop,
            "status": _overall(self),
            "exit_code": int(self.exit_code),
            "summary": self.summary,
            "results": [r._as_dict(finding) for r in self.results],
            "errors": [e.to_dict() for e in self.errors],
            **({"rows": self.rows.to_dict()} if self.rows is not None else {}),
            **({"cache_key": self.cache_key} if self.cache_key is not None else {}),
            **(
                {"localisation": self.localisation.to_dict()}
                if self.localisation is not None
                else {}
            ),
            "generated_at": self.generated_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """The report a JSON report describes (``Report.from_dict(r.to_dict())`` equals ``r``).
        Fields derived from the others (status, exit code, summary) are not read back."""
        rows, located = data.get("rows"), data.get("localisation")
        return cls(
            suite=dict(data.get("suite") or {}),
            drop=dict(data.get("drop") or {}),
            results=tuple(RuleResult.from_dict(r) for r in data.get("results") or ()),
            errors=tuple(ErrorEntry.from_dict(e) for e in data.get("errors") or ()),
            generated_at=str(data.get("generated_at", "")),
            cache_key=data.get("cache_key"),
            rows=RowCount.from_dict(rows) if rows is not None else None,
            localisation=LocalisationSummary.from_dict(located) if located is not None else None,
        )

    @classmethod
    def from_json(cls, text: str) -> Report:
        return cls.from_dict(json.loads(text))

    def to_json(self) -> str:
        """The report as JSON, indented two spaces, each finding on a line of its own."""
        with collector_paused():
            data = self._as_dict(lambda f: f.json_line())  # (text where a finding's data is a dict)
        return _report_text(data) + "\n"

    def write(self, path: str | os.PathLike[str]) -> Path:
        """Write the JSON atomically: readers see the old report or the new one, never half."""
        return write_atomic(Path(path), self.to_json())

    def raise_for_failures(self, raise_on: Iterable[str] = ("fail", "error")) -> None:
        """Raise ``ValidationFailed`` if a rule ended in one of the ``raise_on`` statuses
        (``fail``, ``error``, ``undetermined``), or, with ``error``, if something stopped
        the check (``report.errors``). Its message names each such rule and why."""
        statuses = statuses_named(raise_on)
        raised = [r for r in self.results if r.status in statuses]
        errors = self.errors if Status.ERROR in statuses else ()
        if raised or errors:
            raise ValidationFailed(self, raised, errors)

    def finding_rows(self) -> list[dict[str, Any]]:
        """Every finding of every rule, a flat record each (as ``findings()`` tabulates)."""
        return [_finding_record(r, f) for r in self.results for f in r.findings]

    def findings(self, library: str = "pandas") -> Any:
        """Every finding as a DataFrame (``pandas`` or ``polars``), a row each: rule, kind,
        status, slug, figures (``;``-separated ids), explanation, the reported and expected
        intervals' bounds, gap and tolerance; as pandera's ``failure_cases``."""
        import narwhals as nw

        if library not in FINDINGS_LIBRARIES:
            raise UNSUPPORTED_INPUT(
                f"findings(library={library!r})",
                hint=f"use one of: {', '.join(FINDINGS_LIBRARIES)}",
            )
        rows = self.finding_rows()
        columns = {name: [row[name] for row in rows] for name in FINDING_COLUMNS}
        schema = {n: nw.Float64() if n in _NUMERIC_COLUMNS else nw.String() for n in columns}
        return nw.from_dict(columns, schema=schema, backend=cast(Any, library)).to_native()


def _overall(report: Report) -> str:
    code = report.exit_code
    if code is ExitCode.OK:
        return "pass"
    if code is ExitCode.FAILED:
        return "fail"
    return "error"


class ValidationFailed(StatcheckError):
    """Raised by ``Report.raise_for_failures``; carries the report. Its message says why:
    for each rule that did not pass, its first finding (or error), and what stopped the
    check, as pandera's ``SchemaError`` shows its failure cases."""

    def __init__(
        self,
        report: Report,
        results: Sequence[RuleResult] | None = None,
        errors: Sequence[ErrorEntry] | None = None,
    ) -> None:
        if results is None:
            results = [r for r in report.results if r.status in (Status.FAIL, Status.ERROR)]
        errors = report.errors if errors is None else errors
        why = [_why(r) for r in results] + [f"[{e.slug}] {e.message}" for e in errors]
        listed = "".join(f"\n  - {line}" for line in why)  # one line each, as pandera lists cases
        if results:
            message = f"{len(results)} rule(s) did not pass:{listed}"
        else:  # the drop could not be checked at all
            message = f"the figures could not be checked:{listed or ' no rule ran'}"
        super().__init__(
            message=message,
            slug=VALIDATION_FAILED.slug,
            exit_code=report.exit_code,
        )
        self.report = report


def _interval(bounds: list[float | None] | None) -> Interval | None:
    if bounds is None:
        return None
    low, high = bounds
    return Interval(-math.inf if low is None else low, math.inf if high is None else high)


def _number(data: dict[str, Any], key: str) -> float | None:
    """A number the JSON holds as null when it was infinite (``_json_number``)."""
    if key not in data:
        return None
    value = data[key]
    return math.inf if value is None else float(value)


def _json_number(x: float) -> float | None:
    return None if math.isinf(x) or math.isnan(x) else x


# Significant digits of the numbers a rule computes (sums, expected bounds, gaps): the
# same figures added in another order (each dataframe library has its own) differ in the
# last bits of a double, far below this; rounded here, every engine writes the same
# report. A figure's own bounds (``reported``) are written as read.
COMPUTED_DIGITS = 14
_COMPUTED_FORMAT = f"{{:.{COMPUTED_DIGITS}g}}".format


def _settled(x: float | None) -> float | None:
    return None if x is None else _settled_number(x)


def _settled_number(x: float) -> float:
    """``x`` as a Python float to ``COMPUTED_DIGITS`` significant digits (whole numbers
    and infinities as they are, -0.0 as 0.0)."""
    x = float(x) + 0.0  # + 0.0: a negative zero (from a subtraction) is zero
    if x.is_integer() or not math.isfinite(x):
        return x
    return float(_COMPUTED_FORMAT(x))


def _settled_gap(
    gap: float | None, reported: Interval | None, expected: Interval | None
) -> float | None:
    """A gap to ``COMPUTED_DIGITS`` significant digits of the largest bound beside it: a
    gap is a difference of such bounds, and a small one between large bounds would keep,
    in digits of its own, the last bits of a sum that differ with the order of addition
    (polars and pandas: 42612.834999999 and 42612.834999997 between bounds of 10^7)."""
    if gap is None:
        return None
    settled = _settled_number(gap)
    if settled.is_integer() or not math.isfinite(settled):
        return settled
    scale = 0.0  # the largest finite bound (a loop: a report settles a gap per finding)
    for iv in (reported, expected):
        if iv is not None:
            for bound in (abs(iv.low), abs(iv.high)):
                if scale < bound < math.inf:
                    scale = bound
    if scale <= abs(settled):
        return settled
    places = COMPUTED_DIGITS - 1 - math.floor(math.log10(scale))
    return round(settled, places) + 0.0


def _settled_interval(iv: Interval | None) -> Interval | None:
    if iv is None:
        return None
    low, high = _settled_number(iv.low), _settled_number(iv.high)
    return iv if (low, high) == (iv.low, iv.high) else Interval(low, high)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


# A temporary file this much older than now was left by a writer that was killed between
# creating it and moving it into place (a write takes milliseconds): it is removed.
STALE_TEMP_SECONDS = 3600.0


# A report's JSON: indented as ``json.dumps(indent=2)`` indents, but for the findings, one
# per line (``grep`` finds a finding whole, a diff shows it as one line). Python's JSON
# encoder indents in Python, a value at a time: a report of a hundred thousand findings
# took twice as long to write as to find. A finding on one line is written by the encoder
# in C, and the text is joined once (a report may be tens of megabytes).
_INDENT = "  "


def _one_line_encoder() -> Callable[[Any], str]:
    """A finding as one line of JSON. The stdlib's C encoder, called as ``json.dumps`` calls
    it, where this Python has one that writes what the public encoder writes (half the
    time: ``dumps`` makes a new one per call); else the public encoder. (No check for
    circular references: a finding's data is plain lists, dicts, text and numbers.)"""
    settings = {"ensure_ascii": False, "allow_nan": False, "separators": (", ", ": ")}
    encoder = json.JSONEncoder(**settings)  # type: ignore[arg-type]
    try:
        from json.encoder import (  # type: ignore[attr-defined]
            c_make_encoder,
            encode_basestring,
        )

        made = c_make_encoder(
            None, encoder.default, encode_basestring, None, ": ", ", ", False, False, False
        )

        def fast(value: Any) -> str:
            return "".join(made(value, 0))

        sample = {"s": 'é\n"\u2028', "n": [1.5, -0.0, 1e-07, 10**20, None, True], "d": {}}
        if fast(sample) == encoder.encode(sample):
            return fast
    except Exception:  # no C encoder here, or one called otherwise: the public one
        pass
    return encoder.encode


_ONE_LINE = _one_line_encoder()


def sentence_lines(
    findings: Sequence[tuple[str, tuple[str, ...]]], sentences: Sequence[str | None]
) -> list[str] | None:
    """The JSON lines of findings that are a slug, figures and a sentence, nothing more
    (each line as ``Finding.json_line`` writes it), written column by column by polars: a
    table may have a failure on every row. ``sentences``: a list, or a polars Series. None
    where a text holds a control character or a sentence is missing: those lines are
    written one by one, as ever."""
    return _lines(findings, sentences, [])


def finding_lines(findings: Sequence[Finding]) -> list[str] | None:
    """``sentence_lines`` of findings with numbers too (their intervals, gap and
    tolerance; the same JSON as ``Finding.json_line`` once read, though a number may be
    laid out otherwise, see ``_json_numbers``); None where one has details or culprits,
    which are written one by one."""
    import polars as pl

    if any(f.details or f.culprits is not None for f in findings):
        return None
    numbers: list[Any] = []
    for name in ("reported", "expected"):
        intervals = [getattr(f, name) for f in findings]
        given = [iv is not None for iv in intervals]
        low = [iv.low if iv is not None else 0.0 for iv in intervals]
        high = [iv.high if iv is not None else 0.0 for iv in intervals]
        pair = pl.concat_str(
            [
                pl.lit(f', "{name}": ['),
                _json_numbers(low),
                pl.lit(", "),
                _json_numbers(high),
                pl.lit("]"),
            ]
        )
        numbers.append(pl.when(pl.Series(given)).then(pair).otherwise(pl.lit("")))
    for name in ("gap", "tolerance"):
        values = [getattr(f, name) for f in findings]
        given = [v is not None for v in values]
        number = pl.lit(f', "{name}": ') + _json_numbers([0.0 if v is None else v for v in values])
        numbers.append(pl.when(pl.Series(given)).then(number).otherwise(pl.lit("")))
    rows = [(f.slug, f.figures) for f in findings]
    return _lines(rows, [f.explanation for f in findings], numbers)


def _lines(
    findings: Sequence[tuple[str, tuple[str, ...]]],
    sentences: Sequence[str | None],
    numbers: list[Any],
) -> list[str] | None:
    """The JSON lines of findings (slug, figures, sentence), ``numbers`` (polars
    expressions, the text of the fields after the sentence) after their sentence."""
    import polars as pl

    texts = pl.DataFrame(
        {"slug": [slug for slug, _ in findings], "explanation": sentences},
        schema={"slug": pl.String, "explanation": pl.String},
    )
    ids = pl.DataFrame(
        {"id": [i for _, named in findings for i in named]}, schema={"id": pl.String}
    )
    control = r"[\x00-\x1f]"  # JSON escapes them, each its own way
    for frame in (texts, ids):
        if frame.select(
            pl.any_horizontal(pl.all().str.contains(control).fill_null(True)).any()
        ).item():
            return None
    quoted = ids.select(_json_text(pl.col("id"))).to_series()
    if all(len(named) == 1 for _, named in findings):  # a figure each: the usual case
        figures = quoted
    else:
        named, at = quoted.to_list(), 0
        figures = pl.Series([", ".join(named[at : (at := at + len(f))]) for _, f in findings])
    line = pl.concat_str(
        [
            pl.lit('{"slug": '),
            _json_text(pl.col("slug")),
            pl.lit(', "figures": ['),
            figures,
            pl.lit('], "explanation": '),
            _json_text(pl.col("explanation")),
            *numbers,
            pl.lit("}"),
        ]
    )
    lines: list[str] = texts.select(line).to_series().to_list()
    return lines


def _json_numbers(values: Sequence[float]) -> Any:
    """Each number as JSON text, as a polars Series: its shortest round-trip digits
    (Python's, though laid out as polars lays them out: ``1e-7`` where Python writes
    ``1e-07``; the same float either way), null where it is infinite or NaN."""
    import polars as pl

    x = pl.Series("x", values, dtype=pl.Float64)
    finite = x.is_finite()
    return pl.select(pl.when(finite).then(x.cast(pl.String)).otherwise(pl.lit("null"))).to_series()


def _json_text(text: Any) -> Any:
    """A polars text without control characters as a JSON string: quoted, its backslashes
    and quotes escaped (the rest as it is: the report is not ASCII-only)."""
    import polars as pl

    escaped = text.str.replace_all("\\", "\\\\", literal=True).str.replace_all(
        '"', '\\"', literal=True
    )
    return pl.concat_str([pl.lit('"'), escaped, pl.lit('"')])


def _report_text(data: dict[str, Any]) -> str:
    """``Report.to_dict``'s data as the report's JSON text (see above); a finding may be
    given as its JSON line already written (``Finding.json_line``)."""
    pieces: list[str] = []
    write = pieces.append

    def laid_out(items: list[Any], depth: int, brackets: str, each: Callable[[Any], None]) -> None:
        """``items`` one per line inside ``brackets``, ``depth`` levels deep, each written
        by ``each``."""
        if not items:
            write(brackets)
            return
        pad = "\n" + _INDENT * (depth + 1)
        write(brackets[0])
        for k, item in enumerate(items):
            write(pad if k == 0 else "," + pad)
            each(item)
        write("\n" + _INDENT * depth + brackets[1])

    def field(key: str, value: Any, depth: int) -> None:
        write(_json(key) + ": ")
        if depth == 1 and key == "results":
            laid_out(value, 1, "[]", result)
        elif depth == 3 and key == "findings":
            laid_out(value, 3, "[]", lambda f: write(f if type(f) is str else _ONE_LINE(f)))
        else:  # as json.dumps(indent=2) writes it this deep (no string holds a raw line break)
            write(_json(value, indent=2).replace("\n", "\n" + _INDENT * depth))

    def result(r: dict[str, Any]) -> None:
        laid_out(list(r.items()), 2, "{}", lambda kv: field(kv[0], kv[1], 3))

    laid_out(list(data.items()), 0, "{}", lambda kv: field(kv[0], kv[1], 1))
    return "".join(pieces)


def _json(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, indent=indent, ensure_ascii=False, allow_nan=False)


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` so that no reader ever sees a part of it: into a temporary
    file in the same folder (``.NAME.XXXXXXXX.tmp``), flushed to disk, then moved over
    ``path`` in one ``os.replace``. A process killed at any moment leaves ``path`` as it
    was or as it is meant to be. Temporary files of ``path`` left by killed writers are
    removed once they are an hour old (never a live writer's). A path that is no plain
    file (``/dev/stdout``, a named pipe) is written into as it is."""
    try:
        _write_replacing(path, text)
    except OSError as exc:  # where the output is asked for is the caller's to change
        raise UNWRITABLE_OUTPUT(
            f"cannot write {str(path)!r}: {exc.strerror or exc}",
            location=Location(file=str(path)),
            hint="give an output path in a folder you can write to (--out FILE)",
        ) from None
    return path


def _write_replacing(path: Path, text: str) -> None:
    if path.is_dir():
        raise IsADirectoryError(21, "it is a folder", str(path))
    if path.exists() and not path.is_file():  # /dev/stdout, a pipe: written into, never replaced
        with path.open("w", encoding="utf-8") as fh:
            fh.write(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temps(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # as a plain open() would (mkstemp gives 0600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _remove_stale_temps(path: Path) -> None:
    prefix, suffix = f".{path.name}.", ".tmp"
    cutoff = time.time() - STALE_TEMP_SECONDS
    try:
        entries = list(os.scandir(path.parent))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        middle = name[len(prefix) : -len(suffix)]
        # mkstemp's names: the prefix, eight random letters, digits or underscores, the suffix
        if not (name.startswith(prefix) and name.endswith(suffix) and len(middle) == 8):
            continue
        if not all(c.isalnum() or c == "_" for c in middle):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
        except OSError:  # gone already (another writer cleaned it), or not ours to remove
            continue


FINDINGS_LIBRARIES = ("pandas", "polars")
FINDING_COLUMNS = (
    "rule", "kind", "status", "slug", "figures", "explanation", "reported_low",
    "reported_high", "expected_low", "expected_high", "gap", "tolerance",
)  # fmt: skip
_NUMERIC_COLUMNS = frozenset(FINDING_COLUMNS[6:])
RAISE_ON = ("fail", "error", "undetermined")


def statuses_named(raise_on: Iterable[str]) -> frozenset[Status]:
    """The statuses ``raise_on`` names (a status or several); anything else is refused."""
    names = [raise_on] if isinstance(raise_on, str) else list(raise_on)
    unknown = [n for n in names if n not in RAISE_ON]
    if unknown:
        raise UNSUPPORTED_INPUT(
            f"raise_on has {', '.join(map(repr, unknown))}",
            hint=f"use any of: {', '.join(RAISE_ON)}",
        )
    return frozenset(Status(n) for n in names)


def _finding_record(result: RuleResult, f: Finding) -> dict[str, Any]:
    reported, expected = f.reported, f.expected
    return {
        "rule": result.rule,
        "kind": result.kind,
        "status": result.status.value,
        "slug": f.slug,
        "figures": ";".join(f.figures),
        "explanation": f.explanation,
        "reported_low": reported.low if reported else None,
        "reported_high": reported.high if reported else None,
        "expected_low": expected.low if expected else None,
        "expected_high": expected.high if expected else None,
        "gap": f.gap,
        "tolerance": f.tolerance,
    }


def _why(result: RuleResult) -> str:
    """A rule that did not pass, and the first reason: its first finding, or its error."""
    if result.status is Status.ERROR:
        return f"{result.rule} (error): [{result.error_slug}] {result.error}"
    from statcheck.contract.rules.base import COMMON_FINDINGS

    # A failed rule's reason is a finding of its own kind, not a note (a duplicate figure).
    own = [f for f in result.findings if f.slug not in COMMON_FINDINGS]
    first = next(iter(own if result.status is Status.FAIL and own else result.findings), None)
    more = f" (and {len(result.findings) - 1} more)" if len(result.findings) > 1 else ""
    reason = f"[{first.slug}] {first.explanation}{more}" if first else "no finding"
    return f"{result.rule} ({result.status.value}): {reason}"
