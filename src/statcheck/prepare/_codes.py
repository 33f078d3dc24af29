"""The identity columns as integer codes, for the joins of the rules that need them.

A figure is identified by its metric, source, period and dimensions. The table-wide
rules' joins and group-bys compare those columns row against row; on several text
columns that costs several times what it costs on one integer (and pandas factorises
text keys anew in every merge). So each identity column gets dense codes once (0 to
n - 1 for its n distinct values, n for a missing cell) and a key over several columns is
their codes folded into one 64-bit integer, exact (mixed radix, not a hash): two rows
get the same number iff they agree on every column.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import narwhals as nw

from statcheck.backends import codes

CODE_PREFIX = "_k_"  # an identity column's codes: _k_metric, _k_region, ...
_ROOM = 2**62  # what one folded key may span (an Int64, with room to spare)
# A table of more identity columns (a wide table of thousands of dimensions) keeps its
# text: a key folded from so many would be an expression as long as the table is wide.
MAX_CODED = 32


@dataclass(frozen=True)
class KeyCodes:
    """Codes of identity columns, row for row with the figure table (``frame``: one
    column ``_k_<column>`` each), how many codes each column has (``sizes``) and, for a
    text column, the values its codes stand for, in order (``values``)."""

    frame: nw.DataFrame[Any]
    sizes: dict[str, int] = field(default_factory=dict)
    values: dict[str, list[Any]] = field(default_factory=dict)

    def folded(self, columns: Sequence[str], name: str = "_key") -> list[nw.Expr]:
        """``columns`` (each with codes) as few integers as fit: one, unless their codes
        together would overflow 62 bits. Named ``_key0``, ``_key1``, ... (after ``name``)."""
        keys: list[nw.Expr] = []
        for run in _fitting(list(columns), self.sizes):
            key = nw.col(CODE_PREFIX + run[0]).cast(nw.Int64)
            for c in run[1:]:
                key = key * self.sizes[c] + nw.col(CODE_PREFIX + c)
            keys.append(key.alias(f"{name}{len(keys)}"))
        return keys

    def extended(
        self, columns: Sequence[str], key: str, more: Sequence[tuple[nw.Expr, int]]
    ) -> nw.Expr | None:
        """The key of ``columns`` folded into one integer (the column ``key``), with more
        integers folded in after it (each with how many values it takes, 0 to size - 1);
        None when ``columns`` do not make one integer or the whole would not fit."""
        if not all(c in self.sizes for c in columns):
            return None
        # Under 2**62 in all, ``columns`` alone make one integer (``folded``) too.
        span = 1
        for size in [*(self.sizes[c] for c in columns), *(size for _, size in more)]:
            span *= max(size, 1)
        if span >= _ROOM:
            return None
        out = nw.col(key).cast(nw.Int64)
        for expr, size in more:
            out = out * max(size, 1) + expr
        return out


def identity_columns(dimensions: Sequence[str]) -> list[str]:
    """The columns that identify a figure, which get codes: its metric, source, the
    period's dates and every dimension."""
    return ["metric", "source_id", "period_start", "period_end", *dimensions]


def key_codes(
    frame: nw.DataFrame[Any],
    columns: Sequence[str],
    known: Mapping[str, Sequence[Any]] | None = None,
) -> KeyCodes | None:
    """The codes of ``columns`` (text or dates) of a table in memory; None for more than
    ``MAX_CODED`` columns, or a table that already has a column named like a code.
    ``known``: the distinct values of text columns, where the table knows them."""
    if len(columns) > MAX_CODED or any(CODE_PREFIX + c in frame.columns for c in columns):
        return None
    coded = codes(frame, columns, known)
    sizes = {c: int(s.max() or 0) + 1 if len(s) else 1 for c, (s, _) in coded.items()}
    series = [s.alias(CODE_PREFIX + c) for c, (s, _) in coded.items()]
    values = {c: v for c, (_, v) in coded.items() if v}
    return KeyCodes(nw.from_dict({s.name: s for s in series}), sizes, values)


def _fitting(columns: list[str], sizes: dict[str, int]) -> list[list[str]]:
    """``columns`` in runs whose codes, folded into one number, fit in 62 bits."""
    runs: list[list[str]] = []
    room = _ROOM
    for c in columns:
        if not runs or room < sizes[c]:
            runs.append([])
            room = _ROOM
        runs[-1].append(c)
        room //= sizes[c]
    return runs
