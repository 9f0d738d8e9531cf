"""Typing an article into the language server, one character at a time.

Every prefix of an article is a half-typed document: no closing fence, a key without its
colon, an unclosed quote, half a CRLF. Whatever the text, the client must get located
diagnostics and answers, never an error or a traceback. The inputs are the bundled
examples, the hostile inputs of ``test_hostile`` and a few real articles from
``../shared/corpus`` (skipped when it is absent).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

pytest.importorskip("pytest_lsp")

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from newsmeta._frontmatter import FenceError, split_front_matter
from newsmeta.lsp import features
from newsmeta.lsp.positions import TextMap
from newsmeta.lsp.server import NewsmetaServer
from newsmeta.validation import check_bytes

from .conftest import EXAMPLES, corpus_paths
from .lsp_helpers import (
    SERVER,
    Client,
    diagnostics_for,
    end_session,
    initialize,
    lsp_position,
    make_client,
    no_error_reached,
)
from .test_hostile import ALIAS_BOMB, ODD_INPUTS

#: Characters typed one at a time, per input; the rest (of the huge inputs) in chunks.
TYPED = 1500
CHUNK = 25_000
#: Every how many characters the test waits for diagnostics and asks for hover,
#: completion and code actions at the cursor.
EVERY = 12


def _inputs() -> list[tuple[str, str]]:
    inputs = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.md"))]
    crlf = inputs[1][1].replace("\n", "\r\n")
    inputs.append(("crlf.md", crlf))
    inputs.append(("bomb.md", ALIAS_BOMB))
    inputs.extend((f"odd-{n}.md", text) for n, (text, _) in enumerate(ODD_INPUTS))
    inputs.append(("emoji.md", '\ufeff---\ntitle: "🍒 \\ud83c" \u2028\ntopics: [🍒, 5\n---\n'))
    return inputs


def _corpus_subset() -> list[Path]:
    paths = corpus_paths()
    return [paths[i] for i in (0, len(paths) // 2, -1)] if paths else []


@pytest_lsp.fixture(  # type: ignore[untyped-decorator]
    config=ClientServerConfig(server_command=SERVER, client_factory=make_client)
)
async def client(lsp_client: Client) -> AsyncIterator[None]:
    yield
    await end_session(lsp_client)


def _plan(target: str) -> tuple[str, list[tuple[int | None, str]]]:
    """How to type ``target`` as a writer does: the fences first, then the front matter
    between them (so that every prefix is parsed as YAML), then the body after them.
    Returns the starting text and what to type where (``None``: at the end). Text
    without fences is typed from nothing."""
    split = split_front_matter(target)
    if isinstance(split, FenceError):
        return "", [(None, target)]
    start = split.bom + split.opening
    return start + split.closing, [(len(start), split.yaml), (None, split.body)]


def _states(target: str) -> Iterator[tuple[str, int]]:
    """Every text the typing of ``target`` goes through, with the cursor."""
    text, segments = _plan(target)
    yield text, 0
    for position, typed in segments:
        at = len(text) if position is None else position
        for char in typed:
            text = text[:at] + char + text[at:]
            at += 1
            yield text, at


async def _type(client: Client, uri: str, target: str) -> str:
    """Type ``target`` into a new document at ``uri``; return the final text."""
    text, segments = _plan(target)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
        )
    )
    version = 1
    document = types.TextDocumentIdentifier(uri)
    for position, typed in segments:
        at = len(text) if position is None else position
        pieces = list(typed[:TYPED])
        pieces += [typed[i : i + CHUNK] for i in range(TYPED, len(typed), CHUNK)]
        for number, piece in enumerate(pieces, 1):
            line, character = lsp_position(text, at)
            where = types.Position(line, character)
            version += 1
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[
                        types.TextDocumentContentChangePartial(
                            range=types.Range(where, where), text=piece
                        )
                    ],
                )
            )
            text = text[:at] + piece + text[at:]
            at += len(piece)
            if number % EVERY == 0 or number == len(pieces):
                await _ask_everything(client, document, uri, version, text, at)
    return text


async def _ask_everything(
    client: Client,
    document: types.TextDocumentIdentifier,
    uri: str,
    version: int,
    text: str,
    at: int,
) -> None:
    await diagnostics_for(client, uri, version)
    line, character = lsp_position(text, at)
    cursor = types.Position(line, character)
    await client.text_document_hover_async(types.HoverParams(document, cursor))
    await client.text_document_completion_async(types.CompletionParams(document, cursor))
    await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=document,
            range=types.Range(types.Position(0, 0), cursor),
            context=types.CodeActionContext(diagnostics=[]),
        )
    )


def _expected_codes(text: str) -> list[str]:
    return [p.code for p in check_bytes(text.encode("utf-8", "surrogatepass")).problems]


@pytest.mark.slow
@pytest.mark.asyncio
async def test_typing_the_examples_and_hostile_inputs_never_reaches_the_client_as_an_error(
    client: Client, tmp_path: Path
) -> None:
    await initialize(client, tmp_path)
    for name, target in _inputs():
        uri = (tmp_path / name).as_uri()
        text = await _type(client, uri, target)
        assert text == target
        final = client.diagnostics[uri]
        assert [d.code for d in final] == _expected_codes(text), name
        no_error_reached(client)
        # Closed, so that the next input (the same article with CRLF) is no duplicate.
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri))
        )


# Skipped at collection: no server is started for a test that has nothing to type.
@pytest.mark.skipif(not corpus_paths(), reason="../shared/corpus is not present")
@pytest.mark.asyncio
@pytest.mark.parametrize("index", [0, 1, 2])
async def test_typing_real_articles_never_reaches_the_client_as_an_error(
    client: Client, tmp_path: Path, index: int
) -> None:
    path = _corpus_subset()[index]
    await initialize(client, tmp_path)
    target = path.read_bytes().decode("utf-8", "surrogateescape")
    uri = (tmp_path / path.name).as_uri()
    text = await _type(client, uri, target)
    assert [d.code for d in client.diagnostics[uri]] == _expected_codes(text)
    no_error_reached(client)


@pytest.mark.parametrize(("name", "target"), _inputs()[:6])
def test_every_prefix_gets_answers_in_process(name: str, target: str) -> None:
    """The same features called directly on every state the typing goes through: an
    exception here names its input and text, where the end-to-end test can only say that
    one happened."""
    from newsmeta.document import loads

    server = NewsmetaServer()
    client = features.Client(markdown=True, snippets=True, document_changes=True)
    for number, (text, cursor) in enumerate(_states(target)):
        checked = server.check(text, None)
        lines = TextMap(text)
        features.diagnostics(checked.problems, lines)
        features.completions(text, cursor, lines, client, ["AI"], None)
        document = loads(text)
        features.hover(text, max(0, cursor - 1), lines, checked.problems, document, client)
        if number % 40 == 0:
            features.code_actions(
                text, "untitled:x", 1, None, lines, checked.problems, (0, cursor), client
            )
