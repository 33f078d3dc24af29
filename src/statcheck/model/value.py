"""Reported values as people write them, and the interval each one stands for.

The grammar (``VALUE_PATTERN``) is declared once here and used twice: by
:func:`parse_value` for a single value, and by the engines, which run the same regular
expression over a whole column at once (see ``statcheck.engine.values``).

Precision rule (how wide a printed number is when no precision is stated): a number
stands for its last printed digit, as a table prints it (``ValueReading.TABLE``):

* a number with decimals is precise to its last decimal: ``2.5`` -> 0.1, ``12.50`` -> 0.01;
* a whole number is precise to its last digit: ``4420`` -> 1 (4,419.5 to 4,420.5),
  ``60,000`` -> 1;
* scientific notation is precise to the last digit of its mantissa: ``1.5e-06`` -> 1e-07
  (1.45e-6 to 1.55e-6), ``2e3`` -> 1000;
* a scale word multiplies the precision: ``1.2 million`` -> 100,000, ``60 thousand`` -> 1,000.

Figures quoted in prose (``ValueReading.PROSE``, a suite's ``values: prose``) read a whole
number the way round numbers are spoken: precise to its last non-zero digit, ``60,000``
-> 10,000, ``41,950`` -> 10, ``19,922`` -> 1, ``0`` -> 1. That reading is never applied
to a table unless its suite says so.

A figure known to be exact (a count from a register) states ``precision: 0``; one known
to be rounded to some unit states that unit (``precision: 1000``). Either way the
inference is skipped. A typed number (not printed: a JSON number, a Parquet float) is
exact unless a precision is stated.

Qualifier rule (the interval around value v with precision p):

=====================================================  ===================
qualifier (and its synonyms)                           interval
=====================================================  ===================
exact (no qualifier)                                   [v - p/2, v + p/2]
about, approximately, around, roughly, estimated      [v - p/2, v + p/2]
nearly, almost, just under                             [v - p,   v]
more than, over, above, in excess of                   [v,       +inf]
at least, no fewer than, no less than                  [v,       +inf]
fewer than, less than, under, below                    [-inf,    v]
at most, up to, no more than                           [-inf,    v]
=====================================================  ===================

"about" is read as "rounded at its precision", the same width as an unqualified printed
number: both are approximations at the precision they show. Bounds are closed.
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass
from decimal import Context, Decimal
from enum import StrEnum

from statcheck.errors import (
    AMBIGUOUS_NUMBER,
    BAD_PRECISION,
    CONFLICTING_QUALIFIER,
    INEXACT_NUMBER,
    INVALID_NUMBER,
    MISSING_VALUE,
    NOT_FINITE,
    UNEXPECTED_TEXT,
    UNKNOWN_QUALIFIER,
    ErrorKind,
)
from statcheck.model.interval import Interval


class Qualifier(StrEnum):
    EXACT = "exact"
    ABOUT = "about"
    NEARLY = "nearly"
    MORE_THAN = "more_than"
    AT_LEAST = "at_least"
    FEWER_THAN = "fewer_than"
    AT_MOST = "at_most"

    @classmethod
    def parse(cls, word: str | None) -> Qualifier:
        """A qualifier from any of its spellings; empty means exact."""
        key = " ".join((word or "").strip().lower().replace("_", " ").split())
        try:
            return QUALIFIER_WORDS[key]
        except KeyError:
            known = ", ".join(sorted(k for k in QUALIFIER_WORDS if k))
            raise UNKNOWN_QUALIFIER(
                f"unknown qualifier {word!r}", hint=f"use one of: {known}"
            ) from None


class ValueReading(StrEnum):
    """How a whole number's precision is read from its printing (the module docstring)."""

    TABLE = "table"  # a published table: a number stands for its last printed digit
    PROSE = "prose"  # figures quoted in prose: a round number is rounded where it ends


QUALIFIER_WORDS: dict[str, Qualifier] = {
    "": Qualifier.EXACT,
    "exact": Qualifier.EXACT,
    "exactly": Qualifier.EXACT,
    "about": Qualifier.ABOUT,
    "approximately": Qualifier.ABOUT,
    "approx.": Qualifier.ABOUT,
    "around": Qualifier.ABOUT,
    "roughly": Qualifier.ABOUT,
    "some": Qualifier.ABOUT,
    "estimated": Qualifier.ABOUT,
    "an estimated": Qualifier.ABOUT,
    "~": Qualifier.ABOUT,
    "nearly": Qualifier.NEARLY,
    "almost": Qualifier.NEARLY,
    "just under": Qualifier.NEARLY,
    "more than": Qualifier.MORE_THAN,
    "over": Qualifier.MORE_THAN,
    "above": Qualifier.MORE_THAN,
    "in excess of": Qualifier.MORE_THAN,
    "at least": Qualifier.AT_LEAST,
    "no fewer than": Qualifier.AT_LEAST,
    "no less than": Qualifier.AT_LEAST,
    "fewer than": Qualifier.FEWER_THAN,
    "less than": Qualifier.FEWER_THAN,
    "under": Qualifier.FEWER_THAN,
    "below": Qualifier.FEWER_THAN,
    "at most": Qualifier.AT_MOST,
    "up to": Qualifier.AT_MOST,
    "no more than": Qualifier.AT_MOST,
}

# (low, high) offsets in units of precision; the single source of the qualifier rule,
# used by Figure.interval here and by the engines' vectorized interval columns.
QUALIFIER_BOUNDS: dict[Qualifier, tuple[float, float]] = {
    Qualifier.EXACT: (-0.5, 0.5),
    Qualifier.ABOUT: (-0.5, 0.5),
    Qualifier.NEARLY: (-1.0, 0.0),
    Qualifier.MORE_THAN: (0.0, math.inf),
    Qualifier.AT_LEAST: (0.0, math.inf),
    Qualifier.FEWER_THAN: (-math.inf, 0.0),
    Qualifier.AT_MOST: (-math.inf, 0.0),
}

SCALE_WORDS: dict[str, float] = {
    "thousand": 1e3,
    "k": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
}

# Characters that mean "minus" and spaces that separate thousands, as they arrive from
# typeset text: U+2212 minus, U+2013 en dash; no-break, narrow no-break, thin, figure
# and hair spaces (listed, since not every engine's regex counts them as \s).
MINUS_SIGNS = "\u2212\u2013"
GROUP_SPACES = "\u00a0\u202f\u2009\u2007\u200a"


def _alternation(words: list[str]) -> str:
    # Longest first so "more than" wins over a shorter prefix.
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def value_pattern(decimal_mark: str = ".") -> str:
    """The grammar of a normalised value (lower case, ASCII minus, plain spaces).

    Named groups: ``qual``, ``sign``, ``int`` (digits with group separators), ``frac``,
    ``exp`` (the exponent of scientific notation, ``1.5e-06``), ``scale`` and ``pct``; a
    number has an exponent or a scale word or a % sign, at most one of them. Written
    without look-arounds so every engine's regex dialect accepts it.
    """
    if decimal_mark not in (".", ","):
        raise ValueError(f"decimal mark must be '.' or ',', not {decimal_mark!r}")
    group = "," if decimal_mark == "." else r"\."
    dec = re.escape(decimal_mark)
    qualifiers = _alternation([w for w in QUALIFIER_WORDS if w])
    scales = _alternation(list(SCALE_WORDS))
    return (
        rf"^(?:(?P<qual>{qualifiers}) ?)?"
        r"(?P<sign>[-+])?"
        rf"(?P<int>[0-9]{{1,3}}(?:{group}[0-9]{{3}})+|[0-9]{{1,3}}(?: [0-9]{{3}})+|[0-9]+)"
        rf"(?:{dec}(?P<frac>[0-9]+))?"
        rf"(?:e(?P<exp>[-+]?[0-9]{{1,3}})| ?(?:(?P<scale>{scales})|(?P<pct>%)))?$"
    )


VALUE_PATTERN = value_pattern(".")
_COMPILED: dict[str, re.Pattern[str]] = {}


def normalise_text(text: str) -> str:
    """Lower case, one plain space between words, ASCII minus: the form the grammar reads."""
    for ch in MINUS_SIGNS:
        text = text.replace(ch, "-")
    for ch in GROUP_SPACES:
        text = text.replace(ch, " ")
    return " ".join(text.lower().split())


@dataclass(frozen=True)
class ReportedValue:
    """A number as reported: its value, qualifier and precision (rounding unit).

    ``precision`` 0 means exact to the last digit of a real number (no rounding).
    ``percent`` records that the text carried a % sign: the value is in percent.
    """

    value: float
    qualifier: Qualifier = Qualifier.EXACT
    precision: float = 0.0
    percent: bool = False
    text: str | None = None

    def __init__(
        self,
        value: float,
        qualifier: Qualifier = Qualifier.EXACT,
        precision: float = 0.0,
        percent: bool = False,
        text: str | None = None,
    ) -> None:
        # Written out (see Interval): every figure a finding names is made anew.
        if not math.isfinite(value):
            raise NOT_FINITE(f"value {value!r} is not a finite number")
        if not (math.isfinite(precision) and precision >= 0):
            raise BAD_PRECISION(f"precision {precision!r} must be a finite number >= 0")
        self.__dict__.update(
            value=value, qualifier=qualifier, precision=precision, percent=percent, text=text
        )

    def interval(self) -> Interval:
        return interval_of(self.value, self.qualifier, self.precision)


def interval_of(value: float, qualifier: Qualifier, precision: float) -> Interval:
    """Every value a figure reported as ``value`` with ``qualifier`` and ``precision`` can
    stand for (``ReportedValue.interval``, for values read from a table, checked there)."""
    lo, hi = QUALIFIER_BOUNDS[qualifier]
    return Interval(_offset(value, lo, precision), _offset(value, hi, precision))


def _offset(value: float, factor: float, precision: float) -> float:
    if math.isinf(factor):
        return factor
    return value + factor * precision


def infer_precision(
    integer_digits: str,
    fraction_digits: str | None,
    scale: float = 1.0,
    *,
    exponent: int = 0,
    reading: ValueReading = ValueReading.TABLE,
) -> float:
    """The precision rule in the module docstring, on the digits as printed (``exponent``:
    that of scientific notation)."""
    power = precision_power(integer_digits, fraction_digits, exponent, reading)
    scale_power = round(math.log10(scale)) if scale > 0 else 0
    if scale == float(f"1e{scale_power}"):  # a scale word: a power of ten, added exactly
        return float(f"1e{power + scale_power}")
    return scale * float(f"1e{power}")


def precision_power(
    integer_digits: str, fraction_digits: str | None, exponent: int, reading: ValueReading
) -> int:
    """The power of ten of the last digit that counts: the last printed one (a table), or
    for a whole number quoted in prose its last non-zero one."""
    if fraction_digits:
        return exponent - len(fraction_digits)
    if reading is ValueReading.TABLE:
        return exponent
    digits = integer_digits.lstrip("0")
    return exponent + len(digits) - len(digits.rstrip("0"))


def parse_value(
    text: str,
    *,
    precision: float | None = None,
    qualifier: Qualifier | str | None = None,
    decimal_mark: str = ".",
    reading: ValueReading = ValueReading.TABLE,
) -> ReportedValue:
    """Read a value as printed: ``60,000``, ``60 000``, ``about 60,000``, ``20%``,
    ``1.2 million``, ``−5``, ``1.5e-06``. Anything that could be read two ways is an error.

    ``precision`` overrides the inferred precision; ``qualifier`` is a qualifier given
    beside the value (a table column) and must not contradict one in the text;
    ``reading``: a table's (the default) or prose's reading of a whole number.
    """
    if not isinstance(text, str):
        raise INVALID_NUMBER(f"expected text, got {type(text).__name__}")
    norm = normalise_text(text)
    if not norm:
        raise MISSING_VALUE("the value is empty")
    pattern = _COMPILED.get(decimal_mark)
    if pattern is None:
        pattern = _COMPILED[decimal_mark] = re.compile(value_pattern(decimal_mark))
    m = pattern.match(norm)
    if m is None:
        kind, reason = _unreadable(norm, decimal_mark)
        raise kind(reason)
    qual_word, sign, int_part, frac, exp, scale_word, pct = (
        m.group(g) for g in ("qual", "sign", "int", "frac", "exp", "scale", "pct")
    )
    stated = Qualifier.parse(qual_word)
    if qualifier is not None and str(qualifier).strip():  # a blank cell gives no qualifier
        given = Qualifier.parse(qualifier) if isinstance(qualifier, str) else qualifier
        if qual_word and given is not stated:
            raise CONFLICTING_QUALIFIER(
                f"{text!r} says {qual_word!r} but its qualifier is given as {given.value!r}",
            )
        stated = given
    group = "," if decimal_mark == "." else "."
    digits = int_part.replace(group, "").replace(" ", "")
    scale = SCALE_WORDS[scale_word] if scale_word else 1.0
    # Scale in decimal, then round once: 2.01 * 1e6 in floats is 2009999.9999999998.
    # No traps: an overflow gives Infinity, reported as not-finite below.
    if not exactly_representable(digits, frac):
        raise INEXACT_NUMBER(
            inexact_message(text),
            hint="print the value in a larger unit with fewer digits (a `scale:` column keeps its size)",
        )
    exponent = int(exp) if exp else 0
    number = Decimal(digits + ("." + frac if frac else "") + f"e{exponent}")
    magnitude = float(Context(traps=[]).multiply(number, Decimal(scale)))
    value = -magnitude if sign == "-" else magnitude
    if not math.isfinite(value):
        raise NOT_FINITE(f"{text!r} is too large to represent")
    if number and abs(value) < sys.float_info.min:
        raise INEXACT_NUMBER(underflow_message(text), hint=UNDERFLOW_HINT)
    if precision is None:
        precision = infer_precision(digits, frac, scale, exponent=exponent, reading=reading)
    return ReportedValue(
        value=value, qualifier=stated, precision=precision, percent=pct is not None, text=text
    )


# Spellings of "no value" in published tables: a figure table holds figures, so each of
# these is a missing value (an error naming the row), never zero and never NaN.
MISSING_MARKERS = frozenset(
    {
        "na",
        "n/a",
        "n.a.",
        "n.a",
        "nan",
        "null",
        "none",
        "-",
        "--",
        "..",
        "...",
        "x",
        "?",
        "\u2014",
        "\u2013",
    }
)
_NOT_FINITE = frozenset({"inf", "+inf", "-inf", "infinity", "+infinity", "-infinity", "nan"})
# What a publisher puts after a number to point at a note: *, †, [1], (a), ¹, a letter (p).
_FOOTNOTE = re.compile(
    r"^(?:\*+|[\u2020\u2021\u00a7\u00b6#]+|\[[^\]]{1,4}\]|\([a-z0-9]{1,2}\)|[a-z]|[\u00b9\u00b2\u00b3\u2070-\u2079]+)$"
)
_PARENTHESISED = re.compile(r"^\(\s*[^()]*[0-9][^()]*\s*\)$")
_NUMBER_PREFIX: dict[str, re.Pattern[str]] = {}


def _number_prefix(decimal_mark: str) -> re.Pattern[str]:
    """The value grammar without its end anchor: a number with something after it."""
    found = _NUMBER_PREFIX.get(decimal_mark)
    if found is None:
        found = _NUMBER_PREFIX[decimal_mark] = re.compile(value_pattern(decimal_mark)[:-1])
    return found


def _unreadable(norm: str, decimal_mark: str) -> tuple[ErrorKind, str]:
    """Why a normalised value does not match the grammar: (error kind, reason)."""
    if norm in _NOT_FINITE:
        return INVALID_NUMBER, f"{norm!r} is not a finite number, which a figure must be"
    if norm in MISSING_MARKERS:
        return MISSING_VALUE, (
            f"{norm!r} marks a missing value, and a figure needs one: leave the figure out "
            "of the table (or write 0 if the publisher's mark means zero)"
        )
    if _PARENTHESISED.match(norm):
        return AMBIGUOUS_NUMBER, (
            f"{norm!r} is ambiguous: a number in parentheses is a negative number in accounts "
            "but a note or an estimate in many statistical tables; write it with a minus sign "
            "(-5), or without the parentheses"
        )
    if _ambiguous(norm, decimal_mark):
        other = "," if decimal_mark == "." else "."
        return AMBIGUOUS_NUMBER, (
            f"{norm!r} is ambiguous: {other!r} could be a decimal mark or a thousands separator; "
            f"write the value with {decimal_mark!r} as decimal mark and thousands in groups of three"
        )
    prefix = _number_prefix(decimal_mark).match(norm)
    rest = norm[prefix.end() :].strip() if prefix is not None else ""
    if prefix is not None and _FOOTNOTE.match(rest):
        return UNEXPECTED_TEXT, (
            f"{norm!r} is the number {norm[: prefix.end()].strip()!r} followed by {rest!r}, "
            "a footnote mark; remove it from the value and put the note in the note column"
        )
    return INVALID_NUMBER, f"{norm!r} is not a number statcheck can read"


def _ambiguous(norm: str, decimal_mark: str) -> bool:
    other = "," if decimal_mark == "." else "."
    # "2,5" or "1,25": a decimal comma or a thousands separator; we will not guess.
    # A mark followed by another group ("60,00,000") cannot be a decimal mark: invalid.
    o = re.escape(other)
    return re.search(rf"[0-9]{o}(?:[0-9]{{1,2}}|[0-9]{{4,}})(?:[^0-9{o}]|$)", norm) is not None


def exactly_representable(digits: str, fraction: str | None) -> bool:
    """Whether the printed digits survive as a 64-bit float (15 to 17 significant digits):
    9007199254740993 does not (it would become ...992)."""
    text = digits + ("." + fraction if fraction else "")
    number = float(text)
    # Too large for any float: that is reported as not finite, not as inexact.
    return not math.isfinite(number) or Decimal(repr(number)) == Decimal(text)


# A number printed with a digit that is not 0, too close to 0 for a float: said so wherever
# it is read (a cell, a column of cells, a JSON number).
UNDERFLOW = (
    "closer to 0 than a 64-bit float keeps (below 2.2e-308): it would be read as 0 or with "
    "fewer digits"
)
UNDERFLOW_HINT = "print the value in a smaller unit (a `scale` column keeps its size)"


def underflow_message(text: str) -> str:
    return f"{text!r} is {UNDERFLOW}"


def inexact_message(text: str) -> str:
    return (
        f"{text!r} has more significant digits than statcheck computes with (a 64-bit float "
        "holds 15 to 17): it would be read as a different number"
    )
