"""statcheck as a pytest plugin: every suite × drop × rule a test item.

    pytest --statcheck expectations/            # or a suite file; repeat for several
    [tool.pytest.ini_options]
    statcheck = ["expectations"]                # the same, from the configuration

Each suite file is collected with one node per drop it targets and one item per rule
(``expectations/bls.yml::bls-cps-aat1-2025::labor-force-is-employed-plus-unemployed``). A
failing rule fails its item with its findings' explanations; an undetermined rule is a
skip with its reason (``--statcheck-undetermined=fail`` fails it instead); a rule in error,
or a drop that could not be read, is an error. ``-k``, ``-x``, xdist and ``--junitxml``
work as for any test: each worker validates the drops its items need, once.

For a pipeline's own tests, the fixture ``statcheck_report(drop, suite)`` returns the
:class:`~statcheck.report.Report` of a drop folder (or figures file) against a suite.

Loaded through the ``pytest11`` entry point; without ``--statcheck`` (or the ini value)
it collects nothing and imports nothing heavy.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from statcheck.contract.suite import Suite
    from statcheck.report import Report, RuleResult

SUITE_SUFFIXES = (".yml", ".yaml")
MAX_FINDINGS = 20  # explanations in one failure message; the JSON report has them all


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("statcheck", "statcheck: figures that must agree")
    group.addoption(
        "--statcheck",
        action="append",
        default=[],
        metavar="PATH",
        help="collect every rule of the suites in PATH (a folder of suites, or one suite file) "
        "against each drop the suite targets",
    )
    group.addoption(
        "--statcheck-engine",
        default=None,
        choices=("polars", "pandas", "spark"),
        help="the dataframe engine (default: polars, or the ini value statcheck_engine)",
    )
    group.addoption(
        "--statcheck-undetermined",
        default=None,
        choices=("skip", "fail"),
        help="an undetermined rule is skipped (default) or fails",
    )
    parser.addini("statcheck", "suite folders or files to collect", type="paths", default=[])
    parser.addini("statcheck_engine", "the dataframe engine", default="polars")
    parser.addini("statcheck_undetermined", "skip (default) or fail", default="skip")


def pytest_configure(config: pytest.Config) -> None:
    """The suite paths join the paths pytest collects from, so ``pytest --statcheck DIR``
    needs no other argument."""
    for path in _suite_paths(config):
        if not any(_within(path, Path(a.split("::")[0]).resolve()) for a in config.args):
            config.args.append(str(path))


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.suffix not in SUITE_SUFFIXES:
        return None
    paths = _suite_paths(parent.config)
    if not any(_within(file_path.resolve(), p) for p in paths):
        return None
    return SuiteFile.from_parent(parent, path=file_path)


class SuiteFile(pytest.File):
    """One suite: a node per drop folder it targets."""

    def collect(self) -> Iterator[pytest.Collector]:
        from statcheck.contract.suite import load_suite
        from statcheck.errors import StatcheckError
        from statcheck.runner import drops_for

        try:
            suite = load_suite(self.path)
        except StatcheckError as exc:
            raise self.CollectError(f"[{exc.slug}] {exc}") from None
        for folder in drops_for(suite):
            yield DropNode.from_parent(self, name=folder.name, folder=folder, suite=suite)

    def reports(self, suite: Suite) -> dict[Path, Report]:
        """Every drop's report, made once per process (a worker's items share them)."""
        return _suite_reports(self.path.resolve(), suite, _engine(self.config))


class DropNode(pytest.Collector):
    """One drop of a suite: an item per rule (and one for the column schema)."""

    def __init__(self, *, folder: Path, suite: Suite, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.folder = folder
        self.suite = suite

    def collect(self) -> Iterator[pytest.Item]:
        rules = ["schema"] if self.suite.schema is not None else []
        rules += [rule.id for rule in self.suite.rules]
        for rule in rules:
            yield RuleItem.from_parent(self, name=rule)

    def report(self) -> Report:
        assert isinstance(self.parent, SuiteFile)
        return self.parent.reports(self.suite)[self.folder]


class RuleError(Exception):
    """A rule statcheck could not evaluate, or a drop it could not read: an error, not a
    failure of the figures."""


class RuleFailed(Exception):
    """The figures failed the rule: the message is its findings' explanations."""


class RuleItem(pytest.Item):
    """One rule of a suite on one drop."""

    def setup(self) -> None:
        """A drop that cannot be read, or a rule in error, errors here: pytest reports an
        exception in setup as an error, not a failure."""
        report = self._drop.report()
        if report.errors:
            raise RuleError("; ".join(f"[{e.slug}] {e.message}" for e in report.errors))
        result = self._result(report)
        if result.status.value == "error":
            raise RuleError(f"[{result.error_slug}] {result.error}")

    def runtest(self) -> None:
        result = self._result(self._drop.report())
        status = result.status.value
        if status == "fail":
            raise RuleFailed(_explained(result))
        if status == "undetermined":
            reason = _explained(result) or "undetermined"
            if _undetermined(self.config) == "fail":
                raise RuleFailed(f"undetermined: {reason}")
            pytest.skip(f"undetermined: {reason}")

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, RuleFailed | RuleError):
            return str(excinfo.value)
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[os.PathLike[str] | str, int | None, str]:
        return self.path, None, f"statcheck {self.nodeid}"

    @property
    def _drop(self) -> DropNode:
        assert isinstance(self.parent, DropNode)
        return self.parent

    def _result(self, report: Report) -> RuleResult:
        for result in report.results:
            if result.rule == self.name:
                return result
        raise RuleError(f"the report of {self._drop.name} has no result for rule {self.name!r}")


@pytest.fixture
def statcheck_report() -> Callable[..., Report]:
    """``statcheck_report(drop, suite, engine="polars")``: the report of a drop folder (or a
    figures file) against a suite file or :class:`~statcheck.contract.suite.Suite`."""
    from statcheck.api import validate

    def report(drop: str | os.PathLike[str], suite: Any, engine: str = "polars") -> Report:
        return validate(Path(drop), suite, engine=engine)

    return report


# ---------------------------------------------------------------- helpers


_REPORTS: dict[tuple[Path, str], dict[Path, Report]] = {}  # this process's, by suite file


def _suite_reports(path: Path, suite: Suite, engine: str) -> dict[Path, Report]:
    from statcheck.runner import drops_for, suite_reports

    if (path, engine) not in _REPORTS:
        _REPORTS[path, engine] = suite_reports(suite, drops_for(suite), engine)
    return _REPORTS[path, engine]


def _suite_paths(config: pytest.Config) -> list[Path]:
    given = [Path(p) for p in config.getoption("statcheck") or []]
    given += [Path(p) for p in config.getini("statcheck")]
    return [p.resolve() for p in given]


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _engine(config: pytest.Config) -> str:
    return str(config.getoption("statcheck_engine") or config.getini("statcheck_engine"))


def _undetermined(config: pytest.Config) -> str:
    return str(
        config.getoption("statcheck_undetermined") or config.getini("statcheck_undetermined")
    )


def _explained(result: RuleResult) -> str:
    """The findings' explanations, a line each, at most MAX_FINDINGS of them."""
    lines = [f"[{f.slug}] {f.explanation}" for f in result.findings[:MAX_FINDINGS]]
    if len(result.findings) > MAX_FINDINGS:
        lines.append(f"... and {len(result.findings) - MAX_FINDINGS} more findings")
    return "\n".join(lines)
