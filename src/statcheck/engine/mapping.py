"""Moved to :mod:`statcheck.prepare` (``map_table``). Kept for the modules that still
import from here."""

from __future__ import annotations

from statcheck.prepare import map_table

__all__ = ["map_table"]
