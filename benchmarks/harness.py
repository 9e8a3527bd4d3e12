"""Timing and reporting: side-by-side medians, one table of ratios, "n/a" for parts not yet buildable.

Two things compared are always measured in the same run and interleaved round by round (A, B, B, A,
...), so drift of the machine (another process, CPU frequency) lands on both sides alike. A round
times ``inner`` calls back to back with the garbage collector off, as ``timeit`` does; the reported
figure is the median over rounds of the per-call time, after warm-up calls on each side.
"""

from __future__ import annotations

import contextlib
import gc
import math
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

Clock = Callable[[], float]


class NotAvailable(Exception):
    """A part cannot run yet (a component it measures is missing); the table says why."""


@dataclass(frozen=True)
class Profile:
    """How much work each part does. ``full`` is ``make bench``; ``quick`` a smoke run; ``tiny`` tests."""

    name: str
    warmup: int = 30
    rounds: int = 25
    inner: int = 40
    moto_inner: int = 20
    search_sizes: tuple[int, ...] = (1_000, 10_000, 100_000)
    search_repeats: int = 25
    batch_n: int = 1_000
    qps_cap: float = 50.0
    qps_items: int = 5_000
    coldstart_runs: int = 7
    coldstart_functions: tuple[str, ...] | None = None  # None: every functions/*/index.py
    # Also counted in instructions under callgrind (deterministic, ~5 s a program): a few functions.
    coldstart_exact: tuple[str, ...] = ("get_video_info", "update_video_infos", "auto_tag", "delete_source")
    zip_deps: bool = True  # package the pinned dependencies into the zips (slow: copies the SDK)
    dashboard_videos: int = 10_000  # the library behind the dashboard's page (part 9)

    def with_changes(self, **changes: Any) -> Profile:
        return replace(self, **changes)


FULL = Profile("full")
QUICK = Profile(
    "quick",
    warmup=10,
    rounds=5,
    inner=20,
    moto_inner=10,
    search_sizes=(200, 2_000),
    search_repeats=7,
    batch_n=200,
    qps_cap=50.0,
    qps_items=1_500,
    coldstart_runs=3,
    coldstart_functions=("get_video_info", "update_video_infos", "search_media"),
    coldstart_exact=(),
    dashboard_videos=2_000,
)
TINY = Profile(
    "tiny",
    warmup=2,
    rounds=2,
    inner=3,
    moto_inner=2,
    search_sizes=(50, 200),
    search_repeats=3,
    batch_n=45,
    qps_cap=50.0,
    qps_items=60,
    coldstart_runs=1,
    coldstart_functions=("get_video_info",),
    coldstart_exact=(),
    zip_deps=False,
    dashboard_videos=60,
)
PROFILES = {p.name: p for p in (FULL, QUICK, TINY)}


@dataclass
class Row:
    """One line of the table. ``ratio`` is value / baseline (or the part's own figure of merit)."""

    part: int
    name: str
    value: str = ""
    baseline: str = ""
    ratio: float | None = None
    target: str = ""
    verdict: str = ""
    note: str = ""
    ratio_text: str | None = None  # shown instead of ``ratio`` (e.g. a growth exponent)


@dataclass
class Side:
    """One side of a comparison: ``call`` is timed; ``active`` wraps each round (patching on/off)."""

    label: str
    call: Callable[[], Any]
    active: Callable[[], contextlib.AbstractContextManager[Any]] = field(
        default=lambda: contextlib.nullcontext()
    )


@contextlib.contextmanager
def _gc_off() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def time_calls(call: Callable[[], Any], n: int, clock: Clock = time.perf_counter) -> float:
    """Seconds per call over ``n`` back-to-back calls, the collector off (as ``timeit`` does)."""
    with _gc_off():
        start = clock()
        for _ in range(n):
            call()
        return (clock() - start) / n


def compare(
    sides: list[Side], *, warmup: int, rounds: int, inner: int, clock: Clock = time.perf_counter
) -> list[float]:
    """Median seconds per call of each side, measured interleaved: A B / B A / A B ..."""
    for side in sides:
        with side.active():
            for _ in range(warmup):
                side.call()
    samples: list[list[float]] = [[] for _ in sides]
    for r in range(rounds):
        order = list(range(len(sides)))
        if r % 2:
            order.reverse()
        for i in order:
            with sides[i].active():
                samples[i].append(time_calls(sides[i].call, inner, clock))
    return [statistics.median(s) for s in samples]


def ms(seconds: float) -> str:
    value = seconds * 1000
    if value >= 99.95:
        return f"{value:.0f} ms"
    if value >= 9.995:
        return f"{value:.1f} ms"
    if value >= 0.9995:
        return f"{value:.2f} ms"
    return f"{value:.3f} ms"


def size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n} B"


def count_text(n: int) -> str:
    if n >= 1000 and n % 1000 == 0:
        return f"{n // 1000}k"
    return str(n)


def verdict_at_most(ratio: float, limit: float) -> str:
    """'ok', or how far over the limit (in percent of the limit)."""
    if ratio <= limit:
        return "ok"
    over = (ratio / limit - 1) * 100
    return f"MISS (+{over:.1f}%)" if over < 1 else f"MISS (+{over:.0f}%)"


def verdict_at_least(value: float, floor: float) -> str:
    if value >= floor:
        return "ok"
    return f"MISS (-{(1 - value / floor) * 100:.0f}%)"


def na_row(part: int, name: str, reason: str, target: str = "") -> Row:
    return Row(part, name, target=target, verdict=f"n/a ({reason})")


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None or math.isnan(ratio):
        return ""
    if ratio >= 100:
        return f"{ratio:.0f}×"
    return f"{ratio:.2f}×"


HEADERS = ("#", "benchmark", "measured", "baseline", "ratio", "target", "result", "notes")


def render(rows: list[Row]) -> str:
    """A Markdown table (pasted as is into benchmarks/README.md)."""
    lines = [
        "| " + " | ".join(HEADERS) + " |",
        "|" + "|".join("---" for _ in HEADERS) + "|",
    ]
    for row in rows:
        cells = (
            str(row.part),
            row.name,
            row.value,
            row.baseline,
            row.ratio_text if row.ratio_text is not None else fmt_ratio(row.ratio),
            row.target,
            row.verdict,
            row.note,
        )
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines)


def misses(rows: list[Row]) -> list[Row]:
    return [row for row in rows if row.verdict.startswith("MISS")]
