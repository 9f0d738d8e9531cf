"""The language features, as LSP objects made from library results.

Every function here is a translation: problems become diagnostics, the schema becomes
hover text and completion items, and the library's fixes and edits (each computed by the
splice editor of :class:`newsmeta.Document`, and verified by it) become workspace edits.
Positions go through :class:`~newsmeta.lsp.positions.TextMap` and nowhere else. Nothing
here keeps state or talks to the client: :mod:`newsmeta.lsp.server` does.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Final

import attrs
from lsprotocol import types

from newsmeta.document import Document, loads
from newsmeta.errors import EditError
from newsmeta.lsp.context import Cursor, cursor_at
from newsmeta.lsp.positions import TextMap
from newsmeta.problems import (
    CODES,
    Problem,
    Severity,
    dotted_path,
    parts_from_pointer,
    pointer_from_parts,
)
from newsmeta.schema import keys_at, placeholder, required_keys, schema_at
from newsmeta.suggestions import closest
from newsmeta.values import always_quoted, format_scalar

__all__ = [
    "PROBLEMS_PAGE",
    "SOURCE",
    "Client",
    "code_actions",
    "code_url",
    "completions",
    "diagnostics",
    "hover",
    "text_edits",
]

#: The ``source`` of every diagnostic.
SOURCE: Final = "newsmeta"
#: The problem-code reference of the documentation site; each code is an anchor on it.
PROBLEMS_PAGE: Final = "https://newsmeta.github.io/newsmeta/reference/problems/"
#: The code action kind of "fix all" (a ``source.fixAll`` kind, for fix-on-save settings).
FIX_ALL_KIND: Final = f"{types.CodeActionKind.SourceFixAll.value}.newsmeta"

Part = str | int


@attrs.frozen
class Client:
    """What the client said it can do, as far as these features care."""

    encoding: str = "utf-16"
    markdown: bool = False
    snippets: bool = False
    document_changes: bool = False
    insert_text_mode: bool = False
    #: The client fills in a code action's edit with ``codeAction/resolve``.
    resolve_edits: bool = False


def code_url(code: str) -> str:
    """The documentation of ``code``: its anchor on the problem-code reference."""
    return PROBLEMS_PAGE + "#" + code


def _range(lines: TextMap, start: int, end: int) -> types.Range:
    (sl, sc), (el, ec) = lines.to_lsp(start), lines.to_lsp(end)
    return types.Range(types.Position(sl, sc), types.Position(el, ec))


def _problem_range(lines: TextMap, problem: Problem) -> types.Range:
    (sl, sc), (el, ec) = lines.problem_range(
        problem.line, problem.column, problem.end_line, problem.end_column
    )
    return types.Range(types.Position(sl, sc), types.Position(el, ec))


def problem_span(lines: TextMap, problem: Problem) -> tuple[int, int]:
    """A problem's span as character indices into the text."""
    start = lines.from_problem(problem.line, problem.column)
    return start, max(start, lines.from_problem(problem.end_line, problem.end_column))


# --- diagnostics --------------------------------------------------------------------------------

_SEVERITY: Final = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
}


def diagnostic(problem: Problem, lines: TextMap) -> types.Diagnostic:
    """One problem as a diagnostic: range, severity, code and the code's documentation."""
    return types.Diagnostic(
        range=_problem_range(lines, problem),
        message=problem.message,
        severity=_SEVERITY.get(problem.severity, types.DiagnosticSeverity.Error),
        code=problem.code,
        code_description=types.CodeDescription(href=code_url(problem.code)),
        source=SOURCE,
        data={"pointer": problem.pointer},
    )


def diagnostics(problems: Iterable[Problem], lines: TextMap) -> list[types.Diagnostic]:
    """Every problem as a diagnostic, in the order given."""
    return [diagnostic(problem, lines) for problem in problems]


# --- hover ----------------------------------------------------------------------------------------


def _explanation(code: str, message: str, markdown: bool) -> str:
    from newsmeta.problems import explain_text

    info = CODES.get(code)
    if info is None:
        return message
    if not markdown:
        return f"{message}\n\n{explain_text(code) or ''}".rstrip()
    parts = [
        f"**{code}** ({info.severity.value}): {message}",
        info.explanation,
    ]
    if info.bad:
        parts.append("Bad:\n\n```yaml\n" + info.bad + "\n```")
    if info.good:
        parts.append("Good:\n\n```yaml\n" + info.good + "\n```")
    if info.fix:
        parts.append("Fix: " + info.fix)
    parts.append(f"[{code} in the problem reference]({code_url(code)})")
    return "\n\n".join(parts)


def _type_name(schema: Mapping[str, object]) -> str:
    kind = schema.get("type")
    names = kind if isinstance(kind, list) else [kind]
    text = " or ".join(str(name) for name in names if name is not None) or "any"
    form = schema.get("format")
    return f"{text} ({form})" if isinstance(form, str) else text


def _example(value: object) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 120 else text[:119] + "…"


def key_documentation(
    parts: Sequence[Part], key: str, markdown: bool, data: object = None
) -> str | None:
    """Hover text for the key ``key`` of the mapping at ``parts``; ``None`` for nothing.

    ``data`` is the front matter's JSON view, if known (it decides conditional
    requirements such as ``webUrl`` on articles).
    """
    schema = schema_at([*parts, key])
    if schema is None:
        known = keys_at(pointer_from_parts(parts))
        if not known:
            return None
        suggestion = closest(key, known)
        text = f"'{key}' is not part of the article format."
        if suggestion is not None:
            text += f" Did you mean '{suggestion}'?"
        return text
    title = str(schema.get("title", key))
    description = str(schema.get("description", ""))
    mapping = schema_at(parts) or {}
    instance = _get(data, parts)
    required = key in required_keys(mapping, instance if isinstance(instance, dict) else None)
    facts = [_type_name(schema), "required" if required else "optional"]
    allowed = schema.get("enum")
    if isinstance(allowed, list):
        facts.append("one of " + ", ".join(_example(v) for v in allowed))
    examples = schema.get("examples")
    example = _example(examples[0]) if isinstance(examples, list) and examples else None
    if markdown:
        out = [f"**{title}** (`{key}`)", description, " · ".join(facts)]
        if example is not None:
            out.append(f"Example: `{example}`")
    else:
        out = [f"{title} ({key})", description, "; ".join(facts)]
        if example is not None:
            out.append(f"Example: {example}")
    return "\n\n".join(part for part in out if part)


def _get(data: object, parts: Sequence[Part]) -> object:
    for part in parts:
        if isinstance(data, dict) and isinstance(part, str):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


def hover(
    text: str,
    index: int,
    lines: TextMap,
    problems: Sequence[Problem],
    document: Document | None,
    client: Client,
) -> types.Hover | None:
    """Hover at ``index``: a key's schema documentation, and the explanation of every
    problem whose range holds the cursor. ``document`` is the parsed text, or ``None``
    when it does not parse (the lines around the cursor are read then)."""
    sections: list[str] = []
    span: tuple[int, int] | None = None
    for problem in problems:
        start, end = problem_span(lines, problem)
        if start <= index <= end:
            sections.append(_explanation(problem.code, problem.message, client.markdown))
            span = (start, end) if span is None else span
    located = document.locate(index) if document is not None else None
    data = document.data if document is not None else None
    key_doc: str | None = None
    if located is not None and located.kind == "key":
        key = located.path[-1]
        if isinstance(key, str):
            key_doc = key_documentation(located.path[:-1], key, client.markdown, data)
            span = (located.start, located.end)
    elif located is None:
        cursor = cursor_at(text, index)
        if cursor.kind == "key" and cursor.word[0] < cursor.word[1]:
            key = text[cursor.word[0] : cursor.word[1]]
            after = text[cursor.word[1] : cursor.word[1] + 1]
            if after == ":":
                key_doc = key_documentation(cursor.parts, key, client.markdown)
                span = cursor.word
    if key_doc is not None:
        sections.insert(0, key_doc)
    if not sections:
        return None
    separator = "\n\n---\n\n" if client.markdown else "\n\n"
    content = types.MarkupContent(
        kind=types.MarkupKind.Markdown if client.markdown else types.MarkupKind.PlainText,
        value=separator.join(sections),
    )
    return types.Hover(contents=content, range=_range(lines, *span) if span else None)


# --- completion ---------------------------------------------------------------------------------


def _now(key: str) -> str:
    """The current time, to the second, as an edit writes it under ``key``."""
    return format_scalar(datetime.now(UTC).replace(microsecond=0), key)


def _choice(stop: int, values: Sequence[str]) -> str:
    """A snippet's choice of ``values`` at tab stop ``stop`` (``,``, ``|`` and ``\\``
    escaped, as the snippet syntax asks)."""
    escaped = (re.sub(r"([,|\\])", r"\\\1", value) for value in values)
    return f"${{{stop}|" + ",".join(escaped) + "|}"


def _value_template(key: str, schema: Mapping[str, object], stop: int, snippets: bool) -> str:
    """What follows ``key: `` for a new scalar; ``$stop`` is its tab stop in a snippet."""
    allowed = schema.get("enum")
    kind = schema.get("type")
    if isinstance(allowed, list) and allowed:
        written = [format_scalar(value, key) for value in allowed]
        return _choice(stop, written) if snippets else written[0]
    if kind == "boolean":
        return _choice(stop, ["true", "false"]) if snippets else "false"
    if schema.get("format") == "date-time":
        return f"${{{stop}:{_now(key)}}}" if snippets else _now(key)
    if kind == "integer":
        value = placeholder(schema)
        return f"${{{stop}:{value}}}" if snippets else str(value)
    if always_quoted(key):
        return f'"${stop}"' if snippets else '""'
    return f"${stop}" if snippets else ""


def _entry_template(
    path: Sequence[Part], column: int, newline: str, seq_offset: int, snippets: bool
) -> str:
    """The text of a new entry for the key at ``path`` whose key sits at ``column`` (its
    first line unindented, as it is inserted after the indentation)."""
    key = str(path[-1])
    schema = schema_at(path) or {}
    kind = schema.get("type")
    if kind == "object":
        inner = " " * (column + 2)
        lines = [f"{key}:"]
        stop = 1
        for name in required_keys(schema):
            child = schema_at([*path, name])
            if child is None or child.get("type") in ("object", "array"):
                continue
            lines.append(f"{inner}{name}: {_value_template(name, child, stop, snippets)}")
            stop += 1
        if len(lines) == 1:
            lines.append(inner + ("$0" if snippets else ""))
        return newline.join(lines)
    if kind == "array":
        dash = " " * (column + seq_offset)
        return f"{key}:{newline}{dash}- " + ("$0" if snippets else "")
    value = _value_template(key, schema, 1, snippets)
    return f"{key}: {value}" if value else f"{key}: "


def _seq_offset(text: str) -> int:
    """Columns between a key and the dashes of its block list in this file (2 if none)."""
    match = re.search(r"^( *)[^\s#:][^:\n]*:[ \t]*\r?\n( *)- ", text, re.MULTILINE)
    return max(0, len(match.group(2)) - len(match.group(1))) if match else 2


def _newline(text: str) -> str:
    first = text.find("\n")
    return "\r\n" if first > 0 and text[first - 1] == "\r" else "\n"


def completions(
    text: str,
    index: int,
    lines: TextMap,
    client: Client,
    topics: Sequence[str] = (),
    data: object = None,
) -> list[types.CompletionItem]:
    """Completion items at ``index``.

    - on a key: the keys the format allows in that mapping and that it does not hold yet,
      required ones first, each inserted with its value in the house style;
    - after ``key:``: the allowed values of an enumeration, ``true``/``false``, the current
      time for a date-time;
    - in a list item: for ``topics``, the ``topics`` already used in the workspace (most
      used first); for a list of mappings, the keys of its items.

    ``data`` is the front matter's JSON view when it parses (it refines conditional
    requirements and skips topics the list already has).
    """
    cursor = cursor_at(text, index)
    if cursor.kind == "key":
        return _key_items(text, cursor, lines, client, data)
    if cursor.kind == "value":
        return _value_items(cursor, lines, client, _space_before(text, cursor))
    if cursor.kind == "item":
        item_schema = schema_at([*cursor.parts, 0])
        if item_schema is not None and item_schema.get("type") == "object":
            keyed = attrs.evolve(
                cursor,
                kind="key",
                parts=(*cursor.parts, 0),
                column=cursor.column + 2,
                word=(cursor.word[0], max(cursor.word[0], index)),
            )
            return _key_items(text, keyed, lines, client, data)
        if list(cursor.parts) == ["topics"]:
            present = _get(data, cursor.parts)
            have = set(present) if isinstance(present, list) else set()
            typed = text[cursor.word[0] : index].strip("\"' ")
            space = _space_before(text, cursor)
            return [
                _value_item(topic, "topics", cursor, lines, client, order, space)
                for order, topic in enumerate(topics)
                if topic not in have or topic == typed
            ]
    return []


def completes_topics(text: str, index: int) -> bool:
    """Whether completion at ``index`` offers topics (the cursor is on a ``topics`` item)."""
    cursor = cursor_at(text, index)
    return cursor.kind == "item" and list(cursor.parts) == ["topics"]


def _key_items(
    text: str, cursor: Cursor, lines: TextMap, client: Client, data: object
) -> list[types.CompletionItem]:
    mapping = schema_at(cursor.parts)
    if mapping is None:
        return []
    properties = mapping.get("properties")
    if not isinstance(properties, Mapping):
        return []
    instance = _get(data, cursor.parts)
    required = set(
        required_keys(mapping, instance if isinstance(instance, dict) else None)
        if isinstance(instance, dict)
        else required_keys(mapping, dict.fromkeys(cursor.present) | _typed_scalars(text))
    )
    newline = _newline(text)
    offset = _seq_offset(text)
    items = []
    for order, key in enumerate(properties):
        schema = schema_at([*cursor.parts, key])
        if key in cursor.present or schema is None:
            continue
        insert = _entry_template(
            [*cursor.parts, key], cursor.column, newline, offset, client.snippets
        )
        items.append(
            types.CompletionItem(
                label=key,
                kind=types.CompletionItemKind.Property,
                detail=str(schema.get("title", "")) + (" (required)" if key in required else ""),
                documentation=_doc(schema, client),
                sort_text=f"{0 if key in required else 1}{order:03d}",
                filter_text=key,
                insert_text_format=types.InsertTextFormat.Snippet
                if client.snippets
                else types.InsertTextFormat.PlainText,
                insert_text_mode=types.InsertTextMode.AsIs if client.insert_text_mode else None,
                text_edit=types.TextEdit(range=_range(lines, *cursor.word), new_text=insert),
            )
        )
    return items


def _typed_scalars(text: str) -> dict[str, object]:
    """``type`` as written at the top level of an unparsable front matter (for ``if``)."""
    match = re.search(r"^type:[ \t]*[\"']?([A-Za-z]+)", text, re.MULTILINE)
    return {"type": match.group(1)} if match else {}


def _doc(schema: Mapping[str, object], client: Client) -> types.MarkupContent | None:
    description = schema.get("description")
    if not isinstance(description, str):
        return None
    kind = types.MarkupKind.Markdown if client.markdown else types.MarkupKind.PlainText
    return types.MarkupContent(kind=kind, value=description)


def _space_before(text: str, cursor: Cursor) -> str:
    """A space when the value would otherwise touch its ``:`` or ``-`` (completion was
    triggered by typing one)."""
    start = cursor.word[0]
    return " " if start > 0 and text[start - 1] in ":-" else ""


def _value_items(
    cursor: Cursor, lines: TextMap, client: Client, space: str = ""
) -> list[types.CompletionItem]:
    assert cursor.key is not None
    schema = schema_at([*cursor.parts, cursor.key])
    if schema is None:
        return []
    values: list[object] = []
    allowed = schema.get("enum")
    if isinstance(allowed, list):
        values = list(allowed)
    elif schema.get("type") == "boolean":
        values = [True, False]
    elif schema.get("format") == "date-time":
        values = [datetime.now(UTC).replace(microsecond=0)]
    return [
        _value_item(value, cursor.key, cursor, lines, client, order, space)
        for order, value in enumerate(values)
    ]


def _value_item(
    value: object,
    key: str,
    cursor: Cursor,
    lines: TextMap,
    client: Client,
    order: int,
    space: str = "",
) -> types.CompletionItem:
    written = format_scalar(value, key)
    label = written.strip('"') if isinstance(value, str) else written
    return types.CompletionItem(
        label=label,
        kind=types.CompletionItemKind.Value,
        sort_text=f"{order:05d}",
        filter_text=written,
        text_edit=types.TextEdit(range=_range(lines, *cursor.word), new_text=space + written),
    )


# --- code actions -------------------------------------------------------------------------------

_FIX_TITLES: Final = {
    "text-mojibake": "Repair the mojibake in {where}",
    "text-html-entity": "Replace the HTML entities in {where}",
    "text-whitespace": "Trim the whitespace around {where}",
    "url-cdn-amp-mismatch": "Derive {where} from ampWebUrl",
    "yaml-1.1-ambiguous": "Quote {where}",
}


def text_edits(old: str, new: str, lines: TextMap) -> list[types.TextEdit]:
    """The smallest edits, one per changed run of lines, that turn ``old`` into ``new``.

    ``lines`` maps ``old``. Each edit is trimmed to the characters that differ, but
    never splits a ``\\r\\n``.
    """
    if old == new:
        return []
    a = old.splitlines(keepends=True)
    b = new.splitlines(keepends=True)
    starts = [0]
    for line in a:
        starts.append(starts[-1] + len(line))
    edits = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        start, end = starts[i1], starts[i2]
        before, after = old[start:end], "".join(b[j1:j2])
        prefix = _common_prefix(before, after)
        suffix = _common_prefix(before[prefix:][::-1], after[prefix:][::-1])
        if 0 < prefix < len(before) and before[prefix - 1 : prefix + 1] == "\r\n":
            prefix -= 1
        cut = len(before) - suffix
        if suffix and 0 < cut < len(before) and before[cut - 1 : cut + 1] == "\r\n":
            suffix -= 1
        replaced = after[prefix : len(after) - suffix]
        edits.append(
            types.TextEdit(
                range=_range(lines, start + prefix, end - suffix),
                new_text=replaced,
            )
        )
    return edits


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _workspace_edit(
    uri: str, version: int | None, edits: list[types.TextEdit], client: Client
) -> types.WorkspaceEdit:
    if client.document_changes:
        document = types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=version)
        return types.WorkspaceEdit(
            document_changes=[types.TextDocumentEdit(text_document=document, edits=list(edits))]
        )
    return types.WorkspaceEdit(changes={uri: list(edits)})


def _kind_wanted(kind: str, only: Sequence[str] | None) -> bool:
    return only is None or any(kind == want or kind.startswith(want + ".") for want in only)


def _pointer_parts(pointer: str) -> list[Part]:
    return list(parts_from_pointer(pointer))


def _where(pointer: str) -> str:
    """A problem's place as the commands print it: ``related[0].title``."""
    return dotted_path(int(p) if p.isdigit() else p for p in parts_from_pointer(pointer))


@attrs.frozen
class Plan:
    """What a code action will change, without the change: enough to compute its edit
    later (on ``codeAction/resolve``) from the document's text, and to travel as the
    action's ``data``.

    ``what`` is ``fix`` (the safe fix of ``code`` at ``pointer``), ``fix-all`` (every safe
    fix), ``add`` (the missing key at ``pointer``, with a placeholder) or ``rename`` (the
    key at ``pointer`` to ``to``).
    """

    what: str
    code: str = ""
    pointer: str = ""
    to: str = ""

    def as_data(self, uri: str) -> dict[str, str]:
        """The action's ``data``: the plan and the document it is for."""
        return {"uri": uri, **attrs.asdict(self)}

    @classmethod
    def from_data(cls, data: object) -> tuple[str, Plan] | None:
        """The document and plan that :meth:`as_data` wrote (``None`` for anything else,
        such as another server's data)."""
        if not isinstance(data, Mapping):
            return None
        fields = {name: data.get(name) for name in ("uri", "what", "code", "pointer", "to")}
        if not all(isinstance(value, str) for value in fields.values()):
            return None
        if fields["what"] not in ("fix", "fix-all", "add", "rename"):
            return None
        uri = str(fields.pop("uri"))
        return uri, cls(**{name: str(value) for name, value in fields.items()})

    def apply(self, document: Document) -> None:
        """Make the change in ``document`` (the library's editor, verified by it); raises
        :class:`~newsmeta.errors.EditError` when it refuses."""
        from newsmeta.fixing import fix_document

        if self.what == "fix":
            fix_document(document, {self.code}, pointer=self.pointer)
        elif self.what == "fix-all":
            fix_document(document)
        elif self.what == "add":
            parts = _pointer_parts(self.pointer)
            schema = schema_at(parts)
            if schema is None:
                raise EditError(f"the format has no key at {self.pointer}")
            document.set(parts, placeholder(schema))
        elif self.what == "rename":
            document.rename(_pointer_parts(self.pointer), self.to)


def plan_edit(
    plan: Plan,
    text: str,
    uri: str,
    version: int | None,
    path: str | None,
    lines: TextMap,
    client: Client,
) -> types.WorkspaceEdit | None:
    """The workspace edit of ``plan`` on ``text`` (mapped by ``lines``), computed on a fresh
    :class:`~newsmeta.Document`; ``None`` when the library refuses it or it changes
    nothing."""
    document = loads(text, path=path)
    try:
        plan.apply(document)
    except EditError:
        return None
    if document.text == text:
        return None
    return _workspace_edit(uri, version, text_edits(text, document.text, lines), client)


def code_actions(
    text: str,
    uri: str,
    version: int | None,
    path: str | None,
    lines: TextMap,
    problems: Sequence[Problem],
    span: tuple[int, int],
    client: Client,
    only: Sequence[str] | None = None,
    data: Callable[[], object] = lambda: None,
) -> list[types.CodeAction]:
    """The code actions for the problems whose range meets ``span`` (character indices).

    Each is a :class:`~lsprotocol.types.WorkspaceEdit` whose text the library computes on
    a fresh :class:`~newsmeta.Document` of ``text`` (see :class:`Plan`):

    - every safe fix of ``newsmeta fix`` (:func:`newsmeta.fixing.fix_document`, limited to
      the problem's code and value), preferred;
    - "fix all": every safe fix in the file, exactly what ``newsmeta fix`` writes;
    - for ``schema-required``, the missing key added with a placeholder
      (:func:`newsmeta.schema.placeholder`) at its canonical place;
    - for ``schema-unknown-key``, the key renamed to the one it most likely misspells
      (:func:`newsmeta.suggestions.closest` among :func:`newsmeta.schema.keys_at`).

    ``only`` filters by code action kind, as the client asked. ``data`` gives the front
    matter's JSON view, if known (a rename never takes a key the mapping already has); it
    is called only when a rename is offered.

    When the client resolves actions (``client.resolve_edits``), the edits are left out
    and each action carries its plan as ``data``: an editor asks for code actions at the
    cursor after every keystroke, and only the action chosen needs its edit
    (:func:`resolve`). Otherwise each edit is computed here, and an action whose edit the
    library refuses is not offered.
    """
    from newsmeta.fixing import fixable_codes

    fixable = set(fixable_codes())
    quick = types.CodeActionKind.QuickFix.value
    in_range = [
        problem
        for problem in problems
        if (where := problem_span(lines, problem))[0] <= span[1] and span[0] <= where[1]
    ]
    planned: list[tuple[types.CodeAction, Plan]] = []
    if _kind_wanted(quick, only):
        for problem in in_range:
            found = _plan_for(problem, fixable, data)
            if found is not None:
                title, plan, preferred = found
                action = types.CodeAction(
                    title=title,
                    kind=types.CodeActionKind.QuickFix,
                    diagnostics=[diagnostic(problem, lines)],
                    is_preferred=preferred or None,
                )
                planned.append((action, plan))
    fixable_problems = [p for p in problems if p.code in fixable]
    if fixable_problems:
        title = "Fix all safe problems in this file (newsmeta fix)"
        several = len(fixable_problems) > 1 and any(p.code in fixable for p in in_range)
        fixed = [diagnostic(p, lines) for p in fixable_problems]
        for kind, show in ((FIX_ALL_KIND, True), (quick, several)):
            if show and _kind_wanted(kind, only):
                action = types.CodeAction(title=title, kind=kind, diagnostics=fixed)
                planned.append((action, Plan("fix-all")))
    if client.resolve_edits:
        for action, plan in planned:
            action.data = plan.as_data(uri)
        return [action for action, _ in planned]
    actions = []
    edits: dict[Plan, types.WorkspaceEdit | None] = {}
    for action, plan in planned:
        if plan not in edits:  # fix-all is offered under two kinds
            edits[plan] = plan_edit(plan, text, uri, version, path, lines, client)
        action.edit = edits[plan]
        if action.edit is not None:
            actions.append(action)
    return actions


def resolve(
    action: types.CodeAction,
    text: str,
    version: int | None,
    path: str | None,
    lines: TextMap,
    client: Client,
) -> types.CodeAction:
    """``action`` (one :func:`code_actions` offered) with its edit, computed on ``text``,
    the document's text now. Left without an edit when its plan cannot be read or the
    library refuses the change."""
    found = Plan.from_data(action.data)
    if found is not None:
        uri, plan = found
        action.edit = plan_edit(plan, text, uri, version, path, lines, client)
    return action


def _plan_for(
    problem: Problem, fixable: set[str], data: Callable[[], object]
) -> tuple[str, Plan, bool] | None:
    """The quick fix for ``problem``: its title, its plan and whether it is preferred."""
    if problem.code in fixable:
        where = _where(problem.pointer)
        title = _FIX_TITLES.get(problem.code, "Apply the safe fix for {where}").format(where=where)
        return title, Plan("fix", problem.code, problem.pointer), True
    if problem.code == "schema-required" and problem.pointer:
        parts = _pointer_parts(problem.pointer)
        if schema_at(parts) is None:
            return None
        return f"Add the missing key '{parts[-1]}'", Plan("add", pointer=problem.pointer), False
    if problem.code == "schema-unknown-key" and problem.pointer:
        parts = _pointer_parts(problem.pointer)
        key = parts[-1]
        known = keys_at(pointer_from_parts(parts[:-1]))
        existing = _get(data(), parts[:-1])
        taken = set(existing) if isinstance(existing, dict) else set()
        suggestion = closest(str(key), [k for k in known if k not in taken])
        if suggestion is None:
            return None
        plan = Plan("rename", pointer=problem.pointer, to=suggestion)
        return f"Rename '{key}' to '{suggestion}'", plan, True
    return None
