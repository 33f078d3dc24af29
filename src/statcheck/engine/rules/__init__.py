"""One implementation per rule kind, registered under the kind's name.

Each implementation takes the declared rule and a Context and returns a RuleResult.
They are written against narwhals, so the same code runs on every dataframe backend.
:func:`statcheck.engine.rules.register.register` names every implementation; it is
called once, below, and fails at once if a declared kind has none.
"""

from __future__ import annotations

from collections.abc import Callable

from statcheck.contract.rules import Rule
from statcheck.engine.context import Context
from statcheck.errors import INTERNAL_ERROR, UNKNOWN_FIGURE, StatcheckError
from statcheck.report import Finding, RuleResult, Status

Implementation = Callable[[Rule, Context], RuleResult]
IMPLEMENTATIONS: dict[str, Implementation] = {}


def undetermined(rule: Rule, present: tuple[str, ...], missing: list[str], what: str) -> RuleResult:
    """The result of a rule whose inputs are not all in the drop: never a pass."""
    matches = " and ".join(repr(m) for m in missing)
    finding = Finding(
        "missing-figure", present, f"{what} cannot be checked: no figure matches {matches}."
    )
    return RuleResult(
        rule.id, rule.KIND, Status.UNDETERMINED, (finding,), description=rule.description
    )


def run_rule(rule: Rule, ctx: Context) -> RuleResult:
    """Evaluate one rule; a rule that cannot be evaluated is an error result, never a crash."""
    try:
        missing = ctx.missing_ids(rule.refs())
        if missing:
            raise UNKNOWN_FIGURE(
                f"figure id(s) {', '.join(map(repr, missing))} are not in the drop",
                hint="check the id against the figure table's figure_id column, or use a selector",
            )
        return IMPLEMENTATIONS[rule.KIND](rule, ctx)
    except StatcheckError as exc:
        where = f" (suite line {rule.line})" if rule.line else ""
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
