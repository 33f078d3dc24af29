"""Suggest a suite: find the relations a published table already satisfies.

``statcheck.suggest(data)`` reads a wide publisher's table (a drop folder, a CSV, Parquet
or JSON file, or a pandas or polars DataFrame: one period column of years, months or
dates, and numeric series columns), infers its ``table:`` mapping (each series at the
precision it is printed to), and searches it for

- **sums**: a column that is the sum of others, at printed precision (``_sums``: integer
  programming on a sample of rows, verified on every row), a sum per level; the sums
  that chain (a part of one is another's total) are written as one ``sum`` with
  ``hierarchy:`` (``_hierarchy``);
- **shares**: a column equal to part / whole × 100, 1,000, 100,000 or 1 (``_shares``);
- **rates and constant factors**: a rate a year in a table of months or quarters (part /
  whole × 12 × 1,000: a ``rate`` rule), part / whole × 0.001, and a total printed in
  thousands of its parts' unit (``_rates``);
- **series**: a column that is another's change from the period before (absolute or in
  percent), a running total that never falls (``_series``); changes at a year's lag or
  to the period after are notes;
- **the schema**: units, unique periods, no value below 0, and months that partition
  their year and add up to it (``_schema``); what ``schema:`` cannot state is a note.

A long table (a row per period and category: dimension columns of text and value
columns) is told from a wide one by the table itself (``_long``), and searched for sums
over each dimension and shares of a sum over some dimensions (``_long_search``), written
as table-form rules (``_long_suite``).

Each relation is weighed against chance (``_evidence``): proposed when it holds on every
row, a near-miss when it holds on most and the rows it fails on are findings; on too few
rows it says it cannot tell. The result is a :class:`Suggestion`: the ``Suite`` (built
with the suite builders, so it is the suite ``statcheck validate`` reads) and its YAML,
each rule after a comment with its evidence.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from statcheck.contract.suite import Suite
from statcheck.suggest._evidence import ALPHA, MIN_ROWS, MIN_SHARE
from statcheck.suggest._suite import Relation

__all__ = ["ALPHA", "MIN_ROWS", "MIN_SHARE", "Relation", "Suggestion", "suggest"]


@dataclass(frozen=True)
class Suggestion:
    """What suggest found: the suite (None when nothing was found), each relation with its
    evidence, the relations it cannot tell from chance, and the suite as YAML."""

    suite: Suite | None
    relations: tuple[Relation, ...]
    undecided: tuple[str, ...]
    notes: tuple[str, ...]  # what a reviewer should know of the table as read

    @property
    def near_misses(self) -> tuple[Relation, ...]:
        return tuple(r for r in self.relations if r.near_miss)

    def to_yaml(self) -> str:
        """The suite file, every rule preceded by its support; '' when there is no rule."""
        from statcheck.suggest._suite import suite_yaml

        if self.suite is None:
            return ""
        notes = [*self.notes, *(f"cannot tell: {u}" for u in self.undecided)]
        return suite_yaml(self.suite, self.relations, notes)


def suggest(data: Any, *, suite_id: str | None = None) -> Suggestion:
    """The suite a wide or long table's own figures support: ``data`` is a drop folder, a
    CSV/Parquet/JSON file or a DataFrame. Raises ``StatcheckError`` (a ``DataError``
    with the file) when the table cannot be read or has no period or numeric column."""
    from statcheck.suggest._rates import find_rates, find_scaled_sums
    from statcheck.suggest._schema import (
        find_partition,
        partition_notes,
        schema_notes,
        table_schema,
    )
    from statcheck.suggest._series import find_series
    from statcheck.suggest._shares import find_shares
    from statcheck.suggest._suite import mapping, relations, suite_of
    from statcheck.suggest._sums import FoundSum, find_sums
    from statcheck.suggest._table import read_text, wide_table

    text, table_name, publisher, file = read_text(data)
    long = _suggest_long(text, table_name, publisher, file, data, suite_id)
    if long is not None:
        return long
    table = wide_table(text, table_name, publisher, file)
    shares = _distinct([*find_shares(table), *find_rates(table)], table)
    units = {s.share: s.unit for s in shares}
    sums: list[FoundSum] = []
    stopped: list[int] = []  # the totals whose search for parts ran out of time
    for unit in dict.fromkeys(units.get(j, "") for j in range(len(table.series))):
        columns = tuple(j for j in range(len(table.series)) if units.get(j, "") == unit)
        sums += find_sums(table, columns, stopped)
    in_relations = frozenset(c for f in sums for c in (f.total, *f.parts)) | frozenset(
        c for s in shares for c in (s.share, s.part, s.whole)
    )
    scaled = find_scaled_sums(table, in_relations)
    sums += [f for f, _ in scaled]
    series, series_notes = find_series(table)
    partition = find_partition(table)
    found, undecided = relations(table, sums, shares, series, partition)
    m = mapping(table, shares, {f.total: scale for f, scale in scaled})
    name = suite_id or _name_of(data, table.name)
    schema = table_schema(table, (s.unit for s in m.series))
    suite = suite_of(table, _suite_id(name), found, m, schema) if found else None
    notes = (
        *_notes(table),
        *_stopped_notes(table, stopped),
        *schema_notes(table, units),
        *partition_notes(table, partition),
        *series_notes,
        *(
            f"{table.series[f.total]} is printed in {scale:,.0f}s of its parts' unit: "
            f"`scale: {scale:.0f}` in the mapping"
            for f, scale in scaled
        ),
    )
    return Suggestion(suite, found, undecided, notes)


def _suggest_long(
    text: Any, table_name: str, publisher: str | None, file: str, data: Any, suite_id: str | None
) -> Suggestion | None:
    """The suggestion for a long table (a row per period and category), None for a wide one."""
    from statcheck.suggest._long import long_layout, long_notes, long_table
    from statcheck.suggest._long_suite import long_suite_parts
    from statcheck.suggest._suite import suite_of

    layout = long_layout(text, file)
    if layout is None:
        return None
    table = long_table(text, layout, table_name, publisher)
    stopped: list[str] = []  # the totals whose search for parts reached its limit
    found, undecided, m = long_suite_parts(table, stopped)
    name = suite_id or _name_of(data, table.name)
    suite = suite_of(table, _suite_id(name), found, m) if found else None  # type: ignore[arg-type]
    return Suggestion(suite, found, undecided, (*long_notes(table), *_long_stopped(stopped)))


def _distinct(shares: Any, table: Any) -> list[Any]:
    """One share per three columns, and no share that is another's part or whole.

    The same three columns can be read two ways: unemployed_percent = unemployed /
    labor_force × 100, and labor_force = unemployed / unemployed_percent × 100 (the
    rounding intervals allow both). The reading whose whole is the largest of the three
    is the share's: a share is part of a whole."""
    magnitude = table.magnitude
    best: dict[frozenset[int], Any] = {}
    for s in shares:
        key = frozenset((s.share, s.part, s.whole))
        rank = (magnitude[s.whole], -s.support.log10_chance)
        kept = best.get(key)
        if kept is None or rank > (magnitude[kept.whole], -kept.support.log10_chance):
            best[key] = s
    operands = {c for s in best.values() for c in (s.part, s.whole)}
    return sorted((s for s in best.values() if s.share not in operands), key=lambda s: s.share)


def _suite_id(name: str) -> str:
    import re

    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "suggested"


def _notes(table: Any) -> tuple[str, ...]:
    notes = [
        f"{len(table.periods)} rows, period column {table.period_column!r} ({table.period_kind})"
    ]
    if table.repeated:
        shown = ", ".join(table.repeated[:5])
        more = f" and {len(table.repeated) - 5} more" if len(table.repeated) > 5 else ""
        notes.append(
            f"periods printed more than once, left out as validate leaves them: {shown}{more}"
        )
    if len(table.repeated) * 2 > len(set(table.periods)):
        notes.append(
            "most periods are printed on several rows: a long table (a row per category "
            "and period), but no column of text tells its rows apart: read as wide"
        )
    if table.ignored:
        told = [*table.ignored_because, *table.ignored[len(table.ignored_because) :]]
        notes.append(f"not series (not numbers, or mostly empty): {', '.join(told)}")
    return tuple(notes)


def _stopped_notes(table: Any, stopped: list[int]) -> tuple[str, ...]:
    """Where the search for a total's parts stopped at its time limit: a sum may be missed."""
    from statcheck.suggest._sums import MILP_SECONDS

    if not stopped:
        return ()
    names = ", ".join(table.series[j] for j in sorted(stopped))
    return (
        f"the search for the parts of {names} stopped at its time limit ({MILP_SECONDS:g} s a "
        "search), with a sum possibly missed: suggest a table of fewer columns (a total and "
        "its candidate parts) to search them fully",
    )


def _long_stopped(stopped: list[str]) -> tuple[str, ...]:
    """Where the search for the parts of a long table's total stopped at its limit."""
    if not stopped:
        return ()
    distinct = list(dict.fromkeys(stopped))
    shown = ", ".join(distinct[:_SHOWN])
    more = f" and {len(distinct) - _SHOWN} more" if len(distinct) > _SHOWN else ""
    return (
        f"the search for the parts of {shown}{more} stopped at its limit, with a sum possibly "
        "missed: suggest the rows of fewer categories to search them fully",
    )


_SHOWN = 10  # the totals a note names


def _name_of(data: Any, name: str) -> str:
    """What the suite is named after: the drop folder or the file (``name``: a frame's)."""
    from statcheck.drops.manifest import folder_name

    if not isinstance(data, str | Path):
        return name
    path = Path(data)
    return folder_name(path) if path.is_dir() else path.stem


class _CallableModule(types.ModuleType):
    """This package, callable as the function it is named after. Importing it (``from
    statcheck.suggest import Suggestion``) makes it ``statcheck``'s attribute ``suggest``
    in place of the function; ``statcheck.suggest(data)`` then still suggests."""

    def __call__(self, data: Any, *, suite_id: str | None = None) -> Suggestion:
        return suggest(data, suite_id=suite_id)


sys.modules[__name__].__class__ = _CallableModule
