"""The engine: run every rule of a suite on the canonical figure and source tables.

Written once against narwhals; the tables' library (polars, pandas, or Spark) is the
dataframe library underneath. Results are identical on every one. Reading drops, files
and frames into these tables is the checking layer's (``statcheck.checking``).
"""

from __future__ import annotations

from typing import Any

from statcheck.backends import backend_of
from statcheck.collector import collector_paused
from statcheck.contract.rules import Rule
from statcheck.contract.suite import Suite
from statcheck.engine.context import Context, Vintage
from statcheck.engine.rules import run_rule
from statcheck.errors import INTERNAL_ERROR, StatcheckError
from statcheck.prepare import ParsedFigureTable as FigureTable
from statcheck.report import RuleResult, Status

__all__ = ["evaluate"]

# The kinds whose table-wide form joins the figure table with itself on its identity
# (Context.key): worth its integer codes. A suite without them does not make them.
_KEYED = frozenset({"sum", "ratio", "rate", "partition", "attribution"})


def evaluate(
    figures: FigureTable,
    sources: Any,
    suite: Suite,
    drop_id: str = "<frame>",
    earlier: tuple[Vintage, ...] = (),
) -> tuple[RuleResult, ...]:
    """The result of every rule of ``suite`` on the tables, the column schema's first
    when the suite has one. A rule that cannot be evaluated is a result in error, never
    a crash. ``earlier``: the earlier drops revision rules compare with, oldest first."""
    ctx = Context(figures=figures, sources=sources, suite=suite, drop_id=drop_id, earlier=earlier)
    ctx.preload([ref for rule in suite.rules for ref in rule.refs()])
    results = _run_rules(suite, ctx)
    if suite.schema is None:
        return results
    return (_schema_result(suite, figures), *results)


def _schema_result(suite: Suite, figures: FigureTable) -> RuleResult:
    from statcheck.engine.column_checks import check_schema  # imports pandera: only when asked

    assert suite.schema is not None
    try:
        return check_schema(suite.schema, figures)
    except Exception as exc:  # as for any rule: recorded, never a crash
        internal = not isinstance(exc, StatcheckError)
        return RuleResult(
            "schema", "schema", Status.ERROR, error=f"{type(exc).__name__}: {exc}",
            error_slug=INTERNAL_ERROR.slug if internal else getattr(exc, "slug", None), internal=internal,
        )  # fmt: skip


# pandas runs rules two at a time only on a table this long: below it each operation's
# own Python dominates, and two rules contend for the interpreter (10^5 rows: a tenth
# slower two at a time; 10^6: a quarter faster).
PANDAS_THREADS_FROM = 300_000


def _run_rules(suite: Suite, ctx: Context) -> tuple[RuleResult, ...]:
    """Every rule of the suite, two at a time on a table in memory: polars runs a rule's
    queries in its own threads and pyarrow's kernels (pandas' text, dates and Arrow
    arrays) let go of the interpreter, so one rule computes while another builds its
    explanations in Python. The rules only read the shared table, as dask's threads read
    the pandas frames they share; a table on a cluster is checked one rule at a time."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    workers = min(os.cpu_count() or 1, 4)
    frame = ctx.figures.frame
    library = frame.implementation
    threaded = library.is_polars() or (library.is_pandas() and len(frame) >= PANDAS_THREADS_FROM)
    rules = suite.rules
    keyed = any(rule.KIND in _KEYED for rule in rules)
    sized = backend_of(frame).sized_for  # (per thread: each rule's thread says it)
    with collector_paused():
        if workers < 2 or len(rules) < 2 or not threaded:
            if keyed:
                ctx.code_keys()
            with sized(frame):
                return tuple(run_rule(rule, ctx) for rule in rules)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            # The codes are made on one thread while the rules that need none start on
            # the others (10^6 rows: a twentieth of the call).
            coded = pool.submit(ctx.code_keys) if keyed else None

            def run(rule: Rule) -> RuleResult:
                if coded is not None and rule.KIND in _KEYED:
                    coded.result()
                with sized(frame):
                    return run_rule(rule, ctx)

            first = sorted(range(len(rules)), key=lambda i: rules[i].KIND in _KEYED)
            running = {i: pool.submit(run, rules[i]) for i in first}
            return tuple(running[i].result() for i in range(len(rules)))
