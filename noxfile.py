"""nox sessions: the main validation job, the tests, and lint.

nox -s validate   # every suite in expectations/ against its drops; reports in build/reports
nox -s tests      # the test suite
nox -s lint       # ruff and mypy
nox -s bench      # benchmark against a hand-written polars floor (not run by default)
"""

from __future__ import annotations

import os

import nox

nox.options.sessions = ["validate", "tests"]
nox.options.reuse_existing_virtualenvs = True
nox.options.error_on_missing_interpreters = False

PYTHON = os.environ.get("STATCHECK_PYTHON", "3.11")


@nox.session(python=PYTHON)
def validate(session: nox.Session) -> None:
    """Validate every suite's drops. Extra arguments go to `statcheck run` (e.g. --drops DIR).

    The session succeeds when statcheck ran to the end (exit 0 or 1: data failing a rule is
    a finding, not a broken job); contract errors, internal errors and drops that are not
    ready fail it.
    """
    session.install("-e", ".")
    session.run("statcheck", "run", *session.posargs, success_codes=[0, 1])


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.run("pytest", *(session.posargs or ["-q"]))


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    session.install("-e", ".[dev]")
    session.run("ruff", "check", "src", "tests", "benchmarks", "noxfile.py")
    session.run("mypy")


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmark statcheck against a hand-written polars floor (not a test; not run by
    default). Extra arguments go to benchmarks/bench.py, e.g. `nox -s bench -- --sizes 1e5`;
    results in build/bench/."""
    session.install("-e", ".", "numpy")
    session.run("python", "benchmarks/bench.py", *session.posargs)
