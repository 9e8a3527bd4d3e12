"""``vodfc build`` and ``vodfc package``: the functions' code packages, as FC needs them.

* ``vodfc build [NAME ...]`` — one folder per code package under ``build/fc/`` (code, ``shared/``, the
  locked dependencies for FC's Python), rebuilt only when its inputs changed; prints what it did.
  ``--lock`` first resolves requirements.txt for FC's Python into requirements.lock.
* ``vodfc package [NAME ...]`` — the same build, then one deterministic zip per package (``dist/``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from vodfc.emulator.cli.generate import project_root


def register(subparsers: Any) -> None:
    build = subparsers.add_parser(
        "build",
        help="build each function's code folder (code, shared/, FC's dependencies) under build/fc/",
        description="Write one folder per code package under build/fc/<Name>/: the function's code, "
        "shared/ and the dependencies of requirements.lock as wheels for FC's Python (CPython 3.10, "
        "manylinux x86_64). Unchanged packages are not rebuilt. template.yml and s.yaml point here.",
    )
    build.add_argument("names", nargs="*", metavar="NAME", help="only these packages (default: all)")
    _common(build)
    build.add_argument(
        "--lock", action="store_true", help="first resolve requirements.txt for FC into requirements.lock"
    )
    build.set_defaults(func=run_build)

    package = subparsers.add_parser(
        "package",
        help="build, then zip each code package (what FC unpacks) into dist/",
        description="Run `vodfc build` and write one zip per code package: dist/<Name>.zip holds exactly "
        "build/fc/<Name>/, with fixed timestamps (the same inputs give the same bytes).",
    )
    package.add_argument("names", nargs="*", metavar="NAME", help="only these packages (default: all)")
    _common(package)
    package.add_argument("--dist", default=None, help="where the zips go (default: <root>/dist)")
    package.set_defaults(func=run_package)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=None, help="the project folder (default: . or this checkout)")
    parser.add_argument("--out", default=None, help="the build folder (default: <root>/build/fc)")
    parser.add_argument(
        "--wheel-cache",
        default=None,
        help="downloaded wheels (default: ~/.cache/vodfc/wheels, VODFC_CACHE_DIR)",
    )


def _build(args: argparse.Namespace) -> Any:
    from vodfc.emulator.project import wheels
    from vodfc.emulator.project.build import BuildError, build
    from vodfc.emulator.project.discover import DeclarationError

    root = project_root(args.root)
    try:
        if getattr(args, "lock", False):
            wheels.write_lock(root)
        return build(
            root,
            args.names,
            out=Path(args.out) if args.out else None,
            cache=Path(args.wheel_cache) if args.wheel_cache else None,
        )
    except DeclarationError as exc:
        print("vodfc build: the declarations are inconsistent:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
    except (BuildError, wheels.WheelError, OSError) as exc:
        print(f"vodfc build: {exc}", file=sys.stderr)
    return None


def run_build(args: argparse.Namespace) -> int:
    return 0 if _build(args) is not None else 1


def run_package(args: argparse.Namespace) -> int:
    from vodfc.emulator.project.build import zip_folder

    result = _build(args)
    if result is None:
        return 1
    dist = Path(args.dist) if args.dist else project_root(args.root) / "dist"
    total = 0
    for built in result.packages:
        target = dist / f"{built.name}.zip"
        files = zip_folder(built.path, target)
        size = target.stat().st_size
        total += size
        print(f"  {target}  {_size(size)}  ({files} files)")
    print(f"{len(result.packages)} zip(s), {_size(total)} in all")
    return 0


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{size / 1024:.1f} KB"
