"""Moved to :mod:`statcheck.prepare` (data preparation is no part of the rule engine).

Kept for the modules that still import from here; ``FigureTable`` is now
:class:`statcheck.prepare.ParsedFigureTable`.
"""

from __future__ import annotations

from statcheck.prepare import (
    SOURCE_OPTIONAL,
    SOURCE_REQUIRED,
    normalise_figures,
    normalise_sources,
)
from statcheck.prepare import ParsedFigureTable as FigureTable

__all__ = [
    "SOURCE_OPTIONAL",
    "SOURCE_REQUIRED",
    "FigureTable",
    "normalise_figures",
    "normalise_sources",
]
