"""What may come out of statcheck when the input is wrong: the error slugs and exit codes
the error reference documents (docs/errors.md, "Every error slug"), read from that page
itself so that a slug raised but not documented fails the fuzzers, and the list cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

from statcheck.errors import ExitCode

ERRORS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "errors.md"
_SECTION = re.compile(r"^## Every error slug$(.*?)(?=^## |\Z)", re.M | re.S)
_NOT_READY = re.compile(r"^\*\*Exit 4\b.*?$(.*?)^\*\*Exit", re.M | re.S)


def _slugs(text: str) -> frozenset[str]:
    """The slugs in the first cell of each table row: ``| `a`, `b` | meaning |``."""
    cells = (line.split("|")[1] for line in text.splitlines() if line.startswith("| `"))
    return frozenset(s for cell in cells for s in re.findall(r"`([a-z][a-z-]*)`", cell))


def _section() -> str:
    found = _SECTION.search(ERRORS_PAGE.read_text(encoding="utf-8"))
    assert found, f"{ERRORS_PAGE} has no 'Every error slug' section"
    return found.group(1)


_text = _section()
_not_ready = _NOT_READY.search(_text)
assert _not_ready, "the error reference's slug section has no 'Exit 4' table"
NOT_READY_SLUGS = _slugs(_not_ready.group(1))
INTERNAL = "internal-error"
CONTRACT_SLUGS = _slugs(_text) - NOT_READY_SLUGS - {INTERNAL}
DOCUMENTED_SLUGS = CONTRACT_SLUGS | NOT_READY_SLUGS


def documented_exit_code(slug: str) -> ExitCode:
    return ExitCode.NOT_READY if slug in NOT_READY_SLUGS else ExitCode.CONTRACT
