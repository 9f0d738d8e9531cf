"""``newsmeta lsp``: the language server for editors, over standard input and output."""

from __future__ import annotations

import argparse
import sys

from newsmeta.cli.common import EXIT_OK, EXIT_USAGE, Commands, message, open_text_output

__all__ = ["register"]

_LEVELS = ("debug", "info", "warning", "error")


def register(commands: Commands) -> None:
    """Add ``lsp`` to ``commands``."""
    lsp = commands.add_parser(
        "lsp",
        help="run the language server: diagnostics, hover, completion and quick fixes in editors",
        description="Run the newsmeta language server over standard input and output, as "
        "editors start it. Needs the lsp extra. Its log goes to stderr (editors keep it) "
        "or to --log-file.",
    )
    lsp.add_argument(
        "--stdio",
        action="store_true",
        help="talk LSP over standard input and output (the default and only transport; "
        "accepted because some editors pass it)",
    )
    lsp.add_argument("--log-file", metavar="FILE", help="write the server's log to FILE")
    lsp.add_argument(
        "--log-level",
        choices=_LEVELS,
        default="warning",
        help="how much the log says (default: warning)",
    )
    lsp.set_defaults(handler=_run_lsp)


def _run_lsp(args: argparse.Namespace) -> int:
    try:
        import lsprotocol  # noqa: F401
        import pygls  # noqa: F401
    except ImportError:
        message(
            "newsmeta lsp: the language server needs the lsp extra: "
            "pip install 'newsmeta-md[lsp]' (or '.[lsp]' in a checkout)"
        )
        return EXIT_USAGE
    import logging  # here, not at the top: every command imports this module to register

    handler: logging.Handler
    if args.log_file:
        # Appended to, as a log file is; a directory or a FIFO that nothing reads is a
        # usage error (raised as UsageError), never a hang.
        handler = logging.StreamHandler(open_text_output(args.log_file, append=True))
    else:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("newsmeta").setLevel(args.log_level.upper())
    if args.log_level in ("warning", "error"):
        # pygls warns of what is routine in a session (a cancellation that came after the
        # answer, a notification the server does not take): editors show their servers'
        # stderr as errors, so those lines are kept for --log-level info and below.
        logging.getLogger("pygls.protocol.json_rpc").setLevel(logging.ERROR)

    from newsmeta.lsp.server import serve

    serve()
    return EXIT_OK
