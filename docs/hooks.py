"""MkDocs hooks: the reference pages are generated from the code at build time.

A page asks for generated text with a marker on a line of its own::

    <!-- newsmeta:generate NAME -->

and :func:`on_page_markdown` replaces the marker with ``GENERATORS[NAME]()``. Nothing in
the references is copied by hand, so they cannot drift from the schema, the argparse
parser or the problem-code catalogue. The generators are plain functions of the installed
``newsmeta`` package (this module imports neither MkDocs nor griffe at run time), so
``tests/test_docs.py`` calls them directly.

:func:`on_files` also publishes ``schemas/article.schema.json`` with the site, so editors
can point the YAML language server at it.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = ROOT / "schemas" / "article.schema.json"
#: Where the schema is published on the site (relative to the site root).
SCHEMA_SITE_PATH = "schemas/article.schema.json"

MARKER = re.compile(r"^<!-- newsmeta:generate ([a-z-]+) -->[ \t]*$", re.MULTILINE)


# --- reStructuredText bits in docstrings -----------------------------------------------------

_ROLE = re.compile(r":(?:py:)?[a-z]+:`~?([^`<]*?)(?:\s*<([^`>]+)>)?`")


def _role(match: re.Match[str]) -> str:
    text, target = match.group(1), match.group(2)
    if target is not None and text:
        return f"`{text.strip()}`"
    name = (target or text).strip()
    if match.group(0).split("`", 1)[1].startswith("~"):
        name = name.rsplit(".", 1)[-1]
    return f"`{name}`"


def rst_to_markdown(text: str) -> str:
    """Turn the reStructuredText habits of newsmeta's docstrings into Markdown.

    Sphinx roles (``:class:`~newsmeta.errors.EditError```) become code spans, and a
    paragraph ending in ``::`` followed by an indented block becomes a fenced block.
    Double-backtick literals are already Markdown code spans and are kept.
    """
    text = _ROLE.sub(_role, text)
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.rstrip().endswith("::") and not line.lstrip().startswith(("```", "    ")):
            stripped = line.rstrip()[:-2].rstrip()
            if stripped:
                out.append(stripped + ":")
            block_start = i + 1
            while block_start < len(lines) and not lines[block_start].strip():
                block_start += 1
            indent = len(line) - len(line.lstrip())
            end = block_start
            while end < len(lines) and (
                not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > indent
            ):
                end += 1
            while end > block_start and not lines[end - 1].strip():
                end -= 1
            if end > block_start:
                block = textwrap.dedent("\n".join(lines[block_start:end]))
                out += ["", " " * indent + "```text"]
                out += [(" " * indent + b).rstrip() for b in block.split("\n")]
                out += [" " * indent + "```", ""]
                i = end
                continue
        out.append(line)
        i += 1
    fenced = False
    for n, line in enumerate(out):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif not fenced and not line.startswith("    "):
            out[n] = escape_text(line)
    return "\n".join(out)


_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def escape_text(text: str) -> str:
    """Escape ``<``, ``>`` and ``&`` outside code spans, so they show as written.

    Catalogue and docstring prose mentions ``<stdin>``, ``<amp host>`` and ``&#8217;``
    literally; Markdown would otherwise read them as HTML.
    """
    out, pos = [], 0
    for match in _CODE_SPAN.finditer(text):
        out.append(html.escape(text[pos : match.start()], quote=False))
        out.append(match.group(0))
        pos = match.end()
    out.append(html.escape(text[pos:], quote=False))
    return "".join(out)


def _docstring(obj: object) -> str:
    import inspect

    return rst_to_markdown(inspect.cleandoc(getattr(obj, "__doc__", None) or ""))


# --- Markdown helpers ------------------------------------------------------------------------


def _cell(text: str) -> str:
    """Text for a Markdown table cell: no line breaks, ``|`` escaped."""
    return escape_text(" ".join(text.split())).replace("|", "\\|")


def _code(value: str) -> str:
    """An inline code span that is safe in a table cell, whatever the value holds."""
    escaped = html.escape(value, quote=False).replace("|", "&#124;")
    return f"<code>{escaped}</code>"


def _json(value: object) -> str:
    return _code(json.dumps(value, ensure_ascii=False))


def _table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


# --- format reference ------------------------------------------------------------------------


def load_schema() -> dict[str, object]:
    """The published schema, as the repository holds it."""
    schema: dict[str, object] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return schema


def _mapping(value: object) -> Mapping[str, object]:
    return value if isinstance(value, dict) else {}


def _anchor(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _type_of(spec: Mapping[str, object]) -> str:
    ref = spec.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        return f"[{name}](#{_anchor(name)})"
    kind = spec.get("type")
    if kind == "array":
        return f"list of {_type_of(_mapping(spec.get('items')))}"
    if isinstance(kind, list):
        return " or ".join(str(k) for k in kind)
    return str(kind) if kind is not None else "any"


_CONSTRAINTS: dict[str, Callable[[object], str]] = {
    "const": lambda v: f"exactly {_json(v)}",
    "enum": lambda v: "one of " + ", ".join(_json(x) for x in v) if isinstance(v, list) else "",
    "format": lambda v: f"format {_code(str(v))}",
    "pattern": lambda v: f"matches {_code(str(v))}",
    "minimum": lambda v: f"&ge; {v}",
    "maximum": lambda v: f"&le; {v}",
    "minLength": lambda v: "not empty" if v == 1 else f"at least {v} characters",
    "maxLength": lambda v: f"at most {v} characters",
    "minItems": lambda v: "at least one item" if v == 1 else f"at least {v} items",
    "maxItems": lambda v: f"at most {v} items",
}


def _constraints(spec: Mapping[str, object]) -> str:
    found = [render(spec[key]) for key, render in _CONSTRAINTS.items() if key in spec]
    items = _mapping(spec.get("items"))
    found += [f"each item: {render(items[key])}" for key, render in _CONSTRAINTS.items()
              if key in items]  # fmt: skip
    if spec.get("additionalProperties") is False:
        found.append("no other keys")
    return "; ".join(f for f in found if f)


def _described(spec: Mapping[str, object]) -> str:
    title = spec.get("title")
    parts = [f"**{_cell(str(title))}**." if title else ""]
    if spec.get("description"):
        parts.append(_cell(str(spec["description"])))
    examples = spec.get("examples")
    # Long examples (real headlines, URLs) swamp a table row; the schema file has them all.
    short = [e for e in examples if len(json.dumps(e)) <= 40] if isinstance(examples, list) else []
    if short:
        parts.append("Examples: " + ", ".join(_json(e) for e in short) + ".")
    return " ".join(p for p in parts if p)


def _rules(spec: Mapping[str, object]) -> list[str]:
    """The object-level rules of ``spec`` (dependencies, conditions) as sentences."""
    sentences: list[str] = []
    for key, needs in _mapping(spec.get("dependentRequired")).items():
        if isinstance(needs, list):
            listed = ", ".join(f"`{n}`" for n in needs)
            sentences.append(f"When `{key}` is present, {listed} must be too.")
    condition, then = _mapping(spec.get("if")), _mapping(spec.get("then"))
    if condition and then:
        clauses = []
        for key, test in _mapping(condition.get("properties")).items():
            value = _mapping(test).get("const")
            clauses.append(f"`{key}` is `{value}`")
        required = then.get("required")
        if clauses and isinstance(required, list) and len(then) == 1:
            listed = ", ".join(f"`{r}`" for r in required)
            sentences.append(f"When {' and '.join(clauses)}, {listed} is required.")
        else:
            rule = json.dumps({"if": condition, "then": then}, ensure_ascii=False)
            sentences.append(f"Conditional rule: `{rule}`.")
    if spec.get("additionalProperties") is False:
        sentences.append(
            "Any other key is an error (`schema-unknown-key`), and is still kept on every "
            "round trip."
        )
    return sentences


def _object_section(name: str, spec: Mapping[str, object], level: str = "##") -> list[str]:
    lines = [f"{level} {name} {{#{_anchor(name)}}}", ""]
    if spec.get("description"):
        lines += [_cell(str(spec["description"])), ""]
    required = spec.get("required")
    required_keys = set(required) if isinstance(required, list) else set()
    rows = []
    for key, raw in _mapping(spec.get("properties")).items():
        prop = _mapping(raw)
        rows.append(
            [
                f"`{key}`",
                _type_of(prop),
                "yes" if key in required_keys else "no",
                _constraints(prop),
                _described(prop),
            ]
        )
    lines += _table(["key", "type", "required", "constraints", "description"], rows)
    rules = _rules(spec)
    if rules:
        lines += ["", *(f"- {r}" for r in rules)]
    return [*lines, ""]


def format_reference(schema: Mapping[str, object] | None = None) -> str:
    """The format reference: one table per object of the schema, then the shared types."""
    schema = schema if schema is not None else load_schema()
    defs = _mapping(schema.get("$defs"))
    lines = [
        f"Schema: [`{SCHEMA_SITE_PATH}`](../{SCHEMA_SITE_PATH}) "
        f"(JSON Schema {_code(str(schema.get('$schema', '')))}, "
        f"`$id` {_code(str(schema.get('$id', '')))}).",
        "",
        f"**{schema.get('title', 'Article')}.** {_cell(str(schema.get('description', '')))}",
        "",
    ]
    lines += _object_section("Article", {**schema, "description": ""})
    for name, raw in defs.items():
        spec = _mapping(raw)
        if spec.get("type") == "object":
            lines += _object_section(name, spec)
    lines += ["## Shared types {#shared-types}", ""]
    rows = []
    for name, raw in defs.items():
        spec = _mapping(raw)
        if spec.get("type") == "object":
            continue
        constraints = _constraints(spec)
        if "if" in spec and "then" in spec:
            constraints = "; ".join(
                c for c in (constraints, f"when not empty: {_type_of(_mapping(spec['then']))}") if c
            )
        rows.append(
            [
                f'<span id="{_anchor(name)}"></span>`{name}`',
                str(spec.get("type", "any")),
                constraints,
                _described(spec),
            ]
        )
    lines += _table(["name", "type", "constraints", "description"], rows)
    return "\n".join(lines) + "\n"


# --- CLI reference ---------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The ``newsmeta`` argument parser, exactly as the command line builds it."""
    from newsmeta.cli import build_parser as build

    return build()


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Every subcommand of ``parser``, by name, in the order they were added."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def _help_of(parser: argparse.ArgumentParser, name: str) -> str:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if choice.dest == name and choice.help:
                    return choice.help
    return ""


def _usage(parser: argparse.ArgumentParser) -> str:
    formatter = argparse.HelpFormatter(parser.prog, width=88)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return formatter.format_help().strip()


def _argument_rows(parser: argparse.ArgumentParser) -> list[list[str]]:
    rows = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            continue
        if action.option_strings:
            metavar = ""
            if action.nargs != 0:
                metavar = " " + str(action.metavar or action.dest.upper())
            name = ", ".join(f"`{o}{metavar}`" for o in action.option_strings)
        else:
            name = f"`{action.metavar or action.dest}`"
        details = []
        if action.choices is not None:
            details.append("one of " + ", ".join(f"`{c}`" for c in action.choices))
        if isinstance(action, argparse._AppendAction):
            details.append("repeatable")
        if action.nargs in ("*", "+") and not action.option_strings:
            details.append("one or more" if action.nargs == "+" else "zero or more")
        help_text = (action.help or "") % {"prog": parser.prog, "default": action.default}
        rows.append([name, _cell(help_text), "; ".join(details)])
    return rows


def cli_reference(parser: argparse.ArgumentParser | None = None) -> str:
    """The CLI reference: usage, description and every argument of every subcommand."""
    parser = parser if parser is not None else build_parser()
    from newsmeta import cli

    lines = [
        "```text",
        _usage(parser),
        "```",
        "",
        _cell(parser.description or ""),
        "",
        *_table(["argument", "meaning", "values"], _argument_rows(parser)),
        "",
        "## Exit codes {#exit-codes}",
        "",
        *_table(
            ["code", "meaning"],
            [
                [str(cli.EXIT_OK), "every file passed; the edit was made"],
                [
                    str(cli.EXIT_PROBLEMS),
                    "a file has a problem at or above the failing severity (`--fail-on`), "
                    "or an edit was refused for the sake of the content (it would introduce "
                    "an error, the file changed on disk meanwhile, a linked or existing "
                    "file, a path that leads nowhere): the file is left byte-identical",
                ],
                [
                    str(cli.EXIT_USAGE),
                    "usage error (one line on stderr, never a traceback), bad configuration, "
                    "no article files found, output that cannot be written, or a file or "
                    "directory that could not be read or written. Every writing command "
                    "counts here a file it cannot write as it is: read-only, or an owner, "
                    "group or extended attribute a save cannot keep (`--force` writes it)",
                ],
                [str(cli.EXIT_INTERRUPTED), "interrupted (Ctrl-C)"],
                [
                    str(cli.EXIT_BROKEN_PIPE),
                    "the reader of the output went away (`| head`); `fix` and the edits stop "
                    "before the next file; `validate` finishes silently and keeps its verdict "
                    "(0, 1 or 2)",
                ],
            ],
        ),
        "",
        "## Shell completion {#shell-completion}",
        "",
        "Commands, options and their values complete in bash and zsh through "
        "[argcomplete](https://kislyuk.github.io/argcomplete/), installed with newsmeta "
        "and imported only when the shell asks for completions, so it costs nothing "
        "otherwise. Enable it once, in `~/.bashrc` or `~/.zshrc`:",
        "",
        "```sh",
        'eval "$(register-python-argcomplete newsmeta)"',
        "```",
        "",
        "For fish: `register-python-argcomplete --shell fish newsmeta | source`. "
        "`activate-global-python-argcomplete` enables every argcomplete-aware command at "
        "once.",
        "",
        "## Commands {#commands}",
        "",
        *_table(
            ["command", "what it does"],
            [[f"[`{n}`](#{n})", _cell(_help_of(parser, n))] for n in subcommands(parser)],
        ),
        "",
    ]
    for name, sub in subcommands(parser).items():
        lines += [f"### newsmeta {name} {{#{name}}}", ""]
        description = (sub.description or _help_of(parser, name)).rstrip(".")
        lines += [_cell(description[:1].upper() + description[1:] + "."), ""]
        lines += ["```text", _usage(sub), "```", ""]
        lines += _table(["argument", "meaning", "values"], _argument_rows(sub))
        lines.append("")
    lines += _output_formats()
    lines += _configuration()
    return "\n".join(lines) + "\n"


def _output_formats() -> list[str]:
    import importlib

    from newsmeta.reporters import FORMATS

    lines = [
        "## Output formats {#output-formats}",
        "",
        "`newsmeta validate --format FORMAT`; `auto` (the default) is `github` when "
        "`GITHUB_ACTIONS=true` and `text` otherwise.",
        "",
    ]
    for name in FORMATS:
        module = importlib.import_module(f"newsmeta.reporters.{name}")
        lines += [f"### {name} {{#format-{name}}}", "", _docstring(module), ""]
    return lines


def _configuration() -> list[str]:
    from newsmeta import config

    return ["## Configuration {#configuration}", "", _docstring(config), ""]


# --- problem-code reference ------------------------------------------------------------------

_LAYERS = {
    "file": "Reading the file",
    "limits": "Hostile-input limits",
    "fence": "Front-matter fences",
    "yaml": "YAML",
    "schema": "Schema",
    "rules": "Data-quality rules",
}


def problem_reference() -> str:
    """The problem-code reference: a summary table, then one anchored section per code."""
    from newsmeta.problems import CODES

    lines = [
        *_table(
            ["code", "severity", "summary"],
            [
                [f"[`{name}`](#{name})", code.severity.value, _cell(code.summary)]
                for name, code in CODES.items()
            ],
        ),
        "",
    ]
    layers: dict[str, list[str]] = {}
    for name, code in CODES.items():
        layers.setdefault(code.layer, []).append(name)
    for layer, names in layers.items():
        title = _LAYERS.get(layer, layer.capitalize())
        lines += [f"## {title} {{#layer-{layer}}}", ""]
        for name in names:
            code = CODES[name]
            lines += [
                f"### {name} {{#{name}}}",
                "",
                f"**{code.severity.value}** · layer `{code.layer}` · `newsmeta explain {name}`",
                "",
                escape_text(code.summary),
                "",
                escape_text(code.explanation),
                "",
            ]
            if code.bad:
                lines += ["Bad:", "", "```yaml", code.bad, "```", ""]
            if code.good:
                lines += ["Good:", "", "```yaml", code.good, "```", ""]
            if code.fix:
                lines += [f"**Fix:** {escape_text(code.fix)}", ""]
    return "\n".join(lines) + "\n"


# --- API overview, README, changelog ---------------------------------------------------------

_API_PAGES = {
    "newsmeta.convert": "convert.md",
    "newsmeta.document": "document.md",
    "newsmeta.model": "model.md",
    "newsmeta.problems": "problems.md",
    "newsmeta.errors": "errors.md",
    "newsmeta.feed": "feed.md",
    "newsmeta.paths": "paths.md",
    "newsmeta.schema": "schema.md",
    "newsmeta.validation": "validation.md",
    "newsmeta.values": "values.md",
    "newsmeta.config": "config.md",
    "newsmeta.fixing": "fixing.md",
    "newsmeta.suggestions": "suggestions.md",
}


def api_exports() -> str:
    """A table of ``newsmeta.__all__``: each name, where it is defined, its first line."""
    import newsmeta

    rows = []
    for name in newsmeta.__all__:
        obj = getattr(newsmeta, name)
        module = getattr(obj, "__module__", None)
        if name == "CODES":
            module = "newsmeta.problems"
        summary = ""
        if module in _API_PAGES and callable(obj):
            summary = _docstring(obj).split("\n\n", 1)[0]
        elif name == "CODES":
            summary = "Every problem code newsmeta can report, by name."
        elif name == "__version__":
            summary = f"The installed version (`{newsmeta.__version__}`)."
        if name == "CODES":  # a constant without a docstring: its page is the reference
            link = "[`newsmeta.CODES`](../reference/problems.md)"
        elif module in _API_PAGES:
            link = f"[`newsmeta.{name}`][{module}.{name}]"
        else:
            link = f"`newsmeta.{name}`"
        rows.append([link, f"`{module}`" if module else "", _cell(summary)])
    return "\n".join(_table(["name", "defined in", "summary"], rows)) + "\n"


def readme_commands() -> str:
    """The README's contributor set-up and test commands (the first two ``sh`` blocks of
    its "Working on newsmeta" section), verbatim."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.partition("\n## Working on newsmeta\n")[2]
    blocks = re.findall(r"^```sh\n(.*?)^```\n", section, re.MULTILINE | re.DOTALL)
    if len(blocks) < 2:
        raise ValueError("README.md's 'Working on newsmeta' lost its two ```sh blocks")
    return (
        "Set up, and validate the bundled examples (one is broken on purpose, so the command "
        "exits 1 and shows located problems):\n\n"
        f"```sh\n{blocks[0]}```\n\nRun the tests:\n\n```sh\n{blocks[1]}```\n"
    )


def changelog() -> str:
    """``CHANGELOG.md`` without its top-level title."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return re.sub(r"\A# [^\n]*\n", "", text).lstrip("\n")


GENERATORS: dict[str, Callable[[], str]] = {
    "format-reference": format_reference,
    "cli-reference": cli_reference,
    "problem-reference": problem_reference,
    "api-exports": api_exports,
    "readme-commands": readme_commands,
    "changelog": changelog,
}


def expand(markdown: str) -> str:
    """``markdown`` with every generate marker replaced; unknown names raise KeyError."""
    return MARKER.sub(lambda m: GENERATORS[m.group(1)]().rstrip("\n"), markdown)


# --- MkDocs hooks ----------------------------------------------------------------------------


def on_page_markdown(markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Expand the generate markers of every page."""
    return expand(markdown)


def on_files(files: Files, *, config: MkDocsConfig) -> Files:
    """Publish the JSON Schema with the site, from the repository's copy."""
    from mkdocs.structure.files import File

    files.append(
        File.generated(config, SCHEMA_SITE_PATH, content=SCHEMA_PATH.read_text(encoding="utf-8"))
    )
    return files
