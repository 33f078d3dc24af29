"""What a rule implementation gets: the figure and source tables, the suite, and lookups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import narwhals as nw

from statcheck.contract.rules import FigureRef, Ref, Selector
from statcheck.contract.suite import Suite
from statcheck.engine.table import FigureTable
from statcheck.errors import SuiteError
from statcheck.model.figure import Figure, FigureStatus, Source, SourceKind
from statcheck.model.period import Period, parse_period
from statcheck.model.value import Qualifier, ReportedValue

SELECTOR_COLUMNS = {"metric": "metric", "unit": "unit", "source": "source_id", "status": "status"}


class Ambiguous(SuiteError):
    """A selector matched more than one figure."""


@dataclass(frozen=True)
class Vintage:
    """An earlier drop of the same suite, as revision rules see it: its figure table read
    with the suite's mapping, or the problem that kept it from being read."""

    drop_id: str
    published_at: date | None = None
    figures: FigureTable | None = None
    problem: Exception | None = None


@dataclass
class Context:
    figures: FigureTable
    sources: nw.DataFrame[Any] | None
    suite: Suite
    _by_id: dict[str, Figure] = field(default_factory=dict)
    drop_id: str = "<frame>"
    earlier: tuple[Vintage, ...] = ()  # earlier drops, oldest first (revision rules)

    def preload(self, refs: list[Ref]) -> None:
        """Fetch every figure named by id in one filter, not one query per reference."""
        ids = sorted({r.figure_id for r in refs if isinstance(r, FigureRef)})
        if ids:
            rows = self.figures.frame.filter(nw.col("figure_id").is_in(ids)).rows(named=True)
            self._by_id.update({row["figure_id"]: self.to_figure(row) for row in rows})

    def figures_by_id(self, ids: Iterable[str]) -> dict[str, Figure]:
        """Several figures by id in one filter: the ones a table-wide rule's findings name."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self.figures.frame.filter(nw.col("figure_id").is_in(wanted)).rows(named=True)
        return {row["figure_id"]: self.to_figure(row) for row in rows}

    def missing_ids(self, refs: tuple[Ref, ...]) -> list[str]:
        return [
            r.figure_id for r in refs if isinstance(r, FigureRef) and r.figure_id not in self._by_id
        ]

    def resolve(self, ref: Ref) -> Figure | None:
        """The figure a reference names; None when a selector matches nothing."""
        if isinstance(ref, FigureRef):
            return self._by_id[ref.figure_id]
        rows = self.figures.frame.filter(self.selector_mask(ref)).head(3).rows(named=True)
        if len(rows) > 1:
            ids = ", ".join(r["figure_id"] for r in rows)
            raise Ambiguous(
                f"the selector {{{ref}}} matches more than one figure ({ids}…)",
                slug="ambiguous-selector",
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
                raise SuiteError(
                    f"selector key {key!r} is not a column of the figure table",
                    slug="unknown-column",
                    hint=f"selector keys here: {', '.join(keys)}",
                )
        return mask

    def to_figure(self, raw: dict[str, Any]) -> Figure:
        # polars hands back None for a missing cell; pandas NaN or pd.NA, made None here.
        row = raw if self.figures.frame.implementation.is_polars() else _without_missing(raw)
        dims = tuple((d, str(row[d])) for d in self.figures.dimensions if row.get(d) is not None)
        cites = tuple(c.strip() for c in (row.get("cites") or "").split(";") if c.strip())
        published = row.get("published_at")
        return Figure(
            figure_id=row["figure_id"],
            metric=row["metric"],
            reported=ReportedValue(
                value=float(row["value"]),
                qualifier=Qualifier(row["qualifier"]),
                precision=float(row["precision"]),
                percent=bool(row["percent"]),
                text=row.get("value_text"),
            ),
            unit=row["unit"],
            period=Period(_as_date(row["period_start"]), _as_date(row["period_end"])),
            source_id=row["source_id"],
            cites=cites,
            dimensions=dims,
            published_at=_as_date(published) if published is not None else None,
            status=FigureStatus(row.get("status") or "final"),
            note=row.get("note"),
        )

    def source_map(self) -> dict[str, Source]:
        if self.sources is None:
            return {}
        return {
            r["source_id"]: Source(r["source_id"], r["name"], SourceKind(r["kind"]), r.get("url"))
            for r in self.sources.select("source_id", "name", "kind", "url").rows(named=True)
        }


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
    if isinstance(v, datetime):  # pandas hands back Timestamps
        return v.date()
    if isinstance(v, date):
        return v
    raise TypeError(f"expected a date, got {v!r}")
