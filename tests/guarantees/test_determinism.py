"""Guarantee: results are deterministic. The same inputs give byte-identical JSON reports
apart from ``generated_at``, whatever the string-hash seed of the process, and the same
on the polars and pandas engines (apart from ``cache_key``, which names the engine)."""

from __future__ import annotations

import json
import re
from pathlib import Path

EXPECTED_PAIRS = 16  # the bundled suites and the drops they target


def _reports(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.json"))
    }


def _without(text: bytes, *fields: str) -> bytes:
    """The report's bytes with the values of these top-level fields blanked out."""
    for name in fields:
        text, n = re.subn(rb'(\n  "%s": )"[^"\n]*"' % name.encode(), rb'\1"-"', text)
        assert n == 1, (name, n)
    return text


def test_every_bundled_pair_was_validated(bundled_runs: dict[str, Path]) -> None:
    for name, folder in bundled_runs.items():
        reports = _reports(folder)
        assert len(reports) == EXPECTED_PAIRS, (name, sorted(reports))
        for report in reports.values():
            data = json.loads(report)
            assert data["results"] and not data["errors"], data["drop"]["id"]


def test_reports_are_byte_identical_apart_from_generated_at(
    bundled_runs: dict[str, Path],
) -> None:
    """Two processes with different PYTHONHASHSEED: set and dict orders, thread timing
    of the rules run in parallel and float summation order all leave the bytes alone."""
    first, second = _reports(bundled_runs["polars-a"]), _reports(bundled_runs["polars-b"])
    assert first.keys() == second.keys()
    for path in first:
        assert _without(first[path], "generated_at") == _without(second[path], "generated_at"), path


def test_polars_and_pandas_give_the_same_reports(bundled_runs: dict[str, Path]) -> None:
    polars, pandas = _reports(bundled_runs["polars-a"]), _reports(bundled_runs["pandas"])
    assert polars.keys() == pandas.keys()
    for path in polars:
        a = _without(polars[path], "generated_at", "cache_key")
        b = _without(pandas[path], "generated_at", "cache_key")
        assert a == b, path


def test_only_the_two_fields_are_blanked(bundled_runs: dict[str, Path]) -> None:
    for text in _reports(bundled_runs["polars-a"]).values():
        data = json.loads(text)
        blanked = json.loads(_without(text, "generated_at", "cache_key"))
        assert {k for k in data if data[k] != blanked[k]} == {"generated_at", "cache_key"}
