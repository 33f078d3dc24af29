"""The Spark engine: the same rule implementations, run on Apache Spark through PySpark.

Why this route. Every rule kind is written once against narwhals, and narwhals has a
PySpark backend: ``nw.from_native(spark_dataframe)`` is a narwhals ``LazyFrame`` whose
expressions become Spark Column expressions, so the plans the rules build (filters,
joins, group-bys, window shifts) run on Spark unchanged. The two other routes would each
mean a second implementation of every rule kind: pandera's PySpark support covers
column-level checks only (no joins between figures, no group sums, no predecessors), so
sums, ratios, series and attribution would have to be written again beside it; and Spark
SQL generated from the rule definitions is a second compiler of the same semantics to
keep in step with the narwhals one. The few operations narwhals lacks on Spark, or does
slowly there, are in :mod:`statcheck.engine.spark_native`, called from
:mod:`statcheck.engine.native` as the polars and pandas ones are.

What runs where:

- **On the driver**: reading the drop's files and building the canonical figure table
  (:func:`statcheck.prepare.normalise_figures`, eager, with polars), the source
  table (small; rules read it as a lookup), the suite's column schema (pandera, on the
  driver's copy), and the explanations of the failing rows that come back. The figure
  table must therefore fit in the driver's memory: a known limit of this engine (the
  benchmark measures the time it takes).
- **On Spark**: the figure table, handed over once as Arrow record batches
  (``createDataFrame`` of a ``pyarrow.Table``), and every rule's plan on it; only counts
  and the flagged rows are collected.

The session: one per process, reused by every check. A session the process already has
(a pipeline's own, ``SparkSession.getActiveSession()``) is used as it is, with its
master and configuration. Otherwise one is built: the master is ``--spark-master`` /
:func:`use_master`, else ``$STATCHECK_SPARK_MASTER``, else ``local[*]`` (every core of
this machine; the tests use ``local[2]``); ``$STATCHECK_SPARK_JAVA_OPTIONS`` adds
options to the driver's JVM. A local session listens on the loopback
address only, has no web UI and logs errors only; a cluster URL (``spark://host:7077``,
``yarn``, ``k8s://...``) gets the same settings except the addresses.

PySpark is an optional extra (``pip install 'statcheck-contracts[spark]'``) and needs a
Java runtime (17 or later); nothing here is imported by ``import statcheck`` or by the
polars and pandas engines.
"""

from __future__ import annotations

import dataclasses
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import narwhals as nw

from statcheck.errors import MISSING_EXTRA, SPARK_UNAVAILABLE

if TYPE_CHECKING:
    from statcheck.prepare import ParsedFigureTable as FigureTable

__all__ = [
    "ENGINE",
    "LOCAL_MASTER",
    "MASTER_ENV",
    "READS_WITH",
    "distribute",
    "session",
    "to_driver",
    "to_spark",
    "use_master",
]

ENGINE = "spark"
# The library a drop's files are read and normalised with, on the driver, before the
# figure table goes to Spark.
READS_WITH = "polars"
MASTER_ENV = "STATCHECK_SPARK_MASTER"
DRIVER_MEMORY_ENV = "STATCHECK_SPARK_DRIVER_MEMORY"
JAVA_OPTIONS_ENV = "STATCHECK_SPARK_JAVA_OPTIONS"
LOCAL_MASTER = "local[*]"
LOG_CONFIG = Path(__file__).with_name("spark-log4j2.properties")
EXTRA_HINT = "pip install 'statcheck-contracts[spark]' (PySpark; it needs Java 17 or later)"

_lock = threading.Lock()
_master: str | None = None
_session: Any = None


def use_master(url: str | None) -> None:
    """The master URL the process's session is built with (the CLI's ``--spark-master``);
    ``None`` goes back to ``$STATCHECK_SPARK_MASTER`` or ``local[*]``. Takes effect when the
    session is next built: a session already running keeps its master."""
    global _master
    _master = url or None


def master() -> str:
    """The master URL a new session would be built with."""
    return _master or os.environ.get(MASTER_ENV) or LOCAL_MASTER


def session() -> Any:
    """The process's SparkSession: the one already running, or a new one (see the module's
    docstring). Raises ``StatcheckError`` (``missing-extra``) when PySpark is not installed
    and (``spark-unavailable``) when Spark cannot be started, e.g. without Java."""
    global _session
    with _lock:
        if _session is not None and _alive(_session):
            return _session
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise MISSING_EXTRA(
                f"the Spark engine needs PySpark, which is not installed ({exc})",
                hint=EXTRA_HINT,
            ) from None
        active = SparkSession.getActiveSession()
        if active is not None and _master is None and MASTER_ENV not in os.environ:
            _session = active  # a pipeline's own session: its master and settings
            return _session
        url = master()
        builder = SparkSession.builder.appName("statcheck").master(url)
        for key, value in settings(url).items():
            builder = builder.config(key, value)
        try:
            _session = builder.getOrCreate()
        except Exception as exc:
            raise SPARK_UNAVAILABLE(
                f"Spark could not be started with master {url!r}: {type(exc).__name__}: "
                f"{_first_line(exc)}",
                hint="PySpark needs a Java runtime, 17 or later (Debian: default-jre-headless; "
                "or set JAVA_HOME); for a cluster, check the master URL",
            ) from None
        _session.sparkContext.setLogLevel("ERROR")
        return _session


def settings(url: str) -> dict[str, str]:
    """The configuration of a session statcheck builds for master ``url``."""
    conf = {
        # No web UI: nothing to look at in a batch check, and no port to open.
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        # Dates are dates: no time zone of the machine may shift a period's bounds.
        "spark.sql.session.timeZone": "UTC",
        # The figure table arrives and results leave as Arrow record batches.
        "spark.sql.execution.arrow.pyspark.enabled": "true",
        "spark.sql.execution.arrow.pyspark.fallback.enabled": "false",
        # statcheck's log settings, then any JVM options of the caller's (the tests use
        # -XX:TieredStopAtLevel=1: many tiny queries gain more from a quick start than
        # from the optimising compiler).
        "spark.driver.extraJavaOptions": " ".join(
            [
                f"-Dlog4j2.configurationFile={LOG_CONFIG.as_uri()}",
                os.environ.get(JAVA_OPTIONS_ENV, ""),
            ]
        ).strip(),
    }
    cores = _local_cores(url)
    if cores is not None:
        conf |= {
            # This machine only: listen on the loopback address, never on a network.
            "spark.driver.host": "127.0.0.1",
            "spark.driver.bindAddress": "127.0.0.1",
            # Spark's default of 200 shuffle partitions is meant for clusters; a figure
            # table on one machine is split in a few per core (adaptive execution merges
            # small ones further).
            "spark.sql.shuffle.partitions": str(max(2, 2 * cores)),
            # Locally the driver's JVM does all the work: its heap, unless set, is a
            # quarter of this machine's memory (Spark's own default is 1 GB).
            "spark.driver.memory": os.environ.get(DRIVER_MEMORY_ENV) or _quarter_of_memory(),
        }
    elif os.environ.get(DRIVER_MEMORY_ENV):
        conf["spark.driver.memory"] = os.environ[DRIVER_MEMORY_ENV]
    return conf


def _quarter_of_memory() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "1g"
    return f"{max(1024, total // 4 // 2**20)}m"


def _local_cores(url: str) -> int | None:
    """The number of cores of a ``local`` master, None for a cluster."""
    m = re.fullmatch(r"local(?:\[(\*|\d+)(?:,\s*\d+)?\])?", url.strip())
    if m is None:
        return None
    n = m.group(1)
    return (os.cpu_count() or 1) if n in (None, "*") else max(1, int(n))


def _alive(spark: Any) -> bool:
    try:
        return spark.sparkContext._jsc is not None
    except Exception:
        return False


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else ""


# ---------------------------------------------------------------- frames


def to_spark(frame: Any) -> nw.LazyFrame[Any]:
    """An eager frame (polars, pandas, narwhals) on Spark, as a narwhals LazyFrame: sent
    once as Arrow. Types Spark has no Arrow reader for are widened first: unsigned and
    small integers to 64-bit, categoricals to text, all-null columns to text."""
    import polars as pl

    native = nw.from_native(frame, eager_only=True).to_polars()
    casts = []
    for name, dtype in native.schema.items():
        if dtype.is_integer() and dtype != pl.Int64:
            casts.append(pl.col(name).cast(pl.Int64))
        elif dtype == pl.Float32:
            casts.append(pl.col(name).cast(pl.Float64))
        elif dtype in (pl.Null, pl.Categorical) or isinstance(dtype, pl.Enum):
            casts.append(pl.col(name).cast(pl.String))
    if casts:
        native = native.with_columns(casts)
    table = native.to_arrow(compat_level=pl.CompatLevel.oldest())
    spark = session()
    if table.num_rows == 0:  # no batches to infer from: give Spark the schema
        from pyspark.sql.pandas.types import from_arrow_schema

        native_frame = spark.createDataFrame([], schema=from_arrow_schema(table.schema))
    else:
        native_frame = spark.createDataFrame(table)
    out: nw.LazyFrame[Any] = nw.from_native(native_frame)
    return out


def to_driver(frame: Any) -> Any:
    """A Spark DataFrame (or a narwhals frame over one) collected to a polars DataFrame on
    the driver, through Arrow. Other frames are returned as they are."""
    import narwhals.dependencies as nwd

    wrapped = nwd.is_narwhals_lazyframe(frame) or nwd.is_narwhals_dataframe(frame)
    native = frame.to_native() if wrapped else frame
    if not nwd.is_pyspark_dataframe(native):
        return frame
    return nw.from_native(native).collect(backend="polars").to_native()


def distribute(table: FigureTable) -> FigureTable:
    """The canonical figure table, built on the driver, with its frame on Spark."""
    if not isinstance(table.frame, nw.DataFrame):  # already lazy (on Spark)
        return table
    spark_frame: Any = to_spark(table.frame)
    marked: Any = None if table.not_figures is None else to_spark(table.not_figures)
    return dataclasses.replace(table, frame=spark_frame, not_figures=marked)
