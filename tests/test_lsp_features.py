"""The language features in process: where the cursor is, what completion offers and
inserts, what hover says, which code actions exist and what their edits do."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

pytest.importorskip("lsprotocol")

from lsprotocol import types

import newsmeta
from newsmeta.fixing import fix_document
from newsmeta.lsp import features
from newsmeta.lsp.context import cursor_at
from newsmeta.lsp.positions import TextMap
from newsmeta.lsp.workspace import Configs, Corpus, FileFacts, facts_of
from newsmeta.validation import FileResult, UrlUse, check_bytes

from .conftest import EXAMPLES

BROKEN = (EXAMPLES / "2024-04-02-late-frost-cherries.md").read_text(encoding="utf-8")
FIXABLE = (EXAMPLES / "2024-05-20-market-hall.md").read_text(encoding="utf-8")
VSCODE = features.Client(markdown=True, snippets=True, document_changes=True, insert_text_mode=True)
PLAIN = features.Client()


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    from .lsp_helpers import apply_edits

    return apply_edits(text, edits)


# --- where the cursor is --------------------------------------------------------------------------

NESTED = """---
title: "x"
provider:
  name: P
  images:
    - url: "https://a.org/l.png"
      wi
related:
  - title: "r"
    provider:
      name: Q

topics:
  - AI
  - Ro
type: vi
---
body
"""


def _at(text: str, needle: str, offset: int | None = None) -> int:
    index = text.index(needle)
    return index + (len(needle) if offset is None else offset)


def test_the_cursor_knows_the_mapping_of_a_half_typed_key() -> None:
    cursor = cursor_at(NESTED, _at(NESTED, "      wi"))
    assert cursor.kind == "key"
    assert cursor.parts == ("provider", "images", 0)
    assert cursor.present == {"url"}
    assert NESTED[slice(*cursor.word)] == "wi"
    assert cursor.column == 6


def test_the_cursor_on_an_empty_line_in_a_list_item_mapping() -> None:
    text = NESTED.replace("      name: Q\n", "      name: Q\n      \n")
    cursor = cursor_at(text, _at(text, "      name: Q\n      "))
    assert cursor.kind == "key"
    assert cursor.parts == ("related", 0, "provider")
    assert cursor.present == {"name"}


def test_the_cursor_after_a_key_is_on_its_value_and_in_a_list_item() -> None:
    value = cursor_at(NESTED, _at(NESTED, "type: vi"))
    assert (value.kind, value.key, value.parts) == ("value", "type", ())
    assert NESTED[slice(*value.word)] == "vi"
    item = cursor_at(NESTED, _at(NESTED, "  - Ro"))
    assert (item.kind, item.parts) == ("item", ("topics",))
    assert NESTED[slice(*item.word)] == "Ro"


def test_outside_the_front_matter_the_cursor_is_nowhere() -> None:
    assert cursor_at(NESTED, _at(NESTED, "body")).kind == "none"
    assert cursor_at("no fences\n", 3).kind == "none"
    assert cursor_at("---\ntitle: {a: [b, c", 15).kind in ("none", "value")


def test_an_unclosed_fence_still_has_a_front_matter() -> None:
    cursor = cursor_at("---\nprovider:\n  na", 18)
    assert (cursor.kind, cursor.parts) == ("key", ("provider",))


# --- completion -----------------------------------------------------------------------------------


def _complete(
    text: str,
    index: int,
    client: features.Client = VSCODE,
    topics: Sequence[str] = (),
    data: object = None,
) -> list[types.CompletionItem]:
    lines = TextMap(text, client.encoding)
    return features.completions(text, index, lines, client, topics, data)


def _new_text(item: types.CompletionItem) -> str:
    assert isinstance(item.text_edit, types.TextEdit)
    return item.text_edit.new_text


def test_key_completion_offers_missing_keys_required_first() -> None:
    text = '---\ntitle: "x"\n\n---\n'
    items = _complete(text, text.index("\n\n") + 1)
    ordered = [i.label for i in sorted(items, key=lambda i: i.sort_text or "")]
    assert "title" not in ordered
    required = ["category", "excerpt", "publishedDateTime", "type", "provider", "topics", "secured"]
    assert ordered[: len(required)] == required
    assert set(ordered) >= {"webUrl", "images", "related", "heat"}


def test_webUrl_is_required_once_the_type_is_article() -> None:
    for text, required in (
        ("---\ntype: article\n\n---\n", True),
        ("---\ntype: video\n\n---\n", False),
    ):
        items = _complete(text, text.index("\n\n") + 1, data=newsmeta.loads(text).data)
        web = next(i for i in items if i.label == "webUrl")
        assert (web.sort_text or "").startswith("0" if required else "1")


def test_completed_keys_are_written_in_house_style() -> None:
    text = "---\n\n---\n"
    index = 4
    inserted = {i.label: _new_text(i) for i in _complete(text, index, PLAIN)}
    assert inserted["title"] == 'title: ""'
    assert inserted["type"] == "type: article"
    assert inserted["published"] == "published: false"
    assert inserted["quality"] == "quality: 0"
    assert inserted["provider"] == "provider:\n  name: \n  domain: "
    assert inserted["topics"] == "topics:\n  - "
    snippets = {i.label: _new_text(i) for i in _complete(text, index)}
    assert snippets["title"] == 'title: "$1"'
    assert snippets["type"] == "type: ${1|article,video|}"
    assert snippets["published"] == "published: ${1|true,false|}"
    assert snippets["publishedDateTime"].startswith("publishedDateTime: ${1:20")
    for label, new_text in inserted.items():
        completed = newsmeta.loads(text[:index] + new_text + text[index:])
        assert "yaml-syntax" not in {p.code for p in completed.problems}, label


def test_a_snippet_choice_escapes_what_the_snippet_syntax_reserves() -> None:
    assert features._choice(1, ["a", "b,c", "d|e", "f\\g"]) == "${1|a,b\\,c,d\\|e,f\\\\g|}"


def test_completion_follows_the_file_s_line_ending_and_list_indentation() -> None:
    text = "---\r\ntopics:\r\n- AI\r\n\r\n---\r\n"
    index = text.index("\r\n\r\n") + 2
    items = {i.label: i for i in _complete(text, index, PLAIN)}
    assert _new_text(items["images"]) == "images:\r\n- "


def test_value_completion_offers_allowed_values_in_house_style() -> None:
    text = "---\ntype: \ncategory: n\npublished: \n---\n"
    types_ = _complete(text, text.index("type: ") + 6)
    assert [i.label for i in types_] == ["article", "video"]
    category = _complete(text, text.index("category: n") + 11)
    assert [_new_text(i) for i in category] == ["news"]
    booleans = _complete(text, text.index("published: ") + 11)
    assert [i.label for i in booleans] == ["true", "false"]


def test_a_value_completed_right_after_its_colon_or_dash_gets_its_space() -> None:
    text = "---\ntype:\ntopics:\n  -\n---\n"
    items = _complete(text, text.index("type:") + 5)
    assert [_new_text(i) for i in items] == [" article", " video"]
    items = _complete(text, text.index("  -") + 3, topics=["AI"])
    assert [_new_text(i) for i in items] == [" AI"]


def test_topic_completion_offers_the_workspace_s_topics_quoted_where_needed() -> None:
    text = "---\ntopics:\n  - AI\n  - \n---\n"
    index = text.index("  - \n") + 4
    data = {"topics": ["AI", None]}
    items = _complete(text, index, topics=["AI", "on", "Robots"], data=data)
    assert [_new_text(i) for i in items] == ['"on"', "Robots"]


def test_in_a_list_of_mappings_completion_offers_the_item_keys() -> None:
    text = "---\nimages:\n  - \n---\n"
    items = _complete(text, text.index("  - ") + 4)
    assert {i.label for i in items} == {
        "url",
        "width",
        "height",
        "isCached",
        "title",
        "attribution",
    }


def test_no_completion_outside_the_front_matter_or_for_unknown_mappings() -> None:
    assert _complete(NESTED, NESTED.index("body")) == []
    text = "---\nunknown:\n  \n---\n"
    assert _complete(text, text.index("  \n") + 2) == []


# --- hover ----------------------------------------------------------------------------------------


def _hover(text: str, index: int, client: features.Client = VSCODE) -> str | None:
    doc = newsmeta.loads(text)
    lines = TextMap(text)
    problems = check_bytes(text.encode()).problems
    result = features.hover(text, index, lines, problems, doc, client)
    if result is None:
        return None
    assert isinstance(result.contents, types.MarkupContent)
    return result.contents.value


def test_hover_on_an_unknown_key_suggests_the_known_one_and_explains_the_problem() -> None:
    value = _hover(BROKEN, _at(BROKEN, "publishDateTime", 3))
    assert value is not None
    assert "'publishDateTime' is not part of the article format. Did you mean " in value
    assert "'publishedDateTime'?" in value
    assert "**schema-unknown-key** (error)" in value


def test_plain_text_hover_carries_the_explain_text() -> None:
    value = _hover(BROKEN, _at(BROKEN, "type: blog", 7), PLAIN)
    assert value is not None
    explained = newsmeta.explain_text("schema-enum")
    assert explained is not None
    assert explained.strip() in value
    assert "**" not in value


def test_hover_reads_the_lines_when_the_yaml_does_not_parse() -> None:
    text = '---\ntitle: "unclosed\nprovider:\n  name: P\n---\n'
    value = _hover(text, _at(text, "  name", 3))
    assert value is not None
    assert "**Name** (`name`)" in value
    assert _hover(text, _at(text, "---\n", 1)) is None or "fence" not in (_hover(text, 1) or "")


# --- code actions ---------------------------------------------------------------------------------


def _actions(
    text: str,
    span: tuple[int, int] | None = None,
    only: list[str] | None = None,
    client: features.Client = VSCODE,
) -> list[types.CodeAction]:
    lines = TextMap(text)
    problems = check_bytes(text.encode()).problems
    return features.code_actions(
        text,
        "file:///a.md",
        3,
        None,
        lines,
        problems,
        span or (0, len(text)),
        client,
        only,
        lambda: newsmeta.loads(text).data,
    )


def _edits(action: types.CodeAction) -> list[types.TextEdit]:
    from .lsp_helpers import edits_of

    return edits_of(action.edit, "file:///a.md")


def test_each_safe_fix_is_a_quick_fix_that_changes_only_its_value_s_line() -> None:
    actions = _actions(FIXABLE)
    quick = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and a.is_preferred]
    titles = sorted(a.title for a in quick)
    assert titles == [
        "Repair the mojibake in excerpt",
        "Replace the HTML entities in title",
        "Trim the whitespace around excerpt",
    ]
    for action in quick:
        edits = _edits(action)
        assert len(edits) == 1
        assert edits[0].range.start.line == edits[0].range.end.line
        assert action.diagnostics is not None
        assert len(action.diagnostics) == 1


def test_fix_all_equals_fix_document() -> None:
    [fix_all] = _actions(FIXABLE, only=["source.fixAll"])
    doc = newsmeta.loads(FIXABLE)
    fix_document(doc)
    assert _apply(FIXABLE, _edits(fix_all)) == doc.text


def test_quick_fixes_keep_crlf_line_endings() -> None:
    text = FIXABLE.replace("\n", "\r\n")
    for action in _actions(text):
        fixed = _apply(text, _edits(action))
        assert "\r\n" in fixed
        assert "\n" not in fixed.replace("\r\n", "")


def test_actions_are_only_for_problems_in_the_range_and_of_the_kinds_asked() -> None:
    title_line = FIXABLE.index("title:")
    near = _actions(FIXABLE, (title_line, FIXABLE.index("\n", title_line)))
    assert [a.title for a in near if a.is_preferred] == ["Replace the HTML entities in title"]
    assert _actions(FIXABLE, only=["refactor"]) == []
    assert all(a.kind == "source.fixAll.newsmeta" for a in _actions(FIXABLE, only=["source"]))


def test_no_rename_when_the_suggested_key_is_already_there() -> None:
    text = BROKEN.replace(
        "publishDateTime:", "publishedDateTime: 2024-04-02T06:10:00Z\npublishDate:"
    )
    titles = [a.title for a in _actions(text)]
    assert not any(t.startswith("Rename 'publishDate'") for t in titles)


RESOLVING = attrs.evolve(VSCODE, resolve_edits=True)


def test_a_client_that_resolves_actions_gets_them_without_edits_and_each_resolves_to_its_edit() -> (
    None
):
    for text in (FIXABLE, BROKEN):
        eager = _actions(text)
        lazy = _actions(text, client=RESOLVING)
        assert [(a.title, a.kind) for a in lazy] == [(a.title, a.kind) for a in eager]
        assert all(a.edit is None and a.data is not None for a in lazy)
        for offered, computed in zip(lazy, eager, strict=True):
            # The action travels to the client and back as JSON, as LSP sends it.
            data = json.loads(json.dumps(offered.data))
            sent = attrs.evolve(offered, data=data)
            resolved = features.resolve(sent, text, 3, None, TextMap(text), RESOLVING)
            assert _timeless(resolved.edit) == _timeless(computed.edit), offered.title


def _timeless(edit: types.WorkspaceEdit | None) -> str:
    """An edit as JSON with the time a placeholder takes from the clock blanked: an edit
    resolved a second after the list was made holds a later one."""
    text = json.dumps(attrs.asdict(edit) if edit is not None else None, default=str)
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "TIME", text)


def test_an_action_whose_plan_cannot_be_read_resolves_to_no_edit() -> None:
    for data in (None, "x", {"uri": "file:///a.md", "what": "format the disk"}, {"what": "fix"}):
        action = types.CodeAction(title="t", data=data)
        assert features.resolve(action, FIXABLE, 3, None, TextMap(FIXABLE), RESOLVING).edit is None


def test_the_add_key_action_places_the_key_canonically_with_a_placeholder() -> None:
    [add] = [a for a in _actions(BROKEN) if a.title == "Add the missing key 'publishedDateTime'"]
    added = _apply(BROKEN, _edits(add))
    doc = newsmeta.loads(added)
    assert isinstance(doc.data, dict)
    assert "publishedDateTime" in doc.data
    assert list(doc.data).index("publishedDateTime") == list(doc.data).index("excerpt") + 1


# --- edits ----------------------------------------------------------------------------------------

_PIECES = st.lists(st.sampled_from(["a", "b", "\n", "\r\n", "🍒", " "]), max_size=25).map("".join)


@given(_PIECES, _PIECES)
def test_text_edits_turn_the_old_text_into_the_new_one(old: str, new: str) -> None:
    edits = features.text_edits(old, new, TextMap(old))
    assert _apply(old, edits) == new
    if old == new:
        assert edits == []


# --- the workspace --------------------------------------------------------------------------------


def test_a_bad_configuration_gives_the_default_one_and_says_why(tmp_path: Path) -> None:
    (tmp_path / "newsmeta.toml").write_text('select = ["no-such-code"]\n', encoding="utf-8")
    config, error = Configs().for_file(str(tmp_path / "a.md"))
    assert config.select is None
    assert error is not None
    assert "no-such-code" in error


def test_a_changed_configuration_file_is_read_again(tmp_path: Path) -> None:
    source = tmp_path / "newsmeta.toml"
    source.write_text('ignore = ["schema"]\n', encoding="utf-8")
    configs = Configs()
    assert configs.for_file(str(tmp_path / "a.md"))[0].ignore == ("schema",)
    source.write_text('ignore = ["schema", "text"]\n', encoding="utf-8")
    os.utime(source, ns=(1, 1))
    assert configs.for_file(str(tmp_path / "a.md"))[0].ignore == ("schema", "text")


def test_a_configuration_file_created_nearer_or_given_a_table_is_noticed(tmp_path: Path) -> None:
    """Without a file watcher, any candidate file between the document and the
    configuration in use decides: one created nearer, or a pyproject.toml given a
    [tool.newsmeta] table, takes over on the next lookup (and counts as a change)."""
    (tmp_path / "newsmeta.toml").write_text('ignore = ["schema"]\n', encoding="utf-8")
    article = tmp_path / "site" / "content" / "a.md"
    article.parent.mkdir(parents=True)
    configs = Configs()
    assert configs.for_file(str(article))[0].ignore == ("schema",)
    assert configs.for_file(str(article))[0].ignore == ("schema",)
    assert configs.generation == 0
    pyproject = tmp_path / "site" / "pyproject.toml"
    pyproject.write_text('[project]\nname = "site"\n', encoding="utf-8")
    assert configs.for_file(str(article))[0].ignore == ("schema",)  # no table: not it
    pyproject.write_text('[tool.newsmeta]\nignore = ["text"]\n', encoding="utf-8")
    assert configs.changed()
    assert configs.for_file(str(article))[0].ignore == ("text",)
    (article.parent / "newsmeta.toml").write_text("", encoding="utf-8")
    assert configs.changed()
    assert configs.for_file(str(article))[0].ignore == ()
    (article.parent / "newsmeta.toml").unlink()
    assert configs.for_file(str(article))[0].ignore == ("text",)
    assert configs.generation == 4
    assert not configs.changed()


def test_a_document_over_the_size_limit_gets_what_validate_reports_for_all_of_it(
    tmp_path: Path,
) -> None:
    """The server checks only a prefix just over the limit of a huge document (so a
    keystroke in it costs the same whatever its size): the result is the whole text's."""
    from newsmeta.lsp.server import NewsmetaServer

    (tmp_path / "newsmeta.toml").write_text("[limits]\nmax-file-bytes = 2000\n", "utf-8")
    server = NewsmetaServer()
    server.root = str(tmp_path)
    limits = Configs().for_file(None, str(tmp_path))[0].limits
    for text in (
        "---\ntitle: x\n---\n" + "é🍒 text\n" * 200,  # over in bytes, not in characters
        "---\ntitle: x\n---\n" + "x" * 5000,  # over in characters
    ):
        whole = check_bytes(text.encode("utf-8"), "<unsaved>", limits)
        assert [p.code for p in whole.problems] == ["limit-file-size"]
        assert server.check(text, None).problems == whole.problems


def _use(url: str, line: int = 5) -> UrlUse:
    return UrlUse("webUrl", url, line, 9, line, 9 + len(url))


def test_the_corpus_reports_a_url_stated_by_a_file_earlier_in_validate_order(
    tmp_path: Path,
) -> None:
    corpus = Corpus()
    corpus.set_roots([str(tmp_path)])
    first, second = str(tmp_path / "a" / "1.md"), str(tmp_path / "b.md")
    corpus.set_open(first, FileFacts((_use("https://x.org/1", 7),)))
    result = FileResult(second, (), (_use("https://x.org/1"),))
    checked = corpus.check(second, result)
    assert [p.message for p in checked.problems] == [
        f"This webUrl is also stated by {os.path.join('a', '1.md')} at line 7."
    ]
    assert corpus.check(first, FileResult(first, (), (_use("https://x.org/1", 7),))).problems == ()
    assert corpus.set_open(first, None) is True  # its URL is gone
    assert corpus.check(second, result).problems == ()


def test_the_corpus_counts_topics_most_used_first(tmp_path: Path) -> None:
    corpus = Corpus()
    corpus.set_open(str(tmp_path / "1.md"), FileFacts((), ("AI", "Robots")))
    corpus.set_open(str(tmp_path / "2.md"), FileFacts((), ("Robots",)))
    assert corpus.topics() == ["Robots", "AI"]
    corpus.set_open(str(tmp_path / "2.md"), None)
    assert corpus.topics() == ["AI", "Robots"]


def test_the_corpus_counts_an_open_document_s_typed_topics_instead_of_its_saved_ones(
    tmp_path: Path,
) -> None:
    corpus = Corpus()
    saved = str(tmp_path / "1.md")
    corpus.set_open(saved, FileFacts((_use("https://x.org/1"),), ("AI",)))
    corpus.set_open_topics(saved, ("Robots",))
    corpus.set_open_topics("untitled:Untitled-1", ("Robots", "Space"))
    assert corpus.topics() == ["Robots", "Space"]
    assert corpus.sharing(["https://x.org/1"]) == {saved}  # its URLs stay
    corpus.set_open("untitled:Untitled-1", None)
    assert corpus.topics() == ["Robots"]


SITE = {
    "content/a.md": "a",
    "content/b.markdown": "b",
    "content/drafts/c.md": "c",
    "content/notes.txt": "n",
    ".hidden/d.md": "d",
    "node_modules/pkg/README.md": "r",
    "README.md": "readme",
}


@pytest.mark.parametrize(
    "config",
    [
        "",
        'exclude = ["drafts"]\nextensions = [".markdown"]',
        'include = ["content/**/*.md"]\nexclude = ["drafts"]',
    ],
)
def test_a_scan_indexes_the_files_validate_reads_in_the_workspace_folder(
    tmp_path: Path, config: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from newsmeta.cli import main

    for number, (name, topic) in enumerate(SITE.items()):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"https://x.org/{number}"
        path.write_text(f'---\nwebUrl: "{url}"\ntopics: [{topic}]\n---\n', encoding="utf-8")
    (tmp_path / "newsmeta.toml").write_text(config + "\n", encoding="utf-8")
    # What `newsmeta validate` reads, run in the workspace folder.
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "--format", "json", *([] if "include" in config else ["."])]) == 1
    report = json.loads(capsys.readouterr().out)
    files = {str(tmp_path / entry["path"]) for entry in report["files"]}
    assert 0 < len(files) < len(SITE)
    corpus = Corpus()
    corpus.set_roots([str(tmp_path)])
    assert corpus.scan(Configs()) == len(files)
    urls = [f"https://x.org/{n}" for n in range(len(SITE))]
    assert corpus.sharing(urls) == files
    assert set(corpus.topics()) == {SITE[os.path.relpath(p, tmp_path)] for p in files}
    # A watched file that changes is kept only if a scan would read it.
    for name in SITE:
        corpus.update_disk(str(tmp_path / name), Configs())
    assert corpus.sharing(urls) == files


def test_facts_of_an_unparsable_article_are_empty() -> None:
    facts = facts_of(newsmeta.loads("---\ntitle: [\n---\n"))
    assert facts == FileFacts()


def test_every_diagnostic_links_to_an_anchor_the_problem_reference_has() -> None:
    import re

    from newsmeta.problems import CODES

    from .conftest import ROOT, load_module

    site = re.search(r"^site_url: (\S+)$", (ROOT / "mkdocs.yml").read_text(), re.MULTILINE)
    assert site is not None
    hooks = load_module("newsmeta_docs_hooks_lsp", ROOT / "docs" / "hooks.py")
    page = hooks.problem_reference()
    for code in CODES:
        assert features.code_url(code) == f"{site.group(1)}reference/problems/#{code}"
        assert f"{{#{code}}}" in page, code


class _Sink:
    """A writer that keeps what the server sends."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.sent.append(data)

    def close(self) -> None:
        pass


def test_document_notifications_leave_nothing_behind_in_the_protocol() -> None:
    """pygls files a generator handler's future under the message id and never removes
    it for a notification: the server's own handlers must not go that way, or memory
    grows with every keystroke."""
    import asyncio

    from newsmeta.lsp.server import create_server

    async def run() -> tuple[int, int]:
        server = create_server()
        protocol = server.protocol
        sink = _Sink()
        protocol.set_writer(sink)
        uri = "untitled:typing"
        protocol._handle_notification(
            types.TEXT_DOCUMENT_DID_OPEN,
            types.DidOpenTextDocumentParams(
                types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text="---\n")
            ),
        )
        for version in range(2, 52):
            protocol._handle_notification(
                types.TEXT_DOCUMENT_DID_CHANGE,
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text="---\n")],
                ),
            )
        while server._running:
            await asyncio.sleep(0.01)
        server.shutdown_workers()
        return len(protocol._request_futures), len(sink.sent)

    left, sent = asyncio.run(asyncio.wait_for(run(), 30))
    assert left == 0
    assert sent >= 1  # the diagnostics were published


def test_a_document_closed_and_opened_again_mid_check_is_checked_with_its_new_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio
    import json
    import time

    from newsmeta.lsp import server as server_module
    from newsmeta.lsp.server import Checked, create_server

    # Every text on the check thread, as a long document's is: the loop goes on meanwhile.
    monkeypatch.setattr(server_module, "_INLINE_CHECK", -1)

    async def run() -> list[list[str]]:
        server = create_server()
        sink = _Sink()
        server.protocol.set_writer(sink)
        uri = "untitled:again"

        def opened(text: str) -> None:
            server.protocol._handle_notification(
                types.TEXT_DOCUMENT_DID_OPEN,
                types.DidOpenTextDocumentParams(
                    types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)
                ),
            )

        check = server.check

        def slow_check(text: str, path: str | None) -> Checked:
            if text == "---\n":
                time.sleep(0.3)  # still checking the first text when it is replaced
            return check(text, path)

        server.check = slow_check  # type: ignore[method-assign]
        opened("---\n")  # unclosed: fence-close-missing
        await asyncio.sleep(0.1)
        assert server._running
        server.protocol._handle_notification(
            types.TEXT_DOCUMENT_DID_CLOSE,
            types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)),
        )
        opened("title: x\n")  # no fence at all: fence-open-missing
        await asyncio.sleep(0.05)
        while server._running:
            await asyncio.sleep(0.01)
        server.shutdown_workers()
        messages: list[dict[str, Any]] = [
            json.loads(data.split(b"\r\n\r\n", 1)[1]) for data in sink.sent
        ]
        return [
            [d["code"] for d in m["params"]["diagnostics"]]
            for m in messages
            if m.get("method") == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
        ]

    published = asyncio.run(asyncio.wait_for(run(), 30))
    assert published[-1] == ["fence-open-missing"]


def test_a_document_saved_and_closed_at_once_counts_once_the_index_has_read_it(
    tmp_path: Path,
) -> None:
    """``:wq``: the close checks the documents sharing the URL at once, perhaps before the
    index (busy with something else) has read the saved file; once it has, they are
    checked again, and the saved URL counts."""
    import asyncio
    import threading

    from newsmeta.lsp.server import create_server

    url = 'webUrl: "https://news.example.org/2024/05/20/market-hall/"'
    mine, earlier = tmp_path / "2024-05-20-mine.md", tmp_path / "2024-05-01-earlier.md"
    mine.write_text(f"---\ntitle: Mine\n{url}\n---\n", encoding="utf-8")
    earlier.write_text('---\ntitle: Earlier\nwebUrl: "https://x.org/a"\n---\n', "utf-8")

    async def run() -> list[bool]:
        server = create_server()
        sink = _Sink()
        server.protocol.set_writer(sink)
        server.root = str(tmp_path)
        server.corpus.set_roots([str(tmp_path)])
        server.corpus.scan(server.configs)
        notify = server.protocol._handle_notification

        def open_(path: Path, text: str) -> None:
            notify(
                types.TEXT_DOCUMENT_DID_OPEN,
                types.DidOpenTextDocumentParams(
                    types.TextDocumentItem(path.as_uri(), "markdown", 1, text)
                ),
            )

        async def settled() -> None:
            while server._running:
                await asyncio.sleep(0.01)

        open_(mine, mine.read_text(encoding="utf-8"))
        saved = earlier.read_text(encoding="utf-8").replace('webUrl: "https://x.org/a"', url)
        open_(earlier, saved)  # typed, not yet saved: counts while open
        await settled()
        index_busy = threading.Event()
        server._indexer.submit(index_busy.wait, 10)
        earlier.write_text(saved, encoding="utf-8")
        document = types.TextDocumentIdentifier(earlier.as_uri())
        notify(types.TEXT_DOCUMENT_DID_SAVE, types.DidSaveTextDocumentParams(document))
        notify(types.TEXT_DOCUMENT_DID_CLOSE, types.DidCloseTextDocumentParams(document))
        await settled()
        index_busy.set()
        # The index thread runs its work in order: once this is done, it has read the
        # saved file and asked for the checks (which the loop has started by then).
        await asyncio.wrap_future(server._indexer.submit(lambda: None))
        await settled()
        server.shutdown_workers()
        published = [json.loads(data.split(b"\r\n\r\n", 1)[1]) for data in sink.sent]
        return [
            any(d["code"] == "corpus-duplicate-url" for d in m["params"]["diagnostics"])
            for m in published
            if m.get("method") == types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
            and m["params"]["uri"] == mine.as_uri()
        ]

    duplicated = asyncio.run(asyncio.wait_for(run(), 30))
    assert duplicated[0] is False  # alone at first
    assert True in duplicated  # the unsaved URL counted
    assert duplicated[-1] is True  # and the saved one does, after the close
