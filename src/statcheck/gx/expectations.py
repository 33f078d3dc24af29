"""statcheck's rules as Great Expectations expectations, and a suite as a GE suite.

The route, and why:

* **Rules across figures** (``sum``, ``compare``, ``ratio``, ``rate``, ``series``,
  ``partition``, ``attribution``, ``period``, ``revision``) become custom GE expectations, one class per
  rule kind (:data:`EXPECTATION_CLASSES`), all backed by one GE metric,
  ``statcheck.rule_result``. The metric hands the batch (the canonical figure table, on
  the pandas engine) to statcheck's own implementation of the rule
  (:func:`statcheck.engine.rules.run_rule`), so each rule kind is still implemented once;
  GE decides nothing about figures, it records and renders what the engine found.
  The alternative, SQL-backed ``QueryExpectation``\\ s over an embedded database, would
  have meant writing every rule kind a second time in SQL, intervals and periods included.
* **Column-level rules** (a suite's ``schema:``) become GE's built-in expectations, as
  :func:`statcheck.engine.column_checks.to_pandera` builds pandera checks: allowed values ->
  ``expect_column_values_to_be_in_set``, the value range ->
  ``expect_column_values_to_be_between``, unique keys -> ``expect_compound_columns_to_be_unique``,
  required dimension columns -> ``expect_column_to_exist``.

What a batch cannot carry travels as one expectation parameter, ``statcheck_drop``
(GE's ``$PARAMETER`` mechanism): the drop's id, its dimension columns, its source table
(as records) and the folders of earlier drops (for revision rules). The GE suite itself
stays independent of any drop, as a GE suite should.

Outcomes. GE knows success true or false; statcheck has four outcomes. ``success`` is true
only for ``pass``: an *undetermined* rule (inputs missing) is not a pass (statcheck's
third outcome), and an *error* is not one either. The statcheck outcome word is the
result's ``observed_value`` (and ``result["statcheck"]["status"]``), the Data Docs show it
in the Observed Value column with the finding slugs, and the status icon tells the four
apart (✅ pass, ❌ fail, ❔ undetermined, ❗ error). The failing figure ids are the
result's ``partial_unexpected_list``; the findings (slug, figures, reported, expected, gap,
explanation) are a table under the rule.

Importing this module imports Great Expectations (and registers the classes and the
metric with it); nothing else in statcheck imports it. To re-render stored results with
GE's own tools, import this module first, so GE finds the renderers.
"""

from __future__ import annotations

import os

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")  # before GE is imported: no telemetry

import math
from typing import Any, ClassVar

import great_expectations.expectations as gxe
import narwhals as nw
import pandas as pd
from great_expectations.core.expectation_suite import ExpectationSuite
from great_expectations.core.metric_domain_types import MetricDomainTypes
from great_expectations.execution_engine import PandasExecutionEngine
from great_expectations.expectations.expectation import BatchExpectation, Expectation
from great_expectations.expectations.metrics.metric_provider import metric_value
from great_expectations.expectations.metrics.table_metric_provider import TableMetricProvider
from great_expectations.render import (
    LegacyDiagnosticRendererType,
    LegacyRendererType,
    RenderedStringTemplateContent,
    RenderedTableContent,
)
from great_expectations.render.renderer.renderer import renderer
from great_expectations.render.renderer_configuration import (
    RendererConfiguration,
    RendererValueType,
)

from statcheck.contract.rules import RULE_KINDS, Rule
from statcheck.contract.schema import TableSchema
from statcheck.contract.suite import Suite, suite_from_mapping
from statcheck.engine.column_checks import key_columns

__all__ = [
    "DROP_PARAMETER",
    "EXPECTATION_CLASSES",
    "METRIC",
    "StatcheckRuleExpectation",
    "evaluate_rule",
    "expectation_suite",
    "outcome",
    "rule_outcomes",
]

METRIC = "statcheck.rule_result"
DROP_PARAMETER = "statcheck_drop"
SCHEMA_RULE = "schema"  # the rule id statcheck reports the column-level schema under

# ---------------------------------------------------------------- the metric


def evaluate_rule(
    frame: pd.DataFrame, rule: dict[str, Any], suite: dict[str, Any], drop: dict[str, Any]
) -> dict[str, Any]:
    """One rule on one figure table, by statcheck's engine: the rule result as JSON data.

    ``frame``: the canonical figure table (pandas) the engine built for the drop;
    ``rule``: the rule as written in the suite; ``suite``: the suite's id,
    ``primary_sources`` and ``table`` mapping; ``drop``: what the frame cannot carry (see
    the module docstring)."""
    from statcheck.checking import read_earlier
    from statcheck.engine.context import Context
    from statcheck.engine.rules import run_rule
    from statcheck.prepare import ParsedFigureTable as FigureTable
    from statcheck.prepare import as_text_frame, normalise_sources

    one_rule = suite_from_mapping({**suite, "rules": [rule]}, f"<suite {suite.get('suite')}>")
    the_rule = one_rule.rules[0]
    figures = FigureTable(
        frame=nw.from_native(frame, eager_only=True), dimensions=tuple(drop["dimensions"])
    )
    records = drop.get("sources")
    sources = (
        normalise_sources(as_text_frame(pd.DataFrame.from_records(records)), "sources")
        if records
        else None
    )
    earlier = read_earlier(drop.get("earlier") or (), one_rule, "pandas")
    ctx = Context(
        figures=figures, sources=sources, suite=one_rule, drop_id=drop["id"], earlier=earlier
    )
    ctx.preload(list(the_rule.refs()))
    return run_rule(the_rule, ctx).to_dict()


class StatcheckRuleResult(TableMetricProvider):  # type: ignore[misc]
    """``statcheck.rule_result``: the engine's result for one rule on the batch."""

    metric_name = METRIC
    value_keys = ("rule", "suite", "drop")

    @metric_value(engine=PandasExecutionEngine)  # type: ignore[untyped-decorator]
    def _pandas(
        cls,
        execution_engine: PandasExecutionEngine,
        metric_domain_kwargs: dict[str, Any],
        metric_value_kwargs: dict[str, Any],
        metrics: dict[str, Any],
        runtime_configuration: dict[str, Any],
    ) -> dict[str, Any]:
        frame, _, _ = execution_engine.get_compute_domain(
            metric_domain_kwargs, domain_type=MetricDomainTypes.TABLE
        )
        return evaluate_rule(
            frame,
            metric_value_kwargs["rule"],
            metric_value_kwargs["suite"],
            metric_value_kwargs["drop"],
        )


# ---------------------------------------------------------------- the expectations


def outcome(result: dict[str, Any] | None) -> str:
    """The statcheck outcome word of a GE result dict (``pass``, ``fail``, ...)."""
    statcheck = (result or {}).get("statcheck") or {}
    return str(statcheck.get("status") or (result or {}).get("observed_value") or "--")


def rule_outcomes(validation: dict[str, Any]) -> dict[str, str]:
    """statcheck rule id -> outcome word, from a GE suite validation result (as JSON).

    A rule across figures has its word in its result; the column-level schema, checked by
    several built-in expectations, is ``pass`` when all of them succeed, else ``fail``."""
    out: dict[str, str] = {}
    for r in validation["results"]:
        config = r["expectation_config"]
        tag = (config.get("meta") or {}).get("attributes", {}).get("statcheck", {})
        rule = str(tag.get("rule", config["type"]))
        if tag.get("kind") == SCHEMA_RULE:
            word = "pass" if r["success"] and out.get(rule, "pass") == "pass" else "fail"
        else:
            word = outcome(r.get("result"))
        out[rule] = word
    return out


class StatcheckRuleExpectation(BatchExpectation):  # type: ignore[misc]
    """A statcheck rule across figures, checked by statcheck's engine on the batch.

    ``rule``: the rule as the suite writes it; ``suite``: the suite-wide settings the rule
    needs; ``drop``: ``{"$PARAMETER": "statcheck_drop"}``, filled in at each run.
    Subclasses name the rule kind they stand for (``statcheck_kind``)."""

    statcheck_kind: ClassVar[str] = ""

    rule: dict  # type: ignore[type-arg]
    suite: dict  # type: ignore[type-arg]
    drop: dict  # type: ignore[type-arg]

    metric_dependencies: ClassVar[tuple[str, ...]] = (METRIC,)
    success_keys: ClassVar[tuple[str, ...]] = ("rule", "suite", "drop")

    @classmethod
    def is_abstract(cls) -> bool:
        # Registered with GE (as expect_<kind>...) only for the classes that name a kind.
        return "statcheck_kind" not in cls.__dict__

    def _validate(
        self,
        metrics: dict[str, Any],
        runtime_configuration: dict[str, Any] | None = None,
        execution_engine: Any = None,
    ) -> dict[str, Any]:
        result: dict[str, Any] = metrics[METRIC]
        findings = result.get("findings") or []
        figures = sorted({fig for f in findings for fig in f.get("figures", ())})
        return {
            "success": result["status"] == "pass",
            "result": {
                "observed_value": result["status"],
                "statcheck": result,
                "partial_unexpected_list": figures,
            },
        }

    # ---- Data Docs

    @classmethod
    def _prescriptive_template(
        cls, renderer_configuration: RendererConfiguration
    ) -> RendererConfiguration:
        kwargs = renderer_configuration.kwargs or {}
        rule = kwargs.get("rule") or {}
        renderer_configuration.add_param(
            name="rule_id", param_type=RendererValueType.STRING, value=str(rule.get("id", "?"))
        )
        renderer_configuration.add_param(
            name="kind", param_type=RendererValueType.STRING, value=str(rule.get("kind", "?"))
        )
        renderer_configuration.template_str = "statcheck rule $rule_id ($kind)"
        return renderer_configuration

    @classmethod
    @renderer(renderer_type=LegacyRendererType.PRESCRIPTIVE)  # type: ignore[untyped-decorator]
    def _prescriptive_renderer(
        cls,
        configuration: Any = None,
        result: Any = None,
        runtime_configuration: Any = None,
    ) -> list[RenderedStringTemplateContent]:
        if configuration is None and result is not None:
            configuration = result.expectation_config
        kwargs = configuration.kwargs if configuration is not None else {}
        rule = kwargs.get("rule") or {}
        template = "statcheck rule $rule_id ($kind)"
        params = {"rule_id": str(rule.get("id", "?")), "kind": str(rule.get("kind", "?"))}
        if rule.get("description"):
            template += ": $description"
            params["description"] = " ".join(str(rule["description"]).split())
        return [
            RenderedStringTemplateContent(
                content_block_type="string_template",
                string_template={
                    "template": template,
                    "params": params,
                    "styling": {
                        "params": {
                            "rule_id": {"classes": ["badge", "badge-primary"]},
                            "kind": {"tag": "code"},
                        }
                    },
                },
            )
        ]

    @classmethod
    @renderer(renderer_type=LegacyDiagnosticRendererType.OBSERVED_VALUE)  # type: ignore[untyped-decorator]
    def _diagnostic_observed_value_renderer(
        cls,
        configuration: Any = None,
        result: Any = None,
        runtime_configuration: Any = None,
    ) -> str:
        res = result.result if result is not None else None
        if not res:
            return "--"
        slugs = sorted({f["slug"] for f in (res.get("statcheck") or {}).get("findings", [])})
        word = outcome(res)
        return f"{word}: {', '.join(slugs)}" if slugs else word

    @classmethod
    @renderer(renderer_type=LegacyDiagnosticRendererType.STATUS_ICON)  # type: ignore[untyped-decorator]
    def _diagnostic_status_icon_renderer(
        cls,
        configuration: Any = None,
        result: Any = None,
        runtime_configuration: Any = None,
    ) -> RenderedStringTemplateContent:
        word = outcome(result.result if result is not None else None)
        icon, classes, mark = _ICONS.get(word, _ICONS["error"])
        return RenderedStringTemplateContent(
            content_block_type="string_template",
            string_template={
                "template": "$icon",
                "params": {"icon": "", "markdown_status_icon": mark},
                "styling": {"params": {"icon": {"tag": "i", "classes": ["fas", icon, classes]}}},
            },
            styling={"parent": {"classes": ["hide-succeeded-validation-target-child"]}}
            if word == "pass"
            else None,
        )

    @classmethod
    @renderer(renderer_type=LegacyDiagnosticRendererType.UNEXPECTED_STATEMENT)  # type: ignore[untyped-decorator]
    def _diagnostic_unexpected_statement_renderer(
        cls,
        configuration: Any = None,
        result: Any = None,
        runtime_configuration: Any = None,
    ) -> list[RenderedStringTemplateContent]:
        statcheck = ((result.result if result is not None else None) or {}).get("statcheck") or {}
        error = statcheck.get("error")
        if not error:
            return []
        return [
            RenderedStringTemplateContent(
                content_block_type="string_template",
                string_template={
                    "template": "\n\nerror ($slug): $message",
                    "params": {
                        "slug": str(error.get("slug")),
                        "message": str(error.get("message")),
                    },
                    "tag": "strong",
                    "styling": {"classes": ["text-danger"]},
                },
            )
        ]

    @classmethod
    @renderer(renderer_type=LegacyDiagnosticRendererType.UNEXPECTED_TABLE)  # type: ignore[untyped-decorator]
    def _diagnostic_unexpected_table_renderer(
        cls,
        configuration: Any = None,
        result: Any = None,
        runtime_configuration: Any = None,
    ) -> list[RenderedTableContent] | None:
        statcheck = ((result.result if result is not None else None) or {}).get("statcheck") or {}
        findings = statcheck.get("findings") or []
        if not findings:
            return None
        rows = [
            [
                f["slug"],
                ", ".join(f.get("figures", ())),
                _range(f.get("reported")),
                _range(f.get("expected")),
                _number(f.get("gap")),
                f.get("explanation", ""),
            ]
            for f in findings
        ]
        return [
            RenderedTableContent(
                content_block_type="table",
                header_row=["finding", "figures", "reported", "expected", "gap", "explanation"],
                table=rows,
                styling={"body": {"classes": ["table-bordered", "table-sm", "mt-3"]}},
            )
        ]


_ICONS = {  # statcheck outcome -> Font Awesome icon, colour, markdown mark
    "pass": ("fa-check-circle", "text-success", "✅"),
    "fail": ("fa-times", "text-danger", "❌"),
    "undetermined": ("fa-question-circle", "text-warning", "❔"),
    "error": ("fa-exclamation-triangle", "text-danger", "❗"),
}


def _number(x: Any) -> str:
    if x is None:
        return ""
    from statcheck.model.interval import format_number

    return format_number(float(x))


def _range(bounds: Any) -> str:
    """``[low, high]`` from a finding, as statcheck prints it (null is an open end)."""
    if not bounds:
        return ""
    low = -math.inf if bounds[0] is None else bounds[0]
    high = math.inf if bounds[1] is None else bounds[1]
    if low == high:
        return _number(low)
    return f"{_number(low)} to {_number(high)}"


# One class per rule kind, made from its declaration: the name (the kind's ``EXPECTATION``)
# says what GE checks; the kind says which statcheck implementation does it.


def _expectation_class(rule_class: type[Rule]) -> type[StatcheckRuleExpectation]:
    kind = rule_class.KIND
    namespace = {
        "__module__": __name__,
        "__qualname__": rule_class.EXPECTATION,
        "__doc__": f"statcheck ``{kind}``: {rule_class.SUMMARY}.",
        "__annotations__": {"statcheck_kind": "ClassVar[str]"},
        "statcheck_kind": kind,
    }
    return type(rule_class.EXPECTATION, (StatcheckRuleExpectation,), namespace)


EXPECTATION_CLASSES: dict[str, type[StatcheckRuleExpectation]] = {
    kind: _expectation_class(rule_class) for kind, rule_class in RULE_KINDS.items()
}
globals().update({cls.__name__: cls for cls in EXPECTATION_CLASSES.values()})


# ---------------------------------------------------------------- a suite as a GE suite


def _suite_settings(suite: Suite) -> dict[str, Any]:
    """What every rule of the suite needs besides itself: id, primary sources, mapping."""
    mapping = suite.to_mapping()
    out: dict[str, Any] = {
        k: mapping[k] for k in ("suite", "primary_sources", "table") if k in mapping
    }
    return out


def _rule_expectation(rule: Rule, settings: dict[str, Any]) -> Expectation:
    cls = EXPECTATION_CLASSES.get(rule.KIND)
    if cls is None:  # a kind declared in statcheck with no GE class: a statcheck bug
        raise LookupError(
            f"rule kind {rule.KIND!r} has no Great Expectations class in statcheck.gx"
        )
    return cls(
        rule=rule.to_mapping(),
        suite=settings,
        drop={"$PARAMETER": DROP_PARAMETER},
        meta={"attributes": {"statcheck": {"rule": rule.id, "kind": rule.KIND}}},
    )


def _schema_expectations(suite: Suite) -> list[Expectation]:
    """The suite's column-level schema as GE built-ins, check for check as
    :func:`statcheck.engine.column_checks.to_pandera` builds them for pandera. Each carries a
    ``description`` (which GE's Data Docs show in place of their own sentence) naming the
    statcheck rule it belongs to, ``schema``."""
    schema = suite.schema
    if schema is None:
        return []
    return [
        gxe.ExpectColumnValuesToNotBeNull(column="figure_id", **_says("every figure has an id")),
        gxe.ExpectColumnValuesToBeUnique(column="figure_id", **_says("figure ids are unique")),
        *_value_expectations(schema),
        *_dimension_expectations(schema),
        *_key_expectations(schema),
    ]


def _says(what: str) -> dict[str, Any]:
    """The meta and description of a schema expectation: statcheck rule ``schema``, ``what``."""
    meta = {"attributes": {"statcheck": {"rule": SCHEMA_RULE, "kind": SCHEMA_RULE}}}
    return {"meta": meta, "description": f"statcheck rule {SCHEMA_RULE}: {what}"}


def _value_expectations(schema: TableSchema) -> list[Expectation]:
    """The allowed metrics and units, and the range of every value."""
    out: list[Expectation] = []
    if schema.metrics is not None:
        out.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="metric",
                value_set=list(schema.metrics),
                **_says(f"metric is one of {', '.join(schema.metrics)}"),
            )
        )
    if schema.units is not None:
        out.append(
            gxe.ExpectColumnValuesToBeInSet(
                column="unit",
                value_set=list(schema.units),
                **_says(f"unit is one of {', '.join(schema.units)}"),
            )
        )
    if schema.value_min is not None or schema.value_max is not None:
        low = "−∞" if schema.value_min is None else _number(schema.value_min)
        high = "∞" if schema.value_max is None else _number(schema.value_max)
        out.append(
            gxe.ExpectColumnValuesToBeBetween(
                column="value",
                min_value=schema.value_min,
                max_value=schema.value_max,
                **_says(f"every value lies in {low} to {high}"),
            )
        )
    return out


def _dimension_expectations(schema: TableSchema) -> list[Expectation]:
    """Each required dimension column exists; one with a closed list of values has no
    empty cells and only those values."""
    out: list[Expectation] = []
    for name, allowed in schema.dimensions:
        out.append(gxe.ExpectColumnToExist(column=name, **_says(f"the table has a {name} column")))
        if allowed is not None:
            out.append(
                gxe.ExpectColumnValuesToNotBeNull(
                    column=name, **_says(f"every figure has a {name}")
                )
            )
            out.append(
                gxe.ExpectColumnValuesToBeInSet(
                    column=name,
                    value_set=list(allowed),
                    **_says(f"{name} is one of {', '.join(allowed)}"),
                )
            )
    return out


def _key_expectations(schema: TableSchema) -> list[Expectation]:
    """No two figures share the schema's ``unique`` columns (GE has a compound form for
    several columns, and the plain one for one)."""
    keys = key_columns(schema)
    unique = _says(f"no two figures share {' + '.join(schema.unique)}")
    if len(keys) > 1:
        return [gxe.ExpectCompoundColumnsToBeUnique(column_list=keys, **unique)]
    if keys:
        return [gxe.ExpectColumnValuesToBeUnique(column=keys[0], **unique)]
    return []


def expectation_suite(suite: Suite) -> ExpectationSuite:
    """The GE expectation suite for a statcheck suite: the schema's checks, then one
    expectation per rule, in the suite's order."""
    settings = _suite_settings(suite)
    expectations = [
        *_schema_expectations(suite),
        *(_rule_expectation(rule, settings) for rule in suite.rules),
    ]
    return ExpectationSuite(
        name=suite.id,
        expectations=expectations,
        meta={"statcheck": {"suite": suite.id}},
    )
