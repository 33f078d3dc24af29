"""Data preparation: a drop's or a pipeline's tables, as read, into the tables the rules check.

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
_duplicate                the figure shares its metric, source, period and dimensions
                          with another (table-wide rules leave both out)
_position                 the figure's number in the table, 0 to n - 1 (a publisher's row
                          holds several figures: one ``_row``, several positions)
(any other column)        a dimension (region, offence, age group, ...)
========================  ====================================================

Distinct date texts are parsed once each by the model's date parser (a table has few
distinct dates, however many rows); everything else is column arithmetic. Likewise a text
column with few distinct values (metric, unit, status, a dimension) is cleaned and checked
on those values: every cell is rewritten only when some value needs it, which in most
tables none does; and printed values that repeat are read once per distinct text. An
error is still reported at the first row that has it.

Modules (private; this package's public names are in ``__all__``):

- ``_mapping``: a publisher's table, as printed, into figure rows (the suite's ``table:``),
  and the cells it marks as no figure (``missing_values``);
- ``_frames``: a pipeline's frame taken as cells (what stays typed, what becomes text);
- ``_text``: cleaning text cells, taking a table in (required columns, row numbers);
- ``_values``: printed values, qualifiers, precision and scale, into intervals;
- ``_periods``: dates and periods;
- ``_figures``, ``_sources``: the figure and the source table, built from the above;
- ``_codes``: the identity columns as integer codes, for the rules' joins;
- ``_problems``: refusing a table with an error naming its first offending rows.

Nothing here evaluates a rule: the engine (:mod:`statcheck.engine`) takes the
:class:`ParsedFigureTable` and the source table built here.
"""

from __future__ import annotations

from statcheck.prepare._codes import CODE_PREFIX, KeyCodes, identity_columns, key_codes
from statcheck.prepare._figures import (
    FIGURE_DERIVED,
    FIGURE_OPTIONAL,
    FIGURE_REQUIRED,
    ParsedFigureTable,
    normalise_figures,
)
from statcheck.prepare._frames import DATE_COLUMNS, NUMERIC_COLUMNS, as_text_frame
from statcheck.prepare._mapping import EMPTY_CELL, MappedTable, map_table, with_not_figures
from statcheck.prepare._problems import MAX_EXAMPLES
from statcheck.prepare._sources import SOURCE_OPTIONAL, SOURCE_REQUIRED, normalise_sources
from statcheck.prepare._values import PERCENT_UNITS

__all__ = [
    "CODE_PREFIX",
    "DATE_COLUMNS",
    "EMPTY_CELL",
    "FIGURE_DERIVED",
    "FIGURE_OPTIONAL",
    "FIGURE_REQUIRED",
    "MAX_EXAMPLES",
    "NUMERIC_COLUMNS",
    "PERCENT_UNITS",
    "SOURCE_OPTIONAL",
    "SOURCE_REQUIRED",
    "KeyCodes",
    "MappedTable",
    "ParsedFigureTable",
    "as_text_frame",
    "identity_columns",
    "key_codes",
    "map_table",
    "normalise_figures",
    "normalise_sources",
    "with_not_figures",
]
