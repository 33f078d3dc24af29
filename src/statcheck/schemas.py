"""The pandera models of the published figure and source tables, under their first names.

``statcheck.schemas.FigureTable`` and ``SourceTable`` keep working: they are
:class:`statcheck.published_tables.PublishedFigureTable` and ``PublishedSourceTable``
(renamed so that they are not confused with the parsed figure table the rules check,
:class:`statcheck.prepare.ParsedFigureTable`). Importing this module imports pandera and
pandas.
"""

from __future__ import annotations

from statcheck.published_tables import PublishedFigureTable as FigureTable
from statcheck.published_tables import PublishedSourceTable as SourceTable

__all__ = ["FigureTable", "SourceTable"]
