"""Latency and memory of ``newsmeta lsp``, measured from outside, over stdio.

A minimal JSON-RPC client (no LSP library, so its own cost stays out of the numbers)
starts ``python -m newsmeta lsp`` and measures:

- **latency**: for a generated article of about 20 KB, the time from writing one
  ``didChange`` (a one-character edit) to reading the ``publishDiagnostics`` for that
  version, one edit at a time. Three texts: a valid article (most of it body), the same
  article with an error (the full validation path), and an article that is 20 KB of
  front matter. Beside each, the in-process time of ``check_bytes`` on the same text in
  the same run, so the ratio says what the server adds to validation.
- **a burst**: 50 edits written back to back, then the time until the diagnostics of
  the last one: the server checks the newest text, not every version.
- **memory**: the server's resident set size after opening 100, 500 and 1,000 generated
  articles (each open waits for its diagnostics), after 2,000, 4,000 and 6,000 edits
  spread over them (flat means it stops growing), and after closing them all (the
  allocator keeps most freed pages, so this one shows reuse, not release).

    python benchmarks/bench_lsp.py [--edits N] [--documents N] [--skip-memory] [--json OUT]

Absolute times depend on the machine and on what else runs on it; say which when you
quote them.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import make_corpus  # noqa: E402


class Connection:
    """JSON-RPC over a subprocess's pipes: requests, notifications, and what comes back."""

    def __init__(self, command: list[str], cwd: Path) -> None:
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        self.notifications: queue.Queue[dict[str, Any]] = queue.Queue()
        self.responses: dict[int, dict[str, Any]] = {}
        self._answered = threading.Condition()
        self._ids = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        stream = self.process.stdout
        assert stream is not None
        while True:
            length = 0
            while True:
                line = stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            message = json.loads(stream.read(length))
            if "method" in message and "id" in message:
                self._write({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif "method" in message:
                message["_received"] = time.perf_counter()
                self.notifications.put(message)
            else:
                with self._answered:
                    self.responses[message["id"]] = message
                    self._answered.notify_all()

    def _write(self, message: dict[str, Any]) -> None:
        body = json.dumps(message).encode("utf-8")
        stdin = self.process.stdin
        assert stdin is not None
        stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        stdin.flush()

    def request(self, method: str, params: object) -> dict[str, Any]:
        self._ids += 1
        number = self._ids
        self._write({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        with self._answered:
            self._answered.wait_for(lambda: number in self.responses, timeout=60)
            return self.responses.pop(number)

    def notify(self, method: str, params: object) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def diagnostics(self, uri: str, version: int, timeout: float = 60) -> dict[str, Any]:
        """Wait for the diagnostics of ``uri`` at ``version``; older ones are skipped."""
        deadline = time.monotonic() + timeout
        while True:
            message = self.notifications.get(timeout=max(0.01, deadline - time.monotonic()))
            params = message.get("params", {})
            if (
                message["method"] == "textDocument/publishDiagnostics"
                and params.get("uri") == uri
                and params.get("version") == version
            ):
                return message

    def cpu_seconds(self) -> float:
        """User plus system CPU time the server has used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss_kib(self) -> int:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        line = next(line for line in status.splitlines() if line.startswith("VmRSS:"))
        return int(line.split()[1])

    def close(self) -> None:
        self.request("shutdown", None)
        self.notify("exit", None)
        self.process.wait(timeout=30)


def _articles(count: int, seed: int) -> Iterator[str]:
    for _name, text, _defect in make_corpus.generate(count, seed, invalid_rate=0.05):
        yield text


def _big_article(total: int, front_matter: int) -> str:
    """A valid generated article of about ``total`` characters, ``front_matter`` of them
    front matter (related articles are added until it is that long), the rest body."""
    rng = random.Random(7)
    article, _ = make_corpus.make_article(rng, related_rate=1.0)
    related: list[Any] = []
    article["related"] = related
    while len(make_corpus.dump_front_matter(article)) < front_matter - 400:
        related.append(make_corpus._related(rng, make_corpus._moment(rng)))
    head = f"---\n{make_corpus.dump_front_matter(article)}---\n\n"
    words = "The council met on Tuesday to discuss the plan for the harbour. "
    body = (words * (max(0, total - len(head)) // len(words) + 1))[: max(0, total - len(head))]
    return head + body


def _position(text: str, index: int) -> dict[str, int]:
    line = text.count("\n", 0, index)
    start = text.rfind("\n", 0, index) + 1
    units = len(text[start:index].encode("utf-16-le")) // 2
    return {"line": line, "character": units}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _initialize(connection: Connection, root: Path) -> None:
    connection.request(
        "initialize",
        {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": {}},
    )
    connection.notify("initialized", {})


def latency(text: str, edits: int, root: Path) -> dict[str, float]:
    """Milliseconds from didChange to publishDiagnostics, one edit at a time."""
    from newsmeta.validation import check_bytes

    connection = Connection([sys.executable, "-m", "newsmeta", "lsp"], root)
    try:
        _initialize(connection, root)
        uri = (root / "big.md").as_uri()
        connection.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}},
        )
        connection.diagnostics(uri, 1)
        # Type into the title and take the character back: the text stays what it was.
        at = text.index('title: "') + len('title: "') + 3
        timings: list[float] = []
        in_process: list[float] = []
        check_bytes(text.encode("utf-8"), "big.md")  # first-use costs (schema, imports)
        current = text
        server_cpu = connection.cpu_seconds()
        own_cpu = 0.0
        for version in range(2, edits + 2):
            if version % 2 == 0:
                change = {
                    "range": {"start": _position(current, at), "end": _position(current, at)},
                    "text": "x",
                }
                current = current[:at] + "x" + current[at:]
            else:
                change = {
                    "range": {"start": _position(current, at), "end": _position(current, at + 1)},
                    "text": "",
                }
                current = current[:at] + current[at + 1 :]
            started = time.perf_counter()
            connection.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
            )
            message = connection.diagnostics(uri, version)
            timings.append((message["_received"] - started) * 1000)
            # The same check in this process, on the same text, right after: both see
            # the same load on the machine, so their ratio means something.
            raw = current.encode("utf-8")
            started, cpu = time.perf_counter(), time.process_time()
            check_bytes(raw, "big.md")
            in_process.append((time.perf_counter() - started) * 1000)
            own_cpu += time.process_time() - cpu
        server_cpu = connection.cpu_seconds() - server_cpu
        problems = len(message["params"]["diagnostics"])
        # A burst: edits written back to back; how long until the last one is published?
        burst_start = time.perf_counter()
        version = edits + 1
        for _ in range(50):
            version += 1
            change = {
                "range": {"start": _position(current, at), "end": _position(current, at)},
                "text": "y",
            }
            current = current[:at] + "y" + current[at:]
            connection.notify(
                "textDocument/didChange",
                {"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]},
            )
        connection.diagnostics(uri, version)
        burst = (time.perf_counter() - burst_start) * 1000
    finally:
        connection.close()
    return {
        "chars": len(text),
        "problems": problems,
        "p50_ms": statistics.median(timings),
        "p95_ms": _percentile(timings, 0.95),
        "max_ms": max(timings),
        "check_bytes_p50_ms": statistics.median(in_process),
        "check_bytes_p95_ms": _percentile(in_process, 0.95),
        # CPU time depends much less on what else runs on the machine than wall time.
        "server_cpu_ms_per_edit": server_cpu * 1000 / edits,
        "check_bytes_cpu_ms_per_edit": own_cpu * 1000 / edits,
        "burst_of_50_ms": burst,
    }


def memory(documents: int, root: Path) -> dict[str, float]:
    """The server's resident memory (MiB) as documents are opened, edited and closed."""
    connection = Connection([sys.executable, "-m", "newsmeta", "lsp"], root)
    out: dict[str, float] = {}
    texts = list(_articles(documents, seed=3))
    out["chars_per_document"] = statistics.mean(len(t) for t in texts)
    try:
        _initialize(connection, root)
        out["after_initialize"] = connection.rss_kib() / 1024
        uris = []
        for number, text in enumerate(texts, 1):
            uri = (root / f"doc-{number}.md").as_uri()
            uris.append(uri)
            connection.notify(
                "textDocument/didOpen",
                {
                    "textDocument": {
                        "uri": uri,
                        "languageId": "markdown",
                        "version": 1,
                        "text": text,
                    }
                },
            )
            connection.diagnostics(uri, 1)
            if number in (100, 500, 1000) or number == documents:
                out[f"after_opening_{number}"] = connection.rss_kib() / 1024
        rng = random.Random(5)
        versions = dict.fromkeys(uris, 1)
        for edits in range(1, 6001):
            uri = rng.choice(uris)
            versions[uri] += 1
            # Type a character into line 2 and take it back: the texts keep their size.
            added = versions[uri] % 2 == 0
            change = {
                "range": {
                    "start": {"line": 1, "character": 0},
                    "end": {"line": 1, "character": 0 if added else 1},
                },
                "text": "x" if added else "",
            }
            connection.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": versions[uri]},
                    "contentChanges": [change],
                },
            )
            connection.diagnostics(uri, versions[uri])
            if edits % 2000 == 0:
                out[f"after_{edits}_edits"] = connection.rss_kib() / 1024
        for uri in uris:
            connection.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        connection.request("shutdown", None)  # answered after every close was handled
        out["after_closing_all"] = connection.rss_kib() / 1024
        connection.notify("exit", None)
        connection.process.wait(timeout=30)
    finally:
        if connection.process.poll() is None:
            connection.process.kill()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=400, help="edits per latency run")
    parser.add_argument("--documents", type=int, default=1000, help="documents for memory")
    parser.add_argument("--skip-memory", action="store_true", help="measure latency only")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    import tempfile

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        valid = _big_article(20_000, 6_000)
        broken = valid.replace("type: article", "type: blog", 1)
        all_front_matter = _big_article(20_000, 20_000)
        for name, text in (
            ("20 KB article, valid", valid),
            ("20 KB article, one error", broken),
            ("20 KB of front matter", all_front_matter),
        ):
            results[name] = row = latency(text, args.edits, root)
            print(
                f"{name:<26} {row['chars']:>6} chars {row['problems']} problem(s): "
                f"didChange -> publishDiagnostics p50 {row['p50_ms']:.1f} ms, "
                f"p95 {row['p95_ms']:.1f} ms, max {row['max_ms']:.1f} ms; "
                f"check_bytes in process p50 {row['check_bytes_p50_ms']:.1f} ms "
                f"(server/in-process p50 {row['p50_ms'] / row['check_bytes_p50_ms']:.2f}x); "
                f"50 edits back to back: last published after {row['burst_of_50_ms']:.0f} ms; "
                f"CPU per edit: server {row['server_cpu_ms_per_edit']:.1f} ms, "
                f"check_bytes {row['check_bytes_cpu_ms_per_edit']:.1f} ms",
                flush=True,
            )
        if not args.skip_memory:
            results["memory"] = mem = memory(args.documents, root)
            print("memory (RSS, MiB): " + ", ".join(f"{k} {v:.1f}" for k, v in mem.items()))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
