"""The ``vodfc`` command line.

Each command group lives in its own module beside this one and exposes ``register(subparsers)``;
this module only builds the parser. The groups import what their commands need inside the commands,
so that importing the CLI (``vodfc --help``) stays cheap.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from vodfc.emulator.cli import events, faults, functions, generate, server, store

# The command groups, in the order --help lists them.
COMMAND_GROUPS = (server, functions, events, faults, store, generate)


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
    from vodfc.emulator.store import StoreUnavailable

    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        result = args.func(args)
    except StoreUnavailable as error:
        # A database that cannot be opened: one message naming the file and the way out, no traceback.
        print(str(error), file=sys.stderr)
        return 3
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
