"""Units a share or ratio is printed in, and the scale each implies.

A share of 0.586 is printed "58.6" in percent, "586" per 1,000 and "0.586" as a
fraction: the printed value is part / whole times the unit's scale. Units are matched
after normalising case, underscores, spaces and thousands separators, so ``per_1000``,
``per 1,000`` and ``Per 1000`` are one unit.
"""

from __future__ import annotations

SHARE_SCALES: dict[str, float] = {
    "percent": 100.0,
    "per cent": 100.0,
    "percentage": 100.0,
    "%": 100.0,
    "pct": 100.0,
    "per 1000": 1000.0,
    "per thousand": 1000.0,
    "per mille": 1000.0,
    "‰": 1000.0,
    "per 100000": 100000.0,
    "per 100 thousand": 100000.0,
    "fraction": 1.0,
    "ratio": 1.0,
    "proportion": 1.0,
}


def normalise_unit(unit: str) -> str:
    """Lower case, one space between words, no underscores or thousands commas."""
    return " ".join(unit.lower().replace("_", " ").replace(",", "").split())


def share_scale(unit: str | None) -> float | None:
    """The scale a share printed in ``unit`` carries (percent -> 100); None if unknown."""
    return SHARE_SCALES.get(normalise_unit(unit)) if unit else None
