"""Documents: an article file's exact text, its located problems and its typed view.

The source text is the truth. A :class:`Document` keeps the text exactly as read (BOM,
fences, line endings, body) and derives everything else from it: the JSON view of the
front matter, the typed :class:`~newsmeta.model.Article`, and the problems.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from newsmeta._check import Analysis, analyse, decode
from newsmeta._yamltree import JSONValue, Node
from newsmeta.errors import InvalidDocumentError
from newsmeta.problems import Problem, Severity

if TYPE_CHECKING:
    from newsmeta.model import Article

__all__ = ["Document", "load", "loads", "validate"]


class Document:
    """An article file, loaded.

    Never constructed directly: use :func:`load` or :func:`loads`.

    - ``text`` is exactly the text read (bytes that are not UTF-8 are kept as lone
      surrogates, so ``text.encode("utf-8", "surrogateescape")`` is the original file);
    - ``problems`` lists every problem found, sorted by position;
    - ``article`` is the typed article, or ``None`` when the front matter cannot be
      structured (not a mapping, wrong types...);
    - ``body`` is the Markdown after the closing fence, verbatim;
    - ``data`` is the JSON-compatible view of the front matter that the schema checked.
    """

    __slots__ = ("_analysis", "_article", "_article_done", "path")

    def __init__(self, analysis: Analysis, path: Path | None = None) -> None:
        self._analysis = analysis
        self.path = path
        self._article: Article | None = None
        self._article_done = False

    @property
    def text(self) -> str:
        """The document's exact text."""
        return self._analysis.text

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem in the document, sorted by position."""
        return tuple(self._analysis.problems)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The error-level problems."""
        return tuple(p for p in self._analysis.problems if p.severity is Severity.ERROR)

    @property
    def ok(self) -> bool:
        """True when the document has no error-level problem."""
        return not self.errors

    @property
    def body(self) -> str:
        """The Markdown body after the closing fence (empty when there are no fences)."""
        split = self._analysis.split
        return split.body if split is not None else ""

    @property
    def data(self) -> JSONValue:
        """The JSON-compatible front matter (timestamps as their RFC 3339 text)."""
        return self._analysis.data

    @property
    def node(self) -> Node | None:
        """The root of the positioned YAML node tree (for tools that need spans)."""
        return self._analysis.root

    @property
    def article(self) -> Article | None:
        """The typed article, or ``None`` when the front matter cannot be structured."""
        if not self._article_done:
            self._article = _structure(self._analysis.data)
            self._article_done = True
        return self._article

    def __repr__(self) -> str:
        where = str(self.path) if self.path is not None else "<text>"
        return f"<Document {where} problems={len(self._analysis.problems)} ok={self.ok}>"


def _structure(data: JSONValue) -> Article | None:
    if not isinstance(data, dict):
        return None
    from newsmeta.convert import structure_article

    try:
        return structure_article(data)
    except Exception:
        return None


def loads(text: str, *, path: str | os.PathLike[str] | None = None) -> Document:
    """Load an article from its text. Never raises for invalid content.

    ``path`` is only recorded (for messages and later saves); nothing is read from it.
    """
    name = os.fspath(path) if path is not None else None
    return Document(analyse(text, path=name), Path(name) if name is not None else None)


def load(path: str | os.PathLike[str]) -> Document:
    """Load the article file at ``path``.

    Invalid content (bad UTF-8, no fences, bad YAML, schema errors) never raises: it is
    reported in ``Document.problems``. Only I/O failures raise (:class:`OSError`).
    """
    file_path = Path(path)
    raw = file_path.read_bytes()
    text, findings = decode(raw)
    return Document(analyse(text, prior=findings, path=os.fspath(path)), file_path)


def validate(source: Document | str | os.PathLike[str]) -> Document:
    """Load ``source`` (a path or a loaded document) and return it if it has no errors.

    Raises :class:`~newsmeta.errors.InvalidDocumentError` carrying every problem when it
    has at least one error-level problem, and :class:`OSError` when a path cannot be read.
    """
    document = source if isinstance(source, Document) else load(source)
    if not document.ok:
        raise InvalidDocumentError(
            document.problems, str(document.path) if document.path is not None else None
        )
    return document
