"""One implementation per rule kind, registered under the kind's name.

Each implementation takes the declared rule and a Context and returns a RuleResult.
They are written against narwhals, so the same code runs on every dataframe backend.
:func:`statcheck.engine.rules.register.register` names every implementation; it is
called once, below, and fails at once if a declared kind has none.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from statcheck.contract.rules import FigureRef, Rule
from statcheck.contract.rules.base import SKIP_REASONS, Selector
from statcheck.engine.context import Context, NotFigure
from statcheck.engine.groups import failed
from statcheck.errors import INTERNAL_ERROR, UNKNOWN_FIGURE, StatcheckError
from statcheck.report import Counts, Finding, RuleResult, Status

Implementation = Callable[[Rule, Context], RuleResult]
NOT_A_FIGURE = "not-a-figure"  # the skip reason (SKIP_REASONS) of a cell marked as no figure
IMPLEMENTATIONS: dict[str, Implementation] = {}


def undetermined(
    rule: Rule,
    present: tuple[str, ...],
    missing: list[str],
    what: str,
    counts: Counts | None = None,
) -> RuleResult:
    """The result of a rule whose inputs are not all in the drop: never a pass. Its
    ``counts`` are by default those of a rule of one item, skipped for ``missing-input``."""
    matches = " and ".join(repr(m) for m in missing)
    finding = Finding(
        "missing-figure", present, f"{what} cannot be checked: no figure matches {matches}."
    )
    if counts is None:
        counts = Counts.of(0, 0, {"missing-input": 1})
    return RuleResult(
        rule.id,
        rule.KIND,
        Status.UNDETERMINED,
        (finding,),
        description=rule.description,
        counts=counts,
    )


def not_printed(rule: Rule, ctx: Context, cells: list[NotFigure]) -> RuleResult:
    """The result of a rule that names a figure the publisher did not give (a cell it
    marked ``NA``, ``(D)``): undetermined, naming the cells and why."""
    present = tuple(
        r.figure_id for r in rule.refs() if isinstance(r, FigureRef) and ctx.resolve(r) is not None
    )
    said = "; ".join(c.describe() for c in cells)
    finding = Finding("missing-figure", present, f"The {rule.KIND} cannot be checked: {said}.")
    return RuleResult(
        rule.id,
        rule.KIND,
        Status.UNDETERMINED,
        (finding, *skipped_findings(rule, {NOT_A_FIGURE: [c.figure_id for c in cells]})),
        description=rule.description,
        counts=Counts.of(0, 0, {NOT_A_FIGURE: 1}),
    )


def concluded(rule: Rule, findings: list[Finding], counts: Counts) -> RuleResult:
    """The result of a rule that ran: fail on any failing finding, undetermined on
    findings that only report figures left out, else pass. A rule that checked nothing
    is never a pass: it is undetermined, with a ``nothing-checked`` finding saying why
    (unless a ``missing-figure`` finding about the whole rule already does)."""
    # A kind may say in its own words why nothing could be checked (a finding about the
    # whole rule, naming no figure); otherwise the counts say it.
    explained = any(f.slug == "missing-figure" and not f.figures for f in findings)
    if counts.checked == 0 and not explained and not failed(findings):
        findings = [*findings, nothing_checked(rule, counts)]
    status = Status.FAIL if failed(findings) else Status.UNDETERMINED if findings else Status.PASS
    return RuleResult(
        rule.id, rule.KIND, status, tuple(findings), description=rule.description, counts=counts
    )


def nothing_checked(rule: Rule, counts: Counts) -> Finding:
    """Why a rule checked no item: none was in scope (no figure matched its selector), or
    every one was skipped (how many for each reason, in the words of ``SKIP_REASONS``)."""
    selector = getattr(rule, "figures", None)
    if not counts.items:
        why = (
            f"No figure matches its selector ({selector})"
            if isinstance(selector, Selector)
            else "No item it checks is in the table"
        )
    else:
        reasons = "; ".join(
            f"{n:,} for `{reason}`, {SKIP_REASONS.get(reason, reason)}"
            for reason, n in counts.skipped
        )
        every = "Its only item was" if counts.items == 1 else f"All {counts.items:,} items were"
        why = f"{every} skipped: {reasons}"
    return Finding(
        "nothing-checked",
        (),
        f"Nothing was checked, so the rule is undetermined, not passed. {why}.",
    )


def skipped_findings(
    rule: Rule, skipped: Mapping[str, Sequence[str]], shown: int = 6
) -> list[Finding]:
    """With ``skipped: report``, one ``skipped-items`` finding per skip reason, naming the
    figures of the items skipped (``skipped``: reason -> figure ids); none otherwise."""
    if rule.skipped != "report":
        return []
    out = []
    for reason, ids in sorted(skipped.items()):
        if not ids:
            continue
        listed = ", ".join(ids[:shown]) + (
            f" and {len(ids) - shown} more" if len(ids) > shown else ""
        )
        out.append(
            Finding(
                "skipped-items",
                tuple(ids),
                # ITEM reads as a phrase ("a figure in scope"), not a plural noun.
                f"{len(ids)} item{'' if len(ids) == 1 else 's'} not checked "
                f"({SKIP_REASONS[reason]}): {listed}.",
                details=(("reason", reason),),
            )
        )
    return out


def run_rule(rule: Rule, ctx: Context) -> RuleResult:
    """Evaluate one rule; a rule that cannot be evaluated is an error result, never a crash."""
    try:
        missing = ctx.missing_ids(rule.refs())
        if missing:
            raise UNKNOWN_FIGURE(
                f"figure id(s) {', '.join(map(repr, missing))} are not in {ctx.holder}",
                hint="check the id against the figure table's figure_id column, or use a selector",
            )
        # Before the rule's own reading of a missing figure (`missing: zero` would count
        # it as 0): a cell the publisher marked as no figure is not known to be zero.
        cells = ctx.not_figures(rule.refs())
        if cells:
            return not_printed(rule, ctx, cells)
        return IMPLEMENTATIONS[rule.KIND](rule, ctx)
    except StatcheckError as exc:
        # The rule's own line: in the suite file, or in the Python code that built it.
        where = f" ({ctx.suite.origin}:{rule.line})" if rule.line else ""
        return RuleResult(
            rule.id,
            rule.KIND,
            Status.ERROR,
            description=rule.description,
            error=f"{exc.message}{where}" + (f"; {exc.hint}" if exc.hint else ""),
            error_slug=exc.slug,
        )
    except Exception as exc:  # a bug in statcheck: record it, keep checking the other rules
        return RuleResult(
            rule.id,
            rule.KIND,
            Status.ERROR,
            description=rule.description,
            error=f"internal error: {type(exc).__name__}: {exc}",
            error_slug=INTERNAL_ERROR.slug,
            internal=True,
        )


from statcheck.engine.rules.register import register  # noqa: E402 (after what it imports)

register(IMPLEMENTATIONS)
