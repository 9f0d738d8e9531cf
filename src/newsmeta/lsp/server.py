"""The newsmeta language server: pygls wiring, open documents, scheduling.

What it does for each request is in :mod:`newsmeta.lsp.features`; this module decides
when, with which text and configuration, and on which thread:

- Messages are read from standard input by one thread, in whatever pieces the client
  writes, and handed to the event loop as they come (pygls's own reader hands every
  header line and body to a thread pool and back, three thread switches a message: on a
  busy machine each one waits for a core, and a keystroke's diagnostics with it).
- Open documents are kept here, with their text as the client sent it. (pygls's own
  store is not used: it splits lines at U+2028 and other characters that are not line
  breaks in LSP, which would shift every position after them.) Changes are applied
  through :func:`newsmeta.lsp.positions.apply_change`, on the position map the last
  diagnostics were published with.
- An article's check runs on the event loop's own thread: it takes a few milliseconds,
  and handing it to another thread and back would add two thread wake-ups to every
  keystroke, which on a busy machine each wait for a core. A longer text (over
  ``_INLINE_CHECK`` characters) is checked on a worker thread, so that the loop keeps
  reading messages meanwhile. Either way a check is never queued twice for one document:
  changes that arrive first are all applied before the check of the newest text, those
  that arrive while a worker checks are picked up by one more check, and a result for
  text that has changed since is dropped, never published.
- What runs per keystroke is only that check (the file's problems, as ``newsmeta
  validate`` finds them) and the diagnostics it publishes. Everything else waits for a
  request: hover and completion parse the text when asked (cached per revision); code
  actions reuse the published problems (or wait for the check under way) and, when the
  client resolves them, leave their edits to ``codeAction/resolve``; the topics of open
  documents are read when a topic is being completed.
- Hover, completion and code actions run on a second worker thread, so a long check
  never delays them.
- The workspace is indexed on a third thread, in the background: until that is done,
  documents get every diagnostic but ``corpus-duplicate-url``, and when it is done,
  the open documents are checked again.
- Every handler is guarded: an exception is logged with its traceback (to the server's
  log, stderr by default), the client gets a one-line note, an empty answer to a
  request, and the server goes on serving.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, BinaryIO, Final, TypeVar
from urllib.parse import unquote, urlparse

import attrs
from lsprotocol import types
from pygls.capabilities import ServerCapabilitiesBuilder
from pygls.exceptions import JsonRpcMethodNotFound, JsonRpcRequestCancelled
from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from newsmeta import __version__
from newsmeta.config import DEFAULT_EXTENSIONS, Config
from newsmeta.document import Document, loads
from newsmeta.lsp import features
from newsmeta.lsp.positions import TextMap, apply_change
from newsmeta.lsp.workspace import Configs, Corpus, topics_of
from newsmeta.paths import is_selected
from newsmeta.problems import Problem
from newsmeta.validation import Policy, check_bytes

__all__ = ["NewsmetaServer", "create_server", "serve"]

log = logging.getLogger("newsmeta.lsp")

T = TypeVar("T")

#: The configuration files a workspace may hold (see :mod:`newsmeta.config`).
_CONFIG_FILES: Final = ("newsmeta.toml", "pyproject.toml")
#: The id of the file watchers' registration.
_WATCH_ID: Final = "newsmeta-watch"

#: Seconds to wait after a check turned out stale, for the changes still being read.
_SETTLE: Final = 0.005
#: The longest text (in characters) checked on the event loop's own thread. A check of
#: an article takes a few milliseconds; handing it to the check thread and its result
#: back costs two thread wake-ups, and on a busy machine each waits for a core: that
#: wait, not the check, was most of a keystroke's slowest latencies. Longer texts go to
#: the check thread, so that messages are still read while they are checked.
_INLINE_CHECK: Final = 64_000
#: How many parsed documents the request thread keeps (the ones being worked on).
_PARSED_CACHE: Final = 8


def path_of(uri: str) -> str | None:
    """The file-system path of a ``file:`` URI, or ``None`` for any other scheme."""
    parsed = urlparse(uri)
    if parsed.scheme != "file":
        return None
    path = unquote(parsed.path)
    if os.name == "nt" and path.startswith("/") and path[2:3] == ":":  # pragma: no cover
        path = path[1:]
    return os.path.normpath(path)


@attrs.define
class OpenDocument:
    """A document the client has open: its text and what was last found in it."""

    uri: str
    path: str | None
    text: str
    version: int | None
    #: Bumped on every change; results are tied to the revision they were computed for.
    revision: int = 0
    #: The problems published for ``checked`` (None: none yet).
    problems: tuple[Problem, ...] | None = None
    checked: int = -1
    #: The URLs the document stated when last checked.
    urls: frozenset[str] = frozenset()
    #: False when the configuration does not check this file, or it is over the limits.
    active: bool = True
    #: The revision whose topics the workspace index counts (-1: none yet).
    topics_counted: int = -1
    #: The position map of ``text``, made when first needed (by the publication of its
    #: diagnostics, or the next change).
    _lines: TextMap | None = attrs.field(default=None, init=False)
    #: Requests waiting for the problems of the revision being checked.
    waiting: list[asyncio.Future[None]] = attrs.field(factory=list, init=False)

    @property
    def key(self) -> str:
        """The document's name in the workspace index: its path, or its URI."""
        return self.path if self.path is not None else self.uri

    def lines(self, encoding: str) -> TextMap:
        """The position map of the current text."""
        lines = self._lines
        if lines is None or lines.text is not self.text or lines.encoding != encoding:
            lines = self._lines = TextMap(self.text, encoding)
        return lines

    def wake(self) -> None:
        """Let every request waiting for this document's problems go on."""
        waiting, self.waiting = self.waiting, []
        for future in waiting:
            if not future.done():
                future.set_result(None)


@attrs.frozen
class Checked:
    """What one check of one revision found."""

    problems: tuple[Problem, ...]
    urls: tuple[str, ...]
    active: bool
    config_error: str | None


class _PipeReader:
    """Standard input for pygls's message loop, read by one thread in large pieces.

    The thread blocks in a read and hands each piece the client wrote (often several
    messages) to the event loop, which parses messages from its buffer without waiting.
    One wake-up of the loop per piece: a keystroke's ``didChange`` reaches the handler
    after one thread switch, not six.
    """

    def __init__(self, stream: BinaryIO, loop: asyncio.AbstractEventLoop) -> None:
        self._buffer = asyncio.StreamReader()
        self._loop = loop
        self._stream = stream
        threading.Thread(target=self._pump, name="newsmeta-stdin", daemon=True).start()

    def _pump(self) -> None:
        # The file descriptor itself, where there is one: a buffered reader would hold its
        # lock while blocked, and an interpreter exiting with it held aborts.
        try:
            descriptor = self._stream.fileno()
        except (OSError, ValueError, AttributeError):
            read = getattr(self._stream, "read1", self._stream.read)
        else:
            read = functools.partial(os.read, descriptor)
        while True:
            try:
                piece = read(1 << 16)
            except (OSError, ValueError):  # closed under us
                piece = b""
            try:
                if not piece:
                    self._loop.call_soon_threadsafe(self._buffer.feed_eof)
                    return
                self._loop.call_soon_threadsafe(self._buffer.feed_data, piece)
            except RuntimeError:  # the loop is closed: the server has stopped
                return

    async def readline(self) -> bytes:
        """The next line, its line break included (``b""`` at the end of input)."""
        try:
            return await self._buffer.readline()
        except ValueError:  # a line longer than the buffer's limit: no LSP header is
            return b""

    async def readexactly(self, size: int) -> bytes:
        """The next ``size`` bytes (``b""`` when the input ends first): a message body.

        A body that is not UTF-8 (a client that sends a binary or Latin-1 file's bytes as
        they are) is passed on with each stray byte as the lone surrogate
        ``surrogateescape`` makes of it: the JSON parses, the document opens, and its
        check encodes the text back to the file's own bytes, so the editor gets the
        located encoding problem ``newsmeta validate`` reports, not a lost message."""
        try:
            body = await self._buffer.readexactly(size)
        except asyncio.IncompleteReadError:
            return b""
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            body = body.decode("utf-8", "surrogateescape").encode("utf-8", "surrogatepass")
        return body


class _Protocol(LanguageServerProtocol):
    """Keeps open documents out of pygls's workspace: the server holds them (see the
    module docstring). Each method hands the notification straight to the server's
    handler.

    They are plain methods, not generators like pygls's own: pygls files the future of a
    generator handler under the message's id and, for a notification, never removes it,
    so every ``didChange`` would leave one behind (memory would grow with every
    keystroke)."""

    def _hand_over(self, method: str, params: object) -> None:
        handler = self.fm.features.get(method)
        if handler is not None:
            handler(params)

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> None:
        self._hand_over(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams) -> None:
        self._hand_over(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: types.DidCloseTextDocumentParams) -> None:
        self._hand_over(types.TEXT_DOCUMENT_DID_CLOSE, params)


class NewsmetaServer(LanguageServer):
    """The language server's state: open documents, configuration, the workspace index."""

    def __init__(self) -> None:
        super().__init__(
            "newsmeta",
            __version__,
            protocol_cls=_Protocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.documents: dict[str, OpenDocument] = {}
        self.configs = Configs()
        self.corpus = Corpus()
        self.client = features.Client()
        self.root: str | None = None
        self.stopping = threading.Event()
        self._checks = ThreadPoolExecutor(1, thread_name_prefix="newsmeta-check")
        self._requests = ThreadPoolExecutor(1, thread_name_prefix="newsmeta-request")
        self._indexer = ThreadPoolExecutor(1, thread_name_prefix="newsmeta-index")
        self._running: dict[str, asyncio.Task[None]] = {}
        self._again: set[str] = set()
        self._parsed: OrderedDict[tuple[str, int], Document] = OrderedDict()
        self._shown_errors: set[str] = set()
        self._index_runs = 0
        #: The file name endings the client watches for us.
        self._watched: frozenset[str] = frozenset()
        self._rewatch: asyncio.Future[None] | None = None
        #: Whether each open file is one ``newsmeta validate`` checks, for the
        #: configuration it was decided with.
        self._selected: dict[str, tuple[Config, bool]] = {}
        #: The configurations' generation the workspace index was made with.
        self._config_generation = 0

    # --- running ----------------------------------------------------------------------------

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve over standard input and output until the client exits (pygls's own
        ``start_io``, with :class:`_PipeReader` reading the input)."""
        stop = self._stop_event = threading.Event()  # pygls's shutdown sets it
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

        async def run() -> None:
            reader = _PipeReader(stdin or sys.stdin.buffer, asyncio.get_running_loop())
            await run_async(
                stop_event=stop,
                reader=reader,
                protocol=self.protocol,
                logger=log,
                error_handler=self.report_server_error,
            )

        try:
            asyncio.run(run())
        except BrokenPipeError:
            log.error("the connection to the client is lost; stopping")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()  # type: ignore[no-untyped-call]

    # --- reporting ------------------------------------------------------------------------------

    def report_server_error(self, error: Exception, source: Any) -> None:
        """Log a failure inside pygls itself; the client gets a line, not a traceback.

        A request for a method the server does not offer, or one the client cancelled, is
        no failure: it has had its answer (an error response), and is only logged."""
        if isinstance(error, JsonRpcMethodNotFound | JsonRpcRequestCancelled):
            log.info("answered with an error: %s", error)
            return
        log.error("language server error (%s): %s", getattr(source, "__name__", source), error)
        self.note(f"newsmeta: internal error ({type(error).__name__}); see the server log")

    def note(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """Tell the client one line, in its log of this server."""
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # the connection is gone: nobody to tell
            log.debug("could not send a log message", exc_info=True)

    def crashed(self, what: str, error: BaseException) -> None:
        """A handler failed: log the traceback here, tell the client one line."""
        log.error("%s failed", what, exc_info=error)
        self.note(
            f"newsmeta: {what} failed ({type(error).__name__}: {error}); "
            "the server goes on (the traceback is in its log)"
        )

    # --- configuration ----------------------------------------------------------------------------

    def config_for(self, path: str | None) -> Config:
        config, error = self.configs.for_file(path, self.root)
        if error is not None and error not in self._shown_errors:
            self._shown_errors.add(error)
            self.window_show_message(
                types.ShowMessageParams(
                    type=types.MessageType.Warning,
                    message=f"newsmeta: {error}; using the default configuration",
                )
            )
        return config

    # --- documents ------------------------------------------------------------------------------

    def open(self, params: types.DidOpenTextDocumentParams) -> None:
        item = params.text_document
        self.documents[item.uri] = OpenDocument(
            item.uri, path_of(item.uri), item.text, item.version
        )
        self.schedule(item.uri)

    def change(self, params: types.DidChangeTextDocumentParams) -> None:
        document = self.documents.get(params.text_document.uri)
        if document is None:
            log.warning("change to %s, which is not open", params.text_document.uri)
            return
        for change in params.content_changes:
            if isinstance(change, types.TextDocumentContentChangePartial):
                start, end = change.range.start, change.range.end
                document.text = apply_change(
                    document.lines(self.client.encoding),
                    (start.line, start.character),
                    (end.line, end.character),
                    change.text,
                )
            else:
                document.text = change.text
        document.version = params.text_document.version
        document.revision += 1
        self.schedule(document.uri)

    def close(self, params: types.DidCloseTextDocumentParams) -> None:
        document = self.documents.pop(params.text_document.uri, None)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )
        if document is not None:
            document.wake()
            if document.path is not None:
                self._selected.pop(document.path, None)
            changed = self.corpus.set_open(document.key, None)
            if changed or document.urls:
                self.recheck_sharing(document.urls, but=document.uri)

    def save(self, params: types.DidSaveTextDocumentParams) -> None:
        document = self.documents.get(params.text_document.uri)
        if document is None:
            return
        if document.path is not None and os.path.basename(document.path) in _CONFIG_FILES:
            self.configuration_changed()
            return
        self.schedule(document.uri)
        if document.path is not None:
            # The saved text is now the file's: the index keeps it for when it is closed.
            # An editor may close it at once (``:wq``), and the close checks the documents
            # sharing its URLs before the index has read the file: they are checked
            # again once it has.
            self._update_disk([document.path], but=document.uri)

    # --- checking -------------------------------------------------------------------------------

    def schedule(self, uri: str) -> None:
        """Check ``uri`` soon; if a check of it is running, check again when it ends."""
        running = self._running.get(uri)
        if running is not None and not running.done():
            self._again.add(uri)
            return
        self._running[uri] = asyncio.ensure_future(self._check_loop(uri))

    async def _check_loop(self, uri: str) -> None:
        loop = asyncio.get_running_loop()
        try:
            # Let changes already waiting in the input land first: one check for all.
            await asyncio.sleep(0)
            while True:
                self._again.discard(uri)
                document = self.documents.get(uri)
                if document is None:
                    return
                revision, text, path = document.revision, document.text, document.path
                started = time.perf_counter()
                if len(text) <= _INLINE_CHECK:
                    checked = self.check(text, path)
                else:
                    checked = await loop.run_in_executor(self._checks, self.check, text, path)
                log.debug(
                    "checked %s (%d characters) in %.1f ms",
                    uri,
                    len(text),
                    (time.perf_counter() - started) * 1000,
                )
                current = self.documents.get(uri)
                if current is None:
                    return  # closed meanwhile
                if current is not document:
                    continue  # closed and opened again: check the new text
                if document.revision != revision or uri in self._again:
                    # Stale: the text changed while it was checked. More changes are
                    # probably on their way (the check held the interpreter while they
                    # were sent): give the reader a moment, then check the newest text.
                    await asyncio.sleep(_SETTLE)
                    continue
                self.publish(document, revision, checked)
                return
        except Exception as error:
            self.crashed(f"checking {uri}", error)
        finally:
            if self._running.get(uri) is asyncio.current_task():
                del self._running[uri]
            document = self.documents.get(uri)
            if document is not None and uri not in self._running:
                document.wake()

    def check(self, text: str, path: str | None) -> Checked:
        """Check ``text`` (the file at ``path``) as ``newsmeta validate --format json``
        would check that file, corpus included. Runs on the check thread."""
        config, error = self.configs.for_file(path, self.root)
        if path is not None and not self.selects(config, path):
            return Checked((), (), False, error)
        limit = config.limits.max_file_bytes
        if len(text) > limit:
            # Over the limit whatever the rest holds (a character is a byte or more): the
            # check refuses the text before reading it, so a prefix just over the limit
            # gets the same one problem at a cost that does not grow with the document.
            text = text[: limit + 1]
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = text.encode("utf-8", "surrogatepass")
        name = path if path is not None else "<unsaved>"
        result = check_bytes(raw, name, config.limits)
        active = not any(p.code.startswith("limit-file") for p in result.problems)
        urls = tuple(use.url for use in result.urls)
        if path is not None:
            self.corpus.set_open_urls(path, result.urls)
            result = self.corpus.check(path, result)
        policy = Policy(select=config.select, ignore=config.ignore, severity=config.severity)
        result = policy.apply(result)
        return Checked(result.problems, urls, active, error)

    def selects(self, config: Config, path: str) -> bool:
        """Whether ``newsmeta validate`` run in ``config``'s folder checks ``path`` (asked
        once per file and configuration: not on every keystroke)."""
        known = self._selected.get(path)
        if known is not None and known[0] is config:
            return known[1]
        verdict = is_selected(path, config)
        self._selected[path] = (config, verdict)
        return verdict

    def publish(self, document: OpenDocument, revision: int, checked: Checked) -> None:
        if checked.config_error is not None:
            self.config_for(document.path)  # shows the error once
        document.problems = checked.problems
        document.checked = revision
        document.active = checked.active
        document.wake()
        lines = document.lines(self.client.encoding)
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(
                uri=document.uri,
                diagnostics=features.diagnostics(checked.problems, lines),
                version=document.version,
            )
        )
        urls = frozenset(checked.urls)
        if urls != document.urls:
            before, document.urls = document.urls, urls
            self.recheck_sharing(before | urls, but=document.uri)
        if self.configs.generation != self._config_generation:
            # The check found a configuration file edited, created or deleted (without a
            # file watcher telling): the index and the other documents follow it too.
            self.configuration_changed()

    def recheck_sharing(self, urls: frozenset[str], but: str) -> None:
        """Check again the open documents (other than ``but``) stating any of ``urls``."""
        if not urls:
            return
        paths = self.corpus.sharing(urls)
        for uri, document in self.documents.items():
            if uri != but and (document.urls & urls or document.path in paths):
                self.schedule(uri)

    def recheck_all(self) -> None:
        for uri in list(self.documents):
            self.schedule(uri)

    # --- the workspace --------------------------------------------------------------------------

    def index_workspace(self, roots: Sequence[str]) -> None:
        """(Re)index the workspace folders in the background; check open documents after.

        The client sees a progress report while it runs (when it takes them) and a log
        line when it is done."""
        self.corpus.set_roots(roots)
        if not roots:
            self.recheck_all()  # no other file states a URL any more
            return
        loop = asyncio.get_running_loop()
        self._index_runs += 1
        token = f"newsmeta-index-{self._index_runs}"
        progress = asyncio.ensure_future(self._begin_progress(token))

        def scan() -> None:
            try:
                count = self.corpus.scan(self.configs, self.stopping.is_set)
            except Exception as error:
                loop.call_soon_threadsafe(self.crashed, "indexing the workspace", error)
                loop.call_soon_threadsafe(self._end_progress, progress, token, "failed")
                return
            done = f"indexed {count} article{'s' if count != 1 else ''} in {', '.join(roots)}"
            log.info("%s", done)
            loop.call_soon_threadsafe(self._indexed, progress, token, done)

        self._indexer.submit(scan)

    async def _begin_progress(self, token: str) -> bool:
        window = self.client_capabilities.window
        if window is None or not window.work_done_progress:
            return False
        try:
            await self.work_done_progress.create_async(token)
            self.work_done_progress.begin(
                token, types.WorkDoneProgressBegin(title="newsmeta: indexing articles")
            )
        except Exception as error:  # the client refused: no progress report, that is all
            log.info("no progress report: %s", error)
            return False
        return True

    def _end_progress(self, started: asyncio.Future[bool], token: str, message: str) -> None:
        def end(future: asyncio.Future[bool]) -> None:
            if not future.cancelled() and future.exception() is None and future.result():
                self.work_done_progress.end(token, types.WorkDoneProgressEnd(message=message))

        started.add_done_callback(end)

    def _indexed(self, started: asyncio.Future[bool], token: str, message: str) -> None:
        self._end_progress(started, token, message)
        self.note(f"newsmeta: {message}", types.MessageType.Log)
        self.recheck_all()

    def files_changed(self, params: types.DidChangeWatchedFilesParams) -> None:
        articles = []
        for change in params.changes:
            path = path_of(change.uri)
            if path is None:
                continue
            if os.path.basename(path) in _CONFIG_FILES:
                self.configuration_changed()
                return
            articles.append(path)  # the index keeps those a scan would read
        if articles:
            self._update_disk(articles)

    def _update_disk(self, paths: Sequence[str], but: str = "") -> None:
        """Read ``paths`` into the workspace index (on the index thread), then check again
        the open documents (but ``but``) that share a URL with what they stated or now
        state."""
        loop = asyncio.get_running_loop()

        def update() -> None:
            urls: set[str] = set()
            for path in paths:
                urls |= self.corpus.update_disk(path, self.configs)
            loop.call_soon_threadsafe(self.recheck_sharing, frozenset(urls), but)

        self._indexer.submit(update)

    def configuration_changed(self) -> None:
        """Read the configuration again, index the workspace with it and check every open
        document again."""
        self.configs.clear()
        self._config_generation = self.configs.generation
        self._shown_errors.clear()
        self.index_workspace(self.corpus.roots)
        self.recheck_all()
        self.rewatch()

    def rewatch(self) -> None:
        """Register the file watchers again if what they should watch has changed (the
        configured extensions, or the folders whose configuration names them)."""
        if self._watched:
            self._rewatch = asyncio.ensure_future(self.watch())

    async def watch(self) -> None:
        """Ask the client to report changes to the workspace's articles (every extension
        its configurations name) and configuration files; again when the extensions
        change. Only for clients that take such registrations."""
        capabilities = self.client_capabilities.workspace
        watch = capabilities.did_change_watched_files if capabilities is not None else None
        if watch is None or not watch.dynamic_registration:
            return
        extensions = frozenset(
            extension
            for root in self.corpus.roots
            for extension in self.configs.for_file(None, root)[0].extensions
        ) or frozenset(DEFAULT_EXTENSIONS)
        if extensions == self._watched:
            return
        globs = [f"**/*{extension}" for extension in sorted(extensions)]
        globs += [f"**/{name}" for name in _CONFIG_FILES]
        registration = types.Registration(
            id=_WATCH_ID,
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(
                watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in globs]
            ),
        )
        try:
            if self._watched:
                await self.client_unregister_capability_async(
                    types.UnregistrationParams(
                        unregisterations=[
                            types.Unregistration(id=_WATCH_ID, method=registration.method)
                        ]
                    )
                )
            self._watched = extensions
            await self.client_register_capability_async(
                types.RegistrationParams(registrations=[registration])
            )
        except Exception as error:  # the client offered it, then refused: go on
            log.info("the client did not register the file watchers: %s", error)

    # --- requests -------------------------------------------------------------------------------

    async def on_request_thread(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._requests, work)

    def parsed(self, document: OpenDocument, text: str, revision: int) -> Document:
        """The loaded document for ``revision`` (on the request thread; cached)."""
        key = (document.uri, revision)
        cached = self._parsed.get(key)
        if cached is not None:
            self._parsed.move_to_end(key)
            return cached
        parsed = loads(text, path=document.path)
        self._parsed[key] = parsed
        while len(self._parsed) > _PARSED_CACHE:
            self._parsed.popitem(last=False)
        return parsed

    async def problems_of(
        self, document: OpenDocument, text: str, revision: int
    ) -> tuple[Problem, ...]:
        """The problems of ``revision``: the published ones, those of the check under way
        (waited for: a request that comes with a keystroke never checks the text a second
        time), or a fresh check when the text has moved on."""
        if document.checked != revision and document.revision == revision:
            running = self._running.get(document.uri)
            if running is not None and not running.done():
                waiter = asyncio.get_running_loop().create_future()
                document.waiting.append(waiter)
                await waiter
        if document.checked == revision and document.problems is not None:
            return document.problems
        return (await self.on_request_thread(lambda: self.check(text, document.path))).problems

    async def count_open_topics(self) -> None:
        """Count in the workspace index the topics typed in open documents since they were
        last counted (their unsaved text). Done when a topic is being completed, not on
        every keystroke."""
        uncounted = [
            (document, document.text, document.revision)
            for document in self.documents.values()
            if document.active and document.topics_counted != document.revision
        ]
        if not uncounted:
            return

        def read() -> list[tuple[OpenDocument, int, tuple[str, ...]]]:
            return [
                (document, revision, topics_of(loads(text, path=document.path).data))
                for document, text, revision in uncounted
            ]

        for document, revision, topics in await self.on_request_thread(read):
            if self.documents.get(document.uri) is document:  # not closed meanwhile
                self.corpus.set_open_topics(document.key, topics)
                document.topics_counted = revision

    def shutdown_workers(self) -> None:
        self.stopping.set()
        for pool in (self._checks, self._requests, self._indexer):
            pool.shutdown(wait=False, cancel_futures=True)


def _guarded(
    what: str,
) -> Callable[[Callable[..., Awaitable[T]]], Callable[..., Awaitable[T | None]]]:
    """Run an async handler; on an exception, report it and answer ``None``."""

    def wrap(handler: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T | None]]:
        @functools.wraps(handler)
        async def guarded(server: NewsmetaServer, params: Any) -> T | None:
            try:
                return await handler(server, params)
            except Exception as error:
                server.crashed(what, error)
                return None

        return guarded

    return wrap


def _guarded_sync(what: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def wrap(handler: Callable[..., None]) -> Callable[..., None]:
        @functools.wraps(handler)
        def guarded(server: NewsmetaServer, params: Any) -> None:
            try:
                handler(server, params)
            except Exception as error:
                server.crashed(what, error)

        return guarded

    return wrap


def _kind(kind: object) -> str:
    return str(kind.value) if isinstance(kind, types.CodeActionKind) else str(kind)


def _encoding(capabilities: types.ClientCapabilities) -> str:
    chosen = ServerCapabilitiesBuilder.choose_position_encoding(capabilities)
    value = chosen.value if isinstance(chosen, types.PositionEncodingKind) else str(chosen)
    return value if value in ("utf-8", "utf-16", "utf-32") else "utf-16"


def _client(capabilities: types.ClientCapabilities) -> features.Client:
    document = capabilities.text_document
    hover = document.hover if document is not None else None
    completion = document.completion if document is not None else None
    item = completion.completion_item if completion is not None else None
    workspace = capabilities.workspace
    edit = workspace.workspace_edit if workspace is not None else None
    modes = item.insert_text_mode_support if item is not None else None
    action = document.code_action if document is not None else None
    resolvable = action.resolve_support if action is not None else None
    return features.Client(
        encoding=_encoding(capabilities),
        markdown=bool(
            hover is not None
            and hover.content_format
            and types.MarkupKind.Markdown in hover.content_format
        ),
        snippets=bool(item is not None and item.snippet_support),
        document_changes=bool(edit is not None and edit.document_changes),
        insert_text_mode=bool(
            modes is not None and types.InsertTextMode.AsIs in (modes.value_set or [])
        ),
        resolve_edits=bool(
            action is not None
            and action.data_support
            and resolvable is not None
            and "edit" in resolvable.properties
        ),
    )


def _roots(params: types.InitializeParams) -> list[str]:
    folders = [path_of(folder.uri) for folder in params.workspace_folders or []]
    roots = [folder for folder in folders if folder is not None]
    if not roots and params.root_uri:
        root = path_of(params.root_uri)
        roots = [root] if root is not None else []
    if not roots and params.root_path:
        roots = [params.root_path]
    return [os.path.abspath(root) for root in roots]


def create_server() -> NewsmetaServer:
    """A server with every feature registered (not started)."""
    server = NewsmetaServer()

    @server.feature(types.INITIALIZE)
    def initialize(ls: NewsmetaServer, params: types.InitializeParams) -> None:
        ls.client = _client(params.capabilities)
        roots = _roots(params)
        ls.root = roots[0] if roots else None
        ls.corpus.set_roots(roots)

    @server.feature(types.INITIALIZED)
    @_guarded("initialization")
    async def initialized(ls: NewsmetaServer, params: types.InitializedParams) -> None:
        # Indexing first: it must not wait for the client's answer to the registration.
        ls.index_workspace(ls.corpus.roots)
        await ls.watch()

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: NewsmetaServer, params: None) -> None:
        ls.shutdown_workers()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    @_guarded_sync("opening a document")
    def did_open(ls: NewsmetaServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.open(params)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    @_guarded_sync("applying a change")
    def did_change(ls: NewsmetaServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.change(params)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    @_guarded_sync("handling a save")
    def did_save(ls: NewsmetaServer, params: types.DidSaveTextDocumentParams) -> None:
        ls.save(params)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    @_guarded_sync("closing a document")
    def did_close(ls: NewsmetaServer, params: types.DidCloseTextDocumentParams) -> None:
        ls.close(params)

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @_guarded_sync("handling changed files")
    def did_change_files(ls: NewsmetaServer, params: types.DidChangeWatchedFilesParams) -> None:
        ls.files_changed(params)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    @_guarded_sync("handling changed settings")
    def did_change_configuration(
        ls: NewsmetaServer, params: types.DidChangeConfigurationParams
    ) -> None:
        # The settings live in newsmeta.toml or pyproject.toml, not in the editor; but
        # editors send this when their settings change (most also once on start-up): a
        # good moment to look at the configuration files again.
        if ls.configs.changed():
            ls.configuration_changed()

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    @_guarded_sync("handling changed workspace folders")
    def did_change_folders(
        ls: NewsmetaServer, params: types.DidChangeWorkspaceFoldersParams
    ) -> None:
        roots = [os.path.abspath(r) for r in ls.corpus.roots]
        removed = {os.path.abspath(p) for f in params.event.removed if (p := path_of(f.uri))}
        roots = [root for root in roots if root not in removed]
        for folder in params.event.added:
            path = path_of(folder.uri)
            if path is not None and os.path.abspath(path) not in roots:
                roots.append(os.path.abspath(path))
        if ls.root not in roots:
            ls.root = roots[0] if roots else None
        ls.index_workspace(roots)
        ls.rewatch()

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    @_guarded("hover")
    async def hover(ls: NewsmetaServer, params: types.HoverParams) -> types.Hover | None:
        document = ls.documents.get(params.text_document.uri)
        if document is None or not document.active:
            return None
        text, revision, position = document.text, document.revision, params.position
        problems = await ls.problems_of(document, text, revision)

        def work() -> types.Hover | None:
            lines = TextMap(text, ls.client.encoding)
            index = lines.from_lsp(position.line, position.character)
            parsed = ls.parsed(document, text, revision)
            return features.hover(text, index, lines, problems, parsed, ls.client)

        return await ls.on_request_thread(work)

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=[" ", "-", ":"]),
    )
    @_guarded("completion")
    async def completion(
        ls: NewsmetaServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        document = ls.documents.get(params.text_document.uri)
        if document is None or not document.active:
            return None
        text, revision, position = document.text, document.revision, params.position
        lines = TextMap(text, ls.client.encoding)
        index = lines.from_lsp(position.line, position.character)
        if features.completes_topics(text, index):
            await ls.count_open_topics()

        def work() -> types.CompletionList:
            data = ls.parsed(document, text, revision).data
            items = features.completions(text, index, lines, ls.client, ls.corpus.topics(), data)
            return types.CompletionList(is_incomplete=False, items=items)

        return await ls.on_request_thread(work)

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(
            code_action_kinds=[types.CodeActionKind.QuickFix, features.FIX_ALL_KIND],
            resolve_provider=True,
        ),
    )
    @_guarded("code actions")
    async def code_action(
        ls: NewsmetaServer, params: types.CodeActionParams
    ) -> list[types.CodeAction] | None:
        document = ls.documents.get(params.text_document.uri)
        if document is None or not document.active:
            return None
        text, revision, version = document.text, document.revision, document.version
        wanted = params.range
        only = [_kind(kind) for kind in params.context.only] if params.context.only else None

        problems = await ls.problems_of(document, text, revision)

        def work() -> list[types.CodeAction]:
            lines = TextMap(text, ls.client.encoding)
            span = (
                lines.from_lsp(wanted.start.line, wanted.start.character),
                lines.from_lsp(wanted.end.line, wanted.end.character),
            )
            return features.code_actions(
                text,
                document.uri,
                version,
                document.path,
                lines,
                problems,
                span,
                ls.client,
                only,
                lambda: ls.parsed(document, text, revision).data,
            )

        return await ls.on_request_thread(work)

    @server.feature(types.CODE_ACTION_RESOLVE)
    @_guarded("resolving a code action")
    async def code_action_resolve(
        ls: NewsmetaServer, action: types.CodeAction
    ) -> types.CodeAction | None:
        planned = features.Plan.from_data(action.data)
        document = ls.documents.get(planned[0]) if planned is not None else None
        if document is None or not document.active:
            return action  # closed, or not ours: nothing to add
        text, version, path = document.text, document.version, document.path

        def work() -> types.CodeAction:
            lines = TextMap(text, ls.client.encoding)
            return features.resolve(action, text, version, path, lines, ls.client)

        return await ls.on_request_thread(work)

    return server


def serve() -> None:
    """Run the language server on standard input and output until the client exits."""
    server = create_server()
    try:
        server.start_io()
    finally:
        server.shutdown_workers()
