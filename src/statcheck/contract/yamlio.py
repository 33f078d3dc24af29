"""Safe YAML reading that remembers where each mapping came from.

Only the safe constructor of PyYAML is used: tags such as ``!!python/object`` are refused. What an
alias expands to is counted against a budget (:data:`MAX_ALIAS_VALUES`), so an "alias bomb"
is an error, not a hang, while a long suite without aliases costs nothing of it. Nesting
(:data:`MAX_DEPTH`) and the values written (:data:`MAX_VALUES`) are bounded while the text
is read, so no depth ever reaches Python's own recursion limit.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml

from statcheck.errors import (
    DUPLICATE_KEY,
    INVALID_SUITE,
    INVALID_YAML,
    UNSAFE_YAML,
    YAML_TOO_LARGE,
    Location,
    StatcheckError,
)

MAX_ALIAS_VALUES = 100_000  # values aliases may add to the document, beyond its own
MAX_DEPTH = 100  # mappings and lists inside one another (a suite needs about 6)
MAX_VALUES = 1_000_000  # values written in the document (10,000 rules hold about 130,000)


class Mapping(dict[str, Any]):
    """A YAML mapping that knows its line and the line of each key (1-based)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.line: int | None = None
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key, self.line)


_BOOL = "tag:yaml.org,2002:bool"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SCALAR_TAGS = frozenset("tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null"))


class _PyEvents(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """PyYAML's own parser, where its C parser (libyaml) is not installed."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)


# The events come from libyaml where it is installed (six times faster than PyYAML's own
# scanner); the nodes are composed here, in Python, so that nesting is bounded as it is read.
if TYPE_CHECKING or not yaml.__with_libyaml__:
    _Events = _PyEvents
else:
    from yaml.cyaml import CParser as _Events


class _Loader(
    yaml.composer.Composer, _Events, yaml.constructor.SafeConstructor, yaml.resolver.Resolver
):
    """The safe loader, with nesting deeper than :data:`MAX_DEPTH` refused as it composes."""

    file = "<suite>"
    depth = 0
    values = 0

    def __init__(self, stream: str) -> None:
        _Events.__init__(self, stream)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        yaml.resolver.Resolver.__init__(self)

    def _line(self) -> int:
        """The line of the node about to be composed (1-based)."""
        return int(self.peek_event().start_mark.line) + 1  # type: ignore[no-untyped-call]

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.depth += 1
        self.values += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _too_deep(self.file, self._line())
            if self.values > MAX_VALUES:
                raise YAML_TOO_LARGE(
                    f"the YAML holds more than {MAX_VALUES:,} values",
                    location=Location(file=self.file, line=self._line()),
                    hint="10,000 rules hold about 130,000: split the suite",
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


# YAML 1.1 reads `NO`, `yes`, `off` as booleans: a country code NO must stay "NO".
# Keep only true/false as booleans, as YAML 1.2 does; dates stay text (period labels).
# Numbers as YAML 1.2 writes them, and only those: YAML 1.1 would read a postal code
# 01001 as octal 513, 0x1F as 31 and 1:30 as 90. A leading zero keeps a value text.
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag not in (_BOOL, _TIMESTAMP, _INT, _FLOAT)]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _Loader.add_implicit_resolver(
        _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), [_first]
    )
_Loader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+$"
    ),
    list("-+0123456789."),
)


def load_yaml(text: str, file: str) -> Any:
    """Parse YAML text safely into plain Python with line-aware mappings."""
    loader = _Loader(text)
    loader.file = file
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        if "nesting depth" in str(exc.problem):  # libyaml's own bound, met while reading ahead
            raise _too_deep(file, mark.line + 1 if mark else None) from None
        raise INVALID_YAML(
            f"not valid YAML: {exc.problem}",
            location=Location(file=file, line=mark.line + 1 if mark else None),
        ) from None
    except yaml.YAMLError as exc:
        raise INVALID_YAML(f"not valid YAML: {exc}", location=Location(file=file)) from None
    except RecursionError:  # pragma: no cover - MAX_DEPTH stops nesting well before
        raise _too_deep(file, None) from None
    finally:
        loader.dispose()
    if node is None:
        return None
    try:
        return _Converter(file).convert(node)
    except RecursionError:  # pragma: no cover - the converter bounds its own depth
        raise _too_deep(file, None) from None


def _too_deep(file: str, line: int | None) -> StatcheckError:
    return YAML_TOO_LARGE(
        f"the YAML nests more than {MAX_DEPTH} levels deep",
        location=Location(file=file, line=line),
        hint="a suite needs a few levels: suite, rules, a rule, a selector",
    )


class _Converter:
    """YAML nodes to plain Python: line-aware mappings, lists and scalars.

    A node reached a second time is an alias being expanded: every value it expands to is
    counted, and more than :data:`MAX_ALIAS_VALUES` of them is an alias bomb. A node met
    again inside itself is an alias that contains itself."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.seen: set[int] = set()
        self.inside: set[int] = set()  # the nodes being converted, outermost to this one
        self.expanded = 0
        self.scalars = _Loader("")

    def convert(self, node: yaml.Node) -> Any:
        line = node.start_mark.line + 1
        key = id(node)
        if key in self.inside:
            raise YAML_TOO_LARGE(
                "an alias contains itself (its anchor is around it): it would never end",
                location=Location(file=self.file, line=line),
            )
        if key in self.seen:
            self.expanded += 1
            if self.expanded > MAX_ALIAS_VALUES:
                raise YAML_TOO_LARGE(
                    f"the YAML's aliases expand to more than {MAX_ALIAS_VALUES:,} values "
                    "(an alias bomb?)",
                    location=Location(file=self.file, line=line),
                )
        else:
            self.seen.add(key)
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if node.tag not in _PLAIN_TAGS:
            raise _unsafe(node, self.file)
        if len(self.inside) >= MAX_DEPTH:  # aliases inside aliases, each within the bound
            raise _too_deep(self.file, line)
        self.inside.add(key)
        try:
            if isinstance(node, yaml.MappingNode):
                return self._mapping(node, line)
            return [self.convert(v) for v in node.value]
        finally:
            self.inside.discard(key)

    def _mapping(self, node: yaml.MappingNode, line: int) -> Mapping:
        out = Mapping()
        out.line = line
        out.key_lines = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise INVALID_SUITE(
                    "YAML merge keys (<<) are not supported in suites",
                    location=Location(file=self.file, line=key_line),
                )
            key = self.convert(key_node)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                raise DUPLICATE_KEY(
                    f"key {key!r} appears twice in the same mapping",
                    location=Location(file=self.file, line=key_line),
                )
            out[key] = self.convert(value_node)
            out.key_lines[key] = key_line
        return out

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise _unsafe(node, self.file)
        try:
            return self.scalars.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError:
            raise _unsafe(node, self.file) from None


_PLAIN_TAGS = ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _unsafe(node: yaml.Node, file: str) -> StatcheckError:
    return UNSAFE_YAML(
        f"YAML tag {node.tag!r} is not allowed in a suite",
        location=Location(file=file, line=node.start_mark.line + 1),
        hint="suites are plain data: mappings, lists, strings and numbers",
    )


class _Dumper(yaml.SafeDumper):
    """Quotes any text that our loader, or a YAML 1.1 reader such as an editor, would
    read as something other than text (`NO`, `01001`, `1e3`)."""


_Dumper.yaml_implicit_resolvers = {
    k: [
        *yaml.SafeDumper.yaml_implicit_resolvers.get(k, []),
        *_Loader.yaml_implicit_resolvers.get(k, []),
    ]
    for k in {*yaml.SafeDumper.yaml_implicit_resolvers, *_Loader.yaml_implicit_resolvers}
}


def dump_yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
