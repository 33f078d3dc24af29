"""Faults in a drop's manifest and files: each is the input's, with its slug, line and
exit code; never statcheck's own (exit 3), and never "not ready" when waiting will not help."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

import statcheck
from statcheck.drops.manifest import read_drop
from statcheck.errors import DropNotReady, ExitCode, StatcheckError
from tests.drops.helpers import SUITE, TEXT_FIGURES, encode

FIGURES = encode(TEXT_FIGURES, "csv")
SHA = hashlib.sha256(FIGURES).hexdigest()


def make_drop(tmp_path: Path, entry: str, top: str = "", name: str = "f.csv") -> Path:
    """A drop of the helpers' figure table with a manifest of one entry (YAML flow fields)."""
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / name).write_bytes(FIGURES)
    (drop / "drop.yml").write_text(f"id: d\n{top}files:\n  - {{{entry}}}\n", encoding="utf-8")
    return drop


def only_error(drop: Path) -> tuple[str, int, dict[str, object]]:
    report = statcheck.validate(drop, SUITE)
    assert report.results == ()
    [error] = report.errors
    return error.slug, int(error.exit_code), error.location.to_dict()


@pytest.mark.parametrize("published", ["2024-02-30", "someday", "2024-1-5", "05/01/2024", "2024"])
def test_a_published_at_that_is_no_date_is_a_manifest_error_on_its_line(
    tmp_path: Path, published: str
) -> None:
    drop = make_drop(tmp_path, f"path: f.csv, sha256: {SHA}", top=f"published_at: '{published}'\n")
    slug, code, where = only_error(drop)
    assert (slug, code, where["line"]) == ("invalid-manifest", ExitCode.CONTRACT, 2)


def test_published_at_is_read_as_a_date(tmp_path: Path) -> None:
    drop = make_drop(tmp_path, f"path: f.csv, sha256: {SHA}", top="published_at: 2024-01-05\n")
    assert read_drop(drop).published_on == __import__("datetime").date(2024, 1, 5)


@pytest.mark.parametrize(
    ("sha", "says"),
    [("12345", "sha256sum"), (f"sha256:{SHA}", "without 'sha256:'"), (SHA[:-1] + "g", "")],
)
def test_a_malformed_checksum_is_a_manifest_error_not_a_drop_still_arriving(
    tmp_path: Path, sha: str, says: str
) -> None:
    drop = make_drop(tmp_path, f"path: f.csv, sha256: '{sha}'")
    with pytest.raises(StatcheckError) as caught:
        read_drop(drop)
    assert (caught.value.slug, caught.value.exit_code) == ("invalid-manifest", ExitCode.CONTRACT)
    assert says in (caught.value.hint or "")
    assert caught.value.location.line == 3


@pytest.mark.parametrize("path", ['""', '"  "', '"f\\0.csv"'])
def test_an_empty_path_or_one_with_a_nul_is_a_manifest_error(tmp_path: Path, path: str) -> None:
    drop = make_drop(tmp_path, f"path: {path}, sha256: {SHA}")
    assert only_error(drop)[:2] == ("invalid-manifest", ExitCode.CONTRACT)


def test_a_link_to_itself_is_an_unreadable_file(tmp_path: Path) -> None:
    drop = make_drop(tmp_path, f"path: loop.csv, sha256: {SHA}")
    os.symlink("loop.csv", drop / "loop.csv")
    slug, code, where = only_error(drop)
    assert (slug, code, where["file"]) == (
        "unreadable-file",
        ExitCode.CONTRACT,
        str(drop / "loop.csv"),
    )


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_a_listed_file_that_is_a_folder_or_a_pipe_is_unreadable_not_still_arriving(
    tmp_path: Path, kind: str
) -> None:
    drop = make_drop(tmp_path, f"path: g.csv, sha256: {SHA}")
    if kind == "folder":
        (drop / "g.csv").mkdir()
    else:
        os.mkfifo(drop / "g.csv")  # never opened: a read would wait for a writer
    slug, code, where = only_error(drop)
    assert (slug, code, where["file"]) == (
        "unreadable-file",
        ExitCode.CONTRACT,
        str(drop / "g.csv"),
    )


def test_a_manifest_that_is_a_folder_is_unreadable_not_still_arriving(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    (drop / "drop.yml").mkdir(parents=True)
    slug, code, where = only_error(drop)
    assert (slug, code, where["file"]) == (
        "unreadable-file",
        ExitCode.CONTRACT,
        str(drop / "drop.yml"),
    )


def test_a_file_without_read_permission_is_an_unreadable_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # chmod 000 does not stop root: the refusal the kernel gives a user is made here.
    drop = make_drop(tmp_path, f"path: f.csv, sha256: {SHA}")

    def refuse(path: Path) -> str:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("statcheck.drops.manifest.sha256_of", refuse)
    slug, code, _ = only_error(drop)
    assert (slug, code) == ("unreadable-file", ExitCode.CONTRACT)


def test_a_file_written_to_after_its_checksum_is_not_ready(tmp_path: Path) -> None:
    drop = read_drop(make_drop(tmp_path, f"path: f.csv, sha256: {SHA}"))
    drop.verify_unchanged()  # nothing written yet
    with (drop.folder / "f.csv").open("ab") as fh:
        fh.write(b"z-2024,cases,1,cases,2024,stats,A\n")
    with pytest.raises(DropNotReady) as caught:
        drop.verify_unchanged()
    assert (caught.value.slug, caught.value.exit_code) == ("checksum-mismatch", ExitCode.NOT_READY)


def test_a_file_given_alone_is_told_how_to_get_the_drop_yml_a_hint_names(tmp_path: Path) -> None:
    bare = tmp_path / "f.csv"
    bare.write_bytes(FIGURES.replace(b",", b";"))
    [error] = statcheck.validate(bare, SUITE).errors
    assert error.slug == "unreadable-csv" and "delimiter: ';' in drop.yml" in (error.hint or "")
    assert "`statcheck init FOLDER`" in (error.hint or "")
    with pytest.raises(StatcheckError) as caught:
        statcheck.suggest(bare)
    assert "`statcheck init FOLDER`" in (caught.value.hint or "")
    # In a drop, the drop.yml is there: the hint says only what to declare in it.
    drop = make_drop(
        tmp_path, f"path: f.csv, sha256: {hashlib.sha256(FIGURES.replace(b',', b';')).hexdigest()}"
    )
    (drop / "f.csv").write_bytes(FIGURES.replace(b",", b";"))
    [error] = statcheck.validate(drop, SUITE).errors
    assert "delimiter: ';' in drop.yml" in (error.hint or "") and "statcheck init" not in (
        error.hint or ""
    )
