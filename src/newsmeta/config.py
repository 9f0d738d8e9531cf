"""Configuration for ``newsmeta validate``: ``[tool.newsmeta]`` or ``newsmeta.toml``.

The file is found by walking up from the working directory; in each directory a
``newsmeta.toml`` wins over a ``pyproject.toml``, and a ``pyproject.toml`` counts only when it
has a ``[tool.newsmeta]`` table. The first file found is the only one read. Keys (the same in
both files; in ``newsmeta.toml`` they sit at the top level, or under ``[tool.newsmeta]``)::

    include = ["content/**/*.md"]      # globs, relative to the file's directory
    exclude = ["content/drafts"]        # patterns, see newsmeta.paths
    select = ["schema", "yaml"]         # codes or code families (prefix before a '-')
    ignore = ["schema-format"]
    fail-on = "warning"                 # or "error" (the default)

    [tool.newsmeta.severity]            # in newsmeta.toml: [severity]
    yaml-duplicate-key = "warning"

    [tool.newsmeta.limits]              # in newsmeta.toml: [limits]; lower only
    max-file-bytes = 1048576            # also: max-front-matter-chars, max-depth,
    max-depth = 16                      # max-nodes, max-scalar-chars, max-key-chars,
                                        # max-number-chars

Command-line flags win over the file. Unknown keys, wrong types, unknown codes and bad
severities raise :class:`ConfigError` (the CLI turns it into exit code 2), so a typo
never silently disables a check.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import attrs

from newsmeta._yamltree import DEFAULT_LIMITS, Limits
from newsmeta.problems import CODES, Severity

__all__ = ["Config", "ConfigError", "check_selectors", "find_config", "load_config", "parse"]

_KEYS = frozenset({"include", "exclude", "select", "ignore", "severity", "fail-on", "limits"})


class ConfigError(ValueError):
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


def check_selectors(selectors: tuple[str, ...], where: str) -> None:
    """Raise :class:`ConfigError` when a selector matches no known problem code."""
    from newsmeta.validation import matches_code

    for selector in selectors:
        if not any(matches_code(code, selector) for code in CODES):
            raise ConfigError(f"{where}: {selector!r} matches no problem code")


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
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(f"{name}: unknown key(s) {', '.join(unknown)}")
    include = _strings(table.get("include", []), f"{name}: include")
    exclude = _strings(table.get("exclude", []), f"{name}: exclude")
    select = _strings(table["select"], f"{name}: select") if "select" in table else None
    ignore = _strings(table.get("ignore", []), f"{name}: ignore")
    check_selectors(select or (), f"{name}: select")
    check_selectors(ignore, f"{name}: ignore")
    raw_severity = table.get("severity", {})
    if not isinstance(raw_severity, Mapping):
        raise ConfigError(f"{name}: severity must be a table of code = 'error' | 'warning'")
    severity: dict[str, Severity] = {}
    for code, level in raw_severity.items():
        if code not in CODES:
            raise ConfigError(f"{name}: severity: {code!r} is not a problem code")
        severity[code] = _severity(level, f"{name}: severity.{code}")
    fail_on = _severity(table["fail-on"], f"{name}: fail-on") if "fail-on" in table else None
    limits = _limits(table.get("limits", {}), f"{name}: limits")
    return Config(root, source, include, exclude, select, ignore, severity, fail_on, limits)


def _limits(table: object, where: str) -> Limits:
    """Lowered limits. A limit can only go down: the defaults bound every run, so a
    configuration (or a file under validation) can never make newsmeta accept more."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{where} must be a table of limit = number")
    known = {field.name.replace("_", "-"): field.name for field in attrs.fields(Limits)}
    changes: dict[str, int] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"{where}: unknown limit {key!r} (known: {', '.join(known)})")
        default = getattr(DEFAULT_LIMITS, known[key])
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= default:
            raise ConfigError(f"{where}.{key} must be a whole number from 1 to {default}")
        changes[known[key]] = value
    return attrs.evolve(DEFAULT_LIMITS, **changes)


def _read(path: Path) -> dict[str, object]:
    import tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from None


def _table(document: Mapping[str, object], path: Path) -> Mapping[str, object] | None:
    tool = document.get("tool")
    if isinstance(tool, Mapping) and "newsmeta" in tool:
        table = tool["newsmeta"]
        if not isinstance(table, Mapping):
            raise ConfigError(f"{path}: [tool.newsmeta] must be a table")
        return table
    if path.name == "newsmeta.toml":
        return {k: v for k, v in document.items() if k != "tool"}
    return None


def load_config(path: Path) -> Config:
    """Read the configuration in ``path`` (a ``newsmeta.toml`` or ``pyproject.toml``).

    A ``pyproject.toml`` without ``[tool.newsmeta]`` gives the default configuration.
    Raises :class:`ConfigError` for an unreadable file or a bad value.
    """
    table = _table(_read(path), path)
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
