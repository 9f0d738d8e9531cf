"""What the server knows beyond one document: configuration, and the workspace's articles.

- :class:`Configs` finds the configuration of a file the way ``newsmeta validate`` does
  (:func:`newsmeta.config.find_config`, walking up from the file's folder), remembers it
  per folder, and notices when the file it came from changes.
- :func:`covers` says whether a configuration checks a file at all (its ``include`` and
  ``exclude``), so a README next to the articles gets no diagnostics when the project
  says which files are articles. Which files ``newsmeta validate`` reads is the command
  line's business: its own functions are handed in as :class:`FileRules` (the library
  never imports the command line).
- :class:`Corpus` indexes the workspace's articles in the background: the URLs each one
  states (for ``corpus-duplicate-url``) and the topics in use (for completion). Open
  documents count with their unsaved text.

Thread safety: :class:`Corpus` and :class:`Configs` are shared between the server's event
loop and its worker threads; each guards its state with a lock and never calls out while
holding it.
"""

from __future__ import annotations

import collections
import fnmatch
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Final

import attrs

from newsmeta.config import Config, ConfigError, find_config
from newsmeta.validation import CorpusIndex, FileResult, UrlUse

__all__ = ["Configs", "Corpus", "FileFacts", "FileRules", "covers", "facts_of"]

log = logging.getLogger("newsmeta.lsp")

#: The most article files one workspace scan reads; a folder holding more (a home
#: directory opened by mistake) is indexed up to here, and the log says so.
MAX_SCAN_FILES: Final = 50_000
#: Folders never walked when the configuration names no ``include``.
_SKIPPED_DIRS: Final = frozenset({"node_modules", "__pycache__", "site-packages"})


class Configs:
    """The configuration that applies to each file, cached per folder."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_dir: dict[str, tuple[Config, str | None, tuple[int, int] | None]] = {}

    def for_file(self, path: str | None, fallback: str | None = None) -> tuple[Config, str | None]:
        """The configuration for ``path`` (``fallback``'s folder for a document with no
        path, else the working directory), and the error that made it the default one
        (``None`` when the configuration was read)."""
        if path is not None:
            folder = os.path.dirname(os.path.abspath(path))
        else:
            folder = fallback or os.getcwd()
        with self._lock:
            cached = self._by_dir.get(folder)
        if cached is not None and _stamp(cached[0].source) == cached[2]:
            return cached[0], cached[1]
        error: str | None = None
        try:
            config = find_config(folder)
        except ConfigError as exc:
            error = str(exc)
            config = Config(Path(folder))
        except OSError as exc:  # the folder vanished, or may not be read
            error = f"{folder}: {exc.strerror or exc}"
            config = Config(Path(folder))
        with self._lock:
            self._by_dir[folder] = (config, error, _stamp(config.source))
        return config, error

    def clear(self) -> None:
        """Forget every configuration (a configuration file was created or deleted)."""
        with self._lock:
            self._by_dir.clear()


def _stamp(source: Path | None) -> tuple[int, int] | None:
    if source is None:
        return None
    try:
        stat = source.stat()
    except OSError:
        return (-1, -1)
    return stat.st_mtime_ns, stat.st_size


# --- which files are articles --------------------------------------------------------------------


@attrs.frozen
class FileRules:
    """How ``newsmeta validate`` picks files: ``excluded(path, patterns, base)`` and
    ``collect_paths(arguments, [(patterns, base), ...])``, as in :mod:`newsmeta.cli.common`."""

    excluded: Callable[[str, Sequence[str], str], bool]
    collect_paths: Callable[[Sequence[str], Sequence[tuple[Sequence[str], str]]], list[str]]


def _glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as the CLI's ``glob.glob(recursive=True)`` reads it: ``**`` crosses folders."""
    out = []
    segments = pattern.strip("/").split("/")
    for number, segment in enumerate(segments):
        last = number == len(segments) - 1
        if segment == "**":
            out.append(".*" if last else "(?:[^/]*/)*")
            continue
        translated = fnmatch.translate(segment)
        # fnmatch's '*' crosses '/', glob's does not.
        body = translated.removeprefix("(?s:").removesuffix(")\\Z").replace(".*", "[^/]*")
        out.append(body + ("" if last else "/"))
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def covers(config: Config, path: str, rules: FileRules) -> bool:
    """Whether ``newsmeta validate``, run with ``config`` and no paths, checks ``path``.

    Its ``exclude`` patterns drop the file; when the configuration has an ``include``,
    the file must match one of its globs (or lie under one of its folders). Without an
    ``include``, every file not excluded is checked.
    """
    absolute = os.path.abspath(path)
    root = str(config.root)
    if config.exclude and rules.excluded(absolute, config.exclude, root):
        return False
    if not config.include:
        return True
    relative = os.path.relpath(absolute, root).replace(os.sep, "/")
    if relative == ".." or relative.startswith("../"):
        return False
    for pattern in config.include:
        pattern = pattern.replace(os.sep, "/").removeprefix("./")
        if not any(c in pattern for c in "*?["):
            target = pattern.strip("/")
            if relative == target or relative.startswith(target + "/") or target in ("", "."):
                return True
        elif _glob_regex(pattern).match(relative):
            return True
    return False


# --- the workspace's articles --------------------------------------------------------------------


@attrs.frozen
class FileFacts:
    """What the workspace index keeps of one article: its own URLs and its topics."""

    urls: tuple[UrlUse, ...] = ()
    topics: tuple[str, ...] = ()


def facts_of(text: str, path: str, config: Config) -> FileFacts:
    """The URLs and topics of the article ``text`` (nothing for one that does not parse)."""
    from newsmeta._check import analyse
    from newsmeta.validation import _url_uses

    analysis = analyse(text, path=path, limits=config.limits, rules=False)
    data = analysis.data
    topics: tuple[str, ...] = ()
    if isinstance(data, dict):
        raw = data.get("topics")
        if isinstance(raw, list):
            topics = tuple(t for t in raw if isinstance(t, str) and t.strip())
    return FileFacts(_url_uses(analysis), topics)


def _read(path: str, config: Config) -> str | None:
    from newsmeta._check import decode
    from newsmeta._files import read_article_bytes

    try:
        raw = read_article_bytes(path, config.limits.max_file_bytes)
    except OSError:
        return None
    if len(raw) > config.limits.max_file_bytes:
        return None
    text, findings = decode(raw, config.limits)
    return None if findings else text


class Corpus:
    """The URLs and topics of the workspace's articles, from disk and from open documents.

    Paths are kept absolute; :meth:`check` names other files relative to the workspace
    folder that holds them, as ``newsmeta validate`` run there would. An open document's
    facts replace its file's. Lookups by URL and the topic counts are kept up to date on
    every change, so nothing here costs more than the files it touches.
    """

    def __init__(self, rules: FileRules) -> None:
        self.rules = rules
        self._lock = threading.Lock()
        self._disk: dict[str, FileFacts] = {}
        self._open: dict[str, FileFacts] = {}
        self._by_url: dict[str, set[str]] = {}
        self._topics: collections.Counter[str] = collections.Counter()
        self._roots: tuple[str, ...] = ()
        #: Bumped by every change of the folders, so a scan in progress knows it is outdated.
        self.generation = 0
        self.ready = False

    @property
    def roots(self) -> tuple[str, ...]:
        """The workspace folders, as absolute paths."""
        return self._roots

    def set_roots(self, roots: Sequence[str]) -> None:
        """Index these workspace folders from now on (a scan fills them in)."""
        with self._lock:
            self._roots = tuple(os.path.abspath(root) for root in roots)
            self.generation += 1
            self.ready = False

    def display(self, path: str) -> str:
        """``path`` as ``newsmeta validate`` run in its workspace folder would name it."""
        absolute = os.path.abspath(path)
        for root in sorted(self._roots, key=len, reverse=True):
            if absolute == root or absolute.startswith(root.rstrip(os.sep) + os.sep):
                return os.path.relpath(absolute, root)
        return absolute

    # --- bookkeeping (call with the lock held) ----------------------------------------------------

    def _effective(self, path: str) -> FileFacts | None:
        return self._open.get(path) or self._disk.get(path)

    def _forget(self, path: str) -> None:
        facts = self._effective(path)
        if facts is None:
            return
        for url in _urls(facts):
            holders = self._by_url.get(url)
            if holders is not None:
                holders.discard(path)
                if not holders:
                    del self._by_url[url]
        self._topics.subtract(set(facts.topics))
        self._topics += collections.Counter()  # drop the counts that fell to zero

    def _remember(self, path: str) -> None:
        facts = self._effective(path)
        if facts is None:
            return
        for url in _urls(facts):
            self._by_url.setdefault(url, set()).add(path)
        self._topics.update(set(facts.topics))

    # --- filling in -----------------------------------------------------------------------------

    def scan(self, configs: Configs, stop: Callable[[], bool] = lambda: False) -> int:
        """Read every article of the workspace folders; return how many were indexed.

        Runs in a background thread. ``stop`` is polled between files (the server shuts
        down, or the folders changed: then nothing is kept).
        """
        with self._lock:
            generation = self.generation
            roots = self._roots
        found: dict[str, FileFacts] = {}
        count = 0
        for path in self._paths(roots, configs):
            if stop() or self.generation != generation:
                return count
            if count >= MAX_SCAN_FILES:
                log.warning("stopped indexing the workspace at %d files", MAX_SCAN_FILES)
                break
            config, _ = configs.for_file(path)
            text = _read(path, config)
            if text is None:
                continue
            try:
                found[path] = facts_of(text, path, config)
            except Exception:  # one odd file never stops the index
                log.exception("could not index %s", path)
            count += 1
        with self._lock:
            if self.generation != generation:
                return count
            for path in list(self._disk):
                self._forget(path)
            opened = list(self._open)
            for path in opened:
                self._forget(path)
            self._disk = found
            for path in {*found, *opened}:
                self._remember(path)
            self.ready = True
        return count

    def _paths(self, roots: Sequence[str], configs: Configs) -> Iterator[str]:
        for root in roots:
            config, _ = configs.for_file(None, root)
            if config.include:
                patterns = [os.path.join(str(config.root), p) for p in config.include]
                try:
                    paths = self.rules.collect_paths(patterns, [(config.exclude, str(config.root))])
                except FileNotFoundError:
                    continue
                yield from (os.path.abspath(p) for p in paths)
                continue
            for folder, dirs, files in os.walk(root, followlinks=False):
                dirs[:] = sorted(
                    d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS
                )
                for name in sorted(files):
                    if name.endswith(".md"):
                        path = os.path.join(folder, name)
                        file_config, _ = configs.for_file(path)
                        if covers(file_config, path, self.rules):
                            yield path

    def update_disk(self, path: str, configs: Configs) -> set[str]:
        """Re-read ``path`` from disk (it was saved, created, changed or deleted); return
        the URLs it stated before or states now."""
        absolute = os.path.abspath(path)
        config, _ = configs.for_file(absolute)
        text = _read(absolute, config) if os.path.isfile(absolute) else None
        facts = None
        if text is not None and covers(config, absolute, self.rules):
            try:
                facts = facts_of(text, absolute, config)
            except Exception:
                log.exception("could not index %s", absolute)
        with self._lock:
            before = _urls(self._disk.get(absolute))
            self._forget(absolute)
            if facts is None:
                self._disk.pop(absolute, None)
            else:
                self._disk[absolute] = facts
            self._remember(absolute)
        return before | _urls(facts)

    def set_open(self, path: str, facts: FileFacts | None) -> bool:
        """Count an open document's unsaved ``facts`` (``None``: it was closed); return
        whether the URLs it states changed."""
        absolute = os.path.abspath(path)
        with self._lock:
            before = _urls(self._effective(absolute))
            self._forget(absolute)
            if facts is None:
                self._open.pop(absolute, None)
            else:
                self._open[absolute] = facts
            self._remember(absolute)
            after = _urls(self._effective(absolute))
        return before != after

    def set_open_urls(self, path: str, urls: Sequence[UrlUse]) -> bool:
        """:meth:`set_open` with the URLs of an open document's unsaved text; its topics
        stay those of the saved file until it is saved."""
        absolute = os.path.abspath(path)
        with self._lock:
            saved = self._disk.get(absolute)
        topics = saved.topics if saved is not None else ()
        return self.set_open(absolute, FileFacts(tuple(urls), topics))

    # --- reading --------------------------------------------------------------------------------

    def sharing(self, urls: Iterable[str]) -> set[str]:
        """The paths of the articles that state any of ``urls``."""
        with self._lock:
            return {path for url in urls for path in self._by_url.get(url, ())}

    def check(self, path: str, result: FileResult) -> FileResult:
        """``result`` (of the file at ``path``) with ``corpus-duplicate-url`` added for each
        URL another article of the workspace states and comes before it in ``newsmeta
        validate``'s order (paths sorted), exactly as :class:`CorpusIndex` reports it."""
        if not result.urls:
            return result
        absolute = os.path.abspath(path)
        with self._lock:
            holders = {p for use in result.urls for p in self._by_url.get(use.url, ())}
            holders.discard(absolute)
            others = [(p, self._effective(p)) for p in holders]
        if not others:
            return result
        me = self.display(absolute)
        entries = [
            (self.display(p), FileResult(self.display(p), (), f.urls))
            for p, f in others
            if f is not None
        ]
        entries.append((me, attrs.evolve(result, path=me)))
        index = CorpusIndex()
        checked = result
        for name, entry in sorted(entries, key=lambda item: os.path.normpath(item[0])):
            done = index.check(entry)
            if name == me:
                checked = attrs.evolve(done, path=result.path)
        return checked

    def topics(self) -> list[str]:
        """Every topic in use, most used first (ties in alphabetical order)."""
        with self._lock:
            counts = list(self._topics.items())
        return [topic for topic, n in sorted(counts, key=lambda kv: (-kv[1], kv[0])) if n > 0]


def _urls(facts: FileFacts | None) -> set[str]:
    return {use.url for use in facts.urls} if facts is not None else set()
