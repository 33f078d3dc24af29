"""Drops read once per run: the readiness check (every listed file hashed) and the
tables, kept for every later drop that compares with them as an earlier vintage."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from statcheck.checking._inputs import Inputs, drop_inputs
from statcheck.model.value import ValueReading

if TYPE_CHECKING:
    from statcheck.contract.mapping import TableMapping
    from statcheck.contract.suite import Suite
    from statcheck.drops.manifest import Drop
    from statcheck.engine.context import Vintage

T = TypeVar("T")
REVISION_KIND = "revision"  # the rule kind that compares a drop with earlier ones


class DropCache:
    """The drops of one run, each read once.

    A drop is keyed by its folder and its manifest's SHA-256: a manifest that changes
    during the run is read (and its files hashed) again. A drop that is not ready keeps
    its problem, raised again to every caller. Tables are keyed by the drop, the table
    mapping, the engine and the database URL they were read with; ``release_tables``
    lets them go once no later drop needs them.
    """

    def __init__(self) -> None:
        self._drops: dict[tuple[Path, str], Drop | Exception] = {}
        self._tables: dict[tuple[object, ...], Inputs | Exception] = {}

    def drop(self, folder: str | Path) -> Drop:
        """The drop in ``folder``, past its readiness check (``read_drop``): the manifest
        read and every listed file's checksum verified. Raises what ``read_drop`` raises."""
        from statcheck.drops.manifest import MANIFEST, read_drop

        folder = Path(folder)
        try:
            manifest = hashlib.sha256((folder / MANIFEST).read_bytes()).hexdigest()
        except OSError:  # no manifest (or no folder): read_drop says which, every time
            return read_drop(folder)
        key = (folder, manifest)
        if key not in self._drops:
            try:
                self._drops[key] = read_drop(folder)
            except Exception as exc:  # kept: the same problem for every caller
                self._drops[key] = exc
        return _value(self._drops[key])

    def inputs(
        self,
        drop: Drop,
        mapping: TableMapping | None,
        engine: str,
        database_url: str | None = None,
        values: ValueReading = ValueReading.TABLE,
    ) -> Inputs:
        """The drop's tables read for ``engine`` with ``mapping`` and ``values`` (see
        ``drop_inputs``)."""
        key = (drop, mapping, engine, database_url, values)
        if key not in self._tables:
            try:
                self._tables[key] = drop_inputs(drop, mapping, engine, database_url, values)
            except Exception as exc:
                self._tables[key] = exc
        return _value(self._tables[key])

    def release_tables(self) -> None:
        """Forget the tables read so far (the drops' readiness stays known)."""
        self._tables.clear()


def _value(entry: T | Exception) -> T:
    if isinstance(entry, Exception):
        raise entry
    return entry


def has_revision_rules(suite: Suite) -> bool:
    """Whether the suite compares each drop with the earlier ones."""
    return any(rule.KIND == REVISION_KIND for rule in suite.rules)


def read_earlier(
    folders: Sequence[str | Path],
    suite: Suite,
    engine: str,
    cache: DropCache | None = None,
    database_url: str | None = None,
) -> tuple[Vintage, ...]:
    """The earlier drops a suite's revision rules compare with, oldest first; each read
    as the drop itself is, or holding the problem that kept it from being read. None for
    a suite without revision rules."""
    from statcheck.drops.manifest import folder_name
    from statcheck.engine.context import Vintage

    if not has_revision_rules(suite):
        return ()
    cache = cache or DropCache()
    vintages = []
    for folder in map(Path, folders):
        drop_id = folder_name(folder)
        try:
            drop = cache.drop(folder)
            drop_id = drop.id
            published = _published(drop)
            inputs = cache.inputs(drop, suite.table, engine, database_url, suite.values)
            vintages.append(Vintage(drop_id, published, inputs.figures))
        except Exception as exc:  # recorded for the revision rules; the drop itself still runs
            vintages.append(Vintage(drop_id, problem=exc))
    return tuple(vintages)


def _published(drop: Drop) -> date | None:
    """The manifest's ``published_at`` as a date (revision rules ask which periods were
    open); read_drop has refused one that is no date."""
    return drop.published_on
