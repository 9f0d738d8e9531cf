"""The editing commands of the ``newsmeta`` command line (get, set, unset, append, insert)."""

from __future__ import annotations

import argparse

__all__ = ["add_commands"]


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the editing subcommands on ``commands``."""
