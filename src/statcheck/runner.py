"""The batch job behind ``statcheck run`` and ``nox -s validate``: every suite in a folder
against every drop it targets, each drop validated once per set of inputs.

The plan, one suite at a time (suites in file-name order):

1. **suites**: every ``*.yml`` and ``*.yaml`` in the expectations folder; a suite that
   cannot be loaded is reported (exit 2) and the others still run;
2. **drops**: the folders the suite's ``drops`` globs match, relative to the suite file;
   with a drops folder (``--drops``, ``STATCHECK_DROPS``), the folders under it whose names
   match the globs' last part;
3. **readiness and cache check**: every drop's manifest is read and every file it lists is
   hashed. A drop that is not ready is reported as such (exit 4) every time, never served
   from the cache. A ready drop whose stored report carries the same cache key is not
   validated again; its stored report stands;
4. **validate and write**: ``OUT/<suite>/<drop>.json``, with the cache key in the report;
   with ``locate``, each failing finding with its culprits (``statcheck.localisation``),
   found on the figures the validation read.

The cache key (:func:`cache_key`) is the SHA-256 of the statcheck version and source
files, the report format, the engine, the suite file's bytes, the drop's manifest (and so
every listed file's SHA-256, just verified) and, for a suite with a ``revision`` rule, the
keys of the drops before it, and whether the run locates culprits (a report made without
them is not served to a run that asks for them). It does not cover where the suite or the drop lies: a drop moved to
another folder keeps its report, which names the folder it was validated in. Reports with
an internal error (exit 3) get no key, so they are redone on the next run. A drop read from
a database server (a ``postgresql`` entry) has no checksum to key on: it is validated on
every run, its report carries no key, and its key changes every run, so the later drops
of a suite with a revision rule are validated again too (a DuckDB file is a file: hashed
and keyed like any other).

A suite with a revision rule compares each drop with the earlier ones: its drops are
taken in the order of their manifests' ``published_at`` (then ``id``; drops without a date
last), and each is validated with the ready drops before it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from statcheck.checking import report_path
from statcheck.errors import (
    DROPS_FOLDER_MISSING,
    DUPLICATE_DROP_ID,
    NO_SUITES,
    ErrorEntry,
    ExitCode,
    Location,
    StatcheckError,
)

if TYPE_CHECKING:
    from statcheck.checking import DropCache
    from statcheck.contract.suite import Suite
    from statcheck.drops.manifest import Drop
    from statcheck.report import Report

__all__ = [
    "DropOutcome",
    "RunListener",
    "RunResult",
    "SuiteOutcome",
    "cache_key",
    "drops_for",
    "find_suites",
    "report_path",
    "run",
    "suite_reports",
]

_UNCACHED = (ExitCode.INTERNAL, ExitCode.NOT_READY)  # always checked again


# ---------------------------------------------------------------- what a run produces


@dataclass(frozen=True)
class DropOutcome:
    """One suite on one drop: the report (as just made, or as stored by an earlier run)."""

    suite: str
    drop: str
    folder: Path
    report: Report
    path: Path | None  # where the JSON report is; None when none could be written
    cached: bool = False

    @property
    def exit_code(self) -> ExitCode:
        return self.report.exit_code


@dataclass(frozen=True)
class SuiteOutcome:
    """A suite file: the drops it was run on, or the error that kept it from loading."""

    file: Path
    id: str | None
    drops: tuple[DropOutcome, ...] = ()
    error: ErrorEntry | None = None  # the problem that kept the suite from loading

    @property
    def exit_code(self) -> ExitCode:
        codes = [d.exit_code for d in self.drops]
        if self.error is not None:
            codes.append(self.error.exit_code)
        return max(codes, default=ExitCode.OK)


@dataclass(frozen=True)
class RunResult:
    suites: tuple[SuiteOutcome, ...]

    @property
    def drops(self) -> tuple[DropOutcome, ...]:
        return tuple(d for s in self.suites for d in s.drops)

    @property
    def exit_code(self) -> ExitCode:
        """The worst over every suite and drop."""
        return max((s.exit_code for s in self.suites), default=ExitCode.OK)


class RunListener:
    """Told what a run is doing, for progress and per-drop lines; does nothing by default."""

    def planned(self, drops: int, rules: int) -> None:
        """Before any drop: how many drops, and rules over all of them, the run will check."""

    def suite_failed(self, outcome: SuiteOutcome) -> None:
        """A suite could not be loaded."""

    def no_drops(self, suite: str) -> None:
        """A suite's globs matched no folder."""

    def started(self, suite: str, folder: Path) -> None:
        """A drop is being checked (readiness, cache, then maybe validation)."""

    def finished(self, outcome: DropOutcome, rules: int) -> None:
        """A drop is done; ``rules`` is how many rules of the plan that accounts for."""


# ---------------------------------------------------------------- the plan


def run(
    expectations: Path,
    out: Path,
    *,
    drops_dir: Path | None = None,
    engine: str = "polars",
    force: bool = False,
    listener: RunListener | None = None,
    database_url: str | None = None,
    locate: bool = False,
) -> RunResult:
    """Validate every suite in ``expectations`` against its drops, writing reports under
    ``out``. ``force`` validates every drop even when its stored report is current.
    ``database_url``: the PostgreSQL server drops with database entries read (see
    :func:`statcheck.checking.validate_drop`). ``locate``: each failing finding gets its
    culprits, the figures most likely wrong (``statcheck validate --locate``).

    Raises StatcheckError (exit 2) when there are no suites or ``drops_dir`` is not a
    folder; everything else, including suites that cannot be loaded, is in the result."""
    from statcheck.checking import DropCache, refuse_output_on_inputs
    from statcheck.contract.suite import load_suite

    listener = listener or RunListener()
    if drops_dir is not None and not drops_dir.is_dir():
        raise DROPS_FOLDER_MISSING(
            f"the drops folder {str(drops_dir)!r} does not exist",
            location=Location(file=str(drops_dir)),
            hint="check --drops or STATCHECK_DROPS (is the data directory mounted?)",
        )
    loaded: list[tuple[Path, Suite | StatcheckError, list[Path]]] = []
    for path in find_suites(expectations):
        try:
            suite = load_suite(path)
        except StatcheckError as exc:
            loaded.append((path, exc, []))
            continue
        loaded.append((path, suite, drops_for(suite, drops_dir)))
    listener.planned(
        drops=sum(len(folders) for _, _, folders in loaded),
        rules=sum(len(folders) * _rule_count(s) for _, s, folders in loaded),
    )
    refuse_output_on_inputs(
        out, [*(f for _, _, folders in loaded for f in folders), *(p for p, _, _ in loaded)]
    )
    cache = DropCache()  # each drop hashed and read once, however many later drops need it
    outcomes: list[SuiteOutcome] = []
    for path, suite_or_error, folders in loaded:
        if isinstance(suite_or_error, StatcheckError):
            failed = SuiteOutcome(path, None, error=ErrorEntry.from_exception(suite_or_error))
            listener.suite_failed(failed)
            outcomes.append(failed)
            continue
        if not folders:
            listener.no_drops(suite_or_error.id)
        plan = _SuitePlan(suite_or_error, out, engine, database_url, cache, locate)
        drops = _run_suite(plan, folders, force, listener)
        cache.release_tables()  # no later suite compares with this one's drops
        outcomes.append(SuiteOutcome(path, suite_or_error.id, drops))
    return RunResult(tuple(outcomes))


def find_suites(expectations: Path) -> list[Path]:
    """Every suite file in the folder, by name."""
    if not expectations.is_dir():
        raise NO_SUITES(
            f"the expectations folder {str(expectations)!r} does not exist",
            location=Location(file=str(expectations)),
        )
    suites = sorted(
        p for p in expectations.iterdir() if p.suffix in (".yml", ".yaml") and p.is_file()
    )
    if not suites:
        raise NO_SUITES(f"no suites (*.yml, *.yaml) in {str(expectations)!r}")
    return suites


def drops_for(suite: Suite, drops_dir: Path | None = None) -> list[Path]:
    """The drop folders a suite targets: its globs, relative to the suite file; or, given
    a drops folder, the folders in it named as the globs' last part."""
    if drops_dir is None:
        return suite.drop_folders()
    found: set[Path] = set()
    for pattern in suite.drops:
        name = Path(pattern.strip()).name
        if name:
            found.update(p for p in drops_dir.glob(name) if p.is_dir())
    return sorted(found)


def suite_reports(
    suite: Suite, folders: Sequence[Path], engine: str = "polars"
) -> dict[Path, Report]:
    """The report of every drop folder of one suite, made as `statcheck run` makes them
    (drops in publication order when the suite has revision rules, each compared with
    those before it; each drop read once) but written nowhere: for the pytest plugin."""
    from statcheck.checking import DropCache, validate_drop

    cache = DropCache()
    candidates = [_Candidate(folder, _ready_drop(cache, folder)) for folder in folders]
    revision = has_revision_rules(suite)
    if revision:
        candidates.sort(key=_publication_order)
    reports: dict[Path, Report] = {}
    earlier: list[Path] = []  # the ready drops before this one
    for c in candidates:
        reports[c.folder] = validate_drop(c.folder, suite, engine, list(earlier), cache=cache)
        if revision and c.drop is not None:
            earlier.append(c.folder)
    cache.release_tables()
    return reports


def has_revision_rules(suite: Suite) -> bool:
    """Whether the suite compares each drop with the earlier ones."""
    from statcheck import checking

    return checking.has_revision_rules(suite)


def cache_key(
    suite: Suite, drop: Drop, engine: str, earlier: Sequence[str] = (), locate: bool = False
) -> str:
    """The SHA-256 of everything a report depends on (see the module docstring).

    ``drop`` must have passed the readiness check, so its listed checksums are its files'.
    A drop read from a database server gets a key no later run can match: a server's
    tables have no checksum, so such a drop is always validated again."""
    import secrets

    import statcheck
    from statcheck.drops.manifest import MANIFEST
    from statcheck.report import REPORT_FORMAT

    manifest = hashlib.sha256((drop.folder / MANIFEST).read_bytes()).hexdigest()
    payload = {
        "statcheck": statcheck.__version__,
        "code": _code_fingerprint(),
        "report_format": REPORT_FORMAT,
        "engine": engine,
        "suite": suite.sha256,
        "manifest": manifest,
        "files": {f.path: f.sha256 for f in drop.files},
        "earlier": list(earlier),
    }
    if locate:  # only then: the keys of reports made without it stay what they were
        payload["locate"] = True
    if drop.on_server:
        payload["server"] = secrets.token_hex(16)
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.cache
def _code_fingerprint() -> str:
    """The SHA-256 of statcheck's own source files: a change to a rule's implementation
    outdates every report even when the version number stays the same (an editable
    install, a cache carried between CI runs)."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".json") and "__pycache__" not in path.parts:
            h.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


# ---------------------------------------------------------------- one suite


@dataclass(frozen=True)
class _Candidate:
    folder: Path
    drop: Drop | None  # None: not ready, or the manifest cannot be read


@dataclass(frozen=True)
class _SuitePlan:
    """What every drop of one suite is validated with."""

    suite: Suite
    out: Path
    engine: str
    database_url: str | None
    cache: DropCache
    locate: bool = False  # each failing finding with its culprits

    @property
    def revision(self) -> bool:
        return has_revision_rules(self.suite)


def _run_suite(
    plan: _SuitePlan, folders: list[Path], force: bool, listener: RunListener
) -> tuple[DropOutcome, ...]:
    suite = plan.suite
    candidates = [_Candidate(folder, _ready_drop(plan.cache, folder)) for folder in folders]
    if plan.revision:
        candidates.sort(key=_publication_order)
    rules = _rule_count(suite)
    earlier_folders: list[Path] = []
    earlier_keys: list[str] = []
    seen: dict[str, Path] = {}
    outcomes: list[DropOutcome] = []
    for c in candidates:
        listener.started(suite.id, c.folder)
        if c.drop is None:
            outcome = _validate(plan, c.folder, earlier_folders, None)
        elif c.drop.id in seen:
            outcome = _duplicate_id(suite, c.drop, seen[c.drop.id])
        else:
            seen[c.drop.id] = c.folder
            earlier_keyed = earlier_keys if plan.revision else ()
            key = cache_key(suite, c.drop, plan.engine, earlier_keyed, plan.locate)
            path = report_path(plan.out, suite.id, c.drop.id)
            stored = None if force else _stored_report(path, key)
            if stored is not None:
                outcome = DropOutcome(suite.id, c.drop.id, c.folder, stored, path, cached=True)
            else:
                expected = {f.path: f.sha256 for f in c.drop.files}
                keyed = None if c.drop.on_server else (key, expected)  # no key: redone each run
                outcome = _validate(plan, c.folder, earlier_folders, keyed)
            earlier_folders.append(c.folder)
            earlier_keys.append(key)
        if not plan.revision:  # no later drop compares with this one
            plan.cache.release_tables()
        listener.finished(outcome, rules)
        outcomes.append(outcome)
    return tuple(outcomes)


def _ready_drop(cache: DropCache, folder: Path) -> Drop | None:
    """The readiness check: manifest read, every listed file hashed (once: the cache
    hands the same drop to the validation, and to every later drop comparing with it)."""
    try:
        return cache.drop(folder)
    except Exception:  # validate_drop reports it, in the drop's own report
        return None


def _validate(
    plan: _SuitePlan,
    folder: Path,
    earlier: list[Path],
    key: tuple[str, dict[str, str | None]] | None,
) -> DropOutcome:
    from statcheck import checking

    suite = plan.suite
    report = checking.validate_drop(
        folder,
        suite,
        plan.engine,
        earlier if plan.revision else (),
        database_url=plan.database_url,
        cache=plan.cache,
    )
    if plan.locate and not report.errors:
        report = _located(plan, folder, report)
    # The key goes in only when the report was made from the files the key describes.
    if key is not None and report.exit_code not in _UNCACHED and report.drop.get("files") == key[1]:
        report = replace(report, cache_key=key[0])
    drop_id = str(report.drop["id"])
    path = report.write(report_path(plan.out, suite.id, drop_id))
    return DropOutcome(suite.id, drop_id, folder, report, path)


def _located(plan: _SuitePlan, folder: Path, report: Report) -> Report:
    """The report with its culprits, located on the figures the validation read (the
    run's cache still holds them)."""
    from statcheck.localisation import locate_report

    suite = plan.suite
    drop = plan.cache.drop(folder)
    read = plan.cache.inputs(drop, suite.table, plan.engine, plan.database_url, suite.values)
    return locate_report(report, read, suite)


def _duplicate_id(suite: Suite, drop: Drop, first: Path) -> DropOutcome:
    """Two folders give the same drop id: their reports would overwrite each other."""
    from statcheck.drops.manifest import MANIFEST
    from statcheck.report import Report

    error = ErrorEntry.from_exception(
        DUPLICATE_DROP_ID(
            f"drop id {drop.id!r} is also the id of {str(first)!r}",
            location=Location(file=str(drop.folder / MANIFEST)),
        )
    )
    report = Report(suite=suite.to_report(), drop=drop.to_report(), results=(), errors=(error,))
    return DropOutcome(suite.id, drop.id, drop.folder, report, None)


def _stored_report(path: Path, key: str) -> Report | None:
    """The report an earlier run wrote, if it was made from the same inputs."""
    from statcheck.report import Report

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and data.get("cache_key") == key):
        return None
    try:
        return Report.from_dict(data)
    except (KeyError, TypeError, ValueError):  # not a report this version reads: redo it
        return None


def _publication_order(c: _Candidate) -> tuple[int, date, str]:
    """By publication date (a date, never its text: 2024-1-5 is refused when read), then id."""
    if c.drop is None:  # not ready: no date to go by; last, by folder name
        return (2, date.min, c.folder.name)
    published = c.drop.published_on
    if published is None:
        return (1, date.min, c.drop.id)
    return (0, published, c.drop.id)


def _rule_count(suite: Suite | StatcheckError) -> int:
    if isinstance(suite, StatcheckError):
        return 0
    return len(suite.rules) + (suite.schema is not None)
