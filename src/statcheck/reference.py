"""Everything generated from the declarations in the code: the docs' reference tables
(the error catalogue, the rule kinds, what a result's counts count) and the suite's JSON
Schema.

A page holds each generated table between two markers::

    <!-- generated: errors -->
    ...
    <!-- end generated: errors -->

``python -m statcheck.reference`` rewrites every generated block of the pages in
``docs/`` and ``suite.schema.json``; ``python -m statcheck.reference --check`` exits 1,
naming the files, when one is out of date (a test runs the same check, so neither the
docs nor the schema can drift from the code).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path

from statcheck.errors import CATALOGUE, Concern, ErrorKind, ExitCode

__all__ = [
    "GENERATORS",
    "counts_tables",
    "error_tables",
    "render",
    "rule_kinds_table",
    "schema_is_stale",
    "stale_pages",
]

_EXIT_WORDS = {
    ExitCode.CONTRACT: "exit 2",
    ExitCode.NOT_READY: "exit 4",
    ExitCode.INTERNAL: "exit 3",
    ExitCode.FAILED: "exit 1",
}


def error_tables() -> str:
    """One table per concern: every declared error kind, its exit code and meaning."""
    sections = []
    for concern in Concern:
        kinds = [k for k in CATALOGUE.values() if k.concern is concern]
        if not kinds:
            continue
        rows = "\n".join(_error_row(k) for k in kinds)
        sections.append(
            f"### {concern.value}\n\n| slug | exit | raised as | meaning |\n|---|---|---|---|\n{rows}"
        )
    return "\n\n".join(sections)


def _error_row(kind: ErrorKind) -> str:
    meaning = kind.meaning.replace("|", "\\|")  # a pipe, even in code, would end the cell
    return (
        f"| `{kind.slug}` | {_EXIT_WORDS[kind.exit_code]} | `{kind.family.__name__}` | {meaning} |"
    )


def rule_kinds_table() -> str:
    from statcheck.contract.rules.generate import rule_kinds_table as table

    return table()


def counts_tables() -> str:
    from statcheck.contract.rules.generate import counts_tables as tables

    return tables()


# Each generated block by name.
GENERATORS: dict[str, Callable[[], str]] = {
    "errors": error_tables,
    "rule-kinds": rule_kinds_table,
    "counts": counts_tables,
}

_BLOCK = re.compile(
    r"(<!-- generated: (?P<name>[\w-]+) -->)\n(?:.*?\n)?(<!-- end generated: (?P=name) -->)", re.S
)


def render(text: str) -> str:
    """The page with every generated block it holds made anew."""

    def fill(m: re.Match[str]) -> str:
        generate = GENERATORS.get(m["name"])
        if generate is None:
            return m[0]
        return f"{m[1]}\n{generate()}\n{m[3]}"

    return _BLOCK.sub(fill, text)


def stale_pages(docs: Path) -> list[Path]:
    """The pages under ``docs`` whose generated blocks differ from what the code declares."""
    return [
        page
        for page in sorted(docs.rglob("*.md"))
        if render(text := page.read_text(encoding="utf-8")) != text
    ]


def schema_is_stale() -> bool:
    """Whether the committed ``suite.schema.json`` differs from the declared rule kinds'."""
    from statcheck.contract.rules.generate import SCHEMA_FILE, schema_text

    return SCHEMA_FILE.read_text(encoding="utf-8") != schema_text()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m statcheck.reference", description="Regenerate the docs' reference tables."
    )
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="the docs folder")
    parser.add_argument("--check", action="store_true", help="only say which pages are stale")
    args = parser.parse_args(argv)
    from statcheck.contract.rules.generate import SCHEMA_FILE, schema_text

    stale = stale_pages(args.docs)
    schema = schema_is_stale()
    if args.check:
        for path in [*stale, *([SCHEMA_FILE] if schema else [])]:
            print(f"{path}: out of date (python -m statcheck.reference)")
        return 1 if stale or schema else 0
    for page in stale:
        page.write_text(render(page.read_text(encoding="utf-8")), encoding="utf-8")
        print(f"rewrote {page}")
    if schema:
        SCHEMA_FILE.write_text(schema_text(), encoding="utf-8")
        print(f"rewrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
