"""Printed values read over a whole column: number, sign, scale, qualifier, precision, and
the interval each figure stands for.

The grammar is :mod:`statcheck.model.value`'s, run as column expressions; printed values
that repeat are read once per distinct text. An error is reported at the first row that
has it, with the scalar parser's reason."""

from __future__ import annotations

import math
import sys
from typing import Any

import narwhals as nw

from statcheck.backends import backend_of
from statcheck.errors import (
    BAD_PRECISION,
    BAD_SCALE,
    CONFLICTING_QUALIFIER,
    INEXACT_NUMBER,
    INVALID_NUMBER,
    NOT_FINITE,
    UNIT_MISMATCH,
    UNKNOWN_QUALIFIER,
    Location,
    StatcheckError,
    kind_of,
)
from statcheck.model.value import (
    GROUP_SPACES,
    MINUS_SIGNS,
    QUALIFIER_BOUNDS,
    QUALIFIER_WORDS,
    SCALE_WORDS,
    UNDERFLOW,
    UNDERFLOW_HINT,
    Qualifier,
    ValueReading,
    exactly_representable,
    inexact_message,
    parse_value,
    value_pattern,
)
from statcheck.prepare import _text
from statcheck.prepare._problems import marker_hint, problem, scan, value_cell
from statcheck.prepare._text import Distinct, distinct_values

PERCENT_UNITS = ("percent", "%", "pct", "percentage")


_SAFE_DIGITS = 15  # significant digits every 64-bit float keeps


_MAX_EXACT_INT = 2**53


_NUMBER = r"^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$"


# What reading a printed value adds for _qualify, in the order the columns are added.
_PRINTED = (
    "_v_qual",
    "_value",
    "_inferred_precision",
    "_stated_qualifier",
    "percent",
    "value_text",
)


def parse_values(
    frame: nw.DataFrame[Any],
    file: str | None,
    decimal_mark: str,
    distinct: Distinct,
    reading: ValueReading = ValueReading.TABLE,
) -> nw.DataFrame[Any]:
    """Each figure's value, qualifier, precision and interval: a typed number as it is
    (exact unless a precision is given), a printed one read as ``reading`` says."""
    if frame.schema["value"].is_numeric():
        frame = _numeric_values(frame, file)
    else:
        frame = _read_printed_values(frame, file, decimal_mark, reading)
    return _qualify(frame, file, distinct)


def _numeric_values(frame: nw.DataFrame[Any], file: str | None) -> nw.DataFrame[Any]:
    """Numbers handed over as numbers (a pipeline's frame): nothing printed to infer a
    precision from, so they are exact unless a precision column says otherwise."""
    if frame.schema["value"].is_integer():
        # Checked before any cast (pyarrow refuses to cast them): integers beyond 2**53
        # have no exact float, 9007199254740993 would become ...992.
        problem(
            frame,
            nw.col("value").abs() > _MAX_EXACT_INT,
            "value",
            "value is an integer too large to compute with exactly (beyond 2**53)",
            INEXACT_NUMBER,
            file,
            "store it as a number in a larger unit, with a scale column",
        )
    problem(
        frame,
        ~nw.col("value").cast(nw.Float64).is_finite(),
        "value",
        "value is not a finite number",
        NOT_FINITE,
        file,
    )
    return frame.with_columns(
        nw.col("value").cast(nw.Float64).alias("_value"),
        nw.lit(0.0).alias("_inferred_precision"),
        nw.lit(Qualifier.EXACT.value).alias("_stated_qualifier"),
        nw.lit(None, dtype=nw.String).alias("_v_qual"),
        nw.lit(False).alias("percent"),
        nw.lit(None, dtype=nw.String).alias("value_text"),  # nothing was printed
    )


def _read_printed_values(
    frame: nw.DataFrame[Any], file: str | None, decimal_mark: str, reading: ValueReading
) -> nw.DataFrame[Any]:
    """Values as printed, read once per distinct text when texts repeat (counts in a
    large table do), then looked up for every row."""
    # Read once per distinct text when at most four in five of the first rows' texts
    # differ: reading a value costs about ten times what finding the distinct texts and
    # joining them back costs a row (polars, 10^6 rows: 870 ns a value read, 60 ns a row to
    # find them, 40 to join), so it pays until nearly every text is new.
    at_most = _text._SAMPLE_ROWS * 4 // 5
    texts = distinct_values(frame, ["value"], at_most).get("value")
    if texts is not None and not set(_PRINTED) & set(frame.columns):  # (a join would rename)
        try:
            parsed = _parse_printed(texts.with_row_index("_row"), file, decimal_mark, reading)
        except StatcheckError:
            pass  # some text is wrong: reading every row says where
        else:
            return backend_of(frame).join_in_order(
                frame, parsed.select("value", *_PRINTED), "value"
            )
    return _parse_printed(frame, file, decimal_mark, reading)


def _parse_printed(
    frame: nw.DataFrame[Any], file: str | None, decimal_mark: str, reading: ValueReading
) -> nw.DataFrame[Any]:
    """Values as printed: the grammar of statcheck.model.value, run over the column."""
    text = nw.col("value").str.to_lowercase()
    text = text.str.replace_all(f"[{MINUS_SIGNS}]", "-").str.replace_all(
        f"[{GROUP_SPACES}\\s]+", " "
    )
    frame = frame.with_columns(text.str.strip_chars().alias("_vtext"))
    frame = backend_of(frame).extract_groups(frame, "_vtext", value_pattern(decimal_mark), "_v_")
    _refuse_unreadable(frame, file, decimal_mark, reading)
    group_chars = "[, ]" if decimal_mark == "." else "[. ]"
    digits = nw.col("_v_int").str.replace_all(group_chars, "")
    _check_representable(frame, digits, file)
    frame = frame.with_columns(*_printed_number(digits, reading))
    problem(
        frame,
        ~nw.col("_value").is_finite(),
        "value",
        "value is too large to represent",
        NOT_FINITE,
        file,
    )
    # A number printed with a digit that is not 0 but too close to 0 for a float.
    nonzero = nw.concat_str([digits, nw.col("_v_frac").fill_null("")]).str.contains("[1-9]")
    problem(
        frame,
        (nw.col("_value").abs() < sys.float_info.min) & nonzero,
        "value",
        f"value is {UNDERFLOW}",
        INEXACT_NUMBER,
        file,
        UNDERFLOW_HINT,
    )
    return frame.with_columns(nw.col("value").alias("value_text"))


def _refuse_unreadable(
    frame: nw.DataFrame[Any], file: str | None, decimal_mark: str, reading: ValueReading
) -> None:
    """A value the grammar does not match is an error at its first row, saying why."""
    unreadable = frame.filter(nw.col("_v_int").is_null())
    if unreadable.is_empty():
        return
    # Say why with the scalar parser: it gives the same answer, with a reason.
    row, cell, column = value_cell(unreadable)
    try:
        parse_value(cell, decimal_mark=decimal_mark, reading=reading)
    except StatcheckError as exc:
        reason, kind, hint = exc.message, kind_of(exc.slug) or INVALID_NUMBER, exc.hint
    else:  # pragma: no cover - the two parsers share one grammar
        reason, kind, hint = f"{cell!r} could not be read", INVALID_NUMBER, None
    hint = marker_hint(unreadable, cell, kind, hint)
    more = f"; {len(unreadable) - 1} other row(s) too" if len(unreadable) > 1 else ""
    raise kind(
        f"{reason}{more}",
        location=Location(file=file, row=row, column=column),
        hint=hint,
    )


def _printed_number(digits: nw.Expr, reading: ValueReading) -> list[nw.Expr]:
    """From the grammar's groups: the value, the precision its printing implies, the
    qualifier it states, and whether it carries a % sign.

    Value and precision are written as decimal text (``2.01e6``, ``1e-7``) and read by the
    engine's own parser, rounded once: the same float on every engine, with no noise from
    multiplying by a scale or a power of ten."""
    # Scale words are powers of ten: added to the exponent.
    scale_power = (
        nw.col("_v_scale")
        .fill_null("")
        .replace_strict(
            {"": 0, **{w: round(math.log10(f)) for w, f in SCALE_WORDS.items()}},
            return_dtype=nw.Int64,
        )
    )
    power = nw.col("_v_exp").fill_null("0").cast(nw.Int64) + scale_power
    frac_len = nw.col("_v_frac").str.len_chars().fill_null(0).cast(nw.Int64)
    whole_digit = power
    if reading is ValueReading.PROSE:  # a round number is rounded where its digits end
        stripped = digits.str.strip_chars_start("0")
        trailing = stripped.str.len_chars() - stripped.str.strip_chars_end("0").str.len_chars()
        whole_digit = power + trailing.cast(nw.Int64)
    last_digit = nw.when(~nw.col("_v_frac").is_null()).then(power - frac_len).otherwise(whole_digit)
    inferred = nw.concat_str([nw.lit("1e"), last_digit.cast(nw.String)]).cast(nw.Float64)
    magnitude = nw.concat_str(
        [digits, nw.lit("."), nw.col("_v_frac").fill_null("0"), nw.lit("e"), power.cast(nw.String)]
    ).cast(nw.Float64)
    sign = nw.when(nw.col("_v_sign") == "-").then(nw.lit(-1.0)).otherwise(nw.lit(1.0))
    qualifier_words = {w: q.value for w, q in QUALIFIER_WORDS.items()}
    stated = nw.col("_v_qual").fill_null("").replace_strict(qualifier_words, return_dtype=nw.String)
    return [
        (magnitude * sign).alias("_value"),
        inferred.alias("_inferred_precision"),
        stated.alias("_stated_qualifier"),
        ~nw.col("_v_pct").is_null().alias("percent"),
    ]


def _check_representable(frame: nw.DataFrame[Any], digits: nw.Expr, file: str | None) -> None:
    """A printed number with more significant digits than a float keeps (an id-like
    9007199254740993) is an error, never a silently different number. Only rows with
    more than 15 significant digits are looked at one by one (they are rare)."""
    significant = nw.concat_str([digits, nw.col("_v_frac").fill_null("")]).str.strip_chars_start(
        "0"
    )
    long = frame.filter(significant.str.len_chars() > _SAFE_DIGITS)
    if long.is_empty():
        return
    pairs = long.select(digits.alias("_d"), nw.col("_v_frac"), "_row", "value").rows()
    for int_digits, frac, row, cell in pairs:
        if not exactly_representable(int_digits, frac):
            _, _, column = value_cell(long.filter(nw.col("_row") == row))
            raise INEXACT_NUMBER(
                inexact_message(cell),
                location=Location(file=file, row=int(row), column=column),
                hint="print the value in a larger unit with fewer digits (a `scale` column keeps its size)",
            )


def _qualify(frame: nw.DataFrame[Any], file: str | None, distinct: Distinct) -> nw.DataFrame[Any]:
    """Qualifier, precision and scale columns applied: each figure's interval (low, high)."""
    frame = _with_qualifier(frame, file)
    frame = _with_precision(frame, file, distinct)
    low, high = _interval()
    frame = frame.with_columns(
        nw.col("_value").alias("value"),
        nw.col("_qualifier").alias("qualifier"),
        nw.col("_precision").alias("precision"),
        low.alias("low"),
        high.alias("high"),
    )
    # Only a value with a % sign can fail: looking for one costs less than lower-casing units.
    if scan(frame, [nw.col("percent").any()])[0]:
        problem(
            frame,
            nw.col("percent") & ~nw.col("unit").str.to_lowercase().is_in(PERCENT_UNITS),
            "value",
            "value has a % sign but its unit is not percent",
            UNIT_MISMATCH,
            file,
            shown="value_text",  # the cell as printed, with its % sign
        )
    return frame.drop(
        [
            c
            for c in frame.columns
            if c.startswith(("_v", "_given", "_stated", "_inferred"))
            or c in ("_value", "_qualifier", "_precision")
        ]
    )


def _with_qualifier(frame: nw.DataFrame[Any], file: str | None) -> nw.DataFrame[Any]:
    """``_qualifier``: the value's own, or the qualifier column's, which must be a known
    word that agrees with the value's."""
    if "qualifier" not in frame.columns:
        return frame.with_columns(nw.col("_stated_qualifier").alias("_qualifier"))
    qualifier_words = {w: q.value for w, q in QUALIFIER_WORDS.items()}
    given = nw.col("qualifier").str.to_lowercase().str.replace_all("[_\\s]+", " ")
    frame = frame.with_columns(given.alias("_given_qualifier"))
    known = list(qualifier_words) + [q.value.replace("_", " ") for q in Qualifier]
    problem(
        frame,
        ~nw.col("_given_qualifier").is_null() & ~nw.col("_given_qualifier").is_in(known),
        "qualifier",
        "unknown qualifier",
        UNKNOWN_QUALIFIER,
        file,
        f"use one of: {', '.join(q.value for q in Qualifier)}",
    )
    canonical = {**qualifier_words, **{q.value.replace("_", " "): q.value for q in Qualifier}}
    frame = frame.with_columns(
        nw.col("_given_qualifier")
        .fill_null("")
        .replace_strict({**canonical, "": None}, return_dtype=nw.String)
        .alias("_given_qualifier")
    )
    problem(
        frame,
        ~nw.col("_v_qual").is_null()
        & ~nw.col("_given_qualifier").is_null()
        & (nw.col("_given_qualifier") != nw.col("_stated_qualifier")),
        "value",
        "the value's own qualifier contradicts the qualifier column",
        CONFLICTING_QUALIFIER,
        file,
    )
    return frame.with_columns(
        nw.coalesce("_given_qualifier", "_stated_qualifier").alias("_qualifier")
    )


def _with_precision(
    frame: nw.DataFrame[Any], file: str | None, distinct: Distinct
) -> nw.DataFrame[Any]:
    """``_precision``: the precision column's where given, else the printing's; then
    value and precision multiplied by the scale column (printed units to real ones)."""
    if "precision" in frame.columns:
        given_precision = _number_column(
            frame, "precision", "a rounding unit >= 0, e.g. 1, 0.1 or 1000", file, distinct
        )
        precision = nw.coalesce(given_precision, nw.col("_inferred_precision"))
    else:
        precision = nw.col("_inferred_precision")
    frame = frame.with_columns(precision.alias("_precision"))
    if "scale" not in frame.columns:
        return frame
    # Printed in thousands (scale 1000): value and precision are in printed units.
    factor = _number_column(
        frame, "scale", "a multiplier, e.g. 1000 for a table in thousands", file, distinct
    ).fill_null(1.0)
    problem(
        frame,
        factor <= 0,
        "scale",
        "scale is not a positive number",
        BAD_SCALE,
        file,
        probe=distinct.get("scale"),
    )
    return frame.with_columns(
        (nw.col("_value") * factor).alias("_value"),
        (nw.col("_precision") * factor).alias("_precision"),
    )


def _interval() -> tuple[nw.Expr, nw.Expr]:
    """Each figure's low and high bound, from value, qualifier and precision."""
    lo = {q.value: b[0] for q, b in QUALIFIER_BOUNDS.items()}
    hi = {q.value: b[1] for q, b in QUALIFIER_BOUNDS.items()}
    lo_f = nw.col("_qualifier").replace_strict(lo, return_dtype=nw.Float64)
    hi_f = nw.col("_qualifier").replace_strict(hi, return_dtype=nw.Float64)
    # An infinite offset is the bound itself (inf * 0 would be NaN).
    low = (
        nw.when(lo_f.is_finite())
        .then(nw.col("_value") + lo_f * nw.col("_precision"))
        .otherwise(lo_f)
    )
    high = (
        nw.when(hi_f.is_finite())
        .then(nw.col("_value") + hi_f * nw.col("_precision"))
        .otherwise(hi_f)
    )
    return low, high


def _number_column(
    frame: nw.DataFrame[Any], name: str, what: str, file: str | None, distinct: Distinct
) -> nw.Expr:
    """A numeric column, given as numbers or as text; anything else is an error."""
    values = distinct.get(name)
    if frame.schema[name].is_numeric():
        number = nw.col(name).cast(nw.Float64)
    else:
        bad = ~nw.col(name).is_null() & (nw.col(name).str.replace_all(_NUMBER, "ok") != "ok")
        problem(
            frame,
            bad,
            name,
            f"{name} is not {what}",
            {"precision": BAD_PRECISION, "scale": BAD_SCALE}[name],
            file,
            probe=values,
        )
        number = nw.col(name).cast(nw.Float64)
    problem(
        frame,
        ~number.is_null() & ~((number >= 0) & number.is_finite()),
        name,
        f"{name} is not {what}",
        {"precision": BAD_PRECISION, "scale": BAD_SCALE}[name],
        file,
        probe=values,
    )
    return number
