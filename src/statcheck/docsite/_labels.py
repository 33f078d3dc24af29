"""What the site calls each rule kind, the two intervals of its findings (reported,
expected) and what one item of its counts is: read from the rule kinds' declarations."""

from statcheck.contract.rules import RULE_KINDS

KIND_LABEL = {kind: cls.LABEL for kind, cls in RULE_KINDS.items()} | {"schema": "column checks"}
CHART_LABELS = {kind: cls.CHART_LABELS for kind, cls in RULE_KINDS.items() if cls.CHART_LABELS}
KIND_ITEM = {kind: cls.ITEM for kind, cls in RULE_KINDS.items() if cls.ITEM}
KIND_FINDINGS = {kind: dict(cls.FINDINGS) for kind, cls in RULE_KINDS.items()}
