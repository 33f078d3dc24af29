"""Culprits in the report people read: `validate --locate` and `run --locate` (the JSON
report's `culprits` and `localisation`, the line under each failing finding, summary.md),
`statcheck.validate(..., locate=True)`, and the results site (the culprit figures
highlighted in the figures table, outlined in the chart, the sentence under the finding)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import statcheck
from statcheck.cli import main
from statcheck.docsite import build_site
from statcheck.report import Report
from tests.conftest import REPO, SEED_DROP, SEED_SUITE, MakeDrop
from tests.docsite.conftest import HOSTILE_FORMULA, HOSTILE_PART, HOSTILE_TOTAL, make_hostile

DROPS = REPO / "fixtures" / "drops"
BLS, BLS_SUITE = DROPS / "bls-cps-aat1-2025", REPO / "expectations" / "bls-cps-aat1.yml"
WB, WB_SUITE = (
    DROPS / "worldbank-population-2026-03-06",
    REPO / "expectations" / "worldbank-population.yml",
)
INCOME_RULE = "world-is-the-sum-of-the-four-income-groups"
INCOME_GROUPS = {"HIC", "UMC", "LMC", "LIC"}


def _validate(drop: Path, suite: Path, out: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    code = main(["validate", str(drop), "--suite", str(suite), "--out", str(out), *extra])
    return code, json.loads(out.read_text(encoding="utf-8"))


def _located(data: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    [result] = [r for r in data["results"] if r["rule"] == rule]
    return [f for f in result["findings"] if "culprits" in f]


@pytest.fixture(scope="module")
def wb_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, Path]:
    out = tmp_path_factory.mktemp("wb") / "reports" / "wb.json"
    code = main(["validate", str(WB), "--suite", str(WB_SUITE), "--out", str(out), "--locate"])
    return code, out


# ---------------------------------------------------------------- the JSON report


def test_the_world_total_is_never_blamed_the_income_groups_are(
    wb_report: tuple[int, Path],
) -> None:
    code, out = wb_report
    data = json.loads(out.read_text(encoding="utf-8"))
    assert code == 1
    findings = _located(data, INCOME_RULE)
    years = {f["figures"][0].split("|")[2] for f in findings}
    assert len(findings) == len(years) == 65  # every year, each with its culprits
    for f in findings:
        c = f["culprits"]
        year = f["figures"][0].split("|")[2]
        sets = [c["most_likely"], *c["alternatives"]]
        blamed = [fig["figure"] for s in sets for fig in s["figures"]]
        assert not any("|WLD|" in b for b in blamed)
        # the four income groups of that year, each alone a smallest set: a tie, shown
        assert sorted(blamed) == sorted(f"population|{g}|{year}" for g in INCOME_GROUPS)
        assert all(len(s["figures"]) == 1 and s["weight"] == 1.0 for s in sets)
        assert c["sentence"].startswith(f"most likely wrong: {blamed[0]}; changing it to between ")
        assert c["note"] is None and isinstance(c["component"], int)
    assert data["localisation"]["components"] == 65
    assert set(data["localisation"]) == {"weights", "components", "left_out"}


def test_a_culprit_carries_the_range_that_mends_it(wb_report: tuple[int, Path]) -> None:
    data = json.loads(wb_report[1].read_text(encoding="utf-8"))
    [f] = [f for f in _located(data, INCOME_RULE) if f["figures"][0] == "population|WLD|1960"]
    [best] = f["culprits"]["most_likely"]["figures"]
    assert best["rules"] == [INCOME_RULE]
    # what the world total less the other three groups leaves, within the rounding
    assert 937_794_080 < best["low"] <= best["high"] < 937_794_086
    assert not best["low"] <= best["reported"] <= best["high"]


def test_bls_every_failing_sum_has_culprits_and_the_ratios_say_why_not(tmp_path: Path) -> None:
    code, data = _validate(BLS, BLS_SUITE, tmp_path / "bls.json", "--locate")
    assert code == 1
    sums = [f for f in _located(data, "labor-force-is-employed-plus-unemployed")]
    mismatches = [f for f in sums if f["slug"] == "sum-mismatch"]
    assert len(mismatches) == 8 and all(f["culprits"]["most_likely"] for f in mismatches)
    [y1948] = [f for f in mismatches if f["figures"][0] == "labor_force|1948"]
    c = y1948["culprits"]
    assert [x["figure"] for x in c["most_likely"]["figures"]] == ["employed|1948"]
    assert [[x["figure"] for x in s["figures"]] for s in c["alternatives"]] == [
        ["labor_force|1948"],
        ["unemployed|1948"],
    ]
    left_out = {e["rule"]: e["kind"] for e in data["localisation"]["left_out"]}
    assert left_out == {
        "participation-rate-is-labor-force-over-population": "ratio",
        "employment-ratio-is-employed-over-population": "ratio",
        "unemployment-rate-is-unemployed-over-labor-force": "ratio",
    }
    [ratio] = _located(data, "participation-rate-is-labor-force-over-population")[-1:]
    assert ratio["slug"] == "ratio-mismatch" and ratio["culprits"]["component"] is None
    assert "ratio of two figures that may both be wrong" in ratio["culprits"]["note"]


def test_the_report_reads_back_with_its_culprits(wb_report: tuple[int, Path]) -> None:
    text = wb_report[1].read_text(encoding="utf-8")
    report = Report.from_json(text)
    assert report.to_json() == text  # byte for byte
    assert Report.from_dict(report.to_dict()) == report
    found = report.result(INCOME_RULE).findings[0]
    assert found.culprits is not None and found.culprits.suspects == ("population|HIC|1960",)
    assert report.localisation is not None and report.localisation.components == 65


def test_without_locate_the_report_is_what_it_was(tmp_path: Path) -> None:
    _, plain = _validate(BLS, BLS_SUITE, tmp_path / "plain.json")
    _, located = _validate(BLS, BLS_SUITE, tmp_path / "located.json", "--locate")
    assert "localisation" not in plain and "culprits" not in json.dumps(plain)
    # --locate only adds: take its fields away and the two reports are the same
    del located["localisation"]
    for result in located["results"]:
        for f in result["findings"]:
            f.pop("culprits", None)
    plain.pop("generated_at"), located.pop("generated_at")
    assert located == plain


# ---------------------------------------------------------------- the terminal


def test_the_summary_prints_the_culprits_under_each_failing_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _validate(BLS, BLS_SUITE, tmp_path / "bls.json", "--locate")
    lines = capsys.readouterr().out.splitlines()
    at = next(i for i, x in enumerate(lines) if "sum-mismatch: labor_force|1948 is" in x)
    assert lines[at + 1] == (
        "        ↳ most likely wrong: employed|1948; changing it to 58,344,000 makes both "
        "rules that use it hold; alternative: labor_force|1948; or unemployed|1948"
    )
    # a finding that compares no values (a duplicated key) gets no line
    at = next(i for i, x in enumerate(lines) if "duplicate-key:" in x)
    assert "↳" not in lines[at + 1]


def test_the_seed_drops_period_mismatch_is_no_numeric_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, data = _validate(SEED_DROP, SEED_SUITE, tmp_path / "seed.json", "--locate")
    [ft] = _located(data, "ft-60000-is-desertion-plus-awol")
    assert ft["slug"] == "period-mismatch"
    assert ft["culprits"]["component"] is None and ft["culprits"]["most_likely"] is None
    assert ft["culprits"]["note"].startswith("not a numeric failure")
    out = capsys.readouterr().out
    assert "↳ no culprit: not a numeric failure: the numbers fit" in out
    assert "most likely wrong" not in out


def test_a_hostile_figure_id_reaches_the_terminal_inert(
    make_drop: MakeDrop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    drop, suite = make_hostile(make_drop, tmp_path)
    _, data = _validate(drop, suite, tmp_path / "hostile.json", "--locate")
    [f] = _located(data, "total-is-parts")
    blamed = {
        x["figure"]
        for s in (f["culprits"]["most_likely"], *f["culprits"]["alternatives"])
        for x in s["figures"]
    }
    assert blamed == {HOSTILE_TOTAL, HOSTILE_PART, HOSTILE_FORMULA}
    out = capsys.readouterr().out
    [line] = [x for x in out.splitlines() if "↳ most likely wrong: " in x]
    assert any(h in line for h in (HOSTILE_TOTAL, HOSTILE_PART, HOSTILE_FORMULA))  # as text


# ---------------------------------------------------------------- the Python API


def test_validate_locate_gives_the_report_with_culprits(backend: str) -> None:
    report = statcheck.validate(BLS, BLS_SUITE, engine=backend, locate=True)
    finding = next(
        f
        for f in report.result("labor-force-is-employed-plus-unemployed").findings
        if f.figures[:1] == ("labor_force|1960",)
    )
    assert finding.culprits is not None
    assert finding.culprits.suspects == ("employed|1960",)
    assert finding.culprits.sentence is not None
    assert "between 65,775,000 and 65,777,000 makes both rules" in finding.culprits.sentence
    assert statcheck.validate(BLS, BLS_SUITE, engine=backend).localisation is None


def test_validate_locate_on_a_frame() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "figure_id": ["total", "a", "b"],
            "metric": ["total", "a", "b"],
            "value": ["250", "120", "100"],
            "unit": ["persons"] * 3,
            "source_id": ["stats"] * 3,
            "period": ["2024"] * 3,
            "status": ["final", "final", "provisional"],
        }
    )
    suite = statcheck.suite("s", [statcheck.rules.sum("t", total="total", parts=["a", "b"])])
    report = statcheck.validate(frame, suite, locate=True)
    [finding] = report.result("t").findings
    assert finding.culprits is not None and finding.culprits.suspects == ("b",)  # cheaper to doubt
    assert finding.culprits.alternatives == ()


def test_a_suite_without_a_linear_rule_locates_nothing_and_says_why(tmp_path: Path) -> None:
    # regression: a suite with no sum or compare (no relation at all) crashed localisation
    emdat = DROPS / "emdat-disasters-1900-2017"
    code, data = _validate(
        emdat, REPO / "expectations" / "emdat-disasters.yml", tmp_path / "e.json", "--locate"
    )
    assert code == 1 and data["localisation"]["components"] == 0
    located = [f for r in data["results"] for f in r["findings"] if "culprits" in f]
    assert located and all(f["culprits"]["note"] for f in located)


# ---------------------------------------------------------------- run, summary.md


def test_run_locate_writes_culprits_and_keeps_them_cached(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    suites = tmp_path / "expectations"
    suites.mkdir()
    text = WB_SUITE.read_text(encoding="utf-8").replace("../fixtures/drops/", f"{DROPS}/")
    (suites / "wb.yml").write_text(text, encoding="utf-8")
    out = tmp_path / "reports"
    args = ["run", "--expectations", str(suites), "--out", str(out)]
    assert main([*args, "--locate"]) == 1
    first = capsys.readouterr().out
    assert "      ↳ most likely wrong: population|HIC|1960; changing it to between" in first
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert "<br>↳ most likely wrong: population\\|HIC\\|1960; changing it" in summary
    junit = (out / "junit.xml").read_text(encoding="utf-8")
    assert "\n  ↳ most likely wrong: population|HIC|1961; changing it" in junit
    report = out / "worldbank-population" / "worldbank-population-2026-03-06.json"
    assert "culprits" in report.read_text(encoding="utf-8")
    assert main([*args, "--locate"]) == 1  # the same inputs: served from the cache
    assert "2026-03-06: fail (2 pass, 2 fail), cached" in capsys.readouterr().out
    assert "culprits" in report.read_text(encoding="utf-8")
    assert main(args) == 1  # without --locate: not the report it asked for, so made again
    assert "), cached" not in capsys.readouterr().out
    assert "culprits" not in report.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the results site


class _Rows(HTMLParser):
    """Per rule section of a drop page: each row of its figures table, as (figure id,
    the row's culprit class or ""); and the outlined bars of its charts."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[tuple[str, str]]] = {}
        self.outlined: dict[str, int] = {}
        self._section = ""
        self._in_figs = False
        self._row: list[str] | None = None  # [culprit class, figure text]
        self._cell = 0  # which td of the row (1: the figure's)
        self._span = 0  # spans open in the figure's cell: not its id

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "section":
            self._section = a.get("id") or ""
        elif tag == "table":
            self._in_figs = "figs" in classes
        elif tag == "tr" and self._in_figs:
            self._row, self._cell = [a.get("data-culprit") or "", ""], 0
        elif tag == "td" and self._row is not None:
            self._cell += 1
        elif tag == "span" and self._cell == 1:
            self._span += 1
        elif tag == "rect" and "culprit-outline" in classes:
            self.outlined[self._section] = self.outlined.get(self._section, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "span" and self._cell == 1:
            self._span -= 1
        elif tag == "tr" and self._row is not None and self._cell:  # not the header
            self.rows.setdefault(self._section, []).append((self._row[1], self._row[0]))
            self._row = None
        elif tag == "table":
            self._in_figs = False

    def handle_data(self, data: str) -> None:
        if self._row is not None and self._cell == 1 and self._span == 0:
            self._row[1] += data.strip()


def _page(site: Path, suite: str, drop: str) -> str:
    return (site / suite / f"{drop}.html").read_text(encoding="utf-8")


def _rows(html: str) -> _Rows:
    parsed = _Rows()
    parsed.feed(html)
    return parsed


def test_the_site_highlights_exactly_the_culprit_figures(
    wb_report: tuple[int, Path], tmp_path: Path
) -> None:
    site = build_site(wb_report[1].parent, tmp_path / "site", root=REPO)
    html = _page(site.out, "worldbank-population", "worldbank-population-2026-03-06")
    rows = _rows(html).rows[f"rule-{INCOME_RULE}"]
    report = Report.from_json(wb_report[1].read_text(encoding="utf-8"))
    culprits = [f.culprits for f in report.result(INCOME_RULE).findings if f.culprits]
    likely = {i for c in culprits for i in c.suspects}
    alike = {i for c in culprits for i in c.also_suspected} - likely
    assert rows and len(rows) == 40  # the figures of the first findings
    for figure_id, mark in rows:
        expected = (
            "most-likely" if figure_id in likely else "alternative" if figure_id in alike else ""
        )
        assert mark == expected, figure_id
        if "|WLD|" in figure_id:
            assert mark == ""
    assert {m for _, m in rows} == {"most-likely", "alternative", ""}
    assert "most likely wrong (the smallest set of figures" in html  # the legend
    assert "most likely wrong: population|HIC|1960; changing it to between 937,794,081" in html
    # the income rule's findings are one form: its table says which figure, per year
    assert (
        '<td class="mono id culprits-cell">population|<wbr>HIC|<wbr>1960 (or 3 as likely)' in html
    )
    # ... and its chart of the gap over time names it in each year's tooltip
    assert html.count('<g class="gap-mark culprit">') == 65
    assert "; most likely wrong: population|HIC|1960 (or 3 as likely)</title>" in html


def test_the_chart_outlines_the_side_with_the_culprit(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    main(
        [
            "validate",
            str(BLS),
            "--suite",
            str(BLS_SUITE),
            "--out",
            str(reports / "b.json"),
            "--locate",
        ]
    )
    site = build_site(reports, tmp_path / "site", root=REPO)
    parsed = _rows(_page(site.out, "bls-cps-aat1", "bls-cps-aat1-2025"))
    # one failing sum of its own (1975): one chart, the parts' bar outlined
    assert parsed.outlined == {"rule-population-is-labor-force-plus-not-in-labor-force": 1}
    rows = dict(parsed.rows["rule-population-is-labor-force-plus-not-in-labor-force"])
    assert rows["not_in_labor_force|1975"] == "most-likely"
    assert rows["population|1975"] == rows["labor_force|1975"] == "alternative"


def test_the_site_escapes_a_hostile_culprit(make_drop: MakeDrop, tmp_path: Path) -> None:
    drop, suite = make_hostile(make_drop, tmp_path)
    reports = tmp_path / "reports"
    main(
        ["validate", str(drop), "--suite", str(suite), "--out", str(reports / "h.json"), "--locate"]
    )
    site = build_site(reports, tmp_path / "site", root=tmp_path)
    html = _page(site.out, "hostile", "hostile-drop")
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert re.search(r'<p class="culprits">most likely wrong: [^<]*&lt;', html)
    rows = dict(_rows(html).rows["rule-total-is-parts"])
    assert set(rows) == {HOSTILE_TOTAL, HOSTILE_PART, HOSTILE_FORMULA}
    assert sorted(rows.values()) == ["alternative", "alternative", "most-likely"]


def test_validate_locate_reads_the_drop_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from statcheck.drops import manifest, reader

    counts: dict[str, int] = {"hashed": 0, "parsed": 0}
    sha256_of, read_drop_file = manifest.sha256_of, reader.read_drop_file

    def counted_hash(path: Path) -> str:
        counts["hashed"] += Path(path).name == "figures.csv"
        return sha256_of(path)

    def counted_read(path: Path, *args: Any, **kwargs: Any) -> Any:
        counts["parsed"] += Path(path).name == "figures.csv"
        return read_drop_file(path, *args, **kwargs)

    monkeypatch.setattr(manifest, "sha256_of", counted_hash)
    monkeypatch.setattr(reader, "read_drop_file", counted_read)
    _, data = _validate(SEED_DROP, SEED_SUITE, tmp_path / "seed.json", "--locate")
    assert "localisation" in data
    assert counts == {"hashed": 1, "parsed": 1}  # validation and localisation share one reading
