"""Figures read back for people: by id, with their sources and citation chains.

Reports name figures by id; a page that explains a report wants each figure as it was
reported (printed value, qualifier, interval, period, source) and the chain of citations
behind it. ``FigureLookup`` answers those questions on tables already built (the checking
layer reads a drop into them: ``statcheck.checking.read_drop_figures``), for a few figures
at a time, so a drop of millions of rows costs one read and a handful of filters.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import narwhals as nw

from statcheck.contract.suite import Suite
from statcheck.engine.context import Context
from statcheck.model.figure import Figure, Source
from statcheck.prepare import ParsedFigureTable as FigureTable

__all__ = ["CitationStep", "FigureLookup"]

MAX_CHAIN_DEPTH = 12  # a chain longer than this is cut (and says so); cycles stop earlier


@dataclass(frozen=True)
class CitationStep:
    """One source in a chain of citations, and where it leads.

    ``figure`` is the source's own figure for the same metric, dimensions and period when
    the drop records one (the chain continues at its citations), else None (the chain
    ends at this source). ``cycle`` marks a step that returns to a figure already on the
    path; ``cut`` a chain longer than ``MAX_CHAIN_DEPTH``.
    """

    source_id: str
    figure: Figure | None
    cited: tuple[CitationStep, ...] = ()
    cycle: bool = False
    cut: bool = False


@dataclass
class FigureLookup:
    """A figure and a source table, looked up by id."""

    context: Context

    @classmethod
    def of_tables(
        cls, figures: FigureTable, sources: nw.DataFrame[Any] | None, suite: Suite | None = None
    ) -> FigureLookup:
        return cls(Context(figures=figures, sources=sources, suite=suite or _NO_SUITE))

    @property
    def sources(self) -> Mapping[str, Source]:
        return self.context.source_map()

    def figures(self, ids: Iterable[str]) -> dict[str, Figure]:
        """The figures with these ids (ids the drop lacks are left out)."""
        return self.context.figures_by_id(ids)

    def chain(self, figure: Figure) -> CitationStep:
        """The citation chain behind a figure, starting at its own source."""
        return self._follow(figure, (figure.figure_id,), 0)

    def _follow(self, figure: Figure, path: tuple[str, ...], depth: int) -> CitationStep:
        if depth >= MAX_CHAIN_DEPTH:
            return CitationStep(figure.source_id, figure, cut=True)
        steps = []
        for cited in figure.cites:
            found = self._cited_figure(figure, cited)
            if found is None:
                steps.append(CitationStep(cited, None))
            elif found.figure_id in path:
                steps.append(CitationStep(cited, found, cycle=True))
            else:
                steps.append(self._follow(found, (*path, found.figure_id), depth + 1))
        return CitationStep(figure.source_id, figure, tuple(steps))

    def _cited_figure(self, figure: Figure, source_id: str) -> Figure | None:
        """The cited source's own figure for the same thing, as the attribution rule joins them."""
        table = self.context.figures
        mask = (
            (nw.col("source_id") == source_id)
            & (nw.col("metric") == figure.metric)
            & (nw.col("period_start") == nw.lit(figure.period.start))
            & (nw.col("period_end") == nw.lit(figure.period.end))
        )
        dims = dict(figure.dimensions)
        for d in table.dimensions:
            mask = mask & (nw.col(d).is_null() if d not in dims else nw.col(d) == dims[d])
        rows = table.frame.filter(mask).head(1).rows(named=True)
        return self.context.to_figure(rows[0]) if rows else None


_NO_SUITE = Suite(id="<none>", rules=())
