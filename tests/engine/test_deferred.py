"""Deferred findings: the sentences of a batch are written once, when first read, and a
deferred finding is in every way the plain finding it stands for."""

from __future__ import annotations

import json
import pickle

from statcheck.engine.deferred import deferred, deferred_sentences
from statcheck.model.interval import Interval
from statcheck.report import Finding, Report, RuleResult, Status, sentence_lines

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
