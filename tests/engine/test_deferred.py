"""Deferred findings: the sentences of a batch are written once, when first read, and a
deferred finding is in every way the plain finding it stands for."""

from __future__ import annotations

import json
import math
import pickle

from hypothesis import given, settings
from hypothesis import strategies as st

from statcheck.engine.deferred import deferred, deferred_sentences
from statcheck.model.interval import Interval
from statcheck.report import (
    Finding,
    Report,
    RuleResult,
    Status,
    _json_numbers,
    finding_lines,
    sentence_lines,
)

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


# Texts a sentence may carry from a table: quotes, backslashes, text beyond ASCII (the
# report writes it as it is), a line separator JSON leaves alone, and nothing at all.
ODD = ['a "quoted" id', "C:\\path\\", "Київ → 1,005", "emoji 🧮 and \u2028", "", '\\"']


def _report(findings: list[Finding]) -> Report:
    result = RuleResult("r", "attribution", Status.FAIL, tuple(findings))
    return Report(suite={"id": "s"}, drop={"id": "d"}, results=(result,))


def _lines(report: Report) -> list[str]:
    text = report.to_json()  # (not splitlines: a line separator in a text is no line break)
    return [line.strip().rstrip(",") for line in text.split("\n") if '"slug"' in line]


def test_sentence_findings_write_the_json_each_finding_would_write_alone() -> None:
    """Findings that are a sentence and nothing more are written column by column: each
    line is the one the finding writes by itself, for odd texts, several figures or none."""
    rows = [
        ("unresolved-citation", (ODD[0],)),
        ("source-cycle", (ODD[1], ODD[2], ODD[3])),
        ("citation-cycle", ()),
        ("no-primary-source", (ODD[4],)),
        ("no-primary-source", (ODD[5],)),
    ]
    sentences = [f"{ODD[k]} cites {ODD[-k]!r}." for k in range(len(rows))]
    found = deferred_sentences(rows, lambda: sentences)
    plain = [Finding(slug, ids, said) for (slug, ids), said in zip(rows, sentences, strict=True)]
    written = sentence_lines(rows, sentences)
    assert written == [f.json_line() for f in plain]
    assert _lines(_report(found)) == _lines(_report(plain)) == written
    assert json.loads(_report(found).to_json()) == _report(plain).to_dict()
    assert _report(found).to_dict() == _report(plain).to_dict()
    assert [f.explanation for f in found] == sentences and found == plain


def test_a_sentence_with_a_control_character_is_written_by_the_json_encoder() -> None:
    """A tab or a line break in a sentence (from a figure id, a source's name): the batch
    leaves its lines to Python's encoder, which escapes them as JSON says."""
    rows = [("unresolved-citation", ("a",)), ("unresolved-citation", ("b\tc",))]
    sentences = ["a cites 'x\ny'.", "b\tc cites 'z'."]
    assert sentence_lines(rows, sentences) is None
    assert sentence_lines(rows[:1], sentences[1:]) is None
    found = deferred_sentences(rows, lambda: sentences)
    assert _lines(_report(found)) == [
        '{"slug": "unresolved-citation", "figures": ["a"], "explanation": "a cites \'x\\ny\'."}',
        '{"slug": "unresolved-citation", "figures": ["b\\tc"], "explanation": "b\\tc cites \'z\'."}',
    ]


# Numbers where Python and polars lay digits out differently, and those JSON writes as null.
EDGE_NUMBERS = [
    0.0, -0.0, 1e16, 9999999999999998.0, 1e15, 0.0001, 0.00001, 9.999e-5, 1.5e-7, 5e-324,
    1.7976931348623157e308, 123456789012345678.0, 4503599627370496.0, 0.1, 100.0, 1e22,
    -1e-300, 61872.0, -42612.834999999, float("inf"), float("-inf"), float("nan"),
]  # fmt: skip


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=50))
@settings(max_examples=300, deadline=None)
def test_numbers_written_column_by_column_read_back_as_the_same_floats(xs: list[float]) -> None:
    xs = [*xs, *EDGE_NUMBERS]
    read = [json.loads(text) for text in _json_numbers(xs).to_list()]
    # The same float, to the sign of a zero (repr tells -0.0 from 0.0); null where JSON has none.
    assert [repr(float(x)) if x is not None else None for x in read] == [
        repr(x) if math.isfinite(x) else None for x in xs
    ]


def _read(lines: list[str]) -> list[object]:
    return [json.loads(line) for line in lines]


def test_findings_with_numbers_write_the_json_each_finding_would_write_alone() -> None:
    """A batch's lines are written together: each reads back as the data the finding
    writes by itself, whichever numbers it has (none, open intervals, an infinite gap)."""
    inf = math.inf
    findings = [
        Finding(
            "ratio-mismatch",
            (ODD[0], "b"),
            ODD[2],
            Interval(1.25, 1.35),
            Interval(0.5, 0.5),
            0.75,
            0.0,
        ),
        Finding("zero-denominator", ("s", "p", "w"), ODD[3], reported=Interval(-0.0, 1e-7)),
        Finding("sum-mismatch", ("t",), ODD[5], Interval(-inf, 5.0), Interval(6.0, inf), inf, 1e16),
        Finding("partition-gap", (), ODD[4]),
        Finding("sum-mismatch", ("u", "v", "w"), "x", Interval(4, 4), None, None, 2.5e-5),
    ]
    written = finding_lines(findings)
    assert written is not None and _read(written) == [f.to_dict() for f in findings]
    assert all(line.count("\n") == 0 for line in written)  # one line each
    found = deferred([(f.slug, f.figures) for f in findings], lambda: findings)
    assert json.loads(_report(found).to_json()) == _report(findings).to_dict()
    detailed = [*findings, Finding("series-break", ("a",), "y", details=(("k", 1),))]
    assert finding_lines(detailed) is None  # written one by one
    found = deferred([(f.slug, f.figures) for f in detailed], lambda: detailed)
    assert _lines(_report(found)) == _lines(_report(detailed))
