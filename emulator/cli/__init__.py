"""The ``vodfc`` command line.

Each command group lives in its own module beside this one and exposes ``register(subparsers)``;
this module only builds the parser, so that importing the CLI stays cheap and a broken group
cannot take the others down with it.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# Modules under emulator/cli/ that contribute subcommands, in the order --help lists them.
COMMAND_MODULES = ("server", "functions", "events", "faults", "generate")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vodfc",
        description="Local ApsaraVideo VOD + Function Compute emulator and the vodfc functions.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"vodfc.emulator.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"vodfc.emulator.cli.{name}":
                raise
            continue
        module.register(subparsers)
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
