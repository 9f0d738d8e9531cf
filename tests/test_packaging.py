"""The package as users get it: version, public surface, import cost, and the wheel's contents.

``scripts/test-installed-wheel.sh`` runs the whole suite against the built wheel installed
in a fresh virtual environment; these tests hold wherever newsmeta is installed from.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import newsmeta

from .conftest import ROOT

#: The name on the package index; the import name and the command are ``newsmeta``.
DISTRIBUTION = "newsmeta-md"


def test_version_is_the_installed_distribution_version() -> None:
    assert newsmeta.__version__ == importlib.metadata.version(DISTRIBUTION)


def test_the_command_line_prints_the_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "newsmeta", "--version"], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == f"newsmeta {newsmeta.__version__}"


def test_the_console_script_is_declared() -> None:
    scripts = importlib.metadata.distribution(DISTRIBUTION).entry_points.select(
        group="console_scripts"
    )
    assert {(ep.name, ep.value) for ep in scripts} == {("newsmeta", "newsmeta.cli:main")}


def test_all_is_sorted_and_every_name_is_importable() -> None:
    names = list(newsmeta.__all__)
    # ruff's "isort-style" order (RUF022): CONSTANTS, then Classes, then everything else.
    assert names == sorted(
        names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n)
    )
    assert len(set(names)) == len(names)
    for name in names:
        assert hasattr(newsmeta, name), name
    namespace: dict[str, object] = {}
    exec("from newsmeta import *", namespace)
    assert set(names) <= set(namespace)


def test_every_public_module_defines_all() -> None:
    for module in ("model", "document", "problems", "errors", "schema", "validation"):
        imported = importlib.import_module(f"newsmeta.{module}")
        exported = getattr(imported, "__all__", None)
        assert exported is not None, module
        for name in exported:
            assert hasattr(imported, name), f"newsmeta.{module}.{name}"


def test_submodules_are_attributes_after_a_bare_import() -> None:
    script = (
        "import newsmeta\n"
        "assert callable(newsmeta.validation.check_bytes)\n"
        "assert newsmeta.schema.SCHEMA_ID.startswith('https://')\n"
        "assert newsmeta.load is newsmeta.document.load\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True)


_HEAVY = (
    "ruamel",
    "jsonschema",
    "jsonschema_rs",
    "cattrs",
    "argparse",
    "newsmeta.cli",
    "ftfy",
    "pygls",
    "lsprotocol",
    "newsmeta.lsp",
    "argcomplete",
    "jq",
    "newsmeta.jqprogram",
    "sqlite3",
    "newsmeta.cache",
)


def test_import_newsmeta_stays_light() -> None:
    script = (
        "import json, sys\n"
        "import newsmeta\n"
        f"heavy = {_HEAVY!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in heavy\n"
        "                        or m in heavy)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) == []


def test_validation_leaves_the_cache_adapter_alone() -> None:
    script = (
        "import sys\n"
        "import newsmeta.validation\n"
        "print(sorted(m for m in ('sqlite3', 'newsmeta.cache') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_the_schema_and_py_typed_are_package_data() -> None:
    from importlib.resources import files

    package = files("newsmeta")
    assert package.joinpath("py.typed").is_file()
    shipped = json.loads(package.joinpath("schemas/article.schema.json").read_text("utf-8"))
    published = ROOT / "schemas" / "article.schema.json"
    if published.is_file():
        assert shipped == json.loads(published.read_text(encoding="utf-8"))
    assert shipped["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_project_metadata_names_the_licence_urls_and_docs_extra() -> None:
    meta = importlib.metadata.metadata(DISTRIBUTION)
    assert meta["License-Expression"] == "MIT"
    urls = dict(value.split(", ", 1) for value in meta.get_all("Project-URL") or [])
    assert {"Homepage", "Documentation", "Repository", "Issues", "Changelog"} <= set(urls)
    assert "docs" in (meta.get_all("Provides-Extra") or [])
    assert "Typing :: Typed" in (meta.get_all("Classifier") or [])


def _builder() -> list[str] | None:
    """A command that builds a wheel into a directory appended to it, or None."""
    if importlib.util.find_spec("build") is not None:
        isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-isolation"]
        return [sys.executable, "-m", "build", "--wheel", *isolation, "--outdir"]
    return None


@pytest.mark.slow
def test_the_built_wheel_contains_the_schema_and_py_typed(tmp_path: Path) -> None:
    command = _builder()
    if command is None:
        pytest.skip("the 'build' package is not installed")
    if not (ROOT / "pyproject.toml").is_file() or not (ROOT / "src").is_dir():
        pytest.skip("not run from a source tree")
    source = tmp_path / "source"
    # Build from a copy, so that no build/ or dist/ appears in the working tree.
    skipped = (".venv", ".git", "site", "dist", "build", ".*_cache", ".hypothesis", "__pycache__")
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*skipped))
    out = tmp_path / "dist"
    subprocess.run([*command, str(out)], cwd=source, capture_output=True, check=True)
    (wheel,) = out.glob("newsmeta_md-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "newsmeta/py.typed" in names
    assert "newsmeta/schemas/article.schema.json" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.startswith(("tests/", "docs/", "examples/")) for n in names)
