"""Each rule kind on small valid and invalid drops, on every backend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.errors import ExitCode
from statcheck.report import Counts, Report, Status
from tests.conftest import MakeDrop, figure


def run(drop: Path, suite_yaml: str, backend: str) -> Report:
    return validate_drop(drop, suite_from_yaml("suite: t\nrules:\n" + suite_yaml), engine=backend)


SUM = """
  - id: s
    kind: sum
    total: total
    parts: [a, b]
"""


def test_sum_within_rounding_passes(make_drop: MakeDrop, backend: str) -> None:
    # Printed in thousands: 5,000 + 3,000 vs 9,000 -> [7,000, 9,000] vs [8,500, 9,500] overlap.
    drop = make_drop(
        [
            figure("total", "9,000", precision="1000"),
            figure("a", "5,000", precision="1000"),
            figure("b", "3,000", precision="1000"),
        ]
    )
    assert run(drop, SUM, backend).result("s").status is Status.PASS


def test_sum_beyond_rounding_fails_with_gap(make_drop: MakeDrop, backend: str) -> None:
    # Quoted in prose, "100" is precise to its last non-zero digit (100): it stands for
    # 50..150, so 85 fits.
    drop = make_drop(
        [figure("total", "100"), figure("a", "40", precision="0"), figure("b", "45", precision="0")]
    )
    prose = suite_from_yaml("suite: t\nvalues: prose\nrules:\n" + SUM)
    assert validate_drop(drop, prose, engine=backend).result("s").status is Status.PASS
    # In a table it stands for its last printed digit (99.5..100.5), as with precision 1:
    assert run(drop, SUM, backend).result("s").findings[0].gap == 14.5
    drop2 = make_drop(
        [
            figure("total", "100", precision="1"),
            figure("a", "40", precision="0"),
            figure("b", "45", precision="0"),
        ],
        name="d2",
    )
    result2 = run(drop2, SUM, backend).result("s")
    assert result2.status is Status.FAIL
    [f2] = result2.findings
    assert f2.slug == "sum-mismatch"
    assert f2.figures == ("total", "a", "b")
    assert f2.gap == 14.5  # 85 vs [99.5, 100.5]
    assert f2.expected is not None and (f2.expected.low, f2.expected.high) == (85, 85)
    assert "85" in f2.explanation and "14.5" in f2.explanation


def test_sum_tolerance_widens_and_is_reported(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [
            figure("total", "100", precision="0"),
            figure("a", "40", precision="0"),
            figure("b", "58", precision="0"),
        ]
    )
    suite = SUM + "    tolerance: {absolute: 2}\n"
    assert run(drop, suite, backend).result("s").status is Status.PASS
    tight = SUM + "    tolerance: {absolute: 1}\n"
    [f] = run(drop, tight, backend).result("s").findings
    assert (f.gap, f.tolerance) == (2, 1)


def test_sum_across_time_checks_coverage(make_drop: MakeDrop, backend: str) -> None:
    rows = [
        figure("year", "10", precision="0"),
        figure("h1", "4", precision="0", period_start="2024-01-01", period_end="2024-06-30"),
        figure("q3", "3", precision="0", period_start="2024-07-01", period_end="2024-09-30"),
        figure("q4", "3", precision="0", period_start="2024-10-01", period_end="2024-12-31"),
    ]
    drop = make_drop(rows)
    ok = "  - id: s\n    kind: sum\n    across: time\n    total: year\n    parts: [h1, q3, q4]\n"
    assert run(drop, ok, backend).result("s").status is Status.PASS
    gap = "  - id: s\n    kind: sum\n    across: time\n    total: year\n    parts: [h1, q4]\n"
    findings = run(drop, gap, backend).result("s").findings
    assert [f.slug for f in findings] == ["sum-mismatch", "period-mismatch"]
    assert "they miss Q3 2024" in findings[1].explanation


def test_sum_missing_part_is_undetermined_or_zero(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop([figure("total", "7", precision="0"), figure("a", "7", precision="0")])
    parts = "    total: total\n    parts: [a, {metric: cases, period: '2023'}]\n"
    undetermined = run(drop, "  - id: s\n    kind: sum\n" + parts, backend).result("s")
    assert undetermined.status is Status.UNDETERMINED
    assert undetermined.findings[0].slug == "missing-figure"
    as_zero = run(drop, "  - id: s\n    kind: sum\n    missing: zero\n" + parts, backend).result(
        "s"
    )
    assert as_zero.status is Status.PASS


def test_sum_counts_its_one_total_and_why_it_was_not_checked(
    make_drop: MakeDrop, backend: str
) -> None:
    drop = make_drop([figure("total", "7", precision="0"), figure("a", "7", precision="0")])
    checked = run(drop, "  - {id: s, kind: sum, total: total, parts: [a]}\n", backend).result("s")
    assert checked.counts == Counts.of(checked=1, failed=0)
    cases = {
        "{total: {metric: none}, parts: [a]}": "missing-total",
        "{total: total, parts: [a, {metric: none}]}": "missing-parts",
        # with `missing: zero` an absent part is 0, but a total with none is not checked
        "{total: total, parts: [{metric: none}], missing: zero}": "missing-parts",
        "{total: 7, parts: [{metric: none}], missing: zero}": "missing-parts",
    }
    for fields, reason in cases.items():
        result = run(drop, f"  - {{id: s, kind: sum, {fields[1:]}\n", backend).result("s")
        assert result.status is Status.UNDETERMINED, fields
        assert result.counts == Counts.of(checked=0, failed=0, skipped={reason: 1}), fields


def test_unknown_figure_id_is_a_contract_error(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop([figure("total", "7")])
    report = run(drop, SUM, backend)
    result = report.result("s")
    assert result.status is Status.ERROR and result.error_slug == "unknown-figure"
    assert "'a'" in (result.error or "") and ":4)" in (result.error or "")
    assert report.exit_code is ExitCode.CONTRACT


def test_ambiguous_selector_is_an_error_not_a_guess(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop([figure("x", "7", source_id="stats"), figure("y", "8", source_id="paper")])
    suite = "  - id: c\n    kind: compare\n    left: {metric: cases}\n    op: '>'\n    right: x\n"
    result = run(drop, suite, backend).result("c")
    assert result.status is Status.ERROR and result.error_slug == "ambiguous-selector"


COMPARE = "  - id: c\n    kind: compare\n    left: a\n    op: '>'\n    right: [b, c]\n"


def test_compare(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [
            figure("a", "10", precision="0"),
            figure("b", "4", precision="0"),
            figure("c", "5", precision="0"),
        ]
    )
    assert run(drop, COMPARE, backend).result("c").status is Status.PASS
    drop2 = make_drop(
        [
            figure("a", "8", precision="0"),
            figure("b", "4", precision="0"),
            figure("c", "5", precision="0"),
        ],
        name="d2",
    )
    [f] = run(drop2, COMPARE, backend).result("c").findings
    assert f.slug == "comparison-mismatch" and f.gap == 1 and f.figures == ("a", "b", "c")


def test_compare_factor_and_qualifiers(make_drop: MakeDrop, backend: str) -> None:
    # "more than 350,000" is at least 350,000: it can be 3 times "about 100,000" ([50k, 150k]).
    drop = make_drop(
        [figure("a", "more than 350,000"), figure("b", "about 100,000", precision="100000")]
    )
    suite = "  - id: c\n    kind: compare\n    left: a\n    op: '>='\n    factor: 3\n    right: b\n"
    assert run(drop, suite, backend).result("c").status is Status.PASS
    # "fewer than 100" can never be at least 3 times "about 50" (45..55 at precision 10).
    drop2 = make_drop(
        [figure("a", "fewer than 100"), figure("b", "about 50", precision="10")], name="d2"
    )
    [f] = run(drop2, suite, backend).result("c").findings
    assert f.gap == 35  # 3 * 45 = 135 vs at most 100


SOURCES = [
    {"source_id": "stats", "name": "Statistics office", "kind": "official"},
    {"source_id": "paper", "name": "A newspaper", "kind": "media"},
    {"source_id": "blog", "name": "A blog", "kind": "analyst"},
]


def attribution(checks: str) -> str:
    return f"  - id: a\n    kind: attribution\n    checks: [{checks}]\n"


def test_attribution_valid_chain(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [
            figure("p1", "100", source_id="paper", cites="blog"),
            figure("b1", "100", source_id="blog", cites="stats"),
        ],
        SOURCES,
    )
    result = run(drop, "  - id: a\n    kind: attribution\n", backend).result("a")
    assert result.status is Status.PASS, result.findings


def test_attribution_problems(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [
            figure("ghost", "1", source_id="nobody"),
            figure("dangling", "1", source_id="paper", cites="missing-source", metric="m2"),
            figure("loop-p", "5", source_id="paper", cites="blog", metric="m3"),
            figure("loop-b", "5", source_id="blog", cites="paper", metric="m3"),
            figure("self", "5", source_id="blog", cites="blog", metric="m4"),
            figure("relay", "100", precision="0", source_id="paper", cites="blog", metric="m5"),
            figure("origin", "120", precision="0", source_id="blog", cites="stats", metric="m5"),
        ],
        SOURCES,
    )
    findings = (
        run(
            drop,
            attribution("known-source, citations-resolve, no-cycles, agrees-with-cited"),
            backend,
        )
        .result("a")
        .findings
    )
    got = {(f.slug, f.figures) for f in findings}
    assert got == {
        ("unknown-source", ("ghost",)),
        ("unresolved-citation", ("dangling",)),
        ("citation-cycle", ("loop-b", "loop-p")),  # one finding per cycle, in its order
        ("citation-cycle", ("self",)),
        ("cited-figure-disagrees", ("relay", "origin")),
    }
    disagreement = next(f for f in findings if f.slug == "cited-figure-disagrees")
    assert disagreement.gap == 20
    primary = run(drop, attribution("reaches-primary"), backend).result("a").findings
    assert sorted(f.figures[0] for f in primary) == ["dangling", "ghost"]


def test_period_rule(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [
            figure("early", "1", published_at="2024-06-01"),
            figure("forecast", "1", published_at="2024-06-01", status="forecast"),
            figure("ok", "1", published_at="2025-01-01"),
            figure("undated", "1", published_at=""),
        ]
    )
    result = run(drop, "  - id: p\n    kind: period\n", backend).result("p")
    assert [(f.slug, f.figures) for f in result.findings] == [
        ("published-before-period-end", ("early",))
    ]


def test_rule_that_crashes_is_recorded_and_others_still_run(
    make_drop: MakeDrop, backend: str, monkeypatch: object
) -> None:
    from statcheck.engine import rules

    def boom(rule: object, ctx: object) -> None:
        raise RuntimeError("boom")

    drop = make_drop([figure("a", "1"), figure("b", "1")])
    patch: Callable[..., None] = monkeypatch.setitem  # type: ignore[attr-defined]
    patch(rules.IMPLEMENTATIONS, "period", boom)
    report = run(
        drop,
        "  - id: p\n    kind: period\n  - id: c\n    kind: compare\n    left: a\n    op: '=='\n    right: b\n",
        backend,
    )
    assert report.result("p").status is Status.ERROR and report.result("p").internal
    assert report.result("c").status is Status.PASS
    assert report.exit_code is ExitCode.INTERNAL


def test_period_within(make_drop: MakeDrop, backend: str) -> None:
    drop = make_drop(
        [
            figure("in", "1", period_start="2024-01-01", period_end="2024-10-31"),
            figure("out", "1", period_start="2023-12-01", period_end="2024-10-31"),
        ]
    )
    result = run(
        drop, "  - id: p\n    kind: period\n    checks: [ordered]\n    within: '2024'\n", backend
    ).result("p")
    assert [(f.slug, f.figures) for f in result.findings] == [("period-outside", ("out",))]
    assert "not within 2024" in result.findings[0].explanation


def test_attribution_chain_as_long_as_the_sources_table_reaches_primary(
    make_drop: MakeDrop, backend: str
) -> None:
    """Regression: a chain that reaches the primary source on its last possible hop is not a cycle."""
    sources = [
        {"source_id": "a", "name": "A", "kind": "media"},
        {"source_id": "b", "name": "B", "kind": "media"},
        {"source_id": "stats", "name": "Statistics office", "kind": "official"},
    ]
    drop = make_drop(
        [
            figure("fa", "1", source_id="a", cites="b"),
            figure("fb", "1", source_id="b", cites="a;stats"),
        ],
        sources,
    )
    result = run(drop, attribution("no-cycles, reaches-primary"), backend).result("a")
    slugs = {(f.slug, f.figures) for f in result.findings}
    assert ("no-primary-source", ("fa",)) not in slugs and (
        "no-primary-source",
        ("fb",),
    ) not in slugs


def test_attribution_names_the_shortest_dead_end_and_shortens_a_long_chain(
    make_drop: MakeDrop, backend: str
) -> None:
    """A figure whose chains all stop short is explained by its shortest one; a chain of
    300 sources is named by its first six, how many more, and its dead end (the text of
    every figure's chain was as long as the chain: quadratic in a long one)."""
    n = 300
    sources = [{"source_id": f"s{i}", "name": f"S{i}", "kind": "media"} for i in range(n)]
    sources.append({"source_id": "blog", "name": "A blog", "kind": "media"})
    rows = [figure(f"f{i}", "5", source_id=f"s{i}", cites=f"s{i + 1}") for i in range(n - 1)]
    rows.append(figure(f"f{n - 1}", "5", source_id=f"s{n - 1}", cites="blog"))
    # f0 also cites s297 directly: its shortest chain goes s0 -> s297 -> s298 -> s299.
    rows[0] = figure("f0", "5", source_id="s0", cites="s1;s297")
    drop = make_drop(rows, sources)
    findings = run(drop, attribution("reaches-primary"), backend).result("a").findings
    said = {f.figures[0]: f.explanation for f in findings}
    assert len(findings) == n and all(f.slug == "no-primary-source" for f in findings)
    assert "its chain of citations s0 → s297 → s298 → s299 → blog ends at blog" in said["f0"]
    assert (
        "its chain of citations s1 → s2 → s3 → s4 → s5 → s6 → … (292 more) → s299 → blog "
        "ends at blog (A blog, media)"
    ) in said["f1"]
    whole = " → ".join([*(f"s{i}" for i in range(291, 300)), "blog"])  # one or two more: whole
    assert f"its chain of citations {whole} ends at blog" in said["f291"]
    assert "its chain of citations s299 → blog ends at blog" in said["f299"]
    assert max(len(text) for text in said.values()) < 300


def test_attribution_dead_ends_are_explained_whole_however_long_their_chain(
    make_drop: MakeDrop, backend: str
) -> None:
    """The sentences of figures that reach no primary source, whole: one whose figure
    cites no one, one that cites a source the drop has no figure from, and chains past a
    thousand sources (the count of those left out written as Python writes 1,005)."""
    n = 1_012
    sources = [{"source_id": f"s{i}", "name": f"S{i}", "kind": "media"} for i in range(n)]
    sources += [*SOURCES, {"source_id": "q{x}", "name": 'Q "x"', "kind": "media"}]
    rows = [figure(f"f{i}", "5", source_id=f"s{i}", cites=f"s{i + 1}") for i in range(n - 1)]
    rows.append(figure(f"f{n - 1}", "5", source_id=f"s{n - 1}", cites="q{x}"))
    rows.append(figure("lone", "5", source_id="blog", metric="other"))
    drop = make_drop(rows, sources)
    findings = run(drop, attribution("reaches-primary"), backend).result("a").findings
    said = {f.figures[0]: f.explanation for f in findings}
    assert len(findings) == n + 1
    primary = "is not traced to a primary (official) source"
    assert (
        said["lone"]
        == f"lone {primary}: it is reported by blog (A blog, analyst) and cites no one."
    )
    assert said["f0"] == (
        f"f0 {primary}: its chain of citations s0 → s1 → s2 → s3 → s4 → s5 → … (1,005 more) "
        f'→ s{n - 1} → q{{x}} ends at q{{x}} (Q "x", media), and the drop has no figure '
        "from q{x} for the same metric and period that says where it came from."
    )
    assert "citations s5 → s6 → s7 → s8 → s9 → s10 → … (1,000 more) → s1011 → q{x}" in said["f5"]
    assert "citations s6 → s7 → s8 → s9 → s10 → s11 → … (999 more) → s1011 → q{x}" in said["f6"]
    assert said[f"f{n - 1}"].startswith(
        f"f{n - 1} {primary}: its chain of citations s1011 → q{{x}} "
    )


KNOT_SOURCES = [*SOURCES, {"source_id": "news", "name": "A news agency", "kind": "media"}]


def test_attribution_knot_of_cycles_is_one_finding_per_graph(
    make_drop: MakeDrop, backend: str
) -> None:
    """Circles sharing members (paper ⇄ blog, paper → news → paper) are one knot: one
    finding on the figure graph and one on the source graph, members in id order."""
    drop = make_drop(
        [
            figure("a", "5", source_id="paper", cites="blog;news"),
            figure("b", "5", source_id="blog", cites="paper"),
            figure("n", "5", source_id="news", cites="paper"),
        ],
        KNOT_SOURCES,
    )
    result = run(drop, attribution("no-cycles, no-source-cycles"), backend).result("a")
    assert [(f.slug, f.figures) for f in result.findings] == [
        ("citation-cycle", ("a", "b", "n")),
        # The figures making each citation, in the order of the sources that make them:
        # blog → paper (b), news → paper (n), paper → blog and paper → news (a).
        ("source-cycle", ("b", "n", "a")),
    ]
    assert "Sources blog, news, paper cite one another in circles" in result.findings[1].explanation


def test_attribution_a_ring_as_long_as_the_table_is_one_finding_of_one_line(
    make_drop: MakeDrop, backend: str
) -> None:
    """A ring of 1,000 sources: each cycle's finding names all 1,000 figures, and its
    sentence the first six steps, how many more, and the way back to the first."""
    n = 1_000
    sources = [{"source_id": f"s{i:04}", "name": f"S{i}", "kind": "media"} for i in range(n)]
    rows = [
        figure(f"f{i:04}", "5", source_id=f"s{i:04}", cites=f"s{(i + 1) % n:04}") for i in range(n)
    ]
    drop = make_drop(rows, sources)
    findings = run(drop, attribution("no-cycles, no-source-cycles"), backend).result("a").findings
    by_slug = {f.slug: f for f in findings}
    assert sorted(by_slug) == ["citation-cycle", "source-cycle"] and len(findings) == 2
    figures = tuple(f"f{i:04}" for i in range(n))
    assert by_slug["citation-cycle"].figures == figures
    assert by_slug["citation-cycle"].explanation.endswith(
        "for the same metric, dimensions and period: f0000 (s0000) → f0001 (s0001) → "
        "f0002 (s0002) → f0003 (s0003) → f0004 (s0004) → f0005 (s0005) → … (994 more) → "
        "f0000 (s0000)."
    )
    assert by_slug["source-cycle"].figures == figures
    assert by_slug["source-cycle"].explanation == (
        "Sources cite one another in a circle, whatever the figures: s0000 → s0001 → s0002 → "
        "s0003 → s0004 → s0005 → … (994 more) → s0000; s0000 cites s0001 (figure f0000); "
        "s0001 cites s0002 (figure f0001); s0002 cites s0003 (figure f0002); s0003 cites "
        "s0004 (figure f0003); s0004 cites s0005 (figure f0004); s0005 cites s0006 (figure "
        "f0005); … (994 more)."
    )


def test_attribution_many_knots_each_name_their_own_citations(
    make_drop: MakeDrop, backend: str
) -> None:
    """300 knots of sources (a ⇄ b ⇄ c), each its own finding naming its four citations
    alone, in order (the citations of every knot were searched for each one: quadratic)."""
    rows, sources = [], []
    for i in range(300):
        a, b, c = f"a{i:03}", f"b{i:03}", f"c{i:03}"
        sources += [{"source_id": x, "name": x.upper(), "kind": "media"} for x in (a, b, c)]
        rows += [
            figure(f"{a}-1", "5", source_id=a, cites=b, metric=f"m{i}a"),
            figure(f"{b}-1", "5", source_id=b, cites=a, metric=f"m{i}b"),
            figure(f"{b}-2", "5", source_id=b, cites=c, metric=f"m{i}c"),
            figure(f"{c}-1", "5", source_id=c, cites=b, metric=f"m{i}d"),
        ]
    drop = make_drop(rows, sources)
    findings = run(drop, attribution("no-source-cycles"), backend).result("a").findings
    assert len(findings) == 300
    knot = next(f for f in findings if "a123" in f.explanation)
    assert knot.figures == ("a123-1", "b123-1", "b123-2", "c123-1")
    assert knot.explanation == (
        "Sources a123, b123, c123 cite one another in circles, whatever the figures: "
        "a123 cites b123 (figure a123-1); b123 cites a123 (figure b123-1); "
        "b123 cites c123 (figure b123-2); c123 cites b123 (figure c123-1)."
    )


def test_attribution_narrowed_rule_follows_chains_through_other_figures(
    make_drop: MakeDrop, backend: str
) -> None:
    """A rule on the paper's figures follows their chains through the blog's and news's
    figures: it reports the cycle a chain runs into, not one no chain of its figures reaches."""
    drop = make_drop(
        [
            figure("p1", "5", source_id="paper", cites="blog", metric="m1"),
            figure("b1", "5", source_id="blog", metric="m1"),  # cites no one: a dead end
            figure("p2", "5", source_id="paper", cites="blog", metric="m2"),
            figure("b2", "5", source_id="blog", cites="news", metric="m2"),
            figure("n2", "5", source_id="news", cites="blog", metric="m2"),
            figure("b3", "5", source_id="blog", cites="news", metric="m3"),
            figure("n3", "5", source_id="news", cites="blog", metric="m3"),
        ],
        KNOT_SOURCES,
    )
    rule = attribution("no-cycles, reaches-primary") + "    figures: {source: paper}\n"
    findings = run(drop, rule, backend).result("a").findings
    assert [(f.slug, f.figures) for f in findings] == [
        ("citation-cycle", ("b2", "n2")),
        ("no-primary-source", ("p1",)),
    ]
    assert "its chain of citations paper → blog ends at blog" in findings[1].explanation
