"""The ``statcheck`` command line.

    statcheck validate DROP --suite SUITE.yml [--out REPORT.json] [--engine polars|pandas]
    statcheck run [--expectations DIR] [--drops DIR] [--out DIR]
    statcheck check-suite SUITE.yml

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

from statcheck.errors import ExitCode, StatcheckError

if TYPE_CHECKING:
    from rich.console import Console

    from statcheck.contract.suite import Suite
    from statcheck.report import Report

DEFAULT_OUT = Path("build") / "reports"
MAX_SHOWN = 8  # findings printed per rule; the JSON report has them all
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
        code = args.func(args)
    except StatcheckError as exc:
        _console(stderr=True).print(_error_text(exc))
        code = exc.exit_code
    except KeyboardInterrupt:
        code = ExitCode.INTERNAL
    except Exception as exc:  # statcheck's own bug: say so plainly; traceback only on request
        print(f"statcheck: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if os.environ.get("STATCHECK_DEBUG"):
            traceback.print_exc()
        code = ExitCode.INTERNAL
    return int(code)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="statcheck", description="Check whether reported figures agree with each other."
    )
    sub = p.add_subparsers(dest="command", required=True)

    v = sub.add_parser("validate", help="validate one drop against one suite")
    v.add_argument("drop", type=Path, help="the drop folder (with drop.yml)")
    v.add_argument("--suite", "-s", type=Path, required=True, help="the suite file (YAML)")
    v.add_argument(
        "--out",
        "-o",
        type=Path,
        help=f"where to write the JSON report (default {DEFAULT_OUT}/SUITE/DROP.json)",
    )
    v.add_argument(
        "--engine",
        choices=("polars", "pandas"),
        default="polars",
        help="dataframe engine (default polars)",
    )
    v.add_argument(
        "--json", action="store_true", help="print the JSON report instead of the summary"
    )
    v.set_defaults(func=_cmd_validate)

    r = sub.add_parser(
        "run", help="validate every suite in a folder against the drops each targets"
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
        help="look for drops in this folder instead of where each suite's `drops` globs point (env STATCHECK_DROPS)",
    )
    r.add_argument(
        "--out",
        "-o",
        type=Path,
        default=DEFAULT_OUT,
        help=f"folder for the JSON reports (default {DEFAULT_OUT})",
    )
    r.add_argument("--engine", choices=("polars", "pandas"), default="polars")
    r.set_defaults(func=_cmd_run)

    c = sub.add_parser("check-suite", help="check a suite file without any data")
    c.add_argument("suite", type=Path)
    c.set_defaults(func=_cmd_check_suite)
    return p


def _env_path(name: str) -> Path | None:
    value = os.environ.get(name)
    return Path(value) if value else None


def _console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=not sys.stdout.isatty())


def _error_text(exc: StatcheckError) -> object:
    from rich.text import Text

    text = Text("error", style="bold red")
    text.append(f" [{exc.slug}] ")
    text.append(str(exc))
    return text


def _cmd_validate(args: argparse.Namespace) -> int:
    from statcheck.contract.suite import load_suite
    from statcheck.engine import validate_drop

    suite = load_suite(args.suite)
    report = validate_drop(args.drop, suite, backend=args.engine)
    out = args.out or DEFAULT_OUT / suite.id / f"{report.drop['id']}.json"
    report.write(out)
    if args.json:
        sys.stdout.write(report.to_json())
    else:
        console = _console()
        print_report(console, report)
        console.print(f"report: {out}")
    return int(report.exit_code)


def _cmd_run(args: argparse.Namespace) -> int:
    from statcheck.contract.suite import load_suite
    from statcheck.engine import validate_drop

    suites = sorted(args.expectations.glob("*.yml")) + sorted(args.expectations.glob("*.yaml"))
    if not suites:
        raise StatcheckError(f"no suites (*.yml) in {str(args.expectations)!r}", slug="no-suites")
    console = _console()
    worst = ExitCode.OK
    for path in suites:
        try:
            suite = load_suite(path)
        except StatcheckError as exc:
            console.print(_error_text(exc))
            worst = max(worst, exc.exit_code)
            continue
        folders = _drops_for(suite, args.drops)
        if not folders:
            console.print(f"[yellow]suite {suite.id}: no drops found[/yellow]")
            continue
        for folder in folders:
            report = validate_drop(folder, suite, backend=args.engine)
            report.write(args.out / suite.id / f"{report.drop['id']}.json")
            print_report(console, report)
            worst = max(worst, report.exit_code)
    console.print(f"reports: {args.out}")
    return int(worst)


def _drops_for(suite: Suite, drops_dir: Path | None) -> list[Path]:
    if drops_dir is None:
        return suite.drop_folders()
    # The suite's globs name drops by folder name; look for those names under drops_dir.
    found: set[Path] = set()
    for pattern in suite.drops:
        found.update(p for p in drops_dir.glob(Path(pattern).name) if p.is_dir())
    return sorted(found)


def _cmd_check_suite(args: argparse.Namespace) -> int:
    from statcheck.contract.suite import load_suite

    suite = load_suite(args.suite)
    kinds = sorted({r.KIND for r in suite.rules})
    _console().print(
        f"suite {suite.id}: {len(suite.rules)} rule(s) ({', '.join(kinds)}), no problems found"
    )
    return int(ExitCode.OK)


def print_report(console: Console, report: Report) -> None:
    """The readable summary: one line per rule, its findings beneath, then the counts."""
    from rich.text import Text

    head = Text(f"{report.suite['id']} on {report.drop['id']}", style="bold")
    console.print(head)
    for err in report.errors:
        line = Text("  ERROR ", style="bold red")
        where = err.get("location", {})
        loc = ", ".join(f"{k} {v}" for k, v in where.items())
        line.append(f"[{err['slug']}] {err['message']}" + (f" ({loc})" if loc else ""))
        if err.get("hint"):
            line.append(f"; {err['hint']}")
        console.print(line)
    for res in report.results:
        line = Text("  ")
        line.append(f"{res.status.value.upper():<12}", style=STATUS_STYLE[res.status.value])
        line.append(f" {res.rule}")
        console.print(line)
        for f in res.findings[:MAX_SHOWN]:
            console.print(Text(f"      {f.slug}: {f.explanation}"))
        if len(res.findings) > MAX_SHOWN:
            console.print(
                Text(
                    f"      … and {len(res.findings) - MAX_SHOWN} more finding(s) in the JSON report"
                )
            )
        if res.error:
            console.print(Text(f"      {res.error_slug}: {res.error}"))
    s = report.summary
    console.print(
        Text(
            f"  rules: {s['pass']} pass, {s['fail']} fail, {s['undetermined']} undetermined, "
            f"{s['error']} error; exit code {int(report.exit_code)}"
        )
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
