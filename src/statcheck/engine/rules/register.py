"""The engine's implementation of every rule kind, registered by one explicit call.

``register(registry)`` is called once, by :mod:`statcheck.engine.rules`; it fails at once
(not when a suite first uses the kind) if a kind declared in
:mod:`statcheck.contract.rules` has no implementation here, or one is registered for a
kind that is not declared.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import TYPE_CHECKING

from statcheck.contract.rules import RULE_KINDS

if TYPE_CHECKING:
    from statcheck.engine.rules import Implementation


def register(registry: MutableMapping[str, Implementation]) -> None:
    """Put each rule kind's implementation in ``registry``, under the kind's name."""
    from statcheck.engine.rules import (
        agreement,
        attribution,
        compare,
        partition,
        period,
        rate,
        ratio,
        revision,
        series,
        sum,
    )

    implementations: dict[str, Implementation] = {
        "sum": sum.check_sum,
        "compare": compare.check_compare,
        "agreement": agreement.check_agreement,
        "attribution": attribution.check_attribution,
        "period": period.check_period,
        "ratio": ratio.check_ratio,
        "rate": rate.check_rate,
        "series": series.check_series,
        "partition": partition.check_partition,
        "revision": revision.check_revision,
    }
    missing = sorted(set(RULE_KINDS) - set(implementations))
    unknown = sorted(set(implementations) - set(RULE_KINDS))
    if missing or unknown:
        raise AssertionError(
            f"rule kinds without an implementation: {missing}; "
            f"implementations of no declared kind: {unknown}"
        )
    registry.update(implementations)
