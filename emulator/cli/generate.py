"""``vodfc generate [--check]``: write the files that follow from the functions' declarations.

template.yml, functions/openapi.json and the doc tables listing the functions (``vodfc.emulator.project``).
``--check`` writes nothing and exits 1 naming each stale file (``make lint`` runs it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    generate = subparsers.add_parser(
        "generate",
        help="write template.yml, functions/openapi.json and the doc tables from the functions",
        description="Read every functions/*/index.py (its app and Deploy knobs) and write the files that "
        "follow from them. With --check, write nothing and exit 1 naming each stale file.",
    )
    generate.add_argument("--check", action="store_true", help="only report stale files (exit 1 if any)")
    generate.add_argument("--root", default=None, help="the project folder (default: . or this checkout)")
    generate.set_defaults(func=run_generate)


def project_root(value: str | None) -> Path:
    """``--root``, else the current folder if it holds functions/, else the checkout vodfc runs from."""
    if value:
        return Path(value)
    here = Path.cwd()
    if (here / "functions").is_dir():
        return here
    return Path(__file__).resolve().parents[2]


def run_generate(args: argparse.Namespace) -> int:
    from vodfc.emulator.project.discover import DeclarationError
    from vodfc.emulator.project.docs import MarkerError
    from vodfc.emulator.project.fc2 import Fc2Error
    from vodfc.emulator.project.generate import stale, write
    from vodfc.emulator.project.vod_actions import AnalysisError

    root = project_root(args.root)
    if not (root / "functions").is_dir():
        print(f"vodfc generate: {root} has no functions/ folder (give --root)", file=sys.stderr)
        return 2
    try:
        paths = stale(root) if args.check else write(root)
    except (DeclarationError, AnalysisError) as exc:
        print("vodfc generate: the declarations are inconsistent:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except (MarkerError, Fc2Error, OSError) as exc:
        print(f"vodfc generate: {exc}", file=sys.stderr)
        return 1
    if args.check:
        for path in paths:
            print(f"stale: {path} (run `vodfc generate`)", file=sys.stderr)
        return 1 if paths else 0
    for path in paths:
        print(f"wrote {path}")
    if not paths:
        print("every generated file is up to date")
    return 0
