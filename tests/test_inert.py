"""Data printed to a terminal, Markdown or XML cannot steer the terminal."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from statcheck.inert import inert

ATTACKS = {
    "\x1b[2J\x1b[H": "\\x1b[2J\\x1b[H",  # clear the screen, cursor home
    "ok\x1b[1A\x1b[2K": "ok\\x1b[1A\\x1b[2K",  # cursor up, erase the line above
    "\x1b]0;all good\x07": "\\x1b]0;all good\\x07",  # the window title
    "\x9b2J": "\\x9b2J",  # the one-byte C1 control sequence introducer
    "fail\rpass": "fail\\x0dpass",  # back to the start of the line
    "abc\u202edcb": "abc\\u202edcb",  # right-to-left override
}


def test_escape_sequences_are_shown_not_obeyed() -> None:
    for attack, shown in ATTACKS.items():
        assert inert(attack) == shown


def test_lines_and_tabs_may_be_kept() -> None:
    assert inert("a\tb\nc\x1b", keep_lines=True) == "a\tb\nc\\x1b"
    assert inert("a\tb\nc") == "a\\x09b\\x0ac"


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    out = inert(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in out)
    assert "\u202e" not in out and "\u2066" not in out
