"""What may come out of statcheck when the input is wrong: the error kinds declared in
statcheck's catalogue (``statcheck.errors.CATALOGUE``), with their exit codes, so that a
slug raised but not declared fails the fuzzers."""

from __future__ import annotations

from statcheck.errors import CATALOGUE, INTERNAL_ERROR, ExitCode

INTERNAL = INTERNAL_ERROR.slug
DOCUMENTED_SLUGS = frozenset(CATALOGUE) - {INTERNAL}
NOT_READY_SLUGS = frozenset(s for s, k in CATALOGUE.items() if k.exit_code is ExitCode.NOT_READY)
CONTRACT_SLUGS = DOCUMENTED_SLUGS - NOT_READY_SLUGS


def documented_exit_code(slug: str) -> ExitCode:
    return CATALOGUE[slug].exit_code
