"""The published JSON Schema of the article format, and checking data against it.

The schema ships inside the package (``newsmeta/schemas/article.schema.json``, read with
beside this module, or with :mod:`importlib.resources` from a zipped package) and is
loaded once per process.

Two engines check it, each built once:

- **jsonschema-rs** (compiled, Draft 2020-12, formats asserted) decides whether data is
  valid. Valid files, the vast majority, never touch anything slower.
- The failures are explained from jsonschema-rs's own report: each error's keyword, the
  schema around it (from its keyword location) and the value (from its path in the data)
  give the message and the place. **jsonschema** (the reference implementation) explains
  only what that report cannot (a lone surrogate, a keyword the article schema does not
  use, a pattern the engines' regular expressions read differently), and is imported only
  then. A differential test holds the two explanations equal.

Formats are asserted, never skipped: jsonschema's :class:`~jsonschema.FormatChecker` used
here checks ``iri`` and ``date-time`` with jsonschema-rs's own format checks, so the two
engines cannot disagree about a URL or a timestamp. (jsonschema's optional ``iri`` checker,
rfc3987-syntax, takes about a second to import and 70 ms per URL.) A differential test
holds the two engines to the same verdict on real and broken files.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from newsmeta._yamltree import Finding, JSONValue, Locator, Node, find_node
from newsmeta._yamltree import Mapping as MappingNode
from newsmeta.problems import pointer_from_parts
from newsmeta.suggestions import closest

if TYPE_CHECKING:
    from datetime import datetime

    from jsonschema import FormatChecker
    from jsonschema.exceptions import ValidationError

__all__ = [
    "ASSERTED_FORMATS",
    "SCHEMA_ID",
    "conforms",
    "date_time_keys",
    "format_checker",
    "format_conforms",
    "is_text",
    "is_valid",
    "keys_at",
    "load_schema",
    "placeholder",
    "required_keys",
    "schema_at",
    "schema_errors",
    "schema_text",
    "text_keys",
]

SCHEMA_RESOURCE: Final = ("schemas", "article.schema.json")
SCHEMA_ID: Final = "https://newsmeta.github.io/newsmeta/schemas/article.schema.json"
"""The schema's ``$id``: the URL where the documentation site serves this exact file
(``mkdocs build`` publishes it at ``schemas/article.schema.json``; a test holds the two
together)."""


@functools.cache
def schema_text() -> str:
    """The schema file's exact text, as shipped in the package."""
    # Read beside this module when the package is a folder (it is, once installed): the
    # resource machinery costs as much start-up as checking a few files.
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        with open(os.path.join(here, *SCHEMA_RESOURCE), encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        pass
    from importlib import resources  # a zipped package, or another loader

    return resources.files("newsmeta").joinpath(*SCHEMA_RESOURCE).read_text(encoding="utf-8")


def load_schema() -> dict[str, object]:
    """A fresh copy of the schema as a dict (callers may mutate it)."""
    loaded: dict[str, object] = json.loads(schema_text())
    return loaded


@functools.cache
def _schema() -> Mapping[str, object]:
    return load_schema()


@functools.cache
def _fast_validator() -> object:
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(dict(_schema()), validate_formats=True)


#: The formats the schema uses; each is asserted by :func:`format_checker`.
ASSERTED_FORMATS: Final = ("date-time", "iri")


@functools.cache
def _format_validators() -> dict[str, object]:
    import jsonschema_rs

    return {
        name: jsonschema_rs.Draft202012Validator(
            {"type": "string", "format": name}, validate_formats=True
        )
        for name in ASSERTED_FORMATS
    }


def format_conforms(value: str, format_name: str) -> bool:
    """True when ``value`` satisfies the named format, as jsonschema-rs checks it."""
    return bool(_format_validators()[format_name].is_valid(value))  # type: ignore[attr-defined]


@functools.cache
def format_checker() -> FormatChecker:
    """A jsonschema ``FormatChecker`` asserting every format in :data:`ASSERTED_FORMATS`."""
    from jsonschema import FormatChecker

    checker = FormatChecker(formats=())
    for name in ASSERTED_FORMATS:
        checker.checks(name)(functools.partial(_conforms_if_string, format_name=name))
    return checker


def _conforms_if_string(value: object, *, format_name: str) -> bool:
    # JSON Schema formats apply to strings only; other types are the `type` keyword's job.
    return not isinstance(value, str) or format_conforms(value, format_name)


@functools.cache
def _reference_validator() -> object:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(dict(_schema()), format_checker=format_checker())


# --- navigating the schema (for editors: hover, completion, placeholders) ---------------------


def _followed(node: Mapping[str, object]) -> dict[str, object]:
    """``node`` with a local ``$ref`` followed: the referring site's keywords (its own
    title, description and examples) win over the target's."""
    ref = node.get("$ref")
    if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
        return dict(node)
    defs = _schema().get("$defs")
    target = defs.get(ref.rsplit("/", 1)[-1]) if isinstance(defs, Mapping) else None
    merged = _followed(target) if isinstance(target, Mapping) else {}
    merged.update((key, value) for key, value in node.items() if key != "$ref")
    return merged


def schema_at(parts: Sequence[str | int]) -> Mapping[str, object] | None:
    """The schema of the value at ``parts`` (keys and list indices from the top).

    ``$ref`` is followed, keeping the referring property's own title, description and
    examples. Returns ``None`` where the format defines nothing (an unknown key, an index
    into a value that is not a list).
    """
    node: Mapping[str, object] = _followed(_schema())
    for part in parts:
        child: object
        if isinstance(part, int):
            child = node.get("items")
        else:
            properties = node.get("properties")
            child = properties.get(part) if isinstance(properties, Mapping) else None
        if not isinstance(child, Mapping):
            return None
        node = _followed(child)
    return node


def is_text(schema: Mapping[str, object] | None) -> bool:
    """True when ``schema`` (see :func:`schema_at`) types its value as text: a string
    (possibly also null) that is not a date-time."""
    if schema is None or schema.get("format") == "date-time":
        return False
    kind = schema.get("type")
    return kind == "string" or (isinstance(kind, list) and "string" in kind)


def text_keys() -> frozenset[str]:
    """The keys whose values, or whose list items, the format types as text wherever
    they appear (``title``, ``topics``, ``name``...), and never as a date-time."""
    return _key_kinds()[0]


def date_time_keys() -> frozenset[str]:
    """The keys whose values the format types as a date-time (``publishedDateTime``)."""
    return _key_kinds()[1]


@functools.cache
def _key_kinds() -> tuple[frozenset[str], frozenset[str]]:
    text: set[str] = set()
    stamps: set[str] = set()
    stack: list[Mapping[str, object]] = [_followed(_schema())]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        properties = node.get("properties")
        if not isinstance(properties, Mapping) or id(properties) in seen:
            continue
        seen.add(id(properties))
        for name, raw in properties.items():
            if not isinstance(raw, Mapping):
                continue
            prop = _followed(raw)
            items = prop.get("items")
            value = _followed(items) if isinstance(items, Mapping) else prop
            if value.get("format") == "date-time":
                stamps.add(name)
            elif is_text(value):
                text.add(name)
            stack.append(value)
    return frozenset(text - stamps), frozenset(stamps)


def _holds(condition: object, instance: Mapping[str, object]) -> bool:
    """Whether ``instance`` satisfies an ``if`` made of ``required`` and ``const``/``enum``
    properties, the only kind the article schema uses (anything else: False)."""
    if not isinstance(condition, Mapping):
        return False
    required = condition.get("required", [])
    if not isinstance(required, list) or any(key not in instance for key in required):
        return False
    properties = condition.get("properties", {})
    if not isinstance(properties, Mapping):
        return False
    for key, rule in properties.items():
        if key not in instance or not isinstance(rule, Mapping):
            continue
        if "const" in rule and instance[key] != rule["const"]:
            return False
        allowed = rule.get("enum")
        if isinstance(allowed, list) and instance[key] not in allowed:
            return False
        if set(rule) - {"const", "enum"}:
            return False
    return True


def required_keys(
    schema: Mapping[str, object], instance: Mapping[str, object] | None = None
) -> tuple[str, ...]:
    """The keys a mapping described by ``schema`` must hold, in the schema's order.

    ``required`` always; given the mapping ``instance`` as it stands, also the keys that
    ``dependentRequired`` asks for because another key is present, and the ``then``
    keys of an ``if`` the mapping satisfies (``webUrl`` when ``type`` is ``article``).
    """
    keys = _strings(schema.get("required"))
    present = instance or {}
    dependent = schema.get("dependentRequired")
    if isinstance(dependent, Mapping):
        for trigger, needed in dependent.items():
            if trigger in present:
                keys.extend(_strings(needed))
    then = schema.get("then")
    if isinstance(then, Mapping) and _holds(schema.get("if"), present):
        keys.extend(_strings(then.get("required")))
    return tuple(dict.fromkeys(keys))


def _strings(value: object) -> list[str]:
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def placeholder(schema: Mapping[str, object]) -> object:
    """A value of the right type for a new key described by ``schema``, to be filled in.

    The first allowed value of an enumeration; the current time (UTC, whole seconds) for a
    date-time; the smallest allowed whole number that is not negative (0, or 1 for
    ``width``); ``False``; an empty string for text and URLs; a list holding one
    placeholder item when the list needs one; a mapping holding its required keys
    (including those its own placeholders require). The result is a value
    :meth:`newsmeta.Document.set` accepts.
    """
    allowed = schema.get("enum")
    if isinstance(allowed, list) and allowed:
        return allowed[0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), None)
    if kind == "string" and schema.get("format") == "date-time":
        from datetime import UTC, datetime

        return datetime.now(UTC).replace(microsecond=0)
    if kind == "integer" or kind == "number":
        minimum = schema.get("minimum")
        return minimum if isinstance(minimum, int) and minimum > 0 else 0
    if kind == "boolean":
        return False
    if kind == "array":
        items = schema.get("items")
        needs = schema.get("minItems")
        if isinstance(items, Mapping) and isinstance(needs, int) and needs > 0:
            return [placeholder(_followed(items))]
        return []
    if kind == "object":
        properties = schema.get("properties")
        if not isinstance(properties, Mapping):
            return {}
        made: dict[str, object] = {}
        # Twice: the placeholders themselves can require more (type: article -> webUrl).
        for _ in range(2):
            for key in required_keys(schema, made):
                if key not in made and isinstance(properties.get(key), Mapping):
                    made[key] = placeholder(_followed(properties[key]))
        return made
    return ""


#: Reference validators that skip the top-level properties the compiled engine passed,
#: by the set of properties that failed (bounded: few combinations occur).
_PRUNED: dict[frozenset[str], object] = {}
_PRUNED_MAX: Final = 256


def _explaining_validator(data: JSONValue) -> object:
    """The reference validator to explain why ``data`` fails, doing no more than needed.

    The reference engine is slow, and a failing file usually fails in one or two of its
    top-level values. jsonschema-rs names them; the reference engine then checks a copy of
    the schema in which every other top-level property is ``true`` (anything goes). The
    keywords of the top level itself (required, additional and dependent keys, if/then)
    still see the whole mapping, so the errors are exactly those of the whole schema.
    """
    reference = _reference_validator()
    schema = _schema()
    properties = schema.get("properties")
    if not isinstance(data, dict) or not isinstance(properties, dict):
        return reference
    try:
        failing = frozenset(
            str(error.instance_path[0])
            for error in _fast_validator().iter_errors(data)  # type: ignore[attr-defined]
            if error.instance_path
        )
    except UnicodeEncodeError:  # a lone surrogate: see is_valid
        return reference
    validator = _PRUNED.get(failing)
    if validator is None:
        pruned = dict(schema)
        pruned["properties"] = {
            key: value if key in failing else True for key, value in properties.items()
        }
        validator = reference.evolve(schema=pruned)  # type: ignore[attr-defined]
        if len(_PRUNED) >= _PRUNED_MAX:
            _PRUNED.clear()
        _PRUNED[failing] = validator
    return validator


#: The keywords whose errors the compiled engine's report explains as well as the reference
#: engine's (see :func:`_compiled_errors`): the article schema's own, but for the
#: applicators (``$ref``, ``if``/``then``, ``properties``, ``items``), which report their
#: subschemas' errors, never their own.
_EXPLAINED_FROM_COMPILED: Final = frozenset(
    {
        *("type", "enum", "const", "minimum", "exclusiveMinimum", "format", "pattern"),
        *("minLength", "minItems", "required", "dependentRequired", "additionalProperties"),
    }
)

#: One schema error as :func:`_explain` takes it: keyword, path of the value, the value,
#: the keyword's value in the schema, the (sub)schema holding it, the engine's message.
_Explained = tuple[str, list[str | int], Any, Any, Mapping[str, Any], str]


#: What :func:`_child` returns for a step that leads nowhere.
_NOWHERE: Final = object()


def _child(container: object, step: object) -> object:
    """The item ``step`` (a key or a list index) of ``container``, or :data:`_NOWHERE`."""
    if isinstance(container, Mapping):
        return container.get(step, _NOWHERE) if isinstance(step, str) else _NOWHERE
    if isinstance(container, list) and type(step) is int and 0 <= step < len(container):
        return container[step]
    return _NOWHERE


def _compiled_errors(data: JSONValue) -> list[_Explained] | None:
    """Every schema error of ``data`` from the compiled engine, as the reference engine
    would give it for :func:`_explain`; ``None`` when the reference engine must explain.

    Both engines find the same errors in the article schema (no ``anyOf``/``oneOf``, whose
    best match only the reference engine picks; formats checked by the compiled engine's
    own checks in both): an error's keyword and schema come from its absolute keyword
    location in the schema, its value from its path in ``data`` (the very object, not
    the engine's copy). Anything unexpected (a keyword not in
    :data:`_EXPLAINED_FROM_COMPILED`, a location or path that does not resolve, a
    pattern Python's ``re`` would accept, a lone surrogate the compiled engine cannot
    take) hands the whole file to the reference engine, which is imported only then.
    """
    try:
        errors = list(_fast_validator().iter_errors(data))  # type: ignore[attr-defined]
    except UnicodeEncodeError:
        return None
    schema = _schema()
    explained: list[_Explained] = []
    for error in errors:
        location = list(error.schema_path)
        if not location or location[-1] not in _EXPLAINED_FROM_COMPILED:
            return None
        keyword = str(location[-1])
        node: object = schema
        for step in location[:-1]:
            node = _child(node, step)
        if not isinstance(node, Mapping) or keyword not in node:
            return None
        parts: list[str | int] = list(error.instance_path)
        instance: object = data
        for part in parts:
            instance = _child(instance, part)
        if instance is _NOWHERE:
            return None
        value = node[keyword]
        if keyword == "pattern" and (
            not isinstance(instance, str)
            or not isinstance(value, str)
            or re.search(value, instance) is not None
        ):
            return None  # the engines' regular expressions disagree: the reference decides
        explained.append((keyword, parts, instance, value, node, str(error.message)))
    return explained


def is_valid(data: JSONValue) -> bool:
    """True when ``data`` (the JSON view of a front matter) satisfies the schema."""
    try:
        return bool(_fast_validator().is_valid(data))  # type: ignore[attr-defined]
    except UnicodeEncodeError:
        # A string holds a lone surrogate (a "\udb40" escape, or an undecodable byte),
        # which the compiled engine cannot take: the reference engine decides.
        return bool(_reference_validator().is_valid(data))  # type: ignore[attr-defined]


def conforms(data: JSONValue) -> bool:
    """True when :func:`schema_errors` finds nothing in ``data``: the schema holds and the
    typed model can represent every value. Needs no node tree."""
    return is_valid(data) and _typed_view_holds(data)


def _typed_view_holds(data: JSONValue) -> bool:
    """True when :func:`_typed_view_errors` finds nothing in schema-valid ``data``.

    The same places, visited without building a path for each: this runs on every file
    that passes the schema, and finds nothing in nearly all of them."""
    if not isinstance(data, dict):  # pragma: no cover - the schema requires a mapping
        return True
    entries: list[JSONValue] = [data]
    related = data.get("related")
    if isinstance(related, list):
        entries.extend(related)
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        if isinstance(entry.get("quality"), float) or isinstance(entry.get("heat"), float):
            return False
        when = entry.get("publishedDateTime")
        if isinstance(when, float) or (isinstance(when, str) and not _representable(when)):
            return False
        for holder in (entry, entry.get("provider")):
            images = holder.get("images") if isinstance(holder, dict) else None
            if isinstance(images, list):
                for image in images:
                    if isinstance(image, dict) and (
                        isinstance(image.get("width"), float)
                        or isinstance(image.get("height"), float)
                    ):
                        return False
    return True


def _short(value: object, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


_TYPE_NAMES: Final = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}
_FORMAT_NAMES: Final = {
    "iri": "absolute URL",
    "uri": "absolute URL",
    "date-time": "RFC 3339 date-time with a time zone",
}


def _describe(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {_short(value)}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {_short(value)}"
    if isinstance(value, list):
        return "a list"
    return "a mapping"


def _expected(types: object) -> str:
    names = [types] if isinstance(types, str) else list(types)  # type: ignore[call-overload]
    return " or ".join(_TYPE_NAMES.get(str(t), str(t)) for t in names)


#: The locator of data without a text (every place is the fence).
_NO_TREE: Final = Locator()


def _mapping_span(
    where: Locator, parts: list[str | int], fence: tuple[int, int]
) -> tuple[int, int]:
    """Where a problem about a whole mapping is shown: its first key, or the fence."""
    located = where.first_key_span(parts)
    if located is not None:
        return located
    _, node = find_node(where.tree(), parts)
    if isinstance(node, MappingNode) and node.pairs:
        first_key = node.pairs[0][0]
        return first_key.start, first_key.end
    if node is not None and node.end > node.start:
        return node.start, node.end
    return fence


def _value_span(
    where: Locator, parts: list[str | int], fence: tuple[int, int], text: str = ""
) -> tuple[int, int]:
    located = where.value_span(parts)
    if located is not None:
        start, end = located
        if end > start:
            return located
        if parts and isinstance(parts[-1], int):
            # An empty list item (`  - `): point at its dash.
            line_start = text.rfind("\n", 0, start) + 1
            dash = text.rfind("-", line_start, start)
            if dash >= 0:
                return dash, dash + 1
    key, node = find_node(where.tree(), parts)
    if node is not None and node.end == node.start and parts and isinstance(parts[-1], int):
        # An empty list item (`  - `): point at its dash.
        line_start = text.rfind("\n", 0, node.start) + 1
        dash = text.rfind("-", line_start, node.start)
        if dash >= 0:
            return dash, dash + 1
    if node is not None:
        if isinstance(node, MappingNode) and not node.flow and key is not None:
            # A block mapping's span runs over many lines; point at the key that holds it.
            return key.start, key.end
        if node.end > node.start:
            return node.start, node.end
        if key is not None:  # an empty value: point at its key
            return key.start, key.end
        return node.start, node.start
    return fence


def _key_span(
    where: Locator, parts: list[str | int], key: str, fence: tuple[int, int]
) -> tuple[int, int]:
    located = where.key_span(parts, key)
    if located is not None:
        return located
    _, node = find_node(where.tree(), parts)
    if isinstance(node, MappingNode):
        pair = node.get(key)
        if pair is not None:
            return pair[0].start, pair[0].end
    return _mapping_span(where, parts, fence)


def _translate(
    error: ValidationError, root: Locator, fence: tuple[int, int], text: str
) -> Iterator[Finding]:
    """The findings of one error of the reference engine."""
    keyword = str(error.validator)
    if keyword in ("anyOf", "oneOf") and error.context:
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        if best is not None:
            yield from _translate(best, root, fence, text)
            return
    subschema = error.schema if isinstance(error.schema, Mapping) else {}
    # jsonschema types this as possibly unset; for an error it always holds the keyword's value.
    value: Any = error.validator_value
    yield from _explain(
        keyword,
        list(error.absolute_path),
        error.instance,
        value,
        subschema,
        str(error.message),
        root,
        fence,
        text,
    )


def _explain(
    keyword: str,
    parts: list[str | int],
    instance: Any,
    value: Any,
    subschema: Mapping[str, Any],
    engine_message: str,
    root: Locator,
    fence: tuple[int, int],
    text: str,
) -> Iterator[Finding]:
    """The findings of one schema error: ``keyword`` of ``subschema`` (whose value is
    ``value``) failed for ``instance``, the value at ``parts``; ``engine_message`` is the
    engine's own words, used only for a keyword without words of its own here."""
    if keyword == "required" and isinstance(instance, dict):
        known = _known_keys(subschema)
        for name in value:
            if name not in instance:
                start, end = _mapping_span(root, parts, fence)
                # A key the format does not know, closest to the missing one, is likely it.
                strays = [key for key in instance if key not in known]
                stray = closest(name, strays)
                hint = f"; {stray!r} may be a misspelling of it" if stray is not None else ""
                yield Finding(
                    "schema-required",
                    f"The required key {name!r} is missing{hint}.",
                    pointer_from_parts([*parts, name]),
                    start,
                    end,
                )
        return
    if keyword == "dependentRequired" and isinstance(instance, dict):
        for trigger, needed in value.items():
            if trigger not in instance:
                continue
            for name in needed:
                if name not in instance:
                    start, end = _key_span(root, parts, trigger, fence)
                    yield Finding(
                        "schema-required",
                        f"The key {name!r} is required when {trigger!r} is present.",
                        pointer_from_parts([*parts, name]),
                        start,
                        end,
                    )
        return
    if keyword in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        known = _known_keys(subschema)
        for name in instance:
            if name not in known:
                start, end = _key_span(root, parts, name, fence)
                yield Finding(
                    "schema-unknown-key",
                    _sentence(
                        f"The key {name!r} is not part of the article format"
                        + _key_hint(name, known, instance)
                    ),
                    pointer_from_parts([*parts, name]),
                    start,
                    end,
                )
        return
    start, end = _value_span(root, parts, fence, text)
    pointer = pointer_from_parts(parts)
    if keyword == "type":
        code, message = "schema-type", f"Expected {_expected(value)}, found {_describe(instance)}"
        if value == "array" and isinstance(instance, str) and instance[:1] == "-":
            # `- one` is a list item; `-one` is text, and a line after it continues the text.
            message += "; put a space after each '-' that starts a list item"
        message += "."
    elif keyword in ("enum", "const"):
        allowed = value if keyword == "enum" else [value]
        code = "schema-enum"
        message = (
            f"{_short(instance)} is not an allowed value; use "
            + " or ".join(_short(v) for v in allowed)
            + "."
        )
    elif keyword in ("minimum", "exclusiveMinimum"):
        code, message = "schema-minimum", f"{_short(instance)} is below the minimum of {value}."
    elif keyword == "format":
        from newsmeta._hints import suggest_datetime  # only a file with such a problem needs it

        code = "schema-format"
        message = f"{_short(instance)} is not a valid {_FORMAT_NAMES.get(str(value), value)}"
        written = instance if isinstance(instance, str) else ""
        fixed = None
        if value == "date-time" and written:
            fixed = suggest_datetime(written, functools.partial(format_conforms, format_name=value))
        if fixed is not None and fixed.endswith("Z") and not written.upper().endswith("Z"):
            message += f"; write {_short(fixed)} if the time is UTC"
        elif fixed is not None:
            message += f"; write {_short(fixed)}"
        message = _sentence(message)
    elif keyword == "pattern":
        from newsmeta._hints import expected_form, suggest_for_pattern

        code = "schema-pattern"
        message = f"{_short(instance)} is not {expected_form(subschema)}"
        if isinstance(instance, str):
            fixed = suggest_for_pattern(
                instance, subschema, functools.partial(_valid_against, subschema)
            )
            if fixed is not None:
                message += f"; did you mean {_short(fixed, 120)}?"
        message = _sentence(message)
    elif keyword == "minLength":
        code, message = "schema-min-length", "The value must not be empty."
    elif keyword == "minItems":
        code = "schema-min-items"
        message = f"The list needs at least {value} item{'s' if value != 1 else ''}."
    else:
        code = "schema-invalid"
        message = engine_message.rstrip(".") + "."
    yield Finding(code, message, pointer, start, end)


def _sentence(text: str) -> str:
    """``text`` ending with one full stop, unless it ends with a question."""
    return text if text.endswith(("?", ".")) else text + "."


def _known_keys(subschema: object) -> tuple[str, ...]:
    properties = subschema.get("properties") if isinstance(subschema, Mapping) else None
    return tuple(properties) if isinstance(properties, Mapping) else ()


def _key_hint(name: str, known: tuple[str, ...], present: Mapping[str, object]) -> str:
    """``; did you mean 'x'?`` for an unknown key, saying when ``x`` is itself missing."""
    suggestion = _closest_known(name, known)
    if suggestion is None:
        return ""
    missing = ", which is missing" if suggestion not in present else ""
    return f"; did you mean {suggestion!r}{missing}?"


@functools.lru_cache(maxsize=1024)
def _closest_known(name: str, known: tuple[str, ...]) -> str | None:
    """:func:`closest`, remembered: the same mistyped key recurs across the files of a
    run (one template, one habit), and comparing it with every known key costs more
    than the rest of locating it."""
    return closest(name, known)


def _valid_against(subschema: Mapping[str, object], value: str) -> bool:
    """True when ``value`` passes the pattern and format of ``subschema``."""
    pattern = subschema.get("pattern")
    if isinstance(pattern, str) and re.search(pattern, value) is None:
        return False
    fmt = subschema.get("format")
    return not (isinstance(fmt, str) and fmt in ASSERTED_FORMATS) or format_conforms(value, fmt)


def keys_at(pointer: str) -> tuple[str, ...]:
    """The keys the format defines for the mapping at ``pointer`` (a JSON Pointer into an
    article: ``""`` for the top level, ``/provider``, ``/related/0/images/1``...).

    Empty when the pointer leads to no mapping of the format. With
    :func:`newsmeta.suggestions.closest`, this gives the key an unknown one most likely
    stands for.
    """
    schema = _schema()
    defs = schema.get("$defs")
    node: Mapping[str, object] = schema
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]

    def resolved(spec: object) -> Mapping[str, object]:
        while isinstance(spec, Mapping) and isinstance(spec.get("$ref"), str):
            name = str(spec["$ref"]).rsplit("/", 1)[-1]
            spec = defs.get(name) if isinstance(defs, Mapping) else None
        return spec if isinstance(spec, Mapping) else {}

    for token in tokens:
        node = resolved(node)
        properties = node.get("properties")
        items = node.get("items")
        if isinstance(properties, Mapping) and token in properties:
            node = properties[token]
        elif items is not None and token.lstrip("-").isdigit():
            node = items if isinstance(items, Mapping) else {}
        else:
            return ()
    return _known_keys(resolved(node))


def schema_errors(
    data: JSONValue, root: Node | Locator | None, fence: tuple[int, int], text: str
) -> list[Finding]:
    """Every schema error in ``data``, located through the node tree ``root`` (or a
    :class:`Locator`, which may find most places without one).

    ``fence`` is the span used for problems about the top-level mapping when it has no
    keys; ``text`` is the whole file, whose indices the nodes hold. Returns an empty list
    for valid data without importing the reference engine.
    """
    if not isinstance(root, Locator):
        root = Locator(root)
    if is_valid(data):
        return _typed_view_errors(data, root, fence, text)
    findings: list[Finding] = []
    seen: set[tuple[str, str, str]] = set()
    compiled = _compiled_errors(data)
    if compiled is not None:
        for keyword, parts, instance, value, subschema, message in compiled:
            for finding in _explain(
                keyword, parts, instance, value, subschema, message, root, fence, text
            ):
                key = (finding.code, finding.pointer, finding.message)
                if key not in seen:
                    seen.add(key)
                    findings.append(finding)
        if findings:
            return findings
    validator = _explaining_validator(data)
    for error in validator.iter_errors(data):  # type: ignore[attr-defined]
        for finding in _translate(error, root, fence, text):
            key = (finding.code, finding.pointer, finding.message)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    if not findings:
        # The engines disagree; never pass a file the compiled engine rejected.
        try:
            rs_errors = list(_fast_validator().iter_errors(data))  # type: ignore[attr-defined]
        except UnicodeEncodeError:  # a lone surrogate: the reference engine's verdict stands
            rs_errors = []
        for rs_error in rs_errors:
            parts = list(rs_error.instance_path)
            start, end = _value_span(root, parts, fence, text)
            findings.append(
                Finding(
                    "schema-invalid",
                    str(rs_error.message).rstrip(".") + ".",
                    pointer_from_parts(parts),
                    start,
                    end,
                )
            )
    return findings


def _typed_view_errors(
    data: JSONValue, root: Locator, fence: tuple[int, int], text: str
) -> list[Finding]:
    """What JSON Schema accepts but the typed model cannot hold, as located errors.

    JSON Schema counts ``64.0`` as an integer, and its ``date-time`` format admits year 0
    and leap seconds (``23:59:60``), which :class:`datetime.datetime` cannot represent.
    A file that passes must load into an :class:`~newsmeta.model.Article`, so these are
    reported here. Only called for schema-valid data, whose shape is therefore known:
    the few places that hold integers and date-times are visited directly.
    """
    findings: list[Finding] = []
    if not isinstance(data, dict):  # pragma: no cover - the schema requires a mapping
        return findings

    def check(entry: dict[str, JSONValue], parts: list[str | int], keys: tuple[str, ...]) -> None:
        for key in keys:
            value = entry.get(key)
            if isinstance(value, float):
                message = f"Expected an integer, found the number {value!r}."
                code = "schema-type"
            elif (
                key == "publishedDateTime" and isinstance(value, str) and not _representable(value)
            ):
                message = (
                    f"{_short(value)} cannot be represented as a date and time "
                    "(year 0 or a leap second)."
                )
                code = "schema-format"
            else:
                continue
            start, end = _value_span(root, [*parts, key], fence, text)
            findings.append(Finding(code, message, pointer_from_parts([*parts, key]), start, end))

    def check_images(entry: dict[str, JSONValue], parts: list[str | int]) -> None:
        images = entry.get("images")
        for index, image in enumerate(images if isinstance(images, list) else ()):
            if isinstance(image, dict):
                check(image, [*parts, "images", index], ("width", "height"))

    def check_article(entry: dict[str, JSONValue], parts: list[str | int]) -> None:
        check(entry, parts, ("publishedDateTime", "quality", "heat"))
        check_images(entry, parts)
        provider = entry.get("provider")
        if isinstance(provider, dict):
            check_images(provider, [*parts, "provider"])

    check_article(data, [])
    related = data.get("related")
    for index, entry in enumerate(related if isinstance(related, list) else ()):
        if isinstance(entry, dict):
            check_article(entry, ["related", index])
    return findings


@functools.cache
def _datetime_class() -> type[datetime]:
    # Imported on first use, once: this runs for every file (an import statement in the
    # function would cost microseconds on every call).
    from datetime import datetime

    return datetime


def _representable(value: str) -> bool:
    try:
        _datetime_class().fromisoformat(value.upper())
    except ValueError:
        return False
    return True
