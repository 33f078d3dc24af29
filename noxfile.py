"""nox sessions: the main validation job, the tests, and lint.

nox -s validate   # every suite in expectations/ against its drops; reports in build/reports
nox -s tests      # the test suite
nox -s lint       # ruff and mypy
nox -s docs       # a static site of the reports in build/reports, into build/site
nox -s gx         # Great Expectations Data Docs of every suite and drop, into build/site/gx
nox -s spark      # the engine and rule tests and the real-data suites on Spark (needs Java)
nox -s bench      # issue 16's benchmark: statcheck against a numpy floor (not run by default)
nox -s bench -- --synthetic  # the earlier benchmark: hand-written polars and Spark floors
nox -s bench -- --shapes   # time and weigh odd table shapes (wide, long, one huge cell)
nox -s bench -- --suggest  # statcheck suggest on planted tables: wide (40 columns), long (10^6 rows)
nox -s bench -- --locate   # statcheck locate against validate, 10^6 figures, 1% corrupted
nox -s fuzz       # hypothesis, 10,000 examples per property, over the parsers and readers
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
    """Validate every suite's drops: the CI job. Extra arguments go to `statcheck run`
    (`nox -s validate -- --all`, `-- --drops DIR`; STATCHECK_DROPS works too).

    Drops already validated with the same suite file and drop checksums keep their reports;
    checksums are verified every run. Writes build/reports/SUITE/DROP.json, junit.xml and
    summary.md (also appended to $GITHUB_STEP_SUMMARY when set). The session succeeds when
    statcheck ran to the end (exit 0 or 1: data failing a rule is a finding, not a broken
    job); contract errors (2), internal errors (3) and drops that are not ready (4) fail it.
    """
    session.install("-e", ".")
    session.run("statcheck", "run", *session.posargs, success_codes=[0, 1])


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """The test suite on polars and pandas, one pytest worker per core (at most four: each
    starts its own PostgreSQL server and browser). Extra arguments go to pytest in place
    of these (``nox -s tests -- -q tests/engine`` runs in one process)."""
    session.install("-e", ".[test]")
    session.run("pytest", *(session.posargs or ["-q", "-n", "auto", "--maxprocesses", "4"]))


@nox.session(python=PYTHON)
def spark(session: nox.Session) -> None:
    """Every rule test on the Spark engine (PySpark in local mode), and the bundled suites
    and drops on Spark compared with polars and pandas: the tests whose names say spark
    (STATCHECK_TEST_BACKENDS=spark makes every backend-parametrized test a Spark one; the
    polars and pandas runs are `nox -s tests`). Needs a Java runtime (17 or later); CI's
    .ci/run installs one when the machine lacks it. Extra arguments go to pytest.

    Two pytest workers, each with its own single-core local Spark: a query on a test's
    tiny table is almost all JVM planning, one core's work, so two workers use both cores.
    The JVMs skip the optimising compiler (-XX:TieredStopAtLevel=1): short runs of many
    small queries finish sooner without it."""
    session.install("-e", ".[test,spark]")
    env = {
        "STATCHECK_TEST_BACKENDS": "spark",
        "STATCHECK_SPARK_MASTER": os.environ.get("STATCHECK_SPARK_MASTER", "local[1]"),
        "STATCHECK_SPARK_JAVA_OPTIONS": os.environ.get(
            "STATCHECK_SPARK_JAVA_OPTIONS", "-XX:TieredStopAtLevel=1"
        ),
    }
    # tests/spark first: its longest test (every bundled drop on Spark) starts at once
    # rather than last on one worker while the other waits.
    default = ["-q", "-n", "2", "-k", "spark", "tests/spark", "tests/engine"]
    session.run("pytest", *(session.posargs or default), env=env)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    session.install("-e", ".[dev]")
    session.run("ruff", "check", "src", "tests", "benchmarks", "noxfile.py")
    session.run("mypy")


@nox.session(python=PYTHON)
def docs(session: nox.Session) -> None:
    """The static results site (build/site) in one command: brings the JSON reports in
    build/reports up to date (`statcheck run`, which skips drops already validated), then
    builds the site. Extra arguments go to `statcheck docs` (e.g. --gx, --out DIR), but
    --locate goes to `statcheck run`: the site then shows the figures most likely wrong."""
    session.install("-e", ".[gx]" if "--gx" in session.posargs else ".")
    locate = [a for a in session.posargs if a == "--locate"]
    session.run("statcheck", "run", *locate, success_codes=[0, 1])
    session.run("statcheck", "docs", *(a for a in session.posargs if a != "--locate"))


@nox.session(python=PYTHON)
def gx(session: nox.Session) -> None:
    """Validate every suite's drops through Great Expectations and build GE's Data Docs:
    build/site/gx/data_docs/local_site/index.html (the GE project itself in build/site/gx/gx). Extra
    arguments go to `python -m statcheck.gx` (e.g. --drops DIR). Not run by default."""
    session.install("-e", ".[gx]")
    session.run("python", "-m", "statcheck.gx", "--out", "build/site/gx", *session.posargs)


@nox.session(python=PYTHON)
def bench(session: nox.Session) -> None:
    """Benchmark statcheck against hand-written floors (not a test; not run by default).

    By default issue 16's benchmark (benchmarks/bench_grid.py): a grid table of metrics x
    regions x years (ten categories and their ALL, the year and its quarters, shares,
    relays, about 1% injected violations of each kind) at 10^5, 10^6 and 10^7 rows, checked
    by a numpy floor (benchmarks/floor_numpy.py) and by `statcheck.validate` on a polars
    frame and on a pandas frame with engine="pandas" (the whole call, and the rules alone), each call in a fresh process,
    5 rounds (3 from 5 million rows), ratios to the floor's time in the same round, peak
    memory; exit 1 if any run misses an injected violation or flags anything else. Extra
    arguments go to bench_grid.py: `-- --sizes 1e5,1e6`, `-- --profile 1e6` (cProfile one
    whole call), `-- --without-new-forms`, `-- --impls floor,polars`. Results in
    build/bench/results.md and results.json.

    `nox -s bench -- --synthetic` runs the earlier benchmark instead (benchmarks/bench.py:
    every rule kind against a polars floor, and the Spark engine against a PySpark floor
    in the same run; `--engines polars` leaves Spark out, which needs Java); the rest of
    the arguments go to it.

    `nox -s bench -- --shapes` times table shapes instead (benchmarks/shapes.py: wide,
    long and one-huge-cell figure files through `statcheck validate` on polars and pandas,
    wall time and peak memory; the rest of the arguments go to it, e.g. `--only wide-5000`).

    `nox -s bench -- --rule-shapes` times the table-wide rules on shapes the grid does not
    have (benchmarks/rule_shapes.py: a source per figure in a chain or a ring, one group of
    every row, days in years, ...) at 10^5 and 10^6 rows on both engines.

    `nox -s bench -- --suggest` times `statcheck.suggest` (benchmarks/bench_suggest.py: a
    wide table of 40 columns with planted sums and shares, at 1,000 and 100,000 rows, and a
    long table of 10^6 rows with a planted hierarchy and shares; exit 1 if a planted
    relation is missed or anything else proposed)."""
    if session.posargs[:1] == ["--locate"]:  # benchmarks/bench_locate.py: issue 20's target
        session.install("-e", ".")
        session.run("python", "benchmarks/bench_locate.py", *session.posargs[1:])
        return
    if session.posargs[:1] == ["--suggest"]:
        session.install("-e", ".")
        session.run("python", "benchmarks/bench_suggest.py", *session.posargs[1:])
        return
    if session.posargs[:1] == ["--rule-shapes"]:
        session.install("-e", ".")
        session.run("python", "benchmarks/rule_shapes.py", *session.posargs[1:])
        return
    if session.posargs[:1] == ["--shapes"]:
        session.install("-e", ".")
        session.run("python", "benchmarks/shapes.py", *session.posargs[1:])
        return
    if session.posargs[:1] == ["--synthetic"]:
        args = session.posargs[1:]
        session.install("-e", ".[spark]" if _bench_spark(args) else ".", "numpy")
        session.run("python", "benchmarks/bench.py", *args)
        return
    session.install("-e", ".", "numpy", "scipy")
    session.run("python", "benchmarks/bench_grid.py", *session.posargs)


def _bench_spark(args: list[str]) -> bool:
    """Whether the benchmark's arguments (or $STATCHECK_BENCH_ENGINES) include Spark."""
    engines = os.environ.get("STATCHECK_BENCH_ENGINES", "polars,spark")
    for i, arg in enumerate(args):
        if arg == "--engines" and i + 1 < len(args):
            engines = args[i + 1]
        elif arg.startswith("--engines="):
            engines = arg.split("=", 1)[1]
    return "spark" in engines


@nox.session(python=PYTHON)
def fuzz(session: nox.Session) -> None:
    """Fuzz the value and period parsers, the CSV reading path (whole drops, both engines)
    and the suite loader with hypothesis: 10,000 examples per property (the `fuzz`
    profile in tests/conftest.py); only documented errors may come out. The normal test
    run has the same tests with fewer examples. Not run by default; extra arguments go to
    pytest (e.g. `-- --hypothesis-seed=1`)."""
    session.install("-e", ".[test]")
    session.run(
        "pytest", "tests/fuzz", "--hypothesis-profile=fuzz", "--hypothesis-show-statistics",
        "-q", *session.posargs,
    )  # fmt: skip
