"""Safe YAML reading that remembers where each mapping came from.

Only ``yaml.SafeLoader`` is used: tags such as ``!!python/object`` are refused. Aliases
are expanded with a node budget, so an "alias bomb" is an error, not a hang.
"""

from __future__ import annotations

import re
from typing import Any

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

MAX_NODES = 100_000


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


class _Loader(yaml.SafeLoader):
    pass


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
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise INVALID_YAML(
            f"not valid YAML: {exc.problem}",
            location=Location(file=file, line=mark.line + 1 if mark else None),
        ) from None
    except yaml.YAMLError as exc:
        raise INVALID_YAML(f"not valid YAML: {exc}", location=Location(file=file)) from None
    except RecursionError:
        raise _too_deep(file) from None
    if node is None:
        return None
    budget = [MAX_NODES]
    try:
        return _convert(node, file, budget)
    except RecursionError:  # an alias that contains itself (`a: &x [*x]`), or absurd nesting
        raise _too_deep(file) from None


def _too_deep(file: str) -> StatcheckError:
    return YAML_TOO_LARGE(
        "the YAML nests too deeply (an alias that refers to itself?)",
        location=Location(file=file),
    )


def _convert(node: yaml.Node, file: str, budget: list[int]) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise YAML_TOO_LARGE(
            f"the YAML expands to more than {MAX_NODES} values (an alias bomb?)",
            location=Location(file=file, line=node.start_mark.line + 1),
        )
    line = node.start_mark.line + 1
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_TAGS:
        raise _unsafe(node, file)
    if isinstance(node, yaml.MappingNode):
        out = Mapping()
        out.line = line
        out.key_lines = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise INVALID_SUITE(
                    "YAML merge keys (<<) are not supported in suites",
                    location=Location(file=file, line=key_node.start_mark.line + 1),
                )
            key = _convert(key_node, file, budget)
            if not isinstance(key, str):
                key = str(key)
            if key in out:
                raise DUPLICATE_KEY(
                    f"key {key!r} appears twice in the same mapping",
                    location=Location(file=file, line=key_node.start_mark.line + 1),
                )
            out[key] = _convert(value_node, file, budget)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(v, file, budget) for v in node.value]
    if node.tag not in _SCALAR_TAGS:
        raise _unsafe(node, file)
    try:
        return _Loader(" ").construct_object(node, deep=True)
    except yaml.constructor.ConstructorError:
        raise _unsafe(node, file) from None


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
