"""A griffe extension for the API reference: Sphinx roles in docstrings become Markdown.

newsmeta's docstrings use ``:class:`~newsmeta.errors.EditError``` and ``::`` literal
blocks; mkdocstrings renders Markdown. The conversion itself is
``hooks.rst_to_markdown``, shared with the generated reference pages.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import griffe


def _hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "newsmeta_docs_hooks", Path(__file__).with_name("hooks.py")
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class SphinxRoles(griffe.Extension):
    """Rewrite every docstring with ``rst_to_markdown`` before it is rendered."""

    def __init__(self) -> None:
        super().__init__()
        self._convert = _hooks().rst_to_markdown

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = self._convert(obj.docstring.value)
