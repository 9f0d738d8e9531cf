"""Values typed by hand: the text of a command-line ``VALUE`` turned into the value it denotes.

``newsmeta set FILE title 'Hello'`` and ``newsmeta append FILE keywords 42`` take their
value as text. :func:`parse_value` reads that text the way the value would read if it were
written in the front matter itself, so a value set from a shell and a value typed into the
file agree. The command line, an editor integration or a script use the same function.
"""

from __future__ import annotations

import json

__all__ = ["parse_value"]


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
