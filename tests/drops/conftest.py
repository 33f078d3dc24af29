"""Tiny drops of any format, built in a temporary folder with a real manifest."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from statcheck.drops.manifest import sha256_of

# A drop file: its name, its bytes, and any manifest fields beyond path, role and sha256.
WriteDrop = Callable[..., Path]


def manifest_line(name: str, role: str, sha: str, fields: dict[str, Any]) -> str:
    # JSON strings and numbers are YAML flow scalars: "\t" stays a tab, "," stays text.
    extra = "".join(f", {k}: {json.dumps(v)}" for k, v in fields.items())
    return f"  - {{path: {json.dumps(name)}, role: {role}, sha256: {sha}{extra}}}"


@pytest.fixture
def write_drop(tmp_path: Path) -> WriteDrop:
    """``write_drop(figures=(name, bytes, {fields}), sources=(...) or None, name=...)``."""

    def write(
        figures: tuple[str, bytes, dict[str, Any]],
        sources: tuple[str, bytes, dict[str, Any]] | None = None,
        name: str = "drop",
    ) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        lines = [f"id: {name}", "publisher: test", "files:"]
        for role, entry in (("figures", figures), ("sources", sources)):
            if entry is None:
                continue
            file, data, fields = entry
            (folder / file).write_bytes(data)
            lines.append(manifest_line(file, role, sha256_of(folder / file), fields))
        (folder / "drop.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        return folder

    return write
