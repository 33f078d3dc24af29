"""Every error is declared once, in statcheck.errors' catalogue, and raised by its name."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import statcheck.errors as errors
from statcheck.errors import (
    CATALOGUE,
    INVALID_MANIFEST,
    ErrorEntry,
    ExitCode,
    Location,
    StatcheckError,
)

SRC = Path(errors.__file__).parent


def _python_files() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if p.name != "errors.py"]


def test_every_kind_is_declared_under_its_own_name() -> None:
    for slug, kind in CATALOGUE.items():
        assert getattr(errors, kind.constant) is kind, slug
        assert kind.meaning.strip(), slug
        assert issubclass(kind.family, StatcheckError), slug


def test_no_slug_is_written_as_a_literal_at_a_raise_site() -> None:
    """`slug="…"` outside the catalogue would be a slug the catalogue may not declare."""
    found = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            literal = isinstance(node, ast.keyword) and isinstance(node.value, ast.Constant)
            if literal and node.arg in ("slug", "error_slug"):
                found.append(f"{path.relative_to(SRC)}:{node.value.lineno}")
    assert found == []


def test_every_kind_named_in_the_code_is_declared() -> None:
    """Upper-case names imported from statcheck.errors are kinds of the catalogue."""
    constants = {k.constant for k in CATALOGUE.values()}
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "statcheck.errors":
                for alias in node.names:
                    if alias.name.isupper():
                        assert alias.name in constants | {"CATALOGUE"}, (path, alias.name)


def test_a_kind_raises_its_family_with_its_slug_and_exit_code() -> None:
    exc = INVALID_MANIFEST("drop.yml lists no files", location=Location(file="drop.yml"))
    assert type(exc) is errors.DataError
    assert (exc.slug, exc.exit_code, str(exc)) == (
        "invalid-manifest",
        ExitCode.CONTRACT,
        "drop.yml: drop.yml lists no files",
    )
    assert errors.CHECKSUM_MISMATCH("x").exit_code is ExitCode.NOT_READY
    assert errors.INVALID_ENCODING("x", family=errors.SuiteError).slug == "invalid-encoding"


@pytest.mark.parametrize(
    "exc",
    [
        errors.UNSAFE_PATH("a/../b leaves the drop", location=Location(file="d/drop.yml", line=4)),
        errors.CHECKSUM_MISMATCH("changed", hint="hash it again"),
        ValueError("a bug"),
    ],
)
def test_an_error_entry_round_trips_through_its_dict(exc: Exception) -> None:
    entry = ErrorEntry.from_exception(exc)
    assert ErrorEntry.from_dict(entry.to_dict()) == entry
    if not isinstance(exc, StatcheckError):
        assert (entry.slug, entry.exit_code) == ("internal-error", ExitCode.INTERNAL)
