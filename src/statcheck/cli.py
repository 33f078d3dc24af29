"""The ``statcheck`` command line.

    statcheck validate DROP --suite SUITE.yml [--out REPORT.json] [--engine polars|pandas|spark]
                       [--earlier EARLIER_DROP ...] [--database-url URL] [--max-memory SIZE]
                       [--locate]
    statcheck run [--expectations DIR] [--drops DIR] [--out DIR] [--all]
                  [--junit FILE] [--summary FILE] [--engine polars|pandas|spark]
                  [--database-url URL] [--max-memory SIZE] [--locate]
    statcheck check-suite SUITE.yml
    statcheck init FOLDER [--refresh] [--figures FILE]
    statcheck suggest DROP_OR_FILE [--out SUITE.yml] [--id SUITE_ID]
    statcheck locate DROP --suite SUITE.yml [--json] [--engine polars|pandas|spark]
    statcheck adjust DROP --suite SUITE.yml [--out DIR [--force]] [--json] [--engine polars|pandas|spark]

Exit codes (the worst over everything checked): 0 every rule passed; 1 the data failed a
rule; 2 the suite, the data's shape or the command line is wrong; 3 internal error (the
report is still written, saying so); 4 a drop is not ready.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from statcheck.checking import ENGINES
from statcheck.errors import ExitCode, StatcheckError
from statcheck.inert import inert

if TYPE_CHECKING:
    from rich.console import Console

    from statcheck.checking import DropCache
    from statcheck.contract.suite import Suite
    from statcheck.contract.weights import Weights
    from statcheck.report import Report

    Commands = argparse._SubParsersAction[argparse.ArgumentParser]  # the subcommands

DEFAULT_OUT = Path("build") / "reports"
MAX_SHOWN = 8  # findings printed per rule; the JSON report has them all
CULPRIT_MARK = "↳ "  # a finding's culprits, on the line under it (--locate)
STATUS_STYLE = {
    "pass": "green",
    "fail": "bold red",
    "undetermined": "yellow",
    "error": "bold magenta",
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if getattr(args, "spark_master", None):
            from statcheck.engine.spark import use_master

            use_master(args.spark_master)
        if getattr(args, "max_memory", None):
            from statcheck.drops.budget import use_limit

            use_limit(args.max_memory)
        code = args.func(args)
    except StatcheckError as exc:
        console = _console(stderr=True)
        for each in (exc, *getattr(exc, "also", ())):  # a suite's every mistake, in line order
            console.print(_error_text(each))
        if getattr(exc, "also", ()):
            console.print(f"{1 + len(exc.also)} problems found")  # type: ignore[attr-defined]
        code = exc.exit_code
    except KeyboardInterrupt:
        code = ExitCode.INTERNAL
    except Exception as exc:  # statcheck's own bug: say so plainly; traceback only on request
        print(f"statcheck: internal error: {type(exc).__name__}: {inert(exc)}", file=sys.stderr)
        if os.environ.get("STATCHECK_DEBUG"):
            traceback.print_exc()
        code = ExitCode.INTERNAL
    return int(code)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="statcheck", description="Check whether reported figures agree with each other."
    )
    p.add_argument("--version", action="version", version=f"statcheck {_version()}")
    sub = p.add_subparsers(dest="command", required=True)

    _add_validate(sub)
    _add_run(sub)
    c = sub.add_parser("check-suite", help="check a suite file without any data")
    c.add_argument("suite", type=Path)
    c.set_defaults(func=_cmd_check_suite)
    _add_docs(sub)
    _add_init(sub)
    _add_suggest(sub)
    _add_locate(sub)
    _add_adjust(sub)
    return p


def _add_init(sub: Commands) -> None:
    """`statcheck init`: a drop's manifest for the files in a folder."""
    i = sub.add_parser(
        "init", help="write drop.yml for the data files in a folder, with their SHA-256"
    )
    i.add_argument("folder", type=Path, help="the folder that holds the data files")
    i.add_argument(
        "--refresh",
        action="store_true",
        help="bring the SHA-256 of an existing drop.yml up to date (nothing else changes)",
    )
    i.add_argument("--figures", metavar="FILE", help="the figures table, if several files could be")
    i.set_defaults(func=_cmd_init)


def _add_suggest(sub: Commands) -> None:
    """`statcheck suggest`: the suite a wide table's own figures support."""
    g = sub.add_parser(
        "suggest",
        help="propose a suite: the sums and shares a wide table already satisfies",
    )
    g.add_argument("data", type=Path, help="a drop folder, or a CSV, Parquet or JSON table")
    g.add_argument("--out", "-o", type=Path, help="write the suite here (default: print it)")
    g.add_argument(
        "--id", dest="suite_id", help="the suite's id (default: the drop's or file's name)"
    )
    g.set_defaults(func=_cmd_suggest)


def _add_validate(sub: Commands) -> None:
    """`statcheck validate`: one drop against one suite."""
    v = sub.add_parser("validate", help="validate one drop against one suite")
    v.add_argument(
        "drop",
        type=Path,
        help="the drop folder (with drop.yml), or a bare figures file (CSV, Parquet, JSON)",
    )
    v.add_argument("--suite", "-s", type=Path, required=True, help="the suite file (YAML)")
    v.add_argument(
        "--out",
        "-o",
        type=Path,
        help=f"where to write the JSON report (default {DEFAULT_OUT}/SUITE/DROP.json)",
    )
    v.add_argument(
        "--engine",
        choices=ENGINES,
        default="polars",
        help="dataframe engine: polars (default), pandas, or spark (the spark extra; see "
        "--spark-master)",
    )
    v.add_argument(
        "--json", action="store_true", help="print the JSON report instead of the summary"
    )
    v.add_argument(
        "--earlier",
        type=Path,
        action="append",
        default=[],
        metavar="DROP",
        help="an earlier drop of the same suite, for its revision rules (repeat it, oldest first)",
    )
    v.add_argument(
        "--sources",
        type=Path,
        metavar="FILE",
        help="with a bare figures file: the sources table that goes with it",
    )
    _locate_option(v)
    _database_url_option(v)
    _spark_master_option(v)
    _max_memory_option(v)
    v.set_defaults(func=_cmd_validate, parser=v)


def _add_run(sub: Commands) -> None:
    """`statcheck run`: every suite in a folder against its drops."""
    r = sub.add_parser(
        "run",
        help="validate every suite in a folder against the drops each targets",
        description=(
            "Validate every suite in the expectations folder against the drops it targets. "
            "A drop already validated with the same suite file, statcheck version, engine and "
            "drop checksums keeps its report (the checksums are verified every time); --all "
            "validates every drop again. Writes OUT/SUITE/DROP.json, OUT/junit.xml and "
            "OUT/summary.md (appended to $GITHUB_STEP_SUMMARY when set). Exits with the "
            "worst code over all suites and drops."
        ),
    )
    r.add_argument(
        "--expectations",
        "-e",
        type=Path,
        default=Path("expectations"),
        help="folder of suites (default expectations/)",
    )
    r.add_argument(
        "--drops",
        "-d",
        type=Path,
        default=_env_path("STATCHECK_DROPS"),
        help="look for drops in this folder, by the folder names the suites' `drops` globs "
        "give, instead of where the globs point (env STATCHECK_DROPS)",
    )
    r.add_argument(
        "--out",
        "-o",
        type=Path,
        default=DEFAULT_OUT,
        help=f"folder for the reports (default {DEFAULT_OUT})",
    )
    r.add_argument(
        "--all",
        action="store_true",
        help="validate every drop, even those whose stored report is current",
    )
    r.add_argument("--junit", type=Path, help="JUnit XML file (default OUT/junit.xml)")
    r.add_argument("--summary", type=Path, help="Markdown summary (default OUT/summary.md)")
    r.add_argument(
        "--engine",
        choices=ENGINES,
        default="polars",
        help="dataframe engine: polars (default), pandas, or spark (the spark extra; see "
        "--spark-master)",
    )
    _locate_option(r)
    _database_url_option(r)
    _spark_master_option(r)
    _max_memory_option(r)
    r.set_defaults(func=_cmd_run)


def _add_docs(sub: Commands) -> None:
    """`statcheck docs`: the static site of the reports."""
    d = sub.add_parser("docs", help="build a static site of the JSON reports (offline HTML)")
    d.add_argument(
        "--reports",
        type=Path,
        default=DEFAULT_OUT,
        help=f"folder of JSON reports, as `run` writes them (default {DEFAULT_OUT})",
    )
    d.add_argument(
        "--out",
        "-o",
        type=Path,
        default=Path("build") / "site",
        help="folder for the site (default build/site)",
    )
    d.add_argument(
        "--gx",
        action="store_true",
        help="also validate every suite's drops through Great Expectations and build its Data "
        "Docs beside the site (OUT/../gx; needs the `gx` extra), linked from the index",
    )
    d.add_argument(
        "--expectations",
        "-e",
        type=Path,
        default=Path("expectations"),
        help="with --gx: folder of suites (default expectations/)",
    )
    d.add_argument(
        "--drops",
        "-d",
        type=Path,
        default=_env_path("STATCHECK_DROPS"),
        help="with --gx: look for drops in this folder (env STATCHECK_DROPS)",
    )
    d.set_defaults(func=_cmd_docs)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("statcheck-contracts")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _locate_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--locate",
        action="store_true",
        help="also say which figures are most likely wrong: each failing finding gets its "
        "culprits (the report's `culprits`, a line in the summary; see docs/locate.md)",
    )


def _max_memory_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--max-memory",
        metavar="SIZE",
        default=None,
        help="the memory a check may use, e.g. 8G or 512M: a drop whose files would need more "
        "is refused before it is read (beyond-memory, exit 2); default 'auto', what the "
        "machine has (env STATCHECK_MAX_MEMORY)",
    )


def _spark_master_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--spark-master",
        metavar="URL",
        default=None,
        help="with --engine spark: the Spark master to run on, e.g. spark://HOST:7077, yarn, "
        "k8s://https://HOST:443 or local[4] (env STATCHECK_SPARK_MASTER; default local[*], "
        "this machine)",
    )


def _database_url_option(p: argparse.ArgumentParser) -> None:
    # The default stays None: the library reads STATCHECK_DATABASE_URL itself, so the
    # variable works the same from the command line, `nox -s validate` and statcheck.validate.
    p.add_argument(
        "--database-url",
        metavar="URL",
        default=None,
        help="the PostgreSQL server (postgresql://USER:PASSWORD@HOST:PORT/DB) that drops with "
        "`database: postgresql` entries read, instead of the URL in their drop.yml (env "
        "STATCHECK_DATABASE_URL; PGPASSWORD and ~/.pgpass work too); never written into a "
        "report with its password",
    )


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    # No markup: every line printed is a Text, and data in it is made inert first.
    return Console(stderr=stderr, highlight=False, markup=False, soft_wrap=not sys.stdout.isatty())


def _error_text(exc: StatcheckError) -> object:
    from rich.text import Text

    text = Text("error", style="bold red")
    text.append(f" [{exc.slug}] ")
    text.append(inert(str(exc)))
    return text


def _cmd_validate(args: argparse.Namespace) -> int:
    from statcheck import checking
    from statcheck.contract.suite import load_suite

    bare_file = args.drop.is_file()  # a figures file outside any drop, as the API takes
    if bare_file and args.earlier:
        args.parser.error("--earlier compares drops: give a drop folder, not a file")
    if args.sources and not bare_file:
        args.parser.error("--sources goes with a bare figures file; a drop lists its own")
    suite = load_suite(args.suite)
    inputs = [args.drop, *args.earlier, args.suite, *([args.sources] if args.sources else [])]
    if args.out:  # refused before any work
        checking.refuse_output_on_inputs(args.out, inputs)
    if bare_file:
        report = checking.validate_file(args.drop, suite, args.engine, sources=args.sources)
    else:
        cache = checking.DropCache()  # --locate reads the figures the validation read
        report = checking.validate_drop(
            args.drop, suite, args.engine, args.earlier, database_url=args.database_url, cache=cache
        )
    if args.locate and not report.errors:
        report = _located(args, suite, report, None if bare_file else cache)
    out = args.out or checking.report_path(DEFAULT_OUT, suite.id, str(report.drop["id"]))
    checking.refuse_output_on_inputs(out, inputs)
    report.write(out)
    if args.json:
        sys.stdout.write(report.to_json())
    else:
        console = _console()
        print_report(console, report)
        console.print(f"report: {inert(out)}")
    return int(report.exit_code)


def _located(
    args: argparse.Namespace, suite: Suite, report: Report, cache: DropCache | None
) -> Report:
    """The report with its failing findings' culprits, localised on the figures the
    validation read (a drop's from the run's cache; a bare file's read again)."""
    from statcheck import checking
    from statcheck.localisation import locate_report

    if cache is None:
        read = checking.file_inputs(
            args.drop, suite.table, args.engine, args.sources, values=suite.values
        )
    else:
        drop = cache.drop(args.drop)
        read = cache.inputs(drop, suite.table, args.engine, args.database_url, suite.values)
    return locate_report(report, read, suite)


def _add_locate(sub: Commands) -> None:
    """`statcheck locate`: which figures are most likely wrong (error localisation)."""
    loc = sub.add_parser(
        "locate",
        help="validate one drop and say which figures are most likely wrong",
        description=(
            "Validate a drop, then for every failing sum or comparison find the smallest "
            "sets of figures that, changed, let every linear rule hold at once (ties shown "
            "as alternatives). See docs/locate.md."
        ),
    )
    _drop_and_suite(loc, "print the localisation as JSON")
    loc.set_defaults(func=_cmd_locate)


def _drop_and_suite(p: argparse.ArgumentParser, json_help: str) -> None:
    """What `locate` and `adjust` read: a drop (or figures file), a suite, an engine."""
    p.add_argument("drop", type=Path, help="the drop folder, or a bare figures file")
    p.add_argument("--suite", "-s", type=Path, required=True, help="the suite file (YAML)")
    p.add_argument("--engine", choices=ENGINES, default="polars", help="dataframe engine")
    p.add_argument("--json", action="store_true", help=json_help)
    p.add_argument(
        "--weights",
        type=Path,
        help="a YAML file of weights (base, status, qualifier, source_kind), as a suite's "
        "`weights:` block; wins over the suite's",
    )


def _cmd_locate(args: argparse.Namespace) -> int:
    import json

    from statcheck.contract.suite import load_suite
    from statcheck.localisation import describe, locate

    found = locate(
        args.drop, load_suite(args.suite), weights=_weights_file(args.weights), engine=args.engine
    )
    if args.json:
        sys.stdout.write(json.dumps(found.to_dict(), indent=2, allow_nan=False) + "\n")
    else:
        console = _console()
        for error in found.report.errors:
            console.print(inert(f"error [{error.slug}] {error.message}"))
        for line in describe(found):
            console.print(inert(line))
    return int(found.report.exit_code)


def _weights_file(path: Path | None) -> Weights | None:
    """The weights of ``--weights FILE`` (None: the suite's)."""
    if path is None:
        return None
    from statcheck.contract.weights import load_weights

    return load_weights(path)


def _add_adjust(sub: Commands) -> None:
    """`statcheck adjust`: the smallest changes that make every linear rule hold."""
    adj = sub.add_parser(
        "adjust",
        help="validate one drop and list the smallest changes that make every linear rule hold",
        description=(
            "The weighted least absolute change beyond each figure's own interval that lets "
            "every sum and comparison hold: each changed figure with its old and new value "
            "and the rules that forced it. See docs/locate.md."
        ),
    )
    _drop_and_suite(adj, "print the changes as JSON")
    adj.add_argument(
        "--out",
        type=Path,
        help="write the adjusted drop to this folder (new or empty), with the changes in "
        "adjustments.csv",
    )
    adj.add_argument(
        "--force", action="store_true", help="with --out: write over the files in a folder"
    )
    adj.set_defaults(func=_cmd_adjust)


def _cmd_adjust(args: argparse.Namespace) -> int:
    import json

    from statcheck import checking
    from statcheck.contract.suite import load_suite
    from statcheck.localisation import adjust
    from statcheck.model.interval import format_number

    suite = load_suite(args.suite)
    if args.out is not None:  # refused before any work
        checking.refuse_output_on_inputs(args.out, [args.drop, args.suite])
    found = adjust(args.drop, suite, weights=_weights_file(args.weights), engine=args.engine)
    readable = not found.report.errors  # else the report's errors are printed, nothing written
    written = found.write(args.out, force=args.force) if args.out and readable else None
    if args.json:
        out = found.to_dict()
        if written is not None:
            out["written"] = {"folder": str(written.folder), "changes": str(written.changes)}
        sys.stdout.write(json.dumps(out, indent=2, allow_nan=False) + "\n")
        return int(found.report.exit_code)
    console = _console()
    for error in found.report.errors:
        console.print(inert(f"error [{error.slug}] {error.message}"))
    for c in found.changes:
        line = f"{c.figure_id}: {format_number(c.old)} -> {format_number(c.new)} ({', '.join(c.rules)})"
        console.print(inert(line))
    for ids in found.unsolved:
        console.print(inert(f"no change lets every rule hold among {', '.join(ids)}"))
    for rule, kind, why in found.left_out:
        console.print(inert(f"left out: {rule} ({kind}): {why}"))
    if written is not None:
        console.print(f"wrote {inert(written.folder)} (changes: {inert(written.changes)})")
    return int(found.report.exit_code)


def _cmd_run(args: argparse.Namespace) -> int:
    from statcheck import outputs, runner
    from statcheck.checking import refuse_output_on_inputs
    from statcheck.report import write_atomic

    with outputs.Echo.for_terminal() as echo:
        result = runner.run(
            args.expectations,
            args.out,
            drops_dir=args.drops,
            engine=args.engine,
            force=args.all,
            listener=echo,
            database_url=args.database_url,
            locate=args.locate,
        )
    junit_path, summary_path = (
        args.junit or args.out / "junit.xml",
        args.summary or args.out / "summary.md",
    )
    inputs = [d.folder for d in result.drops] + [s.file for s in result.suites]
    for path in (junit_path, summary_path):
        refuse_output_on_inputs(path, inputs)
    junit = write_atomic(junit_path, outputs.junit_xml(result))
    summary_text = outputs.markdown_summary(result)
    summary = write_atomic(summary_path, summary_text)
    step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if step_summary:
        with open(step_summary, "a", encoding="utf-8") as fh:
            fh.write(summary_text + "\n")
    echo.totals(result, {"reports": args.out, "junit": junit, "summary": summary})
    return int(result.exit_code)


def _cmd_check_suite(args: argparse.Namespace) -> int:
    from statcheck.contract.suite import load_suite

    suite = load_suite(args.suite)
    kinds = sorted({r.KIND for r in suite.rules})
    _console().print(
        f"suite {inert(suite.id)}: {len(suite.rules)} rule(s) ({', '.join(kinds)}), "
        "no problems found"
    )
    return int(ExitCode.OK)


def _cmd_init(args: argparse.Namespace) -> int:
    from statcheck.drops.describe import init_drop

    done = init_drop(args.folder, refresh=args.refresh, figures=args.figures)
    console = _console()
    for change in done.changes:
        was = f" (was {inert(change.old)})" if change.old else ""
        console.print(f"  {inert(change.path)}: sha256 {change.new}{was}")
    verb = "wrote" if done.created else ("updated" if done.changes else "already current:")
    console.print(f"{verb} {inert(done.manifest)}")
    return int(ExitCode.OK)


def _cmd_suggest(args: argparse.Namespace) -> int:
    from statcheck.checking import refuse_output_on_inputs
    from statcheck.report import write_atomic
    from statcheck.suggest import suggest

    if args.out is not None:  # before the search: the table is never written over
        refuse_output_on_inputs(args.out, [args.data])
    found = suggest(args.data, suite_id=args.suite_id)
    console = _console(stderr=args.out is None)  # the suite alone on stdout
    for note in found.undecided:
        console.print(f"cannot tell: {inert(note)}")
    if found.suite is None:
        for note in found.notes:  # what was read, and why nothing may have been searched
            console.print(inert(note))
        console.print(f"no sum or share found in {inert(str(args.data))}: no suite written")
        return int(ExitCode.OK)
    text = found.to_yaml()
    if args.out is None:
        sys.stdout.write(text)
    else:
        write_atomic(args.out, text)
    near = len(found.near_misses)
    failing = sum(1 for r in found.relations if r.candidate)
    console.print(
        f"suggested {len(found.relations)} rule(s), {near} of them near-misses"
        + (f", {failing} failing candidate(s)" if failing else "")
        + (f": wrote {inert(str(args.out))}" if args.out is not None else "")
    )
    return int(ExitCode.OK)


def _cmd_docs(args: argparse.Namespace) -> int:
    from rich.text import Text

    from statcheck.docsite import build_site

    worst = ExitCode.OK
    if args.gx:  # first, so the site finds the Data Docs to link to
        from statcheck.gx.build import build_all

        index, outcomes = build_all(args.expectations, args.out / "gx", args.drops)
        for o in outcomes:
            if o.problem:
                _console(stderr=True).print(
                    Text("not validated", style="red"), inert(f"{o.suite} / {o.drop}: {o.problem}")
                )
                worst = ExitCode.CONTRACT
        _console().print(f"Great Expectations Data Docs: {inert(index)}")
    built = build_site(args.reports, args.out)
    _console().print(
        f"site: {inert(built.index)} ({built.suites} suite(s), {built.reports} report(s), "
        f"{len(built.pages)} page(s))"
    )
    return int(worst)


def print_report(console: Console, report: Report) -> None:
    """The readable summary: one line per rule with what it checked, its findings beneath,
    then the counts per status."""
    from rich.text import Text

    from statcheck.outputs import fit_terminal

    head = Text(inert(f"{report.suite['id']} on {report.drop['id']}"), style="bold")
    console.print(head)
    for err in report.errors:
        line = Text("  ERROR ", style="bold red")
        loc = ", ".join(f"{k} {v}" for k, v in err.location.to_dict().items())
        line.append(inert(f"[{err.slug}] {err.message}" + (f" ({loc})" if loc else "")))
        if err.hint:
            line.append(inert(f"; {err.hint}"))
        console.print(line)
    for res in report.results:
        line = Text("  ")
        line.append(f"{res.status.value.upper():<12}", style=STATUS_STYLE[res.status.value])
        line.append(f" {inert(res.rule)}")
        described = res.describe()  # the counts, and a kind's summary (agreement)
        if described is not None:
            line.append(f"  {inert(described)}", style="dim")
        if console.is_terminal:  # wrapped under the rule id, the status keeping its colour
            fitted = Text(fit_terminal(console, line.plain))
            fitted.stylize(STATUS_STYLE[res.status.value], 2, 14)
            line = fitted
        console.print(line)
        for f in res.findings[:MAX_SHOWN]:
            console.print(Text(fit_terminal(console, inert(f"      {f.slug}: {f.explanation}"))))
            located = f.culprits_text  # with --locate: which figures are most likely wrong
            if located:
                console.print(
                    Text(fit_terminal(console, inert(f"        {CULPRIT_MARK}{located}")))
                )
        if len(res.findings) > MAX_SHOWN:
            console.print(
                Text(
                    f"      … and {len(res.findings) - MAX_SHOWN} more finding(s) in the JSON report"
                )
            )
        if res.error:
            console.print(
                Text(fit_terminal(console, inert(f"      {res.error_slug}: {res.error}")))
            )
    s = report.summary
    console.print(
        Text(
            f"  rules: {s['pass']} pass, {s['fail']} fail, {s['undetermined']} undetermined, "
            f"{s['error']} error; exit code {int(report.exit_code)}"
        )
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
