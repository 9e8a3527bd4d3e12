"""The ``vodfc`` command line.

Each command group lives in its own module beside this one and exposes ``register(subparsers)``;
this module only builds the parser. The groups import what their commands need inside the commands,
so that importing the CLI (``vodfc --help``) stays cheap.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from vodfc.emulator.cli import build, events, faults, functions, generate, server, store

# The command groups, in the order --help lists them.
COMMAND_GROUPS = (server, functions, build, events, faults, store, generate)


def build_parser() -> argparse.ArgumentParser:
    from vodfc import __version__

    parser = argparse.ArgumentParser(
        prog="vodfc",
        description="Local ApsaraVideo VOD + Function Compute emulator and the vodfc functions.",
    )
    parser.add_argument("--version", action="version", version=f"vodfc {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from vodfc.emulator.store import StoreUnavailable

    words = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
    except ImportError as exc:  # some groups' options come from the emulator's packages
        return _without_the_extra(exc, words)
    args = parser.parse_args(words)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        result = args.func(args)
    except StoreUnavailable as error:
        # A database that cannot be opened: one message naming the file and the way out, no traceback.
        print(str(error), file=sys.stderr)
        return 3
    except ImportError as exc:
        return _without_the_extra(exc, [args.command])
    return int(result or 0)


def _without_the_extra(error: ImportError, words: list[str]) -> int:
    """vodfc installed without its emulator extra: --version still answers; anything else is one line
    saying what to install."""
    from vodfc.emulator.extra import message, missing_module

    from vodfc import __version__

    module = missing_module(error)
    if module is None:
        raise error
    if "--version" in words:
        print(f"vodfc {__version__}")
        return 0
    command = next((word for word in words if not word.startswith("-")), None)
    print(f"vodfc{f' {command}' if command else ''}: {message(module)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
