"""Text from a drop or a suite made inert for a terminal, a Markdown page or an XML file.

A figure id, a rule id or an explanation quoting a cell is data: printed as is, an escape
sequence in it could clear the screen, move the cursor up over a failing line or set the
window title, and make a failing run look clean. Every control character (C0, DEL, C1)
and every character that reorders text on screen (bidirectional overrides and isolates)
is shown as a visible escape instead, ``\\x1b`` or ``\\u202e``; line breaks and tabs too,
except where the caller keeps them.
"""

from __future__ import annotations

import re

__all__ = ["inert"]

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_UNSAFE_BUT_LINES = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def inert(text: object, *, keep_lines: bool = False) -> str:
    """``text`` with each control or reordering character written as a visible escape
    (``keep_lines``: tabs and line feeds stay as they are)."""
    pattern = _UNSAFE_BUT_LINES if keep_lines else _UNSAFE
    return pattern.sub(_escape, str(text))


def _escape(m: re.Match[str]) -> str:
    code = ord(m[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
