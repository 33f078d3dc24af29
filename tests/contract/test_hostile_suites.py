"""Hostile suites: what a suite may not be, refused with a slug, a place and exit code 2.

Each class of fault is tried with several inputs through the public interface: the
command line (``statcheck check-suite``, ``statcheck validate``) and ``statcheck.load_suite``.
No case may end in a traceback or an internal error (exit 3), and none may read without
bound, hang on a pipe or recurse into Python's own limit.
"""

from __future__ import annotations

import codecs
import os
import socket
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import statcheck
import statcheck.contract
import statcheck.errors
from statcheck import rules
from statcheck.cli import main
from statcheck.contract import suite as suite_module
from statcheck.contract import yamlio
from statcheck.errors import ExitCode, SuiteError

REPO = Path(__file__).resolve().parents[2]
DROP = REPO / "fixtures" / "drops" / "2025-01-06-kyivpost-desertion"
PLAIN_RULE = "  - {id: ordered, kind: period, checks: [ordered]}\n"


def refused(path: Path | str) -> SuiteError:
    """The error of ``statcheck.load_suite(path)``: exit code 2, the file named."""
    with pytest.raises(SuiteError) as excinfo:
        statcheck.load_suite(path)
    err = excinfo.value
    assert err.exit_code is ExitCode.CONTRACT
    assert err.location.file == str(Path(path))
    return err


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    """Run the command line; returns (exit code, stderr), and no traceback on either stream."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in out + err, err
    assert code != ExitCode.INTERNAL, err
    return code, err


def assert_cli_refuses(
    capsys: pytest.CaptureFixture[str], path: Path | str, slug: str, line: int | None
) -> None:
    """``check-suite`` and ``validate`` both say the slug and the place, with exit code 2."""
    where = str(Path(path)) + (f":{line}" if line else ":")
    for argv in (
        ("check-suite", str(path)),
        ("validate", str(DROP), "--suite", str(path), "--out", os.devnull),
    ):
        code, err = cli(capsys, *argv)
        assert code == ExitCode.CONTRACT, err
        assert f"[{slug}] {where}" in err, err


# ---------------------------------------------------------------- 1. not a regular file


def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "suite.yml")  # opening it to read would wait for a writer forever
    return tmp / "suite.yml"


def _socket(tmp: Path) -> Iterator[Path]:
    path = tmp / "suite.sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        yield path


def _link_to_zero(tmp: Path) -> Path:
    (tmp / "suite.yml").symlink_to("/dev/zero")
    return tmp / "suite.yml"


NOT_FILES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "dev-zero": (lambda tmp: Path("/dev/zero"), "a device"),
    "dev-urandom": (lambda tmp: Path("/dev/urandom"), "a device"),
    "dev-null": (lambda tmp: Path("/dev/null"), "a device"),
    "link-to-dev-zero": (_link_to_zero, "a device"),
    "fifo": (_fifo, "a pipe"),
    "folder": (lambda tmp: tmp, "a folder"),
}


@pytest.mark.parametrize("name", NOT_FILES)
def test_a_suite_that_is_not_a_regular_file_is_refused_before_reading(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make, what = NOT_FILES[name]
    path = make(tmp_path)
    started = time.monotonic()
    err = refused(path)
    assert err.slug == "suite-not-a-file"
    assert err.location.line is None
    assert f"the suite is {what}, not a file" in err.message
    assert_cli_refuses(capsys, path, "suite-not-a-file", None)
    assert time.monotonic() - started < 10  # no pipe waited on, no device read


def test_a_socket_is_not_a_suite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for path in _socket(tmp_path):
        assert refused(path).slug == "suite-not-a-file"
        assert_cli_refuses(capsys, path, "suite-not-a-file", None)


def test_an_empty_path_is_the_working_folder_not_a_suite(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SuiteError) as excinfo:
        statcheck.load_suite("")
    assert excinfo.value.slug == "suite-not-a-file"


@pytest.mark.parametrize(
    ("path", "says"),
    [("nope/suite.yml", "No such file"), ("a\x00b.yml", "null byte")],
)
def test_a_path_that_cannot_be_opened_is_suite_not_found(
    path: str, says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = refused(path)
    assert err.slug == "suite-not-found" and says in err.message
    if "\x00" not in path:  # no argument vector holds a NUL byte
        assert_cli_refuses(capsys, path, "suite-not-found", None)


def test_a_link_loop_is_suite_not_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loop = tmp_path / "loop.yml"
    loop.symlink_to(loop)
    assert refused(loop).slug == "suite-not-found"
    assert_cli_refuses(capsys, loop, "suite-not-found", None)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_suite_without_read_permission_is_suite_not_found(tmp_path: Path) -> None:
    path = tmp_path / "suite.yml"
    path.write_text("suite: s\nrules:\n" + PLAIN_RULE)
    path.chmod(0)
    assert refused(path).slug == "suite-not-found"


def test_a_suite_over_the_limit_is_refused_without_reading_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "suite.yml"
    with path.open("wb") as fh:  # sparse: 16 MB and one byte, of which nothing is written
        fh.truncate(suite_module.MAX_SUITE_BYTES + 1)
    reads: list[int] = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: reads.append(n) or real_read(fd, n))
    err = refused(path)
    monkeypatch.undo()
    assert err.slug == "suite-too-large" and "16 MB" in err.message
    assert reads == []
    assert_cli_refuses(capsys, path, "suite-too-large", None)


def test_a_suite_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    head = "suite: s\nrules:\n" + PLAIN_RULE + "#"
    path = tmp_path / "suite.yml"
    path.write_bytes((head + "x" * (suite_module.MAX_SUITE_BYTES - len(head))).encode())
    assert path.stat().st_size == suite_module.MAX_SUITE_BYTES
    assert len(statcheck.load_suite(path).rules) == 1


def test_a_file_that_understates_its_size_is_read_no_further_than_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /proc files say they hold 0 bytes; the read itself stops at the limit.
    monkeypatch.setattr(suite_module, "MAX_SUITE_BYTES", 64)
    assert refused("/proc/self/status").slug == "suite-too-large"
    path = tmp_path / "suite.yml"
    path.write_text("suite: s\nrules: [{id: a, kind: period}]\n")
    assert statcheck.load_suite(path).id == "s"


# ---------------------------------------------------------------- 2. not UTF-8

GOOD = "suite: s\ndescription: d\nrules:\n" + PLAIN_RULE


@pytest.mark.parametrize(
    ("data", "bad", "line", "hint"),
    [
        ("suite: café\nrules: []\n".encode("latin-1"), b"\xe9", 1, "UTF-8"),
        (GOOD.replace("d\n", "caf\xe9\n").encode("cp1252"), b"\xe9", 2, "UTF-8"),
        ((GOOD + "  - {id: b, kind: period}\n").encode() + b"# \xff\n", b"\xff", 6, "UTF-8"),
        (
            codecs.BOM_UTF8 + b"suite: s\nrules:\n  - {id: \xc3, kind: period}\n",
            b"\xc3",
            3,
            "UTF-8",
        ),
        (GOOD.encode() + "# київ".encode()[:-1], "в".encode()[:1], 5, "UTF-8"),  # cut short
        (GOOD.encode("utf-16"), codecs.BOM_UTF16, 1, "UTF-16"),
        (b"suite: s\n" + "rules: []".encode("utf-16-le"), b"\x00", 2, "NUL"),
        (b"suite: s\x00\nrules: \xff\n", b"\x00", 1, "NUL"),
    ],
    ids=[
        "latin-1",
        "cp1252",
        "late-line",
        "after-bom",
        "cut-short",
        "utf-16",
        "utf-16-no-bom",
        "nul-first",
    ],
)
def test_a_suite_that_is_not_utf8_names_the_line_and_byte(
    data: bytes,
    bad: bytes,
    line: int,
    hint: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    byte = data.rindex(bad) if bad == "в".encode()[:1] else data.index(bad)
    path = tmp_path / "suite.yml"
    path.write_bytes(data)
    err = refused(path)
    assert err.slug == "invalid-encoding"
    assert err.location.line == line, err
    assert f"byte {byte} " in err.message, err
    assert err.hint is not None and hint in err.hint
    assert_cli_refuses(capsys, path, "invalid-encoding", line)


# ---------------------------------------------------------------- 3. rules: not a list


@pytest.mark.parametrize(
    ("rules", "says"),
    [
        ("\n  ordered: {kind: period, checks: [ordered]}", "not a mapping"),
        (" {id: ordered, kind: period}", "not a mapping"),
        (" ordered", "not text ('ordered')"),
        (" 5", "not the number 5"),
        (" true", "not true (true/false)"),
    ],
    ids=["block-mapping", "flow-mapping", "text", "number", "boolean"],
)
def test_rules_that_are_not_a_list_say_so_with_their_line(
    rules: str, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "suite.yml"
    path.write_text(f"suite: s\ndescription: d\n\nrules:{rules}\n")
    err = refused(path)
    assert err.slug == "invalid-suite"
    assert err.location.line == 4
    assert err.message == f"`rules` must be a list of rules, {says}"
    assert_cli_refuses(capsys, path, "invalid-suite", 4)


@pytest.mark.parametrize(("text", "line"), [("suite: s\n", 1), ("suite: s\nrules: []\n", 2)])
def test_no_rules_at_all_is_still_missing_rules(text: str, line: int, tmp_path: Path) -> None:
    path = tmp_path / "suite.yml"
    path.write_text(text)
    err = refused(path)
    assert (err.slug, err.location.line) == ("missing-field", line)


@pytest.mark.parametrize(
    ("text", "says"), [("- a\n- b\n", "not a list"), ("just text\n", "not text")]
)
def test_a_suite_that_is_not_a_mapping_says_what_it_is(
    text: str, says: str, tmp_path: Path
) -> None:
    path = tmp_path / "suite.yml"
    path.write_text(text)
    err = refused(path)
    assert err.slug == "invalid-suite" and says in err.message


# ---------------------------------------------------------------- 4. YAML bounds


def long_suite(rules: int, kind_of: Callable[[int], str] | None = None) -> str:
    """A suite of many plain rules, no alias anywhere."""
    kinds = kind_of or (
        lambda i: (
            f"  - {{id: c{i}, kind: compare, left: a{i}, op: '<=', right: b{i}, "
            f"description: rule {i}}}\n"
            if i % 2
            else f"  - id: s{i}\n    kind: sum\n    total: t{i}\n    parts: [p{i}, q{i}, r{i}]\n"
        )
    )
    return "suite: long\nrules:\n" + "".join(kinds(i) for i in range(rules))


def test_ten_thousand_plain_rules_load(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "suite.yml"
    path.write_text(long_suite(10_000))
    assert "&" not in path.read_text() and "*" not in path.read_text()
    assert len(statcheck.load_suite(path).rules) == 10_000
    code, _ = cli(capsys, "check-suite", str(path))
    assert code == ExitCode.OK


def test_many_rules_sharing_one_alias_load(tmp_path: Path) -> None:
    # 10,000 rules reuse one list of 5 parts: 60,000 values through aliases, within bound.
    first = "  - {id: s0, kind: sum, total: t0, parts: &parts [a, b, c, d, e]}\n"
    text = long_suite(
        10_000, lambda i: f"  - {{id: s{i}, kind: sum, total: t{i}, parts: *parts}}\n"
    ).replace("  - {id: s0, kind: sum, total: t0, parts: *parts}\n", first)
    path = tmp_path / "suite.yml"
    path.write_text(text)
    suite = statcheck.load_suite(path)
    assert len(suite.rules) == 10_000


def test_aliases_are_bounded_by_what_they_expand_to(tmp_path: Path) -> None:
    # the same suite with 20 parts: 210,000 values through aliases, no larger a file
    first = "  - {id: s0, kind: sum, total: t0, parts: &parts [" + ", ".join("p" * 20) + "]}\n"
    text = long_suite(
        10_000, lambda i: f"  - {{id: s{i}, kind: sum, total: t{i}, parts: *parts}}\n"
    ).replace("  - {id: s0, kind: sum, total: t0, parts: *parts}\n", first)
    path = tmp_path / "suite.yml"
    path.write_text(text)
    err = refused(path)
    assert err.slug == "yaml-too-large" and "aliases expand" in err.message
    assert err.location.line == 3  # the anchor they repeat


def laughs(levels: int) -> list[str]:
    """``name: &name [*previous x 9]`` for each level: 9**levels values if expanded."""
    out = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        out.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return out


def billion_laughs(levels: int) -> str:
    body = "".join(f"  {entry}\n" for entry in laughs(levels))
    return "suite: s\nlol:\n" + body + "rules:\n" + PLAIN_RULE


@pytest.mark.parametrize(
    "text",
    [
        billion_laughs(9),
        billion_laughs(30),
        "suite: s\nrules:\n  - id: a\n    kind: period\n"
        "    description: {" + ", ".join(laughs(12)) + "}\n",
    ],
    ids=["nine-levels", "thirty-levels", "inside-a-rule"],
)
def test_a_billion_laughs_is_refused_quickly(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "suite.yml"
    path.write_text(text)
    started = time.monotonic()
    err = refused(path)
    assert time.monotonic() - started < 5
    assert err.slug == "yaml-too-large", err
    assert err.location.line is not None
    assert_cli_refuses(capsys, path, "yaml-too-large", err.location.line)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("suite: s\nrules: " + "[" * 100_000, 2),
        ("suite: s\nrules: " + "[" * 100_000 + "]" * 100_000 + "\n", 2),
        ("suite: s\nrules: " + "{a: " * 100_000, 2),
        ("suite: s\nrules:\n" + "".join("  " * i + "-\n" for i in range(2_000)), None),
        ("suite: s\nrules:\n" + "".join(" " * i + f"k{i}:\n" for i in range(2_000)), None),
        ("x: " + "[" * 101 + "]" * 101 + "\n", 1),
    ],
    ids=["open-brackets", "closed-brackets", "open-braces", "block-list", "block-map", "just-over"],
)
def test_deep_nesting_is_refused_cleanly(
    text: str, line: int | None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "suite.yml"
    path.write_text(text)
    err = refused(path)
    assert err.slug == "yaml-too-large", err
    assert "nests more than 100 levels" in err.message
    if line is not None:
        assert err.location.line == line
    assert err.location.line is not None
    assert_cli_refuses(capsys, path, "yaml-too-large", err.location.line)


def test_nesting_within_the_bound_is_read() -> None:
    text = "suite: s\nrules: [{id: a, kind: period, description: x}]\nx: " + "[" * 95 + "]" * 95
    with pytest.raises(SuiteError) as excinfo:  # read, then refused as an unknown field
        statcheck.contract.suite_from_yaml(text + "\n", "suite.yml")
    assert (excinfo.value.slug, excinfo.value.location.line) == ("unknown-field", 3)


@pytest.mark.parametrize(
    "text",
    [
        "suite: s\nx: &loop [*loop]\nrules:\n" + PLAIN_RULE,
        "suite: s\nx: &loop {a: [1, {b: *loop}]}\nrules:\n" + PLAIN_RULE,
    ],
)
def test_an_alias_inside_its_own_anchor_is_refused(text: str, tmp_path: Path) -> None:
    path = tmp_path / "suite.yml"
    path.write_text(text)
    err = refused(path)
    assert err.slug == "yaml-too-large" and "contains itself" in err.message
    assert err.location.line == 2


def test_more_values_than_the_bound_are_refused_as_they_are_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yamlio, "MAX_VALUES", 5_000)
    path = tmp_path / "suite.yml"
    path.write_text(long_suite(1_000))
    err = refused(path)
    assert err.slug == "yaml-too-large" and "more than 5,000 values" in err.message
    assert err.location.line is not None and err.location.line > 100


def test_the_limits_are_what_the_error_reference_says() -> None:
    meaning = statcheck.errors.YAML_TOO_LARGE.meaning
    assert f"{yamlio.MAX_ALIAS_VALUES:,}" in meaning and f"{yamlio.MAX_VALUES:,}" in meaning
    assert f"{yamlio.MAX_DEPTH} levels" in meaning
    too_large = statcheck.errors.SUITE_TOO_LARGE.meaning
    assert f"{suite_module.MAX_SUITE_BYTES // 2**20} MB" in too_large


def test_the_example_is_unchanged_in_meaning() -> None:
    text = textwrap.dedent(
        """
        suite: s
        rules:
          - id: a
            kind: sum
            total: t
            parts: &p [x, y]
          - id: b
            kind: sum
            total: u
            parts: *p
        """
    )
    suite = statcheck.contract.suite_from_yaml(text, "s.yml")
    assert suite.rules[0].parts == suite.rules[1].parts  # type: ignore[attr-defined]


# ---------------------------------------------------------------- 5. Python builders

HERE = __file__
OK_RULE = rules.period("ordered", checks=["ordered"])


def built_wrong(build: Callable[[], object]) -> SuiteError:
    """The error of a builder call: a SuiteError (exit 2) that is also a TypeError, placed
    at the line of this file that made the call."""
    with pytest.raises(SuiteError) as excinfo:
        build()
    err = excinfo.value
    assert isinstance(err, TypeError)
    assert err.exit_code is ExitCode.CONTRACT
    assert err.location.file == HERE and err.location.line is not None
    return err


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (lambda: statcheck.suite("p", 5), "`rules` must be a list, each item a rule"),
        (lambda: statcheck.suite("p", None), "`rules` must be a list"),  # type: ignore[arg-type]
        (lambda: statcheck.suite("p", "ordered"), "not text ('ordered')"),  # type: ignore[arg-type]
        (lambda: statcheck.suite("p", [OK_RULE, 5]), "`rules[1]` must be a rule"),  # type: ignore[list-item]
        (lambda: statcheck.suite(5, [OK_RULE]), "`id` must be text"),  # type: ignore[arg-type]
        (lambda: statcheck.suite(None, [OK_RULE]), "not None"),  # type: ignore[arg-type]
        (lambda: statcheck.suite({"id": "p"}, [OK_RULE]), "not a mapping"),  # type: ignore[arg-type]
        (lambda: statcheck.suite("p", [OK_RULE], drops=5), "`drops` must be a list"),  # type: ignore[arg-type]
        (lambda: statcheck.suite("p", [OK_RULE], drops=["a/*", 5]), "`drops[1]`"),  # type: ignore[list-item]
        (lambda: statcheck.suite("p", [OK_RULE], primary_sources=5), "`primary_sources`"),  # type: ignore[arg-type]
        (lambda: statcheck.suite("p", [OK_RULE], table=5), "`table` must be"),  # type: ignore[arg-type]
        (lambda: statcheck.suite("p", [OK_RULE], schema=[]), "`schema` must be"),  # type: ignore[arg-type]
        (lambda: statcheck.suite("p", [OK_RULE], description=5), "`description`"),  # type: ignore[arg-type]
    ],
)
def test_wrong_types_given_to_suite_name_the_argument(
    build: Callable[[], object], says: str
) -> None:
    err = built_wrong(build)
    assert err.slug == "bad-argument", err
    assert says in err.message, err


@pytest.mark.parametrize(
    ("build", "slug", "says"),
    [
        (lambda: rules.sum(None, total="t", parts=["a"]), "bad-argument", "`id` must be text"),
        (lambda: rules.sum({"id": "x"}, total="t", parts=["a"]), "bad-argument", "not a mapping"),
        (lambda: rules.compare(5, left="a", op="<", right="b"), "bad-argument", "the number 5"),
        (lambda: rules.period("x", description=["d"]), "bad-argument", "`description`"),
        (lambda: rules.rule("sum", None, total="t", parts=["a"]), "bad-argument", "`id`"),
        (lambda: rules.sum("x", totl="t", parts=["a"]), "unknown-field", "'totl'"),
        (lambda: rules.sum(), "missing-field", "'id'"),
        (lambda: rules.sum("x", "t"), "bad-argument", "too many positional"),
    ],
)
def test_wrong_arguments_to_a_rule_builder_name_the_argument(
    build: Callable[[], object], slug: str, says: str
) -> None:
    err = built_wrong(build)
    assert err.slug == slug, err
    assert says in err.message, err


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (lambda: rules.sum("x", total={"a": {"b": 1}}, parts=["p"]), "selector total.a"),
        (lambda: rules.sum("x", total="t", parts=5), "field 'parts'"),
        (
            lambda: rules.compare("x", left=[5], op="<", right="b"),
            "field 'left'",
        ),  # a number alone is a side
        (lambda: rules.sum("x", total="t", parts=[{"metric": "m"}, None]), "field 'parts'"),
    ],
)
def test_a_bad_field_value_is_the_suite_files_own_error(
    build: Callable[[], object], says: str
) -> None:
    # a field's value is read by the suite file's reader: invalid-rule, the field named
    with pytest.raises(SuiteError) as excinfo:
        build()
    err = excinfo.value
    assert (err.slug, err.exit_code) == ("invalid-rule", ExitCode.CONTRACT), err
    assert says in err.message and err.location.file == HERE


def test_well_typed_arguments_still_build() -> None:
    suite = statcheck.suite(
        "p",
        (r for r in [OK_RULE, {"id": "b", "kind": "period"}]),
        drops="drops/*",
        primary_sources=("official", "person"),
    )
    assert [r.id for r in suite.rules] == ["ordered", "b"] and suite.drops == ("drops/*",)
