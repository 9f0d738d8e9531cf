"""newsmeta: news articles as Markdown with YAML front matter, typed, validated and edited
byte for byte.

``newsmeta.load(path)`` returns a :class:`Document`: its exact text, every problem at its
line and column, and the typed, frozen :class:`Article`. Importing this package is light:
each public name is imported from its module when first used, so ``import newsmeta``
loads no parser, schema engine, model or command line, and ``newsmeta validate`` loads
only what validation needs.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from newsmeta._version import __version__

if TYPE_CHECKING:
    from newsmeta.convert import from_dict, to_dict
    from newsmeta.document import (
        Document,
        dump,
        dumps,
        iter_documents,
        load,
        loads,
        new,
        validate,
    )
    from newsmeta.errors import (
        AliasEditError,
        ConcurrentModificationError,
        ConversionError,
        DuplicateKeyEditError,
        EditError,
        ExistingFileError,
        FileTooLargeError,
        InvalidDocumentError,
        InvalidPathError,
        JqError,
        JqHaltError,
        LinkedFileError,
        MetadataNotKeptError,
        NewProblemsError,
        NewsmetaError,
        PathNotFoundError,
        ReadOnlyFileError,
        VerificationError,
    )
    from newsmeta.model import Article, Image, Provider, RelatedArticle
    from newsmeta.problems import CODES, Code, Problem, Severity, explain_text
    from newsmeta.validation import FileResult, check, validate_many
    from newsmeta.values import parse_value

#: Where each public name lives.
_HOMES = {
    "newsmeta.convert": ("from_dict", "to_dict"),
    "newsmeta.document": (
        "Document",
        "dump",
        "dumps",
        "iter_documents",
        "load",
        "loads",
        "new",
        "validate",
    ),
    "newsmeta.errors": (
        "AliasEditError",
        "ConcurrentModificationError",
        "ConversionError",
        "DuplicateKeyEditError",
        "EditError",
        "ExistingFileError",
        "FileTooLargeError",
        "InvalidDocumentError",
        "InvalidPathError",
        "JqError",
        "JqHaltError",
        "LinkedFileError",
        "MetadataNotKeptError",
        "NewProblemsError",
        "NewsmetaError",
        "PathNotFoundError",
        "ReadOnlyFileError",
        "VerificationError",
    ),
    "newsmeta.model": ("Article", "Image", "Provider", "RelatedArticle"),
    "newsmeta.problems": ("CODES", "Code", "Problem", "Severity", "explain_text"),
    "newsmeta.validation": ("FileResult", "check", "validate_many"),
    "newsmeta.values": ("parse_value",),
}
_MODULE_OF = {name: module for module, names in _HOMES.items() for name in names}

__all__ = [
    "CODES",
    "AliasEditError",
    "Article",
    "Code",
    "ConcurrentModificationError",
    "ConversionError",
    "Document",
    "DuplicateKeyEditError",
    "EditError",
    "ExistingFileError",
    "FileResult",
    "FileTooLargeError",
    "Image",
    "InvalidDocumentError",
    "InvalidPathError",
    "JqError",
    "JqHaltError",
    "LinkedFileError",
    "MetadataNotKeptError",
    "NewProblemsError",
    "NewsmetaError",
    "PathNotFoundError",
    "Problem",
    "Provider",
    "ReadOnlyFileError",
    "RelatedArticle",
    "Severity",
    "VerificationError",
    "__version__",
    "check",
    "dump",
    "dumps",
    "explain_text",
    "from_dict",
    "iter_documents",
    "load",
    "loads",
    "new",
    "parse_value",
    "to_dict",
    "validate",
    "validate_many",
]


#: Submodules reachable as attributes after a bare ``import newsmeta``.
_SUBMODULES = frozenset(
    {
        "cache",
        "cli",
        "config",
        "convert",
        "document",
        "errors",
        "feed",
        "fixing",
        "jqprogram",
        "model",
        "paths",
        "problems",
        "reporters",
        "rules",
        "schema",
        "validation",
        "values",
    }
)


def __getattr__(name: str) -> object:
    """Import a public name, or a submodule, on first use (PEP 562)."""
    module = _MODULE_OF.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module), name)
    elif name in _SUBMODULES:
        value = importlib.import_module(f"newsmeta.{name}")
    else:
        raise AttributeError(f"module 'newsmeta' has no attribute {name!r}")
    globals()[name] = value  # later lookups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
