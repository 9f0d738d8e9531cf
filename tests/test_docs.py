"""The documentation cannot rot: its examples run, its references are complete, the site builds.

- Every fenced ``python`` block in ``README.md`` and ``docs/**/*.md`` runs, page by page in
  one namespace (a page reads like a session), in a scratch copy of ``examples/``.
- Every ``console`` block's ``$ newsmeta ...`` commands run, in order, in another scratch
  copy, and print what the page shows; a line ``...`` stands for any number of lines.
- ``yaml`` and ``json`` blocks parse.
- The generated references (``docs/hooks.py``) cover every subcommand and option, every
  problem code (with its anchor) and every schema key.
- ``mkdocs build --strict`` passes, when MkDocs is installed (``pip install -e '.[docs]'``).

A block preceded by ``<!-- docs-test: skip -->`` is not run; one preceded by
``<!-- docs-test: requires MODULE -->`` runs only when MODULE is importable.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import cast

import attrs
import pytest

from newsmeta.problems import CODES

from .conftest import EXAMPLES, ROOT, load_module

DOCS = ROOT / "docs"
PAGES = sorted([ROOT / "README.md", *DOCS.rglob("*.md")])

_FENCE = re.compile(r"^```([\w+-]*)[^\n]*$")
_DIRECTIVE = re.compile(r"^<!-- docs-test: (skip|requires ([\w.]+)) -->$")


@attrs.frozen
class Block:
    """One fenced code block of a page."""

    page: Path
    lang: str
    code: str
    line: int  # 1-based line of the opening fence
    skip: bool = False
    requires: str | None = None

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def blocks(page: Path) -> list[Block]:
    """The top-level fenced blocks of ``page`` (fences at column 0), in order."""
    found: list[Block] = []
    lines = page.read_text(encoding="utf-8").split("\n")
    i = 0
    while i < len(lines):
        match = _FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        start = i
        i += 1
        while i < len(lines) and lines[i].rstrip() != "```":
            i += 1
        prev = next((lines[j] for j in range(start - 1, -1, -1) if lines[j].strip()), "")
        directive = _DIRECTIVE.match(prev.strip())
        found.append(
            Block(
                page,
                match.group(1),
                "\n".join(lines[start + 1 : i]) + "\n",
                start + 1,
                skip=bool(directive and directive.group(1) == "skip"),
                requires=directive.group(2) if directive else None,
            )
        )
        i += 1
    return found


def _pages_with(lang: str) -> list[Path]:
    return [page for page in PAGES if any(b.lang == lang for b in blocks(page))]


def _id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def _hooks() -> ModuleType:
    return load_module("newsmeta_docs_hooks", DOCS / "hooks.py")


def _generate(name: str, *args: object) -> str:
    function = cast(Callable[..., str], getattr(_hooks(), name))
    return function(*args)


@pytest.fixture
def sandbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A scratch copy of ``examples/`` as the working directory: examples may edit files."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _runnable(page_blocks: Sequence[Block]) -> list[Block]:
    for block in page_blocks:
        if block.requires and importlib.util.find_spec(block.requires) is None:
            pytest.skip(f"{block.where} needs {block.requires}")
    return [b for b in page_blocks if not b.skip]


# --- python examples -------------------------------------------------------------------------


@pytest.mark.parametrize("page", _pages_with("python"), ids=_id)
def test_python_examples_run(page: Path, sandbox: Path) -> None:
    namespace: dict[str, object] = {"__name__": "__docs__"}
    for block in _runnable([b for b in blocks(page) if b.lang == "python"]):
        exec(compile(block.code, block.where, "exec"), namespace)


# --- console examples ------------------------------------------------------------------------


def commands(block: Block) -> Iterator[tuple[str, list[str]]]:
    """``(command, expected output lines)`` for each ``$ `` line of a console block."""
    command: str | None = None
    output: list[str] = []
    for line in block.code.rstrip("\n").split("\n"):
        if line.startswith("$ "):
            if command is not None:
                yield command, output
            command, output = line[2:], []
        elif command is not None:
            output.append(line)
    if command is not None:
        yield command, output


def matches(expected: Sequence[str], actual: Sequence[str]) -> bool:
    """True when ``actual`` is ``expected``, where a line ``...`` matches any lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and actual[0] == expected[0] and matches(expected[1:], actual[1:])


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_") and k != "CI"}
    env.update(NO_COLOR="1", COLUMNS="100", PYTHONIOENCODING="utf-8")
    return env


@pytest.mark.parametrize("page", _pages_with("console"), ids=_id)
def test_console_examples_print_what_the_page_shows(page: Path, sandbox: Path) -> None:
    ran = 0
    for block in _runnable([b for b in blocks(page) if b.lang == "console"]):
        for command, expected in commands(block):
            argv = shlex.split(command)
            if argv[0] != "newsmeta":
                continue
            done = subprocess.run(
                [sys.executable, "-m", "newsmeta", *argv[1:]],
                cwd=sandbox,
                env=_environment(),
                capture_output=True,
                text=True,
                encoding="utf-8",
                timeout=60,
            )
            actual = (done.stdout + done.stderr).rstrip("\n")
            lines = actual.split("\n") if actual else []
            assert matches(expected, lines), (
                f"{block.where}: `{command}` printed:\n{actual}\n--- the page shows:\n"
                + "\n".join(expected)
            )
            ran += 1
    assert ran, "the page has console blocks but no newsmeta command"


def test_the_ellipsis_matches_any_number_of_lines() -> None:
    assert matches(["a", "...", "z"], ["a", "z"])
    assert matches(["a", "...", "z"], ["a", "b", "c", "z"])
    assert not matches(["a", "...", "z"], ["a", "b"])
    assert not matches(["a"], ["a", "b"])


# --- other blocks ----------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_yaml_and_json_examples_parse(page: Path) -> None:
    from ruamel.yaml import YAML

    for block in blocks(page):
        if block.lang == "yaml":
            YAML(typ="safe", pure=True).load(block.code)
        elif block.lang == "json":
            json.loads(block.code)


@pytest.mark.parametrize("page", PAGES, ids=_id)
def test_every_generate_marker_expands(page: Path) -> None:
    hooks = _hooks()
    text = page.read_text(encoding="utf-8")
    marker = cast(re.Pattern[str], hooks.MARKER)
    for name in marker.findall(text):
        assert name in hooks.GENERATORS, f"{page}: unknown generator {name!r}"
    expanded = cast(Callable[[str], str], hooks.expand)(text)
    assert not marker.search(expanded)


# --- generated references --------------------------------------------------------------------


def _sections(text: str, prefix: str) -> dict[str, str]:
    """The parts of ``text`` under each heading that starts with ``prefix``, by name."""
    parts = re.split(rf"^{re.escape(prefix)}(\S+).*$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def test_cli_reference_covers_every_command_and_option() -> None:
    hooks = _hooks()
    parser = cast(argparse.ArgumentParser, hooks.build_parser())
    subcommands = cast(dict[str, argparse.ArgumentParser], hooks.subcommands(parser))
    text = _generate("cli_reference", parser)
    # The walk must find the commands at all, or the loop below proves nothing.
    assert {
        "validate",
        "get",
        "set",
        "unset",
        "append",
        "insert",
        "rules",
        "explain",
        "fix",
    } <= set(subcommands)
    sections = _sections(text, "### newsmeta ")
    assert set(sections) == set(subcommands)
    for name, sub in subcommands.items():
        assert f"{{#{name}}}" in text
        for action in sub._actions:
            for option in action.option_strings:
                assert f"`{option}" in sections[name], f"{name} {option}"
            if not action.option_strings:
                assert f"`{action.metavar or action.dest}`" in sections[name], name
    assert "`--version`" in text
    for fmt in ("text", "json", "github", "sarif", "junit"):
        assert f"{{#format-{fmt}}}" in text


def test_problem_reference_has_an_anchor_and_the_examples_of_every_code() -> None:
    text = _generate("problem_reference")
    sections = _sections(text, "### ")
    assert set(sections) == set(CODES)
    for name, code in CODES.items():
        assert f"### {name} {{#{name}}}" in text
        assert f"[`{name}`](#{name})" in text
        for example in (code.bad, code.good):
            if example:
                assert f"```yaml\n{example}\n```" in sections[name]


def test_format_reference_has_every_key_of_every_object() -> None:
    hooks = _hooks()
    schema = cast(dict[str, object], hooks.load_schema())
    text = _generate("format_reference", schema)
    sections = _sections(text, "## ")
    objects: dict[str, object] = {"Article": schema}
    defs = schema["$defs"]
    assert isinstance(defs, dict)
    objects.update({k: v for k, v in defs.items() if v.get("type") == "object"})
    for name, spec in objects.items():
        assert isinstance(spec, dict)
        for key in spec["properties"]:
            assert f"| `{key}` |" in sections[name], f"{name}.{key}"
    for name, spec in defs.items():
        if spec.get("type") != "object":
            assert f"`{name}`" in sections["Shared"], name


def test_api_overview_lists_every_public_name() -> None:
    import newsmeta

    text = _generate("api_exports")
    for name in newsmeta.__all__:
        assert f"`newsmeta.{name}`" in text


# --- the site --------------------------------------------------------------------------------


def _site_dependencies_missing() -> str | None:
    for module in ("mkdocs", "material", "mkdocstrings_handlers.python"):
        try:
            if importlib.util.find_spec(module) is None:
                return module
        except ModuleNotFoundError:
            return module
    return None


@pytest.mark.slow
def test_the_site_builds_strictly_and_covers_the_acceptance_pages(tmp_path: Path) -> None:
    missing = _site_dependencies_missing()
    if missing:
        pytest.skip(f"{missing} is not installed (pip install -e '.[docs]')")
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr

    def page(path: str) -> str:
        return (site / path / "index.html").read_text(encoding="utf-8")

    assert 'id="validate"' in page("reference/cli")
    assert 'id="format-sarif"' in page("reference/cli")
    problems = page("reference/problems")
    for name in CODES:
        assert f'id="{name}"' in problems
    assert "publishedDateTime" in page("reference/format")
    assert "newsmeta.document.load" in page("api/document")
    assert "newsmeta.load" in page("api")
    assert "upload-sarif" in page("guides/github-actions")
    published = (site / "schemas" / "article.schema.json").read_bytes()
    assert published == (ROOT / "schemas" / "article.schema.json").read_bytes()


# --- the distribution name ----------------------------------------------------------------

#: ``pip install newsmeta`` installs an unrelated project: the distribution is newsmeta-md.
_WRONG_INSTALL = re.compile(r"pip3?\s+install\s+(?:-\S+\s+)*['\"]?newsmeta(?!-md)(?![\w-])")


def test_the_wrong_install_pattern_is_recognised() -> None:
    for wrong in (
        "pip install newsmeta",
        "pip install 'newsmeta[dask]'",
        "pip install -U newsmeta",
    ):
        assert _WRONG_INSTALL.search(wrong), wrong
    for right in ("pip install newsmeta-md", "pip install 'newsmeta-md[dask]'", "pip install -e ."):
        assert not _WRONG_INSTALL.search(right), right


@pytest.mark.parametrize("page", [*PAGES, ROOT / "CHANGELOG.md"], ids=_id)
def test_no_page_tells_users_to_pip_install_newsmeta(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert _WRONG_INSTALL.search(text) is None, _WRONG_INSTALL.search(text)


def test_the_readme_opens_with_the_two_line_user_path() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first = blocks(ROOT / "README.md")[0]
    assert first.lang == "sh"
    assert first.code == "pip install newsmeta-md\nnewsmeta validate content/\n"
    assert readme.index(first.code) < readme.index("## Working on newsmeta")
