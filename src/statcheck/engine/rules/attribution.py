"""attribution: known sources, resolvable citations, no cycles, chains that reach a
primary source, and agreement with the cited source's own figure.

Chains are followed figure by figure: a figure from source A that cites B continues at
B's figure for the same metric, dimensions and period, if the drop has one. Following is
a bounded number of joins (at most one per source), never a loop over figures.
"""

from __future__ import annotations

from typing import Any

import narwhals as nw

from statcheck.contract.rules import AttributionRule, Rule
from statcheck.engine.context import Context
from statcheck.engine.groups import with_blank_dims
from statcheck.engine.native import split_explode
from statcheck.engine.rules import implements
from statcheck.model.interval import Interval, format_number
from statcheck.report import Finding, RuleResult, Status

SEP = ">"


@implements("attribution")
def check_attribution(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, AttributionRule)
    table = ctx.figures
    scope = (
        table.frame if rule.figures is None else table.frame.filter(ctx.selector_mask(rule.figures))
    )
    sources = ctx.source_map()
    known = list(sources)
    primary_kinds = set(rule.primary or ctx.suite.primary_sources)
    primary = [s for s, src in sources.items() if src.kind in primary_kinds]
    key = ["metric", *table.dimensions, "period_start", "period_end"]
    findings: list[Finding] = []

    def name(sid: str) -> str:
        s = sources.get(sid)
        return f"{sid} ({s.name}, {s.kind.value})" if s else f"{sid} (not in the sources table)"

    if "known-source" in rule.checks:
        for fid, sid in (
            scope.filter(~nw.col("source_id").is_in(known)).select("figure_id", "source_id").rows()
        ):
            findings.append(
                Finding(
                    "unknown-source",
                    (fid,),
                    f"{fid} is reported by {sid!r}, which is not in the sources table.",
                )
            )

    edges = _edges(scope, key)
    if "citations-resolve" in rule.checks:
        for fid, cited in (
            edges.filter(~nw.col("cited").is_in(known)).select("figure_id", "cited").rows()
        ):
            findings.append(
                Finding(
                    "unresolved-citation",
                    (fid,),
                    f"{fid} cites {cited!r}, which is not in the sources table.",
                )
            )

    lookup = with_blank_dims(table.frame, table.dimensions).select(
        *key,
        nw.col("source_id").alias("cited"),
        nw.col("figure_id").alias("cited_figure"),
        nw.col("cites").alias("next_cites"),
        nw.col("low").alias("cited_low"),
        nw.col("high").alias("cited_high"),
    )
    # One join of every citation with the cited source's own figure serves both the
    # agreement check and the first hop of the chains. Only citations of a source that
    # reports figures itself can meet one: the others skip the join (often most of them,
    # as figures cite an office that publishes elsewhere).
    reporting = table.frame.get_column("source_id").unique().to_list()
    first_hop = _meet(edges, lookup, key, reporting)
    if "agrees-with-cited" in rule.checks:
        pairs = first_hop.filter(~nw.col("cited_figure").is_null()).filter(
            (nw.col("high") < nw.col("cited_low")) | (nw.col("low") > nw.col("cited_high"))
        )
        for row in pairs.select(
            "figure_id", "cited", "cited_figure", "low", "high", "cited_low", "cited_high"
        ).rows(named=True):
            mine, theirs = (
                Interval(row["low"], row["high"]),
                Interval(row["cited_low"], row["cited_high"]),
            )
            gap = mine.gap(theirs)
            findings.append(
                Finding(
                    "cited-figure-disagrees",
                    (row["figure_id"], row["cited_figure"]),
                    f"{row['figure_id']} ({mine}) cites {row['cited']}, whose own figure {row['cited_figure']} "
                    f"({theirs}) for the same thing differs by {format_number(gap)}.",
                    reported=mine,
                    expected=theirs,
                    gap=gap,
                )
            )

    if {"no-cycles", "reaches-primary"} & set(rule.checks):
        dead_ends, cycles = _follow(
            scope, first_hop, lookup, key, primary, len(sources) + 1, reporting
        )
        if "no-cycles" in rule.checks:
            for fid, path in cycles:
                findings.append(
                    Finding(
                        "citation-cycle",
                        (fid,),
                        f"{fid}'s citations go round in a circle: {path.replace(SEP, ' → ')}.",
                    )
                )
        if "reaches-primary" in rule.checks:
            kinds = " or ".join(sorted(k.value for k in primary_kinds))
            for fid, path in dead_ends:
                last = path.split(SEP)[-1]
                chain = path.replace(SEP, " → ")
                how = (
                    f"its chain of citations {chain} ends at {name(last)}"
                    if SEP in path
                    else f"it is reported by {name(last)} and cites no one"
                )
                findings.append(
                    Finding(
                        "no-primary-source",
                        (fid,),
                        f"{fid} is not traced to a primary ({kinds}) source: {how}, and the drop has no figure from "
                        f"{last} for the same metric and period that says where it came from."
                        if SEP in path
                        else f"{fid} is not traced to a primary ({kinds}) source: {how}.",
                    )
                )
    # Joins do not promise an order: sort so reports are byte-identical run to run.
    findings.sort(key=lambda f: (f.slug, f.figures, f.explanation))
    status = Status.FAIL if findings else Status.PASS
    return RuleResult(rule.id, rule.KIND, status, tuple(findings), description=rule.description)


def _meet(
    edges: nw.DataFrame[Any], lookup: nw.DataFrame[Any], key: list[str], reporting: list[str]
) -> nw.DataFrame[Any]:
    """Each citation with the cited source's figure for the same thing (nulls when none).

    Only citations of a source that reports figures itself can meet one; and an inner
    join of those few lets the engine hash the small side, where a left join would hash
    the whole lookup.
    """
    on = [*key, "cited"]
    candidates = edges.filter(nw.col("cited").is_in(reporting))
    met = candidates.join(lookup, on=on, how="inner")
    unmet = nw.concat(
        [
            edges.filter(~nw.col("cited").is_in(reporting)),
            candidates.join(met.select(on), on=on, how="anti"),
        ]
    ).with_columns(
        nw.lit(None, dtype=nw.String).alias("cited_figure"),
        nw.lit(None, dtype=nw.String).alias("next_cites"),
        nw.lit(None, dtype=nw.Float64).alias("cited_low"),
        nw.lit(None, dtype=nw.Float64).alias("cited_high"),
    )
    return nw.concat([met, unmet.select(met.columns)])


def _edges(scope: nw.DataFrame[Any], key: list[str]) -> nw.DataFrame[Any]:
    """One row per (figure, cited source)."""
    dims = tuple(k for k in key if k not in ("metric", "period_start", "period_end"))
    frame = with_blank_dims(scope, dims).filter(~nw.col("cites").is_null())
    return split_explode(
        frame.select("figure_id", "source_id", "low", "high", *key, "cites"), "cites", ";", "cited"
    ).drop("cites")


def _follow(
    scope: nw.DataFrame[Any],
    first_hop: nw.DataFrame[Any],
    lookup: nw.DataFrame[Any],
    key: list[str],
    primary: list[str],
    max_hops: int,
    reporting: list[str],
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Walk every figure's citations hop by hop (one join per hop), all figures at once.

    ``first_hop`` is every citation already joined with the cited source's figure.
    Returns the figures that reach no primary source, each with the first of its dead-end
    paths (figure, path), and the cycles (figure, path). A chain longer than the number of
    sources must revisit one. Only the failing figures leave the dataframe.
    """
    uncited = scope.filter(nw.col("cites").is_null() & ~nw.col("source_id").is_in(primary))
    dead = [uncited.select(nw.col("figure_id").alias("origin"), nw.col("source_id").alias("path"))]
    # The first hop covers every citation: paths are spelled out only where a chain
    # goes on or stops short, and who is reached is asked only of those that stop.
    first = first_hop.rename({"figure_id": "origin"}).filter(~nw.col("cited").is_in(primary))
    ends = nw.col("cited_figure").is_null() | nw.col("next_cites").is_null()
    path = nw.concat_str([nw.col("source_id"), nw.lit(SEP), nw.col("cited")]).alias("path")
    dead.append(first.filter(ends).select("origin", path))
    joined = first.filter(~ends).select("origin", *key, "cited", "cited_figure", "next_cites", path)
    reached_later: list[nw.DataFrame[Any]] = []
    frontier = joined.head(0)  # replaced on the first hop
    for hop in range(max(1, max_hops)):
        if hop > 0:
            reached_later.append(frontier.filter(nw.col("cited").is_in(primary)).select("origin"))
            joined = _meet(frontier.filter(~nw.col("cited").is_in(primary)), lookup, key, reporting)
            dead.append(joined.filter(ends).select("origin", "path"))
            joined = joined.filter(~ends)
        frontier = split_explode(
            joined.select("origin", *key, "path", "next_cites"), "next_cites", ";", "cited"
        )
        frontier = frontier.drop("next_cites").with_columns(
            nw.concat_str([nw.col("path"), nw.lit(SEP), nw.col("cited")]).alias("path")
        )
        if frontier.is_empty():
            break
    # Still travelling after a hop per source: a source was revisited, a cycle, unless
    # this last hop landed on a primary source.
    reached_later.append(frontier.filter(nw.col("cited").is_in(primary)).select("origin"))
    cycles = frontier.filter(~nw.col("cited").is_in(primary)).select("origin", "path").unique()
    stopped = nw.concat(dead)
    candidates = stopped.select("origin").unique()
    reached = [
        # reported by a primary source, or citing one directly, or reaching one later
        scope.filter(nw.col("source_id").is_in(primary)).select(
            nw.col("figure_id").alias("origin")
        ),
        first_hop.filter(nw.col("cited").is_in(primary)).select(
            nw.col("figure_id").alias("origin")
        ),
    ]
    ok = nw.concat(
        [
            *(r.join(candidates, on="origin", how="semi") for r in reached),
            *reached_later,
            cycles.select("origin"),
        ]
    )
    failing = (
        stopped.join(ok, on="origin", how="anti")
        .group_by("origin")
        .agg(nw.col("path").min())  # one path per figure, the same on every run
    )
    return sorted(failing.rows()), sorted(cycles.rows())
