"""What may come out of statcheck when the input is wrong: the error slugs and exit codes
the README documents. A fuzzed input may give any of these, and nothing else."""

from __future__ import annotations

from statcheck.errors import ExitCode

# The README's "Error slugs" list, exit code 2 unless named below.
CONTRACT_SLUGS = frozenset(
    [
        "invalid-yaml", "unsafe-yaml", "yaml-too-large", "duplicate-key", "unknown-rule-kind",
        "unknown-field", "missing-field", "invalid-rule", "bad-tolerance", "duplicate-rule-id",
        "unknown-figure", "unknown-column", "invalid-table-mapping", "invalid-schema",
        "unknown-share-unit", "bad-scale", "ambiguous-selector", "missing-column",
        "missing-value", "duplicate-figure-id", "invalid-number", "ambiguous-number",
        "not-finite", "unknown-qualifier", "conflicting-qualifier", "bad-precision",
        "unit-mismatch", "invalid-date", "invalid-period", "missing-period", "unknown-status",
        "unknown-source-kind", "invalid-encoding", "unreadable-csv", "bad-header", "empty-file",
        "invalid-manifest", "unsafe-path", "unsupported-format", "unsupported-encoding",
        "unreadable-parquet", "unreadable-json", "unsupported-column-type", "unknown-engine",
        "unsupported-input", "no-suites", "suite-not-found", "drops-folder-missing",
        "duplicate-drop-id", "no-reports", "missing-extra",
        # Found by the fuzzers: raised on purpose, missing from the README's list (to add).
        "period-reversed",  # a period label whose start is after its end ("2024/2023")
        "invalid-suite",  # SuiteError's own slug: a suite or a rule that is not a mapping
        "inexact-number",  # new in the value parser: more digits than a float holds
    ]
)  # fmt: skip
NOT_READY_SLUGS = frozenset(
    ["drop-missing", "manifest-missing", "file-missing", "checksum-missing", "checksum-mismatch"]
)
DOCUMENTED_SLUGS = CONTRACT_SLUGS | NOT_READY_SLUGS
INTERNAL = "internal-error"


def documented_exit_code(slug: str) -> ExitCode:
    return ExitCode.NOT_READY if slug in NOT_READY_SLUGS else ExitCode.CONTRACT
