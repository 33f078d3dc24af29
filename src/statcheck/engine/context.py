"""What a rule implementation gets: the figure and source tables, the suite, and lookups."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import narwhals as nw

from statcheck.backends import backend_of
from statcheck.contract.rules import FigureRef, Ref, Selector
from statcheck.contract.suite import Suite
from statcheck.engine.native import collect_all, python_rows, rows_with
from statcheck.errors import AMBIGUOUS_SELECTOR, UNKNOWN_COLUMN
from statcheck.model.figure import Figure, FigureStatus, Source, SourceKind
from statcheck.model.period import Period, parse_period
from statcheck.model.value import Qualifier, ReportedValue
from statcheck.prepare import (
    CODE_PREFIX,
    KeyCodes,
    ParsedFigureTable,
    identity_columns,
    key_codes,
)

# A text identity column with more distinct values is compared as text where a rule would
# look its values up in Python (operands, hierarchies, cited sources).
FEW_CODED = 10_000
SELECTOR_COLUMNS = {"metric": "metric", "unit": "unit", "source": "source_id", "status": "status"}


@dataclass(frozen=True)
class Vintage:
    """An earlier drop of the same suite, as revision rules see it: its figure table read
    with the suite's mapping, or the problem that kept it from being read."""

    drop_id: str
    published_at: date | None = None
    figures: ParsedFigureTable | None = None
    problem: Exception | None = None


@dataclass(frozen=True)
class NotFigure:
    """A cell of a publisher's table where it printed a marker for no figure (``NA``,
    ``(D)``), as a rule that needs the figure names it."""

    figure_id: str  # the id its figure would have
    marker: str  # as printed
    reason: str  # the reason the suite's mapping gives for the marker

    def describe(self) -> str:
        why = f" ({self.reason})" if self.reason != self.marker else ""
        return f"{self.figure_id} is not a figure: the publisher printed {self.marker!r}{why}"


@dataclass
class Context:
    figures: ParsedFigureTable
    sources: nw.DataFrame[Any] | None
    suite: Suite
    _by_id: dict[str, Figure] = field(default_factory=dict)
    drop_id: str = "<frame>"
    earlier: tuple[Vintage, ...] = ()  # earlier drops, oldest first (revision rules)
    _not_figures: dict[str, NotFigure] = field(default_factory=dict)  # by the ids rules name
    # The figure table with its identity columns' integer codes (``code_keys``).
    _coded: nw.DataFrame[Any] | None = None
    _codes: KeyCodes | None = None
    _sources: SourceTable | None = None  # by id (``source_map``)

    @property
    def holder(self) -> str:
        """What the figures came in, as sentences name it: the drop, or a pipeline's frame."""
        return "the frame" if self.drop_id == "<frame>" else "the drop"

    def lazy(self) -> nw.LazyFrame[Any]:
        """The figure table as a lazy query: rules build plans on it and collect only what
        they need (failing rows, counts)."""
        return (self.figures.frame if self._coded is None else self._coded).lazy()

    def scope(self, selector: Selector | None, *columns: str | nw.Expr) -> nw.LazyFrame[Any]:
        """The figures ``selector`` matches (every figure without one), with only
        ``columns``: on a lazy library the rows first, so that the columns computed (a
        folded key) are computed for those rows alone; on one that evaluates step by step
        (pandas) the columns and rows together, so that it copies those columns, not the
        whole table."""
        if selector is None:
            return self.lazy().select(*columns)
        if not backend_of(self.figures.frame).eager:
            return self.lazy().filter(self.selector_mask(selector)).select(*columns)
        inside = self.selector_mask(selector).alias("_selected")
        chosen = self.lazy().select(*columns, inside).filter(nw.col("_selected"))
        return chosen.drop("_selected")

    def code_keys(self) -> None:
        """Give the identity columns (metric, source, period, dimensions) integer codes,
        once for every rule that joins the table with itself (``prepare._codes``), and add
        them to the table the rules read. A table on a cluster keeps only its text."""
        frame = self.figures.frame
        if not isinstance(frame, nw.DataFrame):
            return
        keyed = self.figures.codes
        if keyed is None:
            columns = identity_columns(self.figures.dimensions)
            keyed = key_codes(frame, columns, self.figures.known_values)
        if keyed is None:
            return
        self._codes = keyed
        self._coded = nw.concat([frame, keyed.frame], how="horizontal")

    def codes_of(self, column: str) -> dict[Any, int] | None:
        """Each value of a text identity ``column`` with its code (see ``key``); None
        when the table has no codes, or the column too many values (``values_coded``)."""
        values = self.values_coded(column)
        return None if values is None else {v: i for i, v in enumerate(values)}

    def values_coded(self, column: str) -> list[Any] | None:
        """The value each code of a text identity ``column`` stands for (the code is the
        position); None when the table has no codes, or the column more than
        ``FEW_CODED`` values (rules look values up in Python, which only a few merit)."""
        values = self._all_coded(column)
        return values if values is not None and len(values) <= FEW_CODED else None

    def coded_count(self, column: str) -> int | None:
        """How many values a text identity ``column``'s codes stand for (None: no codes)."""
        values = self._all_coded(column)
        return None if values is None else len(values)

    def _all_coded(self, column: str) -> list[Any] | None:
        return None if self._codes is None else self._codes.values.get(column)

    def key(
        self, columns: Sequence[str], fold: bool = True, name: str = "_key"
    ) -> tuple[list[nw.Expr], list[str]]:
        """What stands for the identity columns ``columns`` when the figure table is joined
        or grouped with itself: the expressions to select and the names to join on. The
        columns with codes are folded into one integer (``_key0``, after ``name``; a second
        if their codes would overflow 62 bits), the others kept, a missing dimension as
        blank text so that it matches another (polars joins never match nulls; pandas
        merges do). ``fold=False``: every column kept (a rule that joins on some of them)."""
        sizes = self._codes.sizes if self._codes is not None and fold else {}
        coded = [c for c in columns if c in sizes]
        exprs = self._codes.folded(coded, name) if self._codes is not None and coded else []
        names = [f"{name}{i}" for i in range(len(exprs))]
        blank = set(self.figures.blank_dimensions())
        for c in columns:
            if c not in coded:
                exprs.append(nw.col(c).fill_null("") if c in blank else nw.col(c))
                names.append(c)
        return exprs, names

    def key_reads(self, columns: Sequence[str]) -> list[str]:
        """The table's columns that ``key(columns)`` reads: each one's codes where it has
        them, else the column itself (a rule that picks rows first selects these alone)."""
        sizes = self._codes.sizes if self._codes is not None else {}
        return [CODE_PREFIX + c if c in sizes else c for c in columns]

    def key_with(
        self, columns: Sequence[str], more: Sequence[tuple[nw.Expr, int]]
    ) -> nw.Expr | None:
        """One integer for ``columns`` (selected as ``key`` folds them, ``_key0``) and
        ``more`` integers (each with its number of values) together, so that a join on
        all of them is a join on one column; None where they do not fit in one."""
        if self._codes is None:
            return None
        return self._codes.extended(columns, "_key0", more)

    def preload(self, refs: list[Ref]) -> None:
        """Fetch every figure named by id in one filter, not one query per reference; and
        of the ids that are no figure, the cells the publisher marked as none."""
        self._by_id.update(
            self.figures_by_id(r.figure_id for r in refs if isinstance(r, FigureRef))
        )
        absent = [r.figure_id for r in refs if isinstance(r, FigureRef)]
        self._not_figures.update(self._marked(id_in=[i for i in absent if i not in self._by_id]))

    def marked_cells(self) -> nw.LazyFrame[Any] | None:
        """The cells the publisher marked as no figure, as a lazy query on the figure
        table's library (see ParsedFigureTable.not_figures), or None."""
        marked = self.figures.not_figures
        if marked is None:
            return None
        return marked.lazy() if isinstance(marked, nw.DataFrame) else marked

    def not_figures(self, refs: Sequence[Ref]) -> list[NotFigure]:
        """The cells, among those ``refs`` name, that the publisher marked as no figure: a
        rule that needs one cannot be checked, and says which and why."""
        found: list[NotFigure] = []
        for ref in refs:
            if isinstance(ref, FigureRef):
                if ref.figure_id in self._not_figures:
                    found.append(self._not_figures[ref.figure_id])
            elif self.figures.not_figures is not None:
                found += self._marked_selected(ref)
        return found

    def _marked_selected(self, selector: Selector) -> list[NotFigure]:
        """The marked cells a selector matches when it matches no figure."""
        cells = self._marked(mask=self.selector_mask(selector))
        if not cells:
            return []
        (figures,) = collect_all([self.lazy().filter(self.selector_mask(selector)).head(1)])
        return [] if len(figures) else list(cells.values())

    def _marked(
        self, id_in: list[str] | None = None, mask: nw.Expr | None = None
    ) -> dict[str, NotFigure]:
        """Marked cells by id: those with one of the ids ``id_in``, or that ``mask`` matches."""
        marked = self.marked_cells()
        if marked is None or id_in == []:
            return {}
        query = rows_with(marked, "figure_id", sorted(set(id_in))) if id_in else marked
        if mask is not None:
            query = query.filter(mask)
        (rows,) = collect_all([query.select("figure_id", "marker", "reason").sort("figure_id")])
        return {str(i): NotFigure(str(i), str(m), str(r)) for i, m, r in python_rows(rows)}

    def figures_by_id(self, ids: Iterable[str]) -> dict[str, Figure]:
        """Several figures by id in one filter: the ones a table-wide rule's findings name."""
        wanted = sorted(set(ids))
        return self.figures_from(self.cells_of(wanted)) if wanted else {}

    def cells_of(self, ids: Iterable[str]) -> nw.DataFrame[Any]:
        """The figure table's rows of these ids, in one filter: collected now, so that a
        finding written later needs the rows only, not the table."""
        (rows,) = collect_all([rows_with(self.lazy(), "figure_id", sorted(set(ids)))])
        return rows

    def cells_at(self, positions: Iterable[int]) -> nw.DataFrame[Any]:
        """The figure table's rows at these ``_position``s, as ``cells_of`` gives them: a
        table in memory holds its figures in that order, so they are read straight from
        it (a filter would look at every row); on a cluster, a filter."""
        wanted = sorted(set(positions))
        frame = self.figures.frame
        if not isinstance(frame, nw.DataFrame):
            (rows,) = collect_all([rows_with(self.lazy(), "_position", wanted)])
            return rows
        rows = frame[wanted] if wanted else frame.head(0)
        assert rows.get_column("_position").to_list() == wanted, "figures out of order"
        return rows

    def with_ids(
        self, rows: nw.DataFrame[Any], at: str = "_position", name: str = "figure_id"
    ) -> nw.DataFrame[Any]:
        """Collected ``rows`` with the id of the figure at each position ``at`` (as
        ``name``; null where there is none), read from the table for these rows alone:
        rules carry a figure's place through their filters and joins, where its id (text)
        would be copied on every row."""
        frame = self.figures.frame
        if isinstance(frame, nw.DataFrame):  # in memory, in order: gathered in one step
            places = rows.get_column(at)
            if places.null_count() == len(places):
                return rows.with_columns(nw.lit(None, dtype=nw.String).alias(name))
            ids = frame.get_column("figure_id")[places.fill_null(0).cast(nw.Int64)]
            placed = nw.when(~nw.col(at).is_null()).then(nw.col(name)).alias(name)
            return rows.with_columns(ids.alias(name)).with_columns(placed)
        positions = [place_of(p) for p in rows.get_column(at).to_list()]
        cells = self.cells_at(p for p in positions if p is not None)
        found = (cells.get_column(c).to_list() for c in ("_position", "figure_id"))
        id_of = dict(zip(*found, strict=True))
        ids = [None if p is None else id_of[p] for p in positions]
        return rows.with_columns(nw.new_series(name, ids, nw.String, backend=rows.implementation))

    def figures_from(self, rows: nw.DataFrame[Any]) -> dict[str, Figure]:
        """Figures by id from collected rows of the figure table (all its columns)."""
        return figures_from(rows, self.figures.dimensions)

    def missing_ids(self, refs: tuple[Ref, ...]) -> list[str]:
        """The ids ``refs`` name that are neither a figure nor a cell marked as none."""
        return [
            r.figure_id
            for r in refs
            if isinstance(r, FigureRef)
            and r.figure_id not in self._by_id
            and r.figure_id not in self._not_figures
        ]

    def resolve(self, ref: Ref) -> Figure | None:
        """The figure a reference names; None when a selector matches nothing, or an id
        names a cell the publisher marked as no figure."""
        if isinstance(ref, FigureRef):
            return self._by_id.get(ref.figure_id)
        (found,) = collect_all([self.lazy().filter(self.selector_mask(ref)).head(3)])
        rows = list(python_rows(found, named=True))
        if len(rows) > 1:
            ids = ", ".join(r["figure_id"] for r in rows)
            raise AMBIGUOUS_SELECTOR(
                f"the selector {{{ref}}} matches more than one figure ({ids}…)",
                hint="add keys (source, period, a dimension) until one figure matches",
            )
        return self.to_figure(rows[0]) if rows else None

    def resolve_many(self, refs: tuple[Ref, ...]) -> tuple[list[Figure], list[str]]:
        """The figures found, and the references that matched nothing (as text)."""
        found: list[Figure] = []
        missing: list[str] = []
        for ref in refs:
            f = self.resolve(ref)
            if f is None:
                missing.append(str(ref))
            else:
                found.append(f)
        return found, missing

    def selector_mask(self, selector: Selector) -> nw.Expr:
        mask = nw.lit(True)
        for key, value in selector.criteria:
            if key == "period":
                p = parse_period(value)
                mask = (
                    mask
                    & (nw.col("period_start") == nw.lit(p.start))
                    & (nw.col("period_end") == nw.lit(p.end))
                )
            elif key in SELECTOR_COLUMNS:
                mask = mask & (nw.col(SELECTOR_COLUMNS[key]) == value)
            elif key in self.figures.dimensions:
                mask = mask & (nw.col(key) == value)
            else:
                keys = [*SELECTOR_COLUMNS, "period", *self.figures.dimensions]
                raise UNKNOWN_COLUMN(
                    f"selector key {key!r} is not a column of the figure table",
                    hint=f"selector keys here: {', '.join(keys)}",
                )
        return mask

    def to_figure(self, raw: dict[str, Any]) -> Figure:
        # polars hands back None for a missing cell; pandas NaN or pd.NA, made None here.
        row = raw if backend_of(self.figures.frame).missing_is_none else _without_missing(raw)
        return _figure(row, self.figures.dimensions)

    def source_map(self) -> SourceTable:
        """The sources by id, read once (a table may have one per figure)."""
        if self._sources is None:
            self._sources = SourceTable(self.sources)
        return self._sources


_KINDS = {k.value: k for k in SourceKind}


class SourceTable(Mapping[str, Source]):
    """The sources table as Sources by id, read column by column; each Source is made
    when first asked for (a table may have one source per figure, and a rule asks which
    ids there are, or of which kind, far more often than for a Source)."""

    def __init__(self, table: nw.DataFrame[Any] | None) -> None:
        names = ("source_id", "name", "kind", "url")
        columns = (
            {c: [] for c in names}
            if table is None
            else table.select(*names).to_dict(as_series=False)
        )
        if table is not None and not backend_of(table).missing_is_none:
            columns["url"] = [None if _is_missing(u) else u for u in columns["url"]]
        self._ids, self._names, self._kinds, self._urls = (columns[c] for c in names)
        self._at = dict(zip(self._ids, range(len(self._ids)), strict=True))

    def __getitem__(self, source_id: str) -> Source:
        i = self._at[source_id]
        return Source(source_id, self._names[i], _KINDS[self._kinds[i]], self._urls[i])

    def __iter__(self) -> Iterator[str]:
        return iter(self._at)

    def __len__(self) -> int:
        return len(self._at)

    def of_kinds(self, kinds: Collection[SourceKind]) -> list[str]:
        """The ids of the sources of these kinds, in the table's order."""
        wanted = {k.value for k in kinds}
        return [sid for sid, kind in zip(self._ids, self._kinds, strict=True) if kind in wanted]


def place_of(value: Any) -> int | None:
    """A collected ``_position`` as an int, None where there is none (pandas hands back a
    column with a missing value as floats, the missing one NaN)."""
    return None if value is None or value != value else int(value)


def figures_from(rows: nw.DataFrame[Any], dimensions: tuple[str, ...]) -> dict[str, Figure]:
    """Figures by id from collected rows of a figure table of these dimensions.

    Read column by column: the findings of a large table name thousands of figures.
    """
    columns = rows.to_dict(as_series=False)
    if not backend_of(rows).missing_is_none:
        columns = {c: [None if _is_missing(v) else v for v in vs] for c, vs in columns.items()}
    absent = [None] * len(rows)
    fields = zip(*(columns.get(c, absent) for c in _FIELDS), strict=True)
    dims = [(d, columns[d]) for d in dimensions if d in columns]
    figures = (
        _make_figure(values, tuple((d, str(vs[i])) for d, vs in dims if vs[i] is not None))
        for i, values in enumerate(fields)
    )
    return {f.figure_id: f for f in figures}


_QUALIFIERS = {q.value: q for q in Qualifier}
_STATUSES = {s.value: s for s in FigureStatus}


# The columns a Figure is made of, in the order ``_make_figure`` takes them.
_FIELDS = (
    "figure_id", "metric", "value", "qualifier", "precision", "percent", "value_text", "unit",
    "period_start", "period_end", "source_id", "cites", "published_at", "status", "note",
)  # fmt: skip


def _figure(row: dict[str, Any], dimensions: tuple[str, ...]) -> Figure:
    """A row of the figure table (missing cells None) as a Figure."""
    dims = tuple((d, str(v)) for d in dimensions if (v := row.get(d)) is not None)
    return _make_figure([row.get(c) for c in _FIELDS], dims)


def _make_figure(values: Sequence[Any], dimensions: tuple[tuple[str, str], ...]) -> Figure:
    """The cells of one figure (``_FIELDS``, missing ones None) as a Figure: plain
    lookups, as many findings each name a few."""
    (figure_id, metric, value, qualifier, precision, percent, text, unit, start, end,
     source_id, cites, published, status, note) = values  # fmt: skip
    status = status or "final"
    return Figure(
        figure_id=figure_id,
        metric=metric,
        reported=ReportedValue(
            value=float(value),
            qualifier=_QUALIFIERS.get(qualifier) or Qualifier(qualifier),
            precision=float(precision),
            percent=bool(percent),
            text=text,
        ),
        unit=unit,
        period=_period(start, end),
        source_id=source_id,
        cites=_cites(cites),
        dimensions=dimensions,
        published_at=_as_date(published) if published is not None else None,
        status=_STATUSES.get(status) or FigureStatus(status),
        note=note,
    )


# A table has few distinct periods and citation lists however many figures it has: each
# is made once (the findings of a large table name thousands of figures).
@lru_cache(maxsize=4096)
def _period(start: Any, end: Any) -> Period:
    return Period.as_printed(_as_date(start), _as_date(end))


@lru_cache(maxsize=4096)
def _cites(text: str | None) -> tuple[str, ...]:
    """The sources a ``cites`` cell names (``;``-separated, blanks dropped)."""
    if not text:
        return ()
    return tuple(c for c in (part.strip() for part in text.split(";")) if c)


def _without_missing(raw: dict[str, Any]) -> dict[str, Any]:
    return {k: None if _is_missing(v) else v for k, v in raw.items()}


def _is_missing(v: Any) -> bool:
    # pandas hands back NaN or pd.NA for a missing cell where polars gives None.
    if v is None:
        return True
    try:
        return bool(v != v)
    except TypeError:  # pd.NA refuses to be a bool
        return True


def _as_date(v: Any) -> date:
    if type(v) is date:  # polars hands back dates: the usual case first
        return v
    if isinstance(v, datetime):  # pandas hands back Timestamps
        return v.date()
    if isinstance(v, date):
        return v
    raise TypeError(f"expected a date, got {v!r}")
