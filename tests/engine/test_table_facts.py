"""What the figure table learns about itself when it is built, and the rules that rely on it.

Building the table finds which dimensions have missing cells, whether any two figures
share an identity, and the distinct sources, citations and units (statcheck.prepare). The
table-wide rules skip work on that basis: no filling of dimensions without blanks, no
setting apart of duplicates where there are none, no scan for the sources or units the
table already knows. These tests hold the rules to the same outcomes either way.
"""

from __future__ import annotations

from pathlib import Path

import narwhals as nw
import polars as pl
import pytest

from statcheck.checking import validate_drop
from statcheck.contract import suite_from_yaml
from statcheck.prepare import key_codes, normalise_figures
from statcheck.report import Report, Status
from tests.conftest import MakeDrop, figure


def run(drop: Path, rules: str, backend: str) -> Report:
    suite = suite_from_yaml("suite: t\nprimary_sources: [official]\nrules:\n" + rules)
    return validate_drop(drop, suite, engine=backend)


def test_the_table_knows_its_blank_dimensions_duplicates_and_values() -> None:
    raw = pl.DataFrame(
        {
            "figure_id": ["a", "b", "c", "d"],
            "metric": ["cases"] * 4,
            "value": ["1", "2", "3", "3"],
            "unit": ["cases"] * 4,
            "period": ["2024"] * 4,
            "source_id": ["stats", "stats", "paper", "paper"],
            "cites": [None, "", "stats", " stats"],
            "region": ["N", "S", "N", "N"],
            "sex": ["f", None, "f", "f"],
        }
    )
    table = normalise_figures(nw.from_native(raw, eager_only=True))
    assert table.dimensions == ("region", "sex")
    assert table.dimensions_with_blanks == ("sex",)
    assert table.has_duplicates  # c and d: same metric, source, period and dimensions
    assert table.known_values == {}  # a short table is read cell by cell

    # A table longer than the distinct-value sample keeps the values it found.
    long = pl.concat([raw.with_columns(pl.col("figure_id") + str(i)) for i in range(2_600)])
    table = normalise_figures(nw.from_native(long, eager_only=True))
    assert sorted(table.known_values["source_id"]) == ["paper", "stats"]
    assert set(table.known_values["cites"]) == {None, "stats"}  # cleaned as the cells are
    assert table.known_values["unit"] == ("cases",)
    assert table.known_values["metric"] == ("cases",)
    assert set(table.known_values["region"]) == {"N", "S"}  # and every dimension's
    assert set(table.known_values["sex"]) == {"f", None}

    unique = normalise_figures(nw.from_native(raw.head(3), eager_only=True))
    assert not unique.has_duplicates


def test_groups_with_a_blank_dimension_still_meet_each_other(
    make_drop: MakeDrop, backend: str
) -> None:
    # `sex` is blank for the whole-population group and set for the women's group; the
    # blank total must be checked against the blank parts, not dropped or mixed up.
    rows = [
        figure("all-T", "10", region="TOTAL", sex="", precision="0"),
        figure("all-N", "4", region="N", sex="", precision="0"),
        figure("all-S", "5", region="S", sex="", precision="0"),
        figure("f-T", "6", region="TOTAL", sex="f", precision="0"),
        figure("f-N", "2", region="N", sex="f", precision="0"),
        figure("f-S", "4", region="S", sex="f", precision="0"),
    ]
    drop = make_drop(rows, extra_columns=["region", "sex"])
    rule = "  - {id: s, kind: sum, over: region, total: TOTAL}\n"
    result = run(drop, rule, backend).result("s")
    assert result.status is Status.FAIL
    [f] = result.findings
    assert f.figures == ("all-T", "all-N", "all-S")
    assert f.gap == 1


def test_a_table_without_duplicates_reports_none_and_one_with_them_sets_them_apart(
    make_drop: MakeDrop, backend: str
) -> None:
    rows = [
        figure("T", "10", region="TOTAL", precision="0"),
        figure("N", "4", region="N", precision="0"),
        figure("S", "6", region="S", precision="0"),
    ]
    rule = "  - {id: s, kind: sum, over: region, total: TOTAL}\n"
    clean = run(make_drop(rows, extra_columns=["region"]), rule, backend).result("s")
    assert clean.status is Status.PASS and clean.findings == ()

    rows.append(figure("S-again", "9", region="S", precision="0"))
    twice = run(make_drop(rows, name="d2", extra_columns=["region"]), rule, backend).result("s")
    # S is printed twice: both are left out, so the total lacks a part and cannot be checked.
    assert twice.status is Status.UNDETERMINED
    assert [(f.slug, f.figures) for f in twice.findings] == [
        ("missing-figure", ("T", "N")),
        ("duplicate-figure", ("S", "S-again")),
        ("nothing-checked", ()),
    ]


def test_attribution_in_a_scope_reports_only_the_scope(make_drop: MakeDrop, backend: str) -> None:
    # The table's citations include an unknown source, cited only by a death figure; a
    # rule about cases must not see it, a rule about deaths must.
    rows = [
        figure("c1", "5", cites="stats"),
        figure("d1", "2", metric="deaths", cites="ghost-office"),
    ]
    drop = make_drop(rows)
    rules = (
        "  - {id: cases, kind: attribution, figures: {metric: cases}, checks: [citations-resolve]}\n"
        "  - {id: deaths, kind: attribution, figures: {metric: deaths}, checks: [citations-resolve]}\n"
    )
    report = run(drop, rules, backend)
    assert report.result("cases").status is Status.PASS
    deaths = report.result("deaths")
    assert deaths.status is Status.FAIL
    assert [(f.slug, f.figures) for f in deaths.findings] == [("unresolved-citation", ("d1",))]


def test_a_ratio_is_not_troubled_by_units_only_counts_use(
    make_drop: MakeDrop, backend: str
) -> None:
    # The table's units are cases, persons and percent; only the share's unit has a scale
    # to look up, and the counts' units must not make the rule ask for one.
    rows = [
        figure("w", "200", metric="cases", unit="cases", precision="0"),
        figure("p", "50", metric="deaths", unit="persons", precision="0"),
        figure("s", "30", metric="death_share", unit="percent", precision="0.1"),
    ]
    rule = (
        "  - {id: r, kind: ratio, over: metric, part: deaths, whole: cases, share: death_share}\n"
    )
    result = run(make_drop(rows), rule, backend).result("r")
    assert result.status is Status.FAIL
    [f] = result.findings
    assert f.slug == "ratio-mismatch" and f.figures == ("s", "p", "w")
    assert f.expected is not None and f.expected.low == 25.0


# ---------------------------------------------------------------- keys as integer codes


def test_identity_columns_become_codes_that_tell_the_same_values_apart(backend: str) -> None:
    """The engine joins on the identity columns' codes: equal cells get equal codes,
    different cells different ones, and every missing cell one code of its own."""
    from statcheck.backends import codes

    raw = pl.DataFrame(
        {
            "region": ["N", None, "S", "N", None],
            "period_start": pl.Series(
                ["2024-01-01", "2023-01-01", "2024-01-01", None, "2025-06-30"]
            ).str.to_date(),
        }
    )
    native = raw if backend == "polars" else raw.to_pandas()
    got = {
        c: s.to_list()
        for c, (s, _) in codes(nw.from_native(native, eager_only=True), list(raw.columns)).items()
    }
    region, start = got["region"], got["period_start"]
    assert region[0] == region[3] != region[2] and region[1] == region[4]
    assert len(set(region)) == 3 and max(region) == 2  # dense: N, S and missing
    assert start[0] == start[2] and len(set(start)) == 4


def test_a_key_too_wide_for_one_integer_is_split_and_still_joins(
    make_drop: MakeDrop, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Codes whose product passes 62 bits are folded into several integers (here every
    column is made to look as if it had 10^7 distinct values), and groups still meet
    exactly: the same finding as with one integer."""
    from dataclasses import replace

    from statcheck.engine import context
    from statcheck.engine.context import Context
    from statcheck.prepare._codes import _fitting

    assert _fitting(["a", "b", "c"], {"a": 10**7, "b": 10**7, "c": 10**7}) == [["a", "b"], ["c"]]
    assert _fitting(["a", "b"], {"a": 3, "b": 5}) == [["a", "b"]]

    rows = [
        figure("T", "10", region="TOTAL", sex="f", precision="0"),
        figure("N", "4", region="N", sex="f", precision="0"),
        figure("S", "5", region="S", sex="f", precision="0"),
        figure("mT", "6", region="TOTAL", sex="m", precision="0"),
        figure("mN", "2", region="N", sex="m", precision="0"),
        figure("mS", "4", region="S", sex="m", precision="0"),
    ]
    drop = make_drop(rows, extra_columns=["region", "sex"])
    rule = "  - {id: s, kind: sum, over: region, total: TOTAL}\n"
    coded = Context.code_keys
    keys: list[list[str]] = []

    def wide(self: Context) -> None:
        coded(self)
        if self._codes is not None:
            self._codes = replace(self._codes, sizes={c: 10**7 for c in self._codes.sizes})
        keys.append(self.key(["metric", "source_id", "period_start", "period_end", "sex"])[1])

    monkeypatch.setattr(context.Context, "code_keys", wide)
    [f] = run(drop, rule, backend).result("s").findings
    assert f.figures == ("T", "N", "S") and f.gap == 1
    if backend != "spark":
        assert keys == [["_key0", "_key1", "_key2"]]


def test_collected_rows_read_the_same_on_every_library() -> None:
    """Rules read the few rows they collect as Python values: on pandas through Arrow
    (narwhals walks pandas' cells one by one), with a missing cell as None as on polars,
    dates as dates, and no row index of a filtered frame among the columns."""
    import datetime as dt

    from statcheck.backends import python_rows, to_pandas_table

    raw = pl.DataFrame(
        {
            "figure_id": ["a", "b", "c"],
            "metric": ["cases"] * 3,
            "value": ["1", "2", "3"],
            "unit": ["cases"] * 3,
            "period": ["2024", "2024", "2025"],
            "source_id": ["stats", "stats", "paper"],
            "region": ["N", None, "S"],
        }
    )
    table = normalise_figures(nw.from_native(raw, eager_only=True))
    frames = {"polars": table.frame, "pandas": to_pandas_table(table).frame}
    columns = ["figure_id", "region", "value", "period_start"]
    got = {
        name: (
            python_rows(frame.filter(nw.col("figure_id") != "a").select(columns)),
            python_rows(frame.filter(nw.col("figure_id") != "a").select(columns), named=True),
        )
        for name, frame in frames.items()
    }
    assert got["pandas"] == got["polars"]
    tuples, named = got["pandas"]
    assert tuples == [("b", None, 2.0, dt.date(2024, 1, 1)), ("c", "S", 3.0, dt.date(2025, 1, 1))]
    assert list(named[0]) == columns


def test_the_identitys_codes_from_the_values_the_table_knows_are_the_codes_found_anew() -> None:
    # A long table (its distinct values found while it is built), with cells to clean
    # (" N", a blank) and values outside ASCII: the codes the rules join on are the same
    # whether they start from the values the table knows or find them again.
    regions = [" N", "S", "", "Ö", "Z"] * 3_000
    raw = pl.DataFrame(
        {
            "figure_id": [f"f{i}" for i in range(len(regions))],
            "metric": ["cases", "Cases "] * (len(regions) // 2) + ["cases"] * (len(regions) % 2),
            "value": ["1"] * len(regions),
            "unit": ["cases"] * len(regions),
            "period": ["2024"] * len(regions),
            "source_id": ["stats"] * len(regions),
            "region": regions,
        }
    )
    table = normalise_figures(nw.from_native(raw, eager_only=True))
    assert set(table.known_values["region"]) == {"N", "S", None, "Ö", "Z"}
    columns = ["metric", "source_id", "period_start", "period_end", "region"]
    known = key_codes(table.frame, columns, table.known_values)
    anew = key_codes(table.frame, columns)
    assert known is not None and anew is not None
    assert known.values == anew.values and known.sizes == anew.sizes
    assert known.values["region"] == ["N", "S", "Z", "Ö"]
    assert known.frame.to_native().equals(anew.frame.to_native())
