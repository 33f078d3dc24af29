"""The static site: what each page says, what it draws, and that data never becomes markup."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from statcheck.cli import main
from statcheck.docsite import SiteBuild, build_site
from statcheck.docsite._build import csv_cell
from statcheck.docsite._charts import interval_chart
from statcheck.docsite._common import breakable_id
from statcheck.docsite._timecharts import PeriodGaps, PeriodRow, gap_over_time, period_timeline
from tests.conftest import SEED_DROP, SEED_SUITE
from tests.docsite.conftest import (
    BLS_DROP,
    FORMULA,
    IMG,
    SCRIPT,
    WB_NEW,
    write_report,
)

SEED_PAGE = "kyivpost-desertion/2025-01-06-kyivpost-desertion.html"
MAX_PAGE_BYTES = 2 * 1024 * 1024


def pages(site: SiteBuild) -> dict[str, str]:
    return {p.relative_to(site.out).as_posix(): p.read_text(encoding="utf-8") for p in site.pages}


def text_of(html: str) -> str:
    """The page's words, roughly: tags dropped, entities decoded."""
    html = html.replace("<wbr>", "")  # where an id may wrap: no space in its text
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


def sections_of(html: str) -> dict[str, str]:
    return dict(re.findall(r'<section class="card \w+" id="([^"]+)">(.*?)</section>', html, re.S))


def test_a_period_mismatch_is_a_timeline_and_attribution_a_graph(seed_site: SiteBuild) -> None:
    """The parts add up (61,872 is within what 60,000 stands for): two value bars would
    overlap and look like agreement. The timeline shows what is wrong: the AWOL count
    covers all of 2024, two months past the total's Jan-Oct."""
    sections = sections_of(pages(seed_site)[SEED_PAGE])
    mismatch = sections["rule-ft-60000-is-desertion-plus-awol"]
    assert 'class="period-timeline"' in mismatch and 'class="interval-chart"' not in mismatch
    bars = re.findall(r'class="period-bar (\w+)" data-figure="([^"]+)"', mismatch)
    assert bars == [("total", "kp-ft-abandoning-cases"), ("part", "kp-odb-desertion-jan-oct"),
                    ("part", "kp-odb-awol-2024")]  # fmt: skip
    # one stretch outside the total's period, on the AWOL row only
    assert re.findall(r"<title>([^<]+): outside the total's period</title>", mismatch) == [
        "kp-odb-awol-2024"
    ]
    assert 'class="citation-graph"' in sections["rule-figures-trace-to-a-primary-source"]
    # passing and undetermined rules draw nothing
    for rule in ("rule-active-duty-within-the-force", "rule-more-than-two-previous-years-combined"):
        assert "<svg" not in sections[rule]


def test_period_timeline_marks_the_days_outside_the_totals_period() -> None:
    rows = [
        PeriodRow("total", "total", date(2024, 1, 1), date(2024, 10, 31), "Jan–Oct 2024"),
        PeriodRow("inside", "part", date(2024, 1, 1), date(2024, 10, 31), "Jan–Oct 2024"),
        PeriodRow("year", "part", date(2024, 1, 1), date(2024, 12, 31), "2024"),
        PeriodRow("before", "part", date(2023, 12, 1), date(2024, 3, 31), "Dec 2023–Mar 2024"),
    ]
    t = period_timeline("t", rows)
    assert t is not None and t.band is not None
    total, inside, year, before = t.bars
    assert (inside.x, inside.w) == (total.x, total.w) == (t.band.x, t.band.w)
    assert inside.outside == ()
    (after,) = year.outside  # Nov and Dec 2024: from the band's end to the bar's
    assert after.x == pytest.approx(t.band.x + t.band.w)
    assert after.x + after.w == pytest.approx(year.x + year.w)
    (early,) = before.outside  # Dec 2023
    assert early.x == pytest.approx(before.x) and early.x + early.w == pytest.approx(t.band.x)
    assert [tick.label for tick in t.ticks][:2] == ["Jan 2024", "Mar 2024"]


def test_gap_over_time_draws_one_mark_per_period_with_its_sign() -> None:
    periods = [
        PeriodGaps(date(y, 1, 1), date(y, 12, 31), str(y), lo, hi, n)
        for y, lo, hi, n in ((1960, 10.0, 10.0, 1), (1961, -5.0, 20.0, 3), (1962, -8.0, -8.0, 1))
    ]
    c = gap_over_time("t", periods)
    assert c is not None
    one, many, below = c.marks
    assert one.x < many.x < below.x
    assert one.y_high < c.zero_y < below.y_high  # SVG y grows downwards: above zero is up
    assert many.y_high < c.zero_y < many.y_low and many.count == 3
    assert many.tooltip == "1961: 3 findings, gap −5 to +20"
    assert gap_over_time("t", periods[:1]) is None  # one period is a table row


def test_failing_rules_come_first_and_counts_match_the_report(seed_site: SiteBuild) -> None:
    html = pages(seed_site)[SEED_PAGE]
    order = re.findall(r'<section class="card (\w+)"', html)
    assert order == sorted(order, key=["error", "fail", "undetermined", "pass"].index)
    index = pages(seed_site)["index.html"]
    row = re.search(r'2025-01-06-kyivpost-desertion\.html".*?</tr>', index, re.S)
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
    third = re.search(r'third\.html".*?</tr>', index, re.S)
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


# ---------------------------------------------------------------- what an analyst reads first


def prose(html: str) -> str:
    """The words as a reader sees them: no space before punctuation where a tag ended."""
    return re.sub(r"\( ", "(", re.sub(r" ([,.;:)])", r"\1", text_of(html)))


def attention_items(html: str) -> list[tuple[str, str]]:
    """The 'What needs attention' list: ('rule', rule id) or ('cause', its text) each."""
    block = html.split("What needs attention</h2>", 1)[1].split("</ul>", 1)[0]
    items = re.findall(r'<li class="(headline|cause)"( data-rule="[^"]*")?>(.*?)</li>', block, re.S)
    return [
        ("rule", unescape(attr.split('"')[1])) if kind == "headline" else ("cause", prose(body))
        for kind, attr, body in items
    ]


def test_a_failed_rules_headline_is_its_own_finding_and_1947_printed_twice_is_one_cause(
    bls_site: SiteBuild,
) -> None:
    table = pd.read_csv(BLS_DROP / "aat1.csv")
    twice = table["year"][table["year"].duplicated()].tolist()
    assert twice == [1947]  # the publisher's table prints 1947 twice (rows 8 and 9)
    values = len(table.columns) - 2  # every column but year and footnotes is a series
    html = pages(bls_site)["bls-cps-aat1/bls-cps-aat1-2025.html"]
    items = attention_items(html)
    # one cause (the duplicated year) where there were three headlines of the same note
    # (schema, and the two ratios it left undetermined), then each rule by its own finding
    assert [kind for kind, _ in items] == ["cause", "rule", "rule", "rule", "rule"]
    cause = items[0][1]
    assert f"{2 * values} figures are printed more than once for the same thing (1947)" in cause
    assert (
        "It alone makes schema fail (duplicate-key), employment-ratio-is-employed-over-population"
        " undetermined (duplicate-figure), unemployment-rate-is-unemployed-over-labor-force"
        " undetermined (duplicate-figure)." in cause
    )
    assert "4 more rules leave these figures out" in cause
    assert [rule for kind, rule in items if kind == "rule"] == [
        "labor-force-is-employed-plus-unemployed",
        "population-is-labor-force-plus-not-in-labor-force",
        "employed-is-agriculture-plus-non-agriculture",
        "participation-rate-is-labor-force-over-population",
    ]
    # the participation rate failed on 1951's rate, not on the duplicate-figure note
    block = html.split("What needs attention</h2>", 1)[1].split("</ul>", 1)[0]
    headline = re.search(
        r'data-rule="participation-rate-is-labor-force-over-population">(.*?)</li>', block, re.S
    )
    assert headline is not None
    words = text_of(headline.group(1))
    assert (
        ": ratio-mismatch participation_rate|1951 (59.2, 1951) should be labor_force|1951" in words
    )
    assert "duplicate" not in words
    # on the rule's card too, its own finding comes first and the note after
    card = sections_of(html)["rule-participation-rate-is-labor-force-over-population"]
    assert re.findall(r'<p class="explanation"><code>([\w-]+)</code>', card) == [
        "ratio-mismatch", "duplicate-figure",
    ]  # fmt: skip


def test_the_world_bank_site_is_small_and_one_chart_shows_the_gap_over_time(
    worldbank_site: SiteBuild,
) -> None:
    site = worldbank_site.out
    size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    assert size < 2_000_000, size
    assert not list(site.rglob("*.json"))  # the report is not copied: the CSV has every finding
    html = pages(worldbank_site)["worldbank-population/worldbank-population-2026-03-06.html"]
    assert len(html.encode()) < 300_000
    # independently: the World against the sum of its four income groups, year by year
    pop = pd.read_csv(WB_NEW / "population.csv")
    wide = pop.pivot(index="Year", columns="Country Code", values="Value")
    gap = wide["WLD"] - wide[["HIC", "UMC", "LMC", "LIC"]].sum(axis=1)
    expected = [(str(year), f"+{int(g):,}") for year, g in gap.items() if g != 0]
    assert len(expected) == 65  # every year 1960-2024: the income groups leave economies out
    card = sections_of(html)["rule-world-is-the-sum-of-the-four-income-groups"]
    assert card.count('class="gap-chart"') == 1 and "interval-chart" not in card
    assert card.count('class="gap-mark"') == 65
    rows = re.findall(
        r"<tr><td>(\d{4})</td><td class=\"n\">1</td><td class=\"n\">([^<]+)</td>", card
    )
    assert rows == expected
    # the 65 findings are behind a disclosure, not 65 charts in a row
    listed = card.split('<details class="form-findings">', 1)[1].split("</details>", 1)[0]
    assert listed.count('<div class="finding">') == 40 and "(40 of 65)" in listed
    assert card.split("</details>", 1)[0].count('<div class="finding">') == 40
    # the revisions: one chart too, one mark per year revised
    old = pd.read_csv(WB_NEW.parent / "worldbank-population-2020-04-14" / "population.csv")
    both = pop.merge(old, on=["Country Code", "Year"], suffixes=("", "_old"))
    revised = both[both["Value"] != both["Value_old"]]
    revisions = sections_of(html)["rule-population-not-revised-since-the-last-vintage"]
    assert revisions.count('class="gap-chart"') == 1
    assert revisions.count('class="gap-mark"') == revised["Year"].nunique()
    assert f"{len(revised):,} findings of one form" in text_of(revisions)


def test_the_findings_csv_has_every_finding_with_its_period(worldbank_site: SiteBuild) -> None:
    path = (
        worldbank_site.out / "worldbank-population" / "worldbank-population-2026-03-06.findings.csv"
    )
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert len(rows) == 65 + 12605
    first = rows[0]
    assert first["rule"] == "world-is-the-sum-of-the-four-income-groups"
    assert first["slug"] == "sum-mismatch" and first["period"] == "1960"
    assert first["figures"].startswith("population|WLD|1960;")
    assert (first["reported_low"], first["expected_low"], first["gap"]) == (
        "3021512598", "2991975815", "29536783",
    )  # fmt: skip


def test_ids_break_only_after_a_separator_and_stay_escaped() -> None:
    assert str(breakable_id("population|WLD|1960")) == "population|<wbr>WLD|<wbr>1960"
    assert str(breakable_id("plain")) == "plain"
    assert str(breakable_id("<b>a|b</b>")) == "&lt;b&gt;a|<wbr>b&lt;/<wbr>b&gt;"


def test_ids_are_not_styled_to_wrap_mid_word(bls_site: SiteBuild) -> None:
    html = pages(bls_site)["bls-cps-aat1/bls-cps-aat1-2025.html"]
    assert "anywhere" not in html.split("</style>", 1)[0]
    assert (
        '<h3 class="mono id">participation-<wbr>rate-<wbr>is-<wbr>labor-<wbr>force-<wbr>over-'
        "<wbr>population</h3>" in html
    )


def test_hostile_ids_in_a_form_and_a_cause_stay_text(tmp_path: Path) -> None:
    """The form's table, the gap chart's labels and the cause line carry ids from the data."""
    reports = tmp_path / "reports"
    reports.mkdir()
    report = _report("s", "d", "2024-01-01", {"fail": 2}, findings=4)
    for f in report["results"][0]["findings"]:
        f["figures"] = [f"{SCRIPT}|{f['figures'][0]}", IMG, FORMULA]
    report["results"][1]["findings"] = [
        {"slug": "duplicate-figure", "figures": [f"{SCRIPT}@row1", f"{SCRIPT}@row2"],
         "explanation": "printed twice"},
    ]  # fmt: skip
    (reports / "r.json").write_text(json.dumps(report))
    html = pages(build_site(reports, tmp_path / "site"))["s/d.html"]
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert 'class="form-table"' in html  # four sum-mismatch findings: one form
    assert "&lt;script&gt;document.<wbr>title=&#39;PWNED&#39;&lt;/<wbr>script&gt;|<wbr>t0" in html
    words = text_of(html)
    assert "One cause: 2 figures are printed more than once" in words
    assert f"{SCRIPT}@row1" in words
