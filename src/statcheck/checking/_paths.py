"""Where a report is written: ``OUT/<suite>/<drop>.json``, whatever the ids hold."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from statcheck.errors import OUTPUT_ON_INPUT, Location

# Characters a file name keeps as they are; every other one is percent-encoded, so an id
# can never name another folder ("..", "/", an absolute path) and two ids never share a file.
_UNSAFE = re.compile(r"[^\w.\-]")
# File names are at most 255 bytes on common file systems; a report's temporary file adds
# about 15 (``.NAME.XXXXXXXX.tmp``) and ``.json`` 5, so longer names are cut and hashed.
MAX_NAME_BYTES = 200
_HASH_CHARS = 16


def report_path(out: str | Path, suite_id: str, drop_id: str) -> Path:
    """``OUT/<suite>/<drop>.json``, each id made a safe file name (``file_name``)."""
    return Path(out) / file_name(suite_id) / f"{file_name(drop_id)}.json"


def refuse_output_on_inputs(output: str | Path, inputs: Iterable[str | Path]) -> None:
    """Refuse an output path that is an input file or lies inside an input folder (a drop
    being read), wherever links and ``..`` make either resolve to."""
    where = Path(output).resolve()
    for item in inputs:
        source = Path(item).resolve()
        inside = where == source or (source.is_dir() and where.is_relative_to(source))
        if inside:
            raise OUTPUT_ON_INPUT(
                f"the output {str(output)!r} would be written "
                + (f"inside the drop {str(item)!r}" if source.is_dir() else f"onto {str(item)!r}"),
                location=Location(file=str(output)),
                hint="write reports outside the drops and suites, e.g. --out build/reports/...",
            )


def file_name(name: str) -> str:
    """``name`` as one safe file name: kept when it is one already; otherwise each unsafe
    character (and a leading dot) percent-encoded; cut with a hash of the whole ``name``
    appended when that is too long for a file system."""
    encoded = _UNSAFE.sub(_percent, name)
    if encoded.startswith("."):
        encoded = "%2E" + encoded[1:]
    if not encoded:
        return "%"  # no id: a name no real id encodes to
    if len(encoded.encode("utf-8")) <= MAX_NAME_BYTES:
        return encoded
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH_CHARS]
    keep = MAX_NAME_BYTES - _HASH_CHARS - 1
    head = encoded.encode("utf-8")[:keep].decode("utf-8", "ignore")
    return f"{head}~{digest}"


def _percent(match: re.Match[str]) -> str:
    return "".join(f"%{b:02X}" for b in match.group().encode("utf-8", "surrogatepass"))
