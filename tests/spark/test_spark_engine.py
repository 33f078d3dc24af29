"""The Spark engine's plumbing: how it is chosen (CLI, API), how its session is set up, that
the rules really run on Spark, and that nothing else ever imports PySpark.

The tests marked ``needs_spark`` start Spark (`nox -s spark`); the others run everywhere.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import statcheck
from statcheck.api import frame_library
from statcheck.checking import validate_drop
from statcheck.cli import _parser, main
from statcheck.contract import load_suite
from statcheck.engine import spark
from statcheck.report import Report
from tests.conftest import SEED_DROP, SEED_SUITE
from tests.spark.conftest import needs_spark


def _comparable(report: Report | dict[str, Any]) -> dict[str, Any]:
    data = report if isinstance(report, dict) else report.to_dict()
    return {k: v for k, v in data.items() if k not in ("generated_at", "cache_key")}


# ---------------------------------------------------------------- everywhere


def test_statcheck_and_the_default_engine_never_import_pyspark() -> None:
    code = (
        "import sys, statcheck, statcheck.cli\n"
        f"r = statcheck.validate({str(SEED_DROP)!r}, {str(SEED_SUITE)!r})\n"
        "assert r.results, r.errors\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('pyspark', 'py4j'))\n"
        "print(loaded)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]"


def test_engine_spark_and_a_master_are_accepted_on_the_command_line() -> None:
    args = _parser().parse_args(
        ["validate", "d", "--suite", "s.yml", "--engine", "spark", "--spark-master", "yarn"]
    )
    assert (args.engine, args.spark_master) == ("spark", "yarn")
    run = _parser().parse_args(["run", "--engine", "spark"])
    assert (run.engine, run.spark_master) == ("spark", None)
    assert _parser().parse_args(["validate", "d", "--suite", "s.yml"]).engine == "polars"


def test_an_unknown_engine_is_refused_naming_spark() -> None:
    with pytest.raises(statcheck.UnsupportedInput) as exc:
        statcheck.validate(SEED_DROP, SEED_SUITE, engine="dask")
    assert exc.value.slug == "unknown-engine"
    assert "spark" in (exc.value.hint or "")


def test_a_local_session_listens_on_loopback_without_ui() -> None:
    conf = spark.settings("local[2]")
    assert conf["spark.driver.host"] == conf["spark.driver.bindAddress"] == "127.0.0.1"
    assert conf["spark.ui.enabled"] == "false"
    assert conf["spark.sql.shuffle.partitions"] == "4"
    assert conf["spark.sql.session.timeZone"] == "UTC"
    assert "log4j2.configurationFile" in conf["spark.driver.extraJavaOptions"]
    assert spark.LOG_CONFIG.is_file()


def test_java_options_from_the_environment_follow_the_log_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(spark.JAVA_OPTIONS_ENV, "-XX:TieredStopAtLevel=1 -Xss4m")
    options = spark.settings("local[2]")["spark.driver.extraJavaOptions"].split(" ")
    assert options[0].startswith("-Dlog4j2.configurationFile=")
    assert options[1:] == ["-XX:TieredStopAtLevel=1", "-Xss4m"]
    monkeypatch.delenv(spark.JAVA_OPTIONS_ENV)
    assert spark.settings("local[2]")["spark.driver.extraJavaOptions"] == options[0]


def test_a_cluster_master_keeps_its_own_addresses_and_partitions() -> None:
    conf = spark.settings("spark://cluster.example:7077")
    assert "spark.driver.host" not in conf
    assert "spark.sql.shuffle.partitions" not in conf
    assert conf["spark.ui.enabled"] == "false"


def test_the_master_is_the_flag_then_the_environment_then_local(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(spark.MASTER_ENV, raising=False)
    monkeypatch.setattr(spark, "_master", None)
    assert spark.master() == "local[*]"
    monkeypatch.setenv(spark.MASTER_ENV, "local[3]")
    assert spark.master() == "local[3]"
    spark.use_master("spark://h:7077")
    assert spark.master() == "spark://h:7077"


def test_without_pyspark_the_report_says_which_extra_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # as if not installed
    monkeypatch.setattr(spark, "_session", None)
    report = validate_drop(SEED_DROP, load_suite(SEED_SUITE), engine="spark")
    [error] = (e.to_dict() for e in report.errors)
    assert error["slug"] == "missing-extra"
    assert "statcheck-contracts[spark]" in error["hint"]
    assert report.exit_code == 2


# ---------------------------------------------------------------- on Spark


@needs_spark
def test_the_rules_run_on_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    from statcheck.engine.rules import IMPLEMENTATIONS

    seen: list[str] = []

    def spy(real: Any) -> Any:
        def run(rule: Any, ctx: Any) -> Any:
            seen.append(str(ctx.figures.frame.implementation))
            return real(rule, ctx)

        return run

    for kind, real in list(IMPLEMENTATIONS.items()):
        monkeypatch.setitem(IMPLEMENTATIONS, kind, spy(real))
    report = validate_drop(SEED_DROP, load_suite(SEED_SUITE), engine="spark")
    assert not report.errors
    assert seen and set(seen) == {"pyspark"}


@needs_spark
def test_validate_with_engine_spark_on_the_command_line(tmp_path: Path) -> None:
    args = ["validate", str(SEED_DROP), "--suite", str(SEED_SUITE), "--json"]
    out_spark, out_polars = tmp_path / "spark.json", tmp_path / "polars.json"
    code = main([*args, "--engine", "spark", "--out", str(out_spark)])
    assert code == main([*args, "--out", str(out_polars)]) == 1  # the seed drop fails rules
    spark_report = json.loads(out_spark.read_text())
    assert _comparable(spark_report) == _comparable(json.loads(out_polars.read_text()))


@needs_spark
def test_a_pyspark_dataframe_is_checked_on_spark_like_a_polars_one() -> None:
    import polars as pl

    text = pl.read_csv(SEED_DROP / "figures.csv", infer_schema=False)
    sources = pl.read_csv(SEED_DROP / "sources.csv", infer_schema=False)
    on_spark = spark.to_spark(text).to_native()
    assert frame_library(on_spark) == "spark"
    from_spark = statcheck.validate(on_spark, SEED_SUITE, sources=sources)
    from_polars = statcheck.validate(text, SEED_SUITE, sources=sources)
    assert not from_spark.errors
    assert _comparable(from_spark) == _comparable(from_polars)
    polars_on_spark = statcheck.validate(text, SEED_SUITE, sources=sources, engine="spark")
    assert _comparable(polars_on_spark) == _comparable(from_polars)
