"""Words for schema failures: what a value should be, and the obvious fix where there is one.

A pattern failure is explained with the first sentence of the schema's own
``description`` of the value (never the regular expression); a format failure with the
format's name. Where one small change makes the value valid (``www.Example.org`` ->
``example.org``, ``htps://`` -> ``https://``, a missing time zone), the message names the
corrected value. A suggestion is only made when it passes the same check itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Final

__all__ = ["expected_form", "suggest_datetime", "suggest_for_pattern"]


def expected_form(subschema: Mapping[str, object]) -> str:
    """What a value of ``subschema`` is, in words: its description's first sentence, its
    first letter lowered (``"an absolute http or https IRI with a host"``)."""
    description = subschema.get("description")
    if isinstance(description, str) and description.strip():
        first = re.split(r"(?<=[.!?])\s+(?=[A-Z(])", description.strip(), maxsplit=1)[0]
        first = first.rstrip(".")
        return first[:1].lower() + first[1:]
    title = subschema.get("title")
    if isinstance(title, str) and title:
        return f"a valid {title.lower()}"
    return "in the required form"


_SCHEME: Final = re.compile(r"^([A-Za-z]+)(:/{0,3}|/{1,3})(?=[^/\s])")


def _url_candidates(value: str) -> list[str]:
    from newsmeta.suggestions import closest

    text = value.strip()
    candidates = []
    match = _SCHEME.match(text)
    scheme = None
    if match:
        written = match.group(1).lower()
        known = ("https", "http")
        scheme = written if written in known else closest(written, known, cutoff=0.7)
    if match and scheme is not None:
        candidates.append(f"{scheme}://{text[match.end() :]}")
    elif text.startswith("//"):
        candidates.append("https:" + text)
    elif re.match(r"^[\w-]+(?:\.[\w-]+)+(?:[/?#]|$)", text):
        candidates.append("https://" + text)
    if text != value:
        candidates.append(text)
    return candidates


def _domain_candidates(value: str) -> list[str]:
    text = value.strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)  # a whole URL given as the domain
    text = re.split(r"[/?#:]", text, maxsplit=1)[0]
    text = text.rstrip(".")
    text = text.removeprefix("www.")
    return [text]


#: Candidate repairs by the shape a pattern checks, recognised by the schema's ``title``.
_REPAIRS: Final[Mapping[str, Callable[[str], list[str]]]] = {
    "url": _url_candidates,
    "domain": _domain_candidates,
}


def suggest_for_pattern(
    value: str, subschema: Mapping[str, object], valid: Callable[[str], bool]
) -> str | None:
    """A corrected ``value`` that ``valid`` accepts, or None when no repair is obvious."""
    title = subschema.get("title")
    repair = _REPAIRS.get(title.lower()) if isinstance(title, str) else None
    if repair is None:
        return None
    for candidate in repair(value):
        if candidate and candidate != value and valid(candidate):
            return candidate
    return None


_ZONELESS: Final = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|z|[+-]\d{2}:?\d{2})?$"
)


def suggest_datetime(value: str, valid: Callable[[str], bool]) -> str | None:
    """The RFC 3339 form of a date-time written almost right, or None.

    A missing zone becomes ``Z`` (the message says it assumes UTC), a space between date
    and time becomes ``T``, missing seconds become ``:00`` and ``+0200`` becomes ``+02:00``.
    """
    match = _ZONELESS.match(value.strip())
    if match is None:
        return None
    date, time, zone = match.groups()
    if time.count(":") == 1:
        time += ":00"
    if zone is None or zone in "Zz":
        zone = "Z"
    elif ":" not in zone:
        zone = f"{zone[:3]}:{zone[3:]}"
    candidate = f"{date}T{time}{zone}"
    return candidate if candidate != value and valid(candidate) else None
