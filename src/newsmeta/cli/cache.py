"""``newsmeta cache``: where ``validate`` keeps its results, what is stored, and clearing it."""

from __future__ import annotations

import argparse
import json
import os
import sys

from newsmeta.cli.common import (
    EXIT_OK,
    Commands,
    UsageError,
    cache_directory,
    load_configuration,
)

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``cache`` to ``commands``."""
    cache = commands.add_parser(
        "cache",
        help="show where validate keeps its results, what is stored, or clear it",
        description="info: where the result cache of 'newsmeta validate' is and what it "
        "holds; clear: delete every stored result; dir: print the cache directory.",
    )
    cache.add_argument(
        "action",
        nargs="?",
        choices=["info", "clear", "dir"],
        default="info",
        help="what to do (default: info)",
    )
    cache.add_argument(
        "--cache-dir",
        metavar="DIR",
        default=None,
        help="the cache directory (default: as validate finds it)",
    )
    cache.add_argument(
        "--config",
        metavar="FILE",
        default=None,
        help="read this TOML file instead of searching for newsmeta.toml or pyproject.toml",
    )
    cache.add_argument(
        "--format",
        choices=["text", "json"],
        default="text",
        help="output of info (default: text)",
    )
    cache.set_defaults(handler=_run_cache)


def _size(count: int) -> str:
    size = float(count)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{count} B"  # pragma: no cover - the loop returns


def _run_cache(args: argparse.Namespace) -> int:
    from newsmeta.cache import ResultCache

    config = load_configuration(args.config)
    directory = cache_directory(args.cache_dir, config)
    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a directory, so it holds no cache")
    out = sys.stdout
    if args.action == "dir":
        out.write(f"{directory}\n")
        return EXIT_OK
    if args.action == "clear":
        with ResultCache(directory, limits=config.limits, create=False) as cache:
            if not cache.exists:
                taken = os.path.lexists(cache.database)  # by a directory, a socket...
                why = cache.problem if taken and cache.problem else f"no cache in {directory}"
                out.write(f"nothing to clear: {why}\n")
                return EXIT_OK
            try:
                count = cache.clear()
            except OSError as exc:
                raise UsageError(str(exc)) from None
        out.write(f"cleared {count} stored result{'s' * (count != 1)} from {directory}\n")
        return EXIT_OK
    with ResultCache(directory, limits=config.limits, create=False) as cache:
        info = cache.info()
    if args.format == "json":
        out.write(json.dumps(info.to_dict(), indent=2) + "\n")
        return EXIT_OK
    if info.problem:
        state = info.problem
    elif not info.exists:
        state = "empty: nothing stored yet"
    else:
        state = f"{'writable' if info.writable else 'read-only'}, format {info.format_version}"
    out.write(
        f"directory: {info.directory}\n"
        f"database:  {info.database} ({_size(info.size_bytes)})\n"
        f"entries:   {info.entries} ({info.current} for this newsmeta and configuration)\n"
        f"state:     {state}\n"
    )
    return EXIT_OK
