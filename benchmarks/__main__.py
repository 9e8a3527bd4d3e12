"""``python -m benchmarks [--quick] [--only N ...]``: measure and print one table of ratios."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from benchmarks.harness import FULL, PROFILES, QUICK, misses, render
from benchmarks.runner import PART_MODULES, machine, run

README = Path(__file__).with_name("README.md")
START, END = "<!-- bench:start -->", "<!-- bench:end -->"


def write_readme(path: Path, text: str) -> None:
    """Replace what stands between the markers; the hand-written analysis around them stays."""
    readme = path.read_text(encoding="utf-8")
    head, sep, rest = readme.partition(START)
    _, sep2, tail = rest.partition(END)
    if not sep or not sep2:
        raise SystemExit(f"{path} has no {START} ... {END} markers")
    path.write_text(f"{head}{START}\n{text}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats (a smoke run)")
    parser.add_argument(
        "--only",
        type=int,
        action="append",
        choices=sorted(PART_MODULES),
        metavar="N",
        help="run only part N (repeatable): 1 in-process, 2 server, 3 moto, 4 search, 5 batch, 6 cold start, "
        "7 FC runtime, 8 per-use cost",
    )
    parser.add_argument(
        "--profile", choices=sorted(PROFILES), help="sizes by name (tiny: what the smoke test runs)"
    )
    parser.add_argument(
        "--readme",
        action="store_true",
        help="also write the table into benchmarks/README.md (between its bench:start/end markers)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    profile = PROFILES[args.profile] if args.profile else QUICK if args.quick else FULL
    start = time.perf_counter()
    report = run(profile, args.only, progress=lambda line: print(line, file=sys.stderr, flush=True))
    elapsed = time.perf_counter() - start
    text = "\n".join(
        [
            f"vodfc benchmarks ({profile.name}), {report.started:%Y-%m-%d %H:%M} UTC, total {elapsed:.0f} s",
            "",
            f"machine: {machine()}",
            "",
            render(report.rows),
        ]
    )
    print(text)
    if args.readme:
        write_readme(README, text)
        print(f"\nwritten to {README}", file=sys.stderr)
    return 1 if args.strict and misses(report.rows) else 0


if __name__ == "__main__":
    sys.exit(main())
