"""jq programs over front matter: the adapter between newsmeta and the ``jq`` binding.

A program is compiled once (:func:`compile`) and then run on the JSON view of any number
of files, the same view the schema checks (timestamps as their RFC 3339 text), with
``$path`` bound to the file's path (``null`` when there is none)::

    from newsmeta import jqprogram, load

    program = jqprogram.compile('.topics |= (if index(["AI"]) then . else . + ["AI"] end)')
    document = load("content/2024-03-05-a.md")
    document.apply(program.bind(path="content/2024-03-05-a.md"))

Three ways to run it:

- :meth:`Program.outputs`: every output, as jq prints them (``newsmeta query``);
- :meth:`Program.transform`: the one output, a mapping, which becomes the new front
  matter (``newsmeta edit``, :meth:`newsmeta.Document.apply`); calling the program
  does the same with ``$path`` null;
- :meth:`Program.test`: a condition, true when some output is neither ``false`` nor
  ``null`` (``--where``).

jq keeps numbers as doubles: ``1.0`` comes out as ``1`` and an integer past 2**53 is
rounded. :meth:`Program.transform` puts back every number (and string) that the program
left equal to its old value as jq sees it, so an edit never rewrites a value the program
did not change.

This module is the only one that imports the binding; ``import newsmeta`` never loads it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, cast

from newsmeta._yamltree import JSONValue
from newsmeta.errors import JqError, JqHaltError

__all__ = ["Program", "compile"]

_END: Final = object()
_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
#: How the program receives its input: ``[path, data]``, split into ``$path`` and ``.``.
#: The newlines keep a trailing ``# comment`` of the program from swallowing the ``)``.
#: The binding ends a program quietly at ``halt_error`` and ``halt``, with no word of the
#: message or status: these definitions raise them as an error that :meth:`Program.outputs`
#: knows (``halt`` as ``null | halt_error(0)``: jq prints nothing and exits 0).
#: (Unlike jq's own, ``try`` and ``?`` catch it.)
_HALT_TAG: Final = "\u001enewsmeta-halt"
_HALT_DEFS: Final = (
    'def halt_error($status): if ($status | type) == "number" '
    f'then error({{"{_HALT_TAG}": [., $status]}}) '
    'else error("halt_error/1: number required") end; '
    "def halt_error: halt_error(5); "
    f'def halt: error({{"{_HALT_TAG}": [null, 0]}}); '
)
#: ``input_filename`` is the file's path, and ``input`` finds no other input: each file is
#: one input, as jq reads a file holding one value (the binding gave null and "break").
_WRAPPER: Final = (
    ".[0] as $path | def input_filename: $path; "
    'def input: error("No more inputs"); .[1] | (\n{source}\n)'
)
#: The same for a program that cannot name the path (see :func:`_may_name_path`): its
#: input is the data alone, which spares jq parsing ``[path, ...]`` and splitting it.
_WRAPPER_WITHOUT_PATH: Final = (
    'def input_filename: null; def input: error("No more inputs"); . | (\n{source}\n)'
)


def _may_name_path(source: str) -> bool:
    """False only when ``source`` cannot read the file's path: it holds neither ``path``
    (``$path``, also inside a string's ``\\(...)``) nor ``input_filename``. Erring
    towards True costs a little time, never a result."""
    return "path" in source or "input_filename" in source


def compile(source: str, variables: Mapping[str, JSONValue] | None = None) -> Program:
    """Compile the jq program ``source`` once, for any number of runs.

    ``variables`` binds more ``$name`` variables (jq's ``--arg``/``--argjson``); ``path``
    is reserved for the file's path. Raises :class:`~newsmeta.errors.JqError` with jq's
    message (line and column of the mistake) when the program does not compile.
    """
    import jq

    bound: dict[str, Any] = dict(variables or {})
    for name in bound:
        if not _NAME.fullmatch(name):
            raise JqError(f"{name!r} is not a jq variable name")
        if name == "path":
            raise JqError("$path is the file's path; choose another name for the variable")
    try:
        # Compiled alone first, so that a mistake is reported where the user wrote it.
        jq.compile(source, args={**bound, "path": None})
        with_path = _may_name_path(source)
        wrapper = _WRAPPER if with_path else _WRAPPER_WITHOUT_PATH
        compiled = jq.compile(_HALT_DEFS + wrapper.format(source=source), args=bound)
    except UnicodeEncodeError:
        raise JqError("the jq program holds characters that are not valid UTF-8") from None
    except ValueError as exc:
        raise JqError(_compile_message(str(exc))) from None
    return Program(source, compiled, with_path)


def _compile_message(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    # jq closes with a count ("jq: 1 compile error"), which says nothing more.
    if len(lines) > 1 and re.fullmatch(r"jq: \d+ compile errors?", lines[-1]):
        lines.pop()
    message = "\n".join(lines)
    if not message.startswith("jq: "):
        message = "jq: " + message
    return "the jq program does not compile: " + message.removeprefix("jq: error: ")


class Program:
    """A compiled jq program. Build one with :func:`compile`."""

    __slots__ = ("_compiled", "_with_path", "source")

    def __init__(self, source: str, compiled: Any, with_path: bool = True) -> None:
        #: The program's text, as given.
        self.source = source
        self._compiled = compiled
        # Whether the compiled program takes ``[path, data]`` (it may name the path) or
        # the data alone.
        self._with_path = with_path

    def __repr__(self) -> str:
        return f"<jq program {self.source!r}>"

    def outputs(self, data: JSONValue, *, path: str | None = None) -> Iterator[JSONValue]:
        """Run the program on ``data``; yield its outputs one by one, as jq would print
        them (numbers as jq keeps them). Raises :class:`~newsmeta.errors.JqError` when
        the program fails (``error(...)``, a type mistake...), after the outputs before it.
        """
        iterator: Iterator[JSONValue]
        try:
            try:
                given = [path, data] if self._with_path else data
                iterator = iter(self._compiled.input_value(given))
                first = next(iterator, _END)
            except ValueError as exc:
                if not str(exc).startswith("parse error"):
                    raise
                # A lone surrogate (from a "\ud800" escape in the YAML) is no JSON jq
                # reads: give it the text as jq would have kept it.
                text = _jq_text(data)
                given = [path, text] if self._with_path else text
                iterator = iter(self._compiled.input_value(given))
                first = next(iterator, _END)
            if first is _END:
                return
            yield cast("JSONValue", first)
            yield from iterator
        except ValueError as exc:
            # Raised without a local name: an exception held by this frame would make a
            # cycle with the binding's iterator, which the binding cannot be collected in.
            raise (_halt(exc) or JqError(_runtime_message(exc))) from None
        except RecursionError:
            raise JqError("jq: the output is nested too deeply") from None

    def transform(
        self, data: Mapping[str, JSONValue], *, path: str | None = None
    ) -> dict[str, JSONValue]:
        """Run the program on ``data`` and return its one output: the new front matter.

        Values the program left as they were (as far as jq can tell: ``1.0`` and ``1``
        are one number to jq) come back exactly as they were in ``data``. Raises
        :class:`~newsmeta.errors.JqError` when the program fails, yields no output or
        more than one, or yields something other than an object.
        """
        results: list[JSONValue] = []
        for value in self.outputs(dict(data), path=path):
            results.append(value)
            if len(results) > 1:
                raise JqError(
                    "the jq program yields more than one output; an edit needs exactly one "
                    "object (wrap a stream in [...] or pick one with first(...))"
                )
        if not results:
            raise JqError(
                "the jq program yields no output; an edit needs exactly one object "
                "(select(...) drops a file: use `if ... then ... else . end` to keep it)"
            )
        result = results[0]
        if not isinstance(result, dict):
            raise JqError(
                f"the jq program yields {_kind(result)}, not an object; an edit's "
                "output is the whole new front matter"
            )
        restored = restore(dict(data), result)
        assert isinstance(restored, dict)
        return restored

    def test(self, data: JSONValue, *, path: str | None = None) -> bool:
        """True when some output of the program is neither ``false`` nor ``null``
        (jq's truth); False when there is none. Stops at the first true output.
        Raises :class:`~newsmeta.errors.JqError` when the program fails before it."""
        return any(
            value is not None and value is not False for value in self.outputs(data, path=path)
        )

    def __call__(self, data: Mapping[str, JSONValue]) -> dict[str, JSONValue]:
        """:meth:`transform` with ``$path`` null: a program is a function for
        :meth:`newsmeta.Document.apply`."""
        return self.transform(data)

    def bind(
        self, *, path: str | None
    ) -> Callable[[Mapping[str, JSONValue]], dict[str, JSONValue]]:
        """:meth:`transform` as a function of the data alone, with ``$path`` bound."""

        def run(data: Mapping[str, JSONValue]) -> dict[str, JSONValue]:
            return self.transform(data, path=path)

        return run


def _halt(exc: ValueError) -> JqHaltError | None:
    """The ``halt_error`` that ``exc`` carries (see ``_HALT_DEFS``), or None."""
    text = str(exc)
    if "newsmeta-halt" not in text:
        return None
    try:
        carried = json.loads(text)
    except ValueError:
        return None
    if not isinstance(carried, dict) or list(carried) != [_HALT_TAG]:
        return None
    value, status = carried[_HALT_TAG]
    # As jq prints it: a string raw, null not at all, anything else as JSON on a line.
    output = value if isinstance(value, str) else "" if value is None else _compact(value) + "\n"
    # The status goes to the operating system as jq's does: an int, its low 8 bits.
    return JqHaltError(output, int(status) & 0xFF)


def _compact(value: JSONValue) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _runtime_message(exc: ValueError) -> str:
    text = str(exc).strip() or "the program failed"
    return text if text.startswith("jq: ") else f"jq: error: {text}"


def _kind(value: JSONValue) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"


# --- what jq cannot tell apart ---------------------------------------------------------------


def restore(old: JSONValue, new: JSONValue) -> JSONValue:
    """``new`` with every value that jq could not tell from its counterpart in ``old``
    replaced by the old one: a number of the same double value (``1.0`` for ``1``, an
    integer past 2**53 for its rounded self), a string whose undecodable characters
    became U+FFFD. Lists are matched item by item (aligned when their lengths differ).
    A part of ``new`` that stands for an unchanged part of ``old`` is ``old``'s own object.
    """
    kind = type(new)
    if kind is str:  # most of a front matter: its leaves first, without the rest
        if isinstance(old, str):
            return old if old == new or _lossy_text(old) == new else new
        return new
    # jq gives plain dicts and lists: those are matched without the checks below.
    if kind is dict:
        return _restore_mapping(old, new) if isinstance(old, dict) else new  # type: ignore[arg-type]
    if kind is list:
        return _restore_items(old, new) if isinstance(old, list) else new  # type: ignore[arg-type]
    if isinstance(old, bool) or isinstance(new, bool):
        return old if type(old) is type(new) and old == new else new
    if isinstance(old, int | float) and isinstance(new, int | float):
        return old if _as_double(old) == _as_double(new) else new
    if isinstance(old, str) and isinstance(new, str):
        return old if old == new or _lossy_text(old) == new else new
    if isinstance(old, dict) and isinstance(new, dict):
        return _restore_mapping(old, new)
    if isinstance(old, list) and isinstance(new, list):
        return _restore_items(old, new)
    if old is None and new is None:
        return old
    return new


_MISSING: Final = object()


def _restore_mapping(old: dict[str, JSONValue], new: dict[str, JSONValue]) -> JSONValue:
    # One pass: each value restored (a leaf equal to the old one and of its type taken at
    # once, without a call), and whether every one is the old object, in which case the
    # old mapping is.
    out: dict[str, JSONValue] = {}
    kept = len(new) == len(old)
    lookup = old.get
    for key, value in new.items():
        was = lookup(key, _MISSING)
        kind = type(value)
        if kind is type(was) and kind is not dict and kind is not list and was == value:
            out[key] = was  # a leaf of the same type and value: what restore would give
        elif was is _MISSING:
            out[key] = value
            kept = False
        else:
            now = restore(was, value)  # type: ignore[arg-type]
            out[key] = now
            kept = kept and now is was
    return old if kept else out


def _restore_items(old: list[JSONValue], new: list[JSONValue]) -> JSONValue:
    if len(old) != len(new):
        return _restore_list(old, new)
    items: list[JSONValue] = []
    kept = True
    for was, value in zip(old, new, strict=True):
        kind = type(value)
        if kind is type(was) and kind is not dict and kind is not list and was == value:
            items.append(was)
        else:
            now = restore(was, value)
            items.append(now)
            kept = kept and now is was
    return old if kept else items


def _restore_list(old: list[JSONValue], new: list[JSONValue]) -> list[JSONValue]:
    out = list(new)
    # Items kept as they were at either end (an append, a prepend, one item removed) need
    # no alignment: only the middle that differs is aligned.
    shorter = min(len(old), len(new))
    head = 0
    while head < shorter:
        kept = restore(old[head], new[head])
        if kept is not old[head]:
            break
        out[head] = kept
        head += 1
    tail = 0
    while tail < shorter - head:
        kept = restore(old[-1 - tail], new[-1 - tail])
        if kept is not old[-1 - tail]:
            break
        out[len(new) - 1 - tail] = kept
        tail += 1
    old_middle, new_middle = old[head : len(old) - tail], new[head : len(new) - tail]
    if not old_middle or not new_middle:
        return out
    import difflib  # only when a list changed in its middle

    matcher = difflib.SequenceMatcher(
        None, [_jq_key(v) for v in old_middle], [_jq_key(v) for v in new_middle], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for k in range(j2 - j1):
                out[head + j1 + k] = restore(old_middle[i1 + k], new_middle[j1 + k])
    return out


def _as_double(value: int | float) -> float | None:
    try:
        return float(value)
    except OverflowError:
        return None


def _lossy_text(value: str) -> str:
    """``value`` as it comes back from jq: a pair of surrogates as the one character it
    encodes, a lone one (an undecodable byte) as U+FFFD."""
    if not _has_surrogate(value):
        return value
    return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


def _has_surrogate(value: str) -> bool:
    return _SURROGATE.search(value) is not None


_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def _jq_key(value: JSONValue) -> str:
    """A value as jq sees it, as text: numbers as doubles, undecodable characters lost."""
    return json.dumps(_jq_view(value), sort_keys=True)


def _jq_text(value: JSONValue) -> JSONValue:
    """``value`` with its strings as jq keeps them (see :func:`_lossy_text`)."""
    if isinstance(value, str):
        return _lossy_text(value)
    if isinstance(value, list):
        return [_jq_text(v) for v in value]
    if isinstance(value, dict):
        return {_lossy_text(k): _jq_text(v) for k, v in value.items()}
    return value


def _jq_view(value: JSONValue) -> object:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float):
        return _as_double(value)
    if isinstance(value, str):
        return _lossy_text(value)
    if isinstance(value, list):
        return [_jq_view(v) for v in value]
    return {k: _jq_view(v) for k, v in value.items()}
