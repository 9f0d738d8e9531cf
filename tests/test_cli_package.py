"""The command line's shape: a package of command modules, no import circle, no private parsing.

The imports are read from the source (``ast``), so every import counts, also the ones inside
functions that run only for one command; imports under ``if TYPE_CHECKING:`` never run and
do not count.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

import newsmeta
from newsmeta import cli

PACKAGE = Path(newsmeta.__file__).parent

#: The library's private parsing modules: what the command line needs from them is a public
#: function (``newsmeta.values.parse_value``, ``newsmeta.problems.explain_text``...).
PRIVATE_PARSING = frozenset(
    f"newsmeta.{name}" for name in ("_yamltree", "_quick", "_check", "_edit", "_frontmatter")
)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported(module: str, path: Path, *, top_level_only: bool = False) -> Iterator[str]:
    """Every module of the library that ``module`` imports (as written, resolved)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def visit(nodes: list[ast.stmt]) -> Iterator[str]:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                yield from visit(node.orelse)
                continue
            if isinstance(node, ast.Import):
                yield from (alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package
                    for _ in range(node.level - 1):
                        anchor = anchor.rpartition(".")[0]
                    base = f"{anchor}.{base}" if base else anchor
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    yield candidate if candidate in MODULES else base
            if top_level_only and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    yield from visit([n for n in inner if isinstance(n, ast.stmt)])
                    for handler in inner:
                        if isinstance(handler, ast.ExceptHandler):
                            yield from visit(handler.body)

    tree = ast.parse(path.read_text(encoding="utf-8"))
    for name in visit(tree.body):
        if name in MODULES and name != module:
            yield name


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def _graph(*, top_level_only: bool) -> dict[str, set[str]]:
    return {
        name: set(_imported(name, path, top_level_only=top_level_only))
        for name, path in MODULES.items()
    }


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_import_reader_sees_imports_inside_functions() -> None:
    imported = set(_imported("newsmeta.cli.verbs", MODULES["newsmeta.cli.verbs"]))
    assert "newsmeta.values" in imported  # imported inside a handler
    assert "newsmeta.cli.common" in imported


def test_no_module_of_the_command_line_imports_a_private_parsing_module() -> None:
    offenders = {
        (name, imported)
        for name, path in MODULES.items()
        if name == "newsmeta.cli" or name.startswith("newsmeta.cli.")
        for imported in _imported(name, path)
        if imported in PRIVATE_PARSING
    }
    assert offenders == set()


def test_the_command_line_package_has_no_import_circle() -> None:
    graph = _graph(top_level_only=False)
    assert [c for c in _cycles(graph) if any(m.startswith("newsmeta.cli") for m in c)] == []


def test_the_library_has_no_import_circle_at_import_time() -> None:
    assert _cycles(_graph(top_level_only=True)) == []


def test_the_whole_package_has_no_import_circle_even_through_lazy_imports() -> None:
    # An import inside a function runs later, but a circle through one still ties the
    # modules together: none may exist anywhere in the package.
    assert _cycles(_graph(top_level_only=False)) == []


def test_the_library_never_imports_the_command_line() -> None:
    importers = {
        name
        for name, path in MODULES.items()
        if not name.startswith("newsmeta.cli")
        for imported in _imported(name, path)
        if imported.startswith("newsmeta.cli")
    }
    assert importers <= {"newsmeta.__main__"}


@pytest.mark.parametrize("name", cli.COMMAND_MODULES)
def test_every_command_module_registers_commands_with_a_handler(name: str) -> None:
    import argparse

    module = importlib.import_module(f"newsmeta.cli.{name}")
    parser = argparse.ArgumentParser()
    commands = parser.add_subparsers()
    module.register(commands)
    assert commands.choices, f"{name} registered no command"
    for command, sub in commands.choices.items():
        assert callable(sub.get_default("handler")), command
    # What a run of one command builds from: the commands its module adds, no more, no less.
    assert tuple(commands.choices) == cli.COMMANDS_OF[name]


def test_a_command_builds_only_its_own_module_with_the_same_parser() -> None:
    import argparse

    full = cli._subcommands(cli.build_parser())
    assert list(full) == [
        command for module in cli.COMMAND_MODULES for command in cli.COMMANDS_OF[module]
    ]
    for command, sub in full.items():
        alone = cli._subcommands(cli.build_parser(command))
        assert command in alone
        assert set(alone) == set(cli.COMMANDS_OF[cli._HOME_OF[command]])
        assert alone[command].format_help() == sub.format_help()
        assert isinstance(alone[command], argparse.ArgumentParser)
    assert list(cli._subcommands(cli.build_parser("no-such-command"))) == list(full)


def test_every_command_module_is_listed() -> None:
    modules = {
        path.stem
        for path in (PACKAGE / "cli").glob("*.py")
        if path.stem not in ("__init__", "common")
    }
    assert modules == set(cli.COMMAND_MODULES)


def _imported_names(path: Path) -> Iterator[tuple[str, str]]:
    """Every ``(module, name)`` a file imports from the library, at any depth (a plain
    ``import newsmeta.x`` gives the name ``""``)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("newsmeta"):
            yield from ((node.module or "", alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            yield from ((a.name, "") for a in node.names if a.name.startswith("newsmeta"))


def _is_private(module: str, name: str) -> bool:
    parts = [*module.split("."), *([name] if name else [])]
    return any(part.startswith("_") and not part.startswith("__") for part in parts)


def test_the_import_name_reader_sees_private_names() -> None:
    assert _is_private("newsmeta._edit", "house_scalar")
    assert _is_private("newsmeta.validation", "_url_uses")
    assert not _is_private("newsmeta", "__version__")
    assert not _is_private("newsmeta.schema", "keys_at")


def test_the_language_server_imports_only_the_library_s_public_modules_and_names() -> None:
    # The server is an adapter like the command line: what it needs from the library is
    # public, documented API, so that the library can change its insides freely.
    offenders = {
        (name, module, imported)
        for name, path in MODULES.items()
        if name == "newsmeta.lsp" or name.startswith("newsmeta.lsp.")
        for module, imported in _imported_names(path)
        if _is_private(module, imported)
    }
    assert offenders == set()
    assert any(name.startswith("newsmeta.lsp.") for name in MODULES)


def test_the_language_server_never_imports_the_command_line() -> None:
    importers = {
        name
        for name, path in MODULES.items()
        if name.startswith("newsmeta.lsp")
        for imported in _imported(name, path)
        if imported.startswith("newsmeta.cli")
    }
    assert importers == set()
