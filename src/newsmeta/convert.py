"""The cattrs converter between the JSON-compatible view of front matter and the model classes.

The JSON-compatible view is what the schema validates: camelCase keys; plain ``str``, ``int``,
``float``, ``bool``, ``None``, ``list`` and ``dict``; timestamps as RFC 3339 text.

Structuring (view -> model):

- camelCase keys become snake_case fields (:data:`newsmeta.model.FIELD_KEYS`);
- keys the format does not define go, with their values, into the ``extra`` field;
- timestamps are parsed strictly as RFC 3339 with a zone (``T``/``Z`` in either case, optional
  fractional seconds, truncated to microseconds); an aware ``datetime`` is accepted as is;
- nothing is coerced: ``"27"`` is not an ``int``, ``True`` is not an ``int``, ``27`` is not a
  ``str``, a string is not a list;
- an explicit ``null`` for an optional key gives ``None``, as an absent key does.

Any failure raises :class:`cattrs.ClassValidationError` (an ``ExceptionGroup`` whose leaves are
``TypeError``/``ValueError``/``KeyError`` carrying cattrs' notes on where they happened).

Unstructuring (model -> view) writes the known keys in the canonical order of ``FORMAT.md``,
then the ``extra`` keys in their own order. Optional fields that are ``None`` are left out (an
image's ``title: null`` and a missing ``title`` are the same model value, so both come back as
absent). Tuples become lists, and timestamps become :func:`format_datetime` text.

``structure(unstructure(x)) == x`` holds for every model value.

:func:`to_dict` and :func:`from_dict` are the public pair (``newsmeta.to_dict``,
``newsmeta.from_dict``): the same conversions, with failures raised as one
:class:`~newsmeta.errors.ConversionError` that lists every failing key as a JSON Pointer.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from typing import Any, Final, TypeVar, get_args, get_origin, overload

import attrs
from cattrs import ClassValidationError, Converter
from cattrs.cols import homogenous_tuple_structure_factory, iterable_unstructure_factory
from cattrs.errors import AttributeValidationNote, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from newsmeta.model import (
    CANONICAL_KEY_ORDER,
    FIELD_KEYS,
    MODEL_CLASSES,
    Article,
    Model,
)

__all__ = [
    "configure_converter",
    "format_datetime",
    "from_dict",
    "make_converter",
    "parse_datetime",
    "structure",
    "structure_article",
    "to_dict",
    "unstructure",
    "unstructure_article",
]

M = TypeVar("M", bound=Model)

_RFC3339: Final = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})[Tt]"
    r"(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?:(?P<utc>[Zz])|(?P<sign>[+-])(?P<off_hour>[0-9]{2}):(?P<off_minute>[0-9]{2}))"
)


def parse_datetime(text: str) -> datetime:
    """Parse an RFC 3339 date-time with a zone into an aware datetime.

    ``Z``, ``+00:00`` and ``-00:00`` give :data:`datetime.UTC`; digits of the fraction
    beyond microseconds are dropped. Raises :class:`ValueError` for any other text, including a
    date-time without a zone, a space instead of ``T``, and values out of range (``24:00:00``, a
    leap second ``:60``, an offset hour above 23).
    """
    match = _RFC3339.fullmatch(text)
    if match is None:
        raise ValueError(f"not an RFC 3339 date-time with a zone: {text!r}")
    if match["utc"] is not None:
        zone = UTC
    else:
        off_hour, off_minute = int(match["off_hour"]), int(match["off_minute"])
        if off_hour > 23 or off_minute > 59:
            raise ValueError(f"offset out of range in {text!r}")
        offset = timedelta(hours=off_hour, minutes=off_minute)
        zone = timezone(-offset if match["sign"] == "-" else offset)
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    return datetime(
        int(match["year"]),
        int(match["month"]),
        int(match["day"]),
        int(match["hour"]),
        int(match["minute"]),
        int(match["second"]),
        int(fraction),
        tzinfo=zone,
    )


def format_datetime(value: datetime) -> str:
    """Write an aware datetime as RFC 3339 text, in the house style of ``FORMAT.md``.

    UTC is written ``YYYY-MM-DDTHH:MM:SSZ``; another offset as ``+HH:MM``/``-HH:MM``. Fractional
    seconds appear only when non-zero, without trailing zeros. Raises :class:`ValueError` for a
    naive datetime or an offset that is not a whole number of minutes.
    """
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"cannot write a naive datetime as RFC 3339: {value.isoformat()}")
    if offset % timedelta(minutes=1):
        raise ValueError(f"cannot write an offset of {offset} as RFC 3339")
    text = (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    if not offset:
        return text + "Z"
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{text}{sign}{hours:02d}:{minutes:02d}"


def _structure_str(value: object, _: type[str]) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    # A subclass (ruamel.yaml's scalar strings) becomes a plain str.
    return str.__str__(value)


def _structure_int(value: object, _: type[int]) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, got {type(value).__name__}")
    return int(value)


def _structure_bool(value: object, _: type[bool]) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected a boolean, got {type(value).__name__}")
    return value


def _structure_datetime(value: object, _: type[datetime]) -> datetime:
    if isinstance(value, datetime):
        offset = value.utcoffset()
        if offset is None:
            raise ValueError(f"expected a date-time with a zone, got {value.isoformat()}")
        if offset % timedelta(minutes=1):
            raise ValueError(f"the offset {offset} of {value.isoformat()} is not whole minutes")
        return value
    if not isinstance(value, str):
        raise TypeError(f"expected an RFC 3339 date-time string, got {type(value).__name__}")
    return parse_datetime(value)


def _is_tuple(type_: object) -> bool:
    return type_ is tuple or get_origin(type_) is tuple


def _is_homogeneous_tuple(type_: object) -> bool:
    args = get_args(type_)
    return get_origin(type_) is tuple and len(args) == 2 and args[1] is Ellipsis


def _tuple_structure_factory(type_: type, converter: Converter) -> Callable[[object, type], object]:
    # cattrs turns any iterable into a tuple, so "AI" would become ("A", "I"): demand a list.
    base = homogenous_tuple_structure_factory(type_, converter)

    def structure_tuple(value: object, target: type) -> object:
        if not isinstance(value, list | tuple):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        return base(value, target)

    return structure_tuple


def _thaw(value: object) -> object:
    if isinstance(value, Mapping):
        return {key: _thaw(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_thaw(item) for item in value]
    return value


def _is_model(type_: object) -> bool:
    return type_ in MODEL_CLASSES


def _rename_notes(error: ClassValidationError, cls: type[Model]) -> None:
    # cattrs notes name the attribute; name the key instead, so that `cattrs.transform_error`
    # gives the same path as the schema's instance path (`$.publishedDateTime`).
    for name, key in FIELD_KEYS[cls].items():
        if name == key:
            continue
        text = f"Structuring class {cls.__qualname__} @ attribute {name}"
        for exc in error.exceptions:
            notes = getattr(exc, "__notes__", None)
            if not notes:
                continue
            exc.__notes__ = [
                AttributeValidationNote(
                    f"Structuring class {cls.__qualname__} @ key {key}", key, note.type
                )
                if isinstance(note, AttributeValidationNote) and note == text
                else note
                for note in notes
            ]


def _model_structure_factory(
    cls: type[Model], converter: Converter
) -> Callable[[object, type], Model]:
    # Typed loosely: mypy would match these keyword overrides against the `_cattrs_*` flags.
    renames: dict[str, Any] = {name: override(rename=key) for name, key in FIELD_KEYS[cls].items()}
    base = make_dict_structure_fn(
        cls, converter, _cattrs_forbid_extra_keys=False, extra=override(omit=True), **renames
    )
    known = frozenset(CANONICAL_KEY_ORDER[cls])
    detailed = converter.detailed_validation

    def structure_model(data: object, _: type) -> Model:
        if not isinstance(data, Mapping):
            error = TypeError(f"expected a mapping for {cls.__name__}, got {type(data).__name__}")
            if detailed:
                raise ClassValidationError(f"While structuring {cls.__name__}", [error], cls)
            raise error
        try:
            obj = base(data, cls)
        except ClassValidationError as error:
            _rename_notes(error, cls)
            raise
        extra = {key: value for key, value in data.items() if key not in known}
        # Rare (unknown keys are errors), so the second __init__ costs nothing in practice.
        return attrs.evolve(obj, extra=extra) if extra else obj

    return structure_model


def _model_unstructure_factory(
    cls: type[Model], converter: Converter
) -> Callable[[Model], dict[str, object]]:
    # Typed loosely: mypy would match these keyword overrides against the `_cattrs_*` flags.
    renames: dict[str, Any] = {name: override(rename=key) for name, key in FIELD_KEYS[cls].items()}
    base = make_dict_unstructure_fn(
        cls, converter, _cattrs_omit_if_default=True, extra=override(omit=True), **renames
    )

    order = CANONICAL_KEY_ORDER[cls]

    def unstructure_model(obj: Model) -> dict[str, object]:
        # cattrs emits fields without defaults first; put them back in canonical order.
        fields: dict[str, object] = base(obj)
        data = {key: fields[key] for key in order if key in fields}
        for key, value in obj.extra.items():
            data[key] = _thaw(value)
        return data

    return unstructure_model


def configure_converter(converter: Converter) -> None:
    """Configure *converter* for the newsmeta model classes and their JSON-compatible view.

    * the four model classes map camelCase keys to snake_case fields and keep unknown keys in
      ``extra``; ``None`` optional fields are omitted when unstructuring;
    * ``str``, ``int`` and ``bool`` are checked, never coerced;
    * datetimes are RFC 3339 text (:func:`parse_datetime`, :func:`format_datetime`);
    * homogeneous tuples are structured from lists only, and unstructured to lists.

    Hooks for the model classes are built lazily, the first time each class is needed.
    """
    converter.register_structure_hook(str, _structure_str)
    converter.register_structure_hook(int, _structure_int)
    converter.register_structure_hook(bool, _structure_bool)
    converter.register_structure_hook(datetime, _structure_datetime)
    converter.register_unstructure_hook(datetime, format_datetime)
    converter.register_structure_hook_factory(_is_homogeneous_tuple, _tuple_structure_factory)
    converter.register_unstructure_hook_factory(
        _is_tuple, partial(iterable_unstructure_factory, unstructure_to=list)
    )
    converter.register_structure_hook_factory(_is_model, _model_structure_factory)
    converter.register_unstructure_hook_factory(_is_model, _model_unstructure_factory)


def make_converter(*, detailed_validation: bool = True) -> Converter:
    """Return a new :class:`cattrs.Converter` configured by :func:`configure_converter`.

    With ``detailed_validation=False`` failures raise the first underlying error directly, which
    is faster but says less about where it happened.
    """
    converter = Converter(detailed_validation=detailed_validation)
    configure_converter(converter)
    return converter


_CONVERTER: Final = make_converter()


def structure(data: Mapping[str, object], cls: type[M]) -> M:
    """Build a *cls* (a model class) from its JSON-compatible view.

    Raises :class:`cattrs.ClassValidationError` when *data* does not fit *cls*.
    """
    return _CONVERTER.structure(data, cls)


def unstructure(obj: Model) -> dict[str, object]:
    """Return the JSON-compatible view of a model value: camelCase keys in canonical order."""
    data: dict[str, object] = _CONVERTER.unstructure(obj)
    return data


def structure_article(data: Mapping[str, object]) -> Article:
    """Build an :class:`~newsmeta.model.Article` from front matter's JSON-compatible view.

    Raises :class:`cattrs.ClassValidationError` when *data* does not fit.
    """
    try:
        return _direct(data, Article)
    except _NotDirect:
        return structure(data, Article)


def _article_or_none(data: object) -> Article | None:
    """The :class:`~newsmeta.model.Article` :func:`structure_article` builds from ``data``,
    or ``None`` where it raises.

    Only whether the data fits is asked, not why not: data that does not fit is tried with
    a converter without detailed validation, which stops at the first failure. The
    detailed converter makes an exception, with its traceback and notes, for every failing
    value (thousands in a file with thousands of errors), all of it garbage in cycles that
    the collector must find.
    """
    try:
        return _direct(data, Article)
    except _NotDirect:
        pass
    except Exception:  # a converter or validator that fails otherwise: not an article
        return None
    global _FIRST_FAILURE
    if _FIRST_FAILURE is None:
        _FIRST_FAILURE = make_converter(detailed_validation=False)
    try:
        return _FIRST_FAILURE.structure(data, Article)
    except Exception:
        return None


#: The converter :func:`_article_or_none` uses, made when first needed.
_FIRST_FAILURE: Converter | None = None


# --- the direct path ----------------------------------------------------------------------
#
# Loading an article structures it, and cattrs' generated, detailed-validation code is the
# largest part of that. Data that fits (every valid file's) is built here directly, with the
# same checks and conversions as the hooks above; anything else raises _NotDirect and goes
# through cattrs, which then explains the failure. A test holds both to the same result.


class _NotDirect(Exception):
    """The data is not simply a model: let cattrs structure it (or explain why not)."""


_STR, _INT, _BOOL, _DATETIME, _STRS, _MODEL, _MODELS = range(7)
#: Per model class: (key, field name, kind, model class or None, optional) for each field.
_PLANS: dict[type, list[tuple[str, str, int, type | None, bool]]] = {}


def _plan(cls: Any) -> list[tuple[str, str, int, type | None, bool]]:
    plan = _PLANS.get(cls)
    if plan is not None:
        return plan
    import typing

    hints = typing.get_type_hints(cls)
    plan = []
    for name, key in FIELD_KEYS[cls].items():
        hint = hints[name]
        args = [arg for arg in get_args(hint) if arg is not type(None)]
        optional = len(args) < len(get_args(hint))
        if optional:
            (hint,) = args
        inner: type | None = None
        if hint is str:
            kind = _STR
        elif hint is bool:
            kind = _BOOL
        elif hint is int:
            kind = _INT
        elif hint is datetime:
            kind = _DATETIME
        elif hint in MODEL_CLASSES:
            kind, inner = _MODEL, hint
        elif _is_homogeneous_tuple(hint) and get_args(hint)[0] is str:
            kind = _STRS
        elif _is_homogeneous_tuple(hint) and get_args(hint)[0] in MODEL_CLASSES:
            kind, inner = _MODELS, get_args(hint)[0]
        else:  # pragma: no cover - every field of the model is one of the above
            raise TypeError(f"no direct structuring for {cls.__name__}.{name}: {hint}")
        plan.append((key, name, kind, inner, optional))
    _PLANS[cls] = plan
    return plan


def _direct(data: object, cls: type[M]) -> M:
    """``structure(data, cls)``, when ``data`` fits ``cls`` exactly; else :class:`_NotDirect`."""
    return _builder_of(cls)(data)  # type: ignore[return-value]


def _builder_of(cls: type) -> Callable[[object], object]:
    build = _BUILDERS.get(cls)
    if build is None:
        build = _BUILDERS[cls] = _builder(cls)
    return build


#: Per model class, the function :func:`_direct` calls (made by :func:`_builder`).
_BUILDERS: dict[type, Callable[[object], object]] = {}


def _builder(cls: type) -> Callable[[object], object]:
    """A function that structures ``cls`` directly, written out for its fields.

    It checks and converts each field as the plan says, in the plan's order: a missing
    optional key is left to the model's default, ``None`` is kept for an optional field
    only, a value of any other than the field's exact type is not direct, timestamps are
    parsed, nested models built by their own builders; keys the model does not know go
    to ``extra``; the model's own validators run in its ``__init__``. Written once per
    class: the loop over a plan cost as much as building the objects.
    """
    lines = [
        "def build(data):",
        "    if type(data) is not dict:",
        "        raise NotDirect",
        "    values = {}",
    ]
    names: dict[str, object] = {
        "NotDirect": _NotDirect,
        "absent": _ABSENT,
        "parse_datetime": parse_datetime,
        "known": _KNOWN[cls],
        "cls": cls,
    }
    for index, (key, name, kind, inner, optional) in enumerate(_plan(cls)):
        lines.append(f"    value = data.get({key!r}, absent)")
        if optional:
            lines.append("    if value is None:")
            lines.append(f"        values[{name!r}] = None")
            lines.append("    elif value is not absent:")
        else:
            lines.append("    if value is absent or value is None:")
            lines.append("        raise NotDirect")
            lines.append("    else:")
        body: list[str] = []
        if kind in (_STR, _INT, _BOOL):
            expected = {_STR: "str", _INT: "int", _BOOL: "bool"}[kind]
            body += [f"if type(value) is not {expected}:", "    raise NotDirect"]
        elif kind == _DATETIME:
            body += [
                "if type(value) is not str:",
                "    raise NotDirect",
                "try:",
                "    value = parse_datetime(value)",
                "except ValueError:",
                "    raise NotDirect from None",
            ]
        elif kind == _MODEL:
            names[f"inner{index}"] = _builder_of(inner)  # type: ignore[arg-type]
            body += [f"value = inner{index}(value)"]
        elif kind == _STRS:
            body += [
                "if type(value) is not list:",
                "    raise NotDirect",
                "for item in value:",
                "    if type(item) is not str:",
                "        raise NotDirect",
                "value = tuple(value)",
            ]
        else:  # _MODELS
            names[f"inner{index}"] = _builder_of(inner)  # type: ignore[arg-type]
            body += [
                "if type(value) is not list:",
                "    raise NotDirect",
                f"value = tuple([inner{index}(item) for item in value])",
            ]
        body.append(f"values[{name!r}] = value")
        lines += ["        " + line for line in body]
    lines += [
        "    if len(values) < len(data):  # keys the model does not know",
        '        values["extra"] = {k: v for k, v in data.items() if k not in known}',
        "    try:",
        "        return cls(**values)",
        "    except (TypeError, ValueError):",
        "        raise NotDirect from None",
    ]
    namespace: dict[str, Any] = {}
    exec(
        compile("\n".join(lines), f"<direct structuring of {cls.__name__}>", "exec"),
        names,
        namespace,
    )
    build: Callable[[object], object] = namespace["build"]
    return build


#: A key's value when the key is missing (``None`` is a value: ``key:`` with nothing).
_ABSENT: Final = object()


_KNOWN: Final[dict[type, frozenset[str]]] = {
    cls: frozenset(CANONICAL_KEY_ORDER[cls]) for cls in MODEL_CLASSES
}


def unstructure_article(article: Article) -> dict[str, object]:
    """Return the JSON-compatible view of *article*, the inverse of :func:`structure_article`."""
    return unstructure(article)


def to_dict(obj: Model) -> dict[str, object]:
    """The JSON-compatible view of a model value (an :class:`~newsmeta.model.Article` or any part).

    camelCase keys in the canonical order of ``FORMAT.md``, then the ``extra`` keys; optional
    fields that are ``None`` left out; tuples as lists; timestamps as RFC 3339 text (``Z``
    for UTC). The result is what :func:`json.dumps` accepts and what :func:`from_dict` reads
    back: ``from_dict(to_dict(a)) == a``.
    """
    return unstructure(obj)


@overload
def from_dict(data: Mapping[str, object]) -> Article: ...
@overload
def from_dict(data: Mapping[str, object], cls: type[M]) -> M: ...
def from_dict(data: Mapping[str, object], cls: type[Any] = Article) -> Any:
    """Build a ``cls`` (default :class:`~newsmeta.model.Article`) from its JSON-compatible view.

    Accepts what :func:`to_dict` and ``Document.data`` give, and aware ``datetime`` values for
    timestamps. Nothing is coerced (``"27"`` is not an integer). Keys the format does not
    define go to ``extra``; values the format constrains but the types allow (``type:
    blog``) are accepted: check them with :func:`newsmeta.check`.

    Raises :class:`~newsmeta.errors.ConversionError` listing every failing key path.
    """
    try:
        return structure(data, cls)
    except ClassValidationError as error:
        from newsmeta.errors import ConversionError

        raise ConversionError(conversion_failures(error), cls.__name__) from error


_MISSING: Final = "required key is missing"


def conversion_failures(error: BaseException) -> list[tuple[str, str]]:
    """Each leaf failure of a cattrs error as ``(JSON Pointer, message)``, in order found."""
    from newsmeta.problems import pointer_from_parts

    found: list[tuple[str, str]] = []

    def walk(exc: BaseException, parts: list[str | int]) -> None:
        here = list(parts)
        for note in getattr(exc, "__notes__", ()):
            if isinstance(note, AttributeValidationNote):
                here.append(note.name)
            elif isinstance(note, IterableValidationNote):
                here.append(note.index)
        inner = getattr(exc, "exceptions", None)
        if isinstance(inner, tuple) and isinstance(exc, BaseExceptionGroup):
            for sub in inner:
                walk(sub, here)
            return
        message = _MISSING if isinstance(exc, KeyError) else str(exc)
        found.append((pointer_from_parts(here), message))

    walk(error, [])
    return found
