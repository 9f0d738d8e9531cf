"""Documents: an article file's exact text, its located problems and its typed view.

The source text is the truth. A :class:`Document` keeps the text exactly as read (BOM,
fences, line endings, body) and derives everything else from it: the JSON view of the
front matter, the typed :class:`~newsmeta.model.Article`, and the problems.
"""

from __future__ import annotations

import io
import os
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Literal, cast

import attrs

from newsmeta._check import Analysis, analyse, analyse_view, decode, quick_read, rules_may_err
from newsmeta._files import read_article_bytes
from newsmeta._frontmatter import Split
from newsmeta._yamltree import DEFAULT_LIMITS, Finding, JSONValue, Node
from newsmeta.errors import EditError, InvalidDocumentError, NewProblemsError
from newsmeta.problems import Problem, Severity

if TYPE_CHECKING:
    from newsmeta._edit import Op
    from newsmeta._quick import QuickView
    from newsmeta._yamltree import Limits
    from newsmeta.config import Config
    from newsmeta.model import Article

__all__ = [
    "Document",
    "Location",
    "closest_path",
    "dump",
    "dumps",
    "front_matter_span",
    "iter_documents",
    "load",
    "loads",
    "new",
    "save_many",
    "validate",
]

#: A path into the front matter: ``provider.name``, ``images[0].width``, ``/provider/name``,
#: or a sequence of keys and indices.
PathLike = str | Sequence[str | int]


@attrs.frozen
class Location:
    """The key or value of the front matter that a character belongs to
    (:meth:`Document.locate`)."""

    #: The keys and indices that lead to it; for a key, the path ends with the key.
    path: tuple[str | int, ...]
    #: ``"key"`` for a mapping key, ``"value"`` for a scalar value.
    kind: Literal["key", "value"]
    #: Its span, as character indices into :attr:`Document.text` (``end`` exclusive).
    start: int
    end: int


class Document:
    """An article file, loaded.

    Never constructed directly: use :func:`load`, :func:`loads` or :func:`new`.

    - ``text`` is exactly the text read (bytes that are not UTF-8 are kept as lone
      surrogates, so ``text.encode("utf-8", "surrogateescape")`` is the original file);
    - ``problems`` lists every problem found, sorted by position;
    - ``article`` is the typed article, or ``None`` when the front matter cannot be
      structured (not a mapping, wrong types...);
    - ``body`` is the Markdown after the closing fence, verbatim;
    - ``data`` is the JSON-compatible view of the front matter that the schema checked.

    Editing (``set``, ``unset``, ``rename``, ``quote``, ``append``, ``insert``, assigning
    ``article``)
    splices the text and re-reads it; an edit that cannot be verified raises
    :class:`~newsmeta.errors.EditError` and leaves the document as it was. ``dumps()``
    returns the text; ``save()`` writes it back atomically.
    """

    __slots__ = (
        "_article",
        "_article_done",
        "_baseline",
        "_created",
        "_disk",
        "_path",
        "_read",
        "_unread",
    )

    def __init__(
        self,
        analysis: Analysis | _Unchecked,
        path: Path | str | None = None,
        disk: bytes | None = None,
        *,
        created: bool = False,
        unread: OSError | None = None,
    ) -> None:
        #: The analysis, or, for a file read on the quick path, what it takes to make it
        #: when first needed (see :attr:`_analysis`).
        self._read = analysis
        #: Why the file could not be read (:func:`iter_documents`): nothing to save then.
        self._unread = unread
        #: The path, as given (a loaded document's ``Path`` is made when first asked: one
        #: object less, and two for the collector, while nobody asks).
        self._path = path
        self._article: Article | None = None
        self._article_done = False
        #: Fingerprint of the bytes on disk when loaded or last saved (None: not from disk).
        self._disk = disk
        #: True for a document made by :func:`new` and not saved yet: it has no file.
        self._created = created
        #: The problems (code and pointer, every severity: a caller's policy may raise a
        #: warning to an error) the document had when loaded or last saved (none for a new
        #: document: every error it has is its own). Found with the problems of a
        #: document whose checks wait (see :attr:`_analysis`); a file read on the quick
        #: path and edited since keeps its unchecked read here, checked only if an edited
        #: text has errors to compare (see :meth:`new_errors`); a document saved since
        #: keeps the saved analysis, whose problems are counted then too.
        self._baseline: Counter[tuple[str, str]] | _Unchecked | Analysis | None = (
            _NO_PROBLEMS
            if created
            else _counted(analysis.problems)
            if isinstance(analysis, Analysis)
            else None
        )

    @property
    def _analysis(self) -> Analysis:
        """The analysis of the text: its problems, tree and data.

        A file read on the quick path is checked (schema, rules) only when something first
        needs the outcome: its problems, its tree, an edit. Its text, data, body and typed
        article come from the quick read alone. The problems are the very ones an eager
        check would have found, and they are the loaded document's baseline.
        """
        read = self._read
        if isinstance(read, _Unchecked):
            read = self._read = read.check()
            self._baseline = _counted(read.problems)
        return read

    @_analysis.setter
    def _analysis(self, analysis: Analysis) -> None:
        self._analysis  # noqa: B018 - the loaded analysis sets the baseline first
        self._read = analysis

    @property
    def path(self) -> Path | None:
        """The file the document was loaded from, or is saved to by default (``None``:
        none yet)."""
        path = self._path
        if isinstance(path, str):
            path = self._path = Path(path)
        return path

    @path.setter
    def path(self, path: Path | None) -> None:
        self._path = path

    @property
    def text(self) -> str:
        """The document's exact text."""
        return self._read.text

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
        """The Markdown body after the closing fence (empty when there are no fences).

        Assigning a string replaces exactly the text after the closing fence: the BOM, the
        fences and the front matter keep their bytes. The new body takes the file's line
        ending (``\n`` becomes ``\r\n`` in a CRLF file, ``\r\n`` becomes ``\n`` in an LF
        one), so reading it back may differ from the string given in that way only. A
        closing fence at the very end of the file gets the file's line ending when the body
        is not empty. Raises :class:`~newsmeta.errors.EditError` when the document has no
        front-matter fences.
        """
        read = self._read
        if isinstance(read, _Unchecked):
            return read.body
        return read.split.body if read.split is not None else ""

    @body.setter
    def body(self, body: str) -> None:
        if not isinstance(body, str):
            raise TypeError(f"the body must be a string, not {type(body).__name__}")
        split = self._analysis.split
        if split is None:
            raise EditError("the document has no front-matter fences, so it has no body to replace")
        newline = split.newline
        body = body.replace("\r\n", "\n")
        if newline != "\n":
            body = body.replace("\n", newline)
        closing = split.closing
        if body and not closing.endswith("\n"):
            closing += newline
        text = split.bom + split.opening + split.yaml + closing + body
        if text == self._analysis.text:
            return
        where = os.fspath(self.path) if self.path is not None else None
        analysis = analyse(text, path=where)
        if (
            analysis.split is None
            or analysis.split.yaml != split.yaml
            or analysis.split.body != body
        ):  # pragma: no cover - the closing fence is the first one, whatever follows it
            raise EditError("the new body would change where the front matter ends")
        self._analysis = analysis
        self._article = None
        self._article_done = False

    @property
    def data(self) -> JSONValue:
        """The JSON-compatible front matter (timestamps as their RFC 3339 text).

        It is the document's own, not a copy: read it, and change the document through
        :meth:`set`, :meth:`apply` and the other edits, which keep the text, this data and
        the problems in step. Changed in place, it no longer matches the text, and what
        the document says afterwards (its problems, their places) is undefined."""
        return self._read.data

    @property
    def node(self) -> Node | None:
        """The root of the positioned YAML node tree (for tools that need spans)."""
        return self._analysis.root

    def locate(self, index: int) -> Location | None:
        """The innermost key or scalar value at character ``index`` of :attr:`text`.

        An index at either end of a span counts as in it (a cursor just after a key is on
        the key). ``None`` outside every key and value, and for a front matter that does
        not parse. Keys that are not text (``? [a, b]``) are never located.
        """
        from newsmeta._yamltree import Mapping as MappingNode
        from newsmeta._yamltree import Scalar, Sequence

        node = self._analysis.root
        parts: list[str | int] = []
        while node is not None:
            inner: Node | None = None
            if isinstance(node, MappingNode):
                for key, value in node.pairs:
                    name = key.value if isinstance(key, Scalar) else None
                    if name is None:
                        continue
                    if key.start <= index <= key.end:
                        return Location((*parts, name), "key", key.start, key.end)
                    if value.start <= index <= value.end:
                        parts.append(name)
                        inner = value
                        break
            elif isinstance(node, Sequence):
                for position, item in enumerate(node.items):
                    if item.start <= index <= item.end:
                        parts.append(position)
                        inner = item
                        break
            else:
                return Location(tuple(parts), "value", node.start, node.end)
            node = inner
        return None

    @property
    def article(self) -> Article | None:
        """The typed article, or ``None`` when the front matter cannot be structured.

        Assigning an :class:`~newsmeta.model.Article` (typically ``attrs.evolve`` of this
        one) edits the text: only the keys and items whose values changed are spliced.
        Raises :class:`~newsmeta.errors.EditError` when that cannot be done faithfully.
        """
        if not self._article_done:
            self._article = _structure(self._read.data)
            self._article_done = True
        return self._article

    @article.setter
    def article(self, new: Article) -> None:
        from newsmeta._edit import diff_data, to_json
        from newsmeta.convert import unstructure_article

        old = self.article
        if old is None:
            raise EditError(
                "the document has no typed article to compare with; edit it by path instead"
            )
        if new == old:
            return
        ops = diff_data(to_json(unstructure_article(old)), to_json(unstructure_article(new)))
        self._edit(ops)

    # --- editing -------------------------------------------------------------------------

    def _edit(self, ops: Sequence[Op], intent: JSONValue = None) -> None:
        from newsmeta._edit import apply

        # The path as given (a str, or a Path made only if asked for: not made for this).
        where = os.fspath(self._path) if self._path is not None else None
        read = self._read
        # A splice needs the text, its data and its tree, not its problems: a file read on
        # the quick path is edited unchecked, and its errors are found only if the edited
        # text has errors to compare them with (see new_errors).
        loaded = read.unchecked() if isinstance(read, _Unchecked) else read
        # The line reader's view of a text read on the quick path: the edited text is
        # then read again only where it changed.
        view = read.line_view() if isinstance(read, _Unchecked) else None
        analysis = apply(loaded, ops, path=where, intent=intent, view=view)
        if analysis is loaded:
            return
        if isinstance(read, _Unchecked):
            self._baseline = read
        self._read = analysis
        self._article = None
        self._article_done = False

    def apply(self, fn: Callable[[dict[str, JSONValue]], object], *, copy: bool = True) -> bool:
        """Edit the front matter as data: ``fn`` maps the JSON view to the new one.

        ``fn`` receives a copy of :attr:`data` (it may change it in place and return it)
        and returns the new front matter: a mapping of JSON values, datetimes or model
        objects, as :meth:`set` takes. The difference between the old view and the new
        one is spliced into the text: only the lines of changed values change, a new
        key goes to its canonical position, a removed key or list item takes exactly its
        lines, and a list is compared item by item (removing one item removes its lines
        only). A jq program from :func:`newsmeta.jqprogram.compile` is one such ``fn``.

        ``copy=False`` hands ``fn`` :attr:`data` itself, which ``fn`` must then leave as
        it is: for a function that builds its result anew (a jq program does), it saves
        copying the view, and the parts of the result that are the view's own objects
        are known to be unchanged without being looked at again.

        Returns True when the text changed, False when ``fn`` returned the same data.
        Raises :class:`~newsmeta.errors.EditError` when the front matter is not a
        readable mapping, when ``fn`` returns something other than a mapping, or when
        the result cannot be written faithfully; the document is then unchanged.
        Whatever ``fn`` raises is raised as it is.
        """
        from newsmeta._edit import copy_view, diff_data, to_json_from

        data = self.data
        read = self._read
        if (isinstance(read, Analysis) and not read.readable) or not isinstance(data, dict):
            raise EditError(
                "the front matter cannot be read as a mapping; fix its fences and YAML first"
            )
        result = fn(copy_view(data) if copy else data)  # type: ignore[arg-type]
        if not isinstance(result, Mapping):
            raise EditError(
                f"the new front matter must be a mapping, not {_kind_of(result)}; "
                "nothing was changed"
            )
        new = to_json_from(result, data)
        ops = diff_data(data, new)
        if not ops:
            return False
        self._edit(ops, intent=new)
        return self._read is not read

    def get(self, path: PathLike) -> JSONValue:
        """The JSON view of the value at ``path``.

        Raises :class:`~newsmeta.errors.PathNotFoundError` (a :class:`LookupError`) when
        there is none, :class:`~newsmeta.errors.DuplicateKeyEditError` when the path goes
        through a key defined twice in one mapping (readers disagree on its value) and
        :class:`~newsmeta.errors.InvalidPathError` for a malformed path.
        """
        from newsmeta._edit import get, parse_path, refuse_duplicates, resolve

        parts = resolve(self.data, parse_path(path))
        refuse_duplicates(self.text, self._analysis.root, parts)
        return get(self.data, parts)

    def set(self, path: PathLike, value: object) -> None:
        """Set the value at ``path``: a scalar, list, mapping, datetime or model object.

        An existing scalar keeps its style when it can; a new key goes to its canonical
        position; missing parent mappings are created. Raises EditError subclasses, also
        for a new top-level ``body`` key (the Markdown body is :attr:`body`).
        """
        from newsmeta._edit import SetOp, parse_path, to_json

        parts = tuple(parse_path(path))
        if parts == ("body",) and not (isinstance(self.data, dict) and "body" in self.data):
            # Not a key of the format: the Markdown body is meant, which is not front matter.
            raise EditError(
                "'body' is not a front-matter key; assign Document.body to replace the Markdown"
            )
        self._edit([SetOp(parts, to_json(value))])

    def unset(self, path: PathLike) -> None:
        """Remove the key or list item at ``path`` (exactly its lines, comment included)."""
        from newsmeta._edit import UnsetOp, parse_path

        self._edit([UnsetOp(tuple(parse_path(path)))])

    def rename(self, path: PathLike, new_key: str) -> None:
        """Rename the key at ``path`` to ``new_key``: only the key's text changes.

        The value keeps its text, its place and its comments. Raises
        :class:`~newsmeta.errors.EditError` when the mapping already has ``new_key`` or
        ``path`` does not name a key of a mapping.
        """
        from newsmeta._edit import RenameOp, parse_path

        self._edit([RenameOp(tuple(parse_path(path)), new_key)])

    def quote(self, path: PathLike) -> None:
        """Write the plain string at ``path`` in double quotes; its value stays the same.

        For text that YAML 1.1 readers (PyYAML, Ruby's Psych in Jekyll) would read as
        something else when plain: ``yes``, ``12:30``, a date in a text field. Only the
        value's own characters change. A value already quoted is left as it is. Raises
        :class:`~newsmeta.errors.EditError` when the value at ``path`` is not a string
        (quoting would change it).
        """
        from newsmeta._edit import QuoteOp, parse_path

        self._edit([QuoteOp(tuple(parse_path(path)))])

    def append(self, path: PathLike, value: object, *, unique: bool = False) -> None:
        """Add ``value`` at the end of the list at ``path`` (created when missing).

        With ``unique``, nothing changes when the list already holds an equal item
        (equal as JSON: ``True`` is not ``1``).
        """
        from newsmeta._edit import InsertOp, parse_path, same, to_json

        item = to_json(value)
        if unique:
            try:
                current = self.get(path)
            except LookupError:
                current = None
            if isinstance(current, list) and any(same(old, item) for old in current):
                return
        self._edit([InsertOp(tuple(parse_path(path)), None, item)])

    def insert(self, path: PathLike, index: int, value: object) -> None:
        """Insert ``value`` before item ``index`` (negative counts from the end) of a list."""
        from newsmeta._edit import InsertOp, parse_path, to_json

        self._edit([InsertOp(tuple(parse_path(path)), index, to_json(value))])

    # --- writing -------------------------------------------------------------------------

    @property
    def changed(self) -> bool:
        """True when the text differs from what was loaded or last saved."""
        return self._disk is None or self._disk != _fingerprint(self.encoded())

    def new_errors(self, severity: Mapping[str, Severity] | None = None) -> tuple[Problem, ...]:
        """Error-level problems the document did not have when loaded (or last saved).

        ``severity`` overrides a code's level, as a configuration's ``severity`` table
        does: a warning raised to an error counts as an error here, on both sides of the
        comparison, and an error lowered below it does not count.
        """
        if isinstance(self._read, _Unchecked):
            return ()  # unedited since loaded: its problems are its baseline
        levels = severity or {}
        analysis = self._analysis
        if analysis.rules_pending and not rules_may_err(levels):
            # Only the rules may find anything in this text, and they report nothing
            # that counts as an error under these levels: no need to run them.
            return ()
        errors = [
            problem
            for problem in analysis.problems
            if levels.get(problem.code, problem.severity) is Severity.ERROR
        ]
        if not errors:
            return ()
        baseline = self._baseline
        if isinstance(baseline, _Unchecked):
            baseline = self._baseline = _counted(baseline.check().problems)
        elif isinstance(baseline, Analysis):
            baseline = self._baseline = _counted(baseline.problems)
        left = Counter(baseline)
        introduced = []
        for problem in errors:
            key = (problem.code, problem.pointer)
            if left[key] > 0:
                left[key] -= 1
            else:
                introduced.append(problem)
        return tuple(introduced)

    @property
    def newline(self) -> str:
        """The file's line ending, ``"\r\n"`` or ``"\n"``, as its opening fence has it
        (``"\n"`` when there is no fence). Edits and a new body take it."""
        split = self._read.split
        return split.newline if split is not None else "\n"

    @property
    def bom(self) -> bool:
        """True when the text starts with a byte-order mark (kept by every edit)."""
        return self._read.text.startswith("\ufeff")

    def dumps(self) -> str:
        """The document's text: the original text, byte for byte, when unedited."""
        return self._read.text

    def encoded(self) -> bytes:
        """The bytes :meth:`save` writes (UTF-8; undecodable input bytes restored)."""
        return self._read.text.encode("utf-8", "surrogateescape")

    def save(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        force: bool = False,
        allow_links: bool = False,
        overwrite: bool | None = None,
        recreate: bool = False,
        refuse_new_errors: bool = True,
    ) -> None:
        """Write the document to ``path`` (default: the path it was loaded from).

        The write is a transaction (see the reliability section of the fidelity guide):
        atomic (a temporary beside the file, fsynced, renamed over it), locked against
        other newsmeta saves of the same file across "is it still what was loaded?" and
        the rename, and it keeps the file's owner, group, mode and extended attributes.

        Refuses, writing nothing (the file and its folder are as they were):

        - :class:`~newsmeta.errors.NewProblemsError` when edits introduced error-level
          problems the loaded document did not have, unless ``force`` (a document made by
          :func:`new` had none: each of its errors refuses the save), or unless
          ``refuse_new_errors`` is false (the caller judged them, say with its own policy);
        - :class:`~newsmeta.errors.ExistingFileError` (a :class:`FileExistsError`) when the
          target exists and ``overwrite`` is false. ``overwrite=None`` (the default) means
          false for a document made by :func:`new` that was never saved (saving it creates
          a file and never replaces one) and true otherwise;
        - :class:`~newsmeta.errors.ConcurrentModificationError` when the file it was
          loaded from changed on disk since (checked when saving back to that file), or
          was deleted (unless ``recreate``: then it is written again);
        - :class:`~newsmeta.errors.ReadOnlyFileError` for a read-only file and
          :class:`~newsmeta.errors.MetadataNotKeptError` when its owner, group, mode or
          an extended attribute cannot be kept, unless ``force``;
        - :class:`~newsmeta.errors.LinkedFileError` when the target is a symbolic link or
          has other hard links, unless ``allow_links`` (then a symlink's target is
          replaced, and a hard link is broken: other names keep the old bytes).

        Raises :class:`ValueError` when there is no path, :class:`OSError` on other I/O
        failures (a folder that is not writable, a full disk).
        """
        from newsmeta._atomic import write_atomic

        target = self._save_target(path, force=force, refuse_new_errors=refuse_new_errors)
        same_file = self.path is not None and (target is self.path or _same_file(target, self.path))
        data = self.encoded()
        if overwrite is None:
            overwrite = not self._created
        if overwrite:
            write_atomic(
                target,
                data,
                expected=self._disk if same_file else None,
                allow_links=allow_links,
                force=force,
                recreate=recreate,
            )
        else:
            from newsmeta._atomic import create_atomic

            create_atomic(target, data)
        self._saved(target, data, same_file)

    def _save_target(
        self, path: str | os.PathLike[str] | None, *, force: bool, refuse_new_errors: bool
    ) -> Path:
        """Where :meth:`save` writes, once it is known it may (its first refusals)."""
        target = Path(path) if path is not None else self.path
        if target is None:
            raise ValueError("the document has no path; pass one to save()")
        if self._unread is not None:
            # Its text is empty because the file could not be read: writing it would lose it.
            raise OSError(
                self._unread.errno,
                f"the file could not be read ({self._unread.strerror}); nothing to save",
                str(self.path),
            )
        if not force and refuse_new_errors:
            introduced = self.new_errors()
            if introduced:
                raise NewProblemsError(introduced, str(target))
        return target

    def _saved(self, target: Path, data: bytes, same_file: bool) -> None:
        """Take note that ``data`` is now the file at ``target``."""
        self._created = False
        if same_file or self.path is None:
            self.path = target
            self._disk = _fingerprint(data)
            if not isinstance(self._read, _Unchecked):
                # Counted when first compared (see new_errors): an edited text's rules
                # wait until its problems are needed.
                self._baseline = self._read

    def __repr__(self) -> str:
        where = str(self.path) if self.path is not None else "<text>"
        return f"<Document {where} problems={len(self._analysis.problems)} ok={self.ok}>"


def save_many(
    documents: Sequence[Document],
    *,
    force: bool = False,
    allow_links: bool = False,
    refuse_new_errors: bool = True,
) -> list[Exception | None]:
    """Save each document back to the file it was loaded from, as :meth:`Document.save`
    does, with one durability barrier for many files instead of one per file.

    Each save keeps every guarantee of :meth:`Document.save` (atomic, locked, checked
    against the file as loaded, the file's owner, mode and attributes kept, nothing left
    behind), and a file's bytes are on disk before its name points to them: all the new
    files are written, then made durable together (``syncfs`` on Linux; elsewhere, or if
    that fails, an ``fsync`` per file), then renamed into place one by one. SIGINT, SIGTERM
    and SIGHUP are held back meanwhile (on the main thread), so a Ctrl-C acts between
    batches of files (at most 128), never in the middle of one.

    Returns, for each document in order, None when it was saved, or the exception that
    refused it, as :meth:`Document.save` would have raised it (that file untouched).
    Documents that were never saved to a file (made by :func:`new`) are saved one by one.
    """
    from newsmeta._atomic import Write, write_atomic_many
    from newsmeta.errors import NewsmetaError

    results: list[Exception | None] = [None] * len(documents)
    writes: list[Write] = []
    batched: list[tuple[int, Document, Path, bytes]] = []
    for number, document in enumerate(documents):
        try:
            if document._created or document.path is None:
                document.save(
                    force=force, allow_links=allow_links, refuse_new_errors=refuse_new_errors
                )
                continue
            target = document._save_target(None, force=force, refuse_new_errors=refuse_new_errors)
        except (OSError, NewsmetaError, ValueError) as exc:
            results[number] = exc
            continue
        data = document.encoded()
        writes.append(
            Write(target, data, expected=document._disk, allow_links=allow_links, force=force)
        )
        batched.append((number, document, target, data))
    for (number, document, target, data), error in zip(
        batched, write_atomic_many(writes), strict=True
    ):
        if error is None:
            document._saved(target, data, True)
        elif isinstance(error, Exception):
            results[number] = error
        else:  # pragma: no cover - only Exceptions are returned
            raise error
    return results


def _kind_of(value: object) -> str:
    """A value's kind in the words of JSON: ``a list``, ``a string``, ``null``..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


#: The baseline of a document without problems, shared (never changed in place): a loaded
#: document keeps as few objects as it can, for the garbage collector visits each one.
_NO_PROBLEMS: Counter[tuple[str, str]] = Counter()


def _counted(problems: Sequence[Problem]) -> Counter[tuple[str, str]]:
    """``problems`` as a baseline: how many there are of each code at each pointer."""
    if not problems:
        return _NO_PROBLEMS
    return Counter((problem.code, problem.pointer) for problem in problems)


def _fingerprint(data: bytes) -> bytes:
    from newsmeta._atomic import fingerprint

    return fingerprint(data)


def _same_file(a: Path, b: Path) -> bool:
    return os.path.realpath(a) == os.path.realpath(b)


def _structure(data: JSONValue) -> Article | None:
    if not isinstance(data, dict):
        return None
    from newsmeta.convert import _article_or_none

    return _article_or_none(data)


def new(
    article: Article | Mapping[str, object],
    body: str | None = None,
    *,
    path: str | os.PathLike[str] | None = None,
    newline: str = "\n",
    bom: bool = False,
) -> Document:
    """A new article file in the house style of ``FORMAT.md``, as a :class:`Document`.

    ``article`` is an :class:`~newsmeta.model.Article` or a JSON view of front matter (a
    ``dict``, as :func:`~newsmeta.convert.to_dict` or ``Document.data`` give; datetimes
    are accepted). The text is "every key added to an empty mapping": the keys in canonical
    order, the real files' blank line before each group (``featuredContent``,
    ``provider``, ``topics``, ``images``, ``related``, ``secured``), double quotes where the
    real files use them, plain ``T...Z`` timestamps, two-space indentation with list items
    indented under their key, LF line endings; ``body`` follows the closing fence verbatim
    (by default ``newline``: the real files' body is ``"\n"``).

    ``newline="\r\n"`` writes the fences and the front matter with CRLF line endings, and
    ``bom=True`` starts the text with a byte-order mark, as :attr:`Document.newline` and
    :attr:`Document.bom` tell of a file read: so a CRLF file, or one with a BOM, written
    again from its data and body comes back byte for byte when its front matter was in
    house style.

    The document was never on disk: its baseline of errors is empty, so :meth:`~Document.save`
    refuses it while it has any error (unless ``force``), and by default refuses to replace
    an existing file. ``path`` is recorded for rules that read the file name and as the
    default target of ``save()``; nothing is read from it.

    Raises :class:`~newsmeta.errors.EditError` for a value with no front-matter form (a
    ``set``, NaN) and :class:`~newsmeta.errors.VerificationError` if the text would not read
    back as ``article`` (never expected: the renderer and the reader are held together by
    tests).
    """
    from newsmeta._edit import render_front_matter, same, to_json
    from newsmeta.errors import VerificationError

    if newline not in ("\n", "\r\n"):
        raise ValueError(f"newline is '\\n' or '\\r\\n', not {newline!r}")
    if body is None:
        body = newline
    if not isinstance(body, str):
        raise TypeError(f"the body must be a string, not {type(body).__name__}")
    data = to_json(article)
    if not isinstance(data, dict):
        raise EditError(f"front matter is a mapping, not {type(article).__name__}")
    fenced = "---\n" + render_front_matter(data) + "---\n"
    if newline != "\n":
        fenced = fenced.replace("\n", newline)
    text = ("\ufeff" if bom else "") + fenced + body
    name = os.fspath(path) if path is not None else None
    analysis = analyse(text, path=name)
    if not analysis.readable or not same(analysis.data, data):
        raise VerificationError(
            "the new article's text does not read back as its data", data, analysis.data
        )
    return Document(analysis, Path(name) if name is not None else None, created=True)


def loads(text: str | bytes, *, path: str | os.PathLike[str] | None = None) -> Document:
    """Load an article from its text, or from a file's bytes (decoded as :func:`load`
    decodes a file: a byte-order mark kept, bad UTF-8 and UTF-16 reported as problems).
    Never raises for invalid content.

    ``path`` is only recorded (for messages and later saves); nothing is read from it.
    """
    name = os.fspath(path) if path is not None else None
    findings: list[Finding] = []
    if isinstance(text, bytes):
        text, findings = decode(text)
    return Document(_analysis_of(text, findings, name), Path(name) if name is not None else None)


def load(path: str | os.PathLike[str], *, max_bytes: int | None = None) -> Document:
    """Load the article file at ``path``.

    Invalid content (bad UTF-8, no fences, bad YAML, schema errors) never raises: it is
    reported in ``Document.problems``. A file larger than ``max_bytes`` (default and
    ceiling: the 4 MiB that ``newsmeta validate`` allows; pass the configured
    ``max-file-bytes`` to lower it) raises :class:`~newsmeta.errors.FileTooLargeError`
    without being read whole. Other I/O failures raise :class:`OSError`.

    A file whose YAML has nothing to report is checked (schema, rules) when its problems,
    tree or an edit first need it: its text, data, body and typed article need no check.
    The problems are the ones an immediate check would find.
    """
    limit = _size_limit(max_bytes)
    file_path = _kept_path(path)
    raw = read_article_bytes(file_path, limit)
    if len(raw) > limit:
        from newsmeta.errors import FileTooLargeError

        raise FileTooLargeError(os.fspath(path), limit)
    text, findings = decode(raw)
    return Document(_analysis_of(text, findings, os.fspath(path)), file_path, _fingerprint(raw))


def _kept_path(path: str | os.PathLike[str]) -> Path | str:
    """``path`` as a loaded document keeps it: its text, when that is already how ``Path``
    writes it (the ``Path`` is then made only if asked for), else the ``Path``."""
    name = os.fspath(path)
    if (
        os.sep == "/"
        and isinstance(name, str)
        and name not in ("", ".")
        and "//" not in name
        and "/./" not in name
        and not name.startswith("./")
        and not name.endswith(("/", "/."))
    ):
        return name
    return Path(name)


def _analysis_of(text: str, findings: list[Finding], path: str | None) -> Analysis | _Unchecked:
    """The analysis of a decoded text, or, when the quick path reads it, what it takes to
    make it on first use: most files need neither a node tree nor their checks until a
    program asks for positions or problems."""
    if not findings:
        read = quick_read(text)
        if read is not None:
            return _Unchecked(text, read[0], read[1], path)
    # The quick read declined (or the bytes had findings): only the full path can tell.
    return analyse(text, prior=findings, path=path)


class _Unchecked:
    """A text read on the quick path whose schema and rule checks have not run yet.

    It has what :class:`Analysis` has without them (the text, its split, the data);
    :meth:`check` runs them, with the path the file was loaded from, and gives what
    :func:`~newsmeta._check.analyse_quickly` would have given at load time.

    A loaded document may be kept, with thousands of others, for as long as a program
    runs: it keeps what it holds small, and out of the garbage collector's sight where
    it can. The split is kept as the four indices that cut the text (its pieces are
    sliced again when asked), and a view the line reader made as its data and, as the
    bytes of one ``array``, its spans followed by its top-level ordinals (the index of
    each top-level scalar value, in the data's order: a dictionary of every top-level
    key would hold about 0.4 KB); the view is made again when asked, its offset being
    where the YAML starts.
    """

    __slots__ = ("_cuts", "_dates_elsewhere", "_path", "_spans", "_view", "data", "text")

    def __init__(self, text: str, split: Split, view: QuickView, path: str | None) -> None:
        from newsmeta._quick import LINE_READER_SOURCE

        self.text = text
        yaml_start = len(split.bom) + len(split.opening)
        closing_start = yaml_start + len(split.yaml)
        self._cuts = (len(split.bom), yaml_start, closing_start, closing_start + len(split.closing))
        self.data: JSONValue = view.data
        self._path = path
        if view.event_source is LINE_READER_SOURCE and view.offset == yaml_start:
            # 4 bytes a position (a front matter is far shorter than 2**31 characters), in
            # bytes: not a container, so nothing for the collector to visit. The line
            # reader indexes exactly the top-level keys whose values are scalars, in the
            # data's order: their ordinals follow the spans, and the keys are the data's.
            positions = array("i", view.values)
            positions.extend(view.top_level.values())
            self._spans: bytes | None = positions.tobytes()
            # What the reader saw of plain timestamps, so that the checks' rules need not
            # look for one in a text field again (see QuickView.plain_dates_elsewhere).
            self._dates_elsewhere = view.plain_dates_elsewhere
            self._view: QuickView | None = None
        else:  # the parser's events (a view made without the line reader): kept as read
            self._spans = None
            self._dates_elsewhere = True
            self._view = view

    @property
    def split(self) -> Split:
        """The pieces of the text, as the quick read split it."""
        text = self.text
        bom_end, yaml_start, closing_start, closing_end = self._cuts
        return Split(
            bom=text[:bom_end],
            opening=text[bom_end:yaml_start],
            yaml=text[yaml_start:closing_start],
            closing=text[closing_start:closing_end],
            body=text[closing_end:],
        )

    @property
    def body(self) -> str:
        """The Markdown after the closing fence."""
        return self.text[self._cuts[3] :]

    def _quick_view(self) -> QuickView:
        if self._view is not None:
            return self._view
        from newsmeta._quick import QuickView

        _, yaml_start, closing_start, _ = self._cuts
        yaml = self.text[yaml_start:closing_start]
        spans = array("i", self._spans or b"").tolist()
        data = self.data
        assert isinstance(data, dict)  # a quick view reads a mapping only
        keys = [key for key, value in data.items() if not isinstance(value, dict | list)]
        cut = len(spans) - len(keys)
        top_level = dict(zip(keys, spans[cut:], strict=True))
        del spans[cut:]
        return QuickView(
            data,
            spans,
            yaml_start,
            top_level,
            yaml,
            spans=True,
            plain_dates_elsewhere=self._dates_elsewhere,
        )

    def check(self) -> Analysis:
        return analyse_view(self.text, self.split, self._quick_view(), self._path)

    def line_view(self) -> QuickView | None:
        """The line reader's view of the text, with its spans; None for a view the
        parser's events made."""
        return self._quick_view() if self._spans is not None else None

    def unchecked(self) -> Analysis:
        """An analysis to splice an edit into: the text, split, data and (built on first
        use) tree, without the checks. Its problems are those of the YAML layers, which
        the quick read found none of; it is never the document's analysis."""
        return Analysis(
            self.text,
            self.split,
            None,
            self.data,
            [],
            True,
            lazy=DEFAULT_LIMITS,
            view=self._view if self._view is not None else self._tree_source(),
        )

    def _tree_source(self) -> QuickView:
        """A view of the line reader's text without its spans: all an analysis keeps of a
        view is where to read its tree from (the event source and the offset), and the
        spans, which locate problems, are the costly part of making the view again."""
        from newsmeta._quick import QuickView

        _, yaml_start, closing_start, _ = self._cuts
        data = self.data
        assert isinstance(data, dict)  # a quick view reads a mapping only
        yaml = self.text[yaml_start:closing_start]
        return QuickView(data, [], yaml_start, None, yaml, spans=True)


def _size_limit(max_bytes: int | None) -> int:
    ceiling = DEFAULT_LIMITS.max_file_bytes
    if max_bytes is None:
        return ceiling
    if not 0 < max_bytes <= ceiling:
        raise ValueError(f"max_bytes must be between 1 and {ceiling}, not {max_bytes}")
    return max_bytes


def iter_documents(
    *paths: str | os.PathLike[str],
    config: Config | None = None,
    exclude: Sequence[str] = (),
    require: bool = False,
) -> Iterator[Document]:
    """Load every article file in ``paths`` (files, directories, globs), one at a time.

    Files are found as ``newsmeta validate`` finds them (:mod:`newsmeta.paths`):
    directories walked for the configured extensions without following directory links,
    globs expanded, the configuration's ``exclude`` patterns and ``exclude`` (relative to
    the working directory) applied, sorted; no ``paths`` means the configuration's
    ``include``. ``config`` defaults to the configuration found from the working
    directory, as on the command line; a file over its ``max-file-bytes`` is not read.

    Documents are loaded lazily, so memory holds one at a time. A file (or directory) that
    cannot be read (or is too large) is still yielded, as a document with an ``io-*`` (or
    ``limit-file-size``) problem, empty text and no article, whose ``save()`` raises
    :class:`OSError`: one bad file never stops the loop.
    Raises :class:`FileNotFoundError` for a glob that matches nothing and
    :class:`~newsmeta.paths.NoInputError` when there are neither paths nor an ``include``,
    or, with ``require=True``, when the paths name no article file at all (an empty or
    mistyped directory), as the command line refuses them.
    """
    from newsmeta.config import find_config
    from newsmeta.paths import resolve

    config = config if config is not None else find_config()
    inputs = resolve([os.fspath(p) for p in paths], config, exclude, require=require)
    for directory, error in inputs.unreadable:
        yield _unreadable(directory, error, "directory")
    for name in inputs.paths:
        yield _read(name, config.limits)


def _read(name: str, limits: Limits) -> Document:
    try:
        return load(name, max_bytes=limits.max_file_bytes)
    except OSError as error:
        return _unreadable(name, error, "file")


def _unreadable(name: str, error: OSError, kind: str) -> Document:
    from newsmeta._files import io_problem_code
    from newsmeta.errors import FileTooLargeError

    reason = error.strerror or str(error)
    code = "limit-file-size" if isinstance(error, FileTooLargeError) else io_problem_code(error)
    problem = Problem(
        code, Severity.ERROR, f"The {kind} could not be read: {reason}.", "", 1, 1, 1, 1
    )
    return Document(Analysis("", None, None, None, [problem], False), Path(name), unread=error)


def dumps(document: Document) -> str:
    """The document's text (see :meth:`Document.dumps`)."""
    return document.dumps()


def dump(
    document: Document,
    target: str | os.PathLike[str] | IO[str] | IO[bytes],
    *,
    force: bool = False,
) -> None:
    """Write ``document`` to a path (atomically, as :meth:`Document.save`) or an open file.

    A binary file receives the exact bytes; a text file receives the text (open it with
    ``newline=""`` to keep CRLF line endings). Raises as :meth:`Document.save`.
    """
    if isinstance(target, str | os.PathLike):
        document.save(target, force=force)
        return
    if not force:
        introduced = document.new_errors()
        if introduced:
            raise NewProblemsError(introduced, getattr(target, "name", None))
    if "b" in getattr(target, "mode", "") or isinstance(target, io.RawIOBase | io.BufferedIOBase):
        cast("IO[bytes]", target).write(document.encoded())
    else:
        cast("IO[str]", target).write(document.dumps())


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


def front_matter_span(text: str) -> tuple[int, int] | None:
    """Where the YAML of the front matter lies in an article's ``text``: the indices of its
    first character and of the closing fence line (``None`` without an opening fence).

    An opening fence without a closing one (an article being typed) gives the rest of
    the text.
    """
    from newsmeta._frontmatter import FenceError, split_front_matter

    split = split_front_matter(text)
    if not isinstance(split, FenceError):
        return split.yaml_start, split.closing_start
    bom = 1 if text.startswith("\ufeff") else 0
    for opening in ("---\r\n", "---\n"):
        if text.startswith(opening, bom):
            return bom + len(opening), len(text)
    return None


def closest_path(data: JSONValue, path: PathLike) -> str | None:
    """The existing path in ``data`` (a front matter's JSON view) that ``path`` most likely
    stands for, as a dotted path; None when ``path`` exists or nothing is close.

    Each key that ``data`` does not have is replaced by the closest key of the mapping at
    that level (see :func:`newsmeta.suggestions.closest`); an index out of range, or a key
    into a list, gives None. ``path`` is written as :meth:`Document.get` takes it; a
    malformed path raises :class:`~newsmeta.errors.InvalidPathError`.
    """
    from newsmeta._edit import format_path, parse_path
    from newsmeta.suggestions import closest

    found: list[str | int] = []
    node: object = data
    changed = False
    for part in parse_path(path):
        if isinstance(node, dict):
            key = str(part)
            if key not in node:
                replacement = closest(key, [k for k in node if isinstance(k, str)])
                if replacement is None:
                    return None
                key, changed = replacement, True
            found.append(key)
            node = node[key]
        elif isinstance(node, list):
            index = int(part) if isinstance(part, int) or part.lstrip("-").isdigit() else None
            if index is None or not -len(node) <= index < len(node):
                return None
            found.append(index)
            node = node[index]
        else:
            return None
    return format_path(found) if changed else None
