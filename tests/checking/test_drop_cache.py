"""The drop cache: a drop is read once while its manifest stays the same, and a drop that
is not ready gives every caller the same problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from statcheck.checking import DropCache, validate_drop
from statcheck.contract.suite import suite_from_yaml
from statcheck.drops import manifest
from statcheck.errors import StatcheckError
from tests.conftest import MakeDrop, figure

SUITE = suite_from_yaml(
    "suite: t\nrules:\n  - {id: p, kind: compare, left: a, op: '<=', right: b}\n"
)


def test_a_drop_is_read_again_only_when_its_manifest_changes(
    make_drop: MakeDrop, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_drop([figure("a", "1"), figure("b", "2")])
    reads: list[Path] = []
    real = manifest.read_drop
    monkeypatch.setattr(manifest, "read_drop", lambda f: reads.append(Path(f)) or real(f))
    cache = DropCache()
    assert cache.drop(folder) is cache.drop(folder)
    assert len(reads) == 1
    text = (folder / "drop.yml").read_text(encoding="utf-8")
    (folder / "drop.yml").write_text(text.replace("publisher: test", "publisher: someone"))
    assert cache.drop(folder).publisher == "someone" and len(reads) == 2


def test_a_drop_that_is_not_ready_reports_the_same_problem_from_the_cache(
    make_drop: MakeDrop, backend: str
) -> None:
    folder = make_drop([figure("a", "1"), figure("b", "2")])
    (folder / "figures.csv").write_text("changed after hashing\n", encoding="utf-8")
    cache = DropCache()
    with pytest.raises(StatcheckError) as first:
        cache.drop(folder)
    report = validate_drop(folder, SUITE, backend, cache=cache)
    [error] = report.errors
    assert error.slug == first.value.slug == "checksum-mismatch"
    assert report.to_dict()["errors"] == validate_drop(folder, SUITE, backend).to_dict()["errors"]
