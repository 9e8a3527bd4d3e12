"""``python -m benchmarks [--quick] [--only N ...]``: measure and print one table of ratios."""

from __future__ import annotations

import argparse
import sys
import time

from benchmarks.harness import FULL, PROFILES, QUICK, misses, render
from benchmarks.runner import PART_MODULES, machine, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats (a smoke run)")
    parser.add_argument(
        "--only",
        type=int,
        action="append",
        choices=sorted(PART_MODULES),
        metavar="N",
        help="run only part N (repeatable): 1 in-process, 2 server, 3 moto, 4 search, 5 batch, 6 cold start",
    )
    parser.add_argument(
        "--profile", choices=sorted(PROFILES), help="sizes by name (tiny: what the smoke test runs)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    profile = PROFILES[args.profile] if args.profile else QUICK if args.quick else FULL
    start = time.perf_counter()
    report = run(profile, args.only, progress=lambda line: print(line, file=sys.stderr, flush=True))
    elapsed = time.perf_counter() - start
    print(f"vodfc benchmarks ({profile.name}), {report.started:%Y-%m-%d %H:%M} UTC")
    print(f"machine: {machine()}")
    print()
    print(render(report.rows))
    print()
    print(f"total {elapsed:.0f} s")
    return 1 if args.strict and misses(report.rows) else 0


if __name__ == "__main__":
    sys.exit(main())
