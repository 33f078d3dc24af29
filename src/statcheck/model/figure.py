"""Figures and sources: what was reported, by whom, citing whom."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from statcheck.model.interval import Interval
from statcheck.model.period import Period
from statcheck.model.value import ReportedValue


class SourceKind(StrEnum):
    OFFICIAL = "official"  # a statistics office, ministry, prosecutor, court
    MEDIA = "media"  # a newspaper, broadcaster, news agency
    ANALYST = "analyst"  # a research group, open-data service, think tank
    PERSON = "person"  # a named or unnamed individual
    OTHER = "other"


class FigureStatus(StrEnum):
    """Whether a figure is final; provisional and forecast figures may predate their period's end."""

    FINAL = "final"
    PROVISIONAL = "provisional"
    FORECAST = "forecast"


@dataclass(frozen=True)
class Source:
    source_id: str
    name: str
    kind: SourceKind
    url: str | None = None


@dataclass(frozen=True)
class Figure:
    """One reported number with everything needed to compare it with others."""

    figure_id: str
    metric: str
    reported: ReportedValue
    unit: str
    period: Period
    source_id: str
    cites: tuple[str, ...] = ()
    dimensions: tuple[tuple[str, str], ...] = ()
    published_at: date | None = None
    status: FigureStatus = FigureStatus.FINAL
    note: str | None = None

    def __init__(
        self,
        figure_id: str,
        metric: str,
        reported: ReportedValue,
        unit: str,
        period: Period,
        source_id: str,
        cites: tuple[str, ...] = (),
        dimensions: tuple[tuple[str, str], ...] = (),
        published_at: date | None = None,
        status: FigureStatus = FigureStatus.FINAL,
        note: str | None = None,
    ) -> None:
        # Written out: the findings of a large table name thousands of figures, and the
        # generated __init__ of a frozen dataclass sets each field through
        # object.__setattr__, several times slower than filling the instance's dict at once.
        self.__dict__.update(
            figure_id=figure_id, metric=metric, reported=reported, unit=unit, period=period,
            source_id=source_id, cites=cites, dimensions=dimensions, published_at=published_at,
            status=status, note=note,
        )  # fmt: skip

    @property
    def interval(self) -> Interval:
        # Worked out once: explanations ask for it several times per figure. (Kept in the
        # instance's __dict__ by hand: functools.cached_property takes a lock per read.)
        cached: Interval | None = self.__dict__.get("_interval")
        if cached is None:
            cached = self.__dict__["_interval"] = self.reported.interval()
        return cached
