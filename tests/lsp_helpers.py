"""Shared by the language-server tests: an LSP client that records every publication,
and conversions done the slow, obvious way (independently of ``newsmeta.lsp``)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import re
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

#: How ``newsmeta lsp`` is started by the tests: the installed command line.
SERVER = [sys.executable, "-m", "newsmeta", "lsp", "--log-level", "info"]

_BREAK = re.compile(r"\r\n|\r|\n")


class Client(LanguageClient):
    """A pytest-lsp client that also keeps every ``publishDiagnostics`` it receives."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.published: list[types.PublishDiagnosticsParams] = []
        self.registrations: list[types.Registration] = []


def _record(client: Client, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.published.append(params)


def _register(client: Client, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def make_client() -> Client:
    client = Client(converter_factory=default_converter)
    register_lsp_features(
        client,
        {
            **DEFAULT_CLIENT_FEATURES,
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: _record,
            types.CLIENT_REGISTER_CAPABILITY: _register,
        },
    )
    return client


async def initialize(
    client: Client, root: Path | None, editor: str = "visual-studio-code"
) -> types.InitializeResult:
    """Initialize a session as ``editor`` (one of pytest-lsp's recorded capability sets)."""
    folders = [types.WorkspaceFolder(uri=root.as_uri(), name=root.name)] if root else None
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(editor),
            root_uri=root.as_uri() if root else None,
            workspace_folders=folders,
        )
    )


async def end_session(client: Client, seconds: float = 15.0) -> None:
    """End a test's server as an editor does (``shutdown``, then ``exit``), and kill it
    when that cannot be done: the test failed, or was skipped, before it initialized the
    session, or the server does not answer in ``seconds``. pytest-lsp's own teardown
    then waits for the process to end, which it now always does."""
    try:
        async with asyncio.timeout(seconds):
            await client.shutdown_session()
    except TimeoutError:
        pass
    finally:
        server = client._server
        if server is not None and server.returncode is None:
            server.kill()


async def wait_until(condition: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the server did not answer in time")
        await asyncio.sleep(0.01)


async def indexed(client: Client) -> None:
    """Wait for the log line that says the workspace index is complete."""
    await wait_until(lambda: any("indexed" in m.message for m in client.log_messages))


async def diagnostics_for(
    client: Client, uri: str, version: int, after: int = 0
) -> Sequence[types.Diagnostic]:
    """The diagnostics published for ``uri`` at ``version`` (from publication ``after`` on)."""
    found: list[types.PublishDiagnosticsParams] = []

    def seen() -> bool:
        found[:] = [p for p in client.published[after:] if p.uri == uri and p.version == version]
        return bool(found)

    await wait_until(seen)
    return list(found[-1].diagnostics)


def open_document(client: Client, path: Path, text: str | None = None, version: int = 1) -> str:
    uri = path.as_uri()
    body = path.read_text(encoding="utf-8") if text is None else text
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="markdown", version=version, text=body)
        )
    )
    return uri


def change_document(
    client: Client, uri: str, version: int, start: tuple[int, int], end: tuple[int, int], new: str
) -> None:
    """Send the change of the LSP range ``start``..``end`` to ``new``, as version ``version``."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[
                types.TextDocumentContentChangePartial(
                    range=types.Range(types.Position(*start), types.Position(*end)), text=new
                )
            ],
        )
    )


_CODECS = {"utf-16": ("utf-16-le", 2), "utf-8": ("utf-8", 1), "utf-32": ("utf-32-le", 4)}


def _units(text: str, encoding: str) -> int:
    codec, width = _CODECS[encoding]
    return len(text.encode(codec, "surrogatepass")) // width


def lsp_position(text: str, index: int, encoding: str = "utf-16") -> tuple[int, int]:
    """The LSP position of character ``index``, the slow and obvious way."""
    line, line_start = 0, 0
    for match in _BREAK.finditer(text):
        if match.end() > index:
            break
        line += 1
        line_start = match.end()
    return line, _units(text[line_start:index].rstrip("\r"), encoding)


def lsp_index(text: str, line: int, character: int, encoding: str = "utf-16") -> int:
    """The character index of an LSP position, the slow and obvious way."""
    starts = [0] + [m.end() for m in _BREAK.finditer(text)]
    index = starts[line]
    units = 0
    while units < character and index < len(text) and text[index] not in "\r\n":
        units += _units(text[index], encoding)
        index += 1
    return index


def problem_index(text: str, line: int, column: int) -> int:
    """The index of newsmeta's 1-based (line, column): lines end at \\n, a BOM is no column."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    index = starts[line - 1] + column - 1
    if line == 1 and text.startswith("\ufeff"):
        index += 1
    return index


def expected_diagnostics(
    text: str, problems: list[dict[str, Any]], encoding: str = "utf-16"
) -> list[tuple[Any, ...]]:
    """``newsmeta validate --format json`` problems as (code, severity, range) in LSP terms."""
    out = []
    for p in problems:
        start = lsp_position(text, problem_index(text, p["line"], p["column"]), encoding)
        end = lsp_position(text, problem_index(text, p["end_line"], p["end_column"]), encoding)
        severity = 1 if p["severity"] == "error" else 2
        out.append((p["code"], severity, start, end, p["message"]))
    return out


def actual_diagnostics(diagnostics: Sequence[types.Diagnostic]) -> list[tuple[Any, ...]]:
    return [
        (
            d.code,
            int(d.severity) if d.severity is not None else None,
            (d.range.start.line, d.range.start.character),
            (d.range.end.line, d.range.end.character),
            d.message,
        )
        for d in diagnostics
    ]


def run_cli(*arguments: str, cwd: Path | None = None) -> tuple[int, str]:
    """Run the command line in this process (as ``newsmeta ARGUMENTS`` run in ``cwd``):
    its exit status and standard output. The same code as the installed command, without
    the start-up of a process per call."""
    from newsmeta.cli import main

    out = io.StringIO()
    with contextlib.chdir(cwd or Path.cwd()), contextlib.redirect_stdout(out):
        status = main(list(arguments))
    return status, out.getvalue()


def validate_json(*paths: Path, cwd: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """``newsmeta validate --format json`` on ``paths``: problems by path as reported."""
    status, output = run_cli("validate", "--format", "json", *map(str, paths), cwd=cwd)
    assert status in (0, 1)
    report = json.loads(output)
    return {entry["path"]: entry["problems"] for entry in report["files"]}


def apply_edits(text: str, edits: Sequence[types.TextEdit], encoding: str = "utf-16") -> str:
    """``text`` with LSP text edits applied (positions read the slow, obvious way)."""
    spans = sorted(
        (
            lsp_index(text, e.range.start.line, e.range.start.character, encoding),
            lsp_index(text, e.range.end.line, e.range.end.character, encoding),
            e.new_text,
        )
        for e in edits
    )
    for start, end, new in reversed(spans):
        text = text[:start] + new + text[end:]
    return text


def edits_of(edit: types.WorkspaceEdit | None, uri: str) -> list[types.TextEdit]:
    """The text edits a workspace edit makes to ``uri`` (either of its two shapes)."""
    assert edit is not None
    out: list[types.TextEdit] = []
    if edit.document_changes:
        for change in edit.document_changes:
            assert isinstance(change, types.TextDocumentEdit)
            if change.text_document.uri == uri:
                out.extend(e for e in change.edits if isinstance(e, types.TextEdit))
    if edit.changes:
        out.extend(edit.changes.get(uri, []))
    return out


async def edit_of_action(
    client: Client, action: types.CodeAction | types.Command
) -> types.WorkspaceEdit | None:
    """The edit of a code action, resolved with ``codeAction/resolve`` when the server left
    it out (as it does for a client that resolves actions)."""
    assert isinstance(action, types.CodeAction)
    if action.edit is None and action.data is not None:
        action = await client.code_action_resolve_async(action)
    return action.edit


def no_error_reached(client: Client) -> None:
    """Nothing but log lines came from the server: no error message, no traceback."""
    assert client.error is None
    messages: list[types.ShowMessageParams | types.LogMessageParams] = [
        *client.messages,
        *client.log_messages,
    ]
    for message in messages:
        assert "Traceback" not in message.message
        assert message.type not in (types.MessageType.Error, types.MessageType.Warning), message
