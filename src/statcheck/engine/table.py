"""The canonical figure and source tables, built from whatever frame a drop was read into.

Input: a narwhals DataFrame whose cells are text as published. Output: typed columns
the rules work on, every cell parsed by vectorized expressions (no loop over rows):

========================  ====================================================
column                    meaning
========================  ====================================================
figure_id                 unique id of the figure
metric, unit              what is counted, and in what
value                     the number (float), sign and scale applied
qualifier                 exact, about, nearly, more_than, at_least, ...
precision                 rounding unit (explicit, or inferred from the text)
scale                     multiplier of a table printed in thousands etc. (value and
                          precision are in printed units; both are multiplied)
low, high                 the interval the figure stands for
percent                   the printed value carried a % sign
period_start, period_end  inclusive dates
source_id, cites          who reports it; ``;``-separated sources it cites
published_at, status      when it was published; final / provisional / forecast
note                      free text
_row                      row number in the file (the header is row 1)
(any other column)        a dimension (region, offence, age group, ...)
========================  ====================================================

Distinct date texts are parsed once each by the model's date parser (a table has few
distinct dates, however many rows); everything else is column arithmetic. Likewise a text
column with few distinct values (metric, unit, status, a dimension) is cleaned and checked
on those values: every cell is rewritten only when some value needs it, which in most
tables none does; and printed values that repeat are read once per distinct text. An
error is still reported at the first row that has it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import narwhals as nw

from statcheck.backends import backend_of
from statcheck.engine.native import all_distinct, collect_all, extract_groups, join_in_order
from statcheck.errors import (
    BAD_PRECISION,
    BAD_SCALE,
    CONFLICTING_QUALIFIER,
    DUPLICATE_FIGURE_ID,
    DUPLICATE_SOURCE_ID,
    INEXACT_NUMBER,
    INVALID_NUMBER,
    INVALID_PERIOD,
    MISSING_COLUMN,
    MISSING_PERIOD,
    MISSING_VALUE,
    NOT_FINITE,
    UNIT_MISMATCH,
    UNKNOWN_QUALIFIER,
    UNKNOWN_SOURCE_KIND,
    UNKNOWN_STATUS,
    ErrorKind,
    Location,
    StatcheckError,
    kind_of,
)
from statcheck.model.figure import FigureStatus, SourceKind
from statcheck.model.period import parse_date, parse_period
from statcheck.model.value import (
    GROUP_SPACES,
    MINUS_SIGNS,
    QUALIFIER_BOUNDS,
    QUALIFIER_WORDS,
    SCALE_WORDS,
    Qualifier,
    exactly_representable,
    inexact_message,
    parse_value,
    value_pattern,
)

FIGURE_REQUIRED = ("figure_id", "metric", "value", "unit", "source_id")
FIGURE_OPTIONAL = (
    "qualifier",
    "precision",
    "period",
    "period_start",
    "period_end",
    "cites",
    "published_at",
    "status",
    "note",
    "scale",
)
FIGURE_DERIVED = ("low", "high", "percent", "_row", "_duplicate")
SOURCE_REQUIRED = ("source_id", "name", "kind")
SOURCE_OPTIONAL = ("url", "note")
PERCENT_UNITS = ("percent", "%", "pct", "percentage")
MAX_EXAMPLES = 5
_SAFE_DIGITS = 15  # significant digits every 64-bit float keeps
_MAX_EXACT_INT = 2**53
_NUMBER = r"^[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?$"
# A text column whose first _SAMPLE_ROWS rows hold at most _FEW_DISTINCT values is worked
# on through its distinct values (finding them costs less than stripping every cell);
# printed values are read that way when at most half of the sample is distinct.
_SAMPLE_ROWS = 10_000
_FEW_DISTINCT = 1_000
# Text columns whose distinct values the figure table keeps (FigureTable.known_values):
# cleaned once, never rewritten afterwards.
_KNOWN_VALUES = ("unit", "source_id", "cites")
# What reading a printed value adds for _qualify, in the order the columns are added.
_PRINTED = (
    "_v_qual",
    "_value",
    "_inferred_precision",
    "_stated_qualifier",
    "percent",
    "value_text",
)
T = TypeVar("T")


@dataclass(frozen=True)
class FigureTable:
    frame: nw.DataFrame[Any]
    dimensions: tuple[str, ...]
    file: str | None = None
    # What the table-wide rules may skip, found once when the table is built: filling
    # the missing cells of dimensions that have none, and setting apart duplicates in a
    # table without any. The defaults assume the worst.
    dimensions_with_blanks: tuple[str, ...] | None = None
    has_duplicates: bool = True
    # The distinct values (None for a missing cell) of the text columns that have few and
    # that building the table leaves as they are (``_KNOWN_VALUES``): a rule asking which
    # sources, citations or units occur need not scan the table again.
    known_values: dict[str, tuple[str | None, ...]] = field(default_factory=dict)

    def blank_dimensions(self) -> tuple[str, ...]:
        """The dimensions with a missing cell (to fill before a join or a group-by)."""
        if self.dimensions_with_blanks is None:
            return self.dimensions
        return self.dimensions_with_blanks


# Text columns with few distinct values: column -> a one-column frame of those values.
Distinct = dict[str, nw.DataFrame[Any]]


def _blank_to_null(name: str) -> nw.Expr:
    stripped = nw.col(name).cast(nw.String).str.strip_chars()
    return (
        nw.when(stripped == "").then(nw.lit(None, dtype=nw.String)).otherwise(stripped).alias(name)
    )


def _untidy(name: str) -> nw.Expr:
    """Whether any cell of a text column has spaces around it or is empty (one value)."""
    cell = nw.col(name)
    return ((cell.str.strip_chars() != cell) | (cell == "")).fill_null(False).any()


def _distinct_values(frame: nw.DataFrame[Any], columns: list[str], at_most: int) -> Distinct:
    """The distinct values of each of ``columns`` whose first _SAMPLE_ROWS rows hold at
    most ``at_most`` of them."""
    sample = frame.head(_SAMPLE_ROWS)
    few = [c for c in columns if sample.get_column(c).n_unique() <= at_most]
    # Collected together: polars finds each column's values on its own core.
    found = collect_all([frame.lazy().select(c).unique() for c in few])
    return dict(zip(few, found, strict=True))


def _clean_text(frame: nw.DataFrame[Any], columns: list[str]) -> tuple[nw.DataFrame[Any], Distinct]:
    """Strip every text cell and turn blank ones into nulls, rewriting only the columns
    where that changes something. Also returns the cleaned distinct values of the
    columns that have few, for the checks and parsing that depend on a cell alone."""
    schema = frame.schema
    distinct = _distinct_values(
        frame, [c for c in columns if schema[c] == nw.String], _FEW_DISTINCT
    )
    untidy = _untidy_columns(frame, columns, distinct)
    for c in set(untidy) & set(distinct):
        distinct[c] = distinct[c].select(_blank_to_null(c)).unique()
    if untidy:
        frame = frame.with_columns([_blank_to_null(c) for c in untidy])
    return frame, distinct


def _untidy_columns(frame: nw.DataFrame[Any], columns: list[str], distinct: Distinct) -> list[str]:
    """The columns that cleaning changes: those with a cell that has spaces around it or
    is empty (found on the distinct values where known, else in one pass over the rest),
    and those not text yet (cleaning casts them)."""
    if not backend_of(frame).one_text_dtype:
        # pandas holds text in several dtypes (object, str, pyarrow), and cleaning also
        # makes them one: there every column is rewritten.
        return columns
    schema = frame.schema
    untidy = [c for c in columns if schema[c] != nw.String]
    untidy += [c for c, values in distinct.items() if values.select(_untidy(c)).item()]
    rest = [c for c in columns if schema[c] == nw.String and c not in distinct]
    if rest:
        flags = _scan(frame, [_untidy(c).alias(c) for c in rest])
        untidy += [c for c, flag in zip(rest, flags, strict=True) if flag]
    return untidy


def _scan(frame: nw.DataFrame[Any], exprs: list[nw.Expr]) -> tuple[Any, ...]:
    """The one row of aggregates ``exprs`` over ``frame``. Run as a lazy query: polars
    then reads the column in chunks on every core, where an eager select uses one."""
    (row,) = collect_all([frame.lazy().select(exprs)])
    return row.row(0)


def _problem(
    frame: nw.DataFrame[Any],
    mask: nw.Expr,
    column: str,
    message: str,
    kind: ErrorKind,
    file: str | None,
    hint: str | None = None,
    probe: nw.DataFrame[Any] | None = None,
) -> None:
    """Raise a DataError naming the first offending rows, if any row matches ``mask``.

    ``probe``: the distinct values of the one column ``mask`` reads, when known; a row
    matches only if one of them does, so they are looked at instead of every row."""
    if not _scan(frame if probe is None else probe, [mask.fill_null(False).any()])[0]:
        return
    _raise_problem(frame, mask, column, message, kind, file, hint)


def _missing(
    frame: nw.DataFrame[Any], columns: list[str], kind: ErrorKind, file: str | None
) -> None:
    """The empty-cell checks of several columns in one pass; the first column with an
    empty cell is reported."""
    if not columns:
        return
    flags = _scan(frame, [nw.col(c).is_null().any().alias(c) for c in columns])
    for c, flagged in zip(columns, flags, strict=True):
        if flagged:
            _raise_problem(frame, nw.col(c).is_null(), c, f"{c} is empty", kind, file)


def _raise_problem(
    frame: nw.DataFrame[Any],
    mask: nw.Expr,
    column: str,
    message: str,
    kind: ErrorKind,
    file: str | None,
    hint: str | None = None,
) -> None:
    bad = frame.filter(mask)
    examples = bad.head(MAX_EXAMPLES).select("_row", column).rows()
    first_row = examples[0][0]
    shown = "; ".join(f"row {r}: {v!r}" for r, v in examples)
    more = f" (and {len(bad) - len(examples)} more)" if len(bad) > len(examples) else ""
    raise kind(
        f"{message} in {len(bad)} row(s): {shown}{more}",
        location=Location(file=file, row=int(first_row), column=column),
        hint=hint,
    )


def _prepare(
    raw: nw.DataFrame[Any],
    what: str,
    required: tuple[str, ...],
    missing: list[str],
    hint: str,
    file: str | None,
) -> tuple[nw.DataFrame[Any], Distinct]:
    """Refuse a table without its required columns or values; number the rows (the
    header is row 1) and turn blank cells into nulls. Returns the distinct values of the
    text columns that have few (see _clean_text)."""
    if missing:
        raise MISSING_COLUMN(
            f"the {what} table lacks required column(s): {', '.join(missing)}",
            location=Location(file=file),
            hint=hint,
        )
    if "_source_row" in raw.columns:  # rows melted from a publisher's table keep their row
        frame = raw.rename({"_source_row": "_row"})
    else:
        frame = raw.with_row_index("_row").with_columns(nw.col("_row") + 2)
    schema = raw.schema
    text = [
        c
        for c in raw.columns
        if c != "_source_row" and not (schema[c].is_numeric() or schema[c].is_temporal())
    ]
    frame, distinct = _clean_text(frame, text)
    _missing(frame, list(required), MISSING_VALUE, file)
    return frame, distinct


def normalise_figures(
    raw: nw.DataFrame[Any], file: str | None = None, decimal_mark: str = "."
) -> FigureTable:
    columns = list(raw.columns)
    missing = [c for c in FIGURE_REQUIRED if c not in columns]
    dates = {"period_start", "period_end"} & set(columns)
    if len(dates) == 1:  # half a period, whether or not a label is there too
        missing.append(({"period_start", "period_end"} - dates).pop() + f" (beside {dates.pop()})")
    elif "period" not in columns and not dates:
        missing.append("period_start, period_end (or period)")
    hint = f"a figure table has {', '.join(FIGURE_REQUIRED)}, a period, and optionally {', '.join(FIGURE_OPTIONAL)}"
    frame, distinct = _prepare(raw, "figure", FIGURE_REQUIRED, missing, hint, file)
    # Counting distinct ids is much cheaper than marking duplicates: mark only if needed.
    if not all_distinct(frame, ["figure_id"]):
        _problem(
            frame,
            nw.col("figure_id").is_duplicated(),
            "figure_id",
            "figure_id is not unique",
            DUPLICATE_FIGURE_ID,
            file,
            "every figure needs its own id",
        )
    frame = _parse_values(frame, file, decimal_mark, distinct)
    frame = _parse_periods(frame, file, distinct)
    frame = _parse_dates(frame, "published_at", file, distinct.get("published_at"))
    frame = _parse_status(frame, file, distinct.get("status"))
    for c in ("cites", "note", "published_at"):
        if c not in frame.columns:
            frame = frame.with_columns(nw.lit(None, dtype=nw.String).alias(c))
    known = set(FIGURE_REQUIRED) | set(FIGURE_OPTIONAL) | set(FIGURE_DERIVED) | {"_source_row"}
    dims = tuple(c for c in columns if c not in known)
    # Figures that share metric, source, period and dimensions with another: marked once
    # here, left out and reported by every table-wide rule (see engine.groups).
    identity = ["metric", "source_id", "period_start", "period_end", *dims]
    if all_distinct(frame, identity):  # the usual case, found with one hash per row
        frame = frame.with_columns(nw.lit(False).alias("_duplicate"))
        duplicates = False
    else:
        frame = frame.with_columns(frame.select(*identity).is_duplicated().alias("_duplicate"))
        duplicates = bool(_scan(frame, [nw.col("_duplicate").any()])[0])
    blanks = _scan(frame, [nw.col(d).is_null().any() for d in dims]) if dims else ()
    return FigureTable(
        frame=frame,
        dimensions=dims,
        file=file,
        dimensions_with_blanks=tuple(d for d, blank in zip(dims, blanks, strict=True) if blank),
        has_duplicates=duplicates,
        known_values={
            c: tuple(
                None if v is None or v != v else v for v in distinct[c].get_column(c).to_list()
            )
            for c in _KNOWN_VALUES
            if c in distinct
        },  # (pandas may give NaN for a missing cell)
    )


def _parse_values(
    frame: nw.DataFrame[Any], file: str | None, decimal_mark: str, distinct: Distinct
) -> nw.DataFrame[Any]:
    if frame.schema["value"].is_numeric():
        frame = _numeric_values(frame, file)
    else:
        frame = _read_printed_values(frame, file, decimal_mark)
    return _qualify(frame, file, distinct)


def _numeric_values(frame: nw.DataFrame[Any], file: str | None) -> nw.DataFrame[Any]:
    """Numbers handed over as numbers (a pipeline's frame): nothing printed to infer a
    precision from, so they are exact unless a precision column says otherwise."""
    if frame.schema["value"].is_integer():
        # Checked before any cast (pyarrow refuses to cast them): integers beyond 2**53
        # have no exact float, 9007199254740993 would become ...992.
        _problem(
            frame,
            nw.col("value").abs() > _MAX_EXACT_INT,
            "value",
            "value is an integer too large to compute with exactly (beyond 2**53)",
            INEXACT_NUMBER,
            file,
            "store it as a number in a larger unit, with a scale column",
        )
    _problem(
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
    frame: nw.DataFrame[Any], file: str | None, decimal_mark: str
) -> nw.DataFrame[Any]:
    """Values as printed, read once per distinct text when texts repeat (counts in a
    large table do), then looked up for every row."""
    texts = _distinct_values(frame, ["value"], _SAMPLE_ROWS // 2).get("value")
    if texts is not None and not set(_PRINTED) & set(frame.columns):  # (a join would rename)
        try:
            parsed = _parse_printed(texts.with_row_index("_row"), file, decimal_mark)
        except StatcheckError:
            pass  # some text is wrong: reading every row says where
        else:
            return join_in_order(frame, parsed.select("value", *_PRINTED), "value")
    return _parse_printed(frame, file, decimal_mark)


def _parse_printed(
    frame: nw.DataFrame[Any], file: str | None, decimal_mark: str
) -> nw.DataFrame[Any]:
    """Values as printed: the grammar of statcheck.model.value, run over the column."""
    text = nw.col("value").str.to_lowercase()
    text = text.str.replace_all(f"[{MINUS_SIGNS}]", "-").str.replace_all(
        f"[{GROUP_SPACES}\\s]+", " "
    )
    frame = frame.with_columns(text.str.strip_chars().alias("_vtext"))
    frame = extract_groups(frame, "_vtext", value_pattern(decimal_mark), "_v_")
    unreadable = frame.filter(nw.col("_v_int").is_null())
    if not unreadable.is_empty():
        # Say why with the scalar parser: it gives the same answer, with a reason.
        row, cell = unreadable.select("_row", "value").row(0)
        try:
            parse_value(cell, decimal_mark=decimal_mark)
        except StatcheckError as exc:
            reason, kind, hint = exc.message, kind_of(exc.slug) or INVALID_NUMBER, exc.hint
        else:  # pragma: no cover - the two parsers share one grammar
            reason, kind, hint = f"{cell!r} could not be read", INVALID_NUMBER, None
        more = f"; {len(unreadable) - 1} other row(s) too" if len(unreadable) > 1 else ""
        raise kind(
            f"{reason}{more}",
            location=Location(file=file, row=int(row), column="value"),
            hint=hint,
        )
    group_chars = "[, ]" if decimal_mark == "." else "[. ]"
    digits = nw.col("_v_int").str.replace_all(group_chars, "")
    stripped = digits.str.strip_chars_start("0")
    trailing = (stripped.str.len_chars() - stripped.str.strip_chars_end("0").str.len_chars()).cast(
        nw.Float64
    )
    scale = (
        nw.col("_v_scale")
        .fill_null("")
        .replace_strict({"": 1.0, **SCALE_WORDS}, return_dtype=nw.Float64)
    )
    _check_representable(frame, digits, file)
    frac_len = nw.col("_v_frac").str.len_chars().cast(nw.Float64)
    inferred = (
        nw.when(~frac_len.is_null())
        .then(nw.lit(10.0) ** (-frac_len))
        .otherwise(nw.when(stripped == "").then(nw.lit(1.0)).otherwise(nw.lit(10.0) ** trailing))
    ) * scale
    magnitude = nw.concat_str([digits, nw.lit("."), nw.col("_v_frac").fill_null("0")]).cast(
        nw.Float64
    )
    sign = nw.when(nw.col("_v_sign") == "-").then(nw.lit(-1.0)).otherwise(nw.lit(1.0))
    qualifier_words = {w: q.value for w, q in QUALIFIER_WORDS.items()}
    stated = nw.col("_v_qual").fill_null("").replace_strict(qualifier_words, return_dtype=nw.String)
    frame = frame.with_columns(
        (magnitude * scale * sign).alias("_value"),
        inferred.alias("_inferred_precision"),
        stated.alias("_stated_qualifier"),
        ~nw.col("_v_pct").is_null().alias("percent"),
    )
    _problem(
        frame,
        ~nw.col("_value").is_finite(),
        "value",
        "value is too large to represent",
        NOT_FINITE,
        file,
    )
    return frame.with_columns(nw.col("value").alias("value_text"))


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
            raise INEXACT_NUMBER(
                inexact_message(cell),
                location=Location(file=file, row=int(row), column="value"),
                hint="print the value in a larger unit with fewer digits (a `scale` column keeps its size)",
            )


def _qualify(frame: nw.DataFrame[Any], file: str | None, distinct: Distinct) -> nw.DataFrame[Any]:
    """Qualifier, precision and scale columns applied: each figure's interval (low, high)."""
    qualifier_words = {w: q.value for w, q in QUALIFIER_WORDS.items()}
    # The qualifier column, when there is one, must be a known word that agrees with the text.
    if "qualifier" in frame.columns:
        given = nw.col("qualifier").str.to_lowercase().str.replace_all("[_\\s]+", " ")
        frame = frame.with_columns(given.alias("_given_qualifier"))
        known = list(qualifier_words) + [q.value.replace("_", " ") for q in Qualifier]
        _problem(
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
        _problem(
            frame,
            ~nw.col("_v_qual").is_null()
            & ~nw.col("_given_qualifier").is_null()
            & (nw.col("_given_qualifier") != nw.col("_stated_qualifier")),
            "value",
            "the value's own qualifier contradicts the qualifier column",
            CONFLICTING_QUALIFIER,
            file,
        )
        qualifier = nw.coalesce("_given_qualifier", "_stated_qualifier")
    else:
        qualifier = nw.col("_stated_qualifier")
    frame = frame.with_columns(qualifier.alias("_qualifier"))
    if "precision" in frame.columns:
        given_precision = _number_column(
            frame, "precision", "a rounding unit >= 0, e.g. 1, 0.1 or 1000", file, distinct
        )
        precision = nw.coalesce(given_precision, nw.col("_inferred_precision"))
    else:
        precision = nw.col("_inferred_precision")
    frame = frame.with_columns(precision.alias("_precision"))
    if "scale" in frame.columns:
        # Printed in thousands (scale 1000): value and precision are in printed units.
        factor = _number_column(
            frame, "scale", "a multiplier, e.g. 1000 for a table in thousands", file, distinct
        ).fill_null(1.0)
        _problem(
            frame,
            factor <= 0,
            "scale",
            "scale is not a positive number",
            BAD_SCALE,
            file,
            probe=distinct.get("scale"),
        )
        frame = frame.with_columns(
            (nw.col("_value") * factor).alias("_value"),
            (nw.col("_precision") * factor).alias("_precision"),
        )
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
    frame = frame.with_columns(
        nw.col("_value").alias("value"),
        nw.col("_qualifier").alias("qualifier"),
        nw.col("_precision").alias("precision"),
        low.alias("low"),
        high.alias("high"),
    )
    # Only a value with a % sign can fail: looking for one costs less than lower-casing units.
    if _scan(frame, [nw.col("percent").any()])[0]:
        _problem(
            frame,
            nw.col("percent") & ~nw.col("unit").str.to_lowercase().is_in(PERCENT_UNITS),
            "value",
            "value has a % sign but its unit is not percent",
            UNIT_MISMATCH,
            file,
        )
    return frame.drop(
        [
            c
            for c in frame.columns
            if c.startswith(("_v", "_given", "_stated", "_inferred"))
            or c in ("_value", "_qualifier", "_precision")
        ]
    )


def _number_column(
    frame: nw.DataFrame[Any], name: str, what: str, file: str | None, distinct: Distinct
) -> nw.Expr:
    """A numeric column, given as numbers or as text; anything else is an error."""
    values = distinct.get(name)
    if frame.schema[name].is_numeric():
        number = nw.col(name).cast(nw.Float64)
    else:
        bad = ~nw.col(name).is_null() & (nw.col(name).str.replace_all(_NUMBER, "ok") != "ok")
        _problem(
            frame,
            bad,
            name,
            f"{name} is not {what}",
            {"precision": BAD_PRECISION, "scale": BAD_SCALE}[name],
            file,
            probe=values,
        )
        number = nw.col(name).cast(nw.Float64)
    _problem(
        frame,
        ~number.is_null() & ~((number >= 0) & number.is_finite()),
        name,
        f"{name} is not {what}",
        {"precision": BAD_PRECISION, "scale": BAD_SCALE}[name],
        file,
        probe=values,
    )
    return number


def _parse_each(
    frame: nw.DataFrame[Any],
    column: str,
    values: nw.DataFrame[Any] | None,
    parse: Callable[[str], T],
    file: str | None,
) -> dict[str, T]:
    """``parse`` applied once to each distinct text of ``column`` (``values``, when known).
    A text it refuses is reported at the first row holding one."""
    texts = (frame if values is None else values).get_column(column).drop_nulls().unique()
    parsed: dict[str, T] = {}
    refused: dict[str, StatcheckError] = {}
    for text in texts.to_list():
        try:
            parsed[text] = parse(text)
        except StatcheckError as exc:
            refused[text] = exc
    if refused:
        bad = frame.filter(nw.col(column).is_in(list(refused)))
        row, text = bad.select("_row", column).row(0)
        first = refused[text]
        raise (kind_of(first.slug) or INVALID_PERIOD)(
            first.message,
            location=Location(file=file, row=int(row), column=column),
            hint=first.hint,
        )
    return parsed


def _parse_dates(
    frame: nw.DataFrame[Any], column: str, file: str | None, values: nw.DataFrame[Any] | None
) -> nw.DataFrame[Any]:
    if column not in frame.columns:
        return frame
    dtype = frame.schema[column]
    if dtype == nw.Date:  # a pipeline's frame with real dates: nothing to parse
        return frame
    if dtype == nw.Datetime:
        return frame.with_columns(nw.col(column).cast(nw.Date))
    mapping = _parse_each(frame, column, values, parse_date, file)
    if not mapping:  # every cell empty (pandas cannot replace from an empty mapping)
        return frame.with_columns(nw.lit(None, dtype=nw.Date).alias(column))
    return frame.with_columns(
        nw.col(column).replace_strict(mapping, default=None, return_dtype=nw.Date).alias(column)
    )


def _parse_periods(
    frame: nw.DataFrame[Any], file: str | None, distinct: Distinct
) -> nw.DataFrame[Any]:
    if "period_start" not in frame.columns:
        # A period label column: each distinct label is parsed once.
        _problem(
            frame, nw.col("period").is_null(), "period", "period is empty", MISSING_PERIOD, file
        )
        periods = _parse_each(frame, "period", distinct.get("period"), parse_period, file)
        starts = {text: p.start for text, p in periods.items()}
        ends = {text: p.end for text, p in periods.items()}
        return frame.with_columns(
            nw.col("period").replace_strict(starts, return_dtype=nw.Date).alias("period_start"),
            nw.col("period").replace_strict(ends, return_dtype=nw.Date).alias("period_end"),
        ).drop("period")
    _missing(frame, ["period_start", "period_end"], MISSING_PERIOD, file)
    for c in ("period_start", "period_end"):
        frame = _parse_dates(frame, c, file, distinct.get(c))
    return frame


def _parse_status(
    frame: nw.DataFrame[Any], file: str | None, values: nw.DataFrame[Any] | None
) -> nw.DataFrame[Any]:
    if "status" not in frame.columns:
        return frame.with_columns(nw.lit(FigureStatus.FINAL.value).alias("status"))
    lowered = nw.col("status").str.to_lowercase()
    probe = None
    if values is not None:
        probe = values.select(lowered.fill_null(FigureStatus.FINAL.value))
        if _unchanged(values, "status", lowered):  # the usual case: no cell to rewrite
            lowered = nw.col("status")
    frame = frame.with_columns(lowered.fill_null(FigureStatus.FINAL.value))
    allowed = [s.value for s in FigureStatus]
    _problem(
        frame,
        ~nw.col("status").is_in(allowed),
        "status",
        "unknown status",
        UNKNOWN_STATUS,
        file,
        f"use one of: {', '.join(allowed)}",
        probe,
    )
    return frame


def _unchanged(values: nw.DataFrame[Any], column: str, expr: nw.Expr) -> bool:
    """Whether ``expr`` gives back each of the distinct values of ``column`` as it is
    (then applying it to every cell changes nothing)."""
    same = (expr == nw.col(column)) | (expr.is_null() & nw.col(column).is_null())
    return bool(values.select(same.fill_null(False).all()).item())


def normalise_sources(raw: nw.DataFrame[Any], file: str | None = None) -> nw.DataFrame[Any]:
    missing = [c for c in SOURCE_REQUIRED if c not in raw.columns]
    hint = f"a source table has {', '.join(SOURCE_REQUIRED)} and optionally {', '.join(SOURCE_OPTIONAL)}"
    frame, _ = _prepare(raw, "source", SOURCE_REQUIRED, missing, hint, file)
    _problem(
        frame,
        nw.col("source_id").is_duplicated(),
        "source_id",
        "source_id is not unique",
        DUPLICATE_SOURCE_ID,
        file,
    )
    frame = frame.with_columns(nw.col("kind").str.to_lowercase())
    kinds = [k.value for k in SourceKind]
    _problem(
        frame,
        ~nw.col("kind").is_in(kinds),
        "kind",
        "unknown source kind",
        UNKNOWN_SOURCE_KIND,
        file,
        f"use one of: {', '.join(kinds)}",
    )
    if "url" not in frame.columns:
        frame = frame.with_columns(nw.lit(None, dtype=nw.String).alias("url"))
    return frame
