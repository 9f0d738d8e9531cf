"""newsmeta: news articles as Markdown with YAML front matter, typed, validated and edited
byte for byte.

``newsmeta.load(path)`` returns a :class:`Document`: its exact text, every problem at its
line and column, and the typed, frozen :class:`Article`. Importing this package is light:
the YAML parser, the schema engines and the CLI load only when first used.
"""

from newsmeta._version import __version__
from newsmeta.document import Document, dump, dumps, load, loads, validate
from newsmeta.errors import (
    AliasEditError,
    ConcurrentModificationError,
    EditError,
    InvalidDocumentError,
    InvalidPathError,
    LinkedFileError,
    NewProblemsError,
    NewsmetaError,
    PathNotFoundError,
    VerificationError,
)
from newsmeta.model import Article, Image, Provider, RelatedArticle
from newsmeta.problems import CODES, Code, Problem, Severity
from newsmeta.validation import FileResult, validate_many

__all__ = [
    "CODES",
    "AliasEditError",
    "Article",
    "Code",
    "ConcurrentModificationError",
    "Document",
    "EditError",
    "FileResult",
    "Image",
    "InvalidDocumentError",
    "InvalidPathError",
    "LinkedFileError",
    "NewProblemsError",
    "NewsmetaError",
    "PathNotFoundError",
    "Problem",
    "Provider",
    "RelatedArticle",
    "Severity",
    "VerificationError",
    "__version__",
    "dump",
    "dumps",
    "load",
    "loads",
    "validate",
    "validate_many",
]
