"""Fuzzing the CSV reading path end to end: generated CSV bytes (encodings, byte-order
marks, line endings, quoting, delimiters, title lines, damaged bytes) in a drop with a
valid manifest, validated on both engines. ``validate_drop`` must return a report; its
errors carry documented slugs and exit codes, never ``internal-error``; and every value
cell read is a figure or counted as no figure."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from statcheck.checking import validate_drop
from statcheck.contract.suite import suite_from_yaml
from statcheck.report import Report, Status
from tests.fuzz._documented import CONTRACT_SLUGS, INTERNAL, documented_exit_code
from tests.fuzz.test_fuzz_period import period_label
from tests.fuzz.test_fuzz_value import value_shaped

FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# A long figure table checked by rules of several kinds.
LONG_SUITE = suite_from_yaml(
    """
suite: fuzz-long
rules:
  - {id: total, kind: sum, total: t, parts: [a, b]}
  - {id: claim, kind: compare, left: a, op: ">=", right: b}
  - {id: share, kind: ratio, part: a, whole: t, share: s}
  - {id: running, kind: series, figures: {metric: cases}, cumulative: true}
  - {id: periods, kind: period}
  - {id: sources, kind: attribution}
""",
    "fuzz-long.yml",
)
# A publisher's wide table, melted by a `table:` mapping.
WIDE_SUITE = suite_from_yaml(
    """
suite: fuzz-wide
table:
  source: {source_id: pub, name: Publisher, kind: official}
  period: {year: year}
  dimensions: {region: region}
  series:
    cases: {unit: persons, scale: 1000}
    rate: {unit: percent, qualifier: about}
rules:
  - {id: table, kind: sum, over: region, total: W, parts: [X, Y]}
  - {id: running, kind: series, figures: {metric: cases}, cumulative: true}
""",
    "fuzz-wide.yml",
)
LONG_COLUMNS = [
    "figure_id", "metric", "value", "unit", "period", "period_start", "period_end",
    "source_id", "qualifier", "precision", "scale", "status", "published_at", "cites", "note",
    "region",
]  # fmt: skip
WIDE_COLUMNS = ["year", "region", "cases", "rate", "footnote"]
SOURCES = b"source_id,name,kind\nstats,Statistics office,official\npaper,A paper,media\n"

odd_text = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=8
) | st.sampled_from(['"', '""', "a,b", "a;b", "\n", "\r\n", "\t", " ", "\ufeff", "é", "€", "NA"])
dates = st.dates().map(str) | st.sampled_from(["2024-02-30", "2024-1-1", ""])
CELLS: dict[str, st.SearchStrategy[str]] = {
    "figure_id": st.sampled_from(["t", "a", "b", "s", "c1", "c2", "c3", "x"]),
    "metric": st.sampled_from(["cases", "share", "rate", ""]),
    "value": value_shaped() | st.integers(-(10**6), 10**20).map(str),
    "unit": st.sampled_from(["cases", "percent", "%", "persons", ""]),
    "period": period_label() | st.sampled_from(["2024", "2023", "2024-Q1", ""]),
    "period_start": dates,
    "period_end": dates,
    "source_id": st.sampled_from(["stats", "paper", "nobody", ""]),
    "qualifier": st.sampled_from(["", "about", "more than", "exactly", "nearly", "fuzzy"]),
    "precision": st.sampled_from(["", "0", "1", "1000", "0.1", "-1", "inf", "nan", "x"]),
    "scale": st.sampled_from(["", "1", "1000", "0", "-5", "1e309", "k"]),
    "status": st.sampled_from(["", "final", "provisional", "forecast", "FINAL", "guess"]),
    "published_at": dates,
    "cites": st.sampled_from(["", "stats", "paper", "stats;paper", "nobody", ";"]),
    "note": odd_text,
    "region": st.sampled_from(["W", "X", "Y", "", "w"]),
    "year": st.integers(1990, 2030).map(str) | st.sampled_from(["", "2024-Q1", "year"]),
    "cases": value_shaped() | st.sampled_from(["", " ", "1,234", "-"]),
    "rate": value_shaped() | st.sampled_from(["", "12.5", "12,5"]),
    "footnote": odd_text,
}
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "ascii"]


@st.composite
def csv_table(draw: st.DrawFn, columns: list[str], required: list[str]) -> list[list[str]]:
    """A header and rows: the columns a table needs, some optional ones, now and then a
    column missing, repeated or unnamed; cells plausible or not."""
    optional = [c for c in columns if c not in required]
    if "period" in required:  # a period label, or start and end dates: not both (see below)
        optional = [c for c in optional if c not in ("period_start", "period_end")]
        if draw(st.integers(0, 3)) == 0:
            required = [c for c in required if c != "period"] + ["period_start", "period_end"]
    header = required + draw(st.lists(st.sampled_from(optional), unique=True, max_size=5))
    if draw(st.integers(0, 9)) == 0:
        header.remove(draw(st.sampled_from(header)))
    if draw(st.integers(0, 19)) == 0:
        header.append(draw(st.sampled_from(["", header[0] if header else "x", " value "])))
    header = draw(st.permutations(header))
    n = draw(st.integers(0, 8))
    rows = [
        [draw(CELLS[c] if c in CELLS and draw(st.integers(0, 9)) else odd_text) for c in header]
        for _ in range(n)
    ]
    if rows and draw(st.integers(0, 9)) == 0:  # a ragged row
        rows[-1] = rows[-1][:-1] if draw(st.booleans()) else [*rows[-1], "extra"]
    return [header, *rows]


@st.composite
def csv_file(
    draw: st.DrawFn, columns: list[str], required: list[str]
) -> tuple[bytes, dict[str, Any]]:
    """The bytes of a CSV file and the manifest entry that describes it (almost always
    correctly)."""
    table = draw(csv_table(columns, required))
    delimiter = draw(st.sampled_from([",", ",", ";", "\t", "|"]))
    quoting: Any = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=newline).writerows(table)
    text = buf.getvalue()
    entry: dict[str, Any] = {}
    titles = draw(st.integers(0, 2)) if draw(st.integers(0, 4)) == 0 else 0
    if titles:
        text = "".join(f"Table {i}{newline}" for i in range(titles)) + text
        entry["header"] = titles + 1
    if draw(st.booleans()):
        text += newline * draw(st.integers(1, 2))
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    declared = encoding if draw(st.integers(0, 9)) else draw(st.sampled_from(ENCODINGS))
    if declared != "utf-8" or draw(st.booleans()):
        entry["encoding"] = declared
    if delimiter != "," or draw(st.integers(0, 9)) == 0:
        entry["delimiter"] = delimiter if draw(st.integers(0, 9)) else draw(st.sampled_from(",;"))
    if draw(st.integers(0, 9)) == 0:
        entry["decimal"] = ","
    if data and draw(st.integers(0, 14)) == 0:  # damaged: bytes changed, or cut short
        at = draw(st.integers(0, len(data) - 1))
        data = (
            data[:at]
            + draw(st.binary(max_size=3))
            + (data[at + 1 :] if draw(st.booleans()) else b"")
        )
    return data, entry


def _write_drop(folder: Path, figures: bytes, entry: dict[str, Any], sources: bool) -> None:
    for old in folder.iterdir():
        old.unlink()
    files = [("figures.csv", "figures", figures, entry)]
    if sources:
        files.append(("sources.csv", "sources", SOURCES, {}))
    lines = ["id: fuzz", "files:"]
    for name, role, data, extra in files:
        (folder / name).write_bytes(data)
        lines += [f"  - path: {name}", f"    role: {role}"]
        lines += [f"    {k}: {json.dumps(v)}" for k, v in extra.items()]
        lines.append(f"    sha256: {hashlib.sha256(data).hexdigest()}")
    (folder / "drop.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _check_report(report: Report) -> None:
    assert isinstance(report, Report)
    text = report.to_json()  # serializable: no NaN, no object JSON cannot hold
    assert json.loads(text)["exit_code"] == int(report.exit_code)
    for error in (e.to_dict() for e in report.errors):
        assert error["slug"] != INTERNAL, error["message"]
        assert error["slug"] in CONTRACT_SLUGS | {"checksum-mismatch"}, error
        assert error["exit_code"] == documented_exit_code(error["slug"]), error
    for result in report.results:
        assert not result.internal, (result.rule, result.error)
        if result.status is Status.ERROR:
            assert result.error_slug in CONTRACT_SLUGS, (result.rule, result.error_slug)
    if report.rows is not None:
        rows = report.rows
        assert rows.cells == rows.figures + rows.not_figures
        assert rows.figures >= rows.duplicates >= 0


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One drop folder, rewritten for every example (cheap: a few small files)."""
    return tmp_path_factory.mktemp("fuzz-drop")


LONG = (LONG_SUITE, LONG_COLUMNS, ["figure_id", "metric", "value", "unit", "period", "source_id"])
WIDE = (WIDE_SUITE, WIDE_COLUMNS, ["year", "region", "cases", "rate"])
# Mostly polars: pandas reads and checks a small drop several times slower, and the
# example budget (10,000 under `nox -s fuzz`) is shared by both.
backends = st.integers(0, 4).map(lambda i: "pandas" if i == 0 else "polars")


TABLES = {"long": LONG, "wide": WIDE}


@st.composite
def drops(draw: st.DrawFn) -> tuple[str, bytes, dict[str, Any], bool]:
    """Which table (long or wide), the figures file's bytes, its manifest entry, and
    whether the drop has a sources file."""
    kind = draw(st.sampled_from(sorted(TABLES)))
    _, columns, required = TABLES[kind]
    data, entry = draw(csv_file(columns, required))
    return kind, data, entry, kind == "long" and draw(st.booleans())


@FUZZ
@given(drops(), backends)
def test_a_csv_drop_gives_a_report(
    folder: Path, drop: tuple[str, bytes, dict[str, Any], bool], backend: str
) -> None:
    kind, data, entry, sources = drop
    _write_drop(folder, data, entry, sources=sources)
    _check_report(validate_drop(folder, TABLES[kind][0], engine=backend))


@pytest.mark.parametrize("extra", ["period_start", "period_end"])
def test_a_period_label_beside_one_period_date_is_a_contract_error(
    tmp_path: Path, backend: str, extra: str
) -> None:
    """Found by the fuzzer: `period` beside only one of period_start and period_end was an
    internal error, or the lone column was silently ignored; it is a missing column."""
    data = f"figure_id,metric,value,unit,period,{extra},source_id\nt,cases,1,cases,2024,,stats\n"
    (tmp_path / "d").mkdir()
    _write_drop(tmp_path / "d", data.encode(), {}, sources=True)
    report = validate_drop(tmp_path / "d", LONG_SUITE, engine=backend)
    _check_report(report)
    assert [e.slug for e in report.errors] == ["missing-column"]
