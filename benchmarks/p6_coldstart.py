"""Part 6: cold start of each operation function vs the bare SDK it wraps, and the size of what ships.

Each sample is a fresh interpreter (a subprocess) timing its own imports in CPU time
(``process_time``: other processes on this 2-core box then do not show up as import cost), so
interpreter start-up (the same on both sides) does not dilute the ratio. ``shared`` loads the SDK
lazily, so importing a handler alone says little; both sides are therefore timed up to "ready to
send": handler side = import ``index`` + build a ``VodClient`` + build the action's request (what the
first invocation does before any I/O); SDK side = import ``aliyunsdkcore.client`` and the action's
``aliyunsdkvod`` request module + build an ``AcsClient`` and the request. The handler import alone is
in the notes.
"""

from __future__ import annotations

import concurrent.futures
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from benchmarks.harness import NotAvailable, Profile, Row, ms, na_row, size_text, verdict_at_most

PART = 6
TITLE = "cold start per function (handler vs bare SDK) and zip size"
TARGET = 1.2
ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
REQUEST_PACKAGE = "aliyunsdkvod.request.v20170321"
_COLLECTED = re.compile(r"Collected : (\d+)")

_HANDLER = """
import sys, time
t0 = time.process_time()
sys.path.insert(0, {func_dir!r})
import index
t1 = time.process_time()
from vodfc.shared.client import VodClient
client = VodClient(access_key_id="a", access_key_secret="b", region="cn-shanghai",
                   endpoint="http://127.0.0.1:9")
for action in {actions!r}:
    client._request(action, {{}})
t2 = time.process_time()
print(t1 - t0, t2 - t0)
"""

_SDK = """
import time
t0 = time.process_time()
from aliyunsdkcore.client import AcsClient
{imports}
t1 = time.process_time()
AcsClient("a", "b", "cn-shanghai")
{builds}
t2 = time.process_time()
print(t1 - t0, t2 - t0)
"""


def function_names(profile: Profile) -> list[str]:
    names = sorted(p.parent.name for p in FUNCTIONS.glob("*/index.py"))
    if profile.coldstart_functions is not None:
        names = [n for n in names if n in profile.coldstart_functions]
    if not names:
        raise NotAvailable("no functions/*/index.py")
    return names


def actions_of(name: str) -> list[str]:
    """The VOD actions function ``name`` sends, as ``vodfc generate`` derives them for its role."""
    from vodfc.emulator.project.discover import discover

    actions = list(discover(ROOT).function(name).vod_actions)
    if not actions:
        raise NotAvailable(f"no VOD action found in functions/{name}/index.py")
    return actions


def _sample(code: str) -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONSTARTUP")}
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if out.returncode != 0:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        raise RuntimeError(f"cold-start probe failed: {last}")
    first, second = out.stdout.split()
    return float(first), float(second)


def snippets(name: str) -> tuple[str, str]:
    """The two programs a sample runs: the handler side and the bare-SDK side."""
    actions = actions_of(name)
    handler = _HANDLER.format(func_dir=str(FUNCTIONS / name), actions=actions)
    sdk = _SDK.format(
        imports="\n".join(f"from {REQUEST_PACKAGE}.{a}Request import {a}Request" for a in actions),
        builds="\n".join(f"{a}Request()" for a in actions),
    )
    return handler, sdk


def instructions(code: str) -> int:
    """Instructions one run of ``code`` executes, counted by callgrind: the same on a busy machine."""
    with tempfile.TemporaryDirectory(prefix="vodfc-callgrind-") as tmp:
        out = subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/out", sys.executable, "-c", code],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
    found = _COLLECTED.search(out.stderr)
    if out.returncode != 0 or found is None:
        last = (out.stderr.strip().splitlines() or ["?"])[-1]
        raise RuntimeError(f"callgrind run failed: {last}")
    return int(found.group(1))


def exact_rows(names: list[str]) -> list[Row]:
    """Cold start in instructions (callgrind), minus what an interpreter running ``import sys, time``
    executes; slow (valgrind), so only for a few functions, but free of the machine's noise."""
    if not names:
        return []
    if shutil.which("valgrind") is None:
        return [na_row(PART, "cold start in instructions", "valgrind not installed")]
    programs = {"startup": "import sys, time"}
    for name in names:
        programs[f"h:{name}"], programs[f"s:{name}"] = snippets(name)
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        counts = dict(zip(programs, pool.map(instructions, programs.values()), strict=True))
    rows = []
    for name in names:
        handler = counts[f"h:{name}"] - counts["startup"]
        sdk = counts[f"s:{name}"] - counts["startup"]
        ratio = handler / sdk
        rows.append(
            Row(
                PART,
                f"cold start `{name}` in instructions (callgrind: deterministic)",
                f"{handler / 1e6:.0f} M",
                f"{sdk / 1e6:.0f} M",
                ratio,
                f"≤{TARGET}×",
                verdict_at_most(ratio, TARGET),
                "same programs as the timed rows; interpreter start-up subtracted",
                ratio_text=f"{ratio:.3f}×",
            )
        )
    return rows


def measure(name: str, runs: int, warm_up: bool = False) -> dict[str, float]:
    handler, sdk = snippets(name)
    if warm_up:  # byte-code caches and the page cache, once for the part: the rest is shared
        _sample(handler), _sample(sdk)
    samples: dict[str, list[float]] = {"h_import": [], "h_ready": [], "s_import": [], "s_ready": []}
    for i in range(runs):
        pairs = [("h", handler), ("s", sdk)]
        for side, code in pairs if i % 2 == 0 else reversed(pairs):
            imported, ready = _sample(code)
            samples[f"{side}_import"].append(imported)
            samples[f"{side}_ready"].append(ready)
    medians = {key: statistics.median(values) for key, values in samples.items()}
    # Each handler sample has an SDK sample right beside it: the median of those pairs' ratios
    # cancels the machine's drift better than a ratio of two medians.
    pairs = zip(samples["h_ready"], samples["s_ready"], strict=True)
    medians["ratio"] = statistics.median(h / s for h, s in pairs)
    return medians


def package_sizes(names: list[str], deps: bool = True) -> dict[str, tuple[int, str]]:
    """Each function's zip size: its `vodfc build` package (code + shared/ + FC's wheels) zipped, or, without
    the wheels (``deps`` off, or none cached and no index), index.py + shared/ only."""
    from vodfc.emulator.project import wheels
    from vodfc.emulator.project.build import build, zip_folder
    from vodfc.emulator.project.discover import discover

    project = discover(ROOT)
    by_folder = {f.folder: f.name for f in project.timed + project.operations}
    wanted = [by_folder[name] for name in names if name in by_folder]
    sizes: dict[str, tuple[int, str]] = {}
    why = " (index.py + shared/ only)"
    if deps and wanted:
        with tempfile.TemporaryDirectory(prefix="vodfc-bench-") as out:
            try:
                result = build(ROOT, wanted, out=Path(out), say=lambda line: None)
            except wheels.WheelError as exc:
                why = f" (index.py + shared/ only: {exc})"
            else:
                folders = {n: f for f, n in by_folder.items()}
                for built in result.packages:
                    target = Path(out) / f"{built.name}.zip"
                    zip_folder(built.path, target)
                    sizes[folders[built.name]] = (target.stat().st_size, " `vodfc package`")
    for name in names:
        sizes.setdefault(name, (_plain_zip_size(name), why))
    return sizes


def _plain_zip_size(name: str) -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((FUNCTIONS / name).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(FUNCTIONS / name).as_posix())
        for path in sorted((ROOT / "shared").rglob("*.py")):
            if "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(ROOT).as_posix())
    return buffer.tell()


def run(profile: Profile, results: dict[str, float]) -> list[Row]:
    rows = []
    names = function_names(profile)
    sizes = package_sizes(names, deps=profile.zip_deps)
    for i, name in enumerate(names):
        try:
            m = measure(name, profile.coldstart_runs, warm_up=i == 0)
        except NotAvailable as exc:
            rows.append(na_row(PART, f"cold start `{name}`", str(exc)))
            continue
        ratio = m["ratio"]
        size, how = sizes[name]
        results[f"p6.{name}"] = ratio
        rows.append(
            Row(
                PART,
                f"cold start `{name}` (handler + VodClient + requests vs bare SDK + requests)",
                ms(m["h_ready"]),
                ms(m["s_ready"]),
                ratio,
                f"≤{TARGET}×",
                verdict_at_most(ratio, TARGET),
                f"{', '.join(actions_of(name))}; handler import alone {ms(m['h_import'])}; "
                f"zip {size_text(size)}{how}, code + shared/ {size_text(_plain_zip_size(name))}",
            )
        )
    rows = [summary_row(rows), *rows] if len(rows) > 1 else rows
    exact = [name for name in profile.coldstart_exact if name in names]
    return rows + exact_rows(exact)


def summary_row(rows: list[Row]) -> Row:
    measured = [row for row in rows if row.ratio is not None]
    if not measured:
        return na_row(PART, "cold start, all functions", "no function measured")
    ratios = sorted(row.ratio for row in measured if row.ratio is not None)
    worst = max(measured, key=lambda row: row.ratio or 0.0)
    worst_name = worst.name.split("`")[1]
    over = [row.name.split("`")[1] for row in measured if row.verdict.startswith("MISS")]
    return Row(
        PART,
        f"cold start, all functions: median ratio (worst: `{worst_name}`)",
        f"{len(measured)} functions",
        "",
        statistics.median(ratios),
        f"≤{TARGET}× each",
        verdict_at_most(ratios[-1], TARGET),
        f"worst {ratios[-1]:.2f}×, best {ratios[0]:.2f}×; over target: {', '.join(over) or 'none'}",
    )
