"""Run the parts in order and collect one table; a part that cannot run yet gives an "n/a" row."""

from __future__ import annotations

import importlib
import platform
import sys
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from benchmarks.harness import NotAvailable, Profile, Row, na_row

PART_MODULES = {
    1: "benchmarks.p1_inprocess",
    2: "benchmarks.p2_server",
    3: "benchmarks.p3_moto",
    4: "benchmarks.p4_search",
    5: "benchmarks.p5_batch",
    6: "benchmarks.p6_coldstart",
    7: "benchmarks.p7_fc",
    8: "benchmarks.p8_per_use",
    9: "benchmarks.p9_dashboard",
}


@dataclass
class Report:
    profile: str
    rows: list[Row] = field(default_factory=list)
    results: dict[str, float] = field(default_factory=dict)
    seconds: dict[int, float] = field(default_factory=dict)
    started: datetime = field(default_factory=lambda: datetime.now(timezone.utc))


def run(
    profile: Profile,
    parts: Iterable[int] | None = None,
    progress: Callable[[str], Any] | None = None,
) -> Report:
    report = Report(profile.name)
    for part in sorted(parts or PART_MODULES):
        module_name = PART_MODULES[part]
        start = time.perf_counter()
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            report.rows.append(na_row(part, f"part {part}", "not written yet"))
            continue
        title = getattr(module, "TITLE", f"part {part}")
        if progress:
            progress(f"part {part}: {title} ...")
        try:
            report.rows.extend(module.run(profile, report.results))
        except NotAvailable as exc:
            report.rows.append(na_row(part, title, str(exc)))
        except Exception as exc:
            # One broken part (often a component mid-change) must not hide the others' numbers.
            traceback.print_exc(file=sys.stderr)
            report.rows.append(na_row(part, title, f"error: {type(exc).__name__}: {exc}"))
        report.seconds[part] = time.perf_counter() - start
        if progress:
            progress(f"part {part}: done in {report.seconds[part]:.1f} s")
    return report


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    import os

    return (
        f"Python {platform.python_version()} ({platform.python_implementation()}), {cpu}, "
        f"{os.cpu_count()} CPUs, {platform.system()} {platform.release()}"
    )
