"""newsmeta: news articles as Markdown with YAML front matter, typed, validated and edited
byte for byte.

``newsmeta.load(path)`` returns a :class:`Document`: its exact text, every problem at its
line and column, and the typed, frozen :class:`Article`. Importing this package is light:
the YAML parser, the schema engines and the CLI load only when first used.
"""

from newsmeta._version import __version__
from newsmeta.document import Document, load, loads, validate
from newsmeta.errors import InvalidDocumentError, NewsmetaError
from newsmeta.model import Article, Image, Provider, RelatedArticle
from newsmeta.problems import CODES, Code, Problem, Severity
from newsmeta.validation import FileResult, validate_many

__all__ = [
    "CODES",
    "Article",
    "Code",
    "Document",
    "FileResult",
    "Image",
    "InvalidDocumentError",
    "NewsmetaError",
    "Problem",
    "Provider",
    "RelatedArticle",
    "Severity",
    "__version__",
    "load",
    "loads",
    "validate",
    "validate_many",
]
