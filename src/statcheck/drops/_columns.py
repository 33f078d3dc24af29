"""What every format's header must be: names that are there, distinct (also by case), and
the columns a caller asks for; and the error for a table without rows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from statcheck.drops.manifest import DropFile
from statcheck.errors import (
    BAD_HEADER,
    EMPTY_FILE,
    MISSING_COLUMN,
    Location,
    StatcheckError,
)


def check_names(
    raw: Sequence[str], path: Path | str, where: Location, wanted: Sequence[str] | None = None
) -> list[str]:
    """The header's names, checked. ``wanted``: the columns a caller reads (a suite's
    ``table:`` mapping), when not all: a column it does not read may have no name (R's
    ``write.csv`` prints its row names under a blank one), and is named by its position."""
    names = [str(c).lstrip("\ufeff").strip() for c in raw]
    if wanted is not None:
        names = [n or f"_unnamed_{i + 1}" for i, n in enumerate(names)]
    blank = [i + 1 for i, n in enumerate(names) if not n]
    times = Counter(names)  # counted once: a header may have tens of thousands of names
    repeated = sorted({n for n in names if n and times[n] > 1})
    folded = [n.casefold() for n in names]
    folded_times = Counter(folded)
    by_case = sorted(
        {n for n, f in zip(names, folded, strict=True) if n and folded_times[f] > 1} - set(repeated)
    )
    if blank or repeated or by_case:
        problems = []
        if blank:
            problems.append(f"blank name in column(s) {', '.join(map(str, blank))}")
        if repeated:
            problems.append(f"repeated name(s) {', '.join(map(repr, repeated))}")
        if by_case:
            problems.append(f"names that differ only by case {', '.join(map(repr, by_case))}")
        raise BAD_HEADER(
            f"the header has {' and '.join(problems)}: {names}",
            location=where,
            hint="every column needs its own name; if the names are on another line, set `header:` in drop.yml",
        )
    return names


def select(names: list[str], wanted: list[str] | None, path: Path | str) -> list[int] | None:
    """Positions of the wanted columns (in file order), or None for every column."""
    if wanted is None:
        return None
    missing = [c for c in wanted if c not in names]
    if missing:
        raise MISSING_COLUMN(
            f"the table lacks the column(s) it is read for: {', '.join(missing)}",
            location=Location(file=str(path)),
            hint=f"the file's columns are: {', '.join(names)}",
        )
    return sorted(names.index(c) for c in wanted)


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def no_rows(path: Path, spec: DropFile) -> StatcheckError:
    return EMPTY_FILE(
        "the file names its columns but holds no rows",
        location=Location(file=str(path), line=spec.header if spec.format == "csv" else None),
        hint="a drop lists a file once it holds its figures",
    )
