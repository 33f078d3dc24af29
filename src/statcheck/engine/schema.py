"""Moved to :mod:`statcheck.engine.column_checks` (the suite's ``schema:`` section run
with pandera). Kept for the modules that still import from here."""

from __future__ import annotations

from statcheck.engine.column_checks import check_schema, key_columns, to_pandera

__all__ = ["check_schema", "key_columns", "to_pandera"]
