"""Configuration for every ``newsmeta`` command: ``[tool.newsmeta]`` or ``newsmeta.toml``.

The file is found by walking up from the working directory; in each directory a
``newsmeta.toml`` wins over a ``pyproject.toml``, and a ``pyproject.toml`` counts only when it
has a ``[tool.newsmeta]`` table. The first file found is the only one read. A file named
explicitly (``--config FILE``) may have any name: its keys sit under ``[tool.newsmeta]`` or at
the top level. Keys (the same in every file)::

    include = ["content/**/*.md"]      # globs, relative to the file's directory
    exclude = ["content/drafts"]        # patterns, see newsmeta.paths.excluded
    extensions = [".md", ".markdown"]   # what a directory is searched for (the default)
    select = ["schema", "yaml"]         # codes or code families (prefix before a '-')
    ignore = ["schema-format"]
    fail-on = "warning"                 # or "error" (the default)
    cache-dir = ".newsmeta_cache"       # validate's result cache, relative to the file's
                                        # directory (the default: see newsmeta.cache)

    [tool.newsmeta.severity]            # in newsmeta.toml: [severity]
    yaml-duplicate-key = "warning"

    [tool.newsmeta.limits]              # in newsmeta.toml: [limits]; lower only
    max-file-bytes = 1048576            # also: max-front-matter-chars, max-depth,
    max-depth = 16                      # max-nodes, max-scalar-chars, max-key-chars,
                                        # max-number-chars

Codes are matched without regard to case. Command-line flags win over the file. Unknown
keys (with the closest known key suggested), wrong types, unknown codes and bad
severities raise :class:`ConfigError` (the CLI turns it into exit code 2), so a typo never
silently disables a check. So does a file that is not a regular file, not UTF-8 or not
TOML: reading a configuration never blocks and never raises anything else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import attrs

from newsmeta._limits import DEFAULT_LIMITS, Limits
from newsmeta.errors import NewsmetaError
from newsmeta.problems import Severity, matches_code
from newsmeta.suggestions import did_you_mean

__all__ = [
    "DEFAULT_EXTENSIONS",
    "MAX_CONFIG_BYTES",
    "Config",
    "ConfigError",
    "check_selectors",
    "find_config",
    "load_config",
    "parse",
    "selector_names",
]

_KEYS = (
    "include",
    "exclude",
    "extensions",
    "select",
    "ignore",
    "severity",
    "fail-on",
    "limits",
    "cache-dir",
)

#: The file name endings a directory is searched for, unless configured otherwise.
DEFAULT_EXTENSIONS: tuple[str, ...] = (".md", ".markdown")

#: A configuration file larger than this is refused: configurations are a few lines.
MAX_CONFIG_BYTES = 1 << 20


class ConfigError(NewsmetaError, ValueError):
    """The configuration file is unreadable or holds a bad value; the message says where."""


@attrs.frozen
class Config:
    """Settings read from one file. ``root`` is the directory globs are relative to."""

    root: Path
    source: Path | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = attrs.field(factory=dict)
    fail_on: Severity | None = None
    limits: Limits = DEFAULT_LIMITS
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS
    #: Where ``validate`` keeps its result cache, relative to ``root`` (None: the default).
    cache_dir: str | None = None


def selector_names() -> tuple[str, ...]:
    """Every valid selector: each problem code and each code family (``schema``, ``yaml``,
    ``text``...: a code's prefix ending before a ``-``)."""
    from newsmeta._catalogue import CODES

    families = {code[:i] for code in CODES for i, char in enumerate(code) if char == "-"}
    return (*CODES, *sorted(families - set(CODES)))


def check_selectors(selectors: tuple[str, ...], where: str) -> tuple[str, ...]:
    """``selectors`` in lower case; raise :class:`ConfigError` for one that matches no
    problem code (naming the closest valid selector)."""
    lowered = tuple(selector.lower() for selector in selectors)
    for selector, written in zip(lowered, selectors, strict=True):
        from newsmeta._catalogue import CODES  # imported by the first selector only

        if not any(matches_code(code, selector) for code in CODES):
            hint = did_you_mean(written, selector_names())
            raise ConfigError(f"{where}: {written!r} matches no problem code{hint}")
    return lowered


def _strings(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(value)


def _severity(value: object, where: str) -> Severity:
    try:
        return Severity(str(value)) if isinstance(value, str) else Severity("")
    except ValueError:
        raise ConfigError(f"{where} must be 'error' or 'warning', not {value!r}") from None


def parse(table: Mapping[str, object], root: Path, source: Path | None = None) -> Config:
    """Build a :class:`Config` from the ``[tool.newsmeta]`` table; raise :class:`ConfigError`."""
    name = str(source) if source is not None else "configuration"
    for key in table:
        if key not in _KEYS:
            raise ConfigError(f"{name}: unknown key {key!r}{did_you_mean(key, _KEYS)}")
    include = _strings(table.get("include", []), f"{name}: include")
    exclude = _strings(table.get("exclude", []), f"{name}: exclude")
    extensions = DEFAULT_EXTENSIONS
    if "extensions" in table:
        extensions = _extensions(table["extensions"], f"{name}: extensions")
    select = _strings(table["select"], f"{name}: select") if "select" in table else None
    ignore = _strings(table.get("ignore", []), f"{name}: ignore")
    if select is not None:
        select = check_selectors(select, f"{name}: select")
    ignore = check_selectors(ignore, f"{name}: ignore")
    raw_severity = table.get("severity", {})
    if not isinstance(raw_severity, Mapping):
        raise ConfigError(f"{name}: severity must be a table of code = 'error' | 'warning'")
    severity: dict[str, Severity] = {}
    for code, level in raw_severity.items():
        from newsmeta._catalogue import CODES  # imported by the first entry only

        if code.lower() not in CODES:
            raise ConfigError(
                f"{name}: severity: {code!r} is not a problem code{did_you_mean(code, CODES)}"
            )
        severity[code.lower()] = _severity(level, f"{name}: severity.{code}")
    fail_on = _severity(table["fail-on"], f"{name}: fail-on") if "fail-on" in table else None
    limits = _limits(table.get("limits", {}), f"{name}: limits")
    cache_dir = table.get("cache-dir")
    if cache_dir is not None and (not isinstance(cache_dir, str) or not cache_dir):
        raise ConfigError(f"{name}: cache-dir must be a directory name, not {cache_dir!r}")
    return Config(
        root,
        source,
        include,
        exclude,
        select,
        ignore,
        severity,
        fail_on,
        limits,
        extensions,
        cache_dir,
    )


def _extensions(value: object, where: str) -> tuple[str, ...]:
    """File name endings, each with its leading dot (``"md"`` is read as ``".md"``)."""
    items = _strings(value, where)
    if not items or not all(item.strip(".") and "/" not in item for item in items):
        raise ConfigError(f"{where} must be a non-empty list of endings such as '.md'")
    return tuple(item if item.startswith(".") else "." + item for item in items)


def _limits(table: object, where: str) -> Limits:
    """Lowered limits. A limit can only go down: the defaults bound every run, so a
    configuration (or a file under validation) can never make newsmeta accept more."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} must be a table of limit = number")
    known = {field.name.replace("_", "-"): field.name for field in attrs.fields(Limits)}
    changes: dict[str, int] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(
                f"{where}: unknown limit {key!r}{did_you_mean(key, known)}"
                f" (known: {', '.join(known)})"
            )
        default = getattr(DEFAULT_LIMITS, known[key])
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= default:
            raise ConfigError(f"{where}.{key} must be a whole number from 1 to {default}")
        changes[known[key]] = value
    return attrs.evolve(DEFAULT_LIMITS, **changes)


def _read(path: Path) -> dict[str, object]:
    """The TOML document in ``path``; :class:`ConfigError` for anything that is not one."""
    import tomllib

    from newsmeta._files import read_article_bytes

    try:
        # Non-blocking and regular files only: a FIFO or a device must not hang the run.
        raw = read_article_bytes(path, MAX_CONFIG_BYTES)
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_CONFIG_BYTES} bytes; is it a configuration?")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None


def _table(
    document: Mapping[str, object], path: Path, *, explicit: bool = False
) -> Mapping[str, object] | None:
    tool = document.get("tool")
    if isinstance(tool, Mapping) and "newsmeta" in tool:
        table = tool["newsmeta"]
        if not isinstance(table, Mapping):
            raise ConfigError(f"{path}: [tool.newsmeta] must be a table")
        return table
    if path.name == "newsmeta.toml" or (explicit and path.name != "pyproject.toml"):
        return {k: v for k, v in document.items() if k != "tool"}
    return None


def load_config(path: Path) -> Config:
    """Read the configuration in ``path``, a TOML file of any name.

    The keys are read from ``[tool.newsmeta]`` when the file has that table, else from the
    top level (a ``pyproject.toml`` without the table gives the default configuration).
    Raises :class:`ConfigError` for an unreadable file (missing, a directory, a FIFO, not
    UTF-8, not TOML) or a bad value.
    """
    table = _table(_read(path), path, explicit=True)
    return parse(table or {}, path.parent, path)


def find_config(start: str | os.PathLike[str] | None = None) -> Config:
    """The configuration that applies in ``start`` (default: the working directory).

    Walks up to the file-system root; returns the default configuration (rooted at
    ``start``) when no file is found. Raises :class:`ConfigError` for a bad file.
    """
    here = Path(start if start is not None else os.getcwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / "newsmeta.toml"
        if candidate.is_file():
            return load_config(candidate)
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            table = _table(_read(candidate), candidate)
            if table is not None:
                return parse(table, directory, candidate)
    return Config(here)
