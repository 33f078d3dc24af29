"""The layers, read from the imports of every module under src/statcheck (function-level
imports included): the engine evaluates rules on tables and reads no drop; only the
checking layer may reach into another package's private names."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import statcheck

SRC = Path(statcheck.__file__).parent


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[tuple[str, str | None]]:
    """(module, name) for every import in the file; name None for ``import module``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = (
        _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    )
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolved against the importing package
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                yield base, alias.name


def _top(module: str) -> str:
    """The package a module belongs to: ``statcheck.engine`` for statcheck.engine.rules.sum."""
    return ".".join(module.split(".")[:2])


def _private(part: str) -> bool:
    return part.startswith("_") and not part.startswith("__")


MODULES = {_module_name(p): p for p in sorted(SRC.rglob("*.py"))}


def test_no_module_under_the_engine_imports_drops() -> None:
    offenders = [
        f"{name}: {module}{'.' + str(what) if what else ''}"
        for name, path in MODULES.items()
        if name.startswith("statcheck.engine")
        for module, what in _imports(path)
        if module.startswith("statcheck.drops") or (module == "statcheck" and what == "drops")
    ]
    assert offenders == []


def test_only_the_checking_layer_imports_private_names_of_another_package() -> None:
    offenders = []
    for name, path in MODULES.items():
        if name.startswith("statcheck.checking"):
            continue
        for module, what in _imports(path):
            if not module.startswith("statcheck") or _top(module) == _top(name):
                continue
            parts = [*module.split(".")[2:], *([what] if what else [])]
            if any(_private(p) for p in parts):
                offenders.append(f"{name}: from {module} import {what}")
    assert offenders == []


def test_the_walk_sees_function_level_imports() -> None:
    imports = set(_imports(MODULES["statcheck.cli"]))
    assert ("statcheck.contract.suite", "load_suite") in imports  # inside _cmd_validate


def test_the_engines_are_declared_once() -> None:
    from statcheck import api, checking, cli
    from statcheck.drops.reader import BACKENDS

    assert api.ENGINES is checking.ENGINES and cli.ENGINES is checking.ENGINES
    # the reader's libraries are the engines that read on their own (Spark reads on polars)
    assert (*BACKENDS, "spark") == checking.ENGINES
