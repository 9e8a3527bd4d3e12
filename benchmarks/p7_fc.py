"""Part 7: the local FC runtime against the VOD call its function makes, as ``vodfc up`` serves them.

The emulator runs as users run it: ``vodfc up`` in a process of its own (the project's template.yml,
the demo library), the clients in this process.

* (a) latency: one ``fc2.Client.invoke_function`` of the GetVideoInfo function vs one direct VOD
  GetVideoInfo through the core SDK (keep-alive ``AcsClient``), interleaved round by round. The
  invocation is two HTTP hops (fc2 to the FC API, the function's own call to VOD) plus the instance's
  work. The floor row times those two hops with nothing between them: the same ``fc2`` call to a bare
  WSGI app on the same waitress server (``Bare``: answers at once) plus the direct call. Another row
  times the first hop alone (the function refuses an empty event without calling VOD);
* (b) throughput: 16 client threads, each with its own ``fc2.Client``, 50 invocations each, vs 16
  threads of direct calls (their own ``AcsClient``); every invocation must succeed. Both runs keep
  the CPUs busy, so the CPU rows bound it: CPU per call of each process (this one, the emulator, its
  instances) for an invocation, a direct call and the floor;
* (c) cold start: an invocation that has to start a new instance (``DELETE /_vodfc/fc/instances``
  stops them all first: process start, handler import, first SDK client) vs a warm one.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks import emu
from benchmarks.harness import (
    NotAvailable,
    Profile,
    Row,
    Side,
    compare,
    ms,
    verdict_at_least,
    verdict_at_most,
)

PART = 7
TITLE = "FC runtime (fc2 invoke of GetVideoInfo vs direct VOD, vodfc up)"
LATENCY_TARGET = 2.5
THROUGHPUT_TARGET = 0.70
CLIENTS = 16


# A WSGI app answering every request at once, on the server ``vodfc up`` uses (waitress, with its
# settings): what an fc2 call costs with no FC API, runtime or instance behind it.
BARE_SERVER = """
from vodfc.emulator.wsgi_server import make_server


def app(environ, start_response):
    environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", "2")])
    return [b"{}"]


server = make_server(app, "127.0.0.1", 0)
print(f"Serving on http://127.0.0.1:{server.effective_port}", flush=True)
server.run()
"""


class Served:
    """A server in a subprocess that prints ``Serving on URL`` when ready; stopped with SIGTERM."""

    what = "the server"

    def _start(self, command: list[str], env: dict[str, str]) -> None:
        self.proc, self.url, lines = emu.start_server(command, env, r"^Serving on (\S+)", 120)
        if not self.url:
            self.stop()
            raise NotAvailable(f"{self.what} did not start: {''.join(lines)[-300:]}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Up(Served):
    """``vodfc up`` on a free port: the project's template, the demo library."""

    what = "vodfc up"

    def __init__(self, template: Path = emu.REPO / "template.yml") -> None:
        # The admin plane (DELETE /_vodfc/fc/instances) wants the token: choose it.
        self.admin_token = secrets.token_urlsafe(24)
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "VODFC_ADMIN_TOKEN": self.admin_token}
        env.pop("VOD_ENDPOINT", None)
        command = [sys.executable, "-m", "vodfc.emulator", "up", "--port", "0", "--no-demo", "--quiet"]
        self._start([*command, "--template", str(template)], env)


class Bare(Served):
    """``BARE_SERVER`` on a free port."""

    what = "the bare waitress app"

    def __init__(self) -> None:
        self._start([sys.executable, "-c", BARE_SERVER], {**os.environ, "PYTHONUNBUFFERED": "1"})


def fc_client(url: str) -> Any:
    import fc2

    return fc2.Client(endpoint=url, accessKeyID=emu.ACCESS_KEY_ID, accessKeySecret=emu.ACCESS_KEY_SECRET)


def run(profile: Profile, results: dict[str, float]) -> list[Row]:
    emu.require("vodfc.emulator.fc.instances", "emulator/fc/instances.py")
    emu.require("fc2", "the aliyun-fc2 client")
    up = Up()
    try:
        bare = Bare()
        try:
            return _measure(up, bare, profile, results)
        finally:
            bare.stop()
    finally:
        up.stop()


def _measure(up: Up, bare: Bare, profile: Profile, results: dict[str, float]) -> list[Row]:
    import requests

    url, pid, admin_token = up.url, up.proc.pid, up.admin_token

    endpoint = url.removeprefix("http://")
    acs = emu.acs_client(endpoint)
    found = json.loads(
        fc_client(url).invoke_function("vodfc", "SearchMedia", payload=b'{"PageSize": 1}').data
    )
    video_id = found["MediaList"][0]["Video"]["VideoId"]
    payload = json.dumps({"VideoId": video_id}).encode()
    client = fc_client(url)
    bare_client = fc_client(bare.url)

    def invoke() -> None:
        client.invoke_function("vodfc", "GetVideoInfo", payload=payload)

    def direct_call() -> None:
        emu.get_video_info(acs, video_id)

    def bare_call() -> None:
        bare_client.invoke_function("vodfc", "GetVideoInfo", payload=payload)

    # (a) latency, interleaved
    invoked, direct = compare(
        [Side("fc2 invoke", invoke), Side("direct VOD", direct_call)],
        warmup=profile.warmup,
        rounds=profile.rounds,
        inner=profile.inner,
    )
    results["p7.invoke"], results["p7.direct"] = invoked, direct
    ratio = invoked / direct
    rows = [
        Row(
            PART,
            "fc2 invoke_function of GetVideoInfo vs direct VOD GetVideoInfo (core SDK), vodfc up",
            ms(invoked),
            ms(direct),
            ratio,
            f"≤{LATENCY_TARGET}×",
            verdict_at_most(ratio, LATENCY_TARGET),
            f"2 HTTP hops vs 1; median of {profile.rounds}×{profile.inner} calls",
        )
    ]

    # The first hop alone (fc2 to the FC API, the instance's work, no call to VOD): for scale.
    def refused() -> None:
        client.invoke_function("vodfc", "GetVideoInfo", payload=b"{}")

    hop, direct_again = compare(
        [
            Side("fc2 invoke, no VOD call", refused),
            Side("direct VOD", lambda: emu.get_video_info(acs, video_id)),
        ],
        warmup=profile.warmup,
        rounds=profile.rounds,
        inner=profile.inner,
    )
    rows.append(
        Row(
            PART,
            "the first hop alone: fc2 invoke of GetVideoInfo refusing an empty event (no VOD call) vs "
            "direct VOD GetVideoInfo",
            ms(hop),
            ms(direct_again),
            hop / direct_again,
            "for scale",
            "—",
            "what FC adds to the function's own call: fc2's client, the FC API, the instance round trip",
        )
    )

    # Where the CPU goes, per call: this process (the client), the emulator, its instances.
    calls = max(20, profile.inner * profile.rounds // 2)
    direct_cpu = _cpu_per_call(pid, direct_call, calls)
    invoke_cpu = _cpu_per_call(pid, invoke, calls)
    cpu_ratio = sum(invoke_cpu) / sum(direct_cpu)
    rows.append(
        Row(
            PART,
            "CPU per call, client + emulator + instances: fc2 invoke of GetVideoInfo vs direct VOD",
            " + ".join(ms(t) for t in invoke_cpu),
            " + ".join(ms(t) for t in direct_cpu),
            cpu_ratio,
            "for scale",
            "—",
            f"{calls} calls each; a CPU-bound run gives invocations at most 1/{cpu_ratio:.2f} = "
            f"{1 / cpu_ratio:.0%} of the direct calls' rate",
        )
    )

    # (b) throughput under 16 concurrent clients
    per_client = max(2, min(50, profile.inner + profile.rounds))
    direct_rate, direct_errors = _burst(
        lambda: emu.acs_client(endpoint), lambda c: emu.get_video_info(c, video_id), per_client
    )
    invoke_rate, invoke_errors = _burst(
        lambda: fc_client(url),
        lambda c: c.invoke_function("vodfc", "GetVideoInfo", payload=payload),
        per_client,
    )
    share = invoke_rate / direct_rate
    verdict = verdict_at_least(share, THROUGHPUT_TARGET)
    if invoke_errors:
        verdict = f"MISS ({invoke_errors} failed)"
    rows.append(
        Row(
            PART,
            f"{CLIENTS} concurrent fc2 clients × {per_client} invokes of GetVideoInfo: throughput vs "
            f"{CLIENTS} direct VOD clients",
            f"{invoke_rate:.0f} calls/s",
            f"{direct_rate:.0f} calls/s",
            share,
            f"≥{THROUGHPUT_TARGET:.0%}, 0 errors",
            verdict,
            f"{invoke_errors} failed invocations, {direct_errors} failed direct calls",
            ratio_text=f"{share:.0%}",
        )
    )

    # (c) a cold instance vs a warm one
    cold, warm = [], []
    for _ in range(max(2, profile.coldstart_runs * 2)):
        requests.delete(
            f"{url}/_vodfc/fc/instances", headers={"Authorization": f"Bearer {admin_token}"}, timeout=30
        ).raise_for_status()
        start = time.perf_counter()
        invoke()
        cold.append(time.perf_counter() - start)
        start = time.perf_counter()
        invoke()
        warm.append(time.perf_counter() - start)
    cold_median, warm_median = statistics.median(cold), statistics.median(warm)
    rows.append(
        Row(
            PART,
            "cold invoke of GetVideoInfo (new instance: process, import, first client) vs a warm one",
            ms(cold_median),
            ms(warm_median),
            cold_median / warm_median,
            "for scale",
            "—",
            f"median of {len(cold)} cold starts (a blank worker is kept started, so no interpreter boot)",
        )
    )

    # The floor of (a) and (b), measured last so that (a) is timed as it always was: the two hops
    # with nothing between them, an fc2 call to a bare app plus the direct call.
    bare_hop, direct_floor = compare(
        [Side("fc2 to a bare app", bare_call), Side("direct VOD", direct_call)],
        warmup=profile.warmup,
        rounds=profile.rounds,
        inner=profile.inner,
    )
    floor = (bare_hop + direct_floor) / direct_floor
    rows.insert(
        1,
        Row(
            PART,
            "the floor of (a): an fc2 call to a bare waitress app answering at once, plus the direct call",
            ms(bare_hop + direct_floor),
            ms(direct_floor),
            floor,
            "for scale",
            "—",
            f"the two hops and nothing between them (fc2 to the bare app alone: {ms(bare_hop)}): "
            "(a) can come no nearer 1× than this",
        ),
    )
    bare_cpu = _cpu_per_call(bare.proc.pid, bare_call, calls)
    floor_cpu = (sum(bare_cpu) + sum(direct_cpu)) / sum(direct_cpu)
    rows.insert(
        4,
        Row(
            PART,
            "CPU per call of the floor (fc2 to a bare app: client + server; plus the direct call) vs direct",
            f"{ms(bare_cpu[0])} + {ms(bare_cpu[1])} + {ms(sum(direct_cpu))}",
            ms(sum(direct_cpu)),
            floor_cpu,
            "for scale",
            "—",
            f"a runtime costing nothing would still give invocations at most {1 / floor_cpu:.0%} "
            "of the direct calls' rate",
        ),
    )
    return rows


def _cpu_per_call(pid: int, call: Callable[[], Any], n: int) -> tuple[float, float, float]:
    """CPU seconds per call of this process, of process ``pid``, and of ``pid``'s children."""
    for _ in range(5):
        call()
    children = _children(pid)
    before = time.process_time(), _cpu(pid), sum(_cpu(c) for c in children)
    for _ in range(n):
        call()
    after = time.process_time(), _cpu(pid), sum(_cpu(c) for c in children)
    return (after[0] - before[0]) / n, (after[1] - before[1]) / n, (after[2] - before[2]) / n


def _cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii") as stat:
                    if stat.read().rsplit(")", 1)[1].split()[1] == str(pid):
                        found.append(int(entry))
            except OSError:
                continue
    return found


def _burst(make: Callable[[], Any], call: Callable[[Any], Any], per_client: int) -> tuple[float, int]:
    """Calls per second of ``CLIENTS`` threads making ``per_client`` calls each; and the failures."""
    errors: list[BaseException] = []
    start_line = threading.Barrier(CLIENTS + 1)

    def work(_: int) -> None:
        client = make()
        call(client)  # warm: connection, signing, the instance
        start_line.wait()
        for _ in range(per_client):
            try:
                call(client)
            except Exception as exc:
                errors.append(exc)

    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(work, i) for i in range(CLIENTS)]
        start_line.wait()
        start = time.perf_counter()
        for future in futures:
            future.result()
        elapsed = time.perf_counter() - start
    return CLIENTS * per_client / elapsed, len(errors)
