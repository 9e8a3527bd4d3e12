"""Part 6: cold start of each operation function vs the bare SDK it wraps, and the size of what ships.

Each sample is a fresh interpreter (a subprocess) timing its own imports with ``perf_counter``, so
interpreter start-up (the same on both sides) does not dilute the ratio. ``shared`` loads the SDK
lazily, so importing a handler alone says little; both sides are therefore timed up to "ready to
send": handler side = import ``index`` + build a ``VodClient`` + build the action's request (what the
first invocation does before any I/O); SDK side = import ``aliyunsdkcore.client`` and the action's
``aliyunsdkvod`` request module + build an ``AcsClient`` and the request. The handler import alone is
in the notes.
"""

from __future__ import annotations

import importlib.util
import io
import os
import statistics
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.harness import NotAvailable, Profile, Row, ms, size_text, verdict_at_most

PART = 6
TITLE = "cold start per function (handler vs bare SDK) and zip size"
TARGET = 1.2
ROOT = Path(__file__).resolve().parent.parent
FUNCTIONS = ROOT / "functions"
REQUEST_PACKAGE = "aliyunsdkvod.request.v20170321"

_HANDLER = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {func_dir!r})
import index
t1 = time.perf_counter()
from shared.client import VodClient
client = VodClient(access_key_id="a", access_key_secret="b", region="cn-shanghai",
                   endpoint="http://127.0.0.1:9")
client._request({action!r}, {{}})
t2 = time.perf_counter()
print(t1 - t0, t2 - t0)
"""

_SDK = """
import time
t0 = time.perf_counter()
from aliyunsdkcore.client import AcsClient
from {package}.{action}Request import {action}Request
t1 = time.perf_counter()
AcsClient("a", "b", "cn-shanghai")
{action}Request()
t2 = time.perf_counter()
print(t1 - t0, t2 - t0)
"""


def function_names(profile: Profile) -> list[str]:
    names = sorted(p.parent.name for p in FUNCTIONS.glob("*/index.py"))
    if profile.coldstart_functions is not None:
        names = [n for n in names if n in profile.coldstart_functions]
    if not names:
        raise NotAvailable("no functions/*/index.py")
    return names


def action_of(name: str) -> str:
    action = "".join(part.capitalize() for part in name.split("_"))
    if importlib.util.find_spec(f"{REQUEST_PACKAGE}.{action}Request") is None:
        raise NotAvailable(f"no SDK request class for {action}")
    return action


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


def measure(name: str, runs: int) -> dict[str, float]:
    action = action_of(name)
    handler = _HANDLER.format(func_dir=str(FUNCTIONS / name), action=action)
    sdk = _SDK.format(package=REQUEST_PACKAGE, action=action)
    _sample(handler), _sample(sdk)  # warm-up: byte-code caches, page cache
    samples: dict[str, list[float]] = {"h_import": [], "h_ready": [], "s_import": [], "s_ready": []}
    for i in range(runs):
        pairs = [("h", handler), ("s", sdk)]
        for side, code in pairs if i % 2 == 0 else reversed(pairs):
            imported, ready = _sample(code)
            samples[f"{side}_import"].append(imported)
            samples[f"{side}_ready"].append(ready)
    return {key: statistics.median(values) for key, values in samples.items()}


def package_size(name: str) -> tuple[int, str]:
    """The function zip's size via ``vodfc package`` when it exists, else a zip of code + shared/."""
    packager = _packager()
    if packager is not None:
        return packager(name), ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted((FUNCTIONS / name).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(FUNCTIONS / name).as_posix())
        for path in sorted((ROOT / "shared").rglob("*.py")):
            if "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(ROOT).as_posix())
    return buffer.tell(), " (index.py + shared/ only: no `vodfc package` yet)"


def _packager() -> Callable[[str], int] | None:
    """A ``name -> zip bytes`` function over the fc-runtime helper's packager, if it has landed."""
    if importlib.util.find_spec("emulator.cli.functions") is None:
        return None
    return None  # the packager's Python API is wired in once it is committed


def run(profile: Profile, results: dict[str, float]) -> list[Row]:
    rows = []
    for name in function_names(profile):
        m = measure(name, profile.coldstart_runs)
        ratio = m["h_ready"] / m["s_ready"]
        size, how = package_size(name)
        results[f"p6.{name}"] = ratio
        rows.append(
            Row(
                PART,
                f"cold start `{name}` (handler + VodClient + request vs bare SDK + request)",
                ms(m["h_ready"]),
                ms(m["s_ready"]),
                ratio,
                f"≤{TARGET}×",
                verdict_at_most(ratio, TARGET),
                f"handler import alone {ms(m['h_import'])}; zip {size_text(size)}{how}",
            )
        )
    return rows
