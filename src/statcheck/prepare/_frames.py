"""A pipeline's frame taken as a table of cells: what stays typed and what becomes text."""

from __future__ import annotations

from typing import Any

import narwhals as nw

NUMERIC_COLUMNS = ("value", "precision", "scale")
DATE_COLUMNS = ("period_start", "period_end", "published_at")


def as_text_frame(native: Any) -> nw.DataFrame[Any]:
    """A frame from a pipeline: text columns stay text, numbers in value, precision and
    scale stay numbers (exact unless a precision says otherwise), dates stay dates; the
    rest becomes text."""
    frame: nw.DataFrame[Any] = nw.from_native(native, eager_only=True)
    schema = frame.schema
    convert = [
        c
        for c in frame.columns
        if schema[c] != nw.String
        and not (c in NUMERIC_COLUMNS and schema[c].is_numeric())
        and not (c in DATE_COLUMNS and schema[c] in (nw.Date, nw.Datetime))
    ]
    return frame.with_columns([nw.col(c).cast(nw.String) for c in convert]) if convert else frame
