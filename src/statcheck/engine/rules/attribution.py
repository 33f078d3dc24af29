"""attribution: known sources, resolvable citations, cycles among figures and among
sources, chains that reach a primary source, and agreement with the cited source's own
figure.

Two graphs are checked. The **figure graph** has an edge from a figure from source A that
cites B to B's figure for the same metric, dimensions and period, if the drop has one:
``no-cycles`` and ``reaches-primary`` follow it. The **source graph** has an edge from A
to B when any figure from A cites B, whatever the figures are for: ``no-source-cycles``
looks at it.

A table has many figures but few distinct ``cites`` texts ("registry", "registry;
ministry"): those are split once, and each check picks the figures by the texts that name
what it looks for (an unknown source, a source that reports figures, one that is not
primary), so only those figures' citations are ever spelled out row by row.

Neither graph is walked hop by hop. The engine answers one round of queries: the figure
graph's edges (citations that meet a figure, which only citations of a source that
reports figures and is not primary can do), each figure's own dead ends, and the source
graph's distinct edges. The graphs are then answered on the driver in time linear in
their edges (:mod:`statcheck.engine.graph`: strongly connected components and
breadth-first searches), so a figure citing its own source, or a ring of sources, costs
what any other citation costs.

What the result counts: each figure the rule reads is one item, checked by every check
the rule names; it failed when a finding names it (a source cycle names, for each
citation on it, the first figure that makes it). Nothing is skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import groupby, pairwise
from operator import attrgetter, ne
from typing import Any, NamedTuple

import narwhals as nw
import numpy as np

from statcheck.backends import codes
from statcheck.contract.rules import AttributionRule, Rule
from statcheck.engine.context import Context
from statcheck.engine.deferred import deferred_sentences
from statcheck.engine.graph import (
    Cycle,
    Graph,
    chain_ends,
    cycles,
    nearest_ends,
    reachable,
    reaching,
)
from statcheck.engine.native import (
    collect_all,
    joined_to_few,
    python_rows,
    reused,
    small_frame,
    split_explode,
    to_lazy,
)
from statcheck.engine.rules import concluded, explain
from statcheck.model.figure import Source
from statcheck.model.interval import Interval
from statcheck.prepare import CODE_PREFIX
from statcheck.report import Counts, Finding, RuleResult

SEP = ">"


def check_attribution(rule: Rule, ctx: Context) -> RuleResult:
    assert isinstance(rule, AttributionRule)
    setting = _Setting(rule, ctx)
    queries = _queries(rule, setting)
    found = dict(zip(queries, collect_all(list(queries.values())), strict=True))
    findings = [
        *_unknown_sources(setting.unknown),
        *_unresolved(found.get("unresolved")),
        *_disagreements(found.get("disagree")),
    ]
    if {"no-cycles", "reaches-primary"} & set(rule.checks):
        dead_ends, loops = _FigureGraph.answer(found["graph_edges"], found["graph_dead_ends"])
        if "no-cycles" in rule.checks:
            findings.extend(_figure_cycles(loops))
        if "reaches-primary" in rule.checks:
            findings.extend(_dead_ends(dead_ends, setting))
    if "no-source-cycles" in rule.checks:
        findings.extend(_source_cycles(found["source_edges"], setting.sources))
    counts = Counts.of(found["in_scope"].item(0, 0), _failed(setting, findings))
    return concluded(rule, _in_order(findings), counts)


def _in_order(findings: list[Finding]) -> list[Finding]:
    """By slug and figures, then sentence: joins do not promise an order, and reports are
    byte-identical run to run. A sentence is read only where slug and figures tie (a
    figure citing two unknown sources): the others are written when first read."""
    by_figures = attrgetter("slug", "figures")
    findings.sort(key=by_figures)
    keys = list(map(by_figures, findings))
    if all(map(ne, keys, keys[1:])):  # the usual case, found without a Python step a finding
        return findings
    ordered: list[Finding] = []
    for _, tied in groupby(findings, key=by_figures):
        run = list(tied)
        ordered.extend(sorted(run, key=attrgetter("explanation")) if len(run) > 1 else run)
    return ordered


def _failed(s: _Setting, findings: list[Finding]) -> int:
    """How many of the rule's figures a finding names (a chain or a cycle can name
    figures the rule does not read: those are not its items)."""
    named = {fid for f in findings for fid in f.figures}
    if s.in_scope is None or not named:
        return len(named)
    chosen = s.scope.filter(nw.col("figure_id").is_in(list(named)))
    (n,) = collect_all([chosen.select(nw.len())])
    return int(n.item(0, 0))


class _Setting:
    """What every check reads: the sources, the primary ones, the rule's figures, the
    split citation texts, the sources that report figures, and the figures from a source
    not in the sources table (collected at once, with the texts)."""

    def __init__(self, rule: AttributionRule, ctx: Context) -> None:
        table = self.table = ctx.figures
        self.frame = ctx.lazy()
        self.in_scope = None if rule.figures is None else ctx.selector_mask(rule.figures)
        self.scope = self.frame if self.in_scope is None else self.frame.filter(self.in_scope)
        self.sources = ctx.source_map()
        self._named: dict[str, str] = {}
        self.sources_table = ctx.sources
        self.known = set(self.sources)
        self.primary_kinds = set(rule.primary or ctx.suite.primary_sources)
        self.holder = ctx.holder
        self.primary = sorted(self.sources.of_kinds(self.primary_kinds))
        # What a figure and the cited source's figure share (everything but the source),
        # as Context.key makes it: the expressions, and the names to join on.
        same = ["metric", *table.dimensions, "period_start", "period_end"]
        self.key_exprs, self.key = ctx.key(same)
        self.key_reads = ctx.key_reads(same)
        # The cited source, as joins compare it (``_cited``): its code where the table
        # has codes (a source no figure comes from has none: -1), else its name.
        coded = ctx.coded_count("source_id")
        self.source_codes = None if coded is None else ctx.values_coded("source_id")
        self.coded = coded is not None
        source = nw.col("source_id")
        # The key and the cited source as one integer where they fit in one (a join on one
        # column is several times faster on pandas than on two).
        self.pair: nw.Expr | None = None
        if coded is not None:
            source = nw.col(CODE_PREFIX + "source_id").cast(nw.Int64)
            if self.key == ["_key0"]:  # (and a missing source's code)
                self.pair = ctx.key_with(same, [(nw.col("_cited"), coded + 1)])
        self.lookup = self.frame.select(
            *self.key_exprs,
            source.alias("_cited"),
            nw.col("figure_id").alias("cited_figure"),
            nw.col("cites").alias("next_cites"),
            nw.col("low").alias("cited_low"),
            nw.col("high").alias("cited_high"),
        )
        self._first_look(rule)

    def _first_look(self, rule: AttributionRule) -> None:
        """The few distinct citation texts of the whole table, split into the sources they
        name; the sources that report figures (only their citations can meet a figure);
        the figures whose source is unknown. (The table knows the first two when the
        columns have few values.)"""
        known_cites = self.table.known_values.get("cites")
        known_reporting = self.table.known_values.get("source_id")
        first: dict[str, nw.LazyFrame[Any]] = {}
        if known_cites is None:
            first["texts"] = self.frame.select("cites").unique()
        if "known-source" in rule.checks and (
            known_reporting is None or set(known_reporting) - self.known
        ):
            first["unknown"] = self._unknown()
        got = dict(zip(first, collect_all(list(first.values())), strict=True))
        if known_cites is None:
            texts = to_lazy(got["texts"], self.frame).filter(~nw.col("cites").is_null())
        else:
            present = [t for t in known_cites if t is not None]
            texts = small_frame({"cites": present}, {"cites": nw.String}, self.frame)
        items = split_explode(texts, "cites", ";", "cited")
        (pairs,) = collect_all([self._flagged(items, known_reporting)])
        reads = self.key_reads
        self.citations = Citations(self.scope, self.key_exprs, reads, pairs)
        mark = nw.lit(True) if self.in_scope is None else self.in_scope
        self.all_citations = Citations(
            self.frame, self.key_exprs, reads, pairs, {"_in_scope": mark}
        )
        self.unknown: list[tuple[str, str]] = (
            list(python_rows(got["unknown"])) if "unknown" in got else []
        )

    def _flagged(
        self, items: nw.LazyFrame[Any], known_reporting: tuple[str | None, ...] | None
    ) -> nw.LazyFrame[Any]:
        """Each (citation text, cited source) pair with what the checks ask of the source,
        by joins (a table may have a source per figure): whether the sources table has it
        (``_known``), whether figures come from it (``_reporting``), whether it is primary
        (``_primary``), and the source as joins compare it (``_cited``)."""
        reporting = self._reporting(known_reporting)
        known = None
        if self.sources_table is not None:
            ids = self.sources_table.select(nw.col("source_id").alias("cited")).unique()
            known = to_lazy(ids, self.frame).with_columns(nw.lit(True).alias("_known"))
        primary = small_frame(
            {"cited": self.primary, "_primary": [True] * len(self.primary)},
            {"cited": nw.String, "_primary": nw.Boolean},
            self.frame,
        )
        pairs = items.join(reporting, on="cited", how="left").join(primary, on="cited", how="left")
        if known is not None:
            pairs = pairs.join(known, on="cited", how="left")
        cited = nw.col("_code").fill_null(-1).cast(nw.Int64) if self.coded else nw.col("cited")
        # (cast: pandas leaves a left join's missing flags an object column)
        flags = {
            c: nw.col(c).fill_null(False).cast(nw.Boolean)
            for c in ("_reporting", "_primary", "_known")
        }
        if known is None:  # no sources table: every source is unknown
            flags["_known"] = nw.lit(False)
        return pairs.select(
            "cites", "cited", cited.alias("_cited"), *(e.alias(c) for c, e in flags.items())
        )

    def _reporting(self, known: tuple[str | None, ...] | None) -> nw.LazyFrame[Any]:
        """The sources figures come from (``cited``), with their codes (``_code``) where
        the table has codes: from the few values the table knows, else from its rows."""
        values = self.source_codes if self.coded else known
        if values is not None:
            present = [v for v in values if v is not None]
            data: dict[str, list[Any]] = {"cited": present, "_reporting": [True] * len(present)}
            schema: dict[str, Any] = {"cited": nw.String, "_reporting": nw.Boolean}
            if self.coded:  # the codes' values, in the order of their codes
                data["_code"], schema["_code"] = list(range(len(present))), nw.Int64
            return small_frame(data, schema, self.frame)
        columns = [nw.col("source_id").alias("cited")]
        if self.coded:
            columns.append(nw.col(CODE_PREFIX + "source_id").cast(nw.Int64).alias("_code"))
        rows = self.frame.select(*columns).filter(~nw.col("cited").is_null()).unique()
        return rows.with_columns(nw.lit(True).alias("_reporting"))

    def _unknown(self) -> nw.LazyFrame[Any]:
        """The rule's figures from a source not in the sources table: an anti join (a set
        look-up would spell every known source out in the plan, a million of them in a
        table with a source per figure)."""
        rows = self.scope.filter(~nw.col("source_id").is_null()).select("figure_id", "source_id")
        if self.sources_table is None:
            return rows
        known = to_lazy(self.sources_table.select("source_id").unique(), self.frame)
        return rows.join(known, on="source_id", how="anti")

    def name(self, sid: str) -> str:
        """A source as a sentence names it (each once: many findings name the same)."""
        named = self._named.get(sid)
        if named is None:
            s = self.sources.get(sid)
            named = (
                f"{sid} ({s.name}, {s.kind.value})" if s else f"{sid} (not in the sources table)"
            )
            self._named[sid] = named
        return named


def _queries(rule: AttributionRule, s: _Setting) -> dict[str, nw.LazyFrame[Any]]:
    """Every check's query, collected together: only offending rows and the graphs'
    edges leave the engine, with how many figures the rule reads."""
    queries: dict[str, nw.LazyFrame[Any]] = {"in_scope": s.scope.select(nw.len())}
    unresolved = s.citations.edges(~_KNOWN)
    if "citations-resolve" in rule.checks and unresolved is not None:
        queries["unresolved"] = unresolved.select("figure_id", "cited")
    if "agrees-with-cited" in rule.checks:
        cited = s.citations.edges(_REPORTING)
        met, _ = _meet(cited, None, s.lookup, s.key, pair=s.pair)
        if met is not None:
            queries["disagree"] = met.filter(
                (nw.col("high") < nw.col("cited_low")) | (nw.col("low") > nw.col("cited_high"))
            ).select("figure_id", "cited", "cited_figure", "low", "high", "cited_low", "cited_high")
    if {"no-cycles", "reaches-primary"} & set(rule.checks):
        queries.update(_FigureGraph(s, "reaches-primary" in rule.checks).queries())
    if "no-source-cycles" in rule.checks:
        queries["source_edges"] = _source_edges(s)
    return queries


class Citations:
    """The figures' citations: each distinct ``cites`` text with the sources it names and
    what the checks ask of each (``pairs``, collected: ``_Setting._flagged``), and the
    figures that cite (``citing``, with their ``key``, as ``Context.key`` makes it from
    the columns ``reads``, and the ``extra`` columns, worked out on ``scope``). The citing
    rows are picked first, with only the columns they need, so that an eager library
    copies those and works the key out for those rows alone."""

    def __init__(
        self,
        scope: nw.LazyFrame[Any],
        key: list[nw.Expr],
        reads: list[str],
        pairs: nw.DataFrame[Any],
        extra: dict[str, nw.Expr] | None = None,
    ) -> None:
        cites = nw.col("cites")
        self._extra = [e.alias(name) for name, e in (extra or {}).items()]
        self.extra = tuple(extra or ())
        picked = scope.select(
            *dict.fromkeys(["figure_id", "source_id", "low", "high", "cites", *reads]),
            *self._extra,
        ).filter(~cites.is_null())
        self.citing = picked.select(
            "figure_id", "source_id", "low", "high", *key, "cites", *self.extra
        )
        self.pairs = pairs
        self.like = scope

    def uncited(self) -> nw.LazyFrame[Any]:
        """The figures that cite nothing (with the ``extra`` columns)."""
        chosen = self.like.select("figure_id", "source_id", "cites", *self._extra)
        return chosen.filter(nw.col("cites").is_null()).select(
            "figure_id", "source_id", *self.extra
        )

    def texts(self, naming: nw.Expr) -> list[str]:
        """The citation texts that name a source ``naming`` picks (an expression over
        the pairs' flags: ``_known``, ``_reporting``, ``_primary``)."""
        return sorted(self.pairs.filter(naming).get_column("cites").unique().to_list())

    def edges(self, naming: nw.Expr | None = None) -> nw.LazyFrame[Any] | None:
        """One row per (figure, cited source) for the cited sources ``naming`` picks (any
        by default); None when no figure cites one."""
        chosen = self.pairs if naming is None else self.pairs.filter(naming)
        if len(chosen) == 0:
            return None
        split = to_lazy(chosen.select("cites", "cited", "_cited"), self.like)
        # The join picks the citing rows: a lookup of every row's text first costs more.
        return self.citing.join(split, on="cites", how="inner")


# The pairs' flags, as the checks pick cited sources by them (``Citations.edges``).
_KNOWN, _REPORTING, _PRIMARY = nw.col("_known"), nw.col("_reporting"), nw.col("_primary")


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
    *,
    reread: bool = False,
    pair: nw.Expr | None = None,
) -> tuple[nw.LazyFrame[Any] | None, list[nw.LazyFrame[Any]]]:
    """Citations joined with the cited source's figure for the same thing (met), and
    those without one (unmet, with nulls in the cited figure's columns).

    ``candidates`` cite a source that reports figures itself, ``others`` one that does
    not (None: no such citation): only candidates can meet a figure, and an inner join of
    those few lets the engine hash the small side, where a left join would hash the
    whole lookup. ``reread``: the met citations are read by later queries too. ``pair``:
    the key and the cited source as one integer (``_Setting``), joined on where given.
    """
    on = [*key, "_cited"]
    nulls = [nw.lit(None, dtype=dtype).alias(c) for c, dtype in _UNMET.items()]
    unmet = [] if others is None else [others.with_columns(nulls)]
    if candidates is None:
        return None, unmet
    if pair is None:
        met = candidates.join(lookup, on=on, how="inner")
    else:  # the lookup holds every figure; the citations are often a few of them
        candidates = candidates.with_columns(pair.alias("_pair"))
        lookup = lookup.with_columns(pair.alias("_pair")).drop(*on)
        on = ["_pair"]
        met = joined_to_few(candidates, lookup, "_pair")
    if reread:
        met = reused(met)
    missed = candidates.join(met.select(on), on=on, how="anti").with_columns(nulls)
    if pair is not None:
        met, missed = met.drop("_pair"), missed.drop("_pair")
    unmet.append(missed)
    return met, unmet


# --- the figure graph ----------------------------------------------------------------------


class _Loop(NamedTuple):
    """A cycle of the figure graph: its figures in order and each one's source."""

    figures: tuple[str, ...]
    sources: tuple[str, ...]
    simple: bool


def _no_rows(schema: dict[str, Any], like: nw.LazyFrame[Any]) -> nw.LazyFrame[Any]:
    """A query's answer when it has nothing to ask: no rows, with the columns of ``schema``."""
    return small_frame({c: [] for c in schema}, schema, like)


# What the graphs' queries give (``_FigureGraph.queries``, ``_source_edges``).
_EDGE_COLUMNS = {
    "figure_id": nw.String, "source_id": nw.String, "cited_figure": nw.String,
    "cited": nw.String, "_in_scope": nw.Boolean, "reached": nw.Boolean,
    "cited_reached": nw.Boolean,
}  # fmt: skip
_DEAD_END_COLUMNS = {
    "figure_id": nw.String, "source_id": nw.String, "_in_scope": nw.Boolean, "path": nw.String,
}  # fmt: skip
_SOURCE_EDGE_COLUMNS = {
    "source_id": nw.String, "cited": nw.String, "figure_id": nw.String, "n": nw.Int64,
}  # fmt: skip


class _FigureGraph:
    """Every figure's chain of citations, through the cited source's figure for the same
    thing, answered for all figures at once.

    The engine gives the graph's edges (``graph_edges``: figure, its source, the cited
    figure and its source, whether either is *reached* on its own: from a primary source,
    or citing one) and each figure's own dead ends (``graph_dead_ends``: the smallest of
    the paths where one of its citations stops short of a primary source, for figures
    not reached on their own). The edges run over the whole table, as chains do; the
    dead ends are those of the rule's figures and of the figures the edges reach, asked
    for only where the rule checks ``reaches-primary`` (cycles are the edges' alone).
    """

    def __init__(self, s: _Setting, dead_ends: bool) -> None:
        self.s = s
        self.dead_ends = dead_ends
        cites = s.all_citations
        self.primary_texts = cites.texts(_PRIMARY)
        stopping = cites.edges(~_PRIMARY & ~_REPORTING) if dead_ends else None
        self.met, unmet = _meet(
            cites.edges(_REPORTING & ~_PRIMARY),
            stopping,
            s.lookup,
            s.key,
            reread=True,
            pair=s.pair,
        )
        self.unmet = unmet

    def _cites_primary(self, column: str) -> nw.Expr:
        return nw.col(column).is_in(self.primary_texts).fill_null(False)

    def queries(self) -> dict[str, nw.LazyFrame[Any]]:
        s = self.s
        on_own = nw.col("source_id").is_in(s.primary) | self._cites_primary("cites")
        if self.met is None:
            edges = _no_rows(_EDGE_COLUMNS, s.frame)
        else:
            edges = self.met.select(
                "figure_id",
                "source_id",
                "cited_figure",
                "cited",
                "_in_scope",
                on_own.alias("reached"),
                self._cites_primary("next_cites").alias("cited_reached"),
            )
        if not self.dead_ends:
            return {"graph_edges": edges, "graph_dead_ends": _no_rows(_DEAD_END_COLUMNS, s.frame)}
        uncited = (
            s.all_citations.uncited()
            .filter(~nw.col("source_id").is_in(s.primary))
            .with_columns(nw.col("source_id").alias("path"))
        )
        path = nw.concat_str([nw.col("source_id"), nw.lit(SEP), nw.col("cited")]).alias("path")
        stops = [
            u.filter(~on_own).select("figure_id", "source_id", "_in_scope", path)
            for u in self.unmet
        ]
        dead = nw.concat([uncited, *stops])
        if s.in_scope is not None:  # the rule's figures, and those a chain can reach
            wanted = nw.concat(
                [
                    dead.filter(nw.col("_in_scope")).select("figure_id"),
                    edges.select(nw.col("cited_figure").alias("figure_id")),
                ]
            ).unique()
            dead = dead.join(wanted, on="figure_id", how="semi")
        dead = dead.group_by("figure_id", "source_id", "_in_scope").agg(nw.col("path").min())
        return {"graph_edges": edges, "graph_dead_ends": dead}

    @staticmethod
    def answer(edges: nw.DataFrame[Any], dead: nw.DataFrame[Any]) -> tuple[_DeadEnds, list[_Loop]]:
        """The rule's figures that reach no primary source, each with its shortest chain
        to a dead end, and the cycles a chain of the rule's figures runs into.

        A figure in a cycle, or whose chain runs into one, is left to ``no-cycles``: it is
        not reported as reaching no primary source as well.
        """
        nodes = _Nodes(edges, dead)
        graph = nodes.graph
        rings, on_cycle = cycles(graph)
        into_cycle = reaching(graph, on_cycle)
        reached = reaching(graph, nodes.reached)
        open_ = ~reached & ~into_cycle
        dist, step = nearest_ends(graph, nodes.own_path != None, open_)  # noqa: E711
        failing = np.flatnonzero(open_ & nodes.in_scope & (dist >= 0))
        dead_ends = _chains(nodes, failing, dist, step)
        seen = reachable(graph, nodes.in_scope)
        return dead_ends, _loops(rings, nodes, seen)


@dataclass(frozen=True)
class _DeadEnds:
    """The figures none of whose chains reaches a primary source (every figure of a table
    may be one), with each one's shortest chain to a dead end, as node numbers, column by
    column: how many sources it passes before the dead end (``passed``), the first _SHOWN
    nodes on it (``walked``: an array for each place, the figure's own first) and the
    dead end (``end``, whose own path names its source, then the source it cites, if any).
    """

    figures: list[str]
    passed: Any
    walked: Any
    end: Any
    nodes: _Nodes


def _chains(nodes: _Nodes, failing: Any, dist: Any, step: Any) -> _DeadEnds:
    """Each failing node's shortest chain, as its explanation names it: the first sources
    by following ``step``, the dead end by pointer jumping (``chain_ends``)."""
    end = chain_ends(step, dist)
    walked = [failing]
    for _ in range(_SHOWN - 1):
        walked.append(step[walked[-1]])
    return _DeadEnds(nodes.ids[failing].tolist(), dist[failing], walked, end[failing], nodes)


def _loops(rings: list[Cycle], nodes: _Nodes, seen: Any) -> list[_Loop]:
    """The cycles a chain of the rule's figures reaches (``seen``), with their figures
    and sources: read for the members of every cycle at once (thousands of small ones)."""
    if not rings:
        return []
    members, sizes = _members(rings)
    starts = np.cumsum(sizes) - sizes
    kept = (np.add.reduceat(seen[members].astype(np.int64), starts) > 0).tolist()
    ids, sources = nodes.ids[members].tolist(), nodes.source[members].tolist()
    return [
        _Loop(
            tuple(ids[a : a + len(ring.members)]),
            tuple(sources[a : a + len(ring.members)]),
            ring.simple,
        )
        for ring, a, keep in zip(rings, starts.tolist(), kept, strict=True)
        if keep
    ]


def _members(rings: list[Cycle]) -> tuple[Any, Any]:
    """Every cycle's members one after another, and how many each cycle has."""
    sizes = np.array([len(ring.members) for ring in rings], dtype=np.int64)
    members = np.fromiter(
        (m for ring in rings for m in ring.members), dtype=np.int64, count=int(sizes.sum())
    )
    return members, sizes


class _Nodes:
    """The figures of the collected edges and dead ends, numbered in the order of their
    ids, with what is known of each."""

    def __init__(self, edges: nw.DataFrame[Any], dead: nw.DataFrame[Any]) -> None:
        self.ids, code = _numbered(
            [(edges, "figure_id"), (edges, "cited_figure"), (dead, "figure_id")]
        )
        n_edges, n = len(edges), self.ids.size
        tail, head, own = code[:n_edges], code[n_edges : 2 * n_edges], code[2 * n_edges :]
        self.graph = Graph(n, tail, head)
        sources = np.concatenate(
            [_texts(edges, "source_id"), _texts(edges, "cited"), _texts(dead, "source_id")]
        )
        # Each figure's source, from any row that names it (all name the same).
        self.source: Any = np.empty(n, dtype=object)
        self.source[code] = sources
        self.reached = np.zeros(n, dtype=bool)
        self.reached[tail] = _flags(edges, "reached")
        self.reached[head] = _flags(edges, "cited_reached")
        self.in_scope = np.zeros(n, dtype=bool)
        self.in_scope[tail] = _flags(edges, "_in_scope")
        self.in_scope[own] = _flags(dead, "_in_scope")
        self.own_path = np.full(n, None, dtype=object)
        self.own_path[own] = _texts(dead, "path")


def _numbered(columns: list[tuple[nw.DataFrame[Any], str]]) -> tuple[Any, Any]:
    """The distinct texts of these collected columns, in order, and the number of each
    text among them, row by row (the columns one after another): factorised by the
    frames' library (numpy sorts Python strings many times slower)."""
    names = nw.concat([frame.select(nw.col(c).alias("_name")) for frame, c in columns])
    ((numbers, texts),) = codes(names, ["_name"]).values()
    return np.asarray(texts, dtype=object), numbers.to_numpy().astype(np.int64)


def _texts(frame: nw.DataFrame[Any], column: str) -> Any:
    return np.asarray(frame.get_column(column).to_numpy(), dtype=object)


def _flags(frame: nw.DataFrame[Any], column: str) -> Any:
    return np.asarray(frame.get_column(column).to_numpy(), dtype=bool)


# --- the source graph ----------------------------------------------------------------------


def _source_edges(s: _Setting) -> nw.LazyFrame[Any]:
    """The source graph: one row per (source, cited source) that any of the rule's
    figures gives, with the smallest such figure and how many there are. Only a source
    that reports figures can cite, so only citations of those can close a cycle."""
    edges = s.citations.edges(_REPORTING)
    if edges is None:
        return _no_rows(_SOURCE_EDGE_COLUMNS, s.frame)
    return edges.group_by("source_id", "cited").agg(
        nw.col("figure_id").min(), nw.col("figure_id").n_unique().alias("n")
    )


def _source_cycles(edges: nw.DataFrame[Any], sources: Mapping[str, Source]) -> list[Finding]:
    """One finding per cycle of the source graph, naming its sources in order and, for
    each citation on it, the smallest figure that makes it (and how many others do); its
    sentence written when first read (a table may have thousands of small cycles)."""
    ids, code = _numbered([(edges, "source_id"), (edges, "cited")])
    tail, head = code[: len(edges)], code[len(edges) :]
    rings, on_cycle = cycles(Graph(ids.size, tail, head))
    if not rings:
        return []
    inner = np.flatnonzero(on_cycle[tail] & on_cycle[head])
    citations = _CycleCitations(
        ids.size,
        tail[inner],
        head[inner],
        _texts(edges, "figure_id")[inner],
        edges.get_column("n").to_numpy()[inner],
    )
    names = ids.tolist()  # a list: indexing a numpy array of text makes a scalar each time
    hops = _hops(rings, citations)

    return deferred_sentences(
        [("source-cycle", _cycle_figures(on)) for on in hops],
        lambda: [_source_cycle(ring, names, on) for ring, on in zip(rings, hops, strict=True)],
    )


def _cycle_figures(hops: _Hops) -> tuple[str, ...]:
    """The figures a source cycle's finding names: each citation's first, once."""
    return tuple(dict.fromkeys(hops.figure))


class _CycleCitations:
    """The source graph's citations on a cycle, looked up by their two ends at once: each
    with the smallest figure that makes it (``figure``) and how many do (``count``)."""

    def __init__(self, n: int, tail: Any, head: Any, figure: Any, count: Any) -> None:
        key = tail * n + head
        order = np.argsort(key, kind="stable")
        self.n, self.key = n, key[order]
        self.tail, self.head = tail[order], head[order]
        self.figure, self.count = figure[order], count[order]

    def on(self, tail: Any, head: Any) -> _Hops:
        at = np.searchsorted(self.key, tail * self.n + head)
        return _Hops(
            tail.tolist(), head.tolist(), self.figure[at].tolist(), self.count[at].tolist()
        )


class _Hops(NamedTuple):
    """Citations in order, each with its figure and how many figures make it (``times``),
    as Python values."""

    tail: list[int]
    head: list[int]
    figure: list[str]
    times: list[int]

    def part(self, a: int, b: int) -> _Hops:
        return _Hops(self.tail[a:b], self.head[a:b], self.figure[a:b], self.times[a:b])


def _hops(rings: list[Cycle], citations: _CycleCitations) -> list[_Hops]:
    """Each cycle's citations in order, looked up for every cycle at once (a table may
    have thousands of small cycles): round a circle from its first member; inside a knot
    (a cycle that is no simple circle), every citation between its members, sorted."""
    members, sizes = _members(rings)
    ends = np.cumsum(sizes)
    following = np.arange(1, members.size + 1)
    following[ends - 1] = ends - sizes  # the last member cites the first
    around = citations.on(members, members[following])
    knots = _knot_hops(rings, members, sizes, citations)
    bounds = [0, *ends.tolist()]
    return [
        knots[k] if not ring.simple else around.part(bounds[k], bounds[k + 1])
        for k, ring in enumerate(rings)
    ]


def _knot_hops(
    rings: list[Cycle], members: Any, sizes: Any, citations: _CycleCitations
) -> dict[int, _Hops]:
    """The citations inside each knot, by the knot's number in ``rings``, sorted: one pass
    over the citations, however many knots."""
    knot = np.full(citations.n, -1, dtype=np.int64)
    which = np.repeat(np.arange(len(rings)), sizes)
    tangled = ~np.array([ring.simple for ring in rings], dtype=bool)[which]
    knot[members[tangled]] = which[tangled]
    tail, head = citations.tail, citations.head
    inside = (knot[tail] >= 0) & (knot[tail] == knot[head])
    tail, head = tail[inside], head[inside]
    order = np.lexsort((head, tail, knot[tail]))
    tail, head, of = tail[order], head[order], knot[tail][order]
    found = citations.on(tail, head)
    bounds = np.flatnonzero(np.diff(of, prepend=-1, append=-1)).tolist()
    return {int(of[a]): found.part(a, b) for a, b in pairwise(bounds)}


def _source_cycle(ring: Cycle, ids: Sequence[str], hops: _Hops) -> str:
    members = ring.members
    first = [
        f"{ids[a]} cites {ids[b]} ({_by_figures(fig, n)})"
        for a, b, fig, n in zip(
            hops.tail[:_SHOWN],
            hops.head[:_SHOWN],
            hops.figure[:_SHOWN],
            hops.times[:_SHOWN],
            strict=True,
        )
    ]
    said = _first_few(first, len(hops.tail))
    shown = _first_few([str(ids[m]) for m in members[:_SHOWN]], len(members))
    if len(members) == 1:
        text = f"{ids[members[0]]} cites itself ({_by_figures(hops.figure[0], hops.times[0])})."
    elif ring.simple:
        circle = " → ".join([*shown, str(ids[members[0]])])
        text = (
            f"Sources cite one another in a circle, whatever the figures: {circle}; "
            + "; ".join(said)
            + "."
        )
    else:
        names = ", ".join(shown)
        text = (
            f"Sources {names} cite one another in circles, whatever the figures: "
            + "; ".join(said)
            + "."
        )
    return text


def _by_figures(figure: str, n: int) -> str:
    if n == 1:
        return f"figure {figure}"
    return f"figure {figure} and {n - 1} other{'s' if n > 2 else ''}"


# --- findings ------------------------------------------------------------------------------


def _unknown_sources(rows: list[tuple[str, str]]) -> Iterator[Finding]:
    for fid, sid in rows:
        yield Finding(
            "unknown-source",
            (fid,),
            f"{fid} is reported by {sid!r}, which is not in the sources table.",
        )


def _unresolved(found: nw.DataFrame[Any] | None) -> list[Finding]:
    """One finding per citation of a source the sources table lacks, its sentence written
    when first read (``engine.deferred``): a table may have one on every row."""
    rows = python_rows(found) if found is not None else []

    return deferred_sentences(
        [("unresolved-citation", (fid,)) for fid, _ in rows],
        lambda: [
            f"{fid} cites {cited!r}, which is not in the sources table." for fid, cited in rows
        ],
    )


def _disagreements(found: nw.DataFrame[Any] | None) -> Iterator[Finding]:
    for row in python_rows(found, named=True) if found is not None else ():
        mine = Interval(row["low"], row["high"])
        theirs = Interval(row["cited_low"], row["cited_high"])
        gap = mine.gap(theirs)
        places = explain.places_for(gap)
        yield Finding(
            "cited-figure-disagrees",
            (row["figure_id"], row["cited_figure"]),
            f"{row['figure_id']} ({explain.bounds(mine, places)}) cites {row['cited']}, whose own "
            f"figure {row['cited_figure']} ({explain.bounds(theirs, places)}) for the same thing "
            f"differs by {explain.number(gap, places)}.",
            reported=mine,
            expected=theirs,
            gap=gap,
        )


def _figure_cycles(loops: list[_Loop]) -> list[Finding]:
    """One finding per cycle of the figure graph, its sentence written when first read (a
    table may have thousands of small cycles)."""

    return deferred_sentences(
        [("citation-cycle", loop.figures) for loop in loops],
        lambda: list(map(_figure_cycle, loops)),
    )


def _figure_cycle(loop: _Loop) -> str:
    steps = _first_few(
        [
            f"{f} ({src})"
            for f, src in zip(loop.figures[:_SHOWN], loop.sources[:_SHOWN], strict=True)
        ],
        len(loop.figures),
    )
    if len(loop.figures) == 1:
        text = (
            f"{loop.figures[0]} cites its own source, {loop.sources[0]}, for the same "
            "metric, dimensions and period: its chain of citations comes straight back to it."
        )
    elif loop.simple:
        circle = " → ".join([*steps, f"{loop.figures[0]} ({loop.sources[0]})"])
        text = (
            "These figures' citations go round in a circle, each citing the next one's "
            f"source for the same metric, dimensions and period: {circle}."
        )
    else:
        text = (
            "These figures cite one another's sources for the same metric, dimensions and "
            f"period round in circles: {', '.join(steps)}."
        )
    return text


# How many members of a cycle, citations on it, or sources of a chain, an explanation
# names: a cycle or a chain may be as long as the table, and its finding names every
# figure it is about; its sentence stays one line.
_SHOWN = 8


def _first_few(named: Sequence[str], total: int) -> list[str]:
    """The first of ``total`` things named (``named``: at least the first _SHOWN), and how
    many more, when there are more than _SHOWN (two more are named whole: an ellipsis
    would hide no more)."""
    if total <= _SHOWN:
        return list(named[:total])
    return [*named[: _SHOWN - 2], f"… ({total - _SHOWN + 2:,} more)"]


def _dead_ends(rows: _DeadEnds, s: _Setting) -> list[Finding]:
    """One finding per figure that reaches no primary source, its sentence written when
    first read (``engine.deferred``): every figure of a table may be one."""
    return deferred_sentences(
        [("no-primary-source", (fid,)) for fid in rows.figures],
        lambda: _dead_end_sentences(rows, s),
    )


def _dead_end_sentences(rows: _DeadEnds, s: _Setting) -> Any:
    """Each dead end's sentence: the figure, the first sources its chain passes (as
    ``_first_few`` names them), then the dead end's own path, and who holds no figure
    that says where the dead end's came from. Written column by column by polars (always
    installed, whatever the engine): a table may have one on every row, and a sentence
    put together in Python costs several times what checking its figure did."""
    import polars as pl

    kinds = " or ".join(sorted(k.value for k in s.primary_kinds))
    source = pl.Series(rows.nodes.source.tolist(), dtype=pl.String)
    frame = pl.DataFrame(
        {
            "figure": pl.Series(rows.figures, dtype=pl.String),
            "passed": rows.passed,
            "own": pl.Series(rows.nodes.own_path.tolist(), dtype=pl.String).gather(rows.end),
            **{f"_{k}": source.gather(at) for k, at in enumerate(rows.walked)},
        }
    )
    n, own = pl.col("passed"), pl.col("own")
    end = own.str.split(SEP).list.last()
    ends = frame.select(end.unique()).to_series().to_list()  # few: each named once
    end_name = end.replace_strict({e: s.name(e) for e in ends}, return_dtype=pl.String)
    shown = [  # as _first_few shows them
        pl.when((n > k) & ((n <= _SHOWN) | (k < _SHOWN - 2))).then(pl.col(f"_{k}"))
        for k in range(_SHOWN)
    ]
    more = pl.when(n > _SHOWN).then(pl.format("… ({} more)", _thousands(n - (_SHOWN - 2))))
    chain = pl.concat_str(
        [*shown, more, own.str.replace_all(SEP, " → ", literal=True)],
        separator=" → ",
        ignore_nulls=True,
    )
    cites_no_one = (n == 0) & ~own.str.contains(SEP, literal=True)
    how = (
        pl.when(cites_no_one)
        .then(pl.concat_str([pl.lit("it is reported by "), end_name, pl.lit(" and cites no one.")]))
        .otherwise(
            pl.concat_str(
                [
                    pl.lit("its chain of citations "),
                    chain,
                    pl.lit(" ends at "),
                    end_name,
                    pl.lit(f", and {s.holder} has no figure from "),
                    end,
                    pl.lit(" for the same metric and period that says where it came from."),
                ]
            )
        )
    )
    said = pl.concat_str(
        [pl.col("figure"), pl.lit(f" is not traced to a primary ({kinds}) source: "), how]
    )
    return frame.select(said).to_series()  # (a Series: the report's JSON is written from it)


def _thousands(x: Any) -> Any:
    """A whole number from 0 written as Python's ``f"{x:,}"`` writes it (a polars
    expression): its groups of three digits from the highest, the ones after the first
    padded, joined by commas."""
    import polars as pl

    groups = []
    for k in range(6, -1, -1):  # an Int64 has at most seven groups
        group = ((x // 10 ** (3 * k)) % 1000).cast(pl.String)
        first = group if k == 0 else pl.when(x >= 10 ** (3 * k)).then(group)
        groups.append(
            first
            if k == 6
            else pl.when(x >= 10 ** (3 * k + 3)).then(group.str.zfill(3)).otherwise(first)
        )
    return pl.concat_str(groups, separator=",", ignore_nulls=True)
