"""The numpy floor: the grid suite's checks written by hand with numpy and scipy only.

What it is given is what a user has in memory: the figure table's columns as numpy
arrays (``columns_of``, called before the clock starts: text as numpy's fixed-width
unicode, numbers as float64, dates as datetime64[D]; an empty citation as ""), and the
source table's ``source_id`` and ``kind``. No dataframe library is used after that.

The semantics are statcheck's, for these rules (so that both find exactly the injected
violations): a figure of value v and precision p stands for [v - p/2, v + p/2]; a gap
under 1e-9 of the numbers compared is floating-point noise, not a failure; a figure
printed twice for the same thing (same metric, source, period and dimensions) is left
out of the table-wide checks; a group missing an operand is skipped and counted, by
reason.

How: each text column is factorised once (its characters packed into a 64-bit key, exact
up to eight characters and a checked hash beyond, sorted, and each key looked up among
the few distinct ones). Metric, source, period and dimensions make one mixed-radix integer per row,
the figure's identity, sorted once: duplicates are neighbours, the sum's groups are
runs of it (category is its last digit), and the ratio finds a share's part and whole
by ``searchsorted`` of the identity with the metric and category digits replaced. Sums
are ``bincount``s; the partition sorts each year's parts by start and compares each
start with the latest end before it; cycles are strongly connected components
(``scipy.sparse.csgraph.connected_components``) of the figure graph (a citation to the
cited source's figure for the same thing) and of the source graph. Output: the keys of
the flagged figures, groups and cycles (``grid.finding_key``'s), and the counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

NOISE = 1e-9  # statcheck.contract.tolerance.FLOAT_NOISE
SHARE_SCALES = {
    "percent": 100.0,
    "%": 100.0,
    "pct": 100.0,
    "per_1000": 1000.0,
    "per_100000": 100000.0,
    "fraction": 1.0,
    "ratio": 1.0,
}
STANDARD = (
    "figure_id",
    "metric",
    "value",
    "unit",
    "qualifier",
    "precision",
    "period_start",
    "period_end",
    "source_id",
    "cites",
    "published_at",
    "status",
    "note",
)
TEXT = ("figure_id", "metric", "unit", "source_id", "cites", "status")
DATES = ("period_start", "period_end", "published_at")
QUARTER_DAYS, MONTH_DAYS = 92, 31  # `parts: quarter`: longer than a month, no longer than this
KINDS = ("sum", "ratio", "partition", "period", "attribution")
KEY_BITS = 63  # an identity is one int64

Columns = dict[str, np.ndarray]


def columns_of(frame: Any) -> Columns:
    """A polars figure (or source) table as numpy arrays: done before timing."""
    out: Columns = {}
    for name in frame.columns:
        s = frame.get_column(name)
        if s.dtype.is_numeric():
            out[name] = s.cast(float).to_numpy()
        elif s.dtype.is_temporal():
            out[name] = s.to_numpy().astype("datetime64[D]")
        else:
            out[name] = np.asarray(s.fill_null("").to_list(), dtype=str)
    return out


# ---------------------------------------------------------------- factorising


def factorise(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct strings of ``a`` and each element's number among them.

    Each string becomes one 64-bit key: its characters packed eight to a word (one byte
    each, when all are below 256), exact for strings of up to eight characters, a hash of
    the words for longer ones (checked word by word against a string with the same hash;
    ``np.unique`` on the strings if two ever collide). Sorting the keys numbers them.
    """
    n = a.size
    if n == 0:
        return a[:0], np.zeros(0, np.int64)
    words = _words(a)
    if words is None:  # characters beyond one byte: hash the code points
        words = np.ascontiguousarray(a).view(np.uint32).reshape(n, -1).astype(np.uint64)
    key = words[:, 0].copy()
    for j in range(1, words.shape[1]):  # over the words, not the rows
        key *= np.uint64(1099511628211)
        key += words[:, j]
    codes, n_keys = _numbered(key)
    first = np.empty(n_keys, np.int64)
    first[codes] = np.arange(n)  # a row of each key (the last one)
    if words.shape[1] > 1 and not np.array_equal(words[first][codes], words):
        uniques, inverse = np.unique(a, return_inverse=True)  # a hash collision: slowly
        return uniques, inverse.ravel().astype(np.int64)
    return a[first], codes


def _numbered(key: np.ndarray) -> tuple[np.ndarray, int]:
    """Each key's rank among the distinct keys, and how many there are. Few distinct keys
    (a column of codes): sorted values, then a binary search of each key among the few;
    many: one argsort."""
    ks = np.sort(key)
    new = np.empty(ks.size, dtype=bool)
    new[0] = True
    np.not_equal(ks[1:], ks[:-1], out=new[1:])
    distinct = ks[new]
    if distinct.size * 16 <= key.size:
        return np.searchsorted(distinct, key), distinct.size
    order = np.argsort(key)
    codes = np.empty(key.size, np.int64)
    codes[order] = np.cumsum(new) - 1
    return codes, distinct.size


def _words(a: np.ndarray) -> np.ndarray | None:
    """Each string's characters one byte each, eight to a 64-bit word (rows x words), or
    None when a character needs more than a byte."""
    n, width = a.size, a.dtype.itemsize // 4
    chars = np.ascontiguousarray(a).view(np.uint32).reshape(n, width)
    if width == 0:
        return np.zeros((n, 1), np.uint64)
    if chars.max() > 255:
        return None
    packed = np.zeros((n, -(-width // 8) * 8), np.uint8)
    packed[:, :width] = chars
    return packed.view(np.uint64)


def _runs(sorted_keys: np.ndarray) -> np.ndarray:
    """Each element's run number in a sorted array (equal neighbours share a run)."""
    new = np.empty(sorted_keys.size, dtype=bool)
    if sorted_keys.size:
        new[0] = True
        np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=new[1:])
    return np.cumsum(new) - 1


class Radix:
    """Integer keys made of several digits, each digit a code with its own base."""

    def __init__(self, bases: dict[str, int]) -> None:
        self.weight: dict[str, int] = {}
        w = 1
        for name in reversed(bases):
            self.weight[name] = w
            w *= max(1, bases[name])
        if w >= 2**KEY_BITS:
            raise OverflowError("identity key does not fit in 64 bits")

    def key(self, digits: dict[str, np.ndarray]) -> np.ndarray:
        out = np.zeros(len(next(iter(digits.values()))), dtype=np.int64)
        for name, d in digits.items():
            out += d.astype(np.int64) * self.weight[name]
        return out


# ---------------------------------------------------------------- the table


class Table:
    """The figure table as codes and numbers, and its identity key sorted once."""

    def __init__(self, cols: Columns) -> None:
        self.cols = cols
        self.n = cols["value"].size
        half = cols["precision"] / 2
        self.low = cols["value"] - half
        self.high = cols["value"] + half
        self.start = cols["period_start"].view(np.int64)
        self.end = cols["period_end"].view(np.int64)
        self.dims = [c for c in cols if c not in STANDARD]
        self.names: dict[str, np.ndarray] = {}
        self.code: dict[str, np.ndarray] = {}
        for c in ("metric", "source_id", *self.dims):
            self.names[c], self.code[c] = factorise(cols[c])
        self.first_day = int(min(self.start.min(), self.end.min())) if self.n else 0
        span = int(max(self.start.max(), self.end.max())) - self.first_day + 1 if self.n else 1
        # Identity: metric, source, period, dimensions; the last dimension last (the sum's
        # `over`, so that its groups are runs of the sorted key). The period is its start
        # and end in days, or, if those make the key too wide, the number of the period.
        period = (self.start - self.first_day) * span + (self.end - self.first_day)
        periods = span * span
        sizes = [self.names[c].size for c in ("metric", "source_id", *self.dims)]
        if periods * math.prod(sizes) >= 2**KEY_BITS:
            period, periods = _numbered(period)
        bases = {
            "metric": self.names["metric"].size,
            "source_id": self.names["source_id"].size,
            "period": periods,
            **{d: self.names[d].size for d in self.dims},
        }
        self.radix = Radix(bases)
        self.identity = self.radix.key(
            {
                "metric": self.code["metric"],
                "source_id": self.code["source_id"],
                "period": period,
                **{d: self.code[d] for d in self.dims},
            }
        )
        self.order = np.argsort(self.identity)
        self.sorted = self.identity[self.order]
        same = self.sorted[1:] == self.sorted[:-1]
        dup_sorted = np.zeros(self.n, dtype=bool)
        dup_sorted[1:] |= same
        dup_sorted[:-1] |= same
        self.duplicate = np.zeros(self.n, dtype=bool)
        self.duplicate[self.order] = dup_sorted

    def value_code(self, column: str, value: str) -> int:
        """The code of ``value`` in a factorised column, -1 if absent."""
        hit = np.flatnonzero(self.names[column] == value)
        return int(hit[0]) if hit.size else -1

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        """The row whose identity is each key, -1 where none."""
        pos = np.searchsorted(self.sorted, keys)
        pos_c = np.minimum(pos, self.n - 1)
        found = (pos < self.n) & (self.sorted[pos_c] == keys)
        return np.where(found, self.order[pos_c], -1)

    def ids(self, rows: np.ndarray) -> list[str]:
        return [str(s) for s in self.cols["figure_id"][rows]]


@dataclass
class Outcome:
    """What the floor flags (finding slug -> keys), skips (rule -> reason -> count) and
    checks (rule -> checked, failed)."""

    flags: dict[str, list[str]] = field(default_factory=dict)
    skips: dict[str, dict[str, int]] = field(default_factory=dict)
    items: dict[str, dict[str, int]] = field(default_factory=dict)


def _gap(a_low: Any, a_high: Any, b_low: Any, b_high: Any) -> Any:
    return np.maximum(0.0, np.maximum(a_low - b_high, b_low - a_high))


def _beyond_noise(gap: Any, low: Any, high: Any) -> Any:
    return gap > NOISE * np.maximum(np.abs(low), np.abs(high))


# ---------------------------------------------------------------- sum


def check_sum(
    t: Table, out: Outcome, over: str = "category", total: str = "ALL", unit: str | None = "persons"
) -> None:
    """Table-form sum over the last dimension: in every group of figures agreeing on all
    else, the ``total`` row equals the sum of the others (all others expected)."""
    assert t.dims[-1] == over, "the sum's `over` must be the identity's last digit"
    scope = ~t.duplicate
    if unit is not None:
        scope &= t.cols["unit"] == unit
    is_total = t.code[over] == t.value_code(over, total)
    part = scope & ~is_total
    expected = int(np.count_nonzero(np.bincount(t.code[over][part])))
    # Groups: runs of the sorted identity without its last digit.
    group = np.empty(t.n, np.int64)
    group[t.order] = _runs(t.sorted // t.names[over].size)
    n_groups = int(group.max()) + 1 if t.n else 0
    g = group[part]
    n_parts = np.bincount(g, minlength=n_groups)
    s_low = np.bincount(g, weights=t.low[part], minlength=n_groups)
    s_high = np.bincount(g, weights=t.high[part], minlength=n_groups)
    totals = np.flatnonzero(scope & is_total)
    tg = group[totals]
    complete = n_parts[tg] >= expected
    gap = _gap(t.low[totals], t.high[totals], s_low[tg], s_high[tg])
    failing = complete & _beyond_noise(gap, s_low[tg], s_high[tg])
    has_total = np.bincount(tg, minlength=n_groups) > 0
    out.flags["sum-mismatch"] = t.ids(totals[failing])
    out.skips["sum"] = {
        "missing-parts": int((~complete).sum()),
        "missing-total": int(((n_parts > 0) & ~has_total).sum()),
    }
    out.items["sum"] = {"checked": int(complete.sum()), "failed": int(failing.sum())}


# ---------------------------------------------------------------- ratio


def check_ratio(
    t: Table, out: Outcome, suffix: str = "_share", whole_category: str = "ALL"
) -> None:
    """ratio over [metric, category]: part {m}/{c}, whole {m}/ALL, share {m}_share/{c}."""
    metrics = t.names["metric"].tolist()
    where = {m: i for i, m in enumerate(metrics)}
    # The share pattern on each distinct metric: "{m}_share" with {m} not empty.
    base = np.array(
        [
            where.get(m[: -len(suffix)], -1) if m.endswith(suffix) and len(m) > len(suffix) else -2
            for m in metrics
        ]
        or [-2],
        dtype=np.int64,
    )
    mc, cc = t.code["metric"], t.code["category"]
    is_share = (base[mc] != -2) & (t.cols["category"] != "")
    shares = np.flatnonzero(is_share)
    dup_share = t.duplicate[shares]
    shares = shares[~dup_share]
    b = base[mc[shares]]
    w_metric, w_cat = t.radix.weight["metric"], t.radix.weight["category"]
    part = np.where(b >= 0, t.lookup(t.identity[shares] + (b - mc[shares]) * w_metric), -1)
    all_code = t.value_code("category", whole_category)
    whole_key = t.identity[shares] + (b - mc[shares]) * w_metric + (all_code - cc[shares]) * w_cat
    whole = np.where((b >= 0) & (all_code >= 0), t.lookup(whole_key), -1)
    has_part, has_whole = part >= 0, whole >= 0
    dup_operand = (has_part & t.duplicate[np.maximum(part, 0)]) | (
        has_whole & t.duplicate[np.maximum(whole, 0)]
    )
    ok = has_part & has_whole & ~dup_operand
    s, p, w = shares[ok], part[ok], whole[ok]
    units, unit_code = factorise(t.cols["unit"][s])
    scale = np.array([SHARE_SCALES[str(u)] for u in units], dtype=float)[unit_code]
    q = [t.low[p] / t.low[w], t.low[p] / t.high[w], t.high[p] / t.low[w], t.high[p] / t.high[w]]
    e_low, e_high = np.minimum.reduce(q) * scale, np.maximum.reduce(q) * scale
    zero = (t.low[w] <= 0) & (t.high[w] >= 0)
    gap = _gap(t.low[s], t.high[s], e_low, e_high)
    failing = ~zero & _beyond_noise(gap, e_low, e_high)
    out.flags["ratio-mismatch"] = t.ids(s[failing])
    out.flags["zero-denominator"] = t.ids(s[zero])
    out.skips["ratio"] = {
        "missing-part": int((~has_part).sum()),
        "missing-whole": int((has_part & ~has_whole).sum()),
        "duplicate": int(dup_share.sum() + (has_part & has_whole & dup_operand).sum()),
    }
    out.items["ratio"] = {"checked": int(ok.sum()), "failed": int((failing | zero).sum())}


# ---------------------------------------------------------------- partition


def check_partition(t: Table, out: Outcome, unit: str | None = "persons") -> None:
    """Every calendar year's quarters (its sub-periods longer than a month and no longer
    than a quarter, in the same group: everything but the period) cover it with no gap or
    overlap, and add up to it."""
    scope = ~t.duplicate
    if unit is not None:
        scope &= t.cols["unit"] == unit
    start_d = t.cols["period_start"]
    year = start_d.astype("datetime64[Y]")
    jan1 = year.astype("datetime64[D]").view(np.int64)
    dec31 = (year + 1).astype("datetime64[D]").view(np.int64) - 1
    length = t.end - t.start + 1
    is_whole = scope & (t.start == jan1) & (t.end == dec31)
    is_part = scope & ~is_whole & (length > MONTH_DAYS) & (length <= QUARTER_DAYS)
    is_part &= t.end <= dec31  # inside the year it starts in
    # Group: identity without the period, plus the year.
    y0 = int(year.view(np.int64).min()) if t.n else 0
    bases = {
        "metric": t.names["metric"].size,
        "source_id": t.names["source_id"].size,
        **{d: t.names[d].size for d in t.dims},
        "year": int(year.view(np.int64).max()) - y0 + 1,
    }
    radix = Radix(bases)
    digits = {
        "metric": t.code["metric"],
        "source_id": t.code["source_id"],
        **{d: t.code[d] for d in t.dims},
        "year": year.view(np.int64) - y0,
    }
    wholes = np.flatnonzero(is_whole)
    parts = np.flatnonzero(is_part)
    wkey = radix.key({k: v[wholes] for k, v in digits.items()})
    worder = np.argsort(wkey)
    pkey = radix.key({k: v[parts] for k, v in digits.items()})
    pos = np.minimum(np.searchsorted(wkey[worder], pkey), max(wholes.size - 1, 0))
    hit = wkey[worder][pos] == pkey if wholes.size else np.zeros(parts.size, dtype=bool)
    parts, wi = parts[hit], worder[pos[hit]] if wholes.size else pos[:0]
    gap_w, overlap_w = _coverage(t, wholes, parts, wi, jan1, dec31)
    n_parts = np.bincount(wi, minlength=wholes.size)
    p_low = np.bincount(wi, weights=t.low[parts], minlength=wholes.size)
    p_high = np.bincount(wi, weights=t.high[parts], minlength=wholes.size)
    has = n_parts > 0
    gap = _gap(t.low[wholes], t.high[wholes], p_low, p_high)
    mismatch = has & _beyond_noise(gap, p_low, p_high)
    out.flags["partition-gap"] = t.ids(wholes[gap_w])
    out.flags["partition-overlap"] = t.ids(wholes[overlap_w])
    out.flags["partition-sum-mismatch"] = t.ids(wholes[mismatch])
    out.skips["partition"] = {"missing-parts": int((~has).sum())}
    failed = has & (gap_w | overlap_w | mismatch)
    out.items["partition"] = {"checked": int(has.sum()), "failed": int(failed.sum())}


def _coverage(
    t: Table, wholes: np.ndarray, parts: np.ndarray, wi: np.ndarray, jan1: Any, dec31: Any
) -> tuple[np.ndarray, np.ndarray]:
    """Wholes whose parts leave a gap, and wholes whose parts overlap: parts sorted by
    (whole, start), each start compared with the latest end before it in its whole."""
    gap = np.zeros(wholes.size, dtype=bool)
    overlap = np.zeros(wholes.size, dtype=bool)
    if parts.size == 0:
        return gap, overlap
    offset = t.start[parts] - jan1[parts]  # 0..365
    order = np.argsort(wi.astype(np.int64) * 512 + offset)
    w, s, e = wi[order], t.start[parts][order], t.end[parts][order] - t.first_day
    # The latest end so far within each whole: a running maximum that each whole starts
    # afresh, as the whole's number is the high digit.
    high = w.astype(np.int64) << 24
    reach = np.maximum.accumulate(high + e) - high + t.first_day
    same = w[1:] == w[:-1]
    step = s[1:] - reach[:-1] - 1  # days between the latest end so far and the next start
    gap[w[1:][same & (step > 0)]] = True
    overlap[w[1:][same & (step < 0)]] = True
    first = np.ones(w.size, dtype=bool)
    first[1:] = ~same
    last = np.ones(w.size, dtype=bool)
    last[:-1] = ~same
    gap[w[first][s[first] > t.start[wholes][w[first]]]] = True
    gap[w[last][reach[last] < t.end[wholes][w[last]]]] = True
    return gap, overlap


# ---------------------------------------------------------------- period


def check_period(t: Table, out: Outcome) -> None:
    reversed_ = t.start > t.end
    published = t.cols["published_at"]
    early = ~np.isnat(published) & (published.view(np.int64) < t.end)
    early &= (t.cols["status"] == "final") | (t.cols["status"] == "")
    out.flags["period-reversed"] = t.ids(np.flatnonzero(reversed_))
    out.flags["published-before-period-end"] = t.ids(np.flatnonzero(early))
    out.items["period"] = {"checked": t.n, "failed": int((reversed_ | early).sum())}


# ---------------------------------------------------------------- attribution


def check_attribution(
    t: Table, out: Outcome, sources: Columns, primary_kinds: tuple[str, ...]
) -> None:
    known = set(sources["source_id"].tolist())
    primary = set(sources["source_id"][np.isin(sources["kind"], primary_kinds)].tolist())
    src_names = t.names["source_id"].tolist()
    src_code = {s: i for i, s in enumerate(src_names)}  # the sources that report figures
    unknown = np.array([s not in known for s in src_names] or [False])
    out.flags["unknown-source"] = t.ids(np.flatnonzero(unknown[t.code["source_id"]]))
    citing = np.flatnonzero(t.cols["cites"] != "")
    texts, tcode = factorise(t.cols["cites"][citing])
    cited = _Cited(texts.tolist(), known, src_code, primary)
    n_unknown = np.bincount(cited.text[~cited.known], minlength=texts.size)
    rows = np.repeat(citing, n_unknown[tcode])
    out.flags["unresolved-citation"] = t.ids(rows)
    out.flags["citation-cycle"] = _figure_cycles(t, citing, tcode, cited)
    out.flags["source-cycle"] = _source_cycles(t, citing, tcode, cited, len(src_names))


@dataclass
class _Cited:
    """Each distinct citation text split: one entry per (text, cited source), with the
    cited source's code among those that report figures (-1: none) and whether it is
    known and primary."""

    text: np.ndarray
    source: np.ndarray
    known: np.ndarray
    primary: np.ndarray

    def __init__(
        self, texts: list[str], known: set[str], code: dict[str, int], primary: set[str]
    ) -> None:
        pairs = [
            (i, c)
            for i, text in enumerate(texts)
            for c in (x.strip() for x in text.split(";"))
            if c
        ]
        self.text = np.array([i for i, _ in pairs], dtype=np.int64)
        self.source = np.array([code.get(c, -1) for _, c in pairs], dtype=np.int64)
        self.known = np.array([c in known for _, c in pairs], dtype=bool)
        self.primary = np.array([c in primary for _, c in pairs], dtype=bool)

    def expand(
        self, rows: np.ndarray, tcode: np.ndarray, wanted: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(row, cited source) for every citation of ``rows`` that ``wanted`` keeps."""
        keep = np.flatnonzero(wanted)
        by_text = keep[np.argsort(self.text[keep], kind="stable")]
        counts = np.bincount(self.text[by_text], minlength=int(tcode.max(initial=-1)) + 1)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        n = counts[tcode] if counts.size else np.zeros(rows.size, np.int64)
        rep = np.repeat(np.arange(rows.size), n)
        within = np.arange(rep.size) - np.repeat(np.cumsum(n) - n, n)
        pair = by_text[starts[tcode[rep]] + within] if rep.size else rep
        return rows[rep], self.source[pair]


def _cycle_keys(n_nodes: int, tail: np.ndarray, head: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Strongly connected components, and which nodes lie on a cycle (a component of more
    than one node, or a node with an edge to itself)."""
    from scipy.sparse import csr_array
    from scipy.sparse.csgraph import connected_components

    graph = csr_array((np.ones(tail.size, np.int8), (tail, head)), shape=(n_nodes, n_nodes))
    _, label = connected_components(graph, directed=True, connection="strong")
    on_cycle = np.bincount(label, minlength=n_nodes)[label] > 1
    on_cycle[tail[tail == head]] = True
    return label, on_cycle


def _first_of_each(keys: np.ndarray) -> np.ndarray:
    """The position of the first element of each distinct key."""
    order = np.argsort(keys, kind="stable")
    ks = keys[order]
    new = np.ones(ks.size, dtype=bool)
    new[1:] = ks[1:] != ks[:-1]
    return order[new]


def _grouped_keys(label: np.ndarray, ids: np.ndarray) -> list[str]:
    """One key per component: its figure ids, sorted, space-separated."""
    order = np.lexsort((ids, label))
    label, ids = label[order], ids[order]
    bounds = np.flatnonzero(np.diff(label)) + 1
    return sorted(" ".join(dict.fromkeys(g.tolist())) for g in np.split(ids, bounds))


def _figure_cycles(t: Table, citing: np.ndarray, tcode: np.ndarray, cited: _Cited) -> list[str]:
    """The figure graph: a citation of a source that reports figures and is not primary
    goes to that source's figure for the same metric, dimensions and period."""
    wanted = (cited.source >= 0) & ~cited.primary
    rows, target_source = cited.expand(citing, tcode, wanted)
    w_source = t.radix.weight["source_id"]
    head = t.lookup(t.identity[rows] + (target_source - t.code["source_id"][rows]) * w_source)
    met = head >= 0
    tail, head = rows[met], head[met]
    if tail.size == 0:
        return []
    nodes, code = np.unique(np.concatenate([tail, head]), return_inverse=True)
    code = code.ravel()
    label, on_cycle = _cycle_keys(nodes.size, code[: tail.size], code[tail.size :])
    members = np.flatnonzero(on_cycle)
    return _grouped_keys(label[members], t.cols["figure_id"][nodes[members]])


def _source_cycles(
    t: Table, citing: np.ndarray, tcode: np.ndarray, cited: _Cited, n_sources: int
) -> list[str]:
    """The source graph: an edge from a figure's source to each source it cites that
    reports figures. A cycle is named by the smallest figure making each of its edges."""
    sc = t.code["source_id"]
    # Distinct (source, citation text) first: many figures share both.
    first = _first_of_each(sc[citing] * max(1, int(tcode.max(initial=0)) + 1) + tcode)
    heads_rows, heads = cited.expand(citing[first], tcode[first], cited.source >= 0)
    tails = sc[heads_rows]
    if tails.size == 0:
        return []
    label, on_cycle = _cycle_keys(n_sources, tails, heads)
    if not on_cycle.any():
        return []
    # The citations on a cycle, with every figure that makes one.
    on = on_cycle[sc[citing]]
    rows, target = cited.expand(citing[on], tcode[on], cited.source >= 0)
    inside = on_cycle[target] & (label[target] == label[sc[rows]])
    rows, target = rows[inside], target[inside]
    edge = sc[rows].astype(np.int64) * n_sources + target
    ids = t.cols["figure_id"][rows]
    order = np.lexsort((ids, edge))
    smallest = np.ones(order.size, dtype=bool)
    smallest[1:] = edge[order][1:] != edge[order][:-1]
    chosen = order[smallest]
    return _grouped_keys(label[sc[rows[chosen]]], ids[chosen])


# ---------------------------------------------------------------- all of it


def run_floor(
    cols: Columns,
    sources: Columns,
    kinds: tuple[str, ...] = KINDS,
    primary_kinds: tuple[str, ...] = ("official",),
) -> Outcome:
    """Every check of the grid suite whose rule kind is in ``kinds``."""
    t = Table(cols)
    out = Outcome()
    if "sum" in kinds:
        check_sum(t, out)
    if "ratio" in kinds:
        check_ratio(t, out)
    if "partition" in kinds:
        check_partition(t, out)
    if "period" in kinds:
        check_period(t, out)
    if "attribution" in kinds:
        check_attribution(t, out, sources, primary_kinds)
    return out


if __name__ == "__main__":  # a quick look: python benchmarks/floor_numpy.py 1e6
    import sys
    import time

    from grid import generate

    g = generate(int(float(sys.argv[1])) if len(sys.argv) > 1 else 100_000)
    cols, srcs = columns_of(g.figures), columns_of(g.sources)
    for _ in range(3):
        t0 = time.perf_counter()
        o = run_floor(cols, srcs)
        print(f"{time.perf_counter() - t0:.3f}s")
    for slug, keys in o.flags.items():
        want = g.expected[slug]
        print(f"{slug}: {len(keys)} flagged, {len(want)} injected, same: {sorted(keys) == want}")
    print("skips", o.skips, "expected", g.skips)
    print("items", o.items, "expected", g.items)
