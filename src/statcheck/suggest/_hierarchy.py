"""Sums that chain, written as one ``sum`` with a ``hierarchy``.

The search finds a sum per level (nonfarm = goods + services; goods = mining +
construction + manufacturing; ...). A reviewer reads a nested hierarchy as one thing, and
the suite language states it as one: the proposed sums over one ``over`` column (and one
value column) whose parts are totals of others are grouped into one table-form ``sum``
with ``hierarchy: {parent: [children], ...}``. Validate checks each level in the same pass,
so the one rule checks (and counts) exactly what the rules of its levels did.

Left as their own rules: near-misses and failing candidates (their rows are findings, a
hierarchy rule would hide which level they belong to), and sums that chain with no
other. A mapping has one list of children per parent: a total's second breakdown is its
own rule, or, when it chains with others, in a hierarchy of its own (the world by income
group, and by region).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from statcheck.contract import build
from statcheck.contract.rules.sum import SumRule
from statcheck.suggest._evidence import Support, Verdict
from statcheck.suggest._suite import Relation, _unique


@dataclass(frozen=True)
class Level:
    """One level of a hierarchy rule: the parent, its children, and their own support."""

    total: str
    parts: tuple[str, ...]
    support: Support
    missing: str = "undetermined"  # the level's own rule said `missing: zero`, or not

    def describe(self) -> str:
        return f"{self.total} = {' + '.join(self.parts)}"


def as_hierarchies(found: Sequence[Relation]) -> tuple[Relation, ...]:
    """``found`` with each chain of proposed sums replaced by one hierarchy rule, at the
    place of its root's sum (the other relations keep their order)."""
    chains = [c for group in _groups(found).values() for c in _chains(found, group)]
    if not chains:
        return tuple(found)
    merged = {i for chain in chains for i in chain}
    taken = {r.rule.id for i, r in enumerate(found) if i not in merged}
    at_root = {chain[0]: _hierarchy(found, chain, taken) for chain in chains}
    return tuple(at_root.get(i, r) for i, r in enumerate(found) if i in at_root or i not in merged)


def _level(r: Relation) -> tuple[str, tuple[str, ...]] | None:
    """(total, parts) of a proposed one-level table-form sum over one column, else None."""
    rule = r.rule
    if not isinstance(rule, SumRule) or not isinstance(rule.over, str):
        return None
    if r.candidate or r.support.verdict is not Verdict.PROPOSED or rule.constant is not None:
        return None
    if len(rule.hierarchy) != 1 or not rule.hierarchy[0][0] or not rule.hierarchy[0][1]:
        return None
    return rule.hierarchy[0]


def _groups(found: Sequence[Relation]) -> dict[tuple[Any, ...], list[int]]:
    """The proposed sums that can share a rule: one ``over`` column, one value column (the
    rule's ``figures``), one kind of row (``years``, ``years and sexes``)."""
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i, r in enumerate(found):
        if _level(r) is not None:
            rule = r.rule
            assert isinstance(rule, SumRule)
            figures = None if rule.figures is None else repr(rule.figures.to_yaml())
            groups.setdefault((rule.over, figures, r.rows), []).append(i)
    return groups


def _chains(found: Sequence[Relation], group: list[int]) -> list[list[int]]:
    """The chains among one group's sums, each root first, then its levels top down.

    A parent has one list of children, so the chains are taken in rounds: each round
    takes one breakdown per total among the sums left (the one with the fewest parts,
    then the most parts that are totals: the world as high plus low and middle income
    before its seven regions), and links them; a sum left unlinked is tried again in the
    next round, beside the totals' other breakdowns."""
    levels = {i: _parts_of(found[i]) for i in group}
    pool, out = list(group), list[list[int]]()
    while True:
        chains = [c for c in _linked(pool, levels) if len(c) > 1]
        if not chains:
            return out
        out += chains
        used = {i for chain in chains for i in chain}
        pool = [i for i in pool if i not in used]


def _linked(pool: list[int], levels: dict[int, tuple[str, tuple[str, ...]]]) -> list[list[int]]:
    """One breakdown per total among ``pool``, linked when a part of one is the total of
    another: the chains, each root first."""
    totals = {levels[i][0] for i in pool}
    by_total: dict[str, int] = {}
    for i in sorted(pool, key=lambda i: (len(levels[i][1]), -_chaining(levels[i][1], totals))):
        by_total.setdefault(levels[i][0], i)
    children = {t: levels[i][1] for t, i in by_total.items()}
    below = {p for parts in children.values() for p in parts if p in children}
    # roots in the order found: the search goes smallest total first, so the last is largest
    roots = sorted((t for t in by_total if t not in below), key=lambda t: by_total[t])
    out, seen = [], set[str]()
    for root in reversed(roots):
        chain = [t for t in _top_down(root, children) if t not in seen]
        seen.update(chain)
        out.append(chain)
    return [[by_total[t] for t in chain] for chain in _joined(out, children)]


def _parts_of(r: Relation) -> tuple[str, tuple[str, ...]]:
    level = _level(r)
    assert level is not None  # grouped by _groups: one level each
    return level


def _chaining(parts: tuple[str, ...], totals: set[str]) -> int:
    return sum(p in totals for p in parts)


def _top_down(root: str, children: dict[str, tuple[str, ...]]) -> list[str]:
    """The totals under ``root``, breadth first (each once)."""
    order, i = [root], 0
    while i < len(order):
        order += [p for p in children[order[i]] if p in children and p not in order]
        i += 1
    return order


def _joined(chains: list[list[str]], children: dict[str, tuple[str, ...]]) -> list[list[str]]:
    """Chains that share a total (a part under two roots: private and nonfarm both hold
    goods) made one, the first found (the largest root) first."""

    def reached(chain: list[str]) -> set[str]:
        return {p for t in chain for p in (t, *children[t])}

    out: list[list[str]] = []
    for chain in chains:
        # linked: a part of one is a total of the other
        into = next((o for o in out if set(chain) & reached(o) or set(o) & reached(chain)), None)
        if into is None:
            out.append(list(chain))
        else:
            into += [t for t in chain if t not in into]
    return out


def _hierarchy(found: Sequence[Relation], chain: list[int], taken: set[str]) -> Relation:
    """One ``sum`` rule with every level of ``chain`` (root first), its support the levels'
    summed (validate counts each level's totals), its evidence each level's."""
    first = found[chain[0]].rule
    assert isinstance(first, SumRule) and isinstance(first.over, str)
    levels = tuple(
        Level(*_parts_of(found[i]), found[i].support, found[i].rule.missing)  # type: ignore[attr-defined]
        for i in chain
    )
    options: dict[str, Any] = {}
    if any(level.missing == "zero" for level in levels):
        # A level without it has every part printed wherever its total and a part are
        # (suggest wrote `missing: zero` otherwise), so zero changes nothing there.
        options["missing"] = "zero"
    if first.figures is not None:
        options["figures"] = first.figures.to_yaml()
    rule = build.sum(
        _unique(f"{levels[0].total}-hierarchy", taken),
        over=first.over,
        hierarchy={level.total: list(level.parts) for level in levels},
        **options,
    )
    supports = [level.support for level in levels]
    support = Support(
        rows=sum(s.rows for s in supports),
        holds=sum(s.holds for s in supports),
        failures=(),
        log10_chance=max(s.log10_chance for s in supports),  # the weakest level's
        verdict=Verdict.PROPOSED,
    )
    return Relation(rule, support, found[chain[0]].rows, levels=levels)


def describe(levels: tuple[Level, ...], rows: str) -> str:
    """``holds in 120 of 120 months at every level: nonfarm = goods + services; ...``,
    or each level's support when they differ."""
    counts = {(level.support.holds, level.support.rows) for level in levels}
    chance = max(level.support.log10_chance for level in levels)
    test = f"chance of a coincidence at the weakest level: 1e{math.floor(chance)}"
    if len(counts) == 1:
        ((holds, n),) = counts
        said = "; ".join(level.describe() for level in levels)
        return f"holds in {holds} of {n} {rows} at every level: {said} ({test})"
    said = "; ".join(
        f"{level.describe()} (in {level.support.holds} of {level.support.rows})" for level in levels
    )
    return f"holds at every level, in all of its {rows}: {said} ({test})"
