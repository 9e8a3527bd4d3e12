"""The ``vodfc`` command line.

Each command group lives in its own module beside this one and exposes ``register(subparsers)``;
this module only builds the parser. The groups import what their commands need inside the commands,
so that importing the CLI (``vodfc --help``) stays cheap.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from vodfc.emulator.cli import build, events, faults, functions, generate, server

# The command groups, in the order --help lists them.
COMMAND_GROUPS = (server, functions, build, events, faults, generate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vodfc",
        description="Local ApsaraVideo VOD + Function Compute emulator and the vodfc functions.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    result = args.func(args)
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
