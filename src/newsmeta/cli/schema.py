"""``newsmeta schema``: print the JSON Schema of the article format."""

from __future__ import annotations

import argparse
import sys

from newsmeta.cli.common import EXIT_OK, Commands

__all__ = ["register"]


def register(commands: Commands) -> None:
    """Add ``schema`` to ``commands``."""
    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema (Draft 2020-12) of the article front matter",
        description=(
            "Print the JSON Schema that `newsmeta validate` checks the front matter against, "
            "byte for byte as shipped. Its $id is the URL where the documentation site serves "
            "the same file."
        ),
    )
    schema.add_argument(
        "--id", action="store_true", help="print only the schema's $id (its published URL)"
    )
    schema.set_defaults(handler=_run_schema)


def _run_schema(args: argparse.Namespace) -> int:
    from newsmeta.schema import SCHEMA_ID, schema_text

    sys.stdout.write(SCHEMA_ID + "\n" if args.id else schema_text())
    return EXIT_OK
