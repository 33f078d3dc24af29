"""The attribution rule's two cycle checks on a generated table of 10^5 figures: a figure
citing its own source, rings of two and three sources whose figures line up (cycles of
figures, and of sources) and rings whose figures do not (cycles of sources only), long
chains that reach the statistics office and chains that stop short of it.

Regression for issue 16: a single self-citing figure made the walk run one hop per source
(32 s at 10^5 figures, unbounded at 10^6); every cycle was reported once per figure going
round it, and rings of sources whose figures do not line up were not found at all. No
timing is asserted here: the benchmark carries the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl
import pytest

import statcheck
from statcheck.contract.suite import suite_from_yaml
from statcheck.report import Report

YEARS = [str(y) for y in range(2000, 2020)]
CHAINS, DEPTH, CHAIN_METRICS = 40, 4, 25
SHORT_CHAINS, SHORT_KEYS = range(0, CHAINS, 10), 5  # these chains' first source lacks 5 figures
LINED_PAIRS, LINED_PAIR_KEYS = 10, 50
UNLINED_PAIRS, UNLINED_PAIR_KEYS = 10, 100
LINED_TRIOS, LINED_TRIO_KEYS = 5, 20
UNLINED_TRIOS, UNLINED_TRIO_KEYS = 5, 100
SIZE = 100_000


@dataclass
class Table:
    """The generated figures and sources, and what the rule must find on them."""

    rows: list[dict[str, str]] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=lambda: {"stats": "official"})
    figure_cycles: set[tuple[str, ...]] = field(default_factory=set)
    source_cycles: set[tuple[str, ...]] = field(default_factory=set)
    no_primary: dict[str, str] = field(default_factory=dict)  # figure -> its dead-end path

    def add(self, fid: str, source: str, metric: str, year: str, cites: str | None) -> None:
        self.sources.setdefault(source, "media")
        self.rows.append(
            {
                "figure_id": fid,
                "metric": metric,
                "value": "5",
                "unit": "cases",
                "period": year,
                "source_id": source,
                "cites": cites,
            }
        )

    def ring(self, name: str, size: int, keys: int, *, lined_up: bool) -> None:
        """``size`` sources citing each other in a ring, each reporting ``keys`` figures;
        lined up, the ring's figures are for the same metrics and years (a cycle of
        figures per key), otherwise each source's are for a metric of its own."""
        members = [f"{name}-{chr(ord('a') + m)}" for m in range(size)]
        self.source_cycles.add(tuple(members))
        for k in range(keys):
            metric, year = f"{name}-m{k // len(YEARS)}", YEARS[k % len(YEARS)]
            ids = [f"{s}-{k:03d}" for s in members]
            for m, (source, fid) in enumerate(zip(members, ids, strict=True)):
                cited = members[(m + 1) % size]
                self.add(fid, source, metric if lined_up else f"{metric}-{m}", year, cited)
                if not lined_up:  # the cited source has no figure for it: a dead end
                    self.no_primary[fid] = f"{source}>{cited}"
            if lined_up:
                self.figure_cycles.add(tuple(ids))


def generated() -> Table:
    t = Table()
    keys = [(f"m{i}", y) for i in range(CHAINS // 2 * CHAIN_METRICS) for y in YEARS]
    for i, (metric, year) in enumerate(keys):  # the office reports every chain's figures
        t.add(f"stats-{i:05d}", "stats", metric, year, None)
    for j in range(CHAINS):  # chains of DEPTH sources relaying the office, hop by hop
        chain_keys = keys[(j % 20) * CHAIN_METRICS * len(YEARS) :][: CHAIN_METRICS * len(YEARS)]
        for k, (metric, year) in enumerate(chain_keys):
            for h in range(DEPTH):
                if h == 0 and j in SHORT_CHAINS and k < SHORT_KEYS:
                    continue  # the chain's first source did not report it
                cited = "stats" if h == 0 else f"c{j}-{h - 1}"
                fid = f"c{j}-{h}-{k:03d}"
                t.add(fid, f"c{j}-{h}", metric, year, cited)
                if j in SHORT_CHAINS and k < SHORT_KEYS:
                    t.no_primary[fid] = ">".join(f"c{j}-{g}" for g in range(h, -1, -1))
    t.add("selfie-1", "selfie", "m0", "2000", "selfie")  # a figure citing its own source
    t.figure_cycles.add(("selfie-1",))
    t.source_cycles.add(("selfie",))
    for i in range(LINED_PAIRS):
        t.ring(f"pair{i}", 2, LINED_PAIR_KEYS, lined_up=True)
    for i in range(UNLINED_PAIRS):
        t.ring(f"cross{i}", 2, UNLINED_PAIR_KEYS, lined_up=False)
    for i in range(LINED_TRIOS):
        t.ring(f"trio{i}", 3, LINED_TRIO_KEYS, lined_up=True)
    for i in range(UNLINED_TRIOS):
        t.ring(f"tri{i}", 3, UNLINED_TRIO_KEYS, lined_up=False)
    # Figures whose chains run into a cycle without being on it: not a cycle of their own.
    t.add("feeder-1", "feeder", "pair0-m0", YEARS[0], "pair0-a")
    t.add("feeder-2", "feeder", "trio0-m0", YEARS[1], "trio0-b")
    for i in range(SIZE - len(t.rows)):  # the rest: figures that cite no one
        t.add(f"loner-{i:05d}", "loner", f"l{i // len(YEARS)}", YEARS[i % len(YEARS)], None)
        t.no_primary[f"loner-{i:05d}"] = "loner"
    return t


SUITE = """suite: graphs
primary_sources: [official]
rules:
  - {id: cycles, kind: attribution, checks: [no-cycles, no-source-cycles]}
  - {id: primary, kind: attribution, checks: [reaches-primary]}
"""


@pytest.fixture(scope="module")
def table() -> Table:
    return generated()


def check(table: Table, library: str) -> Report:
    frame: Any = pl.DataFrame(table.rows, schema={c: pl.String for c in table.rows[0]})
    sources: Any = pl.DataFrame(
        {
            "source_id": list(table.sources),
            "name": list(table.sources),
            "kind": list(table.sources.values()),
        }
    )
    if library == "polars":
        return statcheck.validate(frame, suite_from_yaml(SUITE), sources=sources)
    # A pandas frame runs on polars unless the pandas engine is asked for.
    engine = "pandas" if library == "pandas engine" else None
    frame, sources = frame.to_pandas(), sources.to_pandas()
    return statcheck.validate(frame, suite_from_yaml(SUITE), sources=sources, engine=engine)


@pytest.mark.slow
@pytest.mark.parametrize("library", ["polars", "pandas", "pandas engine"])
def test_every_cycle_is_reported_once_on_a_table_of_100_000_figures(
    table: Table, library: str
) -> None:
    assert len(table.rows) == SIZE
    report = check(table, library)
    cycles = report.result("cycles").findings
    figure_cycles = [f.figures for f in cycles if f.slug == "citation-cycle"]
    source_cycles = [f for f in cycles if f.slug == "source-cycle"]
    # Each cycle once, its figures in the order the citations go, from the smallest.
    assert sorted(figure_cycles) == sorted(table.figure_cycles)
    assert len(source_cycles) == len(table.source_cycles)
    for ring in table.source_cycles:
        circle = " → ".join([*ring, ring[0]])
        said = [
            f
            for f in source_cycles
            if circle in f.explanation or f"{ring[0]} cites itself" in f.explanation
        ]
        assert len(said) == 1, ring
    self_citing = next(f for f in cycles if f.figures == ("selfie-1",))
    assert "cites its own source, selfie" in self_citing.explanation
    # The walk still follows chains to their end: 4 sources deep to the office, or short.
    primary = {f.figures[0]: f.explanation for f in report.result("primary").findings}
    assert set(primary) == set(table.no_primary)
    assert "its chain of citations c0-3 → c0-2 → c0-1 → c0-0 ends at c0-0" in primary["c0-3-000"]
    assert "reported by loner" in primary["loner-00000"]


def few_citations() -> tuple[pl.DataFrame, pl.DataFrame]:
    """An office's 4,000 figures and a paper's 40 citing it: every tenth off by 500, and
    two for years the office did not report (they meet no figure)."""
    office = [
        {"figure_id": f"o{i}", "metric": f"m{i // 20}", "value": str(1000 + i),
         "period": YEARS[i % 20], "source_id": "office", "cites": None}
        for i in range(4000)
    ]  # fmt: skip
    paper = [
        {"figure_id": f"p{i}", "metric": f"m{i * 97 // 20}", "value": str(1000 + i * 97 + 500 * (i % 10 == 0)),
         "period": YEARS[i * 97 % 20], "source_id": "paper", "cites": "office"}
        for i in range(40)
    ]  # fmt: skip
    paper += [
        {"figure_id": f"q{i}", "metric": "m0", "value": "1", "period": "1999",
         "source_id": "paper", "cites": "office"}
        for i in range(2)
    ]  # fmt: skip
    rows = [{**r, "unit": "cases"} for r in office + paper]
    frame = pl.DataFrame(rows, schema={c: pl.String for c in rows[0]})
    sources = pl.DataFrame(
        {
            "source_id": ["office", "paper"],
            "name": ["Office", "Paper"],
            "kind": ["official", "media"],
        }
    )
    return frame, sources


@pytest.mark.parametrize("engine", ["polars", "pandas"])
def test_a_few_citations_in_a_large_table_meet_their_cited_figures(engine: str) -> None:
    """The cited figures are looked up among every figure of the table (on pandas, the
    few citations' keys pick them first: ``joined_to_few``)."""
    frame, sources = few_citations()
    suite = suite_from_yaml(
        "suite: few\nprimary_sources: [official]\nrules:\n"
        "  - {id: agree, kind: attribution, checks: [agrees-with-cited, no-cycles]}\n"
    )
    data: Any = frame if engine == "polars" else frame.to_pandas()
    other: Any = sources if engine == "polars" else sources.to_pandas()
    report = statcheck.validate(data, suite, sources=other, engine=engine)
    findings = report.result("agree").findings
    assert [f.figures for f in findings] == [(f"p{i}", f"o{i * 97}") for i in (0, 10, 20, 30)]
    # Each printed to the unit: 500 apart, 499 between what they can stand for.
    assert all(f.gap == 499 for f in findings)
    assert "p10 ([2,469.5, 2,470.5]) cites office, whose own figure o970" in findings[1].explanation
