"""``newsmeta lsp`` end to end: the real server as a subprocess over stdio, driven by a real
LSP client (pytest-lsp) with the capabilities that VS Code, Neovim and Emacs announce."""

from __future__ import annotations

import json
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytest_lsp")

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig

from .conftest import EXAMPLES
from .lsp_helpers import (
    SERVER,
    Client,
    actual_diagnostics,
    apply_edits,
    change_document,
    diagnostics_for,
    edit_of_action,
    edits_of,
    end_session,
    expected_diagnostics,
    indexed,
    initialize,
    make_client,
    no_error_reached,
    open_document,
    run_cli,
    validate_json,
    wait_until,
)

CONFIG = ClientServerConfig(server_command=SERVER, client_factory=make_client)


@pytest_lsp.fixture(config=CONFIG)  # type: ignore[untyped-decorator]
async def client(lsp_client: Client) -> AsyncIterator[None]:
    yield
    await end_session(lsp_client)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A project folder holding a copy of the bundled examples."""
    root = tmp_path / "site"
    shutil.copytree(EXAMPLES, root / "content")
    return root


BROKEN = "2024-04-02-late-frost-cherries.md"
FIXABLE = "2024-05-20-market-hall.md"

#: A problem on a line after non-BMP characters, and one after such a line.
EMOJI = '---\ntitle: "🍒🍒 Cherries"\ntopics: ["🍒 frost", 5]\ntype: blög\n---\n'


def _uri_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.mark.asyncio
async def test_diagnostics_equal_validate_json_in_lsp_positions(
    client: Client, workspace: Path
) -> None:
    # Every example, and a problem on a line after non-BMP characters (LF and CRLF), in
    # one session: each document is checked on its own, as validate checks each file.
    content = workspace / "content"
    (content / "emoji.md").write_text(EMOJI, encoding="utf-8", newline="")
    (content / "emoji-crlf.md").write_text(
        EMOJI.replace("\n", "\r\n"), encoding="utf-8", newline=""
    )
    await initialize(client, workspace)
    await indexed(client)
    expected = validate_json(Path("content"), cwd=workspace)
    assert len(expected) == len(list(EXAMPLES.glob("*.md"))) + 2
    for name in sorted(path.name for path in content.glob("*.md")):
        path = content / name
        text = path.read_bytes().decode("utf-8")
        uri = open_document(client, path, text)
        diagnostics = await diagnostics_for(client, uri, 1)
        wanted = expected_diagnostics(text, expected[f"content/{name}"])
        assert actual_diagnostics(diagnostics) == wanted, name
        for diagnostic in diagnostics:
            assert diagnostic.source == "newsmeta"
            assert diagnostic.code_description is not None
            href = diagnostic.code_description.href
            assert href.endswith(f"/reference/problems/#{diagnostic.code}")
        if name.startswith("emoji"):
            assert {d.code for d in diagnostics} >= {"schema-type", "schema-enum"}
    no_error_reached(client)


@pytest.mark.asyncio
async def test_diagnostics_follow_incremental_changes(client: Client, workspace: Path) -> None:
    await initialize(client, workspace)
    path = workspace / "content" / BROKEN
    text = _uri_text(path)
    uri = open_document(client, path, text)
    first = await diagnostics_for(client, uri, 1)
    assert "schema-enum" in {d.code for d in first}
    line = text.splitlines().index("type: blog")
    change_document(client, uri, 2, (line, 6), (line, 10), "article")
    second = await diagnostics_for(client, uri, 2)
    assert "schema-enum" not in {d.code for d in second}
    assert len(second) == len(first) - 1
    no_error_reached(client)


@pytest.mark.asyncio
async def test_hover_on_a_key_shows_the_schema_documentation(
    client: Client, workspace: Path
) -> None:
    await initialize(client, workspace)
    path = workspace / "content" / BROKEN
    uri = open_document(client, path)
    await diagnostics_for(client, uri, 1)
    line = _uri_text(path).splitlines().index("type: blog")
    on_key = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, 2))
    )
    assert on_key is not None
    assert isinstance(on_key.contents, types.MarkupContent)
    assert "**Type** (`type`)" in on_key.contents.value
    assert "'article' (a web page" in on_key.contents.value
    on_value = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, 8))
    )
    assert on_value is not None
    assert isinstance(on_value.contents, types.MarkupContent)
    assert "**schema-enum** (error)" in on_value.contents.value
    assert "Some keys take a fixed set of values" in on_value.contents.value


@pytest.mark.asyncio
async def test_completion_offers_the_missing_key_and_inserts_it_in_house_style(
    client: Client, workspace: Path
) -> None:
    await initialize(client, workspace)
    path = workspace / "content" / BROKEN
    text = _uri_text(path)
    lines = text.splitlines()
    at = lines.index("  name: Example Gazette") + 1
    text = "\n".join([*lines[:at], "  ", *lines[at:]]) + "\n"
    uri = open_document(client, path, text)
    await diagnostics_for(client, uri, 1)
    result = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), types.Position(at, 2))
    )
    assert isinstance(result, types.CompletionList)
    labels = [item.label for item in sorted(result.items, key=lambda i: i.sort_text or "")]
    assert labels[0] == "domain"  # required, and missing
    assert "name" not in labels
    domain = next(item for item in result.items if item.label == "domain")
    assert isinstance(domain.text_edit, types.TextEdit)
    completed = apply_edits(text, [domain.text_edit]).replace("$1", "example.org")
    assert "  name: Example Gazette\n  domain: example.org\n" in completed


@pytest.mark.asyncio
async def test_fix_all_writes_exactly_what_newsmeta_fix_writes(
    client: Client, workspace: Path, tmp_path: Path
) -> None:
    await initialize(client, workspace)
    path = workspace / "content" / FIXABLE
    text = _uri_text(path)
    uri = open_document(client, path, text)
    await diagnostics_for(client, uri, 1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert actions is not None
    [fix_all] = actions
    assert isinstance(fix_all, types.CodeAction)
    assert fix_all.kind == "source.fixAll.newsmeta"
    assert fix_all.edit is None  # VS Code resolves the edit of the action it applies
    fixed = apply_edits(text, edits_of(await edit_of_action(client, fix_all), uri))
    copy = tmp_path / FIXABLE
    shutil.copy(path, copy)
    assert run_cli("fix", str(copy))[0] == 0
    assert fixed == copy.read_text(encoding="utf-8")
    assert fixed != text


@pytest.mark.asyncio
async def test_a_quick_fix_on_its_diagnostic_writes_what_newsmeta_fix_writes(
    client: Client, workspace: Path, tmp_path: Path
) -> None:
    await initialize(client, workspace)
    path = workspace / "content" / "entity.md"
    source = _uri_text(workspace / "content" / "2024-03-05-harbour-city-school-solar.md")
    text = source.replace("Solar Panels", "Solar &amp; Wind Panels", 1)
    path.write_text(text, encoding="utf-8")
    uri = open_document(client, path, text)
    [diagnostic] = await diagnostics_for(client, uri, 1)
    assert diagnostic.code == "text-html-entity"
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    assert actions is not None
    quick = [a for a in actions if isinstance(a, types.CodeAction) and a.kind == "quickfix"]
    assert [a.title for a in quick] == ["Replace the HTML entities in title"]
    assert quick[0].is_preferred
    assert quick[0].diagnostics is not None
    assert [d.code for d in quick[0].diagnostics] == ["text-html-entity"]
    edits = edits_of(await edit_of_action(client, quick[0]), uri)
    assert len(edits) == 1
    assert edits[0].range.start.line == edits[0].range.end.line == 2  # only the title line
    copy = tmp_path / "entity.md"
    copy.write_text(text, encoding="utf-8")
    assert run_cli("fix", str(copy))[0] == 0
    assert apply_edits(text, edits) == copy.read_text(encoding="utf-8")


@pytest.mark.asyncio
async def test_quick_fixes_add_a_missing_key_and_rename_an_unknown_one(
    client: Client, workspace: Path
) -> None:
    await initialize(client, workspace, editor="neovim")
    path = workspace / "content" / BROKEN
    text = _uri_text(path)
    uri = open_document(client, path, text)
    diagnostics = await diagnostics_for(client, uri, 1)
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=types.Range(types.Position(0, 0), types.Position(40, 0)),
            context=types.CodeActionContext(diagnostics=list(diagnostics)),
        )
    )
    assert actions is not None
    by_title = {a.title: a for a in actions if isinstance(a, types.CodeAction)}
    rename = by_title["Rename 'publishDateTime' to 'publishedDateTime'"]
    renamed = apply_edits(text, edits_of(await edit_of_action(client, rename), uri))
    assert renamed == text.replace("publishDateTime:", "publishedDateTime:")
    add = by_title["Add the missing key 'domain'"]
    added = apply_edits(text, edits_of(await edit_of_action(client, add), uri))
    assert added == text.replace(
        "  name: Example Gazette\n", '  name: Example Gazette\n  domain: ""\n'
    )


@pytest.mark.asyncio
async def test_topics_typed_in_another_open_document_are_offered_before_it_is_saved(
    client: Client, workspace: Path
) -> None:
    await initialize(client, workspace)
    await indexed(client)
    content = workspace / "content"
    other = content / "2024-03-05-harbour-city-school-solar.md"
    typed = other.read_text(encoding="utf-8").replace("topics:\n", "topics:\n  - Tidal Power\n")
    other_uri = open_document(client, other, typed)
    await diagnostics_for(client, other_uri, 1)
    mine = "---\ntitle: x\ntopics:\n  - \n---\n"
    uri = open_document(client, content / "new.md", mine)
    await diagnostics_for(client, uri, 1)

    async def offered() -> list[str]:
        result = await client.text_document_completion_async(
            types.CompletionParams(types.TextDocumentIdentifier(uri), types.Position(3, 4))
        )
        assert isinstance(result, types.CompletionList)
        return [item.label for item in result.items]

    assert "Tidal Power" in await offered()
    # Typed over, still unsaved: the new topic counts, the old one no longer does.
    line = typed.splitlines().index("  - Tidal Power")
    change_document(client, other_uri, 2, (line, 4), (line, 9), "Wave")
    await diagnostics_for(client, other_uri, 2)
    topics = await offered()
    assert "Wave Power" in topics
    assert "Tidal Power" not in topics
    # Closed without saving: its file on disk counts again.
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(other_uri))
    )
    assert "Wave Power" not in await offered()
    no_error_reached(client)


@pytest.mark.asyncio
async def test_corpus_duplicates_come_from_the_workspace_like_validate(
    client: Client, workspace: Path
) -> None:
    content = workspace / "content"
    original = content / "2024-03-05-harbour-city-school-solar.md"
    copy = content / "2024-03-06-harbour-city-copy.md"
    shutil.copy(original, copy)
    await initialize(client, workspace)
    await indexed(client)
    uri = open_document(client, copy)
    diagnostics = await diagnostics_for(client, uri, 1)
    expected = validate_json(Path("content"), cwd=workspace)
    mine = expected["content/2024-03-06-harbour-city-copy.md"]
    assert [p["code"] for p in mine] == ["corpus-duplicate-url"]
    text = copy.read_text(encoding="utf-8")
    assert actual_diagnostics(diagnostics) == expected_diagnostics(text, mine)
    # The first file in validate's order states it first: nothing for it.
    first = open_document(client, original)
    assert await diagnostics_for(client, first, 1) == []


@pytest.mark.asyncio
async def test_changed_files_and_configuration_are_picked_up_without_a_restart(
    client: Client, workspace: Path
) -> None:
    await initialize(client, workspace)
    await indexed(client)
    assert {r.method for r in client.registrations} == {"workspace/didChangeWatchedFiles"}
    content = workspace / "content"
    later = content / "2024-03-05-harbour-city-school-solar.md"
    uri = open_document(client, later)
    assert await diagnostics_for(client, uri, 1) == []
    # A new file, earlier in validate's order, states the same URL.
    earlier = content / "2024-03-01-earlier.md"
    shutil.copy(later, earlier)
    seen = len(client.published)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=earlier.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    duplicate = await diagnostics_for(client, uri, 1, after=seen)
    assert [d.code for d in duplicate] == ["corpus-duplicate-url"]
    assert "2024-03-01-earlier.md" in duplicate[0].message
    # The configuration changes: the code is ignored from now on.
    config = workspace / "newsmeta.toml"
    config.write_text('ignore = ["corpus-duplicate-url"]\n', encoding="utf-8")
    seen = len(client.published)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=config.as_uri(), type=types.FileChangeType.Created)]
        )
    )
    assert await diagnostics_for(client, uri, 1, after=seen) == []
    no_error_reached(client)


@pytest.mark.asyncio
async def test_workspace_folders_come_and_go_and_a_document_saved_then_closed_counts(
    client: Client, workspace: Path, tmp_path: Path
) -> None:
    """Without file watchers (Neovim on Linux): a folder added to the workspace is indexed
    and forgotten when removed; a document saved and closed at once (``:wq``) counts with
    the text it saved."""
    await initialize(client, workspace, editor="neovim@v0.11.0")
    await indexed(client)
    content = workspace / "content"
    mine = content / FIXABLE

    def duplicated() -> bool:
        return "corpus-duplicate-url" in {d.code for d in client.diagnostics.get(uri, [])}

    uri = open_document(client, mine)
    await diagnostics_for(client, uri, 1)
    assert not duplicated()
    # Another folder holds an article with the same URL, earlier in validate's order.
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(mine, other / "2024-03-01-earlier.md")
    folder = types.WorkspaceFolder(uri=other.as_uri(), name="other")
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(added=[folder], removed=[])
        )
    )
    await wait_until(duplicated)
    client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(added=[], removed=[folder])
        )
    )
    await wait_until(lambda: not duplicated())
    # An earlier article is given my URL, saved and closed at once.
    earlier = content / BROKEN
    text = earlier.read_text(encoding="utf-8")
    [old_url] = [line for line in text.splitlines() if line.startswith("webUrl:")]
    [my_url] = [
        line for line in mine.read_text(encoding="utf-8").splitlines() if line.startswith("webUrl:")
    ]
    earlier_uri = open_document(client, earlier, text)
    await diagnostics_for(client, earlier_uri, 1)
    line = text.splitlines().index(old_url)
    change_document(client, earlier_uri, 2, (line, 0), (line, len(old_url)), my_url)
    await wait_until(duplicated)  # unsaved, it counts while open
    earlier.write_text(text.replace(old_url, my_url), encoding="utf-8")
    seen = len(client.published)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(earlier_uri))
    )
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(earlier_uri))
    )
    # The close checks mine again (perhaps before the index has read the saved file);
    # the index's update checks it again after: in the end, the saved URL counts.
    await wait_until(lambda: any(p.uri == uri for p in client.published[seen:]))
    await wait_until(duplicated)
    no_error_reached(client)


@pytest.mark.asyncio
async def test_the_workspace_configuration_applies(client: Client, workspace: Path) -> None:
    (workspace / "pyproject.toml").write_text(
        '[tool.newsmeta]\ninclude = ["content/*.md"]\nignore = ["schema-enum"]\n\n'
        '[tool.newsmeta.severity]\nschema-minimum = "warning"\n',
        encoding="utf-8",
    )
    (workspace / "README.md").write_text("# Not an article\n", encoding="utf-8")
    await initialize(client, workspace)
    path = workspace / "content" / BROKEN
    uri = open_document(client, path)
    diagnostics = await diagnostics_for(client, uri, 1)
    expected = validate_json(cwd=workspace)
    text = path.read_text(encoding="utf-8")
    assert actual_diagnostics(diagnostics) == expected_diagnostics(
        text, expected[f"content/{BROKEN}"]
    )
    codes = {d.code: d.severity for d in diagnostics}
    assert "schema-enum" not in codes
    assert codes["schema-minimum"] == types.DiagnosticSeverity.Warning
    readme = open_document(client, workspace / "README.md")
    assert await diagnostics_for(client, readme, 1) == []  # not included: not an article


@pytest.mark.asyncio
async def test_a_document_over_the_configured_size_gets_one_diagnostic(
    client: Client, workspace: Path
) -> None:
    (workspace / "newsmeta.toml").write_text("[limits]\nmax-file-bytes = 2000\n", encoding="utf-8")
    await initialize(client, workspace)
    path = workspace / "content" / BROKEN
    text = _uri_text(path) + "x" * 5000
    uri = open_document(client, path, text)
    [diagnostic] = await diagnostics_for(client, uri, 1)
    assert diagnostic.code == "limit-file-size"
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(6, 1))
    )
    assert hover is None
    no_error_reached(client)


@pytest.mark.asyncio
async def test_an_unsaved_document_is_checked_too(client: Client, workspace: Path) -> None:
    await initialize(client, workspace)
    uri = "untitled:Untitled-1"
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(
                uri=uri, language_id="markdown", version=1, text="---\ntitle: x\n"
            )
        )
    )
    diagnostics = await diagnostics_for(client, uri, 1)
    assert [d.code for d in diagnostics] == ["fence-close-missing"]
    no_error_reached(client)


#: Replaces newsmeta.lsp.features.hover with one that raises, then runs the server.
_CRASHING_SERVER = [
    sys.executable,
    "-c",
    "import sys\n"
    "import newsmeta.lsp.features as features\n"
    "def boom(*args, **kwargs):\n"
    "    raise RuntimeError('hover exploded')\n"
    "features.hover = boom\n"
    "from newsmeta.cli import main\n"
    "sys.exit(main(['lsp']))\n",
]


@pytest_lsp.fixture(  # type: ignore[untyped-decorator]
    config=ClientServerConfig(_CRASHING_SERVER, client_factory=make_client)
)
async def crashing(lsp_client: Client) -> AsyncIterator[None]:
    yield
    await end_session(lsp_client)


@pytest.mark.asyncio
async def test_a_crash_in_a_handler_is_logged_and_the_server_goes_on(
    crashing: Client, workspace: Path
) -> None:
    client = crashing
    await initialize(client, workspace)
    path = workspace / "content" / BROKEN
    uri = open_document(client, path)
    await diagnostics_for(client, uri, 1)
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(6, 1))
    )
    assert hover is None
    await wait_until(lambda: any("hover failed" in m.message for m in client.log_messages))
    note = next(m for m in client.log_messages if "hover failed" in m.message)
    assert "hover exploded" in note.message
    assert "Traceback" not in note.message
    # Still serving: completion answers, and a change gets fresh diagnostics.
    completion = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), types.Position(12, 2))
    )
    assert completion is not None
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text="---\n")],
        )
    )
    assert [d.code for d in await diagnostics_for(client, uri, 2)] == ["fence-close-missing"]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("editor", "encoding"),
    [("visual-studio-code", "utf-16"), ("neovim@v0.11.0", "utf-8"), ("emacs@v29.1", "utf-32")],
)
async def test_each_editor_s_capabilities_get_its_position_encoding_and_answers(
    client: Client, workspace: Path, editor: str, encoding: str
) -> None:
    """VS Code counts UTF-16 units, Neovim 0.11 prefers UTF-8, Emacs 29's eglot UTF-32."""
    path = workspace / "content" / "emoji.md"
    text = EMOJI.replace("type: blög", 'type: blög\nexcerpt: "🍒 &amp; frost"')
    path.write_text(text, encoding="utf-8")
    result = await initialize(client, workspace, editor=editor)
    assert result.capabilities.position_encoding == encoding
    uri = open_document(client, path, text)
    diagnostics = await diagnostics_for(client, uri, 1)
    expected = validate_json(Path("content") / "emoji.md", cwd=workspace)["content/emoji.md"]
    assert actual_diagnostics(diagnostics) == expected_diagnostics(text, expected, encoding)
    entity = next(d for d in diagnostics if d.code == "text-html-entity")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=entity.range,
            context=types.CodeActionContext(diagnostics=[entity]),
        )
    )
    assert actions is not None
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and a.is_preferred)
    # Emacs 29's eglot does not resolve actions: it gets every edit with the list.
    assert (fix.edit is not None) == editor.startswith("emacs")
    fixed = apply_edits(text, edits_of(await edit_of_action(client, fix), uri), encoding)
    assert fixed == text.replace("&amp;", "&")
    line = text.splitlines().index("type: blög")
    hover = await client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, 7))
    )
    assert hover is not None
    completion = await client.text_document_completion_async(
        types.CompletionParams(types.TextDocumentIdentifier(uri), types.Position(line, 6))
    )
    assert isinstance(completion, types.CompletionList)
    assert [i.label for i in completion.items] == ["article", "video"]
    no_error_reached(client)


def test_without_the_lsp_extra_the_command_says_what_to_install() -> None:
    script = (
        "import sys\n"
        "sys.modules['pygls'] = None\n"
        "from newsmeta.cli import main\n"
        "sys.exit(main(['lsp']))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 2
    assert "pip install 'newsmeta-md[lsp]'" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_server_exits_when_told_even_while_its_input_stays_open() -> None:
    """Editors send ``exit`` and may keep the pipe open: the server must not wait for its
    input to close, nor abort on the way out."""
    import json

    server = subprocess.Popen(
        SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert server.stdin is not None
    for message in (
        {"id": 1, "method": "initialize", "params": {"processId": None, "capabilities": {}}},
        {"method": "initialized", "params": {}},
        {"id": 2, "method": "shutdown", "params": None},
        {"method": "exit", "params": None},
    ):
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        server.stdin.flush()
    try:
        assert server.wait(timeout=30) == 0
    finally:
        server.kill()
        server.stdin.close()
    assert server.stderr is not None
    assert b"Fatal" not in server.stderr.read()


@pytest.mark.asyncio
async def test_configuration_edited_without_a_file_watcher_is_followed(
    client: Client, workspace: Path
) -> None:
    """Neovim on Linux watches no files for its servers: a configuration file written
    meanwhile is noticed when the editor's settings change (``didChangeConfiguration``)
    or on the next keystroke, and every open document follows it."""
    await initialize(client, workspace, editor="neovim@v0.11.0")
    await indexed(client)  # no check again from here on but for what the test does
    assert client.registrations == []  # nothing is watched for this server
    content = workspace / "content"
    broken, other = content / BROKEN, content / "emoji.md"
    other.write_text(EMOJI, encoding="utf-8")
    text = _uri_text(broken)
    uri, other_uri = open_document(client, broken, text), open_document(client, other)
    assert "schema-enum" in {d.code for d in await diagnostics_for(client, uri, 1)}
    assert "schema-enum" in {d.code for d in await diagnostics_for(client, other_uri, 1)}
    # Created, then the editor's settings change: both documents are checked again. (What
    # is published is waited for, not taken from the next message: one of a check made
    # before may still be on its way.)

    def codes(each: str) -> set[str]:
        return {str(d.code) for d in client.diagnostics.get(each, [])}

    config = workspace / "newsmeta.toml"
    config.write_text('ignore = ["schema-enum"]\n', encoding="utf-8")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={}))
    await wait_until(lambda: "schema-enum" not in codes(uri) | codes(other_uri))
    # The workspace is indexed again with it: wait for that, and its checks, to be over.
    await wait_until(lambda: sum("indexed" in m.message for m in client.log_messages) >= 2)
    # Edited, then one keystroke in one document: the other follows too. (Another size
    # too: two writes within one tick of the file system's clock can look the same.)
    config.write_text('ignore = ["schema-type", "yaml-duplicate-key"]\n', encoding="utf-8")
    change_document(client, uri, 2, (0, 3), (0, 3), "")
    assert "schema-enum" in {d.code for d in await diagnostics_for(client, uri, 2)}
    await wait_until(lambda: "schema-enum" in codes(other_uri))
    assert "schema-type" not in codes(other_uri)
    # A request the server does not offer gets its error answer, and that is all.
    with pytest.raises(Exception, match="Method Not Found"):
        await client.protocol.send_request_async(  # type: ignore[no-untyped-call]
            types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
            types.DocumentSymbolParams(types.TextDocumentIdentifier(uri)),
        )
    no_error_reached(client)


def _frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_messages(stream: Any, into: queue.Queue[dict[str, Any]]) -> None:
    while True:
        length = None
        while (line := stream.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        if line == b"" or length is None:
            return
        into.put(json.loads(stream.read(length)))


def test_a_document_sent_as_bytes_that_are_not_utf8_gets_its_encoding_problem(
    tmp_path: Path,
) -> None:
    """A client that sends a Latin-1 or binary file's bytes as they are (not UTF-8, so not
    JSON either) gets the located problem ``newsmeta validate`` reports for that file,
    not a lost document and an internal error."""
    raw = b'---\ntitle: "Caf\xe9 \xff"\n---\n'
    article = tmp_path / "latin1.md"
    article.write_bytes(raw)
    expected = validate_json(article, cwd=tmp_path)[str(article)]
    assert [p["code"] for p in expected][:1] == ["encoding-not-utf8"]
    uri = article.as_uri()
    open_message = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": "@"}
            },
        }
    ).encode()
    # The bytes go into the JSON string as they are: only quotes and breaks escaped.
    escaped = raw.replace(b'"', b'\\"').replace(b"\n", b"\\n")
    server = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert server.stdin is not None
    received: queue.Queue[dict[str, Any]] = queue.Queue()
    threading.Thread(target=_read_messages, args=(server.stdout, received), daemon=True).start()
    try:
        for body in (
            b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}',
            b'{"jsonrpc":"2.0","method":"initialized","params":{}}',
            open_message.replace(b'"text": "@"', b'"text": "' + escaped + b'"'),
        ):
            server.stdin.write(_frame(body))
        server.stdin.flush()
        messages: list[dict[str, Any]] = []
        while not any(m.get("method") == "textDocument/publishDiagnostics" for m in messages):
            messages.append(received.get(timeout=30))
        for body in (
            b'{"jsonrpc":"2.0","id":2,"method":"shutdown"}',
            b'{"jsonrpc":"2.0","method":"exit"}',
        ):
            server.stdin.write(_frame(body))
        server.stdin.flush()
        assert server.wait(timeout=30) == 0
    finally:
        server.kill()
        server.stdin.close()
    [published] = [m for m in messages if m.get("method") == "textDocument/publishDiagnostics"]
    text = raw.decode("utf-8", "surrogateescape")
    got = [
        (d["code"], (d["range"]["start"]["line"], d["range"]["start"]["character"]))
        for d in published["params"]["diagnostics"]
    ]
    assert got == [(c, s) for c, _, s, _, _ in expected_diagnostics(text, expected)]
    assert not [m for m in messages if m.get("method") == "window/logMessage"]
