"""attribution: known sources, resolvable citations, no cycles, chains that reach a
primary source, and agreement with the cited source's own figure.

Chains are followed figure by figure: a figure from source A that cites B continues at
B's figure for the same metric, dimensions and period, if the drop has one. Following is
a bounded number of joins (at most one per source), never a loop over figures.

A table has many figures but few distinct ``cites`` texts ("registry", "registry;
ministry"): those are split once, and each check picks the figures by the texts that name
what it looks for (an unknown source, a source that reports figures, one that is not
primary), so only those figures' citations are ever spelled out row by row.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import narwhals as nw

from statcheck.contract.rules import AttributionRule, Rule
from statcheck.engine.context import Context
from statcheck.engine.groups import with_blank_dims
from statcheck.engine.native import collect_all, reused, small_frame, split_explode, to_lazy
from statcheck.model.interval import Interval, format_number
from statcheck.report import Finding, RuleResult, Status

SEP = ">"


def check_attribution(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, AttributionRule)
    table = ctx.figures
    frame = ctx.lazy()
    scope = frame if rule.figures is None else frame.filter(ctx.selector_mask(rule.figures))
    sources = ctx.source_map()
    known = set(sources)
    primary_kinds = set(rule.primary or ctx.suite.primary_sources)
    primary = sorted(s for s, src in sources.items() if src.kind in primary_kinds)
    key = ["metric", *table.dimensions, "period_start", "period_end"]

    def name(sid: str) -> str:
        s = sources.get(sid)
        return f"{sid} ({s.name}, {s.kind.value})" if s else f"{sid} (not in the sources table)"

    # First the few distinct citation texts, split into the sources they name, and the
    # sources that report figures themselves (only their citations can meet a figure).
    # (The table knows them when the columns have few values; the scope's citations are
    # then the whole table's, a superset that names no figure the scope does not hold.)
    known_cites = table.known_values.get("cites")
    known_reporting = table.known_values.get("source_id")
    first: dict[str, nw.LazyFrame[Any]] = {}
    if known_cites is None:
        first["texts"] = scope.select("cites").unique()
    if known_reporting is None:
        first["reporting"] = frame.select("source_id").unique()
    if "known-source" in rule.checks and (known_reporting is None or set(known_reporting) - known):
        first["unknown"] = scope.filter(~nw.col("source_id").is_in(sorted(known))).select(
            "figure_id", "source_id"
        )
    got = dict(zip(first, collect_all(list(first.values())), strict=True))
    if known_cites is None:
        texts = to_lazy(got["texts"], frame).filter(~nw.col("cites").is_null())
    else:
        present = [t for t in known_cites if t is not None]
        texts = small_frame({"cites": present}, {"cites": nw.String}, frame)
    (items,) = collect_all([split_explode(texts, "cites", ";", "cited")])
    citations = Citations(scope, key, items, table.blank_dimensions())
    reporting = set(
        known_reporting
        if known_reporting is not None
        else got["reporting"].get_column("source_id").to_list()
    )
    unknown = [got["unknown"]] if "unknown" in got else []
    lookup = with_blank_dims(frame, table.blank_dimensions()).select(
        *key,
        nw.col("source_id").alias("cited"),
        nw.col("figure_id").alias("cited_figure"),
        nw.col("cites").alias("next_cites"),
        nw.col("low").alias("cited_low"),
        nw.col("high").alias("cited_high"),
    )

    # Then every check, collected together: only the offending rows (and the start of
    # the chain walk) leave the engine.
    queries: dict[str, nw.LazyFrame[Any]] = {}
    unresolved = citations.edges(lambda s: s not in known)
    if "citations-resolve" in rule.checks and unresolved is not None:
        queries["unresolved"] = unresolved.select("figure_id", "cited")
    if "agrees-with-cited" in rule.checks:
        met, _ = _meet(citations.edges(lambda s: s in reporting), None, lookup, key)
        if met is not None:
            queries["disagree"] = met.filter(
                (nw.col("high") < nw.col("cited_low")) | (nw.col("low") > nw.col("cited_high"))
            ).select("figure_id", "cited", "cited_figure", "low", "high", "cited_low", "cited_high")
    walk = None
    if {"no-cycles", "reaches-primary"} & set(rule.checks):
        walk = _Walk(scope, citations, lookup, key, primary, reporting)
        queries.update(walk.start())
    found = dict(zip(queries, collect_all(list(queries.values())), strict=True))

    findings: list[Finding] = []
    for fid, sid in unknown[0].iter_rows() if unknown else ():
        findings.append(
            Finding(
                "unknown-source",
                (fid,),
                f"{fid} is reported by {sid!r}, which is not in the sources table.",
            )
        )
    for fid, cited in found["unresolved"].iter_rows() if "unresolved" in found else ():
        findings.append(
            Finding(
                "unresolved-citation",
                (fid,),
                f"{fid} cites {cited!r}, which is not in the sources table.",
            )
        )
    for row in found["disagree"].iter_rows(named=True) if "disagree" in found else ():
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

    if walk is not None:
        dead_ends, cycles = walk.finish(found, len(sources) + 1)
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


class Citations:
    """The figures' citations: each distinct ``cites`` text with the sources it names
    (``items``: collected pairs of text and source), and the figures that cite."""

    def __init__(
        self,
        scope: nw.LazyFrame[Any],
        key: list[str],
        items: nw.DataFrame[Any],
        blank_dims: tuple[str, ...],
    ) -> None:
        self.rows = with_blank_dims(scope, blank_dims).select(
            "figure_id", "source_id", "low", "high", *key, "cites"
        )
        self.pairs: list[tuple[str, str]] = list(items.iter_rows())
        self.like = scope

    def texts(self, wanted: Callable[[str], bool]) -> list[str]:
        """The citation texts that name a source ``wanted`` accepts."""
        return sorted({text for text, cited in self.pairs if wanted(cited)})

    def edges(self, wanted: Callable[[str], bool]) -> nw.LazyFrame[Any] | None:
        """One row per (figure, cited source) for the cited sources ``wanted`` accepts;
        None when no figure cites one."""
        pairs = [(text, cited) for text, cited in self.pairs if wanted(cited)]
        if not pairs:
            return None
        split = small_frame(
            {"cites": [t for t, _ in pairs], "cited": [c for _, c in pairs]},
            {"cites": nw.String, "cited": nw.String},
            self.like,
        )
        citing = self.rows.filter(nw.col("cites").is_in(sorted({t for t, _ in pairs})))
        return citing.join(split, on="cites", how="inner")


_UNMET: dict[str, type[nw.String] | type[nw.Float64]] = {
    "cited_figure": nw.String,
    "next_cites": nw.String,
    "cited_low": nw.Float64,
    "cited_high": nw.Float64,
}


def _meet(
    candidates: nw.LazyFrame[Any] | None,
    others: nw.LazyFrame[Any] | None,
    lookup: nw.LazyFrame[Any],
    key: list[str],
) -> tuple[nw.LazyFrame[Any] | None, list[nw.LazyFrame[Any]]]:
    """Citations joined with the cited source's figure for the same thing (met), and
    those without one (unmet, with nulls in the cited figure's columns).

    ``candidates`` cite a source that reports figures itself, ``others`` one that does
    not (None: no such citation): only candidates can meet a figure, and an inner join of
    those few lets the engine hash the small side, where a left join would hash the
    whole lookup.
    """
    on = [*key, "cited"]
    nulls = [nw.lit(None, dtype=dtype).alias(c) for c, dtype in _UNMET.items()]
    unmet = [] if others is None else [others.with_columns(nulls)]
    if candidates is None:
        return None, unmet
    met = candidates.join(lookup, on=on, how="inner")
    unmet.append(candidates.join(met.select(on), on=on, how="anti").with_columns(nulls))
    return met, unmet


class _Walk:
    """Every figure's citations followed hop by hop (one join per hop), all figures at once.

    The first hop is planned with the rule's other queries (``start``), together with the
    outcome of a walk that stops there, which is the answer whenever no chain goes further
    (the usual case: most citations name a primary source or one that reports nothing).
    Further hops start from the collected frontier, a few rows. A chain longer than the
    number of sources must revisit one. Only the failing figures leave the engine.

    Every row of the walk carries whether its figure is reached without it
    (``_reached``: reported by a primary source, or citing one directly).
    """

    ENDS = nw.col("cited_figure").is_null() | nw.col("next_cites").is_null()

    def __init__(
        self,
        scope: nw.LazyFrame[Any],
        citations: Citations,
        lookup: nw.LazyFrame[Any],
        key: list[str],
        primary: list[str],
        reporting: set[str],
    ) -> None:
        self.scope, self.lookup, self.key = scope, lookup, key
        self.primary, self.reporting = primary, reporting
        in_primary = set(primary)
        uncited = scope.filter(nw.col("cites").is_null() & ~nw.col("source_id").is_in(primary))
        self.uncited = uncited.select(
            nw.col("figure_id").alias("origin"),
            nw.col("source_id").alias("path"),
            nw.lit(False).alias("_reached"),
        )
        # The first hop covers every citation of a source that is not primary: paths are
        # spelled out only where a chain goes on or stops short.
        met, unmet = _meet(
            citations.edges(lambda s: s not in in_primary and s in reporting),
            citations.edges(lambda s: s not in in_primary and s not in reporting),
            lookup,
            key,
        )
        path = nw.concat_str([nw.col("source_id"), nw.lit(SEP), nw.col("cited")]).alias("path")
        reached = nw.col("source_id").is_in(primary) | nw.col("cites").is_in(
            citations.texts(lambda s: s in in_primary)
        )
        columns: list[str | nw.Expr] = [
            nw.col("figure_id").alias("origin"),
            *key,
            "cited",
            *_UNMET,
            path,
            reached.alias("_reached"),
        ]
        pieces = [f.select(columns) for f in (met, *unmet) if f is not None]
        self.first = reused(nw.concat(pieces)) if pieces else None

    def start(self) -> dict[str, nw.LazyFrame[Any]]:
        """The first hop's queries: the dead ends, the frontier, and the outcome if the
        walk stops there."""
        if self.first is None:  # no citation of a source that is not primary
            failing, cycles = self._outcome([self.uncited], [], None)
            return {"walk_failing": failing, "walk_cycles": cycles}
        dead = self.first.filter(self.ENDS).select("origin", "path", "_reached")
        frontier = self._onward(self.first.filter(~self.ENDS))
        failing, cycles = self._outcome([self.uncited, dead], [], frontier)
        return {
            "walk_dead": dead,
            "walk_frontier": frontier,
            "walk_failing": failing,
            "walk_cycles": cycles,
        }

    def finish(
        self, found: dict[str, nw.DataFrame[Any]], max_hops: int
    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The figures that reach no primary source, each with the first of its dead-end
        paths (figure, path), and the cycles (figure, path)."""
        frontier = found.get("walk_frontier")
        if frontier is None or frontier.is_empty():  # no chain goes past the first hop
            return sorted(found["walk_failing"].rows()), sorted(found["walk_cycles"].rows())
        like = self.scope
        at_primary = nw.col("cited").is_in(self.primary)
        reports = nw.col("cited").is_in(sorted(self.reporting))
        columns = ["origin", *self.key, "cited", *_UNMET, "path", "_reached"]
        dead: list[nw.LazyFrame[Any]] = [self.uncited, to_lazy(found["walk_dead"], like)]
        reached_later: list[nw.LazyFrame[Any]] = []
        for _hop in range(1, max(1, max_hops)):
            current = to_lazy(frontier, like)
            reached_later.append(current.filter(at_primary).select("origin"))
            met, unmet = _meet(
                current.filter(~at_primary & reports),
                current.filter(~at_primary & ~reports),
                self.lookup,
                self.key,
            )
            joined = reused(nw.concat([f.select(columns) for f in (met, *unmet) if f is not None]))
            stopped, frontier = collect_all(
                [
                    joined.filter(self.ENDS).select("origin", "path", "_reached"),
                    self._onward(joined.filter(~self.ENDS)),
                ]
            )
            dead.append(to_lazy(stopped, like))
            if frontier.is_empty():
                break
        failing, cycles = self._outcome(dead, reached_later, to_lazy(frontier, like))
        failing_rows, cycle_rows = collect_all([failing, cycles])
        return sorted(failing_rows.rows()), sorted(cycle_rows.rows())

    def _onward(self, joined: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
        """The next hop: one row per citation of the figures the chains have reached."""
        frontier = split_explode(
            joined.select("origin", *self.key, "path", "next_cites", "_reached"),
            "next_cites",
            ";",
            "cited",
        )
        return frontier.drop("next_cites").with_columns(
            nw.concat_str([nw.col("path"), nw.lit(SEP), nw.col("cited")]).alias("path")
        )

    def _outcome(
        self,
        dead: list[nw.LazyFrame[Any]],
        reached_later: list[nw.LazyFrame[Any]],
        frontier: nw.LazyFrame[Any] | None,
    ) -> tuple[nw.LazyFrame[Any], nw.LazyFrame[Any]]:
        """The failing figures and the cycles, once the walk has stopped at ``frontier``
        (None: it stopped before the first hop)."""
        stopped = nw.concat(dead) if len(dead) > 1 else dead[0]
        if frontier is None:
            cycles = stopped.select("origin", "path").head(0)  # no hop, no cycle
        else:
            # Still travelling after a hop per source: a source was revisited, a cycle,
            # unless this last hop landed on a primary source.
            at_primary = nw.col("cited").is_in(self.primary)
            reached_later = [*reached_later, frontier.filter(at_primary).select("origin")]
            cycles = frontier.filter(~at_primary).select("origin", "path").unique()
        # A dead end fails its figure unless the figure is reached some other way:
        # directly, by a longer chain, or it is caught in a cycle (reported as such).
        failing = stopped.filter(~nw.col("_reached")).select("origin", "path")
        if frontier is not None:
            ok = nw.concat([*reached_later, cycles.select("origin")])
            failing = failing.join(ok, on="origin", how="anti")
        # One path per figure, the same on every run.
        return failing.group_by("origin").agg(nw.col("path").min()), cycles
