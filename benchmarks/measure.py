"""Peak memory of one call, measured in the process that makes it (Linux).

The process's peak resident memory is reset to its current resident memory just before
the call (``/proc/self/clear_refs``), so the peak read after it is the call's; what the
process held before (the interpreter, the libraries, the table) is subtracted. Freed
memory is handed back first (a full garbage collection, ``malloc_trim``), and the
children that measure run with ``MEASURE_ENV``: polars' allocator (jemalloc) then returns
freed pages at once, so resident memory follows live memory and pages freed while the
table was built are not reused unseen by the call.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MEASURE_ENV = {"_RJEM_MALLOC_CONF": "dirty_decay_ms:0,muzzy_decay_ms:0"}
KIB = 1024


def status_kib(field: str) -> int:
    """A ``/proc/self/status`` field in KiB (VmRSS, VmHWM), -1 where there is none."""
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return -1
    m = re.search(rf"^{field}:\s+(\d+) kB", text, re.MULTILINE)
    return int(m.group(1)) if m else -1


def trim() -> None:
    """Hand freed memory back to the system: Python's, then the C allocator's."""
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


@dataclass
class Peak:
    """Resident memory before the call, and the call's peak above it (bytes); ``reset``
    says whether the peak could be reset (else it is the process's lifetime peak)."""

    before: int = 0
    extra: int = 0
    reset: bool = False


@contextlib.contextmanager
def peak_memory() -> Iterator[Peak]:
    peak = Peak()
    trim()
    rss = status_kib("VmRSS")
    try:
        Path("/proc/self/clear_refs").write_text("5")  # peak RSS := current RSS
        peak.reset = status_kib("VmHWM") <= rss + 1024
    except OSError:
        peak.reset = False
    peak.before = rss * KIB
    try:
        yield peak
    finally:
        if peak.reset:
            hwm = status_kib("VmHWM")
        else:
            import resource

            hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak.extra = max(0, hwm - rss) * KIB
