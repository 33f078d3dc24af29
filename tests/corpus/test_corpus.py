"""The corpus of hostile input: one case per way a drop or a suite can be wrong.

Every case builds a drop (a real manifest with real SHA-256) and a suite in a temporary
folder, runs the public command line (``statcheck validate DROP --suite SUITE --json``)
on every engine, and asserts what the issue asks of it:

- the outcome: the error slug, its location (file, line or row, column) and the exit
  code; or, for data that is fine, the verdicts and the numbers read;
- nothing on standard error that looks like a traceback or an internal error;
- the input is never modified: the SHA-256 of every file in the drop and of the suite is
  the same before and after the run.

A case is data (``Case``); the runner below is the only code. Decisions the corpus pins
down (see the error table in docs/errors.md): ``(5)`` is ``ambiguous-number``, never -5; a number
with a footnote mark (``60,000*``) is ``unexpected-text``; the spellings of "no value" are
``missing-value``; a short row's missing cells are empty cells; blank lines are skipped
and rows keep their line numbers; files the manifest does not list are never read.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import os
import pathlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from statcheck.cli import main
from statcheck.drops.manifest import sha256_of
from statcheck.errors import ExitCode

HEAD = "figure_id,metric,value,unit,period,source_id\n"
ROW = "a,cases,{v},cases,2024,stats\n"
SOURCES = (
    b"source_id,name,kind\nstats,Statistics office,official\npaper,A newspaper,media\n"
    b"blog,A blog,analyst\n"
)
PERIOD_SUITE = "suite: corpus\nrules:\n  - {id: ordered, kind: period, checks: [ordered]}\n"
FILE = "drop/f.csv"
DROP_YML = "drop/drop.yml"


def figures_csv(*values: str) -> bytes:
    """A figure table with one row per value (ids a, b, c, ...), every cell quoted as needed."""
    rows = [
        f"{chr(ord('a') + i)},cases,{_quote(v)},cases,2024,stats\n" for i, v in enumerate(values)
    ]
    return (HEAD + "".join(rows)).encode()


def _quote(cell: str) -> str:
    return f'"{cell}"' if any(c in cell for c in ',"\n') else cell


def parquet(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.write_parquet(buf)
    return buf.getvalue()


PARQUET = parquet(
    pl.DataFrame(
        {
            "figure_id": ["a", "b"],
            "metric": ["cases"] * 2,
            "value": ["1", "2"],
            "unit": ["cases"] * 2,
            "period": ["2024"] * 2,
            "source_id": ["stats"] * 2,
        }
    )
)


@dataclass(frozen=True)
class Case:
    """One corpus case. ``files``: name -> bytes in the drop. ``manifest``: the entries of
    drop.yml as (path, fields); None writes no manifest. The sha256 of a listed file is
    computed unless its fields give one. Expected: ``slug`` (an error) with ``location``
    (``file`` relative to the temporary folder) and ``exit``; or, with ``slug`` None, the
    rule verdicts ``findings`` {rule: {(finding slug, figure ids)}} and figure ``values``."""

    id: str
    files: dict[str, bytes]
    exit: int
    slug: str | None = None
    location: dict[str, Any] | None = None
    manifest: list[tuple[str, dict[str, Any]]] | None = field(
        default_factory=lambda: [("f.csv", {})]
    )
    suite: str | bytes = PERIOD_SUITE  # bytes: written as they are (a suite not in UTF-8)
    says: str | None = None  # a part of the error's message or hint
    findings: dict[str, set[tuple[str, tuple[str, ...]]]] | None = None
    values: dict[str, float] | None = None
    prepare: Callable[[Path], None] | None = None  # extra set-up of the drop folder
    never_read: tuple[str, ...] = ()  # files in the drop no code may open
    rule_error: tuple[str, str, str] | None = None  # (rule, slug, part of the message)
    top: tuple[str, ...] = ()  # more top-level lines of drop.yml, after `publisher:`


def error(
    id: str,
    data: bytes,
    slug: str,
    location: dict[str, Any],
    says: str | None = None,
    name: str = "f.csv",
    exit: int = ExitCode.CONTRACT,
    **fields: Any,
) -> Case:
    """A figures file that is an error."""
    return Case(id, {name: data}, exit, slug, location, manifest=[(name, fields)], says=says)


def at(row: int, column: str = "value", file: str = FILE) -> dict[str, Any]:
    return {"file": file, "row": row, "column": column}


def line(n: int, file: str = FILE, row: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"file": file, "line": n}
    if row is not None:
        out["row"] = row
    return out


def clean(id: str, data: bytes, values: dict[str, float], **fields: Any) -> Case:
    """A figures file read without error, its values as given."""
    return Case(
        id,
        {"f.csv": data},
        ExitCode.OK,
        manifest=[("f.csv", fields)],
        findings={"ordered": set()},
        values=values,
    )


BIG_ASCII = HEAD + "".join(ROW.replace("a,", f"r{i},", 1).format(v=i) for i in range(40_000))
BIG_LINES = BIG_ASCII.count("\n") + 1  # the line after the last of them

# --- bytes and encoding ------------------------------------------------------------------

BYTES = [
    clean("utf8-bom", codecs.BOM_UTF8 + figures_csv("60,000"), {"a": 60_000}),
    clean(
        "utf16-with-bom-declared",
        figures_csv("60,000", "−5").decode().encode("utf-16"),
        {"a": 60_000, "b": -5},
        encoding="utf-16",
    ),
    error(
        "utf16-with-bom-undeclared",
        figures_csv("1").decode().encode("utf-16"),
        "invalid-encoding",
        line(1),
        says="encoding: utf-16",
    ),
    error(
        "invalid-utf8",
        figures_csv("1").replace(b"stats\n", b"st\xffats\n"),
        "invalid-encoding",
        line(2),
        says="byte 68, line 2",
    ),
    error("nul-byte", figures_csv("1", "2").replace(b"b,", b"b\x00,"), "invalid-encoding", line(3)),
    error(
        "cp1252-far-into-the-file",
        BIG_ASCII.encode() + "z,cases,1,cases,2024,caf\u00e9\n".encode("cp1252"),
        "invalid-encoding",
        line(BIG_LINES),
        says=f"line {BIG_LINES}",
    ),
    error(
        "cr-only-line-endings",
        figures_csv("1", "two", "3").replace(b"\n", b"\r"),
        "invalid-number",
        at(3),
    ),
    error(
        "mixed-line-endings",
        HEAD.replace("\n", "\r\n").encode() + b"a,cases,1,cases,2024,stats\r"
        b"b,cases,2,cases,2024,stats\n"
        b"c,cases,three,cases,2024,stats\r\n",
        "invalid-number",
        at(4),
    ),
    error(
        "no-final-newline",
        figures_csv("1", "two").rstrip(b"\n"),
        "invalid-number",
        at(3),
    ),
    clean("no-final-newline-read", figures_csv("1", "2").rstrip(b"\n"), {"a": 1, "b": 2}),
]

# --- structure ---------------------------------------------------------------------------

STRUCTURE = [
    error("empty-file", b"", "empty-file", {"file": FILE}),
    error("header-only", HEAD.encode(), "empty-file", line(1)),
    error(
        "blank-header-cell",
        figures_csv("1").replace(b"unit,", b" ,", 1),
        "bad-header",
        line(1, row=1),
        says="blank name in column(s) 4",
    ),
    error(
        "duplicate-header",
        figures_csv("1").replace(b"unit,", b"metric,", 1),
        "bad-header",
        line(1, row=1),
        says="repeated name(s) 'metric'",
    ),
    error(
        "headers-differing-by-case",
        b"figure_id,metric,value,unit,period,source_id,Region,region\n"
        b"a,cases,1,cases,2024,stats,N,S\n",
        "bad-header",
        line(1, row=1),
        says="differ only by case",
    ),
    error(
        "headers-differing-by-spaces",
        b"figure_id,metric,value,unit,period,source_id,region, region \n"
        b"a,cases,1,cases,2024,stats,N,S\n",
        "bad-header",
        line(1, row=1),
        says="repeated name(s) 'region'",
    ),
    error(
        "unquoted-thousands-separator",  # North,60,000: an extra cell, never the value 60
        b"figure_id,metric,region,value,unit,period,source_id\n"
        b"a,cases,North,1,cases,2024,stats\n"
        b"b,cases,North,60,000,cases,2024,stats\n",
        "unreadable-csv",
        line(3, row=3),
        says="line 3 has 8 cells where the header names 7",
    ),
    error(
        "short-row",  # missing trailing cells are empty cells
        figures_csv("1") + b"b,cases,2,cases\n",
        "missing-value",
        at(3, "source_id"),
    ),
    error(
        "blank-rows-keep-line-numbers",
        HEAD.encode()
        + b"\n"
        + ROW.format(v=1).encode()
        + b",,,,,\n\nb,cases,ten,cases,2024,stats\n",
        "invalid-number",
        at(6),
    ),
    clean(
        "blank-rows-are-skipped",
        HEAD.encode() + b"\n" + ROW.format(v=1).encode() + b"\n,,,,,\n",
        {"a": 1},
    ),
    error(
        "semicolons-and-decimal-commas-declared-as-comma",
        b"figure_id;metric;value;unit;period;source_id\na;cases;2,5;cases;2024;stats\n",
        "unreadable-csv",
        line(1, row=1),
        says="delimiter: ';'",
    ),
    error(
        "unbalanced-quote",
        figures_csv("1") + b'b,cases,"2,cases,2024,stats\nc,cases,3,cases,2024,stats\n',
        "unreadable-csv",
        line(3, row=3),
        says="opened on line 3 is never closed",
    ),
    error(
        "newline-inside-a-quoted-field",  # the cell spans lines 2-3: the next row is line 4
        b"figure_id,metric,value,unit,period,source_id,note\n"
        b'a,cases,1,cases,2024,stats,"two\nlines"\n'
        b"b,cases,ten,cases,2024,stats,\n",
        "invalid-number",
        at(4),
    ),
]

# --- numbers -----------------------------------------------------------------------------

SPACES = {
    "space": " ",
    "no-break-space": "\u00a0",
    "narrow-no-break-space": "\u202f",
    "thin-space": "\u2009",
    "figure-space": "\u2007",
}
NUMBERS = [
    clean("thousands-comma-quoted", figures_csv("60,000"), {"a": 60_000}),
    *(
        clean(f"thousands-{name}", figures_csv(f"60{s}000"), {"a": 60_000})
        for name, s in SPACES.items()
    ),
    clean("unicode-minus-and-en-dash", figures_csv("\u22125", "\u20135"), {"a": -5, "b": -5}),
    error("parentheses", figures_csv("(5)"), "ambiguous-number", at(2), says="minus sign"),
    *(
        error(f"missing-spelled-{name}", figures_csv(cell), "missing-value", at(2))
        for name, cell in {
            "NA": "NA",
            "n/a": "n/a",
            "hyphen": "-",
            "em-dash": "\u2014",
            "two-dots": "..",
            "empty": "",
        }.items()
    ),
    error("empty-cell-shown", figures_csv("1", ""), "missing-value", at(3), says="row 3: empty"),
    error("inf", figures_csv("inf"), "invalid-number", at(2), says="not a finite number"),
    error("1e400", figures_csv("1e400"), "not-finite", at(2), says="too large"),
    # Too close to 0 for a float: refused, never read as 0 (or, below 2.2e-308, with fewer digits).
    error("1e-400", figures_csv("1", "1e-400"), "inexact-number", at(3), says="closer to 0"),
    error("1e-310", figures_csv("1e-310"), "inexact-number", at(2), says="closer to 0"),
    error(
        "1e-400-in-json",
        b'[{"figure_id": "a", "metric": "cases", "value": 2, "unit": "cases",'
        b' "period": "2024", "source_id": "stats"},'
        b' {"figure_id": "b", "metric": "cases", "value": -1.5e-400, "unit": "cases",'
        b' "period": "2024", "source_id": "stats"}]',
        "unreadable-json",
        {"file": "drop/f.json", "row": 3},
        says="closer to 0",
        name="f.json",
    ),
    error(
        "1e400-in-json",  # a typed JSON number too large for a float: refused, never inf
        b'[{"figure_id": "a", "metric": "cases", "value": 1e400, "unit": "cases",'
        b' "period": "2024", "source_id": "stats"}]',
        "unreadable-json",
        {"file": "drop/f.json"},
        says="InvalidNumber",
        name="f.json",
    ),
    error(
        "inf-in-parquet",
        parquet(
            pl.DataFrame(
                {
                    "figure_id": ["a"],
                    "metric": ["cases"],
                    "value": [float("inf")],
                    "unit": ["cases"],
                    "period": ["2024"],
                    "source_id": ["stats"],
                }
            )
        ),
        "not-finite",
        at(2, file="drop/f.parquet"),
        name="f.parquet",
    ),
    error(
        "integer-above-2-53",
        figures_csv("1", "9007199254740993"),
        "inexact-number",
        at(3),
    ),
    error(
        "integer-above-2-53-in-parquet",
        parquet(
            pl.DataFrame(
                {
                    "figure_id": ["a"],
                    "metric": ["cases"],
                    "value": [2**53 + 1],
                    "unit": ["cases"],
                    "period": ["2024"],
                    "source_id": ["stats"],
                }
            )
        ),
        "inexact-number",
        at(2, file="drop/f.parquet"),
        name="f.parquet",
    ),
    clean("integer-at-2-53-is-exact", figures_csv("9007199254740992"), {"a": 2.0**53}),
    error(
        "percent-in-a-count-column",
        figures_csv("12%"),
        "unit-mismatch",
        at(2),
        says="row 2: '12%'",  # the cell as printed, not the number read from it
    ),
    clean("scale-word-bn", figures_csv("1.2bn"), {"a": 1.2e9}),
    error("footnote-star", figures_csv("60,000*"), "unexpected-text", at(2), says="'*'"),
    error("footnote-bracket", figures_csv("60,000[1]"), "unexpected-text", at(2), says="'[1]'"),
]

# --- dates and periods -------------------------------------------------------------------


def with_period(period: str) -> bytes:
    return figures_csv("1").replace(b",2024,", f",{period},".encode())


def with_published(published: str) -> bytes:
    return (
        HEAD.replace("\n", ",published_at\n") + ROW.format(v=1).replace("\n", f",{published}\n")
    ).encode()


DATES = [
    error("free-text-period", with_period("Jan to Oct 2024"), "invalid-period", at(2, "period")),
    error("period-10/11/12", with_period("10/11/12"), "invalid-period", at(2, "period")),
    error("published-10/11/12", with_published("10/11/12"), "invalid-date", at(2, "published_at")),
    error("30-february", with_period("2024-02-30"), "invalid-date", at(2, "period")),
    error("spreadsheet-serial-period", with_period("45292"), "invalid-period", at(2, "period")),
    error(
        "spreadsheet-serial-date",
        with_published("45292"),
        "invalid-date",
        at(2, "published_at"),
    ),
]

# --- meaning -----------------------------------------------------------------------------

CITES_HEAD = "figure_id,metric,value,unit,period,source_id,cites\n"


def drop_with_sources(rows: str, suite: str, findings: dict[str, Any], exit: int, id: str) -> Case:
    return Case(
        id,
        {"f.csv": (CITES_HEAD + rows).encode(), "sources.csv": SOURCES},
        exit,
        manifest=[("f.csv", {}), ("sources.csv", {"role": "sources"})],
        suite="suite: corpus\nrules:\n" + suite,
        findings=findings,
    )


ATTRIBUTION = "  - {id: trace, kind: attribution, checks: [citations-resolve, no-cycles]}\n"
MEANING = [
    error(
        "duplicate-figure-ids",
        figures_csv("1", "2").replace(b"b,", b"a,"),
        "duplicate-figure-id",
        at(2, "figure_id"),
    ),
    Case(
        "same-id-different-values-in-two-files",  # a drop has one figure table
        {"f.csv": figures_csv("1"), "g.csv": figures_csv("2")},
        ExitCode.CONTRACT,
        "invalid-manifest",
        line(5, DROP_YML),
        manifest=[("f.csv", {}), ("g.csv", {})],
        says="2 files with role: figures",
    ),
    drop_with_sources(
        "t,cases,100,cases,2024,stats,\na,cases,90,cases,2024,stats,\n"
        "b,cases,80,cases,2024,stats,\n",
        "  - {id: parts, kind: sum, total: t, parts: [a, b]}\n",
        {"parts": {("sum-mismatch", ("t", "a", "b"))}},
        ExitCode.FAILED,
        "parts-exceed-the-total",
    ),
    drop_with_sources(
        "share,cases_share,50,percent,2024,stats,\npart,cases,0,cases,2024,stats,\n"
        "whole,cases,0,cases,2024,stats,\n",
        "  - {id: share, kind: ratio, part: part, whole: whole, share: share}\n",
        {"share": {("zero-denominator", ("share", "part", "whole"))}},
        ExitCode.FAILED,
        "zero-denominator",
    ),
    drop_with_sources(
        "self,cases,5,cases,2024,paper,paper\n",
        ATTRIBUTION,
        {"trace": {("citation-cycle", ("self",))}},
        ExitCode.FAILED,
        "self-citation",
    ),
    drop_with_sources(
        "p,cases,5,cases,2024,paper,blog\nb,cases,5,cases,2024,blog,paper\n",
        ATTRIBUTION,
        {"trace": {("citation-cycle", ("b", "p"))}},
        ExitCode.FAILED,
        "citation-cycle",
    ),
    drop_with_sources(
        "p,cases,5,cases,2024,paper,ministry\n",
        ATTRIBUTION,
        {"trace": {("unresolved-citation", ("p",))}},
        ExitCode.FAILED,
        "citation-of-a-missing-source",
    ),
]

# --- the drop ----------------------------------------------------------------------------


def _grow(folder: Path) -> None:
    """The file is still being written after its manifest was."""
    with (folder / "f.csv").open("ab") as fh:
        fh.write(b"b,cases,2,cases,2024,stats\n")


def _link_out_file(folder: Path) -> None:
    outside = folder.parent / "outside.csv"
    outside.write_bytes(figures_csv("1"))
    (folder / "f.csv").symlink_to(outside)


def _link_out_folder(folder: Path) -> None:
    outside = folder.parent / "elsewhere"
    outside.mkdir()
    (outside / "f.csv").write_bytes(figures_csv("1"))
    (folder / "data").symlink_to(outside, target_is_directory=True)


OUTSIDE_SHA = hashlib.sha256(figures_csv("1")).hexdigest()

THE_DROP = [
    Case(
        "a-listed-file-is-missing",
        {},
        ExitCode.NOT_READY,
        "file-missing",
        {"file": FILE},
        manifest=[("f.csv", {"sha256": "0" * 64})],
    ),
    Case(
        "unexpected-files-are-ignored-and-never-read",
        {
            "f.csv": figures_csv("1"),
            "README.md": b"# about this drop\n",
            "stray.csv": b"\x00\xff not even text",
        },
        ExitCode.OK,
        findings={"ordered": set()},
        never_read=("README.md", "stray.csv"),
    ),
    error(
        "truncated-parquet",
        PARQUET[: len(PARQUET) // 2],
        "unreadable-parquet",
        {"file": "drop/f.parquet"},
        says="cut short",
        name="f.parquet",
    ),
    error(
        "csv-named-parquet",
        figures_csv("1"),
        "unreadable-parquet",
        {"file": "drop/f.parquet"},
        says="format: csv",
        name="f.parquet",
    ),
    Case(
        "no-manifest-yet",
        {"f.csv": figures_csv("1")},
        ExitCode.NOT_READY,
        "manifest-missing",
        {"file": DROP_YML},
        manifest=None,
    ),
    Case(
        "still-being-written",
        {"f.csv": figures_csv("1")},
        ExitCode.NOT_READY,
        "checksum-mismatch",
        {"file": FILE},
        prepare=_grow,
    ),
    Case(
        "symlink-to-a-file-outside",
        {},
        ExitCode.CONTRACT,
        "unsafe-path",
        {"file": FILE},
        manifest=[("f.csv", {"sha256": OUTSIDE_SHA})],
        prepare=_link_out_file,
    ),
    Case(
        "symlinked-folder-outside",
        {},
        ExitCode.CONTRACT,
        "unsafe-path",
        {"file": "drop/data/f.csv"},
        manifest=[("data/f.csv", {"sha256": OUTSIDE_SHA})],
        prepare=_link_out_folder,
    ),
    Case(
        "dot-dot-in-a-file-name",
        {},
        ExitCode.CONTRACT,
        "unsafe-path",
        line(4, DROP_YML),
        manifest=[("../f.csv", {"sha256": OUTSIDE_SHA})],
    ),
    error(
        "compressed-file",  # drops hold no compressed files: nothing is expanded, so no cap
        b"\x1f\x8b\x08\x00" + b"\x00" * 16,
        "unsupported-format",
        line(4, DROP_YML),
        says="'.gz'",
        name="f.csv.gz",
    ),
    *(
        Case(
            f"published-at-{name}",
            {"f.csv": figures_csv("1")},
            ExitCode.CONTRACT,
            "invalid-manifest",
            line(3, DROP_YML),
            top=(f"published_at: {text}",),
            says="YYYY-MM-DD",
        )
        for name, text in (
            ("day-30-of-february", "2024-02-30"),
            ("a-word", "someday"),
            ("no-leading-zeros", "2024-1-5"),
        )
    ),
    *(
        error(
            f"checksum-{name}", figures_csv("1"), "invalid-manifest", line(4, DROP_YML), sha256=sha
        )
        for name, sha in (
            ("too-short", "12345"),
            ("with-its-algorithm", f"sha256:{OUTSIDE_SHA}"),
            ("not-hexadecimal", "z" * 64),
        )
    ),
    Case(
        "an-empty-path",
        {},
        ExitCode.CONTRACT,
        "invalid-manifest",
        line(4, DROP_YML),
        manifest=[("", {"sha256": OUTSIDE_SHA})],
    ),
    Case(
        "a-link-to-itself",
        {},
        ExitCode.CONTRACT,
        "unreadable-file",
        {"file": FILE},
        manifest=[("f.csv", {"sha256": OUTSIDE_SHA})],
        prepare=lambda folder: (folder / "f.csv").symlink_to("f.csv"),
    ),
    error(
        "json-nested-200000-deep",
        b"[" * 200_000 + b"]" * 200_000,
        "unreadable-json",
        {"file": "drop/f.json"},
        name="f.json",
    ),
    error(
        "json-key-twice-in-a-record",
        b'[{"figure_id":"a","metric":"m","value":"1","unit":"cases","period":"2024",'
        b'"source_id":"stats","value":"2"}]',
        "unreadable-json",
        {"file": "drop/f.json", "row": 2, "column": "value"},
        name="f.json",
    ),
]

# --- hostile suites ----------------------------------------------------------------------

REGION_FIGURES = (
    b"figure_id,metric,value,unit,period,source_id,country\n"
    b"no,cases,10,cases,2024,stats,NO\n"
    b"se,cases,5,cases,2024,stats,SE\n"
    b"odd,cases,1,cases,2024,stats,(a+)+$\n"
    b"long,cases,1,cases,2024,stats," + b"a" * 40 + b"!\n"
)


def suite_case(
    id: str,
    suite: str | bytes,
    exit: int,
    slug: str | None,
    line_no: int | None,
    findings: dict[str, set[tuple[str, tuple[str, ...]]]] | None = None,
) -> Case:
    return Case(
        id,
        {"f.csv": REGION_FIGURES},
        exit,
        slug,
        {"file": "suite.yml", "line": line_no} if slug else None,
        suite=suite,
        findings=findings,
    )


SUITES = [
    suite_case(
        "python-object-apply-tag",
        "suite: corpus\nrules:\n  - id: boom\n    kind: compare\n"
        "    left: !!python/object/apply:os.system ['touch PWNED']\n    op: '>'\n    right: se\n",
        ExitCode.CONTRACT,
        "unsafe-yaml",
        5,
    ),
    suite_case(
        "alias-bomb",
        "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(ord('a') + i)}: &{chr(ord('a') + i)} [{', '.join(['*' + chr(ord('a') + i - 1)] * 10)}]\n"
            for i in range(1, 8)
        )
        + "suite: corpus\nrules: []\n",
        ExitCode.CONTRACT,
        "yaml-too-large",
        None,
    ),
    suite_case(
        "country-NO-stays-text",
        "suite: corpus\nrules:\n  - id: norway-above-sweden\n    kind: compare\n"
        "    left: {country: NO}\n    op: '>'\n    right: {country: SE}\n",
        ExitCode.OK,
        None,
        None,
        {"norway-above-sweden": set()},
    ),
    Case(  # a figure id that is not in the drop: the rule is in error, nothing is run
        "code-in-a-rule-field",
        {"f.csv": REGION_FIGURES},
        ExitCode.CONTRACT,
        suite="suite: corpus\nrules:\n  - id: smuggle\n    kind: sum\n"
        "    total: \"__import__('os').system('touch PWNED')\"\n    parts: [se]\n",
        findings={"smuggle": set()},
        rule_error=("smuggle", "unknown-figure", ".yml:3)"),
    ),
    suite_case(
        "suite-in-latin-1",
        "suite: corpus\ndescription: données\nrules:\n".encode("latin-1") + b"  - {}\n",
        ExitCode.CONTRACT,
        "invalid-encoding",
        2,
    ),
    suite_case(
        "suite-in-utf-16-without-bom",
        b"suite: corpus\nrules:\n" + "  - {id: ordered, kind: period}\n".encode("utf-16-le"),
        ExitCode.CONTRACT,
        "invalid-encoding",
        3,
    ),
    suite_case(
        "rules-as-a-mapping",
        "suite: corpus\nrules:\n  ordered: {kind: period, checks: [ordered]}\n",
        ExitCode.CONTRACT,
        "invalid-suite",
        2,
    ),
    suite_case(
        "rules-as-text", "suite: corpus\nrules: ordered\n", ExitCode.CONTRACT, "invalid-suite", 2
    ),
    suite_case(  # 150,000 values and not one alias: long is not a bomb
        "long-suite-without-an-alias",
        "suite: corpus\nschema:\n  metrics: [cases"
        + "".join(f", metric-{i}" for i in range(150_000))
        + "]\nrules:\n"
        + "".join(
            f"  - {{id: n{i}, kind: compare, left: {{country: NO}}, op: '>', right: se}}\n"
            for i in range(100)
        ),
        ExitCode.OK,
        None,
        None,
        {"schema": set()} | {f"n{i}": set() for i in range(100)},
    ),
    suite_case(
        "alias-bomb-thirty-levels",
        "suite: corpus\nlaughs:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        + "".join(f"  l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 30))
        + "rules: []\n",
        ExitCode.CONTRACT,
        "yaml-too-large",
        3,
    ),
    suite_case(
        "alias-inside-its-anchor",
        "suite: corpus\nrules:\n  - &r {id: ordered, kind: period, checks: [*r]}\n",
        ExitCode.CONTRACT,
        "yaml-too-large",
        3,
    ),
    suite_case(
        "nested-100000-deep",
        "suite: corpus\nrules: " + "[" * 100_000 + "\n",
        ExitCode.CONTRACT,
        "yaml-too-large",
        2,
    ),
    suite_case(  # suites hold no regular expressions: a selector is compared as text
        "pathological-regex-is-plain-text",
        "suite: corpus\nrules:\n  - id: odd-below-norway\n    kind: compare\n"
        "    left: {country: '(a+)+$'}\n    op: '<'\n    right: {country: NO}\n",
        ExitCode.OK,
        None,
        None,
        {"odd-below-norway": set()},
    ),
]

# --- table shapes: wide, long, one huge cell (each read in time and memory in proportion
# to its cells; docs/performance.md "Table shapes") -------------------------------------


def wide_csv(dimensions: int, cells: list[list[str]], extra: str = "") -> bytes:
    """A figures table with ``dimensions`` dimension columns d0, d1, ...; ``cells`` are
    rows of (value, dimension cell) with ids a, b, c, ...; ``extra`` is appended as is."""
    head = HEAD.rstrip("\n") + "".join(f",d{j}" for j in range(dimensions)) + "\n"
    rows = [
        f"{chr(ord('a') + i)},cases,{_quote(v)},cases,2024,stats" + f",{_quote(d)}" * dimensions
        for i, (v, d) in enumerate(cells)
    ]
    return (head + "".join(r + "\n" for r in rows) + extra).encode()


def wide_frame(dimensions: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "figure_id": ["a", "b"],
            "metric": ["cases"] * 2,
            "value": ["1", "2"],
            "unit": ["cases"] * 2,
            "period": ["2024"] * 2,
            "source_id": ["stats"] * 2,
            **{f"d{j}": ["x", " y "] for j in range(dimensions)},
        }
    )


def json_bytes(frame: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.write_json(buf)
    return buf.getvalue()


SHORT_ROWS = 3_000
SHAPES = [
    clean("wide-5000-empty-dimensions", wide_csv(5_000, [["1", ""], ["2", ""], ["3", ""]]),
          {"a": 1, "b": 2, "c": 3}),
    clean("wide-3000-dimensions-set-and-untidy",
          wide_csv(3_000, [["1", "x"], [" 2 ", " y "], ["60,000", "\u00a0z\u2003"]]),
          {"a": 1, "b": 2, "c": 60_000}),
    error(  # a blank line (delimiters only) and a line break in a dimension cell before it
        "wide-blank-line-and-line-break-keep-line-numbers",
        wide_csv(2_000, [], extra='a,cases,1,cases,2024,stats,"north\nsouth"' + "," * 1_999
                 + "\n" + "," * 2_005 + "\nb,cases,ten,cases,2024,stats" + "," * 2_000 + "\n"),
        "invalid-number",
        at(5),
    ),
    error(
        "wide-header-repeated-far-right",
        wide_csv(5_000, [["1", ""]]).replace(b",d4999\n", b",d17\n", 1),
        "bad-header",
        line(1, row=1),
        says="repeated name(s) 'd17'",
    ),
    Case("wide-json-2000-dimensions", {"f.json": json_bytes(wide_frame(2_000))}, ExitCode.OK,
         manifest=[("f.json", {})], findings={"ordered": set()}, values={"a": 1, "b": 2}),
    Case("wide-parquet-2000-dimensions", {"f.parquet": parquet(wide_frame(2_000))}, ExitCode.OK,
         manifest=[("f.parquet", {})], findings={"ordered": set()}, values={"a": 1, "b": 2}),
    clean("one-long-note-cell",
          (HEAD.rstrip("\n") + ",note\n" + "a,cases,1,cases,2024,stats," + "z" * 5_000_000
           + "\nb,cases,2,cases,2024,stats, short \n").encode(),
          {"a": 1, "b": 2}),
    error(  # the last of many short rows: its line is found without a loop over rows
        "many-short-rows-last-one-bad",
        (HEAD + "".join(f"{i:x},m,{i % 10},u,2024,s\n" for i in range(SHORT_ROWS))
         + "z,m,ten,u,2024,s\n").encode(),
        "invalid-number",
        at(SHORT_ROWS + 2),
    ),
]  # fmt: skip

CASES = [*BYTES, *STRUCTURE, *NUMBERS, *DATES, *MEANING, *THE_DROP, *SUITES, *SHAPES]


def test_case_ids_are_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) == len(set(ids))


# --- the runner --------------------------------------------------------------------------


def build(case: Case, root: Path) -> tuple[Path, Path]:
    drop = root / "drop"
    drop.mkdir()
    for name, data in case.files.items():
        (drop / name).write_bytes(data)
    if case.prepare is not None and case.prepare is not _grow:  # links, before the manifest
        case.prepare(drop)
    if case.manifest is not None:
        lines = ["id: corpus-drop", "publisher: test", *case.top, "files:"]
        for path, fields in case.manifest:
            extra = dict(fields)
            sha = extra.pop("sha256", None) or sha256_of(drop / path)
            rest = "".join(f", {k}: {json.dumps(v)}" for k, v in extra.items())
            lines.append(f"  - {{path: {json.dumps(path)}, sha256: {sha}{rest}}}")
        (drop / "drop.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    if case.prepare is _grow:
        _grow(drop)
    suite = root / "suite.yml"
    suite.write_bytes(case.suite if isinstance(case.suite, bytes) else case.suite.encode())
    return drop, suite


def hashes(root: Path) -> dict[str, str]:
    """SHA-256 of every input file (links followed), by path under ``root``."""
    return {
        str(p.relative_to(root)): sha256_of(p)
        for p in sorted(root.rglob("*"))
        if p.is_file() and "out" not in p.relative_to(root).parts
    }


def relative(location: dict[str, Any], root: Path) -> dict[str, Any]:
    out = dict(location)
    if "file" in out:
        out["file"] = str(Path(out["file"]).relative_to(root))
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus(
    case: Case,
    backend: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    drop, suite = build(case, tmp_path)
    before = hashes(tmp_path)
    opened: list[Path] = []
    real_open = pathlib.Path.open

    def spy(self: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(Path(os.path.abspath(self)))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "open", spy)
    monkeypatch.chdir(tmp_path)  # a smuggled `touch PWNED` would land here
    code = main(
        [
            "validate",
            str(drop),
            "--suite",
            str(suite),
            "--json",
            "--engine",
            backend,
            "--out",
            str(tmp_path / "out" / "report.json"),
        ]
    )
    monkeypatch.undo()
    out, err = capsys.readouterr()

    assert "Traceback" not in err and "internal error" not in err, err
    assert code == case.exit, (out, err)
    assert hashes(tmp_path) == before, "an input file changed"
    assert not (tmp_path / "PWNED").exists()
    for name in case.never_read:
        assert (drop / name).absolute() not in opened, f"{name} was opened"

    if not out:  # the suite could not be loaded: no report, the error on stderr
        assert case.slug is not None and f"[{case.slug}]" in err, err
        if case.location and case.location.get("line"):
            assert f"suite.yml:{case.location['line']}" in err, err
        return
    report = json.loads(out)
    assert report["exit_code"] == case.exit
    if case.slug is not None:
        assert not report["results"]
        [problem] = report["errors"]
        assert problem["slug"] == case.slug, problem
        assert problem["exit_code"] == case.exit
        assert relative(problem.get("location", {}), tmp_path) == case.location, problem
        if case.says:
            assert case.says in problem["message"] + problem.get("hint", ""), problem
        return
    assert report["errors"] == []
    if case.rule_error is not None:
        rule, slug, says = case.rule_error
        [result] = [r for r in report["results"] if r["rule"] == rule]
        assert result["status"] == "error" and result["error"]["slug"] == slug, result
        assert says in result["error"]["message"] and not result["error"]["internal"]
    got = {
        r["rule"]: {(f["slug"], tuple(f["figures"])) for f in r["findings"]}
        for r in report["results"]
    }
    if case.findings is not None:
        assert got == case.findings, got
    if case.values:
        check_values(drop, suite, backend, case.values)


def check_values(drop: Path, suite: Path, backend: str, values: dict[str, float]) -> None:
    """The numbers statcheck read, exactly."""
    from statcheck.checking import read_drop_figures
    from statcheck.contract.suite import load_suite

    figures = read_drop_figures(drop, load_suite(suite), backend).figures(values)
    assert {k: f.reported.value for k, f in figures.items()} == values


def test_a_byte_order_mark_never_stays_in_a_column_name(tmp_path: Path) -> None:
    """The first column is found under its own name, on every engine and format."""
    from statcheck.drops.manifest import read_drop
    from statcheck.drops.reader import read_drop_file

    data = codecs.BOM_UTF8 + b"region,value\nN,1\n"
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "f.csv").write_bytes(data)
    (folder / "drop.yml").write_text(
        f"id: d\nfiles:\n  - {{path: f.csv, sha256: {sha256_of(folder / 'f.csv')}}}\n"
    )
    spec = read_drop(folder).files[0]
    for backend in ("polars", "pandas"):
        frame = read_drop_file(folder / "f.csv", spec, backend)
        assert frame.columns == ["region", "value"], backend
