"""Latency and memory of ``newsmeta lsp``, measured from outside, over stdio.

A minimal JSON-RPC client (no LSP library, so its own cost stays out of the numbers)
starts ``python -m newsmeta lsp`` and measures:

- **latency**: for a generated article of about 20 KB, the time from writing one
  ``didChange`` (a one-character edit) to reading the ``publishDiagnostics`` for that
  version, one edit at a time. Four texts: a valid article (most of it body), the same
  article with a schema error (the full validation path), the same with a YAML syntax
  error (the state of most keystrokes inside a quoted value), and an article that is
  20 KB of front matter. Beside each, the in-process time of ``check_bytes`` on the same
  text in the same run, so the ratio says what the server adds to validation, and the
  server's CPU time per edit (which depends much less on the machine's load than the
  wall time). The load average is printed with each text.
- **a burst**: 50 edits written back to back, then the time until the diagnostics of
  the last one: the server checks the newest text, not every version.
- **memory**: the server's resident set size after opening 100, 500 and 1,000 generated
  articles (each open waits for its diagnostics), after 2,000, 4,000 and 6,000 edits
  spread over them (flat means it stops growing), and after closing them all (the
  allocator keeps most freed pages, so this one shows reuse, not release).

    python benchmarks/bench_lsp.py [--edits N] [--documents N] [--skip-memory] [--json OUT]
    python benchmarks/bench_lsp.py --against REV [--rounds N]   # latency only

``--against REV`` measures the server of git revision ``REV`` (checked out in a temporary
worktree, run with this environment's dependencies) and this one's, alternating them
``--rounds`` times, so that both meet the same load, and prints the medians side by side
with their ratios.

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

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
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
        return self.response(self.send(method, params))

    def send(self, method: str, params: object) -> int:
        """Send a request; return its id (see :meth:`response`)."""
        self._ids += 1
        number = self._ids
        self._write({"jsonrpc": "2.0", "id": number, "method": method, "params": params})
        return number

    def response(self, number: int) -> dict[str, Any]:
        """Wait for the response to request ``number``."""
        with self._answered:
            self._answered.wait_for(lambda: number in self.responses, timeout=60)
            response = self.responses.pop(number)
            response["_received"] = time.perf_counter()
            return response

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


#: What VS Code says of its code actions: it takes code action literals and resolves
#: their edits when one is chosen.
_CODE_ACTIONS = {
    "codeActionLiteralSupport": {
        "codeActionKind": {"valueSet": ["", "quickfix", "refactor", "source"]}
    },
    "dataSupport": True,
    "resolveSupport": {"properties": ["edit"]},
}


def _initialize(connection: Connection, root: Path, actions: bool = False) -> None:
    capabilities = {"textDocument": {"codeAction": _CODE_ACTIONS}} if actions else {}
    connection.request(
        "initialize",
        {"processId": os.getpid(), "rootUri": root.as_uri(), "capabilities": capabilities},
    )
    connection.notify("initialized", {})


def latency(
    text: str, edits: int, root: Path, src: Path | None = None, actions: bool = False
) -> dict[str, float]:
    """Milliseconds from didChange to publishDiagnostics, one edit at a time (the server
    of the sources in ``src``, default this checkout's). With ``actions``, each change is
    followed at once by a request for the code actions at the cursor, as VS Code sends
    for its light bulb, and the time to their answer is measured too."""
    from newsmeta.validation import check_bytes

    env = dict(os.environ, PYTHONPATH=str(src)) if src is not None else None
    connection = Connection([sys.executable, "-m", "newsmeta", "lsp"], root, env)
    answered: list[float] = []
    try:
        _initialize(connection, root, actions)
        uri = (root / "big.md").as_uri()
        connection.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}},
        )
        connection.diagnostics(uri, 1)
        # Type into the title and take the character back: the text stays what it was.
        at = text.index(_TYPED_AT) + len(_TYPED_AT) + 3
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
            if actions:
                cursor = _position(current, at)
                asked = connection.send(
                    "textDocument/codeAction",
                    {
                        "textDocument": {"uri": uri},
                        "range": {"start": cursor, "end": cursor},
                        "context": {"diagnostics": [], "triggerKind": 2},
                    },
                )
            message = connection.diagnostics(uri, version)
            timings.append((message["_received"] - started) * 1000)
            if actions:
                answer = connection.response(asked)
                answered.append((answer["_received"] - started) * 1000)
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
        **(
            {
                "actions_p50_ms": statistics.median(answered),
                "actions_p95_ms": _percentile(answered, 0.95),
            }
            if answered
            else {}
        ),
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


#: Where the edits are typed: into the title's value.
_TYPED_AT = 'title: "'


def texts() -> dict[str, str]:
    """The 20 KB texts the latency is measured on, by name."""
    valid = _big_article(20_000, 6_000)
    at = valid.index(_TYPED_AT)
    # An unclosed quote on the line before the title: a yaml-syntax error from there on,
    # as while a value is being typed.
    unclosed = valid[:at] + 'excerpt: "half typed\n' + valid[at:]
    return {
        "20 KB article, valid": valid,
        "20 KB article, one error": valid.replace("type: article", "type: blog", 1),
        "20 KB article, YAML error": unclosed.replace("\nexcerpt:", "\nsummary:", 1),
        "20 KB of front matter": _big_article(20_000, 20_000),
    }


def _load() -> str:
    return "load average " + " ".join(f"{n:.2f}" for n in os.getloadavg())


def compare(
    revision: str, rounds: int, edits: int, root: Path, actions: bool = False
) -> dict[str, Any]:
    """Latency of the server at ``revision`` and of this checkout's, alternated."""
    import tempfile

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="newsmeta-lsp-") as scratch:
        tree = Path(scratch) / "old"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), revision],
            check=True,
            capture_output=True,
        )
        try:
            sources = {"old": tree / "src", "new": ROOT / "src"}
            for name, text in texts().items():
                runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
                print(f"{name} ({_load()})", flush=True)
                for _ in range(rounds):
                    for label, src in sources.items():
                        runs[label].append(latency(text, edits, root, src, actions))
                row = {
                    label: {
                        key: statistics.median(run[key] for run in measured)
                        for key in measured[0]
                        if key.endswith(("_ms", "_per_edit"))
                    }
                    for label, measured in runs.items()
                }
                results[name] = row
                for label in ("old", "new"):
                    m = row[label]
                    answers = (
                        f", code actions p50 {m['actions_p50_ms']:.1f} ms, "
                        f"p95 {m['actions_p95_ms']:.1f} ms"
                        if actions
                        else ""
                    )
                    print(
                        f"  {label}: p50 {m['p50_ms']:.1f} ms, p95 {m['p95_ms']:.1f} ms, "
                        f"max {m['max_ms']:.1f} ms, CPU per edit {m['server_cpu_ms_per_edit']:.2f}"
                        f" ms{answers} (medians of the rounds)",
                        flush=True,
                    )
                shown = ("p50_ms", "p95_ms", "max_ms", "server_cpu_ms_per_edit")
                ratios = {
                    k: row["new"][k] / row["old"][k]
                    for k in (*shown, "actions_p95_ms")
                    if k in row["new"]
                }
                print(
                    "  new/old: "
                    + ", ".join(f"{k.removesuffix('_ms')} {v:.2f}" for k, v in ratios.items()),
                    flush=True,
                )
            print(_load())
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
                check=False,
                capture_output=True,
            )
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=400, help="edits per latency run")
    parser.add_argument("--documents", type=int, default=1000, help="documents for memory")
    parser.add_argument("--skip-memory", action="store_true", help="measure latency only")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--against", metavar="REV", help="compare with the server at REV")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of --against")
    parser.add_argument(
        "--code-actions",
        action="store_true",
        help="after each change, ask for the code actions at the cursor (as VS Code does)",
    )
    args = parser.parse_args(argv)
    import tempfile

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if args.against:
            results = compare(args.against, args.rounds, args.edits, root, args.code_actions)
            if args.json:
                args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
            return 0
        for name, text in texts().items():
            results[name] = row = latency(text, args.edits, root, actions=args.code_actions)
            print(
                f"{name:<26} {row['chars']:>6} chars {row['problems']} problem(s): "
                f"didChange -> publishDiagnostics p50 {row['p50_ms']:.1f} ms, "
                f"p95 {row['p95_ms']:.1f} ms, max {row['max_ms']:.1f} ms; "
                f"check_bytes in process p50 {row['check_bytes_p50_ms']:.1f} ms "
                f"(server/in-process p50 {row['p50_ms'] / row['check_bytes_p50_ms']:.2f}x); "
                f"50 edits back to back: last published after {row['burst_of_50_ms']:.0f} ms; "
                f"CPU per edit: server {row['server_cpu_ms_per_edit']:.1f} ms, "
                f"check_bytes {row['check_bytes_cpu_ms_per_edit']:.1f} ms"
                + (
                    f"; code actions answered p50 {row['actions_p50_ms']:.1f} ms, "
                    f"p95 {row['actions_p95_ms']:.1f} ms"
                    if "actions_p50_ms" in row
                    else ""
                )
                + f" ({_load()})",
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
