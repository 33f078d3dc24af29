"""Deferred findings: the sentences of a batch are written once, when first read, and a
deferred finding is in every way the plain finding it stands for."""

from __future__ import annotations

import json
import pickle

from statcheck.engine.deferred import deferred
from statcheck.model.interval import Interval
from statcheck.report import Finding, RuleResult, Status

PLAIN = [
    Finding("sum-mismatch", ("t", "a"), "t should be 5.", Interval(4, 4), Interval(5, 5), 1.0, 0.0),
    Finding("sum-mismatch", ("u", "b"), "u should be 7.", Interval(6, 6), Interval(7, 7), 1.0, 0.0),
]


def test_a_batch_is_written_once_and_only_when_read() -> None:
    builds: list[int] = []

    def build() -> list[Finding]:
        builds.append(1)
        return PLAIN

    found = deferred([(f.slug, f.figures) for f in PLAIN], build)
    assert [f.figures for f in found] == [("t", "a"), ("u", "b")] and builds == []
    assert found[1].gap == 1.0 and found[0].explanation == "t should be 5."
    assert builds == [1]


def test_a_deferred_finding_equals_pickles_and_serialises_as_the_plain_one() -> None:
    found = deferred([(f.slug, f.figures) for f in PLAIN], lambda: PLAIN)
    assert found == PLAIN
    assert all(p == f for p, f in zip(PLAIN, found, strict=True))  # the plain side asked first
    assert pickle.loads(pickle.dumps(found[0])) == PLAIN[0]
    as_json = [
        json.dumps(RuleResult("r", "sum", Status.FAIL, tuple(fs)).to_dict())
        for fs in (found, PLAIN)
    ]
    assert as_json[0] == as_json[1]
