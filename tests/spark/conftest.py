"""The Spark engine's tests run in their own nox session (`nox -s spark`), which installs
PySpark and sets STATCHECK_TEST_BACKENDS=spark; elsewhere they are skipped, saying why."""

from __future__ import annotations

import pytest

from tests.conftest import BACKENDS

SPARK_ENABLED = "spark" in BACKENDS
SKIP_REASON = (
    "the Spark engine is tested in `nox -s spark` (PySpark and Java; "
    "STATCHECK_TEST_BACKENDS=spark); this run covers " + ", ".join(BACKENDS)
)
needs_spark = pytest.mark.skipif(not SPARK_ENABLED, reason=SKIP_REASON)
