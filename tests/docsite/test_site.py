"""The static site: what each page says, what it draws, and that data never becomes markup."""

from __future__ import annotations

import csv
import io
import json
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from statcheck.cli import main
from statcheck.docsite import SiteBuild, build_site
from statcheck.docsite._build import csv_cell
from statcheck.docsite._charts import interval_chart
from tests.conftest import SEED_DROP, SEED_SUITE
from tests.docsite.conftest import FORMULA, IMG, SCRIPT, write_report

SEED_PAGE = "kyivpost-desertion/2025-01-06-kyivpost-desertion.html"
MAX_PAGE_BYTES = 2 * 1024 * 1024


def pages(site: SiteBuild) -> dict[str, str]:
    return {p.relative_to(site.out).as_posix(): p.read_text(encoding="utf-8") for p in site.pages}


def text_of(html: str) -> str:
    """The page's words, roughly: tags dropped, entities decoded."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


# ---------------------------------------------------------------- the seed drop


def test_seed_page_explains_the_period_mismatch_with_its_three_figures(
    seed_site: SiteBuild,
) -> None:
    html = pages(seed_site)[SEED_PAGE]
    words = text_of(html)
    assert "period-mismatch" in words
    assert "kp-odb-awol-2024 covers 2024 while the total covers Jan–Oct 2024" in words
    for fid in ("kp-ft-abandoning-cases", "kp-odb-desertion-jan-oct", "kp-odb-awol-2024"):
        assert fid in words
    # figure details come from the drop: value as printed, period, source and its chain
    assert "19,922 cases" in words
    chain = "Kyiv Post → Opendatabot (Ukrainian open-data service) → Office of the Prosecutor"
    assert f"{chain} General of Ukraine (official, primary)" in words
    assert "Relayed" not in words  # sanity: no stray template text


def test_failing_numeric_rule_has_an_interval_chart_and_attribution_a_graph(
    seed_site: SiteBuild,
) -> None:
    html = pages(seed_site)[SEED_PAGE]
    sections = dict(
        re.findall(r'<section class="card \w+" id="([^"]+)">(.*?)</section>', html, re.S)
    )
    assert 'class="interval-chart"' in sections["rule-ft-60000-is-desertion-plus-awol"]
    assert "55,000 to 65,000" in sections["rule-ft-60000-is-desertion-plus-awol"]
    assert 'class="citation-graph"' in sections["rule-figures-trace-to-a-primary-source"]
    # passing and undetermined rules draw nothing
    for rule in ("rule-active-duty-within-the-force", "rule-more-than-two-previous-years-combined"):
        assert "<svg" not in sections[rule]


def test_failing_rules_come_first_and_counts_match_the_report(seed_site: SiteBuild) -> None:
    html = pages(seed_site)[SEED_PAGE]
    order = re.findall(r'<section class="card (\w+)"', html)
    assert order == sorted(order, key=["error", "fail", "undetermined", "pass"].index)
    index = pages(seed_site)["index.html"]
    row = re.search(r"2025-01-06-kyivpost-desertion</a>.*?</tr>", index, re.S)
    assert row is not None
    assert re.findall(r'class="count (\w+)">(\d+)<', row.group(0)) == [
        ("pass", "6"), ("fail", "2"), ("undetermined", "1"), ("error", "0"),
    ]  # fmt: skip


def test_pages_run_no_script_and_load_nothing(seed_site: SiteBuild) -> None:
    for name, html in pages(seed_site).items():
        assert "<script" not in html.lower(), name
        assert "default-src 'none'" in html, name
        # nothing is fetched: no external src, stylesheet or font (links to sources are
        # only followed when clicked)
        assert not re.search(r'src="(https?:)?//', html) and "<link" not in html, name
        assert "@import" not in html and "url(" not in html, name


def test_page_renders_from_the_report_alone_when_the_drop_is_gone(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    path = write_report(reports, SEED_DROP, SEED_SUITE)
    report = json.loads(path.read_text())
    report["drop"]["path"] = str(tmp_path / "gone")
    path.write_text(json.dumps(report))
    site = build_site(reports, tmp_path / "site")
    words = text_of(pages(site)[SEED_PAGE])
    assert "The drop's files were not found" in words
    assert "kp-odb-awol-2024 covers 2024" in words


# ---------------------------------------------------------------- hostile data


def test_hostile_strings_render_as_inert_text(hostile_site: SiteBuild) -> None:
    html = pages(hostile_site)["hostile/hostile-drop.html"]
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "onerror=" not in html.replace("onerror=&#34;", "").replace("onerror=&quot;", "")
    assert "javascript:" not in html.split("</title>", 1)[1].replace("javascript:document", "")
    # the strings are there, escaped, for a reader to see
    assert "&lt;script&gt;document.title=&#39;PWNED&#39;&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;document.title=&#39;PWNED&#39;&#34;&gt;" in html
    assert "=HYPERLINK(&#34;http://evil.example/&#34;,&#34;click me&#34;)" in html
    assert 'href="javascript' not in html
    # in the chart and the citation graph too
    assert 'class="interval-chart"' in html and 'class="citation-graph"' in html


def test_hostile_ids_do_not_escape_the_site_folder(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    (reports / "x").mkdir(parents=True)
    report = _report("../../evil", "../../../etc/passwd", "2024-01-01", {"pass": 1})
    (reports / "x" / "r.json").write_text(json.dumps(report))
    site = build_site(reports, tmp_path / "site")
    for page in site.pages:
        assert page.resolve().is_relative_to((tmp_path / "site").resolve())
    assert not (tmp_path / "etc").exists()


def test_findings_csv_defuses_formulas(hostile_site: SiteBuild) -> None:
    text = (hostile_site.out / "hostile" / "hostile-drop.findings.csv").read_text()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@")), value
    assert any(FORMULA in r["figures"] for r in rows)
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("-2") == "'-2" and csv_cell(3) == 3


def test_hostile_suite_id_is_shown_escaped_on_the_index(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "r.json").write_text(json.dumps(_report(SCRIPT, IMG, "2024-01-01", {"fail": 1})))
    site = build_site(reports, tmp_path / "site")
    for html in pages(site).values():
        assert "<script>" not in html and "<img src" not in html
    assert "&lt;script&gt;" in pages(site)["index.html"]


# ---------------------------------------------------------------- history and deltas


def _report(
    suite: str, drop: str, published: str | None, counts: dict[str, int], findings: int = 0
) -> dict[str, Any]:
    summary = {s: counts.get(s, 0) for s in ("pass", "fail", "undetermined", "error")}
    results = []
    for status, n in summary.items():
        for i in range(n):
            results.append(
                {"rule": f"{status}-{i}", "kind": "sum", "status": status, "findings": []}
            )
    if findings and results:
        results[0]["findings"] = [
            {"slug": "sum-mismatch", "figures": [f"t{i}", f"a{i}", f"b{i}"],
             "explanation": f"t{i} is {i} but its parts add up to {i + 2}.",
             "reported": [i, i], "expected": [i + 2, None], "gap": 2.0, "tolerance": 0.0}
            for i in range(findings)
        ]  # fmt: skip
    return {
        "report_format": 1,
        "suite": {"id": suite},
        "drop": {"id": drop, "path": "/nonexistent/" + drop, "published_at": published},
        "status": "fail" if summary["fail"] else "pass",
        "exit_code": 1 if summary["fail"] else 0,
        "summary": summary | {"rules": sum(summary.values())},
        "results": results,
        "errors": [],
        "generated_at": "2025-01-01T00:00:00+00:00",
    }


def test_drops_are_ordered_by_publication_with_deltas(tmp_path: Path) -> None:
    from statcheck.docsite._collect import group_by_suite, load_reports

    reports = tmp_path / "reports" / "s"
    reports.mkdir(parents=True)
    # file names in the wrong order on purpose: order comes from published_at
    (reports / "a.json").write_text(
        json.dumps(_report("s", "third", "2024-03-01", {"pass": 1, "fail": 3}))
    )
    (reports / "b.json").write_text(json.dumps(_report("s", "first", "2024-01-01", {"pass": 4})))
    (reports / "c.json").write_text(
        json.dumps(_report("s", "second", "2024-02-01", {"pass": 3, "fail": 1}))
    )
    (hist,) = group_by_suite(load_reports(tmp_path / "reports"))
    assert [e.report.drop_id for e in hist.drops] == ["first", "second", "third"]
    assert hist.drops[0].delta is None
    assert hist.drops[1].delta == {"pass": -1, "fail": 1, "undetermined": 0, "error": 0}
    assert hist.drops[2].delta == {"pass": -2, "fail": 2, "undetermined": 0, "error": 0}
    site = build_site(tmp_path / "reports", tmp_path / "site")
    index = pages(site)["index.html"]
    third = re.search(r">third</a>.*?</tr>", index, re.S)
    assert third is not None and "(+2)" in third.group(0) and "(−2)" in third.group(0)
    assert 'class="delta worse"' in third.group(0) and 'class="delta better"' not in third.group(0)


def test_big_reports_are_capped_and_pages_stay_small(tmp_path: Path) -> None:
    reports = tmp_path / "reports"
    reports.mkdir()
    report = _report("big", "huge", "2024-01-01", {"fail": 30}, findings=0)
    for res in report["results"]:
        res["findings"] = _report("x", "y", None, {"fail": 1}, findings=3000)["results"][0][
            "findings"
        ]
    (reports / "big.json").write_text(json.dumps(report))
    site = build_site(reports, tmp_path / "site")
    page = site.out / "big" / "huge.html"
    assert page.stat().st_size < MAX_PAGE_BYTES
    words = text_of(page.read_text())
    assert "2960 more findings not shown on this page" in words
    assert "3000 more findings not shown on this page" in words  # the page's budget is spent
    rows = (site.out / "big" / "huge.findings.csv").read_text().count("\n")
    assert rows == 30 * 3000 + 1


def test_data_docs_linked_only_when_built(tmp_path: Path) -> None:
    reports = tmp_path / "build" / "reports"
    reports.mkdir(parents=True)
    (reports / "r.json").write_text(json.dumps(_report("s", "d", "2024-01-01", {"pass": 1})))
    link = "gx/data_docs/local_site/index.html"  # inside the site: `docs --out DIR --gx`
    site = build_site(reports, tmp_path / "build" / "site")
    assert link not in site.index.read_text()
    (tmp_path / "build" / "site" / "gx" / "data_docs" / "local_site").mkdir(parents=True)
    site = build_site(reports, tmp_path / "build" / "site")
    assert f'href="{link}"' in site.index.read_text()


# ---------------------------------------------------------------- charts


def test_interval_chart_marks_the_gap_and_open_ends() -> None:
    chart = interval_chart(
        "t", [("reported", "reported", 10.0, 12.0), ("expected", "expected", 20.0, None)], 8.0
    )
    assert chart is not None
    rep, exp = chart.bars
    assert rep.x < rep.x + rep.w < exp.x and exp.open_high and not exp.open_low
    assert chart.gap is not None and chart.gap.x1 == pytest.approx(rep.x + rep.w)
    assert chart.gap.x2 == pytest.approx(exp.x) and chart.gap.label == "gap 8"
    assert interval_chart("t", [("r", "reported", None, None)]) is None


def test_interval_chart_of_two_equal_points() -> None:
    chart = interval_chart("t", [("a", "reported", 5.0, 5.0), ("b", "expected", 5.0, 5.0)], 0.0)
    assert chart is not None and chart.gap is None
    assert chart.x0 <= chart.bars[0].x <= chart.x1


# ---------------------------------------------------------------- the command


def test_cli_docs_builds_the_site(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_report(tmp_path / "reports", SEED_DROP, SEED_SUITE)
    code = main(["docs", "--reports", str(tmp_path / "reports"), "--out", str(tmp_path / "site")])
    assert code == 0
    assert (tmp_path / "site" / "index.html").is_file()
    assert "site:" in capsys.readouterr().out


@pytest.mark.parametrize("make", ["missing", "empty"])
def test_cli_docs_without_reports_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], make: str
) -> None:
    if make == "empty":
        (tmp_path / "reports").mkdir()
        (tmp_path / "reports" / "junit.xml").write_text("<x/>")
    code = main(["docs", "--reports", str(tmp_path / "reports"), "--out", str(tmp_path / "site")])
    assert code == 2
    err = capsys.readouterr().err
    assert "no-reports" in err and "statcheck run" in err
