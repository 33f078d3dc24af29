"""The memory a drop will take to check, weighed before any of it is read.

A file larger than the machine can hold must end in a documented error and a report
(``beyond-memory``, exit 2), not in the allocator aborting the process half-way through a
read. So before reading, the files a drop lists are weighed: bytes on disk (for Parquet,
the uncompressed size its footer states) times what checking a byte of that format costs
at its peak, measured on this project's benchmark tables (a 1 GB figures CSV peaks at
about 7.6 GB on polars and 8.7 GB on pandas). That estimate is compared with the memory
statcheck may use: ``--max-memory`` / ``$STATCHECK_MAX_MEMORY`` when given, else what the
machine has (available memory, the process's address-space limit, its cgroup's limit).

A database server's table cannot be weighed before it is read and is not counted.
"""

from __future__ import annotations

import os
import re
import resource
from dataclasses import dataclass
from pathlib import Path

from statcheck.errors import BEYOND_MEMORY, INVALID_MEMORY_LIMIT, Location

__all__ = ["CELL_BYTES", "PEAK_PER_BYTE", "MemoryBudget", "parse_size", "use_limit"]

MAX_MEMORY_ENV = "STATCHECK_MAX_MEMORY"
# Peak memory per byte read, by format: text is parsed into columns and normalised (the
# value column read as printed numbers, periods into dates) with copies alive at once.
PEAK_PER_BYTE = {"csv": 9.0, "json": 12.0, "jsonl": 12.0, "parquet": 5.0, "duckdb": 5.0}
# What the interpreter and the dataframe libraries take before any data: the part of a
# limit that is not for the data.
BASELINE = 400 << 20

_limit: str | None = None  # set by the command line's --max-memory


def use_limit(setting: str) -> None:
    """The limit every later check of this process uses (``--max-memory``): checked now,
    so a limit that is no amount of memory is a usage error before anything runs."""
    global _limit
    if setting.strip().lower() != "auto":
        parse_size(setting)
    _limit = setting


_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?", re.I)


def parse_size(text: str) -> int:
    """Bytes from ``8G``, ``512MB``, ``1.5GiB`` or a plain number of bytes."""
    m = _SIZE.fullmatch(text.strip())
    if m is None:
        raise INVALID_MEMORY_LIMIT(
            f"{text!r} is not an amount of memory",
            hint="write it as 8G, 512M or 1.5GiB (or 'auto': what the machine has)",
        )
    return int(float(m[1]) * _UNITS[m[2].lower()])


@dataclass(frozen=True)
class MemoryBudget:
    """The bytes a check may use, and where that number came from (for the message)."""

    limit: int
    source: str

    @classmethod
    def from_setting(cls, setting: str | None = None) -> MemoryBudget:
        """``setting``, else the process's ``--max-memory`` (``use_limit``), else
        ``$STATCHECK_MAX_MEMORY``, else 'auto'."""
        setting = setting or _limit or os.environ.get(MAX_MEMORY_ENV) or "auto"
        if setting.strip().lower() == "auto":
            return cls.of_machine()
        return cls(parse_size(setting), "--max-memory")

    @classmethod
    def of_machine(cls) -> MemoryBudget:
        """The least of: available memory, the address-space limit less what the process
        has mapped already, and the cgroup's limit less its use."""
        found = [
            (limit, source)
            for limit, source in (
                (_available(), "the machine's available memory"),
                (_address_space_left(), "the process's address-space limit (ulimit -v)"),
                (_cgroup_left(), "the container's memory limit"),
            )
            if limit is not None
        ]
        if not found:
            return cls(1 << 62, "no known limit")
        limit, source = min(found)
        return cls(max(limit, 0), source)

    def check(self, files: list[tuple[Path, str]], where: Path | None = None) -> None:
        """Refuse, before reading, files whose check would not fit: ``files`` lists each
        (path, format). Files that are not there are left to the readiness check."""
        need = BASELINE + sum(_estimate(path, fmt) for path, fmt in files)
        if need <= self.limit:
            return
        raise BEYOND_MEMORY(
            f"checking these files needs about {_gb(need)} of memory and {self.source} "
            f"allows {_gb(self.limit)}",
            location=Location(file=str(where or files[0][0])),
            hint="run it on a machine with more memory, raise --max-memory if the estimate "
            "is too cautious for your files, or use --engine spark",
        )


def _estimate(path: Path, fmt: str) -> int:
    try:
        size = path.stat().st_size
    except OSError:
        return 0
    if fmt == "parquet":
        size = max(size, _parquet_uncompressed(path))
    return int(size * PEAK_PER_BYTE.get(fmt, PEAK_PER_BYTE["json"]))


# Bytes a cell takes in memory at least, once decoded: a Parquet file's dictionary and
# run-length encodings can make a million cells a few bytes on disk and in its footer.
CELL_BYTES = 24


def _parquet_uncompressed(path: Path) -> int:
    """What the Parquet footer says the data takes decoded: its uncompressed size, or its
    cells at CELL_BYTES each, whichever is more (0 when the footer is unreadable: reading
    the file then says what is wrong with it)."""
    try:
        import pyarrow.parquet as pq  # type: ignore[import-untyped]

        meta = pq.ParquetFile(path).metadata
        stated = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        return max(int(stated), int(meta.num_rows) * int(meta.num_columns) * CELL_BYTES)
    except Exception:  # a damaged file: its reader reports it
        return 0


def _available() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _address_space_left() -> int | None:
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return None
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            mapped = int(fh.read().split()[0]) * resource.getpagesize()
    except OSError:
        mapped = 0
    return soft - mapped


def _cgroup_left() -> int | None:
    root = Path("/sys/fs/cgroup")
    try:
        limit = (root / "memory.max").read_text().strip()
        if limit == "max":
            return None
        return int(limit) - int((root / "memory.current").read_text().strip())
    except (OSError, ValueError):
        return None


def _gb(n: int) -> str:
    return f"{n / (1 << 30):.1f} GB" if n >= 1 << 30 else f"{n / (1 << 20):.0f} MB"
