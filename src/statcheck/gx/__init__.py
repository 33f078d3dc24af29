"""statcheck suites as Great Expectations suites, validated through GE, with GE's Data Docs.

For teams that already read GE's Data Docs: every rule of a statcheck suite becomes a GE
expectation (the column-level ``schema:`` as GE's built-in expectations, every rule across
figures as a custom expectation whose metric is statcheck's own implementation of the
rule), GE validates the drop's figure table, and GE builds the Data Docs.

Great Expectations is an optional extra (``pip install 'statcheck-contracts[gx]'``) and is
imported only on this path: ``import statcheck.gx`` itself imports nothing heavy.

    from statcheck.gx import build_data_docs
    index = build_data_docs("expectations/kyivpost-desertion.yml",
                            "fixtures/drops/2025-01-06-kyivpost-desertion", "build/gx")

Modules: ``expectations`` (the expectation classes, their metric and Data Docs renderers,
and the translation of a suite), ``build`` (GE project, checkpoint run, Data Docs),
``offline`` (the pages pointed at the web assets statcheck ships in ``vendor/``, so they
work without a network).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from statcheck.gx.build import build_all, build_data_docs

__all__ = ["build_all", "build_data_docs"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from statcheck.gx import build

        return getattr(build, name)
    raise AttributeError(f"module 'statcheck.gx' has no attribute {name!r}")
