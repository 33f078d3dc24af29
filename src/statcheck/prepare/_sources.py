"""The source table: who reports figures, one row per source, of a known kind."""

from __future__ import annotations

from typing import Any

import narwhals as nw

from statcheck.errors import (
    DUPLICATE_SOURCE_ID,
    UNKNOWN_SOURCE_KIND,
)
from statcheck.model.figure import SourceKind
from statcheck.prepare._problems import problem
from statcheck.prepare._text import intake

SOURCE_REQUIRED = ("source_id", "name", "kind")


SOURCE_OPTIONAL = ("url", "note")


def normalise_sources(raw: nw.DataFrame[Any], file: str | None = None) -> nw.DataFrame[Any]:
    missing = [c for c in SOURCE_REQUIRED if c not in raw.columns]
    hint = f"a source table has {', '.join(SOURCE_REQUIRED)} and optionally {', '.join(SOURCE_OPTIONAL)}"
    frame, _, _ = intake(raw, "source", SOURCE_REQUIRED, missing, hint, file)
    problem(
        frame,
        nw.col("source_id").is_duplicated(),
        "source_id",
        "source_id is not unique",
        DUPLICATE_SOURCE_ID,
        file,
    )
    frame = frame.with_columns(nw.col("kind").str.to_lowercase())
    kinds = [k.value for k in SourceKind]
    problem(
        frame,
        ~nw.col("kind").is_in(kinds),
        "kind",
        "unknown source kind",
        UNKNOWN_SOURCE_KIND,
        file,
        f"use one of: {', '.join(kinds)}",
    )
    if "url" not in frame.columns:
        frame = frame.with_columns(nw.lit(None, dtype=nw.String).alias("url"))
    return frame
