"""What the server knows beyond one document: configuration, and the workspace's articles.

- :class:`Configs` finds the configuration of a file the way ``newsmeta validate`` does
  (:func:`newsmeta.config.find_config`, walking up from the file's folder), remembers it
  per folder, and notices when the file it came from changes.
- Which files are articles is :mod:`newsmeta.paths`'s answer, the command line's own:
  a document is checked when :func:`newsmeta.paths.is_selected` says ``newsmeta
  validate`` run in its configuration's folder would check it, and a workspace folder's
  articles are :func:`newsmeta.paths.selected` for that folder.
- :class:`Corpus` indexes the workspace's articles in the background: the URLs each one
  states (for ``corpus-duplicate-url``) and the topics in use (for completion). Open
  documents count with their unsaved text.

Thread safety: :class:`Corpus` and :class:`Configs` are shared between the server's event
loop and its worker threads; each guards its state with a lock and never calls out while
holding it.
"""

from __future__ import annotations

import collections
import logging
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Final

import attrs

from newsmeta.config import Config, ConfigError, find_config
from newsmeta.document import Document, load
from newsmeta.paths import is_selected, selected
from newsmeta.validation import CorpusIndex, FileResult, UrlUse, document_result

__all__ = ["Configs", "Corpus", "FileFacts", "facts_of", "topics_of"]

log = logging.getLogger("newsmeta.lsp")

#: The most article files one workspace scan reads; a folder holding more (a home
#: directory opened by mistake) is indexed up to here, and the log says so.
MAX_SCAN_FILES: Final = 50_000


class Configs:
    """The configuration that applies to each file, cached per folder.

    A cached configuration is used only while every file that decided it is as it was:
    the ``newsmeta.toml`` and ``pyproject.toml`` candidates from the folder up to the file
    it came from (up to the root when none applies). Editing, creating or deleting any of
    them is noticed on the next lookup, whether or not the client watches files for the
    server (Neovim on Linux and older Helix do not), and counts as a change of
    :attr:`generation`.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_dir: dict[str, tuple[Config, str | None, _Stamps]] = {}
        #: Bumped whenever a configuration in use turns out to have changed.
        self.generation = 0

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
        if cached is not None and _stamps(folder, cached[0].source) == cached[2]:
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
            if cached is not None and self._by_dir.get(folder) is cached:
                self.generation += 1
            self._by_dir[folder] = (config, error, _stamps(folder, config.source))
        return config, error

    def changed(self) -> bool:
        """Look at every cached configuration's files now; whether any has changed (the
        next lookup of its folders reads it again)."""
        with self._lock:
            entries = list(self._by_dir.items())
        stale = [
            folder
            for folder, (config, _, stamps) in entries
            if _stamps(folder, config.source) != stamps
        ]
        if stale:
            with self._lock:
                for folder in stale:
                    self._by_dir.pop(folder, None)
                self.generation += 1
        return bool(stale)

    def clear(self) -> None:
        """Forget every configuration (a configuration file was created or deleted)."""
        with self._lock:
            self._by_dir.clear()


_Stamp = tuple[int, int, int] | None
_Stamps = tuple[_Stamp, ...]

#: The files :func:`newsmeta.config.find_config` looks for in each folder, in its order.
_CANDIDATES: Final = ("newsmeta.toml", "pyproject.toml")


def _stamps(folder: str, source: Path | None) -> _Stamps:
    """The modification time, size and inode (``None``: absent) of every candidate file that
    decides ``folder``'s configuration: each folder's, from ``folder`` up to the one that
    holds ``source`` (up to the root when ``source`` is ``None``). A few ``stat`` calls:
    cheap enough for every keystroke."""
    stamps: list[_Stamp] = []
    here = Path(os.path.realpath(folder))  # as find_config resolves it
    stop = source.parent if source is not None else None
    for directory in (here, *here.parents):
        for name in _CANDIDATES:
            try:
                stat = os.stat(directory / name)
            except OSError:
                stamps.append(None)
            else:
                # The inode too: an editor that saves by writing a new file and renaming
                # it over the old one changes it even within one tick of the clock.
                stamps.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
        if directory == stop:
            break
    return tuple(stamps)


# --- the workspace's articles --------------------------------------------------------------------


@attrs.frozen
class FileFacts:
    """What the workspace index keeps of one article: its own URLs and its topics."""

    urls: tuple[UrlUse, ...] = ()
    topics: tuple[str, ...] = ()


def topics_of(data: object) -> tuple[str, ...]:
    """The topics of a front matter's JSON view (none unless it is a list of text)."""
    raw = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        return ()
    return tuple(topic for topic in raw if isinstance(topic, str) and topic.strip())


def facts_of(document: Document) -> FileFacts:
    """The URLs and topics of a loaded article (nothing for one that does not parse)."""
    return FileFacts(document_result(document).urls, topics_of(document.data))


def _read(path: str, config: Config) -> FileFacts | None:
    """The facts of the article file at ``path``, read as ``newsmeta validate`` reads it
    (``None`` when it cannot be read or is over the configured size)."""
    try:
        return facts_of(load(path, max_bytes=config.limits.max_file_bytes))
    except OSError:
        return None


class Corpus:
    """The URLs and topics of the workspace's articles, from disk and from open documents.

    Paths are kept absolute; :meth:`check` names other files relative to the workspace
    folder that holds them, as ``newsmeta validate`` run there would. An open document's
    facts replace its file's (a document with no file, an editor's unsaved "Untitled",
    is kept under its URI, and counts for topics only). Lookups by URL and the topic
    counts are kept up to date on every change, so nothing here costs more than the
    files it touches.
    """

    def __init__(self) -> None:
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
        for topic in set(facts.topics):
            left = self._topics[topic] - 1
            if left > 0:
                self._topics[topic] = left
            else:
                del self._topics[topic]

    def _remember(self, path: str) -> None:
        facts = self._effective(path)
        if facts is None:
            return
        for url in _urls(facts):
            self._by_url.setdefault(url, set()).add(path)
        self._topics.update(set(facts.topics))

    # --- filling in -----------------------------------------------------------------------------

    def root_of(self, path: str) -> str | None:
        """The workspace folder that holds ``path`` (the innermost), or ``None``."""
        absolute = os.path.abspath(path)
        for root in sorted(self._roots, key=len, reverse=True):
            if absolute.startswith(root.rstrip(os.sep) + os.sep):
                return root
        return None

    def scan(self, configs: Configs, stop: Callable[[], bool] = lambda: False) -> int:
        """Read every article of the workspace folders; return how many were indexed.

        A folder's articles are the files ``newsmeta validate`` checks when run in it
        (:func:`newsmeta.paths.selected`, with the folder's configuration), read within
        that configuration's size limit. Runs in a background thread. ``stop`` is polled
        between files (the server shuts down, or the folders changed: then nothing is
        kept).
        """
        with self._lock:
            generation = self.generation
            roots = self._roots
        found: dict[str, FileFacts] = {}
        count = 0
        for root in roots:
            config, _ = configs.for_file(None, root)
            for path in selected(root, config).paths:
                if stop() or self.generation != generation:
                    return count
                if count >= MAX_SCAN_FILES:
                    log.warning("stopped indexing the workspace at %d files", MAX_SCAN_FILES)
                    break
                absolute = os.path.abspath(path)
                if absolute in found:
                    continue  # two folders, one inside the other
                try:
                    facts = _read(absolute, config)
                except Exception:  # one odd file never stops the index
                    log.exception("could not index %s", absolute)
                    continue
                if facts is not None:
                    found[absolute] = facts
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

    def update_disk(self, path: str, configs: Configs) -> set[str]:
        """Re-read ``path`` from disk (it was saved, created, changed or deleted); return
        the URLs it stated before or states now. Only a file a scan would index (a file
        :func:`newsmeta.paths.selected` lists for its workspace folder) is kept."""
        absolute = os.path.abspath(path)
        root = self.root_of(absolute)
        facts = None
        if root is not None and os.path.isfile(absolute):
            config, _ = configs.for_file(None, root)
            if is_selected(absolute, config, root):
                try:
                    facts = _read(absolute, config)
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

    def set_open(self, key: str, facts: FileFacts | None) -> bool:
        """Count an open document's unsaved ``facts`` (``None``: it was closed); ``key``
        is its absolute path (or, for a document with no file, its URI). Return whether
        the URLs it states changed."""
        with self._lock:
            if facts is not None and self._open.get(key) == facts:
                return False  # typing that changed neither (most keystrokes)
            before = _urls(self._effective(key))
            self._forget(key)
            if facts is None:
                self._open.pop(key, None)
            else:
                self._open[key] = facts
            self._remember(key)
            after = _urls(self._effective(key))
        return before != after

    def set_open_urls(self, key: str, urls: Sequence[UrlUse]) -> bool:
        """:meth:`set_open` with the URLs of an open document's unsaved text (its topics
        stay the last ones counted)."""
        with self._lock:
            current = self._effective(key)
        topics = current.topics if current is not None else ()
        return self.set_open(key, FileFacts(tuple(urls), topics))

    def set_open_topics(self, key: str, topics: Sequence[str]) -> None:
        """:meth:`set_open` with the topics of an open document's unsaved text (its URLs
        stay the last ones counted)."""
        with self._lock:
            current = self._effective(key)
        urls = current.urls if current is not None else ()
        self.set_open(key, FileFacts(urls, tuple(topics)))

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
