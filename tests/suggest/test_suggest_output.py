"""Where `statcheck suggest --out` writes: never over the table it reads nor into the drop,
and a path it cannot write to is the user's to change (exit 2), never an internal error."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from statcheck.cli import main
from statcheck.errors import ExitCode
from tests.conftest import REPO

DROP = REPO / "fixtures" / "drops" / "bls-cps-aat1-2025"


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    return Path(shutil.copytree(DROP, tmp_path / "drop"))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("target", ["the table", "the manifest", "a new file in the drop"])
def test_suggest_refuses_to_write_over_its_input_or_into_the_drop(
    drop: Path, target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    table = next(p for p in drop.iterdir() if p.suffix == ".csv")
    out, data = {
        "the table": (table, table),
        "the manifest": (drop / "drop.yml", drop),
        "a new file in the drop": (drop / "suite.yml", drop),
    }[target]
    before = _files(drop)
    assert main(["suggest", str(data), "--out", str(out)]) == ExitCode.CONTRACT
    assert "[output-on-input]" in capsys.readouterr().err
    assert _files(drop) == before


def test_suggest_into_a_folder_is_an_unwritable_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["suggest", str(DROP), "--out", str(tmp_path)]) == ExitCode.CONTRACT
    err = capsys.readouterr().err
    assert "[unwritable-output]" in err and "it is a folder" in err


def test_a_drop_given_as_the_current_folder_names_the_suite(
    drop: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(drop)
    assert main(["suggest", ".", "--out", str(tmp_path / "s.yml")]) == 0
    text = (tmp_path / "s.yml").read_text(encoding="utf-8")
    assert "\nsuite: drop\n" in text  # the folder's name, as for `suggest drop`
