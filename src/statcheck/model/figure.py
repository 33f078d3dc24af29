"""Figures and sources: what was reported, by whom, citing whom."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    dimensions: tuple[tuple[str, str], ...] = field(default=())
    published_at: date | None = None
    status: FigureStatus = FigureStatus.FINAL
    note: str | None = None

    @property
    def interval(self) -> Interval:
        # Worked out once: explanations ask for it several times per figure. (Kept in the
        # instance's __dict__ by hand: functools.cached_property takes a lock per read.)
        cached: Interval | None = self.__dict__.get("_interval")
        if cached is None:
            cached = self.__dict__["_interval"] = self.reported.interval()
        return cached
