"""Values as text: a typed ``VALUE`` read as the value it denotes, and a value written as
the text the front matter would hold.

``newsmeta set FILE title 'Hello'`` and ``newsmeta append FILE keywords 42`` take their
value as text. :func:`parse_value` reads that text the way the value would read if it were
written in the front matter itself, so a value set from a shell and a value typed into the
file agree. The other way round, :func:`format_scalar` gives the text an edit writes for a
value (the house style of FORMAT.md), so that an editor's completion inserts what
``newsmeta set`` would write. The command line, an editor integration or a script use the
same functions.
"""

from __future__ import annotations

import json

__all__ = ["always_quoted", "format_scalar", "parse_value"]


def parse_value(text: str, *, as_json: bool = False, as_string: bool = False) -> object:
    """The value the text ``text`` denotes: a YAML scalar by default.

    - ``null``/``~``, ``true``/``false``, ``42``, ``0x2a``, ``1.5``, ``.inf`` are typed as
      YAML 1.2 reads them;
    - an RFC 3339 timestamp with a zone becomes an aware :class:`~datetime.datetime`
      (written back in the ``T...Z`` form); one without a zone stays a string, as the
      format requires a zone;
    - a single- or double-quoted scalar is unquoted (escapes in double quotes apply);
    - anything else is the string itself.

    ``as_json=True`` reads ``text`` as JSON instead (any JSON value: object, array...);
    ``as_string=True`` takes it verbatim. Raises :class:`ValueError` for invalid JSON (or
    JSON nested too deeply to read), and for quoted text that is not exactly one quoted
    YAML scalar (an unterminated quote, or text after the closing one).
    """
    if as_string:
        return text
    if as_json:
        try:
            return json.loads(text)
        except RecursionError:
            raise ValueError("the JSON is nested too deeply") from None
    if text[:1] in ("'", '"'):
        from ruamel.yaml import YAML
        from ruamel.yaml.error import YAMLError

        try:
            value = YAML(typ="safe", pure=True).load(text)
        except YAMLError as exc:
            from newsmeta._diagnose import diagnose

            mark = getattr(exc, "problem_mark", None)
            found = diagnose(text, getattr(mark, "index", len(text)))
            words = found.message if found is not None else getattr(exc, "problem", None)
            raise ValueError(str(words or "not one quoted YAML scalar")) from None
        if not isinstance(value, str):
            raise ValueError(f"{text!r} is not a YAML scalar")
        return value
    from newsmeta._yamltree import construct_float, construct_int, resolve_plain

    kind = resolve_plain(text)
    if kind == "null":
        return None
    if kind == "bool":
        return text in ("true", "True", "TRUE")
    if kind == "int":
        return construct_int(text)
    if kind == "float":
        return construct_float(text)
    if kind == "timestamp":
        from datetime import datetime

        from newsmeta.convert import parse_datetime

        try:
            return parse_datetime(text)
        except (TypeError, ValueError):
            pass
        try:
            stamp = datetime.fromisoformat(text)
        except ValueError:
            return text
        return stamp if stamp.utcoffset() is not None else text
    return text


def format_scalar(value: object, key: str | None = None) -> str:
    """The one-line YAML text an edit writes for ``value`` under ``key``.

    The house style of FORMAT.md, from the same function the editor and
    :func:`newsmeta.new` use: text double-quoted where the real files quote it
    (:func:`always_quoted`) or where plain text would read back as something else
    (``"on"``, ``"12"``, ``"a: b"``), else plain; timestamps in the ``T...Z`` form;
    ``true``, ``42``, ``null``. ``value`` is a string, number, boolean, ``None`` or
    :class:`~datetime.datetime`. Raises :class:`~newsmeta.errors.EditError` for a value
    no one-line scalar can hold (a list, NaN).
    """
    from newsmeta._edit import house_scalar, to_json
    from newsmeta.errors import EditError

    converted = to_json(value)
    if isinstance(converted, dict | list):
        raise EditError(f"a {type(value).__name__} is not written as one scalar")
    return house_scalar(converted, key)


def always_quoted(key: str) -> bool:
    """True when the house style double-quotes every text value of ``key`` (``title``,
    ``excerpt``, the URLs...), whether or not it needs quotes."""
    from newsmeta._edit import DOUBLE_QUOTED_KEYS

    return key in DOUBLE_QUOTED_KEYS
