"""``statcheck init DIR``: the manifest of a folder of data files, with their SHA-256 (as
``frictionless describe`` describes a data package), or an existing manifest's SHA-256
brought up to date on request.

A new manifest lists the folder's data files (by suffix: csv, parquet, json, jsonl): a
file named ``sources.*`` has role ``sources``, the one other file role ``figures``. More
than one candidate figures table is refused unless one is named: a drop has one. An
existing manifest is never overwritten; ``refresh`` rewrites only the ``sha256`` values
of the files it lists (adding those it lacks), so its comments and layout stay.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from statcheck.contract.yamlio import Mapping
from statcheck.drops.manifest import (
    MANIFEST,
    SUFFIXES,
    _manifest_mapping,
    folder_name,
    sha256_of,
)
from statcheck.errors import INIT_REFUSED, INVALID_MANIFEST, Location

SOURCES_STEM = "sources"
_SHA_VALUE = re.compile(r"(sha256\s*:\s*)[^\s,}#]+")  # the value after `sha256:`


@dataclass(frozen=True)
class ChecksumChange:
    """One file's SHA-256 in the manifest: before (None: not given) and now."""

    path: str
    old: str | None
    new: str


@dataclass(frozen=True)
class InitResult:
    manifest: Path
    created: bool  # a new manifest (else an existing one refreshed)
    changes: tuple[ChecksumChange, ...]


def init_drop(
    folder: str | Path, *, refresh: bool = False, figures: str | None = None
) -> InitResult:
    """Write ``folder/drop.yml`` for the data files in ``folder`` or, with ``refresh``,
    bring the SHA-256 of an existing one up to date."""
    root = Path(folder)
    manifest = root / MANIFEST
    if not root.is_dir():
        raise INIT_REFUSED(f"{str(root)!r} is not a folder", location=Location(file=str(root)))
    if manifest.exists():
        if not refresh:
            raise INIT_REFUSED(
                f"{MANIFEST} exists already: statcheck init never overwrites a manifest",
                location=Location(file=str(manifest)),
                hint="--refresh brings the SHA-256 of the files it lists up to date",
            )
        return _refresh(root, manifest)
    files = _data_files(root, figures)
    changes = tuple(ChecksumChange(name, None, sha256_of(root / name)) for name, _ in files)
    manifest.write_text(_manifest_text(folder_name(root), files, changes), encoding="utf-8")
    return InitResult(manifest, True, changes)


def _data_files(root: Path, figures: str | None) -> list[tuple[str, str]]:
    """(file name, role) of the folder's data files, figures first."""
    names = sorted(p.name for p in root.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    sources = [n for n in names if Path(n).stem.lower() == SOURCES_STEM]
    candidates = [n for n in names if n not in sources]
    if figures is not None:
        if figures not in names:
            raise INIT_REFUSED(
                f"--figures {figures!r} is not a data file in {str(root)!r}",
                location=Location(file=str(root)),
                hint=f"its data files: {', '.join(names) or 'none'}",
            )
        candidates = [figures]
        sources = [n for n in sources if n != figures]
    if len(candidates) != 1:
        raise INIT_REFUSED(
            f"{str(root)!r} holds {len(candidates)} candidate figures tables"
            + (f" ({', '.join(candidates)})" if candidates else ""),
            location=Location(file=str(root)),
            hint="a drop has one figures table: name it with --figures FILE"
            if candidates
            else f"put the data files ({', '.join(sorted(SUFFIXES))}) in the folder first",
        )
    return [(candidates[0], "figures"), *((n, "sources") for n in sources[:1])]


def _manifest_text(
    drop_id: str, files: list[tuple[str, str]], changes: tuple[ChecksumChange, ...]
) -> str:
    lines = [
        "# Written by `statcheck init`; `statcheck init --refresh` updates the sha256 values.",
        f"id: {_quoted(drop_id)}",
        "files:",
    ]
    for (name, role), change in zip(files, changes, strict=True):
        lines += [
            f"  - path: {_quoted(name)}",
            f"    role: {role}",
            f"    format: {SUFFIXES[Path(name).suffix.lower()]}",
            f"    sha256: {change.new}",
        ]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar: a file name is data, never YAML syntax."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def _refresh(root: Path, manifest: Path) -> InitResult:
    """The manifest with each listed file's sha256 made current, edited in place line by
    line so that nothing else in it changes."""
    data = _manifest_mapping(root, manifest)
    entries = data.get("files")
    if not isinstance(entries, list):
        raise INVALID_MANIFEST("the manifest lists no files", location=Location(file=str(manifest)))
    lines = manifest.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    changes: list[ChecksumChange] = []
    inserts: list[tuple[int, str]] = []
    for entry in entries:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("path"), str):
            continue  # a database entry, or a fault read_drop reports
        path = root / entry["path"]
        if not path.is_file():
            continue  # still missing: the readiness check says so
        new, old = sha256_of(path), entry.get("sha256")
        if old is not None and str(old).lower() == new:
            continue
        changes.append(ChecksumChange(entry["path"], None if old is None else str(old), new))
        if old is not None:
            at = (entry.line_of("sha256") or 1) - 1
            lines[at] = _SHA_VALUE.sub(rf"\g<1>{new}", lines[at], count=1)  # hex: no escapes
        elif (insert := _add_sha(entry, lines, new)) is not None:
            inserts.append(insert)
    for at, text in sorted(inserts, reverse=True):  # from the bottom: earlier lines stay put
        lines.insert(at, text)
    if changes:
        manifest.write_text("".join(lines), encoding="utf-8")
    return InitResult(manifest, False, tuple(changes))


def _add_sha(entry: Mapping, lines: list[str], sha: str) -> tuple[int, str] | None:
    """A missing ``sha256``: put into a one-line ``{path: ...}`` entry (None: done), or
    the line to insert after ``path:``, with its indentation."""
    at = (entry.line_of("path") or 1) - 1
    line = lines[at]
    closing = line.rfind("}")
    after = line[closing + 1 :].strip()
    if closing > line.find("{") >= 0 and (not after or after.startswith("#")):
        lines[at] = f"{line[:closing].rstrip()}, sha256: {sha}{line[closing:]}"
        return None
    indent = len(line) - len(line.lstrip(" -"))
    return at + 1, f"{' ' * indent}sha256: {sha}\n"
