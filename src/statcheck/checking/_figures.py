"""A drop's figures read for lookups by id (the results site's figure pages)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from statcheck.checking._engines import DEFAULT_ENGINE
from statcheck.checking._inputs import drop_inputs
from statcheck.engine.figures import FigureLookup
from statcheck.model.value import ValueReading

if TYPE_CHECKING:
    from statcheck.contract.suite import Suite
    from statcheck.drops.manifest import Drop


@dataclass
class DropFigures(FigureLookup):
    """A drop's figure and source tables, read once, looked up by id."""

    drop: Drop


def read_drop_figures(
    folder: str | Path, suite: Suite | None = None, engine: str = DEFAULT_ENGINE
) -> DropFigures:
    """Read a drop (with the suite's table mapping, if it has one) for lookups.

    Raises the same ``StatcheckError`` as ``validate_drop`` reports when the drop is not
    ready or cannot be read.
    """
    from statcheck.drops.manifest import read_drop

    drop = read_drop(folder)
    values = suite.values if suite is not None else ValueReading.TABLE
    inputs = drop_inputs(drop, suite.table if suite is not None else None, engine, values=values)
    lookup = FigureLookup.of_tables(inputs.figures, inputs.sources, suite)
    return DropFigures(lookup.context, drop)
