"""The grid table of issue 16's benchmark, with known violations and known skips.

Deterministic: the same ``n_rows`` and ``seed`` give the same figure and source tables,
suite and expected outcomes, in any process.

Layout. ``metrics x regions x years`` blocks; in each block, ten categories (c01..c10)
and their ``ALL`` total, over five periods a year (the year and its four quarters): 55
counts (unit ``persons``, precision 1), all from ``stat-office`` (official). Every
other metric (m01, m03, ...) also has share rows ``mXX_share`` (unit ``percent``,
precision 0.1), one per category and period: share = mXX[c] / mXX[ALL] x 100, rounded to
0.1. A quarter's counts are random (100..4,999); the year is the sum of its quarters,
``ALL`` the sum of its categories, so both identities hold exactly. About 3% of the
quarter counts of a category are relayed by news outlets (``news-01``..``news-20``,
media), which cite ``stat-office``; 5% of the official figures cite ``registry``
(official, reports nothing).

The suite (``suite_yaml``) states one rule per invariant:

=========================  ===============================================================
categories-make-the-total  sum over category, total ALL (the counts: ``unit: persons``)
category-shares            ratio over [metric, category]: mXX_share[c] = mXX[c] / mXX[ALL]
quarters-make-the-year     partition: the quarters cover the year, no gap or overlap, and
                           add up to it (the counts)
periods-are-sound          period: ordered, published after the period ends
citations-hold             attribution: known sources, citations resolve, no cycles of
                           figures, no cycles of sources
=========================  ===============================================================

Injected violations (each a separate set of blocks or rows, so that one never hides
another), with what must be flagged:

======================  ===================================================================
sum                     1% of the count groups (metric, region, period): one category's
                        count raised by 100 + 20%; the group's ALL fails ``sum-mismatch``,
                        and the category's year fails ``partition-sum-mismatch`` (the
                        quarters no longer add up to the year). Shares are computed after,
                        so they stay consistent.
ratio                   1% of the share rows: 3 percentage points added (``ratio-mismatch``)
partition               1% of the blocks: one quarter misprinted for the whole block (every
                        category, ALL and the shares): it ends 15 days early
                        (``partition-gap``) or, Q1 and Q2 only, one day late, into the next
                        quarter (``partition-overlap``); each of the block's 11 years fails
reversed periods        5% of the blocks (about 1% of the rows): the year's period printed
                        backwards, end before start, for the whole block (counts and shares),
                        so that sums and shares still join; ``period-reversed`` per row
published early         1% of the rows: final, yet published 10 days before the period ends
                        (``published-before-period-end``); another 0.5% are provisional and
                        published early, which is no violation
dangling citations      1% of the rows cite a source not in the sources table
                        (``unresolved-citation``)
citation cycles         per 2,000 rows, one ring of two media sources, one of three, and one
                        source citing itself, each relaying one official quarter count:
                        one ``citation-cycle`` (the figures) and one ``source-cycle`` (the
                        sources, named by the figures that make each citation) per ring
======================  ===================================================================

Expected skips (items not checked; counted, not flagged):

- ratio: share rows whose part is missing (a share printed with an unpadded category code,
  ``c7`` for ``c07``, 0.2% of the share rows: ``missing-part``), and the ten shares of a
  year whose ``ALL`` count is missing (0.2% of the share metrics' blocks lose their year's
  ALL row: ``missing-whole``);
- sum: groups of parts with no ALL total (``missing-total``): those blocks' years, and
  every group of relayed figures (a relay is one category of one quarter);
- partition: none (every year has its quarters; a year with no ALL, or printed backwards,
  is no whole, and its quarters then belong to no whole).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl

SEED = 20260516
FIRST_YEAR = 2015
CATEGORIES = tuple(f"c{i:02d}" for i in range(1, 11))
ALL = "ALL"
OFFICE, REGISTRY = "stat-office", "registry"
OUTLETS = tuple(f"news-{i:02d}" for i in range(1, 21))
UNKNOWN = ("stat-offce", "registry-2019", "wire-service")  # cited, not in the sources table
COUNT_UNIT, SHARE_UNIT = "persons", "percent"
SHARE_SUFFIX = "_share"
PRIMARY_KINDS = ("official",)

VIOLATION_SHARE = 0.01
RELAY_SHARE = 0.03  # quarter counts of a category relayed by an outlet
REGISTRY_SHARE = 0.05  # official figures citing the registry
PROVISIONAL_SHARE = 0.005
TYPO_SHARE = 0.002  # share rows printed with an unpadded category code
MISSING_WHOLE_SHARE = 0.002  # share metrics' blocks whose year has no ALL row
REVERSED_BLOCKS = 0.05
RINGS_PER_ROW = 1 / 2000  # rings of each size (1, 2, 3) per row of the table
SHARE_SHIFT = 3.0
GAP_DAYS, OVERLAP_DAYS = 15, 1

N_CAT = len(CATEGORIES) + 1  # the categories and ALL (index 10)
K_ALL = len(CATEGORIES)
N_PER = 5  # the year (0) and its quarters (1..4)

RULES = {
    "sum": "categories-make-the-total",
    "ratio": "category-shares",
    "partition": "quarters-make-the-year",
    "period": "periods-are-sound",
    "attribution": "citations-hold",
}
NEW_FORMS = ("ratio", "partition")  # being built next to this benchmark (issue 16)

# What each rule must flag, by finding slug.
CHECKS: dict[str, tuple[str, ...]] = {
    "sum": ("sum-mismatch",),
    "ratio": ("ratio-mismatch", "zero-denominator"),
    "partition": ("partition-gap", "partition-overlap", "partition-sum-mismatch"),
    "period": ("period-reversed", "published-before-period-end"),
    "attribution": ("unknown-source", "unresolved-citation", "citation-cycle", "source-cycle"),
}
SLUG_RULE = {slug: rule for rule, slugs in CHECKS.items() for slug in slugs}


@dataclass
class Grid:
    """A generated table: the figure and source frames, what must be flagged (``expected``:
    finding slug -> sorted keys, see ``finding_key``), the items each rule must skip by
    reason (``skips``: rule -> reason -> count) and the items it must check and fail
    (``items``: rule -> {checked, failed})."""

    figures: pl.DataFrame
    sources: pl.DataFrame
    expected: dict[str, list[str]]
    skips: dict[str, dict[str, int]]
    items: dict[str, dict[str, int]]
    params: dict[str, Any] = field(default_factory=dict)

    def suite_yaml(self, kinds: tuple[str, ...] | None = None) -> str:
        return suite_yaml(kinds)

    def expected_for(self, kinds: tuple[str, ...]) -> dict[str, list[str]]:
        return {s: keys for s, keys in self.expected.items() if SLUG_RULE[s] in kinds}


def _n(count: int, share: float) -> int:
    """About ``share`` of ``count``, at least one when there is anything to choose from."""
    return min(count, max(1, round(share * count))) if count else 0


def shape(n_rows: int) -> tuple[int, int, int]:
    """Metrics, regions and years for about ``n_rows`` rows (80 rows a block on average:
    55 counts, 50 shares every other metric; relays and rings add about 2%)."""
    blocks = max(4.0, n_rows / (80 * 1.018))
    years = int(min(10, max(2, blocks // 30)))
    rest = blocks / years
    metrics = int(min(20, max(2, round(math.sqrt(rest)))))
    regions = max(1, round(rest / metrics))
    return metrics, regions, years


# ---------------------------------------------------------------- periods


def _days(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def _period_table(years: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Start and end (days since 1970) and label of each (year, period) pair, flattened
    as ``year * 5 + period``."""
    starts, ends, labels = [], [], []
    for y in range(FIRST_YEAR, FIRST_YEAR + years):
        starts.append(_days(dt.date(y, 1, 1)))
        ends.append(_days(dt.date(y, 12, 31)))
        labels.append(str(y))
        for q in range(4):
            first = dt.date(y, 3 * q + 1, 1)
            nxt = dt.date(y + 1, 1, 1) if q == 3 else dt.date(y, 3 * q + 4, 1)
            starts.append(_days(first))
            ends.append(_days(nxt) - 1)
            labels.append(f"{y}Q{q + 1}")
    return np.array(starts, np.int32), np.array(ends, np.int32), labels


# ---------------------------------------------------------------- the official table


@dataclass
class _Official:
    """The official rows as columns (numpy), before the relays: block coordinates, the
    row's category and period, and its cells."""

    m: np.ndarray  # metric index (count metrics 0..M-1; share metric of m: M + m)
    r: np.ndarray
    y: np.ndarray
    k: np.ndarray  # category index; 0..9 c01..c10, 10 ALL, 11.. an unpadded code
    p: np.ndarray  # 0 the year, 1..4 its quarters
    value: np.ndarray
    start: np.ndarray
    end: np.ndarray
    share: np.ndarray  # bool: a share row


def _grid(*dims: int) -> list[np.ndarray]:
    return [a.ravel() for a in np.meshgrid(*[np.arange(d) for d in dims], indexing="ij")]


def _counts(rng: np.random.Generator, M: int, R: int, Y: int) -> np.ndarray:
    """Counts by (metric, region, year, category, period): quarters random, years and ALL
    their sums."""
    v = np.zeros((M, R, Y, N_CAT, N_PER))
    v[..., :K_ALL, 1:] = rng.integers(100, 5000, size=(M, R, Y, K_ALL, 4))
    v[..., :K_ALL, 0] = v[..., :K_ALL, 1:].sum(axis=-1)
    v[..., K_ALL, :] = v[..., :K_ALL, :].sum(axis=-2)
    return v


@dataclass
class _Plan:
    """Which blocks get which injection (disjoint sets of flat block numbers)."""

    sum_blocks: np.ndarray
    misaligned: np.ndarray
    reversed: np.ndarray
    missing_whole: np.ndarray


def _plan_blocks(rng: np.random.Generator, M: int, R: int, Y: int) -> _Plan:
    n_blocks = M * R * Y
    order = rng.permutation(n_blocks)
    n_sum = _n(n_blocks * N_PER, VIOLATION_SHARE)
    n_mis = _n(n_blocks, VIOLATION_SHARE)
    n_rev = _n(n_blocks, REVERSED_BLOCKS)
    taken = order[: n_sum + n_mis + n_rev]
    rest = order[n_sum + n_mis + n_rev :]
    with_shares = rest[(rest // (R * Y)) % 2 == 0]  # metric index even: it has shares
    n_mw = _n(int(n_blocks / 2), MISSING_WHOLE_SHARE)
    assert taken.size == n_sum + n_mis + n_rev and with_shares.size >= n_mw, "table too small"
    return _Plan(
        sum_blocks=taken[:n_sum],
        misaligned=taken[n_sum : n_sum + n_mis],
        reversed=taken[n_sum + n_mis :],
        missing_whole=with_shares[:n_mw],
    )


class _Injected:
    """Row numbers (of the final figure table) to flag, by finding slug, filled while the
    table is built; and the skips."""

    def __init__(self) -> None:
        self.rows: dict[str, list[np.ndarray]] = {s: [] for s in SLUG_RULE}
        self.rings: list[list[np.ndarray]] = []  # per ring size: rows (n_rings, size)

    def add(self, slug: str, rows: np.ndarray) -> None:
        self.rows[slug].append(np.asarray(rows, dtype=np.int64))


def generate(n_rows: int, seed: int = SEED) -> Grid:
    rng = np.random.default_rng(seed)
    dims = shape(n_rows)
    starts, ends, labels = _period_table(dims[2])
    values = _counts(rng, *dims)
    plan = _plan_blocks(rng, *dims)
    inj = _Injected()
    raised = _raise_sums(rng, values, plan, dims)
    off, n_counts = _official(values, plan, dims, starts, ends)
    block = _blocks(off, dims)
    row_of = _RowIndex(off, *dims)
    # The sums' outcome, by row: the group's ALL, and the category's year (whose quarters
    # no longer add up to it).
    bm, br, by, bk, bp = raised
    inj.add("sum-mismatch", row_of.find(bm, br, by, K_ALL, bp))
    inj.add("partition-sum-mismatch", row_of.find(bm, br, by, bk, 0))
    typo = _spoil_shares(rng, off, block, plan, inj)
    _misalign(rng, off, block, plan, row_of, dims, inj)
    reversed_rows = _reverse(off, block, plan, inj)
    figures, n_official = _with_relays(rng, off, n_counts, dims, labels, inj, n_rows)
    figures = _publication(rng, figures, n_official, reversed_rows, inj)
    expected = _expected(figures, inj)
    skips, items = _outcomes(figures, off, n_official, typo, plan, expected)
    M, R, Y = dims
    return Grid(
        figures=figures,
        sources=_sources(figures),
        expected=expected,
        skips=skips,
        items=items,
        params={
            "seed": seed,
            "n_rows_requested": n_rows,
            "metrics": M,
            "regions": R,
            "years": Y,
            "blocks": M * R * Y,
        },
    )


Dims = tuple[int, int, int]  # metrics, regions, years
Cells = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]


def _raise_sums(rng: np.random.Generator, values: np.ndarray, plan: _Plan, dims: Dims) -> Cells:
    """One category's count raised by 100 + 20% in each block chosen for a sum, in one
    period; the cells raised (metric, region, year, category, period)."""
    bm, br, by = np.unravel_index(plan.sum_blocks, dims)
    bk = rng.integers(0, K_ALL, size=plan.sum_blocks.size)
    bp = rng.integers(0, N_PER, size=plan.sum_blocks.size)
    cell = values[bm, br, by, bk, bp]
    values[bm, br, by, bk, bp] = cell + 100 + np.round(0.2 * cell)
    return bm, br, by, bk, bp


def _official(
    values: np.ndarray, plan: _Plan, dims: Dims, starts: np.ndarray, ends: np.ndarray
) -> tuple[_Official, int]:
    """The count rows (but the ALL of the years chosen to have none), then the share rows
    of every other metric, computed from the counts as printed; and how many counts."""
    M, R, Y = dims
    cm, cr, cy, ck, cp = _grid(M, R, Y, N_CAT, N_PER)
    keep = np.ones(cm.size, dtype=bool)
    mw_m, mw_r, mw_y = np.unravel_index(plan.missing_whole, dims)
    keep[(((mw_m * R + mw_r) * Y + mw_y) * N_CAT + K_ALL) * N_PER] = False  # their year's ALL
    share_metrics = np.arange(0, M, 2)
    sm, sr, sy, sk, sp = _grid(share_metrics.size, R, Y, K_ALL, N_PER)
    sm = share_metrics[sm]
    share_value = np.round(values[sm, sr, sy, sk, sp] / values[sm, sr, sy, K_ALL, sp] * 100, 1)
    n_counts = int(keep.sum())
    p = np.concatenate([cp[keep], sp])
    y = np.concatenate([cy[keep], sy])
    return _Official(
        m=np.concatenate([cm[keep], M + sm]),
        r=np.concatenate([cr[keep], sr]),
        y=y,
        k=np.concatenate([ck[keep], sk]),
        p=p,
        value=np.concatenate([values[cm, cr, cy, ck, cp][keep], share_value]),
        start=starts[y * N_PER + p].copy(),
        end=ends[y * N_PER + p].copy(),
        share=np.concatenate([np.zeros(n_counts, bool), np.ones(sm.size, bool)]),
    ), n_counts


def _blocks(off: _Official, dims: Dims) -> np.ndarray:
    """Each row's block number (a share row's block is its metric's)."""
    M, R, Y = dims
    return np.asarray((off.m % M) * R * Y + off.r * Y + off.y)


def _spoil_shares(
    rng: np.random.Generator, off: _Official, block: np.ndarray, plan: _Plan, inj: _Injected
) -> np.ndarray:
    """Shares shifted by 3 points, and shares printed with an unpadded code (their part
    is then missing): the rows of the latter. Not the shares of a year with no ALL
    (skipped anyway), nor of one printed backwards (a violation of its own, which should
    not decide how a share is checked)."""
    aside = np.isin(block, np.concatenate([plan.missing_whole, plan.reversed])) & (off.p == 0)
    share_rows = np.flatnonzero(off.share & ~aside)
    picked = rng.choice(
        share_rows, size=_n(share_rows.size, VIOLATION_SHARE + TYPO_SHARE), replace=False
    )
    n_typo = _n(share_rows.size, TYPO_SHARE)
    typo, shifted = picked[:n_typo], picked[n_typo:]
    typo = typo[off.k[typo] < 9]  # c01..c09 lose their zero; c10 has no such typo
    off.value[shifted] += SHARE_SHIFT
    off.k[typo] += 11  # codes 11..19: c1..c9
    inj.add("ratio-mismatch", shifted)
    return np.asarray(typo)


def _misalign(
    rng: np.random.Generator,
    off: _Official,
    block: np.ndarray,
    plan: _Plan,
    row_of: _RowIndex,
    dims: Dims,
    inj: _Injected,
) -> None:
    """One quarter misprinted for a whole block (its shares too): it ends 15 days early
    (a gap), or, for Q1 and Q2, a day late (an overlap with the next quarter). Each of the
    block's eleven years then fails."""
    mis = plan.misaligned
    q = rng.integers(1, 5, size=mis.size)
    overlap = (rng.random(mis.size) < 0.5) & (q <= 2)
    shift = np.where(overlap, OVERLAP_DAYS, -GAP_DAYS).astype(np.int32)
    hit = _block_rows(block, off.p, mis, q)
    off.end[hit.rows] += shift[hit.which]
    mm, mr, my = np.unravel_index(mis, dims)
    for slug, which in (("partition-gap", ~overlap), ("partition-overlap", overlap)):
        years = [row_of.find(mm[which], mr[which], my[which], k, 0) for k in range(N_CAT)]
        inj.add(slug, np.concatenate(years))


def _reverse(off: _Official, block: np.ndarray, plan: _Plan, inj: _Injected) -> np.ndarray:
    """A block's year printed backwards, counts and shares (so that sums and shares
    still join); the rows."""
    hit = _block_rows(block, off.p, plan.reversed, np.zeros(plan.reversed.size, np.int64))
    off.start[hit.rows], off.end[hit.rows] = off.end[hit.rows], off.start[hit.rows].copy()
    inj.add("period-reversed", hit.rows)
    return hit.rows


def _expected(figures: pl.DataFrame, inj: _Injected) -> dict[str, list[str]]:
    """The injected rows as the keys findings are compared by: figure ids, and for a
    cycle its figures' ids, sorted and space-separated."""
    ids = figures.get_column("figure_id")
    expected = {
        slug: sorted(ids.gather(np.concatenate(parts)).to_list()) if parts else []
        for slug, parts in inj.rows.items()
        if slug not in ("citation-cycle", "source-cycle")
    }
    rings = sorted(" ".join(sorted(ids.gather(r).to_list())) for rows in inj.rings for r in rows)
    expected["citation-cycle"] = rings
    expected["source-cycle"] = list(rings)
    return expected


class _RowIndex:
    """Row number of an official count row by its block coordinates, category and
    period (-1 for none), through one dense array."""

    def __init__(self, off: _Official, M: int, R: int, Y: int) -> None:
        self.shape = (M, R, Y, N_CAT, N_PER)
        self.at = np.full(M * R * Y * N_CAT * N_PER, -1, dtype=np.int64)
        counts = np.flatnonzero(~off.share)
        flat = np.ravel_multi_index(
            (off.m[counts], off.r[counts], off.y[counts], off.k[counts], off.p[counts]), self.shape
        )
        self.at[flat] = counts

    def find(self, m: Any, r: Any, y: Any, k: Any, p: Any) -> np.ndarray:
        m, r, y, k, p = np.broadcast_arrays(m, r, y, k, p)
        rows = self.at[np.ravel_multi_index((m, r, y, k, p), self.shape)]
        assert (rows >= 0).all(), "an injected row is missing"
        return np.asarray(rows)


@dataclass
class _Hit:
    rows: np.ndarray  # rows of the chosen blocks in the chosen period
    which: np.ndarray  # the position of each row's block among the chosen ones


def _block_rows(block: np.ndarray, period: np.ndarray, chosen: np.ndarray, p: np.ndarray) -> _Hit:
    """The rows (counts and shares) of each chosen block in that block's period ``p``."""
    order = np.argsort(chosen)
    pos = np.searchsorted(chosen[order], block)
    pos = np.minimum(pos, chosen.size - 1)
    which = order[pos]
    rows = np.flatnonzero((chosen[which] == block) & (period == p[which]))
    return _Hit(rows, which[rows])


# ---------------------------------------------------------------- relays and rings


def _names(off: _Official, M: int, R: int, labels: list[str]) -> pl.DataFrame:
    metric_names = [f"m{i + 1:02d}" for i in range(M)] + [
        f"m{i + 1:02d}{SHARE_SUFFIX}" for i in range(M)
    ]
    category_names = [*CATEGORIES, ALL, *(f"c{i + 1}" for i in range(9))]
    region_names = [f"R{i + 1:03d}" for i in range(R)]
    frame = pl.DataFrame(
        {
            "metric": pl.Series(metric_names).gather(off.m),
            "region": pl.Series(region_names).gather(off.r),
            "category": pl.Series(category_names).gather(off.k),
            "_label": pl.Series(labels).gather(off.y * N_PER + off.p),
        }
    )
    return frame.select(
        pl.concat_str(["metric", "region", "category", "_label"], separator="-").alias("figure_id"),
        "metric",
        pl.Series("value", off.value),
        pl.Series("unit", np.where(off.share, SHARE_UNIT, COUNT_UNIT)),
        pl.Series("precision", np.where(off.share, 0.1, 1.0)),
        pl.Series("period_start", off.start.astype("datetime64[D]")),
        pl.Series("period_end", off.end.astype("datetime64[D]")),
        pl.lit(OFFICE).alias("source_id"),
        pl.lit(None, dtype=pl.String).alias("cites"),
        "region",
        "category",
    )


def _with_relays(
    rng: np.random.Generator,
    off: _Official,
    n_counts: int,
    dims: Dims,
    labels: list[str],
    inj: _Injected,
    n_rows: int,
) -> tuple[pl.DataFrame, int]:
    """The official rows, then the outlets' relays, then the rings (each ring's sources
    relay one official figure, citing one another round)."""
    official = _names(off, dims[0], dims[1], labels)
    n_official = official.height
    quarter_parts = np.flatnonzero(
        (~off.share) & (off.p > 0) & (off.k < K_ALL) & (np.arange(off.m.size) < n_counts)
    )
    n_rings = max(1, round(RINGS_PER_ROW * n_rows))
    n_relays = _n(quarter_parts.size, RELAY_SHARE)
    chosen = rng.choice(quarter_parts, size=n_relays + 6 * n_rings, replace=False)
    relayed, ring_rows = chosen[:n_relays], chosen[n_relays:]
    outlets = pl.Series(OUTLETS).gather(rng.integers(0, len(OUTLETS), size=n_relays))
    relays = _copies(official, relayed, outlets, pl.Series([OFFICE] * n_relays))
    pieces = [official, relays]
    start = n_official + n_relays
    offset = 0
    for size in (1, 2, 3):
        base = ring_rows[offset : offset + n_rings]
        offset += n_rings
        names = [f"ring{size}-{i + 1:05d}-{'abc'[j]}" for i in range(n_rings) for j in range(size)]
        src = pl.Series(names)
        cited = pl.Series(
            [names[i * size + (j + 1) % size] for i in range(n_rings) for j in range(size)]
        )
        pieces.append(_copies(official, np.repeat(base, size), src, cited))
        inj.rings.append([start + np.arange(i * size, (i + 1) * size) for i in range(n_rings)])
        start += n_rings * size
    return pl.concat(pieces, rechunk=True), n_official


def _copies(
    official: pl.DataFrame, rows: np.ndarray, source: pl.Series, cites: pl.Series
) -> pl.DataFrame:
    """Official figures relayed: the same metric, value, period and dimensions, by another
    source that cites ``cites``."""
    copied = official[rows]
    return copied.with_columns(
        (source + ":" + copied.get_column("figure_id")).alias("figure_id"),
        source.alias("source_id"),
        cites.alias("cites"),
    )


# ---------------------------------------------------------------- publication, citations


def _publication(
    rng: np.random.Generator,
    figures: pl.DataFrame,
    n_official: int,
    reversed_rows: np.ndarray,
    inj: _Injected,
) -> pl.DataFrame:
    """published_at and status for every row; the early publications and the dangling
    citations. A relay is published a few days after the figure it relays."""
    n = figures.height
    end = figures.get_column("period_end").to_numpy().astype("datetime64[D]").astype(np.int64)
    start = figures.get_column("period_start").to_numpy().astype("datetime64[D]").astype(np.int64)
    late = np.maximum(end, start)  # a reversed period's real end
    days = rng.integers(20, 61, size=n)
    days[n_official:] += rng.integers(1, 6, size=n - n_official)
    published = late + days
    u = rng.random(n)
    u[reversed_rows] = 1.0  # a reversed period is flagged for that alone
    early = u < VIOLATION_SHARE
    provisional = (u >= VIOLATION_SHARE) & (u < VIOLATION_SHARE + PROVISIONAL_SHARE)
    published[early] = end[early] - 10
    published[provisional] = end[provisional] - 5
    inj.add("published-before-period-end", np.flatnonzero(early))

    ring_rows = np.concatenate([r for rows in inj.rings for r in rows])
    v = rng.random(n)
    v[ring_rows] = 1.0  # a ring's citations are its violation
    dangling = v < VIOLATION_SHARE
    registry = (v >= VIOLATION_SHARE) & (v < VIOLATION_SHARE + REGISTRY_SHARE)
    registry[n_official:] = False
    inj.add("unresolved-citation", np.flatnonzero(dangling))
    # 0: as it is; 1: the registry; 2..: an unknown source
    code = np.zeros(n, dtype=np.int8)
    code[registry] = 1
    code[dangling] = 2 + rng.integers(0, len(UNKNOWN), int(dangling.sum()))
    cited = pl.Series("_c", ["", REGISTRY, *UNKNOWN]).gather(code)
    return figures.with_columns(
        pl.when(pl.Series(code) == 0).then(pl.col("cites")).otherwise(cited).alias("cites"),
        pl.Series("published_at", published.astype("datetime64[D]")),
        pl.Series("status", np.where(provisional, "provisional", "final")),
    ).select(
        "figure_id",
        "metric",
        "value",
        "unit",
        "precision",
        "period_start",
        "period_end",
        "source_id",
        "cites",
        "published_at",
        "status",
        "region",
        "category",
    )


def _sources(figures: pl.DataFrame) -> pl.DataFrame:
    ring_sources = (
        figures.select(pl.col("source_id").unique().sort())
        .filter(pl.col("source_id").str.starts_with("ring"))
        .get_column("source_id")
        .to_list()
    )
    ids = [OFFICE, REGISTRY, *OUTLETS, *ring_sources]
    names = ["National Statistics Office", "Population Registry"] + [
        f"News outlet {s}" for s in ids[2:]
    ]
    kinds = ["official", "official"] + ["media"] * (len(ids) - 2)
    return pl.DataFrame(
        {"source_id": ids, "name": names, "kind": kinds, "url": [None] * len(ids)},
        schema={"source_id": pl.String, "name": pl.String, "kind": pl.String, "url": pl.String},
    )


def _outcomes(
    figures: pl.DataFrame,
    off: _Official,
    n_official: int,
    typo: np.ndarray,
    plan: _Plan,
    expected: dict[str, list[str]],
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """The skips each rule must count, and its items checked and failed, from how the
    table was built."""
    n_mw = plan.missing_whole.size
    others = figures.slice(n_official).filter(pl.col("unit") == COUNT_UNIT)
    relay_groups = others.select(
        "metric", "source_id", "period_start", "period_end", "region"
    ).n_unique()
    n_share = int(off.share.sum())
    count_alls = int(((~off.share) & (off.k == K_ALL)).sum())
    count_years = int(((~off.share) & (off.p == 0) & (off.k < N_CAT)).sum())
    reversed_years = plan.reversed.size * N_CAT
    skips = {
        "sum": {"missing-total": relay_groups + n_mw},
        "ratio": {"missing-part": int(typo.size), "missing-whole": K_ALL * n_mw},
        "partition": {},
        "period": {},
        "attribution": {},
    }
    failed = {rule: sum(len(expected[s]) for s in CHECKS[rule]) for rule in CHECKS}
    partition_failed = len(
        set(expected["partition-gap"])
        | set(expected["partition-overlap"])
        | set(expected["partition-sum-mismatch"])
    )
    items = {
        "sum": {"checked": count_alls, "failed": failed["sum"]},
        "ratio": {"checked": n_share - int(typo.size) - K_ALL * n_mw, "failed": failed["ratio"]},
        "partition": {"checked": count_years - reversed_years, "failed": partition_failed},
        "period": {"checked": figures.height, "failed": failed["period"]},
    }
    return skips, items


# ---------------------------------------------------------------- the suite


SUITE_HEAD = """\
suite: bench-grid
description: >-
  Issue 16's benchmark table (benchmarks/grid.py): metrics x regions x years, ten
  categories and their ALL total, the year and its quarters, shares per category.
primary_sources: [official]
rules:
"""

SUITE_RULES = {
    "sum": """\
  - id: categories-make-the-total
    kind: sum
    over: category
    total: ALL
    figures: {unit: persons}
""",
    "ratio": """\
  - id: category-shares
    kind: ratio
    over: [metric, category]
    part:  {metric: "{m}", category: "{c}"}
    whole: {metric: "{m}", category: ALL}
    share: {metric: "{m}_share", category: "{c}"}
""",
    "partition": """\
  - id: quarters-make-the-year
    kind: partition
    whole: year
    parts: quarter
    add_up: true
    figures: {unit: persons}
""",
    "period": """\
  - id: periods-are-sound
    kind: period
    checks: [ordered, published-after-end]
""",
    "attribution": """\
  - id: citations-hold
    kind: attribution
    checks: [known-source, citations-resolve, no-cycles, no-source-cycles]
""",
}


def suite_yaml(kinds: tuple[str, ...] | None = None) -> str:
    """The suite, one rule per invariant (``kinds``: which of them; all by default)."""
    chosen = kinds or tuple(SUITE_RULES)
    return SUITE_HEAD + "".join(SUITE_RULES[k] for k in SUITE_RULES if k in chosen)


if __name__ == "__main__":  # a quick look: python benchmarks/grid.py 100000
    import sys

    g = generate(int(float(sys.argv[1])) if len(sys.argv) > 1 else 100_000)
    print(g.figures.head(12))
    print(g.figures.height, "rows;", g.params)
    print({s: len(v) for s, v in g.expected.items()})
    print("skips", g.skips)
    print("items", g.items)
    print(f"estimated size {g.figures.estimated_size() / 2**20:.1f} MiB")
